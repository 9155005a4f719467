/* fake_target.c - the reference target: see fake_target.h. */
#include <errno.h>
#include <string.h>

#include "fake_target.h"

#define OP_HLT		0xf4
#define OP_JMP_SELF	0xeb
#define OP_STORE	0x88
#define OP_LOAD		0x8a
#define OP_INT3		0xcc

void fake_target_init(struct fake_target *t, const struct gdb_layout *l)
{
	memset(t, 0, sizeof(*t));
	t->layout = l;
}

uint64_t fake_reg(const struct fake_target *t, enum gdb_x86_reg id)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | t->regs[id][i];
	return v;
}

void fake_set_reg(struct fake_target *t, enum gdb_x86_reg id, uint64_t v)
{
	int i;

	memset(t->regs[id], 0, sizeof(t->regs[id]));
	for (i = 0; i < 8; i++)
		t->regs[id][i] = (uint8_t)(v >> (8 * i));
}

static int fake_read_reg(void *ctx, unsigned int id, void *buf, size_t len)
{
	struct fake_target *t = ctx;

	if (id >= GDB_X86_NR_REGS || len > sizeof(t->regs[id]))
		return -EINVAL;
	memcpy(buf, t->regs[id], len);
	return 0;
}

static int fake_write_reg(void *ctx, unsigned int id, const void *buf,
			  size_t len)
{
	struct fake_target *t = ctx;

	if (id >= GDB_X86_NR_REGS || len > sizeof(t->regs[id]))
		return -EINVAL;
	memset(t->regs[id], 0, sizeof(t->regs[id]));	/* zero-extend */
	memcpy(t->regs[id], buf, len);
	return 0;
}

/* Bytes inside RAM; -EFAULT if none are. */
static ssize_t ram_span(uint64_t addr, size_t len)
{
	if (addr >= FAKE_RAM_SIZE)
		return -EFAULT;
	if (len > FAKE_RAM_SIZE - addr)
		len = FAKE_RAM_SIZE - addr;
	return (ssize_t)len;
}

static ssize_t fake_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake_target *t = ctx;
	ssize_t n = ram_span(addr, len);

	if (n > 0)
		memcpy(buf, t->ram + addr, (size_t)n);
	return n;
}

static ssize_t fake_write_mem(void *ctx, uint64_t addr, const void *buf,
			      size_t len)
{
	struct fake_target *t = ctx;
	ssize_t n = ram_span(addr, len);

	if (n > 0)
		memcpy(t->ram + addr, buf, (size_t)n);
	return n;
}

static int fake_cont(void *ctx, int signo)
{
	struct fake_target *t = ctx;

	t->run = FAKE_RUNNING;
	t->conts++;
	t->last_signo = signo;
	return 0;
}

static int fake_step(void *ctx, int signo)
{
	struct fake_target *t = ctx;

	t->run = FAKE_STEPPING;
	t->steps++;
	t->last_signo = signo;
	return 0;
}

static int fake_interrupt(void *ctx)
{
	struct fake_target *t = ctx;

	t->interrupted = true;
	return 0;
}

static int fake_set_break(void *ctx, enum gdbstub_bp_type type,
			  uint64_t addr, unsigned int kind)
{
	struct fake_target *t = ctx;

	if (t->refuse_bp_types & GDBSTUB_BP_MASK(type))
		return -EOPNOTSUPP;
	if (t->nr_bps == FAKE_MAX_BPS)
		return -ENOSPC;
	t->bps[t->nr_bps++] = (struct fake_bp){ type, addr, kind };
	return 0;
}

static int fake_remove_break(void *ctx, enum gdbstub_bp_type type,
			     uint64_t addr, unsigned int kind)
{
	struct fake_target *t = ctx;
	unsigned int i;

	(void)kind;
	for (i = 0; i < t->nr_bps; i++) {
		if (t->bps[i].type != type || t->bps[i].addr != addr)
			continue;
		t->bps[i] = t->bps[--t->nr_bps];
		return 0;
	}
	return -ENOENT;
}

/* monitor hello | fail | long | anything else */
static int fake_monitor(void *ctx, const char *cmd, struct gdbstub_out *out)
{
	static const char line[] = "0123456789abcdef0123456789abcdef\n";
	unsigned int i;

	(void)ctx;
	if (strcmp(cmd, "hello") == 0) {
		gdbstub_out_printf(out, "hello, %s\n", "world");
		return 0;
	}
	if (strcmp(cmd, "fail") == 0)
		return -EIO;
	if (strcmp(cmd, "long") == 0) {
		for (i = 0; i < 1000; i++)
			gdbstub_out_write(out, line, sizeof(line) - 1);
		return 0;
	}
	gdbstub_out_printf(out, "unknown command: %s\n", cmd);
	return -EINVAL;
}

