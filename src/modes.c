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
#include <sys/ioctl.h>

#include "modes.h"
#include "util.h"
#include "vm.h"

#define CR0_PE	(1u << 0)	/* protection enable */
#define CR0_MP	(1u << 1)	/* monitor coprocessor */
#define CR0_ET	(1u << 4)	/* extension type (always 1) */
#define CR0_NE	(1u << 5)	/* numeric error */
#define CR0_WP	(1u << 16)	/* write protect, also at CPL0 */
#define CR0_AM	(1u << 18)	/* alignment mask */
#define CR0_PG	(1u << 31)	/* paging */

#define CR4_PSE	(1u << 4)	/* 4 MiB pages in 32-bit paging */
#define CR4_PAE	(1u << 5)	/* 64-bit page table entries */

#define EFER_LME (1u << 8)	/* long mode enable */
#define EFER_LMA (1u << 10)	/* long mode active */

#define PTE_P	(1u << 0)	/* present */
#define PTE_RW	(1u << 1)	/* writable */
#define PTE_US	(1u << 2)	/* user accessible */
#define PTE_PS	(1u << 7)	/* this entry maps a page, not a table */

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
		pd[i] = i * page_size | PTE_P | PTE_RW | PTE_US | PTE_PS;
}

static void setup_paged32(struct vm *vm, struct kvm_sregs *sregs,
			  struct mode_layout *l)
{
	uint32_t *pd = vm_gpa(vm, l->tables, 4096), i;
	uint64_t n = (vm->ram_size + (4 << 20) - 1) >> 22;

	memset(pd, 0, 4096);
	for (i = 0; i < n; i++)		/* 4 MiB pages (SDM 4.3, table 4-4) */
		pd[i] = (i << 22) | PTE_P | PTE_RW | PTE_US | PTE_PS;
	sregs->cr3 = l->tables;
	sregs->cr4 |= CR4_PSE;
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
}

static void setup_pae(struct vm *vm, struct kvm_sregs *sregs,
		      struct mode_layout *l)
{
	uint64_t *pdpt = vm_gpa(vm, l->tables, 4096);
	uint64_t *pd = vm_gpa(vm, l->tables - 0x1000, 4096);

	memset(pdpt, 0, 4096);
	memset(pd, 0, 4096);
	/* PDPTEs have only P among the permission bits (SDM 4.4.1). */
	pdpt[0] = (l->tables - 0x1000) | PTE_P;
	map_identity(pd, vm->ram_size, 2 << 20, 512);
	sregs->cr3 = l->tables;
	sregs->cr4 |= CR4_PAE;
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
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
	pml4[0] = pdpt_gpa | PTE_P | PTE_RW | PTE_US;
	pdpt[0] = pd_gpa | PTE_P | PTE_RW | PTE_US;
	map_identity(pd, vm->ram_size, 2 << 20, 512);
	sregs->cr3 = pml4_gpa;
	sregs->cr4 |= CR4_PAE;
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
	sregs->efer |= EFER_LME | EFER_LMA;
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

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
		pr_err("KVM_GET_SREGS: %s", strerror(errno));
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
			sregs.cr0 = CR0_PE | CR0_ET | CR0_NE;
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
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0) {
		pr_err("KVM_SET_SREGS (%s mode): %s", modes[mode].name,
		       strerror(errno));
		return -1;
	}
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0) {
		pr_err("KVM_SET_REGS: %s", strerror(errno));
		return -1;
	}
	return 0;
}
