// SPDX-License-Identifier: GPL-2.0
/* mmu.c - the guest page-table walker.
 *
 * Walks the guest's own page tables the way the CPU does (Intel SDM Vol. 3A,
 * chapter 4 "Paging"; AMD APM Vol. 2, chapter 5), reading each entry through
 * a callback that refuses addresses outside guest RAM. The walk visits at
 * most five levels and reads one entry per level, so hostile tables
 * (self-references, pointers past RAM) cannot make it loop or stray.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mmu.h"

#define BIT(n)		(1ull << (n))
/* Bits hi..lo set; lo <= hi < 64. */
#define BITS(hi, lo)	((~0ull >> (63 - (hi))) & ~(BIT(lo) - 1))

#define PAGE_4K		0x1000ull
#define PAGE_2M		0x200000ull
#define PAGE_4M		0x400000ull
#define PAGE_1G		0x40000000ull

enum mmu_mode mmu_mode(const struct mmu_paging *pg)
{
	bool pg_on = pg->cr0 & MMU_CR0_PG;
	bool pae = pg->cr4 & MMU_CR4_PAE;
	bool lm = pg->efer & (MMU_EFER_LME | MMU_EFER_LMA);

	if (!(pg->cr0 & MMU_CR0_PE))
		/* MOV CR0 refuses PG without PE (SDM 2.5: #GP). */
		return pg_on ? MMU_MODE_INVALID : MMU_MODE_REAL;
	if (!pg_on)
		return MMU_MODE_PROTECTED;
	if (!pae)
		/* PG with LME, no PAE: #GP (SDM "Initializing IA-32e Mode"). */
		return lm ? MMU_MODE_INVALID : MMU_MODE_PAGING32;
	if (!lm)
		return MMU_MODE_PAE;
	return pg->cr4 & MMU_CR4_LA57 ? MMU_MODE_LONG5 : MMU_MODE_LONG4;
}

const char *mmu_mode_name(enum mmu_mode mode)
{
	switch (mode) {
	case MMU_MODE_REAL:		return "real mode";
	case MMU_MODE_PROTECTED:	return "protected mode without paging";
	case MMU_MODE_PAGING32:		return "32-bit paging";
	case MMU_MODE_PAE:		return "PAE paging";
	case MMU_MODE_LONG4:		return "long mode, 4-level paging";
	case MMU_MODE_LONG5:		return "long mode, 5-level paging";
	case MMU_MODE_INVALID:		break;
	}
	return "invalid paging state";
}

const char *mmu_fault_str(enum mmu_fault fault)
{
	switch (fault) {
	case MMU_OK:			return "ok";
	case MMU_FAULT_NOT_PRESENT:	return "not present";
	case MMU_FAULT_RESERVED:	return "reserved bit set";
	case MMU_FAULT_TABLE_RAM:	return "table outside guest RAM";
	case MMU_FAULT_WRITE:		return "write to a read-only page";
	case MMU_FAULT_USER:	return "user access to a supervisor page";
	case MMU_FAULT_NX:		return "fetch from a no-execute page";
	case MMU_FAULT_SMEP:
		return "supervisor fetch from a user page (SMEP)";
	case MMU_FAULT_SMAP:
		return "supervisor access to a user page (SMAP)";
	case MMU_FAULT_NON_CANONICAL:	return "non-canonical address";
	case MMU_FAULT_WIDTH:
		return "address above 4 GiB in a 32-bit mode";
	case MMU_FAULT_LIMIT:
		return "offset beyond the segment limit";
	case MMU_FAULT_BAD_STATE:
		return "CR0/CR4/EFER combination the CPU refuses";
	}
	return "unknown fault";
}

/* MAXPHYADDR as the walker uses it: CPUs report 36..52; 0 means "not
 * reported", which the SDM (4.1.4) says to treat as 36. */
static unsigned int phys_bits(const struct mmu_paging *pg)
{
	unsigned int m = pg->maxphyaddr;

	if (m == 0)
		return 36;
	if (m < 32)
		return 32;
	return m > 52 ? 52 : m;
}

static const char *level_name(unsigned int level)
{
	static const char *const names[] = {
		"?", "PT", "PD", "PDPT", "PML4", "PML5"
	};

	return level < 6 ? names[level] : "?";
}

