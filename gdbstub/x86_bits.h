/* x86_bits.h - the names of the CR0, CR4 and EFER bits: the one table
 * (in x86_regs.c) behind target.xml's flags types, vmm's `monitor regs`
 * and its crash report. libc types only, so any of vmm may include it. */
#ifndef GDBSTUB_X86_BITS_H
#define GDBSTUB_X86_BITS_H

#include <stddef.h>
#include <stdint.h>

enum x86_bits_reg { X86_BITS_CR0, X86_BITS_CR4, X86_BITS_EFER };

/* " PE ET PG": the names of the bits set in value, each after a space,
 * into buf (always terminated). Returns the length written. */
size_t x86_bits_format(enum x86_bits_reg reg, uint64_t value, char *buf,
		       size_t len);

#endif
