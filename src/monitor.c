/* monitor.c - "monitor CMD" in gdb: what a student asks of the machine
 * beyond registers and memory. One table; each command prints its own
 * "usage:" line when its arguments are wrong. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gdb_target.h"
#include "gdbstub.h"
#include "kvm.h"
#include "mmu.h"
#include "monitor.h"
#include "pagemap.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"
#include "x86_bits.h"

#define MAX_ARGS 4

struct monitor_cmd {
	const char *name;
	const char *args;	/* for usage: and help */
	const char *help;
	int (*fn)(struct gdb_target *t, int argc, char **argv,
		  struct gdbstub_out *out);
};

static const struct monitor_cmd commands[];

static int usage(struct gdbstub_out *out, const char *name)
{
	const struct monitor_cmd *c;

	for (c = commands; c->name && strcmp(c->name, name); c++)
		;
	if (c->name)
		gdbstub_out_printf(out, "usage: %s%s%s\n", c->name,
				   c->args[0] ? " " : "", c->args);
	return 0;
}

static int cmd_help(struct gdb_target *t, int argc, char **argv,
		    struct gdbstub_out *out)
{
	const struct monitor_cmd *c;

	gdbstub_out_printf(out, "vmm monitor commands:\n");
	for (c = commands; c->name; c++) {
		char head[96];

		snprintf(head, sizeof(head), "%s%s%s", c->name,
			 c->args[0] ? " " : "", c->args);
		if (strlen(head) > 28)	/* a long synopsis gets its own line */
			gdbstub_out_printf(out, "  %s\n  %-28s %s\n", head, "", c->help);
		else
			gdbstub_out_printf(out, "  %-28s %s\n", head, c->help);
	}
	return 0;
}

static void print_bits(struct gdbstub_out *out, const char *reg, uint64_t v,
		       enum x86_bits_reg which)
{
	char names[200];

	x86_bits_format(which, v, names, sizeof(names));
	gdbstub_out_printf(out, "%-4s 0x%llx [%s ]\n", reg,
			   (unsigned long long)v, names);
}

static void print_seg(struct gdbstub_out *out, const char *name,
		      const struct kvm_segment *s)
{
	gdbstub_out_printf(out, "%-3s  0x%04x base 0x%llx limit 0x%x type 0x%x %s dpl %u%s%s%s%s\n",
			   name, s->selector, (unsigned long long)s->base,
			   s->limit, s->type, s->s ? (s->type & 8 ? "code" : "data") : "system",
			   s->dpl, s->present ? " P" : " not-present",
			   s->l ? " L(64-bit)" : "", s->db ? " D/B(32-bit)" : "",
			   s->g ? " G(4K units)" : "");
}

static int cmd_regs(struct gdb_target *t, int argc, char **argv,
		    struct gdbstub_out *out)
{
	const struct kvm_sregs *s = &t->sregs;
	struct mmu_paging pg;

	if (argc != 1)
		return usage(out, "regs");
	gdb_target_paging(t, &pg);
	gdbstub_out_printf(out, "mode %s, CPL %u\n", mmu_mode_name(mmu_mode(&pg)),
			   (s->cr0 & 1) ? s->cs.selector & 3 : 0);
	gdbstub_out_printf(out, "rip  0x%llx  rsp 0x%llx  rflags 0x%llx\n",
			   (unsigned long long)t->regs.rip,
			   (unsigned long long)t->regs.rsp,
			   (unsigned long long)t->regs.rflags);
	/* gdb's $pc and $sp are these (gdb_target.c): CS:IP, SS:SP */
	gdbstub_out_printf(out, "linear pc 0x%llx  sp 0x%llx  (%s: gdb's $pc and $sp)\n",
			   (unsigned long long)mode_linear_pc(&t->regs, s),
			   (unsigned long long)mode_linear_sp(&t->regs, s),
			   mode_now_name(mode_now(s)));
	print_seg(out, "cs", &s->cs);
	print_seg(out, "ds", &s->ds);
	print_seg(out, "es", &s->es);
	print_seg(out, "fs", &s->fs);
	print_seg(out, "gs", &s->gs);
	print_seg(out, "ss", &s->ss);
	print_seg(out, "tr", &s->tr);
	print_seg(out, "ldt", &s->ldt);
	gdbstub_out_printf(out, "gdtr base 0x%llx limit 0x%x\n",
			   (unsigned long long)s->gdt.base, s->gdt.limit);
	gdbstub_out_printf(out, "idtr base 0x%llx limit 0x%x\n",
			   (unsigned long long)s->idt.base, s->idt.limit);
	print_bits(out, "cr0", s->cr0, X86_BITS_CR0);
	gdbstub_out_printf(out, "cr2  0x%llx\ncr3  0x%llx\n",
			   (unsigned long long)s->cr2, (unsigned long long)s->cr3);
	print_bits(out, "cr4", s->cr4, X86_BITS_CR4);
	gdbstub_out_printf(out, "cr8  0x%llx\n", (unsigned long long)s->cr8);
	print_bits(out, "efer", s->efer, X86_BITS_EFER);
	return 0;
}

