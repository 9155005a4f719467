/* console.h - the port 0xE9 debug console: guest bytes to stdout. */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_PORT	0xe9
#define CONSOLE_BUFSZ	65536

struct console {
	int fd;				/* where guest bytes go: stdout */
	bool broken;			/* a write failed: drop, don't retry */
	size_t len;			/* bytes waiting in buf */
	uint64_t total;			/* bytes the guest wrote, ever */
	/* monitor console gdb: every byte also goes here (to gdb). */
	void (*mirror)(void *ctx, const void *data, size_t len);
	void *mirror_ctx;
	char buf[CONSOLE_BUFSZ];
};

void console_init(struct console *con, int fd);
/* Append guest bytes; flushed at each newline and when the buffer fills. */
void console_write(struct console *con, const void *data, size_t len);
void console_flush(struct console *con);

/* pio handler for port 0xE9 (see pio.h). */
void console_pio(void *ctx, uint16_t port, bool is_write, uint8_t *data,
		 unsigned size);

#endif
