/*
 * The watchdog (see watchdog.h).
 *
 * Reports read other CPUs' state without their locks: the CPU reported on
 * is stuck, or at least not changing its state quickly, and a report that
 * waited for a lock could itself hang. Threads and processes are never
 * freed to anything but the kernel heap, whose memory stays mapped, so a
 * stale pointer read here prints stale names, never faults.
 */
#include "kernel/watchdog.h"
#include "kernel/apic.h"
#include "kernel/cpu.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "kernel/timer.h"

#define NMI_WAIT_MS 200   /* an NMI is taken at once unless the CPU is gone */

int watchdog_secs = 10;
uint64_t watchdog_reports;
struct watchdog_report watchdog_last[WD_KINDS];

/* One CPU's frame, copied by its NMI handler. */
static struct {
	volatile uint64_t asked, answered;   /* request numbers */
	uint64_t rip, rbp, cs;
} frames[MAX_CPUS];

/* One report at a time, so that reports from several CPUs do not mix. */
static volatile uint32_t reporting;

static const char *const kind_names[] = {
	[WD_SILENT] = "timer silent (interrupts off)",
	[WD_STUCK] = "in the kernel without sleeping",
	[WD_LOCK_WAIT] = "waiting for a spinlock",
};

static bool report_begin(void)
{
	return !__atomic_exchange_n(&reporting, 1, __ATOMIC_ACQUIRE);
}

static void report_end(void)
{
	__atomic_store_n(&reporting, 0, __ATOMIC_RELEASE);
}

/* The index of the CPU running this code, from its local APIC: an NMI may
 * arrive between syscall entry and swapgs, when GS is still the user's. */
static int cpu_by_apic(void)
{
	uint32_t id = lapic_id();

	for (int i = 0; i < ncpus; i++)
		if (cpus[i].apic_id == id)
			return i;
	return -1;
}

bool watchdog_nmi(const struct trapframe *tf)
{
	int cpu = cpu_by_apic();
	uint64_t asked;

	if (cpu < 0)
		return false;
	asked = __atomic_load_n(&frames[cpu].asked, __ATOMIC_ACQUIRE);
	if (asked == frames[cpu].answered)
		return false;
	frames[cpu].rip = tf->rip;
	frames[cpu].rbp = tf->rbp;
	frames[cpu].cs = tf->cs;
	__atomic_store_n(&frames[cpu].answered, asked, __ATOMIC_RELEASE);
	return true;
}

/* Asks CPU `cpu` for its interrupted frame; false if it did not answer. */
static bool fetch_frame(int cpu)
{
	uint64_t n = frames[cpu].asked + 1, deadline = clock_ms() + NMI_WAIT_MS;

	__atomic_store_n(&frames[cpu].asked, n, __ATOMIC_RELEASE);
	lapic_send_nmi(cpus[cpu].apic_id);
	while (__atomic_load_n(&frames[cpu].answered, __ATOMIC_ACQUIRE) != n)
		if (clock_ms() > deadline)
			return false;
	return true;
}

static void print_thread(const struct thread *t)
{
	if (!t)
		printk("no thread");
	else if (t->proc)
		printk("thread %d of pid %d (%s)", t->tid, t->proc->pid, t->proc->name);
	else
		printk("kernel thread %d", t->tid);
}

static void print_held(int cpu)
{
	const char *names[8];
	int n = spin_held_names(cpu, names, ARRAY_SIZE(names));

	printk("    holds:");
	if (n == 0)
		printk(" no spinlock");
	for (int i = 0; i < n && i < (int)ARRAY_SIZE(names); i++)
		printk(" %s", names[i]);
	printk("\n");
}

/*
 * Every CPU: its thread, its spinlocks and where it is. `self_rip`/`self_rbp`
 * locate the reporting CPU (an interrupted frame, or the report's caller).
 */
static void dump_cpus(uint64_t self_rip, uint64_t self_rbp, bool self_user)
{
	int self = cpu_id();

	for (int i = 0; i < ncpus; i++) {
		bool user;

		printk("  cpu %d: ", i);
		print_thread(cpus[i].running);
		printk("%s\n", i == self ? " (reporting)" : "");
		print_held(i);
		if (i == self) {
			user = self_user;
			if (!user)
				backtrace(self_rip, self_rbp);
		} else if (fetch_frame(i)) {
			user = frames[i].cs & 3;
			if (!user)
				backtrace(frames[i].rip, frames[i].rbp);
		} else {
			printk("    no answer to the NMI\n");
			continue;
		}
		if (user)
			printk("    in user mode\n");
	}
}

