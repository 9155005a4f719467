/* kvm.h - the one path of every KVM ioctl vmm makes, its trace, and the
 * count of the guest's exits.
 *
 * ioctl(2) takes three arguments: a file descriptor (/dev/kvm, a VM or a
 * vCPU), a request number that encodes the direction, size and number of
 * the call (_IO, _IOR, _IOW, _IOWR in <linux/ioctl.h>), and one argument:
 * an integer or a pointer to the struct the request names. Every call
 * vmm makes goes through kvm_ioctl(), so --trace can show each one; with
 * the trace off it costs one predictable branch.
 */
#ifndef VMM_KVM_H
#define VMM_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

struct kvm_run;

extern bool kvm_tracing;	/* --trace is on (kvm.c) */

/* kvm_ioctl() with the trace on: the call, decoded, and its result. */
int kvm_ioctl_traced(int fd, unsigned long request, void *arg);

/* ioctl(fd, request, arg), as ioctl(2) returns it (errno on -1). Integer
 * arguments are passed cast to a pointer, as the kernel takes them. */
static inline int kvm_ioctl(int fd, unsigned long request, void *arg)
{
	if (__builtin_expect(kvm_tracing, 0))
		return kvm_ioctl_traced(fd, request, arg);
	return ioctl(fd, request, arg);
}

/* --trace[=all][,FILE]: spec NULL is no trace (but the clock starts, for
 * a later monitor trace on). -1 with a message if FILE cannot be opened. */
int kvm_trace_init(const char *spec);
/* Parse a --trace spec without opening anything: false if malformed. */
bool kvm_trace_spec_ok(const char *spec);
/* monitor trace on|all|off. on and all write where --trace said (stderr
 * if it said nothing); all does not fold repeated exits. */
void kvm_trace_set(bool on, bool all);
bool kvm_trace_folds(void);
const char *kvm_trace_where(void);
/* Write out a pending "the same exit N more times" and close FILE. */
void kvm_trace_close(void);
/* This thread's lines from now on are a probe's scratch VM's (probe.c). */
void kvm_trace_scratch(bool scratch);
/* A vCPU's kvm_run page, so KVM_RUN's exits can be decoded; gone: the
 * vCPU is closed. */
void kvm_trace_vcpu(int fd, struct kvm_run *run);
void kvm_trace_vcpu_gone(int fd);
/* A trace line for something that is not an ioctl (an mmap). */
void kvm_trace_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One request, decoded for a reader (kvm_decode.c). */
struct kvm_line {
	char buf[1536];
	size_t n;
};
void kvm_line_put(struct kvm_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "KVM_RUN", or NULL for a request vmm does not know. */
const char *kvm_request_name(unsigned long request);
/* "ioctl(5 vCPU, KVM_SET_REGS = 0x4090ae82 _IOW(0xae, 0x82, 144), {...}"
 * - the call, up to the closing parenthesis, after it returned. */
void kvm_decode_call(struct kvm_line *l, int fd, unsigned long request,
		     const void *arg, uint32_t in_count);
/* " = 4 (the VM's fd)" or " = -1 EINVAL (Invalid argument)". */
void kvm_decode_result(struct kvm_line *l, unsigned long request, int r,
		       int err);
/* "KVM_EXIT_IO {direction=out, size=1, port=0xe9, ...}". */
void kvm_decode_exit(struct kvm_line *l, const struct kvm_run *run);

/* What KVM_RUN returned, counted for monitor exits and the exit-count
 * hypercall: always on, a few nanoseconds an exit. */
#define KVM_EXITS_REASONS	64	/* the last counts every higher one */
#define KVM_EXITS_PORTS		32	/* ports counted one by one */

struct kvm_exit_counts {
	uint64_t total;			/* KVM_RUN returned 0: an exit */
	uint64_t eintr;			/* returned EINTR/EAGAIN: no exit */
	uint64_t reason[KVM_EXITS_REASONS];
	struct kvm_port_count {
		uint16_t port;
		bool out;
		uint64_t n;
	} port[KVM_EXITS_PORTS];	/* KVM_EXIT_IO by port and direction */
	unsigned nports;
	uint64_t other_ports;		/* I/O exits past the first 32 ports */
};

/* Count one KVM_RUN that returned r (errno unchanged). */
void kvm_exits_count(struct kvm_exit_counts *c, const struct kvm_run *run,
		     int r);
/* How many of port's exits in that direction c holds. */
uint64_t kvm_exits_port(const struct kvm_exit_counts *c, uint16_t port,
			bool out);

#endif
