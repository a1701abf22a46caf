/*
 * Test suite "files": file descriptors and pipes, checked for what Linux
 * documents (pipe(7), pipe(2), dup(2), fcntl(2), close(2)): a pipe's
 * bytes in order, end of file, EPIPE and SIGPIPE, O_NONBLOCK, atomic
 * writes of up to PIPE_BUF bytes from several writers, descriptors across
 * fork and exec (FD_CLOEXEC), dup2 onto stdout, a full table, and the
 * errors of bad descriptors and pointers. Raw calls (syscall6) where the
 * exact error matters, so the same checks hold on Linux.
 *
 * `/tests/files open-fds FD...` is a helper a case execs: it exits with
 * bit i set when FD number i of its arguments is open in the new image.
 * `/tests/files echo WORD...` and `/tests/files cat` are the echo and cat
 * of the cases that run a program or the project's shell: there with or
 * without busybox.
 */
#include <ctype.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "utest.h"

#define SC(n, a, b, c, d, e, f) \
	syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

#define OWN_FD_MAX    256          /* this kernel's table (kernel/file.h) */
#define OWN_PIPE_SIZE (64 * 1024)  /* this kernel's pipe buffer, Linux's default too */
#define SELF "/tests/files"

static long sc_pipe2(int fds[2], int flags)
{
	return SC(NR_pipe2, fds, flags, 0, 0, 0, 0);
}

static long sc_close(long fd)
{
	return SC(NR_close, fd, 0, 0, 0, 0, 0);
}

static long sc_fcntl(long fd, long cmd, long arg)
{
	return SC(NR_fcntl, fd, cmd, arg, 0, 0, 0);
}

/* Ignores SIGPIPE in the calling process, so a write without a reader gives EPIPE. */
static int ignore_sigpipe(void)
{
	struct linux_sigaction ign = { 1, 0, 0, 0 };   /* SIG_IGN */

	return (int)SC(NR_rt_sigaction, SIGPIPE, &ign, 0, 8, 0, 0);
}

/* Reads until end of file or len bytes; the count, or -E... */
static long read_all(int fd, char *buf, size_t len)
{
	size_t n = 0;
	long r;

	while (n < len && (r = sys_read(fd, buf + n, len - n)) > 0)
		n += r;
	return r < 0 && n == 0 ? r : (long)n;
}

/* Waits for child pid and checks that it exited with status 0. */
static void reap_ok(int pid)
{
	int status;

	UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
}

/* ---- Pipes ---- */

UTEST(pipe_carries_bytes_in_order_and_a_read_returns_what_is_there)
{
	char buf[64];
	int fds[2], n = -1;

	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	UT_ASSERT(fds[0] >= 0 && fds[1] >= 0 && fds[0] != fds[1]);
	UT_ASSERT_EQ(5, sys_write(fds[1], "hello", 5));
	UT_ASSERT_EQ(6, sys_write(fds[1], " world", 6));
	UT_ASSERT_EQ(0, SC(NR_ioctl, fds[0], FIONREAD, &n, 0, 0, 0));
	UT_ASSERT_EQ(11, n);
	/* Less than asked: what is there, without waiting for more. */
	UT_ASSERT_EQ(11, sys_read(fds[0], buf, sizeof(buf)));
	UT_ASSERT_EQ(0, memcmp(buf, "hello world", 11));
	UT_ASSERT_EQ(3, sys_write(fds[1], "abc", 3));
	UT_ASSERT_EQ(2, sys_read(fds[0], buf, 2));      /* the rest stays */
	UT_ASSERT_EQ(1, sys_read(fds[0], buf + 2, 10));
	UT_ASSERT_EQ(0, memcmp(buf, "abc", 3));
	UT_ASSERT_EQ(0, sys_write(fds[1], buf, 0));
	UT_ASSERT_EQ(0, sys_read(fds[0], buf, 0));      /* at once, though empty */
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
}

