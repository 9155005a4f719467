/* vm.h - the VM: /dev/kvm, the VM file descriptor, guest RAM, host probe. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_RAM_DEFAULT	(2ULL << 20)	/* kvm-hello-world's 2 MiB */
#define VM_RAM_MIN	(1ULL << 20)	/* real mode needs the first MiB */
#define VM_RAM_MAX	(1ULL << 30)	/* one page directory of 2 MiB pages */

struct kvm_cpuid2;

struct vm {
	int kvm_fd;			/* /dev/kvm: system ioctls */
	bool own_kvm_fd;		/* close kvm_fd in vm_destroy */
	int vm_fd;			/* KVM_CREATE_VM: VM ioctls */
	uint8_t *ram;			/* host mapping of GPA 0 .. ram_size */
	uint64_t ram_size;		/* bytes of guest RAM */
	int run_size;			/* KVM_GET_VCPU_MMAP_SIZE (vcpu.c) */
	struct kvm_cpuid2 *cpuid;	/* vm_load_cpuid(), or NULL: none */
	unsigned nslots;		/* memory slots in use: 0 .. nslots-1 */
};

/* How a page of RAM is mapped to the guest (watchpoints by page
 * protection): normally, read-only (writes exit as KVM_EXIT_MMIO), or not
 * at all (every access exits). */
enum vm_prot {
	VM_PROT_RW,
	VM_PROT_RO,
	VM_PROT_NONE,
};

struct vm_prot_range {
	uint64_t gpa;			/* page aligned */
	uint64_t len;			/* page multiple */
	enum vm_prot prot;
};

/* Open /dev/kvm, create a VM with ram_size bytes of RAM in slot 0.
 * On failure prints why and returns -1 with nothing left open. */
int vm_create(struct vm *vm, uint64_t ram_size);
/* A second VM on the same /dev/kvm fd (used by the host probe). */
int vm_create_on(struct vm *vm, int kvm_fd, uint64_t ram_size);
void vm_destroy(struct vm *vm);

/* Fetch what CPUID KVM supports, once; vCPUs created afterwards get it
 * (KVM_SET_CPUID2). Costs a few hundred microseconds, so vmm asks only
 * when the guest or the debugger needs it. */
int vm_load_cpuid(struct vm *vm);

/* Host pointer for [gpa, gpa + len) if all of it is guest RAM, else NULL.
 * Every access vmm makes to guest memory goes through this check. */
void *vm_gpa(const struct vm *vm, uint64_t gpa, uint64_t len);

struct kvm_sregs;
struct mmu_paging;

/* The page walker's view of the vCPU: control registers and EFER from
 * sregs, the data segment for unpaged modes, and the physical-address
 * width, 1 GiB page support and vendor from the CPUID the vCPU was given
 * (what KVM will enforce, not what the host CPU has). */
void vm_paging(const struct vm *vm, const struct kvm_sregs *sregs,
	       uint64_t rflags, struct mmu_paging *pg);

/* mmu_read_fn over guest RAM: ctx is the struct vm. */
bool vm_read_phys(void *ctx, uint64_t gpa, void *buf, size_t len);

/* Lay RAM out in memory slots so each range gets its protection and the
 * rest is ordinary RAM. Ranges must be sorted and not overlap. Called with
 * the vCPU stopped. -1 (RAM left as one slot) if KVM refused. */
int vm_protect(struct vm *vm, const struct vm_prot_range *r, size_t n);

/* Which KVM module serves /dev/kvm ("kvm_intel", "kvm_amd", "kvm_pvm"...). */
const char *vm_host_module(void);

#endif
