/*
 * Test suite "signals": handlers and their frame (registers and FPU back
 * after sigreturn, siginfo's fields), the blocked and pending sets,
 * interrupted calls (EINTR, SA_RESTART, sigsuspend), SIGCHLD, SIGPIPE,
 * faults caught by a handler, stop and continue, fork and exec, and the
 * calls' refusals of bad arguments. musl's interfaces where they exist,
 * raw calls where the kernel's exact answer matters; every case holds on
 * Linux too.
 */
#include <fenv.h>
#include <poll.h>
#include <setjmp.h>

#include "utest.h"

#define SC(n, a, b, c, d) syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

static volatile sig_atomic_t hits;
static volatile int last_sig;
static siginfo_t last_info;
static sigset_t mask_in_handler;

static void count(int sig)
{
	hits++;
	last_sig = sig;
}

static void record(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	last_info = *si;
	sigprocmask(SIG_SETMASK, NULL, &mask_in_handler);
}

/* sigaction with a plain handler (SA_SIGINFO: with record's arguments) and flags. */
static int on(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = fn;
	sa.sa_flags = flags;
	return sigaction(sig, &sa, NULL);
}

static int on_info(int sig, int flags)
{
	struct sigaction sa = { 0 };

	sa.sa_sigaction = record;
	sa.sa_flags = SA_SIGINFO | flags;
	return sigaction(sig, &sa, NULL);
}

static bool blocked(int sig)
{
	sigset_t s;

	sigprocmask(SIG_SETMASK, NULL, &s);
	return sigismember(&s, sig);
}

/* A child that sends sig to the caller after ms milliseconds, then exits. */
static int signal_me_later(int sig, int ms)
{
	int parent = getpid(), pid = fork();

	if (pid == 0) {
		sleep_ms(ms);
		kill(parent, sig);
		_exit(0);
	}
	return pid;
}

/* ---- the handler's frame ---- */

/*
 * Loads known values into the registers a system call keeps (every one
 * but rax, rcx and r11) and all sixteen XMM registers, makes kill(pid,
 * sig), and stores them again: in[0..9] rbx rbp r12-r15 r8-r10 rdx,
 * in[10..41] xmm0-15, out the same.
 */
void regs_across_kill(const uint64_t *in, uint64_t *out, long pid, long sig);
__asm__(
	".globl regs_across_kill\n"
	"regs_across_kill:\n"
	"	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
	"	push %rsi\n"
	"	mov %rdx, %r11\n"
	"	mov %rcx, %rax\n"
	"	movdqu 80(%rdi), %xmm0;  movdqu 96(%rdi), %xmm1\n"
	"	movdqu 112(%rdi), %xmm2; movdqu 128(%rdi), %xmm3\n"
	"	movdqu 144(%rdi), %xmm4; movdqu 160(%rdi), %xmm5\n"
	"	movdqu 176(%rdi), %xmm6; movdqu 192(%rdi), %xmm7\n"
	"	movdqu 208(%rdi), %xmm8; movdqu 224(%rdi), %xmm9\n"
	"	movdqu 240(%rdi), %xmm10; movdqu 256(%rdi), %xmm11\n"
	"	movdqu 272(%rdi), %xmm12; movdqu 288(%rdi), %xmm13\n"
	"	movdqu 304(%rdi), %xmm14; movdqu 320(%rdi), %xmm15\n"
	"	mov 0(%rdi), %rbx; mov 8(%rdi), %rbp; mov 16(%rdi), %r12\n"
	"	mov 24(%rdi), %r13; mov 32(%rdi), %r14; mov 40(%rdi), %r15\n"
	"	mov 48(%rdi), %r8; mov 56(%rdi), %r9; mov 64(%rdi), %r10\n"
	"	mov 72(%rdi), %rdx\n"
	"	mov %rax, %rsi\n"
	"	mov %r11, %rdi\n"
	"	mov $62, %eax\n"          /* kill */
	"	syscall\n"
	"	mov (%rsp), %rax\n"
	"	mov %rbx, 0(%rax); mov %rbp, 8(%rax); mov %r12, 16(%rax)\n"
	"	mov %r13, 24(%rax); mov %r14, 32(%rax); mov %r15, 40(%rax)\n"
	"	mov %r8, 48(%rax); mov %r9, 56(%rax); mov %r10, 64(%rax)\n"
	"	mov %rdx, 72(%rax)\n"
	"	movdqu %xmm0, 80(%rax);  movdqu %xmm1, 96(%rax)\n"
	"	movdqu %xmm2, 112(%rax); movdqu %xmm3, 128(%rax)\n"
	"	movdqu %xmm4, 144(%rax); movdqu %xmm5, 160(%rax)\n"
	"	movdqu %xmm6, 176(%rax); movdqu %xmm7, 192(%rax)\n"
	"	movdqu %xmm8, 208(%rax); movdqu %xmm9, 224(%rax)\n"
	"	movdqu %xmm10, 240(%rax); movdqu %xmm11, 256(%rax)\n"
	"	movdqu %xmm12, 272(%rax); movdqu %xmm13, 288(%rax)\n"
	"	movdqu %xmm14, 304(%rax); movdqu %xmm15, 320(%rax)\n"
	"	pop %rsi\n"
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"	ret\n");

