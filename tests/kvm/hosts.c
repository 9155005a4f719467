// SPDX-License-Identifier: GPL-2.0
/* hosts.c - where kvm_intel, kvm_amd and kvm_pvm differ, measured.
 *
 * A bare real-mode vCPU (CS=0, code at 0x1000, the IVT at 0) is asked
 * three things whose answer depends on the host's KVM (doc/hosts.md):
 *
 *  - RF on an execute breakpoint: DR0 stops the vCPU at 0x1000; resumed
 *    with RFLAGS.RF set, does it run on (the SDM's rule: RF suppresses
 *    instruction breakpoints for one instruction) or stop again?
 *  - an exception injected with KVM_SET_VCPU_EVENTS, a fault (#UD) and a
 *    software exception (#BP): delivered through the guest's IVT, and with
 *    which return IP on the guest's stack? #BP is the interesting one:
 *    VMX injects it as a software exception with an instruction length,
 *    SVM as an exception with the return IP KVM gives it.
 *  - 1 GiB pages: does KVM_GET_SUPPORTED_CPUID offer them (0x80000001
 *    EDX[26])?
 *
 * Each answer is printed as a "# measured:" line, then checked against
 * what was measured on that module before (the table below); a module
 * without a measurement, or a host that is neither, skips with its answer.
 * Output: TAP. No /dev/kvm: SKIP, with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/tap.h"

#define RAM_SIZE	0x100000	/* 1 MiB at GPA 0 */
#define CODE		0x1000		/* the guest's code: nop; nop; hlt */
#define HANDLER		0x2000		/* the IVT's handler: mov $0x42,%al; hlt */
#define STACK		0x8000		/* ss:sp = 0:0x8000 */

/* What each module answered when measured (doc/hosts.md has the commands). */
struct host_answers {
	const char *module;
	const char *rf;		/* "runs on" or "stops again" */
	const char *ud;		/* the #UD injection's outcome */
	const char *bp;		/* the #BP injection's outcome */
	const char *gbpages;	/* "offered" or "not offered" */
};

static const struct host_answers measured[] = {
	/* this project's machines: RF is ignored (DESIGN.md), and the
	 * injected #BP returns to the instruction it was injected at */
	{ "kvm_pvm", "stops again", "through the IVT, return IP 0x1000",
	  "through the IVT, return IP 0x1000", "not offered" },
	/* tests/nested --host=amd: QEMU 10's SVM, kvm_amd with nrips=0
	 * (TCG has no next-RIP save): KVM skips the instruction at RIP for a
	 * soft exception and the #BP never reaches the guest */
	{ "kvm_amd", "runs on", "through the IVT, return IP 0x1000",
	  "not through the IVT: HLT at 0x1003, al 0x0", "offered" },
	/* tests/nested --host=intel: Bochs 3.0's VMX (EPT, unrestricted
	 * guest); KVM injects the #BP as a software exception with
	 * instruction length 0 (none was executed): not yet seen on silicon */
	{ "kvm_intel", "runs on", "through the IVT, return IP 0x1000",
	  "through the IVT, return IP 0x1000", "offered" },
};

struct vcpu {
	int kvm, vm, fd;
	struct kvm_run *run;
	uint8_t *ram;
};

static const char *host_module(void)
{
	static const char *const mods[] = { "kvm_intel", "kvm_amd", "kvm_pvm" };
	char path[64];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", mods[i]);
		if (stat(path, &st) == 0)
			return mods[i];
	}
	return "unknown";
}

