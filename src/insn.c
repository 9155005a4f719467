/* insn.c - the guest memory one x86 instruction reads and writes (insn.h).
 *
 * The decoder walks the instruction as the CPU does (SDM vol. 2, 2.1):
 * legacy prefixes, REX (64-bit mode), a VEX prefix, the opcode (one
 * byte, 0F, 0F 38, 0F 3A), ModRM, SIB, displacement, immediate. Each
 * opcode names its memory operand's size and whether it is read or
 * written; a few touch memory without ModRM (the stack, string
 * instructions, XLAT, MOV moffs). Sizes that depend on more than this
 * knows (x87 environments, XSAVE areas) are upper bounds.
 */
#include <string.h>

#include "insn.h"

enum { ES, CS, SS, DS, FS, GS };

#define RD	INSN_READ
#define WR	INSN_WRITE
#define RW	(INSN_READ | INSN_WRITE)

struct pend {			/* an access before the length is known */
	bool modrm;		/* at the ModRM operand (RIP-relative: + len) */
	uint64_t ea;		/* otherwise: the effective address */
	int seg;
	unsigned len, rw;
};

struct dec {
	const uint8_t *p;
	size_t n, i;
	const struct kvm_regs *r;
	const struct kvm_sregs *s;
	unsigned mode;		/* 16, 32 or 64 */
	unsigned osz, asz;	/* operand and address size, bytes */
	int seg;		/* a segment override, or -1 */
	uint8_t rex;
	uint8_t sse;		/* the mandatory prefix: 0, 0x66, 0xf3, 0xf2 */
	bool rep;
	bool vex;
	unsigned vex_l;		/* VEX.L: 256-bit */
	/* ModRM */
	unsigned mod, reg, rm;
	bool mem, riprel;
	uint64_t ea;
	int ea_seg;
	struct pend a[INSN_MAX_ACCESS];
	int na;
};

static int next(struct dec *d)
{
	return d->i < d->n ? d->p[d->i++] : -1;
}

static bool skip(struct dec *d, unsigned bytes)
{
	if (d->i + bytes > d->n)
		return false;
	d->i += bytes;
	return true;
}

static uint64_t le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = (v << 8) | p[bytes];
	return v;
}

/* A signed displacement of 1, 2 or 4 bytes. */
static bool disp(struct dec *d, unsigned bytes, uint64_t *v)
{
	uint64_t x;

	if (d->i + bytes > d->n)
		return false;
	x = le(d->p + d->i, bytes);
	d->i += bytes;
	if (bytes == 1)
		x = (uint64_t)(int64_t)(int8_t)x;
	else if (bytes == 2)
		x = (uint64_t)(int64_t)(int16_t)x;
	else
		x = (uint64_t)(int64_t)(int32_t)x;
	*v += x;
	return true;
}

/* General register n in ModRM/SIB numbering: rax rcx rdx rbx rsp rbp rsi
 * rdi r8-r15. */
static uint64_t gpr(const struct kvm_regs *r, unsigned n)
{
	const uint64_t v[16] = {
		r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
		r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
	};

	return v[n & 15];
}

static uint64_t seg_base(const struct dec *d, int seg)
{
	const struct kvm_segment *t[] = {
		&d->s->es, &d->s->cs, &d->s->ss, &d->s->ds, &d->s->fs, &d->s->gs,
	};

	if (d->mode == 64 && seg != FS && seg != GS)
		return 0;
	return t[seg]->base;
}

static uint64_t amask(unsigned bytes)
{
	return bytes == 8 ? UINT64_MAX : bytes == 4 ? 0xffffffffULL : 0xffffULL;
}

static void add(struct dec *d, bool modrm, uint64_t ea, int seg,
		unsigned len, unsigned rw)
{
	if (d->na < INSN_MAX_ACCESS)
		d->a[d->na++] = (struct pend){ modrm, ea, seg, len, rw };
}

/* The ModRM operand, if it is memory. */
static void operand(struct dec *d, unsigned len, unsigned rw)
{
	if (d->mem && rw && len)
		add(d, true, 0, d->seg >= 0 ? d->seg : d->ea_seg, len, rw);
}

/* The stack: len bytes at rsp + off (a pop reads at 0, a push writes at
 * -len). */
