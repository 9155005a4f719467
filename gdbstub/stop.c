/* stop.c - resuming the target, its stops, and the replies that say why
 * ("Stop Reply Packets", "Interrupts", and vCont's range stepping).
 */
#include <errno.h>
#include <string.h>

#include "gdbstub_int.h"

#define GDB_SIGINT	2	/* gdb's signal numbers ("Stop Reply") */
#define GDB_SIGTRAP	5

static void build_exec_reply(struct gdbstub *stub, const char *file);
static uint64_t read_pc(struct gdbstub *stub, bool *ok);

/* A held breakpoint stop whose breakpoint gdb did not insert again after
 * the exec was one of gdb's own (a step-resume breakpoint of next or
 * step, which gdb deletes at an exec): reported as a breakpoint, gdb
 * would take it for one it had removed meanwhile and run on (measured).
 * A plain SIGTRAP stops it where the step got to. */
static void held_break_or_trap(struct gdbstub *stub)
{
	struct gdbstub_stop *s = &stub->held_stop;

	if ((s->reason == GDBSTUB_STOP_SWBREAK ||
	     s->reason == GDBSTUB_STOP_HWBREAK) && !stub->held_bp_back) {
		s->reason = GDBSTUB_STOP_SIGNAL;
		s->signo = GDB_SIGTRAP;
	}
}

/* Each packet from gdb while a stop is held behind an exec stop. A Z0 or
 * Z1 at the pc: gdb inserted that breakpoint again (held_break_or_trap).
 * After the step done in place (exec_resume), a z or a thread list: gdb
 * stops there for the user (a breakpoint at that pc), and the held stop
 * would only repeat it at the next resume. */
void gdb_exec_packet(struct gdbstub *stub, const char *pkt)
{
	const char *p = pkt + 1;
	uint64_t type, addr;
	bool ok;

	if (stub->exec_state != GDB_EXEC_HELD_STOP)
		return;
	if (stub->held_stepped && (pkt[0] == 'z' ||
				   !strcmp(pkt, "qfThreadInfo"))) {
		stub->exec_state = GDB_EXEC_NONE;
		return;
	}
	if (pkt[0] == 'Z' && gdb_parse_u64(&p, &type) == 0 && type <= 1 &&
	    *p++ == ',' && gdb_parse_u64(&p, &addr) == 0 &&
	    read_pc(stub, &ok) == addr && ok)
		stub->held_bp_back = true;
}

/* A resume while gdb follows a new layout. GDB_EXEC_HELD_STOP: gdb
 * followed the exec stop and resumes by itself (vCont;c, even in the
 * middle of a stepi; vCont;s first if it was stepping off a breakpoint,
 * measured); the stop it has not seen answers the continue, or the
 * guest would run away. GDB_EXEC_DUE: this resume gets the exec stop,
 * and is kept for gdb's next. True if the reply is built in tx; else
 * *step and *signo are the resume to do. */
static bool exec_resume(struct gdbstub *stub, bool *step, int *signo,
			bool *reverse)
{
	const char *file;

	switch (stub->exec_state) {
	case GDB_EXEC_HELD_STOP:
		if (*step && !stub->held_stepped) {
			/* gdb owes a step from before the exec (it was
			 * stepping off a breakpoint): done, in place. Its
			 * continue after it gets the held stop, whether
			 * the step off was for a stepi or a continue: the
			 * packets are the same, and stopping is the safe
			 * guess (a stepi must not run away). */
			struct gdbstub_stop done = { .reason = GDBSTUB_STOP_STEP };

			stub->held_stepped = true;
			stub->range_active = false;
			gdb_build_stop_reply(stub, &done);
			return true;
		}
		stub->exec_state = GDB_EXEC_NONE;
		stub->range_active = false;
		held_break_or_trap(stub);
		stub->last_stop = stub->held_stop;
		gdb_build_stop_reply(stub, &stub->held_stop);
		return true;
	case GDB_EXEC_DUE:
		stub->exec_state = GDB_EXEC_NONE;
		file = gdb_moved_layout(stub);
		if (!file)
			return false;	/* gdb has read the layout itself */
		stub->held_resume.step = *step;
		stub->held_resume.signo = *signo;
		stub->held_resume.reverse = *reverse;
		stub->held_resume.range = stub->range_active;
		stub->held_resume.start = stub->range_start;
		stub->held_resume.end = stub->range_end;
		stub->range_active = false;
		stub->exec_state = GDB_EXEC_HELD_RESUME;
		build_exec_reply(stub, file);
		return true;
	case GDB_EXEC_HELD_RESUME:
		stub->exec_state = GDB_EXEC_NONE;
		*step = stub->held_resume.step;
		*signo = stub->held_resume.signo;
		*reverse = stub->held_resume.reverse;
		stub->range_active = stub->held_resume.range;
		stub->range_start = stub->held_resume.start;
		stub->range_end = stub->held_resume.end;
		return false;
	default:
		return false;
	}
}

static int resume_backward(struct gdbstub *stub, bool step);
static int resume_forward(struct gdbstub *stub, bool step, int signo);

int gdb_resume(struct gdbstub *stub, bool step, int signo)
{
	bool reverse = false;

	if (exec_resume(stub, &step, &signo, &reverse))
		return GDB_REPLY;
	return reverse ? resume_backward(stub, step) :
			 resume_forward(stub, step, signo);
}