/* A fresh VM with one real-mode vCPU at 0:CODE; false (and why) if not. */
static bool vcpu_new(struct vcpu *v, char *why, size_t len)
{
	struct kvm_userspace_memory_region mr;
	struct kvm_sregs s;
	struct kvm_regs r;
	int size;

	memset(v, 0, sizeof(*v));
	v->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v->kvm < 0) {
		snprintf(why, len, "open /dev/kvm: %s", strerror(errno));
		return false;
	}
	v->vm = ioctl(v->kvm, KVM_CREATE_VM, 0);
	v->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (v->vm < 0 || v->ram == MAP_FAILED) {
		snprintf(why, len, "KVM_CREATE_VM or mmap: %s", strerror(errno));
		return false;
	}
	mr = (struct kvm_userspace_memory_region){ .memory_size = RAM_SIZE,
		.userspace_addr = (uintptr_t)v->ram };
	if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &mr) < 0 ||
	    (v->fd = ioctl(v->vm, KVM_CREATE_VCPU, 0)) < 0 ||
	    (size = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0)) < 0) {
		snprintf(why, len, "memory slot or vCPU: %s", strerror(errno));
		return false;
	}
	v->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED || ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		snprintf(why, len, "kvm_run or KVM_GET_SREGS: %s", strerror(errno));
		return false;
	}
	s.cs.selector = 0;
	s.cs.base = 0;
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0) {
		snprintf(why, len, "KVM_SET_SREGS: %s", strerror(errno));
		return false;
	}
	memset(&r, 0, sizeof(r));
	r.rip = CODE;
	r.rsp = STACK;
	r.rflags = 0x2;
	if (ioctl(v->fd, KVM_SET_REGS, &r) < 0) {
		snprintf(why, len, "KVM_SET_REGS: %s", strerror(errno));
		return false;
	}
	memcpy(v->ram + CODE, "\x90\x90\xf4", 3);		/* nop; nop; hlt */
	memcpy(v->ram + HANDLER, "\xb0\x42\xf4", 3);	/* mov $0x42,%al; hlt */
	for (int vec = 0; vec < 32; vec++) {		/* every vector: HANDLER */
		uint16_t ivt[2] = { HANDLER, 0 };
		memcpy(v->ram + vec * 4, ivt, sizeof(ivt));
	}
	return true;
}

static void vcpu_free(struct vcpu *v)
{
	if (v->fd > 0)
		close(v->fd);
	if (v->vm > 0)
		close(v->vm);
	if (v->kvm > 0)
		close(v->kvm);
	if (v->ram && v->ram != MAP_FAILED)
		munmap(v->ram, RAM_SIZE);
}

/* One KVM_RUN, described: "HLT at 0x...", "DEBUG #1 at 0x...", ... */
static void run_once(struct vcpu *v, char *out, size_t len)
{
	struct kvm_regs r;

	if (ioctl(v->fd, KVM_RUN, 0) < 0) {
		snprintf(out, len, "KVM_RUN failed: %s", strerror(errno));
		return;
	}
	ioctl(v->fd, KVM_GET_REGS, &r);
	switch (v->run->exit_reason) {
	case KVM_EXIT_HLT:
		snprintf(out, len, "HLT at 0x%llx", (unsigned long long)r.rip);
		break;
	case KVM_EXIT_DEBUG:
		snprintf(out, len, "DEBUG #%u at 0x%llx",
			 v->run->debug.arch.exception,
			 (unsigned long long)v->run->debug.arch.pc);
		break;
	default:
		snprintf(out, len, "exit %u at 0x%llx", v->run->exit_reason,
			 (unsigned long long)r.rip);
	}
}

/* DR0 on CODE stops the vCPU; resume with RF set: "runs on" or not. */
static void measure_rf(char *out, size_t len)
{
	struct kvm_guest_debug dbg;
	struct vcpu v;
	struct kvm_regs r;
	char first[96], second[96];

	if (!vcpu_new(&v, out, len))
		goto done;
	memset(&dbg, 0, sizeof(dbg));
	dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
	dbg.arch.debugreg[0] = CODE;
	dbg.arch.debugreg[7] = 0x1;	/* L0, execute, 1 byte */
	if (ioctl(v.fd, KVM_SET_GUEST_DEBUG, &dbg) < 0) {
		snprintf(out, len, "KVM_SET_GUEST_DEBUG: %s", strerror(errno));
		goto done;
	}
	run_once(&v, first, sizeof(first));
	if (strcmp(first, "DEBUG #1 at 0x1000")) {
		snprintf(out, len, "the breakpoint did not stop: %s", first);
		goto done;
	}
	ioctl(v.fd, KVM_GET_REGS, &r);
	r.rflags |= 1u << 16;		/* RF */
	ioctl(v.fd, KVM_SET_REGS, &r);
	run_once(&v, second, sizeof(second));
	if (!strcmp(second, "HLT at 0x1003"))
		snprintf(out, len, "runs on");
	else if (!strcmp(second, "DEBUG #1 at 0x1000"))
		snprintf(out, len, "stops again");
	else
		snprintf(out, len, "other: %s", second);
done:
	vcpu_free(&v);
}