static void stack(struct dec *d, int64_t off, unsigned len, unsigned rw)
{
	unsigned sp = d->mode == 64 ? 8 : d->s->ss.db ? 4 : 2;

	add(d, false, (d->r->rsp + (uint64_t)off) & amask(sp), SS, len, rw);
}

/* The stack's operand size: push, pop, call, ret. */
static unsigned ssz(const struct dec *d)
{
	if (d->mode == 64)
		return d->osz == 2 ? 2 : 8;
	return d->osz;
}

static bool modrm(struct dec *d)
{
	int b = next(d), sib;
	unsigned base, index;
	bool has_base = true;

	if (b < 0)
		return false;
	d->mod = (unsigned)b >> 6;
	d->reg = ((unsigned)b >> 3) & 7;
	d->rm = (unsigned)b & 7;
	d->mem = d->mod != 3;
	if (!d->mem)
		return true;
	d->ea = 0;
	d->ea_seg = DS;
	if (d->asz == 2) {	/* SDM vol. 2, table 2-1 */
		static const signed char b16[8] = { 3, 3, 5, 5, 6, 7, 5, 3 };
		static const signed char i16[8] = { 6, 7, 6, 7, -1, -1, -1, -1 };

		if (d->mod == 0 && d->rm == 6)
			return disp(d, 2, &d->ea);
		d->ea = gpr(d->r, b16[d->rm]) +
			(i16[d->rm] >= 0 ? gpr(d->r, i16[d->rm]) : 0);
		if (d->rm == 2 || d->rm == 3 || d->rm == 6)
			d->ea_seg = SS;
		return d->mod == 0 || disp(d, d->mod == 1 ? 1 : 2, &d->ea);
	}
	base = d->rm | (d->rex & 1 ? 8 : 0);
	if (d->rm == 4) {	/* SIB: table 2-3 */
		if ((sib = next(d)) < 0)
			return false;
		index = (((unsigned)sib >> 3) & 7) | (d->rex & 2 ? 8 : 0);
		base = ((unsigned)sib & 7) | (d->rex & 1 ? 8 : 0);
		if (index != 4)
			d->ea += gpr(d->r, index) << ((unsigned)sib >> 6);
		if ((sib & 7) == 5 && d->mod == 0) {
			has_base = false;
			if (!disp(d, 4, &d->ea))
				return false;
		}
	} else if (d->rm == 5 && d->mod == 0) {
		has_base = false;
		d->riprel = d->mode == 64;
		if (!disp(d, 4, &d->ea))
			return false;
	}
	if (has_base) {
		d->ea += gpr(d->r, base);
		if (base == 4 || base == 5)
			d->ea_seg = SS;
	}
	return d->mod == 0 || disp(d, d->mod == 1 ? 1 : 4, &d->ea);
}

/* The immediate of the operand size, at most 4 bytes (imm16/imm32). */
static unsigned immz(const struct dec *d)
{
	return d->osz == 2 ? 2 : 4;
}

/* The size of a packed SIMD operand: 16 bytes for SSE (66, F3, F2 or
 * none with an XMM register), 8 for MMX; VEX: 16 or 32. */
static unsigned simd(const struct dec *d, bool mmx_without_66)
{
	if (d->vex)
		return d->vex_l ? 32 : 16;
	return mmx_without_66 && !d->sse ? 8 : 16;
}

/* SSE arithmetic: packed 16 (or VEX 32), F3 scalar single 4, F2 scalar
 * double 8. */
static unsigned sse_arith(const struct dec *d)
{
	if (d->sse == 0xf3)
		return 4;
	if (d->sse == 0xf2)
		return 8;
	return simd(d, false);
}

/* String instructions: rsi (seg DS or its override), rdi (ES). */
static void string(struct dec *d, unsigned len, bool src, bool dst,
		   unsigned dst_rw)
{
	uint64_t m = amask(d->asz);

	if (d->rep && !(d->r->rcx & m))
		return;		/* a count of zero touches nothing */
	if (src)
		add(d, false, d->r->rsi & m, d->seg >= 0 ? d->seg : DS, len, RD);
	if (dst)
		add(d, false, d->r->rdi & m, ES, len, dst_rw);
}

