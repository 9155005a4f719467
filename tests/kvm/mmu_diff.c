// SPDX-License-Identifier: GPL-2.0
/* mmu_diff.c - the page-table walker against KVM's own, on random tables.
 *
 * Builds random page tables in guest RAM (every entry of a pool of tables
 * is random: not present, a pointer to any pool table -- so tables are
 * shared and self-referencing --, a large page, a pointer past RAM, with
 * random flags, NX and reserved bits), then asks both KVM_TRANSLATE and
 * mmu_translate() about random guest-virtual addresses. KVM_TRANSLATE walks
 * as a supervisor read and reports fixed writeable/usermode values, so only
 * the physical address and the valid flag are compared; tests/unit checks
 * the rest. Each round changes one thing in the vCPU's CPUID or paging
 * state (NXE, MAXPHYADDR, 1 GiB pages, vendor, SMAP/AC), since each
 * changes which bits are reserved or which accesses fault.
 *
 * KVM_TRANSLATE walks in software with the vCPU's guest MMU configuration,
 * so every rule the walker models is software KVM applies the same way
 * under shadow paging and under NPT/EPT -- except 1 GiB pages: with
 * two-dimensional paging KVM lets the guest use them whenever the host CPU
 * has them, whatever the guest's CPUID says, because the hardware walker
 * cannot be told otherwise ("KVM: x86/mmu: Let guest use GBPAGES if
 * supported in hardware and TDP is on", mid-2021; before it KVM went by
 * the CPUID bit). The rounds that change that bit probe what KVM does.
 *
 * Usage: mmu_diff [--seed N] [--count N]   (count: 4-level addresses)
 * Output: TAP. No /dev/kvm, or a mode the host cannot run: SKIP, reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "mmu.h"
#include "../unit/tap.h"

#define RAM_SIZE	(64ull << 20)	/* one memory slot at GPA 0 */
#define POOL_BASE	(4ull << 20)	/* random tables: 4..64 MiB */
#define POOL_PAGES	((RAM_SIZE - POOL_BASE) >> 12)
#define PDPT_PAE	0x3ff000ull	/* PAE's 4-entry PDPT, below pool */
#define PROBE_CODE	0x500ull	/* a HLT for the mode probes */
#define PROBE_TABLES	0x1000ull	/* the probes' page tables */
#define MAX_SHOWN	5		/* mismatches printed per round */

struct vm {
	int kvm;			/* /dev/kvm */
	int fd;				/* the VM */
	uint8_t *ram;			/* host mapping of guest RAM */
	int run_size;			/* KVM_GET_VCPU_MMAP_SIZE */
	int next_id;			/* next vCPU id */
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID */
};

struct caps {
	unsigned int maxphyaddr;	/* CPUID 0x80000008 EAX[7:0] */
	bool gbpages;			/* CPUID 0x80000001 EDX[26] */
	bool la57;			/* CPUID 7 ECX[16] */
	bool smap;			/* CPUID 7 EBX[20] */
	bool amd;			/* AuthenticAMD or HygonGenuine */
};

/* One configuration to compare under. */
struct round {
	const char *name;		/* for the TAP line */
	enum mmu_mode mode;		/* which tables to build */
	bool nxe;			/* EFER.NXE */
	bool pse;			/* CR4.PSE (32-bit paging) */
	bool smap, ac;			/* CR4.SMAP, EFLAGS.AC */
	unsigned int maxphyaddr;	/* 0: the host's */
	int gbpages;			/* CPUID 0x80000001 EDX[26]:
					 * -1 clear, 1 set, 0 as offered */
	bool flip_vendor;		/* claim the other vendor in CPUID 0 */
};

static uint64_t rng_state;

