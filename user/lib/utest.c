/*
 * The user test runner (see utest.h): runs each UTEST in a forked child,
 * checks the child's fate and, on this kernel, the free-page balance and
 * the pmap invariants, and prints one KTAP result line per case.
 */
#include <elf.h>

#include "utest.h"

#define MAX_CASES 256
#define INDENT "    "        /* a nested KTAP block */
#define SKIP_EXIT 77         /* a skipped case's exit code (automake's) */

/* The bounds of the section "utests", which the linker provides for every
 * section whose name is a C identifier; weak, since a program that uses
 * only the census (fuzz, stress) has no cases and no such section. */
extern const struct utest __start_utests[] __attribute__((weak));
extern const struct utest __stop_utests[] __attribute__((weak));

enum result { PASS = 'p', SKIP = 's', FAIL = 'f' };   /* the bytes of UT_RESULT_FD */

static bool case_failed;     /* set in the child by a failed assertion */
static char report[4096];    /* pmap_verify() output */
/* A page shared with the cases, where a skipped one leaves its reason for
 * the runner's result line. */
static char *skip_reason;

void ut_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(skip_reason, PAGE_SIZE, fmt, ap);
	va_end(ap);
	exit(SKIP_EXIT);
}

void ut_needs_own_kernel(const char *why)
{
	if (!own_kernel())
		ut_skip("needs this kernel: %s", why);
}

void utest_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	case_failed = true;
	printf(INDENT "# %s:%d: %s\n", file, line, msg);
}

bool ut_failed(void)
{
	return case_failed;
}

void ut_wait_asleep(int pid)
{
	struct procinfo pi;
	uint64_t start = clock_ms();
	bool found;
	int i;

	do {
		found = false;
		for (i = 0; procinfo(i, &pi) == 0; i++) {
			if (pi.pid == pid) {
				found = true;
				break;
			}
		}
		if (!found || pi.state != PSTATE_RUNNING)
			return;
		sched_yield();
	} while (clock_ms() - start < 1000);
}

void ut_expect_fault(void)
{
	int r = expect_fault(1);

	if (r < 0 && r != -ENOSYS)
		printf(INDENT "# expect_fault: %s\n", errname(r));
}

long ut_free_pages(void)
{
	struct vmstat vs;
	int r = vmstat(0, &vs);

	return r < 0 ? r : (long)vs.free_pages;
}

long ut_free_pages_settle(long expect)
{
	long now = ut_free_pages();
	int i;

	for (i = 0; i < 20 && now >= 0 && now != expect; i++) {
		sleep_ms(5);
		now = ut_free_pages();
	}
	return now;
}

struct vmstat ut_vmstat(int pid)
{
	struct vmstat vs;

	memset(&vs, 0, sizeof(vs));
	vmstat(pid, &vs);
	return vs;
}

bool ut_wait_for(volatile int *p, int v)
{
	uint64_t t0 = clock_ms();
	int parent = getppid();

	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) < v) {
		if (clock_ms() - t0 > UT_WAIT_MS || getppid() != parent)
			return false;
		sleep_ms(1);
	}
	return true;
}

void ut_prefault_image(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	size_t n = getauxval(AT_PHNUM), i;
	uintptr_t base = 0, a;

	/* A static-pie program is loaded at a base: PT_PHDR's address tells it. */
	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			base = (uintptr_t)ph - ph[i].p_vaddr;
	for (i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD || (ph[i].p_flags & PF_W))
			continue;
		for (a = (base + ph[i].p_vaddr) & ~(PAGE_SIZE - 1);
		    a < base + ph[i].p_vaddr + ph[i].p_memsz; a += PAGE_SIZE)
			(void)*(volatile char *)a;
	}
}

