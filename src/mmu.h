/* mmu.h - the guest page-table walker: guest-virtual -> guest-physical.
 *
 * Pure code: the paging state and a guest-physical read callback go in, the
 * translation (or the exact reason there is none) and a per-level trace come
 * out. No KVM, no globals, no allocation, no writes to guest memory (the
 * walker never sets Accessed or Dirty bits). See doc/mmu.md.
 */
#ifndef VMM_MMU_H
#define VMM_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Control-register bits the walker looks at (Intel SDM Vol. 3A, 2.5). */
/* Control register and EFER bits (SDM vol. 3A 2.5, 2.2.1): the one set
 * vmm uses; their names for display are in gdbstub/x86_bits.h. */
#define MMU_CR0_PE	(1ull << 0)	/* protected mode enable */
#define MMU_CR0_MP	(1ull << 1)	/* monitor coprocessor */
#define MMU_CR0_ET	(1ull << 4)	/* extension type (always 1) */
#define MMU_CR0_NE	(1ull << 5)	/* numeric error */
#define MMU_CR0_WP	(1ull << 16)	/* supervisor writes honour R/W */
#define MMU_CR0_AM	(1ull << 18)	/* alignment mask */
#define MMU_CR0_PG	(1ull << 31)	/* paging enable */
#define MMU_CR4_PSE	(1ull << 4)	/* 4 MiB pages in 32-bit paging */
#define MMU_CR4_PAE	(1ull << 5)	/* 64-bit entries */
#define MMU_CR4_LA57	(1ull << 12)	/* 5-level paging */
#define MMU_CR4_SMEP	(1ull << 20)	/* no kernel fetch from user */
#define MMU_CR4_SMAP	(1ull << 21)	/* no supervisor data to user */
#define MMU_EFER_LME	(1ull << 8)	/* long mode enable */
#define MMU_EFER_LMA	(1ull << 10)	/* long mode active */
#define MMU_EFER_NXE	(1ull << 11)	/* bit 63 of entries is XD */

/* Entry bits shared by every paging mode (SDM 4.3, 4.4.2, 4.5). */
#define MMU_PTE_P	(1ull << 0)	/* present */
#define MMU_PTE_RW	(1ull << 1)	/* writable */
#define MMU_PTE_US	(1ull << 2)	/* user accessible */
#define MMU_PTE_PWT	(1ull << 3)
#define MMU_PTE_PCD	(1ull << 4)
#define MMU_PTE_A	(1ull << 5)	/* accessed */
#define MMU_PTE_D	(1ull << 6)	/* dirty */
#define MMU_PTE_PS	(1ull << 7)	/* maps a page, not a table; PAT in a PT entry */
#define MMU_PTE_G	(1ull << 8)	/* global */
#define MMU_PTE_LPAT	(1ull << 12)	/* PAT in a 2 MiB, 4 MiB, 1 GiB entry */
#define MMU_PTE_XD	(1ull << 63)	/* execute disable (with EFER.NXE) */

#define MMU_MAX_LEVELS	5		/* PML5 PML4 PDPT PD PT */

struct mmu_paging {
	uint64_t cr0, cr3, cr4, efer;	/* as KVM_GET_SREGS reports them */
	uint64_t seg_base;	/* segment base, non-paged modes only */
	uint64_t seg_limit;	/* segment limit, non-paged modes only */
	unsigned int maxphyaddr; /* CPUID 0x80000008 EAX[7:0]; 0 means 36 */
	bool has_1g_pages;	/* CPUID 0x80000001 EDX[26] */
	bool amd;		/* AMD rules: bit 8 of PML5E/PML4E MBZ */
	bool eflags_ac;		/* EFLAGS.AC: lifts SMAP (data only) */
};

/* What the access is; OR MMU_ACC_USER into one of the first three. */
enum mmu_access {
	MMU_ACC_READ	= 0,	/* data read */
	MMU_ACC_WRITE	= 1,	/* data write */
	MMU_ACC_FETCH	= 2,	/* instruction fetch */
	MMU_ACC_USER	= 4,	/* CPL 3 (else supervisor, CPL 0-2) */
};

enum mmu_mode {
	MMU_MODE_REAL,		/* CR0.PE = 0 */
	MMU_MODE_PROTECTED,	/* CR0.PE = 1, CR0.PG = 0 */
	MMU_MODE_PAGING32,	/* 32-bit paging */
	MMU_MODE_PAE,		/* PAE paging */
	MMU_MODE_LONG4,		/* 4-level paging (IA-32e) */
	MMU_MODE_LONG5,		/* 5-level paging (IA-32e, CR4.LA57) */
	MMU_MODE_INVALID,	/* a combination the CPU refuses to load */
};

enum mmu_fault {
	MMU_OK = 0,
	MMU_FAULT_NOT_PRESENT,	/* P = 0 at fault_level */
	MMU_FAULT_RESERVED,	/* a reserved bit set at fault_level */
	MMU_FAULT_TABLE_RAM,	/* the entry at fault_level is not in RAM */
	MMU_FAULT_WRITE,	/* write to a read-only page */
	MMU_FAULT_USER,		/* user access to a supervisor page */
	MMU_FAULT_NX,		/* fetch from a no-execute page */
	MMU_FAULT_SMEP,		/* supervisor fetch from a user page */
	MMU_FAULT_SMAP,		/* supervisor data access, user page */
	MMU_FAULT_NON_CANONICAL, /* upper address bits not a sign extension */
	MMU_FAULT_WIDTH,	/* address above 4 GiB in a 32-bit mode */
	MMU_FAULT_LIMIT,	/* offset beyond the segment limit */
	MMU_FAULT_BAD_STATE,	/* CR0/CR4/EFER the CPU would not accept */
};

