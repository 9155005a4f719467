/* tap.h - a tiny Test Anything Protocol emitter for the C unit tests.
 *
 * Each check prints "ok N - name" or "not ok N - name" plus, on failure, a
 * "# " diagnostic naming the file, line, and actual vs expected values, so a
 * failing test tells a student what went wrong without a debugger.
 * automake's tap-driver.sh counts every line.
 */
#ifndef VMM_TAP_H
#define VMM_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n;	/* number of the last test printed */
static int tap_failed;	/* how many failed */

static inline void tap_vresult(int pass, const char *fmt, va_list ap)
{
	printf("%s %d - ", pass ? "ok" : "not ok", ++tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	if (!pass)
		tap_failed++;
}

static inline int tap_ok_at(int pass, const char *file, int line,
			    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   failed at %s:%d\n", file, line);
	fflush(stdout);
	return pass;
}

#define ok(cond, ...) tap_ok_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* is_u64(actual, expected, name...): prints both values on failure. */
#define is_u64(a, e, ...) do {						\
	uint64_t tap_a_ = (uint64_t)(a), tap_e_ = (uint64_t)(e);	\
	if (!tap_ok_at(tap_a_ == tap_e_, __FILE__, __LINE__, __VA_ARGS__)) \
		printf("#   actual 0x%" PRIx64 ", expected 0x%" PRIx64 "\n", \
		       tap_a_, tap_e_);					\
} while (0)

/* is_str(actual, expected, name...): prints both strings on failure. */
#define is_str(a, e, ...) do {						\
	const char *tap_a_ = (a), *tap_e_ = (e);			\
	int tap_p_ = tap_a_ && tap_e_ && strcmp(tap_a_, tap_e_) == 0;	\
	if (!tap_ok_at(tap_p_, __FILE__, __LINE__, __VA_ARGS__))	\
		printf("#   actual   \"%s\"\n#   expected \"%s\"\n",	\
		       tap_a_ ? tap_a_ : "(null)", tap_e_ ? tap_e_ : "(null)"); \
} while (0)

static inline void tap_skip(const char *why, const char *name)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_n, name, why);
	fflush(stdout);
}

static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Call last: prints the plan and returns the exit status for main(). */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
