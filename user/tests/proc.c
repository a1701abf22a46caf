/*
 * Test suite "proc": processes, exec, threads, bad pointers, kill, process
 * groups and sessions.
 *
 * Every case runs in its own forked child (utest.c), so a case that forks
 * is the parent of its own children and a case that crashes hurts no one.
 */
#include "utest.h"

#define SELF "/tests/proc"   /* this program, for the exec cases */

/* A raw Linux call: the kernel's answer, -E... on failure. */
#define SC(n, a, b, c, d) syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

int main(int argc, char **argv);

/* ---- fork, wait, exit ---- */

UTEST(fork_then_wait_gives_exit_status)
{
	int pid, status = 0;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		exit(42);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(42, WEXITSTATUS(status));
}

UTEST(wait_with_no_child_gives_echild)
{
	int status;

	UT_ASSERT_EQ(-ECHILD, sys_waitpid(-1, &status, 0));
	UT_ASSERT_EQ(-ECHILD, sys_waitpid(-1, &status, WNOHANG));
	UT_ASSERT_EQ(-ECHILD, sys_waitpid(1, &status, 0));   /* init: not ours */
}

static volatile int cow_global = 1;

/* True if all n bytes of p equal c. */
static bool all_bytes(const volatile char *p, size_t n, char c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != c)
			return false;
	return true;
}

/*
 * After fork, each side writes the global and a heap buffer; neither sees
 * the other's writes. The child sleeps first so that the parent's writes
 * (made right after fork) come before the child's reads; if the parent were
 * slower still, the case would only check less, never fail wrongly.
 */
UTEST(cow_isolation_after_fork)
{
	const size_t len = 3 * PAGE_SIZE;   /* spans several pages */
	volatile char *buf = malloc(len);
	int pid, status;

	UT_ASSERT(buf != NULL);
	memset((char *)buf, 'a', len);
	cow_global = 1;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sleep_ms(30);
		if (cow_global != 1 || !all_bytes(buf, len, 'a'))
			exit(1);          /* saw the parent's writes */
		cow_global = 3;
		memset((char *)buf, 'c', len);
		exit(cow_global == 3 && all_bytes(buf, len, 'c') ? 0 : 2);
	}
	cow_global = 2;
	memset((char *)buf, 'b', len);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(0, WEXITSTATUS(status));
	/* The child has written 'c' and exited: none of it may show here. */
	UT_ASSERT_EQ(2, cow_global);
	UT_ASSERT(all_bytes(buf, len, 'b'));
	free((void *)buf);
}

/* ---- exec ---- */

/* main() runs this instead of the suite when exec'd with --exec-child. */
static int exec_child(int argc, char **argv)
{
	if (argc != 4 || strcmp(argv[0], "proc") != 0 ||
	    strcmp(argv[2], "a") != 0 || strcmp(argv[3], "bc") != 0 ||
	    argv[4] != NULL)
		return 8;
	return 7;
}

UTEST(exec_passes_arguments)
{
	char *argv[] = { "proc", "--exec-child", "a", "bc", NULL };
	int pid, status;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sys_execve(SELF, argv, environ);
		exit(100);                /* exec failed */
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(7, WEXITSTATUS(status));
}

/*
 * main() runs this when exec'd with --start-state: checks what the kernel
 * left at the initial stack pointer (the psABI layout) and returns 0, or
 * the number of the first check that failed.
 */
static int start_state_child(int argc, char **argv)
{
	extern char _start[];
	const uint8_t *rnd = (const uint8_t *)getauxval(AT_RANDOM);
	const uint32_t *ph = (const uint32_t *)getauxval(AT_PHDR);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	uint8_t any = 0;

	if (argc != 2 || argv[2] != NULL)
		return 1;
	if (!environ || !environ[0] || strcmp(environ[0], "PROC_TEST=start") != 0 ||
	    strcmp(environ[1], "SECOND=2") != 0 || environ[2] != NULL)
		return 2;
	if (getauxval(AT_PAGESZ) != PAGE_SIZE || getauxval(AT_ENTRY) != (unsigned long)_start)
		return 3;
	if (!ph || getauxval(AT_PHENT) != 56 || getauxval(AT_PHNUM) == 0)
		return 4;
	for (unsigned long i = 0; i < getauxval(AT_PHNUM); i++)
		any |= ph[i * 14] == 1;   /* p_type of every 56-byte header: a PT_LOAD among them */
	if (!any || !execfn || strcmp(execfn, SELF) != 0)
		return 5;
	if (!rnd)
		return 6;
	any = 0;
	for (int i = 0; i < 16; i++)
		any |= rnd[i];
	if (!any || getauxval(AT_UID) != 0 || getauxval(12345) != 0)
		return 7;
	if (((uintptr_t)__builtin_frame_address(0) & 7) != 0)
		return 8;
	return 0;
}

/*
 * A new program starts as on Linux: argc, argv, envp (what the caller of
 * execve passed) and the auxiliary vector (program headers, entry, page
 * size, 16 random bytes, the path) on its stack.
 */
UTEST(exec_gives_argv_envp_and_auxiliary_vector)
{
	char *argv[] = { "proc", "--start-state", NULL };
	char *envp[] = { "PROC_TEST=start", "SECOND=2", NULL };
	int pid, status;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		environ = envp;
		sys_execve(SELF, argv, environ);
		exit(100);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(0, WEXITSTATUS(status));
}

/*
 * At most 512 argv and envp strings together (EXEC_MAX_STRINGS): one more
 * is -E2BIG, however they are split and however many envp strings follow.
 * (Once the count skipped a slot and envp ran past the kernel's buffer.)
 */
#define EXEC_STRINGS 512
#define MANY_ENV     9000

UTEST(exec_with_too_many_strings_gives_e2big)
{
	static char *argv[EXEC_STRINGS + 2], *envp[MANY_ENV + 1];
	int pid, status;

	for (int i = 0; i < EXEC_STRINGS + 1; i++)
		argv[i] = "a";
	envp[0] = "";
	argv[EXEC_STRINGS] = NULL;
	UT_ASSERT_EQ(-E2BIG, syscall6(NR_execve, (long)"/usr/bin/nop", (long)argv, (long)envp,
	                              0, 0, 0));
	for (int i = 0; i < MANY_ENV; i++)
		envp[i] = "";
	UT_ASSERT_EQ(-E2BIG, syscall6(NR_execve, (long)"/usr/bin/nop", (long)argv, (long)envp,
	                              0, 0, 0));
	/* Exactly the limit: 511 + 1. */
	argv[EXEC_STRINGS - 1] = NULL;
	envp[1] = NULL;
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		syscall6(NR_execve, (long)"/usr/bin/nop", (long)argv, (long)envp, 0, 0, 0);
		exit(100);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
}

