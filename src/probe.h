/* probe.h - find out what this host's KVM can do, one feature at a time. */
#ifndef VMM_PROBE_H
#define VMM_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "modes.h"

/* Can this host run a guest in mode? Runs one HLT in a scratch VM on the
 * same /dev/kvm (a few ms). false with a reason in why if not. */
bool probe_mode(int kvm_fd, enum cpu_mode mode, char *why, size_t len);

#endif
