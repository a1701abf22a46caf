/*
 * Memory system calls: mmap/munmap/mprotect, SysV shm, and the teaching
 * calls (vmstat, ptdump, pmap_verify, fault_timeline). They validate user
 * pointers and hand the work to mm/ and ipc/shm/, which validate everything
 * else.
 */
#include "fs/vfs.h"
#include "kernel/file.h"
#include "kernel/percpu.h"
#include "kernel/proc.h"
#include "kernel/profile.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "kernel/watchdog.h"
#include "ipc/shm/shm.h"
#include "mm/fault_timeline.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pmap/pmap.h"
#include "mm/uaccess.h"
#include "mm/vm_map.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"
#include "uapi/mman.h"
#include "uapi/ptdump.h"
#include "uapi/shm.h"

#define DUMP_MAX (64 * 1024)

static struct vm_map *current_map(void)
{
	return current_proc()->map;
}

/*
 * mmap of open file fd (see vm_mmap_file): -EBADF for a descriptor that is
 * not open, -ENODEV for one that is no regular file, -EACCES as
 * vfs_mmap_object() decides.
 */
static long mmap_fd(vaddr_t hint, size_t len, int prot, int flags, long fd, uint64_t off,
                    vaddr_t *addr)
{
	struct file *f = fd_get((int)fd);
	struct vm_object *obj;
	int max_prot;
	long err;

	if (!IS_ALIGNED(off, PAGE_SIZE))
		err = -EINVAL;    /* before the descriptor, as on Linux */
	else if (!f)
		err = -EBADF;
	else
		err = vfs_mmap_object(f, prot, flags, &obj, &max_prot);
	if (f)
		file_put(f);
	if (err)
		return err;
	err = vm_mmap_file(current_map(), hint, len, prot, flags, obj, off, max_prot, addr);
	vm_object_release(obj);
	return err;
}

/*
 * mmap(addr, len, prot, flags, fd, off): new memory (fd is ignored with
 * MAP_ANONYMOUS, as on Linux) or a file.
 */
long sys_mmap(struct trapframe *tf)
{
	int flags = (int)tf->r10;
	vaddr_t addr;
	long err;

	if (flags & MAP_ANONYMOUS)
		err = vm_mmap(current_map(), tf->rdi, tf->rsi, (int)tf->rdx, flags, NULL, tf->r9,
		              &addr);
	else
		err = mmap_fd(tf->rdi, tf->rsi, (int)tf->rdx, flags, (long)tf->r8, tf->r9, &addr);
	if (flags & MAP_FIXED)
		shm_reap();   /* it may have replaced the last attachment of a removed segment */
	return err < 0 ? err : (long)addr;
}

/*
 * The project's shm_map(shmid, addr, len, prot, flags, off): mmap of
 * [off, off + len) of a SysV segment (MAP_SHARED, optionally MAP_FIXED),
 * which Linux can only do for files. -EINVAL for a bad id.
 */
long sys_shm_map(struct trapframe *tf)
{
	struct vm_object *obj = shm_object((int)tf->rdi);
	int flags = (int)tf->r8;
	vaddr_t addr;
	long err;

	if (!obj)
		return -EINVAL;
	err = (flags & MAP_ANONYMOUS) ? -EINVAL
	      : vm_mmap(current_map(), tf->rsi, tf->rdx, (int)tf->r10, flags, obj, tf->r9, &addr);
	vm_object_release(obj);
	if (flags & MAP_FIXED)
		shm_reap();
	return err < 0 ? err : (long)addr;
}

/* brk(addr): the new break, or the old one when it cannot move. */
long sys_brk(struct trapframe *tf)
{
	return (long)vm_brk(current_map(), tf->rdi);
}

long sys_madvise(struct trapframe *tf)
{
	return vm_madvise(current_map(), tf->rdi, tf->rsi, (int)tf->rdx);
}

long sys_msync(struct trapframe *tf)
{
	return vm_msync(current_map(), tf->rdi, tf->rsi, (int)tf->rdx);
}

long sys_munmap(struct trapframe *tf)
{
	long err = vm_munmap(current_map(), tf->rdi, tf->rsi);

	shm_reap();   /* it may have ended the last attachment of a removed segment */
	return err;
}

