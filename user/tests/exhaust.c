/*
 * Test suite "exhaust": running out of memory and of table slots.
 *
 * Out of physical memory is made deterministic with the sysctl
 * debug.page_fail_after: set to N, the next N page allocations succeed and
 * every later one fails, until it is set back to -1. A sweep runs one
 * operation (a page fault, fork, exec, shmget, mmap) in a child with N = 0,
 * 1, 2... until it succeeds, so it fails once at every allocation it
 * makes. Each attempt must end in success, -ENOMEM or, for a page fault
 * (which has no caller to return to), the child killed by SIGSEGV with a
 * console line from the kernel (an expected fault: the child declares it,
 * ut_expect_fault()); and every page must come back.
 *
 * While the budget is spent any allocation fails, for every process. So
 * the child arms it only once its parent sleeps in waitpid() (and the test
 * runner and init, polling, have copied their stack pages long before);
 * it has written its own stack first (no copy-on-write fault pending);
 * the parent waits with the status in a shared page, and sets -1 again.
 *
 * Then the fixed limits: the process table (fork gives -EAGAIN), the shm
 * id table (shmget gives -ENOSPC) and the mappings of one address space
 * (mmap gives -ENOMEM), each followed by full recovery.
 */
#include "utest.h"

#define SELF        "/tests/exhaust"
#define FAIL_KNOB   "debug.page_fail_after"
#define MAX_BUDGET  300                      /* allocations a sweep may need */
#define FRESH_GIB   0x0000700000000000UL     /* 1 GiB aligned, nothing near it */
#define SEG         (2UL << 20)

/* Exit codes of an attempt's child. */
enum { DONE = 0, NOMEM = 10, OTHER = 11 };

static long budget;              /* for arm(): set by the sweep before fork */
static const long disarmed = -1;
static volatile int *shared;     /* a MAP_SHARED word: the child's status */

int main(int argc, char **argv);

/* Spends the budget: from now on only `budget` more pages can be allocated. */
static void arm(void)
{
	sysctl_set(FAIL_KNOB, budget);
}

static void disarm(void)
{
	sysctl(FAIL_KNOB, NULL, &disarmed);
}

/* An operation's result as an exit code. */
static int outcome(long r)
{
	return r >= 0 ? DONE : r == -ENOMEM ? NOMEM : OTHER;
}

/*
 * One attempt: op runs in a child with n allocations left (none taken
 * away when n is -1). Returns the child's wait status. may_kill: a failed
 * allocation may kill the child, which declares that fault.
 */
static int attempt(int (*op)(void), long n, bool may_kill)
{
	int pid;

	budget = n;
	*shared = -1;
	pid = fork();
	if (pid == 0) {
		ut_touch_stack();
		ut_wait_asleep(getppid());
		if (may_kill && n >= 0)
			ut_expect_fault();
		_exit(op());
	}
	if (pid < 0)
		return -1;
	sys_waitpid(pid, (int *)shared, 0);
	disarm();
	return *shared;
}

/*
 * Sweeps op over budgets 0, 1, 2... until it succeeds. may_kill: a
 * failure may kill the child (a page fault) instead of returning -ENOMEM.
 * Every attempt must give back every page and leave pmap_verify() clean.
 */
static void sweep(int (*op)(void), bool may_kill)
{
	static char report[2048];
	long before, after, n;
	int status, failures = 0;

	shared = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err((void *)shared));
	ut_touch_stack();
	status = attempt(op, -1, may_kill);   /* warm up, and it must work at all */
	UT_ASSERT_EQ(W_EXITCODE(DONE), status);
	before = ut_free_pages();
	for (n = 0; n < MAX_BUDGET; n++) {
		status = attempt(op, n, may_kill);
		after = ut_free_pages_settle(before);
		if (after != before)
			UT_FAIL("budget %ld: %ld free pages before, %ld after", n, before, after);
		if (pmap_verify(report, sizeof(report)) != 0)
			UT_FAIL("budget %ld: pmap_verify: %s", n, report);
		if (status == W_EXITCODE(DONE))
			break;
		failures++;
		if (status == W_EXITCODE(NOMEM) || (may_kill && WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGSEGV))
			continue;
		UT_FAIL("budget %ld: status 0x%x, not -ENOMEM%s", n, status,
		    may_kill ? " nor SIGSEGV" : "");
	}
	UT_ASSERT(n < MAX_BUDGET);
	UT_ASSERT(failures > 0);          /* the operation did allocate */
	printf("    # %d allocation points failed cleanly\n", failures);
	UT_ASSERT_EQ(0, sys_munmap((void *)shared, PAGE_SIZE));
}

