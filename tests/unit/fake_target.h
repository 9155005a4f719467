/* fake_target.h - a complete reference target for libgdbstub.
 *
 * RAM, an x86 register file, a breakpoint list, and a toy instruction set
 * in which every instruction is one byte, so stops are easy to predict:
 *
 *   0xf4  hlt        the target exits with status al (W reply)
 *   0xeb  jmp $      spins: only ^C stops it
 *   0x88  mov [rbx],al   a write (watchpoints Z2, Z4)
 *   0x8a  mov al,[rbx]   a read (watchpoints Z3, Z4)
 *   0xcc  int3       a software breakpoint in the code
 *   other            one-byte nop
 * and a fetch outside RAM stops with SIGSEGV (11).
 *
 * The target runs only inside fake_target_poll(), which reports its stop
 * to the stub the way vmm's vCPU thread does: asynchronously, after cont or
 * step have returned.
 */
#ifndef FAKE_TARGET_H
#define FAKE_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "gdbstub.h"

#define FAKE_RAM_SIZE	0x10000		/* guest-virtual 0 .. 64 KiB */
#define FAKE_PHYS_SIZE	0x1000		/* guest-physical 0 .. 4 KiB, apart
					 * from RAM so a test sees which */
#define FAKE_RW_END	0x8000		/* regions: [0, this) rw-, then r-x
					 * to FAKE_RAM_SIZE, then nothing */
#define FAKE_MAX_BPS	16

enum fake_run {
	FAKE_STOPPED,
	FAKE_RUNNING,		/* cont */
	FAKE_STEPPING,		/* step: one instruction */
};

struct fake_bp {
	enum gdbstub_bp_type type;
	uint64_t addr;
	unsigned int kind;	/* bytes watched */
};

struct fake_target {
	uint8_t ram[FAKE_RAM_SIZE];
	uint8_t phys[FAKE_PHYS_SIZE];
	uint8_t regs[GDB_X86_NR_REGS][16];	/* little-endian */
	struct fake_bp bps[FAKE_MAX_BPS];
	unsigned int nr_bps;
	unsigned int refuse_bp_types;	/* set_break says -EOPNOTSUPP */
	enum fake_run run;
	bool interrupted;	/* ->interrupt was called */
	bool detached, killed;
	bool detached_stopped;	/* ->detach_stopped (D1) */
	bool kill_after_reply;	/* the reply was written before ->kill */
	unsigned int steps;	/* ->step calls */
	unsigned int conts;	/* ->cont calls */
	int last_signo;		/* of the last resume */
	const struct gdb_layout *layout;	/* what ->layout answers */
};

/* Every op, with break_types = all five Z types.  The kill op records
 * whether anything had been written when it ran: see fake_written. */
extern const struct gdbstub_target_ops fake_target_ops;

void fake_target_init(struct fake_target *t, const struct gdb_layout *l);
/* The test's byte count of what the stub wrote (NULL: none kept). */
extern const size_t *fake_written;
uint64_t fake_reg(const struct fake_target *t, enum gdb_x86_reg id);
void fake_set_reg(struct fake_target *t, enum gdb_x86_reg id, uint64_t v);

/* Runs up to max_insns instructions; if the target stops, tells the stub
 * (gdbstub_stopped) and returns 1.  0: still running or not running.
 */
int fake_target_poll(struct fake_target *t, struct gdbstub *stub,
		     unsigned int max_insns);

/* The gdb side, for fuzzers: checks the stub's output stream as gdb would
 * read it.  Between packets only '+' and '-'; inside one no '$' before the
 * '#'; the two checksum digits match.  Feed it every write; it returns
 * false at the first violation.
 */
struct fake_stream {
	int state;		/* 0 between, 1 in data, 2 and 3 checksum */
	uint8_t sum;
	uint8_t csum;
};

bool fake_stream_check(struct fake_stream *st, const void *buf, size_t len);

/* The gdb side's framing ("Overview"): $BODY#SUM into out, with # $ } *
 * escaped as } and the byte ^ 0x20. out holds 2 * len + 4 bytes. */
size_t fake_stream_frame(uint8_t *out, const uint8_t *body, size_t len);

#endif
