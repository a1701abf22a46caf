/*
 * init: process 1, started by the kernel with argv ["init", boot words...].
 *
 * With the word "selftest" it runs every /tests/ program of the initrd, in
 * initrd order, reports one top-level KTAP line per program and asks the
 * kernel to print the summary and exit QEMU.
 *
 * With "bench" it runs /usr/bin/bench with init's boot words as its arguments
 * (the benchmark of `make bench`, which powers the machine off itself;
 * `bench smp` selects its 4-CPU matrix), and with "ptgraph" it runs
 * `/usr/bin/demo --dot` (for `make ptgraph`); then it powers off. With a word
 * "stressN" (`make stress`) it runs /usr/bin/stress -d N -m flip, the long
 * stress run with the sharing switches flipped at run time (N seconds,
 * default 600: a word NAME=VALUE reaches init only when NAME is no sysctl
 * knob), then powers off. With "soakN" (`make soak`) it runs
 * /usr/bin/soak -r N (default 200) -t 120 over `pgbench -m exec -c 60`,
 * the load that once hung, and powers off; with "fuzzN" (`make fuzz`),
 * soak over N rounds (default 30) of /usr/bin/fuzz -p 8 -n 2000.
 *
 * Otherwise it runs /usr/bin/demo once (unless "nodemo"; demo gets init's
 * boot words as its arguments), prints the message of the day (user/etc/motd,
 * which points at `programs`), then keeps a shell running and reaps orphans:
 * /bin/sh, busybox's ash (or the project's own shell in an initrd built
 * without busybox), or with the word "sh=own" /usr/bin/ownsh. Busybox's
 * poweroff, halt and reboot (without -f) ask process 1 by signal, as
 * busybox's init expects: SIGUSR2, SIGUSR1 and SIGTERM all power off here.
 * init never exits.
 */
#include "ulib.h"

#define SUITE_TIMEOUT_MS (10 * 60 * 1000)   /* a hung suite, not a slow one */

/* Forks a child that execs path with argv; returns its pid or -E. The child
 * exits 127 if the exec fails, after saying why unless it is ENOENT and
 * quiet_enoent is set. */
static int spawn(const char *path, char **argv, bool quiet_enoent)
{
	int pid = fork();

	if (pid != 0)
		return pid < 0 ? -errno : pid;
	execv(path, argv);
	if (!(errno == ENOENT && quiet_enoent))
		printf("init: exec %s: %s\n", path, strerror(errno));
	exit(127);
}

/* Reaps every zombie child that is already waiting, without blocking. */
static void reap_zombies(void)
{
	int status;

	while (waitpid(-1, &status, WNOHANG) > 0)
		;
}

/*
 * Runs one test program (initrd name "tests/NAME") and prints its top-level
 * KTAP result line. A program that does not end with a plain pass/fail exit
 * (killed, timed out, could not be run) gets one extra failed case counted,
 * so its failure shows in the kernel's summary.
 */
static void run_suite(const char *name)
{
	static int local_k;
	char path[136];
	char *argv[2] = { path, NULL };
	const char *suite = name + strlen("tests/");
	int k, pid, status, r;

	snprintf(path, sizeof(path), "/%s", name);
	k = ktest_nsuite();
	if (k <= 0)            /* no kernel support: number them ourselves */
		k = ++local_k;
	pid = spawn(path, argv, false);
	if (pid < 0) {
		printf("not ok %d %s # fork: %s\n", k, suite, strerror(-pid));
		ktest_case(0);
		return;
	}
	r = waitpid_reaping(pid, &status, SUITE_TIMEOUT_MS);
	if (r == -EINTR) {
		printf("not ok %d %s # timed out after %d s\n", k, suite,
		    SUITE_TIMEOUT_MS / 1000);
		ktest_case(0);
	} else if (r < 0) {
		printf("not ok %d %s # waitpid: %s\n", k, suite, strerror(-r));
		ktest_case(0);
	} else if (WIFSIGNALED(status)) {
		printf("not ok %d %s # killed by signal %d\n", k, suite,
		    WTERMSIG(status));
		ktest_case(0);
	} else if (WEXITSTATUS(status) != 0) {
		printf("not ok %d %s # exit status %d\n", k, suite,
		    WEXITSTATUS(status));
		if (WEXITSTATUS(status) != 1)
			ktest_case(0);
	} else {
		printf("ok %d %s\n", k, suite);
	}
	reap_zombies();   /* whatever the suite orphaned */
}

static void selftest(void)
{
	char name[128];
	int i, r;
	size_t len;

	for (i = 0;; i++) {
		r = initrd_name(i, name, sizeof(name));
		if (r == -ENOENT)
			break;
		if (r < 0) {
			printf("init: initrd_name: %s\n", strerror(-r));
			ktest_case(0);
			break;
		}
		len = strlen(name);
		if (strncmp(name, "tests/", 6) != 0 || len == 6 ||
		    name[len - 1] == '/')
			continue;
		run_suite(name);
	}
	ktest_finish();   /* prints the summary and exits QEMU */
	printf("init: ktest_finish returned\n");
	poweroff(1);
}

