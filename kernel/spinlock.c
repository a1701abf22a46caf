/*
 * Spinlocks (see spinlock.h). The interrupt state is saved in the lock by the
 * holder, which is safe because only the holder writes it and reads it back.
 */
#include "kernel/spinlock.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"

void spin_init(struct spinlock *l, const char *name)
{
	l->locked = 0;
	l->cpu = -1;
	l->name = name;
	l->saved_rflags = 0;
}

bool spin_held(const struct spinlock *l)
{
	return l->locked && l->cpu == cpu_id();
}

void spin_lock(struct spinlock *l)
{
	uint64_t rflags = read_rflags();

	cli();
	if (spin_held(l))
		panic("spin_lock: %s already held by this cpu", l->name);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	l->cpu = cpu_id();
	l->saved_rflags = rflags;
}

void spin_unlock(struct spinlock *l)
{
	uint64_t rflags;

	if (!spin_held(l))
		panic("spin_unlock: %s not held by this cpu", l->name);
	rflags = l->saved_rflags;
	l->cpu = -1;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	if (rflags & RFLAGS_IF)
		sti();
}