/* Does bit 7 of an entry at this level mean "maps a page" (SDM 4.3-4.5)? */
static bool ps_level(const struct mmu_paging *pg, enum mmu_mode mode,
		     unsigned int level)
{
	switch (mode) {
	case MMU_MODE_PAGING32:
		return level == 2 && (pg->cr4 & MMU_CR4_PSE);
	case MMU_MODE_PAE:
		return level == 2;
	case MMU_MODE_LONG4:
	case MMU_MODE_LONG5:
		/* PS in a PML4E/PML5E is reserved, but still the PS bit. */
		return level >= 2;
	default:
		return false;
	}
}

static bool is_leaf(const struct mmu_paging *pg, enum mmu_mode mode,
		    unsigned int level, uint64_t e)
{
	return level == 1 || (ps_level(pg, mode, level) && (e & MMU_PTE_PS));
}

static bool pae_pdpte(enum mmu_mode mode, unsigned int level)
{
	return mode == MMU_MODE_PAE && level == 3;
}

/* Turn a present entry into enum mmu_flag bits; P = 0 entries have none
 * because the CPU ignores every other bit of them (SDM 4.3, 4.4, 4.5). */
static unsigned int decode_flags(const struct mmu_paging *pg,
				 enum mmu_mode mode, unsigned int level,
				 uint64_t e)
{
	bool leaf = is_leaf(pg, mode, level, e);
	unsigned int f = MMU_F_P;

	if (!(e & MMU_PTE_P))
		return 0;
	if (e & MMU_PTE_PWT)
		f |= MMU_F_PWT;
	if (e & MMU_PTE_PCD)
		f |= MMU_F_PCD;
	if (pae_pdpte(mode, level))
		return f;	/* SDM table 4-8: only P, PWT, PCD */
	f |= (e & MMU_PTE_RW ? MMU_F_RW : 0) | (e & MMU_PTE_US ? MMU_F_US : 0);
	f |= e & MMU_PTE_A ? MMU_F_A : 0;
	if (ps_level(pg, mode, level) && (e & MMU_PTE_PS))
		f |= MMU_F_PS;
	if (leaf) {
		f |= e & MMU_PTE_D ? MMU_F_D : 0;
		f |= e & MMU_PTE_G ? MMU_F_G : 0;
		if (e & (level == 1 ? MMU_PTE_PS : MMU_PTE_LPAT))
			f |= MMU_F_PAT;
	}
	if (mode != MMU_MODE_PAGING32 && (e & MMU_PTE_XD))
		f |= MMU_F_NX;
	return f;
}

/* Reserved bits of a 32-bit paging entry: only a 4 MiB PDE has any. Its
 * bits 20:13 carry physical bits 39:32 up to MAXPHYADDR (PSE-36, at most
 * 40 bits); bit 21 and the bits above MAXPHYADDR are reserved (SDM 4.3,
 * table 4-4). */
static uint64_t rsvd_32(const struct mmu_paging *pg, unsigned int level,
			uint64_t e)
{
	unsigned int m = phys_bits(pg);

	if (!is_leaf(pg, MMU_MODE_PAGING32, level, e) || level != 2)
		return 0;
	if (m > 40)
		m = 40;
	return BITS(21, m - 19 > 13 ? m - 19 : 13);
}

/* PAE (SDM 4.4.2, tables 4-8 to 4-11): bits 62:M are reserved, and bit 63
 * unless EFER.NXE. A PDPTE has no R/W, U/S or XD: bits 2:1, 8:5 and 63 are
 * reserved there - on Intel. An AMD CPU walks the PDPT like any table and
 * sets its accessed bit (measured on kvm_amd: vmm's own PDPTE 0x1fd001
 * read back as 0x1fd021 with the guest running on), so bits 8:5 are not
 * reserved there. */
static uint64_t rsvd_pae(const struct mmu_paging *pg, unsigned int level,
			 uint64_t e)
{
	uint64_t r = BITS(62, phys_bits(pg));

	if (!(pg->efer & MMU_EFER_NXE))
		r |= MMU_PTE_XD;
	if (level == 3)
		return r | MMU_PTE_XD | BITS(2, 1) | (pg->amd ? 0 : BITS(8, 5));
	if (level == 2 && (e & MMU_PTE_PS))
		r |= BITS(20, 13);
	return r;
}

