/* record.c - reverse execution by checkpoints and deterministic
 * re-execution (doc/reverse.md).
 *
 * While gdb is attached and recording is on, stepping goes forward one
 * single-step at a time through the debug layer (debug_resume(), with
 * this host's stepping strategy), so `now`, the step count, is exact.
 * A live continue runs at full speed (debug_resume() with the host's own
 * breakpoint and watchpoint strategies) between a checkpoint before it
 * and a "lazy" one where it stopped; its steps are counted only when gdb
 * goes back over it (resolve(): re-execute from the checkpoint before,
 * one muted step at a time, until registers and a hash of RAM are those
 * of the lazy checkpoint). Until then the lazy checkpoint stands at the
 * step of the one before, and nothing is ever at a step between them:
 * the invariant is that every lazy checkpoint is at or before `now`.
 * Replaying recorded steps, breakpoints and watchpoints are checked
 * between steps here rather than planted. Every `interval` steps run
 * live, a checkpoint saves the vCPU
 * (registers, segments and control registers, FPU, events, debug
 * registers, MP state, XCR0) and, into the previous checkpoint's undo
 * log, the old contents of each RAM page that changed since (found by
 * comparing RAM with `ref`, a copy of RAM at the last checkpoint: a
 * comparison also sees what vmm itself wrote, which KVM's dirty log
 * does not).
 *
 * Going back to step N restores the last checkpoint at or before N and
 * steps N - when more times with port 0xE9 muted: one vCPU, no
 * interrupts and fixed IN values make the re-execution the same run.
 * Reverse-continue re-executes each interval backwards from now, noting
 * the last step where a breakpoint's address was reached or a watched
 * value changed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "console.h"
#include "debug.h"
#include "kvm.h"
#include "modes.h"
#include "record.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

void record_init(struct record *rec, struct vm *vm, struct vcpu *vcpu,
		 struct debug *dbg, struct console *con)
{
	memset(rec, 0, sizeof(*rec));
	rec->vm = vm;
	rec->vcpu = vcpu;
	rec->dbg = dbg;
	rec->con = con;
	rec->on = true;
	rec->interval = RECORD_INTERVAL;
	rec->max_steps = RECORD_MAX_STEPS;
	rec->max_bytes = RECORD_MAX_BYTES;
}

static void ckpt_free(struct rec_ckpt *c)
{
	free(c->pfn);
	free(c->pages);
	c->pfn = NULL;
	c->pages = NULL;
	c->npages = c->cap = 0;
}

static uint64_t ckpt_bytes(const struct rec_ckpt *c)
{
	return sizeof(*c) + c->cap * (sizeof(*c->pfn) + RECORD_PAGE);
}

/* No history: forward runs as if record.c were not there. */
static void drop_history(struct record *rec)
{
	size_t i;

	for (i = 0; i < rec->nck; i++)
		ckpt_free(&rec->ck[i]);
	free(rec->ck);
	if (rec->ref)
		munmap(rec->ref, rec->vm->ram_size);
	rec->ck = NULL;
	rec->ref = NULL;
	rec->nck = rec->capck = 0;
	rec->nlazy = 0;
	rec->bytes = 0;
	rec->started = false;
	rec->now = rec->frontier = 0;
	rec->touched = false;
}

void record_free(struct record *rec)
{
	drop_history(rec);
	free(rec->wvals);
	rec->wvals = NULL;
}

/* FNV-1a, 64 bits, a word at a time, over all guest RAM: two points in
 * time compared. */
