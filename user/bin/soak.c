/*
 * soak: runs one command again and again, to catch a hang that comes once
 * in many runs (`make soak`: pgbench -m exec -c 60 on four CPUs).
 *
 *	soak [-r ROUNDS] [-t SECONDS] [-v] COMMAND [ARG...]
 *
 * Each round runs COMMAND in a process group of its own, with its standard
 * output on /dev/null unless -v, and gives it SECONDS (default 300) to
 * exit. A round fails when the command exits non-zero or is killed, when
 * the kernel's watchdog reported a stuck CPU or a long lock wait during it
 * (vmstat watchdog_reports), or when it overruns. On an overrun soak asks
 * the kernel to print every thread's state and where it sleeps
 * (kern.dump_threads), kills the group and stops: a hang is the finding.
 * After the last round the kernel's census (free pages, objects, tables,
 * heap, threads, processes; user/lib/census.c) must be back where it was
 * after the first round (which also fills the kernel's caches), each
 * count that is not printed by name. The last line:
 *
 *	soak: rounds=R passed=P failed=F hung=H watchdog_reports=W leaked_pages=L
 *
 * Exit status 0 when every round passed and nothing leaked, 1 otherwise,
 * 2 for a refused argument.
 */
#include <fcntl.h>
#include <signal.h>

#include "utest.h"

#define POLL_MS 50

static void usage(FILE *f)
{
	fprintf(f, "usage: soak [-r ROUNDS] [-t SECONDS] [-v] COMMAND [ARG...]\n"
	    "  runs COMMAND ROUNDS times (1..100000, default 200), one at a time, each\n"
	    "  within SECONDS (1..86400, default 300); -v keeps its output. A round that\n"
	    "  overruns gets the kernel's thread dump and ends the soak.\n"
	    "  example: soak -r 200 /usr/bin/pgbench -m exec -c 60\n");
}

static uint64_t watchdog_count(void)
{
	return ut_vmstat(0).watchdog_reports;
}

/* Starts argv in a new process group, output to /dev/null unless verbose. */
static int start(char **argv, bool verbose)
{
	int pid = fork(), fd;

	if (pid != 0)
		return pid;
	setpgid(0, 0);
	if (!verbose && (fd = open("/dev/null", O_WRONLY)) >= 0) {
		dup2(fd, 1);
		close(fd);
	}
	execv(argv[0], argv);
	fprintf(stderr, "soak: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Waits for pid up to limit_ms: 1 if it exited, 0 if it overran. */
static int wait_within(int pid, uint64_t limit_ms, int *status)
{
	uint64_t start = clock_ms();

	while (clock_ms() - start < limit_ms) {
		if (sys_waitpid(pid, status, WNOHANG) == pid)
			return 1;
		sleep_ms(POLL_MS);
	}
	return 0;
}

int main(int argc, char **argv)
{
	long rounds = 200, secs = 300;
	bool verbose = false;
	int c, passed = 0, failed = 0, hung = 0, done = 0;
	uint64_t reports = 0;
	struct ut_census base, end;
	long leaked = 0, verify = 0;
	bool same = true;

	if (help_wanted(argc, argv)) {
		usage(stdout);
		return 0;
	}
	while ((c = getopt(argc, argv, "+r:t:vh")) != -1) {
		switch (c) {
		case 'r': rounds = arg_long("soak", "-r", optarg, 1, 100000, "rounds"); break;
		case 't': secs = arg_long("soak", "-t", optarg, 1, 86400, "seconds"); break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "soak: -h lists the usage\n");
			return 2;
		}
	}
	if (optind >= argc)
		arg_refuse("soak", "no command", "give the command to repeat (-h: the usage)");
	if (!own_kernel_or_say("soak"))
		return 1;
	stdout_by_lines();

	for (done = 0; done < rounds; done++) {
		uint64_t t0 = clock_ms(), w0 = watchdog_count(), w;
		int status = 0, pid = start(argv + optind, verbose);
		bool ok;

		if (pid < 0) {
			printf("soak: round %d: fork: %s\n", done + 1, strerror(errno));
			failed++;
			break;
		}
		if (!wait_within(pid, (uint64_t)secs * 1000, &status)) {
			printf("soak: round %d: no end after %ld s; the kernel's thread dump:\n",
			    done + 1, secs);
			sysctl_set("kern.dump_threads", 1);
			kill(-pid, SIGKILL);
			waitpid_timeout(pid, &status, 0);
			hung++;
			done++;
			break;
		}
		w = watchdog_count() - w0;
		reports += w;
		ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && w == 0;
		printf("soak: round %d/%ld: %s in %lu ms%s\n", done + 1, rounds,
		    ok ? "passed" : "FAILED", (unsigned long)(clock_ms() - t0),
		    w ? " (watchdog reports above)" : "");
		if (!ok && !WIFEXITED(status))
			printf("soak: round %d: killed by signal %d\n", done + 1, WTERMSIG(status));
		else if (!ok && WEXITSTATUS(status))
			printf("soak: round %d: exit status %d\n", done + 1, WEXITSTATUS(status));
		passed += ok;
		failed += !ok;
		if (done == 0)
			ut_census(&base);
	}
	if (done > 1 && hung == 0)
		same = ut_census_compare("soak", &base, &end, &leaked, &verify);
	printf("soak: rounds=%d passed=%d failed=%d hung=%d watchdog_reports=%lu leaked_pages=%ld\n",
	    done, passed, failed, hung, (unsigned long)reports, leaked);
	return passed == rounds && same ? 0 : 1;
}
