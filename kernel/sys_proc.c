/*
 * The process and thread system calls of the Linux ABI: they decode and
 * check the arguments, copy them in and out, and leave the work to proc.c
 * (and exec.c, futex.c).
 */
#include "kernel/exec.h"
#include "kernel/fpu.h"
#include "kernel/cpu.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/random.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/phys.h"
#include "mm/uaccess.h"
#include "mm/vm_map.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/linux_types.h"
#include "uapi/resource.h"
#include "uapi/wait.h"

long sys_exit(struct trapframe *tf)
{
	proc_thread_exit((int)tf->rdi);
}

long sys_exit_group(struct trapframe *tf)
{
	proc_exit(W_EXITCODE((int)tf->rdi));
}

long sys_fork(struct trapframe *tf)
{
	struct clone_args ca = { .flags = SIGCHLD };

	return proc_clone(tf, &ca);
}

/* clone(flags, stack, parent_tid, child_tid, tls) */
long sys_clone(struct trapframe *tf)
{
	struct clone_args ca = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8 };

	return proc_clone(tf, &ca);
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
	int count = 0;   /* strings copied, both vectors: at most EXEC_MAX_STRINGS */

	if (!ptrs)
		return -ENOMEM;
	args->argv = ptrs;
	for (int v = 0; v < 2 && err == 0; v++) {
		uint64_t uvec = v == 0 ? uargv : uenvp;
		/* argv's strings, its NULL, then envp's: ptrs[count + v] is next. */
		char **vec = ptrs + count + v;

		if (v == 1)
			args->envp = vec;
		for (int i = 0; uvec && err == 0; i++) {
			uint64_t up;
			long len;

			if (copyin(&up, (void *)(uvec + i * sizeof(uint64_t)), sizeof(up)) < 0) {
				err = -EFAULT;
			} else if (!up) {
				break;
			} else if (count >= EXEC_MAX_STRINGS) {
				err = -E2BIG;
			} else if ((len = copyinstr(strings + used, (void *)up,
			                            EXEC_MAX_ARGLEN - used)) < 0) {
				err = len == -ENAMETOOLONG ? -E2BIG : len;
			} else {
				vec[i] = strings + used;
				used += len + 1;
				count++;
			}
		}
	}
	if (err)
		kfree(ptrs);
	return err;
}

/*
 * execve(path, argv, envp). As on Linux, the other threads of the process
 * end once the new image is ready (before that, a failure leaves them
 * running), and any thread may exec.
 */
long sys_execve(struct trapframe *tf)
{
	struct proc *p = current_proc();
	struct exec_args args;
	struct trapframe ntf;
	struct vm_map *map;
	char *path = kmalloc(PATH_MAX);
	long err;

	if (!path)
		return -ENOMEM;
	if ((err = copyinstr(path, (void *)tf->rdi, PATH_MAX)) < 0 ||
	    (err = copy_exec_args(tf->rsi, tf->rdx, &args)) < 0)
		goto out;
	err = exec_build(path, &args, &map, &ntf);
	if (err < 0)
		goto out_args;
	if ((err = proc_stop_other_threads()) < 0) {
		vm_map_destroy(map);
		goto out_args;
	}
	proc_exec_map(map);
	proc_set_name(p, exec_basename(path));
	proc_set_cmdline(p, args.argv);
	*tf = ntf;
out_args:
	kfree(args.argv);
out:
	kfree(path);
	return err;
}

/* Linux's struct rusage of the counts u (the fields not kept are 0). */
static void usage_to_rusage(const struct usage *u, struct linux_rusage *ru)
{
	const uint64_t us_per_tick = 1000000 / TIMER_HZ;

	memset(ru, 0, sizeof(*ru));
	ru->ru_utime.tv_sec = (int64_t)(u->uticks / TIMER_HZ);
	ru->ru_utime.tv_usec = (int64_t)(u->uticks % TIMER_HZ * us_per_tick);
	ru->ru_stime.tv_sec = (int64_t)(u->sticks / TIMER_HZ);
	ru->ru_stime.tv_usec = (int64_t)(u->sticks % TIMER_HZ * us_per_tick);
	ru->ru_minflt = (int64_t)u->minflt;
}

