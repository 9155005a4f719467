// SPDX-License-Identifier: GPL-2.0
/* test_mmu.c - the page-table walker on hand-built tables, no KVM.
 *
 * Guest RAM is a byte array; the read callback refuses anything outside it
 * and counts what it was asked, so a test can see that a hostile table
 * made the walker neither stray nor loop. Each mode gets at least one
 * exact formatted trace: that text is what `vmm --walk` and `monitor walk`
 * print.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mmu.h"
#include "tap.h"

#define RAM_MAX		0x100000	/* 1 MiB of fake guest RAM */

struct ram {
	uint8_t bytes[RAM_MAX];
	uint64_t size;		/* bytes of RAM that exist, <= RAM_MAX */
	unsigned int reads;	/* callback calls since the last reset */
	unsigned int refused;	/* of which outside RAM */
};

static struct ram ram;

static bool ram_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct ram *r = ctx;

	r->reads++;
	if (gpa >= r->size || len > r->size - gpa) {
		r->refused++;
		return false;
	}
	memcpy(buf, r->bytes + gpa, len);
	return true;
}

static void ram_reset(uint64_t size)
{
	memset(&ram, 0, sizeof(ram));
	ram.size = size;
}

static void put64(uint64_t gpa, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		ram.bytes[gpa + i] = (uint8_t)(v >> (8 * i));
}

static void put32(uint64_t gpa, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		ram.bytes[gpa + i] = (uint8_t)(v >> (8 * i));
}

static struct mmu_walk w;
static char text[2048];

/* Translate and format; returns the fault. */
static enum mmu_fault walk(const struct mmu_paging *pg, uint64_t gva,
			   unsigned int access)
{
	ram.reads = ram.refused = 0;
	mmu_translate(pg, gva, access, ram_read, &ram, &w);
	mmu_format(&w, NULL, text, sizeof(text));
	return w.fault;
}

static struct mmu_paging long4(uint64_t cr3)
{
	struct mmu_paging pg = {
		.cr0 = MMU_CR0_PE | MMU_CR0_PG | MMU_CR0_WP,
		.cr3 = cr3,
		.cr4 = MMU_CR4_PAE,
		.efer = MMU_EFER_LME | MMU_EFER_LMA | MMU_EFER_NXE,
		.maxphyaddr = 48,
		.has_1g_pages = true,
	};

	return pg;
}

static struct mmu_paging pae(uint64_t cr3)
{
	struct mmu_paging pg = long4(cr3);

	pg.efer = MMU_EFER_NXE;
	return pg;
}

static struct mmu_paging paging32(uint64_t cr3)
{
	struct mmu_paging pg = long4(cr3);

	pg.cr4 = MMU_CR4_PSE;
	pg.efer = 0;
	pg.maxphyaddr = 40;
	return pg;
}

/* kvm-hello-world's long-mode layout: one 2 MiB page at 0. */
static void hello_tables(void)
{
	ram_reset(0x200000 > RAM_MAX ? RAM_MAX : 0x200000);
	put64(0x2000, 0x3007);
	put64(0x3000, 0x4007);
	put64(0x4000, 0x87);
}

static void test_hello_world(void)
{
	struct mmu_paging pg = long4(0x2000);
	const char *want =
		"PML4[0] @0x2000 = 0x3007 P RW US -> PDPT 0x3000\n"
		"PDPT[0] @0x3000 = 0x4007 P RW US -> PD 0x4000\n"
		"PD[0] @0x4000 = 0x87 P RW US PS -> 2 MiB page 0x0"
		"; GPA 0x400\n";
	size_t n;

	hello_tables();
	is_u64(walk(&pg, 0x400, MMU_ACC_READ), MMU_OK, "hello: 0x400 maps");
	is_u64(w.gpa, 0x400, "hello: GVA 0x400 -> GPA 0x400");
	is_u64(w.page_size, 0x200000, "hello: a 2 MiB page");
	is_u64(w.nsteps, 3, "hello: three levels");
	ok(w.writable && w.user && !w.nx, "hello: RW, US, executable");
	is_str(text, want, "hello: exact trace");
	is_u64(w.step[1].table, 0x3000, "hello: trace keeps the PDPT address");
	is_u64(w.step[2].entry, 0x87, "hello: trace keeps PD[0]'s value");
	is_u64(ram.reads, 3, "hello: one read per level");

	n = mmu_format(&w, (void *)0x7f1234560400ull, text, sizeof(text));
	is_str(text,
	       "PML4[0] @0x2000 = 0x3007 P RW US -> PDPT 0x3000\n"
	       "PDPT[0] @0x3000 = 0x4007 P RW US -> PD 0x4000\n"
	       "PD[0] @0x4000 = 0x87 P RW US PS -> 2 MiB page 0x0; GPA 0x400"
	       "; HVA 0x7f1234560400\n", "hello: HVA only when given");
	is_u64(n, strlen(text), "format returns the length");
	is_u64(mmu_format(&w, NULL, text, 10), strlen(want),
	       "format: short buffer still returns the full length");
	is_u64(strlen(text), 9, "format: short buffer is terminated");
	is_u64(mmu_format(&w, NULL, NULL, 0), strlen(want),
	       "format: NULL buffer sizes the text");

	is_u64(walk(&pg, 0x1fffff, MMU_ACC_WRITE | MMU_ACC_USER), MMU_OK,
	       "hello: user write to the last byte of the page");
	is_u64(w.gpa, 0x1fffff, "hello: GPA 0x1fffff");
	is_u64(walk(&pg, 0x200000, MMU_ACC_READ), MMU_FAULT_NOT_PRESENT,
	       "hello: 0x200000 is unmapped");
	is_u64(w.fault_level, 2, "hello: not present at level 2");
	is_str(text,
	       "PML4[0] @0x2000 = 0x3007 P RW US -> PDPT 0x3000\n"
	       "PDPT[0] @0x3000 = 0x4007 P RW US -> PD 0x4000\n"
	       "PD[1] @0x4008 = 0x0 -> not present at level 2 (PD)\n",
	       "hello: unmapped trace names the level");
}

