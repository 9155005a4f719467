/* vcpu.c - the KVM_RUN loop: one flat switch on exit_reason.
 *
 * KVM_RUN enters the guest and returns when it needs userspace: the reason
 * is in the kvm_run structure mmap()ed from the vCPU fd. Port I/O and
 * MMIO go to their buses (bus.c) and the loop goes on; a debugger's
 * hooks (debug.c) say what a debug exit or a HLT means; everything else
 * ends the run with a stop record (stop.h) for the caller.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bus.h"
#include "coalesced.h"
#include "kvm.h"
#include "mmu.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"
#include "x86_bits.h"

volatile sig_atomic_t vcpu_signal;
volatile sig_atomic_t vcpu_quit_signal;
volatile sig_atomic_t vcpu_tick;
static struct kvm_run *volatile kick_run;	/* for the signal handler */

int vcpu_create(struct vm *vm, struct bus *pio, struct bus *mmio,
		struct vcpu *vcpu)
{
	vcpu->vm = vm;
	vcpu->pio = pio;
	vcpu->mmio = mmio;
	vcpu->hooks = NULL;
	vcpu->stepping = false;
	vcpu->completing = false;
	vcpu->run = MAP_FAILED;
	memset(&vcpu->exits, 0, sizeof(vcpu->exits));
	memset(&vcpu->exits_mark, 0, sizeof(vcpu->exits_mark));
	vcpu->fd = kvm_ioctl(vm->vm_fd, KVM_CREATE_VCPU, NULL);
	if (vcpu->fd < 0) {
		pr_err("KVM_CREATE_VCPU: %m");
		return -1;
	}
	/* The size of the kvm_run area is the system's to tell, asked where
	 * it is needed, as kvm-hello-world does. */
	vm->run_size = kvm_ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (vm->run_size < (int)sizeof(struct kvm_run)) {
		pr_err("KVM_GET_VCPU_MMAP_SIZE: %m");
		vcpu_destroy(vcpu);
		return -1;
	}
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		pr_err("mmap of the vCPU's kvm_run: %m");
		vcpu_destroy(vcpu);
		return -1;
	}
	kvm_trace_note("mmap(NULL, %d, PROT_READ|PROT_WRITE, MAP_SHARED, %d, 0) = %p: the vCPU's kvm_run, shared with KVM",
		       vm->run_size, vcpu->fd, (void *)vcpu->run);
	kvm_trace_vcpu(vcpu->fd, vcpu->run);
	if (vm->cpuid && kvm_ioctl(vcpu->fd, KVM_SET_CPUID2, vm->cpuid) < 0)
		pr_warn("KVM_SET_CPUID2: %m; the guest sees no CPUID");
	return 0;
}

void vcpu_exits_mark(struct vcpu *vcpu)
{
	vcpu->exits_mark = vcpu->exits;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (kick_run == vcpu->run)
		kick_run = NULL;
	if (vcpu->run != MAP_FAILED) {
		kvm_trace_vcpu_gone(vcpu->fd);
		munmap(vcpu->run, vcpu->vm->run_size);
	}
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

	if (sig == SIGUSR2) {		/* the debug layer's watchdog */
		vcpu_tick = 1;
		if (run)
			run->immediate_exit = 1;
		return;
	}
	vcpu_signal = sig;
	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
		vcpu_quit_signal = sig;
	if (run)
		run->immediate_exit = 1;
}

int vcpu_signals_install(struct vcpu *vcpu)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGUSR1,
				    SIGUSR2 };
	struct sigaction sa;
	size_t i;

	kick_run = vcpu->run;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: KVM_RUN must stop */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], &sa, NULL) < 0) {
			pr_err("sigaction: %m");
			return -1;
		}
	}
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout is the console's news */
	return 0;
}

/* KVM_RUN, counted: every return is one for monitor exits. The OUTs KVM
 * coalesced while the guest ran came before whatever brought it out, so
 * they go to the console first (issue 17; errno is the ioctl's). */
