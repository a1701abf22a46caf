/*
 * The user-space library: system calls, output, strings, memory allocation.
 *
 * Error convention: there is no errno. Every system call wrapper returns the
 * kernel's raw result, a negative -E... code (uapi/errno.h) on failure:
 *
 *	long n = write(1, buf, len);
 *	if (n < 0)
 *		printf("write: %s\n", strerror(n));
 *
 * Calls that return an address (mmap, shmat) return the error disguised as
 * an address in the last page of the address space (never MAP_FAILED);
 * test it with ptr_err(p), which gives the negative code or 0.
 *
 * Output: printf, puts and putchar share one stdout buffer that is flushed at
 * each newline, when full, and by exit(), fork(), exec() and readline() (so
 * a prompt without a newline shows, and a child never repeats its parent's
 * pending output). write(1, ...) bypasses the buffer.
 *
 * Threads: printf and malloc take a spin lock and are safe to call from
 * several threads. Do not fork while another thread may hold one of them.
 */
#ifndef USER_ULIB_H
#define USER_ULIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/auxv.h"
#include "uapi/errno.h"
#include "uapi/fault_timeline.h"
#include "uapi/ktest.h"
#include "uapi/linux_syscalls.h"
#include "uapi/linux_types.h"
#include "uapi/mman.h"
#include "uapi/proc.h"
#include "uapi/ptdump.h"
#include "uapi/shm.h"
#include "uapi/syscall.h"
#include "uapi/vmstat.h"
#include "uapi/wait.h"

typedef long ssize_t;

#define PAGE_SIZE 4096UL
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* The raw system call: number, then up to six arguments (syscall.S). */
long syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6);

/* Processes (sys.c). */
void exit(int code) __attribute__((noreturn));   /* flushes stdout */
void _exit(int code) __attribute__((noreturn));  /* does not */
int fork(void);                                  /* flushes stdout first */
int exec(const char *path, char *const argv[]);  /* argv NULL-terminated; passes environ */
extern char **environ;                           /* NAME=VALUE strings, NULL-terminated */
unsigned long getauxval(unsigned long type);     /* AT_* of uapi/auxv.h, 0 if absent */
int waitpid(int pid, int *status, int flags);    /* pid -1: any child */
int getpid(void);
int getppid(void);
int gettid(void);
int kill(int pid);
int yield(void);
int sleep_ms(uint64_t ms);
uint64_t clock_ms(void);                         /* monotonic; 0 if the clock fails */
uint64_t clock_ns(void);                         /* likewise */
int procinfo(int index, struct procinfo *out);   /* -ESRCH past the end */
int initrd_name(int index, char *buf, size_t len); /* -ENOENT past the end */
void poweroff(int code) __attribute__((noreturn));

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * waitpid() with a time limit: if the child is still running after
 * `timeout_ms`, it and its descendants are killed, it is reaped and -EINTR
 * is returned (*status then holds the SIGKILL status). Otherwise like
 * waitpid(pid, status, 0).
 */
int waitpid_timeout(int pid, int *status, uint64_t timeout_ms);

/*
 * For init: waitpid_timeout() that also reaps, meanwhile, every other child
 * (the orphans handed to init), so that a killed grandchild of pid does not
 * sit as a zombie, holding its pages.
 */
int waitpid_reaping(int pid, int *status, uint64_t timeout_ms);

/* I/O (sys.c). Plain file descriptors: 0 console in, 1 console out. */
ssize_t read(int fd, void *buf, size_t len);
ssize_t write(int fd, const void *buf, size_t len);

/*
 * Threads (thread.c). thread_create() runs fn(arg) in a new thread of this
 * process on a fresh 64 KiB stack; when fn returns, its value is the
 * thread's exit code. thread_join() waits for the thread, stores its code
 * and frees the stack.
 */
int thread_create(int (*fn)(void *), void *arg);  /* -> tid */
void thread_exit(int code) __attribute__((noreturn));
int thread_join(int tid, int *code);

/* Files (sys.c): this kernel has none yet (-ENOSYS); Linux's /proc for pgbench. */
int open(const char *path, int flags);           /* flags 0: read only */
int close(int fd);

