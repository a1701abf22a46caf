/*
 * poll, ppoll, select and pselect6 (see poll.h).
 *
 * The four calls copy their arguments in, turn them into an array of
 * struct linux_pollfd (select sets the events of each descriptor in its
 * sets) and share one wait, poll_files(): look at every descriptor; stop
 * when one is ready, the time is up, or a signal came; else sleep until
 * poll_notify() or the deadline, and look again.
 *
 * Lost wakeups: a poller reads the count of changes (seq) before it
 * looks, and sleeps only if the count is still the same, under the poll
 * lock that poll_notify() takes to count. poll_notify() skips the lock
 * and the wakeup when nobody polls: a poller announces itself (pollers)
 * before its first look, and a notifier reads pollers after its change,
 * each with a full barrier between, so either the notifier sees the
 * poller or the poller's look sees the change.
 */
#include "kernel/poll.h"
#include "kernel/file.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/linux_types.h"
#include "uapi/poll.h"

#define NSEC 1000000000ULL
#define NO_DEADLINE UINT64_MAX

static struct spinlock poll_lock = SPINLOCK_INIT("poll");
static uint64_t seq;            /* (poll_lock) changes so far; pollers sleep on it */
static int pollers;             /* (atomic) threads in poll_files() */

void poll_notify(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&pollers, __ATOMIC_RELAXED) == 0)
		return;
	spin_lock(&poll_lock);
	seq++;
	wakeup(&seq);
	spin_unlock(&poll_lock);
}

/* What a file without a poll operation is: always ready, as Linux's DEFAULT_POLLMASK. */
#define ALWAYS_READY (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

/*
 * Fills each revents: what the descriptor is ready for among its events
 * (and POLLERR and POLLHUP, unless `only_events`: select asks for exactly
 * what it counts), POLLNVAL when it is not open, 0 for a negative one.
 * Returns how many have revents set.
 */
static int scan(struct linux_pollfd *fds, size_t n, bool only_events)
{
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		struct file *f;
		unsigned int mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if (!(f = fd_get(fds[i].fd))) {
			fds[i].revents = POLLNVAL;
			ready++;
			continue;
		}
		mask = f->ops->poll ? f->ops->poll(f) : ALWAYS_READY;
		file_put(f);
		mask &= (uint16_t)fds[i].events | (only_events ? 0 : POLLERR | POLLHUP);
		fds[i].revents = (int16_t)mask;
		ready += mask != 0;
	}
	return ready;
}

/*
 * The wait the four calls share: until a descriptor is ready, clock_ns()
 * reaches deadline (0: do not wait; NO_DEADLINE: no limit), or a signal
 * comes (-ERESTARTNOHAND: restarted when no handler runs, else -EINTR).
 * Returns how many are ready (0 when the time ran out).
 */
static long poll_files(struct linux_pollfd *fds, size_t n, uint64_t deadline, bool only_events)
{
	long ready;

	__atomic_fetch_add(&pollers, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		uint64_t seen, now, ticks = 0;

		spin_lock(&poll_lock);
		seen = seq;
		spin_unlock(&poll_lock);
		if ((ready = scan(fds, n, only_events)) != 0)
			break;
		now = clock_ns();
		if (now >= deadline)
			break;
		if (proc_interrupted()) {
			ready = -ERESTARTNOHAND;
			break;
		}
		if (deadline != NO_DEADLINE)   /* in ticks, rounded up: never early */
			ticks = timer_ticks() + (deadline - now + NSEC / TIMER_HZ - 1) / (NSEC / TIMER_HZ);
		spin_lock(&poll_lock);
		if (seq == seen)
			sleep_on_until(&seq, &poll_lock, ticks);
		spin_unlock(&poll_lock);
	}
	__atomic_fetch_sub(&pollers, 1, __ATOMIC_SEQ_CST);
	return ready;
}

/* The deadline of a wait of ns nanoseconds from now. */
static uint64_t deadline_after(uint64_t ns)
{
	uint64_t now = clock_ns();

	return ns == 0 ? 0 : ns >= NO_DEADLINE - now ? NO_DEADLINE - 1 : now + ns;
}

/* What is left of the time to deadline, for the calls that write it back. */
static uint64_t time_left(uint64_t deadline)
{
	uint64_t now = clock_ns();

	return deadline > now ? deadline - now : 0;
}

/*
 * A signal mask for the wait (ppoll, pselect6): set now; the caller's
 * comes back when the call returns, or once the handler of a signal that
 * ended the wait has run (as rt_sigsuspend does). -EINVAL for a size
 * other than 8, -EFAULT.
 */
