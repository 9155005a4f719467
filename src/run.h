/* run.h - the one loop that runs the guest, with or without gdb. */
#ifndef VMM_RUN_H
#define VMM_RUN_H

#include <stdbool.h>

struct vcpu;
struct console;
struct session;

struct run {
	struct vcpu *vcpu;
	struct console *con;
	struct session *gdb;		/* --gdb: the session, or NULL */
	double timeout;			/* --timeout seconds; 0: none */
	int (*judge)(void *ctx);	/* the guest halted: vmm's status */
	void *ctx;
	bool halted;			/* under gdb: the guest ran its HLT */
	bool crashed;			/* under gdb: it cannot run on */
};

/* Run until the guest halts, crashes, runs out of time, a signal ends
 * vmm or gdb kills it; returns vmm's exit status (util.h). */
int run_guest(struct run *r);

#endif