/* PML4[3] -> PDPT[5] -> PD[7] -> PT[9]: a 4 KiB page, supervisor, NX. */
static void test_long_4k(void)
{
	struct mmu_paging pg = long4(0x1000);
	uint64_t gva = 3ull << 39 | 5ull << 30 | 7ull << 21 | 9ull << 12 |
		       0x123;

	ram_reset(RAM_MAX);
	put64(0x1018, 0x2003);
	put64(0x2028, 0x3007);
	put64(0x3038, 0x4027);
	put64(0x4048, 0x8000000000055163ull);
	is_u64(walk(&pg, gva, MMU_ACC_WRITE), MMU_OK, "long 4K: write maps");
	is_u64(w.gpa, 0x55123, "long 4K: GPA");
	is_u64(w.page_size, 0x1000, "long 4K: page size");
	ok(w.writable && !w.user && w.nx, "long 4K: RW, supervisor, NX");
	is_str(text,
	       "PML4[3] @0x1018 = 0x2003 P RW -> PDPT 0x2000\n"
	       "PDPT[5] @0x2028 = 0x3007 P RW US -> PD 0x3000\n"
	       "PD[7] @0x3038 = 0x4027 P RW US A -> PT 0x4000\n"
	       "PT[9] @0x4048 = 0x8000000000055163 P RW A D G NX"
	       " -> 4 KiB page 0x55000; GPA 0x55123\n", "long 4K: exact trace");
	is_u64(walk(&pg, gva, MMU_ACC_FETCH), MMU_FAULT_NX,
	       "long 4K: supervisor fetch from an NX page");
	ok(strstr(text, "; GPA 0x55123; fault: fetch from a no-execute page\n")
	   != NULL, "long 4K: NX fault text keeps the GPA");
	ok(w.have_gpa && w.gpa == 0x55123,
	   "long 4K: GPA kept on a rights fault");
	is_u64(walk(&pg, gva, MMU_ACC_READ | MMU_ACC_USER), MMU_FAULT_USER,
	       "long 4K: user read of a supervisor page");
	is_u64(w.fault_level, 0, "long 4K: a rights fault has no level");
	put64(0x4048, 0x55083);
	is_u64(walk(&pg, gva, MMU_ACC_FETCH), MMU_OK,
	       "long 4K: PT bit 7 is PAT, not PS");
	ok(w.step[3].flags == (MMU_F_P | MMU_F_RW | MMU_F_PAT),
	   "long 4K: PT bit 7 decodes as PAT");
	pg.efer &= ~MMU_EFER_NXE;
	put64(0x4048, 0x8000000000055163ull);
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "long 4K: XD without EFER.NXE is reserved");
	is_u64(w.fault_level, 1, "long 4K: ... at level 1");
	pg = long4(0x1000);
	pg.maxphyaddr = 36;
	put64(0x4048, 0x10000055003ull);
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "long 4K: address bit 40 over MAXPHYADDR 36 is reserved");
	pg.maxphyaddr = 52;
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_OK,
	       "long 4K: address bit 40 fine with MAXPHYADDR 52");
	is_u64(w.gpa, 0x10000055123ull, "long 4K: ... and used");
	put64(0x4048, 0x0010000000055003ull);
	pg.maxphyaddr = 48;
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_OK,
	       "long 4K: bit 52 is ignored in 4-level paging");
	is_u64(w.gpa, 0x55123, "long 4K: ... and not part of the address");
}

