/*
 * Time system calls of the Linux ABI: clock_gettime, gettimeofday, time,
 * nanosleep and clock_nanosleep. CLOCK_MONOTONIC (and BOOTTIME, the RAW and COARSE
 * variants) is the TSC time since boot; CLOCK_REALTIME adds the date read
 * from the CMOS clock at boot; the CPU-time clocks read as the monotonic
 * clock (CPU time is kept only in 1 ms samples, for getrusage and times,
 * and a sleep on it would need a wakeup when a process's time advances).
 */
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/linux_types.h"

#define NSEC 1000000000ULL

/* Now on `clock` in nanoseconds; -EINVAL for an unknown clock. */
static long clock_now(int clock, uint64_t *ns)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = clock_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = clock_ns();
		return 0;
	}
	return -EINVAL;
}

long sys_clock_gettime(struct trapframe *tf)
{
	struct linux_timespec ts;
	uint64_t ns;
	long err = clock_now((int)tf->rdi, &ns);

	if (err)
		return err;
	ts.tv_sec = (int64_t)(ns / NSEC);
	ts.tv_nsec = (int64_t)(ns % NSEC);
	return copyout((void *)tf->rsi, &ts, sizeof(ts));
}

/* Reads a struct timespec from user space: -EFAULT, or -EINVAL when invalid. */
static long timespec_in(uint64_t uts, uint64_t *ns)
{
	struct linux_timespec ts;

	if (copyin(&ts, (void *)uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (uint64_t)ts.tv_nsec >= NSEC)
		return -EINVAL;
	*ns = (uint64_t)ts.tv_sec >= UINT64_MAX / NSEC ? UINT64_MAX
	                                                  : (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
	return 0;
}

static long sleep_until(int clock, uint64_t until, uint64_t urem);

/* restart_syscall's continuation of an interrupted relative sleep. */
static long sleep_restart(struct restart_block *rb)
{
	return sleep_until(rb->clock, rb->until, rb->args[0]);
}

/*
 * Sleeps until `clock` reads `until` (ns). A signal ends the sleep, with
 * the time left in urem when it is not 0: -EINTR when a handler runs,
 * else the sleep goes on to the same deadline (-ERESTART_RESTARTBLOCK).
 */
static long sleep_until(int clock, uint64_t until, uint64_t urem)
{
	for (;;) {
		uint64_t now = 0;

		clock_now(clock, &now);
		if (now >= until)
			return 0;
		if (proc_interrupted()) {
			struct linux_timespec rem = { (int64_t)((until - now) / NSEC),
			                              (int64_t)((until - now) % NSEC) };

			if (urem && copyout((void *)urem, &rem, sizeof(rem)) < 0)
				return -EFAULT;
			current_thread()->restart = (struct restart_block){
				.fn = sleep_restart, .clock = clock, .until = until, .args = { urem } };
			return -ERESTART_RESTARTBLOCK;
		}
		sleep_ms(MIN((until - now + 999999) / 1000000, 1000UL));
	}
}

/* nanosleep(req, rem) */
long sys_nanosleep(struct trapframe *tf)
{
	uint64_t ns, now = 0;
	long err = timespec_in(tf->rdi, &ns);

	if (err)
		return err;
	clock_now(CLOCK_MONOTONIC, &now);
	return sleep_until(CLOCK_MONOTONIC, ns > UINT64_MAX - now ? UINT64_MAX : now + ns, tf->rsi);
}

/* clock_nanosleep(clock, flags, req, rem) */
long sys_clock_nanosleep(struct trapframe *tf)
{
	int clock = (int)tf->rdi;
	uint64_t ns, now = 0;
	long err;

	if (clock == CLOCK_THREAD_CPUTIME_ID || clock_now(clock, &now) < 0 ||
	    (tf->rsi & ~(uint64_t)TIMER_ABSTIME))
		return -EINVAL;
	if ((err = timespec_in(tf->rdx, &ns)) < 0)
		return err;
	if (tf->rsi & TIMER_ABSTIME) {   /* the same deadline: the same call again */
		err = sleep_until(clock, ns, 0);
		return err == -ERESTART_RESTARTBLOCK ? -ERESTARTNOHAND : err;
	}
	return sleep_until(clock, ns > UINT64_MAX - now ? UINT64_MAX : now + ns, tf->r10);
}

/*
 * gettimeofday(tv, tz): CLOCK_REALTIME in microseconds. Either pointer may
 * be NULL; the time zone is always UTC (minutes west 0, no DST), as
 * Linux reports when nobody set one.
 */
long sys_gettimeofday(struct trapframe *tf)
{
	uint64_t ns = clock_realtime_ns();
	struct linux_timeval tv = { (int64_t)(ns / NSEC), (int64_t)(ns % NSEC / 1000) };
	int32_t tz[2] = { 0, 0 };

	if (tf->rdi && copyout((void *)tf->rdi, &tv, sizeof(tv)) < 0)
		return -EFAULT;
	if (tf->rsi && copyout((void *)tf->rsi, tz, sizeof(tz)) < 0)
		return -EFAULT;
	return 0;
}

/* time(t): the seconds of CLOCK_REALTIME, also stored at t unless it is NULL. */
long sys_time(struct trapframe *tf)
{
	int64_t secs = (int64_t)(clock_realtime_ns() / NSEC);

	if (tf->rdi && copyout((void *)tf->rdi, &secs, sizeof(secs)) < 0)
		return -EFAULT;
	return secs;
}
