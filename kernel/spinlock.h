/*
 * Spinlocks, shared by every CPU.
 *
 * spin_lock() disables interrupts and remembers whether they were on, so a
 * lock may be taken from interrupt context and from code that already runs
 * with interrupts off. Taking a lock the current CPU already holds, or
 * releasing one it does not hold, panics: both are bugs, not contention.
 * Debug builds (KDEBUG) also check the lock order of kernel/lockorder.h.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include "kernel/types.h"

struct spinlock {
	volatile uint32_t locked;
	int cpu;                 /* owner CPU, -1 when free */
	const char *name;        /* also its class in kernel/lockorder.h */
	uint64_t saved_rflags;   /* interrupt state before spin_lock() */
	int rank;                /* lock order rank; 0 until first looked up */
};

#define SPINLOCK_INIT(n) { 0, -1, (n), 0, 0 }

void spin_init(struct spinlock *l, const char *name);
void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_held(const struct spinlock *l);
/* Spinlocks the calling CPU holds now (for "no lock held" assertions). */
int spin_held_count(void);
/*
 * The names of the spinlocks CPU `cpu` holds, oldest first, up to max;
 * returns how many it holds. Read without a lock: for reports on a CPU
 * that is stuck (kernel/watchdog.c).
 */
int spin_held_names(int cpu, const char **names, int max);

#define ASSERT_HELD(l) \
	do { if (!spin_held(l)) panic("%s: lock %s not held", __func__, (l)->name); } while (0)

#endif
