/*
 * Test suite "linux_abi": the Linux x86-64 system calls beyond the memory
 * ones, each checked for the behaviour Linux documents (man 2): threads by
 * clone and futex, the thread pointer, time (clock_gettime, gettimeofday,
 * time), sync and fsync, resource usage and CPU times,
 * signals' default actions, brk, madvise, the console's ioctl, uname. Raw calls (syscall6)
 * with Linux's numbers, so the same checks hold on Linux.
 */
#include "utest.h"

#define SC(n, a, b, c, d, e, f) \
	syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))
#define NSEC 1000000000LL

static int64_t ts_ns(const struct linux_timespec *t)
{
	return t->tv_sec * NSEC + t->tv_nsec;
}

/* ---- futex ---- */

UTEST(futex_wait_returns_eagain_when_the_word_differs_and_times_out)
{
	static uint32_t word = 7;
	struct linux_timespec t = { 0, 20 * 1000000 };
	uint64_t start = clock_ns();

	UT_ASSERT_EQ(-EAGAIN, SC(NR_futex, &word, FUTEX_WAIT, 8, 0, 0, 0));
	UT_ASSERT_EQ(-ETIMEDOUT, SC(NR_futex, &word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 7, &t, 0, 0));
	UT_ASSERT(clock_ns() - start >= 19 * 1000000ULL);
	UT_ASSERT_EQ(0, SC(NR_futex, &word, FUTEX_WAKE, 1, 0, 0, 0));   /* nobody waits */
	UT_ASSERT_EQ(-EINVAL, SC(NR_futex, (char *)&word + 1, FUTEX_WAIT, 7, 0, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_futex, 0, FUTEX_WAIT, 0, 0, 0, 0));
	t.tv_nsec = NSEC;
	UT_ASSERT_EQ(-EINVAL, SC(NR_futex, &word, FUTEX_WAIT, 7, &t, 0, 0));
}

/*
 * Two processes meet at a futex in a shared page, each at its own address:
 * the word is named by the memory, not the address.
 */
UTEST(futex_wakes_a_waiter_in_another_process_through_shared_memory)
{
	volatile uint32_t *a = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
	                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int pid, status, woken = 0;

	UT_ASSERT_OK(ptr_err((void *)a));
	a[0] = 0;
	a[1] = 0;
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		a[1] = 1;                                   /* about to wait */
		while (a[0] == 0)
			SC(NR_futex, &a[0], FUTEX_WAIT, 0, 0, 0, 0);
		exit(a[0] == 5 ? 0 : 1);
	}
	while (a[1] == 0)
		sched_yield();
	/* A wake that finds a sleeper proves the child sleeps on our word. */
	for (int i = 0; i < 2000 && !woken; i++) {
		woken = (int)SC(NR_futex, &a[0], FUTEX_WAKE, 1, 0, 0, 0);
		if (!woken)
			sleep_ms(1);
	}
	UT_ASSERT_EQ(1, woken);
	a[0] = 5;
	SC(NR_futex, &a[0], FUTEX_WAKE, 1, 0, 0, 0);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
	UT_ASSERT_EQ(0, sys_munmap((void *)a, PAGE_SIZE));
}

/*
 * A futex word in private memory is named by its address space and
 * address, not by its page: a fork makes the page copy-on-write, and the
 * write that then wakes the waiter moves the word to a new page of this
 * process. (pthread_join waits just so on a word that the exiting thread
 * writes.) A key by physical address lost this wake, and the waiter slept
 * for ever.
 */
static uint32_t *cow_word;
static volatile int cow_waiting;

static void *wait_on_cow_word(void *arg)
{
	(void)arg;
	cow_waiting = 1;
	while (__atomic_load_n(cow_word, __ATOMIC_ACQUIRE) == 0)
		SC(NR_futex, cow_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0);
	return NULL;
}

