/*
 * Test suite "tty": the console as a terminal. termios as Linux sets it
 * up and as TCSETS changes it, on both kernels; then, on this kernel, the
 * foreground process group, the keys that send signals to it, line
 * editing, end of file and raw mode, with keys typed through the
 * debug.tty_input knob (KDEBUG kernels; without it those cases check
 * nothing). Each case puts the terminal back as it found it when its
 * process ends (atexit), whatever the case's outcome.
 */
#include <sys/ioctl.h>
#include <termios.h>
#include "utest.h"

#define SC(n, a, b, c, d) syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

static struct termios saved;
static volatile sig_atomic_t signalled;

static void on_signal(int sig)
{
	(void)sig;
	signalled++;
}
static int saved_pgrp = -1;

static void put_back(void)
{
	tcsetattr(0, TCSAFLUSH, &saved);
	if (saved_pgrp >= 0)
		ioctl(0, TIOCSPGRP, &saved_pgrp);
}

/* Saves the terminal's state for put_back() at exit; skips on Linux if stdin is not one. */
static void hold_terminal(void)
{
	if (!isatty(0))
		UT_NEEDS_OWN_KERNEL("standard input is not a terminal here");
	tcgetattr(0, &saved);
	if (own_kernel())
		ioctl(0, TIOCGPGRP, &saved_pgrp);
	atexit(put_back);
}

/* Types s on the console; false when the kernel has no debug.tty_input. */
static bool type(const char *s)
{
	for (; *s; s++)
		if (sysctl_set("debug.tty_input", (unsigned char)*s) < 0)
			return false;
	return true;
}

static bool have_keys(void)
{
	long v;

	if (sysctl_get("debug.tty_input", &v) == 0)
		return true;
	printf("    # no debug.tty_input (a KDEBUG=0 kernel): nothing typed, nothing checked\n");
	return false;
}

UTEST(termios_starts_as_linux_sets_it_and_tcsets_reads_back)
{
	struct termios t, u;
	int fds[2];

	hold_terminal();
	UT_ASSERT_EQ(0, tcgetattr(0, &t));
	UT_ASSERT_EQ(ICANON | ECHO | ISIG, t.c_lflag & (ICANON | ECHO | ISIG));
	UT_ASSERT(t.c_iflag & ICRNL);
	UT_ASSERT_EQ(OPOST | ONLCR, t.c_oflag & (OPOST | ONLCR));
	UT_ASSERT_EQ(3, t.c_cc[VINTR]);
	UT_ASSERT_EQ(0x1c, t.c_cc[VQUIT]);
	UT_ASSERT_EQ(0x7f, t.c_cc[VERASE]);
	UT_ASSERT_EQ(0x15, t.c_cc[VKILL]);
	UT_ASSERT_EQ(4, t.c_cc[VEOF]);
	UT_ASSERT_EQ(0x1a, t.c_cc[VSUSP]);
	u = t;
	u.c_lflag &= ~(ECHO | ICANON);
	u.c_cc[VMIN] = 5;
	u.c_cc[VTIME] = 2;
	UT_ASSERT_EQ(0, tcsetattr(0, TCSANOW, &u));
	memset(&u, 0, sizeof(u));
	UT_ASSERT_EQ(0, tcgetattr(0, &u));
	UT_ASSERT_EQ(t.c_lflag & ~(ECHO | ICANON), u.c_lflag);
	UT_ASSERT_EQ(5, u.c_cc[VMIN]);
	UT_ASSERT_EQ(2, u.c_cc[VTIME]);
	UT_ASSERT_EQ(0, tcsetattr(0, TCSADRAIN, &t));
	UT_ASSERT_EQ(0, tcgetattr(0, &u));
	UT_ASSERT_EQ(t.c_lflag, u.c_lflag);
	UT_ASSERT_EQ(-EFAULT, SC(NR_ioctl, 0, TCGETS, 1, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_ioctl, 0, TCSETS, 1, 0));
	UT_ASSERT_EQ(0, pipe(fds));
	UT_ASSERT_EQ(-ENOTTY, SC(NR_ioctl, fds[0], TCGETS, &t, 0));
	close(fds[0]);
	close(fds[1]);
}

