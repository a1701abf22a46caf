/*
 * Futexes (see futex.h). Sleepers wait in one list under futex_lock (F),
 * each with the key of its word. A waiter checks the word through the
 * direct map under futex_lock, at the page the word is at then, and a
 * waker takes the same lock, so a wake between the check and the sleep
 * cannot be lost: the waker finds the sleeper in the list and marks it
 * woken before wakeup().
 *
 * The key names the word as every party to it sees it, as Linux's does:
 * in a shared mapping, the physical address of the word (the object's
 * page, the same in every process that maps it); in a private mapping,
 * the address space and the virtual address. A private page's physical
 * address is no name: after a fork it is copy-on-write, and the first
 * write (say, the kernel clearing a thread's CLONE_CHILD_CLEARTID word,
 * on which a sibling waits) moves the word to a new page.
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

struct futex_key {
	const struct vm_map *map;    /* private word: its address space; shared: NULL */
	uint64_t addr;               /* private: virtual address; shared: physical */
};

struct futex_waiter {
	struct futex_key key;
	paddr_t pa;                  /* where the word is now, to check its value */
	bool woken;
	struct futex_waiter *next;
};

static struct spinlock futex_lock = SPINLOCK_INIT("futex");
static struct futex_waiter *waiters;   /* (futex_lock) */

/*
 * The key of the word at uaddr in the calling process and its physical
 * address now, after a read that faults its page in as a user access
 * would. -EFAULT when it is not readable user memory, -EINVAL when it is
 * not 4-byte aligned.
 */
static long futex_key(uint64_t uaddr, struct futex_key *key, paddr_t *pa)
{
	struct vm_map *map = current_proc()->map;
	uint32_t v;
	int shared;

	if (uaddr & 3)
		return -EINVAL;
	for (int tries = 0; tries < 4; tries++) {
		if (copyin(&v, (void *)uaddr, sizeof(v)) < 0)
			return -EFAULT;
		/* Unmapped again in between by another thread: fault it in again. */
		if (!pmap_extract(map->pmap, uaddr, pa))
			continue;
		shared = vm_map_shared_at(map, uaddr);
		if (shared < 0)
			continue;
		*key = shared ? (struct futex_key){ NULL, *pa } : (struct futex_key){ map, uaddr };
		return 0;
	}
	return -EFAULT;
}

static bool same_key(const struct futex_key *a, const struct futex_key *b)
{
	return a->map == b->map && a->addr == b->addr;
}

/* Timer ticks that cover ns nanoseconds (at least one). */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / (1000000000 / TIMER_HZ) + 1;
}

#if KDEBUG
int futex_wait_delay_us;
#endif

/*
 * Is the word at uaddr still at physical address pa? A private word moves
 * when a fork makes its page copy-on-write and a write then copies it; the
 * writer's copy comes first and its wake after, so a waiter that checked
 * the old page would see the old value and sleep through that wake. (F)
 * held, so a wake of the word cannot pass between this and the sleep.
 */
static bool word_still_at(uint64_t uaddr, paddr_t pa)
{
	paddr_t now;

	return pmap_extract(current_proc()->map->pmap, uaddr, &now) && now == pa;
}

long futex_wait(uint64_t uaddr, uint32_t val, uint64_t deadline)
{
	struct futex_waiter w = { 0 }, **pp;
	uint64_t now;
	long err;
	int tries = 0;

	for (;;) {
		err = futex_key(uaddr, &w.key, &w.pa);
		if (err)
			return err;
#if KDEBUG
		/* The window in which a fork and a write may move the word. */
		race_window_us(&futex_wait_delay_us);
#endif
		spin_lock(&futex_lock);
		if (word_still_at(uaddr, w.pa))
			break;
		spin_unlock(&futex_lock);
		if (++tries == 4)
			return -EAGAIN;     /* it keeps moving: let user space look again */
	}
	if (__atomic_load_n((uint32_t *)phys_to_virt(w.pa), __ATOMIC_SEQ_CST) != val) {
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
	/* Linux restarts an untimed wait after a signal, unless a handler
	 * without SA_RESTART runs; a timed one gives -EINTR. */
	return w.woken ? 0 : !proc_interrupted() ? -ETIMEDOUT : deadline ? -EINTR : -ERESTARTSYS;
}

long futex_wake(uint64_t uaddr, int n)
{
	struct futex_key key;
	paddr_t pa;
	long err = futex_key(uaddr, &key, &pa);
	int woken = 0;

	if (err)
		return err;
	spin_lock(&futex_lock);
	for (struct futex_waiter *w = waiters; w && woken < n; w = w->next) {
		if (!same_key(&w->key, &key) || w->woken)
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
