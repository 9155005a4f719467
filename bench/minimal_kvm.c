/* minimal_kvm.c - the yardstick for bench/run.sh: the least a KVM program
 * must do to run a long-mode ELF guest and print its port 0xE9 bytes
 * (kvm-hello-world's steps, buffered output). vmm is measured against it:
 * the difference is what vmm's structure costs.
 *
 *   minimal_kvm [-c] [-m MIB] GUEST.elf
 *
 * -c  coalesce OUTs to port 0xE9 in KVM's ring (KVM_CAP_COALESCED_PIO)
 *     from the start, draining it at each exit: the ceiling for vmm's
 *     coalesced console.
 * -m  guest RAM in MiB (default 2), identity-mapped with 2 MiB pages as
 *     vmm does.
 */
#include <elf.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t RAM = 2u << 20;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void load(const char *path, uint8_t *ram, uint64_t *entry)
{
	struct stat st;
	uint8_t *f;
	Elf64_Ehdr *e;
	Elf64_Phdr *ph;
	int fd, i;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	f = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f == MAP_FAILED)
		die("mmap");
	e = (Elf64_Ehdr *)f;
	ph = (Elf64_Phdr *)(f + e->e_phoff);
	for (i = 0; i < e->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			memcpy(ram + ph[i].p_paddr, f + ph[i].p_offset,
			       ph[i].p_filesz);
	*entry = e->e_entry;
	close(fd);
}

static char out[65536];
static size_t n;

static void put(uint8_t c)
{
	out[n++] = c;
	if (c == '\n' || n == sizeof(out)) {
		fwrite(out, 1, n, stdout);
		fflush(stdout);
		n = 0;
	}
}

/* The ring's entries since the last exit, oldest first. */
static void drain(struct kvm_coalesced_mmio_ring *ring, uint32_t max)
{
	while (ring->first != ring->last) {
		put(ring->coalesced_mmio[ring->first].data[0]);
		__atomic_store_n(&ring->first, (ring->first + 1) % max,
				 __ATOMIC_RELEASE);
	}
}

/* Long mode as vmm sets it up: tables at the top of RAM, 2 MiB pages. */
static void long_mode(int vcpu, uint8_t *ram, uint64_t entry)
{
	uint64_t *pml4 = (uint64_t *)(ram + RAM - 0x2000);
	uint64_t *pdpt = (uint64_t *)(ram + RAM - 0x3000);
	uint64_t *pd = (uint64_t *)(ram + RAM - 0x4000);
	struct kvm_sregs s;
	struct kvm_regs r;
	uint64_t i;

	pml4[0] = (RAM - 0x3000) | 7;
	pdpt[0] = (RAM - 0x4000) | 7;
	for (i = 0; i < RAM >> 21; i++)
		pd[i] = (i << 21) | 0x87;
	if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0)
		die("KVM_GET_SREGS");
	s.cr3 = RAM - 0x2000;
	s.cr4 = 1 << 5;
	s.cr0 = 0x80050033;
	s.efer = 0x500;
	s.cs = (struct kvm_segment){ .limit = 0xffffffff, .selector = 8,
		.type = 11, .present = 1, .s = 1, .l = 1, .g = 1 };
	s.ds = (struct kvm_segment){ .limit = 0xffffffff, .selector = 16,
		.type = 3, .present = 1, .s = 1, .db = 1, .g = 1 };
	s.es = s.fs = s.gs = s.ss = s.ds;
	if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0)
		die("KVM_SET_SREGS");
	memset(&r, 0, sizeof(r));
	r.rflags = 2;
	r.rip = entry;
	r.rsp = RAM - 0x4000;
	if (ioctl(vcpu, KVM_SET_REGS, &r) < 0)
		die("KVM_SET_REGS");
}

static int run_loop(int vcpu, struct kvm_run *run,
		    struct kvm_coalesced_mmio_ring *ring)
{
	uint32_t max = (4096 - sizeof(*ring)) / sizeof(ring->coalesced_mmio[0]);

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		if (ring)
			drain(ring, max);
		if (run->exit_reason == KVM_EXIT_IO &&
		    run->io.direction == KVM_EXIT_IO_OUT && run->io.port == 0xe9) {
			uint8_t *p = (uint8_t *)run + run->io.data_offset;
			unsigned k;

			for (k = 0; k < run->io.count; k++, p += run->io.size)
				put(*p);
			continue;
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		fprintf(stderr, "exit %u\n", run->exit_reason);
		return 1;
	}
	fwrite(out, 1, n, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct kvm_coalesced_mmio_zone zone = { .addr = 0xe9, .size = 1, .pio = 1 };
	struct kvm_coalesced_mmio_ring *ring = NULL;
	struct kvm_userspace_memory_region mr;
	struct kvm_run *run;
	uint64_t entry;
	uint8_t *ram;
	int kvm, vm, vcpu, coalesce = 0, opt;

	while ((opt = getopt(argc, argv, "cm:")) != -1) {
		if (opt == 'c')
			coalesce = 1;
		else if (opt == 'm')
			RAM = strtoull(optarg, NULL, 0) << 20;
		else
			return 2;
	}
	if (optind != argc - 1 || RAM < (2u << 20) || RAM > (1u << 30))
		return 2;
	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		die("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	ram = mmap(NULL, RAM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	mr = (struct kvm_userspace_memory_region){ 0, 0, 0, RAM, (uintptr_t)ram };
	if (ram == MAP_FAILED || ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mr) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	load(argv[optind], ram, &entry);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
		   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (vcpu < 0 || run == MAP_FAILED)
		die("vCPU");
	long_mode(vcpu, ram, entry);
	if (coalesce) {
		if (ioctl(vm, KVM_REGISTER_COALESCED_MMIO, &zone) < 0)
			die("KVM_REGISTER_COALESCED_MMIO");
		ring = (void *)((char *)run + KVM_COALESCED_MMIO_PAGE_OFFSET * 4096);
	}
	return run_loop(vcpu, run, ring);
}
