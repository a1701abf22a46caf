/*
 * Host unit-test runner: walks the "ktests" section of this binary (filled by
 * KTEST() in the kernel sources listed in host.mk), runs every case against the
 * fake physical memory, and ends with "N passed, M failed".
 *
 * Usage: unittests [SUITE]   runs one suite only
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "kernel/ktest.h"
#include "tests/host/fake.h"

extern const struct ktest __start_ktests[], __stop_ktests[];

static bool current_failed;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	current_failed = true;
	printf("    # %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	const struct ktest *first = __start_ktests, *end, *t;
	int passed = 0, failed = 0;

	/* a sanitizer's report ends the run: what came before it must be out */
	setvbuf(stdout, NULL, _IOLBF, 0);
	host_phys_setup(HOST_PHYS_BYTES);
	for (; first < __stop_ktests; first = end) {
		for (end = first; end < __stop_ktests && strcmp(end->suite, first->suite) == 0;)
			end++;
		if (only && strcmp(only, first->suite) != 0)
			continue;
		printf("# suite %s\n", first->suite);
		for (t = ktest_next_in_order(first, end, 0); t; t = ktest_next_in_order(first, end, t->line)) {
			current_failed = false;
			t->fn();
			printf("%sok %s.%s\n", current_failed ? "not " : "", t->suite, t->name);
			if (current_failed)
				failed++;
			else
				passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
