// SPDX-License-Identifier: GPL-2.0
/* fuzz_mmu.c - libFuzzer harness for the page-table walker.
 *
 * The first HDR_SIZE bytes choose the paging state, the access and the
 * address; the rest is guest RAM, copied into a buffer of exactly its size
 * so ASan catches any byte read beyond it. The read callback checks every
 * request the walker makes: one entry (4 or 8 bytes) per level, at most
 * five levels, and a refused read ends the walk. Then the result is
 * checked for consistency and formatted into buffers of every size.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *         -o fuzz_mmu tests/fuzz/fuzz_mmu.c src/mmu.c
 *   ./fuzz_mmu -max_total_time=60 tests/fuzz/corpus/mmu
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu.h"

#define HDR_SIZE	32

struct ram {
	const uint8_t *bytes;	/* exactly size bytes, heap-allocated */
	size_t size;
	unsigned int calls;	/* read requests so far */
	unsigned int refused;	/* requests outside RAM */
};

/* abort(), not assert(): the check must survive -DNDEBUG. */
static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_mmu: %s\n", what);
		abort();
	}
}

static bool ram_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct ram *r = ctx;

	r->calls++;
	check(r->calls <= MMU_MAX_LEVELS, "more reads than levels");
	check(r->refused == 0, "a read after a refused one");
	check(len == 4 || len == 8, "a read that is not one entry");
	check(gpa % len == 0, "an entry read that is not aligned");
	if (gpa >= r->size || len > r->size - gpa) {
		r->refused++;
		return false;
	}
	memcpy(buf, r->bytes + gpa, len);
	return true;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Byte 0 picks a mode the usual way (so most inputs walk tables); byte 1
 * sets the optional bits; byte 2 MAXPHYADDR; byte 3 the access; then
 * CR3, the address, the segment base/limit, and an XOR that can turn
 * CR0/CR4/EFER into anything at all. */
static void decode(const uint8_t *h, struct mmu_paging *pg, uint64_t *gva,
		   unsigned int *access)
{
	static const uint64_t cr0[] = { 0, MMU_CR0_PE, MMU_CR0_PE | MMU_CR0_PG,
		MMU_CR0_PE | MMU_CR0_PG, MMU_CR0_PE | MMU_CR0_PG,
		MMU_CR0_PE | MMU_CR0_PG };
	static const uint64_t cr4[] = { 0, 0, 0, MMU_CR4_PAE, MMU_CR4_PAE,
		MMU_CR4_PAE | MMU_CR4_LA57 };
	uint64_t chaos = get64(h + 24);
	unsigned int m = h[0] % 6, f = h[1];

	memset(pg, 0, sizeof(*pg));
	pg->cr0 = cr0[m] | (f & 1 ? MMU_CR0_WP : 0);
	pg->cr4 = cr4[m] | (f & 2 ? MMU_CR4_SMEP : 0) |
		  (f & 4 ? MMU_CR4_SMAP : 0) | (f & 8 ? MMU_CR4_PSE : 0);
	pg->efer = (m >= 4 ? MMU_EFER_LME | MMU_EFER_LMA : 0) |
		   (f & 16 ? MMU_EFER_NXE : 0);
	if (h[0] & 0x80) {
		pg->cr0 ^= chaos;
		pg->cr4 ^= chaos >> 8;
		pg->efer ^= chaos >> 16;
	}
	pg->eflags_ac = f & 32;
	pg->has_1g_pages = f & 64;
	pg->amd = f & 128;
	pg->maxphyaddr = h[2];
	*access = h[3] & 7;
	pg->cr3 = get64(h + 4);
	*gva = get64(h + 12);
	pg->seg_base = (uint32_t)get64(h + 20);
	pg->seg_limit = h[0] & 0x40 ? ~0ull : (uint32_t)(chaos >> 24);
	if (h[0] & 0x20)	/* keep CR3 small so tables land in RAM */
		pg->cr3 &= 0xffff;
	if (h[0] & 0x10) {
		/* a canonical 48-bit address, or a small one */
		*gva = (uint64_t)((int64_t)(*gva << 16) >> 16);
		if (!(h[0] & 8))
			*gva &= 0xfffff;
	}
}

/* What every walk must look like, whatever the tables say. */
static void check_walk(const struct mmu_walk *w, const struct ram *r,
		       uint64_t gva)
{
	const struct mmu_step *last = &w->step[w->nsteps ? w->nsteps - 1 : 0];
	unsigned int i;

	check(w->nsteps <= MMU_MAX_LEVELS, "too many steps");
	check(w->nsteps == r->calls, "a step per read");
	check(w->fault_level <= MMU_MAX_LEVELS, "fault level out of range");
	check((w->fault == MMU_FAULT_TABLE_RAM) == (r->refused == 1),
	      "a refused read is reported as table outside RAM");
	if (w->fault == MMU_OK)
		check(w->have_gpa, "success without a GPA");
	for (i = 0; i < w->nsteps; i++)
		check(w->step[i].name && w->step[i].level >= 1 &&
		      w->step[i].level <= MMU_MAX_LEVELS, "a bad step");
	if (!w->have_gpa || !w->nsteps)
		return;
	check(last->page_size >= 0x1000 &&
	      !(last->page_size & (last->page_size - 1)), "odd page size");
	check((w->gpa & (w->page_size - 1)) == (gva & (w->page_size - 1)),
	      "the page offset changed");
}

/* Format into exact-size heap buffers, short and full (ASan watches). */
static void check_format_into(const struct mmu_walk *w, const char *full,
			      size_t need, size_t n)
{
	char *small = malloc(n);

	check(small != NULL, "out of memory");
	check(mmu_format(w, NULL, small, n) == need,
	      "a short buffer changed the length");
	check(strlen(small) == n - 1 && !memcmp(small, full, n - 1),
	      "short text is not a prefix");
	free(small);
}

static void check_format(const struct mmu_walk *w)
{
	static char buf[4096];
	size_t need, n;

	need = mmu_format(w, NULL, NULL, 0);
	check(need > 0 && need < sizeof(buf), "implausible text length");
	n = mmu_format(w, (void *)0x7f0012345678ull, buf, sizeof(buf));
	check(w->have_gpa ? n > need : n == need,
	      "the HVA shows exactly when a GPA does");
	check(mmu_format(w, NULL, buf, sizeof(buf)) == need &&
	      strlen(buf) == need, "length differs from the text");
	for (n = 1; n < 4; n++)
		check_format_into(w, buf, need, n);
	check_format_into(w, buf, need, need / 2 + 1);
	check_format_into(w, buf, need, need);
	check_format_into(w, buf, need, need + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ram r = { 0 };
	struct mmu_paging pg;
	struct mmu_walk w;
	unsigned int access;
	uint64_t gva;
	uint8_t *copy;

	if (size < HDR_SIZE)
		return 0;
	decode(data, &pg, &gva, &access);
	r.size = size - HDR_SIZE;
	copy = malloc(r.size ? r.size : 1);
	check(copy != NULL, "out of memory");
	memcpy(copy, data + HDR_SIZE, r.size);
	r.bytes = copy;
	check(mmu_translate(&pg, gva, access, ram_read, &r, &w) == w.fault,
	      "return value differs from w.fault");
	check(!memcmp(copy, data + HDR_SIZE, r.size), "guest RAM changed");
	check_walk(&w, &r, gva);
	check(mmu_mode(&pg) == w.mode, "mode differs");
	check(mmu_mode_name(w.mode) && mmu_fault_str(w.fault), "no name");
	check_format(&w);
	free(copy);
	return 0;
}
