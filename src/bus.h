/* bus.h - where the guest's port I/O and MMIO exits go: one registration
 * shape for both address spaces (as kvmtool's kvm__register_pio/mmio). */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct stop;

enum bus_space {
	BUS_PIO,		/* KVM_EXIT_IO: addr is a port */
	BUS_MMIO,		/* KVM_EXIT_MMIO: addr is guest-physical */
};

/* One access of len bytes at addr; for a read the handler fills data.
 * fetch: not a data access but an instruction fetch KVM could not do
 * (KVM_EXIT_INTERNAL_ERROR at a guest-physical page with no slot). */
struct bus_access {
	enum bus_space space;
	uint64_t addr;
	uint8_t *data;
	unsigned len;
	bool is_write;
	bool fetch;
	unsigned count;		/* string I/O: accesses in this exit */
};

enum bus_result {
	BUS_UNCLAIMED,		/* no device here: the bus's default applies */
	BUS_DONE,		/* handled: the guest runs on */
	BUS_STOP,		/* handled; stop the guest once the instruction
				 * completes (the handler filled stop) */
};

typedef enum bus_result bus_fn(void *ctx, const struct bus_access *a,
			       struct stop *stop);

#define BUS_MAX_DEVICES 16

struct bus {
	enum bus_space space;
	struct bus_device {
		uint64_t lo, hi;	/* addresses [lo, hi] */
		bus_fn *fn;
		void *ctx;
	} dev[BUS_MAX_DEVICES];
	unsigned n;			/* devices in use */
	/* Told of every access after its device (catchpoints). */
	bus_fn *observe;
	void *observe_ctx;
	uint8_t warned[2][65536 / 8];	/* PIO [is_write][port]: warned once */
};

void bus_init(struct bus *bus, enum bus_space space);
int bus_register(struct bus *bus, uint64_t lo, uint64_t hi, bus_fn *fn,
		 void *ctx);
/* Hand one exit's accesses (a->count of them for string I/O, each a->len
 * bytes, back to back from a->data) to their device. An unclaimed port
 * reads as all ones and ignores writes, with a warning once; an unclaimed
 * MMIO access is BUS_UNCLAIMED: the guest touched nothing at all. */
enum bus_result bus_dispatch(struct bus *bus, const struct bus_access *a,
			     struct stop *stop);

#endif
