/* probe.c - the host probe: scratch VMs that run a few instructions to see
 * what this KVM does, because kvm_intel, kvm_amd and kvm_pvm differ (see
 * DESIGN.md's host table) and no capability flag tells.
 *
 * Probes are lazy: vmm runs only the ones the chosen mode and options
 * need, so a plain run pays nothing.
 */
#include <errno.h>
#include <pthread.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "kvm.h"
#include "probe.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

#define PROBE_RAM	(1ULL << 20)
#define PROBE_CODE	0x1000

int probe_run(int kvm_fd, enum cpu_mode mode, const void *code, size_t len,
	      const struct kvm_guest_debug *dbg, struct kvm_run *exit,
	      char *why, size_t whylen)
{
	struct bus *bus = NULL;
	struct vcpu vcpu = { .fd = -1 };
	struct stop st = { 0 };
	struct vm vm;
	int stop = -1;

	snprintf(why, whylen, "the probe VM could not be set up");
	kvm_trace_scratch(true);
	if (vm_create_on(&vm, kvm_fd, PROBE_RAM) < 0) {
		kvm_trace_scratch(false);
		return -1;
	}
	bus = calloc(1, sizeof(*bus));
	vm_load_cpuid(&vm);	/* KVM may check CR4 bits against it */
	if (!bus || vcpu_create(&vm, bus, NULL, &vcpu) < 0)
		goto out;
	bus_init(bus, BUS_PIO);
	memcpy(vm.ram + PROBE_CODE, code, len);
	if (mode_setup(&vm, vcpu.fd, mode, PROBE_CODE) < 0) {
		snprintf(why, whylen, "KVM refused the mode's registers (KVM_SET_SREGS)");
		goto out;
	}
	if (dbg && kvm_ioctl(vcpu.fd, KVM_SET_GUEST_DEBUG, (void *)dbg) < 0) {
		snprintf(why, whylen, "KVM_SET_GUEST_DEBUG: %m");
		goto out;
	}
	stop = vcpu_run(&vcpu, &st);
	*exit = *vcpu.run;
out:
	if (vcpu.fd >= 0)
		vcpu_destroy(&vcpu);
	free(bus);
	vm_destroy(&vm);
	kvm_trace_scratch(false);
	return stop;
}

bool probe_mode(int kvm_fd, enum cpu_mode mode, char *why, size_t len)
{
	static const uint8_t hlt[] = { 0xf4 };
	struct kvm_run run;
	int stop;

	stop = probe_run(kvm_fd, mode, hlt, sizeof(hlt), NULL, &run, why, len);
	if (stop == STOP_HALT)
		return true;
	if (stop >= 0)
		snprintf(why, len, "a HLT in that mode ended in %s, not KVM_EXIT_HLT",
			 vcpu_exit_name(run.exit_reason));
	return false;
}

/* KVM_SET_FPU, then KVM_GET_FPU on a fresh vCPU that never ran: does the
 * state come back? On kvm_pvm mxcsr always reads 0 (measured: every time
 * out of 2,000), and an xmm register written so is now and then found
 * zeroed after the next KVM_RUN (measured: 1 run in about 2,000, once in
 * each of 6 runs of a 40-line KVM program). The first is what a probe can
 * see in a few milliseconds; the second goes with it on this host. */
static void probe_fpu_once(int kvm_fd, struct probe_fpu *r)
{
	struct vcpu vcpu = { .fd = -1 };
	struct kvm_fpu set, got;
	struct vm vm;
	int i;

	snprintf(r->text, sizeof(r->text), "FPU state read back: not probed (no scratch vCPU)");
	kvm_trace_scratch(true);
	if (vm_create_on(&vm, kvm_fd, PROBE_RAM) < 0) {
		kvm_trace_scratch(false);
		return;
	}
	if (vcpu_create(&vm, NULL, NULL, &vcpu) < 0 ||
	    kvm_ioctl(vcpu.fd, KVM_GET_FPU, &set) < 0)
		goto out;
	set.mxcsr = 0x1f80;		/* the reset value (SDM vol. 1, 10.2.3) */
	for (i = 0; i < 16; i++)
		set.xmm[1][i] = 0xa0 + i;
	if (kvm_ioctl(vcpu.fd, KVM_SET_FPU, &set) < 0 ||
	    kvm_ioctl(vcpu.fd, KVM_GET_FPU, &got) < 0) {
		snprintf(r->text, sizeof(r->text), "FPU state read back: KVM_SET_FPU/KVM_GET_FPU: %m");
		goto out;
	}
	r->probed = true;
	r->mxcsr_ok = got.mxcsr == set.mxcsr;
	r->xmm_ok = !memcmp(got.xmm[1], set.xmm[1], 16);
	r->mxcsr_got = got.mxcsr;
	if (r->mxcsr_ok && r->xmm_ok)
		snprintf(r->text, sizeof(r->text), "FPU state read back: yes");
	else
		snprintf(r->text, sizeof(r->text), "FPU state read back: no (mxcsr 0x%x for 0x1f80%s)",
			 got.mxcsr, r->xmm_ok ? "" : ", xmm1 differs");
out:
	if (vcpu.fd >= 0)
		vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	kvm_trace_scratch(false);
}

const struct probe_fpu *probe_fpu(int kvm_fd)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static struct probe_fpu result;
	static bool done;

	pthread_mutex_lock(&lock);	/* the vCPU or the stub thread */
	if (!done)
		probe_fpu_once(kvm_fd, &result);
	done = true;
	pthread_mutex_unlock(&lock);
	return &result;
}

const char *probe_fpu_note(int kvm_fd)
{
	static char note[320];
	static bool told;
	const struct probe_fpu *f;

	if (told)
		return NULL;
	f = probe_fpu(kvm_fd);
	if (!f->probed || (f->mxcsr_ok && f->xmm_ok))
		return NULL;
	told = true;
	/* The xmm loss was measured on kvm_pvm only: claim it there only. */
	snprintf(note, sizeof(note), "vmm: note: this host's KVM (%s) does not give back the SSE state it is given (mxcsr reads 0x%x after KVM_SET_FPU)%s: check it (p $xmm0) after the next step\n",
		 vm_host_module(), f->mxcsr_got,
		 strcmp(vm_host_module(), "kvm_pvm") ? ", so what gdb shows may not be what the guest has" :
		 ", and an xmm register written from gdb is now and then lost when the guest runs");
	return note;
}
