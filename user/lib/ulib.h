/*
 * The project's own user library, on top of musl (the C library every
 * program here is built against, `musl-gcc -static`).
 *
 * musl gives the C library: stdio, strings, malloc, errno, pthreads,
 * getopt, and the POSIX and Linux calls with their usual convention (-1 and
 * errno on failure). This library adds only what is the project's own:
 *
 * - the project's system calls (numbers from 1000 up, uapi/syscall.h):
 *   vmstat, sysctl, ptdump, pmap_verify, ... They exist only on this
 *   kernel; own_kernel() tells, own_kernel_or_say() also says so;
 * - the raw calls sys_NAME() of the tests and the fuzzer, which must see
 *   the kernel's exact answer: they return it unchanged, a negative -E...
 *   code on failure (errname() names it), and never touch errno;
 * - small helpers the programs share (time, a PRNG, waiting with a limit).
 *
 * Every function declared here returns the kernel's raw result: negative
 * -E... on failure. An address that may be an error (sys_mmap, sys_shmat,
 * shm_map) is tested with ptr_err(p), which gives the negative code or 0.
 */
#ifndef USER_ULIB_H
#define USER_ULIB_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/fault_timeline.h"
#include "uapi/ktest.h"
#include "uapi/linux_syscalls.h"
#include "uapi/linux_types.h"      /* Linux's flags that musl leaves to the kernel headers */
#include "uapi/proc.h"
#include "uapi/ptdump.h"
#include "uapi/syscall.h"
#include "uapi/sysctl.h"
#include "uapi/vmstat.h"

/* musl's PAGE_SIZE (limits.h) is an int; the programs compute addresses with it. */
#undef PAGE_SIZE
#define PAGE_SIZE 4096UL
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* The raw system call: number, then up to six arguments (syscall.S). */
long syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6);

static inline long ptr_err(const void *p)
{
	long v = (long)p;

	return (v < 0 && v >= -4095) ? v : 0;
}

/* ---- The project's own calls (own.c), this kernel only ---- */

int vmstat(int pid, struct vmstat *out);          /* pid 0: system-wide */
int sysctl(const char *name, long *oldval, const long *newval);
int sysctl_get(const char *name, long *val);
int sysctl_set(const char *name, long val);
int sysctl_list(int index, char *name, size_t len); /* -ENOENT past the end */
/* The same, and the knob's range and help in *info. */
int sysctl_about(int index, char *name, size_t len, struct sysctl_info *info);
long ptdump(int id, int flags, char *buf, size_t len); /* PTDUMP_*; -> bytes */
int pmap_verify(char *report, size_t len);        /* 0, or -EIO + report */
/* Faults per 10 ms interval: FAULT_TIMELINE_START, _STOP, _READ (-> buckets
 * copied); see uapi/fault_timeline.h. */
long fault_timeline(int op, struct fault_timeline *info, uint64_t *buckets, size_t n);
int procinfo(int index, struct procinfo *out);   /* -ESRCH past the end */
int initrd_name(int index, char *buf, size_t len); /* -ENOENT past the end */
/* mmap of [off, off + len) of SysV segment shmid (MAP_SHARED). */
void *shm_map(int shmid, void *addr, size_t len, int prot, int flags, size_t off);
/* The caller's process is about to die of a fault on purpose (expected 1),
 * or no longer (0): the kernel then reports and counts that kill as
 * expected, not as a crash. Returns the previous setting (kernel/proc.h). */
int expect_fault(int expected);
/* Flushes stdio, then powers off through the test exit port with code. */
void poweroff(int code) __attribute__((noreturn));

/* Self-test reporting, see uapi/ktest.h. */
int ktest_case(int ok);
int ktest_finish(void);
int ktest_nsuite(void);

/*
 * own_kernel: are the project's own calls here (this kernel), or -ENOSYS
 * (Linux)? own_kernel_or_say: the same, and when they are not, prints that
 * `tool` needs this kernel (util.c).
 */
bool own_kernel(void);
bool own_kernel_or_say(const char *tool);

/* ---- The programs of the initrd (programs.c) ---- */

/* One line of user/etc/programs: "/usr/bin/NAME" or "/tests/NAME", and what it does. */
struct program {
	const char *path;
	const char *what;
};

extern const struct program program_list[];
extern const size_t program_count;

/* Prints the programs of /usr/bin, then those of /tests, each with its line
 * (ownsh's `help`, programs). */
void print_programs(void);

/* The text of user/etc/motd, which init prints before the first shell. */
extern const char motd[];

/* ---- Raw Linux calls (own.c): the kernel's answer, -E... on failure ---- */

