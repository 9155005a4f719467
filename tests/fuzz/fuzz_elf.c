// SPDX-License-Identifier: GPL-2.0
/* fuzz_elf.c - libFuzzer harness for the guest loader (src/loader.c).
 *
 * The first HDR_SIZE bytes choose what vmm would pass: the size of guest
 * RAM, vmm's reserved range, a flat binary's load address and entry, and
 * the size of the error buffer. The rest is the guest file, copied into a
 * heap buffer of exactly its size, and RAM is a heap buffer of exactly
 * ram_size bytes: ASan catches a byte read or written beyond either. RAM
 * buffers are kept from one input to the next (one per size) and only the
 * loaded range is refilled: a fresh 2 MiB each time costs 10x the speed.
 *
 * What must hold whatever the file says (loader.h):
 *   - loader_probe and loader_load agree on the kind of file;
 *   - a refusal is one NUL-terminated line in err, and RAM is untouched;
 *   - a success wrote only inside [info.lo, info.hi), which lies inside
 *     RAM and outside the reserved range, and the entry is inside RAM;
 *   - the file itself is never written.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *         -o fuzz_elf tests/fuzz/fuzz_elf.c src/loader.c
 *   ./fuzz_elf -max_total_time=60 tests/fuzz/corpus/elf
 *
 * Seeds (tests/fuzz/corpus/elf/) are HDR_SIZE option bytes followed by a
 * small ELF32, ELF64 or flat image; tests/fuzz/corpus/elf/README says how
 * they were made.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

#define HDR_SIZE	16
#define FILL		0xa5	/* RAM's bytes before the load */
#define EDGE		4096	/* bytes checked either side of a load */
#define NSIZES		8

static const uint64_t ram_sizes[NSIZES] = { 4096, 65536, 1 << 20,
	(1 << 20) + 65536, 2 << 20, 1, 4097, 0 };
static uint8_t *rams[NSIZES];	/* each exactly its size, FILL outside loads */

static uint8_t *get_ram(unsigned int i)
{
	if (!rams[i]) {
		rams[i] = malloc(ram_sizes[i] ? ram_sizes[i] : 1);
		if (rams[i])
			memset(rams[i], FILL, ram_sizes[i]);
	}
	return rams[i];
}

/* abort(), not assert(): the check must survive -DNDEBUG. */
static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_elf: %s\n", what);
		abort();
	}
}

static uint64_t get32(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24;
}

/* Byte 0: RAM size; byte 1: the reserved range (vmm's GDT, page tables and
 * stack: the top 64 KiB as in protected and long mode, real mode's stack,
 * none, or arbitrary); byte 2: error buffer size; byte 3: flags (bit 0 an
 * --entry); bytes 4-7 load address; 8-11 entry; 12-15 the arbitrary
 * reserved range's start and length in pages. */
static void decode(const uint8_t *h, uint64_t *ram_size, struct load_opts *o,
		   size_t *errlen)
{
	*ram_size = ram_sizes[h[0] % NSIZES];
	memset(o, 0, sizeof(*o));
	switch (h[1] % 4) {
	case 0:
		o->reserved_lo = *ram_size > 65536 ? *ram_size - 65536 : 0;
		o->reserved_hi = *ram_size;
		break;
	case 1:
		o->reserved_lo = 0x90000;
		o->reserved_hi = 0xa0000;
		break;
	case 2:
		break;
	default:
		o->reserved_lo = (uint64_t)(h[12] | h[13] << 8) << 12;
		o->reserved_hi = o->reserved_lo +
				 ((uint64_t)(h[14] | h[15] << 8) << 12);
		break;
	}
	*errlen = h[2] ? h[2] : 320;	/* machine.c passes 320 */
	o->have_entry = h[3] & 1;
	o->load_addr = get32(h + 4);
	o->entry = get32(h + 8);
	if (h[3] & 2)			/* sometimes very far away */
		o->load_addr <<= 32;
	if (h[3] & 4)
		o->entry = ~o->entry;
}

