/* vcpu.h - one vCPU and the function that runs it. */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kvm.h"
#include "stop.h"

struct vm;
struct bus;
struct kvm_run;
struct kvm_debug_exit_arch;
struct coalesced;

/* What a debugger adds to the run: NULL members cost nothing. */
struct vcpu_hooks {
	/* KVM_EXIT_DEBUG (arch), or a single step that ended in completing
	 * an I/O or MMIO access (arch NULL): fill stop, or leave it
	 * STOP_NONE to run on. */
	void (*debug)(void *ctx, const struct kvm_debug_exit_arch *arch,
		      struct stop *stop);
	/* KVM_EXIT_HLT: stop->reason is STOP_HALT; change it, or make it
	 * STOP_NONE to run on (a planted breakpoint, say). */
	void (*halt)(void *ctx, struct stop *stop);
	/* KVM_EXIT_SHUTDOWN: stop->reason is STOP_CRASH; the debugger may
	 * know it caused it (a page it took away was a page table) and make
	 * it STOP_NONE to run on. */
	void (*shutdown)(void *ctx, struct stop *stop);
	void *ctx;
};

struct vcpu {
	struct vm *vm;
	int fd;				/* KVM_CREATE_VCPU: vCPU ioctls */
	struct kvm_run *run;		/* shared with KVM: exit details */
	struct bus *pio;		/* where KVM_EXIT_IO goes */
	struct bus *mmio;		/* where KVM_EXIT_MMIO goes */
	bool stepping;			/* single-stepping: stop after I/O */
	bool completing;		/* inside complete_access() */
	const struct vcpu_hooks *hooks;	/* a debugger's, or NULL */
	struct kvm_exit_counts exits;	/* every KVM_RUN since the start */
	struct kvm_exit_counts exits_mark; /* ... as they were at the last
					 * resume (vcpu_exits_mark) */
	/* issue 17: KVM's coalesced ring for the console, or NULL; drained
	 * at each exit before the exit is handled (coalesced.h). */
	struct coalesced *coalesced;
};

/* The last signal that kicked the vCPU (SIGINT, SIGTERM, SIGALRM for
 * --timeout, SIGUSR1 for a debugger's interrupt); 0 if none. */
extern volatile sig_atomic_t vcpu_signal;
/* SIGINT, SIGTERM or SIGHUP: vmm must end. Set once, never cleared, so a
 * later kick (SIGUSR1) cannot hide it. */
extern volatile sig_atomic_t vcpu_quit_signal;
/* SIGUSR2 came: the debug layer's watchdog (debug.c), which looks at a
 * guest that has not exited for a while. Not a stop of its own: KVM_RUN
 * returns as for a kick, and the debug layer runs on. */
extern volatile sig_atomic_t vcpu_tick;

int vcpu_create(struct vm *vm, struct bus *pio, struct bus *mmio,
		struct vcpu *vcpu);
void vcpu_destroy(struct vcpu *vcpu);

/* Run the guest until something needs more than a device: the one exit
 * switch. Returns stop->reason, never STOP_NONE. */
enum stop_reason vcpu_run(struct vcpu *vcpu, struct stop *stop);

/* The guest is about to resume from a stop: monitor exits counts "since
 * the last stop" from here. */
void vcpu_exits_mark(struct vcpu *vcpu);

/* Catch SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGUSR1 and SIGUSR2 so they stop
 * KVM_RUN. */
int vcpu_signals_install(struct vcpu *vcpu);

/* Name of the last exit and its details, e.g. "KVM_EXIT_SHUTDOWN: the
 * guest triple-faulted ...", for the crash report (exits.c). */
void vcpu_describe_exit(const struct vcpu *vcpu, char *buf, size_t len);
const char *vcpu_exit_name(uint32_t reason);
/* General, segment and control registers, a line each group. */
void vcpu_dump(const struct vcpu *vcpu, FILE *out);

#endif
