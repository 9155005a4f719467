/* vcpu.h - one vCPU and its run loop. */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct vm;
struct pio_bus;
struct kvm_run;

struct vcpu {
	struct vm *vm;
	int fd;				/* KVM_CREATE_VCPU: vCPU ioctls */
	struct kvm_run *run;		/* shared with KVM: exit details */
	struct pio_bus *pio;		/* where KVM_EXIT_IO goes */
	bool stepping;			/* single-stepping: stop after I/O */
	/* Asked after each port access (catchpoints under gdb): true stops
	 * the guest once the instruction completes (VCPU_IO_STEP). */
	bool (*io_catch)(void *ctx, uint16_t port, bool is_write,
			 const uint8_t *data, unsigned size, unsigned count);
	void *io_catch_ctx;
};

/* Why vcpu_run() returned. */
enum vcpu_stop {
	VCPU_HALT,	/* KVM_EXIT_HLT: the guest is done (or waiting) */
	VCPU_CRASH,	/* shutdown, internal error, failed entry, MMIO... */
	VCPU_KICK,	/* a signal interrupted KVM_RUN: see vcpu_signal */
	VCPU_DEBUG,	/* KVM_EXIT_DEBUG: breakpoint or single step */
	VCPU_ERROR,	/* KVM_RUN itself failed */
	VCPU_IO_STEP,	/* stepping: an I/O exit was handled; the I/O
			 * instruction completes in vcpu_complete_io() */
};

/* The last signal that kicked the vCPU (SIGINT, SIGTERM, SIGALRM for
 * --timeout, SIGUSR1 for a debugger's interrupt); 0 if none. */
extern volatile sig_atomic_t vcpu_signal;
/* SIGINT, SIGTERM or SIGHUP: vmm must end. Set once, never cleared, so a
 * later kick (SIGUSR1) cannot hide it. */
extern volatile sig_atomic_t vcpu_quit_signal;

int vcpu_create(struct vm *vm, struct pio_bus *pio, struct vcpu *vcpu);
void vcpu_destroy(struct vcpu *vcpu);

/* Run until something needs vmm's attention beyond port I/O. */
enum vcpu_stop vcpu_run(struct vcpu *vcpu);

/* Finish the instruction behind the last I/O exit without running the
 * next one: one KVM_RUN with immediate_exit set. Needed when stepping
 * (kvm_pvm otherwise runs the next instruction unreported; upstream KVM
 * reports the step as KVM_EXIT_DEBUG from this same run). */
enum vcpu_stop vcpu_complete_io(struct vcpu *vcpu);

/* Catch SIGINT, SIGTERM, SIGHUP, SIGALRM and SIGUSR1 so they stop KVM_RUN. */
int vcpu_signals_install(struct vcpu *vcpu);

/* Name of the last exit and its details, e.g. "KVM_EXIT_SHUTDOWN (triple
 * fault: ...)", for the crash report. */
void vcpu_describe_exit(const struct vcpu *vcpu, char *buf, size_t len);
const char *vcpu_exit_name(uint32_t reason);
/* General, segment and control registers, a line each group. */
void vcpu_dump(const struct vcpu *vcpu, FILE *out);

#endif
