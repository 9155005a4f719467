/* vm.c - /dev/kvm, the VM file descriptor and guest RAM.
 *
 * The KVM API (Documentation/virt/kvm/api.rst) has three kinds of ioctl:
 * system ioctls on /dev/kvm, VM ioctls on the fd KVM_CREATE_VM returns, and
 * vCPU ioctls on the fd KVM_CREATE_VCPU returns (vcpu.c).  Each ioctl takes
 * three arguments: the fd, the request number, and one argument (an integer
 * or a pointer to a struct the request names).
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm.h"
#include "mmu.h"
#include "util.h"
#include "vm.h"

static int kvm_open(void)
{
	int fd, version;

	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			pr_err("/dev/kvm: no such device: KVM is not available on this host (load kvm_intel or kvm_amd, or enable virtualization in the firmware)");
		else if (errno == EACCES || errno == EPERM)
			pr_err("/dev/kvm: permission denied: add yourself to the 'kvm' group or run as root");
		else
			pr_err("/dev/kvm: %m");
		return -1;
	}
	version = kvm_ioctl(fd, KVM_GET_API_VERSION, NULL);
	if (version != KVM_API_VERSION) {
		pr_err("/dev/kvm: KVM_GET_API_VERSION returned %d, expected %d",
		       version, KVM_API_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

/* The CPUID KVM can offer, given to every vCPU so the guest (and the page
 * walker) see the real physical-address width and 1 GiB page support. */
static struct kvm_cpuid2 *get_supported_cpuid(int kvm_fd)
{
	struct kvm_cpuid2 *cpuid;
	int n = 256;	/* enough for today's CPUs: one call, no E2BIG retry */

	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return NULL;
		cpuid->nent = n;
		if (kvm_ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			return cpuid;
		free(cpuid);
		if (errno != E2BIG || n >= 4096) {
			pr_warn("KVM_GET_SUPPORTED_CPUID: %m; the guest sees no CPUID");
			return NULL;
		}
		n *= 2;
	}
}

int vm_create_on(struct vm *vm, int kvm_fd, uint64_t ram_size)
{
	struct kvm_userspace_memory_region region;

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = kvm_fd;
	vm->vm_fd = -1;
	vm->ram = MAP_FAILED;
	vm->ram_size = ram_size;

	vm->vm_fd = kvm_ioctl(kvm_fd, KVM_CREATE_VM, NULL);
	if (vm->vm_fd < 0) {
		pr_err("KVM_CREATE_VM: %m");
		return -1;
	}
	/* Intel without unrestricted guest needs three pages for real mode's
	 * TSS; QEMU puts them here, below the 4 GiB BIOS area. Harmless
	 * elsewhere, so a failure is only worth a word with --verbose. */
	if (kvm_ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (void *)0xfffbd000UL) < 0)
		pr_info("KVM_SET_TSS_ADDR: %m (ignored)");

	vm->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		pr_err("guest RAM: mmap of %llu bytes: %m",
		       (unsigned long long)ram_size);
		vm_destroy(vm);
		return -1;
	}
	kvm_trace_note("mmap(NULL, 0x%llx, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = %p: guest RAM, host side",
		       (unsigned long long)ram_size, (void *)vm->ram);
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = ram_size;
	region.userspace_addr = (uintptr_t)vm->ram;
	if (kvm_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		pr_err("KVM_SET_USER_MEMORY_REGION: %m");
		vm_destroy(vm);
		return -1;
	}
	vm->nslots = 1;
	return 0;
}

static int set_slot(struct vm *vm, unsigned slot, uint64_t gpa, uint64_t len,
		    uint32_t flags)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = len,
		.userspace_addr = (uintptr_t)vm->ram + gpa,
	};

	if (kvm_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		pr_err("KVM_SET_USER_MEMORY_REGION (slot %u, 0x%llx+0x%llx%s): %m",
		       slot, (unsigned long long)gpa, (unsigned long long)len,
		       flags & KVM_MEM_READONLY ? ", read-only" : "");
		return -1;
	}
	return 0;
}

/* Slots are immutable in size, so the layout is rebuilt: delete them all
 * (size 0), then add one per run of equal protection. A page with no
 * access gets no slot at all. */