static int cmd_mode(struct gdb_target *t, int argc, char **argv,
		    struct gdbstub_out *out)
{
	struct mmu_paging pg;

	if (argc != 1)
		return usage(out, "mode");
	gdb_target_paging(t, &pg);
	gdbstub_out_printf(out, "%s, CPL %u\n", mmu_mode_name(mmu_mode(&pg)),
			   (t->sregs.cr0 & 1) ? t->sregs.cs.selector & 3 : 0);
	return 0;
}

/* The segment register named s ("cs", "ds" ...), or NULL. */
static const struct kvm_segment *seg_named(const struct gdb_target *t,
					   const char *s)
{
	static const char names[][3] = { "cs", "ds", "es", "fs", "gs", "ss" };
	const struct kvm_segment *segs[] = { &t->sregs.cs, &t->sregs.ds,
		&t->sregs.es, &t->sregs.fs, &t->sregs.gs, &t->sregs.ss };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return segs[i];
	return NULL;
}

/* ADDR, or SEG:OFF as the CPU would form it. SEG is a segment register
 * (its base now; in 64-bit mode only fs and gs have one, SDM 3A 3.4.4)
 * or a number, which is real-mode arithmetic: SEG * 16 + OFF (SDM 3A
 * 20.1.1) - always for xp (phys), and for walk only in real mode, where
 * a selector is that. NULL, or why not. */
static const char *parse_addr(const struct gdb_target *t, char *arg,
			      bool phys, uint64_t *addr)
{
	const struct kvm_segment *seg;
	char *colon = strchr(arg, ':');
	uint64_t sel, off;
	bool in64 = mode_now(&t->sregs) == CPU_NOW_LONG;

	if (!colon)
		return parse_u64(arg, addr) ? NULL : "";
	*colon = '\0';
	if (!parse_u64(colon + 1, &off) || off > 0xffffffffULL)
		return "";
	seg = seg_named(t, arg);
	if (seg) {
		*addr = (in64 && seg != &t->sregs.fs && seg != &t->sregs.gs ?
			 0 : seg->base) + off;
		return NULL;
	}
	if (!parse_u64(arg, &sel) || sel > 0xffff)
		return "";
	if (!phys && mode_now(&t->sregs) != CPU_NOW_REAL)
		return "outside real mode a number before ':' is a selector: name a segment register instead (cs:OFF, ds:OFF ...)\n";
	if (off > 0xffff)
		return "a real-mode offset is 16 bits (0-0xffff)\n";
	*addr = sel * 16 + off;
	return NULL;
}

static int cmd_walk(struct gdb_target *t, int argc, char **argv,
		    struct gdbstub_out *out)
{
	static const struct { const char *name; unsigned acc; } kinds[] = {
		{ "read", MMU_ACC_READ }, { "write", MMU_ACC_WRITE },
		{ "exec", MMU_ACC_FETCH },
	};
	unsigned acc = MMU_ACC_READ;
	struct mmu_paging pg;
	struct mmu_walk w;
	char text[2048], host[320] = "";
	const void *hva;
	const char *why;
	uint64_t gva;
	size_t i;
	bool seg = argc >= 2 && strchr(argv[1], ':');

