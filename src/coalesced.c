/* coalesced.c - KVM's coalesced PIO ring for the port 0xE9 console.
 *
 * Registered with KVM_REGISTER_COALESCED_MMIO and pio = 1, an OUT to the
 * port does not leave the kernel: KVM appends {port, len, data} to a ring
 * in the page KVM_CHECK_EXTENSION(KVM_CAP_COALESCED_MMIO) names, counted
 * from the start of the vCPU's kvm_run mapping, and re-enters the guest
 * (api.rst, "KVM_(UN)REGISTER_COALESCED_MMIO"). vmm takes the entries
 * from `first` to `last` and moves `first` on.
 *
 * What that costs the console's promises, and how they are kept:
 *  - Order. The OUTs in the ring came before whatever exit brought vmm
 *    out, so the vCPU loop drains the ring at each exit before handling
 *    it (vcpu.c) - a crash report, a gdb stop or a signal never overtakes
 *    the bytes before it.
 *  - A full ring loses nothing: KVM then declines to coalesce and the OUT
 *    exits as KVM_EXIT_IO, after the ring was drained.
 *  - A guest that prints a line and then runs without exiting would keep
 *    it in the ring: a thread drains it every COALESCED_DRAIN_MS, under the same
 *    lock as the vCPU thread, never touching the guest.
 *  - Something that needs each OUT as an exit (a catchpoint, a trace)
 *    holds coalescing off: the zone is unregistered meanwhile.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "coalesced.h"
#include "kvm.h"
#include "util.h"
#include "vm.h"

static int zone_set(struct coalesced *c, bool on)
{
	struct kvm_coalesced_mmio_zone z = { .addr = c->port, .size = 1, .pio = 1 };

	if (kvm_ioctl(c->vm->vm_fd, on ? KVM_REGISTER_COALESCED_MMIO :
		      KVM_UNREGISTER_COALESCED_MMIO, &z) < 0) {
		pr_err("%s (port 0x%x): %m", on ? "KVM_REGISTER_COALESCED_MMIO" :
		       "KVM_UNREGISTER_COALESCED_MMIO", c->port);
		return -1;
	}
	c->registered = on;
	return 0;
}

/* Takes entries first..last-1 in batches. `first` moves on only after fn
 * had a batch: a vCPU thread that sees first == last knows every byte
 * before it is out of the ring and handed on, not still in flight here. */
static void drain_locked(struct coalesced *c)
{
	struct kvm_coalesced_mmio_ring *ring = c->ring;
	uint8_t buf[256];
	uint32_t first = ring->first, last;
	size_t n;

	last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
	while (first != last && first < c->max && last < c->max) {
		for (n = 0; first != last && n < sizeof(buf);
		     first = (first + 1) % c->max) {
			const struct kvm_coalesced_mmio *e = &ring->coalesced_mmio[first];

			/* Only our one-port zone is registered; anything else
			 * would be KVM's bug, and is skipped, not trusted. */
			if (e->pio && e->phys_addr == c->port && e->len >= 1 &&
			    e->len <= sizeof(e->data))
				buf[n++] = e->data[0];
		}
		if (n)
			c->fn(c->ctx, buf, n);
		c->bytes += n;
		__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
		last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
	}
}

void coalesced_drain(struct coalesced *c)
{
	struct kvm_coalesced_mmio_ring *ring;

	if (!c || !(ring = __atomic_load_n(&c->ring, __ATOMIC_ACQUIRE)))
		return;
	/* The common case, an exit with nothing coalesced, takes no lock. */
	if (__atomic_load_n(&ring->first, __ATOMIC_ACQUIRE) ==
	    __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&c->lock);
	drain_locked(c);
	pthread_mutex_unlock(&c->lock);
}

static void *drain_thread(void *arg)
{
	struct coalesced *c = arg;
	struct pollfd p = { .fd = c->quit_fd, .events = POLLIN };

	while (poll(&p, 1, COALESCED_DRAIN_MS) <= 0 || !(p.revents & POLLIN))
		coalesced_drain(c);
	return NULL;
}

static int start_thread(struct coalesced *c)
{
	sigset_t block, old;
	int err;

	c->quit_fd = eventfd(0, EFD_CLOEXEC);
	if (c->quit_fd < 0) {
		pr_err("eventfd: %m");
		return -1;
	}
	/* Signals belong to the vCPU thread: they are how it is kicked. */
	sigfillset(&block);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	err = pthread_create(&c->thread, NULL, drain_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pr_err("pthread_create (console drain): %s", strerror(err));
		return -1;
	}
	c->thread_started = true;
	return 0;
}

