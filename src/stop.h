/* stop.h - why the guest stopped: one record, from the exit switch in
 * vcpu.c through the debug layer (debug.c) and the run loop (run.c) to
 * the one place that turns it into a stop reply (gdb_target.c). */
#ifndef VMM_STOP_H
#define VMM_STOP_H

#include <stdbool.h>
#include <stdint.h>

#include "watch.h"

enum stop_reason {
	STOP_NONE,		/* nothing: the guest runs on */
	STOP_HALT,		/* the guest executed HLT */
	STOP_KICK,		/* a signal interrupted KVM_RUN: vcpu_signal */
	STOP_DEBUG,		/* a KVM_EXIT_DEBUG nobody asked for */
	STOP_STEP,		/* one instruction done */
	STOP_SWBREAK,		/* at a Z0 breakpoint; rip = its address */
	STOP_HWBREAK,		/* at a Z1 breakpoint */
	STOP_WATCH,		/* a watchpoint: watch, addr */
	STOP_CATCH,		/* a catchpoint (monitor catch): note */
	STOP_CRASH,		/* the guest cannot go on: the last exit says why */
	STOP_ERROR,		/* KVM_RUN itself failed */
	STOP_INTERRUPT,		/* gdb's ^C parked the guest */
	STOP_ATTACH,		/* a gdb attached and parked the guest */
	STOP_EXITED,		/* the run is over: status */
};

struct stop {
	enum stop_reason reason;
	enum watch_kind watch;	/* STOP_WATCH: which kind fired */
	uint64_t addr;		/* STOP_WATCH: the address gdb watched */
	bool stepped_hlt;	/* STOP_STEP: the instruction was a HLT */
	bool history_begin;	/* going back, the recorded history ran
				 * out here (record.c) */
	int status;		/* STOP_EXITED: vmm's exit status */
	char note[512];		/* said on gdb's console with the stop */
};

#endif
