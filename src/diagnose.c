/* diagnose.c - a better word than the exit reason, where vmm can find one.
 *
 * kvm_pvm refuses 32-bit and PAE paging (DESIGN.md's host table): a guest
 * that turns paging on itself with EFER.LME clear gets KVM_EXIT_SHUTDOWN,
 * with RIP still on the MOV to CR0 and CR0.PG still clear (measured with
 * tests/guests/paging32.S), which looks like any triple fault. The
 * instruction and its source register say what the guest tried; a probe
 * of the mode (probe.c) says whether this host refuses it.
 */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

#include "diagnose.h"
#include "kvm.h"
#include "mmu.h"
#include "modes.h"
#include "probe.h"
#include "vcpu.h"
#include "vm.h"

/* The value a MOV to CR0 at rip writes, if that is the instruction there:
 * 0F 22 /r with ModRM.reg = 0 (Intel SDM vol. 2B, "MOV - Move to/from
 * Control Registers"; the mod bits are ignored, r/m names the source
 * register). Paging is off (the move would turn it on), so the linear
 * address is the physical one. */
static bool mov_to_cr0(const struct vcpu *vcpu, const struct kvm_regs *r,
		       const struct kvm_sregs *s, uint64_t *value)
{
	const __u64 *gpr[8] = { &r->rax, &r->rcx, &r->rdx, &r->rbx,
				&r->rsp, &r->rbp, &r->rsi, &r->rdi };
	const uint8_t *p = vm_gpa(vcpu->vm, s->cs.base + r->rip, 8);
	unsigned i = 0;

	if (!p)
		return false;
	while (i < 4 && (p[i] == 0x66 || p[i] == 0x67 || p[i] == 0xf0))
		i++;		/* prefixes the move ignores */
	if (p[i] != 0x0f || p[i + 1] != 0x22 || ((p[i + 2] >> 3) & 7) != 0)
		return false;
	*value = *gpr[p[i + 2] & 7];
	return true;
}

bool diagnose_shutdown(const struct vcpu *vcpu, char *buf, size_t len)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	enum cpu_mode mode;
	uint64_t cr0;
	char why[160];	/* the probe's; the mode's name says enough */

	if (kvm_ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 ||
	    kvm_ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0 ||
	    (s.cr0 & MMU_CR0_PG) || (s.efer & MMU_EFER_LME) ||
	    !mov_to_cr0(vcpu, &r, &s, &cr0) || !(cr0 & MMU_CR0_PG))
		return false;
	mode = (s.cr4 & MMU_CR4_PAE) ? CPU_MODE_PAE : CPU_MODE_PAGED;
	if (probe_mode(vcpu->vm->kvm_fd, mode, why, sizeof(why)))
		return false;	/* the host runs the mode: a real fault */
	/* One line, within the crash report's buffer (machine.c). */
	snprintf(buf, len, "KVM_EXIT_SHUTDOWN at the move to CR0 at 0x%llx: the guest turned on %s paging (CR0.PG, EFER.LME clear), which this host's KVM (%s) cannot run; kvm_intel and kvm_amd can. Here page in long mode (EFER.LME before CR0.PG) or not at all",
		 (unsigned long long)r.rip, mode == CPU_MODE_PAE ? "PAE" : "32-bit",
		 vm_host_module());
	return true;
}
