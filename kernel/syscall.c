/*
 * The system call table: Linux x86-64 numbers (uapi/linux_syscalls.h) and
 * the project's own calls from 1000 up (uapi/syscall.h), each mapped to a
 * handler that lives beside the subsystem it serves (see syscall.h). Every
 * pointer from user space goes through copyin/copyout (mm/uaccess.h), so a
 * bad one gives -EFAULT and never a kernel fault. A number with no handler
 * gives -ENOSYS, and the first time, a console line with its Linux name.
 */
#include "kernel/syscall.h"
#include "kernel/cpu.h"
#include "kernel/futex.h"
#include "kernel/gdt.h"
#include "kernel/printk.h"
#include "kernel/profile.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "mm/phys.h"
#include "uapi/errno.h"
#include "uapi/linux_syscalls.h"
#include "uapi/syscall.h"
#include "uapi/wait.h"

#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_SFMASK 0xc0000084
#define RFLAGS_USER_MASK 0xcd5UL   /* CF PF AF ZF SF DF OF: what user code may keep */

void syscall_entry(void);

/* The Linux calls, by number. */
static const syscall_fn linux_calls[LINUX_NSYSCALLS] = {
	[NR_read] = sys_read,
	[NR_write] = sys_write,
	[NR_close] = sys_close,
	[NR_fstat] = sys_fstat,
	[NR_lseek] = sys_lseek,
	[NR_mmap] = sys_mmap,
	[NR_mprotect] = sys_mprotect,
	[NR_munmap] = sys_munmap,
	[NR_brk] = sys_brk,
	[NR_rt_sigaction] = sys_rt_sigaction,
	[NR_rt_sigprocmask] = sys_rt_sigprocmask,
	[NR_ioctl] = sys_ioctl,
	[NR_readv] = sys_readv,
	[NR_writev] = sys_writev,
	[NR_pipe] = sys_pipe,
	[NR_sched_yield] = sys_sched_yield,
	[NR_madvise] = sys_madvise,
	[NR_msync] = sys_msync,
	[NR_shmget] = sys_shmget,
	[NR_shmat] = sys_shmat,
	[NR_shmctl] = sys_shmctl,
	[NR_nanosleep] = sys_nanosleep,
	[NR_dup] = sys_dup,
	[NR_dup2] = sys_dup2,
	[NR_getpid] = sys_getpid,
	[NR_clone] = sys_clone,
	[NR_fork] = sys_fork,
	[NR_vfork] = sys_fork,          /* a fork: correct for every child that execs or exits */
	[NR_execve] = sys_execve,
	[NR_exit] = sys_exit,
	[NR_wait4] = sys_wait4,
	[NR_kill] = sys_kill,
	[NR_uname] = sys_uname,
	[NR_shmdt] = sys_shmdt,
	[NR_fcntl] = sys_fcntl,
	[NR_getrusage] = sys_getrusage,
	[NR_times] = sys_times,
	[NR_getuid] = sys_getuid,
	[NR_getgid] = sys_getuid,
	[NR_geteuid] = sys_getuid,
	[NR_getegid] = sys_getuid,
	[NR_setpgid] = sys_setpgid,
	[NR_getppid] = sys_getppid,
	[NR_getpgrp] = sys_getpgrp,
	[NR_setsid] = sys_setsid,
	[NR_getpgid] = sys_getpgid,
	[NR_getsid] = sys_getsid,
	[NR_arch_prctl] = sys_arch_prctl,
	[NR_reboot] = sys_reboot,
	[NR_gettid] = sys_gettid,
	[NR_futex] = sys_futex,
	[NR_set_tid_address] = sys_set_tid_address,
	[NR_clock_gettime] = sys_clock_gettime,
	[NR_clock_nanosleep] = sys_clock_nanosleep,
	[NR_gettimeofday] = sys_gettimeofday,
	[NR_time] = sys_time,
	[NR_sync] = sys_sync,
	[NR_fsync] = sys_fsync,
	[NR_fdatasync] = sys_fsync,     /* no metadata is ever written back either */
	[NR_exit_group] = sys_exit_group,
	[NR_dup3] = sys_dup3,
	[NR_pipe2] = sys_pipe2,
	[NR_open] = sys_open,
	[NR_stat] = sys_stat,
	[NR_lstat] = sys_lstat,
	[NR_pread64] = sys_pread64,
	[NR_pwrite64] = sys_pwrite64,
	[NR_access] = sys_access,
	[NR_sendfile] = sys_sendfile,
	[NR_truncate] = sys_truncate,
	[NR_ftruncate] = sys_ftruncate,
	[NR_getcwd] = sys_getcwd,
	[NR_chdir] = sys_chdir,
	[NR_fchdir] = sys_fchdir,
	[NR_rename] = sys_rename,
	[NR_mkdir] = sys_mkdir,
	[NR_rmdir] = sys_rmdir,
	[NR_creat] = sys_creat,
	[NR_unlink] = sys_unlink,
	[NR_symlink] = sys_symlink,
	[NR_readlink] = sys_readlink,
	[NR_umask] = sys_umask,
	[NR_getdents64] = sys_getdents64,
	[NR_openat] = sys_openat,
	[NR_mkdirat] = sys_mkdirat,
	[NR_newfstatat] = sys_newfstatat,
	[NR_unlinkat] = sys_unlinkat,
	[NR_renameat] = sys_renameat,
	[NR_symlinkat] = sys_symlinkat,
	[NR_readlinkat] = sys_readlinkat,
	[NR_faccessat] = sys_faccessat,
	[NR_renameat2] = sys_renameat2,
	[NR_faccessat2] = sys_faccessat2,
	[NR_rt_sigreturn] = sys_rt_sigreturn,
	[NR_rt_sigpending] = sys_rt_sigpending,
	[NR_rt_sigsuspend] = sys_rt_sigsuspend,
	[NR_pause] = sys_pause,
	[NR_tkill] = sys_tkill,
	[NR_tgkill] = sys_tgkill,
	/* poll (poll.c); what busybox's ps, free, sysctl, uptime and the C libraries ask. */
	[NR_poll] = sys_poll,
	[NR_select] = sys_select,
	[NR_ppoll] = sys_ppoll,
	[NR_pselect6] = sys_pselect6,
	[NR_sysinfo] = sys_sysinfo,
	[NR_getgroups] = sys_getgroups,
	[NR_getrlimit] = sys_getrlimit,
	[NR_setrlimit] = sys_setrlimit,
	[NR_prlimit64] = sys_prlimit64,
	[NR_getrandom] = sys_getrandom,
	[NR_set_robust_list] = sys_set_robust_list,
	[NR_rseq] = sys_rseq,
	[NR_restart_syscall] = sys_restart_syscall,
	[NR_prctl] = sys_prctl,
};