long sys_mprotect(struct trapframe *tf)
{
	return vm_mprotect(current_map(), tf->rdi, tf->rsi, (int)tf->rdx);
}

long sys_shmget(struct trapframe *tf)
{
	return shm_get((int)tf->rdi, tf->rsi, (int)tf->rdx, current_proc()->pid);
}

long sys_shmat(struct trapframe *tf)
{
	vaddr_t addr;
	long err = shm_at(current_map(), (int)tf->rdi, tf->rsi, (int)tf->rdx,
	                  current_proc()->pid, &addr);

	if (tf->rdx & SHM_REMAP)
		shm_reap();
	return err < 0 ? err : (long)addr;
}

long sys_shmdt(struct trapframe *tf)
{
	return shm_dt(current_map(), tf->rdi, current_proc()->pid);
}

/*
 * shmctl(shmid, cmd, buf): buf is a struct shmid_ds (IPC_STAT, SHM_STAT,
 * SHM_STAT_ANY, IPC_SET), struct shminfo (IPC_INFO) or struct shm_info
 * (SHM_INFO), checked before anything changes.
 */
long sys_shmctl(struct trapframe *tf)
{
	int cmd = (int)tf->rsi & ~IPC_64;
	struct shmid_ds ds;
	struct shminfo limits;
	struct shm_info usage;
	long r;

	if (tf->rsi != (uint32_t)tf->rsi)
		return -EINVAL;
	switch (cmd) {
	case IPC_INFO:
	case SHM_INFO:
		r = shm_info(cmd, &limits, &usage);
		if (cmd == IPC_INFO && copyout((void *)tf->rdx, &limits, sizeof(limits)) < 0)
			return -EFAULT;
		if (cmd == SHM_INFO && copyout((void *)tf->rdx, &usage, sizeof(usage)) < 0)
			return -EFAULT;
		return r;
	case IPC_SET:
		if (copyin(&ds, (void *)tf->rdx, sizeof(ds)) < 0)
			return -EFAULT;
		return shm_ctl((int)tf->rdi, cmd, &ds);
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		if (!user_range_ok(tf->rdx, sizeof(ds)))
			return -EFAULT;
		r = shm_ctl((int)tf->rdi, cmd, &ds);
		if (r >= 0 && copyout((void *)tf->rdx, &ds, sizeof(ds)) < 0)
			return -EFAULT;
		return r;
	}
	return shm_ctl((int)tf->rdi, cmd, NULL);
}

/* Seconds since 1970, for the times of SysV segments (see ipc/shm/shm.h). */
int64_t shm_clock_seconds(void)
{
	return (int64_t)(clock_realtime_ns() / 1000000000);
}

/* The per-CPU shootdown counters. */
static void percpu_stat(struct vmstat *st)
{
	st->cpus = ncpus;
	for (int i = 0; i < ncpus && i < VMSTAT_MAX_CPUS; i++) {
		st->cpu_ipis_sent[i] = cpus[i].ipis_sent;
		st->cpu_shootdowns[i] = cpus[i].shootdowns;
		st->cpu_pages_flushed[i] = cpus[i].pages_flushed;
	}
	st->tsc_khz = tsc_khz();
	for (int i = 0; i < ncpus; i++)
		prof_read(&cpus[i], st->prof_cycles, st->prof_entries);
}

void vmstat_system(struct vmstat *st)
{
	memset(st, 0, sizeof(*st));
	vm_stat_global(st);
	st->free_pages = page_free_count();
	st->total_pages = page_total_count();
	percpu_stat(st);
	proc_fault_stat(st);
	st->watchdog_reports = __atomic_load_n(&watchdog_reports, __ATOMIC_RELAXED);
	st->kmem_pages = kmalloc_page_count();
	st->file_pages = vfs_file_page_count();
	st->threads = thread_count();
}

