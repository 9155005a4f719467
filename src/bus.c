/* bus.c - port I/O and MMIO dispatch.
 *
 * A port no device claims behaves like an empty ISA bus: writes vanish and
 * reads return all ones. Neither is fatal - a guest probing for hardware
 * is normal - but each gets one warning per port and direction so a typo
 * in a student's port number does not go unnoticed. An MMIO access nobody
 * claims is a guest touching an address with no RAM and no device: the
 * caller reports it as a crash.
 */
#include <string.h>

#include "bus.h"
#include "stop.h"
#include "util.h"

void bus_init(struct bus *bus, enum bus_space space)
{
	memset(bus, 0, sizeof(*bus));
	bus->space = space;
}

int bus_register(struct bus *bus, uint64_t lo, uint64_t hi, bus_fn *fn,
		 void *ctx)
{
	if (bus->n == BUS_MAX_DEVICES || lo > hi)
		return -1;
	bus->dev[bus->n++] = (struct bus_device){ lo, hi, fn, ctx };
	return 0;
}

static void unclaimed_port(struct bus *bus, const struct bus_access *a)
{
	uint16_t port = (uint16_t)a->addr;
	uint8_t *w = &bus->warned[a->is_write][port / 8];

	if (!a->is_write)
		memset(a->data, 0xff, a->len);
	if (*w & (1u << (port % 8)))
		return;
	*w |= 1u << (port % 8);
	if (a->is_write)
		pr_warn("guest wrote to port 0x%x, which has no device: ignored", port);
	else
		pr_warn("guest read port 0x%x, which has no device: it reads as all ones", port);
}

static const struct bus_device *find_device(const struct bus *bus,
					     uint64_t addr)
{
	unsigned i;

	for (i = 0; i < bus->n; i++)
		if (addr >= bus->dev[i].lo && addr <= bus->dev[i].hi)
			return &bus->dev[i];
	return NULL;
}

enum bus_result bus_dispatch(struct bus *bus, const struct bus_access *a,
			     struct stop *stop)
{
	const struct bus_device *d = find_device(bus, a->addr);
	enum bus_result r, res = BUS_DONE;
	struct bus_access one = *a;
	unsigned i, count = a->count ? a->count : 1;

	one.count = count;
	for (i = 0; i < count; i++, one.data += a->len) {
		r = d ? d->fn(d->ctx, &one, stop) : BUS_UNCLAIMED;
		if (r == BUS_UNCLAIMED && bus->space == BUS_MMIO)
			return BUS_UNCLAIMED;
		if (r == BUS_UNCLAIMED)
			unclaimed_port(bus, &one);
		if (r == BUS_STOP)
			res = BUS_STOP;
		if (bus->observe && i == 0 &&
		    bus->observe(bus->observe_ctx, &one, stop) == BUS_STOP)
			res = BUS_STOP;
	}
	return res;
}
