/*
 * System calls: syscall_entry (switch.asm) builds a trapframe and calls
 * syscall_dispatch(), which looks the number up in the table of
 * syscall.c: Linux x86-64 numbers, then the project's own from 1000 up.
 * Handlers take the frame and read their arguments from it (rdi, rsi, rdx,
 * r10, r8, r9); each lives with its subsystem, listed below. To add a
 * call: write its handler there, declare it here, and give it its number
 * in the table (docs/abi.md).
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/trap.h"

#define SYSCALL_VECTOR 0x100   /* trapframe.vector of a system call */
#define LINUX_NSYSCALLS 451    /* Linux numbers known (syscall_names.c) */

typedef long (*syscall_fn)(struct trapframe *tf);

void syscall_init(void);
/*
 * Runs the call tf->rax; true when every register must come back from tf
 * (rt_sigreturn), which sysret cannot do (it takes rcx and r11): the
 * entry then returns through iretq.
 */
bool syscall_dispatch(struct trapframe *tf);

/*
 * Before any return to user mode: ends the thread if its process was
 * killed, gives up the CPU when its time slice is over, and takes the
 * pending signals (signal_deliver(); syscall_nr is the call returning, or -1).
 */
void return_to_user_checks(struct trapframe *tf, long syscall_nr);

/* Linux's name of each call by number (NULL: none), for messages. */
extern const char *const linux_syscall_names[LINUX_NSYSCALLS];

/* Processes and threads (sys_proc.c). */
long sys_exit(struct trapframe *tf);
long sys_exit_group(struct trapframe *tf);
long sys_fork(struct trapframe *tf);
long sys_clone(struct trapframe *tf);
long sys_execve(struct trapframe *tf);
long sys_wait4(struct trapframe *tf);
long sys_getrusage(struct trapframe *tf);
long sys_times(struct trapframe *tf);
long sys_getpid(struct trapframe *tf);
long sys_getppid(struct trapframe *tf);
long sys_setpgid(struct trapframe *tf);
long sys_getpgid(struct trapframe *tf);
long sys_getpgrp(struct trapframe *tf);
long sys_setsid(struct trapframe *tf);
long sys_getsid(struct trapframe *tf);
long sys_gettid(struct trapframe *tf);
long sys_getuid(struct trapframe *tf);
long sys_sched_yield(struct trapframe *tf);
long sys_set_tid_address(struct trapframe *tf);
long sys_arch_prctl(struct trapframe *tf);
long sys_uname(struct trapframe *tf);
long sys_reboot(struct trapframe *tf);
long sys_sysinfo(struct trapframe *tf);
long sys_getgroups(struct trapframe *tf);
long sys_getrlimit(struct trapframe *tf);
long sys_setrlimit(struct trapframe *tf);
long sys_prlimit64(struct trapframe *tf);
long sys_getrandom(struct trapframe *tf);
long sys_set_robust_list(struct trapframe *tf);
long sys_rseq(struct trapframe *tf);
long sys_restart_syscall(struct trapframe *tf);   /* signal.c */
long sys_prctl(struct trapframe *tf);

/* Waiting for descriptors (poll.c). */
long sys_poll(struct trapframe *tf);
long sys_ppoll(struct trapframe *tf);
long sys_select(struct trapframe *tf);
long sys_pselect6(struct trapframe *tf);

/* Signals (signal.c). */
long sys_rt_sigaction(struct trapframe *tf);
long sys_rt_sigprocmask(struct trapframe *tf);
long sys_rt_sigpending(struct trapframe *tf);
long sys_rt_sigsuspend(struct trapframe *tf);
long sys_rt_sigreturn(struct trapframe *tf);
long sys_pause(struct trapframe *tf);
long sys_kill(struct trapframe *tf);
long sys_tkill(struct trapframe *tf);
long sys_tgkill(struct trapframe *tf);

/* Futexes (futex.h). */
long sys_futex(struct trapframe *tf);