/* Every byte of ram[lo, hi) still FILL? Scans at most EDGE bytes from each
 * end: enough to catch a copy that strays, cheap on 2 MiB of RAM. */
static void check_untouched(const uint8_t *ram, uint64_t lo, uint64_t hi,
			    const char *what)
{
	uint64_t i;

	if (hi <= lo)
		return;
	if (hi - lo <= 2 * EDGE) {
		for (i = lo; i < hi; i++)
			check(ram[i] == FILL, what);
		return;
	}
	for (i = lo; i < lo + EDGE; i++)
		check(ram[i] == FILL, what);
	for (i = hi - EDGE; i < hi; i++)
		check(ram[i] == FILL, what);
}

static void check_err(const char *err, size_t errlen)
{
	size_t n = strnlen(err, errlen);

	check(n < errlen, "the error is not NUL-terminated");
	check(n > 0 || errlen == 1, "a refusal without a message");
	check(!memchr(err, '\n', n), "the error is more than one line");
}

static void check_loaded(const struct load_info *info, uint64_t ram_size,
			 const struct load_opts *o, const uint8_t *ram)
{
	check(info->nsegs >= 1, "success with nothing loaded");
	check(info->lo <= info->hi && info->hi <= ram_size,
	      "the loaded range is outside RAM");
	check(info->entry < ram_size, "the entry is outside RAM");
	check(info->kind == GUEST_FLAT || info->kind == GUEST_ELF32 ||
	      info->kind == GUEST_ELF64, "an unknown kind");
	check(memchr(info->expect, '\0', sizeof(info->expect)) != NULL,
	      "the .vmm.expect text is not NUL-terminated");
	/* [lo, hi) is the union of the segments (empty ones included): it
	 * may span the reserved range, but no byte of that range may change. */
	if (o->reserved_lo < ram_size && o->reserved_hi > o->reserved_lo)
		check_untouched(ram, o->reserved_lo, o->reserved_hi < ram_size ?
				o->reserved_hi : ram_size,
				"a byte of vmm's reserved range changed");
	check_untouched(ram, 0, info->lo, "a byte below the load changed");
	check_untouched(ram, info->hi, ram_size, "a byte above the load changed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum guest_kind kind = GUEST_FLAT;
	struct load_info info;
	struct load_opts o;
	uint64_t ram_size;
	size_t errlen, isize;
	uint8_t *image, *ram;
	char *err;
	int probed, loaded;

	if (size < HDR_SIZE)
		return 0;
	decode(data, &ram_size, &o, &errlen);
	isize = size - HDR_SIZE;
	image = malloc(isize ? isize : 1);
	ram = get_ram(data[0] % NSIZES);
	err = malloc(errlen);
	check(image && ram && err, "out of memory");
	memcpy(image, data + HDR_SIZE, isize);

	memset(err, 0, errlen);
	probed = loader_probe(image, isize, &kind, err, errlen);
	check(probed == 0 || probed == -1, "probe returned neither 0 nor -1");
	if (probed < 0)
		check_err(err, errlen);

	memset(err, 0, errlen);
	loaded = loader_load(image, isize, ram, ram_size, &o, &info, err, errlen);
	check(loaded == 0 || loaded == -1, "load returned neither 0 nor -1");
	check(!memcmp(image, data + HDR_SIZE, isize), "the file changed");
	if (loaded < 0) {
		check_err(err, errlen);
		check_untouched(ram, 0, ram_size, "a refused file wrote RAM");
	} else {
		check(probed == 0, "a file the probe refused was loaded");
		check(info.kind == kind, "probe and load disagree on the kind");
		check_loaded(&info, ram_size, &o, ram);
		memset(ram + info.lo, FILL, info.hi - info.lo);
	}
	free(err);
	free(image);
	return 0;
}
