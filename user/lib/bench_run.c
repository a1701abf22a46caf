/*
 * One run of a benchmark matrix, shared by the two drivers of `make bench`
 * (user/bin/bench.c on this kernel, tests/linux/bench.c on Linux): the
 * report scripts read the same status line from both.
 */
#include "ulib.h"

int bench_run_pgbench(char *const argv[], int run, uint64_t limit_ms)
{
	uint64_t t0 = clock_ms();
	int pid, status = 0, res;

	pid = fork();
	if (pid == 0) {
		execv("/usr/bin/pgbench", argv);
		_exit(127);
	}
	res = pid < 0 ? -errno : waitpid_timeout(pid, &status, limit_ms);
	printf("bench: kind=status run=%d status=%d ms=%lu%s\n", run,
	    res < 0 ? -1 : WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
	    WEXITSTATUS(status), (unsigned long)(clock_ms() - t0),
	    res == -EINTR ? " reason=timeout" : "");
	return res >= 0 && status == 0 ? 0 : -1;
}
