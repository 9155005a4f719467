/* modes.h - the x86 CPU modes vmm can start a guest in. */
#ifndef VMM_MODES_H
#define VMM_MODES_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct kvm_regs;
struct kvm_sregs;

enum cpu_mode {
	CPU_MODE_REAL,		/* 16-bit real mode */
	CPU_MODE_PROT,		/* flat 32-bit protected mode, no paging */
	CPU_MODE_PAGED,		/* 32-bit paging, 4 MiB (PSE) pages */
	CPU_MODE_PAE,		/* PAE paging, 2 MiB pages */
	CPU_MODE_LONG,		/* 64-bit long mode, 4-level paging */
	CPU_MODE_COUNT
};

struct mode_info {
	const char *name;	/* as --mode= takes it */
	const char *desc;	/* one line for --verbose and --help */
	unsigned word;		/* natural word in bytes: 2, 4 or 8 */
	bool host_may_refuse;	/* kvm_pvm refuses it: probe first */
};

/* Where vmm puts its own GDT, page tables and stack: guest files may not
 * load there. Protected and long modes use the top 64 KiB of RAM; real
 * mode (which cannot reach above 1 MiB) a 64 KiB stack at 0x90000. */
struct mode_layout {
	uint64_t lo, hi;	/* reserved [lo, hi) */
	uint64_t gdt;		/* GDT (protected and long modes) */
	uint64_t tables;	/* top-level page table; the next levels follow */
	uint64_t stack_top;	/* initial stack pointer */
};

const struct mode_info *mode_info(enum cpu_mode mode);
bool mode_from_name(const char *name, enum cpu_mode *mode);
void mode_layout(enum cpu_mode mode, uint64_t ram_size,
		 struct mode_layout *layout);

/* Build the GDT and page tables in guest RAM and set the vCPU's segments,
 * control registers, EFER, stack and instruction pointer so the guest's
 * first instruction at entry runs in the mode. -1 if an ioctl failed. */
int mode_setup(struct vm *vm, int vcpu_fd, enum cpu_mode mode, uint64_t entry);

/* What the vCPU runs now, read from CR0.PE, EFER.LMA and CS's L and D
 * flags (SDM vol. 3A 2.2, 3.4.5; AMD APM vol. 2 4.8.1): a guest moves
 * between these by itself, and gdb must decode its code as it is. */
enum cpu_now {
	CPU_NOW_REAL,		/* CR0.PE = 0: 16-bit code at CS.base + IP */
	CPU_NOW_PROT16,		/* protected mode, a 16-bit code segment */
	CPU_NOW_PROT32,		/* protected mode, a 32-bit one */
	CPU_NOW_COMPAT,		/* EFER.LMA, CS.L = 0: 32/16-bit code */
	CPU_NOW_LONG,		/* EFER.LMA, CS.L = 1: 64-bit code */
};

enum cpu_now mode_now(const struct kvm_sregs *s);
const char *mode_now_name(enum cpu_now now);	/* "long mode" */
unsigned mode_code_bits(const struct kvm_sregs *s);	/* 16, 32 or 64 */

/* The linear address of the next instruction (CS.base + IP, EIP or RIP)
 * and of the top of the stack (SS.base + SP or ESP, or RSP): what gdb is
 * shown as its pc and sp, so that they are addresses it can read and
 * break at in every mode. */
uint64_t mode_linear_pc(const struct kvm_regs *r, const struct kvm_sregs *s);
uint64_t mode_linear_sp(const struct kvm_regs *r, const struct kvm_sregs *s);
/* The reverse, for a pc or sp that gdb writes. In real mode a pc that CS
 * cannot reach with a 16-bit IP reloads CS (the 64 KiB below it): true
 * if the segment registers changed. */
bool mode_set_linear_pc(struct kvm_regs *r, struct kvm_sregs *s, uint64_t pc);
void mode_set_linear_sp(struct kvm_regs *r, const struct kvm_sregs *s,
			uint64_t sp);

#endif
