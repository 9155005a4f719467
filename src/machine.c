/* machine.c - wire the pieces into one run of one guest: read the guest
 * image, choose the mode, probe the host where the mode needs it, build
 * the VM, load, set up the vCPU, run it and judge the result.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "coalesced.h"
#include "console.h"
#include "expect.h"
#include "hypercall.h"
#include "image.h"
#include "kvm.h"
#include "loader.h"
#include "machine.h"
#include "mmu.h"
#include "pagemap.h"
#include "probe.h"
#include "run.h"
#include "session.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

struct machine {
	const struct vmm_options *opts;
	enum cpu_mode mode;
	struct image image;
	struct load_info info;
	struct expect_list expect;	/* the guest's own (.vmm.expect) */
	struct vm vm;
	struct vcpu vcpu;
	struct bus pio;			/* ports: the console */
	struct bus mmio;		/* MMIO: watchpoints' protected RAM */
	struct console con;
	struct hypercall hc;		/* ports 0xea-0xec */
	struct session gdb;		/* with --gdb */
};

static int choose_mode(struct machine *m)
{
	const struct vmm_options *o = m->opts;

	if (!o->guest_path) {
		m->mode = o->mode_given ? o->mode : CPU_MODE_LONG;
		image_embedded(m->mode, &m->image);
		pr_strategy("mode", "%s: %s (%s)", mode_info(m->mode)->name,
			    mode_info(m->mode)->desc,
			    o->mode_given ? "as asked" : "the default");
		return 0;
	}
	if (image_read(o->guest_path, &m->image) < 0)
		return -1;
	return image_choose_mode(&m->image, o, &m->mode);
}

static void report_host(struct machine *m)
{
	static const struct { int cap; const char *name; } caps[] = {
		{ KVM_CAP_SET_GUEST_DEBUG, "guest debug" },
		{ KVM_CAP_READONLY_MEM, "read-only memory slots" },
		{ KVM_CAP_IMMEDIATE_EXIT, "immediate_exit" },
		{ KVM_CAP_EXT_CPUID, "CPUID" },
	};
	char line[256];
	size_t i, n = 0;

	if (!log_verbose)
		return;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		int r = kvm_ioctl(m->vm.kvm_fd, KVM_CHECK_EXTENSION,
				  (void *)(long)caps[i].cap);

		n += snprintf(line + n, sizeof(line) - n, "%s%s %s",
			      i ? ", " : "", caps[i].name, r > 0 ? "yes" : "no");
	}
	pr_info("host: /dev/kvm is served by %s; %s, %s", vm_host_module(), line,
		probe_fpu(m->vm.kvm_fd)->text);
}

/* kvm_pvm refuses 32-bit and PAE paging: find out before the guest does. */
static int check_host_mode(struct machine *m)
{
	const struct mode_info *mi = mode_info(m->mode);
	char why[160];

	if (!mi->host_may_refuse)
		return 0;
	if (probe_mode(m->vm.kvm_fd, m->mode, why, sizeof(why))) {
		pr_info("host: probe: %s runs", mi->desc);
		pr_strategy("paging", "%s, probed and supported by this host", mi->desc);
		return 0;
	}
	pr_err("this host's KVM (%s) cannot run %s: %s. %shere use -s (flat protected mode) or -l (long mode with paging).",
	       vm_host_module(), m->mode == CPU_MODE_PAE ? "PAE paging" : "32-bit paging", why,
	       strcmp(vm_host_module(), "kvm_pvm") == 0 ?
	       "Hosts with kvm_intel or kvm_amd can; " : "");
	return -1;
}

static int load_guest(struct machine *m)
{
	const struct vmm_options *o = m->opts;
	struct load_opts lo = { 0 };
	struct mode_layout layout;
	char err[320];

	mode_layout(m->mode, m->vm.ram_size, &layout);
	lo.load_addr = o->load_addr;
	lo.have_load_addr = o->have_load_addr;
	lo.entry = o->entry;
	lo.have_entry = o->have_entry;
	lo.reserved_lo = layout.lo;
	lo.reserved_hi = layout.hi;
	if (loader_load(m->image.data, m->image.size, m->vm.ram,
			m->vm.ram_size, &lo, &m->info, err, sizeof(err)) < 0) {
		pr_err("%s: %s", m->image.name, err);
		return -1;
	}
	if (m->mode == CPU_MODE_REAL && m->info.entry >= 0x100000) {
		pr_err("%s: entry point 0x%llx is above 1 MiB, out of real mode's reach",
		       m->image.name, (unsigned long long)m->info.entry);
		return -1;
	}
	/* The guest's own checks, apart from the user's. */
	if (!expect_parse(&m->expect, m->info.expect, err, sizeof(err))) {
		pr_err("%s: its .vmm.expect section: %s", m->image.name, err);
		return -1;
	}
	pr_info("guest: %s: %s, %u segment%s at 0x%llx-0x%llx, entry 0x%llx",
		m->image.name, m->info.kind == GUEST_ELF64 ? "ELF64" :
		m->info.kind == GUEST_ELF32 ? "ELF32" : "flat binary",
		m->info.nsegs, m->info.nsegs == 1 ? "" : "s",
		(unsigned long long)m->info.lo, (unsigned long long)m->info.hi,
		(unsigned long long)m->info.entry);
	return 0;
}