static int resume_forward(struct gdbstub *stub, bool step, int signo)
{
	int err;

	/* QEMU's meaning of a cleared Qqemu.sstep ENABLE bit: no single
	 * stepping, the step runs like a continue. */
	if (!(stub->sstep_flags & GDB_SSTEP_ENABLE)) {
		step = false;
		stub->range_active = false;
	}
	/* gdb steps off a breakpoint before a stepi and a continue alike,
	 * and after an exec it cannot be told which it was (exec_resume). */
	stub->step_over = step && (stub->last_stop.reason == GDBSTUB_STOP_SWBREAK ||
				   stub->last_stop.reason == GDBSTUB_STOP_HWBREAK);
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

/* bs and bc: backwards.  No signal and no range: gdb steps ranges
 * backwards itself, one bs at a time.  After an exec stop gdb resumes
 * in its direction: a held stop answers a bc as it does a vCont;c. */
int gdb_resume_reverse(struct gdbstub *stub, bool step)
{
	bool reverse = true;
	int signo = 0;

	if (exec_resume(stub, &step, &signo, &reverse))
		return GDB_REPLY;
	return reverse ? resume_backward(stub, step) :
			 resume_forward(stub, step, signo);
}

static int resume_backward(struct gdbstub *stub, bool step)
{
	int err;

	stub->state = GDB_SESSION_RUNNING;
	stub->interrupt_pending = false;
	stub->range_active = false;
	if (step)
		err = stub->ops->reverse_step(stub->cfg.ctx);
	else
		err = stub->ops->reverse_cont(stub->cfg.ctx);
	if (err < 0) {
		stub->state = GDB_SESSION_STOPPED;
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

/* replaylog:begin or replaylog:end ("Stop Reply Packets"). */
static void tx_replaylog(struct gdbstub *stub, const struct gdbstub_stop *s)
{
	if (s->replaylog == GDBSTUB_REPLAYLOG_BEGIN)
		gdb_tx_str(stub, "replaylog:begin;");
	else if (s->replaylog == GDBSTUB_REPLAYLOG_END)
		gdb_tx_str(stub, "replaylog:end;");
}

static void tx_reason(struct gdbstub *stub, const struct gdbstub_stop *s)
{
	const char *watch = NULL;

	tx_replaylog(stub, s);
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

static uint64_t read_pc(struct gdbstub *stub, bool *ok);

/* After QListThreadsInStopReply (LLDB): the thread list and each
 * thread's pc ride along, so LLDB need not ask for them at every stop.
 * thread-pcs is a number, most significant digit first, as LLDB parses
 * it.  gdb never asks for this, so never sees the keys. */
static void tx_thread_list(struct gdbstub *stub)
{
	bool ok;
	uint64_t pc;

	if (!stub->threads_in_stop)
		return;
	gdb_tx_str(stub, "threads:1;");
	pc = read_pc(stub, &ok);
	if (!ok)
		return;
	gdb_tx_str(stub, "thread-pcs:");
	gdb_tx_hex_u64(stub, pc);
	gdb_tx_char(stub, ';');
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
	tx_thread_list(stub);
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

/* The target's layout changed under gdb (a guest entering long mode):
 * an exec stop event ("Stop Reply Packets", exec; advertised as
 * exec-events+). gdb 13 skips this reply's registers, drops its target
 * description, loads the file again, reads target.xml (only then does
 * the session's layout change), inserts its breakpoints and resumes;
 * the real stop answers that resume (measured with gdb 13.1). A held
 * step goes out as it is, T05: gdb dropped its stepi at the exec, and
 * reports a SIGTRAP (T00 or another signal would let it run on). */
static void build_exec_reply(struct gdbstub *stub, const char *file)
{
	gdb_tx_begin(stub);
	gdb_tx_char(stub, 'T');
	gdb_tx_hex_u8(stub, GDB_SIGTRAP);
	gdb_tx_str(stub, "exec:");
	gdb_tx_hex(stub, file, strlen(file));
	gdb_tx_str(stub, ";thread:1;");
}

bool gdbstub_exec_deferred(const struct gdbstub *stub,
			   const struct gdbstub_stop *s)
{
	/* gdb decides whether a write watchpoint stops by comparing the
	 * value with the one it read before; at an exec stop it reads it
	 * again, so a watch hit held behind one is lost (measured). */
	(void)stub;
	return s->reason == GDBSTUB_STOP_WATCH ||
	       s->reason == GDBSTUB_STOP_RWATCH ||
	       s->reason == GDBSTUB_STOP_AWATCH;
}

bool gdbstub_stepping_off_break(const struct gdbstub *stub)
{
	return stub->step_over;
}


int gdbstub_stopped(struct gdbstub *stub, const struct gdbstub_stop *stop)
{
	struct gdbstub_stop s = *stop;
	const char *exec;

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
	/* W and X end the target: no layout to follow. */
	exec = s.reason == GDBSTUB_STOP_EXITED ||
	       s.reason == GDBSTUB_STOP_TERMINATED ? NULL : gdb_moved_layout(stub);
	if (exec && gdbstub_exec_deferred(stub, &s))
		stub->exec_state = GDB_EXEC_DUE;
	if (exec && !gdbstub_exec_deferred(stub, &s)) {
		stub->exec_state = GDB_EXEC_HELD_STOP;
		stub->held_stop = s;
		stub->held_bp_back = false;
		stub->held_stepped = false;
		build_exec_reply(stub, exec);
	} else {
		gdb_build_stop_reply(stub, &s);
	}
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