/* xorshift64*: deterministic from --seed, fast enough for 8M entries. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static bool one_in(unsigned int n)
{
	return rnd() % n == 0;
}

static bool ram_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct vm *vm = ctx;

	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return false;
	memcpy(buf, vm->ram + gpa, len);
	return true;
}

static struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c,
					   uint32_t fn, uint32_t idx)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn && c->entries[i].index == idx)
			return &c->entries[i];
	return NULL;
}

/* Fills *why and returns false if the host has no usable KVM. */
static bool vm_open(struct vm *vm, char *why, size_t len)
{
	struct kvm_userspace_memory_region slot = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = RAM_SIZE,
	};
	int nent = 256;

	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0) {
		snprintf(why, len, "cannot open /dev/kvm: %s", strerror(errno));
		return false;
	}
	vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		snprintf(why, len, "KVM_CREATE_VM: %s", strerror(errno));
		return false;
	}
	vm->run_size = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->run_size <= 0 || vm->ram == MAP_FAILED) {
		snprintf(why, len, "KVM_GET_VCPU_MMAP_SIZE or mmap of %llu "
			 "bytes: %s", RAM_SIZE, strerror(errno));
		return false;
	}
	slot.userspace_addr = (uintptr_t)vm->ram;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0) {
		snprintf(why, len, "KVM_SET_USER_MEMORY_REGION: %s",
			 strerror(errno));
		return false;
	}
	for (;;) {
		vm->cpuid = calloc(1, sizeof(*vm->cpuid) +
				   nent * sizeof(vm->cpuid->entries[0]));
		if (!vm->cpuid) {
			snprintf(why, len, "out of memory");
			return false;
		}
		vm->cpuid->nent = nent;
		if (ioctl(vm->kvm, KVM_GET_SUPPORTED_CPUID, vm->cpuid) == 0)
			return true;
		free(vm->cpuid);
		vm->cpuid = NULL;
		if (errno != E2BIG || nent > 4096) {
			snprintf(why, len, "KVM_GET_SUPPORTED_CPUID: %s",
				 strerror(errno));
			return false;
		}
		nent *= 2;
	}
}

/* Undo vm_open(), however far it got. */
static void vm_close(struct vm *vm)
{
	free(vm->cpuid);
	if (vm->ram != MAP_FAILED)
		munmap(vm->ram, RAM_SIZE);
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->kvm >= 0)
		close(vm->kvm);
}

static struct caps caps_of(struct kvm_cpuid2 *c)
{
	struct kvm_cpuid_entry2 *e;
	struct caps k = { .maxphyaddr = 36 };

	e = cpuid_find(c, 0x80000008, 0);
	if (e && (e->eax & 0xff))
		k.maxphyaddr = e->eax & 0xff;
	e = cpuid_find(c, 0x80000001, 0);
	k.gbpages = e && (e->edx & (1u << 26));
	e = cpuid_find(c, 7, 0);
	k.la57 = e && (e->ecx & (1u << 16));
	k.smap = e && (e->ebx & (1u << 20));
	e = cpuid_find(c, 0, 0);
	/* "AuthenticAMD" and "HygonGenuine": EBX is "Auth" or "Hygo". */
	k.amd = e && (e->ebx == 0x68747541 || e->ebx == 0x6f677948);
	return k;
}

/* The CPUID the round asks for, and what it means for the walker. */
static void round_cpuid(const struct vm *vm, const struct round *r,
			struct kvm_cpuid2 *c, struct caps *k)
{
	static const uint32_t intel[3] = { 0x756e6547, 0x6c65746e, 0x49656e69 };
	static const uint32_t amd[3] = { 0x68747541, 0x444d4163, 0x69746e65 };
	struct kvm_cpuid_entry2 *e;

	memcpy(c, vm->cpuid, sizeof(*c) +
	       vm->cpuid->nent * sizeof(c->entries[0]));
	e = cpuid_find(c, 0x80000008, 0);
	if (e && r->maxphyaddr)
		e->eax = (e->eax & ~0xffu) | r->maxphyaddr;
	e = cpuid_find(c, 0x80000001, 0);
	if (e && r->gbpages)
		e->edx = r->gbpages > 0 ? e->edx | 1u << 26 :
			 e->edx & ~(1u << 26);
	e = cpuid_find(c, 0, 0);
	if (e && r->flip_vendor) {
		const uint32_t *v = caps_of(vm->cpuid).amd ? intel : amd;

		e->ebx = v[0];
		e->ecx = v[1];
		e->edx = v[2];
	}
	*k = caps_of(c);
}

/* A fresh vCPU with this CPUID: KVM accepts KVM_SET_CPUID2 only before
 * the first KVM_RUN, and a new vCPU starts with no cached MMU state. */
