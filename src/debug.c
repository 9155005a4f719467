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
#include "pio.h"
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
	struct vcpu vcpu = { .fd = -1 };
	struct pio_bus *bus;
	struct vm vm;
	bool ok = false;

	if (vm_create_on(&vm, kvm_fd, 1 << 20) < 0)
		return false;
	bus = calloc(1, sizeof(*bus));
	if (bus && vcpu_create(&vm, bus, &vcpu) == 0) {
		memcpy(vm.ram + 0x1000, code, sizeof(code));
		if (mode_setup(&vm, vcpu.fd, CPU_MODE_LONG, 0x1000) == 0 &&
		    ioctl(vcpu.fd, KVM_SET_GUEST_DEBUG, &dbg) == 0 &&
		    vcpu_run(&vcpu) == VCPU_DEBUG)
			ok = vcpu.run->debug.arch.exception == 3 &&
			     vcpu.run->debug.arch.pc == 0x1000;
		vcpu_destroy(&vcpu);
	}
	free(bus);
	vm_destroy(&vm);
	return ok;
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
}

void debug_free(struct debug *d)
{
	free(d->bps);
	d->bps = NULL;
	d->nbps = d->capbps = 0;
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

int debug_add_hw(struct debug *d, uint64_t gva)
{
	int i, free_slot = -1;

	for (i = 0; i < DEBUG_HW_SLOTS; i++) {
		if (d->hw_used[i] && d->hw[i] == gva)
			return 0;
		if (!d->hw_used[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return -ENOSPC;
	d->hw[free_slot] = gva;
	d->hw_used[free_slot] = true;
	return 0;
}

int debug_del_hw(struct debug *d, uint64_t gva)
{
	int i;

	for (i = 0; i < DEBUG_HW_SLOTS; i++) {
		if (d->hw_used[i] && d->hw[i] == gva) {
			d->hw_used[i] = false;
			return 0;
		}
	}
	return -ENOENT;
}

void debug_clear(struct debug *d)
{
	d->nbps = 0;
	memset(d->hw_used, 0, sizeof(d->hw_used));
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
	if (use_hw) {
		g.control |= KVM_GUESTDBG_USE_HW_BP;
		for (i = 0; i < DEBUG_HW_SLOTS; i++) {
			if (!d->hw_used[i])
				continue;
			g.arch.debugreg[i] = d->hw[i];
			/* Ln enable; R/W and LEN 00: execute, 1 byte (SDM
			 * 17.2.4); GE for exact reporting. */
			g.arch.debugreg[7] |= (1u << (2 * i)) | (1u << 9);
		}
	}
	if (ioctl(d->vcpu->fd, KVM_SET_GUEST_DEBUG, &g) < 0) {
		pr_err("KVM_SET_GUEST_DEBUG: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static bool hw_at(struct debug *d, uint64_t gva)
{
	int i;

	for (i = 0; i < DEBUG_HW_SLOTS; i++)
		if (d->hw_used[i] && d->hw[i] == gva)
			return true;
	return false;
}

static bool any_hw(struct debug *d)
{
	int i;

	for (i = 0; i < DEBUG_HW_SLOTS; i++)
		if (d->hw_used[i])
			return true;
	return false;
}

static enum debug_event from_stop(enum vcpu_stop stop)
{
	switch (stop) {
	case VCPU_HALT:		return DEBUG_HALT;
	case VCPU_KICK:		return DEBUG_KICK;
	case VCPU_CRASH:	return DEBUG_CRASH;
	case VCPU_ERROR:	return DEBUG_ERROR;
	default:		return DEBUG_STEP;
	}
}

/* One instruction, nothing planted, no debug registers armed. */
static enum debug_event step_one(struct debug *d, const struct kvm_sregs *s,
				 uint64_t rip, bool *stepped_hlt)
{
	enum vcpu_stop stop;
	uint64_t gpa;
	uint8_t *p;

	p = gva_byte(d, s, rip, &gpa);
	if (stepped_hlt)
		*stepped_hlt = p && *p == OPCODE_HLT;
	if (set_guest_debug(d, true, false) < 0)
		return DEBUG_ERROR;
	d->vcpu->stepping = true;
	stop = vcpu_run(d->vcpu);
	if (stop == VCPU_IO_STEP)
		stop = vcpu_complete_io(d->vcpu);
	d->vcpu->stepping = false;
	if (stop == VCPU_DEBUG)
		return DEBUG_STEP;
	if (stop == VCPU_HALT && stepped_hlt)
		*stepped_hlt = true;	/* upstream KVM exits on the HLT */
	return stop == VCPU_HALT ? DEBUG_STEP : from_stop(stop);
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

static void set_rip(struct debug *d, struct kvm_regs *r, uint64_t rip)
{
	r->rip = rip;
	if (ioctl(d->vcpu->fd, KVM_SET_REGS, r) < 0)
		pr_err("KVM_SET_REGS: %s", strerror(errno));
}

enum debug_event debug_resume(struct debug *d, bool step, bool *stepped_hlt)
{
	struct kvm_run *run = d->vcpu->run;
	struct kvm_sregs s;
	struct kvm_regs r;
	enum debug_event ev;
	enum vcpu_stop stop;
	struct sw_bp *b;

	if (stepped_hlt)
		*stepped_hlt = false;
	if (get_state(d, &r, &s) < 0)
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
	stop = vcpu_run(d->vcpu);
	ev = from_stop(stop);
	if (stop == VCPU_DEBUG) {
		ev = DEBUG_STEP;
		if (run->debug.arch.exception == 3 && planted_at(d, run->debug.arch.pc)) {
			ev = DEBUG_SWBREAK;
			if (get_state(d, &r, &s) == 0 && r.rip != run->debug.arch.pc)
				set_rip(d, &r, run->debug.arch.pc);
		} else if (run->debug.arch.exception == 1 &&
			   (run->debug.arch.dr6 & DR6_HIT)) {
			ev = DEBUG_HWBREAK;
		} else if (run->debug.arch.exception == 3) {
			ev = DEBUG_SWBREAK;	/* the guest's own int3 */
		}
	} else if (stop == VCPU_HALT && d->sw == BP_HLT &&
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
