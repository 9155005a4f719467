/* gdb_target.h - the VM as a gdbstub target, and the hand-over between the
 * vCPU thread (which runs the guest) and the stub thread (which talks to
 * gdb). The only file in src/ that includes gdbstub.h is gdb_target.c. */
#ifndef VMM_GDB_TARGET_H
#define VMM_GDB_TARGET_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>

#include "debug.h"
#include "modes.h"

struct vm;
struct vcpu;
struct gdbstub;
struct gdbstub_target_ops;

/* What the stub thread asks the vCPU thread to do. */
enum gdb_req {
	GDB_REQ_NONE,		/* stay stopped */
	GDB_REQ_CONT,		/* run until a breakpoint or other stop */
	GDB_REQ_STEP,		/* one instruction */
	GDB_REQ_QUIT,		/* end vmm with final_status (gdb's kill) */
};

/* Why the vCPU thread stopped, for the stop reply. */
enum gdb_stop_kind {
	GDB_STOP_TRAP,		/* plain SIGTRAP (attach, HLT) */
	GDB_STOP_STEP,
	GDB_STOP_INTERRUPT,	/* ^C */
	GDB_STOP_SWBREAK,
	GDB_STOP_HWBREAK,
	GDB_STOP_CRASH,		/* SIGSEGV: the guest crashed */
	GDB_STOP_EXITED,	/* the run is over: W status */
};

struct gdb_target {
	struct vm *vm;
	struct vcpu *vcpu;
	struct debug dbg;
	bool local;			/* stub on loopback or a Unix socket:
					 * host addresses may be shown */

	pthread_mutex_t lock;		/* guards everything below */
	pthread_cond_t cond;		/* any change of the below */
	bool stopped;			/* the vCPU thread is parked */
	enum gdb_req req;		/* what gdb asked for */
	bool attached;			/* a gdb is connected */
	bool want_stop;			/* attach or ^C wants the vCPU parked */
	bool stop_ready;		/* a stop for the stub thread */
	enum gdb_stop_kind stop_kind;
	int exit_status;		/* GDB_STOP_EXITED: vmm's status */
	char console[512];		/* said to gdb (O packets) at the stop */
	bool final_sent;		/* the W reply went out */
	int wake_fd;			/* eventfd: a stop is ready */
	pthread_t vcpu_thread;

	/* The guest's registers while stopped (stub thread only). */
	bool have_regs;
	bool dirty_regs, dirty_sregs, dirty_fpu;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
};

int gdb_target_init(struct gdb_target *t, struct vm *vm, struct vcpu *vcpu);
void gdb_target_free(struct gdb_target *t);

/* vCPU thread: park until gdb asks for something; returns the request.
 * Returns GDB_REQ_QUIT when SIGINT or SIGTERM arrives while parked. */
enum gdb_req gdb_target_wait(struct gdb_target *t);
/* vCPU thread: the guest stopped; tell gdb (printf-style console note). */
void gdb_target_stop(struct gdb_target *t, enum gdb_stop_kind kind,
		     int exit_status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* vCPU thread: after GDB_STOP_EXITED, wait (briefly) until gdb got it. */
void gdb_target_wait_final(struct gdb_target *t);

/* Stub thread: the ops the stub calls, and the glue around a session. */
extern const struct gdbstub_target_ops gdb_target_ops;
const struct gdb_layout *gdb_target_layout(void *ctx);
/* A gdb connected: park the vCPU (stopping a running guest), mark
 * attached. Returns once parked. */
void gdb_target_attach(struct gdb_target *t);
/* The connection ended without D: the guest stays parked. */
void gdb_target_disconnect(struct gdb_target *t);
/* The wake_fd fired: hand a ready stop to the stub. */
void gdb_target_deliver(struct gdb_target *t, struct gdbstub *stub);

#endif