void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
long sys_munmap(void *addr, size_t len);
long sys_mprotect(void *addr, size_t len, int prot);
long sys_madvise(void *addr, size_t len, int advice);
long sys_brk(void *addr);                        /* the new break, or the old one */
long sys_shmget(long key, size_t size, int flags);
void *sys_shmat(int shmid, const void *addr, int flags);
long sys_shmdt(const void *addr);
long sys_shmctl(int shmid, int cmd, void *buf);
long sys_waitpid(int pid, int *status, int flags);   /* wait4 without rusage */
long sys_execve(const char *path, char *const argv[], char *const envp[]);
long sys_kill(int pid, int sig);
long sys_read(int fd, void *buf, size_t len);
long sys_write(int fd, const void *buf, size_t len);

/* The symbolic name of an error code, given as 14 or -14 ("EFAULT"). */
const char *errname(long err);

/* ---- Helpers (util.c) ---- */

int sleep_ms(uint64_t ms);

/*
 * Makes stdout write whole lines as they end, wherever it goes. On a pipe
 * musl buffers stdout fully, and a process that forks would hand each
 * child its half-filled buffer, which the child writes again at exit:
 * every program that forks calls this first.
 */
void stdout_by_lines(void);

/* v with its thousands grouped by commas ("4,194,305"), in buf. */
const char *grouped(uint64_t v, char buf[32]);
uint64_t clock_ms(void);                         /* monotonic; 0 if the clock fails */
uint64_t clock_ns(void);                         /* likewise */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * waitpid() with a time limit: if the child is still running after
 * `timeout_ms`, it and its descendants are killed (on this kernel, which
 * can list them), it is reaped and -EINTR is returned (*status then holds
 * the SIGKILL status). Otherwise like waitpid(pid, status, 0), but -E...
 * on failure.
 */
int waitpid_timeout(int pid, int *status, uint64_t timeout_ms);

/*
 * For init: waitpid_timeout() that also reaps, meanwhile, every other child
 * (the orphans handed to init), so that a killed grandchild of pid does not
 * sit as a zombie, holding its pages.
 */
int waitpid_reaping(int pid, int *status, uint64_t timeout_ms);

/*
 * Runs /usr/bin/pgbench with argv as run number `run` of a `make bench` matrix
 * (bench_run.c): waits for it (killing it after limit_ms: a hung run, not
 * a slow one) and prints the line "bench: kind=status run=N status=S ms=T"
 * that the report reads. 0 when it exited 0.
 */
#define BENCH_RUN_LIMIT_MS (10 * 60 * 1000UL)        /* make bench's runs */
#define BENCH_SCALE_RUN_LIMIT_MS (60 * 60 * 1000UL)  /* make bench-scale's */
int bench_run_pgbench(char *const argv[], int run, uint64_t limit_ms);

/*
 * The matrix of make bench-scale, on both kernels (user/bin/bench.c
 * `bench scale`, tests/linux/bench.c): fork mode, writing, these client
 * counts on these buffer sizes. A run on private 4 KiB tables (this
 * kernel's sharing off, Linux's 4 KiB pages) whose startup would take more
 * than BENCH_SCALE_FAULT_CAP faults is skipped (reason=cap): at the
 * 150k-300k faults/s of TCG here its startup alone takes 30-55 s and the
 * whole run (restart and checks) 2-3 minutes, so that each capped curve
 * finishes within about 10 minutes. With the word `quick` the largest
 * buffer's curves stop at BENCH_SCALE_QUICK_CLIENTS (reason=quick).
 */
#define BENCH_SCALE_CLIENTS 1, 8, 32, 64, 128, 256
#define BENCH_SCALE_MIBS 256, 2048
#define BENCH_SCALE_FAULT_CAP (1UL << 23)   /* 128 x 256 MiB, 16 x 2 GiB */
#define BENCH_SCALE_QUICK_CLIENTS 64

void rand_seed(uint64_t seed);
uint64_t rand_next(void);         /* xorshift64*, not thread safe */
uint64_t rand_next_r(uint64_t *state); /* the same on the caller's state (never 0) */
bool has_word(int argc, char *const argv[], const char *word); /* in argv[1..argc-1]? */

/*
 * Arguments of the project's tools, refused the same way everywhere: the
 * tool, the argument, the reason and the limit on one line of stderr,
 * then exit status 2, so that a student (and user/tests/tools.c) learns
 * what was wrong and a script can tell a refusal from a failure.
 *
 * arg_refuse: prints "TOOL: ARG: REASON" (REASON printf-formatted), exits 2.
 * arg_long: arg as an integer (decimal, or 0x hex) in [min, max], or
 * refused: "pgbench: -c 300: at most 256 clients"; name is the option
 * ("-c") or NULL for an operand, unit names what min and max count.
 * help_wanted: is argv[1] -h or --help (--help is not a getopt option).
 */
void arg_refuse(const char *tool, const char *arg, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
long arg_long(const char *tool, const char *name, const char *arg, long min, long max,
    const char *unit);
bool help_wanted(int argc, char *const argv[]);

#endif
