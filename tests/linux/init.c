/*
 * init for the Linux run of the user-space suites (`make test-linux`):
 * process 1 of Debian's kernel, booted with the project's programs in an
 * initramfs (mk/linux.mk, scripts/linux-kernel.sh). It does on Linux what
 * user/bin/init and the kernel's ktest reporting do on the project's
 * kernel:
 *
 *  - runs every /tests/ program in name order (the initrd's order) with
 *    the console as its output, and prints the top-level KTAP report
 *    around the suites' own blocks: "KTAP version 1", "1..N", and after
 *    each suite "ok K name" or "not ok K name # why";
 *  - counts the cases: each suite's test runner (user/lib/utest.c) writes
 *    one byte per result into a pipe it finds as UT_RESULT_FD, where on the
 *    project's kernel it calls ktest_case(); a suite that does not end
 *    with a plain pass/fail exit (killed, timed out, not run) counts one
 *    more failed case, as there, and so does one that exits with a
 *    failure but counted none (a suite without the runner, which reports
 *    through the ktest call only);
 *  - prints "selftest: P passed, F failed" (a skipped case is an ok, so it
 *    counts as passed, as on the project's kernel) and ends QEMU through
 *    the isa-debug-exit port 0xf4: 0x10 (QEMU exits 33) when nothing
 *    failed, else 0x11 (35). A Linux panic or power-off instead makes QEMU
 *    exit 0, which tests/ktap_check.sh never passes.
 *
 * The suites get what the project's kernel gives them: its environment
 * (kernel/proc.c; Linux gives init only HOME and TERM) and a console with a
 * window size (Linux's serial console has none until someone sets one, as a
 * terminal emulator or getty would on a real machine: init sets 80x24).
 *
 * With the word `bench` on Linux's command line it runs the benchmark
 * instead of the suites (bench.c, the Linux boot of `make bench`).
 *
 * It is built against the project's libc; the calls that libc has no
 * wrapper for (the project's kernel does not implement them) are made raw.
 */
#include "ulib.h"
#include "utest.h"
#include "init.h"

/* Linux calls the project's kernel lacks (Linux's syscall_64.tbl numbers). */
#define NR_dup2       33
#define NR_ioperm     173
#define NR_getdents64 217
#define NR_pipe2      293

#define O_NONBLOCK  04000
#define O_DIRECTORY 0200000
#define O_CLOEXEC   02000000
#define TIOCSWINSZ  0x5414

#define EXIT_PORT   0xf4     /* QEMU's -device isa-debug-exit,iobase=0xf4 */

#define MAX_SUITES  64
#define SUITE_TIMEOUT_MS (10 * 60 * 1000)   /* as user/bin/init.c */

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int passed, failed;

/* The environment the project's kernel starts init with (kernel/proc.c). */
static char *own_environment[] = { "PATH=/bin:/usr/bin", "HOME=/", "TERM=vt100", NULL };

/* Fills names[] with the file names in /tests, sorted; returns how many. */
static int list_suites(char names[][64])
{
	char buf[4096];
	int fd, n = 0, j;
	long got, off;

	fd = open("/tests", O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		printf("init: /tests: %s\n", strerror(fd));
		return 0;
	}
	while ((got = syscall6(NR_getdents64, fd, (long)buf, sizeof(buf), 0, 0, 0)) > 0) {
		for (off = 0; off < got; off += ((struct linux_dirent64 *)(buf + off))->d_reclen) {
			const char *name = ((struct linux_dirent64 *)(buf + off))->d_name;

			if (name[0] == '.' || n == MAX_SUITES)
				continue;
			/* insertion sort: a handful of names */
			for (j = n++; j > 0 && strcmp(names[j - 1], name) > 0; j--)
				strcpy(names[j], names[j - 1]);
			snprintf(names[j], 64, "%s", name);
		}
	}
	close(fd);
	return n;
}

/*
 * Forks the suite at path with the write end of a new pipe as its
 * UT_RESULT_FD (its output goes to the console, as on the project's
 * kernel); *results gets the read end, which never blocks.
 */
static int spawn_suite(const char *path, int *results)
{
	char *argv[2] = { (char *)path, NULL };
	int fds[2], pid, r;

	r = syscall6(NR_pipe2, (long)fds, O_CLOEXEC | O_NONBLOCK, 0, 0, 0, 0);
	if (r < 0)
		return r;
	pid = fork();
	if (pid == 0) {
		syscall6(NR_dup2, fds[1], UT_RESULT_FD, 0, 0, 0, 0);
		r = exec(path, argv);
		printf("init: exec %s: %s\n", path, strerror(r));
		exit(127);
	}
	close(fds[1]);
	if (pid < 0)
		close(fds[0]);
	*results = fds[0];
	return pid;
}