UTEST(a_megabyte_goes_through_in_order_with_a_blocked_writer)
{
	const size_t total = 1 << 20;
	static char in[1 << 16], out[4099];
	uint64_t state = 7;
	size_t got = 0, i;
	int fds[2], pid;
	long r;

	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sc_close(fds[0]);
		for (size_t done = 0; done < total; done += sizeof(in)) {
			for (i = 0; i < sizeof(in); i++)
				in[i] = (char)((done + i) * 7 % 251);
			if (sys_write(fds[1], in, sizeof(in)) != (long)sizeof(in))
				_exit(1);
		}
		_exit(0);
	}
	sc_close(fds[1]);
	while ((r = sys_read(fds[0], out, 1 + rand_next_r(&state) % sizeof(out))) > 0) {
		for (i = 0; i < (size_t)r; i++)
			if (out[i] != (char)((got + i) * 7 % 251))
				UT_FAIL("byte %zu is %d, want %d", got + i, out[i],
				    (char)((got + i) * 7 % 251));
		got += r;
	}
	UT_ASSERT_EQ(0, r);
	UT_ASSERT_EQ(total, got);
	reap_ok(pid);
	sc_close(fds[0]);
}

/* A reader blocked in read() wakes with end of file when the last write end closes. */
UTEST(read_gives_end_of_file_once_every_write_end_is_closed)
{
	char c;
	int fds[2], dupfd, pid;

	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	dupfd = (int)SC(NR_dup, fds[1], 0, 0, 0, 0, 0);
	UT_ASSERT_OK(dupfd);
	UT_ASSERT_EQ(2, sys_write(fds[1], "ab", 2));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
	UT_ASSERT_EQ(1, sys_read(fds[0], &c, 1));
	UT_ASSERT_EQ(1, sys_read(fds[0], &c, 1));
	UT_ASSERT_EQ('b', c);
	/* Empty, but a write end (the dup) is open: no end of file. */
	UT_ASSERT_EQ(0, sc_fcntl(fds[0], F_SETFL, O_NONBLOCK));
	UT_ASSERT_EQ(-EAGAIN, sys_read(fds[0], &c, 1));
	UT_ASSERT_EQ(0, sc_fcntl(fds[0], F_SETFL, 0));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sc_close(dupfd);
		_exit(sys_read(fds[0], &c, 1) == 0 ? 0 : 1);   /* blocks until the close */
	}
	ut_wait_asleep(pid);
	sleep_ms(20);
	UT_ASSERT_EQ(0, sc_close(dupfd));
	reap_ok(pid);
	UT_ASSERT_EQ(0, sys_read(fds[0], &c, 1));
	UT_ASSERT_EQ(0, sc_close(fds[0]));
}

UTEST(a_write_without_a_reader_gives_sigpipe_or_epipe)
{
	static char big[100000];
	uint64_t pipe_bit = 1UL << (SIGPIPE - 1);
	int fds[2], pid, status;

	/* SIGPIPE's default action ends the writer. */
	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sys_write(fds[1], "x", 1);
		_exit(3);
	}
	UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS));
	UT_ASSERT(WIFSIGNALED(status));
	UT_ASSERT_EQ(SIGPIPE, WTERMSIG(status));
	/* Blocked, it leaves the writer alive with EPIPE. */
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		if (SC(NR_rt_sigprocmask, SIG_BLOCK, &pipe_bit, 0, 8, 0, 0) != 0)
			_exit(1);
		_exit(sys_write(fds[1], "x", 1) == -EPIPE ? 0 : 2);
	}
	reap_ok(pid);
	/* Ignored: EPIPE, even for a big write; a null write still succeeds. */
	UT_ASSERT_EQ(0, ignore_sigpipe());
	UT_ASSERT_EQ(-EPIPE, sys_write(fds[1], "x", 1));
	UT_ASSERT_EQ(-EPIPE, sys_write(fds[1], big, sizeof(big)));
	UT_ASSERT_EQ(-EPIPE, sys_write(fds[1], NULL, 1));      /* before the buffer is looked at */
	UT_ASSERT_EQ(0, sys_write(fds[1], "x", 0));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
}

