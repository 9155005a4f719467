/* console.h - the port 0xE9 debug console: guest bytes to stdout. */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

#define CONSOLE_PORT	0xe9
#define CONSOLE_BUFSZ	65536
/* Coalescing costs a VM 6-15 ms more to close here: worth it only for a
 * guest that prints more than ~1,000 bytes (at ~10 us an exit). */
#define CONSOLE_COALESCE_AFTER	1024

struct console {
	int fd;				/* where guest bytes go: stdout */
	bool broken;			/* a write failed: drop, don't retry */
	bool muted;			/* re-executing recorded history
					 * (record.c): its bytes were
					 * printed the first time */
	size_t len;			/* bytes waiting in buf */
	/* monitor console gdb: every byte also goes here (to gdb). */
	void (*mirror)(void *ctx, const void *data, size_t len);
	void *mirror_ctx;
	/* The vCPU thread and the coalesced ring's drain thread both write;
	 * the vCPU thread (owner) flushes before each message vmm prints. */
	pthread_mutex_t lock;
	pthread_t owner;
	/* KVM's coalesced ring (console_coalesce), started once the guest
	 * has written CONSOLE_COALESCE_AFTER bytes an exit each. */
	struct coalesced *coalesced;
	uint64_t exit_bytes;
	char buf[CONSOLE_BUFSZ];
};

/* Called on the vCPU thread: it becomes the owner. */
void console_init(struct console *con, int fd);
/* Append guest bytes; flushed at each newline and when the buffer fills. */
void console_write(struct console *con, const void *data, size_t len);
void console_flush(struct console *con);
/* Flush, and stop flushing before vmm's messages: the console is gone. */
void console_fini(struct console *con);

struct bus_access;
struct stop;

/* The bus device for port 0xE9 (see bus.h). */
enum bus_result console_pio(void *ctx, const struct bus_access *a,
			    struct stop *stop);

struct vm;
struct kvm_run;
struct coalesced;
/* OUTs to port 0xE9 through KVM's coalesced ring where the host has one
 * and allowed (false: --no-coalesce); says which with --verbose
 * (strategy: console). NULL: one exit per OUT. */
struct coalesced *console_coalesce(struct console *con, struct vm *vm,
				   struct kvm_run *run, bool allowed);

#endif
