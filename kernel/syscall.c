/*
 * The system call table and the process, time, console and test calls.
 * Every pointer from user space goes through copyin/copyout (mm/uaccess.h),
 * so a bad one gives -EFAULT and never a kernel fault.
 */
#include "kernel/syscall.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/exec.h"
#include "kernel/gdt.h"
#include "kernel/initrd.h"
#include "kernel/ktest_run.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/sysctl.h"
#include "kernel/timer.h"
#include "kernel/tty.h"
#include "mm/kmalloc.h"
#include "mm/phys.h"
#include "mm/uaccess.h"
#include "mm/vm_map.h"
#include "uapi/errno.h"
#include "uapi/ktest.h"
#include "uapi/syscall.h"
#include "uapi/wait.h"

#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_SFMASK 0xc0000084
#define RFLAGS_USER_MASK 0xcd5UL   /* CF PF AF ZF SF DF OF: what user code may keep */

void syscall_entry(void);

static long sys_exit(struct trapframe *tf)
{
	proc_exit(W_EXITCODE((int)tf->rdi));
}

static long sys_write(struct trapframe *tf)
{
	const char *ubuf = (const char *)tf->rsi;
	size_t len = tf->rdx, done = 0;
	char chunk[256];

	if (tf->rdi != 1 && tf->rdi != 2)
		return -EBADF;
	if (!user_range_ok((vaddr_t)ubuf, len))
		return -EFAULT;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		if (copyin(chunk, ubuf + done, n) < 0)
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return (long)done;
}

static long sys_read(struct trapframe *tf)
{
	if (tf->rdi != 0)
		return -EBADF;
	return tty_read((void *)tf->rsi, tf->rdx);
}

static long sys_fork(struct trapframe *tf)
{
	return proc_fork(tf);
}

/*
 * Copies the user vectors argv and envp (NULL-terminated arrays of string
 * pointers; a NULL vector is empty) into one kernel block: both pointer
 * arrays, then the strings, within the limits of exec.h (-E2BIG beyond).
 * Free args->argv with kfree() when done.
 */
static long copy_exec_args(uint64_t uargv, uint64_t uenvp, struct exec_args *args)
{
	char **ptrs = kzalloc((EXEC_MAX_STRINGS + 2) * sizeof(char *) + EXEC_MAX_ARGLEN);
	char *strings = (char *)(ptrs + EXEC_MAX_STRINGS + 2);
	size_t used = 0;
	long err = 0;
	int n = 0;

	if (!ptrs)
		return -ENOMEM;
	args->argv = ptrs;
	for (int v = 0; v < 2 && err == 0; v++) {
		uint64_t uvec = v == 0 ? uargv : uenvp;

		if (v == 1)
			args->envp = ptrs + ++n;   /* past argv's NULL */
		for (int i = 0; uvec && err == 0; i++, n++) {
			uint64_t up;
			long len;

			if (copyin(&up, (void *)(uvec + i * sizeof(uint64_t)), sizeof(up)) < 0) {
				err = -EFAULT;
			} else if (!up) {
				break;
			} else if (n == EXEC_MAX_STRINGS) {
				err = -E2BIG;
			} else if ((len = copyinstr(strings + used, (void *)up,
			                            EXEC_MAX_ARGLEN - used)) < 0) {
				err = len == -ENAMETOOLONG ? -E2BIG : len;
			} else {
				ptrs[n] = strings + used;
				used += len + 1;
			}
		}
	}
	if (err)
		kfree(ptrs);
	return err;
}

static long sys_exec(struct trapframe *tf)
{
	struct proc *p = current_proc();
	struct exec_args args;
	struct vm_map *map;
	char path[128];
	struct trapframe ntf;
	long err;

	if ((err = copyinstr(path, (void *)tf->rdi, sizeof(path))) < 0)
		return err;
	if (p->nthreads > 1)
		return -EBUSY;   /* exec from a multi-threaded process is not supported */
	if ((err = copy_exec_args(tf->rsi, tf->rdx, &args)) < 0)
		return err;
	err = exec_build(path, &args, &map, &ntf);
	kfree(args.argv);
	if (err < 0)
		return err;
	proc_exec_map(map);
	strncpy_safe(p->name, exec_basename(path), sizeof(p->name));
	*tf = ntf;
	return 0;
}