static void test_long_1g(void)
{
	struct mmu_paging pg = long4(0x1000);

	ram_reset(RAM_MAX);
	put64(0x1000, 0x2003);
	put64(0x2008, 0x40001083);	/* PAT (bit 12) set */
	is_u64(walk(&pg, 0x40012345, MMU_ACC_READ), MMU_OK, "1G: maps");
	is_u64(w.gpa, 0x40012345, "1G: GPA");
	is_u64(w.page_size, 0x40000000, "1G: page size");
	is_str(text,
	       "PML4[0] @0x1000 = 0x2003 P RW -> PDPT 0x2000\n"
	       "PDPT[1] @0x2008 = 0x40001083 P RW PS PAT"
	       " -> 1 GiB page 0x40000000; GPA 0x40012345\n",
	       "1G: exact trace");
	pg.has_1g_pages = false;
	is_u64(walk(&pg, 0x40012345, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "1G: PS in a PDPTE without 1 GiB pages is reserved");
	is_u64(w.fault_level, 3, "1G: ... at level 3");
	pg.has_1g_pages = true;
	put64(0x2008, 0x40002083);
	is_u64(walk(&pg, 0x40012345, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "1G: bit 13 of a 1 GiB entry is reserved");
	put64(0x2008, 0x40000183);
	is_u64(walk(&pg, 0x40012345, MMU_ACC_READ), MMU_OK,
	       "1G: bit 8 (G) of a 1 GiB entry is fine, even on AMD");
	pg.amd = true;
	is_u64(walk(&pg, 0x40012345, MMU_ACC_READ), MMU_OK,
	       "1G: bit 8 of a leaf PDPTE is G on AMD too");
	put64(0x1000, 0x2103);
	is_u64(walk(&pg, 0x40012345, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "AMD: bit 8 of a PML4E is must-be-zero");
	pg.amd = false;
	is_u64(walk(&pg, 0x40012345, MMU_ACC_READ), MMU_OK,
	       "Intel: bit 8 of a PML4E is ignored");
	put64(0x1000, 0x2003);
	put64(0x2000, 0x3103);
	put64(0x3000, 0x83);
	pg.amd = true;
	is_u64(walk(&pg, 0x1000, MMU_ACC_READ), MMU_OK,
	       "AMD: bit 8 of a non-leaf PDPTE is ignored (as KVM has it)");
	put64(0x1000, 0x2083);
	pg.amd = false;
	is_u64(walk(&pg, 0x1000, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "PS in a PML4E is reserved");
	is_str(text, "PML4[0] @0x1000 = 0x2083 P RW PS"
	       " -> reserved bit set at level 4 (PML4)\n",
	       "PS in a PML4E: exact trace");
	put64(0x1000, 0x2003);
	put64(0x3000, 0x2083);
	is_u64(walk(&pg, 0x1000, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "2M: bit 13 of a 2 MiB entry is reserved");
	is_u64(w.fault_level, 2, "2M: ... at level 2");
}

static void test_long5(void)
{
	struct mmu_paging pg = long4(0x1000);
	uint64_t gva = 2ull << 48 | 0xabc;

	pg.cr4 |= MMU_CR4_LA57;
	ram_reset(RAM_MAX);
	put64(0x1010, 0x2007);
	put64(0x2000, 0x3007);
	put64(0x3000, 0x4007);
	put64(0x4000, 0x5007);
	put64(0x5000, 0x9007);
	is_u64(mmu_mode(&pg), MMU_MODE_LONG5, "5-level: mode");
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_OK, "5-level: maps");
	is_u64(w.gpa, 0x9abc, "5-level: GPA");
	is_str(text,
	       "PML5[2] @0x1010 = 0x2007 P RW US -> PML4 0x2000\n"
	       "PML4[0] @0x2000 = 0x3007 P RW US -> PDPT 0x3000\n"
	       "PDPT[0] @0x3000 = 0x4007 P RW US -> PD 0x4000\n"
	       "PD[0] @0x4000 = 0x5007 P RW US -> PT 0x5000\n"
	       "PT[0] @0x5000 = 0x9007 P RW US -> 4 KiB page 0x9000"
	       "; GPA 0x9abc\n", "5-level: exact trace");
	is_u64(walk(&pg, 1ull << 56, MMU_ACC_READ), MMU_FAULT_NON_CANONICAL,
	       "5-level: bit 56 without 63:57 is non-canonical");
	is_u64(walk(&pg, 0xff00000000000000ull, MMU_ACC_READ),
	       MMU_FAULT_NOT_PRESENT, "5-level: 0xff00... is canonical");
	is_u64(w.fault_level, 5, "5-level: ... and not present at level 5");
	put64(0x1010, 0x2087);
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "5-level: PS in a PML5E is reserved");

	pg.cr4 &= ~MMU_CR4_LA57;
	is_u64(walk(&pg, 2ull << 48, MMU_ACC_READ), MMU_FAULT_NON_CANONICAL,
	       "4-level: bit 49 is non-canonical");
	is_u64(walk(&pg, 0x800000000000ull, MMU_ACC_READ),
	       MMU_FAULT_NON_CANONICAL, "4-level: 0x800000000000");
	is_str(text, "GVA 0x800000000000: non-canonical address"
	       " (long mode, 4-level paging)\n", "non-canonical: exact text");
	is_u64(ram.reads, 0, "non-canonical: no table read");
	is_u64(walk(&pg, 0xffff800000000000ull, MMU_ACC_READ),
	       MMU_FAULT_NOT_PRESENT, "4-level: 0xffff800000000000 walks");
	is_u64(w.step[0].index, 256, "4-level: ... through PML4[256]");
}

/* Rights on the hello layout, changing PD[0] (SDM 4.6.1). */
static enum mmu_fault rights(uint64_t pde, uint64_t cr0, uint64_t cr4,
			     bool ac, unsigned int access)
{
	struct mmu_paging pg = long4(0x2000);

	hello_tables();
	put64(0x4000, pde);
	pg.cr0 = MMU_CR0_PE | MMU_CR0_PG | cr0;
	pg.cr4 |= cr4;
	pg.eflags_ac = ac;
	return walk(&pg, 0x400, access);
}

static void test_rights(void)
{
	const uint64_t ro_user = 0x85, sup = 0x83, user = 0x87;
	const uint64_t wp = MMU_CR0_WP, smep = MMU_CR4_SMEP;
	const uint64_t smap = MMU_CR4_SMAP, nx = 1ull << 63;
	const unsigned int u = MMU_ACC_USER;

	is_u64(rights(ro_user, wp, 0, false, MMU_ACC_READ | u), MMU_OK,
	       "rights: user read of a read-only user page");
	is_u64(rights(ro_user, wp, 0, false, MMU_ACC_WRITE | u),
	       MMU_FAULT_WRITE, "rights: user write to a read-only page");
	ok(strstr(text, "; GPA 0x400; fault: write to a read-only page\n")
	   != NULL, "rights: write fault text");
	is_u64(rights(ro_user, 0, 0, false, MMU_ACC_WRITE | u),
	       MMU_FAULT_WRITE, "rights: CR0.WP = 0 does not help users");
	is_u64(rights(ro_user, wp, 0, false, MMU_ACC_WRITE), MMU_FAULT_WRITE,
	       "rights: CR0.WP = 1: supervisor write to a read-only page");
	is_u64(rights(ro_user, 0, 0, false, MMU_ACC_WRITE), MMU_OK,
	       "rights: CR0.WP = 0: supervisor writes read-only pages");
	is_u64(rights(sup, wp, 0, false, MMU_ACC_READ | u), MMU_FAULT_USER,
	       "rights: user read of a supervisor page");
	is_u64(rights(sup & ~2ull, wp, 0, false, MMU_ACC_WRITE | u),
	       MMU_FAULT_USER, "rights: U/S is checked before R/W");
	is_u64(rights(sup, wp, 0, false, MMU_ACC_FETCH | u), MMU_FAULT_USER,
	       "rights: user fetch from a supervisor page");
	is_u64(rights(sup, wp, smep | smap, false, MMU_ACC_WRITE), MMU_OK,
	       "rights: SMEP/SMAP leave supervisor pages alone");
	is_u64(rights(user | nx, wp, 0, false, MMU_ACC_FETCH | u),
	       MMU_FAULT_NX, "rights: user fetch from an NX page");
	is_u64(rights(user | nx, wp, 0, false, MMU_ACC_READ | u), MMU_OK,
	       "rights: user read of an NX page");
	is_u64(rights(user, wp, 0, false, MMU_ACC_FETCH), MMU_OK,
	       "rights: supervisor fetch from a user page without SMEP");
	is_u64(rights(user, wp, smep, false, MMU_ACC_FETCH), MMU_FAULT_SMEP,
	       "rights: SMEP: supervisor fetch from a user page");
	is_u64(rights(user, wp, smep, false, MMU_ACC_FETCH | u), MMU_OK,
	       "rights: SMEP: user fetch is fine");
	is_u64(rights(user, wp, smep, false, MMU_ACC_READ), MMU_OK,
	       "rights: SMEP: supervisor read is fine");
	is_u64(rights(user, wp, smap, false, MMU_ACC_READ), MMU_FAULT_SMAP,
	       "rights: SMAP: supervisor read of a user page");
	is_u64(rights(user, wp, smap, false, MMU_ACC_WRITE), MMU_FAULT_SMAP,
	       "rights: SMAP: supervisor write to a user page");
	is_u64(rights(user, wp, smap, true, MMU_ACC_WRITE), MMU_OK,
	       "rights: SMAP with EFLAGS.AC: supervisor write allowed");
	is_u64(rights(ro_user, wp, smap, true, MMU_ACC_WRITE),
	       MMU_FAULT_WRITE, "rights: SMAP with AC still honours WP");
	is_u64(rights(user, wp, smap, false, MMU_ACC_FETCH), MMU_OK,
	       "rights: SMAP does not govern fetches");
	is_u64(rights(user, wp, smap, false, MMU_ACC_READ | u), MMU_OK,
	       "rights: SMAP does not govern user reads");

	/* A read-only upper level makes the page read-only. */
	hello_tables();
	put64(0x3000, 0x4005);
	{
		struct mmu_paging pg = long4(0x2000);

		is_u64(walk(&pg, 0x400, MMU_ACC_WRITE | u), MMU_FAULT_WRITE,
		       "rights: R/W = 0 in the PDPTE wins over the PDE");
		ok(!w.writable && w.user, "rights: combined across levels");
	}
}

static void test_pae(void)
{
	struct mmu_paging pg = pae(0x1020);
	uint64_t gva = 2ull << 30 | 3ull << 21 | 4ull << 12 | 0x56;

	ram_reset(RAM_MAX);
	put64(0x1030, 0x2001);
	put64(0x2018, 0x3007);
	put64(0x3020, 0x8000000000007005ull);
	is_u64(mmu_mode(&pg), MMU_MODE_PAE, "PAE: mode");
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_OK, "PAE 4K: maps");
	is_u64(w.gpa, 0x7056, "PAE 4K: GPA");
	ok(!w.writable && w.user && w.nx, "PAE 4K: read-only, user, NX");
	is_str(text,
	       "PDPT[2] @0x1030 = 0x2001 P -> PD 0x2000\n"
	       "PD[3] @0x2018 = 0x3007 P RW US -> PT 0x3000\n"
	       "PT[4] @0x3020 = 0x8000000000007005 P US NX"
	       " -> 4 KiB page 0x7000; GPA 0x7056\n", "PAE 4K: exact trace");
	is_u64(walk(&pg, gva, MMU_ACC_FETCH | MMU_ACC_USER), MMU_FAULT_NX,
	       "PAE 4K: NX");
	put64(0x2028, 0x400083);
	gva = 2ull << 30 | 5ull << 21 | 0x1234;
	is_u64(walk(&pg, gva, MMU_ACC_WRITE), MMU_OK, "PAE 2M: maps");
	is_u64(w.gpa, 0x401234, "PAE 2M: GPA");
	is_u64(w.page_size, 0x200000, "PAE 2M: page size");
	is_str(text,
	       "PDPT[2] @0x1030 = 0x2001 P -> PD 0x2000\n"
	       "PD[5] @0x2028 = 0x400083 P RW PS -> 2 MiB page 0x400000"
	       "; GPA 0x401234\n", "PAE 2M: exact trace");
	put64(0x2028, 0x0010000000400083ull);
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "PAE: bit 52 is reserved (62:M), unlike 4-level");
	put64(0x2028, 0x402083);
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "PAE 2M: bit 13 is reserved");
	put64(0x1030, 0x2003);
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "PAE: R/W in a PDPTE is reserved");
	is_str(text, "PDPT[2] @0x1030 = 0x2003 P"
	       " -> reserved bit set at level 3 (PDPT)\n",
	       "PAE: PDPTE shows only P, PWT, PCD");
	put64(0x2028, 0x400083);
	put64(0x1030, 0x2021);
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "PAE: bit 5 of a PDPTE is reserved (Intel)");
	pg.amd = true;
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_OK,
	       "PAE: AMD sets A in a PDPTE itself: not reserved there");
	pg.amd = false;
	put64(0x1030, 0x8000000000002001ull);
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "PAE: XD in a PDPTE is reserved even with NXE");
	put64(0x1030, 0);
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_NOT_PRESENT,
	       "PAE: PDPTE not present");
	is_u64(w.fault_level, 3, "PAE: ... at level 3");
	is_u64(walk(&pg, 0x100000000ull, MMU_ACC_READ), MMU_FAULT_WIDTH,
	       "PAE: an address above 4 GiB");
}

