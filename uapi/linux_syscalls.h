/*
 * The Linux x86-64 system calls this kernel implements, by their Linux
 * numbers (NR_x is Linux's __NR_x; arch/x86/entry/syscalls/syscall_64.tbl).
 * Calling convention, as on Linux: `syscall` with the number in rax and the
 * arguments in rdi, rsi, rdx, r10, r8, r9; the result in rax, -errno on
 * failure; rcx and r11 are clobbered. Every other number below 1000 gives
 * -ENOSYS (and the kernel names it once on the console). The project's own
 * calls are numbered from 1000 up (uapi/syscall.h).
 *
 * Programs built against a libc (musl) take the numbers from it; this
 * header is for the kernel and for code that makes raw calls.
 */
#ifndef UAPI_LINUX_SYSCALLS_H
#define UAPI_LINUX_SYSCALLS_H

#define NR_read             0
#define NR_write            1
#define NR_open             2
#define NR_close            3
#define NR_stat            4
#define NR_fstat            5
#define NR_lstat           6
#define NR_lseek            8
#define NR_mmap             9
#define NR_mprotect         10
#define NR_munmap           11
#define NR_brk              12
#define NR_rt_sigaction     13
#define NR_rt_sigprocmask   14
#define NR_ioctl            16
#define NR_pread64         17
#define NR_pwrite64        18
#define NR_readv            19
#define NR_writev           20
#define NR_access          21
#define NR_pipe             22
#define NR_sched_yield      24
#define NR_msync            26
#define NR_madvise          28
#define NR_shmget           29
#define NR_shmat            30
#define NR_shmctl           31
#define NR_nanosleep        35
#define NR_dup              32
#define NR_dup2             33
#define NR_getpid           39
#define NR_sendfile        40
#define NR_clone            56
#define NR_fork             57
#define NR_vfork            58
#define NR_execve           59
#define NR_exit             60
#define NR_wait4            61
#define NR_kill             62
#define NR_uname            63
#define NR_shmdt            67
#define NR_fcntl            72
#define NR_truncate        76
#define NR_ftruncate       77
#define NR_getcwd          79
#define NR_chdir           80
#define NR_fchdir          81
#define NR_rename          82
#define NR_mkdir           83
#define NR_rmdir           84
#define NR_creat           85
#define NR_unlink          87
#define NR_symlink         88
#define NR_readlink        89
#define NR_umask           95
#define NR_getrusage        98
#define NR_times            100
#define NR_getuid           102
#define NR_getgid           104
#define NR_geteuid          107
#define NR_getegid          108
#define NR_setpgid          109
#define NR_getppid          110
#define NR_getpgrp          111
#define NR_setsid           112
#define NR_getpgid          121
#define NR_getsid           124
#define NR_arch_prctl       158
#define NR_reboot           169
#define NR_gettid           186
#define NR_futex            202
#define NR_getdents64      217
#define NR_set_tid_address  218
#define NR_clock_gettime    228
#define NR_clock_nanosleep  230
#define NR_exit_group       231
#define NR_openat          257
#define NR_mkdirat         258
#define NR_newfstatat      262
#define NR_unlinkat        263
#define NR_renameat        264
#define NR_symlinkat       266
#define NR_readlinkat      267
#define NR_faccessat       269
#define NR_dup3             292
#define NR_pipe2            293
#define NR_renameat2       316
#define NR_faccessat2      439
/* Signals. */
#define NR_rt_sigreturn     15
#define NR_pause            34
#define NR_rt_sigpending    127
#define NR_rt_sigsuspend    130
#define NR_tkill            200
#define NR_tgkill           234
/* Time of day and writing back, for busybox's applets (issue 20). */
#define NR_fsync            74
#define NR_fdatasync        75
#define NR_gettimeofday     96
#define NR_sync             162
#define NR_time             201

/* poll, /proc and the process calls busybox's tools make. */
#define NR_poll             7
#define NR_select           23
#define NR_getrlimit        97
#define NR_sysinfo          99
#define NR_getgroups        115
#define NR_prctl            157
#define NR_setrlimit        160
#define NR_pselect6         270
#define NR_ppoll            271
#define NR_set_robust_list  273
#define NR_prlimit64        302
#define NR_getrandom        318
#define NR_rseq             334
#define NR_restart_syscall  219

#endif