/*
 * wait4(pid, status, options, rusage). The status and rusage buffers are
 * probed first so that a bad one gets -EFAULT before a child is reaped
 * (whose status would be lost). Another thread can still unmap them in
 * between; then the child is reaped and -EFAULT says its status was lost.
 */
long sys_wait4(struct trapframe *tf)
{
	struct linux_rusage ru;
	struct usage u;
	int status = 0;
	long pid;

	if ((tf->rsi && user_probe_writable((void *)tf->rsi, sizeof(status)) < 0) ||
	    (tf->r10 && user_probe_writable((void *)tf->r10, sizeof(ru)) < 0))
		return -EFAULT;
	pid = proc_wait4((int)tf->rdi, &status, (int)tf->rdx, tf->r10 ? &u : NULL);
	if (pid > 0 && tf->rsi && copyout((void *)tf->rsi, &status, sizeof(status)) < 0)
		return -EFAULT;
	if (pid > 0 && tf->r10) {
		usage_to_rusage(&u, &ru);
		if (copyout((void *)tf->r10, &ru, sizeof(ru)) < 0)
			return -EFAULT;
	}
	return pid;
}

long sys_getrusage(struct trapframe *tf)
{
	struct linux_rusage ru;
	struct usage u;
	int who = (int)tf->rdi;

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	proc_usage(who, &u);
	usage_to_rusage(&u, &ru);
	return copyout((void *)tf->rsi, &ru, sizeof(ru));
}

/*
 * times(buf): the CPU times of the caller and of its waited-for children
 * in clock ticks (USER_HZ, what AT_CLKTCK says), into buf unless it is
 * NULL; returns the ticks since boot (Linux's point of origin is
 * arbitrary too).
 */
long sys_times(struct trapframe *tf)
{
	struct linux_tms tms;
	struct usage self, children;

	if (tf->rdi) {
		proc_usage(RUSAGE_SELF, &self);
		proc_usage(RUSAGE_CHILDREN, &children);
		tms.tms_utime = (int64_t)(self.uticks * USER_HZ / TIMER_HZ);
		tms.tms_stime = (int64_t)(self.sticks * USER_HZ / TIMER_HZ);
		tms.tms_cutime = (int64_t)(children.uticks * USER_HZ / TIMER_HZ);
		tms.tms_cstime = (int64_t)(children.sticks * USER_HZ / TIMER_HZ);
		if (copyout((void *)tf->rdi, &tms, sizeof(tms)) < 0)
			return -EFAULT;
	}
	return (long)(clock_ms() * USER_HZ / 1000);
}

long sys_getpid(struct trapframe *tf)
{
	(void)tf;
	return current_proc()->pid;
}

long sys_getppid(struct trapframe *tf)
{
	struct proc *parent;
	int ppid;

	(void)tf;
	spin_lock(&proc_lock);
	parent = current_proc()->parent;
	ppid = parent ? parent->pid : 0;   /* under the lock: the parent may be reaped */
	spin_unlock(&proc_lock);
	return ppid;
}

/* setpgid(pid, pgid) */
long sys_setpgid(struct trapframe *tf)
{
	return proc_setpgid((int)tf->rdi, (int)tf->rsi);
}

/* getpgid(pid) */
long sys_getpgid(struct trapframe *tf)
{
	return proc_getpgid((int)tf->rdi);
}

long sys_getpgrp(struct trapframe *tf)
{
	(void)tf;
	return proc_getpgid(0);
}

long sys_setsid(struct trapframe *tf)
{
	(void)tf;
	return proc_setsid();
}

/* getsid(pid) */
long sys_getsid(struct trapframe *tf)
{
	return proc_getsid((int)tf->rdi);
}

long sys_gettid(struct trapframe *tf)
{
	(void)tf;
	return current_thread()->tid;
}

/* getuid, geteuid, getgid, getegid: everything runs as root. */
long sys_getuid(struct trapframe *tf)
{
	(void)tf;
	return 0;
}

long sys_sched_yield(struct trapframe *tf)
{
	(void)tf;
	yield();
	return 0;
}

long sys_set_tid_address(struct trapframe *tf)
{
	if (tf->rdi >= USER_TOP)
		return -EINVAL;
	current_thread()->clear_child_tid = tf->rdi;
	return current_thread()->tid;
}