/* ---- operations: each arms the budget at the moment that matters ---- */

/* A fault on a private page alone in its GiB: data page, PDPT, PD, PT. */
static int op_fault_private(void)
{
	volatile char *p = sys_mmap((void *)FRESH_GIB, PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (ptr_err((void *)p))
		return OTHER;
	arm();
	p[0] = 1;
	disarm();
	return DONE;
}

/* A fault on a shared 2 MiB segment: the object's page table when sharing
 * is on, a private one when off. */
static int op_fault_shared(void)
{
	volatile char *p = sys_mmap((void *)FRESH_GIB, SEG, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (ptr_err((void *)p))
		return OTHER;
	arm();
	p[SEG / 2] = 1;
	disarm();
	return DONE;
}

/* A fault on a SysV segment (wired pages when kern.ipc.shm_use_phys=1):
 * only tables to allocate, and the link to them. */
static int op_fault_shm(void)
{
	int id = sys_shmget(IPC_PRIVATE, SEG, IPC_CREAT | 0600);
	volatile char *p;

	if (id < 0)
		return OTHER;
	p = sys_shmat(id, (void *)FRESH_GIB, 0);
	sys_shmctl(id, IPC_RMID, NULL);          /* freed when we exit */
	if (ptr_err((void *)p))
		return OTHER;
	arm();
	p[PAGE_SIZE] = 1;
	disarm();
	return DONE;
}

/*
 * fork() and then, in the parent, the knob disarmed, with no memory
 * written in between: after fork every page is shared copy-on-write and a
 * write could need the page the budget no longer has. The child exits at
 * once, also without a write. Returns fork's result.
 */
static long fork_then_disarm(void)
{
	const char *name = FAIL_KNOB;
	long r;

	__asm__ volatile(
	    "mov %[nfork], %%eax\n\t"
	    "syscall\n\t"
	    "test %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    "mov %[nexit], %%eax\n\t"        /* the child: exit(0) */
	    "xor %%edi, %%edi\n\t"
	    "syscall\n"
	    "1:\n\t"
	    "mov %%rax, %%r12\n\t"
	    "mov %[nsysctl], %%eax\n\t"      /* sysctl(name, NULL, &disarmed) */
	    "mov %[name], %%rdi\n\t"
	    "xor %%esi, %%esi\n\t"
	    "mov %[val], %%rdx\n\t"
	    "syscall\n\t"
	    "mov %%r12, %%rax"
	    : "=&a"(r)
	    : [nfork] "i"(NR_fork), [nexit] "i"(NR_exit_group), [nsysctl] "i"(SYS_sysctl),
	      [name] "r"(name), [val] "r"(&disarmed)
	    : "rcx", "r11", "rdi", "rsi", "rdx", "r12", "memory");
	return r;
}

static int op_fork(void)
{
	int status;
	long pid;

	arm();
	pid = fork_then_disarm();
	if (pid > 0 && sys_waitpid((int)pid, &status, 0) != pid)
		return OTHER;
	return outcome(pid);
}

/* exec of this program, which disarms and exits DONE at once (its first
 * page faults, if the budget is spent, kill it instead). */
static int op_exec(void)
{
	char *argv[] = { "exhaust", "--exec-child", NULL };

	arm();
	return outcome(sys_execve(SELF, argv, environ));   /* returns only on failure */
}

static int op_shmget(void)
{
	long id;

	arm();
	id = sys_shmget(IPC_PRIVATE, 16 * PAGE_SIZE, IPC_CREAT | 0600);
	disarm();
	if (id >= 0)
		sys_shmctl(id, IPC_RMID, NULL);
	return outcome(id);
}

/* mmap and the first touch (mmap itself may find all it needs in the heap). */
static int op_mmap_touch(void)
{
	volatile char *p;

	arm();
	p = sys_mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ptr_err((void *)p))
		return outcome(ptr_err((void *)p));
	p[0] = 1;
	disarm();
	return DONE;
}

/* ---- out of memory, injected ---- */

UTEST(fault_on_private_page_out_of_memory)
{
	UT_NEEDS_OWN_KERNEL("the page allocation failure knob (debug.page_fail_after)");
	sweep(op_fault_private, true);
}

UTEST(fault_on_shared_segment_out_of_memory)
{
	UT_NEEDS_OWN_KERNEL("the page allocation failure knob (debug.page_fail_after)");
	sweep(op_fault_shared, true);
}

UTEST(fault_on_shm_segment_out_of_memory)
{
	UT_NEEDS_OWN_KERNEL("the page allocation failure knob (debug.page_fail_after)");
	sweep(op_fault_shm, true);
}

UTEST(fork_out_of_memory_gives_enomem)
{
	UT_NEEDS_OWN_KERNEL("the page allocation failure knob (debug.page_fail_after)");
	sweep(op_fork, false);
}

UTEST(exec_out_of_memory_gives_enomem_or_kills)
{
	UT_NEEDS_OWN_KERNEL("the page allocation failure knob (debug.page_fail_after)");
	sweep(op_exec, true);
}

UTEST(shmget_out_of_memory_gives_enomem)
{
	UT_NEEDS_OWN_KERNEL("the page allocation failure knob (debug.page_fail_after)");
	sweep(op_shmget, false);
}

UTEST(mmap_and_touch_out_of_memory)
{
	UT_NEEDS_OWN_KERNEL("the page allocation failure knob (debug.page_fail_after)");
	sweep(op_mmap_touch, true);
}

/* ---- out of memory, for real ---- */

UTEST(shmget_larger_than_memory_gives_enomem)
{
	UT_NEEDS_OWN_KERNEL("vmstat and kern.ipc.shm_use_phys");
	struct vmstat vs;
	long phys;
	int id;

	UT_ASSERT_OK(vmstat(0, &vs));
	UT_ASSERT_OK(sysctl_get("kern.ipc.shm_use_phys", &phys));
	/* Wired segments take all their pages at once; anonymous ones on
	 * first touch, so only the wired kind must fail here. */
	id = sys_shmget(IPC_PRIVATE, vs.total_pages * PAGE_SIZE * 2, IPC_CREAT | 0600);
	if (phys) {
		UT_ASSERT_EQ(-ENOMEM, id);
	} else {
		UT_ASSERT_OK(id);
		UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
	}
}

UTEST(page_fail_after_knob_defaults_off_and_checks_range)
{
	UT_NEEDS_OWN_KERNEL("the page allocation failure knob (debug.page_fail_after)");
	long v;

	UT_ASSERT_EQ(0, sysctl_get(FAIL_KNOB, &v));
	UT_ASSERT_EQ(-1, v);
	UT_ASSERT_EQ(-EINVAL, sysctl_set(FAIL_KNOB, -2));
	UT_ASSERT_EQ(-EINVAL, sysctl_set(FAIL_KNOB, 1L << 40));
	UT_ASSERT_EQ(0, sysctl_get(FAIL_KNOB, &v));
	UT_ASSERT_EQ(-1, v);
}

/* ---- fixed limits ---- */

#define MAX_KIDS 1024     /* beyond the table's 512 */

static void __attribute__((noreturn)) pause_forever(void)
{
	for (;;)
		sleep_ms(1000);
}

/* Forks sleeping children until the table is full, then kills them all. */
static void fork_storm(void)
{
	static int kids[MAX_KIDS];
	int n = 0, pid = 0, status, i;

	while (n < MAX_KIDS) {
		pid = fork();
		if (pid == 0)
			pause_forever();
		if (pid < 0) {
			pid = -errno;
			break;
		}
		kids[n++] = pid;
	}
	for (i = 0; i < n; i++)
		sys_kill(kids[i], SIGKILL);
	for (i = 0; i < n; i++)
		UT_ASSERT_EQ(kids[i], sys_waitpid(kids[i], &status, 0));
	UT_ASSERT_EQ(-EAGAIN, pid);
	/* room for pgbench -c 256 (make bench-scale) beside what else runs */
	UT_ASSERT(n > 256);
}

/*
 * The storm runs in a child and the pages are counted here, in a process
 * that allocates nothing meanwhile (see proc.c, fork_until_failure_recovers).
 */
UTEST(fork_until_process_table_full_gives_eagain)
{
	UT_NEEDS_OWN_KERNEL("its process table of 512 (Linux's holds thousands) and free page count");
	long before;
	int pid, status;

	ut_touch_stack();
	before = ut_free_pages();
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		ut_wait_asleep(getppid());
		fork_storm();
		exit(ut_failed() ? 1 : 0);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
	UT_ASSERT_EQ(before, ut_free_pages_settle(before));
	/* Recovered: fork works again. */
	pid = fork();
	if (pid == 0)
		exit(7);
	UT_ASSERT_OK(pid);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(7, WEXITSTATUS(status));
}

#define MAX_IDS 1024

UTEST(shmget_until_id_table_full_gives_enospc)
{
	UT_NEEDS_OWN_KERNEL("its shm id table of 128 (Linux's holds 4096)");
	static int ids[MAX_IDS];
	long before;
	int n = 0, id = 0, i;

	memset(ids, 0, sizeof(ids));     /* its pages are in before the count */
	before = ut_free_pages();
	while (n < MAX_IDS) {
		id = sys_shmget(IPC_PRIVATE, PAGE_SIZE, IPC_CREAT | 0600);
		if (id < 0)
			break;
		ids[n++] = id;
	}
	for (i = 0; i < n; i++)
		UT_ASSERT_EQ(0, sys_shmctl(ids[i], IPC_RMID, NULL));
	UT_ASSERT_EQ(-ENOSPC, id);
	UT_ASSERT(n > 10);
	UT_ASSERT_EQ(before, ut_free_pages_settle(before));
	id = sys_shmget(IPC_PRIVATE, PAGE_SIZE, IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

#define MAX_MAPS 20000

/* One-page mappings with a page of gap between them (so none merge) until
 * the address space is refused one more; then all go in one munmap. */
UTEST(mmap_until_entry_limit_gives_enomem)
{
	UT_NEEDS_OWN_KERNEL("its limit of 1024 mappings (Linux allows 65530)");
	char *base = (char *)FRESH_GIB;
	long before, n;
	void *p = NULL;

	ut_touch_stack();
	before = ut_free_pages();
	for (n = 0; n < MAX_MAPS; n++) {
		p = sys_mmap(base + 2 * n * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (ptr_err(p))
			break;
		((volatile char *)p)[0] = 1;
	}
	UT_ASSERT_EQ(0, sys_munmap(base, 2 * n * PAGE_SIZE));
	UT_ASSERT_EQ(-ENOMEM, ptr_err(p));
	UT_ASSERT(n > 100);
	UT_ASSERT_EQ(before, ut_free_pages_settle(before));
	/* Recovered: a mapping works again. */
	p = sys_mmap(base, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	UT_ASSERT_OK(ptr_err(p));
	UT_ASSERT_EQ(0, sys_munmap(p, PAGE_SIZE));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--exec-child") == 0) {
		disarm();
		return DONE;
	}
	return utest_main("exhaust", argc, argv);
}
