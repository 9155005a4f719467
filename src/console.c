/* console.c - port 0xE9, the Bochs/QEMU debug console.
 *
 * A guest writes a byte with "outb %al, $0xe9" and it appears on vmm's
 * stdout. The bytes are buffered (one write(2) per line, not per byte: on
 * a guest printing a megabyte, a syscall per byte would cost more than the
 * VM exit itself) and flushed at every newline, before each message vmm
 * prints (stdout and stderr often share a terminal or a file, and must
 * read in the order things happened), at halt and on exit.
 *
 * Where the host can, KVM keeps the OUTs in its coalesced ring instead of
 * exiting for each (coalesced.c); they arrive here in batches, in order.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "coalesced.h"
#include "console.h"
#include "util.h"

static struct console *log_console;	/* for flush_before_log */

/* util.c's hook, before each message: the guest's bytes so far go first.
 * Only on the owner (vCPU) thread, whose messages are part of the guest's
 * timeline, and never from inside a flush (the lock is then ours). */
static void flush_before_log(void)
{
	struct console *con = log_console;

	if (!con || !pthread_equal(pthread_self(), con->owner) ||
	    pthread_mutex_trylock(&con->lock) != 0)
		return;
	pthread_mutex_unlock(&con->lock);
	console_flush(con);
}

void console_init(struct console *con, int fd)
{
	con->fd = fd;
	con->broken = false;
	con->muted = false;
	con->len = 0;
	con->mirror = NULL;
	con->mirror_ctx = NULL;
	con->coalesced = NULL;
	con->exit_bytes = 0;
	pthread_mutex_init(&con->lock, NULL);
	con->owner = pthread_self();
	log_console = con;
	log_before = flush_before_log;
}

void console_fini(struct console *con)
{
	console_flush(con);
	if (log_console == con) {
		log_before = NULL;
		log_console = NULL;
	}
	pthread_mutex_destroy(&con->lock);
}

static void flush_locked(struct console *con)
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
			con->broken = true;
			pr_warn("console: writing guest output: %s; dropping the rest",
				n < 0 ? strerror(errno) : "short write");
			break;
		}
		done += n;
	}
	con->len = 0;
}

void console_flush(struct console *con)
{
	pthread_mutex_lock(&con->lock);
	flush_locked(con);
	pthread_mutex_unlock(&con->lock);
}

void console_write(struct console *con, const void *data, size_t len)
{
	const char *p = data;
	bool newline = false;
	size_t room;

	if (con->muted)
		return;
	if (con->mirror)
		con->mirror(con->mirror_ctx, data, len);
	pthread_mutex_lock(&con->lock);
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
			flush_locked(con);
	}
	if (newline)
		flush_locked(con);
	pthread_mutex_unlock(&con->lock);
}

static void start_coalescing(struct console *con)
{
	struct coalesced *c = con->coalesced;
	char why[160];

	if (coalesced_register(c, why, sizeof(why)) < 0) {
		pr_strategy("console", "the guest wrote %d bytes, but %s: port 0xe9 keeps an exit per OUT",
			    CONSOLE_COALESCE_AFTER, why);
		return;
	}
	pr_strategy("console", "the guest wrote %d bytes: coalescing OUTs to port 0xe9 from here on (KVM_CAP_COALESCED_PIO, a ring of %u)%s",
		    CONSOLE_COALESCE_AFTER, c->max,
		    c->holds ? ", once nothing needs each OUT" : "");
}

/* Like QEMU's isa-debugcon, each OUT sends its low byte whatever the
 * operand size, and IN answers 0xE9 so a guest can detect the port. */
enum bus_result console_pio(void *ctx, const struct bus_access *a,
			    struct stop *stop)
{
	struct console *con = ctx;

	(void)stop;
	if (!a->is_write) {
		memset(a->data, CONSOLE_PORT, a->len);
		return BUS_DONE;
	}
	console_write(con, a->data, 1);
	/* That was an exit of its own: a guest that keeps printing is
	 * worth the ring's cost. */
	if (con->coalesced && ++con->exit_bytes == CONSOLE_COALESCE_AFTER)
		start_coalescing(con);
	return BUS_DONE;
}

static void from_ring(void *ctx, const uint8_t *bytes, size_t n)
{
	console_write(ctx, bytes, n);
}

struct coalesced *console_coalesce(struct console *con, struct vm *vm,
				   struct kvm_run *run, bool allowed)
{
	if (!allowed) {
		pr_strategy("console", "port 0xe9 to stdout, one exit per OUT (--no-coalesce); buffered, flushed at each newline");
		return NULL;
	}
	con->coalesced = coalesced_open(vm, run, CONSOLE_PORT, from_ring, con);
	pr_strategy("console", "port 0xe9 to stdout, buffered, flushed at each newline; an exit per OUT for the first %d bytes, then, where the host has KVM_CAP_COALESCED_PIO (probed then), kept in KVM's ring and drained at each exit and every %d ms",
		    CONSOLE_COALESCE_AFTER, COALESCED_DRAIN_MS);
	return con->coalesced;
}
