/* probe.c - the host probe: scratch VMs that run a few instructions to see
 * what this KVM does, because kvm_intel, kvm_amd and kvm_pvm differ (see
 * DESIGN.md's host table) and no capability flag tells.
 *
 * Probes are lazy: vmm runs only the ones the chosen mode and options
 * need, so a plain run pays nothing.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "pio.h"
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
	struct pio_bus *bus = NULL;
	struct vcpu vcpu = { .fd = -1 };
	struct vm vm;
	int stop = -1;

	snprintf(why, whylen, "the probe VM could not be set up");
	if (vm_create_on(&vm, kvm_fd, PROBE_RAM) < 0)
		return -1;
	bus = calloc(1, sizeof(*bus));
	vm_load_cpuid(&vm);	/* KVM may check CR4 bits against it */
	if (!bus || vcpu_create(&vm, bus, &vcpu) < 0)
		goto out;
	memcpy(vm.ram + PROBE_CODE, code, len);
	if (mode_setup(&vm, vcpu.fd, mode, PROBE_CODE) < 0) {
		snprintf(why, whylen, "KVM refused the mode's registers (KVM_SET_SREGS)");
		goto out;
	}
	if (dbg && ioctl(vcpu.fd, KVM_SET_GUEST_DEBUG, dbg) < 0) {
		snprintf(why, whylen, "KVM_SET_GUEST_DEBUG: %s", strerror(errno));
		goto out;
	}
	stop = vcpu_run(&vcpu);
	*exit = *vcpu.run;
out:
	if (vcpu.fd >= 0)
		vcpu_destroy(&vcpu);
	free(bus);
	vm_destroy(&vm);
	return stop;
}

bool probe_mode(int kvm_fd, enum cpu_mode mode, char *why, size_t len)
{
	static const uint8_t hlt[] = { 0xf4 };
	struct kvm_run run;
	int stop;

	stop = probe_run(kvm_fd, mode, hlt, sizeof(hlt), NULL, &run, why, len);
	if (stop == VCPU_HALT)
		return true;
	if (stop >= 0)
		snprintf(why, len, "a HLT in that mode ended in %s, not KVM_EXIT_HLT",
			 vcpu_exit_name(run.exit_reason));
	return false;
}