UTEST(futex_wake_finds_a_private_waiter_after_fork_made_the_page_copy_on_write)
{
	struct timespec limit;
	pthread_t t;
	int child, status, r;

	cow_word = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	                    -1, 0);
	UT_ASSERT_OK(ptr_err(cow_word));
	*cow_word = 0;
	cow_waiting = 0;
	UT_ASSERT_EQ(0, pthread_create(&t, NULL, wait_on_cow_word, NULL));
	while (!cow_waiting)
		sched_yield();
	sleep_ms(20);                   /* into the wait */
	child = fork();                 /* the page is now shared copy-on-write */
	UT_ASSERT_OK(child);
	if (child == 0) {
		sleep_ms(3000);         /* keeps its copy of the page until killed */
		_exit(0);
	}
	__atomic_store_n(cow_word, 1, __ATOMIC_RELEASE);   /* this process's own page now */
	SC(NR_futex, cow_word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0);
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 2;
	r = pthread_timedjoin_np(t, NULL, &limit);
	sys_kill(child, SIGKILL);
	UT_ASSERT_EQ(child, sys_waitpid(child, &status, 0));
	UT_ASSERT_EQ(0, r);             /* ETIMEDOUT: the waiter never woke */
	UT_ASSERT_EQ(0, sys_munmap(cow_word, PAGE_SIZE));
}

/*
 * The same wake when the waiter is between finding the word's page and
 * checking the word while the fork and the write happen: it must check the
 * word where it is now (this process's new copy, 1), not on the page it
 * found, which the child still holds with the old value (0). A check of
 * the old page slept through the wake (musl's thread-list lock hung /usr/bin/fuzz
 * workers so on 4 CPUs). debug.futex_wait_delay_us, where the kernel has
 * it, holds the waiter in that window.
 */
#define KEY_RACE_DELAY_US 300000

static void *wait_once_on_cow_word(void *arg)
{
	struct timespec two_seconds = { 2, 0 };

	(void)arg;
	cow_waiting = 1;
	return (void *)SC(NR_futex, cow_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &two_seconds,
	    0, 0);
}

UTEST(futex_wait_checks_the_word_on_the_page_a_fork_and_a_write_moved_it_to)
{
	long delay = 0, r;
	bool hook = sysctl_get("debug.futex_wait_delay_us", &delay) == 0;
	pthread_t t;
	void *result;
	int child, status;

	cow_word = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	                    -1, 0);
	UT_ASSERT_OK(ptr_err(cow_word));
	*cow_word = 0;
	cow_waiting = 0;
	if (hook)
		UT_ASSERT_OK(sysctl_set("debug.futex_wait_delay_us", KEY_RACE_DELAY_US));
	UT_ASSERT_EQ(0, pthread_create(&t, NULL, wait_once_on_cow_word, NULL));
	while (!cow_waiting)
		sched_yield();
	sleep_ms(50);                   /* into the window, where the hook holds it */
	child = fork();
	if (child == 0) {
		sleep_ms(3000);         /* keeps the old page, with 0, until killed */
		_exit(0);
	}
	__atomic_store_n(cow_word, 1, __ATOMIC_RELEASE);
	SC(NR_futex, cow_word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0);
	pthread_join(t, &result);
	r = (long)result;
	if (hook)
		sysctl_set("debug.futex_wait_delay_us", delay);
	UT_ASSERT_OK(child);
	sys_kill(child, SIGKILL);
	UT_ASSERT_EQ(child, sys_waitpid(child, &status, 0));
	if (r != 0 && r != -EAGAIN)
		UT_FAIL("the waiter's futex() gave %s: it slept through the wake", errname(r));
	UT_ASSERT_EQ(0, sys_munmap(cow_word, PAGE_SIZE));
}

/* ---- threads: clone, set_tid_address, the thread pointer ---- */

static volatile uint64_t seen_fs;

/* Reads the thread pointer the way TLS code does: %fs:0 holds its own address. */
static uint64_t read_fs0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static void *fs_thread(void *arg)
{
	(void)arg;
	seen_fs = read_fs0();
	return NULL;
}