/*
 * Waits for suite pid as user/bin/init.c does, reaping meanwhile the
 * orphans handed to init; kills it after SUITE_TIMEOUT_MS (then -EINTR).
 */
static int wait_suite(int pid, int *status)
{
	uint64_t start = clock_ms();
	int r;

	for (;;) {
		r = waitpid(-1, status, WNOHANG);
		if (r == pid || r < 0)
			return r;
		if (r > 0)
			continue;
		if (clock_ms() - start >= SUITE_TIMEOUT_MS)
			return waitpid_timeout(pid, status, 0);
		sleep_ms(5);
	}
}

/*
 * Counts the results a finished suite left in its pipe (see utest.c);
 * returns how many failed.
 */
static int count_results(int fd)
{
	char buf[256];
	long got;
	int bad = 0;

	while ((got = read(fd, buf, sizeof(buf))) > 0)
		for (long i = 0; i < got; i++) {
			if (buf[i] == 'f')
				bad++;
			else
				passed++;    /* 'p', and 's': a skip is an ok */
		}
	close(fd);
	failed += bad;
	return bad;
}

/* Runs /tests/name as suite k and prints its top-level result line. */
static void run_suite(int k, const char *name)
{
	char path[80];
	int pid, fd, status = 0, r, bad;

	snprintf(path, sizeof(path), "/tests/%s", name);
	pid = spawn_suite(path, &fd);
	if (pid < 0) {
		printf("not ok %d %s # fork: %s\n", k, name, strerror(pid));
		failed++;
		return;
	}
	r = wait_suite(pid, &status);
	bad = count_results(fd);
	if (r == -EINTR) {
		printf("not ok %d %s # timed out after %d s\n", k, name, SUITE_TIMEOUT_MS / 1000);
		failed++;
	} else if (r < 0) {
		printf("not ok %d %s # waitpid: %s\n", k, name, strerror(r));
		failed++;
	} else if (WIFSIGNALED(status)) {
		printf("not ok %d %s # killed by signal %d\n", k, name, WTERMSIG(status));
		failed++;
	} else if (WEXITSTATUS(status) != 0) {
		printf("not ok %d %s # exit status %d\n", k, name, WEXITSTATUS(status));
		if (WEXITSTATUS(status) != 1 || bad == 0)   /* 1: its failures are counted */
			failed++;
	} else {
		printf("ok %d %s\n", k, name);
	}
}

/*
 * Ends QEMU through isa-debug-exit. If the port is refused, or QEMU has no
 * such device, Linux powers off instead: QEMU exits 0, never a pass.
 */
void exit_qemu(int code)
{
	long r = syscall6(NR_ioperm, EXIT_PORT, 4, 1, 0, 0, 0);

	flush_stdout();
	if (r < 0)
		printf("init: ioperm(0x%x): %s\n", EXIT_PORT, strerror(r));
	else
		__asm__ volatile("outb %b0, %w1" : : "a"(code), "Nd"(EXIT_PORT));
	printf("init: still running after the write to port 0x%x: powering off\n", EXIT_PORT);
	for (;;)     /* init must not exit: Linux would panic */
		syscall6(NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		    LINUX_REBOOT_CMD_POWER_OFF, 0, 0, 0);
}

/* argv: the words of Linux's command line it does not know itself. */
int main(int argc, char **argv)
{
	static char names[MAX_SUITES][64];
	struct linux_winsize ws = { 24, 80, 0, 0 };
	struct linux_utsname u;
	int n, i;
	long r = syscall6(NR_ioctl, 1, TIOCSWINSZ, (long)&ws, 0, 0, 0);

	if (r < 0)
		printf("init: console window size: %s\n", strerror(r));
	environ = own_environment;      /* exec() passes it on */
	if (has_word(argc, argv, "bench"))
		linux_bench();
	n = list_suites(names);
	if (syscall6(NR_uname, (long)&u, 0, 0, 0, 0, 0) == 0)
		printf("init: the user-space suites on %s %s\n", u.sysname, u.release);
	printf("KTAP version 1\n1..%d\n", n);
	for (i = 0; i < n; i++)
		run_suite(i + 1, names[i]);
	printf("selftest: %d passed, %d failed\n", passed, failed);
	exit_qemu(failed == 0 && passed > 0 ? EXIT_PASS : EXIT_FAIL);
}