/* Time (sys_time.c). */
long sys_clock_gettime(struct trapframe *tf);
long sys_nanosleep(struct trapframe *tf);
long sys_clock_nanosleep(struct trapframe *tf);
long sys_gettimeofday(struct trapframe *tf);
long sys_time(struct trapframe *tf);

/* File descriptors: the console, pipes (sys_file.c). */
long sys_read(struct trapframe *tf);
long sys_write(struct trapframe *tf);
long sys_readv(struct trapframe *tf);
long sys_writev(struct trapframe *tf);
long sys_close(struct trapframe *tf);
long sys_pipe(struct trapframe *tf);
long sys_pipe2(struct trapframe *tf);
long sys_dup(struct trapframe *tf);
long sys_dup2(struct trapframe *tf);
long sys_dup3(struct trapframe *tf);
long sys_fcntl(struct trapframe *tf);
long sys_lseek(struct trapframe *tf);
long sys_fstat(struct trapframe *tf);
long sys_ioctl(struct trapframe *tf);
long sys_pread64(struct trapframe *tf);
long sys_pwrite64(struct trapframe *tf);
long sys_sync(struct trapframe *tf);
long sys_fsync(struct trapframe *tf);

/* Names in the file system (fs/sys_fs.c). */
long sys_open(struct trapframe *tf);
long sys_stat(struct trapframe *tf);
long sys_lstat(struct trapframe *tf);
long sys_access(struct trapframe *tf);
long sys_sendfile(struct trapframe *tf);
long sys_truncate(struct trapframe *tf);
long sys_ftruncate(struct trapframe *tf);
long sys_getcwd(struct trapframe *tf);
long sys_chdir(struct trapframe *tf);
long sys_fchdir(struct trapframe *tf);
long sys_rename(struct trapframe *tf);
long sys_mkdir(struct trapframe *tf);
long sys_rmdir(struct trapframe *tf);
long sys_creat(struct trapframe *tf);
long sys_unlink(struct trapframe *tf);
long sys_symlink(struct trapframe *tf);
long sys_readlink(struct trapframe *tf);
long sys_umask(struct trapframe *tf);
long sys_getdents64(struct trapframe *tf);
long sys_openat(struct trapframe *tf);
long sys_mkdirat(struct trapframe *tf);
long sys_newfstatat(struct trapframe *tf);
long sys_unlinkat(struct trapframe *tf);
long sys_renameat(struct trapframe *tf);
long sys_symlinkat(struct trapframe *tf);
long sys_readlinkat(struct trapframe *tf);
long sys_faccessat(struct trapframe *tf);
long sys_renameat2(struct trapframe *tf);
long sys_faccessat2(struct trapframe *tf);

/* Memory and SysV shm, and the project's VM calls (sys_vm.c). */
long sys_mmap(struct trapframe *tf);
long sys_munmap(struct trapframe *tf);
long sys_mprotect(struct trapframe *tf);
long sys_madvise(struct trapframe *tf);
long sys_msync(struct trapframe *tf);
long sys_brk(struct trapframe *tf);
long sys_shmget(struct trapframe *tf);
long sys_shmat(struct trapframe *tf);
long sys_shmdt(struct trapframe *tf);
long sys_shmctl(struct trapframe *tf);
long sys_shm_map(struct trapframe *tf);
long sys_vmstat(struct trapframe *tf);
/* SYS_vmstat's counters of the whole system (/proc/vmstat and meminfo show them too). */
struct vmstat;
void vmstat_system(struct vmstat *st);
long sys_ptdump(struct trapframe *tf);
long sys_pmap_verify(struct trapframe *tf);
long sys_fault_timeline(struct trapframe *tf);

/* The project's other own calls (sys_own.c). */
long sys_sysctl(struct trapframe *tf);
long sys_sysctl_list(struct trapframe *tf);
long sys_procinfo(struct trapframe *tf);
long sys_initrd_name(struct trapframe *tf);
long sys_ktest(struct trapframe *tf);
long sys_poweroff(struct trapframe *tf);
long sys_expect_fault(struct trapframe *tf);

#endif
