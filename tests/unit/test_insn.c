/* test_insn.c - the x86 decoder of src/insn.c against instructions as the
 * GNU assembler encodes them (bytes from `as` and `objdump -d`): the
 * memory each reads and writes, in 64-bit, 32-bit and 16-bit code, with
 * segment bases, RIP-relative operands behind immediates, and the
 * instructions that touch nothing. */
#include <string.h>

#include "insn.h"
#include "tap.h"

struct want {
	uint64_t addr;
	unsigned len, rw;
};

struct vec {
	const char *text;		/* what objdump printed */
	uint8_t code[16];
	size_t n;
	int count;			/* accesses, or -1: not decoded */
	struct want a[INSN_MAX_ACCESS];
};

#define R INSN_READ
#define W INSN_WRITE

static const struct vec v64[] = {
	{ "movzbl (%rdx),%eax", { 0x0f, 0xb6, 0x02 }, 3, 1, { { 0x4000, 1, R } } },
	{ "mov 0x10(%rip),%rbx", { 0x48, 0x8b, 0x1d, 0x10, 0, 0, 0 }, 7, 1,
	  { { 0x100000 + 7 + 0x10, 8, R } } },
	{ "lods %ds:(%rsi),%al", { 0xac }, 1, 1, { { 0x5000, 1, R } } },
	{ "cmpb $0x0,-0x2(%rsi,%rcx,1)", { 0x80, 0x7c, 0x0e, 0xfe, 0x00 }, 5, 1,
	  { { 0x5001, 1, R } } },
	{ "movdqu 0x20(%rip),%xmm0", { 0xf3, 0x0f, 0x6f, 0x05, 0x20, 0, 0, 0 }, 8, 1,
	  { { 0x100000 + 8 + 0x20, 16, R } } },
	{ "xlat %ds:(%rbx)", { 0xd7 }, 1, 1, { { 0x2000 + 0x34, 1, R } } },
	{ "movabs 0x1234567890,%al", { 0xa0, 0x90, 0x78, 0x56, 0x34, 0x12, 0, 0, 0 }, 9, 1,
	  { { 0x1234567890, 1, R } } },
	{ "pop %rax", { 0x58 }, 1, 1, { { 0x7000, 8, R } } },
	{ "push %rax", { 0x50 }, 1, 1, { { 0x6ff8, 8, W } } },
	{ "mov %eax,%fs:0x10", { 0x64, 0x89, 0x04, 0x25, 0x10, 0, 0, 0 }, 8, 1,
	  { { 0x10000010, 4, W } } },
	{ "mov (%r12),%rax", { 0x49, 0x8b, 0x04, 0x24 }, 4, 1, { { 0xa000, 8, R } } },
	{ "mov 0x8(%r13),%eax", { 0x41, 0x8b, 0x45, 0x08 }, 4, 1, { { 0xb008, 4, R } } },
	{ "lea 0x10(%rax),%rbx", { 0x48, 0x8d, 0x58, 0x10 }, 4, 0, { { 0 } } },
	{ "rep movsq", { 0xf3, 0x48, 0xa5 }, 3, 2, { { 0x5000, 8, R }, { 0x6000, 8, W } } },
	{ "addl $0x1,0x100(%rbx)", { 0x83, 0x83, 0x00, 0x01, 0, 0, 0x01 }, 7, 1,
	  { { 0x2100, 4, R | W } } },
	{ "call *0x8(%rax)", { 0xff, 0x50, 0x08 }, 3, 2, { { 0x103c, 8, R }, { 0x6ff8, 8, W } } },
	{ "ret", { 0xc3 }, 1, 1, { { 0x7000, 8, R } } },
	{ "movups %xmm1,(%rdi)", { 0x0f, 0x11, 0x0f }, 3, 1, { { 0x6000, 16, W } } },
	{ "fxsave (%rax)", { 0x0f, 0xae, 0x00 }, 3, 1, { { 0x1034, 512, W } } },
	{ "sgdt (%rax)", { 0x0f, 0x01, 0x00 }, 3, 1, { { 0x1034, 10, W } } },
	{ "prefetcht0 (%rax)", { 0x0f, 0x18, 0x08 }, 3, 0, { { 0 } } },
	{ "vmovdqu (%rsi),%ymm0", { 0xc5, 0xfe, 0x6f, 0x06 }, 4, 1, { { 0x5000, 32, R } } },
	{ "cmpxchg16b (%rdi)", { 0x48, 0x0f, 0xc7, 0x0f }, 4, 1, { { 0x6000, 16, R | W } } },
	{ "movsbl 0x1(%rsi,%rcx,4),%eax", { 0x0f, 0xbe, 0x44, 0x8e, 0x01 }, 5, 1,
	  { { 0x5000 + 12 + 1, 1, R } } },
	{ "cmpl $0x12345678,0x10(%rip)", { 0x81, 0x3d, 0x10, 0, 0, 0, 0x78, 0x56, 0x34, 0x12 }, 10, 1,
	  { { 0x100000 + 10 + 0x10, 4, R } } },
	{ "testb $0x1,0x10(%rip)", { 0xf6, 0x05, 0x10, 0, 0, 0, 0x01 }, 7, 1,
	  { { 0x100000 + 7 + 0x10, 1, R } } },
	{ "leave", { 0xc9 }, 1, 1, { { 0x8000, 8, R } } },
	{ "outb %al,$0xe9", { 0xe6, 0xe9 }, 2, 0, { { 0 } } },
	{ "bytes that run out", { 0x48, 0x8b }, 2, -1, { { 0 } } },
	{ "EVEX: not decoded", { 0x62, 0xf1, 0x7c, 0x48, 0x10, 0x06 }, 6, -1, { { 0 } } },
};

