/*
 * System call wrappers: one line each over syscall6() (syscall.S). They
 * return the kernel's result unchanged, negative -E... on failure.
 */
#include "ulib.h"

#define SC0(n)                syscall6((n), 0, 0, 0, 0, 0, 0)
#define SC1(n, a)             syscall6((n), (long)(a), 0, 0, 0, 0, 0)
#define SC2(n, a, b)          syscall6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define SC3(n, a, b, c)       syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SC4(n, a, b, c, d)    syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* Ends the process (every thread) without flushing stdout. */
void _exit(int code)
{
	for (;;)
		SC1(NR_exit_group, code);
}

/* Ends the process after flushing stdout. */
void exit(int code)
{
	flush_stdout();
	_exit(code);
}

/*
 * Flushes stdout first, so buffered output is printed once, not once by the
 * parent and again by the child.
 */
int fork(void)
{
	flush_stdout();
	return SC0(NR_fork);
}

/* Replaces this program, which passes on its environment; returns only on failure. */
int exec(const char *path, char *const argv[])
{
	flush_stdout();
	return SC3(NR_execve, path, argv, environ);
}

int waitpid(int pid, int *status, int flags)
{
	return SC4(NR_wait4, pid, status, flags, 0);
}

int getpid(void)                 { return SC0(NR_getpid); }
int getppid(void)                { return SC0(NR_getppid); }
int gettid(void)                 { return SC0(NR_gettid); }
int kill(int pid)                { return SC2(NR_kill, pid, SIGKILL); }
int yield(void)                  { return SC0(NR_sched_yield); }

int sleep_ms(uint64_t ms)
{
	struct linux_timespec ts = { (int64_t)(ms / 1000), (int64_t)(ms % 1000) * 1000000 };

	return SC2(NR_nanosleep, &ts, 0);
}

uint64_t clock_ns(void)
{
	struct linux_timespec ts;

	if (SC2(NR_clock_gettime, CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

uint64_t clock_ms(void)
{
	return clock_ns() / 1000000;
}

int procinfo(int index, struct procinfo *out)
{
	return SC2(SYS_procinfo, index, out);
}

int initrd_name(int index, char *buf, size_t len)
{
	return SC3(SYS_initrd_name, index, buf, len);
}

void poweroff(int code)
{
	flush_stdout();
	for (;;)
		SC1(SYS_poweroff, code);
}

ssize_t read(int fd, void *buf, size_t len)
{
	return SC3(NR_read, fd, buf, len);
}

int open(const char *path, int flags)        { return SC3(NR_open, path, flags, 0); }
int close(int fd)                            { return SC1(NR_close, fd); }

ssize_t write(int fd, const void *buf, size_t len)
{
	return SC3(NR_write, fd, buf, len);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, size_t off)
{
	return (void *)syscall6(NR_mmap, (long)addr, (long)len, prot, flags, fd, (long)off);
}

void *shm_map(int shmid, void *addr, size_t len, int prot, int flags, size_t off)
{
	return (void *)syscall6(SYS_shm_map, shmid, (long)addr, (long)len, prot, flags,
	                        (long)off);
}

int munmap(void *addr, size_t len)           { return SC2(NR_munmap, addr, len); }
int mprotect(void *addr, size_t len, int prot) { return SC3(NR_mprotect, addr, len, prot); }
int madvise(void *addr, size_t len, int advice) { return SC3(NR_madvise, addr, len, advice); }
void *brk(void *addr)                        { return (void *)SC1(NR_brk, addr); }

int shmget(int key, size_t size, int flags)  { return SC3(NR_shmget, key, size, flags); }
void *shmat(int shmid, const void *addr, int flags)
{
	return (void *)SC3(NR_shmat, shmid, addr, flags);
}
int shmdt(const void *addr)                  { return SC1(NR_shmdt, addr); }
int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	return SC3(NR_shmctl, shmid, cmd, buf);
}

int vmstat(int pid, struct vmstat *out)      { return SC2(SYS_vmstat, pid, out); }

/* Reads the knob into *oldval (if not NULL), then sets it to *newval (if
 * not NULL). */
int sysctl(const char *name, long *oldval, const long *newval)
{
	return SC3(SYS_sysctl, name, oldval, newval);
}

int sysctl_get(const char *name, long *val)  { return sysctl(name, val, NULL); }
int sysctl_set(const char *name, long val)   { return sysctl(name, NULL, &val); }

int sysctl_list(int index, char *name, size_t len)
{
	return SC3(SYS_sysctl_list, index, name, len);
}

long ptdump(int id, int flags, char *buf, size_t len)
{
	return SC4(SYS_ptdump, id, flags, buf, len);
}

int pmap_verify(char *report, size_t len)    { return SC2(SYS_pmap_verify, report, len); }

long fault_timeline(int op, struct fault_timeline *info, uint64_t *buckets, size_t n)
{
	return SC4(SYS_fault_timeline, op, info, buckets, n);
}

int ktest_case(int ok)   { return SC2(SYS_ktest, KTEST_OP_CASE, ok ? 1 : 0); }
int ktest_finish(void)   { return SC2(SYS_ktest, KTEST_OP_FINISH, 0); }
int ktest_nsuite(void)   { return SC2(SYS_ktest, KTEST_OP_NSUITE, 0); }

/*
 * Kills pid and every process descended from it, the descendants first: a
 * process killed first would leave its children to init, unseen here, to
 * run on and allocate after the caller has moved on.
 */
static void kill_tree(int pid)
{
	struct procinfo pi;
	int i;

	for (i = 0; procinfo(i, &pi) == 0; i++)
		if (pi.ppid == pid && pi.state != PSTATE_ZOMBIE)
			kill_tree(pi.pid);
	kill(pid);
}

/*
 * Polls the child every few milliseconds; kills it and its descendants and
 * reaps it once the time is up. Returns the pid, a negative error from
 * waitpid, or -EINTR after a kill.
 */
int waitpid_reaping(int pid, int *status, uint64_t timeout_ms)
{
	uint64_t start = clock_ms();
	int r;

	for (;;) {
		r = waitpid(-1, status, WNOHANG);
		if (r == pid || r < 0)
			return r;
		if (r > 0)
			continue;
		if (clock_ms() - start >= timeout_ms)
			return waitpid_timeout(pid, status, 0);
		sleep_ms(5);
	}
}

int waitpid_timeout(int pid, int *status, uint64_t timeout_ms)
{
	uint64_t start = clock_ms();
	int r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r != 0)
			return r;
		if (clock_ms() - start >= timeout_ms)
			break;
		sleep_ms(5);
	}
	kill_tree(pid);
	r = waitpid(pid, status, 0);
	return r < 0 ? r : -EINTR;
}
