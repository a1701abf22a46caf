/*
 * Futexes (see futex.h). Sleepers wait in one list under futex_lock, each
 * with the physical address of its word. A waiter checks the word through
 * the direct map under futex_lock and a waker takes the same lock, so a
 * wake between the check and the sleep cannot be lost: the waker finds the
 * sleeper in the list and marks it woken before wakeup().
 */
#include "kernel/futex.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "mm/phys.h"
#include "mm/pmap/pmap.h"
#include "mm/uaccess.h"
#include "mm/vm_map.h"
#include "uapi/errno.h"
#include "uapi/linux_types.h"

struct futex_waiter {
	paddr_t key;                 /* physical address of the word */
	bool woken;
	struct futex_waiter *next;
};

static struct spinlock futex_lock = SPINLOCK_INIT("futex");
static struct futex_waiter *waiters;   /* (futex_lock) */

/*
 * The physical address of the word at uaddr in the calling process, after
 * a read that faults its page in as a user access would. -EFAULT when it
 * is not readable user memory, -EINVAL when it is not 4-byte aligned.
 */
static long futex_key(uint64_t uaddr, paddr_t *key)
{
	uint32_t v;

	if (uaddr & 3)
		return -EINVAL;
	for (int tries = 0; tries < 4; tries++) {
		if (copyin(&v, (void *)uaddr, sizeof(v)) < 0)
			return -EFAULT;
		/* Unmapped again in between by another thread: fault it in again. */
		if (pmap_extract(current_proc()->map->pmap, uaddr, key))
			return 0;
	}
	return -EFAULT;
}

/* Timer ticks that cover ns nanoseconds (at least one). */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / (1000000000 / TIMER_HZ) + 1;
}

long futex_wait(uint64_t uaddr, uint32_t val, uint64_t deadline)
{
	struct futex_waiter w = { 0 }, **pp;
	long err = futex_key(uaddr, &w.key);
	uint64_t now;

	if (err)
		return err;
	spin_lock(&futex_lock);
	if (__atomic_load_n((uint32_t *)phys_to_virt(w.key), __ATOMIC_SEQ_CST) != val) {
		spin_unlock(&futex_lock);
		return -EAGAIN;
	}
	w.next = waiters;
	waiters = &w;
	/* Timer ticks only bound each sleep: the deadline is on clock_ns(). */
	while (!w.woken && !proc_interrupted() && (!deadline || (now = clock_ns()) < deadline))
		sleep_on_until(&w, &futex_lock,
		               deadline ? timer_ticks() + ns_to_ticks(deadline - now) : 0);
	for (pp = &waiters; *pp != &w; pp = &(*pp)->next)
		;
	*pp = w.next;
	spin_unlock(&futex_lock);
	return w.woken ? 0 : proc_interrupted() ? -EINTR : -ETIMEDOUT;
}

long futex_wake(uint64_t uaddr, int n)
{
	paddr_t key;
	long err = futex_key(uaddr, &key);
	int woken = 0;

	if (err)
		return err;
	spin_lock(&futex_lock);
	for (struct futex_waiter *w = waiters; w && woken < n; w = w->next) {
		if (w->key != key || w->woken)
			continue;
		w->woken = true;
		wakeup(w);
		woken++;
	}
	spin_unlock(&futex_lock);
	return woken;
}

/*
 * The clock_ns() time at which a FUTEX_WAIT ends (0: never): `ts` (user
 * struct timespec, or 0 for none) is relative for FUTEX_WAIT and absolute
 * on the monotonic or (FUTEX_CLOCK_REALTIME) real-time clock for
 * FUTEX_WAIT_BITSET.
 */
static long futex_deadline(uint64_t ts, bool absolute, bool realtime, uint64_t *deadline)
{
	struct linux_timespec t;
	uint64_t ns, now = clock_ns();

	*deadline = 0;
	if (!ts)
		return 0;
	if (copyin(&t, (void *)ts, sizeof(t)) < 0)
		return -EFAULT;
	if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
		return -EINVAL;
	ns = (uint64_t)t.tv_sec >= UINT64_MAX / 2000000000 ? UINT64_MAX / 2
	                                                    : (uint64_t)t.tv_sec * 1000000000 + t.tv_nsec;
	if (absolute && realtime)
		ns = ns > clock_realtime_ns() ? ns - clock_realtime_ns() : 0;
	else if (absolute)
		ns = ns > now ? ns - now : 0;
	*deadline = now + ns + 1;
	return 0;
}

/* futex(uaddr, op, val, timeout, uaddr2, val3) */
long sys_futex(struct trapframe *tf)
{
	int op = (int)tf->rsi & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool realtime = tf->rsi & FUTEX_CLOCK_REALTIME;
	uint64_t deadline;
	long err;

	switch (op) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (op == FUTEX_WAIT_BITSET && (uint32_t)tf->r9 == 0)
			return -EINVAL;
		err = futex_deadline(tf->r10, op == FUTEX_WAIT_BITSET, realtime, &deadline);
		return err ? err : futex_wait(tf->rdi, (uint32_t)tf->rdx, deadline);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (op == FUTEX_WAKE_BITSET && (uint32_t)tf->r9 == 0)
			return -EINVAL;
		return futex_wake(tf->rdi, (int)MIN((uint32_t)tf->rdx, (uint32_t)INT32_MAX));
	}
	return -ENOSYS;
}
