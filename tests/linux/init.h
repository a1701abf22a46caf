/*
 * The two modes of the Linux-side /init: the user-space suites (init.c,
 * `make test-linux`) and the benchmark (bench.c, the Linux boot of `make
 * bench`). Both end QEMU through isa-debug-exit.
 */
#ifndef TESTS_LINUX_INIT_H
#define TESTS_LINUX_INIT_H

#define EXIT_PASS   0x10     /* QEMU exits (0x10 << 1) | 1 = 33 */
#define EXIT_FAIL   0x11     /* 35 */

/* Ends QEMU with code; powers Linux off if the port is refused (init.c). */
void exit_qemu(int code) __attribute__((noreturn));

/* Runs pgbench on the Linux rows of the bench matrix, then exit_qemu (bench.c). */
void linux_bench(int argc, char **argv) __attribute__((noreturn));

#endif
