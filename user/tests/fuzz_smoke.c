/*
 * Test suite "fuzz_smoke": the system-call fuzzer (/usr/bin/fuzz) with fixed
 * seeds, a few seconds each, and the kernel bugs it found, each as a small
 * case of its own.
 *
 * /usr/bin/fuzz checks itself: it exits 0 only when no rule was broken, every
 * worker ended normally, pmap_verify() is clean and the free pages, VM
 * objects and shm segments came back (see user/bin/fuzz.c). Its output is
 * plain console text between the KTAP lines.
 */
#include "utest.h"

/* Runs /usr/bin/fuzz with the given seed, calls per worker and workers; the
 * case fails unless it exits 0 in time. */
static void run_fuzz(const char *seed, const char *iters, const char *procs)
{
	char *argv[] = { "fuzz", "-s", (char *)seed, "-n", (char *)iters, "-p", (char *)procs, NULL };

	ut_run_ok("/usr/bin/fuzz", argv);
}

/* The same with fuzz -w US: leaving threads stay US microseconds on their
 * CPUs (debug.thread_exit_delay_us, restored after the run). */
static void run_fuzz_widened(const char *seed, const char *iters, const char *procs,
                             const char *us)
{
	char *argv[] = { "fuzz", "-s", (char *)seed, "-n", (char *)iters, "-p", (char *)procs,
		"-w", (char *)us, NULL };

	ut_run_ok("/usr/bin/fuzz", argv);
}

/*
 * Each run takes about 10 s under TCG on four CPUs, well below
 * UT_RUN_LIMIT_MS: a run that reaches the limit is killed with its workers
 * and fails the case. The long runs are `make stress` and `fuzz` by hand.
 */
UTEST(fuzz_seed_1_four_workers)
{
	UT_NEEDS_OWN_KERNEL("/usr/bin/fuzz checks its answers, counters and pmap_verify");
	run_fuzz("1", "2500", "4");
}

UTEST(fuzz_seed_2_two_workers)
{
	UT_NEEDS_OWN_KERNEL("/usr/bin/fuzz checks its answers, counters and pmap_verify");
	run_fuzz("2", "4000", "2");
}

UTEST(fuzz_seed_3_eight_workers)
{
	UT_NEEDS_OWN_KERNEL("/usr/bin/fuzz checks its answers, counters and pmap_verify");
	run_fuzz("3", "1000", "8");
}

/*
 * The racers' exec and exit meet threads that are leaving their CPUs every
 * time: before 2556dfd, exec freed the address space still loaded there,
 * and this run panicked ("pmap_destroy: pmap ... is active on cpus") on
 * four CPUs.
 */
UTEST(fuzz_seed_4_exec_races_widened)
{
	UT_NEEDS_OWN_KERNEL("/usr/bin/fuzz checks its answers, counters and pmap_verify");
	run_fuzz_widened("4", "1000", "4", "20000");
}

/*
 * Found by the fuzzer: a read fault on a write-only private page that fork
 * made copy-on-write mapped it with no rights at all (the write right is
 * dropped for the copy-on-write, and write-only has no read right), and
 * pmap_enter() panicked on "bad request ... prot 0". x86 cannot map a page
 * writable but not readable, so such a page is readable (as mmap(2) allows).
 */
UTEST(read_of_write_only_page_after_fork)
{
	volatile uint64_t *p;
	int pid, status;

	p = sys_mmap(NULL, PAGE_SIZE, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err((void *)p));
	*p = 42;
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		exit(*p == 42 ? 0 : 1);   /* a read of the shared copy-on-write page */
	UT_ASSERT_EQ(42, *p);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(0, WEXITSTATUS(status));
	UT_ASSERT_EQ(0, sys_munmap((void *)p, PAGE_SIZE));
}

/*
 * Found by the fuzzer: a large mapping that was never touched (legal:
 * memory comes on first touch) made pmap_verify() walk it 2 MiB at a time
 * with the map locked and interrupts off, freezing the machine for minutes;
 * the cost of a walk must follow the page tables, not the address range.
 * Each step on a 16 TiB untouched mapping must take a moment.
 */
UTEST(huge_untouched_mapping_is_cheap_to_verify_and_unmap)
{
	UT_NEEDS_OWN_KERNEL("pmap_verify");
	const size_t len = 1UL << 44;
	uint64_t t0, t1, t2;
	void *p;

	p = sys_mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err(p));
	t0 = clock_ms();
	UT_ASSERT_EQ(0, pmap_verify(NULL, 0));
	t1 = clock_ms();
	UT_ASSERT_EQ(0, sys_munmap(p, len));
	t2 = clock_ms();
	if (t1 - t0 >= 2000 || t2 - t1 >= 2000)
		UT_FAIL("pmap_verify() took %lu ms, munmap() %lu ms, for 16 TiB never touched",
		    (unsigned long)(t1 - t0), (unsigned long)(t2 - t1));
}

int main(int argc, char **argv)
{
	return utest_main("fuzz_smoke", argc, argv);
}