/* ds.base 0x100, ss.base 0x200, es.base 0x300 */
static const struct vec v32[] = {
	{ "movzbl (%edx),%eax", { 0x0f, 0xb6, 0x02 }, 3, 1, { { 0x4100, 1, R } } },
	{ "mov 0x1234,%ebx (absolute, not RIP-relative)", { 0x8b, 0x1d, 0x34, 0x12, 0, 0 }, 6, 1,
	  { { 0x1334, 4, R } } },
	{ "mov 0x0(%ebp),%eax (SS)", { 0x8b, 0x45, 0x00 }, 3, 1, { { 0x8200, 4, R } } },
	{ "movsb %ds:(%esi),%es:(%edi)", { 0xa4 }, 1, 2, { { 0x5100, 1, R }, { 0x6300, 1, W } } },
	{ "mov 0x10(%esp),%eax (SS)", { 0x8b, 0x44, 0x24, 0x10 }, 4, 1, { { 0x7210, 4, R } } },
	{ "mov 0x1234,%al (moffs32)", { 0xa0, 0x34, 0x12, 0, 0 }, 5, 1, { { 0x1334, 1, R } } },
	{ "addr16 mov (%bx,%si),%al", { 0x67, 0x8a, 0x00 }, 3, 1, { { 0x7100, 1, R } } },
	{ "push %eax", { 0x50 }, 1, 1, { { 0x71fc, 4, W } } },
	{ "mov 0x10(%eax),%ax", { 0x66, 0x8b, 0x40, 0x10 }, 4, 1, { { 0x1144, 2, R } } },
};

/* real mode: ds.base 0x1000, ss.base 0x2000 */
static const struct vec v16[] = {
	{ "mov (%bx,%si),%al", { 0x8a, 0x00 }, 2, 1, { { 0x1000 + 0x7000, 1, R } } },
	{ "mov 0x10(%bp),%ax (SS)", { 0x8b, 0x46, 0x10 }, 3, 1, { { 0x2000 + 0x8010, 2, R } } },
	{ "lods %ds:(%si),%al", { 0xac }, 1, 1, { { 0x1000 + 0x5000, 1, R } } },
	{ "addr32 mov (%edx),%eax", { 0x67, 0x66, 0x8b, 0x02 }, 4, 1, { { 0x1000 + 0x4000, 4, R } } },
};

static void run(const char *mode, const struct vec *v, size_t nv,
		const struct kvm_regs *r, const struct kvm_sregs *s)
{
	struct insn_access a[INSN_MAX_ACCESS];
	size_t i;
	int k, j;

	for (i = 0; i < nv; i++) {
		memset(a, 0, sizeof(a));
		k = insn_accesses(v[i].code, v[i].n, r, s, a);
		if (!ok(k == v[i].count, "%s: %s: %d access(es)", mode,
			v[i].text, v[i].count)) {
			tap_diag("decoded %d", k);
			continue;
		}
		for (j = 0; j < k; j++) {
			is_u64(a[j].addr, v[i].a[j].addr, "%s: %s: access %d at 0x%llx",
			       mode, v[i].text, j, (unsigned long long)v[i].a[j].addr);
			is_u64(a[j].len, v[i].a[j].len, "%s: %s: ... %u bytes", mode,
			       v[i].text, v[i].a[j].len);
			is_u64(a[j].rw, v[i].a[j].rw, "%s: %s: ... %s", mode, v[i].text,
			       v[i].a[j].rw == R ? "read" : v[i].a[j].rw == W ? "written" :
			       "read and written");
		}
	}
}

int main(void)
{
	struct kvm_regs r = {
		.rax = 0x1034, .rbx = 0x2000, .rcx = 3, .rdx = 0x4000,
		.rsi = 0x5000, .rdi = 0x6000, .rsp = 0x7000, .rbp = 0x8000,
		.r12 = 0xa000, .r13 = 0xb000, .rip = 0x100000,
	};
	struct kvm_sregs s;

	memset(&s, 0, sizeof(s));
	s.cr0 = 0x80000011;
	s.efer = 0x500;
	s.cs.l = 1;
	s.fs.base = 0x10000000;
	s.gs.base = 0x20000000;
	s.ds.base = 0x100;		/* ignored in 64-bit mode */
	run("64-bit", v64, sizeof(v64) / sizeof(v64[0]), &r, &s);

	s.cs.l = 0;
	s.cs.db = 1;
	s.ss.db = 1;
	s.efer = 0;
	s.cr0 = 0x11;
	s.ds.base = 0x100;
	s.ss.base = 0x200;
	s.es.base = 0x300;
	r.rsp = 0x7000;
	run("32-bit", v32, sizeof(v32) / sizeof(v32[0]), &r, &s);

	s.cr0 = 0x10;			/* real mode */
	s.cs.db = 0;
	s.ss.db = 0;
	s.ds.base = 0x1000;
	s.ss.base = 0x2000;
	run("16-bit", v16, sizeof(v16) / sizeof(v16[0]), &r, &s);
	return tap_done();
}
