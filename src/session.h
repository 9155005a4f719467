/* session.h - a gdb session as the vCPU thread sees it: start the stub,
 * resume the guest the way gdb asked, tell gdb of each stop. */
#ifndef VMM_SESSION_H
#define VMM_SESSION_H

#include <stdbool.h>

#include "gdb_target.h"
#include "stop.h"

struct vm;
struct vcpu;
struct console;
struct gdbserver;

struct session {
	struct gdb_target *t;		/* the debugger's view of the VM */
	struct gdbserver *server;	/* the socket and the stub thread */
	bool debugging;			/* guest debug is on: gdb attached */
};

/* --gdb ADDR: open the stub and print how to connect (sym: the symbol
 * file for gdb; i8086_hint: real mode with an ELF32, which gdb would
 * disassemble as 32-bit code). wait: freeze until gdb attaches
 * (--wait-gdb). */
int session_start(struct session *s, const char *addr, bool wait,
		  const char *sym, bool i8086_hint, struct vm *vm,
		  struct vcpu *vcpu, struct console *con);
void session_close(struct session *s);

/* Park until gdb asks for something; GDB_REQ_QUIT when vmm must end. */
enum gdb_req session_wait(struct session *s);
/* Run the guest as req asks: through the debug layer while a gdb is
 * attached, else exactly as without a stub. */
enum stop_reason session_resume(struct session *s, enum gdb_req req,
				struct stop *stop);
/* Park the guest and hand the stop to the stub thread for gdb. */
void session_report(struct session *s, const struct stop *stop);
/* A signal kicked the vCPU: if an attach or ^C asked for it, park the
 * guest and tell the stub (true). */
bool session_kicked(struct session *s);
/* The run is over while gdb watches: the W reply, then vmm's status. */
int session_finish(struct session *s, int status);

#endif