static volatile int handler_round;   /* the rounding mode the handler started with */

/* Wrecks every register a handler may change, and the SSE rounding mode. */
static void clobber(int sig)
{
	(void)sig;
	handler_round = fegetround();
	fesetround(FE_DOWNWARD);
	__asm__ volatile("pcmpeqd %%xmm0, %%xmm0; pcmpeqd %%xmm1, %%xmm1; pcmpeqd %%xmm7, %%xmm7\n"
	                 "pcmpeqd %%xmm8, %%xmm8; pcmpeqd %%xmm15, %%xmm15\n"
	                 "mov $-1, %%r8; mov $-1, %%r9; mov $-1, %%r10; mov $-1, %%rdx\n"
	                 "mov $-1, %%rbx; mov $-1, %%r12; mov $-1, %%r15\n"
	                 ::: "xmm0", "xmm1", "xmm7", "xmm8", "xmm15", "r8", "r9", "r10", "rdx",
	                     "rbx", "r12", "r15");
	hits++;
}

UTEST(a_handler_runs_and_sigreturn_gives_back_every_register_and_the_fpu)
{
	uint64_t in[42], out[42];

	for (int i = 0; i < 42; i++)
		in[i] = 0x1111111111111111ULL * (uint64_t)(i % 15 + 1) + (uint64_t)i;
	hits = 0;
	UT_ASSERT_EQ(0, on(SIGUSR1, clobber, 0));
	UT_ASSERT_EQ(0, fesetround(FE_UPWARD));
	regs_across_kill(in, out, getpid(), SIGUSR1);
	UT_ASSERT_EQ(FE_UPWARD, fegetround());
	fesetround(FE_TONEAREST);
	UT_ASSERT_EQ(1, hits);
	UT_ASSERT_EQ(FE_TONEAREST, handler_round);     /* a handler starts with a clean FPU */
	for (int i = 0; i < 42; i++)
		if (in[i] != out[i])
			UT_FAIL("register %d: 0x%lx before, 0x%lx after", i,
			        (unsigned long)in[i], (unsigned long)out[i]);
}