	if (argc < 2 || argc > 3)
		return usage(out, "walk");
	why = parse_addr(t, argv[1], false, &gva);
	if (why) {
		if (why[0])
			gdbstub_out_printf(out, "%s", why);
		return usage(out, "walk");
	}
	if (argc == 3) {
		for (i = 0; i < 3 && strcmp(argv[2], kinds[i].name); i++)
			;
		if (i == 3)
			return usage(out, "walk");
		acc = kinds[i].acc;
	}
	if (seg)
		gdbstub_out_printf(out, "%s:%s is linear 0x%llx\n", argv[1],
				   argv[1] + strlen(argv[1]) + 1,
				   (unsigned long long)gva);
	gdb_target_paging(t, &pg);
	mmu_translate(&pg, gva, acc, vm_read_phys, t->vm, &w);
	/* The host address only for a local debugger: over a network it
	 * would hand out vmm's memory layout (an ASLR leak). */
	hva = t->local && w.fault == MMU_OK ? vm_gpa(t->vm, w.gpa, 1) : NULL;
	mmu_format(&w, hva, text, sizeof(text));
	if (hva)
		pagemap_describe(hva, host, sizeof(host));
	gdbstub_out_printf(out, "%s%s\n", text, host);
	return 0;
}

static int cmd_xp(struct gdb_target *t, int argc, char **argv,
		  struct gdbstub_out *out)
{
	uint64_t gpa, len = 16, i;
	const uint8_t *p;
	const char *why;
	char line[128];
	size_t n = 0;

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && (!parse_u64(argv[2], &len) || len == 0 || len > 4096)))
		return usage(out, "xp");
	why = parse_addr(t, argv[1], true, &gpa);
	if (why) {
		if (why[0])
			gdbstub_out_printf(out, "%s", why);
		return usage(out, "xp");
	}
	p = vm_gpa(t->vm, gpa, len);
	if (!p) {
		gdbstub_out_printf(out, "0x%llx+%llu is outside guest RAM (0x0-0x%llx)\n",
				   (unsigned long long)gpa, (unsigned long long)len,
				   (unsigned long long)t->vm->ram_size);
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			n = snprintf(line, sizeof(line), "0x%llx:", (unsigned long long)(gpa + i));
		n += snprintf(line + n, sizeof(line) - n, " %02x", p[i]);
		if (i % 16 == 15 || i + 1 == len)
			gdbstub_out_printf(out, "%s\n", line);
	}
	return 0;
}

/* catch io PORT[-PORT] [in|out|both] | catch hlt | catch list |
 * catch delete N */
static int catch_io(struct gdb_target *t, int argc, char **argv,
		    struct gdbstub_out *out)
{
	struct catchpoint c = { .in = true, .out = true };
	uint64_t lo, hi;
	char *dash;

	if (argc < 3 || argc > 4)
		return usage(out, "catch");
	dash = strchr(argv[2], '-');
	if (dash)
		*dash = '\0';
	if (!parse_u64(argv[2], &lo) || lo > 0xffff)
		return usage(out, "catch");
	hi = lo;
	if (dash && (!parse_u64(dash + 1, &hi) || hi > 0xffff || hi < lo))
		return usage(out, "catch");
	if (argc == 4) {
		if (!strcmp(argv[3], "in"))
			c.out = false;
		else if (!strcmp(argv[3], "out"))
			c.in = false;
		else if (strcmp(argv[3], "both"))
			return usage(out, "catch");
	}
	if (t->ncatch == GDB_MAX_CATCH) {
		gdbstub_out_printf(out, "no room: %d catchpoints at most\n", GDB_MAX_CATCH);
		return 0;
	}
	c.lo = lo;
	c.hi = hi;
	c.id = t->next_catch++;
	t->catches[t->ncatch++] = c;
	gdbstub_out_printf(out, "catchpoint %u: port I/O %s 0x%x%s%.0x (%s)\n", c.id,
			   c.in && c.out ? "to or from" : c.in ? "from" : "to",
			   c.lo, c.hi != c.lo ? "-0x" : "", c.hi != c.lo ? c.hi : 0,
			   c.in && c.out ? "in and out" : c.in ? "in" : "out");
	return 0;
}