/* 4- and 5-level (SDM 4.5, tables 4-14 to 4-20): bits 51:M, bit 63
 * unless EFER.NXE, PS in a PML5E/PML4E, PS in a PDPTE without 1 GiB pages,
 * the low address bits of a large page above its PAT bit. AMD also makes
 * bit 8 of PML5Es and PML4Es must-be-zero (APM Vol. 2, 5.3, the long-mode
 * PML4E format); in a PDPTE it is ignored, as KVM agrees (measured by
 * tests/kvm/mmu_diff.c). */
static uint64_t rsvd_long(const struct mmu_paging *pg, unsigned int level,
			  uint64_t e)
{
	uint64_t r = phys_bits(pg) < 52 ? BITS(51, phys_bits(pg)) : 0;
	bool ps = e & MMU_PTE_PS;

	if (!(pg->efer & MMU_EFER_NXE))
		r |= MMU_PTE_XD;
	switch (level) {
	case 5:
	case 4:
		return r | MMU_PTE_PS | (pg->amd ? MMU_PTE_G : 0);
	case 3:
		if (ps && !pg->has_1g_pages)
			return r | MMU_PTE_PS;
		return ps ? r | BITS(29, 13) : r;
	case 2:
		return ps ? r | BITS(20, 13) : r;
	default:
		return r;
	}
}

static uint64_t rsvd_bits(const struct mmu_paging *pg, enum mmu_mode mode,
			  unsigned int level, uint64_t e)
{
	switch (mode) {
	case MMU_MODE_PAGING32:
		return rsvd_32(pg, level, e);
	case MMU_MODE_PAE:
		return rsvd_pae(pg, level, e);
	default:
		return rsvd_long(pg, level, e);
	}
}

static unsigned int top_level(enum mmu_mode mode)
{
	switch (mode) {
	case MMU_MODE_PAGING32:	return 2;
	case MMU_MODE_PAE:	return 3;
	case MMU_MODE_LONG4:	return 4;
	default:		return 5;
	}
}

/* Which entry of the level's table gva selects (SDM figures 4-2, 4-5,
 * 4-8): 10 bits per level in 32-bit paging, 9 otherwise, 2 for PAE's
 * four-entry PDPT. */
static unsigned int table_index(enum mmu_mode mode, unsigned int level,
				uint64_t gva)
{
	if (mode == MMU_MODE_PAGING32)
		return (gva >> (level == 2 ? 22 : 12)) & 0x3ff;
	if (mode == MMU_MODE_PAE && level == 3)
		return (gva >> 30) & 3;
	return (gva >> (12 + 9 * (level - 1))) & 0x1ff;
}

/* Bits M-1:12: where a 64-bit entry keeps a physical address. */
static uint64_t addr_mask(const struct mmu_paging *pg)
{
	return BITS(phys_bits(pg) - 1, 12);
}

static uint64_t root_table(const struct mmu_paging *pg, enum mmu_mode mode)
{
	if (mode == MMU_MODE_PAGING32)
		return pg->cr3 & 0xfffff000ull;
	if (mode == MMU_MODE_PAE)
		return pg->cr3 & 0xffffffe0ull;	/* 32-byte aligned */
	return pg->cr3 & addr_mask(pg);	/* drops PCID, PWT, PCD */
}

/* Fill in where a leaf entry points: the page's base and size. */
static void leaf_page(const struct mmu_paging *pg, enum mmu_mode mode,
		      struct mmu_step *s)
{
	if (mode == MMU_MODE_PAGING32 && s->level == 2) {
		/* PSE-36: PDE bits 20:13 are physical bits 39:32. */
		s->page_size = PAGE_4M;
		s->next = (s->entry & 0xffc00000ull) |
			  ((s->entry >> 13) & 0xff) << 32;
	} else if (mode == MMU_MODE_PAGING32) {
		s->page_size = PAGE_4K;
		s->next = s->entry & 0xfffff000ull;
	} else {
		s->page_size = PAGE_4K << (9 * (s->level - 1));
		s->next = s->entry & addr_mask(pg) & ~(s->page_size - 1);
	}
}

static uint64_t load_le(const unsigned char *b, unsigned int width)
{
	uint64_t v = 0;

	while (width--)
		v = v << 8 | b[width];
	return v;
}

