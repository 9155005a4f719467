/* debug.h - breakpoints and stepping on top of KVM_SET_GUEST_DEBUG, with a
 * strategy per host capability. */
#ifndef VMM_DEBUG_H
#define VMM_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "stop.h"
#include "vcpu.h"
#include "watch.h"

struct vm;
struct vcpu;

/* How a software breakpoint (gdb's Z0) is planted. */
enum bp_strategy {
	BP_INT3,	/* 0xCC + KVM_GUESTDBG_USE_SW_BP: KVM_EXIT_DEBUG #BP */
	BP_HLT,		/* 0xF4: KVM_EXIT_HLT just past it (kvm_pvm, where
			 * int3 ends in KVM_EXIT_INTERNAL_ERROR) */
};

#define DEBUG_HW_SLOTS 4	/* DR0-DR3 */

struct sw_bp {
	uint64_t gva;		/* where gdb asked */
	uint64_t gpa;		/* where the opcode went while planted */
	uint8_t saved;		/* the guest's byte under it */
	bool planted;
	int dr;			/* DR slot this resume, or -1: planted */
};

/* One of DR0-DR3: an execute breakpoint (Z1) or a data watchpoint. */
struct dr_slot {
	bool used;
	uint64_t addr;
	unsigned rw;		/* DR7 R/W: 0 execute, 1 write, 3 read/write */
	unsigned len;		/* bytes: 1 for execute; 1, 2, 4, 8 */
};

struct debug {
	struct vm *vm;
	struct vcpu *vcpu;
	enum bp_strategy sw;		/* chosen by debug_init's probe */
	bool dr_data;			/* the probe saw a DR write watch fire */
	struct sw_bp *bps;		/* no fixed limit: grows */
	size_t nbps, capbps;
	struct dr_slot dr[DEBUG_HW_SLOTS];
	struct watch *watches;		/* no fixed limit: grows */
	size_t nwatch, capwatch;
	bool prot_dirty;		/* watches changed: rebuild the slots */
	bool prot_none;			/* some page has no slot now */
	bool stepping;			/* this resume is one instruction */
	bool refetch;			/* stepping one fetch from a page with
					 * no slot; protect it again after */
	bool refetch_hlt;		/* ... and that instruction is a HLT */
	const struct watch *step_read;	/* the read or access watch the
					 * instruction stepped with its page
					 * mapped reads (insn.c): the CPU
					 * reads it unseen */
	bool native;			/* the CPU runs one instruction KVM's
					 * emulator could not, pages plain */
	size_t nprot;			/* ranges vm_protect() laid out now */
	unsigned max_slots;		/* KVM_CAP_NR_MEMSLOTS */
	uint8_t *snap;			/* watched bytes before a native step */
	size_t snapcap;
	struct stop pending;		/* a hit before the native step */
	bool have_pending;
	struct stop held;		/* a catch a step ended in: gdb's own
					 * step over a breakpoint hides it */
	uint64_t held_from, held_rip;	/* that step's start and end */
	bool held_rearmed;		/* a breakpoint went back at its start */
	struct sw_bp *alias;		/* stepping the guest's own byte under
					 * a breakpoint reached at another
					 * virtual address of its page */
	timer_t tick;			/* the watchdog: SIGUSR2 while running */
	bool have_tick;
	struct vcpu_hooks hooks;	/* what the exit switch asks */
};

/* Probe how this host takes software breakpoints (a scratch VM, a few ms)
 * and report the choice with --verbose. */
void debug_init(struct debug *d, struct vm *vm, struct vcpu *vcpu);
void debug_free(struct debug *d);

int debug_add_sw(struct debug *d, uint64_t gva);
int debug_del_sw(struct debug *d, uint64_t gva);
int debug_add_hw(struct debug *d, uint64_t gva);	/* -ENOSPC: all 4 used */
int debug_del_hw(struct debug *d, uint64_t gva);
/* Z2/Z3/Z4: -EINVAL for a range not contiguous in guest-physical memory,
 * -EPERM for one on a page holding the guest's page tables (protecting
 * it would stop the CPU's own page walk). */
int debug_add_watch(struct debug *d, enum watch_kind kind, uint64_t gva,
		    unsigned len);
int debug_del_watch(struct debug *d, enum watch_kind kind, uint64_t gva,
		    unsigned len);
void debug_clear(struct debug *d);			/* gdb detached */
/* No debugging at all: the guest runs as if no debugger had been there. */
int debug_disable(struct debug *d);

/* Run the vCPU: one instruction if step, else until a breakpoint or
 * something else stops it; the stop is in *stop. Breakpoints are planted
 * only while the guest runs, so guest memory never shows them to gdb,
 * and a write by gdb over one simply changes the guest's byte. */
enum stop_reason debug_resume(struct debug *d, bool step, struct stop *stop);

const char *debug_strategy_name(enum bp_strategy s);

#endif
