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
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "debug.h"
#include "insn.h"
#include "kvm.h"
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

static void on_debug(void *ctx, const struct kvm_debug_exit_arch *arch,
		     struct stop *stop);
static void on_halt(void *ctx, struct stop *stop);
static void on_shutdown(void *ctx, struct stop *stop);
static const struct watch *insn_reads_watch(struct debug *d);
static enum bus_result protected_access(void *ctx, const struct bus_access *a,
					struct stop *stop);

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
			 why, sizeof(why)) == STOP_DEBUG &&
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
			 why, sizeof(why)) == STOP_DEBUG &&
	       run.debug.arch.exception == 1 && (run.debug.arch.dr6 & 1);
}

/* How many memory slots KVM gives a VM (api.rst, KVM_CAP_NR_MEMSLOTS): a
 * protected range costs up to two (itself and the RAM after it). */
/* VMM_DEBUG_MAX_SLOTS=N: use at most N (tests of the refusal, on hosts
 * whose KVM gives tens of thousands). */
static unsigned memslots(struct vm *vm)
{
	int n = kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, (void *)(long)KVM_CAP_NR_MEMSLOTS);
	const char *cap = getenv("VMM_DEBUG_MAX_SLOTS");
	unsigned max = n > 0 ? (unsigned)n : 32;	/* the API's documented minimum */
	uint64_t v;

	if (cap && parse_u64(cap, &v) && v >= 2 && v < max)
		max = (unsigned)v;
	return max;
}

/* The watchdog: while page protection is on and the guest runs, SIGUSR2
 * to the vCPU thread every TICK_MS makes KVM_RUN return (vcpu.c), so an
 * instruction KVM retries forever without an exit (sgdt or sidt into a
 * read-only slot on kvm_pvm: measured) is seen and run by the CPU. */
#define TICK_MS 10

static int tick_create(struct debug *d)
{
	struct sigevent ev;

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGUSR2;
	ev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &ev, &d->tick) < 0) {
		pr_warn("timer_create (the page-protection watchdog): %m");
		return -1;
	}
	return 0;
}

static void tick_arm(struct debug *d, bool on)
{
	struct itimerspec it;

	if (!d->have_tick)
		return;
	memset(&it, 0, sizeof(it));
	if (on) {
		it.it_value.tv_nsec = TICK_MS * 1000000L;
		it.it_interval = it.it_value;
	}
	if (timer_settime(d->tick, 0, &it, NULL) < 0)
		pr_warn("timer_settime (the page-protection watchdog): %m");
	if (!on)
		vcpu_tick = 0;
}

void debug_init(struct debug *d, struct vm *vm, struct vcpu *vcpu)
{
	const char *force = getenv("VMM_DEBUG_BP");

	memset(d, 0, sizeof(*d));
	d->vm = vm;
	d->vcpu = vcpu;
	d->hooks = (struct vcpu_hooks){ on_debug, on_halt, on_shutdown, d };
	d->max_slots = memslots(vm);
	d->have_tick = tick_create(d) == 0;
	if (vcpu->mmio && bus_register(vcpu->mmio, 0, vm->ram_size - 1,
				       protected_access, d) < 0)
		pr_warn("no room on the MMIO bus for page-protection watchpoints");
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
		pr_strategy("watchpoints", "debug registers (rwatch as an access one, its writes filtered; page protection for ranges over 8 bytes, unaligned ones and more than four)");
	else
		pr_strategy("watchpoints", "page protection: read-only slots for writes, no slot for reads (DR data watchpoints never fire here)");
}

void debug_free(struct debug *d)
{
	if (d->have_tick)
		timer_delete(d->tick);
	d->have_tick = false;
	free(d->bps);
	free(d->watches);
	free(d->snap);
	d->bps = NULL;
	d->watches = NULL;
	d->snap = NULL;
	d->snapcap = 0;
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

static uint8_t *gva_byte(struct debug *d, const struct kvm_sregs *s,
			 uint64_t gva, uint64_t *gpa);
static int get_state(struct debug *d, struct kvm_regs *r, struct kvm_sregs *s);

/* VMM_DEBUG_NO_DR_BREAK=1: software breakpoints are always planted
 * (tests of the planted path on hosts with debug registers free). */
static bool dr_breaks(void)
{
	const char *v = getenv("VMM_DEBUG_NO_DR_BREAK");

	return !v || !*v || !strcmp(v, "0");
}

/* Does gva translate to guest RAM now, so an opcode can be planted? */
static bool sw_plantable(struct debug *d, uint64_t gva)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	uint64_t gpa;

	return get_state(d, &r, &s) == 0 && gva_byte(d, &s, gva, &gpa);
}

/* Debug registers left for breakpoints on addresses not mapped yet. */
static int free_drs_for_pending(struct debug *d)
{
	int k, n = dr_breaks() ? DEBUG_HW_SLOTS : 0;
	size_t i;

	for (k = 0; k < DEBUG_HW_SLOTS; k++)
		n -= d->dr[k].used;
	for (i = 0; i < d->nbps; i++)
		n -= !sw_plantable(d, d->bps[i].gva);
	return n;
}