static void print_catch(struct gdbstub_out *out, const struct catchpoint *c)
{
	if (c->hlt)
		gdbstub_out_printf(out, "%u  hlt\n", c->id);
	else if (c->lo == c->hi)
		gdbstub_out_printf(out, "%u  io 0x%x %s\n", c->id, c->lo,
				   c->in && c->out ? "both" : c->in ? "in" : "out");
	else
		gdbstub_out_printf(out, "%u  io 0x%x-0x%x %s\n", c->id, c->lo, c->hi,
				   c->in && c->out ? "both" : c->in ? "in" : "out");
}

static int cmd_catch(struct gdb_target *t, int argc, char **argv,
		     struct gdbstub_out *out)
{
	uint64_t id;
	unsigned i;

	if (argc >= 2 && !strcmp(argv[1], "io"))
		return catch_io(t, argc, argv, out);
	if (argc == 2 && !strcmp(argv[1], "hlt")) {
		if (t->ncatch == GDB_MAX_CATCH)
			return usage(out, "catch");
		t->catches[t->ncatch] = (struct catchpoint){ .id = t->next_catch++,
							     .hlt = true };
		gdbstub_out_printf(out, "catchpoint %u: hlt\n", t->catches[t->ncatch++].id);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "list")) {
		if (!t->ncatch)
			gdbstub_out_printf(out, "no catchpoints\n");
		for (i = 0; i < t->ncatch; i++)
			print_catch(out, &t->catches[i]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "delete") && parse_u64(argv[2], &id)) {
		for (i = 0; i < t->ncatch; i++) {
			if (t->catches[i].id != id)
				continue;
			t->catches[i] = t->catches[--t->ncatch];
			gdbstub_out_printf(out, "deleted catchpoint %u\n", (unsigned)id);
			return 0;
		}
		/* id is parsed 64 bits wide and printed so: 4294967297 is no
		 * catchpoint, not catchpoint 1 (issue 13). */
		gdbstub_out_printf(out, "no catchpoint %llu%s\n", (unsigned long long)id,
				   id == 0 || id >= t->next_catch ?
				   " (see monitor catch list)" : "");
		return 0;
	}
	return usage(out, "catch");
}

static int cmd_console(struct gdb_target *t, int argc, char **argv,
		       struct gdbstub_out *out)
{
	if (argc == 1) {
		gdbstub_out_printf(out, "port 0xe9 output goes to %s\n",
				   t->console_gdb ? "gdb and stdout" : "vmm's stdout");
		return 0;
	}
	if (argc != 2 || (strcmp(argv[1], "gdb") && strcmp(argv[1], "stdout")))
		return usage(out, "console");
	gdb_target_console(t, !strcmp(argv[1], "gdb"));
	gdbstub_out_printf(out, "port 0xe9 output now goes to %s\n",
			   t->console_gdb ? "gdb (and vmm's stdout)" : "vmm's stdout only");
	return 0;
}

/* monitor trace [on|all|off]: the --trace lines, switched while gdb
 * watches. They go where --trace said: vmm's stderr or its FILE. */
static int cmd_trace(struct gdb_target *t, int argc, char **argv,
		     struct gdbstub_out *out)
{
	if (argc == 2 && !strcmp(argv[1], "on"))
		kvm_trace_set(true, false);
	else if (argc == 2 && !strcmp(argv[1], "all"))
		kvm_trace_set(true, true);
	else if (argc == 2 && !strcmp(argv[1], "off"))
		kvm_trace_set(false, false);
	else if (argc != 1)
		return usage(out, "trace");
	if (!kvm_tracing) {
		gdbstub_out_printf(out, "trace off\n");
		return 0;
	}
	gdbstub_out_printf(out, "trace on: every KVM ioctl and exit goes to %s%s, %s\n",
			   strcmp(kvm_trace_where(), "stderr") ? "" : "vmm's ",
			   kvm_trace_where(), kvm_trace_folds() ?
			   "identical exits in a row folded (trace all: each one)" :
			   "each exit on its own line");
	return 0;
}

/* One row of monitor exits: since the start, since the last stop. */
static void exits_row(struct gdbstub_out *out, const char *what, uint64_t all,
		      uint64_t last)
{
	gdbstub_out_printf(out, "%-26s %12llu %16llu\n", what,
			   (unsigned long long)all, (unsigned long long)all - last);
}