UTEST(arch_prctl_sets_the_thread_pointer_kept_across_switches_and_threads)
{
	static uint64_t tcb[4];
	uint64_t got = 0, mine = 0;
	pthread_t t;

	/* musl keeps its thread block at %fs: put it back before any libc call. */
	UT_ASSERT_EQ(0, SC(NR_arch_prctl, ARCH_GET_FS, &mine, 0, 0, 0, 0));
	tcb[0] = (uint64_t)tcb;
	UT_ASSERT_EQ(0, SC(NR_arch_prctl, ARCH_SET_FS, tcb, 0, 0, 0, 0));
	SC(NR_arch_prctl, ARCH_GET_FS, &got, 0, 0, 0, 0);
	for (int i = 0; i < 50; i++)
		SC(NR_sched_yield, 0, 0, 0, 0, 0, 0);
	seen_fs = read_fs0();
	SC(NR_arch_prctl, ARCH_SET_FS, mine, 0, 0, 0, 0);
	UT_ASSERT_EQ((uint64_t)tcb, got);
	UT_ASSERT_EQ((uint64_t)tcb, seen_fs);
	UT_ASSERT_EQ(mine, read_fs0());
	/* A thread made with CLONE_SETTLS (pthread_create) has a pointer of its own. */
	seen_fs = 0;
	UT_ASSERT_EQ(0, pthread_create(&t, NULL, fs_thread, NULL));
	UT_ASSERT_EQ(0, pthread_join(t, NULL));
	UT_ASSERT_EQ((uint64_t)t, seen_fs);
	UT_ASSERT_NE(mine, seen_fs);
	UT_ASSERT_EQ(-EINVAL, SC(NR_arch_prctl, 0x9999, 0, 0, 0, 0, 0));
}

UTEST(set_tid_address_returns_the_tid_and_exit_clears_the_word)
{
	UT_ASSERT_EQ(gettid(), (int)SC(NR_set_tid_address, 0, 0, 0, 0, 0, 0));
	/* pthread_join() waits on CLONE_CHILD_CLEARTID's word: exercised by every join. */
}

/* exit ends only the calling thread; the last one's code is the process's. */
UTEST(exit_of_the_last_thread_gives_the_process_its_code)
{
	int pid = fork(), status;

	UT_ASSERT_OK(pid);
	if (pid == 0)
		for (;;)
			SC(NR_exit, 42, 0, 0, 0, 0, 0);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(42), status);
}

/* ---- time ---- */

UTEST(clocks_read_real_and_monotonic_time)
{
	struct linux_timespec rt, m1, m2, d = { 0, 5 * 1000000 };

	UT_ASSERT_EQ(0, SC(NR_clock_gettime, CLOCK_REALTIME, &rt, 0, 0, 0, 0));
	UT_ASSERT(rt.tv_sec > 1577836800);            /* after 2020-01-01 */
	UT_ASSERT_EQ(0, SC(NR_clock_gettime, CLOCK_MONOTONIC, &m1, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_nanosleep, &d, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_clock_gettime, CLOCK_MONOTONIC, &m2, 0, 0, 0, 0));
	UT_ASSERT(ts_ns(&m2) - ts_ns(&m1) >= 5 * 1000000);
	UT_ASSERT_EQ(-EINVAL, SC(NR_clock_gettime, 99, &m1, 0, 0, 0, 0));
	/* clock_nanosleep to an absolute time already past returns at once. */
	UT_ASSERT_EQ(0, SC(NR_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &m1, 0, 0, 0));
	m2.tv_nsec += 3 * 1000000;
	if (m2.tv_nsec >= NSEC) {
		m2.tv_nsec -= NSEC;
		m2.tv_sec++;
	}
	UT_ASSERT_EQ(0, SC(NR_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &m2, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_clock_gettime, CLOCK_MONOTONIC, &m1, 0, 0, 0, 0));
	UT_ASSERT(ts_ns(&m1) >= ts_ns(&m2));
	d.tv_nsec = -1;
	UT_ASSERT_EQ(-EINVAL, SC(NR_nanosleep, &d, 0, 0, 0, 0, 0));
}

/*
 * gettimeofday and time read the clock of CLOCK_REALTIME (glibc calls them
 * when there is no vDSO, as busybox's date and ls -l do here): the same
 * second, give or take the one that may pass between the calls; NULL
 * pointers are allowed, bad ones give -EFAULT.
 */