UTEST(exec_missing_file_gives_enoent)
{
	char *argv[] = { "nothing", NULL };

	UT_ASSERT_EQ(-ENOENT, sys_execve("/bin/no-such-program", argv, environ));
	UT_ASSERT_EQ(-ENOENT, sys_execve("/no/such/dir/prog", argv, environ));
}

/* A file without an execute bit is refused before it is read (ENOEXEC: user/tests/fs.c). */
UTEST(exec_non_executable_file_gives_eacces)
{
	char *argv[] = { "motd", NULL };

	UT_ASSERT_EQ(-EACCES, sys_execve("/etc/motd", argv, environ));
}

/*
 * exec destroys the old address space once the caller is the process's
 * last counted thread; a sibling that has just returned is no longer
 * counted but may still be on its CPU with the old tables loaded, and exec
 * must wait for it to leave (it once freed them under it: on 4 CPUs a
 * panic "pmap_destroy: pmap ... is active on cpus" within a few rounds).
 * debug.thread_exit_delay_us keeps the leaving threads on their CPUs for a
 * while, so the window is open in every round, not only by luck.
 */
#define EXEC_RACE_THREADS 6
#define EXEC_RACE_ROUNDS  12
#define EXEC_RACE_DELAY   20000   /* microseconds on the CPU after leaving */

static void *return_at_once(void *arg)
{
	(void)arg;
	return NULL;
}

/* Starts threads that return at once, then execs /usr/bin/nop. */
static void __attribute__((noreturn)) threads_then_exec(void)
{
	char *argv[] = { "nop", NULL };

	pthread_t t;

	for (int i = 0; i < EXEC_RACE_THREADS; i++)
		if (pthread_create(&t, NULL, return_at_once, NULL) != 0)
			exit(101);
	sys_execve("/usr/bin/nop", argv, environ);
	exit(100);
}

UTEST(exec_waits_for_returning_threads_to_leave_their_cpus)
{
	long delay = 0;
	bool hook = sysctl_get("debug.thread_exit_delay_us", &delay) == 0;
	int status = 0, failed = 0, pid;

	if (hook)
		UT_ASSERT_OK(sysctl_set("debug.thread_exit_delay_us", EXEC_RACE_DELAY));
	for (int round = 0; round < EXEC_RACE_ROUNDS && !failed; round++) {
		pid = fork();
		if (pid == 0)
			threads_then_exec();
		if (pid < 0 || sys_waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed = round + 1;
	}
	if (hook)
		sysctl_set("debug.thread_exit_delay_us", delay);
	if (failed)
		UT_FAIL("round %d: the child ended with status 0x%x", failed, status);
}

/*
 * execve in a multi-threaded process, as on Linux: the other threads end
 * (here: sleeping in nanosleep, waiting on a futex, spinning in user mode)
 * and the new program runs; exec from a thread that is not the first works
 * the same way.
 */
static volatile uint32_t never;

static void *__attribute__((noreturn)) sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		sleep_ms(1000);
}

static void *__attribute__((noreturn)) futex_forever(void *arg)
{
	(void)arg;
	for (;;)
		syscall6(NR_futex, (long)&never, FUTEX_WAIT, 0, 0, 0, 0);
}

static void *__attribute__((noreturn)) spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("pause");
}

static void *exec_from_thread(void *arg)
{
	char *argv[] = { "nop", NULL };

	(void)arg;
	sys_execve("/usr/bin/nop", argv, environ);
	return (void *)(long)(100);
}

UTEST(exec_in_a_multithreaded_process_ends_the_other_threads)
{
	void *(*const kinds[])(void *) = { sleep_forever, futex_forever, spin_forever };
	int pid, status;

	for (int from_thread = 0; from_thread < 2; from_thread++) {
		pid = fork();
		UT_ASSERT_OK(pid);
		if (pid == 0) {
			char *argv[] = { "nop", NULL };
			pthread_t t;

			for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
				if (pthread_create(&t, NULL, kinds[i], NULL) != 0)
					exit(101);
			if (from_thread) {
				pthread_create(&t, NULL, exec_from_thread, NULL);
				for (;;)
					sleep_ms(1000);   /* until the exec ends this thread */
			}
			sys_execve("/usr/bin/nop", argv, environ);
			exit(100);
		}
		UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, 10000));
		UT_ASSERT_EQ(W_EXITCODE(0), status);
	}
}

/*
 * A thread that faults after a sibling's exec has told it to end must not
 * turn the exec into a crash. Here one thread has made a word its
 * CLONE_CHILD_CLEARTID word (set_tid_address) and sleeps; another spins in
 * user mode until that word is 0, then writes through NULL. The exec wakes
 * the sleeper, which leaves and clears the word while the spinner still
 * runs (until its CPU next enters the kernel): the spinner faults. musl's
 * thread-list lock is such a word, which is how /usr/bin/fuzz met this: its
 * racers died of SIGSEGV in pthread_exit instead of running /usr/bin/nop.
 * The spinner needs a CPU of its own, so on one CPU nothing is at stake.
 */
#define EXEC_FAULT_ROUNDS 10

static volatile uint32_t clear_word;
static volatile int sleeper_ready, spinner_ready;

static void *__attribute__((noreturn)) clear_word_then_sleep(void *arg)
{
	(void)arg;
	syscall6(NR_set_tid_address, (long)&clear_word, 0, 0, 0, 0, 0);
	sleeper_ready = 1;
	for (;;)
		sleep_ms(1000);
}

static void *fault_once_the_word_clears(void *arg)
{
	(void)arg;
	spinner_ready = 1;
	while (clear_word != 0)
		__asm__ volatile("pause");
	*(volatile int *)0 = 1;
	return NULL;
}

UTEST(a_fault_of_a_thread_that_exec_is_ending_leaves_the_exec_alone)
{
	char *argv[] = { "nop", NULL };
	int pid, status;

	for (int round = 0; round < EXEC_FAULT_ROUNDS; round++) {
		pid = fork();
		UT_ASSERT_OK(pid);
		if (pid == 0) {
			pthread_t t;

			clear_word = 1;
			if (pthread_create(&t, NULL, clear_word_then_sleep, NULL) != 0 ||
			    pthread_create(&t, NULL, fault_once_the_word_clears, NULL) != 0)
				exit(101);
			while (!sleeper_ready || !spinner_ready)
				sched_yield();
			sys_execve("/usr/bin/nop", argv, environ);
			exit(100);
		}
		UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, 10000));
		if (status != W_EXITCODE(0))
			UT_FAIL("round %d: the exec'ing process ended with status 0x%x, not "
			    "/usr/bin/nop's exit 0", round + 1, status);
	}
}

