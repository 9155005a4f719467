/* monitor.c - "monitor CMD" in gdb: what a student asks of the machine
 * beyond registers and memory. One table; each command prints its own
 * "usage:" line when its arguments are wrong. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gdb_target.h"
#include "gdbstub.h"
#include "mmu.h"
#include "monitor.h"
#include "util.h"
#include "vm.h"

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

struct bit_name {
	unsigned bit;
	const char *name;
};

static void print_bits(struct gdbstub_out *out, const char *reg, uint64_t v,
		       const struct bit_name *names, size_t n)
{
	char line[256];
	size_t i, len;

	len = snprintf(line, sizeof(line), "%-4s 0x%llx [", reg, (unsigned long long)v);
	for (i = 0; i < n && len < sizeof(line); i++)
		if (v & (1ULL << names[i].bit))
			len += snprintf(line + len, sizeof(line) - len, " %s", names[i].name);
	gdbstub_out_printf(out, "%s ]\n", line);
}

static const struct bit_name cr0_bits[] = {
	{ 0, "PE" }, { 1, "MP" }, { 2, "EM" }, { 3, "TS" }, { 4, "ET" },
	{ 5, "NE" }, { 16, "WP" }, { 18, "AM" }, { 29, "NW" }, { 30, "CD" },
	{ 31, "PG" },
};
static const struct bit_name cr4_bits[] = {
	{ 0, "VME" }, { 1, "PVI" }, { 2, "TSD" }, { 3, "DE" }, { 4, "PSE" },
	{ 5, "PAE" }, { 6, "MCE" }, { 7, "PGE" }, { 8, "PCE" },
	{ 9, "OSFXSR" }, { 10, "OSXMMEXCPT" }, { 11, "UMIP" }, { 12, "LA57" },
	{ 16, "FSGSBASE" }, { 17, "PCIDE" }, { 18, "OSXSAVE" }, { 20, "SMEP" },
	{ 21, "SMAP" }, { 22, "PKE" },
};
static const struct bit_name efer_bits[] = {
	{ 0, "SCE" }, { 8, "LME" }, { 10, "LMA" }, { 11, "NXE" },
};

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
	print_bits(out, "cr0", s->cr0, cr0_bits, sizeof(cr0_bits) / sizeof(cr0_bits[0]));
	gdbstub_out_printf(out, "cr2  0x%llx\ncr3  0x%llx\n",
			   (unsigned long long)s->cr2, (unsigned long long)s->cr3);
	print_bits(out, "cr4", s->cr4, cr4_bits, sizeof(cr4_bits) / sizeof(cr4_bits[0]));
	gdbstub_out_printf(out, "cr8  0x%llx\n", (unsigned long long)s->cr8);
	print_bits(out, "efer", s->efer, efer_bits, sizeof(efer_bits) / sizeof(efer_bits[0]));
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
	char text[2048];
	uint64_t gva;
	size_t i;

	if (argc < 2 || argc > 3 || !parse_u64(argv[1], &gva))
		return usage(out, "walk");
	if (argc == 3) {
		for (i = 0; i < 3 && strcmp(argv[2], kinds[i].name); i++)
			;
		if (i == 3)
			return usage(out, "walk");
		acc = kinds[i].acc;
	}
	gdb_target_paging(t, &pg);
	mmu_translate(&pg, gva, acc, vm_read_phys, t->vm, &w);
	/* The host address only for a local debugger: over a network it
	 * would hand out vmm's memory layout (an ASLR leak). */
	mmu_format(&w, t->local && w.fault == MMU_OK ? vm_gpa(t->vm, w.gpa, 1) : NULL,
		   text, sizeof(text));
	gdbstub_out_printf(out, "%s\n", text);
	return 0;
}

static int cmd_xp(struct gdb_target *t, int argc, char **argv,
		  struct gdbstub_out *out)
{
	uint64_t gpa, len = 16, i;
	const uint8_t *p;
	char line[128];
	size_t n = 0;

