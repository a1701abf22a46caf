/*
 * Test suite "isolation": what user code must not reach, and what a system
 * call must not do on its behalf. Each case would fail if the protection
 * it names were removed: an access that must kill runs in a child that
 * exits 0 if it survives, and a call that must refuse a pointer is checked
 * for its -EFAULT and for the memory it must not have touched.
 *
 * Sysctl policy: this kernel has no users and no privileges, so any
 * process may read and set any knob (the switches of the page-table
 * sharing included); what protects the kernel is that every value is
 * checked against the knob's range (-EINVAL) and unknown names give
 * -ENOENT. The last cases test exactly that.
 */
#include "utest.h"

#define DIRECT_MAP   0xffff800000000000UL
#define KERNEL_IMAGE 0xffffffff80000000UL
#define NON_CANON    0x0000800000000000UL   /* the first non-canonical address */
#define LAST_PAGE    0x00007ffffffff000UL   /* the page past user space (Linux's TASK_SIZE) */
#define SECRET       0x5ec2e75ec2e75ec2ULL

/* Kernel addresses and the first non-canonical one. */
static const uint64_t kernel_ptrs[] = {
	DIRECT_MAP, DIRECT_MAP + 0x100000, KERNEL_IMAGE, KERNEL_IMAGE + 0x1000, NON_CANON,
};

int main(int argc, char **argv);

/* ---- user code cannot touch kernel memory ---- */

enum access { READ, WRITE, EXEC };

/* In a child, accesses addr; the child must be killed by SIGSEGV. */
static void access_must_kill(uint64_t addr, enum access how)
{
	int pid, status;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		volatile uint64_t *p = (volatile uint64_t *)addr;

		ut_expect_fault();
		if (how == READ)
			(void)*p;
		else if (how == WRITE)
			*p = SECRET;
		else
			((void (*)(void))addr)();
		exit(0);                  /* the access worked: a hole */
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	if (!WIFSIGNALED(status))
		UT_FAIL("access %d to %p did not kill (status 0x%x)", how, (void *)addr, status);
	UT_ASSERT_EQ(SIGSEGV, WTERMSIG(status));
}

UTEST(user_cannot_read_or_write_the_direct_map)
{
	access_must_kill(DIRECT_MAP, READ);
	access_must_kill(DIRECT_MAP, WRITE);
	access_must_kill(DIRECT_MAP + 0x100000, READ);   /* where the kernel lives physically */
	access_must_kill(DIRECT_MAP + 0x100000, WRITE);
}

UTEST(user_cannot_read_write_or_run_the_kernel_image)
{
	access_must_kill(KERNEL_IMAGE + 0x1000, READ);
	access_must_kill(KERNEL_IMAGE + 0x1000, WRITE);
	access_must_kill(KERNEL_IMAGE + 0x1000, EXEC);
}

/* ---- other processes' memory ---- */

/*
 * The parent writes a secret into its private page after fork; the child,
 * which has its own copy from before, must never see it.
 */
UTEST(child_cannot_see_parent_private_page)
{
	volatile uint64_t *p;
	int pid, status;

	p = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err((void *)p));
	p[0] = 1;
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		uint64_t start = clock_ms();

		while (clock_ms() - start < 100)    /* the parent writes meanwhile */
			if (p[0] != 1)
				exit(1);
		exit(0);
	}
	p[0] = SECRET;
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
	UT_ASSERT_EQ(0, sys_munmap((void *)p, PAGE_SIZE));
}

#define SECRET_PAGES 64

/*
 * A process fills private pages with a secret and exits; the pages go back
 * to the allocator (most recently freed first), and the next process to
 * take pages must find them zeroed, never the secret.
 */
UTEST(freed_private_pages_are_not_readable_by_anyone)
{
	const size_t len = 4 * SECRET_PAGES * PAGE_SIZE;
	volatile uint64_t *p;
	int pid, status;
	size_t i;

	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		p = sys_mmap(NULL, SECRET_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (i = 0; i < SECRET_PAGES * PAGE_SIZE / 8; i++)
			p[i] = SECRET;
		exit(0);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(0), status);       /* the secret was written */
	p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err((void *)p));
	for (i = 0; i < len / 8; i++)
		if (p[i] != 0)
			UT_FAIL("new page at %p holds 0x%lx", (void *)&p[i], (unsigned long)p[i]);
	UT_ASSERT_EQ(0, sys_munmap((void *)p, len));
}

