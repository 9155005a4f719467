/* machine.h - one guest run, start to finish: what main() hands over. */
#ifndef VMM_MACHINE_H
#define VMM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "expect.h"
#include "modes.h"

#define VMM_MAX_WALK 16

struct vmm_options {
	const char *guest_path;		/* NULL: the embedded hello guest */
	enum cpu_mode mode;		/* valid if mode_given */
	bool mode_given;		/* -l -s -p -r --mode */
	uint64_t ram_size;		/* --memory */
	uint64_t load_addr;		/* --load-addr (flat binaries) */
	bool have_load_addr;
	uint64_t entry;			/* --entry (flat binaries) */
	bool have_entry;
	struct expect_list expect;	/* --expect */
	uint64_t walk[VMM_MAX_WALK];	/* --walk=GVA[,GVA...] */
	unsigned nwalk;
	double timeout;			/* --timeout seconds; 0: none */
	const char *gdb;		/* --gdb address, or NULL: no stub */
	bool wait_gdb;			/* --wait-gdb: freeze until gdb attaches */
	bool cpuid;			/* --cpuid: give CPUID whatever the guest */
	bool no_coalesce;		/* --no-coalesce: an exit per 0xE9 OUT */
	const char *trace;		/* --trace[=all][,FILE]; NULL: off */
};

/* Build the VM, load the guest, run it; returns vmm's exit status. */
int machine_run(const struct vmm_options *opts);

#endif