/* Decoded entry flags, for the trace (mmu_step.flags). */
enum mmu_flag {
	MMU_F_P		= 1 << 0,	/* present */
	MMU_F_RW	= 1 << 1,	/* writable */
	MMU_F_US	= 1 << 2,	/* user */
	MMU_F_PWT	= 1 << 3,	/* write-through */
	MMU_F_PCD	= 1 << 4,	/* cache disable */
	MMU_F_A		= 1 << 5,	/* accessed */
	MMU_F_D		= 1 << 6,	/* dirty (leaf only) */
	MMU_F_PS	= 1 << 7,	/* page size: this entry maps a page */
	MMU_F_G		= 1 << 8,	/* global (leaf only) */
	MMU_F_PAT	= 1 << 9,	/* PAT bit (leaf only) */
	MMU_F_NX	= 1 << 10,	/* execute disable (bit 63) */
};

/* One level of the walk. */
struct mmu_step {
	const char *name;	/* "PML5", "PML4", "PDPT", "PD" or "PT" */
	unsigned int level;	/* 5 .. 1; the PT is level 1 */
	uint64_t table;		/* guest-physical address of the table */
	unsigned int index;	/* entry number in the table */
	unsigned int width;	/* entry size in bytes: 4 or 8 */
	uint64_t entry;		/* the entry's value (0 if unreadable) */
	unsigned int flags;	/* enum mmu_flag bits decoded from entry */
	uint64_t next;		/* next table, or the page's base */
	uint64_t page_size;	/* page mapped here; 0: a table */
	bool read;		/* entry was read (false: outside RAM) */
};

/* The result: filled completely by mmu_translate() whatever it returns. */
struct mmu_walk {
	enum mmu_mode mode;	/* from the paging state */
	unsigned int access;	/* enum mmu_access bits asked for */
	uint64_t gva;		/* address (offset if unpaged) */
	uint64_t seg_base;	/* unpaged modes: the base that was added */
	uint64_t seg_limit;	/* unpaged modes: the limit checked */
	enum mmu_fault fault;	/* MMU_OK or why there is no access */
	unsigned int fault_level; /* level of the fault; 0 if not a level's */
	bool have_gpa;		/* gpa is valid: a page was reached */
	uint64_t gpa;		/* the guest-physical address */
	uint64_t page_size;	/* size of the page holding gpa */
	bool writable;		/* R/W = 1 at every level */
	bool user;		/* U/S = 1 at every level */
	bool nx;		/* XD = 1 at some level (with EFER.NXE) */
	unsigned int nsteps;	/* used entries of step[] */
	struct mmu_step step[MMU_MAX_LEVELS]; /* top level first */
};

/* Read len bytes of guest-physical memory at gpa into buf; false (and
 * nothing read) if any byte is outside guest RAM. */
typedef bool (*mmu_read_fn)(void *ctx, uint64_t gpa, void *buf, size_t len);

enum mmu_mode mmu_mode(const struct mmu_paging *pg);
const char *mmu_mode_name(enum mmu_mode mode);
const char *mmu_fault_str(enum mmu_fault fault);

/* Translate gva for an access (enum mmu_access bits). Returns w->fault. */
enum mmu_fault mmu_translate(const struct mmu_paging *pg, uint64_t gva,
			     unsigned int access, mmu_read_fn read, void *ctx,
			     struct mmu_walk *w);

/* Write the walk as text, one line per level, into buf (always terminated
 * if len > 0). hva, if not NULL, is the host address of the GPA and is
 * appended as "; HVA 0x..." -- pass NULL whenever the reader must not learn
 * host addresses. Returns the length the full text needs, like snprintf. */
size_t mmu_format(const struct mmu_walk *w, const void *hva, char *buf,
		  size_t len);

/* A run of pages found by mmu_list(): len bytes from va mapped to
 * consecutive guest-physical addresses from pa, in pages of one size, with
 * the same rights. */
struct mmu_map {
	uint64_t va;		/* first address (canonical in long mode) */
	uint64_t pa;		/* guest-physical address of va */
	uint64_t len;		/* bytes, a multiple of page_size */
	uint64_t page_size;	/* 4 KiB, 2 MiB, 4 MiB or 1 GiB */
	bool writable;		/* R/W = 1 at every level */
	bool user;		/* U/S = 1 at every level */
	bool nx;		/* XD = 1 at some level (with EFER.NXE) */
};

/* Called once per run, in address order; returning false stops the
 * listing there. */
typedef bool (*mmu_map_fn)(void *ctx, const struct mmu_map *m);

/* How a listing ended. */
struct mmu_list_end {
	uint64_t reads;		/* page-table entries read */
	bool complete;		/* every entry covering [first, last] seen */
	bool out_of_reads;	/* !complete because max_reads ran out */
	uint64_t resume;	/* !complete: a listing from here goes on */
};

/* The address ranges a paged mode translates, in order: 0-4 GiB in the
 * 32-bit modes, the two canonical halves in long mode. Returns how many
 * (0 without paging, or in an invalid state). */
unsigned int mmu_va_ranges(enum mmu_mode mode, uint64_t first[2],
			   uint64_t last[2]);

/* List every page the tables map in [first, last] (a page that starts
 * before first but reaches it counts), visiting the tables depth first
 * and reading each entry once per path to it: a not-present entry skips
 * all it covers. At most max_reads entries are read, so looping or
 * shared tables stay bounded. Entries that fault (not present, reserved
 * bits, outside RAM) map nothing; rights are not checked. Returns
 * end->complete. */
bool mmu_list(const struct mmu_paging *pg, uint64_t first, uint64_t last,
	      uint64_t max_reads, mmu_read_fn read, void *read_ctx,
	      mmu_map_fn fn, void *fn_ctx, struct mmu_list_end *end);

#endif