/*
 * The same when the thread is being made while the exec marks the others:
 * the exec must not find the process with a thread it did not mark. The
 * main thread's CLONE_CHILD_CLEARTID word is set to clear_word; a sibling
 * execs while main is inside clone for a spinner (debug.clone_thread_delay_us,
 * where the kernel has it, holds main there); main, marked, leaves and
 * clears the word, and a spinner that was added after all runs on unmarked
 * and faults. The clone must fail instead (on Linux too: a clone racing
 * with exec is refused), and the exec go on.
 */
#define CLONE_RACE_DELAY_US 200000

static void *exec_after_a_while(void *arg)
{
	char *argv[] = { "nop", NULL };

	(void)arg;
	sleep_ms(50);                  /* main is inside its next clone by now */
	sys_execve("/usr/bin/nop", argv, environ);
	exit(100);
}

UTEST(a_thread_cloned_while_a_sibling_execs_is_refused_or_ended)
{
	long delay = 0;
	bool hook = sysctl_get("debug.clone_thread_delay_us", &delay) == 0;
	int pid, status;

	if (hook)
		UT_ASSERT_OK(sysctl_set("debug.clone_thread_delay_us", CLONE_RACE_DELAY_US));
	pid = fork();
	if (pid == 0) {
		pthread_t t;

		clear_word = 1;
		syscall6(NR_set_tid_address, (long)&clear_word, 0, 0, 0, 0, 0);
		if (pthread_create(&t, NULL, exec_after_a_while, NULL) != 0)
			exit(101);
		pthread_create(&t, NULL, fault_once_the_word_clears, NULL);
		for (;;)
			sleep_ms(1000);        /* until the exec ends this thread */
	}
	if (pid > 0)
		UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, 10000));
	if (hook)
		sysctl_set("debug.clone_thread_delay_us", delay);
	UT_ASSERT_OK(pid);
	if (status != W_EXITCODE(0))
		UT_FAIL("the exec'ing process ended with status 0x%x, not /usr/bin/nop's exit 0",
		    status);
}

/* ---- x87/SSE registers ---- */

#define SSE_ROUNDS 200

/*
 * Loads xmm0-xmm15 with values derived from `seed`, yields SSE_ROUNDS
 * times (other processes and threads, with their own values, run in
 * between), then checks every register. Returns how many were wrong.
 */
static int sse_survives_yields(uint64_t seed)
{
	uint64_t in[32], out[32];
	int bad = 0;

	for (int i = 0; i < 32; i++)
		in[i] = seed * 0x9e3779b97f4a7c15ULL + i;
	for (int round = 0; round < SSE_ROUNDS; round++) {
		__asm__ volatile(
			"movdqu 0(%0), %%xmm0\n movdqu 16(%0), %%xmm1\n movdqu 32(%0), %%xmm2\n"
			"movdqu 48(%0), %%xmm3\n movdqu 64(%0), %%xmm4\n movdqu 80(%0), %%xmm5\n"
			"movdqu 96(%0), %%xmm6\n movdqu 112(%0), %%xmm7\n movdqu 128(%0), %%xmm8\n"
			"movdqu 144(%0), %%xmm9\n movdqu 160(%0), %%xmm10\n movdqu 176(%0), %%xmm11\n"
			"movdqu 192(%0), %%xmm12\n movdqu 208(%0), %%xmm13\n movdqu 224(%0), %%xmm14\n"
			"movdqu 240(%0), %%xmm15\n"
			"mov %2, %%eax\n syscall\n"
			"movdqu %%xmm0, 0(%1)\n movdqu %%xmm1, 16(%1)\n movdqu %%xmm2, 32(%1)\n"
			"movdqu %%xmm3, 48(%1)\n movdqu %%xmm4, 64(%1)\n movdqu %%xmm5, 80(%1)\n"
			"movdqu %%xmm6, 96(%1)\n movdqu %%xmm7, 112(%1)\n movdqu %%xmm8, 128(%1)\n"
			"movdqu %%xmm9, 144(%1)\n movdqu %%xmm10, 160(%1)\n movdqu %%xmm11, 176(%1)\n"
			"movdqu %%xmm12, 192(%1)\n movdqu %%xmm13, 208(%1)\n movdqu %%xmm14, 224(%1)\n"
			"movdqu %%xmm15, 240(%1)\n"
			:: "r"(in), "r"(out), "i"(NR_sched_yield)
			: "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
			  "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
			  "xmm13", "xmm14", "xmm15");
		for (int i = 0; i < 32; i++)
			bad += out[i] != in[i];
	}
	return bad;
}

/*
 * Every thread keeps its own SSE registers: four processes and a second
 * thread in this one load different values and yield to each other; a
 * kernel that did not save and restore them at each switch would hand one
 * thread's values to the next.
 */
static void *sse_thread(void *arg)
{
	return (void *)(long)(sse_survives_yields((uint64_t)arg) ? 1 : 0);
}

UTEST(sse_registers_are_kept_per_thread_across_switches)
{
	int pids[4], status;
	pthread_t tid;
	void *code;

	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		UT_ASSERT_OK(pids[i]);
		if (pids[i] == 0)
			exit(sse_survives_yields(100 + i) ? 1 : 0);
	}
	UT_ASSERT_EQ(0, pthread_create(&tid, NULL, sse_thread, (void *)7));
	UT_ASSERT_EQ(0, sse_survives_yields(1));
	UT_ASSERT_EQ(0, pthread_join(tid, &code));
	UT_ASSERT_EQ(0, (long)code);
	for (int i = 0; i < 4; i++) {
		UT_ASSERT_EQ(pids[i], sys_waitpid(pids[i], &status, 0));
		UT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
}

/* ---- threads ---- */

#define NTHREADS 4

static volatile int slots[NTHREADS];

static void *bump_slot(void *arg)
{
	long i = (long)arg;

	slots[i]++;
	return (void *)(long)(10 + (int)i);
}

UTEST(threads_create_and_join)
{
	pthread_t tids[NTHREADS];
	void *code;
	int i;

	for (i = 0; i < NTHREADS; i++) {
		slots[i] = 0;
		UT_ASSERT_EQ(0, pthread_create(&tids[i], NULL, bump_slot, (void *)(long)i));
	}
	for (i = 0; i < NTHREADS; i++) {
		UT_ASSERT_EQ(0, pthread_join(tids[i], &code));
		UT_ASSERT_EQ(10 + i, (long)code);
	}
	for (i = 0; i < NTHREADS; i++)
		UT_ASSERT_EQ(1, slots[i]);
}