static bool initrd_has(const char *want)
{
	char name[128];
	int i;

	for (i = 0; initrd_name(i, name, sizeof(name)) == 0; i++)
		if (strcmp(name, want) == 0)
			return true;
	return false;
}

/* Runs /usr/bin/demo with init's boot words and waits for it. */
static void run_demo(int argc, char **argv)
{
	int pid, status;

	argv[0] = "demo";   /* argv[1..argc-1], argv[argc] == NULL stay */
	(void)argc;
	pid = spawn("/usr/bin/demo", argv, true);
	if (pid > 0)
		waitpid(pid, &status, 0);
}

/*
 * An unattended boot: runs path with argv, waits for it (reaping the
 * orphans handed to init meanwhile, so that they do not fill the process
 * table) and powers off. bench powers off itself when it is done; this
 * covers its failure.
 */
static void __attribute__((noreturn)) run_and_poweroff(const char *path, char **argv)
{
	int pid = spawn(path, argv, false), r, status = 0;

	do {
		r = pid > 0 ? waitpid(-1, &status, 0) : pid;
	} while (r > 0 && r != pid);
	poweroff(r == pid && status == 0 ? 0 : 1);
}

/* Runs the long stress run for the word "stressN" (see the top). */
static void __attribute__((noreturn)) run_stress(const char *word)
{
	static char secs[16];
	static char *argv[] = { "stress", "-d", secs, "-m", "flip", NULL };

	snprintf(secs, sizeof(secs), "%s", word[6] ? word + 6 : "600");
	run_and_poweroff("/usr/bin/stress", argv);
}

/* Runs the soak for the word "soakN" (see the top). */
static void __attribute__((noreturn)) run_soak(const char *word)
{
	static char rounds[16];
	static char *argv[] = { "soak", "-r", rounds, "-t", "120",
	                        "/usr/bin/pgbench", "-m", "exec", "-c", "60", NULL };

	snprintf(rounds, sizeof(rounds), "%s", word[4] ? word + 4 : "200");
	run_and_poweroff("/usr/bin/soak", argv);
}

/*
 * The long run of the system-call fuzzer for the word "fuzzN" (`make
 * fuzz`): N rounds (default 30) of `fuzz -p 8 -n 2000`, each with a seed
 * of its own (printed), under soak: a round that fails, hangs or draws a
 * watchdog report fails the run, and the census must come back.
 */
static void __attribute__((noreturn)) run_fuzz(const char *word)
{
	static char rounds[16];
	static char *argv[] = { "soak", "-r", rounds, "-t", "300", "-v",
	                        "/usr/bin/fuzz", "-p", "8", "-n", "2000", NULL };

	snprintf(rounds, sizeof(rounds), "%s", word[4] ? word + 4 : "30");
	run_and_poweroff("/usr/bin/soak", argv);
}

/* busybox's poweroff, halt or reboot asking process 1 to end the machine. */
static void power_signal(int sig)
{
	(void)sig;
	poweroff(0);
}

/* Keeps one shell (path) running; reaps every orphan handed to init meanwhile. */
static void shell_forever(const char *path)
{
	char *argv[] = { "sh", NULL };
	uint64_t start;
	int sh, pid, status;

	for (;;) {
		start = clock_ms();
		sh = spawn(path, argv, false);
		if (sh < 0) {
			printf("init: fork: %s\n", strerror(-sh));
		} else {
			do {
				pid = waitpid(-1, &status, 0);
				if (pid < 0 && errno != ECHILD) {
					printf("init: waitpid: %s\n", strerror(errno));
					sleep_ms(1000);
				}
			} while (pid != sh && !(pid < 0 && errno == ECHILD));
			if (pid == sh && WIFSIGNALED(status))
				printf("init: sh killed by signal %d, restarting\n",
				    WTERMSIG(status));
		}
		/* Do not spin if the shell cannot start or dies at once. */
		if (clock_ms() - start < 1000)
			sleep_ms(1000);
	}
}

int main(int argc, char **argv)
{
	char *ptgraph_argv[] = { "demo", "--dot", NULL };
	int i;

	if (has_word(argc, argv, "selftest"))
		selftest();
	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "stress", 6) == 0)
			run_stress(argv[i]);
		else if (strncmp(argv[i], "soak", 4) == 0)
			run_soak(argv[i]);
		else if (strncmp(argv[i], "fuzz", 4) == 0)
			run_fuzz(argv[i]);
	if (has_word(argc, argv, "bench")) {
		argv[0] = "bench";   /* the boot words stay: argv[1..argc-1] */
		run_and_poweroff("/usr/bin/bench", argv);
	}
	if (has_word(argc, argv, "ptgraph"))
		run_and_poweroff("/usr/bin/demo", ptgraph_argv);
	if (!has_word(argc, argv, "nodemo") && initrd_has("usr/bin/demo"))
		run_demo(argc, argv);
	signal(SIGUSR1, power_signal);
	signal(SIGUSR2, power_signal);
	signal(SIGTERM, power_signal);
	printf("%s", motd);     /* last before the first prompt, where it is seen */
	shell_forever(has_word(argc, argv, "sh=own") ? "/usr/bin/ownsh" : "/bin/sh");
	return 0;
}