UTEST(the_foreground_group_is_set_only_to_a_group_of_the_session)
{
	int pgrp, bad = 0x7ffffff0, neg = -1;

	UT_NEEDS_OWN_KERNEL("Linux's console is no test's controlling terminal");
	hold_terminal();
	UT_ASSERT_EQ(0, ioctl(0, TIOCGPGRP, &pgrp));
	UT_ASSERT_EQ(saved_pgrp, pgrp);
	pgrp = getpgrp();
	UT_ASSERT_EQ(0, ioctl(0, TIOCSPGRP, &pgrp));
	UT_ASSERT_EQ(getpgrp(), tcgetpgrp(0));
	UT_ASSERT_EQ(-EPERM, SC(NR_ioctl, 0, TIOCSPGRP, &bad, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_ioctl, 0, TIOCSPGRP, &neg, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_ioctl, 0, TIOCSPGRP, 1, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_ioctl, 0, TIOCGPGRP, 1, 0));
}

/* A child in a group of its own, made the foreground, waiting for a signal. */
static int foreground_child(void)
{
	int fds[2], pid;
	char c;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		write(fds[1], "r", 1);
		for (;;)
			pause();
	}
	setpgid(pid, pid);
	read(fds[0], &c, 1);
	close(fds[0]);
	close(fds[1]);
	if (tcsetpgrp(0, pid) < 0)
		return -1;
	return pid;
}

UTEST(ctrl_c_ctrl_backslash_and_ctrl_z_signal_the_foreground_group)
{
	static const struct { const char *key; int sig; } keys[] = {
		{ "\003", SIGINT }, { "\034", SIGQUIT }, { "\032", SIGTSTP },
	};
	struct termios t;
	int pid, status;

	UT_NEEDS_OWN_KERNEL("keys are typed through this kernel's debug.tty_input");
	hold_terminal();
	if (!have_keys())
		return;
	t = saved;
	t.c_lflag &= ~ECHO;          /* an echoed ^C would break the report's line */
	UT_ASSERT_EQ(0, tcsetattr(0, TCSAFLUSH, &t));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		pid = foreground_child();
		UT_ASSERT_OK(pid);
		UT_ASSERT(type(keys[i].key));
		UT_ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
		if (keys[i].sig == SIGTSTP) {
			UT_ASSERT(WIFSTOPPED(status));
			UT_ASSERT_EQ(SIGTSTP, WSTOPSIG(status));
			kill(pid, SIGKILL);
			UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
		} else {
			UT_ASSERT(WIFSIGNALED(status));
			UT_ASSERT_EQ(keys[i].sig, WTERMSIG(status));
		}
		UT_ASSERT_EQ(0, tcsetpgrp(0, saved_pgrp));
	}
}

/* Waits until parent has a child named name: its pid, or -1 after 10 s. */
static int child_named(int parent, const char *name)
{
	struct procinfo pi;

	for (int tries = 0; tries < 1000; tries++) {
		for (int i = 0; procinfo(i, &pi) == 0; i++)
			if (pi.ppid == parent && strcmp(pi.name, name) == 0)
				return pi.pid;
		sleep_ms(10);
	}
	return -1;
}

/*
 * Starts the shell at path with argv in a group of its own made the
 * terminal's foreground, echo off: it reads commands from pipe in (the
 * caller writes in[1]) and writes its output and errors into pipe out (the
 * caller reads out[0]). Sets *pid to its pid once it runs in the
 * foreground (-1 before).
 */
static void start_shell(const char *path, char *const argv[], int in[2], int out[2], int *pid)
{
	struct termios t = saved;
	int sh;

	*pid = -1;
	t.c_lflag &= ~ECHO;
	UT_ASSERT_EQ(0, tcsetattr(0, TCSAFLUSH, &t));
	UT_ASSERT_EQ(0, pipe(in));
	UT_ASSERT_EQ(0, pipe(out));
	sh = fork();
	UT_ASSERT_OK(sh);
	if (sh == 0) {
		setpgid(0, 0);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(in[1]);
		close(out[0]);
		execv(path, argv);
		_exit(127);
	}
	setpgid(sh, sh);
	close(in[0]);
	close(out[1]);
	UT_ASSERT_EQ(0, tcsetpgrp(0, sh));
	*pid = sh;
}

/*
 * The project's shell, /usr/bin/ownsh, in a group of its own made the
 * foreground, reading commands from a pipe: Ctrl-C ends its command (this
 * program's `cat` helper, there with or without busybox), and the shell
 * lives on to run the next command.
 */
