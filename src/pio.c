/* pio.c - port I/O dispatch.
 *
 * A port no device claims behaves like an empty ISA bus: writes vanish and
 * reads return all ones. Neither is fatal - a guest probing for hardware
 * is normal - but each gets one warning per port and direction so a typo
 * in a student's port number does not go unnoticed.
 */
#include <string.h>

#include "pio.h"
#include "util.h"

void pio_init(struct pio_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

int pio_register(struct pio_bus *bus, uint16_t lo, uint16_t hi, pio_fn *fn,
		 void *ctx)
{
	if (bus->n == PIO_MAX_HANDLERS || lo > hi)
		return -1;
	bus->range[bus->n++] = (struct pio_range){ lo, hi, fn, ctx };
	return 0;
}

static void unclaimed(struct pio_bus *bus, uint16_t port, bool is_write,
		      uint8_t *data, unsigned size)
{
	uint8_t *w = &bus->warned[is_write][port / 8];

	if (!is_write)
		memset(data, 0xff, size);
	if (*w & (1u << (port % 8)))
		return;
	*w |= 1u << (port % 8);
	if (is_write)
		pr_warn("guest wrote to port 0x%x, which has no device: ignored", port);
	else
		pr_warn("guest read port 0x%x, which has no device: it reads as all ones", port);
}

void pio_dispatch(struct pio_bus *bus, uint16_t port, bool is_write,
		  uint8_t *data, unsigned size, unsigned count)
{
	const struct pio_range *r = NULL;
	unsigned i;

	for (i = 0; i < bus->n; i++) {
		if (port >= bus->range[i].lo && port <= bus->range[i].hi) {
			r = &bus->range[i];
			break;
		}
	}
	for (i = 0; i < count; i++, data += size) {
		if (r)
			r->fn(r->ctx, port, is_write, data, size);
		else
			unclaimed(bus, port, is_write, data, size);
	}
}
