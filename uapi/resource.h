/*
 * Resource limits (getrlimit, setrlimit, prlimit64), sysinfo, prctl and
 * getrandom: Linux's structures and numbers.
 */
#ifndef UAPI_RESOURCE_H
#define UAPI_RESOURCE_H

#include <stdint.h>

struct linux_rlimit {
	uint64_t rlim_cur;      /* the soft limit, what is enforced */
	uint64_t rlim_max;      /* the hard limit, the most rlim_cur may be */
};

#define RLIM_INFINITY (~0ULL)

#define RLIMIT_CPU        0
#define RLIMIT_FSIZE      1
#define RLIMIT_DATA       2
#define RLIMIT_STACK      3
#define RLIMIT_CORE       4
#define RLIMIT_RSS        5
#define RLIMIT_NPROC      6
#define RLIMIT_NOFILE     7
#define RLIMIT_MEMLOCK    8
#define RLIMIT_AS         9
#define RLIMIT_LOCKS      10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE   12
#define RLIMIT_NICE       13
#define RLIMIT_RTPRIO     14
#define RLIMIT_RTTIME     15
#define RLIMIT_NLIMITS    16

struct linux_sysinfo {
	int64_t uptime;             /* seconds since boot */
	uint64_t loads[3];          /* load averages over 1, 5, 15 minutes, << 16 */
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs;
	uint16_t pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;          /* the unit of the memory sizes, in bytes */
	char reserved[4];
};

#define PR_SET_NAME 15
#define PR_GET_NAME 16

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2
#define GRND_INSECURE 0x4

/* set_robust_list's one list size (struct robust_list_head). */
#define ROBUST_LIST_HEAD_SIZE 24

_Static_assert(sizeof(struct linux_sysinfo) == 112, "struct sysinfo");

#endif
