/* debug.c - breakpoints and single-stepping, per host.
 *
 * KVM_SET_GUEST_DEBUG (api.rst) turns on single-stepping
 * (KVM_GUESTDBG_SINGLESTEP), makes int3 exit to vmm instead of reaching
 * the guest (KVM_GUESTDBG_USE_SW_BP) and loads DR0-DR3/DR7 for hardware
 * breakpoints (KVM_GUESTDBG_USE_HW_BP); each reports KVM_EXIT_DEBUG with
 * the exception (1 = #DB, 3 = #BP), the pc and DR6.
 *
 * Hosts differ (DESIGN.md): kvm_pvm fails int3 with an internal error but
 * exits cleanly on HLT, so there a software breakpoint is a planted HLT,
 * recognised by the KVM_EXIT_HLT one byte past a planted address. The
 * probe picks one strategy at start-up.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "debug.h"
#include "mmu.h"
#include "modes.h"
#include "probe.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

#define DR6_BS		(1u << 14)	/* single step (SDM 17.2.3) */
#define DR6_HIT		0xfu		/* B0-B3: which DRn matched */
#define OPCODE_INT3	0xcc
#define OPCODE_HLT	0xf4

const char *debug_strategy_name(enum bp_strategy s)
{
	return s == BP_INT3 ? "int3" : "patched HLT";
}

/* Does int3 under KVM_GUESTDBG_USE_SW_BP come back as KVM_EXIT_DEBUG #BP
 * at the int3's address? kvm_intel and kvm_amd: yes; kvm_pvm: no. */
static bool probe_int3(int kvm_fd)
{
	static const uint8_t code[] = { OPCODE_INT3, OPCODE_HLT };
	struct kvm_guest_debug dbg = { .control = KVM_GUESTDBG_ENABLE |
						  KVM_GUESTDBG_USE_SW_BP };
	struct kvm_run run;
	char why[128];

	return probe_run(kvm_fd, CPU_MODE_LONG, code, sizeof(code), &dbg, &run,
			 why, sizeof(why)) == VCPU_DEBUG &&
	       run.debug.arch.exception == 3 && run.debug.arch.pc == 0x1000;
}

/* Does a DR0 write watchpoint fire (KVM_EXIT_DEBUG, #DB, DR6.B0) when the
 * guest writes the byte? kvm_intel and kvm_amd: yes; kvm_pvm: never. */
static bool probe_dr_write(int kvm_fd)
{
	/* movb $1, 0x2000 (absolute, SIB form); hlt */
	static const uint8_t code[] = { 0xc6, 0x04, 0x25, 0x00, 0x20, 0x00,
					0x00, 0x01, OPCODE_HLT };
	struct kvm_guest_debug dbg = { .control = KVM_GUESTDBG_ENABLE |
						  KVM_GUESTDBG_USE_HW_BP };
	struct kvm_run run;
	char why[128];

	dbg.arch.debugreg[0] = 0x2000;
	dbg.arch.debugreg[7] = (1u << 0) | (1u << 9) | (1u << 16); /* L0, GE, W */
	return probe_run(kvm_fd, CPU_MODE_LONG, code, sizeof(code), &dbg, &run,
			 why, sizeof(why)) == VCPU_DEBUG &&
	       run.debug.arch.exception == 1 && (run.debug.arch.dr6 & 1);
}

