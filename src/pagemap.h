/* pagemap.h - host-virtual to host-physical, from /proc/self/pagemap. */
#ifndef VMM_PAGEMAP_H
#define VMM_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>

/* The host-physical address of the byte at hva in vmm's own memory. 0,
 * or -1 with why (not present, swapped out, frame numbers hidden from a
 * non-root user, ...). */
int pagemap_hpa(const void *hva, uint64_t *hpa, char *why, size_t len);

/* "host: HVA 0x7f.. -> HPA 0x1234400 (frame 0x1234 of 4 KiB, from
 * /proc/self/pagemap)\n", or the reason there is none, into buf. */
void pagemap_describe(const void *hva, char *buf, size_t len);

#endif