UTEST(gettimeofday_and_time_read_the_real_time_clock)
{
	struct linux_timespec rt;
	struct linux_timeval tv;
	int32_t tz[2] = { -1, -1 };
	int64_t t = 0;
	long r;

	UT_ASSERT_EQ(0, SC(NR_clock_gettime, CLOCK_REALTIME, &rt, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_gettimeofday, &tv, tz, 0, 0, 0, 0));
	r = SC(NR_time, &t, 0, 0, 0, 0, 0);
	UT_ASSERT(tv.tv_sec - rt.tv_sec >= 0 && tv.tv_sec - rt.tv_sec <= 1);
	UT_ASSERT(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	UT_ASSERT(r - tv.tv_sec >= 0 && r - tv.tv_sec <= 1);
	UT_ASSERT_EQ(r, t);
	UT_ASSERT_EQ(0, tz[0]);                       /* UTC: no minutes west */
	UT_ASSERT_EQ(0, tz[1]);
	UT_ASSERT_EQ(0, SC(NR_gettimeofday, 0, 0, 0, 0, 0, 0));
	UT_ASSERT(SC(NR_time, 0, 0, 0, 0, 0, 0) >= r);
	UT_ASSERT_EQ(-EFAULT, SC(NR_gettimeofday, 16, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_gettimeofday, &tv, 16, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_time, 16, 0, 0, 0, 0, 0));
}

/*
 * sync always succeeds; fsync and fdatasync succeed on a file and a
 * directory, give -EINVAL on a pipe (nothing to write back to) and -EBADF
 * on a descriptor that is not open.
 */
UTEST(sync_and_fsync_succeed_on_files_and_refuse_pipes)
{
	int fds[2];
	long fd, dir;

	UT_ASSERT_EQ(0, SC(NR_sync, 0, 0, 0, 0, 0, 0));
	fd = SC(NR_openat, AT_FDCWD, "/tmp/abi-fsync", O_CREAT | O_RDWR | O_TRUNC, 0644, 0, 0);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(0, SC(NR_fsync, fd, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_fdatasync, fd, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_close, fd, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_unlink, "/tmp/abi-fsync", 0, 0, 0, 0, 0));
	dir = SC(NR_openat, AT_FDCWD, "/tmp", O_RDONLY | O_DIRECTORY, 0, 0, 0);
	UT_ASSERT_OK(dir);
	UT_ASSERT_EQ(0, SC(NR_fsync, dir, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_close, dir, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_pipe2, fds, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_fsync, fds[0], 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_fdatasync, fds[1], 0, 0, 0, 0, 0));
	SC(NR_close, fds[0], 0, 0, 0, 0, 0);
	SC(NR_close, fds[1], 0, 0, 0, 0, 0);
	UT_ASSERT_EQ(-EBADF, SC(NR_fsync, 999, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EBADF, SC(NR_fdatasync, -1, 0, 0, 0, 0, 0));
}

/* ---- resource usage ---- */

#define TOUCH_PAGES 64

UTEST(getrusage_and_wait4_count_page_faults)
{
	struct linux_rusage before, after, child;
	char *p = sys_mmap(NULL, TOUCH_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int pid, status;

	UT_ASSERT_OK(ptr_err(p));
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_SELF, &before, 0, 0, 0, 0));
	for (int i = 0; i < TOUCH_PAGES; i++)
		p[i * PAGE_SIZE] = 1;
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_SELF, &after, 0, 0, 0, 0));
	UT_ASSERT(after.ru_minflt - before.ru_minflt >= TOUCH_PAGES);
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_THREAD, &after, 0, 0, 0, 0));
	UT_ASSERT(after.ru_minflt >= TOUCH_PAGES);
	UT_ASSERT_EQ(-EINVAL, SC(NR_getrusage, 5, &after, 0, 0, 0, 0));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		char *q = sys_mmap(NULL, TOUCH_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		for (int i = 0; i < TOUCH_PAGES; i++)
			q[i * PAGE_SIZE] = 1;
		exit(0);
	}
	UT_ASSERT_EQ(pid, (int)SC(NR_wait4, pid, &status, 0, &child, 0, 0));
	UT_ASSERT(child.ru_minflt >= TOUCH_PAGES);
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_CHILDREN, &after, 0, 0, 0, 0));
	UT_ASSERT(after.ru_minflt >= child.ru_minflt);
	UT_ASSERT_EQ(0, sys_munmap(p, TOUCH_PAGES * PAGE_SIZE));
}