static bool one_byte(struct dec *d, unsigned op)
{
	unsigned v = d->osz, b = op & 1 ? v : 1;

	if (op < 0x40 && (op & 7) < 6) {	/* ALU: add or adc sbb and sub xor cmp */
		switch (op & 7) {
		case 4:
			return skip(d, 1);
		case 5:
			return skip(d, immz(d));
		default:
			if (!modrm(d))
				return false;
			operand(d, b, (op & 2) || (op >> 3) == 7 ? RD : RW);
			return true;
		}
	}
	if (op >= 0x50 && op <= 0x57) {
		stack(d, -(int64_t)ssz(d), ssz(d), WR);
		return true;
	}
	if (op >= 0x58 && op <= 0x5f) {
		stack(d, 0, ssz(d), RD);
		return true;
	}
	if (op >= 0x70 && op <= 0x7f)
		return skip(d, 1);
	if (op >= 0x91 && op <= 0x99)
		return true;
	if (op >= 0xb0 && op <= 0xb7)
		return skip(d, 1);
	if (op >= 0xb8 && op <= 0xbf)
		return skip(d, d->rex & 8 ? 8 : immz(d));
	if (op >= 0xd8 && op <= 0xdf) {		/* x87 */
		static const unsigned char sz[8] = { 4, 4, 4, 4, 8, 8, 2, 2 };
		unsigned len = sz[op - 0xd8], rw = RD;

		if (!modrm(d))
			return false;
		if (!(op & 1))			/* D8 DA DC DE: arithmetic */
			rw = RD;
		else if (d->reg == 1 || d->reg == 2 || d->reg == 3)
			rw = WR;		/* fisttp, fst, fstp */
		else if (d->reg >= 6)
			rw = WR;		/* fnstenv fnsave fbstp, fnstcw fnstsw fstp fistp */
		if (op == 0xdb && d->reg >= 5)
			len = 10;
		if ((op == 0xd9 || op == 0xdd) && (d->reg == 4 || d->reg == 6))
			len = 108;		/* environment, state */
		if (op == 0xdf && (d->reg == 4 || d->reg == 6))
			len = 10;
		if (op == 0xdf && (d->reg == 5 || d->reg == 7))
			len = 8;
		operand(d, len, rw);
		return true;
	}
	switch (op) {
	case 0x06: case 0x0e: case 0x16: case 0x1e:	/* push seg */
		if (d->mode == 64)
			return false;
		stack(d, -(int64_t)ssz(d), ssz(d), WR);
		return true;
	case 0x07: case 0x17: case 0x1f:		/* pop seg */
		if (d->mode == 64)
			return false;
		stack(d, 0, ssz(d), RD);
		return true;
	case 0x27: case 0x2f: case 0x37: case 0x3f:	/* daa das aaa aas */
		return d->mode != 64;
	case 0x40: case 0x41: case 0x42: case 0x43:	/* inc, dec (not REX: */
	case 0x44: case 0x45: case 0x46: case 0x47:	/* those are prefixes) */
	case 0x48: case 0x49: case 0x4a: case 0x4b:
	case 0x4c: case 0x4d: case 0x4e: case 0x4f:
		return true;
	case 0x60:					/* pusha */
		stack(d, -8 * (int64_t)v, 8 * v, WR);
		return d->mode != 64;
	case 0x61:					/* popa */
		stack(d, 0, 8 * v, RD);
		return d->mode != 64;
	case 0x62:					/* bound (EVEX in 64-bit) */
		if (d->mode == 64 || !modrm(d))
			return false;
		operand(d, 2 * v, RD);
		return true;
	case 0x63:					/* movsxd, arpl */
		if (!modrm(d))
			return false;
		operand(d, d->mode == 64 ? 4 : 2, d->mode == 64 ? RD : RW);
		return true;
	case 0x68:
		stack(d, -(int64_t)ssz(d), ssz(d), WR);
		return skip(d, immz(d));
	case 0x6a:
		stack(d, -(int64_t)ssz(d), ssz(d), WR);
		return skip(d, 1);
	case 0x69: case 0x6b:				/* imul r, r/m, imm */
		if (!modrm(d))
			return false;
		operand(d, v, RD);
		return skip(d, op == 0x69 ? immz(d) : 1);
	case 0x6c: case 0x6d:				/* ins */
		string(d, op & 1 ? (v > 4 ? 4 : v) : 1, false, true, WR);
		return true;
	case 0x6e: case 0x6f:				/* outs */
		string(d, op & 1 ? (v > 4 ? 4 : v) : 1, true, false, 0);
		return true;
	case 0x80: case 0x81: case 0x82: case 0x83:	/* group 1 */
		if (!modrm(d))
			return false;
		operand(d, op == 0x81 || op == 0x83 ? v : 1, d->reg == 7 ? RD : RW);
		return skip(d, op == 0x81 ? immz(d) : 1);
	case 0x84: case 0x85:				/* test */
		if (!modrm(d))
			return false;
		operand(d, b, RD);
		return true;
	case 0x86: case 0x87:				/* xchg */
		if (!modrm(d))
			return false;
		operand(d, b, RW);
		return true;
	case 0x88: case 0x89:
		if (!modrm(d))
			return false;
		operand(d, b, WR);
		return true;
	case 0x8a: case 0x8b:
		if (!modrm(d))
			return false;
		operand(d, b, RD);
		return true;
	case 0x8c:					/* mov r/m, sreg */
		if (!modrm(d))
			return false;
		operand(d, 2, WR);
		return true;
	case 0x8d:					/* lea: no access */
		return modrm(d);
	case 0x8e:					/* mov sreg, r/m */
		if (!modrm(d))
			return false;
		operand(d, 2, RD);
		return true;
	case 0x8f:					/* pop r/m */
		if (!modrm(d))
			return false;
		stack(d, 0, ssz(d), RD);
		operand(d, ssz(d), WR);
		return true;
	case 0x90: case 0x9b: case 0x9e: case 0x9f:
		return true;
	case 0x9a:					/* call far ptr16:v */
		if (d->mode == 64)
			return false;
		stack(d, -2 * (int64_t)v, 2 * v, WR);
		return skip(d, v + 2);
	case 0x9c:					/* pushf */
		stack(d, -(int64_t)ssz(d), ssz(d), WR);
		return true;
	case 0x9d:					/* popf */
		stack(d, 0, ssz(d), RD);
		return true;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3: {	/* mov moffs */
		uint64_t off;

		if (d->i + d->asz > d->n)
			return false;
		off = le(d->p + d->i, d->asz);
		d->i += d->asz;
		add(d, false, off, d->seg >= 0 ? d->seg : DS, b, op & 2 ? WR : RD);
		return true;
	}
	case 0xa4: case 0xa5:				/* movs */
		string(d, b, true, true, WR);
		return true;
	case 0xa6: case 0xa7:				/* cmps */
		string(d, b, true, true, RD);
		return true;
	case 0xa8:
		return skip(d, 1);
	case 0xa9:
		return skip(d, immz(d));
	case 0xaa: case 0xab:				/* stos */
		string(d, b, false, true, WR);
		return true;
	case 0xac: case 0xad:				/* lods */
		string(d, b, true, false, 0);
		return true;
	case 0xae: case 0xaf:				/* scas */
		string(d, b, false, true, RD);
		return true;
	case 0xc0: case 0xc1:				/* shifts by imm8 */
		if (!modrm(d))
			return false;
		operand(d, b, RW);
		return skip(d, 1);
	case 0xc2:					/* ret imm16 */
		stack(d, 0, ssz(d), RD);
		return skip(d, 2);
	case 0xc3:
		stack(d, 0, ssz(d), RD);
		return true;
	case 0xc4: case 0xc5:				/* les, lds */
		if (d->mode == 64 || !modrm(d))
			return false;
		operand(d, v + 2, RD);
		return true;
	case 0xc6: case 0xc7:				/* mov r/m, imm */
		if (!modrm(d))
			return false;
		operand(d, b, WR);
		return skip(d, op == 0xc7 ? immz(d) : 1);
	case 0xc8:					/* enter */
		stack(d, -(int64_t)ssz(d), ssz(d), WR);
		return skip(d, 3);
	case 0xc9:					/* leave: pops at rbp */
		add(d, false, d->r->rbp & amask(d->mode == 64 ? 8 : d->s->ss.db ? 4 : 2),
		    SS, ssz(d), RD);
		return true;
	case 0xca:					/* retf imm16 */
		stack(d, 0, 2 * v, RD);
		return skip(d, 2);
	case 0xcb:
		stack(d, 0, 2 * v, RD);
		return true;
	case 0xcc: case 0xce: case 0xf1: case 0xf4: case 0xf5:
	case 0xf8: case 0xf9: case 0xfa: case 0xfb: case 0xfc: case 0xfd:
	case 0xd6: case 0xec: case 0xed: case 0xee: case 0xef:
		return true;
	case 0xcd:
		return skip(d, 1);
	case 0xcf:					/* iret */
		stack(d, 0, (d->mode == 64 ? 5 : 3) * ssz(d), RD);
		return true;
	case 0xd0: case 0xd1: case 0xd2: case 0xd3:	/* shifts by 1, cl */
		if (!modrm(d))
			return false;
		operand(d, b, RW);
		return true;
	case 0xd4: case 0xd5:				/* aam, aad */
		return d->mode != 64 && skip(d, 1);
	case 0xd7:					/* xlat */
		add(d, false, (d->r->rbx + (d->r->rax & 0xff)) & amask(d->asz),
		    d->seg >= 0 ? d->seg : DS, 1, RD);
		return true;
	case 0xe0: case 0xe1: case 0xe2: case 0xe3:	/* loop, jcxz */
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:	/* in, out imm8 */
	case 0xeb:
		return skip(d, 1);
	case 0xe8:					/* call rel */
		stack(d, -(int64_t)ssz(d), ssz(d), WR);
		return skip(d, immz(d));
	case 0xe9:
		return skip(d, immz(d));
	case 0xea:					/* jmp far ptr16:v */
		return d->mode != 64 && skip(d, v + 2);
	case 0xf6: case 0xf7:				/* group 3 */
		if (!modrm(d))
			return false;
		operand(d, b, d->reg == 2 || d->reg == 3 ? RW : RD);
		return d->reg > 1 || skip(d, op == 0xf7 ? immz(d) : 1);
	case 0xfe:					/* inc, dec r/m8 */
		if (!modrm(d))
			return false;
		operand(d, 1, RW);
		return true;
	case 0xff:					/* group 5 */
		if (!modrm(d))
			return false;
		switch (d->reg) {
		case 0: case 1:
			operand(d, v, RW);
			break;
		case 2:					/* call near r/m */
			operand(d, d->mode == 64 ? 8 : v, RD);
			stack(d, -(int64_t)ssz(d), ssz(d), WR);
			break;
		case 3: case 5:				/* call/jmp far m16:v */
			operand(d, v + 2, RD);
			break;
		case 4:					/* jmp near r/m */
			operand(d, d->mode == 64 ? 8 : v, RD);
			break;
		case 6:					/* push r/m */
			operand(d, ssz(d), RD);
			stack(d, -(int64_t)ssz(d), ssz(d), WR);
			break;
		default:
			return false;
		}
		return true;
	}
	return false;
}

