/* pio.h - port I/O dispatch: one handler per port range. */
#ifndef VMM_PIO_H
#define VMM_PIO_H

#include <stdbool.h>
#include <stdint.h>

/* One access of size 1, 2 or 4 bytes at data; for IN the handler fills it. */
typedef void pio_fn(void *ctx, uint16_t port, bool is_write, uint8_t *data,
		    unsigned size);

#define PIO_MAX_HANDLERS 16

struct pio_bus {
	struct pio_range {
		uint16_t lo, hi;	/* ports [lo, hi] */
		pio_fn *fn;
		void *ctx;
	} range[PIO_MAX_HANDLERS];
	unsigned n;			/* ranges in use */
	uint8_t warned[2][65536 / 8];	/* [is_write][port]: warned once */
};

void pio_init(struct pio_bus *bus);
int pio_register(struct pio_bus *bus, uint16_t lo, uint16_t hi, pio_fn *fn,
		 void *ctx);
/* A KVM_EXIT_IO: count accesses of size bytes each, back to back in data
 * (string I/O such as "rep outsb" batches several into one exit). */
void pio_dispatch(struct pio_bus *bus, uint16_t port, bool is_write,
		  uint8_t *data, unsigned size, unsigned count);

#endif
