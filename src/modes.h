/* modes.h - the x86 CPU modes vmm can start a guest in. */
#ifndef VMM_MODES_H
#define VMM_MODES_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

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

#endif
