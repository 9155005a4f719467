/* gdb_target.c - the VM as a gdbstub target.
 *
 * Two threads meet here. The vCPU thread (machine.c) runs the guest and,
 * when it stops, parks in gdb_target_wait(); the stub thread (gdbserver.c)
 * feeds gdb's bytes to the stub, whose ops below read and write the parked
 * vCPU's registers and memory and hand back a resume request. A mutex and
 * a condition variable guard the hand-over; an eventfd wakes the stub
 * thread's poll() when a stop is ready.
 *
 * Addresses from gdb are guest-virtual (linear): every memory access goes
 * through the guest's own page tables (mmu.c) and then vm_gpa(), so no
 * address gdb sends can reach host memory outside guest RAM.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "console.h"
#include "gdb_target.h"
#include "gdbstub.h"
#include "kvm.h"
#include "monitor.h"
#include "mmu.h"
#include "probe.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

#define GDB_SIGTRAP	5
#define GDB_SIGSEGV	11

static int load_state(struct gdb_target *t);

/* The bits that make the CPU mode (modes.h, mode_now). */
static struct mode_bits mode_bits_of(const struct kvm_sregs *s)
{
	return (struct mode_bits){ .pe = s->cr0 & MMU_CR0_PE,
				   .lma = s->efer & MMU_EFER_LMA,
				   .l = s->cs.l, .db = s->cs.db };
}

/* vCPU thread: the port bus's observer, told of every access. */
static enum bus_result io_catch(void *ctx, const struct bus_access *a,
				struct stop *stop)
{
	struct gdb_target *t = ctx;
	const struct catchpoint *c;
	uint32_t v = 0;
	unsigned i;
	char ch[8] = "";

	for (i = 0; i < t->ncatch; i++) {
		c = &t->catches[i];
		if (c->hlt || a->addr < c->lo || a->addr > c->hi ||
		    !(a->is_write ? c->out : c->in))
			continue;
		memcpy(&v, a->data, a->len < sizeof(v) ? a->len : sizeof(v));
		if (a->addr == 0xe9) {
			unsigned char b = a->data[0];

			if (b == '\n')
				snprintf(ch, sizeof(ch), " '\\n'");
			else if (b >= 0x20 && b < 0x7f)
				snprintf(ch, sizeof(ch), " '%c'", b);
		}
		stop->reason = STOP_CATCH;
		snprintf(stop->note, sizeof(stop->note),
			 "vmm: catch %u: %s port 0x%x, %u byte%s: 0x%x%s%s\n",
			 c->id, a->is_write ? "OUT to" : "IN from",
			 (unsigned)a->addr, a->len, a->len == 1 ? "" : "s", v,
			 ch, a->count > 1 ? " (string I/O: first of a batch)" : "");
		return BUS_STOP;
	}
	return BUS_DONE;
}

/* monitor console gdb: port 0xE9 bytes queued for gdb's console; the stub
 * thread sends them as O packets (the stub is not thread-safe). */