/*
 * Spins in user mode until ms of monotonic time have passed; returns the
 * time that passed, in microseconds.
 */
static int64_t spin_ms(int64_t ms)
{
	uint64_t start = clock_ns(), now;

	while ((now = clock_ns()) - start < (uint64_t)ms * 1000000)
		for (volatile int i = 0; i < 1000; i++)
			;
	return (int64_t)(now - start) / 1000;
}

static int64_t tv_us(const struct linux_timeval *tv)
{
	return tv->tv_sec * 1000000 + tv->tv_usec;
}

/*
 * CPU time: machines (and QEMU without KVM) are noisy, so a 200 ms spin is
 * only asked to show at least 50 ms of user time, and no more than twice
 * the time that passed (which a wrong unit or a tick counted twice would
 * break).
 */
#define SPIN_MS 200
#define SPIN_MIN_US 50000
#define PLAUSIBLE_US(us, elapsed) ((us) >= SPIN_MIN_US && (us) <= 2 * (elapsed) + 100000)

UTEST(getrusage_and_times_count_the_cpu_time_of_a_spin_in_user_mode)
{
	struct linux_rusage a, b, ta, tb;
	struct linux_tms ma, mb;
	long hz = sysconf(_SC_CLK_TCK), ca, cb;
	int64_t elapsed, du;

	UT_ASSERT(hz > 0);
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_SELF, &a, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_THREAD, &ta, 0, 0, 0, 0));
	ca = SC(NR_times, &ma, 0, 0, 0, 0, 0);
	elapsed = spin_ms(SPIN_MS);
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_SELF, &b, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_THREAD, &tb, 0, 0, 0, 0));
	cb = SC(NR_times, &mb, 0, 0, 0, 0, 0);
	du = tv_us(&b.ru_utime) - tv_us(&a.ru_utime);
	if (!PLAUSIBLE_US(du, elapsed))
		UT_FAIL("a spin of %lld us gave %lld us of user time", (long long)elapsed,
		    (long long)du);
	UT_ASSERT(b.ru_utime.tv_usec >= 0 && b.ru_utime.tv_usec < 1000000);
	UT_ASSERT(tv_us(&b.ru_stime) >= tv_us(&a.ru_stime));
	UT_ASSERT(PLAUSIBLE_US(tv_us(&tb.ru_utime) - tv_us(&ta.ru_utime), elapsed));
	/* times() in clock ticks: the same user time, and the clock went on. */
	UT_ASSERT(mb.tms_utime - ma.tms_utime >= SPIN_MIN_US * hz / 1000000);
	UT_ASSERT(mb.tms_utime - ma.tms_utime <= (2 * elapsed + 100000) * hz / 1000000);
	UT_ASSERT(cb - ca >= (SPIN_MS - 20) * hz / 1000);
	UT_ASSERT(SC(NR_times, 0, 0, 0, 0, 0, 0) >= cb);       /* no buffer: only the clock */
	UT_ASSERT_EQ(-EFAULT, SC(NR_times, 8, 0, 0, 0, 0, 0));
}