static enum mmu_fault fail(struct mmu_walk *w, enum mmu_fault f,
			   unsigned int level)
{
	w->fault = f;
	w->fault_level = level;
	return f;
}

/* Read and check the entry for one level; fills *s. */
static enum mmu_fault walk_level(const struct mmu_paging *pg,
				 enum mmu_mode mode, struct mmu_step *s,
				 uint64_t gva, mmu_read_fn read, void *ctx)
{
	unsigned char b[8];

	s->name = level_name(s->level);
	s->index = table_index(mode, s->level, gva);
	s->width = mode == MMU_MODE_PAGING32 ? 4 : 8;
	if (!read(ctx, s->table + (uint64_t)s->index * s->width, b, s->width))
		return MMU_FAULT_TABLE_RAM;
	s->read = true;
	s->entry = load_le(b, s->width);
	s->flags = decode_flags(pg, mode, s->level, s->entry);
	if (!(s->entry & MMU_PTE_P))
		return MMU_FAULT_NOT_PRESENT;
	if (s->entry & rsvd_bits(pg, mode, s->level, s->entry))
		return MMU_FAULT_RESERVED;
	if (is_leaf(pg, mode, s->level, s->entry))
		leaf_page(pg, mode, s);
	else if (mode == MMU_MODE_PAGING32)
		s->next = s->entry & 0xfffff000ull;
	else
		s->next = s->entry & addr_mask(pg);
	return MMU_OK;
}

/* The rights gathered on the way down to a page. */
struct rights {
	bool writable, user, nx;
};

/* Access rights of the page (SDM 4.6.1): a user page needs U/S = 1 at
 * every level, a writable one R/W = 1 at every level; one XD = 1 makes it
 * no-execute. A PAE PDPTE carries none of these bits. */
static void combine_rights(enum mmu_mode mode, struct rights *r,
			   const struct mmu_step *s)
{
	if (pae_pdpte(mode, s->level))
		return;
	r->writable &= (s->entry & MMU_PTE_RW) != 0;
	r->user &= (s->entry & MMU_PTE_US) != 0;
	if (mode != MMU_MODE_PAGING32)
		r->nx |= (s->entry & MMU_PTE_XD) != 0;
}

/* May this access use the page (SDM 4.6.1, AMD APM 5.6)? EFLAGS.AC lifts
 * SMAP for explicit data accesses only; implicit supervisor accesses (to
 * the GDT, say) are not modelled: pass them without MMU_ACC_USER and
 * eflags_ac = false. */
static enum mmu_fault check_rights(const struct mmu_paging *pg,
				   const struct mmu_walk *w,
				   unsigned int access)
{
	bool write = (access & 3) == MMU_ACC_WRITE;
	bool fetch = (access & 3) == MMU_ACC_FETCH;
	bool nx = w->nx && (pg->efer & MMU_EFER_NXE);

	if (access & MMU_ACC_USER) {
		if (!w->user)
			return MMU_FAULT_USER;
		if (write && !w->writable)
			return MMU_FAULT_WRITE;
		return fetch && nx ? MMU_FAULT_NX : MMU_OK;
	}
	if (fetch) {
		if (w->user && (pg->cr4 & MMU_CR4_SMEP))
			return MMU_FAULT_SMEP;
		return nx ? MMU_FAULT_NX : MMU_OK;
	}
	if (w->user && (pg->cr4 & MMU_CR4_SMAP) && !pg->eflags_ac)
		return MMU_FAULT_SMAP;
	/* CR0.WP = 0 lets the supervisor write read-only pages. */
	if (write && !w->writable && (pg->cr0 & MMU_CR0_WP))
		return MMU_FAULT_WRITE;
	return MMU_OK;
}

static bool canonical(enum mmu_mode mode, uint64_t gva)
{
	unsigned int bits = mode == MMU_MODE_LONG5 ? 57 : 48;
	int64_t top = (int64_t)gva >> (bits - 1);

	return top == 0 || top == -1;
}

static enum mmu_fault walk_paged(const struct mmu_paging *pg,
				 enum mmu_mode mode, uint64_t gva,
				 mmu_read_fn read, void *ctx,
				 struct mmu_walk *w)
{
	uint64_t table = root_table(pg, mode);
	struct rights r = { .writable = true, .user = true };
	unsigned int level;

