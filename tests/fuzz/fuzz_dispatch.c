/* fuzz_dispatch.c - well-framed packets with random bodies.
 *
 * The input is split at '\n' into packet bodies; each is escaped and framed
 * with a correct checksum, as gdb would, so every one reaches the command
 * table (tests/fuzz/gdbstub.dict has every prefix).  The fake target runs
 * between packets.  Every byte the stub writes must be well framed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake_target tgt;
static struct fake_stream wire;
static char buf[65536];
static uint8_t framed[2 * 65536 + 8];

static int check_write(void *ctx, const void *p, size_t len)
{
	(void)ctx;
	if (!fake_stream_check(&wire, p, len))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gdbstub_config cfg = {
		.ops = &fake_target_ops, .ctx = &tgt, .write = check_write,
		.buf = buf, .buf_len = sizeof(buf),
		.layout = &gdb_x86_64_layout,
	};
	struct gdbstub *stub;
	size_t start = 0, i;

	if (size > 65536)
		return 0;
	cfg.tx_rle = size & 1;	/* replies run-length encoded, or not */
	fake_target_init(&tgt, &gdb_x86_64_layout);
	memset(&wire, 0, sizeof(wire));
	stub = gdbstub_create(&cfg);
	if (!stub)
		abort();
	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		if (gdbstub_feed(stub, framed, fake_stream_frame(framed, data + start, i - start))
		    != GDBSTUB_OK)
			break;
		fake_target_poll(&tgt, stub, 20);
		start = i + 1;
	}
	gdbstub_destroy(stub);
	return 0;
}
