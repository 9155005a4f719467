/* probe.h - find out what this host's KVM can do, one feature at a time. */
#ifndef VMM_PROBE_H
#define VMM_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "modes.h"

struct kvm_guest_debug;
struct kvm_run;

/* Run code (at GPA 0x1000) in a scratch VM in mode, with guest debug set
 * if dbg is not NULL, until its first exit to vmm; the kvm_run of that exit
 * is copied to *exit. Returns the enum stop_reason, or -1 if the VM could
 * not be set up (why says so). */
int probe_run(int kvm_fd, enum cpu_mode mode, const void *code, size_t len,
	      const struct kvm_guest_debug *dbg, struct kvm_run *exit,
	      char *why, size_t whylen);

/* Can this host run a guest in mode? Runs one HLT in a scratch VM on the
 * same /dev/kvm (a few ms). false with a reason in why if not. */
bool probe_mode(int kvm_fd, enum cpu_mode mode, char *why, size_t len);

/* Does the vCPU's FPU/SSE state read back as it was set (KVM_SET_FPU,
 * KVM_GET_FPU)? kvm_pvm reads mxcsr as 0. Probed once, on first use, in a
 * scratch vCPU (a few ms); either thread may ask. */
struct probe_fpu {
	bool probed;		/* the scratch vCPU could be made */
	bool mxcsr_ok, xmm_ok;	/* each read back as set */
	unsigned mxcsr_got;	/* what mxcsr read back as */
	char text[96];		/* for --verbose's host line */
};
const struct probe_fpu *probe_fpu(int kvm_fd);

/* For gdb's console when the user writes an xmm register or mxcsr: a
 * sentence on this host's FPU state quirk, the first time only and only
 * if the host has it; else NULL. */
const char *probe_fpu_note(int kvm_fd);

#endif