/*
 * A thread that has left is freed by its process's next clone or by the
 * process's end (kernel/proc.c): after a child that ran threads is
 * reaped, the kernel holds as many threads (and stacks) as before.
 */
UTEST(the_threads_of_a_finished_process_are_freed)
{
	UT_NEEDS_OWN_KERNEL("vmstat's count of threads");
	uint64_t threads = ut_vmstat(0).threads;
	pthread_t tids[NTHREADS];
	int i, pid, status;

	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		for (i = 0; i < NTHREADS; i++)
			if (pthread_create(&tids[i], NULL, bump_slot, (void *)(long)i) != 0)
				_exit(1);
		for (i = 0; i < NTHREADS; i++)
			pthread_join(tids[i], NULL);
		_exit(ut_vmstat(0).threads >= threads + 1 ? 0 : 2);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(0, WEXITSTATUS(status));
	for (i = 0; i < 100 && ut_vmstat(0).threads != threads; i++)
		sleep_ms(10);
	UT_ASSERT_EQ(threads, ut_vmstat(0).threads);
}

#define FAULT_REGION (1024 * 1024)
#define FAULT_PAGES  (FAULT_REGION / PAGE_SIZE)

static volatile uint64_t *fault_region;
static volatile int fault_go;    /* set once every thread exists */

/* What the threads write at word w of page p (every 64th word). */
static uint64_t fault_pattern(size_t p, size_t w)
{
	return 0x5a5a000000000000ULL | (p << 16) | w;
}

/* Thread t writes every NTHREADS-th page, starting at page t: the threads
 * take first-touch faults on disjoint pages (sharing page-table pages) at
 * the same time. */
static void *touch_pages(void *arg)
{
	size_t t = (size_t)arg, p, w;
	const size_t words = PAGE_SIZE / sizeof(uint64_t);

	while (!fault_go)
		sched_yield();
	for (p = t; p < FAULT_PAGES; p += NTHREADS)
		for (w = 0; w < words; w += 64)
			fault_region[p * words + w] = fault_pattern(p, w);
	return NULL;
}

UTEST(threads_fault_concurrently)
{
	const size_t words = PAGE_SIZE / sizeof(uint64_t);
	pthread_t tids[NTHREADS];
	void *code;
	int i, r;
	size_t p, w;
	void *m;

	m = sys_mmap(NULL, FAULT_REGION, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err(m));
	fault_region = m;
	fault_go = 0;

	for (i = 0; i < NTHREADS; i++) {
		r = pthread_create(&tids[i], NULL, touch_pages, (void *)(long)i);
		if (r != 0)
			fault_go = 1;    /* let the others finish */
		UT_ASSERT_EQ(0, r);
	}
	fault_go = 1;
	for (i = 0; i < NTHREADS; i++) {
		UT_ASSERT_EQ(0, pthread_join(tids[i], &code));
		UT_ASSERT_EQ(0, (long)code);
	}
	for (p = 0; p < FAULT_PAGES; p++)
		for (w = 0; w < words; w++)
			UT_ASSERT_EQ(w % 64 ? 0 : fault_pattern(p, w),
			    fault_region[p * words + w]);
	UT_ASSERT_EQ(0, sys_munmap(m, FAULT_REGION));
}

/* ---- bad pointers and bad numbers ---- */

UTEST(efault_for_each_bad_pointer)
{
	static const uintptr_t bad[] = {
		0,                          /* NULL */
		0x1000,                     /* user, never mapped */
		0xffffffff80000000,         /* kernel image */
		0xffff800000000000,         /* direct map */
		0x0000800000000000,         /* first non-canonical address */
		0x8000000000000000,         /* non-canonical */
	};
	struct linux_timespec *ro = (struct linux_timespec *)(uintptr_t)main;  /* text: RO */
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		UT_ASSERT_EQ(-EFAULT, sys_write(1, (const void *)bad[i], 8));
	/* A range that wraps around the end of the address space. */
	UT_ASSERT_EQ(-EFAULT, sys_write(1, (const void *)-16L, 64));
	/* The kernel must not write into a read-only page. */
	UT_ASSERT_EQ(-EFAULT, syscall6(NR_clock_gettime, CLOCK_MONOTONIC, (long)ro, 0, 0, 0, 0));
	/* This kernel checks read()'s buffer before it waits for input;
	 * Linux waits for a line first. */
	if (own_kernel())
		UT_ASSERT_EQ(-EFAULT, sys_read(0, ro, 8));
}

