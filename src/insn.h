/* insn.h - the guest memory one x86 instruction reads and writes.
 *
 * Just enough decoding (prefixes, REX, VEX, ModRM, SIB, displacement,
 * immediates; the operand size and direction of each opcode) to name
 * the data an instruction touches, for watchpoints the page-protection
 * strategy cannot see: a read by an instruction that runs from the
 * watched page itself (src/debug.c). Intel SDM vol. 2, chapter 2
 * (instruction format) and appendix A (opcode maps).
 */
#ifndef VMM_INSN_H
#define VMM_INSN_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INSN_MAX_LEN	15	/* the architectural limit */
#define INSN_MAX_ACCESS	3	/* e.g. movs: a read, a write; pop m: two */

enum {
	INSN_READ = 1,
	INSN_WRITE = 2,
};

struct insn_access {
	uint64_t addr;		/* linear: segment base + effective address */
	unsigned len;		/* bytes (an upper bound where it varies) */
	unsigned rw;		/* INSN_READ | INSN_WRITE */
};

/* Decode the instruction in code[0..n) at the vCPU's state r, s. The
 * number of memory accesses it makes, filled into out; -1 if the
 * encoding is not one this decoder knows (EVEX, 3DNow!'s odd corners,
 * bytes that run out). */
int insn_accesses(const uint8_t *code, size_t n, const struct kvm_regs *r,
		  const struct kvm_sregs *s,
		  struct insn_access out[INSN_MAX_ACCESS]);

#endif