static void test_paging32(void)
{
	struct mmu_paging pg = paging32(0x1000);
	uint64_t gva = 5ull << 22 | 6ull << 12 | 0x78;

	ram_reset(RAM_MAX);
	put32(0x1014, 0x2007);
	put32(0x2018, 0x8067);
	is_u64(mmu_mode(&pg), MMU_MODE_PAGING32, "32-bit: mode");
	is_u64(walk(&pg, gva, MMU_ACC_WRITE | MMU_ACC_USER), MMU_OK,
	       "32-bit 4K: maps");
	is_u64(w.gpa, 0x8078, "32-bit 4K: GPA");
	is_str(text,
	       "PD[5] @0x1014 = 0x2007 P RW US -> PT 0x2000\n"
	       "PT[6] @0x2018 = 0x8067 P RW US A D -> 4 KiB page 0x8000"
	       "; GPA 0x8078\n", "32-bit 4K: exact trace");
	is_u64(w.step[0].width, 4, "32-bit: 4-byte entries");

	put32(0x101c, 0xc24083);	/* PSE-36: physical bits 39:32 = 0x12 */
	gva = 7ull << 22 | 0x1234;
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_OK, "32-bit 4M: maps");
	is_u64(w.gpa, 0x1200c01234ull, "32-bit 4M: GPA above 4 GiB (PSE-36)");
	is_u64(w.page_size, 0x400000, "32-bit 4M: page size");
	is_str(text, "PD[7] @0x101c = 0xc24083 P RW PS"
	       " -> 4 MiB page 0x1200c00000; GPA 0x1200c01234\n",
	       "32-bit 4M: exact trace");
	pg.maxphyaddr = 36;
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "32-bit 4M: physical bit 36 over MAXPHYADDR 36 is reserved");
	pg.maxphyaddr = 40;
	put32(0x101c, 0x600083);
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_FAULT_RESERVED,
	       "32-bit 4M: bit 21 is reserved");
	put32(0x101c, 0xffc00083);
	pg.maxphyaddr = 52;
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_OK,
	       "32-bit 4M: MAXPHYADDR 52 still means 40 bits");
	is_u64(w.gpa, 0xffc01234ull, "32-bit 4M: GPA");

	put32(0x1020, 0x3083);
	put32(0x3000, 0x9003);
	pg.cr4 &= ~MMU_CR4_PSE;
	gva = 8ull << 22 | 0x10;
	is_u64(walk(&pg, gva, MMU_ACC_READ), MMU_OK,
	       "32-bit, CR4.PSE = 0: PS is ignored");
	is_u64(w.gpa, 0x9010, "32-bit, CR4.PSE = 0: walked to the PT");
	is_str(text,
	       "PD[8] @0x1020 = 0x3083 P RW -> PT 0x3000\n"
	       "PT[0] @0x3000 = 0x9003 P RW -> 4 KiB page 0x9000"
	       "; GPA 0x9010\n", "32-bit, CR4.PSE = 0: exact trace");

	pg.cr4 |= MMU_CR4_SMEP;
	put32(0x1020, 0x3007);
	put32(0x3000, 0x9007);
	is_u64(walk(&pg, gva, MMU_ACC_FETCH), MMU_FAULT_SMEP,
	       "32-bit: SMEP applies");
	ok(!w.nx, "32-bit: no NX bit");
	is_u64(walk(&pg, 0x100000000ull, MMU_ACC_READ), MMU_FAULT_WIDTH,
	       "32-bit: an address above 4 GiB");
	is_str(text, "GVA 0x100000000: address above 4 GiB in a 32-bit mode"
	       " (32-bit paging)\n", "32-bit: width fault text");
}