UTEST(siginfo_says_who_sent_the_signal_and_how)
{
	hits = 0;
	UT_ASSERT_EQ(0, on_info(SIGUSR2, 0));
	UT_ASSERT_EQ(0, kill(getpid(), SIGUSR2));
	UT_ASSERT_EQ(1, hits);
	UT_ASSERT_EQ(SIGUSR2, last_info.si_signo);
	UT_ASSERT_EQ(SI_USER, last_info.si_code);
	UT_ASSERT_EQ(getpid(), last_info.si_pid);
	UT_ASSERT(sigismember(&mask_in_handler, SIGUSR2));   /* blocked while it runs */
	UT_ASSERT(!blocked(SIGUSR2));                          /* and not after */
	UT_ASSERT_EQ(0, SC(NR_tgkill, getpid(), gettid(), SIGUSR2, 0));
	UT_ASSERT_EQ(2, hits);
	UT_ASSERT_EQ(SI_TKILL, last_info.si_code);
	UT_ASSERT_EQ(0, raise(SIGUSR2));
	UT_ASSERT_EQ(3, hits);
}

UTEST(sa_mask_nodefer_and_resethand_work)
{
	struct sigaction sa = { 0 }, old;

	sa.sa_sigaction = record;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	UT_ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	hits = 0;
	UT_ASSERT_EQ(0, raise(SIGUSR1));
	UT_ASSERT_EQ(1, hits);
	UT_ASSERT(sigismember(&mask_in_handler, SIGTERM));
	UT_ASSERT(!sigismember(&mask_in_handler, SIGUSR1));      /* SA_NODEFER */
	UT_ASSERT_EQ(0, sigaction(SIGUSR1, NULL, &old));
	UT_ASSERT(old.sa_handler == SIG_DFL);                     /* SA_RESETHAND */
	UT_ASSERT(!blocked(SIGTERM));
}

UTEST(a_blocked_signal_waits_and_comes_when_unblocked)
{
	sigset_t set, pend;

	hits = 0;
	UT_ASSERT_EQ(0, on(SIGUSR1, count, 0));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	UT_ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	UT_ASSERT_EQ(0, kill(getpid(), SIGUSR1));
	UT_ASSERT_EQ(0, kill(getpid(), SIGUSR1));       /* a second one does not queue */
	UT_ASSERT_EQ(0, hits);
	UT_ASSERT_EQ(0, sigpending(&pend));
	UT_ASSERT(sigismember(&pend, SIGUSR1));
	UT_ASSERT_EQ(0, sigprocmask(SIG_UNBLOCK, &set, NULL));
	UT_ASSERT_EQ(1, hits);                           /* before sigprocmask returned */
	UT_ASSERT_EQ(0, sigpending(&pend));
	UT_ASSERT(!sigismember(&pend, SIGUSR1));
}

/* ---- faults ---- */

static sigjmp_buf fault_env;
static volatile int *volatile low_address = (int *)16;   /* nothing is mapped there */

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_sig = sig;
	last_info = *si;
	siglongjmp(fault_env, 1);
}

UTEST(a_sigsegv_handler_gets_the_address_and_can_siglongjmp_out)
{
	struct sigaction sa = { 0 };
	volatile int *ro;

	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO;
	UT_ASSERT_EQ(0, sigaction(SIGSEGV, &sa, NULL));
	if (sigsetjmp(fault_env, 1) == 0) {
		*low_address = 1;
		UT_FAIL("the write to address 16 went through");
		return;
	}
	UT_ASSERT_EQ(SIGSEGV, last_sig);
	UT_ASSERT_EQ(SEGV_MAPERR, last_info.si_code);
	UT_ASSERT_EQ(16, (long)last_info.si_addr);
	UT_ASSERT(!blocked(SIGSEGV));                 /* siglongjmp put the mask back */
	ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT(ro != MAP_FAILED);
	if (sigsetjmp(fault_env, 1) == 0) {
		ro[3] = 1;
		UT_FAIL("the write to a read-only page went through");
		return;
	}
	UT_ASSERT_EQ(SEGV_ACCERR, last_info.si_code);
	UT_ASSERT_EQ((long)&ro[3], (long)last_info.si_addr);
	UT_ASSERT_EQ(0, munmap((void *)ro, PAGE_SIZE));
}