static void console_mirror(void *ctx, const void *data, size_t len)
{
	static const uint64_t one = 1;
	struct gdb_target *t = ctx;
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = sizeof(t->conbuf) - t->conlen;
	if (n > len)
		n = len;
	memcpy(t->conbuf + t->conlen, data, n);
	t->conlen += n;
	pthread_mutex_unlock(&t->lock);
	if (write(t->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_warn("waking the gdb stub: %m");
}

void gdb_target_console(struct gdb_target *t, bool to_gdb)
{
	t->console_gdb = to_gdb;
	t->con->mirror = to_gdb ? console_mirror : NULL;
	t->con->mirror_ctx = t;
}

unsigned gdb_target_catch_hlt(struct gdb_target *t)
{
	unsigned i;

	for (i = 0; i < t->ncatch; i++)
		if (t->catches[i].hlt)
			return t->catches[i].id;
	return 0;
}

/* issue 17: does a catchpoint want OUTs to port? (Coalescing stays off.) */
bool gdb_target_catches_out(struct gdb_target *t, uint16_t port)
{
	unsigned i;

	for (i = 0; i < t->ncatch; i++)
		if (!t->catches[i].hlt && t->catches[i].out &&
		    port >= t->catches[i].lo && port <= t->catches[i].hi)
			return true;
	return false;
}

int gdb_target_init(struct gdb_target *t, struct vm *vm, struct vcpu *vcpu,
		    struct console *con)
{
	memset(t, 0, sizeof(*t));
	t->vm = vm;
	t->vcpu = vcpu;
	t->con = con;
	t->next_catch = 1;
	vcpu->pio->observe = io_catch;
	vcpu->pio->observe_ctx = t;
	t->vcpu_thread = pthread_self();
	t->stopped = true;
	t->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->wake_fd < 0) {
		pr_err("eventfd: %m");
		return -1;
	}
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	debug_init(&t->dbg, vm, vcpu);
	record_init(&t->rec, vm, vcpu, &t->dbg, con);
	return 0;
}

void gdb_target_free(struct gdb_target *t)
{
	debug_free(&t->dbg);
	record_free(&t->rec);
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	t->wake_fd = -1;
}

/* ---- the vCPU thread's side ------------------------------------------ */

enum gdb_req gdb_target_wait(struct gdb_target *t)
{
	struct timespec ts;
	enum gdb_req req;

	pthread_mutex_lock(&t->lock);
	while (t->req == GDB_REQ_NONE) {
		/* Wake now and then: SIGINT/SIGTERM only set a flag. */
		if (vcpu_quit_signal) {
			pthread_mutex_unlock(&t->lock);
			return GDB_REQ_QUIT;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&t->cond, &t->lock, &ts);
	}
	req = t->req;
	t->stopped = false;
	pthread_mutex_unlock(&t->lock);
	return req;
}

void gdb_target_stop(struct gdb_target *t, const struct stop *stop)
{
	static const uint64_t one = 1;

	console_flush(t->con);	/* issue 17: guest output before each stop */
	pthread_mutex_lock(&t->lock);
	t->stop = *stop;
	t->req = GDB_REQ_NONE;
	t->want_stop = false;
	t->stopped = true;
	t->stop_ready = true;
	t->have_regs = false;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	if (write(t->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_warn("waking the gdb stub: %m");
}

bool gdb_target_attached(struct gdb_target *t)
{
	bool attached;

	pthread_mutex_lock(&t->lock);
	attached = t->attached;
	pthread_mutex_unlock(&t->lock);
	return attached;
}

bool gdb_target_wants_stop(struct gdb_target *t)
{
	bool want;

	pthread_mutex_lock(&t->lock);
	want = t->want_stop;
	pthread_mutex_unlock(&t->lock);
	return want;
}

void gdb_target_gone(struct gdb_target *t)
{
	pthread_mutex_lock(&t->lock);
	t->gone = true;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

void gdb_target_wait_final(struct gdb_target *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 2;
	pthread_mutex_lock(&t->lock);
	while (!t->final_sent && t->attached)
		if (pthread_cond_timedwait(&t->cond, &t->lock, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&t->lock);
}

/* ---- the stub thread's side ------------------------------------------ */

/* Park a running vCPU: kick it and wait until it reports the stop. Called
 * with the lock held. */
static void park(struct gdb_target *t)
{
	struct timespec ts;

	if (t->stopped || t->gone)
		return;
	t->want_stop = true;
	pthread_kill(t->vcpu_thread, SIGUSR1);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	while (!t->stopped && !t->gone)
		if (pthread_cond_timedwait(&t->cond, &t->lock, &ts) == ETIMEDOUT)
			break;
}

/* A session's breakpoints, watchpoints, catchpoints and console mirror
 * die with it: the next gdb starts clean (a killed gdb never sent z). */
static void forget_session(struct gdb_target *t)
{
	debug_clear(&t->dbg);
	record_forget(&t->rec);
	t->ncatch = 0;
	gdb_target_console(t, false);
}

void gdb_target_attach(struct gdb_target *t)
{
	pthread_mutex_lock(&t->lock);
	t->attached = true;
	park(t);
	forget_session(t);
	t->stop_ready = false;	/* the stop of the attach itself: '?' has it */
	t->have_regs = false;
	pthread_mutex_unlock(&t->lock);
	t->told_valid = false;	/* the mode gdb connects in: no news */
	if (load_state(t) == 0) {
		t->told = mode_bits_of(&t->sregs);
		t->told_valid = true;
	}
}

bool gdb_target_disconnect(struct gdb_target *t, bool vanished)
{
	bool over;

	pthread_mutex_lock(&t->lock);
	over = t->final_sent;
	if (!over && vanished) {
		park(t);	/* gdb died mid-continue: pause the guest */
		forget_session(t);
	}
	t->attached = false;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	return !over;
}

/* The one mapping from vmm's stop record to the stop reply gdb gets. */
static void stop_reply(const struct stop *s, struct gdbstub_stop *r)
{
	static const enum gdbstub_stop_reason watch_reason[] = {
		[WATCH_WRITE] = GDBSTUB_STOP_WATCH,
		[WATCH_READ] = GDBSTUB_STOP_RWATCH,
		[WATCH_ACCESS] = GDBSTUB_STOP_AWATCH,
	};

	memset(r, 0, sizeof(*r));
	r->reason = GDBSTUB_STOP_SIGNAL;
	switch (s->reason) {
	case STOP_STEP:		r->reason = GDBSTUB_STOP_STEP; break;
	case STOP_INTERRUPT:	r->reason = GDBSTUB_STOP_INTERRUPT; break;
	case STOP_SWBREAK:	r->reason = GDBSTUB_STOP_SWBREAK; break;
	case STOP_HWBREAK:	r->reason = GDBSTUB_STOP_HWBREAK; break;
	case STOP_WATCH:
		r->reason = watch_reason[s->watch];
		r->addr = s->addr;
		break;
	case STOP_CRASH:
	case STOP_ERROR:
	case STOP_DEBUG:
		r->signo = GDB_SIGSEGV;
		break;
	case STOP_EXITED:
		r->reason = GDBSTUB_STOP_EXITED;
		r->status = s->status;
		break;
	default:		/* attach, HLT, catchpoints */
		r->signo = GDB_SIGTRAP;
		break;
	}
	if (s->history_begin)
		r->replaylog = GDBSTUB_REPLAYLOG_BEGIN;
	r->console = s->note[0] ? s->note : NULL;
	r->console_len = strlen(s->note);
}

/* "CR0.PE=1, CS.D=1": what changed between two modes, for the note. CS.D
 * means nothing in real mode and must be 0 with CS.L (SDM 3A 3.4.5). */
static void mode_bits_diff(struct mode_bits a, struct mode_bits b,
			   char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (a.pe != b.pe)
		n += snprintf(buf + n, len - n, ", CR0.PE=%d", b.pe);
	if (a.lma != b.lma && n < len)
		n += snprintf(buf + n, len - n, ", EFER.LMA=%d", b.lma);
	if (a.l != b.l && b.lma && n < len)
		n += snprintf(buf + n, len - n, ", CS.L=%d", b.l);
	if (a.db != b.db && b.pe && !b.l && n < len)
		snprintf(buf + n, len - n, ", CS.D=%d", b.db);
	if (buf[0])
		memmove(buf, buf + 2, strlen(buf + 2) + 1);
}

/* What a layout shows, for the line that says it changed. */
static const char *layout_words(const struct gdb_layout *l)
{
	if (l == &gdb_x86_64_layout)
		return "64-bit registers and code";
	if (l == &gdb_i386_layout)
		return "32-bit registers and code";
	return "16-bit code (with the 32-bit registers)";
}

/* The guest stopped in another layout than gdb's (it changed mode since
 * the last stop): one line on gdb's console before the stop's own note.
 * The stub sends the exec stop that makes gdb follow, if gdb can. */
static void mode_note(struct gdb_target *t, struct gdbstub *stub,
		      struct gdbstub_stop *r, char *buf, size_t len)
{
	const struct gdb_layout *now = gdb_target_layout(t);
	struct mode_bits was = t->told;
	const char *mode;
	char why[80];
	int n;

	if (!stub || !now || r->reason == GDBSTUB_STOP_EXITED)
		return;
	t->told = mode_bits_of(&t->sregs);
	if (!t->told_valid) {
		t->told_valid = true;
		return;
	}
	mode_bits_diff(was, t->told, why, sizeof(why));
	mode = mode_now_name(mode_now(&t->sregs));
	if (!why[0])	/* said already, or nothing to say */
		return;
	if (now == gdbstub_layout(stub))
		n = snprintf(buf, len, "vmm: the guest entered %s (%s)\n", mode, why);
	else if (gdbstub_follows_layout(stub) && gdbstub_exec_deferred(stub, r))
		n = snprintf(buf, len, "vmm: the guest entered %s (%s); gdb shows %s from the next continue or step\n",
			     mode, why, layout_words(now));
	else if (gdbstub_follows_layout(stub))
		n = snprintf(buf, len, "vmm: the guest entered %s (%s); gdb now shows %s%s\n",
			     mode, why, layout_words(now),
			     r->reason != GDBSTUB_STOP_STEP ? "" :
			     gdbstub_stepping_off_break(stub) ?
			     " (it stops here even for a continue from a breakpoint on the switch: continue again)" :
			     " (it reports this step as a SIGTRAP)");
	else
		n = snprintf(buf, len, "vmm: the guest entered %s (%s); this debugger keeps the layout it connected with: for %s, 'unset tdesc filename' in gdb, or reconnect\n",
			     mode, why, layout_words(now));
	if (n < 0 || (size_t)n >= len)
		return;
	snprintf(buf + n, len - n, "%.*s", (int)r->console_len,
		 r->console ? r->console : "");
	r->console = buf;
	r->console_len = strlen(buf);
}

void gdb_target_deliver(struct gdb_target *t, struct gdbstub *stub)
{
	struct gdbstub_stop reply;
	char con[GDB_CONBUF], note[1024];
	size_t conlen;
	uint64_t n;
	bool ready;

	if (read(t->wake_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&t->lock);
	ready = t->stop_ready;
	t->stop_ready = false;
	conlen = t->conlen;
	memcpy(con, t->conbuf, conlen);
	t->conlen = 0;
	if (ready)
		stop_reply(&t->stop, &reply);
	pthread_mutex_unlock(&t->lock);
	if (conlen && stub)	/* before the stop reply: gdb is waiting */
		gdbstub_console(stub, con, conlen);
	if (!ready)
		return;
	mode_note(t, stub, &reply, note, sizeof(note));
	if (stub)
		gdbstub_stopped(stub, &reply);
	if (reply.reason == GDBSTUB_STOP_EXITED) {
		pthread_mutex_lock(&t->lock);
		t->final_sent = true;
		pthread_cond_broadcast(&t->cond);
		pthread_mutex_unlock(&t->lock);
	}
}

/* ---- registers ---------------------------------------------------------- */

/* The general and system registers, once per stop. The x87/SSE state
 * (KVM_GET_FPU) waits until gdb asks for one of its registers: a stop
 * reply and the memory reads after it never do, and each vCPU ioctl
 * costs 5-25 us on kvm_pvm (bench/gdb.sh; issue 17). */
static int load_state(struct gdb_target *t)
{
	if (t->have_regs)
		return 0;
	if (kvm_ioctl(t->vcpu->fd, KVM_GET_REGS, &t->regs) < 0 ||
	    kvm_ioctl(t->vcpu->fd, KVM_GET_SREGS, &t->sregs) < 0)
		return -errno;
	t->have_regs = true;
	t->have_fpu = false;
	t->dirty_regs = t->dirty_sregs = t->dirty_fpu = false;
	return 0;
}

/* load_state, and the FPU too if register id lives there. */
static int load_state_for(struct gdb_target *t, unsigned int id)
{
	int err = load_state(t);

	if (err || t->have_fpu || id < GDB_X86_ST0 || id > GDB_X86_MXCSR)
		return err;
	if (kvm_ioctl(t->vcpu->fd, KVM_GET_FPU, &t->fpu) < 0)
		return -errno;
	t->have_fpu = true;
	return 0;
}

/* Put gdb's register writes back before the guest runs again. */
static int flush_state(struct gdb_target *t)
{
	if (!t->have_regs)
		return 0;
	if (t->dirty_regs || t->dirty_sregs || t->dirty_fpu)
		record_touched(&t->rec);	/* the recorded future is void */
	if ((t->dirty_regs && kvm_ioctl(t->vcpu->fd, KVM_SET_REGS, &t->regs) < 0) ||
	    (t->dirty_sregs && kvm_ioctl(t->vcpu->fd, KVM_SET_SREGS, &t->sregs) < 0) ||
	    (t->dirty_fpu && kvm_ioctl(t->vcpu->fd, KVM_SET_FPU, &t->fpu) < 0)) {
		pr_err("writing gdb's register changes: %m");
		return -errno;
	}
	t->have_regs = false;
	return 0;
}

enum reg_home { IN_REGS, IN_SREGS, IN_FPU };

/* Where a register lives in KVM's structures, and how wide it is there. */
static void *reg_field(struct gdb_target *t, unsigned int id, size_t *size,
		       enum reg_home *home)
{
	struct kvm_regs *r = &t->regs;
	struct kvm_sregs *s = &t->sregs;
	struct kvm_segment *segs[] = { &s->cs, &s->ss, &s->ds, &s->es,
				       &s->fs, &s->gs };
	__u64 *gprs[] = { &r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi,
			     &r->rdi, &r->rbp, &r->rsp, &r->r8, &r->r9,
			     &r->r10, &r->r11, &r->r12, &r->r13, &r->r14,
			     &r->r15, &r->rip, &r->rflags };

	*home = IN_REGS;
	*size = 8;
	if (id <= GDB_X86_EFLAGS)
		return gprs[id];
	*home = IN_SREGS;
	if (id >= GDB_X86_CS && id <= GDB_X86_GS) {
		*size = 2;
		return &segs[id - GDB_X86_CS]->selector;
	}
	switch (id) {
	case GDB_X86_FS_BASE:	return &s->fs.base;
	case GDB_X86_GS_BASE:	return &s->gs.base;
	case GDB_X86_CR0:	return &s->cr0;
	case GDB_X86_CR2:	return &s->cr2;
	case GDB_X86_CR3:	return &s->cr3;
	case GDB_X86_CR4:	return &s->cr4;
	case GDB_X86_CR8:	return &s->cr8;
	case GDB_X86_EFER:	return &s->efer;
	}
	*home = IN_FPU;
	if (id >= GDB_X86_ST0 && id <= GDB_X86_ST7) {
		*size = 10;
		return t->fpu.fpr[id - GDB_X86_ST0];
	}
	if (id >= GDB_X86_XMM0 && id <= GDB_X86_XMM15) {
		*size = 16;
		return t->fpu.xmm[id - GDB_X86_XMM0];
	}
	*size = 2;
	switch (id) {
	case GDB_X86_FCTRL:	return &t->fpu.fcw;
	case GDB_X86_FSTAT:	return &t->fpu.fsw;
	case GDB_X86_FOP:	return &t->fpu.last_opcode;
	case GDB_X86_FIOFF:	*size = 4; return &t->fpu.last_ip;
	case GDB_X86_FOOFF:	*size = 4; return &t->fpu.last_dp;
	case GDB_X86_MXCSR:	*size = 4; return &t->fpu.mxcsr;
	}
	return NULL;	/* FTAG, FISEG, FOSEG: computed */
}

/* KVM keeps the abridged tag (a bit per register: 1 = in use, as FXSAVE
 * stores it); gdb shows the full x87 tag word (2 bits each, 11 = empty). */
static uint16_t full_ftag(uint8_t abridged)
{
	uint16_t tag = 0;
	int i;

	for (i = 0; i < 8; i++)
		if (!(abridged & (1u << i)))
			tag |= 3u << (2 * i);
	return tag;
}

static uint8_t abridged_ftag(uint16_t full)
{
	uint8_t tag = 0;
	int i;

	for (i = 0; i < 8; i++)
		if (((full >> (2 * i)) & 3) != 3)
			tag |= 1u << i;
	return tag;
}

static int target_read_reg(void *ctx, unsigned int id, void *buf, size_t len)
{
	struct gdb_target *t = ctx;
	enum reg_home home;
	uint64_t v;
	uint16_t ftag;
	size_t size;
	void *p;
	int err = load_state_for(t, id);	/* issue 17 */

	if (err)
		return err;
	memset(buf, 0, len);
	if (id == GDB_X86_FTAG) {
		ftag = full_ftag(t->fpu.ftwx);
		memcpy(buf, &ftag, len < 2 ? len : 2);
		return 0;
	}
	if (id == GDB_X86_RIP || id == GDB_X86_RSP) {
		/* Linear, as every address gdb uses: CS:IP and SS:SP. */
		v = id == GDB_X86_RIP ? mode_linear_pc(&t->regs, &t->sregs) :
					mode_linear_sp(&t->regs, &t->sregs);
		memcpy(buf, &v, len < sizeof(v) ? len : sizeof(v));
		return 0;
	}
	p = reg_field(t, id, &size, &home);
	if (!p)
		return 0;	/* FISEG, FOSEG: KVM does not keep them */
	memcpy(buf, p, len < size ? len : size);
	return 0;
}

/* gdb's pc and sp are linear (target_read_reg): back to IP and SP. */
static int write_linear(struct gdb_target *t, unsigned int id,
			const void *buf, size_t len)
{
	uint64_t v = 0;

	memcpy(&v, buf, len < sizeof(v) ? len : sizeof(v));
	if (id == GDB_X86_RSP)
		mode_set_linear_sp(&t->regs, &t->sregs, v);
	else if (mode_set_linear_pc(&t->regs, &t->sregs, v))
		t->dirty_sregs = true;
	t->dirty_regs = true;
	return 0;
}

/* An SSE register written on a host that may lose it (probe.c): say so
 * once, in gdb's console at the next stop (gdb shows O packets only while
 * it waits for one). */
static void fpu_note(struct gdb_target *t)
{
	const char *note = probe_fpu_note(t->vm->kvm_fd);
	size_t n, len;

	if (!note)
		return;
	len = strlen(note);
	pthread_mutex_lock(&t->lock);
	n = sizeof(t->conbuf) - t->conlen;
	if (n > len)
		n = len;
	memcpy(t->conbuf + t->conlen, note, n);
	t->conlen += n;
	pthread_mutex_unlock(&t->lock);
}

static int target_write_reg(void *ctx, unsigned int id, const void *buf,
			    size_t len)
{
	struct gdb_target *t = ctx;
	enum reg_home home;
	uint16_t ftag = 0;
	size_t size;
	void *p;
	int err = load_state_for(t, id);	/* issue 17 */

	if (err)
		return err;
	if (id == GDB_X86_FTAG) {
		memcpy(&ftag, buf, len < 2 ? len : 2);
		t->fpu.ftwx = abridged_ftag(ftag);
		t->dirty_fpu = true;
		return 0;
	}
	if (id == GDB_X86_RIP || id == GDB_X86_RSP)
		return write_linear(t, id, buf, len);
	p = reg_field(t, id, &size, &home);
	if (!p)
		return 0;
	if (id >= GDB_X86_XMM0 && id <= GDB_X86_MXCSR &&
	    memcmp(p, buf, len < size ? len : size))	/* issue 13 */
		fpu_note(t);
	memset(p, 0, size);
	memcpy(p, buf, len < size ? len : size);
	if (id >= GDB_X86_CS && id <= GDB_X86_GS && !(t->sregs.cr0 & 1)) {
		/* Real mode: a selector is the base / 16 (SDM 20.1.1). */
		struct kvm_segment *seg = (struct kvm_segment *)
			((char *)p - offsetof(struct kvm_segment, selector));

		seg->base = (uint64_t)seg->selector << 4;
	}
	t->dirty_regs |= home == IN_REGS;
	t->dirty_sregs |= home == IN_SREGS;
	t->dirty_fpu |= home == IN_FPU;
	return 0;
}

/* ---- memory ------------------------------------------------------------- */

/* The paging state gdb's addresses go through: the guest's own, with
 * segmentation flat (gdb's addresses are linear, as in QEMU's stub). */
void gdb_target_paging(struct gdb_target *t, struct mmu_paging *pg)
{
	vm_paging(t->vm, &t->sregs, t->regs.rflags, pg);
	pg->seg_base = 0;
	pg->seg_limit = UINT32_MAX;
	pg->eflags_ac = false;
}

/* Host pointer for up to len bytes at gva, not crossing a page; the byte
 * count in *chunk. -EFAULT if unmapped or not RAM. */
static void *gva_chunk(struct gdb_target *t, uint64_t gva, size_t len,
		       size_t *chunk)
{
	struct mmu_paging pg;
	struct mmu_walk w;
	uint64_t room;

	gdb_target_paging(t, &pg);
	if (mmu_translate(&pg, gva, MMU_ACC_READ, vm_read_phys, t->vm, &w) != MMU_OK)
		return NULL;
	/* No permission check: gdb may write read-only pages, as debuggers
	 * do. To the end of the guest's page, however large: one walk per
	 * 2 MiB page, not per 4 KiB (vm_gpa checks it all is RAM; issue
	 * 17). Unpaged, where a walk reads no tables: 4 KiB at a time, so a
	 * chunk never wraps past 4 GiB or runs beyond the segment. */
	room = w.page_size ? w.page_size - (w.gpa & (w.page_size - 1)) :
	       4096 - (w.gpa & 4095);
	*chunk = len < room ? len : room;
	return vm_gpa(t->vm, w.gpa, *chunk);
}

/* Bytes from addr to the top of the address space, at most len: a range
 * never wraps from 2^64 - 1 to 0. */
static size_t below_top(uint64_t addr, size_t len)
{
	return len && addr + (len - 1) < addr ? (size_t)(0 - addr) : len;
}

static ssize_t target_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct gdb_target *t = ctx;
	size_t done = 0, chunk;
	void *p;
	int err = load_state(t);

	if (err)
		return err;
	len = below_top(addr, len);
	while (done < len) {
		p = gva_chunk(t, addr + done, len - done, &chunk);
		if (!p)
			break;
		memcpy((char *)buf + done, p, chunk);
		done += chunk;
	}
	return done ? (ssize_t)done : -EFAULT;
}

/* All or nothing: every page is translated before any byte is written,
 * since a write may change the very page tables the translation used. */
static ssize_t target_write_mem(void *ctx, uint64_t addr, const void *buf,
				size_t len)
{
	struct gdb_target *t = ctx;
	size_t done = 0, chunk, i, n = 0;
	struct { void *p; size_t len; } *c;
	int err = load_state(t);

	if (err)
		return err;
	if (below_top(addr, len) != len)
		return -EFAULT;
	c = malloc((len / 4096 + 2) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (; done < len; done += chunk, n++) {
		c[n].p = gva_chunk(t, addr + done, len - done, &chunk);
		c[n].len = chunk;
		if (!c[n].p) {
			free(c);
			return -EFAULT;
		}
	}
	for (i = 0, done = 0; i < n; done += c[i].len, i++)
		memcpy(c[i].p, (const char *)buf + done, c[i].len);
	free(c);
	if (len)	/* not gdb's X addr,0: probe */
		record_touched(&t->rec);
	return len;
}

/* ---- guest-physical memory (QEMU's Qqemu.PhyMemMode:1) ----------------- */

/* Bounded by guest RAM like every other access: an address past it is
 * EFAULT, never host memory. A read may be short at the end of RAM. */
static ssize_t target_read_phys(void *ctx, uint64_t addr, void *buf,
				size_t len)
{
	struct gdb_target *t = ctx;
	uint64_t n;
	void *p;

	if (addr >= t->vm->ram_size)
		return -EFAULT;
	n = t->vm->ram_size - addr;
	if (n > len)
		n = len;
	p = vm_gpa(t->vm, addr, n);
	if (!p)
		return -EFAULT;
	memcpy(buf, p, n);
	return (ssize_t)n;
}

/* All or nothing, as target_write_mem. */
static ssize_t target_write_phys(void *ctx, uint64_t addr, const void *buf,
				 size_t len)
{
	struct gdb_target *t = ctx;
	void *p = vm_gpa(t->vm, addr, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	record_touched(&t->rec);
	return (ssize_t)len;
}

/* ---- memory regions (LLDB's qMemoryRegionInfo) ------------------------- */

/* An aligned block of guest-virtual addresses that one page-table entry
 * (or its absence) decides alike. size 0: up to the end of the space. */
struct va_block {
	uint64_t base, size;
	unsigned perms;		/* GDBSTUB_PERM_*; 0: nothing readable */
};

/* Where the walk stopped short of a page: the span that entry covers. */
static void hole_at(const struct mmu_walk *w, uint64_t va,
		    struct va_block *b)
{
	unsigned level = w->fault_level ? w->fault_level : 1;
	unsigned bits = w->mode == MMU_MODE_PAGING32 ? 12 + 10 * (level - 1) :
			12 + 9 * (level - 1);
	uint64_t half = w->mode == MMU_MODE_LONG5 ? 1ULL << 56 : 1ULL << 47;

	b->perms = 0;
	switch (w->fault) {
	case MMU_FAULT_NON_CANONICAL:	/* the gap between the halves */
		b->base = half;
		b->size = -half - half;
		return;
	case MMU_FAULT_WIDTH:		/* above 4 GiB in a 32-bit mode */
		b->base = 1ULL << 32;
		b->size = 0;
		return;
	case MMU_FAULT_NOT_PRESENT:
	case MMU_FAULT_RESERVED:
	case MMU_FAULT_TABLE_RAM:
		b->size = bits < 64 ? 1ULL << bits : 0;
		b->base = b->size ? va & ~(b->size - 1) : 0;
		return;
	default:			/* a state the CPU refuses: nothing */
		b->base = 0;
		b->size = 0;
		return;
	}
}

/* The block around va: its page (4 KiB of it if the page is not all
 * RAM), with the permissions of the walk (R/W and XD of every level);
 * a page whose frame is not in guest RAM reads as unmapped. */
static void block_at(struct gdb_target *t, const struct mmu_paging *pg,
		     uint64_t va, struct va_block *b)
{
	enum mmu_mode mode = mmu_mode(pg);
	struct mmu_walk w;
	uint64_t size, frame;

	if (mode == MMU_MODE_REAL || mode == MMU_MODE_PROTECTED) {
		/* no paging: linear is physical, RAM from 0 */
		bool ram = va < t->vm->ram_size;

		*b = (struct va_block){ ram ? 0 : t->vm->ram_size,
					ram ? t->vm->ram_size : 0,
					ram ? GDBSTUB_PERM_R | GDBSTUB_PERM_W |
					      GDBSTUB_PERM_X : 0 };
		return;
	}
	mmu_translate(pg, va, MMU_ACC_READ, vm_read_phys, t->vm, &w);
	if (!w.have_gpa) {
		hole_at(&w, va, b);
		return;
	}
	size = w.page_size;
	frame = w.gpa & ~(size - 1);
	if (!vm_gpa(t->vm, frame, size)) {
		size = 4096;
		frame = w.gpa & ~(size - 1);
	}
	b->base = va & ~(size - 1);
	b->size = size;
	b->perms = !vm_gpa(t->vm, frame, size) ? 0 :
		   GDBSTUB_PERM_R | (w.writable ? GDBSTUB_PERM_W : 0) |
		   (w.nx ? 0 : GDBSTUB_PERM_X);
}

#define REGION_MAX_STEPS 65536	/* per direction: bounds a hostile table */

/* The blocks around addr with the same permissions, merged both ways.
 * A long run of small pages is cut at REGION_MAX_STEPS blocks: LLDB then
 * asks again from the end of what it got. The byte at UINT64_MAX is
 * left out of the last region (see below). */
static int target_mem_region(void *ctx, uint64_t addr,
			     struct gdbstub_region *r)
{
	struct gdb_target *t = ctx;
	struct mmu_paging pg;
	struct va_block b, n;
	uint64_t start, end;
	unsigned i;
	int err = load_state(t);

	if (err)
		return err;
	gdb_target_paging(t, &pg);
	block_at(t, &pg, addr, &b);
	start = b.base;
	end = b.size ? b.base + b.size : 0;	/* 0: the end of the space */
	for (i = 0; i < REGION_MAX_STEPS && end; i++) {
		block_at(t, &pg, end, &n);
		if (n.perms != b.perms)
			break;
		end = n.size ? n.base + n.size : 0;
	}
	for (i = 0; i < REGION_MAX_STEPS && start; i++) {
		block_at(t, &pg, start - 1, &n);
		if (n.perms != b.perms)
			break;
		start = n.base;
	}
	/* The last region ends at UINT64_MAX, not 0: LLDB walks regions
	 * from 0 until one ends there (LLDB_INVALID_ADDRESS), and would go
	 * round forever on a wrap. */
	r->start = start;
	r->size = (end ? end : UINT64_MAX) - start;
	r->perms = b.perms;
	return 0;
}

/* ---- running ------------------------------------------------------------ */

static int resume(struct gdb_target *t, enum gdb_req req)
{
	int err = flush_state(t);

	if (err)
		return err;
	pthread_mutex_lock(&t->lock);
	t->req = req;
	t->have_regs = false;
	/* Running from now on, as far as the stub thread is concerned: a ^C
	 * in the same read as the continue must kick the vCPU, even before
	 * the vCPU thread has woken (its KVM_RUN then returns at once). */
	t->stopped = false;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int target_cont(void *ctx, int signo)
{
	return resume(ctx, GDB_REQ_CONT);
}

static int target_step(void *ctx, int signo)
{
	return resume(ctx, GDB_REQ_STEP);
}

/* bs and bc: the vCPU thread runs them through record.c. */
static int target_reverse_step(void *ctx)
{
	return resume(ctx, GDB_REQ_RSTEP);
}

static int target_reverse_cont(void *ctx)
{
	return resume(ctx, GDB_REQ_RCONT);
}

static int target_interrupt(void *ctx)
{
	struct gdb_target *t = ctx;

	pthread_mutex_lock(&t->lock);
	if (!t->stopped) {
		t->want_stop = true;
		pthread_kill(t->vcpu_thread, SIGUSR1);
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* Z and z: the same dispatch, inserting or removing. */
static int break_op(struct gdb_target *t, enum gdbstub_bp_type type,
		    uint64_t addr, unsigned int kind, bool insert)
{
	static const enum watch_kind watch_of[] = {
		[GDBSTUB_WP_WRITE] = WATCH_WRITE,
		[GDBSTUB_WP_READ] = WATCH_READ,
		[GDBSTUB_WP_ACCESS] = WATCH_ACCESS,
	};

	switch (type) {
	case GDBSTUB_BP_SW:
		return insert ? debug_add_sw(&t->dbg, addr) : debug_del_sw(&t->dbg, addr);
	case GDBSTUB_BP_HW:
		return insert ? debug_add_hw(&t->dbg, addr) : debug_del_hw(&t->dbg, addr);
	case GDBSTUB_WP_WRITE:
	case GDBSTUB_WP_READ:
	case GDBSTUB_WP_ACCESS:
		return insert ? debug_add_watch(&t->dbg, watch_of[type], addr, kind) :
				debug_del_watch(&t->dbg, watch_of[type], addr, kind);
	default:
		return -EOPNOTSUPP;
	}
}

/* Why vmm refused a Z packet, for gdb's console. gdb 13 shows O packets
 * only while it waits for a stop reply: one sent before the E reply to a
 * Z is taken as that reply (the watchpoint "inserted") and the session
 * goes out of step (measured with a fake stub). So the reason waits in
 * conbuf for the next stop reply, once however often gdb retries; gdb
 * itself says only "Could not insert ... too many hardware breakpoints". */
static void refusal_note(struct gdb_target *t, enum gdbstub_bp_type type,
			 uint64_t addr, unsigned int kind, int err)
{
	static const char *const what[] = {
		[GDBSTUB_BP_SW] = "breakpoint", [GDBSTUB_BP_HW] = "hardware breakpoint",
		[GDBSTUB_WP_WRITE] = "watchpoint", [GDBSTUB_WP_READ] = "read watchpoint",
		[GDBSTUB_WP_ACCESS] = "access watchpoint",
	};
	bool watch = type >= GDBSTUB_WP_WRITE;
	char note[320], len[16] = "";
	size_t n;

	if (watch)
		snprintf(len, sizeof(len), "+%u", kind);
	snprintf(note, sizeof(note), "vmm: gdb could not insert the %s at 0x%llx%s: vmm refused it because %s\n",
		 type <= GDBSTUB_WP_ACCESS ? what[type] : "breakpoint",
		 (unsigned long long)addr, len,
		 err == -EPERM && watch ? "a page it covers holds the guest's page tables, which the CPU reads on every access, so page protection cannot watch it" :
		 err == -EINVAL && watch ? "it is not mapped to contiguous guest RAM" :
		 err == -ENOSPC ? "all four debug registers (DR0-DR3) are in use" :
		 strerror(-err));
	pthread_mutex_lock(&t->lock);
	n = strlen(note);
	if (!memmem(t->conbuf, t->conlen, note, n) && t->conlen + n <= sizeof(t->conbuf)) {
		memcpy(t->conbuf + t->conlen, note, n);
		t->conlen += n;
	}
	pthread_mutex_unlock(&t->lock);
}

static int target_set_break(void *ctx, enum gdbstub_bp_type type,
			    uint64_t addr, unsigned int kind)
{
	int err = break_op(ctx, type, addr, kind, true);

	if (err && err != -EOPNOTSUPP)
		refusal_note(ctx, type, addr, kind, err);	/* issue 13 */
	return err;
}

static int target_remove_break(void *ctx, enum gdbstub_bp_type type,
			       uint64_t addr, unsigned int kind)
{
	return break_op(ctx, type, addr, kind, false);
}

/* D: drop every breakpoint and let the guest run as if gdb had never been
 * there; it runs to its HLT and vmm exits with its usual status. */
static void target_detach(void *ctx)
{
	struct gdb_target *t = ctx;

	forget_session(t);
	flush_state(t);
	pthread_mutex_lock(&t->lock);
	t->attached = false;
	t->req = GDB_REQ_CONT;
	/* Running from now on, as for a continue: a gdb that attaches
	 * before the vCPU thread has woken must park it (kick and wait), not
	 * take it for stopped and clear the session under it. */
	t->stopped = false;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* D1 (LLDB's "process detach --keep-stopped true"): the session's
 * breakpoints go, the guest stays paused for the next debugger, as when
 * one disconnects without detaching. */
static void target_detach_stopped(void *ctx)
{
	struct gdb_target *t = ctx;

	forget_session(t);
	flush_state(t);
	pthread_mutex_lock(&t->lock);
	t->attached = false;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pr_warn("the debugger detached; the guest stays paused for the next one");
}

static void target_kill(void *ctx)
{
	struct gdb_target *t = ctx;

	pthread_mutex_lock(&t->lock);
	t->attached = false;
	t->req = GDB_REQ_QUIT;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* The layout follows the code the CPU runs: i8086 for 16-bit code (real
 * mode; gdb then disassembles it as such), i386 for 32-bit code
 * (protected and compatibility mode), x86-64 for 64-bit code. The stub
 * asks at connect and at every stop: a change reaches gdb as an exec
 * stop event (gdbstub.h, exec_file), or at its next connect. */
const struct gdb_layout *gdb_target_layout(void *ctx)
{
	struct gdb_target *t = ctx;

	if (load_state(t))
		return NULL;
	switch (mode_code_bits(&t->sregs)) {
	case 64:
		return &gdb_x86_64_layout;
	case 32:
		return &gdb_i386_layout;
	default:
		return &gdb_i8086_layout;
	}
}

/* The guest's ELF file, for gdb to load again at an exec stop event. */
static const char *target_exec_file(void *ctx)
{
	struct gdb_target *t = ctx;

	return t->exec_file[0] ? t->exec_file : NULL;
}

static int target_monitor(void *ctx, const char *cmd, struct gdbstub_out *out)
{
	struct gdb_target *t = ctx;
	int err = load_state(t);

	if (err)
		return err;
	return monitor_run(t, cmd, out);
}

const struct gdbstub_target_ops gdb_target_ops = {
	.read_reg = target_read_reg,
	.write_reg = target_write_reg,
	.read_mem = target_read_mem,
	.write_mem = target_write_mem,
	.cont = target_cont,
	.step = target_step,
	.interrupt = target_interrupt,
	.set_break = target_set_break,
	.remove_break = target_remove_break,
	.break_types = GDBSTUB_BP_ALL,
	.monitor = target_monitor,
	.detach = target_detach,
	.detach_stopped = target_detach_stopped,
	.kill = target_kill,
	.layout = gdb_target_layout,
	.exec_file = target_exec_file,
	.read_phys = target_read_phys,
	.write_phys = target_write_phys,
	.mem_region = target_mem_region,
	.reverse_step = target_reverse_step,
	.reverse_cont = target_reverse_cont,
};
