/*
 * Test suite "musl_libc": checks that this kernel gives musl, the C
 * library every program here is built against, what it needs: its
 * start-up (auxiliary vector, TLS through arch_prctl, set_tid_address),
 * stdio over writev and ioctl, malloc over brk and mmap, errno, threads
 * (clone with musl's flags, futex, CLONE_CHILD_CLEARTID joins,
 * thread-local storage), time, fork/exec/wait. Each case uses only musl's
 * interfaces, as any Linux program would, so all of them hold on Linux too.
 */
#include "utest.h"

#define NTHREADS 8

/* ---- cases ---- */

UTEST(start_up_gives_auxv_and_environment)
{
	UT_ASSERT(getauxval(AT_PAGESZ) == 4096);
	UT_ASSERT(getauxval(AT_PHDR) != 0);
	UT_ASSERT(getauxval(AT_RANDOM) != 0);
	UT_ASSERT(getenv("PATH") != NULL);
}

UTEST(stdio_and_malloc_work)
{
	char buf[64];
	char *small = malloc(24), *big = malloc(3 << 20);

	UT_ASSERT(small && big);
	snprintf(buf, sizeof(buf), "%d %s %.2f %lx", 42, "x", 1.5, 0xabcUL);
	UT_ASSERT(strcmp(buf, "42 x 1.50 abc") == 0);
	memset(big, 7, 3 << 20);
	UT_ASSERT(big[(3 << 20) - 1] == 7);
	free(big);
	free(small);
	small = calloc(1000, 16);
	UT_ASSERT(small && small[15999] == 0);
	free(small);
}

UTEST(errno_reports_failed_calls)
{
	errno = 0;
	UT_ASSERT(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
	UT_ASSERT(errno == EINVAL);
	UT_ASSERT(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	UT_ASSERT(syscall(999) == -1 && errno == ENOSYS);   /* no such call, here or on Linux */
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

UTEST(threads_join_and_keep_their_own_tls)
{
	pthread_t t[NTHREADS];
	void *ret;

	for (long i = 0; i < NTHREADS; i++)
		UT_ASSERT(pthread_create(&t[i], NULL, thread_main, (void *)i) == 0);
	for (int i = 0; i < NTHREADS; i++) {
		UT_ASSERT(pthread_join(t[i], &ret) == 0);
		UT_ASSERT((long)ret == i * 10);
		UT_ASSERT(results[i] == 5 + i);
	}
	UT_ASSERT(tls_value == 5);
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

UTEST(mutexes_and_condition_variables_work)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		UT_ASSERT(pthread_create(&t[i], NULL, count_up, NULL) == 0);
	pthread_mutex_lock(&lock);
	while (count < 4000)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 4; i++)
		UT_ASSERT(pthread_join(t[i], NULL) == 0);
	UT_ASSERT(count == 4000);
}

UTEST(time_and_sleep_work)
{
	struct timespec a, b, rt;

	UT_ASSERT(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	UT_ASSERT(nanosleep(&(struct timespec){ 0, 5000000 }, NULL) == 0);
	UT_ASSERT(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
	UT_ASSERT((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) >= 5000000);
	UT_ASSERT(clock_gettime(CLOCK_REALTIME, &rt) == 0 && rt.tv_sec > 1577836800);
	UT_ASSERT(time(NULL) > 1577836800);
}

UTEST(fork_exec_and_wait_work)
{
	int status;
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "musl_libc", "--child", NULL };

		execv((const char *)getauxval(AT_EXECFN), argv);   /* this program */
		_exit(100);
	}
	UT_ASSERT(waitpid(pid, &status, 0) == pid);
	UT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return 7;       /* fork_exec_and_wait_work's exec'd child */
	return utest_main("musl_libc", argc, argv);
}
