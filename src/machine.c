/* machine.c - wire the pieces into one run of one guest: read the guest
 * image, choose the mode, probe the host where the mode needs it, build
 * the VM, load, set up the vCPU, run it and judge the result.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "console.h"
#include "expect.h"
#include "loader.h"
#include "gdb_target.h"
#include "gdbserver.h"
#include "machine.h"
#include "mmu.h"
#include "pio.h"
#include "probe.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

#define GUEST_FILE_MAX (256u << 20)	/* ELF files carry debug info */

extern const uint8_t guest_hello64[], guest_hello64_end[];
extern const uint8_t guest_hello32[], guest_hello32_end[];
extern const uint8_t guest_hello16[], guest_hello16_end[];

struct image {
	const char *name;	/* for messages */
	uint8_t *owned;		/* malloc()ed file contents, or NULL */
	const uint8_t *data;
	size_t size;
};

struct machine {
	const struct vmm_options *opts;
	enum cpu_mode mode;
	struct image image;
	struct load_info info;
	struct expect_list expect;	/* the guest's own + --expect */
	struct vm vm;
	struct vcpu vcpu;
	struct pio_bus pio;
	struct console con;
	struct gdb_target *gdb;		/* with --gdb: the debugger's view */
	struct gdbserver *server;
	bool halted;			/* under gdb: the guest ran its HLT */
	bool crashed;			/* under gdb: it cannot run on */
};

static void embedded_image(enum cpu_mode mode, struct image *im)
{
	switch (mode) {
	case CPU_MODE_REAL:
		*im = (struct image){ "hello16.elf (built in)", NULL,
			guest_hello16, guest_hello16_end - guest_hello16 };
		break;
	case CPU_MODE_LONG:
		*im = (struct image){ "hello64.elf (built in)", NULL,
			guest_hello64, guest_hello64_end - guest_hello64 };
		break;
	default:
		*im = (struct image){ "hello32.elf (built in)", NULL,
			guest_hello32, guest_hello32_end - guest_hello32 };
		break;
	}
}

static int read_image(const char *path, struct image *im)
{
	struct stat st;
	ssize_t n;
	size_t done = 0;
	int fd;

	memset(im, 0, sizeof(*im));
	im->name = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_err("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		pr_err("%s: %s", path, S_ISDIR(st.st_mode) ?
		       "is a directory, not a guest file" : "not a regular file");
		goto fail;
	}
	if ((uint64_t)st.st_size > GUEST_FILE_MAX) {
		pr_err("%s: %lld bytes is too big for a guest file (at most %u MiB)",
		       path, (long long)st.st_size, GUEST_FILE_MAX >> 20);
		goto fail;
	}
	im->owned = malloc(st.st_size ? st.st_size : 1);
	if (!im->owned) {
		pr_err("%s: out of memory", path);
		goto fail;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, im->owned + done, st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pr_err("%s: %s", path, n < 0 ? strerror(errno) : "file shrank while reading");
			goto fail;
		}
		done += n;
	}
	close(fd);
	im->data = im->owned;
	im->size = done;
	return 0;
fail:
	free(im->owned);
	im->owned = NULL;
	close(fd);
	return -1;
}