/* The project's own calls, by number - SYS_OWN_BASE. */
static const syscall_fn own_calls[SYS_OWN_END - SYS_OWN_BASE] = {
	[SYS_vmstat - SYS_OWN_BASE] = sys_vmstat,
	[SYS_sysctl - SYS_OWN_BASE] = sys_sysctl,
	[SYS_sysctl_list - SYS_OWN_BASE] = sys_sysctl_list,
	[SYS_ptdump - SYS_OWN_BASE] = sys_ptdump,
	[SYS_pmap_verify - SYS_OWN_BASE] = sys_pmap_verify,
	[SYS_fault_timeline - SYS_OWN_BASE] = sys_fault_timeline,
	[SYS_ktest - SYS_OWN_BASE] = sys_ktest,
	[SYS_procinfo - SYS_OWN_BASE] = sys_procinfo,
	[SYS_initrd_name - SYS_OWN_BASE] = sys_initrd_name,
	[SYS_poweroff - SYS_OWN_BASE] = sys_poweroff,
	[SYS_shm_map - SYS_OWN_BASE] = sys_shm_map,
	[SYS_expect_fault - SYS_OWN_BASE] = sys_expect_fault,
};

/* Linux numbers already reported as missing (one line each). */
static uint64_t reported[(LINUX_NSYSCALLS + 63) / 64];