void ut_run_ok(const char *path, char *const argv[])
{
	int pid, status, r;

	/*
	 * The program may compare the kernel's counts before and after its
	 * run (fuzz, stress): this waiting loop's own first touches (its
	 * stack, the code of the calls it makes) come before, not during.
	 */
	ut_touch_stack();
	(void)clock_ms();
	sleep_ms(0);
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		execv(path, argv);
		_exit(100);
	}
	r = waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS);
	UT_ASSERT_EQ(pid, r);
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(0, WEXITSTATUS(status));
}

/* The child of ut_run_capture: stdin from in (unless -1), stdout and stderr to res. */
static void __attribute__((noreturn)) exec_captured(const char *path, char *const argv[],
                                                    int in, int res)
{
	if ((in >= 0 && dup2(in, 0) != 0) || dup2(res, 1) != 1 || dup2(res, 2) != 2)
		_exit(101);
	execv(path, argv);
	_exit(100);
}

int ut_run_capture(const char *path, char *const argv[], const char *input, char *out,
                   size_t len)
{
	int res[2], in[2] = { -1, -1 }, pid, status;
	char drop[512];
	size_t n = 0;
	long got;

	out[0] = '\0';
	if (pipe2(res, O_CLOEXEC) < 0 || (input && pipe2(in, O_CLOEXEC) < 0))
		return -1;
	pid = fork();
	if (pid == 0)
		exec_captured(path, argv, in[0], res[1]);
	close(res[1]);
	if (input) {
		close(in[0]);
		if (pid > 0)   /* a short input: the pipe holds it all */
			(void)!write(in[1], input, strlen(input));
		close(in[1]);
	}
	if (pid < 0) {
		close(res[0]);
		return -1;
	}
	while ((got = read(res[0], n < len - 1 ? out + n : drop,
	    n < len - 1 ? len - 1 - n : sizeof(drop))) > 0)
		if (n < len - 1)
			n += (size_t)got;
	out[n] = '\0';
	close(res[0]);
	if (waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int ut_cat(void)
{
	char buf[256];
	long n;

	while ((n = read(0, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			return 1;
	return n < 0;
}

/* Prints each line of text as a KTAP diagnostic. */
static void print_diag_lines(char *text)
{
	char *line, *save;

	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		printf(INDENT "# %s\n", line);
}

/*
 * Runs one case in a child and judges it; prints diagnostics unless quiet.
 * On Linux there is no free page count or pmap_verify(): the assertions
 * and the child's fate alone decide.
 */
static enum result run_case(const struct utest *c, bool quiet)
{
	long before, after;
	int pid, status, r;
	bool ok = true;

	before = ut_free_pages();
	if (skip_reason)
		skip_reason[0] = '\0';
	pid = fork();
	if (pid < 0) {
		if (!quiet)
			printf(INDENT "# fork: %s\n", strerror(errno));
		return FAIL;
	}
	if (pid == 0) {
		ut_wait_asleep(getppid());
		c->fn();
		exit(case_failed ? 1 : 0);
	}

	r = waitpid_timeout(pid, &status, UTEST_TIMEOUT_MS);
	if (r == -EINTR) {
		ok = false;
		if (!quiet)
			printf(INDENT "# timed out after %d ms\n", UTEST_TIMEOUT_MS);
	} else if (r != pid) {
		if (!quiet)
			printf(INDENT "# waitpid: %s\n", errname(r));
		return FAIL;    /* the child's fate is unknown: skip the rest */
	} else if (WIFSIGNALED(status)) {
		ok = false;
		if (!quiet)
			printf(INDENT "# killed by signal %d\n", WTERMSIG(status));
	} else if (WEXITSTATUS(status) == SKIP_EXIT && skip_reason && skip_reason[0]) {
		return SKIP;
	} else if (WEXITSTATUS(status) != 0) {
		ok = false;     /* 1: the child printed its failed assertion */
		if (!quiet && WEXITSTATUS(status) != 1)
			printf(INDENT "# exit status %d\n", WEXITSTATUS(status));
	}

	if (!own_kernel())
		return ok ? PASS : FAIL;
	if (before >= 0) {
		after = ut_free_pages_settle(before);
		if (after != before) {
			ok = false;
			if (!quiet)
				printf(INDENT "# leak: %ld free pages before, %ld after\n",
				    before, after);
		}
	}

	r = pmap_verify(report, sizeof(report));
	if (r == -EIO) {
		ok = false;
		if (!quiet) {
			report[sizeof(report) - 1] = '\0';
			printf(INDENT "# pmap_verify failed:\n");
			print_diag_lines(report);
		}
	}
	return ok ? PASS : FAIL;
}

/* Counts a result with the kernel or, on Linux, with tests/linux/init. */
static void count_result(enum result r)
{
	char byte = (char)r;

	if (own_kernel())
		ktest_case(r != FAIL);
	else
		write(UT_RESULT_FD, &byte, 1);
}

static void nothing(void)
{
}

void ut_touch(void *p, size_t len)
{
	volatile char *c = p;
	size_t off;

	for (off = 0; off < len; off += PAGE_SIZE - ((uintptr_t)(c + off) & (PAGE_SIZE - 1)))
		c[off] = c[off];
	if (len)
		c[len - 1] = c[len - 1];
}

/* See utest.h. noinline: the pad must lie below the caller's frame. */
void __attribute__((noinline)) ut_touch_stack(void)
{
	volatile char pad[8192];
	size_t i;

	for (i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
}

int utest_main(const char *suite, int argc, char **argv)
{
	static const struct utest warmup = { "warmup", nothing, 0 };
	const struct utest *cases[MAX_CASES], *c;
	const char *only = argc > 1 ? argv[1] : NULL;
	int n = 0, passed = 0, skipped = 0, failed = 0, i, j;
	enum result r;

	/* Whole lines at once, wherever stdout goes: a case's child must not
	 * inherit half a line, nor lose one when it is killed. */
	stdout_by_lines();

	/* Collect the cases in source order (the compiler may emit them in
	 * any order): insertion sort by line. */
	for (c = __start_utests; c < __stop_utests && n < MAX_CASES; c++) {
		if (only && strcmp(only, c->name) != 0)
			continue;
		for (j = n++; j > 0 && cases[j - 1]->line > c->line; j--)
			cases[j] = cases[j - 1];
		cases[j] = c;
	}
	if (only && n == 0) {
		printf("%s: no test case named %s\n", suite, only);
		return 1;
	}

	skip_reason = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (skip_reason == MAP_FAILED) {
		printf("%s: mmap: %s\n", suite, strerror(errno));
		return 1;
	}

	/* One untimed, unreported round first, so that caches the kernel
	 * fills on first use are not mistaken for a leak of the first case. */
	ut_touch_stack();
	run_case(&warmup, true);

	printf(INDENT "KTAP version 1\n");
	printf(INDENT "# Subtest: %s\n", suite);
	printf(INDENT "1..%d\n", n);
	for (i = 0; i < n; i++) {
		r = run_case(cases[i], false);
		count_result(r);
		if (r == PASS) {
			passed++;
			printf(INDENT "ok %d %s\n", i + 1, cases[i]->name);
		} else if (r == SKIP) {
			skipped++;
			printf(INDENT "ok %d %s # SKIP %s\n", i + 1, cases[i]->name, skip_reason);
		} else {
			failed++;
			printf(INDENT "not ok %d %s\n", i + 1, cases[i]->name);
		}
	}
	printf(INDENT "# %s: pass:%d fail:%d skip:%d total:%d\n", suite, passed, failed, skipped, n);
	/* The verdict in words for whoever ran the program at the shell, flush
	 * left below the indented KTAP block; tests/ktap_check.sh, which
	 * judges the block, passes over a line that is not KTAP. */
	if (skipped)
		printf("%s: %d passed, %d failed, %d skipped\n", suite, passed, failed, skipped);
	else
		printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}