	for (level = top_level(mode); level >= 1; level--) {
		struct mmu_step *s = &w->step[w->nsteps++];
		enum mmu_fault f;

		s->level = level;
		s->table = table;
		f = walk_level(pg, mode, s, gva, read, ctx);
		if (f != MMU_OK) {
			/* The rights as far as the walk got. */
			w->writable = r.writable;
			w->user = r.user;
			w->nx = r.nx;
			return fail(w, f, level);
		}
		combine_rights(mode, &r, s);
		if (s->page_size)
			break;
		table = s->next;
	}
	w->writable = r.writable;
	w->user = r.user;
	w->nx = r.nx && (pg->efer & MMU_EFER_NXE);
	w->have_gpa = true;
	w->page_size = w->step[w->nsteps - 1].page_size;
	w->gpa = w->step[w->nsteps - 1].next | (gva & (w->page_size - 1));
	return fail(w, check_rights(pg, w, w->access), 0);
}

/* Real mode and protected mode without paging: linear = base + offset,
 * and that is the physical address (SDM 3.4; Vol. 3B "Address Translation
 * in Real-Address Mode"). The offset is checked against the limit in both,
 * since a real-mode segment keeps the limit of its descriptor cache
 * ("unreal mode"); expand-down segments are not modelled. The sum wraps at
 * 4 GiB; A20 is taken as enabled, as KVM has no A20 gate. */
static enum mmu_fault walk_flat(const struct mmu_paging *pg, uint64_t off,
				struct mmu_walk *w)
{
	uint64_t limit = pg->seg_limit > 0xffffffffull ?
			 0xffffffffull : pg->seg_limit;

	w->seg_base = pg->seg_base & 0xffffffffull;
	w->seg_limit = limit;
	if (off > limit)
		return fail(w, MMU_FAULT_LIMIT, 0);
	w->have_gpa = true;
	w->gpa = (w->seg_base + off) & 0xffffffffull;
	w->page_size = 0;
	w->writable = w->user = true;
	return MMU_OK;
}

enum mmu_fault mmu_translate(const struct mmu_paging *pg, uint64_t gva,
			     unsigned int access, mmu_read_fn read, void *ctx,
			     struct mmu_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->mode = mmu_mode(pg);
	w->access = access;
	w->gva = gva;
	switch (w->mode) {
	case MMU_MODE_INVALID:
		return fail(w, MMU_FAULT_BAD_STATE, 0);
	case MMU_MODE_REAL:
	case MMU_MODE_PROTECTED:
		return walk_flat(pg, gva, w);
	case MMU_MODE_PAGING32:
	case MMU_MODE_PAE:
		if (gva > 0xffffffffull)
			return fail(w, MMU_FAULT_WIDTH, 0);
		break;
	default:
		if (!canonical(w->mode, gva))
			return fail(w, MMU_FAULT_NON_CANONICAL, 0);
		break;
	}
	return walk_paged(pg, w->mode, gva, read, ctx, w);
}

unsigned int mmu_va_ranges(enum mmu_mode mode, uint64_t first[2],
			   uint64_t last[2])
{
	unsigned int bits = mode == MMU_MODE_LONG5 ? 57 : 48;

	switch (mode) {
	case MMU_MODE_PAGING32:
	case MMU_MODE_PAE:
		first[0] = 0;
		last[0] = 0xffffffffull;
		return 1;
	case MMU_MODE_LONG4:
	case MMU_MODE_LONG5:
		/* Canonical: bits 63:bits-1 all equal (SDM 3.3.7.1). */
		first[0] = 0;
		last[0] = BIT(bits - 1) - 1;
		first[1] = ~0ull << (bits - 1);
		last[1] = ~0ull;
		return 2;
	default:
		return 0;
	}
}

/* A listing in progress (mmu_list). */
struct lister {
	const struct mmu_paging *pg;
	enum mmu_mode mode;
	uint64_t first, last;	/* the range asked for */
	uint64_t max_reads;
	mmu_read_fn read;
	void *read_ctx;
	mmu_map_fn fn;
	void *fn_ctx;
	struct mmu_map run;	/* the run being gathered; len 0: none */
	struct mmu_list_end *end;
};

/* log2 of the bytes one entry at this level covers (SDM figures 4-2,
 * 4-5, 4-8, 4-9). */
