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
 * (kernel/proc.c; Linux gives init only HOME and TERM), a console with a
 * window size (Linux's serial console has none until someone sets one, as a
 * terminal emulator or getty would on a real machine: init sets 80x24),
 * and its file systems (fs/vfs.h): the devices in /dev (devtmpfs) and
 * empty in-memory file systems on /tmp and /dev/shm (tmpfs).
 *
 * With the word `bench` on Linux's command line it runs the benchmark
 * instead of the suites (bench.c, the Linux boot of `make bench`).
 *
 * It is an ordinary static musl program, like the suites.
 */
#include <dirent.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/utsname.h>

#include "ulib.h"
#include "utest.h"
#include "init.h"

#define EXIT_PORT   0xf4     /* QEMU's -device isa-debug-exit,iobase=0xf4 */

#define MAX_SUITES  64
#define SUITE_TIMEOUT_MS (10 * 60 * 1000)   /* as user/bin/init.c */

static int passed, failed;

/* The environment the project's kernel starts init with (kernel/proc.c). */
static char *own_environment[] = { "PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/", "TERM=vt100", NULL };

/* Fills names[] with the file names in /tests, sorted; returns how many. */
static int list_suites(char names[][64])
{
	DIR *dir = opendir("/tests");
	struct dirent *e;
	int n = 0, j;

	if (!dir) {
		printf("init: /tests: %s\n", strerror(errno));
		return 0;
	}
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || n == MAX_SUITES)
			continue;
		/* insertion sort: a handful of names */
		for (j = n++; j > 0 && strcmp(names[j - 1], e->d_name) > 0; j--)
			strcpy(names[j], names[j - 1]);
		snprintf(names[j], 64, "%.63s", e->d_name);
	}
	closedir(dir);
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
	int fds[2], pid;

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], UT_RESULT_FD);
		execv(path, argv);
		printf("init: exec %s: %s\n", path, strerror(errno));
		exit(127);
	}
	if (pid < 0)
		pid = -errno;
	close(fds[1]);
	if (pid < 0)
		close(fds[0]);
	*results = fds[0];
	return pid;
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
	int pid, fd = -1, status = 0, r, bad;

	snprintf(path, sizeof(path), "/tests/%.63s", name);
	pid = spawn_suite(path, &fd);
	if (pid < 0) {
		printf("not ok %d %s # fork: %s\n", k, name, strerror(-pid));
		failed++;
		return;
	}
	r = waitpid_reaping(pid, &status, SUITE_TIMEOUT_MS);
	bad = count_results(fd);
	if (r == -EINTR) {
		printf("not ok %d %s # timed out after %d s\n", k, name, SUITE_TIMEOUT_MS / 1000);
		failed++;
	} else if (r < 0) {
		printf("not ok %d %s # waitpid: %s\n", k, name, strerror(-r));
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
	fflush(stdout);
	if (ioperm(EXIT_PORT, 4, 1) < 0)
		printf("init: ioperm(0x%x): %s\n", EXIT_PORT, strerror(errno));
	else
		outb(code, EXIT_PORT);
	printf("init: still running after the write to port 0x%x: powering off\n", EXIT_PORT);
	fflush(stdout);
	for (;;)     /* init must not exit: Linux would panic */
		reboot(RB_POWER_OFF);
}

/* Mounts fstype on dir (made if missing); says so when it cannot. */
static void mount_on(const char *fstype, const char *dir, unsigned long mode)
{
	mkdir(dir, 0755);
	if (mount(fstype, dir, fstype, 0, NULL) < 0 || chmod(dir, mode) < 0)
		printf("init: mount %s on %s: %s\n", fstype, dir, strerror(errno));
}

/* argv: the words of Linux's command line it does not know itself. */
int main(int argc, char **argv)
{
	static char names[MAX_SUITES][64];
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	struct utsname u;
	int n, i;

	setvbuf(stdout, NULL, _IOLBF, 0);   /* whole lines, before each fork */
	if (ioctl(1, TIOCSWINSZ, &ws) < 0)
		printf("init: console window size: %s\n", strerror(errno));
	environ = own_environment;      /* execv() passes it on */
	mount_on("devtmpfs", "/dev", 0755);
	mount_on("tmpfs", "/dev/shm", 01777);
	mount_on("tmpfs", "/tmp", 01777);
	if (has_word(argc, argv, "bench"))
		linux_bench(argc, argv);
	n = list_suites(names);
	if (uname(&u) == 0)
		printf("init: the user-space suites on %s %s\n", u.sysname, u.release);
	printf("KTAP version 1\n1..%d\n", n);
	for (i = 0; i < n; i++)
		run_suite(i + 1, names[i]);
	printf("selftest: %d passed, %d failed\n", passed, failed);
	exit_qemu(failed == 0 && passed > 0 ? EXIT_PASS : EXIT_FAIL);
}