static uint64_t ram_hash(const struct record *rec)
{
	uint64_t h = 0xcbf29ce484222325ULL, i, w;
	const uint8_t *p = rec->vm->ram;

	for (i = 0; i + 8 <= rec->vm->ram_size; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	return h;
}

/* ---- the vCPU's state ------------------------------------------------- */

static int cpu_save(struct record *rec, struct rec_cpu *c)
{
	int fd = rec->vcpu->fd;

	if (kvm_ioctl(fd, KVM_GET_REGS, &c->regs) < 0 ||
	    kvm_ioctl(fd, KVM_GET_SREGS, &c->sregs) < 0 ||
	    kvm_ioctl(fd, KVM_GET_FPU, &c->fpu) < 0) {
		pr_err("record: saving the vCPU (KVM_GET_REGS/SREGS/FPU): %m");
		return -1;
	}
	if (((rec->extras & REC_EVENTS) &&
	     kvm_ioctl(fd, KVM_GET_VCPU_EVENTS, &c->events) < 0) ||
	    ((rec->extras & REC_DREGS) &&
	     kvm_ioctl(fd, KVM_GET_DEBUGREGS, &c->dregs) < 0) ||
	    ((rec->extras & REC_MPSTATE) &&
	     kvm_ioctl(fd, KVM_GET_MP_STATE, &c->mp) < 0) ||
	    ((rec->extras & REC_XCRS) && kvm_ioctl(fd, KVM_GET_XCRS, &c->xcrs) < 0)) {
		pr_err("record: saving the vCPU (events, debug registers, MP state, XCRs): %m");
		return -1;
	}
	return 0;
}

/* Segments and control registers first: KVM_SET_REGS's RIP and RFLAGS
 * are read in the mode they set. */
static int cpu_load(struct record *rec, struct rec_cpu *c)
{
	int fd = rec->vcpu->fd;

	if (kvm_ioctl(fd, KVM_SET_SREGS, &c->sregs) < 0 ||
	    kvm_ioctl(fd, KVM_SET_REGS, &c->regs) < 0 ||
	    kvm_ioctl(fd, KVM_SET_FPU, &c->fpu) < 0) {
		pr_err("record: restoring the vCPU (KVM_SET_SREGS/REGS/FPU): %m");
		return -1;
	}
	if (((rec->extras & REC_XCRS) && kvm_ioctl(fd, KVM_SET_XCRS, &c->xcrs) < 0) ||
	    ((rec->extras & REC_EVENTS) &&
	     kvm_ioctl(fd, KVM_SET_VCPU_EVENTS, &c->events) < 0) ||
	    ((rec->extras & REC_DREGS) &&
	     kvm_ioctl(fd, KVM_SET_DEBUGREGS, &c->dregs) < 0) ||
	    ((rec->extras & REC_MPSTATE) &&
	     kvm_ioctl(fd, KVM_SET_MP_STATE, &c->mp) < 0)) {
		pr_err("record: restoring the vCPU (XCRs, events, debug registers, MP state): %m");
		return -1;
	}
	return 0;
}

/* Which optional state this host's KVM gives back and takes again. */
static void probe_extras(struct record *rec)
{
	struct rec_cpu c;
	int fd = rec->vcpu->fd;

	rec->probed = true;
	rec->extras = 0;
	if (kvm_ioctl(fd, KVM_GET_VCPU_EVENTS, &c.events) == 0 &&
	    kvm_ioctl(fd, KVM_SET_VCPU_EVENTS, &c.events) == 0)
		rec->extras |= REC_EVENTS;
	if (kvm_ioctl(fd, KVM_GET_DEBUGREGS, &c.dregs) == 0 &&
	    kvm_ioctl(fd, KVM_SET_DEBUGREGS, &c.dregs) == 0)
		rec->extras |= REC_DREGS;
	if (kvm_ioctl(fd, KVM_GET_MP_STATE, &c.mp) == 0 &&
	    kvm_ioctl(fd, KVM_SET_MP_STATE, &c.mp) == 0)
		rec->extras |= REC_MPSTATE;
	if (kvm_ioctl(fd, KVM_GET_XCRS, &c.xcrs) == 0 &&
	    kvm_ioctl(fd, KVM_SET_XCRS, &c.xcrs) == 0)
		rec->extras |= REC_XCRS;
	pr_strategy("reverse execution", "steps counted, continues at full speed (counted when gone back over), a checkpoint every %llu (registers, FPU%s%s%s%s, changed RAM pages)",
		    (unsigned long long)rec->interval,
		    rec->extras & REC_EVENTS ? ", events" : "",
		    rec->extras & REC_DREGS ? ", debug registers" : "",
		    rec->extras & REC_MPSTATE ? ", MP state" : "",
		    rec->extras & REC_XCRS ? ", XCR0" : "");
}

/* ---- checkpoints ------------------------------------------------------ */

static int undo_push(struct rec_ckpt *c, uint32_t pfn, const uint8_t *page)
{
	size_t cap;
	void *p;

	if (c->npages == c->cap) {
		cap = c->cap ? 2 * c->cap : 8;
		p = realloc(c->pfn, cap * sizeof(*c->pfn));
		if (!p)
			return -1;
		c->pfn = p;
		p = realloc(c->pages, cap * RECORD_PAGE);
		if (!p)
			return -1;
		c->pages = p;
		c->cap = cap;
	}
	c->pfn[c->npages] = pfn;
	memcpy(c->pages + c->npages * RECORD_PAGE, page, RECORD_PAGE);
	c->npages++;
	return 0;
}

/* Pages that differ from prev go into c's undo log (prev's contents);
 * prev becomes RAM. */
static int diff_into(struct record *rec, struct rec_ckpt *c, uint8_t *prev)
{
	uint64_t npages = rec->vm->ram_size / RECORD_PAGE, p;
	const uint8_t *ram = rec->vm->ram;

	for (p = 0; p < npages; p++) {
		uint64_t off = p * RECORD_PAGE;

		if (!memcmp(ram + off, prev + off, RECORD_PAGE))
			continue;
		if (undo_push(c, (uint32_t)p, prev + off) < 0)
			return -1;
		memcpy(prev + off, ram + off, RECORD_PAGE);
	}
	return 0;
}

/* The pages that changed since the last checkpoint go into its undo log
 * (their old contents, from ref); ref becomes RAM now. */
static int diff_ram(struct record *rec)
{
	struct rec_ckpt *last = &rec->ck[rec->nck - 1];
	uint64_t before = ckpt_bytes(last);

	if (diff_into(rec, last, rec->ref) < 0) {
		pr_err("record: no memory for a checkpoint's pages");
		return -1;
	}
	rec->bytes += ckpt_bytes(last) - before;
	return 0;
}

/* The oldest checkpoints go while the rest still hold max_steps of
 * history, or while memory is over its bound. */
static void trim(struct record *rec)
{
	while (rec->nck > 1 &&
	       (rec->frontier - rec->ck[1].when >= rec->max_steps ||
		rec->bytes > rec->max_bytes)) {
		rec->bytes -= ckpt_bytes(&rec->ck[0]);
		ckpt_free(&rec->ck[0]);
		memmove(rec->ck, rec->ck + 1, --rec->nck * sizeof(*rec->ck));
		if (rec->ck[0].lazy) {	/* the history begins where it stopped */
			rec->ck[0].lazy = false;
			rec->nlazy--;
		}
	}
}

static int checkpoint(struct record *rec, bool barrier)
{
	struct rec_ckpt *c;
	void *p;

	if (rec->nck == rec->capck) {
		size_t cap = rec->capck ? 2 * rec->capck : 64;

		p = realloc(rec->ck, cap * sizeof(*rec->ck));
		if (!p)
			goto nomem;
		rec->ck = p;
		rec->capck = cap;
	}
	if (!rec->ref) {
		/* mmap, not malloc: dropped with a history, it goes back to
		 * the system (glibc would keep a freed 2 MiB in its heap) */
		rec->ref = mmap(NULL, rec->vm->ram_size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (rec->ref == MAP_FAILED) {
			rec->ref = NULL;
			goto nomem;
		}
		memcpy(rec->ref, rec->vm->ram, rec->vm->ram_size);
	} else if (diff_ram(rec) < 0) {
		return -1;
	}
	c = &rec->ck[rec->nck];
	memset(c, 0, sizeof(*c));
	if (cpu_save(rec, &c->cpu) < 0)
		return -1;
	c->when = rec->now;
	c->barrier = barrier;
	rec->nck++;
	rec->bytes += ckpt_bytes(c);
	trim(rec);
	return 0;
nomem:
	pr_err("record: no memory for a checkpoint");
	return -1;
}

/* RAM and vCPU as they were at ck[j]: RAM from ref, then the undo logs
 * from the newest back to ck[j]'s, so the oldest contents win. */
static int restore(struct record *rec, size_t j)
{
	uint64_t npages = rec->vm->ram_size / RECORD_PAGE, p;
	uint8_t *ram = rec->vm->ram;
	size_t i, k;

	for (p = 0; p < npages; p++) {
		uint64_t off = p * RECORD_PAGE;

		if (memcmp(ram + off, rec->ref + off, RECORD_PAGE))
			memcpy(ram + off, rec->ref + off, RECORD_PAGE);
	}
	for (i = rec->nck - 1; i-- > j;) {
		const struct rec_ckpt *c = &rec->ck[i];

		for (k = 0; k < c->npages; k++)
			memcpy(ram + (uint64_t)c->pfn[k] * RECORD_PAGE,
			       c->pages + k * RECORD_PAGE, RECORD_PAGE);
	}
	if (cpu_load(rec, &rec->ck[j].cpu) < 0)
		return -1;
	rec->now = rec->ck[j].when;
	rec->restores++;
	return 0;
}

/* The last checkpoint at or before step t (the barrier, of two there). */
static size_t ckpt_at(const struct record *rec, uint64_t t)
{
	size_t j = rec->nck - 1;

	while (j > 0 && rec->ck[j].when > t)
		j--;
	return j;
}

/* gdb changed the state at a past step: that future cannot happen now.
 * Checkpoints after now go, their undo logs turning ref back into RAM
 * at the new last one. */
static void truncate_future(struct record *rec)
{
	size_t keep = ckpt_at(rec, rec->now) + 1, i, k;

	/* i from nck - 2 down to keep - 1, the new last checkpoint */
	for (i = rec->nck - 1; i-- > keep - 1;) {
		struct rec_ckpt *c = &rec->ck[i];

		for (k = 0; k < c->npages; k++)
			memcpy(rec->ref + (uint64_t)c->pfn[k] * RECORD_PAGE,
			       c->pages + k * RECORD_PAGE, RECORD_PAGE);
		rec->bytes -= ckpt_bytes(c);
		ckpt_free(c);
		rec->bytes += ckpt_bytes(c);
	}
	for (i = keep; i < rec->nck; i++) {
		rec->bytes -= ckpt_bytes(&rec->ck[i]);
		ckpt_free(&rec->ck[i]);
	}
	rec->nck = keep;
	rec->frontier = rec->now;
	for (rec->nlazy = 0, i = 0; i < rec->nck; i++)
		rec->nlazy += rec->ck[i].lazy;
}

/* ---- stepping ----------------------------------------------------------- */

/* One step forward through the debug layer, muted if the step was run
 * before. true if an instruction was executed (now counts it); a crash
 * counts too: it is where the faulting instruction was tried, and
 * reverse-stepi from it lands before that instruction. */
static bool step_once(struct record *rec, struct stop *stop)
{
	bool done;

	rec->con->muted = rec->now < rec->frontier;
	debug_resume(rec->dbg, true, stop);
	rec->con->muted = false;
	done = stop->reason == STOP_STEP || stop->reason == STOP_WATCH ||
	       stop->reason == STOP_CATCH || stop->reason == STOP_CRASH;
	if (!done)
		return false;
	if (rec->now < rec->frontier)
		rec->replayed++;
	rec->now++;
	return true;
}

/* Watched bytes (write and access watches) as they are now, into wvals;
 * the count of bytes. gdb reports a write watchpoint only where the
 * value changed, so comparing values finds the same stops as an access
 * trap would, on every host (debug registers are not armed while
 * stepping). */
static size_t watch_snapshot(struct record *rec, uint8_t *to)
{
	const struct debug *d = rec->dbg;
	size_t i, n = 0;
	const uint8_t *p;

	for (i = 0; i < d->nwatch; i++) {
		const struct watch *w = &d->watches[i];

		if (w->kind == WATCH_READ)
			continue;
		p = vm_gpa(rec->vm, w->gpa, w->len);
		if (to && p)
			memcpy(to + n, p, w->len);
		else if (to)
			memset(to + n, 0, w->len);
		n += w->len;
	}
	return n;
}

static int watch_begin(struct record *rec)
{
	size_t n = watch_snapshot(rec, NULL);
	void *p;

	if (n > rec->nwvals) {
		p = realloc(rec->wvals, n);
		if (!p) {
			pr_err("record: no memory for watched values");
			return -1;
		}
		rec->wvals = p;
		rec->nwvals = n;
	}
	watch_snapshot(rec, rec->wvals);
	return 0;
}

/* Did the last step change a watched value? Fills stop and takes the
 * new values as the old for the next step. */
static bool watch_changed(struct record *rec, struct stop *stop)
{
	const struct debug *d = rec->dbg;
	size_t i, n = 0;
	const uint8_t *p;
	bool hit = false;

	for (i = 0; i < d->nwatch; i++) {
		const struct watch *w = &d->watches[i];

		if (w->kind == WATCH_READ)
			continue;
		p = vm_gpa(rec->vm, w->gpa, w->len);
		if (p && memcmp(p, rec->wvals + n, w->len)) {
			if (!hit) {
				stop->reason = STOP_WATCH;
				stop->watch = w->kind;
				stop->addr = w->gva;
			}
			hit = true;
			memcpy(rec->wvals + n, p, w->len);
		}
		n += w->len;
	}
	return hit;
}

/* Is the vCPU at a breakpoint (software or DR execute)? Its stop. */
static enum stop_reason break_at(struct record *rec)
{
	const struct debug *d = rec->dbg;
	struct kvm_sregs s;
	struct kvm_regs r;
	uint64_t pc;
	size_t i;

	if (kvm_ioctl(rec->vcpu->fd, KVM_GET_REGS, &r) < 0 ||
	    kvm_ioctl(rec->vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		pr_err("record: KVM_GET_REGS/SREGS: %m");
		return STOP_ERROR;
	}
	pc = mode_linear_pc(&r, &s);	/* breakpoints are linear: CS.base + IP */
	for (i = 0; i < d->nbps; i++)
		if (d->bps[i].gva == pc)
			return STOP_SWBREAK;
	for (i = 0; i < DEBUG_HW_SLOTS; i++)
		if (d->dr[i].used && d->dr[i].rw == 0 && d->dr[i].addr == pc)
			return STOP_HWBREAK;
	return STOP_NONE;
}

/* After a live step: the next checkpoint when one is due. */
static int after_live_step(struct record *rec, const struct stop *stop)
{
	if (rec->now <= rec->frontier)
		return 0;
	rec->frontier = rec->now;
	if (stop->reason == STOP_CRASH ||
	    rec->now - rec->ck[rec->nck - 1].when < rec->interval)
		return 0;
	return checkpoint(rec, false);
}

/* Re-executing forward across a step where gdb changed the state: the
 * state there is the barrier checkpoint's, not what running gives. */
static int at_barrier(struct record *rec)
{
	size_t j = ckpt_at(rec, rec->now);

	if (rec->ck[j].when != rec->now || !rec->ck[j].barrier)
		return 0;
	return restore(rec, j);
}

/* One step forward, live or re-executed; false if it did not execute
 * (a kick, an error: the stop says). */
static bool forward_step(struct record *rec, struct stop *stop)
{
	bool past = rec->now < rec->frontier;

	if (!step_once(rec, stop))
		return false;
	if ((past ? at_barrier(rec) : after_live_step(rec, stop)) < 0) {
		stop->reason = STOP_ERROR;
		return false;
	}
	return true;
}

/* Counting a long continue is slow: say how to stop it. */
#define RECORD_SLOW_HINT	1000000

/* gdb continues from a breakpoint by stepping over it first; a catch
 * that step ended in is the continue's stop (debug.c holds it: see
 * hold_catch there). Every step here goes through debug_resume(step),
 * which never hands it back, so the continue takes it here. */
static bool held_catch(struct record *rec, struct stop *stop)
{
	struct debug *d = rec->dbg;
	struct kvm_regs r;

	if (d->held.reason != STOP_CATCH || !d->held_rearmed ||
	    kvm_ioctl(rec->vcpu->fd, KVM_GET_REGS, &r) < 0 || r.rip != d->held_rip)
		return false;
	*stop = d->held;
	d->held.reason = STOP_NONE;
	return true;
}

/* A live continue: at full speed from a checkpoint at now to a lazy one
 * where it stops. */
static enum stop_reason run_free(struct record *rec, struct stop *stop)
{
	struct rec_ckpt *e;

	if (rec->ck[rec->nck - 1].when != rec->now &&
	    checkpoint(rec, false) < 0)
		return stop->reason = STOP_ERROR;
	debug_resume(rec->dbg, false, stop);
	if (stop->reason == STOP_ERROR)
		return stop->reason;
	if (checkpoint(rec, false) < 0)
		return stop->reason = STOP_ERROR;
	e = &rec->ck[rec->nck - 1];
	e->lazy = true;
	e->crashed = stop->reason == STOP_CRASH;
	e->hash = ram_hash(rec);
	rec->nlazy++;
	return stop->reason;
}

/* stepi or continue: one step, or steps until a breakpoint, a watched
 * value changes, a watchpoint or catchpoint fires, or the HLT; past the
 * recorded history a continue runs free. */
static enum stop_reason forward(struct record *rec, bool step,
				struct stop *stop)
{
	enum stop_reason bp;

	if (!step && held_catch(rec, stop))
		return stop->reason;
	if (!step && rec->now >= rec->frontier)
		return run_free(rec, stop);
	if (watch_begin(rec) < 0)
		return stop->reason = STOP_ERROR;
	for (;;) {
		if (!step && rec->now >= rec->frontier)	/* replayed to the end */
			return run_free(rec, stop);
		if (!forward_step(rec, stop) || stop->reason != STOP_STEP)
			return stop->reason;
		if (watch_changed(rec, stop))
			return stop->reason;
		if (step)
			return stop->reason;
		if (stop->stepped_hlt) {	/* as debug_resume's continue */
			stop->stepped_hlt = false;
			return stop->reason = STOP_HALT;
		}
		bp = break_at(rec);
		if (bp != STOP_NONE)
			return stop->reason = bp;
	}
}

/* Restore and re-execute up to step t. */
static enum stop_reason go_to(struct record *rec, uint64_t t,
			      struct stop *stop)
{
	if (restore(rec, ckpt_at(rec, t)) < 0)
		return stop->reason = STOP_ERROR;
	stop->reason = STOP_STEP;
	while (rec->now < t)
		if (!step_once(rec, stop))
			return stop->reason;
	stop->reason = STOP_STEP;
	stop->stepped_hlt = false;
	stop->note[0] = '\0';	/* a catchpoint's, re-executed */
	return STOP_STEP;
}

/* ---- counting a full-speed continue ------------------------------------- */

/* The vCPU and RAM as a lazy checkpoint left them? RF and TF are the
 * debug layer's, not the guest's. */
static bool at_lazy(struct record *rec, const struct rec_ckpt *e)
{
	const uint64_t mask = ~(uint64_t)(0x100 | 0x10000);
	struct kvm_regs r = e->cpu.regs;
	struct kvm_sregs s;

	if (kvm_ioctl(rec->vcpu->fd, KVM_GET_REGS, &r) < 0)
		return false;
	r.rflags = (r.rflags & mask) | (e->cpu.regs.rflags & ~mask);
	if (memcmp(&r, &e->cpu.regs, sizeof(r)))
		return false;
	if (kvm_ioctl(rec->vcpu->fd, KVM_GET_SREGS, &s) < 0 ||
	    s.cr0 != e->cpu.sregs.cr0 || s.cr3 != e->cpu.sregs.cr3 ||
	    s.cr4 != e->cpu.sregs.cr4 || s.efer != e->cpu.sregs.efer)
		return false;
	return ram_hash(rec) == e->hash;
}

static void recount_bytes(struct record *rec)
{
	size_t i;

	rec->bytes = 0;
	for (rec->nlazy = 0, i = 0; i < rec->nck; i++) {
		rec->bytes += ckpt_bytes(&rec->ck[i]);
		rec->nlazy += rec->ck[i].lazy;
	}
}

#define RECORD_NL_FIRST	8	/* new checkpoints, room for at first */

/* Re-execute ck[k - 1] to the lazy ck[k] a step at a time, muted, with
 * checkpoints on the way (nl[1..]; nl[0] is ck[k - 1]'s new undo log),
 * until the vCPU is as ck[k] holds it. The count of steps, or 0 with
 * why in buf. */
static uint64_t count_steps(struct record *rec, size_t k, uint8_t *prev,
			    struct rec_ckpt **nlp, size_t *nn, char *why,
			    size_t len)
{
	const struct rec_ckpt *e = &rec->ck[k];
	uint64_t base = rec->ck[k - 1].when, n = 0;
	struct rec_ckpt *nl = *nlp;
	size_t cap = RECORD_NL_FIRST;
	struct stop st;
	bool ok;

	/* a crash leaves the registers of before the faulting instruction:
	 * the step that tries it is the last */
	while (e->crashed || !at_lazy(rec, e)) {
		if (n >= rec->max_steps) {
			snprintf(why, len, "it ran more than %llu instructions (monitor record limit)",
				 (unsigned long long)rec->max_steps);
			return 0;
		}
		memset(&st, 0, sizeof(st));
		rec->con->muted = true;
		debug_resume(rec->dbg, true, &st);
		rec->con->muted = false;
		ok = st.reason == STOP_STEP || st.reason == STOP_WATCH ||
		     st.reason == STOP_CATCH || st.reason == STOP_CRASH;
		if (!ok) {
			snprintf(why, len, "%s", st.reason == STOP_KICK ?
				 "interrupted" : "a step failed");
			return 0;
		}
		n++;
		rec->replayed++;
		if (n == RECORD_SLOW_HINT)
			pr_warn("recording: counting the steps of a continue run at full speed, to go back over it: %d so far (Ctrl-C in gdb stops; the history then begins after it)",
				RECORD_SLOW_HINT);
		if (st.reason == STOP_CRASH) {
			if (e->crashed)
				break;
			snprintf(why, len, "re-executed, it crashed where it had not");
			return 0;
		}
		if (n % rec->interval)
			continue;
		if (*nn == cap) {
			void *p = realloc(nl, (cap *= 2) * sizeof(*nl));

			if (!p)
				goto nomem;
			*nlp = nl = p;
		}
		memset(&nl[*nn], 0, sizeof(nl[*nn]));
		if (diff_into(rec, &nl[*nn - 1], prev) < 0)
			goto nomem;
		if (cpu_save(rec, &nl[*nn].cpu) < 0) {
			snprintf(why, len, "saving the vCPU failed");
			return 0;
		}
		nl[*nn].when = base + n;
		(*nn)++;
	}
	if (diff_into(rec, &nl[*nn - 1], prev) < 0)
		goto nomem;
	return n ? n : (uint64_t)-1;	/* -1: it ran no instruction */
nomem:
	snprintf(why, len, "no memory for its checkpoints");
	return 0;
}

/* How many steps the continue that ended at ck[k] took: its checkpoints
 * go in, every later step count moves up by it, and the vCPU is back at
 * now. If it cannot be counted, the history begins at ck[k] instead, and
 * rec->lost says why (for gdb, with the stop). */
static int resolve(struct record *rec, size_t k)
{
	uint64_t now = rec->now, n;
	struct rec_ckpt *nl = NULL;
	uint8_t *prev = NULL;
	size_t nn = 1, i;
	char why[128] = "no memory";
	struct stop st = { 0 };

	if (restore(rec, k - 1) < 0)
		return -1;
	nl = calloc(RECORD_NL_FIRST, sizeof(*nl));
	prev = mmap(NULL, rec->vm->ram_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (prev == MAP_FAILED)
		prev = NULL;
	n = nl && prev ? (memcpy(prev, rec->vm->ram, rec->vm->ram_size),
			  count_steps(rec, k, prev, &nl, &nn, why, sizeof(why))) : 0;
	if (prev)
		munmap(prev, rec->vm->ram_size);
	if (n == (uint64_t)-1)
		n = 0;
	else if (n == 0)
		goto fail;
	if (nn > 1 && rec->nck + nn - 1 > rec->capck) {
		void *p = realloc(rec->ck, (rec->nck + nn - 1) * sizeof(*rec->ck));

		if (!p) {
			snprintf(why, sizeof(why), "no memory for its checkpoints");
			goto fail;
		}
		rec->ck = p;
		rec->capck = rec->nck + nn - 1;
	}
	/* ck[k - 1] takes the undo log up to nl[1] (or to ck[k]) */
	free(rec->ck[k - 1].pfn);
	free(rec->ck[k - 1].pages);
	rec->ck[k - 1].pfn = nl[0].pfn;
	rec->ck[k - 1].pages = nl[0].pages;
	rec->ck[k - 1].npages = nl[0].npages;
	rec->ck[k - 1].cap = nl[0].cap;
	memmove(rec->ck + k + nn - 1, rec->ck + k,
		(rec->nck - k) * sizeof(*rec->ck));
	memcpy(rec->ck + k, nl + 1, (nn - 1) * sizeof(*nl));
	rec->nck += nn - 1;
	free(nl);
	rec->ck[k + nn - 1].lazy = false;
	for (i = k + nn - 1; i < rec->nck; i++)
		rec->ck[i].when += n;
	rec->frontier += n;
	rec->resolved++;
	recount_bytes(rec);
	if (go_to(rec, now + n, &st) != STOP_STEP)
		return -1;
	trim(rec);
	return 0;
fail:
	for (i = 0; nl && i < nn; i++)
		ckpt_free(&nl[i]);
	free(nl);
	if (go_to(rec, now, &st) != STOP_STEP)
		return -1;
	for (i = 0; i < k; i++)
		ckpt_free(&rec->ck[i]);
	memmove(rec->ck, rec->ck + k, (rec->nck - k) * sizeof(*rec->ck));
	rec->nck -= k;
	rec->ck[0].lazy = false;
	recount_bytes(rec);
	snprintf(rec->lost, sizeof(rec->lost),
		 "vmm: the history now begins where a continue stopped: its steps could not be counted (%s)\n",
		 why);
	return 0;
}

/* The newest lazy checkpoint within `back` steps before now (all of them
 * for UINT64_MAX), or 0: going back there needs it counted first. */
static size_t lazy_back(const struct record *rec, uint64_t back)
{
	size_t k;

	if (!rec->nlazy)
		return 0;
	for (k = rec->nck; k-- > 1;)
		if (rec->ck[k].lazy &&
		    (back == UINT64_MAX || rec->ck[k].when + back > rec->now))
			return k;
	return 0;
}

/* Count every continue going back `back` steps crosses; now moves up as
 * they are counted. */
static int resolve_back(struct record *rec, uint64_t back)
{
	size_t k;

	while ((k = lazy_back(rec, back)))
		if (resolve(rec, k) < 0)
			return -1;
	return 0;
}

/* The beginning of history: gdb says "No more reverse-execution
 * history." */
static enum stop_reason at_begin(struct record *rec, struct stop *stop)
{
	if (rec->started && go_to(rec, rec->ck[0].when, stop) != STOP_STEP)
		return stop->reason;
	stop->reason = STOP_STEP;
	stop->history_begin = true;
	return STOP_STEP;
}

static enum stop_reason reverse_step(struct record *rec, struct stop *stop)
{
	if (resolve_back(rec, 1) < 0)
		return stop->reason = STOP_ERROR;
	if (rec->now <= rec->ck[0].when)
		return at_begin(rec, stop);
	return go_to(rec, rec->now - 1, stop);
}

/* The last stop event from ck[j] up to step last: a breakpoint's address
 * reached at step t, or a watched value that the step from t changed
 * (the stop is then before the write; steps up to last + 1 are run).
 * Re-executes the interval; *found is false if there was none. */
static enum stop_reason scan(struct record *rec, size_t j, uint64_t last,
			     uint64_t *at, struct stop *hit, bool *found)
{
	struct stop stop = { 0 };
	enum stop_reason bp;
	uint64_t t;

	*found = false;
	if (restore(rec, j) < 0 || watch_begin(rec) < 0)
		return STOP_ERROR;
	for (t = rec->now; t <= last; t = rec->now) {
		bp = break_at(rec);
		if (bp == STOP_ERROR)
			return bp;
		if (bp != STOP_NONE) {
			*found = true;
			*at = t;
			hit->reason = bp;
		}
		memset(&stop, 0, sizeof(stop));
		if (!step_once(rec, &stop))
			return stop.reason;
		if (watch_changed(rec, &stop)) {
			*found = true;
			*at = t;
			*hit = stop;
		}
	}
	return STOP_NONE;
}

/* reverse-continue: back interval by interval to the last event. */
static enum stop_reason reverse_cont(struct record *rec, struct stop *stop)
{
	uint64_t end = rec->now, at = 0;
	struct stop hit = { .reason = STOP_NONE };
	enum stop_reason r;
	bool found;
	size_t j;

	if (resolve_back(rec, UINT64_MAX) < 0)
		return stop->reason = STOP_ERROR;
	end = rec->now;
	while (end > rec->ck[0].when) {
		j = ckpt_at(rec, end - 1);
		r = scan(rec, j, end - 1, &at, &hit, &found);
		if (r != STOP_NONE)
			return stop->reason = r;	/* a kick or an error */
		if (found) {
			if (go_to(rec, at, stop) != STOP_STEP)
				return stop->reason;
			stop->reason = hit.reason;
			stop->watch = hit.watch;
			stop->addr = hit.addr;
			return stop->reason;
		}
		end = rec->ck[j].when;
	}
	return at_begin(rec, stop);
}

/* ---- what gdb asks ------------------------------------------------------ */

/* The history's first checkpoint, or gdb's changes at a point of it. */
static int prepare(struct record *rec)
{
	if (!rec->probed)
		probe_extras(rec);
	if (!rec->started) {
		rec->started = true;
		rec->touched = false;
		return checkpoint(rec, false);
	}
	if (!rec->touched)
		return 0;
	rec->touched = false;
	if (rec->now < rec->frontier)
		truncate_future(rec);
	return checkpoint(rec, true);
}

/* Recording off: what was recorded is still re-executed (muted) up to
 * its end; past it, the history goes and the guest runs unrecorded. */
static bool unrecorded(struct record *rec)
{
	if (rec->on)
		return false;
	if (rec->started && rec->now >= rec->frontier)
		drop_history(rec);
	return !rec->started;
}

enum stop_reason record_resume(struct record *rec, bool reverse, bool step,
			       struct stop *stop)
{
	stop->history_begin = false;
	if (unrecorded(rec)) {
		if (reverse) {
			snprintf(stop->note, sizeof(stop->note),
				 "vmm: recording is off: there is no history to go back in (monitor record on)\n");
			stop->reason = STOP_STEP;
			stop->history_begin = true;
			return STOP_STEP;
		}
		return debug_resume(rec->dbg, step, stop);
	}
	stop->note[0] = '\0';
	stop->stepped_hlt = false;
	if (prepare(rec) < 0)
		return stop->reason = STOP_ERROR;
	if (!reverse)
		return forward(rec, step, stop);
	if (step)
		reverse_step(rec, stop);
	else
		reverse_cont(rec, stop);
	if (rec->lost[0]) {
		snprintf(stop->note, sizeof(stop->note), "%s", rec->lost);
		rec->lost[0] = '\0';
	}
	return stop->reason;
}

void record_detached(struct record *rec)
{
	struct stop stop = { 0 };

	if (!rec->started)
		return;
	/* No breakpoints are left (gdb detached): plain muted steps. */
	while (rec->now < rec->frontier && !rec->touched)
		if (!step_once(rec, &stop))
			break;
	drop_history(rec);
}

void record_forget(struct record *rec)
{
	if (rec->now >= rec->frontier)
		drop_history(rec);
}

void record_touched(struct record *rec)
{
	rec->touched = true;
}

/* ---- monitor record ----------------------------------------------------- */


static int status(const struct record *rec, char *buf, size_t len)
{
	uint64_t first = rec->started ? rec->ck[0].when : 0;
	char lazy[128] = "";

	if (rec->nlazy)
		snprintf(lazy, sizeof(lazy), "continues run at full speed: %zu, counted when gone back over\n",
			 rec->nlazy);

	return snprintf(buf, len,
		"recording: %s%s\n"
		"history: steps %llu to %llu (%llu instructions%s); at step %llu%s\n"
		"%s"
		"checkpoints: %zu, every %llu steps; memory %.1f KiB (RAM copy %.1f MiB besides)\n"
		"limit: %llu steps, %llu MiB\n"
		"restores: %llu, steps re-executed: %llu, continues counted: %llu\n",
		rec->on ? "on" : "off",
		!rec->on && rec->started ? " (after the recorded history, which is replayed first)" : "",
		(unsigned long long)first, (unsigned long long)rec->frontier,
		(unsigned long long)(rec->frontier - first),
		rec->nlazy ? " counted" : "",
		(unsigned long long)rec->now,
		rec->now < rec->frontier ? " (replaying)" : "",
		lazy,
		rec->nck, (unsigned long long)rec->interval,
		rec->bytes / 1024.0,
		rec->ref ? rec->vm->ram_size / 1048576.0 : 0.0,
		(unsigned long long)rec->max_steps,
		(unsigned long long)(rec->max_bytes >> 20),
		(unsigned long long)rec->restores,
		(unsigned long long)rec->replayed,
		(unsigned long long)rec->resolved);
}

static int set_limit(struct record *rec, int argc, char **argv, char *buf,
		     size_t len)
{
	uint64_t steps, mib = rec->max_bytes >> 20;

	if (argc < 3 || !parse_u64(argv[2], &steps) || steps == 0 ||
	    (argc > 3 && (!parse_u64(argv[3], &mib) || mib == 0 ||
			  mib > (1ULL << 30))))
		return snprintf(buf, len, "usage: record limit STEPS [MIB] (both > 0)\n");
	rec->max_steps = steps;
	rec->max_bytes = mib << 20;
	trim(rec);
	return snprintf(buf, len, "history kept: %llu steps, %llu MiB of checkpoints\n",
			(unsigned long long)steps, (unsigned long long)mib);
}

int record_command(struct record *rec, int argc, char **argv, char *buf,
		   size_t len)
{
	const char *what = argc > 1 ? argv[1] : "status";
	uint64_t n;

	if (!strcmp(what, "status"))
		return status(rec, buf, len);
	if (!strcmp(what, "on") || !strcmp(what, "off")) {
		rec->on = what[1] == 'n';
		return snprintf(buf, len, "recording %s%s\n", what,
				!rec->on && rec->started && rec->now < rec->frontier ?
				" after the recorded history (going forward replays it first)" : "");
	}
	if (!strcmp(what, "limit"))
		return set_limit(rec, argc, argv, buf, len);
	if (!strcmp(what, "interval")) {
		if (argc < 3 || !parse_u64(argv[2], &n) || n == 0 || n > 1000000000)
			return snprintf(buf, len, "usage: record interval STEPS (1 to 10^9)\n");
		rec->interval = n;
		return snprintf(buf, len, "a checkpoint every %llu steps\n",
				(unsigned long long)n);
	}
	if (!strcmp(what, "hash"))
		return snprintf(buf, len, "step %llu ram 0x%016llx\n",
				(unsigned long long)rec->now,
				(unsigned long long)ram_hash(rec));
	return snprintf(buf, len, "usage: record [on|off|status|limit STEPS [MIB]|interval STEPS|hash]\n");
}
