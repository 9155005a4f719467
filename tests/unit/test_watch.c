/* test_watch.c - watchpoint bookkeeping without KVM: which pages get which
 * protection, and which accesses hit a watch. */
#include <string.h>

#include "tap.h"
#include "watch.h"

static struct watch W(uint64_t gpa, unsigned len, enum watch_kind kind)
{
	return (struct watch){ .gva = gpa, .gpa = gpa, .len = len,
			       .kind = kind, .dr = -1 };
}

static void test_layout(void)
{
	struct vm_prot_range r[8];
	struct watch w[6];
	size_t n;

	w[0] = W(0x400, 8, WATCH_WRITE);
	n = watch_layout(w, 1, r);
	is_u64(n, 1, "one write watch: one range");
	is_u64(r[0].gpa, 0x0, "... its page");
	is_u64(r[0].len, 0x1000, "... one page long");
	is_u64(r[0].prot, VM_PROT_RO, "... read-only");

	w[1] = W(0x408, 8, WATCH_READ);
	n = watch_layout(w, 2, r);
	is_u64(n, 1, "a read watch on the same page: pages shared, one range");
	is_u64(r[0].prot, VM_PROT_NONE, "... and no access wins over read-only");

	w[2] = W(0x3ffc, 8, WATCH_WRITE);	/* straddles two pages */
	n = watch_layout(w + 2, 1, r);
	is_u64(n, 1, "a watch across a page boundary");
	is_u64(r[0].gpa, 0x3000, "... starts at the first page");
	is_u64(r[0].len, 0x2000, "... and covers both pages");

	w[3] = W(0x5000, 4, WATCH_ACCESS);
	w[4] = W(0x1000, 1, WATCH_WRITE);
	w[5] = W(0x9000, 1, WATCH_WRITE);
	w[5].dr = 2;				/* in a debug register */
	n = watch_layout(w, 6, r);
	is_u64(n, 4, "four separate ranges, the DR watch left out");
	ok(r[0].gpa == 0x0 && r[1].gpa == 0x1000 && r[2].gpa == 0x3000 &&
	   r[3].gpa == 0x5000, "sorted by address");
	is_u64(r[3].prot, VM_PROT_NONE, "an access watch takes the page away");
	is_u64(r[1].prot, VM_PROT_RO, "an adjacent write watch stays read-only");

	n = watch_layout(w, 0, r);
	is_u64(n, 0, "no watches: no ranges (all RAM plain)");
}

static void test_match(void)
{
	struct watch w[3];

	w[0] = W(0x400, 8, WATCH_WRITE);
	w[1] = W(0x800, 4, WATCH_READ);
	w[2] = W(0xc00, 2, WATCH_ACCESS);

	ok(watch_match(w, 3, 0x400, 8, true) == &w[0], "a write of the watched bytes hits");
	ok(watch_match(w, 3, 0x404, 1, true) == &w[0], "a write of one of them hits");
	ok(watch_match(w, 3, 0x3fc, 8, true) == &w[0], "a write overlapping from below hits");
	ok(!watch_match(w, 3, 0x3f8, 8, true), "a write just below misses");
	ok(!watch_match(w, 3, 0x408, 8, true), "a write just above misses");
	ok(!watch_match(w, 3, 0x400, 8, false), "a read of a write-watched word runs on");
	ok(watch_match(w, 3, 0x800, 4, false) == &w[1], "a read of a read watch hits");
	ok(!watch_match(w, 3, 0x800, 4, true), "a write of a read watch runs on");
	ok(watch_match(w, 3, 0xc01, 1, false) == &w[2], "an access watch hits on reads");
	ok(watch_match(w, 3, 0xc00, 2, true) == &w[2], "... and on writes");
	w[2].dr = 0;
	ok(watch_match(w, 3, 0xc00, 2, true) == &w[2],
	   "a DR watch on a trapped page still hits: vmm did the access, not the CPU");
}

static void test_find(void)
{
	struct watch w[2];

	w[0] = W(0x400, 8, WATCH_WRITE);
	w[1] = W(0x400, 8, WATCH_READ);
	ok(watch_find(w, 2, WATCH_READ, 0x400, 8) == &w[1], "find by kind, address and length");
	ok(!watch_find(w, 2, WATCH_ACCESS, 0x400, 8), "other kind: not found");
	ok(!watch_find(w, 2, WATCH_WRITE, 0x400, 4), "other length: not found");
}

int main(void)
{
	test_layout();
	test_match();
	test_find();
	return tap_done();
}