UTEST(nonblocking_ends_give_eagain_when_empty_or_full)
{
	static char buf[8192], more[200000];
	long r, total = 0;
	int fds[2];

	UT_ASSERT_EQ(0, sc_pipe2(fds, O_NONBLOCK | O_CLOEXEC));
	UT_ASSERT_EQ(O_NONBLOCK, sc_fcntl(fds[0], F_GETFL, 0) & O_NONBLOCK);
	UT_ASSERT_EQ(FD_CLOEXEC, sc_fcntl(fds[1], F_GETFD, 0));
	UT_ASSERT_EQ(-EAGAIN, sys_read(fds[0], buf, 1));
	while ((r = sys_write(fds[1], buf, 4096)) == 4096)
		total += r;
	UT_ASSERT_EQ(-EAGAIN, r);
	UT_ASSERT(total >= 4096);
	if (own_kernel())
		UT_ASSERT_EQ(OWN_PIPE_SIZE, total);
	UT_ASSERT_EQ(-EAGAIN, sys_write(fds[1], buf, 1));
	UT_ASSERT_EQ(-EAGAIN, sys_write(fds[1], buf, sizeof(buf)));
	while ((r = sys_read(fds[0], buf, sizeof(buf))) > 0)
		total -= r;
	UT_ASSERT_EQ(-EAGAIN, r);
	UT_ASSERT_EQ(0, total);
	/* More than PIPE_BUF into an empty pipe: what fits, then EAGAIN. */
	r = sys_write(fds[1], more, sizeof(more));
	UT_ASSERT(r >= 4096 && r < (long)sizeof(more));
	UT_ASSERT_EQ(-EAGAIN, sys_write(fds[1], buf, 4096));
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
}

/*
 * Two writers write msgs messages of size bytes each, every byte of a
 * message the writer's letter; the reader, reading in odd pieces, must
 * find the stream made of whole messages.
 */
static void writers_interleave_only_between_messages(size_t size, int msgs)
{
	size_t total = 2 * size * msgs, got = 0, k, i;
	char *all = malloc(total), *msg = malloc(size);
	int fds[2], pids[2], count[2] = { 0, 0 }, w;
	long r;

	UT_ASSERT(all && msg);
	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	for (w = 0; w < 2; w++) {
		pids[w] = fork();
		UT_ASSERT_OK(pids[w]);
		if (pids[w] == 0) {
			sc_close(fds[0]);
			memset(msg, 'a' + w, size);
			for (i = 0; i < (size_t)msgs; i++)
				if (sys_write(fds[1], msg, size) != (long)size)
					_exit(1);
			_exit(0);
		}
	}
	sc_close(fds[1]);
	while (got < total && (r = sys_read(fds[0], all + got, MIN(777, total - got))) > 0)
		got += r;
	UT_ASSERT_EQ(total, got);
	for (k = 0; k < total; k += size) {
		for (i = 1; i < size; i++)
			if (all[k + i] != all[k])
				UT_FAIL("%zu-byte message at %zu: '%c' then '%c' at byte %zu", size,
				    k, all[k], all[k + i], i);
		count[all[k] == 'b']++;
	}
	UT_ASSERT_EQ(msgs, count[0]);
	UT_ASSERT_EQ(msgs, count[1]);
	reap_ok(pids[0]);
	reap_ok(pids[1]);
	sc_close(fds[0]);
	free(all);
	free(msg);
}

UTEST(writes_of_up_to_pipe_buf_from_two_writers_never_interleave)
{
	writers_interleave_only_between_messages(PIPE_BUF, 48);
	if (!ut_failed())
		writers_interleave_only_between_messages(1500, 100);   /* across the ring's end */
}

/* A reader or writer blocked in a pipe dies when killed, and gives everything back. */
UTEST(a_blocked_reader_and_a_blocked_writer_are_killed)
{
	static char big[1 << 17];
	int fds[2], pid, status, w;

	UT_ASSERT_EQ(0, ignore_sigpipe());
	for (w = 0; w < 2; w++) {
		UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
		pid = fork();
		UT_ASSERT_OK(pid);
		if (pid == 0) {
			if (w)
				sys_write(fds[1], big, sizeof(big));  /* fills the pipe, then blocks */
			else
				sys_read(fds[0], big, 1);             /* nothing ever comes */
			_exit(0);
		}
		ut_wait_asleep(pid);
		sleep_ms(20);
		UT_ASSERT_EQ(0, sys_waitpid(pid, &status, WNOHANG));   /* still blocked */
		UT_ASSERT_EQ(0, sys_kill(pid, SIGKILL));
		UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS));
		UT_ASSERT(WIFSIGNALED(status));
		UT_ASSERT_EQ(SIGKILL, WTERMSIG(status));
		/* The dead reader's end is closed: ours is the last one. */
		UT_ASSERT_EQ(0, sc_close(fds[0]));
		UT_ASSERT_EQ(-EPIPE, sys_write(fds[1], "x", 1));
		UT_ASSERT_EQ(0, sc_close(fds[1]));
	}
}

