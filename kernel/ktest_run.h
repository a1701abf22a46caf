/*
 * The boot self-test runner. Output is KTAP version 1 on the console: one
 * subtest block per kernel suite, then one per user test program (run by
 * init), and finally "selftest: N passed, M failed" counted over every case.
 */
#ifndef KERNEL_KTEST_RUN_H
#define KERNEL_KTEST_RUN_H

#include "kernel/types.h"

/*
 * Prints the KTAP header with a plan of the kernel suites plus
 * `user_suites`, then runs every kernel suite.
 */
void ktest_run_kernel(int user_suites);
/* Counts one case reported from user space. */
void ktest_count_case(bool passed);
/* Top-level number for the next suite (kernel suites come first). */
int ktest_next_suite(void);
/*
 * Prints the summary line; true when every case passed (and there were
 * some).
 */
bool ktest_summary(void);
/* Prints the summary line and leaves QEMU with the pass or fail status. */
void ktest_finish(void) __attribute__((noreturn));

#endif
