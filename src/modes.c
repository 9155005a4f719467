/* modes.c - put a fresh vCPU into each x86 mode, the way kvm-hello-world
 * does, with vmm's own structures at the top of RAM.
 *
 * Every mode starts from KVM's reset state (KVM_GET_SREGS) and changes only
 * what the mode needs. The bits are from the Intel SDM vol. 3A: CR0 (2.5),
 * CR4 (2.5), EFER (2.2.1), segment descriptors (3.4.5), paging (4.3 32-bit,
 * 4.4 PAE, 4.5 4-level).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>

#include "kvm.h"
#include "mmu.h"
#include "modes.h"
#include "util.h"
#include "vm.h"

/* CR0 of every paged mode: kvm-hello-world's bits. */
#define CR0_PAGED	(MMU_CR0_PE | MMU_CR0_MP | MMU_CR0_ET | MMU_CR0_NE | \
			 MMU_CR0_WP | MMU_CR0_AM | MMU_CR0_PG)

/* GDT selectors; the same table serves every protected and long mode. */
#define SEL_CODE64	0x08
#define SEL_DATA	0x10
#define SEL_CODE32	0x18

static const struct mode_info modes[CPU_MODE_COUNT] = {
	[CPU_MODE_REAL]	 = { "real", "16-bit real mode", 2, false },
	[CPU_MODE_PROT]	 = { "protected", "flat 32-bit protected mode, no paging", 4, false },
	[CPU_MODE_PAGED] = { "paged", "32-bit paging with one 4 MiB (PSE) page", 4, true },
	[CPU_MODE_PAE]	 = { "pae", "PAE paging with 2 MiB pages", 4, true },
	[CPU_MODE_LONG]	 = { "long", "64-bit long mode, 4-level paging with 2 MiB pages", 8, false },
};

const struct mode_info *mode_info(enum cpu_mode mode)
{
	return &modes[mode];
}

bool mode_from_name(const char *name, enum cpu_mode *mode)
{
	static const struct { const char *alias; enum cpu_mode mode; } alias[] = {
		{ "16", CPU_MODE_REAL }, { "32", CPU_MODE_PROT },
		{ "64", CPU_MODE_LONG }, { "protect", CPU_MODE_PROT },
		{ "paging", CPU_MODE_PAGED }, { "paged32", CPU_MODE_PAGED },
	};
	size_t i;

	for (i = 0; i < CPU_MODE_COUNT; i++) {
		if (strcmp(name, modes[i].name) == 0) {
			*mode = i;
			return true;
		}
	}
	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++) {
		if (strcmp(name, alias[i].alias) == 0) {
			*mode = alias[i].mode;
			return true;
		}
	}
	return false;
}

void mode_layout(enum cpu_mode mode, uint64_t ram_size,
		 struct mode_layout *l)
{
	if (mode == CPU_MODE_REAL) {
		l->lo = 0x90000;
		l->hi = 0xa0000;
		l->gdt = 0;
		l->tables = 0;
		l->stack_top = 0xa0000 - 0x10;	/* SS:SP = 0x9000:0xfff0 */
		return;
	}
	/* Top 64 KiB: GDT in the last page, then up to three table levels
	 * below it, then a 48 KiB stack growing down from under them. */
	l->hi = ram_size;
	l->lo = ram_size - 0x10000;
	l->gdt = ram_size - 0x1000;
	l->tables = ram_size - 0x2000;
	l->stack_top = ram_size - 0x4000;
}

/* Flat descriptors (SDM 3.4.5): base 0, limit 4 GiB, present, DPL 0. */
static void write_gdt(struct vm *vm, uint64_t gdt)
{
	uint64_t *d = vm_gpa(vm, gdt, 4 * 8);

	d[0] = 0;
	d[SEL_CODE64 >> 3] = 0x00af9b000000ffffULL;	/* code, L=1 */
	d[SEL_DATA >> 3] = 0x00cf93000000ffffULL;	/* data, D/B=1 */
	d[SEL_CODE32 >> 3] = 0x00cf9b000000ffffULL;	/* code, D=1 */
}

static void flat_segment(struct kvm_segment *s, uint16_t sel, bool code,
			 bool long64)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = code ? 11 : 3;	/* execute/read or read/write, accessed */
	s->present = 1;
	s->dpl = 0;
	s->s = 1;
	s->g = 1;
	s->l = long64;
	s->db = !long64;
}

