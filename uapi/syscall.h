/*
 * The project's own system calls: what Linux has no call for (the VM
 * counters, the switches, the page-table dump and checker, the self-test
 * reporting). They are numbered from 1000 up, outside Linux's range, so a
 * program that uses one gets -ENOSYS on Linux and can say so; everything
 * else is the Linux x86-64 ABI (uapi/linux_syscalls.h).
 */
#ifndef UAPI_SYSCALL_H
#define UAPI_SYSCALL_H

#define SYS_OWN_BASE        1000
#define SYS_vmstat          1000 /* (int pid or 0 for global, struct vmstat *out) */
#define SYS_sysctl          1001 /* (const char *name, long *oldval, const long *newval) */
#define SYS_sysctl_list     1002 /* (int index, char *name, size_t len, struct sysctl_info *info
                                    or NULL: uapi/sysctl.h) -> 0, -ENOENT past the end */
#define SYS_ptdump          1003 /* (int id, int flags, char *buf, size_t len) -> bytes */
#define SYS_pmap_verify     1004 /* (char *report, size_t len) -> 0 or -EIO */
#define SYS_fault_timeline  1005 /* (int op, struct fault_timeline *info, uint64_t *buckets,
                                    size_t n): faults per 10 ms, see uapi/fault_timeline.h */
#define SYS_ktest           1006 /* (int op, long arg): self-test reporting, see uapi/ktest.h */
#define SYS_procinfo        1007 /* (int index, struct procinfo *out) -> 0, -ESRCH past the end */
#define SYS_initrd_name     1008 /* (int index, char *buf, size_t len) -> 0, -ENOENT past the end */
#define SYS_poweroff        1009 /* (int code): ACPI off; `code` is printed (0: done, else failed) */
#define SYS_shm_map         1010 /* (int shmid, void *addr, size_t len, int prot, int flags,
                                    size_t off): mmap of part of a SysV segment */
#define SYS_expect_fault    1011 /* (int expected: 1 or 0) -> the previous setting, or -EINVAL:
                                    the caller's process means to die of a fault (kernel/proc.h) */
#define SYS_OWN_END         1012

#endif