static unsigned int entry_shift(enum mmu_mode mode, unsigned int level)
{
	if (mode == MMU_MODE_PAGING32)
		return level == 2 ? 22 : 12;
	return 12 + 9 * (level - 1);
}

static unsigned int table_entries(enum mmu_mode mode, unsigned int level)
{
	if (mode == MMU_MODE_PAGING32)
		return 1024;
	return pae_pdpte(mode, level) ? 4 : 512;
}

/* The address entry idx of a table at this level starts, below base (the
 * address its own table starts at). In long mode an entry of the top
 * table's upper half starts a canonical high address: bit 47 (or 56)
 * copied up. */
static uint64_t entry_va(enum mmu_mode mode, uint64_t base,
			 unsigned int level, unsigned int idx)
{
	uint64_t va = base | (uint64_t)idx << entry_shift(mode, level);
	unsigned int bits = mode == MMU_MODE_LONG5 ? 57 : 48;

	if ((mode == MMU_MODE_LONG4 || mode == MMU_MODE_LONG5) &&
	    (va & BIT(bits - 1)))
		va |= ~0ull << bits;
	return va;
}

static bool list_stop(struct lister *l, uint64_t resume, bool out_of_reads)
{
	l->end->resume = resume;
	l->end->out_of_reads = out_of_reads;
	return false;
}

/* One page found: grow the run, or hand the run over and start another. */
static bool list_page(struct lister *l, uint64_t va,
		      const struct mmu_step *s, const struct rights *r)
{
	struct mmu_map *run = &l->run;
	bool nx = r->nx && (l->pg->efer & MMU_EFER_NXE);

	if (run->len && run->va + run->len == va &&
	    run->pa + run->len == s->next && run->page_size == s->page_size &&
	    run->writable == r->writable && run->user == r->user &&
	    run->nx == nx) {
		run->len += s->page_size;
		return true;
	}
	if (run->len && !l->fn(l->fn_ctx, run)) {
		run->len = 0;
		return list_stop(l, va, false);
	}
	*run = (struct mmu_map){
		.va = va, .pa = s->next, .len = s->page_size,
		.page_size = s->page_size, .writable = r->writable,
		.user = r->user, .nx = nx,
	};
	return true;
}

/* Every entry of one table that covers part of [first, last], depth
 * first; false once the listing must stop. */
static bool list_table(struct lister *l, unsigned int level, uint64_t table,
		       uint64_t base, const struct rights *up)
{
	uint64_t size = BIT(entry_shift(l->mode, level));
	unsigned int idx, n = table_entries(l->mode, level);

	for (idx = 0; idx < n; idx++) {
		uint64_t va = entry_va(l->mode, base, level, idx);
		struct mmu_step s = { .level = level, .table = table };
		struct rights r = *up;

		if (va + (size - 1) < l->first)
			continue;
		if (va > l->last)
			break;
		if (l->end->reads == l->max_reads)
			return list_stop(l, va < l->first ? l->first : va, true);
		l->end->reads++;
		if (walk_level(l->pg, l->mode, &s, va, l->read,
			       l->read_ctx) != MMU_OK)
			continue;	/* maps nothing */
		combine_rights(l->mode, &r, &s);
		if (s.page_size ? !list_page(l, va, &s, &r) :
		    !list_table(l, level - 1, s.next, va, &r))
			return false;
	}
	return true;
}

bool mmu_list(const struct mmu_paging *pg, uint64_t first, uint64_t last,
	      uint64_t max_reads, mmu_read_fn read, void *read_ctx,
	      mmu_map_fn fn, void *fn_ctx, struct mmu_list_end *end)
{
	struct lister l = {
		.pg = pg, .mode = mmu_mode(pg), .first = first, .last = last,
		.max_reads = max_reads, .read = read, .read_ctx = read_ctx,
		.fn = fn, .fn_ctx = fn_ctx, .end = end,
	};
	struct rights r = { .writable = true, .user = true };
	uint64_t f[2], t[2];

	memset(end, 0, sizeof(*end));
	end->resume = first;
	if (mmu_va_ranges(l.mode, f, t) == 0)
		return false;	/* no page tables to list */
	if (l.mode == MMU_MODE_PAGING32 || l.mode == MMU_MODE_PAE)
		l.last = last > t[0] ? t[0] : last;
	if (first > l.last ||
	    list_table(&l, top_level(l.mode), root_table(pg, l.mode), 0, &r))
		end->complete = true;
	if (l.run.len)
		fn(fn_ctx, &l.run);
	return end->complete;
}

