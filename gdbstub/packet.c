/* packet.c - framing: the byte-at-a-time receive state machine and the
 * transmit buffer ("Overview", "Packet Acknowledgment", "Interrupts").
 *
 * A packet is $data#cs: cs is the sum of the data bytes modulo 256 as two
 * hex digits.  In data, '}' escapes the next byte (XOR 0x20) and 'X*n'
 * repeats X n - 29 more times (run-length encoding).  The receiver answers
 * '+' or '-' (retransmit) unless QStartNoAckMode turned acks off.
 */
#include <errno.h>

#include "gdbstub_int.h"

#define GDB_RLE_BIAS	29	/* "Overview": repeat count = char - 29 */
#define GDB_ESCAPE_XOR	0x20
#define GDB_INTERRUPT	0x03	/* "Interrupts": ^C, outside any packet */

int gdb_write(struct gdbstub *stub, const void *buf, size_t len)
{
	int err;

	if (stub->write_err)
		return stub->write_err;
	err = stub->cfg.write(stub->cfg.write_ctx, buf, len);
	if (err < 0)
		stub->write_err = err;
	return err < 0 ? err : 0;
}

static void rx_store(struct gdbstub *stub, char c)
{
	if (stub->rx_len < stub->rx_cap)
		stub->rx[stub->rx_len++] = c;
	else
		stub->rx_overflow = true;
}

/* 'X*n': the count byte repeats the previous data byte.  A count below 1
 * or a repeat with nothing before it makes the packet malformed (E reply).
 */
static void rx_repeat(struct gdbstub *stub, uint8_t c)
{
	int n = (int)c - GDB_RLE_BIAS;
	char prev;

	if (n < 1 || stub->rx_len == 0 || c > 126) {
		stub->rx_bad = true;
		return;
	}
	prev = stub->rx[stub->rx_len - 1];
	while (n--)
		rx_store(stub, prev);
}

static void rx_resend(struct gdbstub *stub)
{
	if (!stub->no_ack && stub->tx_sent)
		gdb_write(stub, stub->tx, stub->tx_sent);
}

/* A whole packet arrived: check it, acknowledge it, and hand it on. */
static void rx_complete(struct gdbstub *stub)
{
	bool good = !stub->rx_csum_bad && stub->rx_csum == stub->rx_sum;

	stub->rx_state = GDB_RX_IDLE;
	/* "Packet Acknowledgment": in no-ack mode the checksum may be
	 * ignored, and gdb would not retransmit anyway.
	 */
	if (!stub->no_ack) {
		gdb_write(stub, good ? "+" : "-", 1);
		if (!good)
			return;
	}
	if (stub->state == GDB_SESSION_CLOSED)
		return;
	if (stub->state == GDB_SESSION_RUNNING)
		return;		/* all-stop: gdb only sends ^C while we run */
	if (stub->rx_overflow) {
		/* Longer than PacketSize (or a broken repeat): E2BIG, and the
		 * session goes on.  A NAK would make gdb resend it forever.
		 */
		gdb_send_str(stub, "E07");
		return;
	}
	if (stub->rx_bad) {
		gdb_send_str(stub, "E16");	/* EINVAL */
		return;
	}
	stub->rx[stub->rx_len] = '\0';
	gdb_dispatch(stub, stub->rx, stub->rx_len);
}

static void rx_idle(struct gdbstub *stub, uint8_t c)
{
	switch (c) {
	case '$':
		stub->rx_state = GDB_RX_BODY;
		stub->rx_len = 0;
		stub->rx_sum = 0;
		stub->rx_overflow = false;
		stub->rx_bad = false;
		stub->rx_csum_bad = false;
		break;
	case '-':
		rx_resend(stub);
		break;
	case GDB_INTERRUPT:
		gdb_on_interrupt(stub);
		break;
	default:		/* '+', and noise between packets */
		break;
	}
}

static void rx_csum_digit(struct gdbstub *stub, uint8_t c, int shift)
{
	int d = gdb_hex_val(c);

	if (d < 0) {		/* not a hex digit: can never match */
		stub->rx_csum_bad = true;
		d = 0;
	}
	if (shift)
		stub->rx_csum = (uint8_t)(d << 4);
	else
		stub->rx_csum |= (uint8_t)d;
}

void gdb_rx_byte(struct gdbstub *stub, uint8_t c)
{
	switch (stub->rx_state) {
	case GDB_RX_IDLE:
		rx_idle(stub, c);
		return;
	case GDB_RX_BODY:
		if (c == '$') {		/* a new start: drop the partial one */
			rx_idle(stub, c);
			return;
		}
		if (c == '#') {
			stub->rx_state = GDB_RX_CSUM1;
			return;
		}
		stub->rx_sum += c;
		if (c == '}')
			stub->rx_state = GDB_RX_ESCAPE;
		else if (c == '*')
			stub->rx_state = GDB_RX_RLE;
		else
			rx_store(stub, (char)c);
		return;
	case GDB_RX_ESCAPE:
		stub->rx_sum += c;
		rx_store(stub, (char)(c ^ GDB_ESCAPE_XOR));
		stub->rx_state = GDB_RX_BODY;
		return;
	case GDB_RX_RLE:
		stub->rx_sum += c;
		rx_repeat(stub, c);
		stub->rx_state = GDB_RX_BODY;
		return;
	case GDB_RX_CSUM1:
		rx_csum_digit(stub, c, 1);
		stub->rx_state = GDB_RX_CSUM2;
		return;
	case GDB_RX_CSUM2:
		rx_csum_digit(stub, c, 0);
		rx_complete(stub);
		return;
	}
}