static void set_flat_segments(struct kvm_sregs *sregs, struct mode_layout *l,
			      bool long64)
{
	flat_segment(&sregs->cs, long64 ? SEL_CODE64 : SEL_CODE32, true, long64);
	flat_segment(&sregs->ds, SEL_DATA, false, false);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	sregs->gdt.base = l->gdt;
	sregs->gdt.limit = 4 * 8 - 1;
}

/* Page-directory entries of page_size each, identity-mapping all of RAM. */
static void map_identity(uint64_t *pd, uint64_t ram_size, uint64_t page_size,
			 unsigned max_entries)
{
	uint64_t n = (ram_size + page_size - 1) / page_size, i;

	if (n > max_entries)
		n = max_entries;
	for (i = 0; i < n; i++)
		pd[i] = i * page_size | MMU_PTE_P | MMU_PTE_RW | MMU_PTE_US | MMU_PTE_PS;
}

static void setup_paged32(struct vm *vm, struct kvm_sregs *sregs,
			  struct mode_layout *l)
{
	uint32_t *pd = vm_gpa(vm, l->tables, 4096), i;
	uint64_t n = (vm->ram_size + (4 << 20) - 1) >> 22;

	memset(pd, 0, 4096);
	for (i = 0; i < n; i++)		/* 4 MiB pages (SDM 4.3, table 4-4) */
		pd[i] = (i << 22) | MMU_PTE_P | MMU_PTE_RW | MMU_PTE_US | MMU_PTE_PS;
	sregs->cr3 = l->tables;
	sregs->cr4 |= MMU_CR4_PSE;
	sregs->cr0 = CR0_PAGED;
}

static void setup_pae(struct vm *vm, struct kvm_sregs *sregs,
		      struct mode_layout *l)
{
	uint64_t *pdpt = vm_gpa(vm, l->tables, 4096);
	uint64_t *pd = vm_gpa(vm, l->tables - 0x1000, 4096);

	memset(pdpt, 0, 4096);
	memset(pd, 0, 4096);
	/* PDPTEs have only P among the permission bits (SDM 4.4.1). */
	pdpt[0] = (l->tables - 0x1000) | MMU_PTE_P;
	map_identity(pd, vm->ram_size, 2 << 20, 512);
	sregs->cr3 = l->tables;
	sregs->cr4 |= MMU_CR4_PAE;
	sregs->cr0 = CR0_PAGED;
}

/* kvm-hello-world's setup_long_mode: PML4 -> PDPT -> PD with 2 MiB pages. */
static void setup_long(struct vm *vm, struct kvm_sregs *sregs,
		       struct mode_layout *l)
{
	uint64_t pml4_gpa = l->tables;
	uint64_t pdpt_gpa = l->tables - 0x1000;
	uint64_t pd_gpa = l->tables - 0x2000;
	uint64_t *pml4 = vm_gpa(vm, pml4_gpa, 4096);
	uint64_t *pdpt = vm_gpa(vm, pdpt_gpa, 4096);
	uint64_t *pd = vm_gpa(vm, pd_gpa, 4096);

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	memset(pd, 0, 4096);
	pml4[0] = pdpt_gpa | MMU_PTE_P | MMU_PTE_RW | MMU_PTE_US;
	pdpt[0] = pd_gpa | MMU_PTE_P | MMU_PTE_RW | MMU_PTE_US;
	map_identity(pd, vm->ram_size, 2 << 20, 512);
	sregs->cr3 = pml4_gpa;
	sregs->cr4 |= MMU_CR4_PAE;
	sregs->cr0 = CR0_PAGED;
	sregs->efer |= MMU_EFER_LME | MMU_EFER_LMA;
}

static void setup_real(struct kvm_sregs *sregs, struct kvm_regs *regs,
		       uint64_t entry, struct mode_layout *l)
{
	struct kvm_segment *segs[] = {
		&sregs->cs, &sregs->ds, &sregs->es, &sregs->fs, &sregs->gs,
	};
	uint16_t cs = entry < 0x10000 ? 0 : (entry & 0xf0000) >> 4;
	size_t i;

	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		segs[i]->selector = 0;
		segs[i]->base = 0;
	}
	sregs->cs.selector = cs;
	sregs->cs.base = (uint64_t)cs << 4;
	sregs->ss.selector = (l->lo >> 4) & 0xffff;
	sregs->ss.base = l->lo;
	regs->rip = entry - sregs->cs.base;
	regs->rsp = l->stack_top - l->lo;
}

