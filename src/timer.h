/* timer.h - --timeout: a limit on the guest's run time, not on wall time.
 * A guest parked for gdb (at a breakpoint, waiting for gdb to attach, or
 * while the student types) is not running, and its clock stands still. */
#ifndef VMM_TIMER_H
#define VMM_TIMER_H

/* Give the guest seconds of run time (0: no limit) and start counting.
 * When they are used up, SIGALRM kicks the vCPU (vcpu_signal). -1 with a
 * message if the interval timer could not be set. */
int timer_start(double seconds);

/* The guest parks: stop counting, keep what is left. */
int timer_pause(void);

/* The guest runs again: count down what is left. */
int timer_resume(void);

#endif