UTEST(pipes_connect_a_parent_and_its_child_both_ways)
{
	int down[2], up[2], pid;
	char buf[32];
	long n;

	UT_ASSERT_EQ(0, sc_pipe2(down, 0));
	UT_ASSERT_EQ(0, sc_pipe2(up, 0));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		/* Echoes what comes down, in capitals, until end of file. */
		sc_close(down[1]);
		sc_close(up[0]);
		while ((n = sys_read(down[0], buf, sizeof(buf))) > 0) {
			for (long i = 0; i < n; i++)
				buf[i] = (char)toupper(buf[i]);
			if (sys_write(up[1], buf, n) != n)
				_exit(1);
		}
		_exit(n == 0 ? 0 : 2);
	}
	sc_close(down[0]);
	sc_close(up[1]);
	UT_ASSERT_EQ(5, sys_write(down[1], "ping\n", 5));
	UT_ASSERT_EQ(5, read_all(up[0], buf, 5));
	UT_ASSERT_EQ(0, memcmp(buf, "PING\n", 5));
	UT_ASSERT_EQ(0, sc_close(down[1]));          /* the child's end of file */
	UT_ASSERT_EQ(0, read_all(up[0], buf, sizeof(buf)));
	reap_ok(pid);
	sc_close(up[0]);
}

/* ---- Descriptors across fork and exec ---- */

UTEST(dup2_onto_stdout_sends_an_execed_programs_output_into_a_pipe)
{
	char *argv[] = { "files", "echo", "hello", NULL };
	char buf[64];
	int fds[2], pid;

	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		if (SC(NR_dup2, fds[1], 1, 0, 0, 0, 0) != 1)
			_exit(101);
		sc_close(fds[0]);
		sc_close(fds[1]);
		execv(SELF, argv);
		_exit(100);
	}
	UT_ASSERT_EQ(0, sc_close(fds[1]));
	UT_ASSERT_EQ(6, read_all(fds[0], buf, sizeof(buf)));
	UT_ASSERT_EQ(0, memcmp(buf, "hello\n", 6));
	reap_ok(pid);
	sc_close(fds[0]);
}

/* The helper mode (see the top): bit i of the exit status for argv[i] open. */
static int open_fds(int n, char **fds)
{
	int bits = 0;

	for (int i = 0; i < n && i < 7; i++)
		if (sc_fcntl(atoi(fds[i]), F_GETFD, 0) >= 0)
			bits |= 1 << i;
	return bits;
}

UTEST(exec_closes_the_close_on_exec_descriptors_and_keeps_the_others)
{
	char args[6][12], *argv[9] = { SELF, "open-fds" };
	int cx[2], plain[2], fd[6], pid, status, i;

	UT_ASSERT_EQ(0, sc_pipe2(cx, O_CLOEXEC));
	UT_ASSERT_EQ(0, sc_pipe2(plain, 0));
	UT_ASSERT_EQ(FD_CLOEXEC, sc_fcntl(cx[0], F_GETFD, 0));
	UT_ASSERT_EQ(0, sc_fcntl(plain[0], F_GETFD, 0));
	fd[0] = cx[0];                                          /* pipe2(O_CLOEXEC) */
	fd[1] = plain[0];                                       /* plain */
	fd[2] = (int)sc_fcntl(plain[0], F_DUPFD_CLOEXEC, 20);   /* close on exec */
	fd[3] = (int)SC(NR_dup, cx[0], 0, 0, 0, 0, 0);          /* dup: no FD_CLOEXEC */
	fd[4] = (int)SC(NR_dup3, plain[1], 40, O_CLOEXEC, 0, 0, 0);
	fd[5] = plain[1];
	UT_ASSERT_EQ(0, sc_fcntl(fd[5], F_SETFD, FD_CLOEXEC));
	UT_ASSERT(fd[2] >= 20);
	UT_ASSERT_EQ(40, fd[4]);
	UT_ASSERT_EQ(0, sc_fcntl(fd[3], F_GETFD, 0));
	UT_ASSERT_EQ(FD_CLOEXEC, sc_fcntl(fd[4], F_GETFD, 0));
	for (i = 0; i < 6; i++) {
		snprintf(args[i], sizeof(args[i]), "%d", fd[i]);
		argv[2 + i] = args[i];
	}
	argv[8] = NULL;
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		execv(SELF, argv);
		_exit(100);
	}
	UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ((1 << 1) | (1 << 3), WEXITSTATUS(status));   /* plain and the dup */
	for (i = 0; i < 6; i++)
		if (i != 5)
			UT_ASSERT_EQ(0, sc_close(fd[i]));
	UT_ASSERT_EQ(0, sc_close(cx[1]));
	UT_ASSERT_EQ(0, sc_close(plain[1]));
}

