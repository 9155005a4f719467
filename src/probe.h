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
 * is copied to *exit. Returns the enum vcpu_stop, or -1 if the VM could
 * not be set up (why says so). */
int probe_run(int kvm_fd, enum cpu_mode mode, const void *code, size_t len,
	      const struct kvm_guest_debug *dbg, struct kvm_run *exit,
	      char *why, size_t whylen);

/* Can this host run a guest in mode? Runs one HLT in a scratch VM on the
 * same /dev/kvm (a few ms). false with a reason in why if not. */
bool probe_mode(int kvm_fd, enum cpu_mode mode, char *why, size_t len);

#endif