int mode_setup(struct vm *vm, int vcpu_fd, enum cpu_mode mode, uint64_t entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct mode_layout l;

	if (kvm_ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
		pr_err("KVM_GET_SREGS: %m");
		return -1;
	}
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 2;	/* bit 1 is reserved and always set */
	mode_layout(mode, vm->ram_size, &l);

	if (mode == CPU_MODE_REAL) {
		setup_real(&sregs, &regs, entry, &l);
	} else {
		write_gdt(vm, l.gdt);
		set_flat_segments(&sregs, &l, mode == CPU_MODE_LONG);
		regs.rip = entry;
		regs.rsp = l.stack_top;
		switch (mode) {
		case CPU_MODE_PROT:
			sregs.cr0 = MMU_CR0_PE | MMU_CR0_ET | MMU_CR0_NE;
			break;
		case CPU_MODE_PAGED:
			setup_paged32(vm, &sregs, &l);
			break;
		case CPU_MODE_PAE:
			setup_pae(vm, &sregs, &l);
			break;
		case CPU_MODE_LONG:
			setup_long(vm, &sregs, &l);
			break;
		default:
			break;
		}
	}
	if (kvm_ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0) {
		pr_err("KVM_SET_SREGS (%s mode): %m", modes[mode].name);
		return -1;
	}
	if (kvm_ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0) {
		pr_err("KVM_SET_REGS: %m");
		return -1;
	}
	return 0;
}

enum cpu_now mode_now(const struct kvm_sregs *s)
{
	if (!(s->cr0 & MMU_CR0_PE))
		return CPU_NOW_REAL;
	if (s->efer & MMU_EFER_LMA)
		return s->cs.l ? CPU_NOW_LONG : CPU_NOW_COMPAT;
	return s->cs.db ? CPU_NOW_PROT32 : CPU_NOW_PROT16;
}

const char *mode_now_name(enum cpu_now now)
{
	static const char *const names[] = {
		[CPU_NOW_REAL] = "real mode",
		[CPU_NOW_PROT16] = "16-bit protected mode",
		[CPU_NOW_PROT32] = "protected mode",
		[CPU_NOW_COMPAT] = "compatibility mode",
		[CPU_NOW_LONG] = "long mode",
	};

	return names[now];
}

unsigned mode_code_bits(const struct kvm_sregs *s)
{
	switch (mode_now(s)) {
	case CPU_NOW_LONG:
		return 64;
	case CPU_NOW_REAL:
		return 16;
	default:
		return s->cs.db ? 32 : 16;
	}
}

/* Below 64-bit mode, offsets wrap at the segment's width (SDM 3A 3.3). */
static uint64_t offset_mask(bool wide)
{
	return wide ? 0xffffffffULL : 0xffffULL;
}

uint64_t mode_linear_pc(const struct kvm_regs *r, const struct kvm_sregs *s)
{
	unsigned bits = mode_code_bits(s);

	if (bits == 64)
		return r->rip;	/* CS.base is ignored in 64-bit mode */
	return (s->cs.base + (r->rip & offset_mask(bits == 32))) & 0xffffffffULL;
}

uint64_t mode_linear_sp(const struct kvm_regs *r, const struct kvm_sregs *s)
{
	if (mode_now(s) == CPU_NOW_LONG)
		return r->rsp;
	/* SS.B picks SP or ESP; real mode's SS is a 16-bit one */
	return (s->ss.base + (r->rsp & offset_mask(s->ss.db))) & 0xffffffffULL;
}

bool mode_set_linear_pc(struct kvm_regs *r, struct kvm_sregs *s, uint64_t pc)
{
	unsigned bits = mode_code_bits(s);
	uint64_t off;

	if (bits == 64) {
		r->rip = pc;
		return false;
	}
	off = (pc - s->cs.base) & 0xffffffffULL;
	if (bits == 32 || off <= 0xffff || mode_now(s) != CPU_NOW_REAL) {
		r->rip = off & offset_mask(bits == 32);
		return false;
	}
	/* Real mode, out of CS's reach: the segment of the 64 KiB that
	 * holds pc (SDM 3A 20.1.1: base = selector * 16). */
	s->cs.selector = (pc >> 4) & 0xf000;
	s->cs.base = (uint64_t)s->cs.selector << 4;
	r->rip = pc - s->cs.base;
	return true;
}

void mode_set_linear_sp(struct kvm_regs *r, const struct kvm_sregs *s,
			uint64_t sp)
{
	uint64_t mask;

	if (mode_now(s) == CPU_NOW_LONG) {
		r->rsp = sp;
		return;
	}
	mask = offset_mask(s->ss.db);
	r->rsp = (r->rsp & ~mask) | ((sp - s->ss.base) & mask);
}