static int choose_mode(struct machine *m)
{
	const struct vmm_options *o = m->opts;
	enum guest_kind kind;
	char err[256];

	if (!o->guest_path) {
		m->mode = o->mode_given ? o->mode : CPU_MODE_LONG;
		embedded_image(m->mode, &m->image);
		pr_strategy("mode", "%s: %s (%s)", mode_info(m->mode)->name,
			    mode_info(m->mode)->desc,
			    o->mode_given ? "as asked" : "the default");
		return 0;
	}
	if (read_image(o->guest_path, &m->image) < 0)
		return -1;
	if (loader_probe(m->image.data, m->image.size, &kind, err, sizeof(err)) < 0) {
		pr_err("%s: %s", m->image.name, err);
		return -1;
	}
	if (o->mode_given)
		m->mode = o->mode;
	else
		m->mode = kind == GUEST_ELF32 ? CPU_MODE_PROT : CPU_MODE_LONG;
	pr_strategy("mode", "%s: %s (%s)", mode_info(m->mode)->name,
		    mode_info(m->mode)->desc, o->mode_given ? "as asked" :
		    kind == GUEST_ELF32 ? "a 32-bit ELF file" :
		    kind == GUEST_ELF64 ? "a 64-bit ELF file" : "a flat binary");
	return 0;
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
		int r = ioctl(m->vm.kvm_fd, KVM_CHECK_EXTENSION, caps[i].cap);

		n += snprintf(line + n, sizeof(line) - n, "%s%s %s",
			      i ? ", " : "", caps[i].name, r > 0 ? "yes" : "no");
	}
	pr_info("host: /dev/kvm is served by %s; %s", vm_host_module(), line);
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
	if (m->info.expect[0] &&
	    !expect_parse(&m->expect, m->info.expect, err, sizeof(err))) {
		pr_warn("%s: ignoring its .vmm.expect section: %s", m->image.name, err);
		m->expect.n = 0;
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
		o->walk ? "--walk" : mode_info(m->mode)->host_may_refuse ?
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

static int start_timer(double seconds)
{
	struct itimerval it = { 0 };

	if (seconds <= 0)
		return 0;
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (time_t)seconds) * 1e6);
	if (!it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	if (setitimer(ITIMER_REAL, &it, NULL) < 0) {
		pr_err("setitimer: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* --walk=GVA[,GVA...]: each address through the guest's own page tables
 * as they are at the halt, on stderr. Local output, so the host address of
 * the byte is shown too: GVA -> GPA -> HVA. */
static void walk_at_halt(struct machine *m, const struct kvm_regs *regs)
{
	const char *p = m->opts->walk;
	struct kvm_sregs sregs;
	struct mmu_paging pg;
	struct mmu_walk w;
	char text[2048], tok[64];
	uint64_t gva;
	size_t len;

	if (!p)
		return;
	if (ioctl(m->vcpu.fd, KVM_GET_SREGS, &sregs) < 0) {
		pr_err("KVM_GET_SREGS: %s", strerror(errno));
		return;
	}
	vm_paging(&m->vm, &sregs, regs->rflags, &pg);
	while (*p) {
		len = strcspn(p, ",");
		snprintf(tok, sizeof(tok), "%.*s", (int)len, p);
		p += len + (p[len] == ',');
		if (!parse_u64(tok, &gva))
			continue;	/* main.c checked the list */
		mmu_translate(&pg, gva, MMU_ACC_READ, vm_read_phys, &m->vm, &w);
		mmu_format(&w, w.fault == MMU_OK ? vm_gpa(&m->vm, w.gpa, 1) : NULL,
			   text, sizeof(text));
		fprintf(stderr, "vmm: walk 0x%llx (%s, CR3 0x%llx):\n%s\n",
			(unsigned long long)gva, mmu_mode_name(w.mode),
			(unsigned long long)sregs.cr3, text);
	}
}

static int judge_halt(struct machine *m)
{
	struct kvm_regs regs;
	unsigned failed, i;

	if (ioctl(m->vcpu.fd, KVM_GET_REGS, &regs) < 0) {
		pr_err("KVM_GET_REGS: %s", strerror(errno));
		return VMM_CRASH;
	}
	walk_at_halt(m, &regs);
	for (i = 0; i < m->opts->expect.n && m->expect.n < EXPECT_MAX; i++)
		m->expect.e[m->expect.n++] = m->opts->expect.e[i];
	failed = expect_check(&m->expect, &m->vm, regs.rax,
			      mode_info(m->mode)->word);
	if (failed)
		return VMM_VERDICT;
	pr_info("guest halted at rip 0x%llx; %u check%s passed",
		(unsigned long long)regs.rip, m->expect.n,
		m->expect.n == 1 ? "" : "s");
	return VMM_OK;
}

/* One line saying what happened, then the registers a student needs to
 * find out why. */
static void report_stop(struct machine *m, const char *what)
{
	console_flush(&m->con);
	pr_err("%s", what);
	vcpu_dump(&m->vcpu, stderr);
}

/* SIGINT, SIGTERM, SIGHUP: flush what the guest wrote and end; the
 * caller closes the stub (removing a Unix socket file). */
static int quit_on_signal(struct machine *m)
{
	int sig = vcpu_quit_signal;

	console_flush(&m->con);
	pr_err("stopped by %s", sig == SIGINT ? "SIGINT" : sig == SIGTERM ?
	       "SIGTERM" : "SIGHUP");
	return VMM_SIGNAL + sig;
}

static int run_loop(struct machine *m)
{
	char what[320];

	for (;;) {
		switch (vcpu_run(&m->vcpu)) {
		case VCPU_HALT:
			console_flush(&m->con);
			return judge_halt(m);
		case VCPU_KICK:
			if (vcpu_quit_signal)
				return quit_on_signal(m);
			if (vcpu_signal == SIGALRM) {
				snprintf(what, sizeof(what), "time limit: the guest ran for %g s without halting (--timeout); it was at:",
					 m->opts->timeout);
				report_stop(m, what);
				return VMM_TIMEOUT;
			}
			continue;
		case VCPU_DEBUG:
		case VCPU_CRASH:
			strcpy(what, "guest crashed: ");
			vcpu_describe_exit(&m->vcpu, what + strlen(what),
					   sizeof(what) - strlen(what));
			report_stop(m, what);
			return VMM_CRASH;
		case VCPU_ERROR:
		default:
			report_stop(m, "KVM_RUN failed; the guest's last state:");
			return VMM_CRASH;
		}
	}
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

	m->gdb = calloc(1, sizeof(*m->gdb));
	if (!m->gdb || gdb_target_init(m->gdb, &m->vm, &m->vcpu, &m->con) < 0)
		return -1;
	m->server = gdbserver_open(m->opts->gdb, m->gdb);
	if (!m->server || gdbserver_start(m->server) < 0)
		return -1;
	symbol_file(m, sym, sizeof(sym));
	/* gdb prefers a loaded ELF's own architecture (i386 for hello16.elf)
	 * over the target description's i8086: say it explicitly. */
	pr_err("%s for gdb: gdb %s%s -ex '%s'",
	       m->opts->wait_gdb ? "waiting" : "listening", sym,
	       m->mode == CPU_MODE_REAL ? " -ex 'set architecture i8086'" : "",
	       gdbserver_target_cmd(m->server));
	if (!m->opts->wait_gdb)
		m->gdb->req = GDB_REQ_CONT;	/* run until gdb attaches */
	return 0;
}

/* The run is over while gdb watches: tell it (W status) and leave. */
static int finish_under_gdb(struct machine *m, int status)
{
	gdb_target_stop(m->gdb, GDB_STOP_EXITED, status,
			"vmm: the guest's run is over; vmm exits with status %d\n",
			status);
	gdb_target_wait_final(m->gdb);
	return status;
}

/* A signal kicked the vCPU: decide what it meant. Returns -1 to go on. */
static int gdb_kick(struct machine *m, bool attached)
{
	int sig = vcpu_signal;

	vcpu_signal = 0;
	if (vcpu_quit_signal)
		return quit_on_signal(m);
	if (sig == SIGALRM) {
		report_stop(m, "time limit: the guest ran without halting (--timeout); it was at:");
		return VMM_TIMEOUT;
	}
	pthread_mutex_lock(&m->gdb->lock);
	if (m->gdb->want_stop) {
		pthread_mutex_unlock(&m->gdb->lock);
		gdb_target_stop(m->gdb, attached ? GDB_STOP_INTERRUPT : GDB_STOP_TRAP,
				0, NULL);
		return -1;
	}
	pthread_mutex_unlock(&m->gdb->lock);
	return -1;
}

static int gdb_event(struct machine *m, enum debug_event ev, bool attached,
		     bool stepped_hlt)
{
	char what[320];
	struct kvm_regs regs;

	switch (ev) {
	case DEBUG_STEP:
		if (stepped_hlt) {
			m->halted = true;
			console_flush(&m->con);
			gdb_target_stop(m->gdb, GDB_STOP_STEP, 0,
					"vmm: the guest executed HLT: continuing ends the run\n");
		} else {
			gdb_target_stop(m->gdb, GDB_STOP_STEP, 0, NULL);
		}
		return -1;
	case DEBUG_SWBREAK:
		gdb_target_stop(m->gdb, GDB_STOP_SWBREAK, 0, NULL);
		return -1;
	case DEBUG_HWBREAK:
		gdb_target_stop(m->gdb, GDB_STOP_HWBREAK, 0, NULL);
		return -1;
	case DEBUG_WATCH:
		gdb_target_stop(m->gdb, m->gdb->dbg.hit_kind == WATCH_WRITE ? GDB_STOP_WATCH :
				m->gdb->dbg.hit_kind == WATCH_READ ? GDB_STOP_RWATCH :
				GDB_STOP_AWATCH, m->gdb->dbg.hit_addr, NULL);
		return -1;
	case DEBUG_CATCH:
		if (!attached)
			return -1;	/* catchpoints die with the session */
		gdb_target_stop(m->gdb, GDB_STOP_TRAP, 0, "%s", m->gdb->catch_msg);
		return -1;
	case DEBUG_HALT:
		console_flush(&m->con);
		if (!attached)
			return judge_halt(m);
		m->halted = true;
		if (ioctl(m->vcpu.fd, KVM_GET_REGS, &regs) < 0)
			regs.rip = 0;
		if (gdb_target_catch_hlt(m->gdb))
			gdb_target_stop(m->gdb, GDB_STOP_TRAP, 0,
					"vmm: catch %u: HLT before 0x%llx: continuing ends the run\n",
					gdb_target_catch_hlt(m->gdb),
					(unsigned long long)regs.rip);
		else
			gdb_target_stop(m->gdb, GDB_STOP_TRAP, 0,
					"vmm: the guest halted (HLT before 0x%llx): continuing ends the run\n",
					(unsigned long long)regs.rip);
		return -1;
	case DEBUG_KICK:
		return gdb_kick(m, attached);
	case DEBUG_CRASH:
	default:
		strcpy(what, "guest crashed: ");
		vcpu_describe_exit(&m->vcpu, what + strlen(what),
				   sizeof(what) - strlen(what));
		report_stop(m, what);
		if (!attached)
			return VMM_CRASH;
		m->crashed = true;
		gdb_target_stop(m->gdb, GDB_STOP_CRASH, 0, "vmm: %s\n", what);
		return -1;
	}
}

/* The run loop when a gdb stub is listening. Without a gdb attached the
 * guest runs as it would without one (no guest debug at all). */
static int run_loop_gdb(struct machine *m)
{
	enum debug_event ev;
	enum gdb_req req;
	bool attached, stepped_hlt, debugging = false;
	int status;

	for (;;) {
		req = gdb_target_wait(m->gdb);
		if (req == GDB_REQ_QUIT) {
			if (vcpu_quit_signal)
				return quit_on_signal(m);
			console_flush(&m->con);
			pr_err("killed by gdb");
			return VMM_SIGNAL + SIGKILL;
		}
		if (m->halted || m->crashed) {
			status = m->crashed ? VMM_CRASH : judge_halt(m);
			return finish_under_gdb(m, status);
		}
		pthread_mutex_lock(&m->gdb->lock);
		attached = m->gdb->attached;
		pthread_mutex_unlock(&m->gdb->lock);
		stepped_hlt = false;
		if (attached) {
			debugging = true;
			ev = debug_resume(&m->gdb->dbg, req == GDB_REQ_STEP,
					  &stepped_hlt);
		} else {
			/* No gdb: run exactly as without a stub. */
			if (debugging && debug_disable(&m->gdb->dbg) < 0)
				return VMM_CRASH;
			debugging = false;
			ev = debug_event_of(vcpu_run(&m->vcpu));
		}
		status = gdb_event(m, ev, attached, stepped_hlt);
		if (status >= 0)
			return status;
	}
}

int machine_run(const struct vmm_options *opts)
{
	struct machine *m;
	int status = VMM_SETUP;

	m = calloc(1, sizeof(*m));
	if (!m) {
		pr_err("out of memory");
		return VMM_SETUP;
	}
	m->opts = opts;
	m->vcpu.fd = -1;
	m->vm.vm_fd = -1;
	console_init(&m->con, STDOUT_FILENO);
	pio_init(&m->pio);
	pio_register(&m->pio, CONSOLE_PORT, CONSOLE_PORT, console_pio, &m->con);

	if (choose_mode(m) < 0)
		goto out;
	if (vm_create(&m->vm, opts->ram_size) < 0)
		goto out;
	report_host(m);
	if (check_host_mode(m) < 0 || load_guest(m) < 0)
		goto out;
	choose_cpuid(m);
	if (vcpu_create(&m->vm, &m->pio, &m->vcpu) < 0 ||
	    mode_setup(&m->vm, m->vcpu.fd, m->mode, m->info.entry) < 0)
		goto out;
	pr_strategy("console", "port 0xe9 to stdout, buffered, flushed at each newline");
	pr_strategy("interrupts", "no in-kernel irqchip, so the guest's HLT exits to vmm");
	if (vcpu_signals_install(&m->vcpu) < 0)
		goto out;
	if (opts->gdb && start_gdb(m) < 0)
		goto out;
	if (start_timer(opts->timeout) < 0)
		goto out;
	if (m->gdb) {
		status = run_loop_gdb(m);
		gdb_target_gone(m->gdb);
	} else {
		status = run_loop(m);
	}
out:
	console_flush(&m->con);
	gdbserver_close(m->server);
	if (m->gdb) {
		gdb_target_free(m->gdb);
		free(m->gdb);
	}
	if (m->vcpu.fd >= 0)
		vcpu_destroy(&m->vcpu);
	vm_destroy(&m->vm);
	free(m->image.owned);
	free(m);
	return status;
}
