/* sregs_cost.c - what one look at the CPU mode costs on this host: the
 * mean time of KVM_GET_SREGS (CR0, EFER and CS come with it) on a fresh
 * vCPU, over N calls. bench/modes.sh prints it beside the exit rate: a
 * stub that watched for mode switches at every exit would pay it at each.
 *
 *   sregs_cost [N]        (default 100000)
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000, i;
	struct kvm_sregs s;
	int kvm, vm, vcpu;
	double t0;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
	vcpu = vm < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0 || n <= 0) {
		perror("sregs_cost: /dev/kvm, KVM_CREATE_VM or KVM_CREATE_VCPU");
		return 1;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0) {
			perror("sregs_cost: KVM_GET_SREGS");
			return 1;
		}
	}
	printf("KVM_GET_SREGS: %.2f us a call (mean of %ld)\n",
	       (now() - t0) / n * 1e6, n);
	return 0;
}
