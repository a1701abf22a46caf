/* The sysctl table (see sysctl.h). */
#include <limits.h>
#include "kernel/sysctl.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/futex.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "kernel/tty.h"
#include "kernel/watchdog.h"
#include "mm/page.h"
#include "mm/pmap/pmap_break.h"
#include "mm/vm_tunables.h"
#include "uapi/errno.h"

/*
 * debug.page_fail_after: the last value set; page.c keeps the live count of
 * allocations left. -1: no fault injection; N >= 0: the next N page
 * allocations succeed, every later one fails until -1 is set again.
 */
static int fail_after_knob = -1;

/* kern.dump_threads: an action, not a setting; it always reads 0. */
static int dump_threads_knob;

static void dump_threads(long value)
{
	if (value)
		watchdog_dump_threads();
	__atomic_store_n(&dump_threads_knob, 0, __ATOMIC_RELAXED);
}

#if KDEBUG
/* debug.kernel_spin_ms: a system call that does not come back for a while. */
static int kernel_spin_knob;

static void kernel_spin(long ms)
{
	uint64_t end = clock_ms() + (uint64_t)ms;

	while (clock_ms() < end)
		cpu_relax();
	__atomic_store_n(&kernel_spin_knob, 0, __ATOMIC_RELAXED);
}
#endif

static const struct sysctl table[] = {
	{ "machdep.pmap_mmu_optimize", &pmap_mmu_optimize, 0, 1,
	  "share object-owned page tables between processes", NULL },
	{ "machdep.pmap_share_pd", &pmap_share_pd, 0, 1,
	  "also share whole page directories (1 GiB) at the PDPT level", NULL },
	{ "machdep.pmap_prelink", &pmap_prelink, 0, 1,
	  "link populated object tables at attach/fork instead of on fault", NULL },
	{ "kern.ipc.shm_use_phys", &shm_use_phys, 0, 1,
	  "back SysV shm with wired physical pages (no PV entries)", NULL },
	{ "vm.fault_around", &vm_fault_around, 0, 1,
	  "the first fault in a 2 MiB segment of a physical object fills its whole "
	  "object PT page (1)", NULL },
	{ "vm.largepages", &vm_largepages, 0, 2,
	  "2 MiB pages for new shared objects: 0 never, 1 when asked (SHM_HUGETLB, "
	  "MAP_HUGETLB), 2 also for every shared object of 2 MiB or more", NULL },
	{ "vm.largepage_reserve", &vm_largepage_reserve, 0, INT_MAX,
	  "2 MiB blocks set aside for large pages (reads back what could be reserved)",
	  vm_largepage_reserve_set },
	{ "kern.watchdog_secs", &watchdog_secs, 0, 3600,
	  "report a CPU stuck, or waiting for a spinlock, this long (0: off)", NULL },
	{ "kern.dump_threads", &dump_threads_knob, 0, 1,
	  "1: print every thread's state and wait channel (as Ctrl-T does)", dump_threads },
	{ "debug.page_fail_after", &fail_after_knob, -1, INT_MAX,
	  "exhaustion tests: N more page allocations succeed, then all fail (-1: off)",
	  page_fail_after },
#if KDEBUG
	{ "debug.thread_exit_delay_us", &thread_exit_delay_us, 0, 100000,
	  "race tests: an exiting thread stays this long on its CPU after leaving "
	  "its process", NULL },
	{ "debug.clone_thread_delay_us", &clone_thread_delay_us, 0, 1000000,
	  "race tests: clone of a thread pauses this long before adding the thread "
	  "to its process", NULL },
	{ "debug.futex_wait_delay_us", &futex_wait_delay_us, 0, 1000000,
	  "race tests: a futex waiter pauses this long between finding its word's "
	  "page and checking the word", NULL },
	{ "debug.kernel_spin_ms", &kernel_spin_knob, 0, 60000,
	  "watchdog tests: the thread that sets it stays this long in the kernel "
	  "without sleeping, interrupts on", kernel_spin },
	{ "debug.tty_input", &tty_debug_input_knob, 0, 255,
	  "terminal tests: the console takes this byte as if it had been typed",
	  tty_debug_input },
#endif
#if TEACH
	{ "machdep.pmap_break", &pmap_break, 0, RULE_COUNT - 1,
	  "teaching: the pmap breaks this rule of docs/correctness.md (0: none); "
	  "see /usr/bin/lesson", NULL },
	{ "machdep.pmap_break_hits", &pmap_break_hits, 0, INT_MAX,
	  "teaching: how often the broken rule's hook fired (set 0 to restart)", NULL },
#endif
};

static const struct sysctl *lookup(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

int sysctl_get(const char *name, long *value)
{
	const struct sysctl *s = lookup(name);

	if (!s)
		return -ENOENT;
	*value = __atomic_load_n(s->value, __ATOMIC_RELAXED);
	return 0;
}

int sysctl_set(const char *name, long value)
{
	const struct sysctl *s = lookup(name);

	if (!s)
		return -ENOENT;
	if (value < s->min || value > s->max)
		return -EINVAL;
	__atomic_store_n(s->value, (int)value, __ATOMIC_RELAXED);
	if (s->set)
		s->set(value);
	return 0;
}

int sysctl_entry(int index, const struct sysctl **entry)
{
	if (index < 0 || (size_t)index >= ARRAY_SIZE(table))
		return -ENOENT;
	*entry = &table[index];
	return 0;
}

static void apply_setting(const char *name, const char *value)
{
	const char *end;
	long v = strtol_simple(value, &end);

	if (!lookup(name))
		return;
	if (*end || sysctl_set(name, v) < 0)
		printk("sysctl: ignoring bad command-line setting %s=%s\n", name, value);
	else
		printk("sysctl: %s = %ld (command line)\n", name, v);
}

void sysctl_apply_cmdline(const char *cmdline)
{
	cmdline_foreach_setting(cmdline, apply_setting);
}