/* A reaped child's CPU time is in its wait4 rusage and in RUSAGE_CHILDREN. */
UTEST(rusage_children_and_wait4_count_a_reaped_childs_cpu_time)
{
	struct linux_rusage a, b, child;
	struct linux_tms ma, mb;
	long hz = sysconf(_SC_CLK_TCK);
	volatile int64_t *elapsed = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
	                                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int pid, status;

	UT_ASSERT_OK(ptr_err((void *)elapsed));
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_CHILDREN, &a, 0, 0, 0, 0));
	UT_ASSERT(SC(NR_times, &ma, 0, 0, 0, 0, 0) != -EFAULT);
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		*elapsed = spin_ms(SPIN_MS);
		exit(0);
	}
	UT_ASSERT_EQ(pid, (int)SC(NR_wait4, pid, &status, 0, &child, 0, 0));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
	if (!PLAUSIBLE_US(tv_us(&child.ru_utime), *elapsed))
		UT_FAIL("a child's spin of %lld us gave %lld us of user time",
		    (long long)*elapsed, (long long)tv_us(&child.ru_utime));
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_CHILDREN, &b, 0, 0, 0, 0));
	UT_ASSERT(PLAUSIBLE_US(tv_us(&b.ru_utime) - tv_us(&a.ru_utime), *elapsed));
	UT_ASSERT(SC(NR_times, &mb, 0, 0, 0, 0, 0) != -EFAULT);
	UT_ASSERT(mb.tms_cutime - ma.tms_cutime >= SPIN_MIN_US * hz / 1000000);
	UT_ASSERT_EQ(0, sys_munmap((void *)elapsed, PAGE_SIZE));
}

/* ---- signals: default actions, SIG_IGN, the blocked set ---- */

UTEST(kill_takes_the_default_action_or_none_when_ignored)
{
	struct linux_sigaction ign = { 1, 0, 0, 0 }, old;
	int pid, status;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		for (;;)
			sleep_ms(10);
	UT_ASSERT_EQ(0, SC(NR_kill, pid, 0, 0, 0, 0, 0));          /* exists */
	UT_ASSERT_EQ(0, SC(NR_kill, pid, SIGCHLD, 0, 0, 0, 0));    /* ignored by default */
	sleep_ms(20);
	UT_ASSERT_EQ(0, sys_waitpid(pid, &status, WNOHANG));
	UT_ASSERT_EQ(0, SC(NR_kill, pid, SIGTERM, 0, 0, 0, 0));
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT(WIFSIGNALED(status));
	UT_ASSERT_EQ(SIGTERM, WTERMSIG(status));
	UT_ASSERT_EQ(-EINVAL, SC(NR_kill, getpid(), 65, 0, 0, 0, 0));
	/* A process that ignores SIGTERM lives on; SIGKILL cannot be ignored. */
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		if (SC(NR_rt_sigaction, SIGTERM, &ign, &old, 8, 0, 0) != 0 ||
		    SC(NR_rt_sigaction, SIGKILL, &ign, 0, 8, 0, 0) != -EINVAL)
			exit(1);
		for (;;)
			sleep_ms(10);
	}
	sleep_ms(50);
	UT_ASSERT_EQ(0, SC(NR_kill, pid, SIGTERM, 0, 0, 0, 0));
	sleep_ms(20);
	UT_ASSERT_EQ(0, sys_waitpid(pid, &status, WNOHANG));
	UT_ASSERT_EQ(0, SC(NR_kill, pid, SIGKILL, 0, 0, 0, 0));
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(SIGKILL, WTERMSIG(status));
}

UTEST(rt_sigprocmask_keeps_the_blocked_set)
{
	uint64_t set = (1UL << (SIGUSR1 - 1)) | (1UL << (SIGKILL - 1)), old = ~0UL;

	UT_ASSERT_EQ(0, SC(NR_rt_sigprocmask, 2, &set, &old, 8, 0, 0));     /* SIG_SETMASK */
	UT_ASSERT_EQ(0, SC(NR_rt_sigprocmask, 0, 0, &old, 8, 0, 0));
	UT_ASSERT_EQ(1UL << (SIGUSR1 - 1), old);                           /* SIGKILL dropped */
	set = 0;
	UT_ASSERT_EQ(0, SC(NR_rt_sigprocmask, 2, &set, 0, 8, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_rt_sigprocmask, 7, &set, 0, 8, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_rt_sigprocmask, 0, &set, 0, 4, 0, 0));
}

/* ---- brk and madvise ---- */

