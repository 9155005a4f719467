/* main.c - vmm's command line. Parsing and wiring only: the work is in
 * machine.c and the files it calls. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "config.h"
#include "gdbserver.h"
#include "kvm.h"
#include "machine.h"
#include "util.h"
#include "vm.h"

static const char usage_text[] =
"Usage: vmm [OPTIONS] [GUEST]\n"
"Run GUEST (an x86 ELF file or a flat binary) on KVM; without GUEST, run the\n"
"built-in hello guest for the mode. The guest's port 0xE9 bytes go to stdout.\n"
"\n"
"Modes (default: the one the guest's ELF \"vmm\" note declares; else long for\n"
"a 64-bit ELF or a flat binary, protected for a 32-bit ELF):\n"
"  -l, --long            64-bit long mode, 4-level paging, 2 MiB pages\n"
"  -s, --protected       flat 32-bit protected mode, no paging\n"
"  -p, --paged           32-bit paging with a 4 MiB (PSE) page\n"
"  -r, --real            16-bit real mode\n"
"      --mode=MODE       real, protected, paged, pae or long\n"
"\n"
"Guest:\n"
"  -m, --memory=SIZE     guest RAM, 1M to 1G in 4 KiB steps (default 2M)\n"
"      --load-addr=ADDR  where a flat binary goes (default 0; not for ELF files)\n"
"      --entry=ADDR      where the guest starts (default: an ELF file's entry\n"
"                        point, a flat binary's load address)\n"
"      --expect=ADDR=VALUE, --expect=acc=VALUE\n"
"                        check a word of guest memory, or the accumulator,\n"
"                        when the guest halts (repeatable)\n"
"      --timeout=SECONDS stop a guest that has not halted after SECONDS of\n"
"                        running (time stopped in gdb does not count)\n"
"      --cpuid           give the vCPU KVM's CPUID even if the guest's code\n"
"                        has no CPUID, WRMSR or mov-to-CR instruction\n"
"      --walk=GVA[,GVA]  at the halt, show how each guest-virtual address\n"
"                        translates through the guest's page tables, down\n"
"                        to the host-physical address\n"
"      --trace[=all][,FILE]\n"
"                        every KVM ioctl and exit, decoded, on stderr or in\n"
"                        FILE; repeated identical exits folded unless all\n"
"      --no-coalesce     one VM exit per OUT to port 0xE9, even where KVM\n"
"                        could keep them in its coalesced ring\n"
"\n"
"Debugging:\n"
"      --gdb[=ADDR]      serve the GDB remote protocol on ADDR: tcp:HOST:PORT,\n"
"                        HOST:PORT, :PORT, PORT or unix:PATH\n"
"                        (default 127.0.0.1:1234)\n"
"      --wait-gdb        freeze before the first instruction until gdb\n"
"                        attaches (implies --gdb)\n"
"\n"
"Other:\n"
"  -v, --verbose         say what the host can do and what vmm chose\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n"
"\n"
"Exit status: 0 the guest halted and its checks passed; 1 a check failed;\n"
"2 usage error; 3 the guest crashed; 4 --timeout ran out; 5 vmm could not\n"
"start the guest; 128+N stopped by signal N (137: killed from gdb).\n"
"Symbol files for the built-in guests: " PKGDATADIR "/hello{16,32,64}.elf\n";

enum {
	OPT_MODE = 256, OPT_LOAD_ADDR, OPT_ENTRY, OPT_EXPECT, OPT_TIMEOUT,
	OPT_WALK, OPT_GDB, OPT_WAIT_GDB, OPT_CPUID, OPT_TRACE, OPT_NO_COALESCE,
};

static const struct option long_opts[] = {
	{ "long",	no_argument,		NULL, 'l' },
	{ "protected",	no_argument,		NULL, 's' },
	{ "paged",	no_argument,		NULL, 'p' },
	{ "real",	no_argument,		NULL, 'r' },
	{ "mode",	required_argument,	NULL, OPT_MODE },
	{ "memory",	required_argument,	NULL, 'm' },
	{ "load-addr",	required_argument,	NULL, OPT_LOAD_ADDR },
	{ "entry",	required_argument,	NULL, OPT_ENTRY },
	{ "expect",	required_argument,	NULL, OPT_EXPECT },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "walk",	required_argument,	NULL, OPT_WALK },
	{ "gdb",	optional_argument,	NULL, OPT_GDB },
	{ "wait-gdb",	no_argument,		NULL, OPT_WAIT_GDB },
	{ "cpuid",	no_argument,		NULL, OPT_CPUID },
	{ "no-coalesce", no_argument,		NULL, OPT_NO_COALESCE },
	{ "trace",	optional_argument,	NULL, OPT_TRACE },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vmm --help' for more information.\n");
	return VMM_USAGE;
}

static int set_mode(struct vmm_options *o, enum cpu_mode mode, const char *flag)
{
	if (o->mode_given && o->mode != mode)
		return usage_error("%s: only one mode at a time", flag);
	o->mode = mode;
	o->mode_given = true;
	return 0;
}

static int parse_memory(struct vmm_options *o, const char *arg)
{
	uint64_t size;

	if (!parse_size(arg, &size))
		return usage_error("--memory=%s: not a size (try 2M, 64M, 1G)", arg);
	if (size < VM_RAM_MIN || size > VM_RAM_MAX)
		return usage_error("--memory=%s: guest RAM must be from 1M to 1G", arg);
	if (size % 4096)
		return usage_error("--memory=%s: guest RAM must be a multiple of 4 KiB", arg);
	o->ram_size = size;
	return 0;
}

static int parse_timeout(struct vmm_options *o, const char *arg)
{
	char *end;

	o->timeout = strtod(arg, &end);
	if (end == arg || *end || !(o->timeout > 0) || o->timeout > 1e6)
		return usage_error("--timeout=%s: not a number of seconds above 0", arg);
	return 0;
}

/* --walk=GVA[,GVA...]: checked here so a typo is a usage error, not a
 * silent skip after the guest has run. */