UTEST(an_invalid_opcode_and_a_division_by_zero_reach_their_handlers)
{
	struct sigaction sa = { 0 };
	volatile int zero = 0;

	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO;
	UT_ASSERT_EQ(0, sigaction(SIGILL, &sa, NULL));
	UT_ASSERT_EQ(0, sigaction(SIGFPE, &sa, NULL));
	if (sigsetjmp(fault_env, 1) == 0) {
		__asm__ volatile("ud2");
		UT_FAIL("ud2 went through");
		return;
	}
	UT_ASSERT_EQ(SIGILL, last_sig);
	UT_ASSERT_EQ(ILL_ILLOPN, last_info.si_code);
	if (sigsetjmp(fault_env, 1) == 0) {
		zero = 10 / zero;
		UT_FAIL("a division by zero went through");
		return;
	}
	UT_ASSERT_EQ(SIGFPE, last_sig);
	UT_ASSERT_EQ(FPE_INTDIV, last_info.si_code);
}

/* A fault's signal that is blocked cannot be taken: the process dies of it. */
UTEST(a_blocked_sigsegv_still_kills)
{
	int pid = fork(), status;

	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sigset_t set;

		on(SIGSEGV, count, 0);
		sigemptyset(&set);
		sigaddset(&set, SIGSEGV);
		sigprocmask(SIG_BLOCK, &set, NULL);
		ut_expect_fault();
		*low_address = 1;
		_exit(1);
	}
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT(WIFSIGNALED(status));
	UT_ASSERT_EQ(SIGSEGV, WTERMSIG(status));
}

/* ---- interrupted calls ---- */

UTEST(a_signal_interrupts_a_blocked_pipe_read_with_eintr_or_restarts_it)
{
	int fds[2], pid;
	char c;

	UT_ASSERT_EQ(0, pipe(fds));
	UT_ASSERT_EQ(0, on(SIGUSR1, count, 0));
	hits = 0;
	pid = signal_me_later(SIGUSR1, 50);
	UT_ASSERT_EQ(-EINTR, sys_read(fds[0], &c, 1));
	UT_ASSERT_EQ(1, hits);
	UT_ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	/* With SA_RESTART the read goes on and gets what the child writes after. */
	UT_ASSERT_EQ(0, on(SIGUSR1, count, SA_RESTART));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sleep_ms(50);
		kill(getppid(), SIGUSR1);
		sleep_ms(50);
		_exit(write(fds[1], "r", 1) == 1 ? 0 : 1);
	}
	UT_ASSERT_EQ(1, sys_read(fds[0], &c, 1));
	UT_ASSERT_EQ('r', c);
	UT_ASSERT_EQ(2, hits);
	UT_ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	close(fds[0]);
	close(fds[1]);
}

UTEST(a_signal_interrupts_nanosleep_and_wait4)
{
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	int pid, sleeper;

	UT_ASSERT_EQ(0, on(SIGUSR1, count, 0));
	hits = 0;
	pid = signal_me_later(SIGUSR1, 50);
	UT_ASSERT_EQ(-1, nanosleep(&req, &rem));
	UT_ASSERT_EQ(EINTR, errno);
	UT_ASSERT(rem.tv_sec >= 3 && rem.tv_sec <= 5);
	UT_ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	sleeper = fork();
	UT_ASSERT_OK(sleeper);
	if (sleeper == 0) {
		sleep_ms(5000);
		_exit(0);
	}
	pid = signal_me_later(SIGUSR1, 50);
	UT_ASSERT_EQ(-EINTR, sys_waitpid(sleeper, NULL, 0));
	UT_ASSERT_EQ(2, hits);
	kill(sleeper, SIGKILL);
	UT_ASSERT_EQ(sleeper, waitpid(sleeper, NULL, 0));
	UT_ASSERT_EQ(pid, waitpid(pid, NULL, 0));
}