/* ---- transmit -------------------------------------------------------- */

/* tx holds '$', the data, then '#' and two digits: 4 bytes of frame. */
void gdb_tx_begin(struct gdbstub *stub)
{
	stub->tx[0] = '$';
	stub->tx_len = 0;
	stub->tx_overflow = false;
}

size_t gdb_tx_room(const struct gdbstub *stub)
{
	return stub->tx_cap - 4 - stub->tx_len;
}

void gdb_tx_char(struct gdbstub *stub, char c)
{
	if (gdb_tx_room(stub) < 1) {
		stub->tx_overflow = true;
		return;
	}
	stub->tx[1 + stub->tx_len++] = c;
}

void gdb_tx_str(struct gdbstub *stub, const char *s)
{
	while (*s)
		gdb_tx_char(stub, *s++);
}

void gdb_tx_hex(struct gdbstub *stub, const void *buf, size_t len)
{
	if (gdb_tx_room(stub) < 2 * len) {
		stub->tx_overflow = true;
		return;
	}
	gdb_hex_encode(stub->tx + 1 + stub->tx_len, buf, len);
	stub->tx_len += 2 * len;
}

void gdb_tx_hex_u8(struct gdbstub *stub, unsigned int val)
{
	uint8_t b = (uint8_t)val;

	gdb_tx_hex(stub, &b, 1);
}

/* A number, most significant digit first, no leading zeros. */
void gdb_tx_hex_u64(struct gdbstub *stub, uint64_t val)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 60;

	while (shift > 0 && !(val >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		gdb_tx_char(stub, digits[(val >> shift) & 0xf]);
}

/* Binary data ("Overview": '#', '$', '}' and '*' are escaped as '}' and
 * the byte XOR 0x20).  Returns how many input bytes fitted.
 */
size_t gdb_tx_bin(struct gdbstub *stub, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = p[i];
		bool esc = c == '#' || c == '$' || c == '}' || c == '*';

		if (gdb_tx_room(stub) < (esc ? 2u : 1u))
			break;
		if (esc) {
			gdb_tx_char(stub, '}');
			c ^= GDB_ESCAPE_XOR;
		}
		gdb_tx_char(stub, (char)c);
	}
	return i;
}

/* Run-length encoding in place ("Overview": a run of the same character
 * is sent as the character, '*' and a count character whose value minus
 * 29 is the number of further copies). The count character may not be
 * '#' or '$' (6 or 7 copies: send 5, the rest as a new run) nor above
 * '~' (97 copies at most). Runs shorter than 4 are left alone: "c*N" is
 * three characters. Only shrinks, so the output never overtakes the
 * input. */
static size_t rle_encode(char *buf, size_t len)
{
	size_t in = 0, out = 0, run, copies;

	while (in < len) {
		char c = buf[in];

		for (run = 1; in + run < len && buf[in + run] == c; run++)
			;
		in += run;
		while (run >= 4) {
			copies = run - 1 > 97 ? 97 : run - 1;
			if (copies == 6 || copies == 7)
				copies = 5;
			buf[out++] = c;
			buf[out++] = '*';
			buf[out++] = (char)(copies + 29);
			run -= copies + 1;
		}
		while (run--)
			buf[out++] = c;
	}
	return out;
}

/* Frames and sends the built packet; it stays in tx for a '-'. */
int gdb_tx_send(struct gdbstub *stub)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t sum = 0;
	size_t i, n;

	if (stub->tx_overflow) {	/* a handler's bug: say so, not junk */
		gdb_tx_begin(stub);
		gdb_tx_str(stub, "E69");	/* ENOBUFS */
	}
	if (stub->cfg.tx_rle)
		stub->tx_len = rle_encode(stub->tx + 1, stub->tx_len);
	for (i = 0; i < stub->tx_len; i++)
		sum += (uint8_t)stub->tx[1 + i];
	n = 1 + stub->tx_len;
	stub->tx[n++] = '#';
	stub->tx[n++] = digits[sum >> 4];
	stub->tx[n++] = digits[sum & 0xf];
	stub->tx_sent = n;
	return gdb_write(stub, stub->tx, n);
}

int gdb_send_str(struct gdbstub *stub, const char *s)
{
	gdb_tx_begin(stub);
	gdb_tx_str(stub, s);
	return gdb_tx_send(stub);
}

/* "Stop Reply Packets", O XX...: console output, hex, in packets that fit. */
int gdb_send_console(struct gdbstub *stub, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t chunk = (stub->tx_cap - 8) / 2;
	int err = 0;

	while (len && !err) {
		size_t n = len < chunk ? len : chunk;

		gdb_tx_begin(stub);
		gdb_tx_char(stub, 'O');
		gdb_tx_hex(stub, p, n);
		err = gdb_tx_send(stub);
		p += n;
		len -= n;
	}
	return err;
}