/* A bounded text builder: pos counts every byte asked for, so the caller
 * learns the size it needs even when buf is too small. */
struct out {
	char *buf;
	size_t len;
	size_t pos;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	size_t room = o->pos < o->len ? o->len - o->pos : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

static void put_flags(struct out *o, unsigned int flags)
{
	static const char *const names[] = {
		"P", "RW", "US", "PWT", "PCD", "A", "D", "PS", "G", "PAT", "NX"
	};
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & (1u << i))
			put(o, " %s", names[i]);
}

static const char *size_name(uint64_t size)
{
	switch (size) {
	case PAGE_4K:	return "4 KiB";
	case PAGE_2M:	return "2 MiB";
	case PAGE_4M:	return "4 MiB";
	case PAGE_1G:	return "1 GiB";
	}
	return "?";
}

/* "; GPA 0x400[; HVA 0x...][; fault: ...]" ending the last line. */
static void put_result(struct out *o, const struct mmu_walk *w,
		       const void *hva)
{
	put(o, "; GPA 0x%llx", (unsigned long long)w->gpa);
	if (hva)
		put(o, "; HVA 0x%llx",
		    (unsigned long long)(uintptr_t)hva);
	if (w->fault != MMU_OK)
		put(o, "; fault: %s", mmu_fault_str(w->fault));
	put(o, "\n");
}

/* One level: "PD[0] @0x4000 = 0x87 P RW US PS -> 2 MiB page 0x0". The
 * address after @ is the entry's own, ready for gdb's x/gx. */
static void put_step(struct out *o, const struct mmu_walk *w,
		     const struct mmu_step *s, const struct mmu_step *next,
		     const void *hva)
{
	put(o, "%s[%u] @0x%llx", s->name, s->index,
	    (unsigned long long)(s->table + (uint64_t)s->index * s->width));
	if (!s->read) {
		put(o, " -> %s at level %u (%s)\n", mmu_fault_str(w->fault),
		    s->level, s->name);
		return;
	}
	put(o, " = 0x%llx", (unsigned long long)s->entry);
	put_flags(o, s->flags);
	if (next)
		put(o, " -> %s 0x%llx\n", next->name,
		    (unsigned long long)s->next);
	else if (s->page_size) {
		put(o, " -> %s page 0x%llx", size_name(s->page_size),
		    (unsigned long long)s->next);
		put_result(o, w, hva);
	} else
		put(o, " -> %s at level %u (%s)\n", mmu_fault_str(w->fault),
		    s->level, s->name);
}

static void put_flat(struct out *o, const struct mmu_walk *w,
		     const void *hva)
{
	put(o, "%s: ", mmu_mode_name(w->mode));
	if (w->fault == MMU_FAULT_LIMIT) {
		put(o, "offset 0x%llx beyond limit 0x%llx\n",
		    (unsigned long long)w->gva,
		    (unsigned long long)w->seg_limit);
		return;
	}
	put(o, "base 0x%llx + offset 0x%llx", (unsigned long long)w->seg_base,
	    (unsigned long long)w->gva);
	put_result(o, w, hva);
}

size_t mmu_format(const struct mmu_walk *w, const void *hva, char *buf,
		  size_t len)
{
	struct out o = { .buf = buf, .len = len, .pos = 0 };
	unsigned int i;

	if (len)
		buf[0] = '\0';
	if (w->mode == MMU_MODE_REAL || w->mode == MMU_MODE_PROTECTED) {
		put_flat(&o, w, hva);
		return o.pos;
	}
	if (w->nsteps == 0) {
		put(&o, "GVA 0x%llx: %s (%s)\n", (unsigned long long)w->gva,
		    mmu_fault_str(w->fault), mmu_mode_name(w->mode));
		return o.pos;
	}
	for (i = 0; i < w->nsteps && i < MMU_MAX_LEVELS; i++)
		put_step(&o, w, &w->step[i],
			 i + 1 < w->nsteps ? &w->step[i + 1] : NULL, hva);
	return o.pos;
}