/* Does the loaded guest contain an instruction that needs KVM to know
 * its CPUID: CPUID itself (0F A2), WRMSR (0F 30: EFER bits are checked
 * against it) or a move to a control register (0F 22: CR4 bits are)? */
static const char *guest_needs_cpuid(const struct machine *m)
{
	static const struct { uint8_t op; const char *name; } ops[] = {
		{ 0xa2, "CPUID" }, { 0x30, "WRMSR" }, { 0x22, "a move to a control register" },
	};
	const uint8_t *p = vm_gpa(&m->vm, m->info.lo, m->info.hi - m->info.lo);
	uint64_t i, n = m->info.hi - m->info.lo;
	size_t k;

	for (i = 0; p && i + 1 < n; i++) {
		if (p[i] != 0x0f)
			continue;
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (p[i + 1] == ops[k].op)
				return ops[k].name;
	}
	return NULL;
}

/* KVM_GET_SUPPORTED_CPUID costs a few hundred microseconds - a quarter of
 * a boot here - so the vCPU gets CPUID only when something needs it. */
static void choose_cpuid(struct machine *m)
{
	const struct vmm_options *o = m->opts;
	const char *why = o->cpuid ? "--cpuid" : o->gdb ? "the debugger" :
		o->nwalk ? "--walk" : mode_info(m->mode)->host_may_refuse ?
		"the paging mode" : NULL;
	const char *insn = why ? NULL : guest_needs_cpuid(m);

	if (!why && !insn) {
		pr_strategy("cpuid", "none: the guest has no CPUID, WRMSR or mov-to-CR instruction (--cpuid gives it anyway)");
		return;
	}
	if (vm_load_cpuid(&m->vm) == 0)
		pr_strategy("cpuid", "what KVM supports, for %s%s", why ? why : "the guest's ",
			    why ? "" : insn);
}

/* --walk=GVA[,GVA...]: each address through the guest's own page tables
 * as they are at the halt, on stderr. Local output, so the host addresses
 * of the byte are shown too: GVA -> GPA -> HVA -> HPA. */
static void walk_at_halt(struct machine *m, const struct kvm_regs *regs)
{
	struct kvm_sregs sregs;
	struct mmu_paging pg;
	struct mmu_walk w;
	char text[2048], host[320];
	const void *hva;
	unsigned i;

	if (!m->opts->nwalk)
		return;
	if (kvm_ioctl(m->vcpu.fd, KVM_GET_SREGS, &sregs) < 0) {
		pr_err("KVM_GET_SREGS: %m");
		return;
	}
	vm_paging(&m->vm, &sregs, regs->rflags, &pg);
	for (i = 0; i < m->opts->nwalk; i++) {
		mmu_translate(&pg, m->opts->walk[i], MMU_ACC_READ, vm_read_phys,
			      &m->vm, &w);
		hva = w.fault == MMU_OK ? vm_gpa(&m->vm, w.gpa, 1) : NULL;
		mmu_format(&w, hva, text, sizeof(text));
		host[0] = '\0';
		if (hva)
			pagemap_describe(hva, host, sizeof(host));
		fprintf(stderr, "vmm: walk 0x%llx (%s, CR3 0x%llx):\n%s%s\n",
			(unsigned long long)m->opts->walk[i], mmu_mode_name(w.mode),
			(unsigned long long)sregs.cr3, text, host);
	}
}

