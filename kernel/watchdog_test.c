/*
 * The watchdog reports a hang it was built for: one CPU holds a spinlock
 * and spins with interrupts off while another waits for that lock. The
 * waiter reports the wait, naming the lock and its holder, and fetches
 * the holder's frame by NMI; with a third CPU, that CPU's timer also finds
 * the two silent. The limit is lowered to 1 s for the test; the reports it
 * prints are expected.
 */
#include "kernel/ktest.h"
#include "kernel/cpu.h"
#include "kernel/ksyms.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "kernel/watchdog.h"

#define HOLD_MS 3000   /* three times the limit: every CPU checks once a second */

static struct spinlock held_too_long = SPINLOCK_INIT("watchdog_test");
static int holder_cpu;

/* Takes the lock and spins HOLD_MS with interrupts off (spin_lock's cli). */
static void hold_with_interrupts_off(void *arg)
{
	uint64_t end;

	(void)arg;
	spin_lock(&held_too_long);
	end = rdtsc() + HOLD_MS * tsc_khz();
	__atomic_store_n(&holder_cpu, cpu_id(), __ATOMIC_RELEASE);
	while (rdtsc() < end)
		cpu_relax();
	spin_unlock(&held_too_long);
	thread_exit_current(0);
}

KTEST(watchdog, reports_a_lock_held_with_interrupts_off_and_where_its_holder_spins)
{
	uint64_t reports = watchdog_reports, deadline = clock_ms() + 5000, off;
	int saved = watchdog_secs;
	struct watchdog_report wait, silent;
	const char *where;
	struct thread *t;

	if (ncpus < 2) {
		printk("# watchdog: one CPU: no CPU can wait for another's lock\n");
		return;
	}
	watchdog_last[WD_LOCK_WAIT] = (struct watchdog_report){ 0 };
	watchdog_last[WD_SILENT] = (struct watchdog_report){ 0 };
	holder_cpu = -1;
	watchdog_secs = 1;
	t = kthread_create(hold_with_interrupts_off, NULL);
	KT_ASSERT(t != NULL);
	printk("# watchdog: the reports below are this test's\n");
	thread_start(t);
	while (__atomic_load_n(&holder_cpu, __ATOMIC_ACQUIRE) < 0 && clock_ms() < deadline)
		yield();
	spin_lock(&held_too_long);
	spin_unlock(&held_too_long);
	watchdog_secs = saved;
	thread_free(t);
	wait = watchdog_last[WD_LOCK_WAIT];
	silent = watchdog_last[WD_SILENT];

	KT_ASSERT(holder_cpu >= 0);
	KT_ASSERT(watchdog_reports > reports);
	KT_ASSERT_EQ(WD_LOCK_WAIT, wait.kind);
	KT_ASSERT(wait.lock == &held_too_long);
	KT_ASSERT_EQ(holder_cpu, wait.holder);
	KT_ASSERT_NE(holder_cpu, wait.cpu);
	/* The NMI found the holder in its loop, interrupts off or not. */
	where = ksym_lookup(wait.holder_rip, &off);
	KT_ASSERT(where != NULL);
	KT_ASSERT_EQ(0, strcmp(where, "hold_with_interrupts_off"));
	if (ncpus >= 3) {
		KT_ASSERT_EQ(WD_SILENT, silent.kind);
		KT_ASSERT(silent.cpu == holder_cpu || silent.cpu == wait.cpu);
	}
}