/* Memory (sys.c): mmap is anonymous memory only (fd -1). */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, size_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int madvise(void *addr, size_t len, int advice);
void *brk(void *addr);                            /* the new break, or the old one */
/* The project's own: mmap of [off, off + len) of SysV segment shmid (MAP_SHARED). */
void *shm_map(int shmid, void *addr, size_t len, int prot, int flags, size_t off);

static inline long ptr_err(const void *p)
{
	long v = (long)p;

	return (v < 0 && v >= -4095) ? v : 0;
}

/* SysV shared memory (sys.c). */
int shmget(int key, size_t size, int flags);
void *shmat(int shmid, const void *addr, int flags);
int shmdt(const void *addr);
int shmctl(int shmid, int cmd, struct shmid_ds *buf);

/*
 * own_kernel: are the project's own calls here (this kernel), or -ENOSYS
 * (Linux)? own_kernel_or_say: the same, and when they are not, prints that
 * `tool` needs this kernel (util.c).
 */
bool own_kernel(void);
bool own_kernel_or_say(const char *tool);

/* VM observability and knobs (sys.c). */
int vmstat(int pid, struct vmstat *out);          /* pid 0: system-wide */
int sysctl(const char *name, long *oldval, const long *newval);
int sysctl_get(const char *name, long *val);
int sysctl_set(const char *name, long val);
int sysctl_list(int index, char *name, size_t len); /* -ENOENT past the end */
long ptdump(int id, int flags, char *buf, size_t len); /* PTDUMP_*; -> bytes */
int pmap_verify(char *report, size_t len);        /* 0, or -EIO + report */
/* Faults per 10 ms interval: FAULT_TIMELINE_START, _STOP, _READ (-> buckets
 * copied); see uapi/fault_timeline.h. */
long fault_timeline(int op, struct fault_timeline *info, uint64_t *buckets, size_t n);

/* Self-test reporting (sys.c), see uapi/ktest.h. */
int ktest_case(int ok);
int ktest_finish(void);
int ktest_nsuite(void);

/* Formatted output (printf.c): %d %i %u %x %X %p %s %c %%, the length
 * modifiers l, ll, z, flags '-' and '0', a width (or *) and, for %s, a
 * precision (or .*). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);       /* s and a newline */
int putchar(int c);
void flush_stdout(void);

/* Input (util.c): flushes stdout, reads one line from fd 0 into buf
 * without its newline, NUL-terminated, cut to len - 1 bytes. -> bytes
 * consumed including the newline (an empty line gives 1), 0 at end of
 * input, or -E. Input is buffered: do not mix with read(0, ...). */
ssize_t readline(char *buf, size_t len);

/* Strings and memory (string.c). strtol/strtoul: base 0 means 0x.. hex,
 * 0.. octal, else decimal; no overflow detection. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *d, const char *s);
char *strncpy(char *d, const char *s, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *s, const char *needle);
char *strtok_r(char *s, const char *delim, char **save);
int atoi(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);

/* Heap (malloc.c): first fit over 64 KiB+ chunks from mmap, never
 * returned to the kernel. NULL when out of memory. */
void *malloc(size_t n);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);

/* Miscellany (util.c). */
const char *strerror(long err);   /* 14 or -14 -> "EFAULT" */
void rand_seed(uint64_t seed);
uint64_t rand_next(void);         /* xorshift64*, not thread safe */
uint64_t rand_next_r(uint64_t *state); /* the same on the caller's state (never 0) */
bool has_word(int argc, char *const argv[], const char *word); /* in argv[1..argc-1]? */

/*
 * getopt(): parses "-a -b val -cval -abc" style options named in optstring
 * ("ab:c": 'b' takes an argument). Returns the option character, '?' for an
 * unknown option or a missing argument (after printing a message), -1 at the
 * first non-option or after "--"; then argv[optind] is the first operand.
 */
extern int optind;
extern char *optarg;
int getopt(int argc, char *const argv[], const char *optstring);

/* A spin lock for threads of one process; yields while it waits. */
typedef struct {
	volatile int locked;
} ulock_t;

static inline void ulock_acquire(ulock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		yield();
}

static inline void ulock_release(ulock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
