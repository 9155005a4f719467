/* watch.c - the arithmetic behind page-protection watchpoints.
 *
 * Protection works on whole 4 KiB pages, so a watch on 8 bytes makes the
 * whole page exit to vmm; watch_match() then decides whether an access to
 * that page touched the watched bytes (stop) or only their neighbours
 * (complete it and run on). */
#include <stdlib.h>

#include "watch.h"

#define PAGE 4096ULL

static int cmp_range(const void *a, const void *b)
{
	const struct vm_prot_range *x = a, *y = b;

	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

size_t watch_layout(const struct watch *w, size_t n, struct vm_prot_range *out)
{
	struct vm_prot_range *last;
	size_t i, m = 0, k;

	for (i = 0; i < n; i++) {
		if (w[i].dr >= 0 || w[i].len == 0)
			continue;
		out[m].gpa = w[i].gpa & ~(PAGE - 1);
		out[m].len = ((w[i].gpa + w[i].len + PAGE - 1) & ~(PAGE - 1)) - out[m].gpa;
		out[m].prot = w[i].kind == WATCH_WRITE || w[i].tables ?
			      VM_PROT_RO : VM_PROT_NONE;
		m++;
	}
	qsort(out, m, sizeof(*out), cmp_range);
	for (i = 0, k = 0; i < m; i++) {
		last = k ? &out[k - 1] : NULL;
		if (last && out[i].gpa < last->gpa + last->len) {
			if (out[i].gpa + out[i].len > last->gpa + last->len)
				last->len = out[i].gpa + out[i].len - last->gpa;
			if (out[i].prot == VM_PROT_NONE)
				last->prot = VM_PROT_NONE;
			continue;
		}
		out[k++] = out[i];
	}
	return k;
}

const struct watch *watch_match(const struct watch *w, size_t n, uint64_t gpa,
				unsigned len, bool is_write)
{
	size_t i;

	/* Debug-register watches count too: an access vmm completes itself
	 * (its page is protected for another watch) never reaches the DRs. */
	for (i = 0; i < n; i++) {
		if (gpa >= w[i].gpa + w[i].len || gpa + len <= w[i].gpa)
			continue;
		if (w[i].kind == WATCH_ACCESS ||
		    (w[i].kind == WATCH_WRITE) == is_write)
			return &w[i];
	}
	return NULL;
}

struct watch *watch_find(struct watch *w, size_t n, enum watch_kind kind,
			 uint64_t gva, unsigned len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i].kind == kind && w[i].gva == gva && w[i].len == len)
			return &w[i];
	return NULL;
}