UTEST(unknown_syscall_gives_enosys)
{
	UT_ASSERT_EQ(-ENOSYS, syscall6(9999, 0, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-ENOSYS, syscall6(-1, 0, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-ENOSYS, syscall6(SYS_OWN_END, 0, 0, 0, 0, 0, 0));
	if (own_kernel())   /* a Linux call (set_mempolicy_home_node) not here */
		UT_ASSERT_EQ(-ENOSYS, syscall6(450, 0, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-ENOSYS, syscall6(SYS_OWN_BASE - 1, 0, 0, 0, 0, 0, 0));
}

/* ---- faults and kill ---- */

/*
 * Forks a child that reads address 0, which kills it; it declares that
 * fault first (ut_expect_fault) when `declared`, else it declares it and
 * withdraws the declaration. Returns the child's wait status, or one no
 * case expects when fork or waitpid fails.
 */
static int null_read_status(bool declared)
{
	int pid = fork(), status = W_EXITCODE(99);

	if (pid == 0) {
		volatile int *p = NULL;

		/* Hide the NULL from the compiler, which would otherwise
		 * replace the load with a trap instruction. */
		__asm__ volatile("" : "+r"(p));
		ut_expect_fault();
		if (!declared)
			expect_fault(0);
		(void)*p;
		exit(0);
	}
	if (pid < 0 || sys_waitpid(pid, &status, 0) != pid)
		return W_EXITCODE(98);
	return status;
}

UTEST(user_fault_kills_only_that_process)
{
	int status, me = getpid();

	status = null_read_status(true);
	UT_ASSERT(WIFSIGNALED(status));
	UT_ASSERT_EQ(SIGSEGV, WTERMSIG(status));
	UT_ASSERT_EQ(me, getpid());   /* still here and still us */
}

/*
 * A fault the process declared kills it all the same, but the kernel
 * reports it as expected ("expected fault: ..." on the console) and
 * counts it in vmstat's expected_kills, not in crash_kills. The
 * counts are the system's: nothing else faults while a suite runs.
 */
UTEST(declared_fault_is_counted_as_expected)
{
	UT_NEEDS_OWN_KERNEL("expect_fault() and vmstat's counts of fault kills");
	struct vmstat before = ut_vmstat(0), after;
	int status = null_read_status(true);

	after = ut_vmstat(0);
	UT_ASSERT(WIFSIGNALED(status));
	UT_ASSERT_EQ(SIGSEGV, WTERMSIG(status));
	UT_ASSERT_EQ(before.crash_kills, after.crash_kills);
	UT_ASSERT_EQ(before.expected_kills + 1, after.expected_kills);
}

/*
 * A fault that was declared and then withdrawn is a crash: the kernel
 * prints its "killed:" line and counts it in crash_kills. That one line
 * in the log is this case's, on purpose; it says so first.
 */
UTEST(undeclared_fault_is_reported_as_a_crash)
{
	UT_NEEDS_OWN_KERNEL("expect_fault() and vmstat's counts of fault kills");
	struct vmstat before, after;
	int status;

	printf("    # on purpose: the kernel's next line reports a crash (\"killed:\"), "
	    "a fault whose declaration was withdrawn\n");
	before = ut_vmstat(0);
	status = null_read_status(false);
	after = ut_vmstat(0);
	UT_ASSERT(WIFSIGNALED(status));
	UT_ASSERT_EQ(SIGSEGV, WTERMSIG(status));
	UT_ASSERT_EQ(before.crash_kills + 1, after.crash_kills);
	UT_ASSERT_EQ(before.expected_kills, after.expected_kills);
}

/* main() runs this when exec'd with --fault-setting: exits 10 + the
 * expect_fault() setting it found (10 or 11), or 12 if the call failed. */
static int fault_setting_child(void)
{
	int r = expect_fault(0);

	return r == 0 || r == 1 ? 10 + r : 12;
}

/*
 * expect_fault(1 or 0) returns the setting it replaces and refuses any
 * other value; the setting is the process's own: exec keeps it, a forked
 * child starts without it.
 */
UTEST(expect_fault_setting_is_the_process_own)
{
	UT_NEEDS_OWN_KERNEL("expect_fault() is this kernel's call");
	char *argv[] = { "proc", "--fault-setting", NULL };
	int pid, status;

	UT_ASSERT_EQ(-EINVAL, expect_fault(2));
	UT_ASSERT_EQ(-EINVAL, expect_fault(-1));
	UT_ASSERT_EQ(0, expect_fault(1));
	UT_ASSERT_EQ(1, expect_fault(1));

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		exit(fault_setting_child());
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(10), status);      /* not inherited */

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		expect_fault(1);
		sys_execve(SELF, argv, environ);
		exit(100);                /* exec failed */
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(11), status);      /* kept across exec */

	UT_ASSERT_EQ(1, expect_fault(0));
	UT_ASSERT_EQ(0, expect_fault(0));
}

UTEST(getpid_getppid_consistent)
{
	int pid, status, me = getpid();

	UT_ASSERT(me > 0);
	UT_ASSERT_EQ(me, getpid());
	UT_ASSERT(getppid() > 0);

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		exit(getppid() == me && getpid() != me ? 0 : 1);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(0, WEXITSTATUS(status));

	/* fork returns the child's pid: the child reports its own getpid(). */
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		exit(getpid() & 0xff);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(pid & 0xff, WEXITSTATUS(status));
}

UTEST(sleep_advances_clock)
{
	uint64_t a = clock_ns(), b;

	UT_ASSERT_EQ(0, sleep_ms(50));
	b = clock_ns();
	UT_ASSERT(b - a >= 50 * 1000000ULL);
	UT_ASSERT(b - a < 10000 * 1000000ULL);    /* not a broken clock */
}

#define MAX_CHILDREN 4096

static int children[MAX_CHILDREN];

/* A child that sleeps until it is killed. */
static void __attribute__((noreturn)) pause_forever(void)
{
	for (;;)
		sleep_ms(1000);
}

/*
 * Runs in a child of the case below: forks sleeping children until the
 * kernel refuses (process limit or memory), kills and reaps them all, and
 * checks that fork works again.
 */
static void fork_storm(void)
{
	int n = 0, pid, status, i;

	ut_wait_asleep(getppid());   /* the case waits, allocating nothing */
	while (n < MAX_CHILDREN) {
		pid = fork();
		if (pid == 0)
			pause_forever();
		if (pid < 0) {
			pid = -errno;
			break;
		}
		children[n++] = pid;
	}
	if (n < MAX_CHILDREN && pid != -EAGAIN && pid != -ENOMEM)
		utest_fail(__FILE__, __LINE__, "fork failed with %s, not "
		    "EAGAIN or ENOMEM", errname(pid));

	for (i = 0; i < n; i++)
		sys_kill(children[i], SIGKILL);   /* may be gone already (out of memory) */
	for (i = 0; i < n; i++) {
		UT_ASSERT_EQ(children[i], sys_waitpid(children[i], &status, 0));
		UT_ASSERT(WIFSIGNALED(status));
	}
	UT_ASSERT(n >= 2);
	if (n == MAX_CHILDREN)
		printf("    # note: no fork failure after %d children\n", n);

	/* Recovered: fork works again. */
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		exit(5);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(5, WEXITSTATUS(status));
}

/*
 * The storm runs in a child, so that once it is reaped every page it used
 * must be back. The free page count is compared here, in a process that
 * allocates nothing meanwhile (the storm's own parent keeps new kernel
 * objects, its copy-on-write copies' reverse-map entries, on heap pages
 * the storm grew, until it exits).
 */
UTEST(fork_until_failure_recovers)
{
	UT_NEEDS_OWN_KERNEL("its free page count (vmstat)");
	long before, after;
	int pid, status;

	/* First make this process's pages its own and warm the kernel heap:
	 * touch the stack, fork and reap once. */
	ut_touch_stack();
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		exit(0);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));

	before = ut_free_pages();
	UT_ASSERT_OK(before);
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		fork_storm();
		exit(ut_failed() ? 1 : 0);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(0, WEXITSTATUS(status));

	after = ut_free_pages_settle(before);
	UT_ASSERT_EQ(before, after);
}

UTEST(kill_terminates_child)
{
	int spinner, sleeper, status;

	spinner = fork();
	UT_ASSERT_OK(spinner);
	if (spinner == 0)
		for (;;)
			__asm__ volatile("pause");
	sleeper = fork();
	if (sleeper == 0)
		pause_forever();
	if (sleeper < 0)
		sys_kill(spinner, SIGKILL);
	UT_ASSERT_OK(sleeper);

	sleep_ms(10);    /* let both get going */
	UT_ASSERT_EQ(0, sys_kill(spinner, SIGKILL));
	UT_ASSERT_EQ(0, sys_kill(sleeper, SIGKILL));
	UT_ASSERT_EQ(spinner, sys_waitpid(spinner, &status, 0));
	UT_ASSERT(WIFSIGNALED(status));
	UT_ASSERT_EQ(SIGKILL, WTERMSIG(status));
	UT_ASSERT_EQ(sleeper, sys_waitpid(sleeper, &status, 0));
	UT_ASSERT(WIFSIGNALED(status));
	UT_ASSERT_EQ(SIGKILL, WTERMSIG(status));
	/* Reaped: the pid is gone. */
	UT_ASSERT_EQ(-ESRCH, sys_kill(spinner, SIGKILL));
}