/*
 * A child sleeping in `call` is stopped and continued: no handler runs,
 * so the call goes on (restart_syscall) to its first deadline. Returns
 * the child's exit status: 0 when the call returned 0, 1 when it failed,
 * 2 when it came back before its time, 3 when it took as long as a
 * restart with its whole time again would.
 */
static int stopped_and_continued(int (*call)(void))
{
	int pid, status = 0;

	pid = fork();
	if (pid == 0) {
		uint64_t start = clock_ms(), took;
		int r = call();

		took = clock_ms() - start;
		_exit(r != 0 ? 1 : took < 2000 ? 2 : took >= 3000 ? 3 : 0);
	}
	if (pid < 0)
		return -1;
	sleep_ms(300);
	kill(pid, SIGSTOP);
	waitpid(pid, &status, WUNTRACED);
	sleep_ms(1000);
	kill(pid, SIGCONT);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int sleep_2s(void)
{
	struct timespec req = { 2, 0 };

	return nanosleep(&req, NULL);
}

static int poll_2s(void)
{
	return poll(NULL, 0, 2000);
}

/*
 * Stopped for a second and continued, a 2 s nanosleep and a 2 s poll end
 * at their first deadline, 2 s after they began; before restart_syscall
 * the sleep gave EINTR and the poll waited its 2 s again (3.3 s).
 */
UTEST(a_sleep_or_poll_stopped_and_continued_goes_on_to_its_deadline)
{
	UT_ASSERT_EQ(0, stopped_and_continued(sleep_2s));
	UT_ASSERT_EQ(0, stopped_and_continued(poll_2s));
}

UTEST(a_signal_interrupts_a_futex_wait)
{
	static uint32_t word;
	int pid;

	UT_ASSERT_EQ(0, on(SIGUSR1, count, 0));
	hits = 0;
	pid = signal_me_later(SIGUSR1, 50);
	UT_ASSERT_EQ(-EINTR, syscall6(NR_futex, (long)&word, FUTEX_WAIT, 0, 0, 0, 0));
	UT_ASSERT_EQ(1, hits);
	UT_ASSERT_EQ(pid, waitpid(pid, NULL, 0));
}

UTEST(sigsuspend_waits_with_a_mask_and_puts_the_old_one_back)
{
	sigset_t set, none;
	int pid;

	UT_ASSERT_EQ(0, on(SIGUSR1, count, 0));
	hits = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigemptyset(&none);
	UT_ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	pid = signal_me_later(SIGUSR1, 30);
	UT_ASSERT_EQ(-1, sigsuspend(&none));
	UT_ASSERT_EQ(EINTR, errno);
	UT_ASSERT_EQ(1, hits);
	UT_ASSERT(blocked(SIGUSR1));
	UT_ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	UT_ASSERT_EQ(0, sigprocmask(SIG_UNBLOCK, &set, NULL));
}

/* ---- SIGCHLD, SIGPIPE, default actions ---- */

UTEST(sigchld_tells_the_parent_its_child_exited)
{
	sigset_t set, none;
	int pid, status;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigemptyset(&none);
	UT_ASSERT_EQ(0, on_info(SIGCHLD, 0));
	UT_ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	hits = 0;
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		_exit(5);
	while (hits == 0)
		sigsuspend(&none);
	UT_ASSERT_EQ(SIGCHLD, last_info.si_signo);
	UT_ASSERT_EQ(CLD_EXITED, last_info.si_code);
	UT_ASSERT_EQ(pid, last_info.si_pid);
	UT_ASSERT_EQ(5, last_info.si_status);
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(5), status);
	UT_ASSERT_EQ(0, sigprocmask(SIG_UNBLOCK, &set, NULL));
}

