/* session.c - the vCPU thread's side of a gdb session.
 *
 * The stub thread (gdbserver.c) talks to gdb; this thread runs the guest.
 * They meet in gdb_target.c: this file parks there until gdb asks for a
 * continue or a step, runs the guest accordingly and hands each stop
 * back. Without a gdb attached the guest runs with no guest debug at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coalesced.h"
#include "console.h"
#include "gdb_target.h"
#include "gdbserver.h"
#include "kvm.h"
#include "session.h"
#include "util.h"
#include "vcpu.h"

static bool is_elf(const char *path)
{
	unsigned char magic[4];
	FILE *f = fopen(path, "rb");
	bool elf;

	if (!f)
		return false;
	elf = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "\x7f" "ELF", 4);
	fclose(f);
	return elf;
}

int session_start(struct session *s, const char *addr, bool wait,
		  const char *sym, bool i8086_hint, struct vm *vm,
		  struct vcpu *vcpu, struct console *con)
{
	s->t = calloc(1, sizeof(*s->t));
	if (!s->t || gdb_target_init(s->t, vm, vcpu, con) < 0)
		return -1;
	/* An exec stop event makes gdb load the file again: an ELF, by its
	 * absolute path; a flat binary gets no such event. */
	if (!is_elf(sym) || !realpath(sym, s->t->exec_file))
		s->t->exec_file[0] = '\0';
	s->server = gdbserver_open(addr, s->t);
	if (!s->server || gdbserver_start(s->server) < 0)
		return -1;
	/* gdb prefers an ELF32's own architecture, i386, to the target
	 * description's i8086 (BFD ranks i386 higher): for real mode with an
	 * ELF32, say it explicitly. gdb still follows the guest's later mode
	 * switches (measured, doc/boot.md). */
	pr_err("%s for gdb: gdb %s%s -ex '%s'", wait ? "waiting" : "listening",
	       sym, i8086_hint ? " -ex 'set architecture i8086'" : "",
	       gdbserver_target_cmd(s->server));
	if (!wait)
		s->t->req = GDB_REQ_CONT;	/* run until gdb attaches */
	return 0;
}

void session_close(struct session *s)
{
	if (s->t)
		gdb_target_gone(s->t);
	gdbserver_close(s->server);
	s->server = NULL;
	if (s->t) {
		gdb_target_free(s->t);
		free(s->t);
	}
	s->t = NULL;
}

enum gdb_req session_wait(struct session *s)
{
	return gdb_target_wait(s->t);
}

enum stop_reason session_resume(struct session *s, enum gdb_req req,
				struct stop *stop)
{
	vcpu_exits_mark(s->t->vcpu);	/* monitor exits: "since the last stop" */
	/* issue 17: every OUT exits while a catchpoint or the trace needs it. */
	coalesced_hold(s->t->vcpu->coalesced, COALESCED_HOLD_CATCH,
		       gdb_target_catches_out(s->t, CONSOLE_PORT));
	coalesced_hold(s->t->vcpu->coalesced, COALESCED_HOLD_TRACE, kvm_tracing);
	stop->history_begin = false;
	if (gdb_target_attached(s->t)) {
		s->debugging = true;
		/* record.c: forward or back, or debug_resume() if off */
		return record_resume(&s->t->rec, req == GDB_REQ_RSTEP ||
				     req == GDB_REQ_RCONT, req == GDB_REQ_STEP ||
				     req == GDB_REQ_RSTEP, stop);
	}
	record_detached(&s->t->rec);	/* no gdb: the history ends */
	/* No gdb: run exactly as without a stub. */
	if (s->debugging && debug_disable(&s->t->dbg) < 0)
		return stop->reason = STOP_ERROR;
	s->debugging = false;
	return vcpu_run(s->t->vcpu, stop);
}

void session_report(struct session *s, const struct stop *stop)
{
	gdb_target_stop(s->t, stop);
}

bool session_kicked(struct session *s)
{
	struct stop stop = { .reason = STOP_INTERRUPT };

	if (!gdb_target_wants_stop(s->t))
		return false;
	if (!gdb_target_attached(s->t))
		stop.reason = STOP_ATTACH;
	gdb_target_stop(s->t, &stop);
	return true;
}

int session_finish(struct session *s, int status)
{
	struct stop stop = { .reason = STOP_EXITED, .status = status };

	snprintf(stop.note, sizeof(stop.note),
		 "vmm: the guest's run is over; vmm exits with status %d\n", status);
	gdb_target_stop(s->t, &stop);
	gdb_target_wait_final(s->t);
	return status;
}