UTEST(brk_grows_and_shrinks_the_heap_and_never_over_a_mapping)
{
	char *start = (char *)SC(NR_brk, 0, 0, 0, 0, 0, 0), *end;
	void *blocker;

	UT_ASSERT(start != NULL);
	end = (char *)SC(NR_brk, start + 3 * PAGE_SIZE, 0, 0, 0, 0, 0);
	UT_ASSERT_EQ((long)(start + 3 * PAGE_SIZE), (long)end);
	for (int i = 0; i < 3 * (int)PAGE_SIZE; i += PAGE_SIZE)
		UT_ASSERT_EQ(0, start[i]);
	start[2 * PAGE_SIZE] = 9;
	UT_ASSERT_EQ((long)start, SC(NR_brk, start, 0, 0, 0, 0, 0));
	/* A mapping right above the break: the heap may not grow over it. */
	blocker = sys_mmap(start + 4 * PAGE_SIZE, PAGE_SIZE, PROT_READ,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	UT_ASSERT_OK(ptr_err(blocker));
	UT_ASSERT_EQ((long)start, SC(NR_brk, start + 8 * PAGE_SIZE, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ((long)(start + 2 * PAGE_SIZE), SC(NR_brk, start + 2 * PAGE_SIZE, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, start[PAGE_SIZE]);
	UT_ASSERT_EQ((long)start, SC(NR_brk, start, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ((long)start, SC(NR_brk, start - PAGE_SIZE, 0, 0, 0, 0, 0));  /* below: refused */
	UT_ASSERT_EQ(0, sys_munmap(blocker, PAGE_SIZE));
}

UTEST(map_fixed_noreplace_refuses_a_used_range)
{
	char *p = sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	               -1, 0);

	UT_ASSERT_OK(ptr_err(p));
	UT_ASSERT_EQ(-EEXIST, ptr_err(sys_mmap(p + PAGE_SIZE, PAGE_SIZE, PROT_READ,
	                                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)));
	UT_ASSERT_EQ(0, sys_munmap(p, 2 * PAGE_SIZE));
}

UTEST(map_populate_takes_the_faults_at_mmap)
{
	struct linux_rusage a, b;
	char *p = sys_mmap(NULL, 16 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	UT_ASSERT_OK(ptr_err(p));
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_THREAD, &a, 0, 0, 0, 0));
	for (int i = 0; i < 16; i++)
		p[i * PAGE_SIZE] = 1;
	UT_ASSERT_EQ(0, SC(NR_getrusage, RUSAGE_THREAD, &b, 0, 0, 0, 0));
	UT_ASSERT_EQ(a.ru_minflt, b.ru_minflt);
	UT_ASSERT_EQ(0, sys_munmap(p, 16 * PAGE_SIZE));
}

UTEST(madvise_dontneed_zeroes_private_memory_and_keeps_shared)
{
	char *priv = sys_mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *shr = sys_mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	UT_ASSERT_OK(ptr_err(priv));
	UT_ASSERT_OK(ptr_err(shr));
	for (int i = 0; i < 4; i++) {
		priv[i * PAGE_SIZE] = (char)(i + 1);
		shr[i * PAGE_SIZE] = (char)(i + 1);
	}
	UT_ASSERT_EQ(0, sys_madvise(priv + PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED));
	UT_ASSERT_EQ(0, sys_madvise(shr + PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED));
	UT_ASSERT_EQ(1, priv[0]);
	UT_ASSERT_EQ(0, priv[PAGE_SIZE]);
	UT_ASSERT_EQ(0, priv[2 * PAGE_SIZE]);
	UT_ASSERT_EQ(4, priv[3 * PAGE_SIZE]);
	UT_ASSERT_EQ(2, shr[PAGE_SIZE]);
	UT_ASSERT_EQ(3, shr[2 * PAGE_SIZE]);
	UT_ASSERT_EQ(0, sys_madvise(priv, PAGE_SIZE, MADV_NORMAL));
	UT_ASSERT_EQ(-EINVAL, sys_madvise(priv + 1, PAGE_SIZE, MADV_DONTNEED));
	UT_ASSERT_EQ(-EINVAL, sys_madvise(priv, PAGE_SIZE, 12345));
	UT_ASSERT_EQ(0, sys_munmap(priv, 4 * PAGE_SIZE));
	UT_ASSERT_EQ(-ENOMEM, sys_madvise(priv, PAGE_SIZE, MADV_DONTNEED));
	UT_ASSERT_EQ(0, sys_munmap(shr, 4 * PAGE_SIZE));
}

/* ---- SysV shm: Linux's shmctl commands and shmat flags ---- */

UTEST(shmctl_info_stat_set_and_shmat_rnd_remap)
{
	struct shminfo limits;
	struct shm_info usage;
	struct shmid_ds ds;
	int id = sys_shmget(IPC_PRIVATE, 2 * PAGE_SIZE, IPC_CREAT | 0640), highest;
	char *fixed, *p;

	UT_ASSERT_OK(id);
	highest = sys_shmctl(0, IPC_INFO, (struct shmid_ds *)&limits);
	UT_ASSERT(highest >= 0);
	UT_ASSERT(limits.shmmni > 0 && limits.shmmax >= 2 * PAGE_SIZE && limits.shmmin == 1);
	highest = sys_shmctl(0, SHM_INFO, (struct shmid_ds *)&usage);
	UT_ASSERT(highest >= 0 && usage.used_ids >= 1);
	UT_ASSERT(sys_shmctl(highest, SHM_STAT, &ds) >= 0);          /* by index: returns an id */
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_STAT, &ds));
	ds.shm_perm.mode = 0600;
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_SET, &ds));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_STAT, &ds));
	UT_ASSERT_EQ(0600, ds.shm_perm.mode & 0777);
	UT_ASSERT_EQ(-EINVAL, sys_shmctl(id, 999, &ds));
	/* SHM_RND rounds the address down; without it an unaligned one is refused. */
	fixed = sys_mmap(NULL, 4 * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err(fixed));
	UT_ASSERT_EQ(0, sys_munmap(fixed, 4 * PAGE_SIZE));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(id, fixed + 100, 0)));
	p = sys_shmat(id, fixed + 100, SHM_RND);
	UT_ASSERT_EQ((long)fixed, (long)p);
	UT_ASSERT(sys_shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_lpid == getpid() && ds.shm_atime > 0);
	UT_ASSERT_EQ(0, sys_shmdt(p));
	/* SHM_REMAP replaces a mapping; without it the range must be free. */
	fixed = sys_mmap(fixed, 2 * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	UT_ASSERT_OK(ptr_err(fixed));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(id, fixed, 0)));
	UT_ASSERT_EQ((long)fixed, (long)sys_shmat(id, fixed, SHM_REMAP));
	fixed[0] = 5;
	UT_ASSERT_EQ(0, sys_shmdt(fixed));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(id, NULL, SHM_REMAP)));   /* needs an address */
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/* ---- the console, uname, reboot ---- */

