/* watch.h - watchpoint bookkeeping, pure: which pages to protect how, and
 * which watch an access touches. No KVM here, so tests/unit can check it. */
#ifndef VMM_WATCH_H
#define VMM_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

enum watch_kind {
	WATCH_WRITE,		/* gdb's watch (Z2) */
	WATCH_READ,		/* rwatch (Z3) */
	WATCH_ACCESS,		/* awatch (Z4) */
};

struct watch {
	uint64_t gva;		/* what gdb asked for, and reports */
	uint64_t gpa;		/* where it is: contiguous for len bytes */
	unsigned len;
	enum watch_kind kind;
	int dr;			/* DR slot, or -1: page protection */
	bool tables;		/* its page became a page table: read-only
				 * protection only, reads unseen */
	uint8_t val[8];		/* a read watch in a debug register: its
				 * bytes when last seen (the register traps
				 * writes too; a hit that changed them was
				 * one) */
};

/* The page ranges that page-protected watches (dr < 0) need: write
 * watches read-only, read and access watches no access; overlapping
 * ranges merge, no access winning. Sorted by address; out needs room for
 * n ranges. Returns how many. */
size_t watch_layout(const struct watch *w, size_t n, struct vm_prot_range *out);

/* The first watch whose bytes the access [gpa, gpa+len) touches and whose
 * kind cares about its direction, or NULL. */
const struct watch *watch_match(const struct watch *w, size_t n, uint64_t gpa,
				unsigned len, bool is_write);

/* The watch gdb means by (kind, gva, len), or NULL. */
struct watch *watch_find(struct watch *w, size_t n, enum watch_kind kind,
			 uint64_t gva, unsigned len);

#endif
