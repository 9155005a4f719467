/* hypercall.h - vmm's hypercalls: three ports a guest uses to ask vmm
 * for a service (the numbers and the guest's side: guest/hypercall.h). */
#ifndef VMM_HYPERCALL_H
#define VMM_HYPERCALL_H

#define HYPERCALL_HOST
#include "../guest/hypercall.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

struct vcpu;
struct console;

#define HYPERCALL_STRING_MAX 4096	/* bytes, NUL included */

struct hypercall {
	struct vcpu *vcpu;		/* the exit count; the guest's paging */
	struct console *con;		/* where printed values go */
};

/* Claim the three ports on bus for the guest on vcpu. */
int hypercall_register(struct hypercall *h, struct bus *pio,
		       struct vcpu *vcpu, struct console *con);

/* Copy the guest's NUL-terminated string at gva into buf (len bytes at
 * most, NUL included), through the guest's own page tables as they are
 * now. false, and why, if any byte is unmapped or outside guest RAM, or
 * there is no NUL in len bytes. */
bool hypercall_read_string(struct vcpu *vcpu, uint64_t gva, char *buf,
			   size_t len, char *why, size_t whylen);

#endif
