/* kvm.c - kvm_ioctl()'s traced path, where the trace goes, and the count
 * of exits.
 *
 * With --trace every KVM ioctl is one line: when (microseconds since vmm
 * started), the three arguments of ioctl(2) made concrete, the result,
 * and for KVM_RUN the exit that kvm_run describes. The lines are written
 * with one write(2) each, so they interleave in order with vmm's other
 * messages on stderr. A run of identical exits (a guest printing the same
 * byte a million times) is one line and a count, unless --trace=all.
 * The stub thread (registers for gdb) and the vCPU thread both make
 * ioctls: one mutex orders their lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kvm.h"
#include "util.h"

#define TRACE_VCPUS 4		/* the guest's vCPU and a probe's */

bool kvm_tracing;
/* This thread is in a probe's scratch VM (kvm_trace_scratch): its lines
 * are marked. Per thread, as the stub thread may probe too. */
static __thread bool in_probe;

static struct trace {
	pthread_mutex_t lock;
	int fd;			/* where lines go: stderr or FILE */
	const char *where;	/* "stderr" or FILE, for monitor trace */
	bool all;		/* --trace=all: no folding */
	bool last_scratch;	/* the last exit line was a probe VM's */
	struct timespec t0;	/* vmm's start */
	char last[sizeof(((struct kvm_line *)0)->buf)]; /* last exit line */
	uint64_t repeats;	/* identical exits folded since */
	double repeat_us;	/* the time of the last of them */
	struct trace_vcpu {
		int fd;
		struct kvm_run *run;
		bool answer;	/* the last exit was a read: vmm's data
				 * goes to KVM with the next KVM_RUN */
	} vcpus[TRACE_VCPUS];
} trace = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fd = STDERR_FILENO,
	.where = "stderr",
};

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - trace.t0.tv_sec) * 1e6 +
	       (t.tv_nsec - trace.t0.tv_nsec) / 1e3;
}