static int judge_halt(struct machine *m)
{
	unsigned word = mode_info(m->mode)->word, failed, n;
	struct kvm_regs regs;

	if (kvm_ioctl(m->vcpu.fd, KVM_GET_REGS, &regs) < 0) {
		pr_err("KVM_GET_REGS: %m");
		return VMM_CRASH;
	}
	walk_at_halt(m, &regs);
	/* The guest's checks and the user's --expect: both always apply. */
	failed = expect_check(&m->expect, &m->vm, regs.rax, word) +
		 expect_check(&m->opts->expect, &m->vm, regs.rax, word);
	if (failed)
		return VMM_VERDICT;
	n = m->expect.n + m->opts->expect.n;
	pr_info("guest halted at rip 0x%llx; %u check%s passed",
		(unsigned long long)regs.rip, n, n == 1 ? "" : "s");
	return VMM_OK;
}

/* The symbol file gdb should load: the guest file, or for a built-in
 * guest its twin in the build tree (next to vmm) or the installed one. */
static void symbol_file(struct machine *m, char *buf, size_t len)
{
	const char *name = m->mode == CPU_MODE_REAL ? "hello16.elf" :
			   m->mode == CPU_MODE_LONG ? "hello64.elf" : "hello32.elf";
	char exe[512];
	ssize_t n;

	if (m->opts->guest_path) {
		snprintf(buf, len, "%s", m->opts->guest_path);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (strrchr(exe, '/'))
			*strrchr(exe, '/') = '\0';
		snprintf(buf, len, "%s/guest/%s", exe, name);
		if (access(buf, R_OK) == 0)
			return;
	}
	snprintf(buf, len, "%s/%s", PKGDATADIR, name);
}

static int start_gdb(struct machine *m)
{
	char sym[600];

	symbol_file(m, sym, sizeof(sym));
	return session_start(&m->gdb, m->opts->gdb, m->opts->wait_gdb, sym,
			     m->mode == CPU_MODE_REAL && m->info.kind != GUEST_ELF64,
			     &m->vm, &m->vcpu, &m->con);
}

static int judge(void *ctx)
{
	return judge_halt(ctx);
}

int machine_run(const struct vmm_options *opts)
{
	struct machine *m;
	struct run run;
	int status = VMM_SETUP;

	m = calloc(1, sizeof(*m));
	if (!m) {
		pr_err("out of memory");
		return VMM_SETUP;
	}
	m->opts = opts;
	m->vcpu.fd = -1;
	m->vm.vm_fd = -1;
	if (kvm_trace_init(opts->trace) < 0) {
		free(m);
		return VMM_SETUP;
	}
	console_init(&m->con, STDOUT_FILENO);
	bus_init(&m->pio, BUS_PIO);
	bus_init(&m->mmio, BUS_MMIO);
	bus_register(&m->pio, CONSOLE_PORT, CONSOLE_PORT, console_pio, &m->con);
	hypercall_register(&m->hc, &m->pio, &m->vcpu, &m->con);

	if (choose_mode(m) < 0)
		goto out;
	if (vm_create(&m->vm, opts->ram_size) < 0)
		goto out;
	report_host(m);
	if (check_host_mode(m) < 0 || load_guest(m) < 0)
		goto out;
	choose_cpuid(m);
	if (vcpu_create(&m->vm, &m->pio, &m->mmio, &m->vcpu) < 0 ||
	    mode_setup(&m->vm, m->vcpu.fd, m->mode, m->info.entry) < 0)
		goto out;
	/* issue 17: port 0xe9 through KVM's coalesced ring where it can. */
	m->vcpu.coalesced = console_coalesce(&m->con, &m->vm, m->vcpu.run,
					     !opts->no_coalesce);
	coalesced_hold(m->vcpu.coalesced, COALESCED_HOLD_TRACE, kvm_tracing);
	pr_strategy("interrupts", "no in-kernel irqchip, so the guest's HLT exits to vmm");
	if (vcpu_signals_install(&m->vcpu) < 0)
		goto out;
	if (opts->gdb && start_gdb(m) < 0)
		goto out;
	run = (struct run){ .vcpu = &m->vcpu, .con = &m->con,
			    .gdb = opts->gdb ? &m->gdb : NULL,
			    .timeout = opts->timeout, .judge = judge, .ctx = m };
	status = run_guest(&run);
out:
	coalesced_close(m->vcpu.coalesced);	/* issue 17: before the mapping goes */
	console_flush(&m->con);
	session_close(&m->gdb);
	if (m->vcpu.fd >= 0)
		vcpu_destroy(&m->vcpu);
	vm_destroy(&m->vm);
	kvm_trace_close();
	image_free(&m->image);
	console_fini(&m->con);	/* issue 17: unhook it from util.c's log */
	free(m);
	return status;
}
