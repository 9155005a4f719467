/* stop.c - resuming the target, its stops, and the replies that say why
 * ("Stop Reply Packets", "Interrupts", and vCont's range stepping).
 */
#include <errno.h>
#include <string.h>

#include "gdbstub_int.h"

#define GDB_SIGINT	2	/* gdb's signal numbers ("Stop Reply") */
#define GDB_SIGTRAP	5

int gdb_resume(struct gdbstub *stub, bool step, int signo)
{
	int err;

	stub->state = GDB_SESSION_RUNNING;
	stub->interrupt_pending = false;
	if (step)
		err = stub->ops->step(stub->cfg.ctx, signo);
	else
		err = stub->ops->cont(stub->cfg.ctx, signo);
	if (err < 0) {
		/* gdb reads an E reply to a resume as "stopped, SIGNAL 0" */
		stub->state = GDB_SESSION_STOPPED;
		stub->range_active = false;
		return err;
	}
	return GDB_NO_REPLY;
}

/* ^C outside a packet.  Ignored while stopped (it raced a stop reply). */
void gdb_on_interrupt(struct gdbstub *stub)
{
	if (stub->state != GDB_SESSION_RUNNING || stub->interrupt_pending)
		return;
	stub->interrupt_pending = true;
	/* Range stepping stops at its next step by itself. */
	if (stub->ops->interrupt && !stub->range_active)
		stub->ops->interrupt(stub->cfg.ctx);
}

static void tx_reason(struct gdbstub *stub, const struct gdbstub_stop *s)
{
	const char *watch = NULL;

	switch (s->reason) {
	case GDBSTUB_STOP_SWBREAK:
		/* only if gdb said it understands it (qSupported) */
		if (stub->gdb_swbreak)
			gdb_tx_str(stub, "swbreak:;");
		return;
	case GDBSTUB_STOP_HWBREAK:
		if (stub->gdb_hwbreak)
			gdb_tx_str(stub, "hwbreak:;");
		return;
	case GDBSTUB_STOP_WATCH:
		watch = "watch:";
		break;
	case GDBSTUB_STOP_RWATCH:
		watch = "rwatch:";
		break;
	case GDBSTUB_STOP_AWATCH:
		watch = "awatch:";
		break;
	default:
		return;
	}
	gdb_tx_str(stub, watch);
	gdb_tx_hex_u64(stub, s->addr);
	gdb_tx_char(stub, ';');
}

/* The registers marked GDB_REG_EXPEDITE ride along ("n:r;") so that gdb
 * needs no g or p after a stepi.
 */
static void tx_expedited(struct gdbstub *stub)
{
	const struct gdb_layout *l = stub->layout;
	uint8_t val[16];
	unsigned int i;

	for (i = 0; i < l->nr_regs; i++) {
		if (!(l->regs[i].flags & GDB_REG_EXPEDITE))
			continue;
		if (gdb_read_reg(stub, i, val) < 0)
			continue;
		gdb_tx_hex_u8(stub, i);
		gdb_tx_char(stub, ':');
		gdb_tx_hex(stub, val, l->regs[i].bitsize / 8);
		gdb_tx_char(stub, ';');
	}
}

static int stop_signal(const struct gdbstub_stop *s)
{
	if (s->signo)
		return s->signo;
	return s->reason == GDBSTUB_STOP_INTERRUPT ? GDB_SIGINT : GDB_SIGTRAP;
}

/* W, X or T ("Stop Reply Packets") into tx. */
int gdb_build_stop_reply(struct gdbstub *stub, const struct gdbstub_stop *s)
{
	gdb_tx_begin(stub);
	switch (s->reason) {
	case GDBSTUB_STOP_EXITED:
		gdb_tx_char(stub, 'W');
		gdb_tx_hex_u8(stub, (unsigned int)s->status);
		return GDB_REPLY;
	case GDBSTUB_STOP_TERMINATED:
		gdb_tx_char(stub, 'X');
		gdb_tx_hex_u8(stub, (unsigned int)stop_signal(s));
		return GDB_REPLY;
	default:
		break;
	}
	gdb_tx_char(stub, 'T');
	gdb_tx_hex_u8(stub, (unsigned int)stop_signal(s));
	tx_reason(stub, s);
	gdb_tx_str(stub, "thread:1;");
	tx_expedited(stub);
	return GDB_REPLY;
}

static uint64_t read_pc(struct gdbstub *stub, bool *ok)
{
	const struct gdb_reg *r = &stub->layout->regs[stub->pc_index];
	uint8_t val[16] = { 0 };
	uint64_t pc = 0;
	unsigned int i;

	*ok = gdb_read_reg(stub, (unsigned int)stub->pc_index, val) == 0;
	for (i = 0; i < r->bitsize / 8 && i < 8; i++)
		pc |= (uint64_t)val[i] << (8 * i);
	return pc;
}

/* vCont;r: a plain step that leaves the pc inside [start, end) is not
 * reported; the target steps again.  Returns true if it did.
 */
static bool range_step_again(struct gdbstub *stub,
			     const struct gdbstub_stop *s)
{
	bool ok;
	uint64_t pc;

	if (!stub->range_active || s->reason != GDBSTUB_STOP_STEP ||
	    stub->interrupt_pending || s->console_len)
		return false;
	pc = read_pc(stub, &ok);
	if (!ok || pc < stub->range_start || pc >= stub->range_end)
		return false;
	return stub->ops->step(stub->cfg.ctx, 0) == 0;
}

int gdbstub_stopped(struct gdbstub *stub, const struct gdbstub_stop *stop)
{
	struct gdbstub_stop s = *stop;

	s.console = NULL;	/* not kept: the caller owns it */
	s.console_len = 0;
	if (stub->state == GDB_SESSION_CLOSED)
		return 0;
	if (stub->state != GDB_SESSION_RUNNING) {
		stub->last_stop = s;	/* for '?' */
		return 0;
	}
	if (range_step_again(stub, stop))
		return 0;
	/* gdb asked for ^C: a plain step (or a signal stop without a signal
	 * of its own) is its answer.  Breakpoints and faults say more.
	 */
	if (stub->interrupt_pending && (s.reason == GDBSTUB_STOP_STEP ||
					(s.reason == GDBSTUB_STOP_SIGNAL &&
					 !s.signo))) {
		s.reason = GDBSTUB_STOP_INTERRUPT;
		s.signo = 0;
	}
	if (stop->console_len)
		gdb_send_console(stub, stop->console, stop->console_len);
	stub->range_active = false;
	stub->interrupt_pending = false;
	stub->state = GDB_SESSION_STOPPED;
	stub->last_stop = s;
	gdb_build_stop_reply(stub, &s);
	gdb_tx_send(stub);
	return stub->write_err;
}

bool gdbstub_running(const struct gdbstub *stub)
{
	return stub->state == GDB_SESSION_RUNNING;
}

ssize_t gdbstub_console(struct gdbstub *stub, const void *buf, size_t len)
{
	int err;

	if (stub->state != GDB_SESSION_RUNNING)
		return 0;
	err = gdb_send_console(stub, buf, len);
	return err < 0 ? err : (ssize_t)len;
}
