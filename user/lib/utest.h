/*
 * User-space test framework, reporting in the kernel's KTAP stream.
 *
 *	UTEST(fork_then_wait_gives_exit_status) {
 *		int pid = fork();
 *		...
 *		UT_ASSERT(pid > 0);
 *		UT_ASSERT_EQ(42, WEXITSTATUS(status));
 *	}
 *
 *	int main(int argc, char **argv) { return utest_main("proc", argc, argv); }
 *
 * Each UTEST places a descriptor in the "utests" linker section;
 * utest_main() runs them in source order, each one in a
 * forked child, and prints a KTAP subtest block indented by 4 spaces:
 *
 *	    KTAP version 1
 *	    # Subtest: proc
 *	    1..15
 *	    # user/tests/proc.c:42: UT_ASSERT_EQ(42, ...): expected 42, got 0
 *	    not ok 1 fork_then_wait_gives_exit_status
 *	    ok 2 wait_with_no_child_gives_echild
 *
 * Diagnostics come before the result line they belong to, as in KUnit,
 * and the block ends with KUnit's count of its results,
 * "    # proc: pass:14 fail:1 skip:0 total:15" (tests/ktap_check.sh adds
 * these up: the user-space cases of a boot), then, flush left for a
 * person at the shell, the same in words: "proc: 14 passed, 1 failed"
 * (", 2 skipped" added when cases were skipped).
 * A case fails if an assertion fails, if its child is killed (a fault) or
 * runs longer than UTEST_TIMEOUT_MS, if the free page count differs after
 * the child is reaped (a leak), or if pmap_verify() finds a broken invariant.
 * Every result is also counted by the kernel with ktest_case(). The
 * top-level "ok K proc" line is printed by init, not here.
 *
 * The same programs run on Linux (`make test-linux`), where the project's
 * own calls give -ENOSYS: there, own_kernel() is false, there is no
 * free page count or pmap_verify() to check after a case, and the results
 * go to tests/linux/init, which counts them in the kernel's place, as one
 * byte each on file descriptor UT_RESULT_FD. A case that tests what is
 * this kernel's own (its calls, its counters, a rule where Linux differs)
 * starts with UT_NEEDS_OWN_KERNEL("why") and is reported on Linux as
 * "ok 3 name # SKIP needs this kernel: why".
 *
 * A failed assertion returns from the function it is in, so use the
 * UT_ macros only in the case body or in void helpers (not in thread
 * functions: return an error code from those and assert on it).
 *
 * `utest_name CASE` runs only that case (for debugging by hand).
 */
#ifndef USER_UTEST_H
#define USER_UTEST_H

#include "ulib.h"

#define UTEST_TIMEOUT_MS 60000

/* The wait status of a child that exited with code (glibc's W_EXITCODE(code, 0)). */
#define W_EXITCODE(code) (((code) & 0xff) << 8)

struct utest {
	const char *name;
	void (*fn)(void);
	int line;           /* for sorting into source order */
};

#define UTEST(name)                                                          \
	static void utest_fn_##name(void);                                   \
	static const struct utest utest_desc_##name                          \
	    __attribute__((used, section("utests"), aligned(8))) =           \
		{ #name, utest_fn_##name, __LINE__ };                        \
	static void utest_fn_##name(void)

int utest_main(const char *suite, int argc, char **argv);

/*
 * At the top of a case (it runs under utest_main()): on Linux, ends it as
 * skipped with the reason "needs this kernel: why" (see the top); on this
 * kernel, does nothing.
 */
#define UT_NEEDS_OWN_KERNEL(why) ut_needs_own_kernel(why)
void ut_needs_own_kernel(const char *why);

/*
 * Ends the running case as skipped, on either kernel, with the reason
 * (printf's format): for what the system at hand lacks, such as busybox
 * in an initrd built without it. Call it before anything with a side
 * effect.
 */
void ut_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Where a case's result goes on Linux: 'p' passed, 's' skipped, 'f' failed. */
#define UT_RESULT_FD 3

/* Marks the running case failed and prints "    # file:line: message". */
void utest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * In a case's child that is about to be killed by a fault on purpose (an
 * access the kernel must refuse): declares it with expect_fault(), so
 * that the kernel's console line says "expected fault: ... (killed, as
 * the program intended)" instead of reporting a crash, and counts it in
 * vmstat's expected_kills, not crash_kills. Call it right before the
 * access, and never in a process that should live: a real crash there
 * would be labelled expected (its line would still name the fault).
 * Linux has no such call (and prints nothing when it kills).
 */
void ut_expect_fault(void);

/* The system-wide free page count, or -E... if vmstat fails. */
long ut_free_pages(void);

/*
 * Reads the free page count until it equals `expect`, sleeping a little
 * between tries so that memory the kernel frees lazily (after a TLB
 * shootdown, say) comes back. Returns the last value read.
 */
long ut_free_pages_settle(long expect);

/* True once an assertion has failed in this process. */
bool ut_failed(void);

/*
 * Waits until process pid is asleep (say, blocked in waitpid()), at most a
 * second. A child calls it on its parent before it starts allocating, so
 * the parent's own copy-on-write faults after fork() are over and cannot be
 * served from kernel heap pages the child's work grew (which would then stay
 * pinned and look like a leak).
 */
void ut_wait_asleep(int pid);