static int enter_guest(struct vcpu *vcpu)
{
	int r = kvm_ioctl(vcpu->fd, KVM_RUN, NULL), err = errno;

	kvm_exits_count(&vcpu->exits, vcpu->run, r);
	coalesced_drain(vcpu->coalesced);
	errno = err;
	return r;
}

static void access_exit(struct vcpu *vcpu, enum bus_space space,
			struct stop *stop);
static void internal_error_exit(struct vcpu *vcpu, struct stop *stop);

/* Finish the instruction behind an I/O or MMIO exit without running the
 * next one: one KVM_RUN with immediate_exit set. Needed to stop right
 * after the access (kvm_pvm otherwise runs the next instruction
 * unreported when stepping; upstream KVM reports the step as
 * KVM_EXIT_DEBUG from this same run). A stop a device asked for stands;
 * otherwise the vCPU was stepping and the step is done.
 *
 * One instruction may need more than one exit: KVM splits an access
 * wider than 8 bytes (a 16-byte SSE load or store) into 8-byte MMIO
 * fragments, each its own exit from this same completing run; and the
 * emulator may give up after the first fragments (an internal error).
 * Each goes where it would have gone in vcpu_run(). */
static void complete_access(struct vcpu *vcpu, struct stop *stop)
{
	struct kvm_run *run = vcpu->run;
	int r;

	for (;;) {
		run->immediate_exit = 1;
		r = enter_guest(vcpu);
		/* A kick that came meanwhile must still stop the next run. */
		run->immediate_exit = vcpu_signal != 0 || vcpu_quit_signal != 0;
		if (r < 0 && errno != EINTR && errno != EAGAIN) {
			pr_err("KVM_RUN (completing an access): %m");
			stop->reason = STOP_ERROR;
			return;
		}
		if (r < 0 || run->exit_reason != KVM_EXIT_MMIO)
			break;
		access_exit(vcpu, BUS_MMIO, stop);	/* the next fragment */
		if (stop->reason == STOP_CRASH || stop->reason == STOP_ERROR)
			return;
	}
	if (r == 0 && run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
		internal_error_exit(vcpu, stop);
		return;
	}
	if (r == 0 && run->exit_reason != KVM_EXIT_DEBUG &&
	    run->exit_reason != KVM_EXIT_HLT) {
		stop->reason = STOP_CRASH;
		return;
	}
	if (stop->reason != STOP_NONE)
		return;
	if (vcpu->hooks && vcpu->hooks->debug)
		vcpu->hooks->debug(vcpu->hooks->ctx, NULL, stop);
	else
		stop->reason = STOP_STEP;
}

/* KVM_EXIT_IO and KVM_EXIT_MMIO: the access goes to its bus. */
static void access_exit(struct vcpu *vcpu, enum bus_space space,
			struct stop *stop)
{
	struct kvm_run *run = vcpu->run;
	struct bus *bus = space == BUS_PIO ? vcpu->pio : vcpu->mmio;
	struct bus_access a;
	enum bus_result r;

	if (space == BUS_PIO)
		a = (struct bus_access){ BUS_PIO, run->io.port,
			(uint8_t *)run + run->io.data_offset, run->io.size,
			run->io.direction == KVM_EXIT_IO_OUT, false, run->io.count };
	else
		a = (struct bus_access){ BUS_MMIO, run->mmio.phys_addr,
			run->mmio.data, run->mmio.len, run->mmio.is_write,
			false, 1 };
	r = bus ? bus_dispatch(bus, &a, stop) : BUS_UNCLAIMED;
	if (r == BUS_UNCLAIMED) {
		stop->reason = STOP_CRASH;
		return;
	}
	if ((r == BUS_STOP || vcpu->stepping) && !vcpu->completing) {
		vcpu->completing = true;
		complete_access(vcpu, stop);
		vcpu->completing = false;
	}
}

