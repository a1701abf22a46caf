/*
 * Structures of the Linux x86-64 ABI that system calls read or write, with
 * their sizes checked at compile time (and against the C library's own
 * definitions by the host test abi_test.c).
 */
#ifndef UAPI_LINUX_TYPES_H
#define UAPI_LINUX_TYPES_H

#include <stdint.h>

struct linux_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct linux_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

struct linux_iovec {
	uint64_t iov_base;
	uint64_t iov_len;
};

/* getrusage, wait4. */
struct linux_rusage {
	struct linux_timeval ru_utime, ru_stime;
	int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss;
	int64_t ru_minflt, ru_majflt, ru_nswap, ru_inblock, ru_oublock;
	int64_t ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

/* times: CPU times in clock ticks of USER_HZ (AT_CLKTCK). */
struct linux_tms {
	int64_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};
#define USER_HZ 100

#define UTS_LEN 65
struct linux_utsname {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN];
	char version[UTS_LEN], machine[UTS_LEN], domainname[UTS_LEN];
};

/* ioctl TIOCGWINSZ. */
struct linux_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* fstat: the x86-64 layout (asm/stat.h). */
struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	struct linux_timespec st_atim, st_mtim, st_ctim;
	int64_t unused[3];
};

/* rt_sigaction: the kernel's layout (not libc's struct sigaction). */
struct linux_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

_Static_assert(sizeof(struct linux_timespec) == 16, "struct timespec");
_Static_assert(sizeof(struct linux_rusage) == 144, "struct rusage");
_Static_assert(__builtin_offsetof(struct linux_rusage, ru_minflt) == 64, "ru_minflt");
_Static_assert(sizeof(struct linux_tms) == 32, "struct tms");
_Static_assert(sizeof(struct linux_utsname) == 390, "struct utsname");
_Static_assert(sizeof(struct linux_winsize) == 8, "struct winsize");
_Static_assert(sizeof(struct linux_sigaction) == 32, "struct k_sigaction");
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat");
_Static_assert(__builtin_offsetof(struct linux_stat, st_mode) == 24, "st_mode");
_Static_assert(__builtin_offsetof(struct linux_stat, st_size) == 48, "st_size");

/* rusage `who` */
#define RUSAGE_SELF     0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD   1

/* clocks */
#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define TIMER_ABSTIME            1

/* clone */
#define CSIGNAL              0x000000ff   /* the exit signal of a child process */
#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_VFORK          0x00004000
#define CLONE_THREAD         0x00010000
#define CLONE_SYSVSEM        0x00040000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED       0x00400000
#define CLONE_CHILD_SETTID   0x01000000

/* futex */
#define FUTEX_WAIT           0
#define FUTEX_WAKE           1
#define FUTEX_WAIT_BITSET    9
#define FUTEX_WAKE_BITSET    10
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256

/* arch_prctl */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

/* reboot */
#define LINUX_REBOOT_MAGIC1        0xfee1dead
#define LINUX_REBOOT_MAGIC2        672274793
#define LINUX_REBOOT_MAGIC2A       85072278
#define LINUX_REBOOT_MAGIC2B       369367448
#define LINUX_REBOOT_MAGIC2C       537993216
#define LINUX_REBOOT_CMD_RESTART   0x01234567
#define LINUX_REBOOT_CMD_HALT      0xcdef0123
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc

/* ioctl */
#define TCGETS     0x5401
#define TIOCGWINSZ 0x5413
#define FIONREAD   0x541B   /* bytes waiting in a pipe */

/* wait4 options besides WNOHANG (uapi/wait.h), accepted and ignored */
#define WUNTRACED   2
#define WCONTINUED  8
#define __WNOTHREAD 0x20000000
#define __WALL      0x40000000
#define __WCLONE    0x80000000

#endif