static int cmd_exits(struct gdb_target *t, int argc, char **argv,
		     struct gdbstub_out *out)
{
	const struct kvm_exit_counts *c = &t->vcpu->exits, *m = &t->vcpu->exits_mark;
	char what[48];
	unsigned i;

	if (argc != 1)
		return usage(out, "exits");
	gdbstub_out_printf(out, "%-26s %12s %16s\n", "KVM_RUN returned",
			   "since start", "since last stop");
	for (i = 0; i < KVM_EXITS_REASONS; i++) {
		if (!c->reason[i])
			continue;
		exits_row(out, i == KVM_EXITS_REASONS - 1 ? "other exit reasons" :
			  vcpu_exit_name(i), c->reason[i], m->reason[i]);
		if (i != KVM_EXIT_IO)
			continue;
		for (unsigned p = 0; p < c->nports; p++) {
			snprintf(what, sizeof(what), "  port 0x%x %s", c->port[p].port,
				 c->port[p].out ? "out" : "in");
			exits_row(out, what, c->port[p].n,
				  kvm_exits_port(m, c->port[p].port, c->port[p].out));
		}
		if (c->other_ports)
			exits_row(out, "  other ports", c->other_ports, m->other_ports);
	}
	exits_row(out, "all exits", c->total, m->total);
	exits_row(out, "EINTR (kicked, no exit)", c->eintr, m->eintr);
	return 0;
}

/* monitor mem's bounds. Each address range (the two canonical halves in
 * long mode) gets its share, so tables that loop in one half cannot hide
 * the other: a higher-half kernel is listed whatever its user half holds.
 * 800,000 entry reads cost less than the 200,000 four-level walks the
 * command made before it listed by table: 11 ms against 21 (best of 20,
 * bench/mem.sh on tables built to cost the most). */
#define MEM_MAX_READS	800000
#define MEM_MAX_RUNS	256

struct mem_out {
	struct gdbstub_out *out;
	unsigned int shown, max_shown;	/* in this range */
	unsigned int total;		/* in every range */
	bool stopped;			/* a range was cut short */
};

static bool mem_print(void *ctx, const struct mmu_map *r)
{
	struct mem_out *m = ctx;
	const char *unit = r->page_size >= (1ULL << 30) ? "GiB" :
			   r->page_size >= (1ULL << 20) ? "MiB" : "KiB";
	unsigned shift = r->page_size >= (1ULL << 30) ? 30 :
			 r->page_size >= (1ULL << 20) ? 20 : 10;

	gdbstub_out_printf(m->out, "0x%llx-0x%llx -> 0x%llx-0x%llx  %llu %s pages x%llu  R%s%s%s\n",
			   (unsigned long long)r->va, (unsigned long long)(r->va + r->len - 1),
			   (unsigned long long)r->pa, (unsigned long long)(r->pa + r->len - 1),
			   (unsigned long long)(r->page_size >> shift), unit,
			   (unsigned long long)(r->len / r->page_size),
			   r->writable ? " W" : "", r->user ? " U" : "", r->nx ? " NX" : "");
	m->total++;
	return ++m->shown < m->max_shown;
}

/* List one range; if the listing stops early, say where and why. */
static void mem_range(struct gdb_target *t, const struct mmu_paging *pg,
		      uint64_t first, uint64_t last, unsigned int share,
		      struct mem_out *m)
{
	struct mmu_list_end end;

	m->shown = 0;
	m->max_shown = MEM_MAX_RUNS / share;
	if (mmu_list(pg, first, last, MEM_MAX_READS / share, vm_read_phys,
		     t->vm, mem_print, m, &end))
		return;
	m->stopped = true;
	if (end.out_of_reads)
		gdbstub_out_printf(m->out, "(stopped at 0x%llx: read %llu page-table entries, the most one listing of this range reads)\n",
				   (unsigned long long)end.resume,
				   (unsigned long long)end.reads);
	else
		gdbstub_out_printf(m->out, "(stopped at 0x%llx: %u ranges shown, the most one listing of this range shows)\n",
				   (unsigned long long)end.resume, m->shown);
	gdbstub_out_printf(m->out, "(monitor mem 0x%llx lists on from there)\n",
			   (unsigned long long)end.resume);
}

/* monitor mem [GVA]: every mapping from GVA (default 0) to the top of
 * the address space, canonical high addresses included. */