/* arch_prctl(code, addr): the FS base that holds the thread pointer (TLS). */
long sys_arch_prctl(struct trapframe *tf)
{
	struct thread *t = current_thread();

	switch (tf->rdi) {
	case ARCH_SET_FS:
		if (tf->rsi >= USER_TOP)
			return -EPERM;
		t->fs_base = tf->rsi;
		wrmsr(MSR_FS_BASE, t->fs_base);
		return 0;
	case ARCH_GET_FS:
		return copyout((void *)tf->rsi, &t->fs_base, sizeof(t->fs_base));
	}
	return -EINVAL;
}

/*
 * uname: the ABI is Linux's (sysname "Linux", a release new enough for
 * glibc's start-up check); the version says which kernel this really is,
 * and ", teach build" when it has machdep.pmap_break (`make teach`).
 */
long sys_uname(struct trapframe *tf)
{
	struct linux_utsname u;

	memset(&u, 0, sizeof(u));
	strncpy_safe(u.sysname, UNAME_SYSNAME, sizeof(u.sysname));
	strncpy_safe(u.nodename, "sptk", sizeof(u.nodename));
	strncpy_safe(u.release, UNAME_RELEASE, sizeof(u.release));
	strncpy_safe(u.version, UNAME_VERSION, sizeof(u.version));
	strncpy_safe(u.machine, "x86_64", sizeof(u.machine));
	strncpy_safe(u.domainname, "(none)", sizeof(u.domainname));
	return copyout((void *)tf->rdi, &u, sizeof(u));
}