UTEST(ctrl_c_ends_the_shells_command_and_not_the_shell)
{
	int in[2], out[2], sh, status;
	char buf[512];
	size_t got = 0;
	long n;

	UT_NEEDS_OWN_KERNEL("keys are typed through this kernel's debug.tty_input");
	hold_terminal();
	if (!have_keys())
		return;
	start_shell("/usr/bin/ownsh", (char *[]){ "sh", NULL }, in, out, &sh);
	UT_ASSERT(sh > 0);
	UT_ASSERT_EQ(15, write(in[1], "/tests/tty cat\n", 15));
	UT_ASSERT(child_named(sh, "tty") > 0);
	UT_ASSERT(type("\003"));
	/* The next command only once cat is gone, or a dying cat could take it. */
	buf[0] = '\0';
	while (!strstr(buf, "killed by signal 2\n$ ") && got < sizeof(buf) - 1 &&
	       (n = read(out[0], buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += (size_t)n;
		buf[got] = '\0';
	}
	if (!strstr(buf, "ownsh: /tests/tty: killed by signal 2"))
		UT_FAIL("the shell said: %s", buf);
	UT_ASSERT_EQ(7, write(in[1], "exit 7\n", 7));
	close(in[1]);
	close(out[0]);
	UT_ASSERT_EQ(sh, waitpid(sh, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(7), status);
}

/*
 * Busybox's ash, interactive (-i: it catches SIGINT and runs jobs in
 * groups of their own) and reading commands from a pipe, in a group of its
 * own made the foreground: Ctrl-C ends its foreground /bin/sleep 100 (a
 * fork and exec of the applet: a bare `sleep` would run inside the shell),
 * and ash lives on to report 128 + SIGINT and run the next command.
 */
UTEST(ctrl_c_ends_ashs_foreground_sleep_and_not_ash)
{
	int in[2], out[2], sh, status;
	char buf[2048];
	size_t got = 0;
	long n;

	UT_NEEDS_OWN_KERNEL("keys are typed through this kernel's debug.tty_input");
	if (access("/bin/busybox", X_OK) != 0)
		ut_skip("no /bin/busybox in this initrd (built with NO_BUSYBOX=1 or without the package)");
	hold_terminal();
	if (!have_keys())
		return;
	start_shell("/bin/busybox", (char *[]){ "sh", "-i", NULL }, in, out, &sh);
	UT_ASSERT(sh > 0);
	UT_ASSERT_EQ(15, write(in[1], "/bin/sleep 100\n", 15));
	UT_ASSERT(child_named(sh, "sleep") > 0);
	UT_ASSERT(type("\003"));
	UT_ASSERT_EQ(22, write(in[1], "echo alive $?; exit 7\n", 22));
	close(in[1]);
	buf[0] = '\0';
	while (got < sizeof(buf) - 1 && (n = read(out[0], buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += (size_t)n;
		buf[got] = '\0';
	}
	close(out[0]);
	UT_ASSERT_EQ(sh, waitpid(sh, &status, 0));
	if (!strstr(buf, "alive 130\n") || status != W_EXITCODE(7))
		UT_FAIL("ash ended with status 0x%x and said: %s", status, buf);
}

/* Reads what one read() gives into buf as a string. */
static long read_string(char *buf, size_t len)
{
	long n = read(0, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

UTEST(canonical_mode_edits_the_line_and_ctrl_d_ends_the_input)
{
	struct termios t;
	char buf[64];

	UT_NEEDS_OWN_KERNEL("keys are typed through this kernel's debug.tty_input");
	hold_terminal();
	if (!have_keys())
		return;
	t = saved;
	t.c_lflag &= ~ECHO;          /* the echo would break the report's lines */
	UT_ASSERT_EQ(0, tcsetattr(0, TCSAFLUSH, &t));
	UT_ASSERT(type("ab\177c\r"));                 /* DEL erases, CR reads as NL */
	UT_ASSERT_EQ(3, read_string(buf, sizeof(buf)));
	UT_ASSERT(strcmp(buf, "ac\n") == 0);
	UT_ASSERT(type("xy\025one two\027\n"));       /* ^U kills the line, ^W a word */
	UT_ASSERT_EQ(5, read_string(buf, sizeof(buf)));
	UT_ASSERT(strcmp(buf, "one \n") == 0);
	UT_ASSERT(type("q\004\004"));                 /* ^D ends a line, then the input */
	UT_ASSERT_EQ(1, read_string(buf, sizeof(buf)));
	UT_ASSERT(strcmp(buf, "q") == 0);
	UT_ASSERT_EQ(0, read_string(buf, sizeof(buf)));
	UT_ASSERT(type("abcdef\n"));                  /* a short read leaves the rest */
	UT_ASSERT_EQ(2, read(0, buf, 2));
	UT_ASSERT_EQ(5, read_string(buf, sizeof(buf)));
	UT_ASSERT(strcmp(buf, "cdef\n") == 0);
}

/* A read of the terminal that a signal interrupts gives EINTR (on Linux too). */
UTEST(a_signal_interrupts_a_terminal_read)
{
	struct sigaction sa = { 0 };
	int parent = getpid(), pid;
	char c;

	hold_terminal();
	sa.sa_handler = on_signal;
	UT_ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sleep_ms(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	UT_ASSERT_EQ(-EINTR, sys_read(0, &c, 1));
	UT_ASSERT_EQ(1, signalled);
	UT_ASSERT_EQ(pid, waitpid(pid, NULL, 0));
}

/*
 * Ctrl-T is this kernel's status key, as on BSD: with ISIG it prints every
 * thread's state (kern.dump_threads does the same) and is not read; without
 * ISIG it is an ordinary byte.
 */
UTEST(ctrl_t_prints_the_threads_and_is_not_read)
{
	struct termios t;
	char buf[64];
	long v = 1;

	UT_NEEDS_OWN_KERNEL("Ctrl-T is this kernel's status key, typed through debug.tty_input");
	hold_terminal();
	UT_ASSERT_OK(sysctl_set("kern.dump_threads", 1));
	UT_ASSERT_OK(sysctl_get("kern.dump_threads", &v));
	UT_ASSERT_EQ(0, v);                          /* an action: it reads back 0 */
	if (!have_keys())
		return;
	t = saved;
	t.c_lflag &= ~ECHO;
	UT_ASSERT_EQ(0, tcsetattr(0, TCSAFLUSH, &t));
	UT_ASSERT(type("a\024b\n"));
	UT_ASSERT_EQ(3, read_string(buf, sizeof(buf)));
	UT_ASSERT(strcmp(buf, "ab\n") == 0);
	t.c_lflag &= ~ISIG;
	UT_ASSERT_EQ(0, tcsetattr(0, TCSANOW, &t));
	UT_ASSERT(type("\024\n"));
	UT_ASSERT_EQ(2, read_string(buf, sizeof(buf)));
	UT_ASSERT_EQ('\024', buf[0]);
}

UTEST(raw_mode_reads_bytes_as_they_come)
{
	struct termios t, canonical;
	char buf[64];
	uint64_t start;

	UT_NEEDS_OWN_KERNEL("keys are typed through this kernel's debug.tty_input");
	hold_terminal();
	if (!have_keys())
		return;
	t = saved;
	t.c_lflag &= ~ECHO;
	canonical = t;
	t.c_lflag &= ~(ICANON | ISIG);
	t.c_iflag &= ~ICRNL;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	UT_ASSERT_EQ(0, tcsetattr(0, TCSAFLUSH, &t));
	UT_ASSERT(type("a"));
	UT_ASSERT_EQ(1, read_string(buf, sizeof(buf)));
	UT_ASSERT_EQ('a', buf[0]);
	UT_ASSERT(type("\003\r\177"));               /* no signal, no CR to NL, no erase */
	UT_ASSERT_EQ(3, read_string(buf, sizeof(buf)));
	UT_ASSERT(memcmp(buf, "\003\r\177", 3) == 0);
	t.c_cc[VMIN] = 0;                            /* a poll */
	UT_ASSERT_EQ(0, tcsetattr(0, TCSANOW, &t));
	UT_ASSERT_EQ(0, read_string(buf, sizeof(buf)));
	t.c_cc[VTIME] = 2;                           /* at most 0.2 s */
	UT_ASSERT_EQ(0, tcsetattr(0, TCSANOW, &t));
	start = clock_ms();
	UT_ASSERT_EQ(0, read_string(buf, sizeof(buf)));
	UT_ASSERT(clock_ms() - start >= 150);
	/* Leaving canonical mode makes the line being typed readable. */
	UT_ASSERT_EQ(0, tcsetattr(0, TCSAFLUSH, &canonical));
	UT_ASSERT(type("par"));
	t.c_cc[VTIME] = 0;
	UT_ASSERT_EQ(0, tcsetattr(0, TCSANOW, &t));
	UT_ASSERT_EQ(3, read_string(buf, sizeof(buf)));
	UT_ASSERT(strcmp(buf, "par") == 0);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "cat") == 0)
		return ut_cat();
	return utest_main("tty", argc, argv);
}
