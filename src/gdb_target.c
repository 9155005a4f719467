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
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "gdb_target.h"
#include "gdbstub.h"
#include "monitor.h"
#include "mmu.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

#define GDB_SIGTRAP	5
#define GDB_SIGSEGV	11

/* vCPU thread, on every port access while gdb is attached. */
static bool io_catch(void *ctx, uint16_t port, bool is_write,
		     const uint8_t *data, unsigned size, unsigned count)
{
	struct gdb_target *t = ctx;
	const struct catchpoint *c;
	uint32_t v = 0;
	unsigned i;
	char ch[8] = "";

	for (i = 0; i < t->ncatch; i++) {
		c = &t->catches[i];
		if (c->hlt || port < c->lo || port > c->hi ||
		    !(is_write ? c->out : c->in))
			continue;
		memcpy(&v, data, size);
		if (port == 0xe9) {
			unsigned char b = data[0];

			if (b == '\n')
				snprintf(ch, sizeof(ch), " '\\n'");
			else if (b >= 0x20 && b < 0x7f)
				snprintf(ch, sizeof(ch), " '%c'", b);
		}
		snprintf(t->catch_msg, sizeof(t->catch_msg),
			 "vmm: catch %u: %s port 0x%x, %u byte%s: 0x%x%s%s\n",
			 c->id, is_write ? "OUT to" : "IN from", port, size,
			 size == 1 ? "" : "s", v, ch,
			 count > 1 ? " (string I/O: first of a batch)" : "");
		return true;
	}
	return false;
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
		pr_warn("waking the gdb stub: %s", strerror(errno));
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

int gdb_target_init(struct gdb_target *t, struct vm *vm, struct vcpu *vcpu,
		    struct console *con)
{
	memset(t, 0, sizeof(*t));
	t->vm = vm;
	t->vcpu = vcpu;
	t->con = con;
	t->next_catch = 1;
	vcpu->io_catch = io_catch;
	vcpu->io_catch_ctx = t;
	t->vcpu_thread = pthread_self();
	t->stopped = true;
	t->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->wake_fd < 0) {
		pr_err("eventfd: %s", strerror(errno));
		return -1;
	}
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	debug_init(&t->dbg, vm, vcpu);
	return 0;
}