long sys_vmstat(struct trapframe *tf)
{
	struct vmstat st;
	int pid = (int)tf->rdi;

	if (pid == 0) {
		vmstat_system(&st);
	} else {
		struct proc *p;

		memset(&st, 0, sizeof(st));
		spin_lock(&proc_lock);
		p = proc_by_pid_locked(pid);
		if (p && p->map)
			vm_stat_map(p->map, &st);
		spin_unlock(&proc_lock);
		if (!p || !p->map)
			return -ESRCH;
		st.free_pages = page_free_count();
		st.total_pages = page_total_count();
	}
	return copyout((void *)tf->rsi, &st, sizeof(st));
}

long sys_ptdump(struct trapframe *tf)
{
	size_t len = MIN(tf->r10, DUMP_MAX);
	char *buf;
	long n;

	if (!user_range_ok(tf->rdx, len))
		return -EFAULT;
	if (!(buf = kmalloc(DUMP_MAX)))
		return -ENOMEM;
	if (tf->rsi == PTDUMP_OBJECT) {
		n = shm_dump((int)tf->rdi, buf, DUMP_MAX);
	} else if (tf->rsi == PTDUMP_FILE) {
		struct file *f = fd_get((int)tf->rdi);

		n = f ? vfs_file_dump(f, buf, DUMP_MAX) : -EBADF;
		if (f)
			file_put(f);
	} else if (tf->rsi == PTDUMP_PROC) {
		struct proc *p;
		spin_lock(&proc_lock);
		p = tf->rdi ? proc_by_pid_locked((int)tf->rdi) : current_proc();
		n = p && p->map ? pmap_dump(p->map->pmap, buf, DUMP_MAX) : -ESRCH;
		spin_unlock(&proc_lock);
	} else {
		n = -EINVAL;
	}
	if (n >= 0) {
		n = MIN((size_t)n, len ? len - 1 : 0);
		if (len && (copyout((void *)tf->rdx, buf, n) < 0 ||
		            copyout((void *)(tf->rdx + n), "", 1) < 0))
			n = -EFAULT;
	}
	kfree(buf);
	return n;
}

long sys_pmap_verify(struct trapframe *tf)
{
	size_t len = MIN(tf->rsi, DUMP_MAX);
	char *buf;
	long err;

	if (!user_range_ok(tf->rdi, len))
		return -EFAULT;
	if (!(buf = kzalloc(DUMP_MAX)))
		return -ENOMEM;
	err = vm_verify(buf, DUMP_MAX);
	if (len && copyout((void *)tf->rdi, buf, MIN(len, strlen(buf) + 1)) < 0)
		err = -EFAULT;
	kfree(buf);
	return err;
}

/*
 * SYS_fault_timeline(op, info, buckets, n): see uapi/fault_timeline.h.
 * Every argument is checked before anything changes; READ copies the
 * buckets through a small buffer of atomic loads (faults on other CPUs
 * may be adding to them), the summary last.
 */
long sys_fault_timeline(struct trapframe *tf)
{
	struct fault_timeline info;
	uint64_t chunk[64];
	size_t n = tf->r10, done, k;

	switch (tf->rdi) {
	case FAULT_TIMELINE_START:
	case FAULT_TIMELINE_STOP:
		if (tf->rsi || tf->rdx || tf->r10)
			return -EINVAL;
		if (tf->rdi == FAULT_TIMELINE_STOP)
			return fault_timeline_stop();
		fault_timeline_start();
		return 0;
	case FAULT_TIMELINE_READ:
		break;
	default:
		return -EINVAL;
	}
	if (n > FAULT_TIMELINE_BUCKETS)
		return -EINVAL;
	if (!user_range_ok(tf->rsi, sizeof(info)) ||
	    (n && !user_range_ok(tf->rdx, n * sizeof(uint64_t))))
		return -EFAULT;
	fault_timeline_info(&info);
	n = MIN(n, info.kept);
	for (done = 0; done < n; done += k) {
		k = MIN(n - done, ARRAY_SIZE(chunk));
		for (size_t i = 0; i < k; i++)
			chunk[i] = fault_timeline_bucket(done + i);
		if (copyout((uint64_t *)tf->rdx + done, chunk, k * sizeof(uint64_t)) < 0)
			return -EFAULT;
	}
	if (copyout((void *)tf->rsi, &info, sizeof(info)) < 0)
		return -EFAULT;
	return (long)n;
}