static int parse_walk(struct vmm_options *o, const char *arg)
{
	char tok[64];
	uint64_t v;
	const char *p = arg;
	size_t len;

	do {
		len = strcspn(p, ",");
		if (len == 0 || len >= sizeof(tok))
			return usage_error("--walk=%s: give addresses like 0x400,0x1000", arg);
		memcpy(tok, p, len);
		tok[len] = '\0';
		if (!parse_u64(tok, &v))
			return usage_error("--walk=%s: '%s' is not an address", arg, tok);
		if (o->nwalk == VMM_MAX_WALK)
			return usage_error("--walk=%s: at most %d addresses", arg, VMM_MAX_WALK);
		o->walk[o->nwalk++] = v;
		p += len;
	} while (*p++ == ',');
	return 0;
}

/* sockaddr_un.sun_path holds the path and its NUL (unix(7)). */
#define UNIX_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

/* --gdb=ADDR: the syntax is checked here, so a typo is a usage error
 * (exit 2) like any other bad argument; gdbserver.c resolves and binds. */
static int parse_gdb(struct vmm_options *o, const char *arg)
{
	const char *addr = arg, *port;
	char *end;
	long p;

	if (!arg || !*arg) {
		o->gdb = GDBSERVER_DEFAULT;
		return 0;
	}
	if (!strncmp(arg, "unix:", 5)) {
		if (!arg[5] || strlen(arg + 5) > UNIX_PATH_MAX)
			return usage_error("--gdb=%s: a socket path needs 1 to %zu characters",
					   arg, UNIX_PATH_MAX);
		o->gdb = arg;
		return 0;
	}
	if (!strncmp(addr, "tcp:", 4))
		addr += 4;
	port = strrchr(addr, ':') ? strrchr(addr, ':') + 1 : addr;
	errno = 0;
	p = strtol(port, &end, 10);
	if (!*port || *end || *port == '-' || *port == '+' || errno || p > 65535)
		return usage_error("--gdb=%s: '%s' is not a port number (0 to 65535); give tcp:HOST:PORT, HOST:PORT, :PORT, PORT or unix:PATH",
				   arg, port);
	o->gdb = arg;
	return 0;
}

static int parse_option(struct vmm_options *o, int c, const char *arg)
{
	enum cpu_mode mode;
	char err[200];

	switch (c) {
	case 'l': return set_mode(o, CPU_MODE_LONG, "-l");
	case 's': return set_mode(o, CPU_MODE_PROT, "-s");
	case 'p': return set_mode(o, CPU_MODE_PAGED, "-p");
	case 'r': return set_mode(o, CPU_MODE_REAL, "-r");
	case OPT_MODE:
		if (!mode_from_name(arg, &mode))
			return usage_error("--mode=%s: unknown mode (real, protected, paged, pae, long)", arg);
		return set_mode(o, mode, "--mode");
	case 'm': return parse_memory(o, arg);
	case OPT_LOAD_ADDR:
		o->have_load_addr = true;
		return parse_u64(arg, &o->load_addr) ? 0 :
			usage_error("--load-addr=%s: not an address", arg);
	case OPT_ENTRY:
		o->have_entry = true;
		return parse_u64(arg, &o->entry) ? 0 :
			usage_error("--entry=%s: not an address", arg);
	case OPT_EXPECT:
		if (expect_parse(&o->expect, arg, err, sizeof(err)))
			return 0;
		fprintf(stderr, "vmm: --expect: %s\n", err);
		return usage_error("--expect=%s: use ADDR=VALUE or acc=VALUE", arg);
	case OPT_TIMEOUT: return parse_timeout(o, arg);
	case OPT_WALK: return parse_walk(o, arg);
	case OPT_GDB: return parse_gdb(o, arg);
	case OPT_WAIT_GDB:
		o->wait_gdb = true;
		return 0;
	case OPT_CPUID:
		o->cpuid = true;
		return 0;
	case OPT_NO_COALESCE:
		o->no_coalesce = true;
		return 0;
	case OPT_TRACE:
		o->trace = arg ? arg : "";
		return kvm_trace_spec_ok(o->trace) ? 0 :
			usage_error("--trace=%s: give all, a file name, or all,FILE", arg);
	case 'v': log_verbose = 1; return 0;
	case 'h':
		fputs(usage_text, stdout);
		exit(VMM_OK);
	case 'V':
		printf("vmm %s\n", PACKAGE_VERSION);
		exit(VMM_OK);
	case ':':
		return usage_error("option '%s' needs an argument", arg);
	default:
		return usage_error("unknown option '%s'", arg);
	}
}

int main(int argc, char **argv)
{
	struct vmm_options opts = { .ram_size = VM_RAM_DEFAULT };
	int c, err;

	opterr = 0;	/* our own messages, prefixed "vmm:" */
	while ((c = getopt_long(argc, argv, ":lsprm:vhV", long_opts, NULL)) != -1) {
		err = parse_option(&opts, c, c == '?' || c == ':' ?
				   argv[optind - 1] : optarg);
		if (err)
			return err;
	}
	if (optind < argc)
		opts.guest_path = argv[optind++];
	if (optind < argc)
		return usage_error("unexpected argument '%s': one guest at a time", argv[optind]);
	if (opts.wait_gdb && !opts.gdb)
		opts.gdb = GDBSERVER_DEFAULT;
	return machine_run(&opts);
}
