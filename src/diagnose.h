/* diagnose.h - say why a guest stopped when vmm knows better than the
 * exit reason: what the guest was doing and what this host refuses. */
#ifndef VMM_DIAGNOSE_H
#define VMM_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>

struct vcpu;

/* After KVM_EXIT_SHUTDOWN: if the guest stopped on a move to CR0 that
 * turns on 32-bit or PAE paging (PG without EFER.LME) and this host's KVM
 * refuses that mode (probed), put one sentence saying so in buf and
 * return true; else false (a triple fault, as far as vmm can tell). */
bool diagnose_shutdown(const struct vcpu *vcpu, char *buf, size_t len);

#endif