static long set_wait_mask(uint64_t umask, uint64_t size)
{
	struct thread *t = current_thread();
	uint64_t mask;

	if (!umask)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copyin(&mask, (void *)umask, sizeof(mask)) < 0)
		return -EFAULT;
	t->saved_sigmask = t->sigmask;
	t->sigmask_saved = true;     /* signal_deliver() puts it back */
	t->sigmask = mask & ~SIG_UNBLOCKABLE;
	return 0;
}

/*
 * poll and ppoll's work: the user array ufds of nfds entries, waited on
 * until deadline. -EINVAL when nfds is above RLIMIT_NOFILE, -EFAULT,
 * -ENOMEM; the revents are written back.
 */
static long do_poll(uint64_t ufds, uint64_t nfds, uint64_t deadline)
{
	struct linux_pollfd *fds = NULL;
	size_t size = nfds * sizeof(*fds);
	long r;

	if (nfds > current_proc()->rlimits[RLIMIT_NOFILE].rlim_cur)
		return -EINVAL;
	if (nfds && !(fds = kmalloc(size)))
		return -ENOMEM;
	if (nfds && copyin(fds, (void *)ufds, size) < 0) {
		kfree(fds);
		return -EFAULT;
	}
	r = poll_files(fds, nfds, deadline, false);
	for (size_t i = 0; i < nfds && r >= 0; i++)
		if (copyout((void *)(ufds + i * sizeof(*fds) + 6), &fds[i].revents, 2) < 0)
			r = -EFAULT;
	kfree(fds);
	return r;
}

/* poll(fds, nfds, timeout_ms): a negative timeout waits without limit. */
static long poll_restart(struct restart_block *rb);

/*
 * poll's wait until deadline; interrupted with no handler to run, it goes
 * on to the same deadline through restart_syscall.
 */
static long poll_until(uint64_t ufds, uint32_t nfds, uint64_t deadline)
{
	long r = do_poll(ufds, nfds, deadline);

	if (r != -ERESTARTNOHAND || deadline == NO_DEADLINE)
		return r;
	current_thread()->restart = (struct restart_block){
		.fn = poll_restart, .until = deadline, .args = { ufds, nfds } };
	return -ERESTART_RESTARTBLOCK;
}

static long poll_restart(struct restart_block *rb)
{
	return poll_until(rb->args[0], (uint32_t)rb->args[1], rb->until);
}

long sys_poll(struct trapframe *tf)
{
	int ms = (int)tf->rdx;

	return poll_until(tf->rdi, (uint32_t)tf->rsi,
	                  ms < 0 ? NO_DEADLINE : deadline_after((uint64_t)ms * 1000000));
}

