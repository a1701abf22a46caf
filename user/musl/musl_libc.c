/*
 * Test suite "musl_libc": a program built against musl (Debian's
 * musl-tools, `musl-gcc -static`), the C library the project's programs
 * move to, checks that this kernel gives musl what it needs: its start-up
 * (auxiliary vector, TLS through arch_prctl, set_tid_address), stdio over
 * writev and ioctl, malloc over brk and mmap, errno, threads (clone with
 * musl's flags, futex, CLONE_CHILD_CLEARTID joins, thread-local storage),
 * time, fork/exec/wait. It is also an ordinary Linux program: it runs
 * unchanged on Linux.
 *
 * It cannot use the project's test harness (user/lib, another libc), so it
 * prints its own KTAP block, with the harness's count line, and reports
 * each case as the harness does (user/lib/utest.h): to the kernel by the
 * project's ktest call, or on Linux by a byte on UT_RESULT_FD.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYS_KTEST     1006   /* uapi/syscall.h */
#define KTEST_OP_CASE 1      /* uapi/ktest.h */
#define UT_RESULT_FD  3      /* user/lib/utest.h: where Linux's test init counts */
#define NTHREADS      8

static int failed;           /* the running case failed */

static void fail(int line, const char *what)
{
	printf("    # user/musl/musl_libc.c:%d: %s\n", line, what);
	failed = 1;
}

#define CHECK(cond) do { if (!(cond)) { fail(__LINE__, #cond); return; } } while (0)

/* ---- cases ---- */

static void start_up_gives_auxv_and_environment(void)
{
	CHECK(getauxval(AT_PAGESZ) == 4096);
	CHECK(getauxval(AT_PHDR) != 0);
	CHECK(getauxval(AT_RANDOM) != 0);
	CHECK(getenv("PATH") != NULL);
}

static void stdio_and_malloc_work(void)
{
	char buf[64];
	char *small = malloc(24), *big = malloc(3 << 20);

	CHECK(small && big);
	snprintf(buf, sizeof(buf), "%d %s %.2f %lx", 42, "x", 1.5, 0xabcUL);
	CHECK(strcmp(buf, "42 x 1.50 abc") == 0);
	memset(big, 7, 3 << 20);
	CHECK(big[(3 << 20) - 1] == 7);
	free(big);
	free(small);
	small = calloc(1000, 16);
	CHECK(small && small[15999] == 0);
	free(small);
}

static void errno_reports_failed_calls(void)
{
	errno = 0;
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
	CHECK(errno == EINVAL);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	CHECK(syscall(999) == -1 && errno == ENOSYS);   /* no such call, here or on Linux */
}

static __thread int tls_value = 5;   /* each thread starts from the template */
static int results[NTHREADS];

static void *thread_main(void *arg)
{
	int i = (int)(long)arg;

	tls_value += i;                   /* its own copy */
	usleep(1000);
	results[i] = tls_value;
	return (void *)(long)(i * 10);
}

static void threads_join_and_keep_their_own_tls(void)
{
	pthread_t t[NTHREADS];
	void *ret;

	for (long i = 0; i < NTHREADS; i++)
		CHECK(pthread_create(&t[i], NULL, thread_main, (void *)i) == 0);
	for (int i = 0; i < NTHREADS; i++) {
		CHECK(pthread_join(t[i], &ret) == 0);
		CHECK((long)ret == i * 10);
		CHECK(results[i] == 5 + i);
	}
	CHECK(tls_value == 5);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int count;

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		count++;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void mutexes_and_condition_variables_work(void)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		CHECK(pthread_create(&t[i], NULL, count_up, NULL) == 0);
	pthread_mutex_lock(&lock);
	while (count < 4000)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 4; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(count == 4000);
}

static void time_and_sleep_work(void)
{
	struct timespec a, b, rt;

	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	CHECK(nanosleep(&(struct timespec){ 0, 5000000 }, NULL) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
	CHECK((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) >= 5000000);
	CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0 && rt.tv_sec > 1577836800);
	CHECK(time(NULL) > 1577836800);
}

static void fork_exec_and_wait_work(void)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "musl_libc", "--child", NULL };

		execv((const char *)getauxval(AT_EXECFN), argv);   /* this program */
		_exit(100);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

/* ---- the runner ---- */

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "start_up_gives_auxv_and_environment", start_up_gives_auxv_and_environment },
	{ "stdio_and_malloc_work", stdio_and_malloc_work },
	{ "errno_reports_failed_calls", errno_reports_failed_calls },
	{ "threads_join_and_keep_their_own_tls", threads_join_and_keep_their_own_tls },
	{ "mutexes_and_condition_variables_work", mutexes_and_condition_variables_work },
	{ "time_and_sleep_work", time_and_sleep_work },
	{ "fork_exec_and_wait_work", fork_exec_and_wait_work },
};

int main(int argc, char **argv)
{
	int n = (int)(sizeof(cases) / sizeof(cases[0])), bad = 0;

	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return 7;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("    KTAP version 1\n    # Subtest: musl_libc\n    1..%d\n", n);
	for (int i = 0; i < n; i++) {
		failed = 0;
		cases[i].fn();
		printf("    %sok %d %s\n", failed ? "not " : "", i + 1, cases[i].name);
		/* The kernel counts each case; on Linux the test init does, by a byte. */
		if (syscall(SYS_KTEST, KTEST_OP_CASE, !failed) < 0 && errno == ENOSYS)
			write(UT_RESULT_FD, failed ? "f" : "p", 1);
		bad += failed;
	}
	printf("    # musl_libc: pass:%d fail:%d skip:0 total:%d\n", n - bad, bad, n);
	return bad ? 1 : 0;
}
