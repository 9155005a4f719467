/* probe.c - the host probe: scratch VMs that run a few instructions to see
 * what this KVM does, because kvm_intel, kvm_amd and kvm_pvm differ (see
 * DESIGN.md's host table) and no capability flag tells.
 *
 * Probes are lazy: vmm runs only the ones the chosen mode and options
 * need, so a plain run pays nothing.
 */
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pio.h"
#include "probe.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

#define PROBE_RAM	(1ULL << 20)
#define PROBE_CODE	0x1000

bool probe_mode(int kvm_fd, enum cpu_mode mode, char *why, size_t len)
{
	static const uint8_t hlt[] = { 0xf4 };
	struct pio_bus *bus = NULL;
	struct vcpu vcpu = { .fd = -1 };
	enum vcpu_stop stop;
	struct vm vm;
	bool ok = false;

	snprintf(why, len, "the probe VM could not be set up");
	if (vm_create_on(&vm, kvm_fd, PROBE_RAM) < 0)
		return false;
	bus = calloc(1, sizeof(*bus));
	if (!bus || vcpu_create(&vm, bus, &vcpu) < 0)
		goto out;
	memcpy(vm.ram + PROBE_CODE, hlt, sizeof(hlt));
	if (mode_setup(&vm, vcpu.fd, mode, PROBE_CODE) < 0) {
		snprintf(why, len, "KVM refused the mode's registers (KVM_SET_SREGS)");
		goto out;
	}
	stop = vcpu_run(&vcpu);
	ok = stop == VCPU_HALT;
	if (!ok)
		snprintf(why, len, "a HLT in that mode ended in %s, not KVM_EXIT_HLT",
			 vcpu_exit_name(vcpu.run->exit_reason));
out:
	if (vcpu.fd >= 0)
		vcpu_destroy(&vcpu);
	free(bus);
	vm_destroy(&vm);
	return ok;
}
