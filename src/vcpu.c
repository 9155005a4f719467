/* vcpu.c - the KVM_RUN loop: one flat switch on exit_reason.
 *
 * KVM_RUN enters the guest and returns when it needs userspace: the reason
 * is in the kvm_run structure mmap()ed from the vCPU fd. Port I/O is
 * handled here and the loop goes on; everything else is handed back.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pio.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

volatile sig_atomic_t vcpu_signal;
volatile sig_atomic_t vcpu_quit_signal;
static struct kvm_run *volatile kick_run;	/* for the signal handler */

int vcpu_create(struct vm *vm, struct pio_bus *pio, struct vcpu *vcpu)
{
	vcpu->vm = vm;
	vcpu->pio = pio;
	vcpu->run = MAP_FAILED;
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vcpu->fd < 0) {
		pr_err("KVM_CREATE_VCPU: %s", strerror(errno));
		return -1;
	}
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		pr_err("mmap of the vCPU's kvm_run: %s", strerror(errno));
		vcpu_destroy(vcpu);
		return -1;
	}
	if (vm->cpuid && ioctl(vcpu->fd, KVM_SET_CPUID2, vm->cpuid) < 0)
		pr_warn("KVM_SET_CPUID2: %s; the guest sees no CPUID",
			strerror(errno));
	return 0;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (kick_run == vcpu->run)
		kick_run = NULL;
	if (vcpu->run != MAP_FAILED)
		munmap(vcpu->run, vcpu->vm->run_size);
	vcpu->run = MAP_FAILED;
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->fd = -1;
}

/* A signal that arrives while the vCPU is in the guest makes KVM_RUN
 * return EINTR; one that arrives just before KVM_RUN would be lost, so the
 * handler also sets immediate_exit, which makes the next KVM_RUN return
 * EINTR at once (api.rst, "immediate_exit"). */
static void on_signal(int sig)
{
	struct kvm_run *run = kick_run;

	vcpu_signal = sig;
	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
		vcpu_quit_signal = sig;
	if (run)
		run->immediate_exit = 1;
}

int vcpu_signals_install(struct vcpu *vcpu)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGUSR1 };
	struct sigaction sa;
	size_t i;

	kick_run = vcpu->run;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: KVM_RUN must stop */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], &sa, NULL) < 0) {
			pr_err("sigaction: %s", strerror(errno));
			return -1;
		}
	}
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout is the console's news */
	return 0;
}

/* Port I/O; true if a catchpoint wants the guest stopped after it. */
static bool handle_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;

	pio_dispatch(vcpu->pio, run->io.port, out, data, run->io.size,
		     run->io.count);
	return vcpu->io_catch &&
	       vcpu->io_catch(vcpu->io_catch_ctx, run->io.port, out, data,
			      run->io.size, run->io.count);
}

enum vcpu_stop vcpu_run(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	for (;;) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				run->immediate_exit = 0;
				return VCPU_KICK;
			}
			pr_err("KVM_RUN: %s", strerror(errno));
			return VCPU_ERROR;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (handle_io(vcpu) || vcpu->stepping)
				return VCPU_IO_STEP;
			continue;
		case KVM_EXIT_HLT:
			return VCPU_HALT;
		case KVM_EXIT_DEBUG:
			return VCPU_DEBUG;
		case KVM_EXIT_INTR:
			run->immediate_exit = 0;
			return VCPU_KICK;
		case KVM_EXIT_SHUTDOWN:
		case KVM_EXIT_FAIL_ENTRY:
		case KVM_EXIT_INTERNAL_ERROR:
		case KVM_EXIT_MMIO:
		default:
			return VCPU_CRASH;
		}
	}
}

enum vcpu_stop vcpu_complete_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	run->immediate_exit = 1;
	if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
		/* A kick that came meanwhile must still stop the next run. */
		run->immediate_exit = vcpu_signal != 0 || vcpu_quit_signal != 0;
		if (errno == EINTR || errno == EAGAIN)
			return VCPU_DEBUG;	/* done, nothing more ran */
		pr_err("KVM_RUN (completing I/O): %s", strerror(errno));
		return VCPU_ERROR;
	}
	run->immediate_exit = vcpu_signal != 0 || vcpu_quit_signal != 0;
	if (run->exit_reason == KVM_EXIT_DEBUG)
		return VCPU_DEBUG;
	if (run->exit_reason == KVM_EXIT_HLT)
		return VCPU_HALT;
	return VCPU_CRASH;
}

const char *vcpu_exit_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
		[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
		[KVM_EXIT_IO] = "KVM_EXIT_IO",
		[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
		[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
		[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
		[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
		[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
		[KVM_EXIT_SET_TPR] = "KVM_EXIT_SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "KVM_EXIT_TPR_ACCESS",
		[KVM_EXIT_NMI] = "KVM_EXIT_NMI",
		[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "an unexpected KVM exit";
}

void vcpu_describe_exit(const struct vcpu *vcpu, char *buf, size_t len)
{
	const struct kvm_run *run = vcpu->run;
	const char *name = vcpu_exit_name(run->exit_reason);

	switch (run->exit_reason) {
	case KVM_EXIT_SHUTDOWN:
		snprintf(buf, len, "%s: the guest triple-faulted (an exception it could not handle) or the host refused its CPU state", name);
		break;
	case KVM_EXIT_MMIO:
		snprintf(buf, len, "%s: the guest %s %u bytes at GPA 0x%llx, where there is no RAM and no device",
			 name, run->mmio.is_write ? "wrote" : "read",
			 run->mmio.len, (unsigned long long)run->mmio.phys_addr);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(buf, len, "%s: the CPU refused to enter the guest (hardware entry failure reason 0x%llx)",
			 name, (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(buf, len, "%s: KVM could not handle what the guest did (suberror %u%s)",
			 name, run->internal.suberror,
			 run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
			 ": instruction emulation failed" : "");
		break;
	default:
		snprintf(buf, len, "%s (exit reason %u)", name, run->exit_reason);
		break;
	}
}

static void dump_seg(FILE *out, const char *name, const struct kvm_segment *s)
{
	fprintf(out, "  %-3s 0x%04x base 0x%llx limit 0x%x type %u%s%s dpl %u%s\n",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->l ? " L" : "", s->db ? " D/B" : "", s->dpl,
		s->present ? "" : " not-present");
}

void vcpu_dump(const struct vcpu *vcpu, FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out, "  (registers unavailable: %s)\n", strerror(errno));
		return;
	}
	fprintf(out, "  rip 0x%llx  rsp 0x%llx  rbp 0x%llx  rflags 0x%llx\n",
		r.rip, r.rsp, r.rbp, r.rflags);
	fprintf(out, "  rax 0x%llx  rbx 0x%llx  rcx 0x%llx  rdx 0x%llx  rsi 0x%llx  rdi 0x%llx\n",
		r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi);
	fprintf(out, "  r8 0x%llx  r9 0x%llx  r10 0x%llx  r11 0x%llx  r12 0x%llx  r13 0x%llx  r14 0x%llx  r15 0x%llx\n",
		r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15);
	dump_seg(out, "cs", &s.cs);
	dump_seg(out, "ds", &s.ds);
	dump_seg(out, "ss", &s.ss);
	fprintf(out, "  cr0 0x%llx  cr2 0x%llx  cr3 0x%llx  cr4 0x%llx  efer 0x%llx\n",
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	fprintf(out, "  gdt base 0x%llx limit 0x%x  idt base 0x%llx limit 0x%x\n",
		s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
}