/* Inject exception NR before the first instruction: where does it go? */
static void measure_inject(unsigned nr, char *out, size_t len)
{
	struct kvm_vcpu_events ev;
	struct kvm_regs r;
	struct vcpu v;
	char res[96];
	uint16_t ip;

	if (!vcpu_new(&v, out, len))
		goto done;
	if (ioctl(v.fd, KVM_GET_VCPU_EVENTS, &ev) < 0) {
		snprintf(out, len, "KVM_GET_VCPU_EVENTS: %s", strerror(errno));
		goto done;
	}
	ev.exception.injected = 1;
	ev.exception.nr = nr;
	ev.exception.has_error_code = 0;
	ev.flags = 0;
	if (ioctl(v.fd, KVM_SET_VCPU_EVENTS, &ev) < 0) {
		snprintf(out, len, "KVM_SET_VCPU_EVENTS: %s", strerror(errno));
		goto done;
	}
	run_once(&v, res, sizeof(res));
	ioctl(v.fd, KVM_GET_REGS, &r);
	if (strcmp(res, "HLT at 0x2003") || (r.rax & 0xff) != 0x42) {
		snprintf(out, len, "not through the IVT: %s, al 0x%llx", res,
			 (unsigned long long)(r.rax & 0xff));
		goto done;
	}
	memcpy(&ip, v.ram + (r.rsp & 0xffff), sizeof(ip));	/* IP, CS, FLAGS */
	snprintf(out, len, "through the IVT, return IP 0x%x", ip);
done:
	vcpu_free(&v);
}

static void measure_gbpages(char *out, size_t len)
{
	struct kvm_cpuid2 *c;
	int kvm, n = 256;
	bool found = false;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
	if (kvm < 0 || !c) {
		snprintf(out, len, "open /dev/kvm: %s", strerror(errno));
		goto done;
	}
	c->nent = n;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		snprintf(out, len, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		goto done;
	}
	for (unsigned i = 0; i < c->nent; i++)
		if (c->entries[i].function == 0x80000001) {
			found = true;
			snprintf(out, len, "%s", c->entries[i].edx & (1u << 26) ?
				 "offered" : "not offered");
		}
	if (!found)
		snprintf(out, len, "no leaf 0x80000001");
done:
	free(c);
	if (kvm >= 0)
		close(kvm);
}

static void check(const char *mod, const char *what, const char *got,
		  const char *want)
{
	printf("# measured: %s: %s: %s\n", mod, what, got);
	if (want)
		ok(!strcmp(got, want), "%s: %s: %s (measured before: %s)",
		   mod, what, got, want);
	else
		tap_skip("not measured on this module before: see doc/hosts.md", what);
}

int main(void)
{
	const char *mod = host_module();
	const struct host_answers *h = NULL;
	char got[160];

	if (access("/dev/kvm", R_OK | W_OK) < 0) {
		printf("1..0 # SKIP /dev/kvm: %s\n", strerror(errno));
		return 0;
	}
	for (size_t i = 0; i < sizeof(measured) / sizeof(measured[0]); i++)
		if (!strcmp(measured[i].module, mod))
			h = &measured[i];
	measure_rf(got, sizeof(got));
	check(mod, "resuming on a DR0 execute breakpoint with RF set", got, h ? h->rf : NULL);
	measure_inject(6, got, sizeof(got));
	check(mod, "an injected #UD (fault) at 0x1000", got, h ? h->ud : NULL);
	measure_inject(3, got, sizeof(got));
	check(mod, "an injected #BP (software exception) at 0x1000", got, h ? h->bp : NULL);
	measure_gbpages(got, sizeof(got));
	check(mod, "1 GiB pages in KVM_GET_SUPPORTED_CPUID", got, h ? h->gbpages : NULL);
	return tap_done();
}