static void test_flat(void)
{
	struct mmu_paging pg = { .seg_base = 0xf0000, .seg_limit = 0xffff };

	ram_reset(RAM_MAX);
	is_u64(mmu_mode(&pg), MMU_MODE_REAL, "real: mode");
	is_u64(walk(&pg, 0xfff0, MMU_ACC_FETCH), MMU_OK, "real: maps");
	is_u64(w.gpa, 0xffff0, "real: base + offset");
	is_str(text, "real mode: base 0xf0000 + offset 0xfff0; GPA 0xffff0\n",
	       "real: exact text");
	is_u64(ram.reads, 0, "real: no memory read");
	is_u64(walk(&pg, 0x10000, MMU_ACC_READ), MMU_FAULT_LIMIT,
	       "real: offset beyond the 64 KiB limit");
	is_str(text, "real mode: offset 0x10000 beyond limit 0xffff\n",
	       "real: limit text");
	pg.seg_base = 0xffff0;
	is_u64(walk(&pg, 0xffff, MMU_ACC_READ), MMU_OK, "real: FFFF:FFFF");
	is_u64(w.gpa, 0x10ffef, "real: A20 enabled, no wrap at 1 MiB");
	pg.seg_base = 0;
	pg.seg_limit = 0xffffffff;
	is_u64(walk(&pg, 0x200000, MMU_ACC_READ), MMU_OK,
	       "real: unreal mode keeps a 4 GiB limit");

	pg.cr0 = MMU_CR0_PE;
	pg.seg_base = 0x100000;
	pg.seg_limit = 0xfffff;
	is_u64(mmu_mode(&pg), MMU_MODE_PROTECTED, "protected: mode");
	is_u64(walk(&pg, 0x1234, MMU_ACC_WRITE | MMU_ACC_USER), MMU_OK,
	       "protected: maps");
	is_str(text, "protected mode without paging: base 0x100000"
	       " + offset 0x1234; GPA 0x101234\n", "protected: exact text");
	mmu_format(&w, (void *)0x7f0000101234ull, text, sizeof(text));
	is_str(text, "protected mode without paging: base 0x100000"
	       " + offset 0x1234; GPA 0x101234; HVA 0x7f0000101234\n",
	       "protected: HVA appended when given");
	is_u64(walk(&pg, 0x100000, MMU_ACC_READ), MMU_FAULT_LIMIT,
	       "protected: offset beyond the limit");
	pg.seg_base = 0xfffff000;
	pg.seg_limit = ~0ull;
	is_u64(walk(&pg, 0x2000, MMU_ACC_READ), MMU_OK,
	       "protected: base + offset wraps");
	is_u64(w.gpa, 0x1000, "protected: ... at 4 GiB");
	is_u64(walk(&pg, 0x100000000ull, MMU_ACC_READ), MMU_FAULT_LIMIT,
	       "protected: a 64-bit offset is beyond any limit");
}

static void test_bad_state(void)
{
	struct mmu_paging pg = { .cr0 = MMU_CR0_PG };

	ram_reset(RAM_MAX);
	is_u64(walk(&pg, 0x400, MMU_ACC_READ), MMU_FAULT_BAD_STATE,
	       "bad state: PG without PE");
	is_str(text, "GVA 0x400: CR0/CR4/EFER combination the CPU refuses"
	       " (invalid paging state)\n", "bad state: exact text");
	pg.cr0 = MMU_CR0_PE | MMU_CR0_PG;
	pg.efer = MMU_EFER_LME;
	is_u64(walk(&pg, 0x400, MMU_ACC_READ), MMU_FAULT_BAD_STATE,
	       "bad state: LME and PG without PAE");
}

