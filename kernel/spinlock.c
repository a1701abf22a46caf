/*
 * Spinlocks (see spinlock.h). The interrupt state is saved in the lock by the
 * holder, which is safe because only the holder writes it and reads it back.
 *
 * Debug builds keep, per CPU, the list of locks held, to check the lock
 * order on every acquisition and to refuse re-enabling interrupts while
 * another lock is still held.
 */
#include "kernel/spinlock.h"
#include "kernel/acpi.h"
#include "kernel/cpu.h"
#include "kernel/lockorder.h"
#include "kernel/printk.h"
#include "kernel/watchdog.h"

/* Spins between looks at the clock while waiting for a lock. */
#define WAIT_CHECK_SPINS 0x10000

#define MAX_HELD 16

static struct {
	int depth;
	struct spinlock *held[MAX_HELD];
} held_locks[MAX_CPUS];

void spin_init(struct spinlock *l, const char *name)
{
	l->locked = 0;
	l->cpu = -1;
	l->name = name;
	l->saved_rflags = 0;
	l->rank = 0;
}

bool spin_held(const struct spinlock *l)
{
	return l->locked && l->cpu == cpu_id();
}

int spin_held_count(void)
{
	return held_locks[cpu_id()].depth;
}

int spin_held_names(int cpu, const char **names, int max)
{
	int n = __atomic_load_n(&held_locks[cpu].depth, __ATOMIC_RELAXED);

	for (int i = 0; i < n && i < max && i < MAX_HELD; i++)
		names[i] = held_locks[cpu].held[i]->name;
	return n;
}

/* Lock-order check before taking l (interrupts are off). */
static void order_check(struct spinlock *l)
{
#if KDEBUG
	int cpu = cpu_id();

	if (l->rank == 0)
		l->rank = lock_rank(l->name);
	for (int i = 0; i < held_locks[cpu].depth; i++) {
		struct spinlock *h = held_locks[cpu].held[i];
		if (l->rank > 0 && h->rank > 0 && l->rank < h->rank)
			panic("lock order: taking %s (rank %d) while holding %s (rank %d)",
			      l->name, l->rank, h->name, h->rank);
	}
#else
	(void)l;
#endif
}

static void held_push(struct spinlock *l)
{
	int cpu = cpu_id();

	if (held_locks[cpu].depth == MAX_HELD)
		panic("spin_lock: more than %d locks held", MAX_HELD);
	held_locks[cpu].held[held_locks[cpu].depth++] = l;
}

/* Removes l from this CPU's held list (locks may be released out of order). */
static void held_remove(struct spinlock *l)
{
	int cpu = cpu_id(), i = held_locks[cpu].depth - 1;

	while (i >= 0 && held_locks[cpu].held[i] != l)
		i--;
	if (i < 0)
		panic("spin_unlock: %s missing from the held list", l->name);
	for (; i + 1 < held_locks[cpu].depth; i++)
		held_locks[cpu].held[i] = held_locks[cpu].held[i + 1];
	held_locks[cpu].depth--;
}

void spin_lock(struct spinlock *l)
{
	uint64_t rflags = read_rflags();

	cli();
	if (spin_held(l))
		panic("spin_lock: %s already held by this cpu", l->name);
	order_check(l);
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		uint64_t since = rdtsc(), spins = 0;
		bool reported = false;

		while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
			cpu_relax();
			if (++spins % WAIT_CHECK_SPINS == 0)
				watchdog_lock_wait(l, since, &reported);
		}
	}
	l->cpu = cpu_id();
	l->saved_rflags = rflags;
	held_push(l);
}

void spin_unlock(struct spinlock *l)
{
	uint64_t rflags;

	if (!spin_held(l))
		panic("spin_unlock: %s not held by this cpu", l->name);
	held_remove(l);
	rflags = l->saved_rflags;
	if (KDEBUG && (rflags & RFLAGS_IF) && spin_held_count() > 0)
		panic("spin_unlock: %s would enable interrupts with %s still held",
		      l->name, held_locks[cpu_id()].held[0]->name);
	l->cpu = -1;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	if (rflags & RFLAGS_IF)
		sti();
}