void debug_init(struct debug *d, struct vm *vm, struct vcpu *vcpu)
{
	const char *force = getenv("VMM_DEBUG_BP");

	memset(d, 0, sizeof(*d));
	d->vm = vm;
	d->vcpu = vcpu;
	if (force && !strcmp(force, "hlt")) {
		d->sw = BP_HLT;
		pr_strategy("breakpoints", "%s (forced by VMM_DEBUG_BP=hlt)",
			    debug_strategy_name(d->sw));
		return;
	}
	d->sw = probe_int3(vm->kvm_fd) ? BP_INT3 : BP_HLT;
	pr_strategy("breakpoints", "%s (%s)", debug_strategy_name(d->sw),
		    d->sw == BP_INT3 ? "KVM reports int3 as KVM_EXIT_DEBUG" :
		    "int3 fails on this host; HLT exits cleanly");
	pr_strategy("hardware breakpoints", "debug registers DR0-DR3");
	pr_strategy("single-step", "KVM_GUESTDBG_SINGLESTEP; I/O completed with an immediate_exit run");
	d->dr_data = !getenv("VMM_DEBUG_NO_DR_WATCH") && probe_dr_write(vm->kvm_fd);
	if (d->dr_data)
		pr_strategy("watchpoints", "debug registers (page protection for rwatch, ranges over 8 bytes and more than four)");
	else
		pr_strategy("watchpoints", "page protection: read-only slots for writes, no slot for reads (DR data watchpoints never fire here)");
}

void debug_free(struct debug *d)
{
	free(d->bps);
	free(d->watches);
	d->bps = NULL;
	d->watches = NULL;
	d->nbps = d->capbps = d->nwatch = d->capwatch = 0;
}

static struct sw_bp *find_sw(struct debug *d, uint64_t gva)
{
	size_t i;

	for (i = 0; i < d->nbps; i++)
		if (d->bps[i].gva == gva)
			return &d->bps[i];
	return NULL;
}

