/* util.h - vmm's logging vocabulary, exit statuses and number parsing. */
#ifndef VMM_UTIL_H
#define VMM_UTIL_H

#include <stdbool.h>
#include <stdint.h>

/* Exit statuses: one table, documented in README.md and doc/vmm.1. */
enum vmm_status {
	VMM_OK = 0,		/* the guest halted and every check passed */
	VMM_VERDICT = 1,	/* the guest halted but a check failed */
	VMM_USAGE = 2,		/* bad command line */
	VMM_CRASH = 3,		/* the guest crashed (triple fault, ...) */
	VMM_TIMEOUT = 4,	/* --timeout ran out before the guest halted */
	VMM_SETUP = 5,		/* vmm could not start the guest */
	VMM_SIGNAL = 128,	/* + signal number: SIGINT, SIGTERM */
};

extern int log_verbose;		/* --verbose: pr_info() prints */
/* Called before each message (console.c: the guest's buffered output goes
 * first, so stdout and stderr read in the order things happened). */
extern void (*log_before)(void);

void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_strategy(const char *feature, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "2M", "2MiB", "0x200000", "64K", "1G": bytes. false if malformed. */
bool parse_size(const char *s, uint64_t *out);
/* Decimal or 0x-prefixed hex, no trailing junk. */
bool parse_u64(const char *s, uint64_t *out);

#endif