/* Reads a timespec (ppoll, pselect6) as nanoseconds: -EFAULT, or -EINVAL when invalid. */
static long timespec_ns(uint64_t uts, uint64_t *ns)
{
	struct linux_timespec ts;

	if (copyin(&ts, (void *)uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (uint64_t)ts.tv_nsec >= NSEC)
		return -EINVAL;
	*ns = (uint64_t)ts.tv_sec >= UINT64_MAX / NSEC - 1 ? NO_DEADLINE - 1
	                                                      : (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
	return 0;
}

/*
 * Writes the time left back into the caller's timespec, as Linux does for
 * ppoll and pselect6 (so that a restart waits only for the rest). A
 * timespec that cannot be written is left alone, the result kept; only a
 * restart then becomes -EINTR, since it would wait the whole time again.
 */
static long timespec_back(uint64_t uts, uint64_t deadline, long r)
{
	uint64_t left = time_left(deadline);
	struct linux_timespec ts = { (int64_t)(left / NSEC), (int64_t)(left % NSEC) };

	if (copyout((void *)uts, &ts, sizeof(ts)) < 0 && r == -ERESTARTNOHAND)
		return -EINTR;
	return r;
}

/* ppoll(fds, nfds, timeout, sigmask, sigsetsize): a NULL timeout waits without limit. */
long sys_ppoll(struct trapframe *tf)
{
	uint64_t ns, deadline = NO_DEADLINE;
	long r;

	if (tf->rdx) {
		if ((r = timespec_ns(tf->rdx, &ns)) < 0)
			return r;
		deadline = deadline_after(ns);
	}
	if ((r = set_wait_mask(tf->r10, tf->r8)) < 0)
		return r;
	r = do_poll(tf->rdi, (uint32_t)tf->rsi, deadline);
	return tf->rdx ? timespec_back(tf->rdx, deadline, r) : r;
}

/* ---- select ---- */

#define SET_WORDS(n) (((n) + 63) / 64)
#define SELECT_IN  (POLLIN | POLLRDNORM | POLLHUP | POLLERR)   /* Linux's POLLIN_SET */
#define SELECT_OUT (POLLOUT | POLLWRNORM | POLLERR)           /* POLLOUT_SET */
#define SELECT_EX  POLLPRI                                     /* POLLEX_SET */

static bool bit(const uint64_t *set, int fd)
{
	return set[fd / 64] & (1UL << (fd % 64));
}

/*
 * select and pselect6's work: the three sets (user addresses, each may be
 * 0) of descriptors below nfds, waited on until deadline; the sets come
 * back holding the ready descriptors. The count of bits set, or -EINVAL
 * (nfds < 0), -EBADF (a descriptor in a set is not open), -EFAULT,
 * -ENOMEM, -ERESTARTNOHAND.
 */
static long do_select(int nfds, const uint64_t uset[3], uint64_t deadline)
{
	static const unsigned int events[3] = { SELECT_IN, SELECT_OUT, SELECT_EX };
	uint64_t sets[3][SET_WORDS(FD_MAX)] = { { 0 } };
	struct linux_pollfd *fds;
	size_t n = 0, words;
	long r;

	if (nfds < 0)
		return -EINVAL;
	nfds = MIN(nfds, FD_MAX);       /* Linux too looks no further than its table */
	words = SET_WORDS((size_t)nfds);
	for (int s = 0; s < 3; s++)
		if (uset[s] && copyin(sets[s], (void *)uset[s], words * 8) < 0)
			return -EFAULT;
	if (!(fds = kmalloc(FD_MAX * sizeof(*fds))))
		return -ENOMEM;
	for (int fd = 0; fd < nfds; fd++) {
		unsigned int ev = 0;

		for (int s = 0; s < 3; s++)
			if (bit(sets[s], fd))
				ev |= events[s];
		if (ev)
			fds[n++] = (struct linux_pollfd){ fd, (int16_t)ev, 0 };
	}
	r = poll_files(fds, n, deadline, true);
	for (size_t i = 0; i < n && r >= 0; i++)
		if (fds[i].revents & POLLNVAL)
			r = -EBADF;
	if (r >= 0) {
		memset(sets, 0, sizeof(sets));
		r = 0;
		for (size_t i = 0; i < n; i++)
			for (int s = 0; s < 3; s++)
				if (fds[i].revents & events[s] & fds[i].events) {
					sets[s][fds[i].fd / 64] |= 1UL << (fds[i].fd % 64);
					r++;
				}
		for (int s = 0; s < 3; s++)
			if (uset[s] && copyout((void *)uset[s], sets[s], words * 8) < 0)
				r = -EFAULT;
	}
	kfree(fds);
	return r;
}

/*
 * select(nfds, readfds, writefds, exceptfds, timeout): a timeval; NULL
 * waits without limit. The time left is written back, as Linux does.
 */
long sys_select(struct trapframe *tf)
{
	const uint64_t sets[3] = { tf->rsi, tf->rdx, tf->r10 };
	uint64_t deadline = NO_DEADLINE;
	struct linux_timeval tv;
	long r;

	if (tf->r8) {
		int64_t sec, usec;

		if (copyin(&tv, (void *)tf->r8, sizeof(tv)) < 0)
			return -EFAULT;
		/* Whole seconds in tv_usec count, as Linux takes them; a negative part is -EINVAL. */
		sec = tv.tv_usec >= 0 && tv.tv_sec >= 0 ? tv.tv_sec + tv.tv_usec / 1000000 : -1;
		usec = tv.tv_usec % 1000000;
		if (sec < 0 || usec < 0)
			return -EINVAL;
		deadline = deadline_after((uint64_t)sec >= UINT64_MAX / NSEC - 1
		                          ? NO_DEADLINE - 1
		                          : (uint64_t)sec * NSEC + (uint64_t)usec * 1000);
	}
	r = do_select((int)tf->rdi, sets, deadline);
	if (tf->r8) {
		uint64_t left = time_left(deadline);

		tv.tv_sec = (int64_t)(left / NSEC);
		tv.tv_usec = (int64_t)(left % NSEC / 1000);
		if (copyout((void *)tf->r8, &tv, sizeof(tv)) < 0 && r == -ERESTARTNOHAND)
			r = -EINTR;
	}
	return r;
}

/* pselect6(nfds, readfds, writefds, exceptfds, timeout, {sigmask, size}) */
long sys_pselect6(struct trapframe *tf)
{
	const uint64_t sets[3] = { tf->rsi, tf->rdx, tf->r10 };
	uint64_t ns, deadline = NO_DEADLINE;
	struct linux_pselect_sig sig = { 0, 0 };
	long r;

	if (tf->r8) {
		if ((r = timespec_ns(tf->r8, &ns)) < 0)
			return r;
		deadline = deadline_after(ns);
	}
	if (tf->r9 && copyin(&sig, (void *)tf->r9, sizeof(sig)) < 0)
		return -EFAULT;
	if ((r = set_wait_mask(sig.ss, sig.ss_len)) < 0)
		return r;
	r = do_select((int)tf->rdi, sets, deadline);
	return tf->r8 ? timespec_back(tf->r8, deadline, r) : r;
}
