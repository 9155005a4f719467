/* console.c - port 0xE9, the Bochs/QEMU debug console.
 *
 * A guest writes a byte with "outb %al, $0xe9" and it appears on vmm's
 * stdout. The bytes are buffered (one write(2) per line, not per byte: on
 * a guest printing a megabyte, a syscall per byte would cost more than the
 * VM exit itself) and flushed at every newline, at halt and on exit.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "util.h"

void console_init(struct console *con, int fd)
{
	con->fd = fd;
	con->broken = false;
	con->len = 0;
	con->total = 0;
	con->mirror = NULL;
	con->mirror_ctx = NULL;
}

void console_flush(struct console *con)
{
	size_t done = 0;
	ssize_t n;

	while (done < con->len && !con->broken) {
		n = write(con->fd, con->buf + done, con->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* stdout closed (a pipe to "head", say): the guest
			 * keeps running; its output has nowhere to go. */
			pr_warn("console: writing guest output: %s; dropping the rest",
				n < 0 ? strerror(errno) : "short write");
			con->broken = true;
			break;
		}
		done += n;
	}
	con->len = 0;
}

void console_write(struct console *con, const void *data, size_t len)
{
	const char *p = data;
	bool newline = false;
	size_t room;

	con->total += len;
	if (con->mirror)
		con->mirror(con->mirror_ctx, data, len);
	while (len) {
		room = sizeof(con->buf) - con->len;
		if (room > len)
			room = len;
		memcpy(con->buf + con->len, p, room);
		newline |= memchr(p, '\n', room) != NULL;
		con->len += room;
		p += room;
		len -= room;
		if (con->len == sizeof(con->buf))
			console_flush(con);
	}
	if (newline)
		console_flush(con);
}

/* Like QEMU's isa-debugcon, each OUT sends its low byte whatever the
 * operand size, and IN answers 0xE9 so a guest can detect the port. */
void console_pio(void *ctx, uint16_t port, bool is_write, uint8_t *data,
		 unsigned size)
{
	struct console *con = ctx;

	if (is_write)
		console_write(con, data, 1);
	else
		memset(data, CONSOLE_PORT, size);
}
