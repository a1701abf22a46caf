/*
 * Test suite "busybox": Debian's busybox-static, the package's own binary
 * (glibc, linked statically), run unchanged as the shell and the everyday
 * tools: ash's arithmetic, quoting, pipelines, redirections and jobs, and
 * the applets ls, cat, wc, grep, sort, echo, sleep, kill and ps, each
 * checked by what it prints. A busybox that runs here makes the calls
 * glibc really makes (fork as clone with CLONE_CHILD_SETTID, wait4,
 * rt_sigaction, dup2, pipe2...), so these cases exercise the Linux ABI as
 * a third-party program uses it. The same cases pass on Linux.
 *
 * Every case is skipped in an initrd built without busybox (NO_BUSYBOX=1,
 * or the package could not be fetched: user/user.mk), whose /bin/sh is the
 * project's own shell.
 *
 * `/tests/busybox null-read` is a helper a case runs from ash: it reads
 * address 0 and is killed by SIGSEGV (declared: the kernel's console line
 * says "expected fault").
 */
#include <dirent.h>
#include <sys/stat.h>

#include "utest.h"

#define OUT_LEN 8192

static char out[OUT_LEN];

/* Skips the case unless /bin/busybox is there and /bin/sh is its ash. */
static void need_busybox(void)
{
	char target[64];
	long n;

	if (access("/bin/busybox", X_OK) != 0)
		ut_skip("no /bin/busybox in this initrd (built with NO_BUSYBOX=1 or without the package)");
	n = readlink("/bin/sh", target, sizeof(target) - 1);
	if (n < 0 || (target[n] = '\0', strcmp(target, "/bin/busybox") != 0))
		ut_skip("/bin/sh is not busybox's ash");
}

/*
 * Runs `/bin/sh -c script` with its standard output and error in `out`;
 * returns its exit status, or -1 when it was killed or took too long.
 */
static int sh(const char *script)
{
	return ut_run_capture("/bin/sh", (char *[]){ "sh", "-c", (char *)script, NULL }, NULL,
	    out, OUT_LEN);
}

/* The case fails unless `sh -c script` exits 0 and prints exactly want. */
#define SH_PRINTS(want, script)                                               \
	do {                                                                  \
		int st_ = sh(script);                                         \
		if (st_ != 0 || strcmp(out, (want)) != 0)                     \
			UT_FAIL("sh -c '%s': status %d, printed \"%s\", want \"%s\"", \
			    (script), st_, out, (want));                      \
	} while (0)

UTEST(ash_does_arithmetic_quoting_and_variables)
{
	need_busybox();
	SH_PRINTS("42\n", "echo $((6*7))");
	SH_PRINTS("a  b|c$d|e f\n", "x='e f'; echo \"a  b\"'|c$d|'\"$x\"");
	SH_PRINTS("3 no\n", "sh -c 'exit 3'; s=$?; false || echo $s no");
	SH_PRINTS("1 2 3\n", "set -- 1 2 3; echo \"$@\"");
}

/* `ls /bin | wc -l` counts what the directory holds: busybox and its applets. */
UTEST(a_pipeline_counts_the_applets_of_bin)
{
	char want[32];
	struct dirent *e;
	DIR *dir;
	int n = 0;

	need_busybox();
	UT_ASSERT((dir = opendir("/bin")) != NULL);
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	UT_ASSERT(n > 50);
	snprintf(want, sizeof(want), "%d\n", n);
	SH_PRINTS(want, "ls /bin | wc -l");
	SH_PRINTS("/bin/busybox\n", "readlink /bin/ls");
}

UTEST(redirections_write_tmp_and_read_it_back)
{
	need_busybox();
	SH_PRINTS("2\n2 /tmp/bb-redir\none\ntwo\nTWO\n",
	    "echo one > /tmp/bb-redir; echo two >> /tmp/bb-redir; "
	    "grep -c o < /tmp/bb-redir; wc -l /tmp/bb-redir; cat /tmp/bb-redir; "
	    "sed -n 's/two/TWO/p' /tmp/bb-redir 2>&1; rm /tmp/bb-redir");
	UT_ASSERT_EQ(-1, access("/tmp/bb-redir", F_OK));
	SH_PRINTS("a b c \n", "printf 'c\\nb\\na\\n' | sort | tr '\\n' ' '; echo");
	SH_PRINTS("x\n", "echo x 2>&1 >/dev/null | cat; echo x >&2");
}

/*
 * A background sleep is ended by kill (128 + SIGTERM for wait), long
 * before its 20 s; a foreground sleep 1 takes about a second.
 */
UTEST(sleep_kill_and_wait_in_the_background)
{
	uint64_t start;

	need_busybox();
	start = clock_ms();
	SH_PRINTS("143\n", "sleep 20 & kill $!; wait $! 2>/dev/null; echo $?");
	UT_ASSERT(clock_ms() - start < 15000);
	start = clock_ms();
	SH_PRINTS("0\n", "sleep 1; echo $?");
	UT_ASSERT(clock_ms() - start >= 900);
	SH_PRINTS("done\n", "sleep 0.2 & sleep 0.1 & wait; echo done");
}

/* The project's programs are on PATH beside the applets, none hidden. */
UTEST(the_projects_programs_are_on_path_beside_the_applets)
{
	char script[256], want[80];
	size_t i;

	need_busybox();
	/* Debian's busybox-static runs its applets as ash's own commands, before
	 * any PATH search: `command -v` names them bare, a program by its path. */
	SH_PRINTS("ls\n", "command -v ls");
	for (i = 0; i < program_count; i++) {
		const char *path = program_list[i].path, *name = strrchr(path, '/') + 1;

		/* init, process 1, is started by its path: ash's `init` is busybox's. */
		if (strncmp(path, "/usr/bin/", 9) != 0 || strcmp(name, "init") == 0)
			continue;
		snprintf(script, sizeof(script), "command -v %s", name);
		snprintf(want, sizeof(want), "%s\n", path);
		SH_PRINTS(want, script);
	}
	SH_PRINTS("1\n", "programs | grep -c '^  ptdump '");
	SH_PRINTS("hello, world (from /usr/local/bin/hello)\n", "hello world");
}

/* ps reads /proc: the shell and ps itself are among the processes. */
UTEST(ps_lists_the_shell_and_itself)
{
	need_busybox();
	if (access("/proc/self/stat", R_OK) != 0)
		ut_skip("no /proc here, which busybox's ps reads");
	UT_ASSERT_EQ(0, sh("ps; echo end"));
	if (!strstr(out, "PID") || !strstr(out, " ps") || !strstr(out, "end\n"))
		UT_FAIL("ps printed: %.500s", out);
}

/*
 * A program that reads address 0 is killed by SIGSEGV: ash says so and
 * gives 128 + 11 as its status, and lives on to run the next command
 * (the free pages are back after the case, as after every case).
 */
UTEST(a_null_read_ends_with_segmentation_fault_and_ash_lives_on)
{
	need_busybox();
	UT_ASSERT_EQ(0, sh("/tests/busybox null-read; echo status $?; echo alive"));
	if (!strstr(out, "Segmentation fault") || !strstr(out, "status 139\nalive\n"))
		UT_FAIL("ash printed: %.300s", out);
}

/* The helper of the case above: a read of address 0. */
static int null_read(void)
{
	volatile int *p = NULL;

	__asm__ volatile("" : "+r"(p));   /* no compile-time NULL for the compiler to trap on */
	ut_expect_fault();
	return *p;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "null-read") == 0)
		return null_read();
	return utest_main("busybox", argc, argv);
}