UTEST(sigpipe_with_a_handler_runs_it_and_write_gives_epipe)
{
	int fds[2];

	UT_ASSERT_EQ(0, pipe(fds));
	close(fds[0]);
	UT_ASSERT_EQ(0, on(SIGPIPE, count, 0));
	hits = 0;
	UT_ASSERT_EQ(-EPIPE, sys_write(fds[1], "x", 1));
	UT_ASSERT_EQ(1, hits);
	UT_ASSERT_EQ(SIGPIPE, last_sig);
	close(fds[1]);
}

UTEST(default_actions_end_stop_and_continue_a_child)
{
	int pid, status;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		for (;;)
			sleep_ms(10);
	UT_ASSERT_EQ(0, kill(pid, SIGSTOP));
	UT_ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	UT_ASSERT(WIFSTOPPED(status));
	UT_ASSERT_EQ(SIGSTOP, WSTOPSIG(status));
	UT_ASSERT_EQ(0, waitpid(pid, &status, WNOHANG | WUNTRACED));    /* reported once */
	UT_ASSERT_EQ(0, kill(pid, SIGCONT));
	UT_ASSERT_EQ(pid, waitpid(pid, &status, WCONTINUED));
	UT_ASSERT(WIFCONTINUED(status));
	UT_ASSERT_EQ(0, kill(pid, SIGQUIT));
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT(WIFSIGNALED(status));
	UT_ASSERT_EQ(SIGQUIT, WTERMSIG(status));
	/*
	 * A stopped child still dies of SIGKILL. (SIGSTOP, not SIGTSTP: Linux
	 * drops SIGTSTP for a process of an orphaned group, which the child of
	 * a test may be there.)
	 */
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		for (;;)
			sleep_ms(10);
	UT_ASSERT_EQ(0, kill(pid, SIGSTOP));
	UT_ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	UT_ASSERT_EQ(SIGSTOP, WSTOPSIG(status));
	UT_ASSERT_EQ(0, kill(pid, SIGKILL));
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT_EQ(SIGKILL, WTERMSIG(status));
}

/* A child of its own group whose handler counts: kill(-pgid) reaches it. */
UTEST(kill_of_a_group_runs_each_members_handler)
{
	int fds[2], kids[2], status;
	char c;

	UT_ASSERT_EQ(0, pipe(fds));
	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		UT_ASSERT_OK(kids[i]);
		if (kids[i] == 0) {
			on(SIGUSR1, count, 0);
			hits = 0;
			write(fds[1], "k", 1);        /* ready */
			while (hits == 0)
				pause();
			_exit(last_sig == SIGUSR1 ? 0 : 1);
		}
		UT_ASSERT_EQ(0, setpgid(kids[i], kids[0]));
		UT_ASSERT_EQ(1, read(fds[0], &c, 1));
	}
	UT_ASSERT_EQ(0, kill(-kids[0], SIGUSR1));
	for (int i = 0; i < 2; i++) {
		UT_ASSERT_EQ(kids[i], waitpid(kids[i], &status, 0));
		UT_ASSERT_EQ(W_EXITCODE(0), status);
	}
	close(fds[0]);
	close(fds[1]);
}

/* ---- fork and exec ---- */

UTEST(fork_keeps_handlers_and_mask_and_clears_pending)
{
	sigset_t set, pend;
	int pid, status;

	UT_ASSERT_EQ(0, on(SIGUSR1, count, 0));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	UT_ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	UT_ASSERT_EQ(0, raise(SIGUSR1));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		struct sigaction sa;

		sigpending(&pend);
		sigaction(SIGUSR1, NULL, &sa);
		hits = 0;
		if (sigismember(&pend, SIGUSR1) || !blocked(SIGUSR1) || sa.sa_handler != count)
			_exit(1);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		_exit(hits == 0 ? 0 : 2);
	}
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
	hits = 0;
	UT_ASSERT_EQ(0, sigprocmask(SIG_UNBLOCK, &set, NULL));
	UT_ASSERT_EQ(1, hits);
}

