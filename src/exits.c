/* exits.c - KVM's exit reasons in words: one table of names and, for the
 * exits that end a run, what they mean for a student reading the crash
 * report. */
#include <linux/kvm.h>
#include <stdio.h>

#include "diagnose.h"
#include "vcpu.h"

typedef void describe_fn(const struct vcpu *vcpu, const struct kvm_run *run,
			 const char *name, char *buf, size_t len);

static void describe_shutdown(const struct vcpu *vcpu,
			      const struct kvm_run *run, const char *name,
			      char *buf, size_t len)
{
	if (diagnose_shutdown(vcpu, buf, len))	/* a refused paging mode */
		return;
	snprintf(buf, len, "%s: the guest triple-faulted (an exception it could not handle) or the host refused its CPU state",
		 name);
}

static void describe_mmio(const struct vcpu *vcpu, const struct kvm_run *run,
			  const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s: the guest %s %u bytes at GPA 0x%llx, where there is no RAM and no device",
		 name, run->mmio.is_write ? "wrote" : "read", run->mmio.len,
		 (unsigned long long)run->mmio.phys_addr);
}

static void describe_fail_entry(const struct vcpu *vcpu,
				const struct kvm_run *run, const char *name,
				char *buf, size_t len)
{
	snprintf(buf, len, "%s: the CPU refused to enter the guest (hardware entry failure reason 0x%llx)",
		 name, (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
}

static void describe_internal(const struct vcpu *vcpu,
			      const struct kvm_run *run, const char *name,
			      char *buf, size_t len)
{
	snprintf(buf, len, "%s: KVM could not handle what the guest did (suberror %u%s)",
		 name, run->internal.suberror,
		 run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
		 ": instruction emulation failed" : "");
}

static const struct exit_info {
	const char *name;
	describe_fn *describe;		/* NULL: the name and number */
} exits[] = {
	[KVM_EXIT_UNKNOWN] = { "KVM_EXIT_UNKNOWN", NULL },
	[KVM_EXIT_EXCEPTION] = { "KVM_EXIT_EXCEPTION", NULL },
	[KVM_EXIT_IO] = { "KVM_EXIT_IO", NULL },
	[KVM_EXIT_HYPERCALL] = { "KVM_EXIT_HYPERCALL", NULL },
	[KVM_EXIT_DEBUG] = { "KVM_EXIT_DEBUG", NULL },
	[KVM_EXIT_HLT] = { "KVM_EXIT_HLT", NULL },
	[KVM_EXIT_MMIO] = { "KVM_EXIT_MMIO", describe_mmio },
	[KVM_EXIT_IRQ_WINDOW_OPEN] = { "KVM_EXIT_IRQ_WINDOW_OPEN", NULL },
	[KVM_EXIT_SHUTDOWN] = { "KVM_EXIT_SHUTDOWN", describe_shutdown },
	[KVM_EXIT_FAIL_ENTRY] = { "KVM_EXIT_FAIL_ENTRY", describe_fail_entry },
	[KVM_EXIT_INTR] = { "KVM_EXIT_INTR", NULL },
	[KVM_EXIT_SET_TPR] = { "KVM_EXIT_SET_TPR", NULL },
	[KVM_EXIT_TPR_ACCESS] = { "KVM_EXIT_TPR_ACCESS", NULL },
	[KVM_EXIT_NMI] = { "KVM_EXIT_NMI", NULL },
	[KVM_EXIT_INTERNAL_ERROR] = { "KVM_EXIT_INTERNAL_ERROR", describe_internal },
};

static const struct exit_info *exit_info(uint32_t reason)
{
	if (reason < sizeof(exits) / sizeof(exits[0]) && exits[reason].name)
		return &exits[reason];
	return NULL;
}

const char *vcpu_exit_name(uint32_t reason)
{
	const struct exit_info *e = exit_info(reason);

	return e ? e->name : "an unexpected KVM exit";
}

void vcpu_describe_exit(const struct vcpu *vcpu, char *buf, size_t len)
{
	const struct kvm_run *run = vcpu->run;
	const struct exit_info *e = exit_info(run->exit_reason);

	if (e && e->describe)
		e->describe(vcpu, run, e->name, buf, len);
	else
		snprintf(buf, len, "%s (exit reason %u)",
			 vcpu_exit_name(run->exit_reason), run->exit_reason);
}
