/*
 * Test suite "proc_calls": waiting for descriptors (poll, ppoll, select,
 * pselect6 on pipes, the terminal and regular files: readiness, POLLHUP,
 * POLLERR, POLLNVAL, timeouts, waking on input, signals, the signal mask
 * of ppoll) and the process calls busybox's tools and the C libraries
 * make (sysinfo, getgroups, getrlimit, setrlimit and prlimit64 with
 * RLIMIT_NOFILE honoured, getrandom, set_robust_list, time), each with the
 * errors of bad pointers, flags and sizes. Raw calls where the exact
 * answer matters, as poll(2), select(2), getrlimit(2) and getrandom(2)
 * document it, so the same checks hold on Linux.
 */
#include <poll.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/sysinfo.h>
#include <termios.h>

#include "utest.h"

#define SC(n, a, b, c, d, e) syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* Linux's struct robust_list_head: three words. */
#define ROBUST_HEAD_SIZE 24

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

/* SIGUSR1 runs on_usr1, without SA_RESTART. */
static void catch_usr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
}

/* A child that, after ms, writes a byte to fd (sig 0) or sends the parent sig; its pid. */
static int later(int ms, int fd, int sig)
{
	int pid = fork();

	if (pid == 0) {
		sleep_ms(ms);
		if (sig)
			kill(getppid(), sig);
		else if (write(fd, "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	return pid;
}

static void reap(int pid)
{
	int status;

	UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
}

/* ---- poll ---- */

UTEST(poll_on_a_pipe_says_readable_only_with_bytes_and_writable_with_room)
{
	struct pollfd p[2];
	int fds[2];

	UT_ASSERT_EQ(0, pipe(fds));
	p[0] = (struct pollfd){ fds[0], POLLIN, 0x7777 };
	p[1] = (struct pollfd){ fds[1], POLLOUT, 0x7777 };
	UT_ASSERT_EQ(1, SC(NR_poll, p, 2, 0, 0, 0));
	UT_ASSERT_EQ(0, p[0].revents);
	UT_ASSERT_EQ(POLLOUT, p[1].revents & (POLLOUT | POLLIN | POLLERR | POLLHUP));
	UT_ASSERT_EQ(1, write(fds[1], "a", 1));
	UT_ASSERT_EQ(2, SC(NR_poll, p, 2, 0, 0, 0));
	UT_ASSERT_EQ(POLLIN, p[0].revents);
	UT_ASSERT_EQ(fds[0], p[0].fd);                 /* only revents is written */
	UT_ASSERT_EQ(POLLIN, p[0].events);
	p[0].events = POLLOUT;                         /* what is not asked is not told */
	UT_ASSERT_EQ(1, SC(NR_poll, p, 2, 0, 0, 0));
	UT_ASSERT_EQ(0, p[0].revents);
	close(fds[0]);
	close(fds[1]);
}

UTEST(poll_says_pollhup_without_writers_and_pollerr_without_readers)
{
	struct pollfd p;
	int fds[2];

	UT_ASSERT_EQ(0, pipe(fds));
	UT_ASSERT_EQ(1, write(fds[1], "a", 1));
	close(fds[1]);
	p = (struct pollfd){ fds[0], POLLIN, 0 };
	UT_ASSERT_EQ(1, SC(NR_poll, &p, 1, -1, 0, 0));
	UT_ASSERT_EQ(POLLIN | POLLHUP, p.revents);     /* a byte left, and the end of it */
	p.events = 0;                                  /* POLLHUP comes unasked */
	UT_ASSERT_EQ(1, SC(NR_poll, &p, 1, -1, 0, 0));
	UT_ASSERT_EQ(POLLHUP, p.revents);
	close(fds[0]);

	UT_ASSERT_EQ(0, pipe(fds));
	close(fds[0]);
	p = (struct pollfd){ fds[1], 0, 0 };           /* so does POLLERR */
	UT_ASSERT_EQ(1, SC(NR_poll, &p, 1, -1, 0, 0));
	UT_ASSERT_EQ(POLLERR, p.revents);
	close(fds[1]);
}

UTEST(poll_says_pollnval_for_a_closed_descriptor_and_skips_a_negative_one)
{
	struct pollfd p[3] = { { -1, POLLIN, 0x55 }, { 200, POLLIN, 0 }, { -7, POLLOUT, 0 } };

	close(200);
	UT_ASSERT_EQ(1, SC(NR_poll, p, 3, -1, 0, 0));
	UT_ASSERT_EQ(0, p[0].revents);
	UT_ASSERT_EQ(POLLNVAL, p[1].revents);
	UT_ASSERT_EQ(0, p[2].revents);
}

UTEST(a_regular_file_and_dev_null_are_always_ready)
{
	struct pollfd p[2];

	p[0] = (struct pollfd){ open("/etc/motd", O_RDONLY), POLLIN | POLLOUT, 0 };
	p[1] = (struct pollfd){ open("/dev/null", O_RDWR), POLLIN | POLLOUT, 0 };
	UT_ASSERT_OK(p[0].fd);
	UT_ASSERT_OK(p[1].fd);
	UT_ASSERT_EQ(2, SC(NR_poll, p, 2, -1, 0, 0));
	UT_ASSERT_EQ(POLLIN | POLLOUT, p[0].revents);
	UT_ASSERT_EQ(POLLIN | POLLOUT, p[1].revents);
	close(p[0].fd);
	close(p[1].fd);
}

UTEST(poll_waits_its_timeout_and_no_more)
{
	struct pollfd p;
	uint64_t t0, ms;
	int fds[2];

	UT_ASSERT_EQ(0, pipe(fds));
	p = (struct pollfd){ fds[0], POLLIN, 0 };
	t0 = clock_ms();
	UT_ASSERT_EQ(0, SC(NR_poll, &p, 1, 100, 0, 0));
	ms = clock_ms() - t0;
	UT_ASSERT(ms >= 100);
	UT_ASSERT(ms < 3000);
	UT_ASSERT_EQ(0, p.revents);
	t0 = clock_ms();
	UT_ASSERT_EQ(0, SC(NR_poll, NULL, 0, 30, 0, 0));   /* no descriptors: a sleep */
	UT_ASSERT(clock_ms() - t0 >= 30);
	close(fds[0]);
	close(fds[1]);
}

UTEST(a_sleeping_poll_wakes_when_another_process_writes)
{
	struct pollfd p;
	uint64_t t0;
	int fds[2], pid;

	UT_ASSERT_EQ(0, pipe(fds));
	p = (struct pollfd){ fds[0], POLLIN, 0 };
	t0 = clock_ms();
	pid = later(50, fds[1], 0);
	UT_ASSERT_OK(pid);
	UT_ASSERT_EQ(1, SC(NR_poll, &p, 1, -1, 0, 0));
	UT_ASSERT_EQ(POLLIN, p.revents);
	UT_ASSERT(clock_ms() - t0 >= 40);
	reap(pid);
	close(fds[0]);
	close(fds[1]);
}

UTEST(a_signal_ends_a_sleeping_poll_with_eintr)
{
	struct pollfd p;
	int fds[2], pid;

	catch_usr1();
	UT_ASSERT_EQ(0, pipe(fds));
	p = (struct pollfd){ fds[0], POLLIN, 0 };
	pid = later(50, -1, SIGUSR1);
	UT_ASSERT_OK(pid);
	UT_ASSERT_EQ(-EINTR, SC(NR_poll, &p, 1, -1, 0, 0));
	UT_ASSERT_EQ(1, got_usr1);
	reap(pid);
	close(fds[0]);
	close(fds[1]);
}

UTEST(poll_refuses_bad_pointers_and_more_descriptors_than_rlimit_nofile)
{
	struct pollfd p[4];
	struct rlimit rl;
	int fds[2];

	UT_ASSERT_EQ(0, pipe(fds));
	p[0] = (struct pollfd){ fds[0], POLLIN, 0 };
	UT_ASSERT_EQ(-EFAULT, SC(NR_poll, 1, 1, 0, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_poll, 0x7ffffffff000L, 1, 0, 0, 0));   /* the top page: unmapped */
	UT_ASSERT_EQ(0, SC(NR_poll, NULL, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	UT_ASSERT_EQ(-EINVAL, SC(NR_poll, p, rl.rlim_cur + 1, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_poll, p, 0x7fffffff, 0, 0, 0));
	/* read-only memory: the revents cannot be written back */
	UT_ASSERT_EQ(-EFAULT, SC(NR_poll, "\0\0\0\0\1\0\0\0", 1, 0, 0, 0));
	close(fds[0]);
	close(fds[1]);
}

/* ---- ppoll ---- */

UTEST(ppoll_times_out_and_writes_back_the_time_left)
{
	struct timespec ts = { 0, 50 * 1000000 }, bad = { 0, 1000000000 };
	struct pollfd p;
	uint64_t t0;
	int fds[2];

	UT_ASSERT_EQ(0, pipe(fds));
	p = (struct pollfd){ fds[0], POLLIN, 0 };
	t0 = clock_ms();
	UT_ASSERT_EQ(0, SC(NR_ppoll, &p, 1, &ts, NULL, 8));
	UT_ASSERT(clock_ms() - t0 >= 50);
	UT_ASSERT_EQ(0, ts.tv_sec);
	UT_ASSERT_EQ(0, ts.tv_nsec);
	ts = (struct timespec){ 5, 0 };
	UT_ASSERT_EQ(1, write(fds[1], "a", 1));
	UT_ASSERT_EQ(1, SC(NR_ppoll, &p, 1, &ts, NULL, 8));
	UT_ASSERT(ts.tv_sec >= 4 && ts.tv_sec <= 5);   /* almost all of it left */
	UT_ASSERT_EQ(-EINVAL, SC(NR_ppoll, &p, 1, &bad, NULL, 8));
	bad = (struct timespec){ -1, 0 };
	UT_ASSERT_EQ(-EINVAL, SC(NR_ppoll, &p, 1, &bad, NULL, 8));
	UT_ASSERT_EQ(-EFAULT, SC(NR_ppoll, &p, 1, 1, NULL, 8));
	close(fds[0]);
	close(fds[1]);
}

UTEST(ppoll_takes_its_signal_mask_for_the_wait_only)
{
	struct timespec zero = { 0, 0 };
	sigset_t block, now;
	struct pollfd p;
	uint64_t mask = 0;
	int fds[2];

	catch_usr1();
	UT_ASSERT_EQ(0, pipe(fds));
	p = (struct pollfd){ fds[0], POLLIN, 0 };
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	UT_ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &block, NULL));
	kill(getpid(), SIGUSR1);
	UT_ASSERT_EQ(0, got_usr1);                     /* pending, blocked */
	UT_ASSERT_EQ(-EINVAL, SC(NR_ppoll, &p, 1, NULL, &mask, 4));
	UT_ASSERT_EQ(-EFAULT, SC(NR_ppoll, &p, 1, NULL, 1, 8));
	UT_ASSERT_EQ(0, got_usr1);
	/* The wait unblocks it: the handler runs, ppoll gives -EINTR, the mask comes back. */
	UT_ASSERT_EQ(-EINTR, SC(NR_ppoll, &p, 1, NULL, &mask, 8));
	UT_ASSERT_EQ(1, got_usr1);
	UT_ASSERT_EQ(0, sigprocmask(SIG_SETMASK, NULL, &now));
	UT_ASSERT(sigismember(&now, SIGUSR1));
	/* A wait that ends without a signal puts the mask back too. */
	UT_ASSERT_EQ(0, SC(NR_ppoll, &p, 1, &zero, &mask, 8));
	UT_ASSERT_EQ(0, sigprocmask(SIG_SETMASK, NULL, &now));
	UT_ASSERT(sigismember(&now, SIGUSR1));
	close(fds[0]);
	close(fds[1]);
}

/* ---- select and pselect6 ---- */

UTEST(select_on_a_pipe_sets_the_bits_of_the_ready_descriptors)
{
	struct timeval tv = { 0, 0 };
	fd_set rd, wr;
	int fds[2];

	UT_ASSERT_EQ(0, pipe(fds));
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(fds[0], &rd);
	FD_SET(fds[1], &wr);
	UT_ASSERT_EQ(1, SC(NR_select, fds[1] + 1, &rd, &wr, NULL, &tv));
	UT_ASSERT(!FD_ISSET(fds[0], &rd));
	UT_ASSERT(FD_ISSET(fds[1], &wr));
	UT_ASSERT_EQ(1, write(fds[1], "a", 1));
	FD_SET(fds[0], &rd);
	FD_ZERO(&wr);
	UT_ASSERT_EQ(1, SC(NR_select, fds[1] + 1, &rd, &wr, NULL, &tv));
	UT_ASSERT(FD_ISSET(fds[0], &rd));
	/* A descriptor in a set that is not open: -EBADF (below 64, which Linux's table always spans). */
	close(20);
	FD_ZERO(&rd);
	FD_SET(20, &rd);
	UT_ASSERT_EQ(-EBADF, SC(NR_select, 21, &rd, NULL, NULL, &tv));
	UT_ASSERT_EQ(-EINVAL, SC(NR_select, -1, NULL, NULL, NULL, &tv));
	UT_ASSERT_EQ(-EFAULT, SC(NR_select, 4, 1, NULL, NULL, &tv));
	tv = (struct timeval){ 0, -1 };
	UT_ASSERT_EQ(-EINVAL, SC(NR_select, 0, NULL, NULL, NULL, &tv));
	tv = (struct timeval){ -1, 0 };
	UT_ASSERT_EQ(-EINVAL, SC(NR_select, 0, NULL, NULL, NULL, &tv));
	tv = (struct timeval){ 0, 1000000 };           /* a whole second in microseconds: taken */
	UT_ASSERT_EQ(0, SC(NR_select, 0, NULL, NULL, NULL, &tv));
	close(fds[0]);
	close(fds[1]);
}

UTEST(select_and_pselect_wait_for_a_writer_or_their_timeout)
{
	struct timeval tv = { 0, 60 * 1000 };
	struct timespec ts = { 0, 30 * 1000000 };
	uint64_t t0;
	fd_set rd;
	int fds[2], pid;

	UT_ASSERT_EQ(0, pipe(fds));
	FD_ZERO(&rd);
	FD_SET(fds[0], &rd);
	t0 = clock_ms();
	UT_ASSERT_EQ(0, SC(NR_select, fds[0] + 1, &rd, NULL, NULL, &tv));
	UT_ASSERT(clock_ms() - t0 >= 60);
	UT_ASSERT(!FD_ISSET(fds[0], &rd));
	UT_ASSERT_EQ(0, tv.tv_sec);
	UT_ASSERT_EQ(0, tv.tv_usec);
	FD_SET(fds[0], &rd);
	t0 = clock_ms();
	UT_ASSERT_EQ(0, pselect(fds[0] + 1, &rd, NULL, NULL, &ts, NULL));
	UT_ASSERT(clock_ms() - t0 >= 30);
	FD_SET(fds[0], &rd);
	pid = later(50, fds[1], 0);
	UT_ASSERT_OK(pid);
	UT_ASSERT_EQ(1, SC(NR_select, fds[0] + 1, &rd, NULL, NULL, NULL));
	UT_ASSERT(FD_ISSET(fds[0], &rd));
	reap(pid);
	close(fds[0]);
	close(fds[1]);
}

/* ---- The terminal ---- */

UTEST(the_terminal_is_writable_and_readable_only_with_input)
{
	struct pollfd p[2] = { { 0, POLLIN, 0 }, { 1, POLLOUT, 0 } };

	if (!isatty(0))
		UT_NEEDS_OWN_KERNEL("standard input is not a terminal here");
	UT_ASSERT_EQ(1, SC(NR_poll, p, 2, 0, 0, 0));   /* nobody types during the tests */
	UT_ASSERT_EQ(0, p[0].revents);
	UT_ASSERT_EQ(POLLOUT, p[1].revents);
}

/* Types s on the console through this kernel's debug.tty_input; false without it. */
static bool type(const char *s)
{
	for (; *s; s++)
		if (sysctl_set("debug.tty_input", (unsigned char)*s) < 0)
			return false;
	return true;
}

static struct termios saved;

static void put_back(void)
{
	tcsetattr(0, TCSAFLUSH, &saved);
}

UTEST(a_sleeping_poll_on_the_terminal_wakes_on_a_typed_line)
{
	struct pollfd p = { 0, POLLIN, 0 };
	struct termios quiet;
	char line[16];
	long v;
	int pid;

	UT_NEEDS_OWN_KERNEL("keys are typed through this kernel's debug.tty_input");
	if (sysctl_get("debug.tty_input", &v) < 0) {
		printf("    # no debug.tty_input (a KDEBUG=0 kernel): nothing typed, nothing checked\n");
		return;
	}
	/* No echo of the typed keys into the test report; the terminal comes back at exit. */
	UT_ASSERT_EQ(0, tcgetattr(0, &saved));
	atexit(put_back);
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	UT_ASSERT_EQ(0, tcsetattr(0, TCSANOW, &quiet));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sleep_ms(50);
		_exit(type("ab") && (sleep_ms(20), type("\n")) ? 0 : 1);
	}
	UT_ASSERT_EQ(1, SC(NR_poll, &p, 1, 5000, 0, 0));
	UT_ASSERT_EQ(POLLIN, p.revents);
	UT_ASSERT_EQ(3, read(0, line, sizeof(line)));  /* a whole line, typed after the wait began */
	UT_ASSERT(memcmp(line, "ab\n", 3) == 0);
	reap(pid);
}

/* ---- Process calls ---- */

UTEST(sysinfo_reports_memory_uptime_and_processes)
{
	struct sysinfo si;
	struct vmstat vs;

	UT_ASSERT_EQ(0, SC(NR_sysinfo, &si, 0, 0, 0, 0));
	vs = ut_vmstat(0);
	UT_ASSERT(si.mem_unit >= 1);
	UT_ASSERT(si.totalram > 0);
	UT_ASSERT(si.freeram <= si.totalram);
	UT_ASSERT(si.procs >= 2);                      /* the runner and this case */
	if (own_kernel())
		UT_ASSERT_EQ((unsigned long)vs.total_pages * 4096, si.totalram * si.mem_unit);
	UT_ASSERT_EQ(-EFAULT, SC(NR_sysinfo, 1, 0, 0, 0, 0));
}

UTEST(getgroups_of_root_gives_no_supplementary_group)
{
	gid_t g[4];

	UT_ASSERT_EQ(0, SC(NR_getgroups, 0, NULL, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_getgroups, 4, g, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_getgroups, -1, g, 0, 0, 0));
}

UTEST(getrlimit_gives_the_descriptor_table_and_stack_limits)
{
	struct rlimit rl;

	UT_ASSERT_EQ(0, SC(NR_getrlimit, RLIMIT_NOFILE, &rl, 0, 0, 0));
	UT_ASSERT(rl.rlim_cur >= 64 && rl.rlim_cur <= rl.rlim_max);
	if (own_kernel()) {     /* this kernel's table holds 256 */
		UT_ASSERT_EQ(256, rl.rlim_cur);
		UT_ASSERT_EQ(256, rl.rlim_max);
	}
	UT_ASSERT_EQ(0, SC(NR_getrlimit, RLIMIT_STACK, &rl, 0, 0, 0));
	UT_ASSERT(rl.rlim_cur > 0 && rl.rlim_cur <= rl.rlim_max);
	UT_ASSERT_EQ(0, SC(NR_getrlimit, RLIMIT_AS, &rl, 0, 0, 0));
	UT_ASSERT_EQ(RLIM_INFINITY, rl.rlim_cur);
	UT_ASSERT_EQ(RLIM_INFINITY, rl.rlim_max);
	UT_ASSERT_EQ(-EINVAL, SC(NR_getrlimit, 99, &rl, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_getrlimit, -1, &rl, 0, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_getrlimit, RLIMIT_NOFILE, 1, 0, 0, 0));
}

UTEST(a_lowered_rlimit_nofile_bounds_new_descriptors_and_is_inherited)
{
	struct rlimit rl = { 10, 10 }, got;
	struct pollfd p[11];
	int fd, last = -1, pid, status;

	UT_ASSERT_EQ(0, SC(NR_setrlimit, RLIMIT_NOFILE, &rl, 0, 0, 0));
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		last = fd;
	UT_ASSERT_EQ(EMFILE, errno);
	UT_ASSERT_EQ(9, last);
	UT_ASSERT_EQ(-EBADF, SC(NR_dup2, 0, 10, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_fcntl, 0, F_DUPFD, 10, 0, 0));
	UT_ASSERT_EQ(-EMFILE, SC(NR_fcntl, 0, F_DUPFD, 5, 0, 0));
	memset(p, 0, sizeof(p));
	UT_ASSERT_EQ(-EINVAL, SC(NR_poll, p, 11, 0, 0, 0));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		_exit(getrlimit(RLIMIT_NOFILE, &got) == 0 && got.rlim_cur == 10 ? 0 : 1);
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
	/* Soft above hard is refused; as root, raising the hard limit back is not. */
	rl = (struct rlimit){ 11, 10 };
	UT_ASSERT_EQ(-EINVAL, SC(NR_setrlimit, RLIMIT_NOFILE, &rl, 0, 0, 0));
	rl = (struct rlimit){ 20, 20 };
	UT_ASSERT_EQ(0, SC(NR_setrlimit, RLIMIT_NOFILE, &rl, 0, 0, 0));
	UT_ASSERT_OK(open("/dev/null", O_RDONLY));
	if (own_kernel()) {     /* the table holds 256: like Linux above fs.nr_open */
		rl = (struct rlimit){ 257, 257 };
		UT_ASSERT_EQ(-EPERM, SC(NR_setrlimit, RLIMIT_NOFILE, &rl, 0, 0, 0));
	}
	UT_ASSERT_EQ(-EFAULT, SC(NR_setrlimit, RLIMIT_NOFILE, 1, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_setrlimit, 99, &rl, 0, 0, 0));
}

UTEST(prlimit64_reads_and_sets_another_process_limit)
{
	struct rlimit nw = { 30, 40 }, old;
	int pid = fork(), status;

	UT_ASSERT_OK(pid);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	UT_ASSERT_EQ(0, SC(NR_prlimit64, pid, RLIMIT_NOFILE, &nw, &old, 0));
	UT_ASSERT(old.rlim_cur >= 64);
	UT_ASSERT_EQ(0, SC(NR_prlimit64, pid, RLIMIT_NOFILE, NULL, &old, 0));
	UT_ASSERT_EQ(30, old.rlim_cur);
	UT_ASSERT_EQ(40, old.rlim_max);
	UT_ASSERT_EQ(0, SC(NR_prlimit64, 0, RLIMIT_CORE, NULL, &old, 0));
	UT_ASSERT_EQ(-ESRCH, SC(NR_prlimit64, 999999, RLIMIT_NOFILE, NULL, &old, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_prlimit64, 0, 99, NULL, &old, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_prlimit64, 0, RLIMIT_NOFILE, 1, NULL, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_prlimit64, 0, RLIMIT_NOFILE, NULL, 1, 0));
	kill(pid, SIGKILL);
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
}

UTEST(getrandom_fills_the_buffer_and_checks_its_flags)
{
	unsigned char a[64], b[64], zero[64] = { 0 };

	UT_ASSERT_EQ(64, SC(NR_getrandom, a, 64, 0, 0, 0));
	UT_ASSERT_EQ(64, SC(NR_getrandom, b, 64, GRND_NONBLOCK, 0, 0));
	UT_ASSERT(memcmp(a, zero, 64) != 0);
	UT_ASSERT(memcmp(a, b, 64) != 0);
	UT_ASSERT_EQ(5, SC(NR_getrandom, a, 5, GRND_RANDOM, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_getrandom, a, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_getrandom, a, 8, 0x100, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_getrandom, a, 8, GRND_RANDOM | GRND_INSECURE, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_getrandom, 1, 8, 0, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_getrandom, "read-only", 4, 0, 0, 0));
}

UTEST(set_robust_list_takes_only_its_own_size)
{
	long head[3] = { 0, 0, 0 };

	head[0] = (long)head;       /* an empty list points at itself */
	UT_ASSERT_EQ(0, SC(NR_set_robust_list, head, ROBUST_HEAD_SIZE, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_set_robust_list, head, ROBUST_HEAD_SIZE - 1, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_set_robust_list, head, 0, 0, 0, 0));
}

UTEST(time_gives_the_seconds_of_the_realtime_clock)
{
	struct timespec ts;
	long t = 0, r;

	UT_ASSERT_EQ(0, clock_gettime(CLOCK_REALTIME, &ts));
	r = SC(NR_time, &t, 0, 0, 0, 0);
	UT_ASSERT_EQ(r, t);
	UT_ASSERT(r >= ts.tv_sec && r <= ts.tv_sec + 2);
	UT_ASSERT(SC(NR_time, NULL, 0, 0, 0, 0) >= r);
	UT_ASSERT_EQ(-EFAULT, SC(NR_time, 1, 0, 0, 0, 0));
}

int main(int argc, char **argv)
{
	return utest_main("proc_calls", argc, argv);
}