static void test_hostile(void)
{
	struct mmu_paging pg = long4(0x1000);

	/* A PML4 that maps itself at every level: a finite walk. */
	ram_reset(RAM_MAX);
	put64(0x1000, 0x1007);
	is_u64(walk(&pg, 0x10, MMU_ACC_READ), MMU_OK, "self-map: maps");
	is_u64(w.gpa, 0x1010, "self-map: the PML4 is the page");
	is_u64(ram.reads, 4, "self-map: four reads, no loop");
	is_str(text,
	       "PML4[0] @0x1000 = 0x1007 P RW US -> PDPT 0x1000\n"
	       "PDPT[0] @0x1000 = 0x1007 P RW US -> PD 0x1000\n"
	       "PD[0] @0x1000 = 0x1007 P RW US -> PT 0x1000\n"
	       "PT[0] @0x1000 = 0x1007 P RW US -> 4 KiB page 0x1000"
	       "; GPA 0x1010\n", "self-map: exact trace");

	/* Entries that point past RAM. */
	put64(0x1000, 0x2007);
	put64(0x2000, 0x40000007);
	is_u64(walk(&pg, 0x10, MMU_ACC_READ), MMU_FAULT_TABLE_RAM,
	       "past RAM: the PD is not in RAM");
	is_u64(w.fault_level, 2, "past RAM: ... at level 2");
	is_u64(ram.refused, 1, "past RAM: one refused read, no more");
	is_str(text,
	       "PML4[0] @0x1000 = 0x2007 P RW US -> PDPT 0x2000\n"
	       "PDPT[0] @0x2000 = 0x40000007 P RW US -> PD 0x40000000\n"
	       "PD[0] @0x40000000 -> table outside guest RAM at level 2 (PD)\n",
	       "past RAM: exact trace");
	put64(0x2000, 0xfffffffff000ull | 7);
	is_u64(walk(&pg, 0x1ff000, MMU_ACC_READ), MMU_FAULT_TABLE_RAM,
	       "past RAM: a table at the top of the physical space");
	pg.cr3 = 0x7ffff000;
	is_u64(walk(&pg, 0, MMU_ACC_READ), MMU_FAULT_TABLE_RAM,
	       "past RAM: CR3 itself outside RAM");
	is_u64(w.fault_level, 4, "past RAM: ... at level 4");

	/* A PD in the last page of RAM, only its first entry inside. */
	pg.cr3 = 0x1000;
	ram_reset(0x5008);
	put64(0x1000, 0x2007);
	put64(0x2000, 0x5007);
	put64(0x5000, 0x87);
	is_u64(walk(&pg, 0x1234, MMU_ACC_READ), MMU_OK,
	       "end of RAM: PD[0] in the last 8 bytes is read");
	is_u64(ram.refused, 0, "end of RAM: nothing refused");
	is_u64(walk(&pg, 0x200000, MMU_ACC_READ), MMU_FAULT_TABLE_RAM,
	       "end of RAM: PD[1] is past the end");
	ram.size = 0x5004;
	is_u64(walk(&pg, 0x1234, MMU_ACC_READ), MMU_FAULT_TABLE_RAM,
	       "end of RAM: an entry half inside RAM is not read");
	is_u64(w.step[2].entry, 0, "end of RAM: ... and not reported");
}

static void test_strings(void)
{
	unsigned int i, bad = 0;

	for (i = MMU_OK; i <= MMU_FAULT_BAD_STATE; i++)
		bad += !strcmp(mmu_fault_str(i), "unknown fault");
	is_u64(bad, 0, "every fault has a sentence");
	is_str(mmu_fault_str(MMU_FAULT_NOT_PRESENT), "not present",
	       "fault string: not present");
	for (i = MMU_MODE_REAL, bad = 0; i <= MMU_MODE_INVALID; i++)
		bad += mmu_mode_name(i) == NULL;
	is_u64(bad, 0, "every mode has a name");
	is_str(mmu_mode_name(MMU_MODE_LONG4), "long mode, 4-level paging",
	       "mode name: long 4-level");
}

/* mmu_list(): the runs it hands over, as text, and how many. */
struct runs {
	char text[4096];
	size_t len;
	unsigned int n, max;	/* max: stop after this many (0: never) */
	struct mmu_map last;
};

static bool collect(void *ctx, const struct mmu_map *m)
{
	struct runs *r = ctx;

	if (r->len < sizeof(r->text))
		r->len += (size_t)snprintf(r->text + r->len,
			sizeof(r->text) - r->len,
			"0x%" PRIx64 "+0x%" PRIx64 " -> 0x%" PRIx64 " %" PRIu64
			"K%s%s%s\n", m->va, m->len, m->pa, m->page_size >> 10,
			m->writable ? " W" : "", m->user ? " U" : "",
			m->nx ? " NX" : "");
	r->last = *m;
	return ++r->n != r->max;
}

static struct mmu_list_end lend;

static bool list(const struct mmu_paging *pg, uint64_t first, uint64_t last,
		 uint64_t max_reads, struct runs *r)
{
	unsigned int max = r->max;

	memset(r, 0, sizeof(*r));
	r->max = max;
	ram.reads = ram.refused = 0;
	return mmu_list(pg, first, last, max_reads, ram_read, &ram, collect,
			r, &lend);
}

/* A kernel's layout: identity 2 MiB, 4 KiB pages, and the same PD again
 * at 0xffffffff80000000 through PML4[511]. */
static void kernel_tables(void)
{
	ram_reset(RAM_MAX);
	put64(0x1000, 0x2007);			/* PML4[0] */
	put64(0x1ff8, 0x7007);			/* PML4[511] */
	put64(0x2000, 0x3007);			/* PDPT[0] */
	put64(0x7ff0, 0x3003);			/* PDPT[510], supervisor */
	put64(0x3000, 0x87);			/* PD[0]: 2 MiB at 0 */
	put64(0x3008, 0x4007);			/* PD[1] -> PT */
	put64(0x4000, 0x8000000000005003ull);	/* PT[0]: NX */
	put64(0x4008, 0x8000000000006003ull);	/* PT[1]: NX, contiguous */
	put64(0x4018, 0x8005);			/* PT[3]: read-only, user */
}

