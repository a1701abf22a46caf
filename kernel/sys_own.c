/*
 * The project's own system calls that are not about memory (those live in
 * sys_vm.c): the sysctl switches, the process and initrd listings, the
 * self-test reporting, power-off with a test exit code and the
 * declaration of a fault a test provokes on purpose. Numbered from
 * 1000 up (uapi/syscall.h), so they are -ENOSYS on Linux.
 */
#include "kernel/initrd.h"
#include "kernel/ktest_run.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/sysctl.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/ktest.h"
#include "uapi/sysctl.h"

long sys_sysctl(struct trapframe *tf)
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

/* sysctl_list(index, name, len, info): the range and help let a tool say
 * why a value was refused and what a knob is for. */
long sys_sysctl_list(struct trapframe *tf)
{
	const struct sysctl *s;
	struct sysctl_info info = { 0 };
	int err = sysctl_entry((int)tf->rdi, &s);

	if (err < 0)
		return err;
	if (tf->rdx < strlen(s->name) + 1)
		return -ERANGE;
	if (copyout((void *)tf->rsi, s->name, strlen(s->name) + 1) < 0)
		return -EFAULT;
	if (!tf->r10)
		return 0;
	info.min = s->min;
	info.max = s->max;
	strncpy_safe(info.help, s->help, sizeof(info.help));
	return copyout((void *)tf->r10, &info, sizeof(info));
}

long sys_poweroff(struct trapframe *tf)
{
	printk("poweroff: system is going down (code %d)\n", (int)tf->rdi);
	machine_poweroff();
}

long sys_procinfo(struct trapframe *tf)
{
	struct procinfo pi;
	int err = proc_info((int)tf->rdi, &pi);

	if (err < 0)
		return err;
	return copyout((void *)tf->rsi, &pi, sizeof(pi));
}

long sys_ktest(struct trapframe *tf)
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

long sys_initrd_name(struct trapframe *tf)
{
	char name[128];
	int err = initrd_name((int)tf->rdi, name, sizeof(name));

	if (err < 0)
		return err;
	if (tf->rdx < strlen(name) + 1)
		return -ERANGE;
	return copyout((void *)tf->rsi, name, strlen(name) + 1);
}

/* expect_fault(expected): see proc_expect_fault(). */
long sys_expect_fault(struct trapframe *tf)
{
	int expected = (int)tf->rdi;

	if (expected != 0 && expected != 1)
		return -EINVAL;
	return proc_expect_fault(expected);
}