/*
 * The status pointer is probed first so that a bad one gets -EFAULT before
 * a child is reaped (whose status would be lost). Another thread can still
 * unmap the buffer in between; then the child is reaped and -EFAULT says
 * its status was lost.
 */
static long sys_waitpid(struct trapframe *tf)
{
	int status = 0;
	long pid;

	if (tf->rsi && user_probe_writable((void *)tf->rsi, sizeof(status)) < 0)
		return -EFAULT;
	pid = proc_waitpid((int)tf->rdi, &status, (int)tf->rdx);
	if (pid > 0 && tf->rsi && copyout((void *)tf->rsi, &status, sizeof(status)) < 0)
		return -EFAULT;
	return pid;
}

static long sys_getpid(struct trapframe *tf)
{
	(void)tf;
	return current_proc()->pid;
}

static long sys_getppid(struct trapframe *tf)
{
	struct proc *parent;

	(void)tf;
	spin_lock(&proc_lock);
	parent = current_proc()->parent;
	spin_unlock(&proc_lock);
	return parent ? parent->pid : 0;
}

static long sys_gettid(struct trapframe *tf)
{
	(void)tf;
	return current_thread()->tid;
}

static long sys_kill(struct trapframe *tf)
{
	return proc_kill((int)tf->rdi);
}

static long sys_yield(struct trapframe *tf)
{
	(void)tf;
	yield();
	return 0;
}

static long sys_sleep(struct trapframe *tf)
{
	uint64_t deadline;

	if (tf->rdi > 24UL * 3600 * 1000)
		return -EINVAL;
	deadline = clock_ns() + tf->rdi * 1000000;
	for (;;) {
		/* One reading per round: the clock may pass the deadline between two. */
		uint64_t now = clock_ns();
		if (now >= deadline)
			return 0;
		if (current_proc()->killed)
			return -EINTR;
		sleep_ms((deadline - now + 999999) / 1000000);
	}
}

static long sys_clock(struct trapframe *tf)
{
	struct uclock c = { clock_ms(), clock_ns(), rdtsc() };

	return copyout((void *)tf->rdi, &c, sizeof(c));
}

static long sys_thread_create(struct trapframe *tf)
{
	return proc_thread_create(tf->rdi, tf->rsi, tf->rdx);
}

static long sys_thread_exit(struct trapframe *tf)
{
	proc_thread_exit((int)tf->rdi);
}

static long sys_thread_join(struct trapframe *tf)
{
	int code = 0;
	long err = proc_thread_join((int)tf->rdi, &code);

	if (err == 0 && tf->rsi && copyout((void *)tf->rsi, &code, sizeof(code)) < 0)
		return -EFAULT;
	return err;
}

