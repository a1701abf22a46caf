/*
 * vmps: lists the processes with what the kernel counts for each: threads
 * and resident pages (busybox's ps, from /proc, shows neither).
 *
 *	  PID  PPID STATE  THR   RES NAME
 *	    1     0 sleep    1    12 init
 *
 * RES is the number of resident pages (4 KiB each) the process maps.
 */
#include "ulib.h"

static const char *state_name(int state)
{
	switch (state) {
	case PSTATE_RUNNING:  return "run";
	case PSTATE_SLEEPING: return "sleep";
	case PSTATE_ZOMBIE:   return "zombie";
	default:              return "?";
	}
}

int main(int argc, char **argv)
{
	struct procinfo pi;
	int i, r;

	if (help_wanted(argc, argv)) {
		printf("usage: vmps   (no options: every process, one line each)\n");
		return 0;
	}
	if (argc > 1)
		arg_refuse("vmps", argv[1], "vmps takes no arguments");
	if (!own_kernel_or_say("vmps"))
		return 1;

	printf("%5s %5s %-6s %4s %5s %s\n", "PID", "PPID", "STATE", "THR",
	    "RES", "NAME");
	for (i = 0; (r = procinfo(i, &pi)) == 0; i++)
		printf("%5d %5d %-6s %4d %5lu %.*s\n", pi.pid, pi.ppid,
		    state_name(pi.state), pi.nthreads,
		    (unsigned long)pi.resident, PROC_NAME_LEN, pi.name);
	if (r != -ESRCH) {
		printf("vmps: procinfo: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