static void write_all(const char *p, size_t n)
{
	ssize_t k;

	while (n) {
		k = write(trace.fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;		/* a closed trace file: lose the line */
		p += k;
		n -= (size_t)k;
	}
}

/* "vmm: trace [   123.4 us] probe VM: TEXT\n" */
static void emit(double us, bool scratch, const char *text)
{
	char line[sizeof(trace.last) + 64];
	int n;

	n = snprintf(line, sizeof(line), "vmm: trace [%10.1f us] %s%s\n", us,
		     scratch ? "probe VM: " : "", text);
	if (n > 0)
		write_all(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void flush_repeats(void)
{
	char text[96];

	if (trace.repeats)
		snprintf(text, sizeof(text), "... the same exit %llu more time%s",
			 (unsigned long long)trace.repeats,
			 trace.repeats == 1 ? "" : "s");
	if (trace.repeats)
		emit(trace.repeat_us, trace.last_scratch, text);
	trace.repeats = 0;
}

/* One line; an exit line identical to the one before is only counted. */
static void trace_line(const struct kvm_line *l, bool is_exit)
{
	double us = now_us();

	if (is_exit && !trace.all && trace.last_scratch == in_probe &&
	    strcmp(trace.last, l->buf) == 0) {
		trace.repeats++;
		trace.repeat_us = us;
		return;
	}
	flush_repeats();
	emit(us, in_probe, l->buf);
	trace.last_scratch = in_probe;
	if (is_exit)
		memcpy(trace.last, l->buf, l->n + 1);
	else
		trace.last[0] = '\0';
}

static struct trace_vcpu *find_vcpu(int fd)
{
	size_t i;

	for (i = 0; i < TRACE_VCPUS; i++)
		if (trace.vcpus[i].run && trace.vcpus[i].fd == fd)
			return &trace.vcpus[i];
	return NULL;
}

/* What vmm answered the guest's last IN or MMIO read: KVM copies it in
 * when the next KVM_RUN enters the guest. */
static void put_answer(struct kvm_line *l, const struct kvm_run *run)
{
	const uint8_t *p = run->exit_reason == KVM_EXIT_IO ?
		(const uint8_t *)run + run->io.data_offset : run->mmio.data;
	size_t n = run->exit_reason == KVM_EXIT_IO ?
		(size_t)run->io.size * run->io.count : run->mmio.len;
	size_t i;

	kvm_line_put(l, " [vmm's answer to the %s, at %s: ",
		     run->exit_reason == KVM_EXIT_IO ? "IN" : "MMIO read",
		     run->exit_reason == KVM_EXIT_IO ? "data_offset" : "mmio.data");
	for (i = 0; i < n && i < 16; i++)
		kvm_line_put(l, "%s%02x", i ? " " : "", p[i]);
	kvm_line_put(l, "]");
}

static bool is_read_exit(const struct kvm_run *run)
{
	return (run->exit_reason == KVM_EXIT_IO &&
		run->io.direction == KVM_EXIT_IO_IN) ||
	       (run->exit_reason == KVM_EXIT_MMIO && !run->mmio.is_write);
}

static int traced_run(int fd, unsigned long request, void *arg)
{
	struct trace_vcpu *v = find_vcpu(fd);
	struct kvm_line l = { .n = 0 };
	int r, err;

	kvm_decode_call(&l, fd, request, arg, 0);
	if (v && v->answer)
		put_answer(&l, v->run);
	r = ioctl(fd, request, arg);
	err = errno;
	kvm_decode_result(&l, request, r, err);
	if (v && r == 0)
		kvm_decode_exit(&l, v->run);
	if (v)
		v->answer = r == 0 && is_read_exit(v->run);
	pthread_mutex_lock(&trace.lock);
	trace_line(&l, true);
	pthread_mutex_unlock(&trace.lock);
	errno = err;
	return r;
}

int kvm_ioctl_traced(int fd, unsigned long request, void *arg)
{
	struct kvm_line l = { .n = 0 };
	uint32_t in_count = 0;
	int r, err;

	if (request == KVM_RUN)
		return traced_run(fd, request, arg);
	/* The count KVM_GET_SUPPORTED_CPUID is offered, before it shrinks it. */
	if ((request == KVM_GET_SUPPORTED_CPUID || request == KVM_SET_CPUID2) && arg)
		in_count = ((const struct kvm_cpuid2 *)arg)->nent;
	r = ioctl(fd, request, arg);
	err = errno;
	/* A struct the kernel fills is shown as it came back. */
	kvm_decode_call(&l, fd, request, r < 0 && _IOC_DIR(request) == _IOC_READ ?
			NULL : arg, in_count);
	kvm_decode_result(&l, request, r, err);
	pthread_mutex_lock(&trace.lock);
	trace_line(&l, false);
	pthread_mutex_unlock(&trace.lock);
	errno = err;
	return r;
}

void kvm_trace_note(const char *fmt, ...)
{
	struct kvm_line l = { .n = 0 };
	int err = errno;
	va_list ap;

	if (!kvm_tracing)
		return;
	va_start(ap, fmt);
	vsnprintf(l.buf, sizeof(l.buf), fmt, ap);
	va_end(ap);
	l.n = strlen(l.buf);
	pthread_mutex_lock(&trace.lock);
	trace_line(&l, false);
	pthread_mutex_unlock(&trace.lock);
	errno = err;
}

/* ---- switching it on and off ---------------------------------------------- */

/* "all", "FILE", "all,FILE": the parts of a --trace spec. */
static bool parse_spec(const char *spec, bool *all, const char **file)
{
	*all = false;
	*file = NULL;
	if (!spec || !*spec)
		return true;
	if (strcmp(spec, "all") == 0) {
		*all = true;
		return true;
	}
	if (strncmp(spec, "all,", 4) == 0) {
		*all = true;
		spec += 4;
	}
	*file = spec;
	return **file != '\0';
}

bool kvm_trace_spec_ok(const char *spec)
{
	const char *file;
	bool all;

	return parse_spec(spec, &all, &file);
}

int kvm_trace_init(const char *spec)
{
	const char *file;
	bool all;

	clock_gettime(CLOCK_MONOTONIC, &trace.t0);
	if (!spec)
		return 0;
	if (!parse_spec(spec, &all, &file)) {
		pr_err("--trace=%s: give all, a file name, or all,FILE", spec);
		return -1;
	}
	if (file) {
		trace.fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (trace.fd < 0) {
			pr_err("--trace: %s: %m", file);
			trace.fd = STDERR_FILENO;
			return -1;
		}
		trace.where = file;
	}
	trace.all = all;
	kvm_tracing = true;
	return 0;
}

void kvm_trace_set(bool on, bool all)
{
	pthread_mutex_lock(&trace.lock);
	flush_repeats();
	trace.last[0] = '\0';
	trace.all = all;
	kvm_tracing = on;
	pthread_mutex_unlock(&trace.lock);
}

bool kvm_trace_folds(void)
{
	return !trace.all;
}

const char *kvm_trace_where(void)
{
	return trace.where;
}

void kvm_trace_close(void)
{
	pthread_mutex_lock(&trace.lock);
	flush_repeats();
	kvm_tracing = false;
	if (trace.fd != STDERR_FILENO)
		close(trace.fd);
	trace.fd = STDERR_FILENO;
	trace.where = "stderr";
	pthread_mutex_unlock(&trace.lock);
}

void kvm_trace_scratch(bool scratch)
{
	in_probe = scratch;
}

void kvm_trace_vcpu(int fd, struct kvm_run *run)
{
	struct trace_vcpu *v = find_vcpu(fd);
	size_t i;

	for (i = 0; !v && i < TRACE_VCPUS; i++)
		if (!trace.vcpus[i].run)
			v = &trace.vcpus[i];
	if (v)
		*v = (struct trace_vcpu){ fd, run, false };
}

void kvm_trace_vcpu_gone(int fd)
{
	struct trace_vcpu *v = find_vcpu(fd);

	if (v)
		*v = (struct trace_vcpu){ -1, NULL, false };
}

/* ---- counting exits ------------------------------------------------------- */

static void count_port(struct kvm_exit_counts *c, uint16_t port, bool out)
{
	unsigned i;

	for (i = 0; i < c->nports; i++) {
		if (c->port[i].port == port && c->port[i].out == out) {
			c->port[i].n++;
			return;
		}
	}
	if (c->nports == KVM_EXITS_PORTS) {
		c->other_ports++;
		return;
	}
	c->port[c->nports++] = (struct kvm_port_count){ port, out, 1 };
}

void kvm_exits_count(struct kvm_exit_counts *c, const struct kvm_run *run,
		     int r)
{
	uint32_t reason = run->exit_reason;

	if (r < 0) {
		if (errno == EINTR || errno == EAGAIN)
			c->eintr++;
		return;
	}
	c->total++;
	c->reason[reason < KVM_EXITS_REASONS ? reason : KVM_EXITS_REASONS - 1]++;
	if (reason == KVM_EXIT_IO)
		count_port(c, run->io.port, run->io.direction == KVM_EXIT_IO_OUT);
}

uint64_t kvm_exits_port(const struct kvm_exit_counts *c, uint16_t port,
			bool out)
{
	unsigned i;

	for (i = 0; i < c->nports; i++)
		if (c->port[i].port == port && c->port[i].out == out)
			return c->port[i].n;
	return 0;
}