static long sys_sysctl(struct trapframe *tf)
{
	char name[64];
	long old, val;
	long err = copyinstr(name, (void *)tf->rdi, sizeof(name));

	if (err < 0)
		return err;
	if ((err = sysctl_get(name, &old)) < 0)
		return err;
	if (tf->rdx) {
		if (copyin(&val, (void *)tf->rdx, sizeof(val)) < 0)
			return -EFAULT;
		if ((err = sysctl_set(name, val)) < 0)
			return err;
	}
	if (tf->rsi && copyout((void *)tf->rsi, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

static long sys_sysctl_list(struct trapframe *tf)
{
	const char *name;
	int err = sysctl_name((int)tf->rdi, &name);

	if (err < 0)
		return err;
	if (tf->rdx < strlen(name) + 1)
		return -ERANGE;
	return copyout((void *)tf->rsi, name, strlen(name) + 1);
}

static long sys_poweroff(struct trapframe *tf)
{
	(void)tf;
	printk("poweroff: system is going down\n");
	machine_poweroff();
}

static long sys_procinfo(struct trapframe *tf)
{
	struct procinfo pi;
	int err = proc_info((int)tf->rdi, &pi);

	if (err < 0)
		return err;
	return copyout((void *)tf->rsi, &pi, sizeof(pi));
}

static long sys_ktest(struct trapframe *tf)
{
	switch (tf->rdi) {
	case KTEST_OP_CASE:
		ktest_count_case(tf->rsi != 0);
		return 0;
	case KTEST_OP_NSUITE:
		return ktest_next_suite();
	case KTEST_OP_FINISH:
		if (current_proc()->pid != 1)
			return -EPERM;
		ktest_finish();
	}
	return -EINVAL;
}

static long sys_initrd_name(struct trapframe *tf)
{
	char name[128];
	int err = initrd_name((int)tf->rdi, name, sizeof(name));

	if (err < 0)
		return err;
	if (tf->rdx < strlen(name) + 1)
		return -ERANGE;
	return copyout((void *)tf->rsi, name, strlen(name) + 1);
}

static const syscall_fn syscalls[NSYSCALLS] = {
	[SYS_exit] = sys_exit,
	[SYS_write] = sys_write,
	[SYS_read] = sys_read,
	[SYS_fork] = sys_fork,
	[SYS_exec] = sys_exec,
	[SYS_waitpid] = sys_waitpid,
	[SYS_getpid] = sys_getpid,
	[SYS_getppid] = sys_getppid,
	[SYS_kill] = sys_kill,
	[SYS_yield] = sys_yield,
	[SYS_sleep] = sys_sleep,
	[SYS_clock] = sys_clock,
	[SYS_thread_create] = sys_thread_create,
	[SYS_thread_exit] = sys_thread_exit,
	[SYS_thread_join] = sys_thread_join,
	[SYS_mmap] = sys_mmap,
	[SYS_munmap] = sys_munmap,
	[SYS_mprotect] = sys_mprotect,
	[SYS_shmget] = sys_shmget,
	[SYS_shmat] = sys_shmat,
	[SYS_shmdt] = sys_shmdt,
	[SYS_shmctl] = sys_shmctl,
	[SYS_vmstat] = sys_vmstat,
	[SYS_sysctl] = sys_sysctl,
	[SYS_ptdump] = sys_ptdump,
	[SYS_pmap_verify] = sys_pmap_verify,
	[SYS_poweroff] = sys_poweroff,
	[SYS_procinfo] = sys_procinfo,
	[SYS_ktest] = sys_ktest,
	[SYS_sysctl_list] = sys_sysctl_list,
	[SYS_gettid] = sys_gettid,
	[SYS_initrd_name] = sys_initrd_name,
	[SYS_fault_timeline] = sys_fault_timeline,
};

void syscall_init(void)
{
	wrmsr(MSR_STAR, ((uint64_t)(SEL_KDATA) << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, RFLAGS_IF | (1UL << 10) | (1UL << 8) | (1UL << 18));  /* IF DF TF AC */
}

void return_to_user_checks(struct trapframe *tf)
{
	proc_check_killed();
	if (sched_should_yield()) {
		yield();
		proc_check_killed();
	}
	/*
	 * sysret to a non-canonical rip would fault in kernel mode on the user
	 * stack; iretq to one faults too. Only lower-half addresses go back.
	 */
	if (tf->rip >= USER_TOP)
		proc_fault_kill(tf, tf->rip, SIGSEGV, "return to a kernel or non-canonical address");
	tf->rflags = (tf->rflags & RFLAGS_USER_MASK) | RFLAGS_IF;
}

void syscall_dispatch(struct trapframe *tf)
{
	uint64_t n = tf->rax;

	tf->rax = n < NSYSCALLS && syscalls[n] ? (uint64_t)syscalls[n](tf) : (uint64_t)-ENOSYS;
	return_to_user_checks(tf);
}