void gdb_target_free(struct gdb_target *t)
{
	debug_free(&t->dbg);
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

void gdb_target_stop(struct gdb_target *t, enum gdb_stop_kind kind,
		     uint64_t value, const char *fmt, ...)
{
	static const uint64_t one = 1;
	va_list ap;

	pthread_mutex_lock(&t->lock);
	t->stop_kind = kind;
	t->exit_status = (int)value;
	t->stop_addr = value;
	t->console[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(t->console, sizeof(t->console), fmt, ap);
		va_end(ap);
	}
	t->req = GDB_REQ_NONE;
	t->want_stop = false;
	t->stopped = true;
	t->stop_ready = true;
	t->have_regs = false;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	if (write(t->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_warn("waking the gdb stub: %s", strerror(errno));
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

void gdb_target_deliver(struct gdb_target *t, struct gdbstub *stub)
{
	struct gdbstub_stop stop = { 0 };
	uint64_t n;
	bool ready, exited;

	char con[GDB_CONBUF];
	size_t conlen;

	if (read(t->wake_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&t->lock);
	ready = t->stop_ready;
	t->stop_ready = false;
	conlen = t->conlen;
	memcpy(con, t->conbuf, conlen);
	t->conlen = 0;
	pthread_mutex_unlock(&t->lock);
	if (conlen && stub)	/* before the stop reply: gdb is waiting */
		gdbstub_console(stub, con, conlen);
	if (!ready)
		return;
	switch (t->stop_kind) {
	case GDB_STOP_STEP:	stop.reason = GDBSTUB_STOP_STEP; break;
	case GDB_STOP_INTERRUPT: stop.reason = GDBSTUB_STOP_INTERRUPT; break;
	case GDB_STOP_SWBREAK:	stop.reason = GDBSTUB_STOP_SWBREAK; break;
	case GDB_STOP_HWBREAK:	stop.reason = GDBSTUB_STOP_HWBREAK; break;
	case GDB_STOP_WATCH:
	case GDB_STOP_RWATCH:
	case GDB_STOP_AWATCH:
		stop.reason = t->stop_kind == GDB_STOP_WATCH ? GDBSTUB_STOP_WATCH :
			      t->stop_kind == GDB_STOP_RWATCH ? GDBSTUB_STOP_RWATCH :
			      GDBSTUB_STOP_AWATCH;
		stop.addr = t->stop_addr;
		break;
	case GDB_STOP_CRASH:
		stop.reason = GDBSTUB_STOP_SIGNAL;
		stop.signo = GDB_SIGSEGV;
		break;
	case GDB_STOP_EXITED:
		stop.reason = GDBSTUB_STOP_EXITED;
		stop.status = t->exit_status;
		break;
	default:
		stop.reason = GDBSTUB_STOP_SIGNAL;
		stop.signo = GDB_SIGTRAP;
		break;
	}
	stop.console = t->console[0] ? t->console : NULL;
	stop.console_len = strlen(t->console);
	exited = stop.reason == GDBSTUB_STOP_EXITED;
	if (stub)
		gdbstub_stopped(stub, &stop);
	if (exited) {
		pthread_mutex_lock(&t->lock);
		t->final_sent = true;
		pthread_cond_broadcast(&t->cond);
		pthread_mutex_unlock(&t->lock);
	}
}

/* ---- registers ---------------------------------------------------------- */

static int load_state(struct gdb_target *t)
{
	if (t->have_regs)
		return 0;
	if (ioctl(t->vcpu->fd, KVM_GET_REGS, &t->regs) < 0 ||
	    ioctl(t->vcpu->fd, KVM_GET_SREGS, &t->sregs) < 0 ||
	    ioctl(t->vcpu->fd, KVM_GET_FPU, &t->fpu) < 0)
		return -errno;
	t->have_regs = true;
	t->dirty_regs = t->dirty_sregs = t->dirty_fpu = false;
	return 0;
}

/* Put gdb's register writes back before the guest runs again. */
static int flush_state(struct gdb_target *t)
{
	if (!t->have_regs)
		return 0;
	if ((t->dirty_regs && ioctl(t->vcpu->fd, KVM_SET_REGS, &t->regs) < 0) ||
	    (t->dirty_sregs && ioctl(t->vcpu->fd, KVM_SET_SREGS, &t->sregs) < 0) ||
	    (t->dirty_fpu && ioctl(t->vcpu->fd, KVM_SET_FPU, &t->fpu) < 0)) {
		pr_err("writing gdb's register changes: %s", strerror(errno));
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
	uint16_t ftag;
	size_t size;
	void *p;
	int err = load_state(t);

	if (err)
		return err;
	memset(buf, 0, len);
	if (id == GDB_X86_FTAG) {
		ftag = full_ftag(t->fpu.ftwx);
		memcpy(buf, &ftag, len < 2 ? len : 2);
		return 0;
	}
	p = reg_field(t, id, &size, &home);
	if (!p)
		return 0;	/* FISEG, FOSEG: KVM does not keep them */
	memcpy(buf, p, len < size ? len : size);
	return 0;
}

static int target_write_reg(void *ctx, unsigned int id, const void *buf,
			    size_t len)
{
	struct gdb_target *t = ctx;
	enum reg_home home;
	uint16_t ftag = 0;
	size_t size;
	void *p;
	int err = load_state(t);

	if (err)
		return err;
	if (id == GDB_X86_FTAG) {
		memcpy(&ftag, buf, len < 2 ? len : 2);
		t->fpu.ftwx = abridged_ftag(ftag);
		t->dirty_fpu = true;
		return 0;
	}
	p = reg_field(t, id, &size, &home);
	if (!p)
		return 0;
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
		       bool write, size_t *chunk)
{
	struct mmu_paging pg;
	struct mmu_walk w;
	uint64_t room;

	gdb_target_paging(t, &pg);
	if (mmu_translate(&pg, gva, MMU_ACC_READ, vm_read_phys, t->vm, &w) != MMU_OK)
		return NULL;
	(void)write;	/* gdb may write read-only pages, like a debugger */
	room = w.page_size ? w.page_size - (w.gpa & (w.page_size - 1)) : len;
	if (room > 4096 - (w.gpa & 4095))
		room = 4096 - (w.gpa & 4095);
	*chunk = len < room ? len : room;
	return vm_gpa(t->vm, w.gpa, *chunk);
}

static ssize_t target_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct gdb_target *t = ctx;
	size_t done = 0, chunk;
	void *p;
	int err = load_state(t);

	if (err)
		return err;
	while (done < len) {
		p = gva_chunk(t, addr + done, len - done, false, &chunk);
		if (!p)
			break;
		memcpy((char *)buf + done, p, chunk);
		done += chunk;
	}
	return done ? (ssize_t)done : -EFAULT;
}

static ssize_t target_write_mem(void *ctx, uint64_t addr, const void *buf,
				size_t len)
{
	struct gdb_target *t = ctx;
	size_t done = 0, chunk;
	void *p;
	int err = load_state(t);

	if (err)
		return err;
	/* All or nothing: check every page first. */
	while (done < len) {
		if (!gva_chunk(t, addr + done, len - done, true, &chunk))
			return -EFAULT;
		done += chunk;
	}
	for (done = 0; done < len; done += chunk) {
		p = gva_chunk(t, addr + done, len - done, true, &chunk);
		memcpy(p, (const char *)buf + done, chunk);
	}
	return len;
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

static int target_set_break(void *ctx, enum gdbstub_bp_type type,
			    uint64_t addr, unsigned int kind)
{
	return break_op(ctx, type, addr, kind, true);
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
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
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

/* The layout follows the CPU mode at connect time: i8086 in real mode (gdb
 * then disassembles 16-bit code), i386 in 32-bit modes, x86-64 in long
 * mode. gdb reads it once: a guest that changes mode needs a reconnect. */
const struct gdb_layout *gdb_target_layout(void *ctx)
{
	struct gdb_target *t = ctx;

	if (load_state(t))
		return NULL;
	if (t->sregs.efer & MMU_EFER_LMA)
		return &gdb_x86_64_layout;
	if (t->sregs.cr0 & MMU_CR0_PE)
		return &gdb_i386_layout;
	return &gdb_i8086_layout;
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
	.kill = target_kill,
	.layout = gdb_target_layout,
};
