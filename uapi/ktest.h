/*
 * Self-test reporting from user space (SYS_ktest).
 *
 * The kernel counts every test case, kernel and user, and prints the final
 * "selftest: N passed, M failed" line itself, so a user test program that
 * crashes cannot hide its failures.
 */
#ifndef UAPI_KTEST_H
#define UAPI_KTEST_H

#define KTEST_OP_CASE   1  /* arg = 1 passed, 0 failed: count one test case */
#define KTEST_OP_FINISH 2  /* print the summary line and exit QEMU */
#define KTEST_OP_NSUITE 3  /* -> index the next top-level suite should use */

#endif