/* The state of process pid, or -1 once it is gone. */
static int proc_state(int pid)
{
	struct procinfo pi;
	int i;

	for (i = 0; procinfo(i, &pi) == 0; i++)
		if (pi.pid == pid)
			return pi.state;
	return -1;
}

/*
 * waitpid_timeout() kills the whole tree of a child that overstays, not
 * only the child: a grandchild left alive would run on as init's child and
 * allocate while the next test counts free pages (how a slow fuzz run once
 * spoiled the counts of the cases after it).
 */
UTEST(waitpid_timeout_kills_the_grandchildren_too)
{
	UT_NEEDS_OWN_KERNEL("procinfo, which waitpid_timeout() kills a tree by");
	volatile int *grandchild;
	int child, status, r, i;

	grandchild = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err((void *)grandchild));
	*grandchild = 0;
	child = fork();
	UT_ASSERT_OK(child);
	if (child == 0) {
		int g = fork();

		if (g == 0)
			pause_forever();
		*grandchild = g;
		pause_forever();
	}
	for (i = 0; i < 2000 && *grandchild == 0; i++)
		sleep_ms(1);
	r = waitpid_timeout(child, &status, 50);
	UT_ASSERT_EQ(-EINTR, r);
	UT_ASSERT(*grandchild > 0);
	/* Killed, the orphan goes to init, which reaps it and frees the rest. */
	for (i = 0; i < 400 && proc_state(*grandchild) != -1; i++)
		sleep_ms(5);
	r = proc_state(*grandchild);
	if (r != -1) {
		sys_kill(*grandchild, SIGKILL);
		UT_FAIL("grandchild %d still there (state %d)", *grandchild, r);
	}
	UT_ASSERT_EQ(0, sys_munmap((void *)grandchild, PAGE_SIZE));
}

/* ---- process groups and sessions ---- */

/*
 * A child of these cases: sleeps until it is killed, or until the case
 * that forked it has returned (failed) and left it to init, so that it
 * does not outlive the case.
 */
static void __attribute__((noreturn)) sleep_until_killed(int parent)
{
	while (getppid() == parent)
		sleep_ms(5);
	exit(1);
}

/* Forks a sleep_until_killed() child; returns its pid or -E. */
static int fork_sleeper(void)
{
	int parent = getpid(), pid = fork();

	if (pid == 0)
		sleep_until_killed(parent);
	return pid < 0 ? -errno : pid;
}

/* Kills pid if it is a child and reaps it, for a case's clean-up. */
static void kill_and_reap(int pid)
{
	int status;

	if (pid > 0 && sys_kill(pid, SIGKILL) == 0)
		sys_waitpid(pid, &status, 0);
}

/* Two sleeping children in *a and *b; false, with neither left, if a fork fails. */
static bool fork_two_sleepers(int *a, int *b)
{
	*a = fork_sleeper();
	if (*a < 0)
		return false;
	*b = fork_sleeper();
	if (*b < 0) {
		kill_and_reap(*a);
		return false;
	}
	return true;
}

/*
 * The process the kernel starts, init, is in group 0 and session 0, as
 * Linux's is until it calls setsid (neither kernel's init here calls it),
 * and a process is in its parent's group and session until it moves.
 */
UTEST(init_is_in_group_and_session_zero_and_fork_inherits_them)
{
	long pgrp = SC(NR_getpgrp, 0, 0, 0, 0), sid = SC(NR_getsid, 0, 0, 0, 0);
	int pid;

	UT_ASSERT_EQ(0, SC(NR_getpgid, 1, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_getsid, 1, 0, 0, 0));
	UT_ASSERT_OK(pgrp);
	UT_ASSERT_OK(sid);
	UT_ASSERT_EQ(pgrp, SC(NR_getpgid, 0, 0, 0, 0));
	UT_ASSERT_EQ(pgrp, SC(NR_getpgid, getpid(), 0, 0, 0));
	UT_ASSERT_EQ(sid, SC(NR_getsid, getpid(), 0, 0, 0));
	pid = fork_sleeper();
	UT_ASSERT_OK(pid);
	UT_ASSERT_EQ(pgrp, SC(NR_getpgid, pid, 0, 0, 0));
	UT_ASSERT_EQ(sid, SC(NR_getsid, pid, 0, 0, 0));
	kill_and_reap(pid);
}

UTEST(setpgid_moves_a_child_into_a_new_group_or_an_existing_one)
{
	int a, b, sid = (int)SC(NR_getsid, 0, 0, 0, 0);

	UT_ASSERT(fork_two_sleepers(&a, &b));
	UT_ASSERT_EQ(0, SC(NR_setpgid, a, 0, 0, 0));          /* pgid 0: the child's pid */
	UT_ASSERT_EQ(a, SC(NR_getpgid, a, 0, 0, 0));
	UT_ASSERT_EQ(sid, SC(NR_getsid, a, 0, 0, 0));         /* same session */
	UT_ASSERT_EQ(0, SC(NR_setpgid, b, a, 0, 0));          /* joins a's group */
	UT_ASSERT_EQ(a, SC(NR_getpgid, b, 0, 0, 0));
	UT_ASSERT_EQ(-EPERM, SC(NR_setpgid, b, 0x7ffffff0, 0, 0));   /* no such group */
	UT_ASSERT_EQ(-EINVAL, SC(NR_setpgid, b, -1, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_setpgid, b, b, 0, 0));          /* and a group of its own */
	UT_ASSERT_EQ(b, SC(NR_getpgid, b, 0, 0, 0));
	UT_ASSERT_EQ(a, SC(NR_getpgid, a, 0, 0, 0));
	kill_and_reap(a);
	kill_and_reap(b);
}