/* The handler of call n, or NULL. */
static syscall_fn lookup(uint64_t n)
{
	if (n < LINUX_NSYSCALLS)
		return linux_calls[n];
	if (n >= SYS_OWN_BASE && n < SYS_OWN_END)
		return own_calls[n - SYS_OWN_BASE];
	return NULL;
}

/* Says once per Linux number which call a program wanted and did not get. */
static void report_missing(uint64_t n)
{
	const char *name;

	if (n >= LINUX_NSYSCALLS)
		return;
	if (__atomic_fetch_or(&reported[n / 64], 1UL << (n % 64), __ATOMIC_RELAXED) &
	    (1UL << (n % 64)))
		return;
	name = linux_syscall_names[n];
	printk("syscall: %s (%lu) is not implemented: -ENOSYS (pid %d, %s)\n",
	       name ? name : "unknown", (unsigned long)n, current_proc()->pid,
	       current_proc()->name);
}

void syscall_init(void)
{
	wrmsr(MSR_STAR, ((uint64_t)(SEL_KDATA) << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/*
	 * Flags cleared on entry: IF, DF, TF, AC, and NT, which the kernel
	 * would otherwise carry into another thread's iretq (#GP with NT set).
	 */
	wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC | RFLAGS_NT);
}

void return_to_user_checks(struct trapframe *tf, long syscall_nr)
{
	proc_check_killed();
	if (sched_should_yield()) {
		yield();
		proc_check_killed();
	}
	signal_deliver(tf, syscall_nr);
	/*
	 * sysret to a non-canonical rip would fault in kernel mode on the user
	 * stack; iretq to one faults too. Only user-space addresses go back
	 * (USER_TOP stays a page clear of the non-canonical hole).
	 */
	if (tf->rip >= USER_TOP)
		proc_fault_kill(tf, tf->rip, SIGSEGV, "return to a kernel or non-canonical address");
	tf->rflags = (tf->rflags & RFLAGS_USER_MASK) | RFLAGS_IF;
}

/* The part of the time profile (kernel/profile.h) that call n is charged to. */
static int prof_part_of(uint64_t n)
{
	switch (n) {
	case NR_fork: case NR_vfork: case NR_clone:
		return VMSTAT_PROF_FORK;
	case NR_execve:
		return VMSTAT_PROF_EXEC;
	case NR_exit: case NR_exit_group:
		return VMSTAT_PROF_EXIT;
	case NR_wait4:
		return VMSTAT_PROF_WAIT;
	case NR_mmap: case NR_munmap: case NR_mprotect: case NR_madvise: case NR_msync:
	case NR_brk:
	case NR_shmget: case NR_shmat: case NR_shmdt: case NR_shmctl:
	case SYS_shm_map:
		return VMSTAT_PROF_VM;
	default:
		return VMSTAT_PROF_SYSCALL;
	}
}

bool syscall_dispatch(struct trapframe *tf)
{
	uint64_t n = tf->rax;
	syscall_fn fn = lookup(n);
	int outer = prof_enter(prof_part_of(n));

	if (fn) {
		tf->rax = (uint64_t)fn(tf);
	} else {
		report_missing(n);
		tf->rax = (uint64_t)-ENOSYS;
	}
	if (n == NR_rt_sigreturn) {
		return_to_user_checks(tf, -1);   /* the restored rax is no call's result */
		prof_leave(outer);
		return true;
	}
	return_to_user_checks(tf, (long)n);
	prof_leave(outer);
	return false;
}
