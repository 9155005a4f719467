/* coalesced.h - KVM's coalesced PIO ring: OUTs to one port that the kernel
 * records in a ring shared with vmm instead of exiting for each
 * (KVM_CAP_COALESCED_PIO; api.rst, "KVM_(UN)REGISTER_COALESCED_MMIO"). */
#ifndef VMM_COALESCED_H
#define VMM_COALESCED_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct kvm_run;
struct kvm_coalesced_mmio_ring;

/* Reasons to take every OUT as its own exit again: while one holds, the
 * zone is unregistered (KVM_UNREGISTER_COALESCED_MMIO). */
enum coalesced_hold {
	COALESCED_HOLD_CATCH = 1u << 0,	/* a catchpoint on the port */
	COALESCED_HOLD_TRACE = 1u << 1,	/* a trace that shows each exit */
};

/* How often the drain thread looks at the ring, in milliseconds: a line a
 * guest printed before it stopped exiting shows within this. */
#define COALESCED_DRAIN_MS 20

/* Where drained bytes go, oldest first: the low byte of each OUT. */
typedef void coalesced_fn(void *ctx, const uint8_t *bytes, size_t n);

struct coalesced {
	struct vm *vm;			/* VM ioctls: (un)register the zone */
	struct kvm_run *run;		/* the vCPU's mapping, ring inside */
	struct kvm_coalesced_mmio_ring *ring;	/* once registered, or NULL */
	uint32_t max;			/* entries the ring has */
	uint16_t port;
	bool tried;			/* coalesced_register() was called */
	bool wanted;			/* ... and the host has the ring */
	bool registered;		/* KVM coalesces the port now */
	unsigned holds;			/* enum coalesced_hold bits */
	coalesced_fn *fn;
	void *ctx;
	pthread_mutex_t lock;		/* one consumer of the ring at a time */
	pthread_t thread;		/* drains a guest that stopped exiting */
	bool thread_started;
	int quit_fd;			/* eventfd: the thread's end */
	uint64_t bytes;			/* drained, ever */
};

/* Ready to coalesce port on the vCPU whose mapping is run (vm->run_size
 * bytes): no ioctl yet, nothing registered. NULL: out of memory. */
struct coalesced *coalesced_open(struct vm *vm, struct kvm_run *run,
				 uint16_t port, coalesced_fn *fn, void *ctx);
/* Start coalescing the port, once per run, when it pays: probe the host
 * (KVM_CAP_COALESCED_MMIO, KVM_CAP_COALESCED_PIO), find the ring, start the
 * drain thread and register the zone unless a hold keeps it off. -1, with
 * why filled, where the host cannot: the port keeps an exit per OUT. Not
 * at start-up, because a VM with a zone takes 6-15 ms longer to close on
 * this kind of host (KVM waits for an SRCU grace period), several boots'
 * worth. vCPU thread, between runs. */
int coalesced_register(struct coalesced *c, char *why, size_t whylen);
/* Drain, stop the thread, free; the zone goes with the VM. NULL is fine. */
void coalesced_close(struct coalesced *c);

/* Hand every OUT recorded so far to fn. Call at each exit, before
 * handling it: those OUTs came before it. NULL is fine. */
void coalesced_drain(struct coalesced *c);

/* Set or clear one reason to stop coalescing; the zone is unregistered
 * while any holds and registered again when none does (--verbose says
 * so). vCPU thread, between runs. NULL is fine. */
void coalesced_hold(struct coalesced *c, unsigned reason, bool on);

#endif