static void fake_detach(void *ctx)
{
	struct fake_target *t = ctx;

	t->detached = true;
	t->nr_bps = 0;
}

static void fake_detach_stopped(void *ctx)
{
	struct fake_target *t = ctx;

	t->detached_stopped = true;
	t->nr_bps = 0;
}

const size_t *fake_written;

static void fake_kill(void *ctx)
{
	struct fake_target *t = ctx;

	t->killed = true;
	t->kill_after_reply = fake_written && *fake_written > 0;
}

/* Physical memory: its own small array. */
static ssize_t fake_read_phys(void *ctx, uint64_t addr, void *buf,
			      size_t len)
{
	struct fake_target *t = ctx;

	if (addr >= FAKE_PHYS_SIZE)
		return -EFAULT;
	if (len > FAKE_PHYS_SIZE - addr)
		len = FAKE_PHYS_SIZE - addr;
	memcpy(buf, t->phys + addr, len);
	return (ssize_t)len;
}

static ssize_t fake_write_phys(void *ctx, uint64_t addr, const void *buf,
			       size_t len)
{
	struct fake_target *t = ctx;

	if (addr >= FAKE_PHYS_SIZE || len > FAKE_PHYS_SIZE - addr)
		return -EFAULT;
	memcpy(t->phys + addr, buf, len);
	return (ssize_t)len;
}

/* [0, FAKE_RW_END) rw-, [FAKE_RW_END, FAKE_RAM_SIZE) r-x, then a hole to
 * the top of the address space. */
static int fake_mem_region(void *ctx, uint64_t addr, struct gdbstub_region *r)
{
	(void)ctx;
	if (addr < FAKE_RW_END)
		*r = (struct gdbstub_region){ 0, FAKE_RW_END,
					      GDBSTUB_PERM_R | GDBSTUB_PERM_W };
	else if (addr < FAKE_RAM_SIZE)
		*r = (struct gdbstub_region){ FAKE_RW_END,
					      FAKE_RAM_SIZE - FAKE_RW_END,
					      GDBSTUB_PERM_R | GDBSTUB_PERM_X };
	else
		*r = (struct gdbstub_region){ FAKE_RAM_SIZE,
					      UINT64_MAX - FAKE_RAM_SIZE, 0 };
	return 0;
}

static const struct gdb_layout *fake_layout(void *ctx)
{
	struct fake_target *t = ctx;

	return t->layout;
}

const struct gdbstub_target_ops fake_target_ops = {
	.read_reg = fake_read_reg,
	.write_reg = fake_write_reg,
	.read_mem = fake_read_mem,
	.write_mem = fake_write_mem,
	.cont = fake_cont,
	.step = fake_step,
	.interrupt = fake_interrupt,
	.set_break = fake_set_break,
	.remove_break = fake_remove_break,
	.break_types = GDBSTUB_BP_ALL,
	.monitor = fake_monitor,
	.detach = fake_detach,
	.detach_stopped = fake_detach_stopped,
	.kill = fake_kill,
	.layout = fake_layout,
	.read_phys = fake_read_phys,
	.write_phys = fake_write_phys,
	.mem_region = fake_mem_region,
};

/* ---- the toy CPU ----------------------------------------------------- */

static const struct fake_bp *bp_at(const struct fake_target *t, uint64_t pc)
{
	unsigned int i;

	for (i = 0; i < t->nr_bps; i++)
		if (t->bps[i].addr == pc && (t->bps[i].type == GDBSTUB_BP_SW ||
					     t->bps[i].type == GDBSTUB_BP_HW))
			return &t->bps[i];
	return NULL;
}

/* A data access at addr hitting a watchpoint: the stop to report. */
static bool watch_hit(const struct fake_target *t, uint64_t addr,
		      bool write, struct gdbstub_stop *stop)
{
	unsigned int i;

	for (i = 0; i < t->nr_bps; i++) {
		const struct fake_bp *b = &t->bps[i];
		enum gdbstub_bp_type ty = b->type;

		if (ty < GDBSTUB_WP_WRITE || addr < b->addr ||
		    addr >= b->addr + b->kind)
			continue;
		if ((ty == GDBSTUB_WP_WRITE && !write) ||
		    (ty == GDBSTUB_WP_READ && write))
			continue;
		stop->reason = ty == GDBSTUB_WP_WRITE ? GDBSTUB_STOP_WATCH :
			       ty == GDBSTUB_WP_READ ? GDBSTUB_STOP_RWATCH :
			       GDBSTUB_STOP_AWATCH;
		stop->addr = addr;
		return true;
	}
	return false;
}

