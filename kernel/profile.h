/*
 * Where the CPUs' time goes: an exclusive profile. Every cycle of every CPU
 * is charged to exactly one part (uapi/vmstat.h, VMSTAT_PROF_*): user mode,
 * the system calls by kind (fork, exec, exit, wait, VM calls, the rest),
 * page faults, TLB shootdowns, thread switches, the timer tick, other
 * interrupts, kernel threads and idle. The CPU keeps its current part and
 * when it began; entering a part charges the time since to the old one,
 * and the caller puts the old part back when it is done, so nesting (a
 * tick during a fault, a shootdown during an exit) is charged to the inner
 * part alone. A thread switch saves the part on the outgoing thread's
 * stack like any other caller, and the incoming thread puts its own back.
 * vmstat(0) gives the sums over the CPUs (prof_cycles, prof_entries) and
 * the TSC rate to turn cycles into time; pgbench prints them per phase.
 */
#ifndef KERNEL_PROFILE_H
#define KERNEL_PROFILE_H

#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "uapi/vmstat.h"

/* Charges the time since the last change to the current part, then makes
 * `part` current (counting an entry unless restoring). Returns the old part. */
static inline int prof_change(int part, bool entry)
{
	uint64_t rflags = read_rflags(), now;
	struct percpu *c;
	int old;

	cli();
	c = this_cpu();
	now = rdtsc();
	old = c->prof_part;
	c->prof_cycles[old] += now - c->prof_since;
	c->prof_since = now;
	c->prof_part = part;
	if (entry)
		c->prof_entries[part]++;
	if (rflags & RFLAGS_IF)
		sti();
	return old;
}

/* The part the calling CPU's time goes to now. */
static inline int prof_current(void)
{
	return this_cpu()->prof_part;
}

/* Enters part; returns the part to put back with prof_leave(). */
static inline int prof_enter(int part)
{
	return prof_change(part, true);
}

static inline void prof_leave(int old)
{
	prof_change(old, false);
}

#endif