static int cmd_mem(struct gdb_target *t, int argc, char **argv,
		   struct gdbstub_out *out)
{
	struct mem_out m = { .out = out };
	uint64_t first[2], last[2], from = 0;
	struct mmu_paging pg;
	unsigned int n, i;
	enum mmu_mode mode;

	if (argc > 2 || (argc == 2 && !parse_u64(argv[1], &from)))
		return usage(out, "mem");
	gdb_target_paging(t, &pg);
	mode = mmu_mode(&pg);
	n = mmu_va_ranges(mode, first, last);
	if (n == 0) {
		gdbstub_out_printf(out, "%s: no paging; linear addresses are physical: 0x0-0x%llx is RAM\n",
				   mmu_mode_name(mode), (unsigned long long)(t->vm->ram_size - 1));
		return 0;
	}
	gdbstub_out_printf(out, "%s, CR3 0x%llx\n", mmu_mode_name(mode),
			   (unsigned long long)t->sregs.cr3);
	if (from > last[n - 1]) {
		gdbstub_out_printf(out, "0x%llx is above the last address this mode translates (0x%llx)\n",
				   (unsigned long long)from, (unsigned long long)last[n - 1]);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (from > last[i])
			continue;
		mem_range(t, &pg, from > first[i] ? from : first[i], last[i],
			  n, &m);
	}
	if (m.total == 0 && !m.stopped)
		gdbstub_out_printf(out, "nothing mapped\n");
	return 0;
}

/* monitor record ...: record.c does the work, on the parked vCPU. */
static int cmd_record(struct gdb_target *t, int argc, char **argv,
		      struct gdbstub_out *out)
{
	char buf[1024];
	int n = record_command(&t->rec, argc, argv, buf, sizeof(buf));

	if (n > 0)
		gdbstub_out_write(out, buf, strlen(buf));
	return 0;
}

static const struct monitor_cmd commands[] = {
	{ "help", "", "this list", cmd_help },
	{ "regs", "", "segments, GDTR/IDTR, control registers, decoded", cmd_regs },
	{ "mode", "", "the CPU mode (real, protected, paging) and CPL", cmd_mode },
	{ "walk", "GVA|SEG:OFF [read|write|exec]", "translate GVA (or SEG:OFF) through the guest's page tables, level by level", cmd_walk },
	{ "xp", "GPA|SEG:OFF [LEN]", "guest-physical memory, bypassing the page tables (LEN <= 4096; SEG:OFF is SEG*16+OFF, or a segment register's base+OFF)", cmd_xp },
	{ "mem", "[GVA]", "the guest's mappings (from GVA): virtual -> physical ranges, page size, R/W/U/NX", cmd_mem },
	{ "catch", "io PORT[-PORT] [in|out|both] | hlt | list | delete N", "stop after port I/O (or at HLT), naming the port and data", cmd_catch },
	{ "console", "[gdb|stdout]", "mirror port 0xe9 output into gdb's console, or not", cmd_console },
	{ "record", "[on|off|status|limit STEPS [MIB]|interval STEPS|hash]", "reverse execution's history: on or off, how much is kept, a hash of RAM", cmd_record },
	{ "trace", "[on|all|off]", "trace every KVM ioctl and exit on vmm's stderr (as --trace)", cmd_trace },
	{ "exits", "", "KVM_RUN's exits by reason and port: since start, since the last stop", cmd_exits },
	{ NULL, NULL, NULL, NULL },
};

int monitor_run(struct gdb_target *t, const char *cmd, struct gdbstub_out *out)
{
	char line[256], *argv[MAX_ARGS + 1], *save = NULL, *tok;
	const struct monitor_cmd *c;
	int argc = 0;

	snprintf(line, sizeof(line), "%s", cmd);
	for (tok = strtok_r(line, " \t", &save); tok && argc <= MAX_ARGS;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	if (argc == 0)
		return cmd_help(t, argc, argv, out);
	for (c = commands; c->name; c++)
		if (!strcmp(argv[0], c->name))
			return argc > MAX_ARGS ? usage(out, c->name) : c->fn(t, argc, argv, out);
	gdbstub_out_printf(out, "unknown command '%s'; try 'monitor help'\n", argv[0]);
	return 0;
}