/* fork copies the table: the child's closes are its own; the open files (and their flags) are shared. */
UTEST(a_forked_child_has_its_own_table_over_shared_open_files)
{
	int fds[2], pid;
	char c;

	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		/* Closes and replaces the child's copies only. */
		if (sc_close(fds[0]) != 0 || sc_fcntl(fds[0], F_GETFD, 0) != -EBADF ||
		    SC(NR_dup2, 2, fds[1], 0, 0, 0, 0) != fds[1])
			_exit(1);
		_exit(0);
	}
	reap_ok(pid);
	/* Both still ours, and still the pipe. */
	UT_ASSERT_EQ(1, sys_write(fds[1], "z", 1));
	UT_ASSERT_EQ(1, sys_read(fds[0], &c, 1));
	UT_ASSERT_EQ('z', c);
	/* Status flags belong to the open file, which fork shares. */
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		_exit(sc_fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0 ? 0 : 1);
	reap_ok(pid);
	UT_ASSERT_EQ(O_NONBLOCK, sc_fcntl(fds[0], F_GETFL, 0) & O_NONBLOCK);
	UT_ASSERT_EQ(-EAGAIN, sys_read(fds[0], &c, 1));
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
}

/* ---- dup, fcntl, fstat, lseek ---- */

UTEST(dup_and_fcntl_share_the_open_file_and_keep_fd_flags_apart)
{
	int fds[2], a, b;

	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	UT_ASSERT_EQ(O_RDONLY, sc_fcntl(fds[0], F_GETFL, 0) & O_ACCMODE);
	UT_ASSERT_EQ(O_WRONLY, sc_fcntl(fds[1], F_GETFL, 0) & O_ACCMODE);
	/* The lowest free descriptor: one just closed comes back first. */
	a = (int)SC(NR_dup, fds[0], 0, 0, 0, 0, 0);
	UT_ASSERT_OK(a);
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	UT_ASSERT_EQ(fds[0], SC(NR_dup, a, 0, 0, 0, 0, 0));
	b = (int)sc_fcntl(a, F_DUPFD, 30);
	UT_ASSERT_EQ(30, b);
	UT_ASSERT_EQ(31, sc_fcntl(a, F_DUPFD, 30));
	UT_ASSERT_EQ(0, sc_close(31));
	/* Status flags are the open file's, seen through every copy; the access mode stays. */
	UT_ASSERT_EQ(0, sc_fcntl(b, F_SETFL, O_NONBLOCK | O_APPEND | O_RDWR));
	UT_ASSERT_EQ(O_RDONLY | O_NONBLOCK | O_APPEND,
	    sc_fcntl(fds[0], F_GETFL, 0) & (O_ACCMODE | O_NONBLOCK | O_APPEND));
	UT_ASSERT_EQ(0, sc_fcntl(a, F_SETFL, 0));
	UT_ASSERT_EQ(0, sc_fcntl(b, F_GETFL, 0) & (O_NONBLOCK | O_APPEND));
	/* FD_CLOEXEC is the descriptor's. */
	UT_ASSERT_EQ(0, sc_fcntl(a, F_SETFD, FD_CLOEXEC));
	UT_ASSERT_EQ(FD_CLOEXEC, sc_fcntl(a, F_GETFD, 0));
	UT_ASSERT_EQ(0, sc_fcntl(b, F_GETFD, 0));
	/* dup2 onto an open descriptor closes it first and clears FD_CLOEXEC. */
	UT_ASSERT_EQ(a, SC(NR_dup2, fds[1], a, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_fcntl(a, F_GETFD, 0));
	UT_ASSERT_EQ(1, sys_write(a, "q", 1));
	UT_ASSERT_EQ(a, SC(NR_dup2, a, a, 0, 0, 0, 0));        /* the same: a, unchanged */
	UT_ASSERT_EQ(-EINVAL, SC(NR_dup3, a, a, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_dup3, a, 50, O_NONBLOCK, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, sc_fcntl(a, 0x7fff, 0));           /* no such command */
	UT_ASSERT_EQ(-EINVAL, sc_fcntl(a, F_DUPFD, -1));
	UT_ASSERT_EQ(-EINVAL, sc_fcntl(a, F_DUPFD, 1 << 30));
	UT_ASSERT_EQ(-EINVAL, sc_pipe2(fds + 0, O_APPEND));      /* not a pipe2 flag */
	UT_ASSERT_EQ(0, sc_close(a));
	UT_ASSERT_EQ(0, sc_close(b));
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
}

UTEST(fstat_lseek_and_ioctl_tell_a_pipe_from_the_terminal)
{
	struct linux_stat st0, st1, other;
	struct linux_winsize ws;
	int fds[2], fds2[2];

	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	UT_ASSERT_EQ(0, sc_pipe2(fds2, 0));
	UT_ASSERT_EQ(0, SC(NR_fstat, fds[0], &st0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_fstat, fds[1], &st1, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_fstat, fds2[0], &other, 0, 0, 0, 0));
	UT_ASSERT(S_ISFIFO(st0.st_mode) && S_ISFIFO(st1.st_mode));
	UT_ASSERT_EQ(st0.st_ino, st1.st_ino);                    /* one pipe, two ends */
	UT_ASSERT_NE(st0.st_ino, other.st_ino);
	UT_ASSERT_EQ(3, sys_write(fds[1], "abc", 3));
	UT_ASSERT_EQ(0, SC(NR_fstat, fds[0], &st0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, st0.st_size);
	UT_ASSERT_EQ(-ESPIPE, SC(NR_lseek, fds[0], 0, SEEK_CUR, 0, 0, 0));
	UT_ASSERT_EQ(-ESPIPE, SC(NR_lseek, fds[1], 0, SEEK_SET, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_lseek, fds[0], 0, 77, 0, 0, 0));
	UT_ASSERT_EQ(-ENOTTY, SC(NR_ioctl, fds[0], TIOCGWINSZ, &ws, 0, 0, 0));
	UT_ASSERT_EQ(-ENOTTY, SC(NR_ioctl, fds[1], TCGETS, &ws, 0, 0, 0));
	/* Standard input is the console when the window size is known (a terminal). */
	if (SC(NR_ioctl, 0, TIOCGWINSZ, &ws, 0, 0, 0) == 0) {
		UT_ASSERT_EQ(0, SC(NR_fstat, 0, &st0, 0, 0, 0, 0));
		UT_ASSERT(S_ISCHR(st0.st_mode));
		UT_ASSERT_EQ(-ESPIPE, SC(NR_lseek, 0, 0, SEEK_CUR, 0, 0, 0));
	}
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
	UT_ASSERT_EQ(0, sc_close(fds2[0]));
	UT_ASSERT_EQ(0, sc_close(fds2[1]));
}

UTEST(readv_and_writev_move_several_buffers_through_a_pipe)
{
	char a[4], b[16];
	struct linux_iovec out[3] = { { (uint64_t)"one ", 4 }, { (uint64_t)"", 0 },
		{ (uint64_t)"two three", 9 } };
	struct linux_iovec in[2] = { { (uint64_t)a, sizeof(a) }, { (uint64_t)b, sizeof(b) } };
	int fds[2];

	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	UT_ASSERT_EQ(13, SC(NR_writev, fds[1], out, 3, 0, 0, 0));
	UT_ASSERT_EQ(13, SC(NR_readv, fds[0], in, 2, 0, 0, 0));
	UT_ASSERT_EQ(0, memcmp(a, "one ", 4));
	UT_ASSERT_EQ(0, memcmp(b, "two three", 9));
	UT_ASSERT_EQ(0, SC(NR_writev, fds[1], out, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_readv, fds[0], in, 1025, 0, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_writev, fds[1], 8, 1, 0, 0, 0));
	UT_ASSERT_EQ(-EBADF, SC(NR_readv, fds[1], in, 2, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
}

/* ---- The shell's pipelines ---- */

/* Runs the project's shell, /usr/bin/ownsh, with script as its input; what
 * it and its commands print goes to out. */
static void run_shell(const char *script, char *out, size_t len)
{
	UT_ASSERT_EQ(0, ut_run_capture("/usr/bin/ownsh", (char *[]){ "ownsh", NULL }, script,
	    out, len));
}

UTEST(the_shell_joins_commands_into_pipelines)
{
	static char out[4096];

	run_shell(SELF " echo one two | " SELF " cat\n"
	          SELF " echo three|" SELF " cat | " SELF " cat |" SELF " cat\n"
	          "nosuch | " SELF " cat\n"
	          SELF " echo x | | " SELF " cat\n"
	          SELF " echo y |\n", out, sizeof(out));
	if (!strstr(out, "one two\n") || !strstr(out, "three\n") ||
	    !strstr(out, "ownsh: nosuch: not found\n") ||
	    !strstr(out, "needs a command before each |") ||
	    !strstr(out, "needs a command after each |") || strstr(out, "killed"))
		UT_FAIL("the shell printed: %.400s", out);
}

/* A bare name is looked for in PATH: the project's programs are in /usr/bin. */
UTEST(the_shell_finds_a_program_by_name_on_path)
{
	UT_NEEDS_OWN_KERNEL("/usr/bin/programs is this kernel's initrd's");
	static char out[8192];

	run_shell("programs\n", out, sizeof(out));
	if (!strstr(out, "ptdump") || strstr(out, "not found"))
		UT_FAIL("the shell printed: %.400s", out);
}

/* ---- Limits and bad input ---- */

UTEST(a_full_table_gives_emfile_and_the_lowest_free_slot_comes_back)
{
	static int got[2048];
	int n = 0, fds[2], freed, i;
	long r;

	while (n < (int)ARRAY_SIZE(got) && (r = SC(NR_dup, 0, 0, 0, 0, 0, 0)) >= 0)
		got[n++] = (int)r;
	UT_ASSERT_EQ(-EMFILE, r);
	if (own_kernel())
		UT_ASSERT_EQ(OWN_FD_MAX - 1, got[n - 1]);   /* 0 .. 255, all open */
	freed = got[n / 2];
	UT_ASSERT_EQ(0, sc_close(freed));
	UT_ASSERT_EQ(-EMFILE, sc_pipe2(fds, 0));      /* needs two: takes neither */
	UT_ASSERT_EQ(freed, SC(NR_dup, 0, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EMFILE, SC(NR_dup, 0, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EMFILE, sc_fcntl(0, F_DUPFD, 0));
	UT_ASSERT_EQ(got[0], SC(NR_dup2, 1, got[0], 0, 0, 0, 0));   /* onto an open one: fine */
	if (own_kernel()) {
		UT_ASSERT_EQ(-EINVAL, sc_fcntl(0, F_DUPFD, OWN_FD_MAX));
		UT_ASSERT_EQ(-EBADF, SC(NR_dup2, 0, OWN_FD_MAX, 0, 0, 0, 0));
	}
	for (i = 0; i < n; i++)
		UT_ASSERT_EQ(0, sc_close(got[i]));
	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
}

UTEST(bad_descriptors_give_ebadf)
{
	static const long bad[] = { -1, 1000, 100000, INT_MAX, -100 };
	struct linux_stat st;
	char c = 0;
	int fds[2], closed;
	size_t i;

	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	closed = (int)SC(NR_dup, 0, 0, 0, 0, 0, 0);
	UT_ASSERT_EQ(0, sc_close(closed));
	for (i = 0; i <= ARRAY_SIZE(bad); i++) {
		long fd = i < ARRAY_SIZE(bad) ? bad[i] : closed;

		UT_ASSERT_EQ(-EBADF, sys_read(fd, &c, 1));
		UT_ASSERT_EQ(-EBADF, sys_write(fd, &c, 1));
		UT_ASSERT_EQ(-EBADF, sc_close(fd));
		UT_ASSERT_EQ(-EBADF, SC(NR_dup, fd, 0, 0, 0, 0, 0));
		UT_ASSERT_EQ(-EBADF, SC(NR_dup2, fd, fds[0], 0, 0, 0, 0));
		UT_ASSERT_EQ(-EBADF, SC(NR_dup2, fd, fd, 0, 0, 0, 0));
		UT_ASSERT_EQ(-EBADF, SC(NR_dup3, fd, fds[0], 0, 0, 0, 0));
		UT_ASSERT_EQ(-EBADF, sc_fcntl(fd, F_GETFD, 0));
		UT_ASSERT_EQ(-EBADF, sc_fcntl(fd, F_GETFL, 0));
		UT_ASSERT_EQ(-EBADF, SC(NR_fstat, fd, &st, 0, 0, 0, 0));
		UT_ASSERT_EQ(-EBADF, SC(NR_lseek, fd, 0, SEEK_CUR, 0, 0, 0));
		UT_ASSERT_EQ(-EBADF, SC(NR_ioctl, fd, FIONREAD, &c, 0, 0, 0));
		if (fd >= 0)
			UT_ASSERT_EQ(-EBADF, SC(NR_dup2, fds[0], fd + 1000000, 0, 0, 0, 0));
	}
	UT_ASSERT_EQ(-EBADF, SC(NR_dup2, fds[0], -1, 0, 0, 0, 0));
	/* The wrong end. */
	UT_ASSERT_EQ(-EBADF, sys_read(fds[1], &c, 1));
	UT_ASSERT_EQ(-EBADF, sys_write(fds[0], &c, 1));
	/* A descriptor is an unsigned int: the register's high half does not count. */
	UT_ASSERT_EQ(1, SC(NR_write, (1L << 32) | fds[1], "x", 1, 0, 0, 0));
	UT_ASSERT_EQ(1, sys_read(fds[0], &c, 1));
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
}

UTEST(bad_pointers_give_efault_and_take_nothing)
{
	static char big[64];
	void *ro = sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fds[2], next;

	UT_ASSERT_OK(ptr_err(ro));
	/* pipe2 into a bad address: no descriptor is left behind. */
	next = (int)SC(NR_dup, 0, 0, 0, 0, 0, 0);
	UT_ASSERT_EQ(0, sc_close(next));
	UT_ASSERT_EQ(-EFAULT, sc_pipe2(NULL, 0));
	UT_ASSERT_EQ(-EFAULT, sc_pipe2(ro, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_pipe, 1, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(next, SC(NR_dup, 0, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_close(next));
	UT_ASSERT_EQ(0, sc_pipe2(fds, 0));
	UT_ASSERT_EQ(3, sys_write(fds[1], "abc", 3));
	/* A read into a bad buffer leaves the bytes in the pipe. */
	UT_ASSERT_EQ(-EFAULT, sys_read(fds[0], NULL, 3));
	UT_ASSERT_EQ(-EFAULT, sys_read(fds[0], ro, 3));
	UT_ASSERT_EQ(-EFAULT, sys_read(fds[0], (void *)-4096L, 3));
	UT_ASSERT_EQ(-EFAULT, sys_write(fds[1], NULL, 3));
	UT_ASSERT_EQ(-EFAULT, sys_write(fds[1], big, (size_t)-1));
	UT_ASSERT_EQ(-EFAULT, SC(NR_fstat, fds[0], NULL, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_ioctl, fds[0], FIONREAD, NULL, 0, 0, 0));
	/* A huge count is fine when the bytes are few: a read takes what is there. */
	UT_ASSERT_EQ(3, sys_read(fds[0], big, 1UL << 40));
	UT_ASSERT_EQ(0, memcmp(big, "abc", 3));
	UT_ASSERT_EQ(0, sc_close(fds[0]));
	UT_ASSERT_EQ(0, sc_close(fds[1]));
	UT_ASSERT_EQ(0, sys_munmap(ro, PAGE_SIZE));
}

/* The helper mode `echo WORD...`: the words, a space between, a newline. */
static int echo(int n, char **words)
{
	for (int i = 0; i < n; i++)
		printf("%s%s", i ? " " : "", words[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "open-fds") == 0)
		return open_fds(argc - 2, argv + 2);
	if (argc > 1 && strcmp(argv[1], "echo") == 0)
		return echo(argc - 2, argv + 2);
	if (argc == 2 && strcmp(argv[1], "cat") == 0)
		return ut_cat();
	return utest_main("files", argc, argv);
}