/* ---- kernel pointers given to system calls ---- */

UTEST(kernel_pointers_give_efault)
{
	char *argv[] = { "isolation", NULL };
	char *bad_argv[] = { "isolation", NULL, NULL };
	int pid, status;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kernel_ptrs); i++) {
		void *k = (void *)kernel_ptrs[i];

		bad_argv[1] = k;
		UT_ASSERT_EQ(-EFAULT, sys_write(1, k, 16));
		UT_ASSERT_EQ(-EFAULT, sys_read(0, k, 16));
		UT_ASSERT_EQ(-EFAULT, syscall6(NR_clock_gettime, CLOCK_MONOTONIC, (long)k, 0, 0, 0, 0));
		if (own_kernel()) {   /* the project's own calls (-ENOSYS on Linux) */
			UT_ASSERT_EQ(-EFAULT, vmstat(0, k));
			UT_ASSERT_EQ(-EFAULT, procinfo(0, k));
			UT_ASSERT_EQ(-EFAULT, sysctl(k, NULL, NULL));
			UT_ASSERT_EQ(-EFAULT, sysctl("machdep.pmap_mmu_optimize", k, NULL));
			UT_ASSERT_EQ(-EFAULT, sysctl("machdep.pmap_mmu_optimize", NULL, k));
			UT_ASSERT_EQ(-EFAULT, sysctl_list(0, k, 64));
			{
				char name[64];

				UT_ASSERT_EQ(-EFAULT, sysctl_about(0, name, sizeof(name), k));
			}
			UT_ASSERT_EQ(-EFAULT, initrd_name(0, k, 128));
			UT_ASSERT_EQ(-EFAULT, ptdump(0, PTDUMP_PROC, k, 4096));
			UT_ASSERT_EQ(-EFAULT, pmap_verify(k, 4096));
		}
		UT_ASSERT_EQ(-EFAULT, sys_execve(k, argv, environ));
		UT_ASSERT_EQ(-EFAULT, sys_execve("/tests/isolation", (char **)k, environ));
		UT_ASSERT_EQ(-EFAULT, sys_execve("/tests/isolation", bad_argv, environ));

		/* The status and the rusage of a child. This kernel checks
		 * them before it reaps the child (whose status would be lost),
		 * so the child is still there after each -EFAULT; Linux reaps
		 * it all the same, and the second call needs a new child. */
		pid = fork();
		UT_ASSERT_OK(pid);
		if (pid == 0)
			exit(0);
		UT_ASSERT_EQ(-EFAULT, sys_waitpid(pid, k, 0));
		if (!own_kernel()) {
			pid = fork();
			UT_ASSERT_OK(pid);
			if (pid == 0)
				exit(0);
		}
		UT_ASSERT_EQ(-EFAULT, syscall6(NR_wait4, pid, 0, 0, (long)k, 0, 0));
		if (own_kernel()) {
			UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
			UT_ASSERT_EQ(W_EXITCODE(0), status);
		}
		UT_ASSERT_EQ(-EFAULT, syscall6(NR_getrusage, RUSAGE_SELF, (long)k, 0, 0, 0, 0));
		UT_ASSERT_EQ(-EFAULT, syscall6(NR_uname, (long)k, 0, 0, 0, 0, 0));
		UT_ASSERT_EQ(-EFAULT, syscall6(NR_arch_prctl, ARCH_GET_FS, (long)k, 0, 0, 0, 0));
		UT_ASSERT_EQ(-EFAULT, syscall6(NR_nanosleep, (long)k, 0, 0, 0, 0, 0));
		UT_ASSERT_EQ(-EFAULT, syscall6(NR_futex, (long)k, FUTEX_WAIT, 0, 0, 0, 0));
	}
}