/* 0F xx (and VEX map 1). */
static bool two_byte(struct dec *d, unsigned op)
{
	unsigned v = d->osz;

	if (op >= 0x80 && op <= 0x8f)			/* jcc rel */
		return skip(d, immz(d));
	if (op >= 0xc8 && op <= 0xcf)			/* bswap */
		return true;
	switch (op) {
	case 0x05: case 0x06: case 0x07: case 0x08: case 0x09: case 0x0b:
	case 0x0e: case 0x30: case 0x31: case 0x32: case 0x33: case 0x34:
	case 0x35: case 0x37: case 0x77: case 0xa2: case 0xaa:
		return true;
	case 0xa0: case 0xa8:				/* push fs, gs */
		stack(d, -(int64_t)ssz(d), ssz(d), WR);
		return true;
	case 0xa1: case 0xa9:				/* pop fs, gs */
		stack(d, 0, ssz(d), RD);
		return true;
	}
	if (!modrm(d))
		return false;
	if (op >= 0x40 && op <= 0x4f) {			/* cmovcc */
		operand(d, v, RD);
		return true;
	}
	if (op >= 0x90 && op <= 0x9f) {			/* setcc */
		operand(d, 1, WR);
		return true;
	}
	if ((op >= 0x60 && op <= 0x6d) || (op >= 0x74 && op <= 0x76) ||
	    (op >= 0xd0 && op <= 0xfe && op != 0xd6 && op != 0xd7 &&
	     op != 0xe7 && op != 0xf7)) {		/* SIMD integer */
		operand(d, op == 0xf0 ? 16 : simd(d, true), RD);
		return true;
	}
	if (op >= 0x51 && op <= 0x5f) {			/* SSE arithmetic */
		operand(d, sse_arith(d), RD);
		return true;
	}
	switch (op) {
	case 0x00:					/* sldt str lldt ltr verr verw */
		operand(d, 2, d->reg < 2 ? WR : RD);
		return true;
	case 0x01:
		if (!d->mem)
			return true;			/* vmcall, swapgs, ... */
		if (d->reg <= 3)			/* sgdt sidt lgdt lidt */
			operand(d, d->mode == 64 ? 10 : 6, d->reg < 2 ? WR : RD);
		else if (d->reg == 4 || d->reg == 6)	/* smsw, lmsw */
			operand(d, 2, d->reg == 4 ? WR : RD);
		return true;				/* 7: invlpg, no access */
	case 0x02: case 0x03:				/* lar, lsl */
		operand(d, 2, RD);
		return true;
	case 0x0d: case 0x18: case 0x19: case 0x1a: case 0x1b:
	case 0x1c: case 0x1d: case 0x1e: case 0x1f:	/* prefetch, hints, nop */
	case 0x20: case 0x21: case 0x22: case 0x23:	/* mov cr, dr */
	case 0x50: case 0x71: case 0x72: case 0x73:	/* register-only */
	case 0xc5: case 0xd7: case 0xb9: case 0xff:
		if (op >= 0x71 && op <= 0x73)
			return skip(d, 1);
		if (op == 0xc5)
			return skip(d, 1);
		return true;
	case 0x10: case 0x11:				/* movups/upd/ss/sd */
		operand(d, sse_arith(d), op & 1 ? WR : RD);
		return true;
	case 0x12: case 0x16:				/* movlps, movhps, movsldup, movddup */
		operand(d, d->sse == 0xf3 ? simd(d, false) : 8, RD);
		return true;
	case 0x13: case 0x17:
		operand(d, 8, WR);
		return true;
	case 0x14: case 0x15:				/* unpck */
		operand(d, simd(d, false), RD);
		return true;
	case 0x28:					/* movaps/apd */
		operand(d, simd(d, false), RD);
		return true;
	case 0x29: case 0x2b:				/* movaps store, movntps */
		operand(d, simd(d, false), WR);
		return true;
	case 0x2a:					/* cvtpi2ps, cvtsi2ss/sd */
		operand(d, d->sse == 0xf3 || d->sse == 0xf2 ? (d->rex & 8 ? 8 : 4) : 8, RD);
		return true;
	case 0x2c: case 0x2d:				/* cvt(t)ps2pi, ss2si, sd2si */
		operand(d, d->sse == 0xf3 ? 4 : d->sse == 0x66 ? 16 : 8, RD);
		return true;
	case 0x2e: case 0x2f:				/* (u)comiss/sd */
		operand(d, d->sse == 0x66 ? 8 : 4, RD);
		return true;
	case 0x6e:					/* movd/movq to (x)mm */
		operand(d, d->rex & 8 ? 8 : 4, RD);
		return true;
	case 0x6f:					/* movq mm, movdqa, movdqu */
		operand(d, simd(d, true), RD);
		return true;
	case 0x70:					/* pshuf* */
		operand(d, simd(d, true), RD);
		return skip(d, 1);
	case 0x7c: case 0x7d:				/* haddpd, hsubpd */
		operand(d, simd(d, false), RD);
		return true;
	case 0x7e:					/* movd/movq from, F3: movq to xmm */
		if (d->sse == 0xf3)
			operand(d, 8, RD);
		else
			operand(d, d->rex & 8 ? 8 : 4, WR);
		return true;
	case 0x7f:					/* movq mm store, movdqa/u store */
		operand(d, simd(d, true), WR);
		return true;
	case 0xa3:					/* bt r/m, r */
		operand(d, v, RD);
		return true;
	case 0xa4: case 0xac:				/* shld, shrd imm8 */
		operand(d, v, RW);
		return skip(d, 1);
	case 0xa5: case 0xad: case 0xab: case 0xb3: case 0xbb:
		operand(d, v, RW);			/* shld/shrd cl, bts btr btc */
		return true;
	case 0xae:
		if (!d->mem)
			return true;			/* fences */
		switch (d->reg) {
		case 0: operand(d, 512, WR); break;	/* fxsave */
		case 1: operand(d, 512, RD); break;	/* fxrstor */
		case 2: operand(d, 4, RD); break;	/* ldmxcsr */
		case 3: operand(d, 4, WR); break;	/* stmxcsr */
		case 4: case 6: operand(d, 4096, WR); break;	/* xsave(opt) */
		case 5: operand(d, 4096, RD); break;	/* xrstor */
		default: break;				/* clflush */
		}
		return true;
	case 0xaf:					/* imul r, r/m */
	case 0xbc: case 0xbd: case 0xb8:		/* bsf bsr tzcnt lzcnt popcnt */
		operand(d, v, RD);
		return true;
	case 0xb0: case 0xb1:				/* cmpxchg */
	case 0xc0: case 0xc1:				/* xadd */
		operand(d, op & 1 ? v : 1, RW);
		return true;
	case 0xb2: case 0xb4: case 0xb5:		/* lss lfs lgs */
		operand(d, v + 2, RD);
		return true;
	case 0xb6: case 0xbe:				/* movzx, movsx r, r/m8 */
		operand(d, 1, RD);
		return true;
	case 0xb7: case 0xbf:
		operand(d, 2, RD);
		return true;
	case 0xba:					/* bt group, imm8 */
		operand(d, v, d->reg == 4 ? RD : RW);
		return skip(d, 1);
	case 0xc2:					/* cmpps/ss/pd/sd */
		operand(d, sse_arith(d), RD);
		return skip(d, 1);
	case 0xc3:					/* movnti */
		operand(d, v, WR);
		return true;
	case 0xc4:					/* pinsrw */
		operand(d, 2, RD);
		return skip(d, 1);
	case 0xc6:					/* shufps/pd */
		operand(d, simd(d, false), RD);
		return skip(d, 1);
	case 0xc7:
		if (!d->mem)
			return true;			/* rdrand, rdseed */
		if (d->reg == 1)			/* cmpxchg8b/16b */
			operand(d, d->rex & 8 ? 16 : 8, RW);
		else if (d->reg == 6 || d->reg == 7)	/* vmptrld, vmptrst */
			operand(d, 8, d->reg == 6 ? RD : WR);
		return true;
	case 0xd6:					/* movq xmm store */
		operand(d, 8, WR);
		return true;
	case 0xe7:					/* movntq, movntdq */
		operand(d, simd(d, true), WR);
		return true;
	case 0xf7:					/* maskmovq: writes at rdi */
		add(d, false, d->r->rdi & amask(d->asz), d->seg >= 0 ? d->seg : DS,
		    simd(d, true), WR);
		return true;
	case 0x78: case 0x79:				/* vmread, vmwrite */
		operand(d, 8, op == 0x78 ? WR : RD);
		return true;
	}
	return false;
}

