/* hex.c - the hex encodings of the remote protocol ("Overview": numbers
 * and register/memory data are sent as pairs of lower-case hex digits).
 */
#include <errno.h>

#include "gdbstub_int.h"

int gdb_hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses a hex number at *p, advancing *p past it.  At least one digit and
 * at most 16; -EINVAL otherwise (so "m,4" and 17-digit addresses are bad).
 */
int gdb_parse_u64(const char **p, uint64_t *val)
{
	const char *s = *p;
	uint64_t v = 0;
	int n = 0, d;

	while ((d = gdb_hex_val((unsigned char)*s)) >= 0) {
		if (++n > 16)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
		s++;
	}
	if (n == 0)
		return -EINVAL;
	*val = v;
	*p = s;
	return 0;
}

/* Decodes 2 * nbytes hex digits.  dst may equal src (in-place decoding
 * writes behind what it reads).
 */
int gdb_hex_decode(uint8_t *dst, const char *src, size_t nbytes)
{
	size_t i;

	for (i = 0; i < nbytes; i++) {
		int hi = gdb_hex_val((unsigned char)src[2 * i]);
		int lo;

		if (hi < 0)
			return -EINVAL;
		lo = gdb_hex_val((unsigned char)src[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		dst[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void gdb_hex_encode(char *dst, const uint8_t *src, size_t nbytes)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < nbytes; i++) {
		dst[2 * i] = digits[src[i] >> 4];
		dst[2 * i + 1] = digits[src[i] & 0xf];
	}
}