UTEST(shmctl_ipc_stat_to_kernel_pointer_gives_efault)
{
	int id = sys_shmget(IPC_PRIVATE, PAGE_SIZE, IPC_CREAT | 0600);
	size_t i;

	UT_ASSERT_OK(id);
	for (i = 0; i < ARRAY_SIZE(kernel_ptrs); i++)
		UT_ASSERT_EQ(-EFAULT, sys_shmctl(id, IPC_STAT, (struct shmid_ds *)kernel_ptrs[i]));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/* ---- read-only shared memory stays read-only for the kernel too ---- */

/*
 * The segment is attached twice, read-write and SHM_RDONLY. With sharing
 * on, both attachments link the object's one page table, whose entries are
 * writable: only the read-only link stops a write through the second.
 * read() into it must fail at once (the kernel probes the buffer before it
 * waits for console input: a read that blocks took the buffer as
 * writable; Linux waits for input first, so that part is this kernel's
 * own), and the calls that write a result must not write.
 */
UTEST(syscalls_do_not_write_through_a_read_only_attachment)
{
	volatile uint8_t *rw, *ro;
	int id, pid, status, r;
	size_t i;

	id = sys_shmget(IPC_PRIVATE, 2 * (2UL << 20), IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	rw = sys_shmat(id, NULL, 0);
	ro = sys_shmat(id, NULL, SHM_RDONLY);
	sys_shmctl(id, IPC_RMID, NULL);
	UT_ASSERT_OK(ptr_err((void *)rw));
	UT_ASSERT_OK(ptr_err((void *)ro));
	for (i = 0; i < 4096; i++)
		rw[i] = 0xa5;
	(void)ro[0];          /* link (or map) the read-only view first */

	if (own_kernel()) {   /* its read() probe and its own calls */
		pid = fork();
		UT_ASSERT_OK(pid);
		if (pid == 0)
			exit(sys_read(0, (void *)ro, 64) == -EFAULT ? 0 : 1);
		r = waitpid_timeout(pid, &status, 2000);
		if (r == -EINTR)
			UT_FAIL("read() into an SHM_RDONLY buffer waited for input: the buffer was taken as writable");
		UT_ASSERT_EQ(pid, r);
		UT_ASSERT_EQ(W_EXITCODE(0), status);
		UT_ASSERT_EQ(-EFAULT, vmstat(0, (void *)ro));
		UT_ASSERT_EQ(-EFAULT, procinfo(0, (void *)ro));
	}

	UT_ASSERT_EQ(-EFAULT, syscall6(NR_clock_gettime, CLOCK_MONOTONIC, (long)ro, 0, 0, 0, 0));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		exit(1);
	UT_ASSERT_EQ(-EFAULT, sys_waitpid(pid, (int *)ro, 0));
	if (own_kernel()) {     /* not reaped by the failure (Linux reaps it) */
		UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
		UT_ASSERT_EQ(W_EXITCODE(1), status);
	}
	for (i = 0; i < 4096; i++)
		if (rw[i] != 0xa5)
			UT_FAIL("byte %zu of the segment changed to 0x%x", i, rw[i]);
	UT_ASSERT_EQ(0, sys_shmdt((void *)ro));
	UT_ASSERT_EQ(0, sys_shmdt((void *)rw));
}

/* ---- sysret and thread entry points ---- */

/*
 * User space ends one page below the first non-canonical address, as on
 * Linux: a `syscall` in the last two bytes of the highest page returns to
 * 0x7ffffffff000, canonical and unmapped, instead of to 0x800000000000,
 * where sysret would fault in kernel mode on the user's stack. So that
 * last page cannot be mapped, and a syscall there runs (uname fills the
 * shared buffer) and returns to a fault that kills only the caller.
 */
UTEST(syscall_at_end_of_user_space_kills_not_the_kernel)
{
	char *buf;
	int pid, status;

	UT_ASSERT_EQ(-ENOMEM, ptr_err(sys_mmap((void *)LAST_PAGE, PAGE_SIZE, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)));
	buf = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err(buf));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		uint8_t *page = sys_mmap((void *)(LAST_PAGE - PAGE_SIZE), PAGE_SIZE,
		    PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

		if (ptr_err(page))
			exit(2);
		page[PAGE_SIZE - 2] = 0x0f;          /* syscall */
		page[PAGE_SIZE - 1] = 0x05;
		ut_expect_fault();
		__asm__ volatile("jmp *%0" :: "r"(page + PAGE_SIZE - 2), "a"(NR_uname), "D"(buf)
		    : "memory");
		exit(3);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
		UT_FAIL("child status 0x%x: not killed by SIGSEGV", status);
	UT_ASSERT_NE(0, buf[0]);                 /* the call ran */
	UT_ASSERT_EQ(getpid(), (int)syscall6(NR_getpid, 0, 0, 0, 0, 0, 0));   /* still here */
	UT_ASSERT_EQ(0, sys_munmap(buf, PAGE_SIZE));
}

/*
 * clone refuses a new thread's stack or TLS outside user space, and
 * arch_prctl a thread pointer there: the kernel would load them for the
 * thread (rsp, FS base) and fault in kernel mode at the first return.
 */
UTEST(clone_and_arch_prctl_with_kernel_or_non_canonical_addresses_give_einval)
{
	UT_NEEDS_OWN_KERNEL("its address checks in clone and set_tid_address (Linux takes any address)");
	const long thread = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
	char stack[256];
	long top = (long)(stack + sizeof(stack));
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kernel_ptrs); i++) {
		UT_ASSERT_EQ(-EINVAL, syscall6(NR_clone, thread, (long)kernel_ptrs[i], 0, 0, 0, 0));
		UT_ASSERT_EQ(-EINVAL, syscall6(NR_clone, thread | CLONE_SETTLS, top, 0, 0,
		                               (long)kernel_ptrs[i], 0));
		UT_ASSERT_EQ(-EPERM, syscall6(NR_arch_prctl, ARCH_SET_FS, (long)kernel_ptrs[i],
		                              0, 0, 0, 0));
		UT_ASSERT_EQ(-EINVAL, syscall6(NR_set_tid_address, (long)kernel_ptrs[i], 0, 0, 0,
		                               0, 0));
	}
	UT_ASSERT_EQ(-EINVAL, syscall6(NR_clone, thread, -1L, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, syscall6(NR_clone, CLONE_VM | SIGCHLD, 0, 0, 0, 0, 0));
}

/*
 * Flags a program may set do not follow the kernel to another thread: NT
 * set in user mode once stayed set through a system call (the syscall
 * entry did not clear it), and the next thread to return to user mode by
 * iretq took a #GP in the kernel, which ended in a triple fault. A spinner
 * keeps a second process runnable, so the yields really switch.
 */
UTEST(nested_task_flag_set_by_a_program_stays_with_it)
{
	int spinner = fork(), status;

	UT_ASSERT_OK(spinner);
	if (spinner == 0)
		for (;;)
			__asm__ volatile("pause");
	for (int i = 0; i < 300; i++) {
		__asm__ volatile("pushfq; orq $0x4000, (%%rsp); popfq" ::: "memory", "cc");
		sched_yield();
	}
	UT_ASSERT_EQ(0, sys_kill(spinner, SIGKILL));
	UT_ASSERT_EQ(spinner, sys_waitpid(spinner, &status, 0));
}

/* ---- sysctl policy ---- */

UTEST(sysctl_refuses_values_out_of_range_and_unknown_names)
{
	UT_NEEDS_OWN_KERNEL("sysctl");
	static const char *const switches[] = {
		"machdep.pmap_mmu_optimize", "machdep.pmap_share_pd",
		"machdep.pmap_prelink", "kern.ipc.shm_use_phys",
	};
	long v, old;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(switches); i++) {
		UT_ASSERT_EQ(0, sysctl_get(switches[i], &old));
		UT_ASSERT_EQ(-EINVAL, sysctl_set(switches[i], 2));
		UT_ASSERT_EQ(-EINVAL, sysctl_set(switches[i], -1));
		UT_ASSERT_EQ(-EINVAL, sysctl_set(switches[i], 1L << 32));
		UT_ASSERT_EQ(0, sysctl_get(switches[i], &v));
		UT_ASSERT_EQ(old, v);                 /* unchanged */
		/* Any process may set a knob (the policy): set it back to itself. */
		UT_ASSERT_EQ(0, sysctl_set(switches[i], old));
	}
	UT_ASSERT_EQ(-ENOENT, sysctl_get("machdep.no_such_knob", &v));
	UT_ASSERT_EQ(-ENOENT, sysctl_set("machdep.no_such_knob", 0));
	UT_ASSERT_EQ(-ENOENT, sysctl_get("", &v));
}

int main(int argc, char **argv)
{
	return utest_main("isolation", argc, argv);
}