int debug_add_sw(struct debug *d, uint64_t gva)
{
	struct sw_bp *nb;

	if (find_sw(d, gva))
		return 0;	/* gdb may insert twice: once is enough */
	if (d->nbps == d->capbps) {
		size_t cap = d->capbps ? 2 * d->capbps : 16;

		nb = realloc(d->bps, cap * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		d->bps = nb;
		d->capbps = cap;
	}
	d->bps[d->nbps++] = (struct sw_bp){ .gva = gva };
	return 0;
}

int debug_del_sw(struct debug *d, uint64_t gva)
{
	struct sw_bp *b = find_sw(d, gva);

	if (!b)
		return -ENOENT;
	*b = d->bps[--d->nbps];
	return 0;
}

static int dr_find(struct debug *d, uint64_t addr, unsigned rw, unsigned len)
{
	int i;

	for (i = 0; i < DEBUG_HW_SLOTS; i++)
		if (d->dr[i].used && d->dr[i].addr == addr &&
		    d->dr[i].rw == rw && d->dr[i].len == len)
			return i;
	return -1;
}

static int dr_alloc(struct debug *d, uint64_t addr, unsigned rw, unsigned len)
{
	int i;

	for (i = 0; i < DEBUG_HW_SLOTS; i++) {
		if (!d->dr[i].used) {
			d->dr[i] = (struct dr_slot){ true, addr, rw, len };
			return i;
		}
	}
	return -1;
}

int debug_add_hw(struct debug *d, uint64_t gva)
{
	if (dr_find(d, gva, 0, 1) >= 0)
		return 0;
	return dr_alloc(d, gva, 0, 1) < 0 ? -ENOSPC : 0;
}

int debug_del_hw(struct debug *d, uint64_t gva)
{
	int i = dr_find(d, gva, 0, 1);

	if (i < 0)
		return -ENOENT;
	d->dr[i].used = false;
	return 0;
}

void debug_clear(struct debug *d)
{
	d->nbps = 0;
	d->nwatch = 0;
	d->prot_dirty = true;
	memset(d->dr, 0, sizeof(d->dr));
}

/* Guest-virtual to host pointer through the guest's tables, or NULL. */
static uint8_t *gva_byte(struct debug *d, const struct kvm_sregs *s,
			 uint64_t gva, uint64_t *gpa)
{
	struct mmu_paging pg;
	struct mmu_walk w;

	vm_paging(d->vm, s, 0, &pg);
	pg.seg_base = 0;		/* gdb's addresses are linear */
	pg.seg_limit = UINT32_MAX;
	if (mmu_translate(&pg, gva, MMU_ACC_FETCH, vm_read_phys, d->vm, &w) != MMU_OK &&
	    !w.have_gpa)
		return NULL;
	*gpa = w.gpa;
	return vm_gpa(d->vm, w.gpa, 1);
}

static void plant(struct debug *d, const struct kvm_sregs *s, uint64_t skip)
{
	uint8_t op = d->sw == BP_INT3 ? OPCODE_INT3 : OPCODE_HLT;
	struct sw_bp *b;
	uint8_t *p;
	size_t i;

	for (i = 0; i < d->nbps; i++) {
		b = &d->bps[i];
		b->planted = false;
		if (b->gva == skip)
			continue;
		p = gva_byte(d, s, b->gva, &b->gpa);
		if (!p)
			continue;	/* not mapped now: nothing to run there */
		b->saved = *p;
		*p = op;
		b->planted = true;
	}
}

static void unplant(struct debug *d)
{
	struct sw_bp *b;
	uint8_t *p;
	size_t i;

	for (i = d->nbps; i-- > 0;) {	/* reverse: duplicates restore last */
		b = &d->bps[i];
		if (!b->planted)
			continue;
		p = vm_gpa(d->vm, b->gpa, 1);
		if (p)
			*p = b->saved;
		b->planted = false;
	}
}

static struct sw_bp *planted_at(struct debug *d, uint64_t gva)
{
	struct sw_bp *b = find_sw(d, gva);

	return b && b->planted ? b : NULL;
}

/* DR7 LEN encoding (SDM 17.2.5): 1, 2, 8, 4 bytes -> 00, 01, 10, 11. */
static unsigned dr7_len(unsigned len)
{
	return len == 2 ? 1 : len == 8 ? 2 : len == 4 ? 3 : 0;
}

static int set_guest_debug(struct debug *d, bool step, bool use_hw)
{
	struct kvm_guest_debug g;
	int i;

	memset(&g, 0, sizeof(g));
	g.control = KVM_GUESTDBG_ENABLE;
	if (step)
		g.control |= KVM_GUESTDBG_SINGLESTEP;
	if (d->sw == BP_INT3 && !step)
		g.control |= KVM_GUESTDBG_USE_SW_BP;
	for (i = 0; use_hw && i < DEBUG_HW_SLOTS; i++) {
		if (!d->dr[i].used)
			continue;
		g.control |= KVM_GUESTDBG_USE_HW_BP;
		g.arch.debugreg[i] = d->dr[i].addr;
		/* Ln enable, R/Wn and LENn (SDM 17.2.4); GE for exact
		 * data breakpoint reporting. */
		g.arch.debugreg[7] |= (1u << (2 * i)) | (1u << 9) |
			(d->dr[i].rw << (16 + 4 * i)) |
			(dr7_len(d->dr[i].len) << (18 + 4 * i));
	}
	if (ioctl(d->vcpu->fd, KVM_SET_GUEST_DEBUG, &g) < 0) {
		pr_err("KVM_SET_GUEST_DEBUG: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static bool hw_at(struct debug *d, uint64_t gva)
{
	return dr_find(d, gva, 0, 1) >= 0;
}

static bool any_hw(struct debug *d)
{
	int i;

	for (i = 0; i < DEBUG_HW_SLOTS; i++)
		if (d->dr[i].used)
			return true;
	return false;
}

enum debug_event debug_event_of(enum vcpu_stop stop)
{
	switch (stop) {
	case VCPU_HALT:		return DEBUG_HALT;
	case VCPU_KICK:		return DEBUG_KICK;
	case VCPU_CRASH:	return DEBUG_CRASH;
	case VCPU_ERROR:	return DEBUG_ERROR;
	default:		return DEBUG_STEP;
	}
}

/* ---- watchpoints -------------------------------------------------------- */

static struct watch *find_watch(struct debug *d, enum watch_kind kind,
				uint64_t gva, unsigned len)
{
	return watch_find(d->watches, d->nwatch, kind, gva, len);
}

static int get_state(struct debug *d, struct kvm_regs *r, struct kvm_sregs *s)
{
	if (ioctl(d->vcpu->fd, KVM_GET_REGS, r) < 0 ||
	    ioctl(d->vcpu->fd, KVM_GET_SREGS, s) < 0) {
		pr_err("reading the vCPU's registers: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Is the 4 KiB page at gpa one the CPU reads to translate gva? */
static bool page_holds_tables(struct debug *d, const struct kvm_sregs *s,
			      uint64_t gva, uint64_t page)
{
	struct mmu_paging pg;
	struct mmu_walk w;
	unsigned i;

	vm_paging(d->vm, s, 0, &pg);
	mmu_translate(&pg, gva, MMU_ACC_READ, vm_read_phys, d->vm, &w);
	for (i = 0; i < w.nsteps; i++)
		if ((w.step[i].table & ~0xfffULL) == page)
			return true;
	return false;
}

int debug_add_watch(struct debug *d, enum watch_kind kind, uint64_t gva,
		    unsigned len)
{
	uint64_t gpa_last, page, pages[3];
	struct kvm_sregs s;
	struct kvm_regs r;
	struct watch *nw, w = { .gva = gva, .len = len, .kind = kind, .dr = -1 };
	unsigned i, rw;

	if (len == 0 || find_watch(d, kind, gva, len))
		return len ? 0 : -EINVAL;
	if (get_state(d, &r, &s) < 0)
		return -EIO;
	if (!gva_byte(d, &s, gva, &w.gpa) || !gva_byte(d, &s, gva + len - 1, &gpa_last) ||
	    gpa_last - w.gpa != len - 1) {
		pr_warn("watchpoint 0x%llx+%u refused: not mapped to contiguous guest RAM",
			(unsigned long long)gva, len);
		return -EINVAL;
	}
	rw = kind == WATCH_WRITE ? 1 : 3;
	if (d->dr_data && kind != WATCH_READ && (len == 1 || len == 2 ||
	    len == 4 || len == 8) && !(gva & (len - 1)))
		w.dr = dr_alloc(d, gva, rw, len);
	if (w.dr < 0) {
		/* Page protection: refuse pages the CPU's own page walk, the
		 * code or the stack depend on for their tables. */
		pages[0] = r.rip;
		pages[1] = r.rsp;
		pages[2] = gva;
		for (page = w.gpa & ~0xfffULL; page <= (gpa_last & ~0xfffULL); page += 4096) {
			for (i = 0; i < 3; i++) {
				if (!page_holds_tables(d, &s, pages[i], page))
					continue;
				pr_warn("watchpoint 0x%llx refused: page 0x%llx holds the guest's page tables, which the CPU reads on every access",
					(unsigned long long)gva, (unsigned long long)page);
				return -EPERM;
			}
		}
		d->prot_dirty = true;
	}
	if (d->nwatch == d->capwatch) {
		size_t cap = d->capwatch ? 2 * d->capwatch : 8;

		nw = realloc(d->watches, cap * sizeof(*nw));
		if (!nw) {
			if (w.dr >= 0)
				d->dr[w.dr].used = false;
			return -ENOMEM;
		}
		d->watches = nw;
		d->capwatch = cap;
	}
	d->watches[d->nwatch++] = w;
	return 0;
}

int debug_del_watch(struct debug *d, enum watch_kind kind, uint64_t gva,
		    unsigned len)
{
	struct watch *w = find_watch(d, kind, gva, len);

	if (!w)
		return -ENOENT;
	if (w->dr >= 0)
		d->dr[w->dr].used = false;
	else
		d->prot_dirty = true;
	*w = d->watches[--d->nwatch];
	return 0;
}

/* Memory slots for the page-protected watchpoints (watch.c decides).
 * fetchable: pages that would have no slot get a read-only one instead,
 * so one instruction can be fetched from them while writes still exit. */
static int protect(struct debug *d, bool fetchable)
{
	struct vm_prot_range *r;
	size_t i, n;
	int err;

	r = calloc(d->nwatch + 1, sizeof(*r));
	if (!r)
		return -1;
	n = watch_layout(d->watches, d->nwatch, r);
	d->prot_none = false;
	for (i = 0; i < n; i++) {
		if (fetchable && r[i].prot == VM_PROT_NONE)
			r[i].prot = VM_PROT_RO;
		d->prot_none |= r[i].prot == VM_PROT_NONE;
	}
	err = vm_protect(d->vm, r, n);
	free(r);
	return err;
}

static int apply_protection(struct debug *d)
{
	if (!d->prot_dirty)
		return 0;
	d->prot_dirty = false;
	return protect(d, false);
}

enum mmio_result { MMIO_NOT_OURS, MMIO_DONE, MMIO_HIT };

/* An MMIO exit on RAM vmm protected: do the access itself (the memory is
 * still vmm's), and say whether it touched watched bytes. */
static enum mmio_result protected_access(struct debug *d)
{
	struct kvm_run *run = d->vcpu->run;
	uint64_t gpa = run->mmio.phys_addr;
	unsigned len = run->mmio.len;
	const struct watch *w;
	uint8_t *p;

	if (run->exit_reason != KVM_EXIT_MMIO || len > sizeof(run->mmio.data))
		return MMIO_NOT_OURS;
	p = vm_gpa(d->vm, gpa, len);
	if (!p)
		return MMIO_NOT_OURS;	/* no RAM there: a real crash */
	if (run->mmio.is_write)
		memcpy(p, run->mmio.data, len);
	else
		memcpy(run->mmio.data, p, len);
	w = watch_match(d->watches, d->nwatch, gpa, len, run->mmio.is_write);
	if (!w)
		return MMIO_DONE;
	d->hit_addr = w->gva;
	d->hit_kind = w->kind == WATCH_ACCESS ? WATCH_ACCESS :
		      run->mmio.is_write ? WATCH_WRITE : WATCH_READ;
	return MMIO_HIT;
}

/* ---- running -------------------------------------------------------------- */

static enum debug_event step_one(struct debug *d, const struct kvm_sregs *s,
				 uint64_t rip, bool *stepped_hlt);

/* An instruction fetch from a page with no slot (kvm_pvm: an internal
 * error): give the page a read-only slot, step that one instruction (its
 * writes still exit and are checked; a read it makes of its own page is
 * not seen), and take the slot away again. */
static enum debug_event fetch_from_protected(struct debug *d, bool step)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	enum debug_event ev;
	bool hlt = false;

	if (protect(d, true) < 0 || get_state(d, &r, &s) < 0)
		return DEBUG_CRASH;
	ev = step_one(d, &s, r.rip, &hlt);
	if (protect(d, false) < 0)
		return DEBUG_ERROR;
	if (ev == DEBUG_STEP && hlt)
		return DEBUG_HALT;
	if (ev != DEBUG_STEP || step)
		return ev;
	if (set_guest_debug(d, false, any_hw(d)) < 0)
		return DEBUG_ERROR;
	return DEBUG_RUN_ON;
}

/* KVM_RUN until something other than I/O and protected-page accesses
 * stops the guest. Stepping: one instruction. */
static enum debug_event run_guest(struct debug *d, bool step)
{
	struct kvm_run *run = d->vcpu->run;
	enum debug_event ev;
	enum vcpu_stop stop;
	enum mmio_result mr;

	for (;;) {
		d->vcpu->stepping = step;
		stop = vcpu_run(d->vcpu);
		d->vcpu->stepping = false;
		if (stop == VCPU_CRASH && run->exit_reason == KVM_EXIT_MMIO &&
		    (mr = protected_access(d)) != MMIO_NOT_OURS) {
			if (mr == MMIO_DONE && !step)
				continue;
			/* Finish the access without running on: the stop
			 * comes after it, as with x86 debug registers. */
			stop = vcpu_complete_io(d->vcpu);
			if (mr == MMIO_HIT)
				return DEBUG_WATCH;
		} else if (stop == VCPU_CRASH && d->prot_none &&
			   run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
			ev = fetch_from_protected(d, step);
			if (ev == DEBUG_RUN_ON)
				continue;
			return ev;
		} else if (stop == VCPU_IO_STEP) {
			stop = vcpu_complete_io(d->vcpu);
			if (!step)	/* an I/O catchpoint */
				return stop == VCPU_DEBUG ? DEBUG_CATCH : debug_event_of(stop);
		}
		if (step && (stop == VCPU_DEBUG || stop == VCPU_HALT))
			return DEBUG_STEP;
		return debug_event_of(stop);
	}
}

/* One instruction, nothing planted, no debug registers armed. */
static enum debug_event step_one(struct debug *d, const struct kvm_sregs *s,
				 uint64_t rip, bool *stepped_hlt)
{
	uint64_t gpa;
	uint8_t *p;

	p = gva_byte(d, s, rip, &gpa);
	if (stepped_hlt)
		*stepped_hlt = p && *p == OPCODE_HLT;
	if (set_guest_debug(d, true, false) < 0)
		return DEBUG_ERROR;
	return run_guest(d, true);
}

static void set_rip(struct debug *d, struct kvm_regs *r, uint64_t rip)
{
	r->rip = rip;
	if (ioctl(d->vcpu->fd, KVM_SET_REGS, r) < 0)
		pr_err("KVM_SET_REGS: %s", strerror(errno));
}

/* KVM_EXIT_DEBUG: which of ours was it? */
static enum debug_event classify_debug(struct debug *d)
{
	struct kvm_debug_exit_arch *a = &d->vcpu->run->debug.arch;
	struct kvm_sregs s;
	struct kvm_regs r;
	size_t k;
	int i;

	if (a->exception == 3) {
		if (planted_at(d, a->pc) && get_state(d, &r, &s) == 0 &&
		    r.rip != a->pc)
			set_rip(d, &r, a->pc);
		return DEBUG_SWBREAK;	/* ours, or the guest's own int3 */
	}
	for (i = 0; i < DEBUG_HW_SLOTS; i++) {
		if (!(a->dr6 & (1u << i)) || !d->dr[i].used)
			continue;
		if (d->dr[i].rw == 0)
			return DEBUG_HWBREAK;
		for (k = 0; k < d->nwatch; k++) {
			if (d->watches[k].dr != i)
				continue;
			d->hit_addr = d->watches[k].gva;
			d->hit_kind = d->watches[k].kind;
			return DEBUG_WATCH;
		}
	}
	return DEBUG_STEP;
}

enum debug_event debug_resume(struct debug *d, bool step, bool *stepped_hlt)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	enum debug_event ev;
	struct sw_bp *b;

	if (stepped_hlt)
		*stepped_hlt = false;
	if (get_state(d, &r, &s) < 0 || apply_protection(d) < 0)
		return DEBUG_ERROR;
	if (step)
		return step_one(d, &s, r.rip, stepped_hlt);

	/* Resuming on a breakpoint: step off it first, with it out of the
	 * way (kvm_pvm re-triggers a DR breakpoint even with RF set). */
	if (find_sw(d, r.rip) || hw_at(d, r.rip)) {
		bool hlt = false;

		ev = step_one(d, &s, r.rip, &hlt);
		if (ev != DEBUG_STEP)
			return ev;
		if (hlt)
			return DEBUG_HALT;
		if (get_state(d, &r, &s) < 0)
			return DEBUG_ERROR;
	}
	plant(d, &s, UINT64_MAX);
	if (set_guest_debug(d, false, any_hw(d)) < 0) {
		unplant(d);
		return DEBUG_ERROR;
	}
	ev = run_guest(d, false);
	if (ev == DEBUG_STEP) {		/* KVM_EXIT_DEBUG while running */
		ev = classify_debug(d);
	} else if (ev == DEBUG_HALT && d->sw == BP_HLT &&
		   get_state(d, &r, &s) == 0 && (b = planted_at(d, r.rip - 1))) {
		set_rip(d, &r, b->gva);
		ev = DEBUG_SWBREAK;
	}
	unplant(d);
	return ev;
}

int debug_disable(struct debug *d)
{
	struct kvm_guest_debug g;

	memset(&g, 0, sizeof(g));
	if (ioctl(d->vcpu->fd, KVM_SET_GUEST_DEBUG, &g) < 0) {
		pr_err("KVM_SET_GUEST_DEBUG: %s", strerror(errno));
		return -1;
	}
	return 0;
}
