/* timer.c - --timeout counts the guest's run time only.
 *
 * ITIMER_REAL (setitimer(2)) sends SIGALRM when it runs out, which kicks
 * the vCPU out of KVM_RUN (vcpu.c). Pausing disarms it and keeps the time
 * it had left, which setitimer() hands back as the old value; resuming
 * arms it with that. So the limit spans only the stretches the guest ran,
 * and a guest stopped in gdb for minutes is not "timed out" the moment it
 * continues. One timer per process: vmm runs one guest.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/time.h>

#include "timer.h"
#include "util.h"

static struct {
	bool limited;		/* a --timeout was given */
	bool counting;		/* the itimer is armed */
	struct timeval left;	/* run time left while paused */
} timer;

static int set(const struct timeval *value, struct itimerval *old)
{
	struct itimerval it = { .it_value = *value };

	if (setitimer(ITIMER_REAL, &it, old) < 0) {
		pr_err("setitimer (--timeout): %m");
		return -1;
	}
	return 0;
}

int timer_start(double seconds)
{
	if (seconds <= 0)
		return 0;
	timer.limited = true;
	timer.counting = false;
	timer.left.tv_sec = (time_t)seconds;
	timer.left.tv_usec = (suseconds_t)((seconds - (time_t)seconds) * 1e6);
	return timer_resume();
}

int timer_pause(void)
{
	static const struct timeval zero;
	struct itimerval old;

	if (!timer.limited || !timer.counting)
		return 0;
	if (set(&zero, &old) < 0)
		return -1;
	/* 0 left: it fired already, and its SIGALRM has kicked the vCPU
	 * (immediate_exit), so the next run reports the time-out. */
	timer.left = old.it_value;
	timer.counting = false;
	return 0;
}

int timer_resume(void)
{
	struct timeval v;

	if (!timer.limited || timer.counting)
		return 0;
	v = timer.left;
	if (!v.tv_sec && !v.tv_usec)
		v.tv_usec = 1;	/* a zero it_value would disarm, not fire */
	if (set(&v, NULL) < 0)
		return -1;
	timer.counting = true;
	return 0;
}