/*
 * Writes to the 8 KiB of stack below the caller. A case that compares free
 * page counts itself calls this first: its stack pages are copy-on-write
 * shared with the runner, and the first write to one after the first count
 * would allocate a page and look like a leak.
 */
void ut_touch_stack(void);

/*
 * Writes (keeping its bytes) every page of [p, p + len): storing a result
 * there later then takes no fault of its own. For counters a case reads
 * into its own frame, whose pages may not have been touched yet, before
 * the stretch they measure.
 */
void ut_touch(void *p, size_t len);

/* The counters of process pid, or of the whole system when pid is 0;
 * all zero if vmstat() fails. */
struct vmstat ut_vmstat(int pid);

/*
 * Waits (sleeping) until *p >= v, a value a partner process or thread
 * stores with release order. False after UT_WAIT_MS, or at once when the
 * caller's parent is gone: a child whose case failed and returned early
 * must not linger and hold memory into the next case.
 */
#define UT_WAIT_MS 20000         /* a partner that is this late is stuck */
bool ut_wait_for(volatile int *p, int v);

/*
 * Reads every page of the program's text and read-only data (which end
 * with the utests table), so that a measured stretch of code takes no
 * fault on its own instructions (a forked child starts without the
 * private pages of its parent mapped).
 */
void ut_prefault_image(void);

/*
 * Runs the program at path with argv in a child. The case fails unless
 * it exits 0 within UT_RUN_LIMIT_MS; past that, waitpid_timeout() kills
 * it and its descendants.
 */
#define UT_RUN_LIMIT_MS 50000    /* below UTEST_TIMEOUT_MS */
void ut_run_ok(const char *path, char *const argv[]);

/*
 * Runs the program at path with argv in a child whose standard output and
 * error go into out (at most len - 1 bytes and a NUL; the rest is read and
 * dropped, so the program never blocks on a full pipe) and whose standard
 * input is the text `input` (NULL: the caller's). Returns its exit status,
 * or -1 when it did not exit plainly within UT_RUN_LIMIT_MS (killed, timed
 * out, could not start: 100 is the child's status when execv failed).
 */
int ut_run_capture(const char *path, char *const argv[], const char *input, char *out,
                   size_t len);

/*
 * Copies standard input to standard output until end of file: the helper
 * mode `cat` of suites whose cases need a program that reads a pipe or
 * the terminal. Its exit status: 0, or 1 after a failed read or write.
 */
int ut_cat(void);

/*
 * What a long run (fuzz, stress) must give back: the kernel's counts of
 * pages, objects, segments and tables (struct vmstat) and the number of
 * processes.
 */
struct ut_census {
	struct vmstat vm;
	int procs;
};

void ut_census(struct ut_census *c);

/*
 * The census before a run, taken so that the caller allocates nothing
 * while the run goes on: its own pages are made private first (touch the
 * stack, fork once), so no copy-on-write fault of the caller's lands on
 * kernel heap the run grew. The run must start only once the caller
 * sleeps in waitpid() (ut_wait_asleep()).
 */
void ut_census_before_run(struct ut_census *c);

/*
 * Takes the census *after, once the free pages are back to before's count
 * or two seconds have passed, and compares it with *before: prints, with
 * the prefix who, each count that differs (and the processes, if their
 * number does) and a failing pmap_verify() report. Sets *leaked (free
 * pages missing) and *verify (pmap_verify's result); returns true when
 * everything came back and the page tables are sound.
 */
bool ut_census_compare(const char *who, const struct ut_census *before, struct ut_census *after,
                       long *leaked, long *verify);

#define UT_FAIL(...)                                                         \
	do {                                                                 \
		utest_fail(__FILE__, __LINE__, __VA_ARGS__);                 \
		return;                                                      \
	} while (0)

#define UT_ASSERT(expr)                                                      \
	do {                                                                 \
		if (!(expr))                                                 \
			UT_FAIL("UT_ASSERT(%s)", #expr);                     \
	} while (0)

#define UT_ASSERT_EQ(expected, actual)                                       \
	do {                                                                 \
		long long ut_e_ = (long long)(expected);                     \
		long long ut_a_ = (long long)(actual);                       \
		if (ut_e_ != ut_a_)                                          \
			UT_FAIL("UT_ASSERT_EQ(%s, %s): expected %lld (0x%llx), got %lld (0x%llx)", \
			    #expected, #actual, ut_e_, ut_e_, ut_a_, ut_a_); \
	} while (0)

#define UT_ASSERT_NE(unexpected, actual)                                     \
	do {                                                                 \
		long long ut_e_ = (long long)(unexpected);                   \
		long long ut_a_ = (long long)(actual);                       \
		if (ut_e_ == ut_a_)                                          \
			UT_FAIL("UT_ASSERT_NE(%s, %s): both are %lld (0x%llx)", \
			    #unexpected, #actual, ut_a_, ut_a_);             \
	} while (0)

/*
 * A call's result must not be an error: a raw call's -E... code (sys_*,
 * the project's own calls) or -1 from a libc call, which left its error in
 * errno. Names the error if it is one.
 */
#define UT_ASSERT_OK(result)                                                 \
	do {                                                                 \
		long long ut_r_ = (long long)(result);                       \
		if (ut_r_ < 0)                                               \
			UT_FAIL("UT_ASSERT_OK(%s): %lld (%s; errno %s)", #result, \
			    ut_r_, errname(ut_r_), errname(errno));          \
	} while (0)

#endif
