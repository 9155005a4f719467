/* fuzz_packet.c - random bytes into gdbstub_feed, the fake target behind.
 *
 * The first byte picks the session: bit 0 no-ack mode, bits 1-2 the layout,
 * bit 3 the smallest buffer (overlong packets), bit 4 a target without its
 * optional ops, bit 5 run-length encoded replies.  The rest is fed in pieces whose sizes come from the data,
 * with the fake target run between them so stops, range steps and ^C
 * interleave with input.  Every byte the stub writes must be well framed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake_target tgt;
static struct fake_stream wire;
static char buf[65536];

static int check_write(void *ctx, const void *p, size_t len)
{
	(void)ctx;
	if (!fake_stream_check(&wire, p, len))
		abort();	/* the stub sent something gdb cannot parse */
	return 0;
}

static const struct gdb_layout *const layouts[] = {
	&gdb_x86_64_layout, &gdb_i386_layout, &gdb_i8086_layout,
	&gdb_x86_64_layout,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char no_ack[] = "$QStartNoAckMode#b0";
	struct gdbstub_target_ops minimal = {
		.read_reg = fake_target_ops.read_reg,
		.write_reg = fake_target_ops.write_reg,
		.read_mem = fake_target_ops.read_mem,
		.write_mem = fake_target_ops.write_mem,
		.cont = fake_target_ops.cont,
	};
	struct gdbstub_config cfg = { .ctx = &tgt, .write = check_write,
				      .buf = buf };
	struct gdbstub *stub;
	size_t i = 1;

	if (size < 1)
		return 0;
	cfg.layout = layouts[(data[0] >> 1) & 3];
	cfg.buf_len = data[0] & 8 ? GDBSTUB_MIN_BUF : sizeof(buf);
	cfg.ops = data[0] & 16 ? &minimal : &fake_target_ops;
	cfg.tx_rle = data[0] & 32;
	fake_target_init(&tgt, cfg.layout);
	memset(&wire, 0, sizeof(wire));
	stub = gdbstub_create(&cfg);
	if (!stub)
		abort();
	if (data[0] & 1)
		gdbstub_feed(stub, no_ack, sizeof(no_ack) - 1);
	while (i < size) {
		size_t n = 1 + data[i] % 64;

		if (n > size - i)
			n = size - i;
		if (gdbstub_feed(stub, data + i, n) != GDBSTUB_OK)
			break;
		fake_target_poll(&tgt, stub, 20);
		i += n;
	}
	gdbstub_destroy(stub);
	return 0;
}