UTEST(setpgid_getpgid_and_getsid_refuse_other_processes)
{
	UT_ASSERT_EQ(-ESRCH, SC(NR_setpgid, 1, 0, 0, 0));                /* not our child */
	UT_ASSERT_EQ(-ESRCH, SC(NR_setpgid, getppid(), 0, 0, 0));
	UT_ASSERT_EQ(-ESRCH, SC(NR_setpgid, 0x7ffffff0, 0, 0, 0));       /* nobody */
	UT_ASSERT_EQ(-EINVAL, SC(NR_setpgid, 0, -5, 0, 0));
	UT_ASSERT_EQ(-EPERM, SC(NR_setpgid, 0, 0x7ffffff0, 0, 0));       /* no such group */
	UT_ASSERT_EQ(-ESRCH, SC(NR_getpgid, 0x7ffffff0, 0, 0, 0));
	UT_ASSERT_EQ(-ESRCH, SC(NR_getpgid, -1, 0, 0, 0));
	UT_ASSERT_EQ(-ESRCH, SC(NR_getsid, 0x7ffffff0, 0, 0, 0));
	/* The caller itself may lead a group of its own. */
	UT_ASSERT_EQ(0, SC(NR_setpgid, 0, 0, 0, 0));
	UT_ASSERT_EQ(getpid(), SC(NR_getpgrp, 0, 0, 0, 0));
}

/* main() runs this when exec'd with --sleep: a program that waits to be killed. */
static int sleep_child(void)
{
	for (int i = 0; i < 60000 / 5 && getppid() != 1; i++)
		sleep_ms(5);
	return 1;
}

/* Once a child has exec'd, its parent can no longer move it (Linux's EACCES). */
UTEST(setpgid_of_a_child_that_has_exec_d_gives_eacces)
{
	char *argv[] = { "proc", "--sleep", NULL };
	uint64_t start = clock_ms();
	long r;
	int pid;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sys_execve(SELF, argv, environ);
		exit(100);
	}
	/* Succeeds (a no-op after the first) until the exec is done. */
	while ((r = SC(NR_setpgid, pid, pid, 0, 0)) == 0 && clock_ms() - start < 10000)
		sleep_ms(1);
	kill_and_reap(pid);
	UT_ASSERT_EQ(-EACCES, r);
}

UTEST(setsid_makes_the_caller_lead_a_new_session_and_group)
{
	volatile int *step = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
	                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int pid, status, r;

	UT_ASSERT_OK(ptr_err((void *)step));
	step[0] = step[1] = 0;
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		int me = getpid(), grandchild;

		if (SC(NR_setsid, 0, 0, 0, 0) != me)
			exit(1);
		if (SC(NR_getsid, 0, 0, 0, 0) != me || SC(NR_getpgrp, 0, 0, 0, 0) != me)
			exit(2);
		if (SC(NR_setsid, 0, 0, 0, 0) != -EPERM)          /* leads a group already */
			exit(3);
		if (SC(NR_setpgid, 0, 0, 0, 0) != -EPERM)         /* a session leader stays */
			exit(4);
		__atomic_store_n(&step[0], 1, __ATOMIC_RELEASE);
		/* In a child: a group of its own in the session, so no setsid. */
		grandchild = fork();
		if (grandchild == 0)
			exit(SC(NR_getsid, 0, 0, 0, 0) == me && SC(NR_setpgid, 0, 0, 0, 0) == 0 &&
			     SC(NR_setsid, 0, 0, 0, 0) == -EPERM ? 0 : 1);
		if (grandchild < 0 || sys_waitpid(grandchild, &status, 0) != grandchild ||
		    status != 0)
			exit(5);
		exit(ut_wait_for(&step[1], 1) ? 0 : 6);
	}
	r = ut_wait_for(&step[0], 1);
	if (!r)
		kill_and_reap(pid);
	UT_ASSERT(r);
	UT_ASSERT_EQ(pid, SC(NR_getsid, pid, 0, 0, 0));
	UT_ASSERT_EQ(pid, SC(NR_getpgid, pid, 0, 0, 0));
	UT_ASSERT_NE(pid, SC(NR_getsid, 0, 0, 0, 0));
	/* Our child, but in another session now. */
	r = (int)SC(NR_setpgid, pid, pid, 0, 0);
	__atomic_store_n(&step[1], 1, __ATOMIC_RELEASE);
	UT_ASSERT_EQ(-EPERM, r);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
	UT_ASSERT_EQ(0, sys_munmap((void *)step, PAGE_SIZE));
}

/* kill(-pgid) ends every member of the group; once all are reaped, none is found. */
UTEST(kill_of_a_group_signals_each_member)
{
	int a, b, status;

	UT_ASSERT(fork_two_sleepers(&a, &b));
	if (SC(NR_setpgid, a, a, 0, 0) != 0 || SC(NR_setpgid, b, a, 0, 0) != 0) {
		kill_and_reap(a);
		kill_and_reap(b);
		UT_FAIL("setpgid of the children failed");
	}
	UT_ASSERT_EQ(0, sys_kill(-a, 0));
	UT_ASSERT_EQ(0, sys_kill(-a, SIGTERM));
	UT_ASSERT_EQ(a, sys_waitpid(a, &status, 0));
	UT_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	UT_ASSERT_EQ(b, sys_waitpid(b, &status, 0));
	UT_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	UT_ASSERT_EQ(-ESRCH, sys_kill(-a, 0));              /* empty */
	UT_ASSERT_EQ(-ESRCH, sys_kill(INT_MIN, 0));         /* no group -INT_MIN */
}

/*
 * kill(0) signals the caller's group, the caller included, and no one
 * outside it: a child in a group of its own, ignoring SIGTERM, sends it to
 * its group and sees its own child die of it; with SIGTERM back to the
 * default, the next kill(0) ends it too. This process, in another group,
 * lives on to see that.
 */
UTEST(kill_zero_signals_the_callers_group)
{
	int pid, status;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		struct linux_sigaction act = { (uint64_t)SIG_IGN, 0, 0, 0 };
		int member;

		if (SC(NR_setpgid, 0, 0, 0, 0) != 0)
			exit(1);
		member = fork_sleeper();
		if (member < 0 || SC(NR_rt_sigaction, SIGTERM, &act, 0, 8) != 0)
			exit(2);
		if (sys_kill(0, SIGTERM) != 0)
			exit(3);
		if (sys_waitpid(member, &status, 0) != member || !WIFSIGNALED(status) ||
		    WTERMSIG(status) != SIGTERM)
			exit(4);
		act.handler = (uint64_t)SIG_DFL;
		if (SC(NR_rt_sigaction, SIGTERM, &act, 0, 8) != 0)
			exit(5);
		sys_kill(0, SIGTERM);
		exit(6);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	if (WIFEXITED(status))
		UT_FAIL("the child exited with %d instead of dying of SIGTERM", WEXITSTATUS(status));
	UT_ASSERT_EQ(SIGTERM, WTERMSIG(status));
}