int vm_protect(struct vm *vm, const struct vm_prot_range *r, size_t n)
{
	uint64_t at = 0, end;
	unsigned slot = 0, i;
	size_t k;

	for (i = 0; i < vm->nslots; i++)
		set_slot(vm, i, 0, 0, 0);
	for (k = 0; k <= n; k++) {
		end = k < n ? r[k].gpa : vm->ram_size;
		if (end > at && set_slot(vm, slot++, at, end - at, 0) < 0)
			goto fallback;
		if (k == n)
			break;
		if (r[k].prot == VM_PROT_RO &&
		    set_slot(vm, slot++, r[k].gpa, r[k].len, KVM_MEM_READONLY) < 0)
			goto fallback;
		at = r[k].gpa + r[k].len;
	}
	vm->nslots = slot;
	return 0;
fallback:
	for (i = 0; i < slot; i++)
		set_slot(vm, i, 0, 0, 0);
	set_slot(vm, 0, 0, vm->ram_size, 0);
	vm->nslots = 1;
	return -1;
}

int vm_create(struct vm *vm, uint64_t ram_size)
{
	int kvm_fd = kvm_open();

	if (kvm_fd < 0)
		return -1;
	if (vm_create_on(vm, kvm_fd, ram_size) < 0) {
		close(kvm_fd);
		vm->kvm_fd = -1;
		return -1;
	}
	vm->own_kvm_fd = true;
	return 0;
}

void vm_destroy(struct vm *vm)
{
	free(vm->cpuid);
	vm->cpuid = NULL;
	if (vm->ram != MAP_FAILED && vm->ram)
		munmap(vm->ram, vm->ram_size);
	vm->ram = MAP_FAILED;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	vm->vm_fd = -1;
	if (vm->own_kvm_fd && vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->own_kvm_fd = false;
}

void *vm_gpa(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa > vm->ram_size || len > vm->ram_size - gpa)
		return NULL;
	return vm->ram + gpa;
}

int vm_load_cpuid(struct vm *vm)
{
	if (!vm->cpuid)
		vm->cpuid = get_supported_cpuid(vm->kvm_fd);
	return vm->cpuid ? 0 : -1;
}

static const struct kvm_cpuid_entry2 *cpuid_leaf(const struct vm *vm,
						  uint32_t function)
{
	uint32_t i;

	for (i = 0; vm->cpuid && i < vm->cpuid->nent; i++)
		if (vm->cpuid->entries[i].function == function &&
		    vm->cpuid->entries[i].index == 0)
			return &vm->cpuid->entries[i];
	return NULL;
}

/* The vendor KVM shows a vCPU that was given no CPUID is the host's. */
static bool host_is_amd(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid(0, &a, &b, &c, &d) && b == 0x68747541;
}

void vm_paging(const struct vm *vm, const struct kvm_sregs *sregs,
	       uint64_t rflags, struct mmu_paging *pg)
{
	const struct kvm_cpuid_entry2 *e;

	memset(pg, 0, sizeof(*pg));
	pg->cr0 = sregs->cr0;
	pg->cr3 = sregs->cr3;
	pg->cr4 = sregs->cr4;
	pg->efer = sregs->efer;
	pg->seg_base = sregs->ds.base;
	pg->seg_limit = sregs->ds.limit;
	pg->eflags_ac = rflags & (1u << 18);
	e = cpuid_leaf(vm, 0x80000008);		/* address sizes */
	pg->maxphyaddr = e ? (e->eax & 0xff) : 36;
	e = cpuid_leaf(vm, 0x80000001);		/* EDX[26]: 1 GiB pages */
	pg->has_1g_pages = e && (e->edx & (1u << 26));
	e = cpuid_leaf(vm, 0);			/* vendor "AuthenticAMD" */
	pg->amd = e ? e->ebx == 0x68747541 : host_is_amd();
}

bool vm_read_phys(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	const void *p = vm_gpa(ctx, gpa, len);

	if (!p)
		return false;
	memcpy(buf, p, len);
	return true;
}

const char *vm_host_module(void)
{
	static const char *const modules[] = {
		"kvm_intel", "kvm_amd", "kvm_pvm",
	};
	char path[64];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", modules[i]);
		if (stat(path, &st) == 0)
			return modules[i];
	}
	return "unknown";
}