/* reboot(magic1, magic2, cmd, arg): power off (halt and restart too). */
long sys_reboot(struct trapframe *tf)
{
	uint32_t m2 = (uint32_t)tf->rsi, cmd = (uint32_t)tf->rdx;

	if ((uint32_t)tf->rdi != LINUX_REBOOT_MAGIC1 ||
	    (m2 != LINUX_REBOOT_MAGIC2 && m2 != LINUX_REBOOT_MAGIC2A &&
	     m2 != LINUX_REBOOT_MAGIC2B && m2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	if (cmd != LINUX_REBOOT_CMD_POWER_OFF && cmd != LINUX_REBOOT_CMD_HALT &&
	    cmd != LINUX_REBOOT_CMD_RESTART)
		return -EINVAL;
	printk("reboot: system is going down\n");
	machine_poweroff();
}

/*
 * sysinfo(info): uptime, memory in bytes (mem_unit 1), the number of
 * processes. No swap, no buffers; the load averages are 0 (not kept).
 */
long sys_sysinfo(struct trapframe *tf)
{
	struct linux_sysinfo si;

	memset(&si, 0, sizeof(si));
	si.uptime = (int64_t)(clock_ms() / 1000);
	si.totalram = page_total_count() * PAGE_SIZE;
	si.freeram = page_free_count() * PAGE_SIZE;
	si.procs = (uint16_t)proc_count();
	si.mem_unit = 1;
	return copyout((void *)tf->rdi, &si, sizeof(si));
}

/* getgroups(size, list): root belongs to no supplementary group. */
long sys_getgroups(struct trapframe *tf)
{
	if ((int)tf->rdi < 0)
		return -EINVAL;
	return 0;
}

/*
 * prlimit64's work: process pid's (0: the caller's) limit `res`, the old
 * value into *old and, when nw is not NULL, the new one set. -EINVAL (bad
 * resource, soft above hard), -ESRCH, -EPERM (NOFILE's hard limit above
 * what the table holds, as Linux refuses more than fs.nr_open).
 */
static long rlimit_swap(int pid, unsigned int res, const struct linux_rlimit *nw,
                        struct linux_rlimit *old)
{
	struct proc *p;

	if (res >= RLIMIT_NLIMITS)
		return -EINVAL;
	if (nw && nw->rlim_cur > nw->rlim_max)
		return -EINVAL;
	if (nw && res == RLIMIT_NOFILE && nw->rlim_max > FD_MAX)
		return -EPERM;
	spin_lock(&proc_lock);
	p = pid == 0 ? current_proc() : proc_by_pid_locked(pid);
	if (!p) {
		spin_unlock(&proc_lock);
		return -ESRCH;
	}
	*old = p->rlimits[res];
	if (nw) {
		__atomic_store_n(&p->rlimits[res].rlim_cur, nw->rlim_cur, __ATOMIC_RELAXED);
		p->rlimits[res].rlim_max = nw->rlim_max;
	}
	spin_unlock(&proc_lock);
	return 0;
}

/* prlimit64(pid, resource, new, old) */
long sys_prlimit64(struct trapframe *tf)
{
	struct linux_rlimit nw, old;
	long err;

	if ((int)tf->rdi < 0)
		return -ESRCH;
	if (tf->rdx && copyin(&nw, (void *)tf->rdx, sizeof(nw)) < 0)
		return -EFAULT;
	if ((err = rlimit_swap((int)tf->rdi, (unsigned int)tf->rsi, tf->rdx ? &nw : NULL, &old)))
		return err;
	if (tf->r10 && copyout((void *)tf->r10, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

/* getrlimit(resource, rlim) */
long sys_getrlimit(struct trapframe *tf)
{
	struct linux_rlimit old;
	long err = rlimit_swap(0, (unsigned int)tf->rdi, NULL, &old);

	return err ? err : copyout((void *)tf->rsi, &old, sizeof(old));
}

/* setrlimit(resource, rlim) */
long sys_setrlimit(struct trapframe *tf)
{
	struct linux_rlimit nw, old;

	if (copyin(&nw, (void *)tf->rsi, sizeof(nw)) < 0)
		return -EFAULT;
	return rlimit_swap(0, (unsigned int)tf->rdi, &nw, &old);
}

/*
 * getrandom(buf, len, flags): len random bytes (kernel/random.h), never
 * blocking (the generator is ready from boot). As on Linux: at most
 * MAX_RW_COUNT per call, and a fault part way gives the bytes written
 * before it (-EFAULT if none).
 */
long sys_getrandom(struct trapframe *tf)
{
	uint64_t flags = tf->rdx;
	size_t len = MIN(tf->rsi, MAX_RW_COUNT), done = 0;
	uint8_t chunk[256];

	if (flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE))
		return -EINVAL;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));

		random_bytes(chunk, n);
		if (copyout((void *)(tf->rdi + done), chunk, n) < 0)
			break;
		done += n;
		if (done < len && proc_interrupted())
			break;          /* a long fill stops for a signal, as Linux's */
	}
	memset(chunk, 0, sizeof(chunk));
	return done || len == 0 ? (long)done : -EFAULT;
}

/*
 * set_robust_list(head, len): recorded for the thread. The list is not
 * walked when the thread dies (a futex its owner held when it died stays
 * locked: a gap).
 */
long sys_set_robust_list(struct trapframe *tf)
{
	if (tf->rsi != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	current_thread()->robust_list = tf->rdi;
	return 0;
}

/*
 * rseq(area, len, flags, sig): restartable sequences are not provided.
 * glibc registers an area at every program's start and carries on without
 * one on -ENOSYS, so the call is answered here, without the console line
 * an unknown call gets (it would follow every busybox command).
 */
long sys_rseq(struct trapframe *tf)
{
	(void)tf;
	return -ENOSYS;
}

/*
 * prctl(option, arg2, ...): PR_SET_NAME and PR_GET_NAME (the process's
 * name, what ps and /proc/PID/stat show; Linux names each thread); every
 * other option is -EINVAL.
 */
long sys_prctl(struct trapframe *tf)
{
	struct proc *p = current_proc();
	char name[PROC_NAME_LEN];
	long err;

	switch (tf->rdi) {
	case PR_SET_NAME:
		/* Linux copies 16 bytes and cuts the name at 15, however long it was. */
		err = copyinstr(name, (void *)tf->rsi, sizeof(name));
		if (err == -ENAMETOOLONG)
			err = copyin(name, (void *)tf->rsi, sizeof(name) - 1);
		if (err < 0)
			return err;
		name[sizeof(name) - 1] = '\0';
		proc_set_name(p, name);
		return 0;
	case PR_GET_NAME:
		spin_lock(&proc_lock);
		memcpy(name, p->name, sizeof(name));
		spin_unlock(&proc_lock);
		return copyout((void *)tf->rsi, name, sizeof(name));
	}
	return -EINVAL;
}