static void test_list_long4(void)
{
	struct mmu_paging pg = long4(0x1000);
	struct runs r = { .max = 0 };
	static const char want[] =
		"0x0+0x200000 -> 0x0 2048K W U\n"
		"0x200000+0x2000 -> 0x5000 4K W NX\n"
		"0x203000+0x1000 -> 0x8000 4K U\n"
		"0xffffffff80000000+0x200000 -> 0x0 2048K W\n"
		"0xffffffff80200000+0x2000 -> 0x5000 4K W NX\n"
		"0xffffffff80203000+0x1000 -> 0x8000 4K\n";
	uint64_t f[2], l[2];

	kernel_tables();
	ok(list(&pg, 0, ~0ull, 100000, &r), "list: complete");
	is_str(r.text, want, "list: both halves, runs merged, exact");
	is_u64(lend.reads, 7 * 512, "list: each table read once per path");
	is_u64(mmu_va_ranges(MMU_MODE_LONG4, f, l), 2, "4-level: two ranges");
	is_u64(l[0], 0x7fffffffffffull, "4-level: the lower half's end");
	is_u64(f[1], 0xffff800000000000ull, "4-level: the upper half's start");
	ok(list(&pg, f[1], l[1], 100000, &r), "list: the upper half alone");
	is_str(r.text, strstr(want, "0xffffffff80000000"),
	       "list: ... only its runs");
	is_u64(lend.reads, 512 + 512 * 3 - 256, "list: ... reading none below");
	ok(list(&pg, 0x201000, 0x201fff, 100000, &r), "list: one page");
	is_str(r.text, "0x201000+0x1000 -> 0x6000 4K W NX\n",
	       "list: ... just it");
	ok(list(&pg, 0x1000, 0x1000, 100000, &r), "list: inside a 2 MiB page");
	is_str(r.text, "0x0+0x200000 -> 0x0 2048K W U\n",
	       "list: ... the page that holds first");

	/* NXE off: bit 63 is reserved, those PT entries map nothing. */
	pg.efer &= ~MMU_EFER_NXE;
	list(&pg, 0, 0x7fffffffffffull, 100000, &r);
	is_str(r.text, "0x0+0x200000 -> 0x0 2048K W U\n"
	       "0x203000+0x1000 -> 0x8000 4K U\n",
	       "list: reserved entries map nothing");
}

/* Small budgets, one listing after another from each resume: the same
 * pages as one listing. */
static void test_list_resume(void)
{
	struct mmu_paging pg = long4(0x1000);
	struct runs r = { .max = 0 };
	char joined[4096] = "";
	uint64_t from = 0, rounds = 0;
	bool done = false;

	kernel_tables();
	put64(0x4008, 0x8000000000009003ull);	/* no run longer than a page */
	list(&pg, 0, ~0ull, 100000, &r);
	while (!done && rounds++ < 1000) {
		struct runs part = { .max = 0 };

		done = list(&pg, from, ~0ull, 300, &part);
		ok(done || (lend.out_of_reads && lend.reads == 300 &&
			    lend.resume > from), "resume: round %" PRIu64
		   " reads 300, stops past where it began", rounds);
		strcat(joined, part.text);
		from = lend.resume;
	}
	ok(done, "resume: the listing ends");
	is_str(joined, r.text, "resume: the same runs as one listing");

	/* The callback stops it: resume is the page after its last run. */
	r.max = 2;
	ok(!list(&pg, 0, ~0ull, 100000, &r), "stop: the callback stops it");
	ok(!lend.out_of_reads, "stop: ... not for want of reads");
	is_u64(r.n, 2, "stop: two runs handed over");
	is_u64(lend.resume, 0x201000, "stop: resume at the next page");
}

static void test_list_hostile(void)
{
	struct mmu_paging pg = long4(0x1000);
	struct runs r = { .max = 0 };
	unsigned int i;

	/* Every PML4 entry is the PML4 itself: 2^36 paths to 4 KiB pages. */
	ram_reset(RAM_MAX);
	for (i = 0; i < 512; i++)
		put64(0x1000 + 8 * i, 0x1007);
	ok(!list(&pg, 0, ~0ull, 5000, &r), "self-map: not complete");
	ok(lend.out_of_reads, "self-map: ... out of reads");
	is_u64(lend.reads, 5000, "self-map: 5000 reads, no more");
	is_u64(ram.reads, 5000, "self-map: ... as the callback counted");
	/* 5000 reads: PML4[0], PDPT[0], then PD[k] and its 512 PT entries
	 * over and over, each a page at 0x1000: no two contiguous. */
	is_u64(r.n, 5000 - 3 - 9, "self-map: one run per page read");
	r.max = 100;
	list(&pg, 0, ~0ull, 5000, &r);
	is_u64(r.n, 100, "self-map: the callback can stop it first");
	is_u64(lend.reads, 3 + 101, "self-map: ... reading no further");

	/* Tables past RAM and a PT of nothing. */
	ram_reset(RAM_MAX);
	put64(0x1000, 0x40000007);
	put64(0x1008, 0x2007);
	for (i = 0; i < 512; i++)
		put64(0x2000 + 8 * i, 0x3007);
	ok(list(&pg, 0, ~0ull, 1000000, &r), "empty: complete");
	is_u64(r.n, 0, "empty: nothing listed");
	is_u64(ram.refused, 512, "empty: each entry of the table past RAM"
	       " refused");
	is_u64(lend.reads, 512 * 3 + 512 * 512,
	       "empty: each reachable entry read once");
}