static int vcpu_new(struct vm *vm, struct kvm_cpuid2 *c)
{
	int fd = ioctl(vm->fd, KVM_CREATE_VCPU, vm->next_id++);

	if (fd < 0) {
		tap_diag("KVM_CREATE_VCPU: %s", strerror(errno));
		return -1;
	}
	if (ioctl(fd, KVM_SET_CPUID2, c) < 0) {
		tap_diag("KVM_SET_CPUID2: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void flat_segments(struct kvm_sregs *s, bool long_mode)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x8, .type = 11,
		.present = 1, .s = 1, .g = 1, .db = !long_mode, .l = long_mode,
	};
	struct kvm_segment data = code;

	data.selector = 0x10;
	data.type = 3;
	data.db = 1;
	data.l = 0;
	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->tr.type = 11;	/* busy TSS: what VM entry insists on */
	s->tr.present = 1;
	s->tr.limit = 0x67;
}

/* Load the paging state and read it back: the walker gets what KVM has. */
static bool set_paging(int fd, const struct round *r, uint64_t cr3,
		       struct kvm_sregs *s)
{
	struct kvm_regs regs = { .rflags = 0x2 | (r->ac ? 1u << 18 : 0) };

	if (ioctl(fd, KVM_GET_SREGS, s) < 0) {
		tap_diag("KVM_GET_SREGS: %s", strerror(errno));
		return false;
	}
	flat_segments(s, r->mode >= MMU_MODE_LONG4);
	s->cr0 = 0x80050033;	/* PG WP NE ET MP PE */
	s->cr3 = cr3;
	s->cr4 = r->smap ? MMU_CR4_SMAP : 0;
	s->efer = r->nxe ? MMU_EFER_NXE : 0;
	if (r->mode == MMU_MODE_PAGING32)
		s->cr4 |= r->pse ? MMU_CR4_PSE : 0;
	else
		s->cr4 |= MMU_CR4_PAE;
	if (r->mode >= MMU_MODE_LONG4)
		s->efer |= MMU_EFER_LME | MMU_EFER_LMA;
	if (r->mode == MMU_MODE_LONG5)
		s->cr4 |= MMU_CR4_LA57;
	regs.rip = PROBE_CODE;
	if (ioctl(fd, KVM_SET_SREGS, s) < 0 ||
	    ioctl(fd, KVM_SET_REGS, &regs) < 0 ||
	    ioctl(fd, KVM_GET_SREGS, s) < 0) {
		tap_diag("KVM_SET_SREGS/KVM_SET_REGS (%s): %s", r->name,
			 strerror(errno));
		return false;
	}
	return true;
}

/* A random page-aligned address: mostly pool tables, some anywhere in RAM
 * (the low 4 MiB is zero: tables there are empty), some past RAM. */
static uint64_t rand_addr(unsigned int maxphy, uint64_t limit)
{
	uint64_t top = 1ull << maxphy;

	if (limit < top)
		top = limit;
	switch (rnd() % 8) {
	case 0:
		return (rnd() % (RAM_SIZE >> 12)) << 12;
	case 1:
		return (rnd() % (top >> 12)) << 12;
	default:
		return POOL_BASE + ((rnd() % POOL_PAGES) << 12);
	}
}

/* A large page's base: usually aligned for its size, sometimes not (then
 * the low bits are reserved). */
static uint64_t large_base(unsigned int maxphy, uint64_t align)
{
	uint64_t a = rand_addr(maxphy, ~0ull);

	if (!one_in(4))
		a = (rnd() & ((1ull << maxphy) - 1)) & ~(align - 1);
	return a;
}

/* A random 64-bit entry for any level of a long-mode or PAE table. */
static uint64_t rand_entry64(unsigned int maxphy)
{
	uint64_t e = rnd() & 0x7e;	/* RW US PWT PCD A D */
	bool ps = one_in(4);

	e |= one_in(7) ? 0 : 1;		/* P */
	e |= one_in(3) ? 0 : 0x6;	/* mostly RW and US */
	if (ps)
		e |= 0x80 | large_base(maxphy, one_in(2) ? 1ull << 30 :
							 1ull << 21);
	else
		e |= rand_addr(maxphy, ~0ull);
	if (one_in(8))
		e |= 0x100;		/* G, or AMD's must-be-zero bit 8 */
	if (one_in(4))
		e |= rnd() & 0xe00;	/* bits 11:9, ignored */
	if (one_in(16))
		e |= 0x1000;		/* PAT of a large page */
	if (one_in(8))
		e |= 1ull << 63;	/* XD */
	if (one_in(32) && maxphy < 52)	/* a reserved address bit */
		e |= 1ull << (maxphy + rnd() % (52 - maxphy));
	if (one_in(16))			/* 62:52 (PAE: reserved) */
		e |= rnd() & (0x7ffull << 52);
	return e;
}

/* A random 32-bit paging entry: 4 KiB tables and pages, 4 MiB pages with
 * PSE-36 bits (and sometimes the reserved bit 21). KVM models PSE-36 as 36
 * bits wide (bits 20:17 reserved) where the SDM allows up to 40 with a
 * large MAXPHYADDR, so bits 20:17 stay clear: that corner of the walker is
 * the unit tests' (doc/mmu.md). */
static uint32_t rand_entry32(void)
{
	uint32_t e = (uint32_t)rnd() & 0x17e;

	e |= one_in(7) ? 0 : 1;
	e |= one_in(3) ? 0 : 0x6;
	if (one_in(4)) {
		e |= 0x80 | ((uint32_t)rnd() & 0xffc00000u);
		e |= one_in(2) ? 0 : ((uint32_t)rnd() & 0x1e000u);
		e |= one_in(16) ? 1u << 21 : 0;
		e |= one_in(16) ? 1u << 12 : 0;
	} else {
		e |= (uint32_t)rand_addr(32, 1ull << 32);
	}
	return e;
}

static void put_le(uint8_t *p, uint64_t v, unsigned int width)
{
	unsigned int i;

	for (i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Fill the whole pool with random entries; return CR3 for the round. */
static uint64_t build_tables(const struct vm *vm, const struct round *r,
			     unsigned int maxphy)
{
	uint64_t off, cr3;
	unsigned int i;

	for (off = POOL_BASE; off < RAM_SIZE; off += 8) {
		if (r->mode == MMU_MODE_PAGING32) {
			put_le(vm->ram + off, rand_entry32(), 4);
			put_le(vm->ram + off + 4, rand_entry32(), 4);
		} else {
			put_le(vm->ram + off, rand_entry64(maxphy), 8);
		}
	}
	cr3 = POOL_BASE + ((rnd() % POOL_PAGES) << 12);
	if (r->mode != MMU_MODE_PAE)
		return cr3;
	/* KVM loads PAE's four PDPTEs at KVM_SET_SREGS and keeps the old
	 * ones if they are invalid (SDM 4.4.1: MOV CR3 would #GP), so they
	 * must be valid here; tests/unit checks the reserved ones. */
	cr3 = PDPT_PAE + 32 * (rnd() % 128);
	for (i = 0; i < 4; i++)
		put_le(vm->ram + cr3 + 8 * i, one_in(5) ? 0 :
		       (rand_addr(32, 1ull << 32) | 1 | (rnd() & 0x18)), 8);
	return cr3;
}

static uint64_t rand_gva(enum mmu_mode mode)
{
	unsigned int bits = mode == MMU_MODE_LONG5 ? 57 : 48;
	uint64_t v = rnd();

	if (mode == MMU_MODE_PAGING32 || mode == MMU_MODE_PAE)
		return v & 0xffffffffull;
	/* Canonical only: KVM_TRANSLATE indexes a non-canonical address
	 * without complaint; tests/unit checks that fault. */
	return (uint64_t)((int64_t)(v << (64 - bits)) >> (64 - bits));
}

struct tally {
	unsigned long n, mismatches;	/* compared, disagreed */
	unsigned long fault[MMU_FAULT_BAD_STATE + 1]; /* walker's verdicts */
	unsigned long big;		/* valid through a 2M/4M/1G page */
	bool failed;			/* KVM_TRANSLATE itself failed */
};

static void show_mismatch(const struct mmu_walk *w,
			  const struct kvm_translation *t)
{
	char text[1024], *line, *save;

	tap_diag("GVA 0x%llx: KVM valid=%u GPA 0x%llx, walker %s GPA 0x%llx",
		 (unsigned long long)w->gva, t->valid,
		 (unsigned long long)t->physical_address,
		 mmu_fault_str(w->fault), (unsigned long long)w->gpa);
	mmu_format(w, NULL, text, sizeof(text));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		tap_diag("  %s", line);
}

static bool compare(struct vm *vm, int fd, const struct mmu_paging *pg,
		    enum mmu_mode mode, unsigned long count, struct tally *t)
{
	struct mmu_walk w;
	unsigned long i;

	for (i = 0; i < count; i++) {
		struct kvm_translation tr = {
			.linear_address = rand_gva(mode),
		};
		bool agree;

		if (ioctl(fd, KVM_TRANSLATE, &tr) < 0) {
			tap_diag("KVM_TRANSLATE 0x%llx: %s",
				 (unsigned long long)tr.linear_address,
				 strerror(errno));
			return false;
		}
		mmu_translate(pg, tr.linear_address, MMU_ACC_READ, ram_read,
			      vm, &w);
		t->n++;
		t->fault[w.fault]++;
		t->big += w.fault == MMU_OK && w.page_size > 0x1000;
		agree = tr.valid ? w.fault == MMU_OK &&
				   w.gpa == tr.physical_address
				 : w.fault != MMU_OK;
		if (!agree && t->mismatches++ < MAX_SHOWN)
			show_mismatch(&w, &tr);
	}
	return true;
}

/* Run one round; false if the round could not be set up (then skipped:
 * why says why). A KVM_TRANSLATE that fails midway is a failure. */
static bool run_round(struct vm *vm, const struct round *r,
		      unsigned long count, struct tally *t, char *why,
		      size_t len)
{
	struct kvm_cpuid2 *c = malloc(sizeof(*c) + vm->cpuid->nent *
				      sizeof(c->entries[0]));
	struct mmu_paging pg = { 0 };
	struct kvm_sregs s;
	struct caps k;
	int fd = -1;
	bool done = false;

	snprintf(why, len, "the vCPU refused the round's CPUID or state");
	if (!c)
		return false;
	round_cpuid(vm, r, c, &k);
	fd = vcpu_new(vm, c);
	if (fd < 0)
		goto out;
	pg.cr3 = build_tables(vm, r, k.maxphyaddr);
	if (!set_paging(fd, r, pg.cr3, &s))
		goto out;
	pg.cr0 = s.cr0;
	pg.cr3 = s.cr3;
	pg.cr4 = s.cr4;
	pg.efer = s.efer;
	pg.maxphyaddr = k.maxphyaddr;
	pg.has_1g_pages = k.gbpages;
	pg.amd = k.amd;
	pg.eflags_ac = r->ac;
	if (mmu_mode(&pg) != r->mode) {
		snprintf(why, len, "KVM kept a different paging state "
			 "(CR0 0x%llx CR4 0x%llx EFER 0x%llx)",
			 s.cr0, s.cr4, s.efer);
		goto out;
	}
	done = true;
	if (!compare(vm, fd, &pg, r->mode, count, t))
		t->failed = true;
out:
	if (fd >= 0)
		close(fd);
	free(c);
	return done;
}

static void report(const struct round *r, const struct tally *t,
		   double secs)
{
	ok(t->mismatches == 0 && !t->failed,
	   "%s: %lu addresses, %lu mismatches", r->name, t->n, t->mismatches);
	tap_diag("  walker: %lu valid (%lu in large pages), %lu not present, "
		 "%lu reserved, %lu table outside RAM, %lu SMAP; %.2f s",
		 t->fault[MMU_OK], t->big, t->fault[MMU_FAULT_NOT_PRESENT],
		 t->fault[MMU_FAULT_RESERVED], t->fault[MMU_FAULT_TABLE_RAM],
		 t->fault[MMU_FAULT_SMAP], secs);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Can this host run the mode at all? Run a HLT under identity tables and
 * translate its address: kvm_pvm, for one, shuts the vCPU down on CR0.PG
 * without EFER.LME, and its KVM_TRANSLATE works in long mode only. */
static bool probe_mode(struct vm *vm, const struct round *r, char *why,
		       size_t len)
{
	struct kvm_translation tr = { .linear_address = PROBE_CODE };
	struct kvm_run *run = MAP_FAILED;
	struct kvm_sregs s;
	bool works = false;
	int fd;

	/* Identity-map the first page (first 2 MiB for PAE); a 4 KiB PT for
	 * 32-bit paging, so CR4.PSE does not matter. */
	memset(vm->ram + PROBE_TABLES, 0, 0x2000);
	if (r->mode == MMU_MODE_PAE) {
		put_le(vm->ram + PROBE_TABLES, PROBE_TABLES + 0x1001, 8);
		put_le(vm->ram + PROBE_TABLES + 0x1000, 0x83, 8);
	} else {
		put_le(vm->ram + PROBE_TABLES, PROBE_TABLES + 0x1003, 4);
		put_le(vm->ram + PROBE_TABLES + 0x1000, 0x003, 4);
	}
	vm->ram[PROBE_CODE] = 0xf4;	/* HLT */
	snprintf(why, len, "could not set up a vCPU in %s",
		 mmu_mode_name(r->mode));
	fd = vcpu_new(vm, vm->cpuid);
	if (fd < 0 || !set_paging(fd, r, PROBE_TABLES, &s))
		goto out;
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	if (run == MAP_FAILED)
		goto out;
	if (ioctl(fd, KVM_RUN, 0) < 0) {
		snprintf(why, len, "KVM_RUN in %s: %s",
			 mmu_mode_name(r->mode), strerror(errno));
		goto out;
	}
	if (run->exit_reason != KVM_EXIT_HLT) {
		snprintf(why, len, "this host refuses %s: a HLT under it ended "
			 "in exit reason %u%s, not KVM_EXIT_HLT",
			 mmu_mode_name(r->mode), run->exit_reason,
			 run->exit_reason == KVM_EXIT_SHUTDOWN ?
			 " (KVM_EXIT_SHUTDOWN)" : "");
		goto out;
	}
	if (ioctl(fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid ||
	    tr.physical_address != PROBE_CODE) {
		snprintf(why, len, "KVM_TRANSLATE does not work in %s here",
			 mmu_mode_name(r->mode));
		goto out;
	}
	works = true;
out:
	if (run != MAP_FAILED)
		munmap(run, vm->run_size);
	if (fd >= 0)
		close(fd);
	return works;
}

static const struct round rounds_long4[] = {
	{ .name = "4-level", .mode = MMU_MODE_LONG4, .nxe = true },
	{ .name = "4-level, EFER.NXE=0", .mode = MMU_MODE_LONG4 },
	{ .name = "4-level, MAXPHYADDR 36", .mode = MMU_MODE_LONG4,
	  .nxe = true, .maxphyaddr = 36 },
	{ .name = "4-level, 1 GiB pages cleared in CPUID",
	  .mode = MMU_MODE_LONG4, .nxe = true, .gbpages = -1 },
	{ .name = "4-level, 1 GiB pages set in CPUID",
	  .mode = MMU_MODE_LONG4, .nxe = true, .gbpages = 1 },
	{ .name = "4-level, the other vendor in CPUID",
	  .mode = MMU_MODE_LONG4, .nxe = true, .flip_vendor = true },
	{ .name = "4-level, CR4.SMAP, EFLAGS.AC=0", .mode = MMU_MODE_LONG4,
	  .nxe = true, .smap = true },
	{ .name = "4-level, CR4.SMAP, EFLAGS.AC=1", .mode = MMU_MODE_LONG4,
	  .nxe = true, .smap = true, .ac = true },
};

static const struct round rounds_other[] = {
	{ .name = "5-level", .mode = MMU_MODE_LONG5, .nxe = true },
	{ .name = "5-level, EFER.NXE=0", .mode = MMU_MODE_LONG5 },
	{ .name = "32-bit paging, CR4.PSE=1", .mode = MMU_MODE_PAGING32,
	  .pse = true },
	{ .name = "32-bit paging, CR4.PSE=0", .mode = MMU_MODE_PAGING32 },
	{ .name = "PAE", .mode = MMU_MODE_PAE, .nxe = true },
	{ .name = "PAE, EFER.NXE=0", .mode = MMU_MODE_PAE },
};

#define N_LONG4	(sizeof(rounds_long4) / sizeof(rounds_long4[0]))
#define N_OTHER	(sizeof(rounds_other) / sizeof(rounds_other[0]))

/* KVM decides from its own capabilities, not only from the vCPU's CPUID,
 * whether a guest has 1 GiB pages (cpuid.c, kvm_vcpu_after_set_cpuid():
 * with TDP, the host CPU's X86_FEATURE_GBPAGES; without, the guest's CPUID
 * bit, which KVM then always offers). Map one at 1 GiB under the round's
 * CPUID and ask: true if KVM_TRANSLATE maps it. */
static bool probe_gbpages(struct vm *vm, const struct round *r)
{
	struct kvm_translation tr = { .linear_address = 1ull << 30 };
	struct kvm_cpuid2 *c = malloc(sizeof(*c) + vm->cpuid->nent *
				      sizeof(c->entries[0]));
	struct kvm_sregs s;
	struct caps k;
	bool works = false;
	int fd = -1;

	if (!c)
		return false;
	round_cpuid(vm, r, c, &k);
	memset(vm->ram + PROBE_TABLES, 0, 0x2000);
	put_le(vm->ram + PROBE_TABLES, PROBE_TABLES + 0x1003, 8);
	put_le(vm->ram + PROBE_TABLES + 0x1008, (1ull << 30) | 0x83, 8);
	fd = vcpu_new(vm, c);
	if (fd >= 0 && set_paging(fd, r, PROBE_TABLES, &s) &&
	    ioctl(fd, KVM_TRANSLATE, &tr) == 0)
		works = tr.valid && tr.physical_address == 1ull << 30;
	if (fd >= 0)
		close(fd);
	free(c);
	return works;
}

/* Does KVM give its guests two-dimensional paging (NPT/EPT)? The vendor
 * module's parameter says, as KVM settled it at load (it clears the
 * parameter when the CPU lacks the feature). kvm_pvm shadows the guest's
 * page tables. Fills name with "kvm_amd npt=Y" or the like. */
static bool host_tdp(char *name, size_t len)
{
	static const char *const param[][2] = {
		{ "kvm_amd", "npt" }, { "kvm_intel", "ept" },
	};
	unsigned int i;

	for (i = 0; i < 2; i++) {
		char path[96], v[8] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s",
			 param[i][0], param[i][1]);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (!fgets(v, sizeof(v), f))
			v[0] = 0;
		fclose(f);
		v[strcspn(v, "\n")] = 0;
		snprintf(name, len, "%s %s=%s", param[i][0], param[i][1], v);
		return v[0] == 'Y' || v[0] == '1';
	}
	snprintf(name, len, "no kvm_amd or kvm_intel");
	return false;
}

/* Why a round cannot run on this host, or NULL. */
static const char *round_skip(struct vm *vm, const struct caps *k,
			      const struct round *r, char *why, size_t len)
{
	char tdp[64];

	if (r->smap && !k->smap)
		return "KVM here does not offer SMAP "
		       "(KVM_GET_SUPPORTED_CPUID 7.0 EBX[20] is clear)";
	if (r->mode == MMU_MODE_LONG5 && !k->la57)
		return "KVM here does not offer 5-level paging "
		       "(KVM_GET_SUPPORTED_CPUID 7.0 ECX[16] is clear)";
	if (r->gbpages > 0 && !k->gbpages && !probe_gbpages(vm, r))
		return "KVM here does not offer 1 GiB pages "
		       "(KVM_GET_SUPPORTED_CPUID 0x80000001 EDX[26] is clear), "
		       "and KVM_TRANSLATE ignores the bit set in CPUID";
	/* Where KVM ignores the cleared bit there is nothing to compare the
	 * walker's rule with. That is only right under NPT/EPT: elsewhere
	 * (shadow paging: kvm_pvm, npt=0, ept=0) the round runs and fails. */
	if (r->gbpages < 0 && k->gbpages && probe_gbpages(vm, r) &&
	    host_tdp(tdp, sizeof(tdp))) {
		snprintf(why, len, "KVM here ignores the cleared bit: with "
			 "two-dimensional paging (%s) it allows 1 GiB pages "
			 "whenever the host CPU has them, as the hardware walker "
			 "does, so PS in a PDPTE is never reserved", tdp);
		return why;
	}
	if (r->gbpages < 0 && !k->gbpages)
		tap_diag("%s: KVM here offers no 1 GiB pages, so this round's "
			 "CPUID is the one the others use", r->name);
	if ((r->mode == MMU_MODE_PAGING32 || r->mode == MMU_MODE_PAE) &&
	    !probe_mode(vm, r, why, len))
		return why;
	return NULL;
}

static void do_round(struct vm *vm, const struct round *r, const char *skip,
		     unsigned long count, struct tally *all)
{
	struct tally t = { 0 };
	char why[256];
	double t0 = now();
	unsigned int i;

	if (skip) {
		tap_skip(skip, r->name);
		return;
	}
	if (!run_round(vm, r, count, &t, why, sizeof(why))) {
		tap_skip(why, r->name);
		return;
	}
	report(r, &t, now() - t0);
	all->n += t.n;
	all->mismatches += t.mismatches;
	for (i = 0; i <= MMU_FAULT_BAD_STATE; i++)
		all->fault[i] += t.fault[i];
}

static bool parse_args(int argc, char **argv, uint64_t *seed,
		       unsigned long *count)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == '?')
			return false;
		errno = 0;
		if (c == 's')
			*seed = strtoull(optarg, &end, 0);
		else
			*count = strtoul(optarg, &end, 0);
		if (errno || *end || end == optarg) {
			fprintf(stderr, "mmu_diff: --%s %s: not a number\n",
				c == 's' ? "seed" : "count", optarg);
			return false;
		}
	}
	return optind == argc;
}

/* Decide every round's fate first, so the 4-level addresses asked for
 * are shared among the rounds that can run. */
static unsigned long plan(struct vm *vm, const struct caps *k,
			  const char **skip, char (*why)[256],
			  unsigned long count)
{
	unsigned int i, n = 0;

	for (i = 0; i < N_LONG4 + N_OTHER; i++) {
		const struct round *r = i < N_LONG4 ? &rounds_long4[i] :
					&rounds_other[i - N_LONG4];

		skip[i] = round_skip(vm, k, r, why[i], sizeof(why[i]));
		n += i < N_LONG4 && !skip[i];
	}
	return n ? (count + n - 1) / n : 0;
}

int main(int argc, char **argv)
{
	static char why[N_LONG4 + N_OTHER][256];
	const char *skip[N_LONG4 + N_OTHER];
	uint64_t seed = 20240601;
	unsigned long count = 100000, per;
	struct tally all = { 0 };
	struct vm vm = { .kvm = -1, .fd = -1, .ram = MAP_FAILED };
	struct caps k;
	char err[256];
	double t0 = now();
	unsigned int i;

	if (!parse_args(argc, argv, &seed, &count)) {
		fprintf(stderr, "usage: mmu_diff [--seed N] [--count N]\n");
		return 2;
	}
	rng_state = seed ? seed : 1;
	if (!vm_open(&vm, err, sizeof(err))) {
		tap_skip(err, "differential test against KVM_TRANSLATE");
		vm_close(&vm);
		return tap_done();
	}
	k = caps_of(vm.cpuid);
	tap_diag("KVM offers: MAXPHYADDR %u, 1 GiB pages %s, LA57 %s, "
		 "SMAP %s, vendor %s", k.maxphyaddr, k.gbpages ? "yes" : "no",
		 k.la57 ? "yes" : "no", k.smap ? "yes" : "no",
		 k.amd ? "AMD" : "Intel");
	per = plan(&vm, &k, skip, why, count);
	tap_diag("seed %llu (rerun with --seed %llu), %lu addresses per round",
		 (unsigned long long)seed, (unsigned long long)seed, per);
	for (i = 0; i < N_LONG4; i++)
		do_round(&vm, &rounds_long4[i], skip[i], per, &all);
	ok(all.n >= count, "4-level: %lu addresses compared (at least %lu)",
	   all.n, count);
	for (i = 0; i < N_OTHER; i++)
		do_round(&vm, &rounds_other[i], skip[N_LONG4 + i], per, &all);
	tap_diag("%lu addresses compared, %lu mismatches, %.2f s", all.n,
		 all.mismatches, now() - t0);
	vm_close(&vm);
	return tap_done();
}
