/* run.c - the one loop that runs the guest, with or without gdb.
 *
 * Each turn resumes the vCPU - through the gdb session when a stub is
 * listening (session.c), straight into vcpu_run() otherwise - and acts on
 * the stop record that comes back: the verdict at the final HLT, a crash
 * report, the time limit, a signal, or a stop for gdb. Without --gdb a
 * run is one call of vcpu_run() for the whole guest.
 */
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "kvm.h"
#include "modes.h"
#include "run.h"
#include "session.h"
#include "timer.h"
#include "util.h"
#include "vcpu.h"

/* One line saying what happened, then the registers a student needs to
 * find out why. */
static void report(struct run *r, const char *what)
{
	console_flush(r->con);
	pr_err("%s", what);
	vcpu_dump(r->vcpu, stderr);
}

/* Is a gdb attached to hear of this stop? */
static bool watched(struct run *r)
{
	return r->gdb && gdb_target_attached(r->gdb->t);
}

/* SIGINT, SIGTERM, SIGHUP: flush what the guest wrote and end; the
 * caller closes the stub (removing a Unix socket file). */
static int quit_on_signal(struct run *r)
{
	int sig = vcpu_quit_signal;

	console_flush(r->con);
	pr_err("stopped by %s", sig == SIGINT ? "SIGINT" : sig == SIGTERM ?
	       "SIGTERM" : "SIGHUP");
	return VMM_SIGNAL + sig;
}

static int on_kick(struct run *r)
{
	char what[160];
	int sig = vcpu_signal;

	vcpu_signal = 0;
	if (vcpu_quit_signal)
		return quit_on_signal(r);
	if (sig == SIGALRM) {
		snprintf(what, sizeof(what), "time limit: the guest ran for %g s without halting (--timeout); it was at:",
			 r->timeout);
		report(r, what);
		return VMM_TIMEOUT;
	}
	if (r->gdb)
		session_kicked(r->gdb);
	return -1;
}

/* The linear address gdb shows as the pc (modes.h), or 0. */
static unsigned long long linear_pc(const struct vcpu *vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (kvm_ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0 ||
	    kvm_ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return 0;
	return mode_linear_pc(&regs, &sregs);
}

static int on_halt(struct run *r, struct stop *stop)
{
	unsigned id;

	console_flush(r->con);
	if (!watched(r))
		return r->judge(r->ctx);
	r->halted = true;
	id = gdb_target_catch_hlt(r->gdb->t);
	if (id)
		snprintf(stop->note, sizeof(stop->note), "vmm: catch %u: HLT before 0x%llx: continuing ends the run\n",
			 id, linear_pc(r->vcpu));
	else
		snprintf(stop->note, sizeof(stop->note), "vmm: the guest halted (HLT before 0x%llx): continuing ends the run\n",
			 linear_pc(r->vcpu));
	session_report(r->gdb, stop);
	return -1;
}

static int on_crash(struct run *r, struct stop *stop)
{
	char what[320] = "KVM_RUN failed; the guest's last state:";

	if (stop->reason != STOP_ERROR) {
		strcpy(what, "guest crashed: ");
		vcpu_describe_exit(r->vcpu, what + strlen(what),
				   sizeof(what) - strlen(what));
	}
	report(r, what);
	if (!watched(r))
		return VMM_CRASH;
	r->crashed = true;
	snprintf(stop->note, sizeof(stop->note), "vmm: %s\n", what);
	session_report(r->gdb, stop);
	return -1;
}

/* What a stop means: vmm's exit status, or -1 to go on. */
static int on_stop(struct run *r, struct stop *stop)
{
	switch (stop->reason) {
	case STOP_HALT:
		return on_halt(r, stop);
	case STOP_KICK:
		return on_kick(r);
	case STOP_STEP:
		if (stop->stepped_hlt) {
			r->halted = true;
			console_flush(r->con);
			snprintf(stop->note, sizeof(stop->note),
				 "vmm: the guest executed HLT: continuing ends the run\n");
		}
		/* fall through */
	case STOP_SWBREAK:
	case STOP_HWBREAK:
	case STOP_WATCH:
		if (r->gdb)
			session_report(r->gdb, stop);
		return -1;
	case STOP_CATCH:	/* catchpoints die with the session */
		if (watched(r))
			session_report(r->gdb, stop);
		return -1;
	default:
		return on_crash(r, stop);
	}
}

/* gdb asked vmm to end (k), or a signal came while the guest was parked. */
static int on_quit(struct run *r)
{
	if (vcpu_quit_signal)
		return quit_on_signal(r);
	console_flush(r->con);
	pr_err("killed by gdb");
	return VMM_SIGNAL + SIGKILL;
}

int run_guest(struct run *r)
{
	struct stop stop = { 0 };
	enum gdb_req req;
	int status;

	if (timer_start(r->timeout) < 0)
		return VMM_SETUP;
	for (;;) {
		if (r->gdb) {
			timer_pause();	/* --timeout: run time, not parked */
			req = session_wait(r->gdb);
			timer_resume();
			if (req == GDB_REQ_QUIT)
				return on_quit(r);
			if ((r->halted || r->crashed) && !gdb_req_reverse(req))
				return session_finish(r->gdb, r->crashed ?
						      VMM_CRASH : r->judge(r->ctx));
			if (gdb_req_reverse(req))	/* back from the end */
				r->halted = r->crashed = false;
			session_resume(r->gdb, req, &stop);
		} else {
			vcpu_run(r->vcpu, &stop);
		}
		status = on_stop(r, &stop);
		if (status >= 0)
			return status;
	}
}