static void test_list_32(void)
{
	struct mmu_paging pg = paging32(0x1000);
	struct runs r = { .max = 0 };
	uint64_t f[2], l[2];

	ram_reset(RAM_MAX);
	put32(0x1014, 0x2007);		/* PD[5] -> PT */
	put32(0x2018, 0x8067);		/* PT[6]: 0x8000 */
	put32(0x201c, 0x9067);		/* PT[7]: 0x9000 */
	put32(0x1ffc, 0xc24083);	/* PD[1023]: 4 MiB, PSE-36 */
	ok(list(&pg, 0, ~0ull, 100000, &r), "32-bit: complete");
	is_str(r.text, "0x1406000+0x2000 -> 0x8000 4K W U\n"
	       "0xffc00000+0x400000 -> 0x1200c00000 4096K W\n",
	       "32-bit: 4 KiB and 4 MiB pages, exact");
	is_u64(lend.reads, 1024 * 2, "32-bit: 1024-entry tables");
	is_u64(mmu_va_ranges(MMU_MODE_PAGING32, f, l), 1, "32-bit: one range");
	is_u64(l[0], 0xffffffffull, "32-bit: ... up to 4 GiB");

	pg = pae(0x1020);
	ram_reset(RAM_MAX);
	put64(0x1038, 0x2001);		/* PDPT[3] */
	put64(0x2ff8, 0x400083);	/* PD[511]: 2 MiB, writable */
	ok(list(&pg, 0, ~0ull, 100000, &r), "PAE: complete");
	is_str(r.text, "0xffe00000+0x200000 -> 0x400000 2048K W\n",
	       "PAE: the top 2 MiB, exact");
	is_u64(lend.reads, 4 + 512, "PAE: a 4-entry PDPT");

	pg = long4(0x1000);
	pg.cr4 |= MMU_CR4_LA57;
	ram_reset(RAM_MAX);
	put64(0x1800, 0x2007);		/* PML5[256]: 0xff00000000000000 */
	put64(0x2000, 0x3007);
	put64(0x3000, 0x4007);
	put64(0x4000, 0x87);
	ok(list(&pg, 0, ~0ull, 100000, &r), "5-level: complete");
	is_str(r.text, "0xff00000000000000+0x200000 -> 0x0 2048K W U\n",
	       "5-level: bit 56 copied up");
	is_u64(mmu_va_ranges(MMU_MODE_LONG5, f, l), 2, "5-level: two ranges");
	is_u64(f[1], 0xff00000000000000ull, "5-level: the upper half");

	pg = (struct mmu_paging){ .seg_limit = 0xffff };
	ok(!list(&pg, 0, ~0ull, 100000, &r) && r.n == 0 && lend.reads == 0,
	   "real mode: no tables, nothing listed");
	is_u64(mmu_va_ranges(MMU_MODE_REAL, f, l), 0, "real mode: no ranges");
}

/* Random tables (a few present entries each, shared, looping, some
 * reserved bits): every page listed translates to what the listing says,
 * and a random address translates exactly when a listed run holds it. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const unsigned int hot[] = { 0, 1, 2, 255, 256, 511 };

static void random_tables(void)
{
	unsigned int t, k;

	ram_reset(RAM_MAX);
	for (t = 1; t <= 16; t++)
		for (k = 0; k < 6; k++) {
			uint64_t e = 0, r = rnd();

			if (r % 3 == 0)
				continue;
			if (r % 7 == 1)		/* a page: 2 MiB or 1 GiB */
				e = (rnd() % 512) << 21 | 0x80;
			else
				e = (uint64_t)(1 + rnd() % 17) << 12;
			e |= 1 | (r >> 8 & 6) | (r & 0x100000 ? (1ull << 63) : 0);
			if (r % 29 == 5)
				e |= 1ull << 50;	/* reserved */
			put64(t * 0x1000 + 8 * hot[k], e);
		}
}

static uint64_t random_va(void)
{
	uint64_t va = 0;
	unsigned int level;

	for (level = 4; level >= 1; level--)
		va |= (uint64_t)(rnd() % 4 ? hot[rnd() % 6] : rnd() % 512)
		      << (12 + 9 * (level - 1));
	va |= rnd() & 0xfff;
	return va & 0x800000000000ull ? va | 0xffff000000000000ull : va;
}

#define MAX_RUNS 2048
static struct mmu_map maps[MAX_RUNS];
static unsigned int nmaps;

static bool keep(void *ctx, const struct mmu_map *m)
{
	(void)ctx;
	if (nmaps < MAX_RUNS)
		maps[nmaps++] = *m;
	return true;
}

static const struct mmu_map *held(uint64_t va)
{
	unsigned int i;

	for (i = 0; i < nmaps; i++)
		if (va - maps[i].va < maps[i].len)
			return &maps[i];
	return NULL;
}

static void test_list_random(void)
{
	struct mmu_paging pg = long4(0x1000);
	unsigned int round, i, bad = 0, pages = 0, hits = 0, tries = 0;

	pg.has_1g_pages = true;
	for (round = 0; round < 40; round++) {
		random_tables();
		nmaps = 0;
		if (!mmu_list(&pg, 0, ~0ull, 10000000, ram_read, &ram, keep,
			      NULL, &lend) || nmaps == MAX_RUNS) {
			bad++;
			continue;
		}
		for (i = 0; i < nmaps; i++) {
			const struct mmu_map *m = &maps[i];
			uint64_t off = rnd() % m->len;

			pages++;
			mmu_translate(&pg, m->va + off, MMU_ACC_READ, ram_read,
				      &ram, &w);
			bad += !w.have_gpa || w.gpa != m->pa + off ||
			       w.page_size != m->page_size ||
			       w.writable != m->writable || w.user != m->user ||
			       w.nx != m->nx;
		}
		for (i = 0; i < 2000; i++) {
			uint64_t va = random_va();
			const struct mmu_map *m = held(va);

			tries++;
			mmu_translate(&pg, va, MMU_ACC_READ, ram_read, &ram, &w);
			hits += w.have_gpa;
			bad += w.have_gpa != (m != NULL) ||
			       (m && w.gpa != m->pa + (va - m->va));
		}
	}
	is_u64(bad, 0, "random tables: listing and walks agree"
	       " (%u listed runs, %u of %u random addresses mapped)",
	       pages, hits, tries);
	ok(pages > 100 && hits > 1000, "random tables: both kinds were tried");
}

int main(void)
{
	test_hello_world();
	test_long_4k();
	test_long_1g();
	test_long5();
	test_rights();
	test_pae();
	test_paging32();
	test_flat();
	test_bad_state();
	test_hostile();
	test_strings();
	test_list_long4();
	test_list_resume();
	test_list_hostile();
	test_list_32();
	test_list_random();
	return tap_done();
}
