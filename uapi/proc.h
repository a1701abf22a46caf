/* Process information (SYS_procinfo) and the clock (SYS_clock). */
#ifndef UAPI_PROC_H
#define UAPI_PROC_H

#include <stdint.h>

#define PROC_NAME_LEN 16

struct procinfo {
	int32_t  pid;
	int32_t  ppid;
	int32_t  state;       /* PSTATE_* */
	int32_t  nthreads;
	uint64_t resident;    /* resident pages */
	char     name[PROC_NAME_LEN];
};

#define PSTATE_RUNNING  0
#define PSTATE_SLEEPING 1
#define PSTATE_ZOMBIE   2

struct uclock {
	uint64_t ms;    /* milliseconds since boot */
	uint64_t ns;    /* nanoseconds since boot (TSC based) */
	uint64_t tsc;   /* raw cycle counter */
};

#endif