/* Where the ring is, if this host has one for port I/O. */
static struct kvm_coalesced_mmio_ring *find_ring(struct vm *vm,
						 struct kvm_run *run,
						 char *why, size_t whylen)
{
	long page = sysconf(_SC_PAGESIZE);
	int off;

	off = kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, (void *)(long)KVM_CAP_COALESCED_MMIO);
	if (off <= 0) {
		snprintf(why, whylen, "KVM has no coalesced I/O ring (KVM_CAP_COALESCED_MMIO)");
		return NULL;
	}
	if (kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, (void *)(long)KVM_CAP_COALESCED_PIO) <= 0) {
		snprintf(why, whylen, "KVM cannot coalesce port I/O (no KVM_CAP_COALESCED_PIO)");
		return NULL;
	}
	if (page <= 0 || (off + 1) * page > vm->run_size) {
		snprintf(why, whylen, "the ring's page %d lies outside the vCPU's %d-byte mapping",
			 off, vm->run_size);
		return NULL;
	}
	return (struct kvm_coalesced_mmio_ring *)((char *)run + off * page);
}

struct coalesced *coalesced_open(struct vm *vm, struct kvm_run *run,
				 uint16_t port, coalesced_fn *fn, void *ctx)
{
	struct coalesced *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->vm = vm;
	c->run = run;
	c->port = port;
	c->fn = fn;
	c->ctx = ctx;
	c->quit_fd = -1;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

/* Once: the probe, the drain thread, then the zone (unless something
 * holds it off). */
int coalesced_register(struct coalesced *c, char *why, size_t whylen)
{
	struct kvm_coalesced_mmio_ring *ring;

	if (!c || c->tried) {
		snprintf(why, whylen, "asked twice");
		return -1;
	}
	c->tried = true;
	ring = find_ring(c->vm, c->run, why, whylen);
	if (!ring)
		return -1;
	/* As the kernel sizes it: the rest of the page after the header. */
	c->max = (sysconf(_SC_PAGESIZE) - sizeof(*ring)) / sizeof(ring->coalesced_mmio[0]);
	if (start_thread(c) < 0) {
		snprintf(why, whylen, "the drain thread could not start");
		return -1;
	}
	/* The drain thread and drains from now on see the ring. */
	__atomic_store_n(&c->ring, ring, __ATOMIC_RELEASE);
	c->wanted = true;
	if (c->holds)
		return 0;
	if (zone_set(c, true) < 0) {
		snprintf(why, whylen, "KVM_REGISTER_COALESCED_MMIO failed");
		return -1;
	}
	return 0;
}

void coalesced_close(struct coalesced *c)
{
	static const uint64_t one = 1;

	if (!c)
		return;
	if (c->thread_started) {
		if (write(c->quit_fd, &one, sizeof(one)) < 0)
			pr_warn("stopping the console drain thread: %m");
		pthread_join(c->thread, NULL);
	}
	coalesced_drain(c);
	/* No KVM_UNREGISTER_COALESCED_MMIO: it waits for an SRCU grace
	 * period (2.4 ms measured, longer than a whole boot), and closing
	 * the VM drops the zone anyway. */
	if (c->quit_fd >= 0)
		close(c->quit_fd);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static const char *hold_name(unsigned holds)
{
	if (holds & COALESCED_HOLD_CATCH)
		return "a catchpoint (monitor catch io) needs each OUT";
	if (holds & COALESCED_HOLD_TRACE)
		return "the trace shows each exit";
	return "";
}

void coalesced_hold(struct coalesced *c, unsigned reason, bool on)
{
	unsigned before;

	if (!c)
		return;
	before = c->holds;
	c->holds = on ? before | reason : before & ~reason;
	if (!before == !c->holds)
		return;
	if (c->holds) {
		coalesced_drain(c);
		if (!c->registered)
			pr_strategy("console", "one exit per OUT to port 0x%x while %s",
				    c->port, hold_name(c->holds));
		else if (zone_set(c, false) == 0)
			pr_strategy("console", "one exit per OUT to port 0x%x while %s (KVM_UNREGISTER_COALESCED_MMIO)",
				    c->port, hold_name(c->holds));
	} else if (!c->wanted) {
		pr_strategy("console", "nothing needs each OUT to port 0x%x any more",
			    c->port);
	} else if (zone_set(c, true) == 0) {
		pr_strategy("console", "port 0x%x coalesced again: nothing needs each OUT (KVM_REGISTER_COALESCED_MMIO)",
			    c->port);
	}
}