	if (argc < 2 || argc > 3 || !parse_u64(argv[1], &gpa) ||
	    (argc == 3 && (!parse_u64(argv[2], &len) || len == 0 || len > 4096)))
		return usage(out, "xp");
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
		gdbstub_out_printf(out, "no catchpoint %u\n", (unsigned)id);
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

/* A run of pages mapped alike, for monitor mem. */
struct map_run {
	uint64_t va, pa, len, page;
	bool w, u, nx;
	bool valid;
};

static void print_run(struct gdbstub_out *out, const struct map_run *r)
{
	const char *unit = r->page >= (1ULL << 30) ? "GiB" :
			   r->page >= (1ULL << 20) ? "MiB" : "KiB";
	unsigned shift = r->page >= (1ULL << 30) ? 30 : r->page >= (1ULL << 20) ? 20 : 10;

	gdbstub_out_printf(out, "0x%llx-0x%llx -> 0x%llx-0x%llx  %llu %s pages x%llu  R%s%s%s\n",
			   (unsigned long long)r->va, (unsigned long long)(r->va + r->len - 1),
			   (unsigned long long)r->pa, (unsigned long long)(r->pa + r->len - 1),
			   (unsigned long long)(r->page >> shift), unit,
			   (unsigned long long)(r->len / r->page),
			   r->w ? " W" : "", r->u ? " U" : "", r->nx ? " NX" : "");
}

/* How much address space the level of a not-present entry covers. */
static uint64_t level_span(const struct mmu_walk *w)
{
	unsigned level = w->fault_level ? w->fault_level : 1;
	unsigned bits = w->mode == MMU_MODE_PAGING32 ? 12 + 10 * (level - 1) :
			12 + 9 * (level - 1);

	return bits >= 64 ? 0 : 1ULL << bits;
}

static int cmd_mem(struct gdb_target *t, int argc, char **argv,
		   struct gdbstub_out *out)
{
	struct map_run run = { 0 };
	struct mmu_paging pg;
	struct mmu_walk w;
	uint64_t va = 0, end, step;
	unsigned iter = 0, shown = 0;
	enum mmu_mode mode;

	if (argc != 1)
		return usage(out, "mem");
	gdb_target_paging(t, &pg);
	mode = mmu_mode(&pg);
	if (mode == MMU_MODE_REAL || mode == MMU_MODE_PROTECTED) {
		gdbstub_out_printf(out, "%s: no paging; linear addresses are physical: 0x0-0x%llx is RAM\n",
				   mmu_mode_name(mode), (unsigned long long)(t->vm->ram_size - 1));
		return 0;
	}
	end = mode == MMU_MODE_LONG4 ? 1ULL << 47 : mode == MMU_MODE_LONG5 ? 1ULL << 56 : 1ULL << 32;
	gdbstub_out_printf(out, "%s, CR3 0x%llx (lower half)\n", mmu_mode_name(mode),
			   (unsigned long long)t->sregs.cr3);
	while (va < end && iter++ < 200000 && shown < 256) {
		mmu_translate(&pg, va, MMU_ACC_READ, vm_read_phys, t->vm, &w);
		if (!w.have_gpa) {
			step = level_span(&w);
			if (!step)
				break;
			va = (va & ~(step - 1)) + step;
			continue;
		}
		step = w.page_size;
		if (run.valid && run.va + run.len == va && run.pa + run.len == w.gpa &&
		    run.page == step && run.w == w.writable && run.u == w.user &&
		    run.nx == w.nx) {
			run.len += step;
		} else {
			if (run.valid) {
				print_run(out, &run);
				shown++;
			}
			run = (struct map_run){ va, w.gpa, step, step, w.writable,
						w.user, w.nx, true };
		}
		va += step;
	}
	if (run.valid)
		print_run(out, &run);
	else
		gdbstub_out_printf(out, "nothing mapped\n");
	if (iter >= 200000 || shown >= 256)
		gdbstub_out_printf(out, "(stopped early: too many mappings to list)\n");
	return 0;
}

static const struct monitor_cmd commands[] = {
	{ "help", "", "this list", cmd_help },
	{ "regs", "", "segments, GDTR/IDTR, control registers, decoded", cmd_regs },
	{ "mode", "", "the CPU mode (real, protected, paging) and CPL", cmd_mode },
	{ "walk", "GVA [read|write|exec]", "translate GVA through the guest's page tables, level by level", cmd_walk },
	{ "xp", "GPA [LEN]", "guest-physical memory, bypassing the page tables (LEN <= 4096)", cmd_xp },
	{ "mem", "", "the guest's mappings: virtual -> physical ranges, page size, R/W/U/NX", cmd_mem },
	{ "catch", "io PORT[-PORT] [in|out|both] | hlt | list | delete N", "stop after port I/O (or at HLT), naming the port and data", cmd_catch },
	{ "console", "[gdb|stdout]", "mirror port 0xe9 output into gdb's console, or not", cmd_console },
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