/*
 * kill(-1) signals every process the caller may, init and itself
 * excepted: here that is every other process of the machine (the test
 * runner, init's other children), so only signal 0 is sent, which checks
 * that someone is there (this case's child at least) and harms no one.
 */
UTEST(kill_minus_one_finds_the_other_processes)
{
	int pid = fork_sleeper();

	UT_ASSERT_OK(pid);
	UT_ASSERT_EQ(0, sys_kill(-1, 0));
	UT_ASSERT_EQ(-EINVAL, sys_kill(-1, 65));
	kill_and_reap(pid);
}

/*
 * Init takes only the signals it has a handler for (busybox's poweroff
 * asks it by SIGUSR2): any other, even SIGKILL, is dropped, and root's
 * kill succeeds (this kernel used to refuse it with -EPERM).
 */
UTEST(kill_of_init_succeeds_and_init_lives_on)
{
	UT_ASSERT_EQ(0, sys_kill(1, 0));
	UT_ASSERT_EQ(0, sys_kill(1, SIGHUP));
	UT_ASSERT_EQ(0, sys_kill(1, SIGKILL));
	UT_ASSERT_EQ(0, sleep_ms(50));
	UT_ASSERT_EQ(0, sys_kill(1, 0));
	UT_ASSERT_EQ(-EINVAL, sys_kill(1, 65));
}

/*
 * wait4(0) waits only for children in the caller's group, wait4(-pgid)
 * only for those in group pgid.
 */
UTEST(wait_for_zero_or_a_group_takes_only_children_of_that_group)
{
	int a, b, status;

	a = fork();
	UT_ASSERT_OK(a);
	if (a == 0)
		exit(3);
	UT_ASSERT_EQ(0, SC(NR_setpgid, a, a, 0, 0));    /* a zombie may be moved too */
	UT_ASSERT_EQ(-ECHILD, sys_waitpid(0, &status, WNOHANG));   /* none in our group */
	b = fork();
	UT_ASSERT_OK(b);
	if (b == 0)
		exit(4);
	UT_ASSERT_EQ(b, sys_waitpid(0, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(4), status);
	UT_ASSERT_EQ(-ECHILD, sys_waitpid(-b, &status, WNOHANG)); /* no group b */
	UT_ASSERT_EQ(a, sys_waitpid(-a, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(3), status);
	UT_ASSERT_EQ(-ECHILD, sys_waitpid(-a, &status, WNOHANG));
	UT_ASSERT_EQ(-ESRCH, sys_waitpid(INT_MIN, &status, WNOHANG));
}

/* ---- the watchdog (kernel/watchdog.h) ---- */

/*
 * A system call that stays in the kernel without sleeping past
 * kern.watchdog_secs is reported once, however long it stays (the hook
 * debug.kernel_spin_ms makes one, in debug builds); the limit's range is
 * enforced.
 */
UTEST(watchdog_reports_a_thread_that_stays_in_the_kernel_once)
{
	long secs = 0, spin;
	struct vmstat before, after;

	UT_NEEDS_OWN_KERNEL("the watchdog: kern.watchdog_secs and vmstat's watchdog_reports");
	UT_ASSERT_OK(sysctl_get("kern.watchdog_secs", &secs));
	UT_ASSERT_EQ(-EINVAL, sysctl_set("kern.watchdog_secs", -1));
	UT_ASSERT_EQ(-EINVAL, sysctl_set("kern.watchdog_secs", 3601));
	if (sysctl_get("debug.kernel_spin_ms", &spin) != 0)
		return;   /* not a debug build: nothing can stay in the kernel at will */
	UT_ASSERT_OK(sysctl_set("kern.watchdog_secs", 1));
	before = ut_vmstat(0);
	UT_ASSERT_OK(sysctl_set("debug.kernel_spin_ms", 3500));
	after = ut_vmstat(0);
	UT_ASSERT_OK(sysctl_set("kern.watchdog_secs", secs));
	UT_ASSERT_EQ(before.watchdog_reports + 1, after.watchdog_reports);

	/* Sleeping is progress: a long sleep is not reported. */
	UT_ASSERT_OK(sysctl_set("kern.watchdog_secs", 1));
	UT_ASSERT_EQ(0, sleep_ms(2500));
	before = after;
	after = ut_vmstat(0);
	UT_ASSERT_OK(sysctl_set("kern.watchdog_secs", secs));
	UT_ASSERT_EQ(before.watchdog_reports, after.watchdog_reports);
}

/* ---- the time profile (kernel/profile.h) ---- */

/*
 * Every cycle of every CPU is charged to exactly one part: over a fork,
 * 20 ms of the child in user mode, its exit and the parent's wait, the
 * parts add up to the time that passed on every CPU (each CPU's current
 * part is charged at least at every timer tick, so allow a few ticks), and
 * the fork, exit and wait were each entered.
 */
UTEST(time_profile_charges_every_cycle_to_one_part)
{
	struct vmstat a, b;
	uint64_t t0, t1, sum = 0, khz, want, slack;
	int pid, status, p;

	UT_NEEDS_OWN_KERNEL("the kernel's time profile in vmstat");
	t0 = clock_ns();
	a = ut_vmstat(0);
	khz = a.tsc_khz;
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		uint64_t end = rdtsc() + 20 * khz;   /* in user mode: no clock call */

		while (rdtsc() < end)
			;
		_exit(0);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	b = ut_vmstat(0);
	t1 = clock_ns();
	UT_ASSERT(khz > 0);
	for (p = 0; p < VMSTAT_PROF_PARTS; p++)
		sum += b.prof_cycles[p] - a.prof_cycles[p];
	want = (t1 - t0) * khz / 1000000 * b.cpus;
	slack = 5 * khz * b.cpus;                       /* 5 ms per CPU */
	UT_ASSERT(sum <= want + slack);
	UT_ASSERT(sum + slack >= want);
	UT_ASSERT(b.prof_cycles[VMSTAT_PROF_USER] - a.prof_cycles[VMSTAT_PROF_USER] >= 19 * khz);
	UT_ASSERT(b.prof_entries[VMSTAT_PROF_FORK] > a.prof_entries[VMSTAT_PROF_FORK]);
	UT_ASSERT(b.prof_entries[VMSTAT_PROF_EXIT] > a.prof_entries[VMSTAT_PROF_EXIT]);
	UT_ASSERT(b.prof_entries[VMSTAT_PROF_WAIT] > a.prof_entries[VMSTAT_PROF_WAIT]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--start-state") == 0)
		return start_state_child(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--sleep") == 0)
		return sleep_child();
	if (argc > 1 && strcmp(argv[1], "--fault-setting") == 0)
		return fault_setting_child();
	return utest_main("proc", argc, argv);
}
