/*
 * The watchdog: a hang reports itself.
 *
 * Every CPU's timer interrupt stamps the CPU's heartbeat, and notes progress
 * when it finds user mode or the idle thread running (schedule() notes a
 * switch). Once a second each CPU checks the others and itself; after
 * kern.watchdog_secs (0: off) it reports
 *   - a CPU whose timer has gone silent (it runs with interrupts off: a
 *     spinning lock holder, a loop that forgot to re-enable them),
 *   - a CPU that has run one user thread in the kernel all that time
 *     without sleeping or returning to user mode,
 *   - from spin_lock itself, a CPU that has waited that long for a lock,
 *     naming the lock and the CPU that holds it.
 * A report prints every CPU's running thread, held spinlocks and kernel
 * backtrace. The other CPUs' frames are fetched with an NMI, which arrives
 * even with interrupts off: the NMI handler only copies its interrupted
 * frame into a per-CPU slot and the reporting CPU prints it, so nothing
 * prints from NMI context. Reports are counted (vmstat watchdog_reports)
 * and do not stop the machine: a lock that was merely slow is released and
 * the run goes on.
 *
 * kern.dump_threads=1 (and Ctrl-T on the terminal) prints every thread's
 * state and what it sleeps on, for hangs where every CPU is idle.
 */
#ifndef KERNEL_WATCHDOG_H
#define KERNEL_WATCHDOG_H

#include "kernel/trap.h"
#include "kernel/types.h"

struct spinlock;

enum watchdog_kind {
	WD_NONE,
	WD_SILENT,       /* a CPU's timer stopped */
	WD_STUCK,        /* a user thread stayed in the kernel */
	WD_LOCK_WAIT,    /* a CPU waited for a spinlock */
	WD_KINDS
};

/* The latest report of a kind, for tests. */
struct watchdog_report {
	enum watchdog_kind kind;
	int cpu;                       /* the CPU reported on (the waiter for WD_LOCK_WAIT) */
	const struct spinlock *lock;   /* WD_LOCK_WAIT: the lock waited for */
	int holder;                    /* WD_LOCK_WAIT: the CPU that held it, or -1 */
	uint64_t holder_rip;           /* WD_LOCK_WAIT: where the holder was (NMI), or 0 */
};

extern int watchdog_secs;                /* kern.watchdog_secs */
extern uint64_t watchdog_reports;        /* reports printed since boot */
extern struct watchdog_report watchdog_last[WD_KINDS];

/* Every CPU's timer interrupt, with the interrupted frame. */
void watchdog_tick(const struct trapframe *tf);
/* schedule() switched threads on this CPU. */
void watchdog_switched(void);
/* An NMI: true if the watchdog asked for it (the frame is recorded). */
bool watchdog_nmi(const struct trapframe *tf);
/*
 * spin_lock() calls this now and then while it waits for l, with the TSC
 * when the wait began; *reported keeps one report per wait.
 */
void watchdog_lock_wait(const struct spinlock *l, uint64_t since_tsc, bool *reported);
/* Prints every thread's state and wait channel (kern.dump_threads, Ctrl-T). */
void watchdog_dump_threads(void);

#endif