/* One instruction.  Returns true with *stop filled if it stops. */
static bool fake_exec(struct fake_target *t, struct gdbstub_stop *stop)
{
	uint64_t pc = fake_reg(t, GDB_X86_RIP);
	uint64_t rbx = fake_reg(t, GDB_X86_RBX) % FAKE_RAM_SIZE;
	uint8_t op;

	if (pc >= FAKE_RAM_SIZE) {	/* fetch from no memory: SIGSEGV */
		stop->reason = GDBSTUB_STOP_SIGNAL;
		stop->signo = 11;
		return true;
	}
	op = t->ram[pc];
	switch (op) {
	case OP_HLT:
		stop->reason = GDBSTUB_STOP_EXITED;
		stop->status = t->regs[GDB_X86_RAX][0];
		return true;
	case OP_JMP_SELF:
		return false;
	case OP_INT3:		/* pc stays at the int3: swbreak's rule */
		stop->reason = GDBSTUB_STOP_SWBREAK;
		return true;
	case OP_STORE:
		t->ram[rbx] = t->regs[GDB_X86_RAX][0];
		break;
	case OP_LOAD:
		t->regs[GDB_X86_RAX][0] = t->ram[rbx];
		break;
	default:
		break;
	}
	fake_set_reg(t, GDB_X86_RIP, pc + 1);
	if (op == OP_STORE || op == OP_LOAD)
		return watch_hit(t, rbx, op == OP_STORE, stop);
	return false;
}

static bool fake_run(struct fake_target *t, unsigned int max,
		     struct gdbstub_stop *stop)
{
	unsigned int i;

	for (i = 0; i < max; i++) {
		const struct fake_bp *b;

		if (t->interrupted) {
			stop->reason = GDBSTUB_STOP_INTERRUPT;
			return true;
		}
		/* the first instruction runs even from a breakpoint */
		b = i ? bp_at(t, fake_reg(t, GDB_X86_RIP)) : NULL;
		if (b) {
			stop->reason = b->type == GDBSTUB_BP_SW ?
				GDBSTUB_STOP_SWBREAK : GDBSTUB_STOP_HWBREAK;
			return true;
		}
		if (fake_exec(t, stop))
			return true;
		if (t->run == FAKE_STEPPING) {
			stop->reason = GDBSTUB_STOP_STEP;
			return true;
		}
	}
	return false;
}

int fake_target_poll(struct fake_target *t, struct gdbstub *stub,
		     unsigned int max_insns)
{
	struct gdbstub_stop stop = { .reason = GDBSTUB_STOP_SIGNAL };

	if (t->run == FAKE_STOPPED)
		return 0;
	if (!fake_run(t, max_insns, &stop))
		return 0;
	t->run = FAKE_STOPPED;
	t->interrupted = false;
	gdbstub_stopped(stub, &stop);
	return 1;
}

/* ---- the gdb side of the wire ----------------------------------------- */

static int hex_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;		/* the stub sends lower case only */
}

bool fake_stream_check(struct fake_stream *st, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = p[i];
		int d;

		switch (st->state) {
		case 0:
			if (c == '$') {
				st->state = 1;
				st->sum = 0;
			} else if (c != '+' && c != '-') {
				return false;
			}
			break;
		case 1:
			if (c == '$')
				return false;
			if (c == '#')
				st->state = 2;
			else
				st->sum += c;
			break;
		default:
			d = hex_digit(c);
			if (d < 0)
				return false;
			if (st->state == 2) {
				st->csum = (uint8_t)(d << 4);
				st->state = 3;
				break;
			}
			if ((uint8_t)(st->csum | d) != st->sum)
				return false;
			st->state = 0;
			break;
		}
	}
	return true;
}

size_t fake_stream_frame(uint8_t *out, const uint8_t *body, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t sum = 0;
	size_t i, n = 0;

	out[n++] = '$';
	for (i = 0; i < len; i++) {
		uint8_t c = body[i];

		if (c == '#' || c == '$' || c == '}' || c == '*') {
			out[n++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		out[n++] = c;
		sum += c;
	}
	out[n++] = '#';
	out[n++] = (uint8_t)digits[sum >> 4];
	out[n++] = (uint8_t)digits[sum & 0xf];
	return n;
}
