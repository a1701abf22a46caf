/*
 * System call numbers: the user/kernel ABI.
 *
 * Calling convention (x86-64 `syscall` instruction): number in rax, arguments
 * in rdi, rsi, rdx, r10, r8, r9; the result comes back in rax. A negative
 * result is -errno (uapi/errno.h). rcx and r11 are clobbered.
 */
#ifndef UAPI_SYSCALL_H
#define UAPI_SYSCALL_H

#define SYS_exit           0  /* (int code) -> does not return */
#define SYS_write          1  /* (int fd, const void *buf, size_t len) -> bytes */
#define SYS_read           2  /* (int fd, void *buf, size_t len) -> bytes */
#define SYS_fork           3  /* () -> child pid in parent, 0 in child */
#define SYS_exec           4  /* (const char *path, char *const argv[]) */
#define SYS_waitpid        5  /* (int pid or -1, int *status, int flags) -> pid */
#define SYS_getpid         6
#define SYS_getppid        7
#define SYS_kill           8  /* (int pid) -> 0 */
#define SYS_yield          9
#define SYS_sleep         10  /* (uint64_t ms) */
#define SYS_clock         11  /* (struct uclock *out) */
#define SYS_thread_create 12  /* (void (*entry)(void *), void *arg, void *stack_top) -> tid */
#define SYS_thread_exit   13  /* (int code) -> does not return */
#define SYS_thread_join   14  /* (int tid, int *code) */
#define SYS_mmap          15  /* (void *addr, size_t len, int prot, int flags, int shmid, size_t off) */
#define SYS_munmap        16  /* (void *addr, size_t len) */
#define SYS_mprotect      17  /* (void *addr, size_t len, int prot) */
#define SYS_shmget        18  /* (int key, size_t size, int flags) -> shmid */
#define SYS_shmat         19  /* (int shmid, const void *addr, int flags) -> addr */
#define SYS_shmdt         20  /* (const void *addr) */
#define SYS_shmctl        21  /* (int shmid, int cmd, struct shmid_ds *buf) */
#define SYS_vmstat        22  /* (int pid or 0 for global, struct vmstat *out) */
#define SYS_sysctl        23  /* (const char *name, long *oldval, const long *newval) */
#define SYS_ptdump        24  /* (int id, int flags, char *buf, size_t len) -> bytes */
#define SYS_pmap_verify   25  /* (char *report, size_t len) -> 0 or -EIO */
#define SYS_poweroff      26  /* (int code) -> does not return */
#define SYS_procinfo      27  /* (int index, struct procinfo *out) -> 0, -ESRCH past the end */
#define SYS_ktest         28  /* (int op, long arg): self-test reporting, see uapi/ktest.h */
#define SYS_sysctl_list   29  /* (int index, char *name, size_t len) -> 0, -ENOENT past the end */
#define SYS_gettid        30
#define SYS_initrd_name   31  /* (int index, char *buf, size_t len) -> 0, -ENOENT past the end */
#define SYS_fault_timeline 32 /* (int op, struct fault_timeline *info, uint64_t *buckets,
                                 size_t n): faults per 10 ms, see uapi/fault_timeline.h */
#define NSYSCALLS         33

#endif