int debug_add_sw(struct debug *d, uint64_t gva)
{
	struct sw_bp *nb;

	if (d->held.reason != STOP_NONE && gva == d->held_from)
		d->held_rearmed = true;
	if (find_sw(d, gva))
		return 0;	/* gdb may insert twice: once is enough */
	if (!sw_plantable(d, gva) && free_drs_for_pending(d) <= 0) {
		pr_warn("breakpoint 0x%llx refused: the address is not mapped to guest RAM now, and no debug register is free to catch it when the guest maps it",
			(unsigned long long)gva);
		return -ENOSPC;
	}
	if (d->nbps == d->capbps) {
		size_t cap = d->capbps ? 2 * d->capbps : 16;

		nb = realloc(d->bps, cap * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		d->bps = nb;
		d->capbps = cap;
	}
	d->bps[d->nbps++] = (struct sw_bp){ .gva = gva, .dr = -1 };
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
	if (d->held.reason != STOP_NONE && gva == d->held_from)
		d->held_rearmed = true;
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

/* Debug registers Z1 and DR watches leave free: they go to software
 * breakpoints at each resume, so the first ones change no guest byte (a
 * guest checksumming its code sees nothing), fire at their virtual
 * address only (not at an alias of its page), and fire on an address
 * the guest maps only later. Unmapped breakpoints get them first. */
static void assign_drs(struct debug *d, const struct kvm_sregs *s)
{
	bool used[DEBUG_HW_SLOTS];
	struct sw_bp *b;
	uint64_t gpa;
	size_t i, pass;
	int k;

	for (k = 0; k < DEBUG_HW_SLOTS; k++)
		used[k] = d->dr[k].used;
	for (i = 0; i < d->nbps; i++)
		d->bps[i].dr = -1;
	for (pass = 0; pass < 2 && dr_breaks(); pass++) {
		for (i = 0; i < d->nbps; i++) {
			b = &d->bps[i];
			if (b->dr >= 0 || (pass == 0 && gva_byte(d, s, b->gva, &gpa)))
				continue;
			for (k = 0; k < DEBUG_HW_SLOTS && used[k]; k++)
				;
			if (k == DEBUG_HW_SLOTS)
				return;
			used[k] = true;
			b->dr = k;
		}
	}
}

static void plant(struct debug *d, const struct kvm_sregs *s, uint64_t skip)
{
	uint8_t op = d->sw == BP_INT3 ? OPCODE_INT3 : OPCODE_HLT;
	struct sw_bp *b;
	uint8_t *p;
	size_t i;

	assign_drs(d, s);
	for (i = 0; i < d->nbps; i++) {
		b = &d->bps[i];
		b->planted = false;
		if (b->gva == skip || b->dr >= 0)
			continue;
		p = gva_byte(d, s, b->gva, &b->gpa);
		if (!p || *p == op)
			continue;	/* not mapped now, or planted twice */
		b->saved = *p;
		*p = op;
		b->planted = true;
	}
}

/* Take the planted opcodes out again. One the guest overwrote (code
 * that modifies itself under a breakpoint) is the guest's now: its byte
 * stays. */
static void unplant(struct debug *d)
{
	uint8_t op = d->sw == BP_INT3 ? OPCODE_INT3 : OPCODE_HLT;
	struct sw_bp *b;
	uint8_t *p;
	size_t i;

	for (i = d->nbps; i-- > 0;) {
		b = &d->bps[i];
		if (!b->planted)
			continue;
		p = vm_gpa(d->vm, b->gpa, 1);
		if (p && *p == op)
			*p = b->saved;
		b->planted = false;
	}
}

static struct sw_bp *planted_at(struct debug *d, uint64_t gva)
{
	struct sw_bp *b = find_sw(d, gva);

	return b && b->planted ? b : NULL;
}

/* A planted breakpoint whose guest-physical byte is at gpa. */
static struct sw_bp *planted_gpa(struct debug *d, uint64_t gpa)
{
	size_t i;

	for (i = 0; i < d->nbps; i++)
		if (d->bps[i].planted && d->bps[i].gpa == gpa)
			return &d->bps[i];
	return NULL;
}

/* DR7 LEN encoding (SDM 17.2.5): 1, 2, 8, 4 bytes -> 00, 01, 10, 11. */
static unsigned dr7_len(unsigned len)
{
	return len == 2 ? 1 : len == 8 ? 2 : len == 4 ? 3 : 0;
}

static int set_guest_debug(struct debug *d, bool step, bool use_hw)
{
	struct kvm_guest_debug g;
	size_t j;
	int i;

	memset(&g, 0, sizeof(g));
	g.control = KVM_GUESTDBG_ENABLE;
	if (step)
		g.control |= KVM_GUESTDBG_SINGLESTEP;
	if (d->sw == BP_INT3 && !step)
		g.control |= KVM_GUESTDBG_USE_SW_BP;
	/* A step keeps the data watches armed where they fire (a step that
	 * writes or reads one is its stop), not execute breakpoints (kvm_pvm
	 * re-triggers one at the pc even with RF set). */
	for (i = 0; i < DEBUG_HW_SLOTS; i++) {
		if (!d->dr[i].used ||
		    !(use_hw || (step && d->dr_data && d->dr[i].rw)))
			continue;
		g.control |= KVM_GUESTDBG_USE_HW_BP;
		g.arch.debugreg[i] = d->dr[i].addr;
		/* Ln enable, R/Wn and LENn (SDM 17.2.4); GE for exact
		 * data breakpoint reporting. */
		g.arch.debugreg[7] |= (1u << (2 * i)) | (1u << 9) |
			(d->dr[i].rw << (16 + 4 * i)) |
			(dr7_len(d->dr[i].len) << (18 + 4 * i));
	}
	for (j = 0; use_hw && j < d->nbps; j++) {
		if (d->bps[j].dr < 0)
			continue;
		i = d->bps[j].dr;	/* execute, 1 byte: R/W and LEN 00 */
		g.control |= KVM_GUESTDBG_USE_HW_BP;
		g.arch.debugreg[i] = d->bps[j].gva;
		g.arch.debugreg[7] |= (1u << (2 * i)) | (1u << 9);
	}
	if (kvm_ioctl(d->vcpu->fd, KVM_SET_GUEST_DEBUG, &g) < 0) {
		pr_err("KVM_SET_GUEST_DEBUG: %m");
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
	size_t j;
	int i;

	for (i = 0; i < DEBUG_HW_SLOTS; i++)
		if (d->dr[i].used)
			return true;
	for (j = 0; j < d->nbps; j++)
		if (d->bps[j].dr >= 0)
			return true;
	return false;
}

/* ---- watchpoints -------------------------------------------------------- */

static struct watch *find_watch(struct debug *d, enum watch_kind kind,
				uint64_t gva, unsigned len)
{
	return watch_find(d->watches, d->nwatch, kind, gva, len);
}

static int get_state(struct debug *d, struct kvm_regs *r, struct kvm_sregs *s)
{
	if (kvm_ioctl(d->vcpu->fd, KVM_GET_REGS, r) < 0 ||
	    kvm_ioctl(d->vcpu->fd, KVM_GET_SREGS, s) < 0) {
		pr_err("reading the vCPU's registers: %m");
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

/* Memory slots vm_protect() would lay out with w added: a read-only
 * range takes one, and so does each stretch of plain RAM around the
 * ranges. */
static unsigned slots_needed(struct debug *d, const struct watch *w)
{
	struct vm_prot_range *r = calloc(d->nwatch + 1, sizeof(*r));
	struct watch *all = calloc(d->nwatch + 1, sizeof(*all));
	unsigned need = 1;
	size_t i, n;

	if (!r || !all) {
		free(r);
		free(all);
		return UINT32_MAX;
	}
	if (d->nwatch)		/* memcpy from NULL is undefined, even of 0 */
		memcpy(all, d->watches, d->nwatch * sizeof(*all));
	all[d->nwatch] = *w;
	n = watch_layout(all, d->nwatch + 1, r);
	for (i = 0; i < n; i++)
		need += 1 + (r[i].prot == VM_PROT_RO);
	free(r);
	free(all);
	return need;
}

int debug_add_watch(struct debug *d, enum watch_kind kind, uint64_t gva,
		    unsigned len)
{
	uint64_t gpa_last, page, pages[3];
	struct kvm_sregs s;
	struct kvm_regs r;
	struct watch *nw, w = { .gva = gva, .len = len, .kind = kind, .dr = -1 };
	unsigned i, rw;

	if (len == 0 || gva + (len - 1) < gva)
		return -EINVAL;		/* empty, or past 2^64: no wrap */
	if (find_watch(d, kind, gva, len))
		return 0;
	if (get_state(d, &r, &s) < 0)
		return -EIO;
	if (!gva_byte(d, &s, gva, &w.gpa) || !gva_byte(d, &s, gva + len - 1, &gpa_last) ||
	    gpa_last - w.gpa != len - 1) {
		pr_warn("watchpoint 0x%llx+%u refused: not mapped to contiguous guest RAM",
			(unsigned long long)gva, len);
		return -EINVAL;
	}
	/* x86 has no read-only data breakpoint: a read watch takes an
	 * access one (R/W 11, as gdb's native x86 target does), and a hit
	 * that changed the bytes was a write, not reported (classify_debug) */
	rw = kind == WATCH_WRITE ? 1 : 3;
	if (d->dr_data && (len == 1 || len == 2 || len == 4 || len == 8) &&
	    !(gva & (len - 1)))
		w.dr = dr_alloc(d, gva, rw, len);
	if (w.dr < 0) {
		/* Page protection: refuse pages the CPU's own page walk, the
		 * code or the stack depend on for their tables. */
		pages[0] = mode_linear_pc(&r, &s);
		pages[1] = mode_linear_sp(&r, &s);
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
		if (slots_needed(d, &w) > d->max_slots) {
			pr_warn("watchpoint 0x%llx refused: page protection would need more than the %u memory slots KVM gives a VM",
				(unsigned long long)gva, d->max_slots);
			return -ENOSPC;
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
	if (!n && !d->nprot)
		err = 0;		/* plain already: no slot to touch */
	else
		err = vm_protect(d->vm, r, n);
	d->nprot = err < 0 ? 0 : n;
	free(r);
	return err;
}

/* All RAM plain again, every slot restored: for a native step, and when
 * the debugger goes (detach, kill, a dropped connection). */
static int unprotect(struct debug *d)
{
	d->prot_none = false;
	if (!d->nprot)
		return 0;
	d->nprot = 0;
	return vm_protect(d->vm, NULL, 0);
}

static int apply_protection(struct debug *d)
{
	if (!d->prot_dirty)
		return 0;
	d->prot_dirty = false;
	return protect(d, false);
}

/* ---- the exit switch's hooks ------------------------------------------- */

/* A fetch from a page with no slot went through: protect it again. */
static int end_refetch(struct debug *d)
{
	d->refetch = false;
	d->vcpu->stepping = d->stepping;
	if (protect(d, false) < 0)
		return -1;
	return d->stepping ? 0 : set_guest_debug(d, false, any_hw(d));
}

/* ---- the CPU does what KVM's emulator cannot ---------------------------- *
 *
 * An access to a protected page exits to vmm through KVM's instruction
 * emulator: a read exits before the instruction (vmm supplies the data,
 * the emulator finishes it), a write after it (vmm stores the data). It
 * splits wide accesses into 8-byte fragments, each an exit. Measured on
 * kvm_pvm: FXSAVE, FXRSTOR and CMPXCHG16B against such a page end in
 * KVM_EXIT_INTERNAL_ERROR (emulation failed) with the instruction not
 * begun; SGDT and SIDT into a read-only page never exit at all. Those the
 * CPU runs itself: every slot plain, one single step, protection back,
 * and the watched bytes compared with a copy taken before (a write hit
 * if they changed). */

/* Copy the bytes of every watch a write can hit into d->snap. */
static int snapshot(struct debug *d)
{
	size_t i, need = 0;
	uint8_t *p;

	for (i = 0; i < d->nwatch; i++)
		if (d->watches[i].kind != WATCH_READ)
			need += d->watches[i].len;
	if (need > d->snapcap) {
		p = realloc(d->snap, need);
		if (!p)
			return -1;
		d->snap = p;
		d->snapcap = need;
	}
	for (i = 0, need = 0; i < d->nwatch; i++) {
		if (d->watches[i].kind == WATCH_READ)
			continue;
		p = vm_gpa(d->vm, d->watches[i].gpa, d->watches[i].len);
		if (p)
			memcpy(d->snap + need, p, d->watches[i].len);
		need += d->watches[i].len;
	}
	return 0;
}

/* The first write-or-access watch whose bytes differ from d->snap. */
static const struct watch *changed(struct debug *d)
{
	size_t i, at = 0;
	uint8_t *p;

	for (i = 0; i < d->nwatch; i++) {
		if (d->watches[i].kind == WATCH_READ)
			continue;
		p = vm_gpa(d->vm, d->watches[i].gpa, d->watches[i].len);
		if (p && memcmp(p, d->snap + at, d->watches[i].len))
			return &d->watches[i];
		at += d->watches[i].len;
	}
	return NULL;
}

static void watch_stop(struct stop *stop, const struct watch *w, bool write)
{
	stop->reason = STOP_WATCH;
	stop->addr = w->gva;
	stop->watch = w->kind == WATCH_ACCESS ? WATCH_ACCESS :
		      write ? WATCH_WRITE : WATCH_READ;
}

/* An instruction KVM's emulator gave up on (a fetch from a page with no
 * slot, FXSAVE against a protected page): upstream KVM, for a CPL0 guest,
 * both exits to vmm and queues a #UD (x86.c, handle_emulation_failure),
 * which the next KVM_RUN would deliver: a guest without an IDT then
 * triple-faults (measured on kvm_amd; kvm_pvm queues none). vmm runs the
 * instruction itself, so the #UD goes. */
static void drop_emulation_ud(struct debug *d)
{
	struct kvm_vcpu_events ev;

	if (kvm_ioctl(d->vcpu->fd, KVM_GET_VCPU_EVENTS, &ev) < 0 ||
	    !(ev.exception.injected || ev.exception.pending) ||
	    ev.exception.nr != 6)
		return;
	ev.exception.injected = 0;
	ev.exception.pending = 0;
	if (kvm_ioctl(d->vcpu->fd, KVM_SET_VCPU_EVENTS, &ev) < 0)
		pr_warn("KVM_SET_VCPU_EVENTS (dropping the emulator's #UD): %m");
}

/* Single-step the instruction at the pc with every slot plain. A hit an
 * earlier fragment of it made (stop) is kept for the end of the step. */
static int native_begin(struct debug *d, struct stop *stop)
{
	d->have_pending = stop->reason == STOP_WATCH;
	if (d->have_pending)
		d->pending = *stop;
	stop->reason = STOP_NONE;
	drop_emulation_ud(d);
	d->step_read = insn_reads_watch(d);
	if (snapshot(d) < 0 || unprotect(d) < 0 ||
	    set_guest_debug(d, true, false) < 0)
		return -1;
	d->native = true;
	d->refetch = false;
	d->vcpu->stepping = true;
	return 0;
}

/* The native step is done: protect again and say what it hit. */
static void native_end(struct debug *d, struct stop *stop)
{
	const struct watch *w;

	d->native = false;
	d->vcpu->stepping = d->stepping;
	w = changed(d);
	if (protect(d, false) < 0) {
		stop->reason = STOP_ERROR;
		return;
	}
	if (d->have_pending)
		*stop = d->pending;
	else if (w)
		watch_stop(stop, w, true);
	else if (d->step_read)
		watch_stop(stop, d->step_read, false);
	else if (d->stepping)
		stop->reason = STOP_STEP;
	d->have_pending = false;
	if (stop->reason == STOP_NONE &&
	    set_guest_debug(d, false, any_hw(d)) < 0)
		stop->reason = STOP_ERROR;
}

/* Does page protection cover the page at gpa for w? */
static bool prot_page(const struct watch *w, uint64_t gpa)
{
	return w->dr < 0 && (gpa >> 12) >= (w->gpa >> 12) &&
	       (gpa >> 12) <= ((w->gpa + w->len - 1) >> 12);
}

/* Is the page at gpa one that page protection left with no slot? */
static bool page_unmapped(struct debug *d, uint64_t gpa)
{
	size_t i;

	if (!d->prot_none)
		return false;
	for (i = 0; i < d->nwatch; i++)
		if (prot_page(&d->watches[i], gpa) &&
		    d->watches[i].kind != WATCH_WRITE && !d->watches[i].tables)
			return true;
	return false;
}

/* Is the page at gpa protected (read-only or without a slot)? */
static bool page_protected(const struct debug *d, uint64_t gpa)
{
	size_t i;

	for (i = 0; i < d->nwatch; i++)
		if (prot_page(&d->watches[i], gpa))
			return true;
	return false;
}

/* The bytes of the instruction at the pc, up to INSN_MAX_LEN or the first
 * that does not translate; how many. */
static size_t code_at_pc(struct debug *d, const struct kvm_regs *r,
			 const struct kvm_sregs *s, uint8_t code[INSN_MAX_LEN])
{
	uint64_t pc = mode_linear_pc(r, s), gpa;
	const uint8_t *p;
	size_t n;

	for (n = 0; n < INSN_MAX_LEN; n++) {
		if (!(p = gva_byte(d, s, pc + n, &gpa)))
			break;
		code[n] = *p;
	}
	return n;
}

/* Walk the memory the instruction at the pc touches with rw (INSN_READ
 * or INSN_WRITE), page by page (each piece has its own physical page),
 * until hit(d, gpa, len, ctx) says yes. Decoded by insn.c from the bytes at
 * the pc; false where it cannot decode them. */
static bool insn_touches(struct debug *d, unsigned rw,
			 bool (*hit)(struct debug *d, uint64_t gpa, unsigned len,
				     void *ctx), void *ctx)
{
	struct insn_access a[INSN_MAX_ACCESS];
	uint8_t code[INSN_MAX_LEN];
	struct kvm_sregs s;
	struct kvm_regs r;
	uint64_t gpa, addr;
	unsigned left, piece;
	size_t n;
	int i, k;

	if (get_state(d, &r, &s) < 0)
		return false;
	n = code_at_pc(d, &r, &s, code);
	k = insn_accesses(code, n, &r, &s, a);
	for (i = 0; i < k; i++) {
		if (!(a[i].rw & rw))
			continue;
		for (addr = a[i].addr, left = a[i].len; left; addr += piece, left -= piece) {
			piece = 4096 - (unsigned)(addr & 4095);
			if (piece > left)
				piece = left;
			if (gva_byte(d, &s, addr, &gpa) && hit(d, gpa, piece, ctx))
				return true;
		}
	}
	return false;
}

static bool reads_watch(struct debug *d, uint64_t gpa, unsigned len, void *ctx)
{
	const struct watch **w = ctx;

	*w = watch_match(d->watches, d->nwatch, gpa, len, false);
	return *w != NULL;
}

/* The read or access watch the instruction at the pc reads, or NULL.
 * Asked before an instruction runs with its pages mapped (a fetch from a
 * page with no slot, a native step): the CPU then makes its reads
 * itself, unseen, so insn.c names them from the instruction's bytes. */
static const struct watch *insn_reads_watch(struct debug *d)
{
	const struct watch *w = NULL;

	return insn_touches(d, INSN_READ, reads_watch, &w) ? w : NULL;
}

/* A piece insn_touches() hands over lies in one page: its first byte's. */
static bool on_protected(struct debug *d, uint64_t gpa, unsigned len, void *ctx)
{
	(void)len;
	(void)ctx;
	return page_protected(d, gpa);
}

/* The MMIO bus device over all of RAM: an exit there is an access to a
 * page vmm protected for a watchpoint. Do the access (the memory is still
 * vmm's) and say whether it touched watched bytes. A fetch the bus hands
 * over is an instruction KVM could not run: from a page with no slot
 * (kvm_pvm: an internal error), which gets a read-only slot for one
 * single-stepped instruction (its writes still exit and are checked, the
 * reads it makes there the CPU does unseen: insn_reads_watch() names them
 * from its bytes); or one the emulator gave up on, which the CPU runs
 * (native_begin). */
static enum bus_result protected_access(void *ctx, const struct bus_access *a,
					struct stop *stop)
{
	struct debug *d = ctx;
	const struct watch *w;
	uint8_t *p;

	if (a->fetch) {
		if (!d->nprot || d->native)
			return BUS_UNCLAIMED;	/* not ours: a real failure */
		if (!d->refetch && page_unmapped(d, a->addr)) {
			p = vm_gpa(d->vm, a->addr, 1);
			if (protect(d, true) < 0 || set_guest_debug(d, true, false) < 0)
				return BUS_UNCLAIMED;
			/* a stepped HLT may end in a debug exit, not a HLT
			 * one: the guest's halt must not be stepped over */
			d->refetch_hlt = p && *p == OPCODE_HLT;
			d->step_read = insn_reads_watch(d);
			drop_emulation_ud(d);
			d->refetch = true;
			d->vcpu->stepping = true;
			return BUS_DONE;
		}
		return native_begin(d, stop) < 0 ? BUS_UNCLAIMED : BUS_DONE;
	}
	p = vm_gpa(d->vm, a->addr, a->len);
	if (!p || !d->nprot)
		return BUS_UNCLAIMED;	/* no RAM there: a real crash */
	if (a->is_write)
		memcpy(p, a->data, a->len);
	else
		memcpy(a->data, p, a->len);
	w = watch_match(d->watches, d->nwatch, a->addr, a->len, a->is_write);
	if (!w || stop->reason == STOP_WATCH)
		return stop->reason == STOP_WATCH ? BUS_STOP : BUS_DONE;
	watch_stop(stop, w, a->is_write);
	return BUS_STOP;
}

static void set_rip(struct debug *d, struct kvm_regs *r, uint64_t rip)
{
	r->rip = rip;
	if (kvm_ioctl(d->vcpu->fd, KVM_SET_REGS, r) < 0)
		pr_err("KVM_SET_REGS: %m");
}

/* Back to a breakpoint's address: gdb's addresses, and so breakpoints,
 * are linear (CS.base + IP in real mode, modes.h). */
static void set_pc(struct debug *d, struct kvm_regs *r, struct kvm_sregs *s,
		   uint64_t pc)
{
	mode_set_linear_pc(r, s, pc);
	if (kvm_ioctl(d->vcpu->fd, KVM_SET_REGS, r) < 0)
		pr_err("KVM_SET_REGS: %m");
}

/* The guest ran a planted opcode at a virtual address gdb did not ask
 * for (another mapping of the breakpoint's page): no stop. Put the
 * guest's byte back, step its instruction from there, plant again. */
static bool alias_begin(struct debug *d, uint64_t pc)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	struct sw_bp *b;
	uint64_t gpa;
	uint8_t *p;

	if (get_state(d, &r, &s) < 0)
		return false;
	p = gva_byte(d, &s, pc, &gpa);
	b = p ? planted_gpa(d, gpa) : NULL;
	if (!b || set_guest_debug(d, true, false) < 0)
		return false;
	*p = b->saved;
	set_rip(d, &r, pc - s.cs.base);
	d->alias = b;
	d->vcpu->stepping = true;
	return true;
}

static void alias_end(struct debug *d, struct stop *stop)
{
	uint8_t op = d->sw == BP_INT3 ? OPCODE_INT3 : OPCODE_HLT;
	uint8_t *p = vm_gpa(d->vm, d->alias->gpa, 1);

	if (p && *p == d->alias->saved)	/* unless the guest rewrote it */
		*p = op;
	else
		d->alias->planted = false;
	d->alias = NULL;
	d->vcpu->stepping = d->stepping;
	if (d->stepping)
		stop->reason = STOP_STEP;
	else if (set_guest_debug(d, false, any_hw(d)) < 0)
		stop->reason = STOP_ERROR;
}

/* KVM_EXIT_DEBUG while running: which of ours was it? */
/* A read watch's debug register fired: did the access change its bytes
 * (a write)? They become the ones last seen either way. */
static bool read_was_write(struct debug *d, struct watch *w)
{
	const uint8_t *p = vm_gpa(d->vm, w->gpa, w->len);
	bool changed = p && memcmp(p, w->val, w->len);

	if (p)
		memcpy(w->val, p, w->len);
	return changed;
}

/* The bytes of every read watch in a debug register, as they are now:
 * at each resume (gdb or vmm may have written them while stopped). */
static void note_read_watches(struct debug *d)
{
	size_t i;

	for (i = 0; i < d->nwatch; i++) {
		struct watch *w = &d->watches[i];
		const uint8_t *p;

		if (w->dr >= 0 && w->kind == WATCH_READ &&
		    (p = vm_gpa(d->vm, w->gpa, w->len)))
			memcpy(w->val, p, w->len);
	}
}

/* A step's debug exit: did a data watch's register fire on the way? */
static bool data_hit(struct debug *d, const struct kvm_debug_exit_arch *a,
		     struct stop *stop)
{
	size_t k;
	int i;

	for (i = 0; i < DEBUG_HW_SLOTS; i++) {
		if (!(a->dr6 & (1u << i)) || !d->dr[i].used || !d->dr[i].rw)
			continue;
		for (k = 0; k < d->nwatch; k++) {
			struct watch *w = &d->watches[k];

			if (w->dr != i || (w->kind == WATCH_READ && read_was_write(d, w)))
				continue;
			stop->addr = w->gva;
			stop->watch = w->kind;
			return true;
		}
	}
	return false;
}

static enum stop_reason classify_debug(struct debug *d,
				       const struct kvm_debug_exit_arch *a,
				       struct stop *stop)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	bool filtered = false;
	size_t k;
	int i;

	if (a->exception == 3) {
		if (!planted_at(d, a->pc) && alias_begin(d, a->pc))
			return STOP_NONE;
		if (planted_at(d, a->pc) && get_state(d, &r, &s) == 0 &&
		    mode_linear_pc(&r, &s) != a->pc)	/* pc: linear */
			set_pc(d, &r, &s, a->pc);
		return STOP_SWBREAK;	/* ours, or the guest's own int3 */
	}
	for (k = 0; k < d->nbps; k++)
		if (d->bps[k].dr >= 0 && (a->dr6 & (1u << d->bps[k].dr)))
			return STOP_SWBREAK;
	for (i = 0; i < DEBUG_HW_SLOTS; i++) {
		if (!(a->dr6 & (1u << i)) || !d->dr[i].used)
			continue;
		if (d->dr[i].rw == 0)
			return STOP_HWBREAK;
		for (k = 0; k < d->nwatch; k++) {
			struct watch *w = &d->watches[k];

			if (w->dr != i)
				continue;
			if (w->kind == WATCH_READ && read_was_write(d, w)) {
				filtered = true;
				continue;
			}
			stop->addr = w->gva;
			stop->watch = w->kind;
			return STOP_WATCH;
		}
	}
	/* only a write to a read watch: the guest runs on */
	return filtered ? STOP_NONE : STOP_STEP;
}

/* KVM_EXIT_DEBUG, or a step that ended in an access (arch NULL). */
static void on_debug(void *ctx, const struct kvm_debug_exit_arch *arch,
		     struct stop *stop)
{
	struct debug *d = ctx;

	if (d->native) {
		native_end(d, stop);
		return;
	}
	if (d->alias) {
		alias_end(d, stop);
		return;
	}
	if (d->refetch) {
		if (end_refetch(d) < 0) {
			stop->reason = STOP_ERROR;
		} else if (d->step_read) {
			watch_stop(stop, d->step_read, false);
		} else if (d->stepping) {
			stop->reason = STOP_STEP;
			stop->stepped_hlt |= d->refetch_hlt;
		} else if (d->refetch_hlt) {
			stop->reason = STOP_HALT;
		}
		return;		/* else: run on */
	}
	if (!arch)
		stop->reason = STOP_STEP;
	else if (d->stepping)
		stop->reason = data_hit(d, arch, stop) ? STOP_WATCH : STOP_STEP;
	else
		stop->reason = classify_debug(d, arch, stop);
}

/* KVM_EXIT_HLT: a planted HLT breakpoint, a stepped HLT, or the guest's. */
static void on_halt(void *ctx, struct stop *stop)
{
	struct debug *d = ctx;
	struct kvm_sregs s;
	struct kvm_regs r;
	struct sw_bp *b;

	if (d->native) {
		native_end(d, stop);
		if (stop->reason == STOP_NONE || stop->reason == STOP_STEP)
			stop->reason = STOP_HALT;
		return;
	}
	if (d->refetch && end_refetch(d) < 0) {
		stop->reason = STOP_ERROR;
		return;
	}
	if (d->stepping) {
		stop->reason = STOP_STEP;
		stop->stepped_hlt = true;
	} else if (d->sw == BP_HLT && get_state(d, &r, &s) == 0) {
		b = planted_at(d, s.cs.base + r.rip - 1);
		if (b) {
			set_rip(d, &r, b->gva - s.cs.base);
			stop->reason = STOP_SWBREAK;
		} else if (alias_begin(d, s.cs.base + r.rip - 1)) {
			stop->reason = STOP_NONE;
		}
	}
}

/* Is the page at gpa read by the CPU's walk of gva? */
static bool walk_reads(struct debug *d, const struct kvm_sregs *s,
		       uint64_t gva, uint64_t page)
{
	return page_holds_tables(d, s, gva, page);
}

/* KVM_EXIT_SHUTDOWN while a read watch has taken a page away: if that
 * page became one of the guest's page tables, the CPU's walk failed
 * there and the fault was ours, not the guest's (measured on kvm_pvm:
 * the triple fault leaves the vCPU at the faulting instruction, CR2 the
 * address). That page keeps a read-only slot from now on (its writes
 * are still watched, its reads no longer), vmm says so, and the
 * instruction runs again. A guest with its own #PF handler would have
 * taken the fault itself: see doc/protocol.md. */
static void on_shutdown(void *ctx, struct stop *stop)
{
	struct debug *d = ctx;
	struct kvm_sregs s;
	struct kvm_regs r;
	size_t i;
	uint64_t page;

	if (!d->prot_none || get_state(d, &r, &s) < 0)
		return;
	for (i = 0; i < d->nwatch; i++) {
		struct watch *w = &d->watches[i];

		if (w->dr >= 0 || w->kind == WATCH_WRITE)
			continue;
		page = w->gpa & ~0xfffULL;
		if (!walk_reads(d, &s, s.cr2, page) &&
		    !walk_reads(d, &s, s.cs.base + r.rip, page))
			continue;
		w->tables = true;
		d->prot_dirty = true;
		pr_warn("page 0x%llx became a page table of the guest: watchpoint 0x%llx now sees its writes only",
			(unsigned long long)page, (unsigned long long)w->gva);
	}
	if (!d->prot_dirty || protect(d, false) < 0)
		return;
	d->prot_dirty = false;
	stop->reason = STOP_NONE;
}

/* ---- running -------------------------------------------------------------- */

/* A page-protected watch is on a guest-virtual address, as a debug
 * register's: where the guest maps it now (a CR3 switch, its own tables
 * changed since the watch was set or the last resume) is where it is
 * protected. One not mapped now stays where it was. */
static void follow_watches(struct debug *d, const struct kvm_sregs *s)
{
	uint64_t gpa, last;
	size_t i;

	for (i = 0; i < d->nwatch; i++) {
		struct watch *w = &d->watches[i];

		if (w->dr >= 0 || !gva_byte(d, s, w->gva, &gpa) ||
		    !gva_byte(d, s, w->gva + w->len - 1, &last) ||
		    last - gpa != w->len - 1 || gpa == w->gpa)
			continue;
		w->gpa = gpa;
		d->prot_dirty = true;
	}
}

/* Does the instruction at the pc store to a protected page? KVM on
 * kvm_pvm retries some of those forever (SGDT, SIDT, SMSW, SLDT, STR
 * into a read-only page: no exit at all). Any store there may take the
 * native step the watchdog gives it: the CPU does it, the watched
 * bytes are compared after, as for every native step. */
static bool store_at_pc_protected(struct debug *d)
{
	return insn_touches(d, INSN_WRITE, on_protected, NULL);
}

/* vcpu_run() with the watchdog on while pages are protected: a tick
 * that finds the guest on a store to a protected page (one KVM may
 * keep retrying) runs it natively;
 * any other tick runs on. Real kicks and stops go to the caller. */
static enum stop_reason run_watched(struct debug *d, struct stop *stop)
{
	for (;;) {
		tick_arm(d, d->nprot > 0 || d->native);
		vcpu_run(d->vcpu, stop);
		tick_arm(d, false);
		if (stop->reason != STOP_KICK || vcpu_signal || vcpu_quit_signal)
			return stop->reason;
		if (!d->native && d->nprot && store_at_pc_protected(d) &&
		    native_begin(d, stop) < 0)
			return stop->reason = STOP_ERROR;
	}
}

/* One instruction, nothing planted, no execute breakpoint armed (data
 * watches are, where they fire: set_guest_debug()). */
static enum stop_reason step_one(struct debug *d, const struct kvm_sregs *s,
				 uint64_t pc, struct stop *stop)
{
	uint64_t gpa;
	uint8_t *p = gva_byte(d, s, pc, &gpa);
	bool hlt = p && *p == OPCODE_HLT;

	if (set_guest_debug(d, true, false) < 0)
		return stop->reason = STOP_ERROR;
	d->stepping = true;
	d->vcpu->stepping = true;
	run_watched(d, stop);
	d->stepping = false;
	d->vcpu->stepping = false;
	if (stop->reason == STOP_STEP)
		stop->stepped_hlt |= hlt;
	return stop->reason;
}

/* Resuming on a breakpoint: step off it first, with it out of the way
 * (kvm_pvm re-triggers a DR breakpoint even with RF set). false if that
 * step was the stop. */
static bool step_off(struct debug *d, struct kvm_regs *r, struct kvm_sregs *s,
		     struct stop *stop)
{
	uint64_t pc = mode_linear_pc(r, s);

	if (!find_sw(d, pc) && !hw_at(d, pc))
		return true;
	if (step_one(d, s, pc, stop) != STOP_STEP)
		return false;
	if (stop->stepped_hlt) {
		stop->reason = STOP_HALT;
		return false;
	}
	if (get_state(d, r, s) < 0) {
		stop->reason = STOP_ERROR;
		return false;
	}
	return true;
}

/* gdb continues from a breakpoint by removing it, stepping, putting it
 * back and continuing; a catchpoint (monitor catch io) that fired in that
 * step reaches gdb as the end of its own step, and gdb runs on. So a
 * catch a step ends in is held: if the next resume is a continue from
 * where the step ended, with a breakpoint put back where it began, the
 * catch is that continue's stop, reported without running. */
static void hold_catch(struct debug *d, uint64_t from, struct stop *stop)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (stop->reason != STOP_CATCH || get_state(d, &r, &s) < 0)
		return;
	d->held = *stop;
	d->held_from = from;
	d->held_rip = r.rip;
	d->held_rearmed = false;
}

static bool held_catch(struct debug *d, bool step, uint64_t rip,
		       struct stop *stop)
{
	bool hit = !step && d->held.reason == STOP_CATCH && d->held_rearmed &&
		   rip == d->held_rip;

	if (hit)
		*stop = d->held;
	d->held.reason = STOP_NONE;
	return hit;
}

enum stop_reason debug_resume(struct debug *d, bool step, struct stop *stop)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	stop->reason = STOP_NONE;
	d->vcpu->hooks = &d->hooks;
	if (get_state(d, &r, &s) < 0)
		return stop->reason = STOP_ERROR;
	follow_watches(d, &s);
	note_read_watches(d);
	if (apply_protection(d) < 0)
		return stop->reason = STOP_ERROR;
	if (held_catch(d, step, r.rip, stop))
		return stop->reason;
	if (step) {
		step_one(d, &s, mode_linear_pc(&r, &s), stop);
		hold_catch(d, r.rip, stop);
	}
	else if (step_off(d, &r, &s, stop)) {
		plant(d, &s, UINT64_MAX);
		if (set_guest_debug(d, false, any_hw(d)) < 0)
			stop->reason = STOP_ERROR;
		else
			run_watched(d, stop);
		unplant(d);
	}
	if (d->refetch && end_refetch(d) < 0)
		stop->reason = STOP_ERROR;
	return stop->reason;
}

/* No debugger: every slot plain again (a detach, a kill, a dropped
 * connection or a deleted watch must never leave a page protected, or
 * the guest's next access there would be a crash), no guest debug. */
int debug_disable(struct debug *d)
{
	struct kvm_guest_debug g;

	d->vcpu->hooks = NULL;
	d->native = d->refetch = false;
	tick_arm(d, false);
	if (unprotect(d) < 0)
		return -1;
	d->prot_dirty = d->nwatch > 0;
	memset(&g, 0, sizeof(g));
	if (kvm_ioctl(d->vcpu->fd, KVM_SET_GUEST_DEBUG, &g) < 0) {
		pr_err("KVM_SET_GUEST_DEBUG: %m");
		return -1;
	}
	return 0;
}
