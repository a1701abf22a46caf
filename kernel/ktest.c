/*
 * Runs the KTEST cases of the "ktests" section as KTAP suites. A case fails
 * when an assertion fails or when it does not leave the free-page count as
 * it found it (the leak check every suite gets for free).
 */
#include "kernel/ktest.h"
#include "kernel/ktest_run.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/page.h"

extern const struct ktest __start_ktests[], __stop_ktests[];

static bool case_failed;
static int passed, failed;
static int suites_done;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	case_failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("        # %s:%d: %s\n", file, line, msg);
}

static int count_suites(void)
{
	int n = 0;

	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++)
		if (t == __start_ktests || strcmp(t[-1].suite, t->suite) != 0)
			n++;
	return n;
}

/* Runs the suite whose cases start at `first`; returns the one after it. */
static const struct ktest *run_suite(const struct ktest *first)
{
	const struct ktest *t, *end = first;
	bool suite_ok = true;
	int n = 0;

	while (end < __stop_ktests && strcmp(end->suite, first->suite) == 0)
		end++;
	printk("    KTAP version 1\n    # Subtest: %s\n    1..%d\n",
	       first->suite, (int)(end - first));
	for (t = ktest_next_in_order(first, end, 0); t; t = ktest_next_in_order(first, end, t->line)) {
		size_t free_before = page_free_count();
		case_failed = false;
		t->fn();
		if (page_free_count() != free_before)
			ktest_fail(__FILE__, __LINE__, "leaked %ld pages",
			           (long)free_before - (long)page_free_count());
		printk("    %sok %d %s\n", case_failed ? "not " : "", ++n, t->name);
		if (case_failed) {
			failed++;
			suite_ok = false;
		} else {
			passed++;
		}
	}
	printk("%sok %d %s\n", suite_ok ? "" : "not ", ++suites_done, first->suite);
	return end;
}

void ktest_run_kernel(int user_suites)
{
	const struct ktest *t = __start_ktests;

	printk("KTAP version 1\n1..%d\n", count_suites() + user_suites);
	while (t < __stop_ktests)
		t = run_suite(t);
}

void ktest_count_case(bool ok)
{
	if (ok)
		passed++;
	else
		failed++;
}

int ktest_next_suite(void)
{
	return ++suites_done;
}

bool ktest_summary(void)
{
	printk("selftest: %d passed, %d failed\n", passed, failed);
	return failed == 0 && passed > 0;
}

void ktest_finish(void)
{
	qemu_exit(ktest_summary() ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
}
