/*
 * The project's own system calls and the raw Linux calls of the tests: one
 * line each over syscall6() (syscall.S). They return the kernel's result
 * unchanged, negative -E... on failure, and leave errno alone.
 */
#include "ulib.h"

#define SC1(n, a)             syscall6((n), (long)(a), 0, 0, 0, 0, 0)
#define SC2(n, a, b)          syscall6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define SC3(n, a, b, c)       syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SC4(n, a, b, c, d)    syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* ---- the project's own calls ---- */

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

int sysctl_about(int index, char *name, size_t len, struct sysctl_info *info)
{
	return SC4(SYS_sysctl_list, index, name, len, info);
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

int procinfo(int index, struct procinfo *out)
{
	return SC2(SYS_procinfo, index, out);
}

int initrd_name(int index, char *buf, size_t len)
{
	return SC3(SYS_initrd_name, index, buf, len);
}

void *shm_map(int shmid, void *addr, size_t len, int prot, int flags, size_t off)
{
	return (void *)syscall6(SYS_shm_map, shmid, (long)addr, (long)len, prot, flags,
	                        (long)off);
}

int expect_fault(int expected)   { return SC1(SYS_expect_fault, expected); }

void poweroff(int code)
{
	fflush(NULL);
	for (;;)
		SC1(SYS_poweroff, code);
}

int ktest_case(int ok)   { return SC2(SYS_ktest, KTEST_OP_CASE, ok ? 1 : 0); }
int ktest_finish(void)   { return SC2(SYS_ktest, KTEST_OP_FINISH, 0); }
int ktest_nsuite(void)   { return SC2(SYS_ktest, KTEST_OP_NSUITE, 0); }

/* ---- raw Linux calls ---- */

void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	return (void *)syscall6(NR_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

long sys_munmap(void *addr, size_t len)              { return SC2(NR_munmap, addr, len); }
long sys_mprotect(void *addr, size_t len, int prot)  { return SC3(NR_mprotect, addr, len, prot); }
long sys_madvise(void *addr, size_t len, int advice) { return SC3(NR_madvise, addr, len, advice); }
long sys_brk(void *addr)                             { return SC1(NR_brk, addr); }
long sys_shmget(long key, size_t size, int flags)    { return SC3(NR_shmget, key, size, flags); }

void *sys_shmat(int shmid, const void *addr, int flags)
{
	return (void *)SC3(NR_shmat, shmid, addr, flags);
}

long sys_shmdt(const void *addr)                     { return SC1(NR_shmdt, addr); }
long sys_shmctl(int shmid, int cmd, void *buf)       { return SC3(NR_shmctl, shmid, cmd, buf); }
long sys_waitpid(int pid, int *status, int flags)    { return SC4(NR_wait4, pid, status, flags, 0); }

long sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return SC3(NR_execve, path, argv, envp);
}

long sys_kill(int pid, int sig)                      { return SC2(NR_kill, pid, sig); }
long sys_read(int fd, void *buf, size_t len)         { return SC3(NR_read, fd, buf, len); }
long sys_write(int fd, const void *buf, size_t len)  { return SC3(NR_write, fd, buf, len); }
