/* gdbstub.c - the session: create, reset, feed, monitor output. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub_int.h"

static bool config_valid(const struct gdbstub_config *cfg)
{
	const struct gdbstub_target_ops *ops = cfg->ops;
	const char *why;

	if (!ops || !ops->read_reg || !ops->write_reg || !ops->read_mem ||
	    !ops->write_mem || !ops->cont)
		return false;
	if (!cfg->write || !cfg->buf || cfg->buf_len < GDBSTUB_MIN_BUF)
		return false;
	return cfg->layout && gdb_layout_check(cfg->layout, &why) == 0;
}

void gdb_stub_set_layout(struct gdbstub *stub, const struct gdb_layout *l)
{
	unsigned int i;

	stub->layout = l;
	for (i = 0; i < l->nr_regs; i++)
		if (l->regs[i].flags & GDB_REG_PC)
			stub->pc_index = (int)i;
}

/* The layout the target says it is in now, if valid; else the current.
 * Asked at every stop: a layout is checked once (the check walks every
 * register's type, ~10 us, a few percent of a stepi). */
static const struct gdb_layout *target_layout(struct gdbstub *stub)
{
	const struct gdb_layout *l = NULL;
	const char *why;

	if (stub->ops->layout)
		l = stub->ops->layout(stub->cfg.ctx);
	if (!l)
		return stub->layout;
	if (l == stub->layout || l == stub->checked_layout)
		return l;
	if (gdb_layout_check(l, &why) < 0)
		return stub->layout;
	stub->checked_layout = l;
	return l;
}

void gdb_choose_layout(struct gdbstub *stub)
{
	gdb_stub_set_layout(stub, target_layout(stub));
}

const char *gdb_moved_layout(struct gdbstub *stub)
{
	if (!stub->gdb_exec_events || !stub->ops->exec_file ||
	    target_layout(stub) == stub->layout)
		return NULL;
	return stub->ops->exec_file(stub->cfg.ctx);
}

bool gdbstub_follows_layout(struct gdbstub *stub)
{
	return stub->gdb_exec_events && stub->ops->exec_file &&
	       stub->ops->exec_file(stub->cfg.ctx);
}

const struct gdb_layout *gdbstub_layout(const struct gdbstub *stub)
{
	return stub->layout;
}

struct gdbstub *gdbstub_create(const struct gdbstub_config *cfg)
{
	struct gdbstub *stub;
	size_t half;

	if (!cfg || !config_valid(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	stub = calloc(1, sizeof(*stub));
	if (!stub)
		return NULL;
	stub->cfg = *cfg;
	stub->ops = cfg->ops;
	/* Half the lent buffer receives (plus a NUL), half transmits.  gdb
	 * sends packets up to PacketSize, frame included, and sizes its m
	 * requests so the hex reply fits in PacketSize: both fit.
	 */
	half = cfg->buf_len / 2;
	stub->rx = cfg->buf;
	stub->rx_cap = half - 1;
	stub->tx = (char *)cfg->buf + half;
	stub->tx_cap = cfg->buf_len - half;
	stub->pkt_size = half - 8;
	gdbstub_reset(stub);
	return stub;
}

void gdbstub_destroy(struct gdbstub *stub)
{
	free(stub);
}

void gdbstub_reset(struct gdbstub *stub)
{
	stub->rx_state = GDB_RX_IDLE;
	stub->rx_len = 0;
	stub->tx_len = 0;
	stub->tx_sent = 0;
	stub->no_ack = false;
	stub->enter_no_ack = false;
	stub->gdb_swbreak = false;
	stub->gdb_hwbreak = false;
	stub->gdb_exec_events = false;
	stub->exec_state = GDB_EXEC_NONE;
	stub->step_over = false;
	stub->phys_mode = false;	/* a new debugger starts virtual */
	stub->sstep_flags = GDB_SSTEP_ALL;	/* QEMU's default */
	stub->threads_in_stop = false;
	stub->state = GDB_SESSION_STOPPED;
	stub->interrupt_pending = false;
	stub->range_active = false;
	memset(&stub->last_stop, 0, sizeof(stub->last_stop));
	stub->last_stop.reason = GDBSTUB_STOP_SIGNAL;
	stub->last_stop.signo = 5;	/* SIGTRAP: stopped, at your service */
	stub->write_err = 0;
	gdb_stub_set_layout(stub, stub->cfg.layout);
}

int gdbstub_feed(struct gdbstub *stub, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		if (stub->state == GDB_SESSION_CLOSED)
			break;
		gdb_rx_byte(stub, p[i]);
		if (stub->write_err)
			return stub->write_err;
	}
	return stub->state == GDB_SESSION_CLOSED ? GDBSTUB_CLOSE : GDBSTUB_OK;
}

void gdbstub_out_write(struct gdbstub_out *out, const char *text, size_t len)
{
	gdb_send_console(out->stub, text, len);
}

void gdbstub_out_printf(struct gdbstub_out *out, const char *fmt, ...)
{
	struct gdbstub *stub = out->stub;
	size_t room = (stub->tx_cap - 8) / 3;
	char *text = stub->tx + stub->tx_cap - room;
	va_list ap;
	int n;

	/* Format at the end of tx; the hex O packet is built from the front
	 * and, at 2 bytes per byte from a third of the buffer, never reaches
	 * the text it reads.  Longer output is cut at the room.
	 */
	va_start(ap, fmt);
	n = vsnprintf(text, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room)
		n = (int)room - 1;
	gdb_send_console(stub, text, (size_t)n);
}