UTEST(console_answers_writev_and_the_window_size)
{
	static const char a[] = "    # writev: ", b[] = "two pieces\n";
	struct linux_iovec iov[2] = { { (uint64_t)a, sizeof(a) - 1 }, { (uint64_t)b, sizeof(b) - 1 } };
	struct linux_winsize ws = { 0, 0, 0, 0 };

	fflush(stdout);
	UT_ASSERT_EQ((long)(sizeof(a) + sizeof(b) - 2), SC(NR_writev, 1, iov, 2, 0, 0, 0));
	UT_ASSERT_EQ(-EBADF, SC(NR_writev, 7, iov, 2, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_writev, 1, iov, 100000, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_ioctl, 1, TIOCGWINSZ, &ws, 0, 0, 0));
	UT_ASSERT(ws.ws_row > 0 && ws.ws_col > 0);
	UT_ASSERT_EQ(-EBADF, SC(NR_ioctl, 9, TIOCGWINSZ, &ws, 0, 0, 0));
}

UTEST(uname_says_linux_on_x86_64_and_reboot_wants_its_magic)
{
	struct linux_utsname u;

	UT_ASSERT_EQ(0, SC(NR_uname, &u, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, strcmp(u.sysname, "Linux"));
	UT_ASSERT_EQ(0, strcmp(u.machine, "x86_64"));
	UT_ASSERT(u.release[0] >= '3' && u.release[0] <= '9');
	UT_ASSERT_EQ(-EINVAL, SC(NR_reboot, 0x1234, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF,
	                         0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0x777, 0, 0, 0));
}

int main(int argc, char **argv)
{
	return utest_main("linux_abi", argc, argv);
}
