/* gdb_target.h - the VM as a gdbstub target, and the hand-over between the
 * vCPU thread (which runs the guest) and the stub thread (which talks to
 * gdb). gdb_target.c, monitor.c and gdbserver.c are the files of src/
 * that include gdbstub.h; the rest of vmm knows nothing of the protocol. */
#ifndef VMM_GDB_TARGET_H
#define VMM_GDB_TARGET_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>

#include "debug.h"
#include "modes.h"
#include "record.h"
#include "stop.h"

struct vm;
struct vcpu;
struct gdbstub;
struct gdbstub_target_ops;

/* What the stub thread asks the vCPU thread to do. */
enum gdb_req {
	GDB_REQ_NONE,		/* stay stopped */
	GDB_REQ_CONT,		/* run until a breakpoint or other stop */
	GDB_REQ_STEP,		/* one instruction */
	GDB_REQ_RSTEP,		/* bs: one instruction back (record.c) */
	GDB_REQ_RCONT,		/* bc: back to the last breakpoint hit */
	GDB_REQ_QUIT,		/* end vmm (gdb's kill, or a signal) */
};

/* monitor catch: stop after matching port I/O, or at HLT. */
struct catchpoint {
	unsigned id;		/* as catch list shows it */
	bool hlt;		/* catch hlt; else port I/O */
	uint16_t lo, hi;	/* ports */
	bool in, out;		/* directions */
};

#define GDB_MAX_CATCH 64
#define GDB_CONBUF 4096

struct gdb_target {
	struct vm *vm;
	struct vcpu *vcpu;
	struct debug dbg;
	struct record rec;		/* reverse execution's history */
	bool local;			/* stub on loopback or a Unix socket:
					 * host addresses may be shown */

	pthread_mutex_t lock;		/* guards everything below */
	pthread_cond_t cond;		/* any change of the below */
	bool stopped;			/* the vCPU thread is parked */
	enum gdb_req req;		/* what gdb asked for */
	bool attached;			/* a gdb is connected */
	bool want_stop;			/* attach or ^C wants the vCPU parked */
	bool stop_ready;		/* a stop for the stub thread */
	struct stop stop;		/* ... and what it is */
	bool final_sent;		/* the W reply went out */
	bool gone;			/* the vCPU thread left its loop */
	int wake_fd;			/* eventfd: a stop is ready */
	pthread_t vcpu_thread;
	char conbuf[GDB_CONBUF];	/* console bytes waiting for gdb */
	size_t conlen;

	/* Catchpoints: changed by monitor commands while the vCPU is
	 * parked, read by the vCPU thread while it runs. */
	struct catchpoint catches[GDB_MAX_CATCH];
	unsigned ncatch, next_catch;
	bool console_gdb;		/* monitor console gdb */
	struct console *con;		/* to switch the mirror */
	char exec_file[4096];		/* the guest's ELF, absolute; or "" */

	/* The CPU mode at the last stop gdb was told of (stub thread). */
	struct mode_bits { bool pe, lma, l, db; } told;
	bool told_valid;

	/* The guest's registers while stopped (stub thread only). */
	bool have_regs;
	bool have_fpu;			/* fpu too (only when gdb asks) */
	bool dirty_regs, dirty_sregs, dirty_fpu;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
};

struct console;

/* bs or bc: the guest goes back in its recorded history (record.c). */
static inline bool gdb_req_reverse(enum gdb_req req)
{
	return req == GDB_REQ_RSTEP || req == GDB_REQ_RCONT;
}

int gdb_target_init(struct gdb_target *t, struct vm *vm, struct vcpu *vcpu,
		    struct console *con);
void gdb_target_free(struct gdb_target *t);

/* vCPU thread: park until gdb asks for something; returns the request.
 * Returns GDB_REQ_QUIT when SIGINT or SIGTERM arrives while parked. */
enum gdb_req gdb_target_wait(struct gdb_target *t);
/* vCPU thread: the guest stopped; tell gdb (stop->note goes to its
 * console first). */
void gdb_target_stop(struct gdb_target *t, const struct stop *stop);
/* vCPU thread: is a gdb connected? Did an attach or a ^C ask for the
 * guest to be parked? */
bool gdb_target_attached(struct gdb_target *t);
bool gdb_target_wants_stop(struct gdb_target *t);
/* vCPU thread: is there a catch hlt? Its id, or 0. */
unsigned gdb_target_catch_hlt(struct gdb_target *t);
/* vCPU thread: does a catchpoint want each OUT to port? (issue 17) */
bool gdb_target_catches_out(struct gdb_target *t, uint16_t port);
/* monitor console gdb|stdout: mirror port 0xE9 bytes to gdb. */
void gdb_target_console(struct gdb_target *t, bool to_gdb);
/* vCPU thread: it will run no more (vmm is ending); nobody may wait for
 * it to park. */
void gdb_target_gone(struct gdb_target *t);
/* vCPU thread: after STOP_EXITED, wait (briefly) until gdb got it. */
void gdb_target_wait_final(struct gdb_target *t);

struct mmu_paging;
/* The paging state gdb's addresses go through: the guest's own tables,
 * segments flat (gdb's addresses are linear). Registers loaded. */
void gdb_target_paging(struct gdb_target *t, struct mmu_paging *pg);

/* Stub thread: the ops the stub calls, and the glue around a session. */
extern const struct gdbstub_target_ops gdb_target_ops;
const struct gdb_layout *gdb_target_layout(void *ctx);
/* A gdb connected: park the vCPU (stopping a running guest), mark
 * attached. Returns once parked. */
void gdb_target_attach(struct gdb_target *t);
/* The connection ended. vanished (no D or k): the guest is parked
 * (stopped if gdb died while it ran) and the session's breakpoints
 * forgotten; after D it runs on. false if the run was over anyway (gdb
 * got its W). */
bool gdb_target_disconnect(struct gdb_target *t, bool vanished);
/* The wake_fd fired: hand a ready stop to the stub. */
void gdb_target_deliver(struct gdb_target *t, struct gdbstub *stub);

#endif