/* 0F 38 and 0F 3A (VEX maps 2 and 3): ModRM, 0F 3A with an imm8. */
static bool three_byte(struct dec *d, unsigned map, unsigned op)
{
	if (!modrm(d))
		return false;
	if (map == 2 && (op == 0xf0 || op == 0xf1) && !d->vex) {
		if (d->sse == 0xf2)			/* crc32 */
			operand(d, op & 1 ? d->osz : 1, RD);
		else					/* movbe */
			operand(d, d->osz, op & 1 ? WR : RD);
		return true;
	}
	if (map == 3 && op >= 0x14 && op <= 0x17 && !d->vex) {	/* pextr*, extractps */
		operand(d, op == 0x14 ? 1 : op == 0x15 ? 2 : 4, WR);
		return skip(d, 1);
	}
	operand(d, simd(d, true), RD);
	return map != 3 || skip(d, 1);
}

int insn_accesses(const uint8_t *code, size_t n, const struct kvm_regs *r,
		  const struct kvm_sregs *s, struct insn_access out[INSN_MAX_ACCESS])
{
	struct dec d;
	int op, b, i;
	unsigned map = 1;
	bool opsize = false, adsize = false, ok;

	memset(&d, 0, sizeof(d));
	d.p = code;
	d.n = n < INSN_MAX_LEN ? n : INSN_MAX_LEN;
	d.r = r;
	d.s = s;
	d.seg = -1;
	d.mode = !(s->cr0 & 1) ? 16 : s->cs.l && (s->efer & (1u << 10)) ? 64 :
		 s->cs.db ? 32 : 16;
	for (;;) {			/* legacy prefixes */
		if ((op = next(&d)) < 0)
			return -1;
		switch (op) {
		case 0x26: d.seg = ES; continue;
		case 0x2e: d.seg = CS; continue;
		case 0x36: d.seg = SS; continue;
		case 0x3e: d.seg = DS; continue;
		case 0x64: d.seg = FS; continue;
		case 0x65: d.seg = GS; continue;
		case 0x66: opsize = true; if (!d.sse) d.sse = 0x66; continue;
		case 0x67: adsize = true; continue;
		case 0xf0: continue;
		case 0xf2: case 0xf3: d.rep = true; d.sse = (uint8_t)op; continue;
		}
		break;
	}
	if (d.mode == 64 && (op & 0xf0) == 0x40) {	/* REX: the last prefix */
		d.rex = (uint8_t)op;
		if ((op = next(&d)) < 0)
			return -1;
	}
	if (d.mode == 64)
		d.asz = adsize ? 4 : 8;
	else
		d.asz = (d.mode == 32) != adsize ? 4 : 2;
	if (d.mode == 64)
		d.osz = d.rex & 8 ? 8 : opsize ? 2 : 4;
	else
		d.osz = (d.mode == 32) != opsize ? 4 : 2;
	/* VEX: C4/C5, which outside 64-bit mode are LES/LDS unless the next
	 * byte would be a register ModRM (SDM vol. 2, 2.3.3) */
	if ((op == 0xc4 || op == 0xc5) && d.i < d.n &&
	    (d.mode == 64 || (d.p[d.i] & 0xc0) == 0xc0)) {
		static const uint8_t pp[4] = { 0, 0x66, 0xf3, 0xf2 };

		d.vex = true;
		if ((b = next(&d)) < 0)
			return -1;
		if (op == 0xc5) {
			d.rex = (uint8_t)(b & 0x80 ? 0 : 4);
		} else {
			map = (unsigned)b & 0x1f;
			d.rex = (uint8_t)((b & 0x80 ? 0 : 4) | (b & 0x40 ? 0 : 2) |
					  (b & 0x20 ? 0 : 1));
			if ((b = next(&d)) < 0)
				return -1;
			if (b & 0x80)
				d.rex |= 8;
		}
		d.vex_l = ((unsigned)b >> 2) & 1;
		d.sse = pp[b & 3];
		if (d.mode == 64 && (d.rex & 8))
			d.osz = 8;
		if ((op = next(&d)) < 0 || map < 1 || map > 3)
			return -1;
	} else if (op == 0x0f) {
		if ((op = next(&d)) < 0)
			return -1;
		if (op == 0x38 || op == 0x3a) {
			map = op == 0x38 ? 2 : 3;
			if ((op = next(&d)) < 0)
				return -1;
		}
		if (op == 0x0f && map == 1)
			return -1;		/* 3DNow! */
	} else {
		map = 0;
	}
	if (map == 0)
		ok = one_byte(&d, (unsigned)op);
	else if (map == 1)
		ok = two_byte(&d, (unsigned)op);
	else
		ok = three_byte(&d, map, (unsigned)op);
	if (!ok)
		return -1;
	for (i = 0; i < d.na; i++) {
		const struct pend *p = &d.a[i];
		uint64_t ea = p->modrm ? d.ea : p->ea;

		if (p->modrm && d.riprel)
			ea += r->rip + d.i;
		if (p->modrm)
			ea &= amask(d.asz);
		ea += seg_base(&d, p->seg);
		if (d.mode != 64)
			ea &= 0xffffffffULL;
		out[i] = (struct insn_access){ ea, p->len, p->rw };
	}
	return d.na;
}