static void report(enum watchdog_kind kind, int cpu, uint64_t rip, uint64_t rbp, bool user)
{
	printk("\nwatchdog: cpu %d %s for %d s\n", cpu, kind_names[kind], watchdog_secs);
	dump_cpus(rip, rbp, user);
	__atomic_add_fetch(&watchdog_reports, 1, __ATOMIC_RELAXED);
}

void watchdog_switched(void)
{
	this_cpu()->progress_ms = clock_ms();
}

/* Whether `since` is more than the watchdog's limit before `now`. */
static bool overdue(uint64_t now, uint64_t since)
{
	return (int64_t)(now - since) > (int64_t)watchdog_secs * 1000;
}

void watchdog_tick(const struct trapframe *tf)
{
	struct percpu *c = this_cpu();
	uint64_t now = clock_ms();
	bool user = tf->cs & 3;
	struct thread *t = c->running;

	c->beat_ms = now;
	c->silent_reported = false;
	if (user || t == c->idle || !t || !t->proc) {
		c->progress_ms = now;
		c->stuck_reported = false;
	}
	if (watchdog_secs == 0 || now - c->checked_ms < 1000)
		return;
	c->checked_ms = now;
	for (int i = 0; i < ncpus; i++) {
		if (i == c->id || !overdue(now, cpus[i].beat_ms) || cpus[i].silent_reported)
			continue;
		if (!report_begin())
			return;
		cpus[i].silent_reported = true;
		watchdog_last[WD_SILENT] = (struct watchdog_report){ WD_SILENT, i, NULL, -1, 0 };
		report(WD_SILENT, i, tf->rip, tf->rbp, user);
		report_end();
	}
	if (overdue(now, c->progress_ms) && !c->stuck_reported && report_begin()) {
		c->stuck_reported = true;
		watchdog_last[WD_STUCK] = (struct watchdog_report){ WD_STUCK, c->id, NULL, -1, 0 };
		report(WD_STUCK, c->id, tf->rip, tf->rbp, false);
		report_end();
	}
}

void watchdog_lock_wait(const struct spinlock *l, uint64_t since_tsc, bool *reported)
{
	uint64_t *frame = __builtin_frame_address(0);
	int holder = __atomic_load_n(&l->cpu, __ATOMIC_RELAXED);

	if (*reported || watchdog_secs == 0 ||
	    rdtsc() - since_tsc < (uint64_t)watchdog_secs * 1000 * tsc_khz())
		return;
	/* Reporting prints, and printing takes the console lock. */
	if (strcmp(l->name, "console") == 0)
		return;
	if (!report_begin())
		return;
	*reported = true;
	watchdog_last[WD_LOCK_WAIT] = (struct watchdog_report){ WD_LOCK_WAIT, cpu_id(), l, holder, 0 };
	printk("\nwatchdog: cpu %d waiting for spinlock %s for %d s, held by cpu %d\n",
	       cpu_id(), l->name, watchdog_secs, holder);
	if (holder >= 0 && holder < ncpus && holder != cpu_id() && fetch_frame(holder))
		watchdog_last[WD_LOCK_WAIT].holder_rip = frames[holder].rip;
	dump_cpus(frame[1], frame[0], false);
	__atomic_add_fetch(&watchdog_reports, 1, __ATOMIC_RELAXED);
	report_end();
}

static const char *const state_names[] = {
	[T_EMBRYO] = "new", [T_RUNNABLE] = "runnable", [T_RUNNING] = "running",
	[T_SLEEPING] = "sleeping", [T_ZOMBIE] = "zombie",
};

/* One line per thread, then where a switched-out thread stopped. */
static void dump_thread(struct thread *t, void *arg)
{
	const uint64_t *ctx = (const uint64_t *)t->ctx_rsp;
	uint64_t now = *(uint64_t *)arg;

	printk("  ");
	print_thread(t);
	printk(": %s", t->state <= T_ZOMBIE ? state_names[t->state] : "?");
	if (t->state == T_SLEEPING && t->chan)
		printk(" on %p", t->chan);
	if (t->state == T_SLEEPING && t->wake_tick)
		printk(", wakes in %ld ms", (long)(t->wake_tick - now) * 1000 / TIMER_HZ);
	if (t->on_cpu) {
		for (int i = 0; i < ncpus; i++)
			if (cpus[i].running == t)
				printk(", on cpu %d", i);
		printk("\n");
		return;
	}
	printk("\n");
	/* The swtch() frame: r15 r14 r13 r12 rbx rbp, then the return address. */
	if (t->state == T_SLEEPING && ctx)
		backtrace(ctx[6], ctx[5]);
}

void watchdog_dump_threads(void)
{
	uint64_t now = timer_ticks();

	printk("threads (uptime %lu ms):\n", (unsigned long)clock_ms());
	thread_for_each(dump_thread, &now);
}