/* The guest-physical address of the instruction at CS:RIP, or false. */
static bool fetch_gpa(struct vcpu *vcpu, uint64_t *gpa)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	struct mmu_paging pg;
	struct mmu_walk w;

	if (kvm_ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 ||
	    kvm_ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0)
		return false;
	vm_paging(vcpu->vm, &s, r.rflags, &pg);
	pg.seg_base = 0;
	pg.seg_limit = UINT32_MAX;
	if (mmu_translate(&pg, s.cs.base + r.rip, MMU_ACC_FETCH, vm_read_phys,
			  vcpu->vm, &w) != MMU_OK && !w.have_gpa)
		return false;
	*gpa = w.gpa;
	return true;
}

/* KVM_EXIT_INTERNAL_ERROR: KVM could not do what the guest did. An
 * instruction fetch from RAM that vmm took away from the guest (a
 * page-protection watchpoint) is the MMIO bus's to handle, as a fetch;
 * anything else is a crash. */
static void internal_error_exit(struct vcpu *vcpu, struct stop *stop)
{
	uint8_t none[8];		/* a fetch carries no data */
	struct bus_access a = { .space = BUS_MMIO, .data = none, .fetch = true,
				.count = 1 };

	if (!vcpu->mmio || !vcpu->mmio->n || !fetch_gpa(vcpu, &a.addr) ||
	    bus_dispatch(vcpu->mmio, &a, stop) == BUS_UNCLAIMED)
		stop->reason = STOP_CRASH;
}

enum stop_reason vcpu_run(struct vcpu *vcpu, struct stop *stop)
{
	const struct vcpu_hooks *h = vcpu->hooks;
	struct kvm_run *run = vcpu->run;

	stop->reason = STOP_NONE;
	stop->stepped_hlt = false;
	stop->note[0] = '\0';
	while (stop->reason == STOP_NONE) {
		if (enter_guest(vcpu) < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				pr_err("KVM_RUN: %m");
				stop->reason = STOP_ERROR;
				break;
			}
			run->immediate_exit = 0;
			stop->reason = STOP_KICK;
			break;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			access_exit(vcpu, BUS_PIO, stop);
			break;
		case KVM_EXIT_MMIO:
			access_exit(vcpu, BUS_MMIO, stop);
			break;
		case KVM_EXIT_HLT:
			stop->reason = STOP_HALT;
			if (h && h->halt)
				h->halt(h->ctx, stop);
			break;
		case KVM_EXIT_DEBUG:
			if (h && h->debug)
				h->debug(h->ctx, &run->debug.arch, stop);
			else
				stop->reason = STOP_DEBUG;
			break;
		case KVM_EXIT_INTR:
			run->immediate_exit = 0;
			stop->reason = STOP_KICK;
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			internal_error_exit(vcpu, stop);
			break;
		case KVM_EXIT_SHUTDOWN:
			stop->reason = STOP_CRASH;
			if (h && h->shutdown)
				h->shutdown(h->ctx, stop);
			break;
		case KVM_EXIT_FAIL_ENTRY:
		default:
			stop->reason = STOP_CRASH;
			break;
		}
	}
	return stop->reason;
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
	char cr0[160], cr4[200], efer[80];
	struct kvm_regs r;
	struct kvm_sregs s;

	if (kvm_ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 ||
	    kvm_ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out, "  (registers unavailable: %m)\n");
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
	x86_bits_format(X86_BITS_CR0, s.cr0, cr0, sizeof(cr0));
	x86_bits_format(X86_BITS_CR4, s.cr4, cr4, sizeof(cr4));
	x86_bits_format(X86_BITS_EFER, s.efer, efer, sizeof(efer));
	fprintf(out, "  cr0 0x%llx [%s ]  cr2 0x%llx  cr3 0x%llx  cr4 0x%llx [%s ]  efer 0x%llx [%s ]\n",
		s.cr0, cr0, s.cr2, s.cr3, s.cr4, cr4, s.efer, efer);
	fprintf(out, "  gdt base 0x%llx limit 0x%x  idt base 0x%llx limit 0x%x\n",
		s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
}
