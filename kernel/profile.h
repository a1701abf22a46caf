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
 * It reads each CPU with prof_read(), which also charges the time since
 * that CPU's last change: an idle CPU changes part only when woken, and
 * without it a whole idle stretch would be missing from the sums.
 */
#ifndef KERNEL_PROFILE_H
#define KERNEL_PROFILE_H

#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "uapi/vmstat.h"

/*
 * prof_seq is odd while the owning CPU changes its profile, so that
 * prof_read() on another CPU sees the fields of one moment. x86 keeps
 * stores in order, so only the compiler must be kept from moving them.
 */
static inline void prof_seq_bump(struct percpu *c)
{
	__asm__ volatile("" ::: "memory");
	__atomic_store_n(&c->prof_seq, c->prof_seq + 1, __ATOMIC_RELAXED);
	__asm__ volatile("" ::: "memory");
}

/* Charges the time since the last change to the current part, then makes
 * `part` current (counting an entry unless restoring). Returns the old part. */
static inline int prof_change(int part, bool entry)
{
	uint64_t rflags = read_rflags(), now;
	struct percpu *c;
	int old;

	cli();
	c = this_cpu();
	prof_seq_bump(c);
	now = rdtsc();
	old = c->prof_part;
	c->prof_cycles[old] += now - c->prof_since;
	c->prof_since = now;
	c->prof_part = part;
	if (entry)
		c->prof_entries[part]++;
	prof_seq_bump(c);
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

/*
 * Adds CPU c's cycles and entries per part to the sums, with the time
 * since its last change charged to its current part.
 */
static inline void prof_read(const struct percpu *c, uint64_t *cycles, uint64_t *entries)
{
	uint64_t snap_cycles[VMSTAT_PROF_PARTS], snap_entries[VMSTAT_PROF_PARTS];
	uint64_t since, now;
	uint32_t seq;
	int part;

	for (;;) {
		seq = __atomic_load_n(&c->prof_seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			cpu_relax();
			continue;
		}
		for (int p = 0; p < VMSTAT_PROF_PARTS; p++) {
			snap_cycles[p] = c->prof_cycles[p];
			snap_entries[p] = c->prof_entries[p];
		}
		part = c->prof_part;
		since = c->prof_since;
		now = rdtsc();
		__asm__ volatile("" ::: "memory");
		if (__atomic_load_n(&c->prof_seq, __ATOMIC_ACQUIRE) == seq)
			break;
	}
	if (now > since)
		snap_cycles[part] += now - since;
	for (int p = 0; p < VMSTAT_PROF_PARTS; p++) {
		cycles[p] += snap_cycles[p];
		entries[p] += snap_entries[p];
	}
}

#endif
