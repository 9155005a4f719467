/* record.h - reverse execution: the guest's recorded history, and going
 * back and forth in it (doc/reverse.md).
 *
 * A point in time is a step count: the single-steps done since the
 * history began. Stepping forward goes one step at a time, so the count
 * is exact; every `interval` steps a checkpoint keeps the vCPU's state
 * and, as an undo log, the RAM pages that changed since the one before.
 * A continue runs at full speed between two checkpoints; its steps are
 * counted only when gdb goes back over it, by re-executing it one step
 * at a time until the vCPU and RAM are as the continue left them. Step N is reached by restoring the last checkpoint at
 * or before N and stepping again: vmm's guests are deterministic (one
 * vCPU, no interrupts, fixed IN values), so re-execution reproduces the
 * run, with port 0xE9 muted for what was already printed.
 */
#ifndef VMM_RECORD_H
#define VMM_RECORD_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stop.h"

struct vm;
struct vcpu;
struct debug;
struct console;

#define RECORD_PAGE		4096
#define RECORD_INTERVAL		256		/* steps between checkpoints */
#define RECORD_MAX_STEPS	10000000ULL	/* history kept, by default */
#define RECORD_MAX_BYTES	(256ULL << 20)	/* ... and its memory */

/* The vCPU at one point: what KVM_RUN reads besides RAM. */
struct rec_cpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_vcpu_events events;	/* exception, interrupt shadow */
	struct kvm_debugregs dregs;	/* the guest's own DR0-DR7 */
	struct kvm_mp_state mp;		/* runnable, halted */
	struct kvm_xcrs xcrs;		/* XCR0 */
};

struct rec_ckpt {
	uint64_t when;		/* the step count here */
	bool barrier;		/* gdb changed registers or memory here:
				 * re-execution loads this, never runs
				 * through it */
	bool lazy;		/* a continue ran here at full speed from
				 * the checkpoint before: its steps are not
				 * counted yet, `when` is the one before's
				 * until going back needs them (resolve()) */
	bool crashed;		/* ... and it ended in a crash */
	uint64_t hash;		/* ... RAM's hash here, to know it again */
	struct rec_cpu cpu;
	/* Undo log: the pages whose contents differ at the next checkpoint,
	 * as they are here. The last checkpoint has none: its RAM is
	 * record.ref. */
	uint32_t *pfn;
	uint8_t *pages;
	size_t npages, cap;
};

/* Which of the optional vCPU state this host saves and restores. */
enum {
	REC_EVENTS = 1u << 0,
	REC_DREGS = 1u << 1,
	REC_MPSTATE = 1u << 2,
	REC_XCRS = 1u << 3,
};

struct record {
	struct vm *vm;
	struct vcpu *vcpu;
	struct debug *dbg;		/* how to step: the host's strategy */
	struct console *con;		/* muted while re-executing */
	/* Set by the stub thread while the vCPU is parked. */
	bool on;			/* monitor record on|off */
	bool touched;			/* gdb wrote registers or memory */
	uint64_t interval;		/* steps between checkpoints */
	uint64_t max_steps;		/* history kept, at most (about) */
	uint64_t max_bytes;		/* memory for checkpoints, at most */

	bool started;			/* ck[0] exists */
	uint64_t now;			/* the step the vCPU is at */
	uint64_t frontier;		/* the furthest step run live */
	struct rec_ckpt *ck;		/* oldest first */
	size_t nck, capck;
	uint8_t *ref;			/* guest RAM at ck[nck - 1] */
	uint64_t bytes;			/* checkpoints' memory, ref excluded */
	unsigned extras;		/* REC_*: this host's optional state */
	bool probed;
	uint8_t *wvals;			/* watched bytes before this step */
	size_t nwvals;
	size_t nlazy;			/* checkpoints still lazy */
	uint64_t restores, replayed;	/* for monitor record status */
	uint64_t resolved;		/* full-speed continues counted */
	char lost[160];			/* why history before a continue
					 * went, for gdb's next stop */
};

void record_init(struct record *rec, struct vm *vm, struct vcpu *vcpu,
		 struct debug *dbg, struct console *con);
void record_free(struct record *rec);

/* vCPU thread: run as gdb asked - forward (replaying what is recorded,
 * then live) or backward. Recording off: straight to debug_resume(). */
enum stop_reason record_resume(struct record *rec, bool reverse, bool step,
			       struct stop *stop);
/* vCPU thread, no gdb attached: a history left in the past is run to its
 * end (muted) before the guest runs free, then dropped. */
void record_detached(struct record *rec);

/* Stub thread, vCPU parked: a gdb came or went. A history the guest is
 * at the end of goes (the next gdb starts its own); one it is inside is
 * kept, so what was printed is not printed again. */
void record_forget(struct record *rec);
/* Stub thread, vCPU parked: gdb changed the guest's state. */
void record_touched(struct record *rec);
/* monitor record: on, off, status, limit. Text for gdb in buf. */
int record_command(struct record *rec, int argc, char **argv, char *buf,
		   size_t len);

#endif