UTEST(exec_resets_handlers_keeps_ignored_signals_and_the_mask)
{
	sigset_t set;
	int pid, status;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		char *argv[] = { "signals", "--exec-check", NULL };

		on(SIGUSR1, count, 0);
		signal(SIGUSR2, SIG_IGN);
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		execv((const char *)getauxval(AT_EXECFN), argv);
		_exit(100);
	}
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
}

static int exec_check(void)
{
	struct sigaction a, b;

	sigaction(SIGUSR1, NULL, &a);
	sigaction(SIGUSR2, NULL, &b);
	return a.sa_handler == SIG_DFL && b.sa_handler == SIG_IGN && blocked(SIGTERM) ? 0 : 1;
}

/* ---- bad arguments ---- */

UTEST(bad_signal_numbers_pointers_and_sizes_are_refused)
{
	struct sigaction sa = { 0 };
	uint64_t set = 0;

	sa.sa_handler = count;
	UT_ASSERT_EQ(-EINVAL, SC(NR_rt_sigaction, 0, 0, 0, 8));
	UT_ASSERT_EQ(-EINVAL, SC(NR_rt_sigaction, 65, 0, 0, 8));
	UT_ASSERT_EQ(-EINVAL, SC(NR_rt_sigaction, SIGUSR1, 0, 0, 4));
	UT_ASSERT_EQ(-EFAULT, SC(NR_rt_sigaction, SIGUSR1, 1, 0, 8));
	UT_ASSERT_EQ(-EFAULT, SC(NR_rt_sigaction, SIGUSR1, 0, 1, 8));
	UT_ASSERT_EQ(-EFAULT, SC(NR_rt_sigaction, SIGUSR1, 0, -4096L, 8));
	UT_ASSERT_EQ(-1, sigaction(SIGKILL, &sa, NULL));
	UT_ASSERT_EQ(EINVAL, errno);
	UT_ASSERT_EQ(-1, sigaction(SIGSTOP, &sa, NULL));
	UT_ASSERT_EQ(EINVAL, errno);
	UT_ASSERT_EQ(0, sigaction(SIGKILL, NULL, &sa));          /* asking is fine */
	UT_ASSERT_EQ(-EFAULT, SC(NR_rt_sigprocmask, SIG_BLOCK, 1, 0, 8));
	UT_ASSERT_EQ(-EFAULT, SC(NR_rt_sigprocmask, SIG_BLOCK, 0, 1, 8));
	UT_ASSERT_EQ(-EINVAL, SC(NR_rt_sigprocmask, 3, &set, 0, 8));
	UT_ASSERT_EQ(-EINVAL, SC(NR_rt_sigprocmask, SIG_BLOCK, &set, 0, 16));
	UT_ASSERT_EQ(-EFAULT, SC(NR_rt_sigpending, 1, 8, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_rt_sigpending, &set, 16, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_rt_sigsuspend, 1, 8, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_rt_sigsuspend, &set, 4, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_kill, getpid(), 65, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_kill, getpid(), -1, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_tgkill, getpid(), gettid(), 65, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_tgkill, 0, gettid(), SIGUSR1, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_tkill, 0, SIGUSR1, 0, 0));
	UT_ASSERT_EQ(-ESRCH, SC(NR_tkill, 0x7ffffff0, SIGUSR1, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_tkill, gettid(), 0, 0, 0));
	/* SIGKILL and SIGSTOP stay unblocked whatever the mask asks. */
	set = ~0UL;
	UT_ASSERT_EQ(0, SC(NR_rt_sigprocmask, SIG_SETMASK, &set, 0, 8));
	UT_ASSERT_EQ(0, SC(NR_rt_sigprocmask, SIG_SETMASK, 0, &set, 8));
	UT_ASSERT_EQ(0, set & ((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1))));
	set = 0;
	UT_ASSERT_EQ(0, SC(NR_rt_sigprocmask, SIG_SETMASK, &set, 0, 8));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--exec-check") == 0)
		return exec_check();
	return utest_main("signals", argc, argv);
}
