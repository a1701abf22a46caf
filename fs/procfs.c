/*
 * /proc: what the kernel knows, as text in Linux's formats (proc(5)), for
 * the programs that read it there (busybox's ps, free, uptime, sysctl,
 * ipcs, and the test suites):
 *
 *   /proc/PID/stat, status, cmdline   a process (a zombie too)
 *   /proc/self                        a symbolic link to the caller's PID
 *   /proc/meminfo, vmstat, uptime, loadavg, version
 *   /proc/sysvipc/shm                 the SysV shared memory segments
 *   /proc/sys/A/B/C                   the sysctl knob A.B.C (kernel/sysctl.c):
 *                                     reading gives its value, writing one
 *                                     sets it, with the knob's range check
 *                                     (-EINVAL), as sysctl(2) does
 *   /proc/sys/kernel/ostype, osrelease, version   uname's, read-only
 *
 * The fixed names are inodes made at boot, as devfs's are. The processes
 * come and go, so /proc/PID, its files and /proc/self are transient
 * inodes (vfs.h) made when a lookup asks for them (procfs_lookup) and
 * freed with their last reference; getdents64 lists them through
 * procfs_readdir. Nothing is kept for a process that has gone.
 *
 * A file's text is made when a read starts at offset 0 (the first read)
 * and kept for the reads that follow, so that a reader taking it in
 * pieces sees one moment, as Linux's seq_file files do. A file whose mode
 * has no write bit refuses to open for writing with -EACCES, Linux's
 * answer for a read-only sysctl.
 */
#include <stdarg.h>
#include "fs/vfs.h"
#include "ipc/shm/shm.h"
#include "kernel/file.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/sysctl.h"
#include "kernel/timer.h"
#include "kernel/tty.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/shm.h"
#include "uapi/vmstat.h"

#define KB_PER_PAGE (PAGE_SIZE / 1024)
#define CONSOLE_TTY_NR ((5 << 8) | 1)    /* /dev/console, every session's terminal here */
/* Transient inode numbers: per process, its directory (0) and files (1..). */
#define PID_INO(pid, k) (0x100000000ULL + (uint64_t)(pid) * 16 + (k))
#define STORE_MAX 64                     /* longest write a knob's file takes */

/* ---- Text buffers ---- */

struct pbuf {
	char *buf;
	size_t len, cap;
	int err;                /* -ENOMEM once a growth failed */
};

/* Room for n more bytes and a NUL: false (b->err set) when memory is out. */
static bool pb_room(struct pbuf *b, size_t n)
{
	size_t cap = MAX(2 * b->cap, b->len + n + 1);
	char *bigger;

	if (b->err)
		return false;
	if (b->len + n < b->cap)
		return true;
	if (!(bigger = kmalloc(cap))) {
		b->err = -ENOMEM;
		return false;
	}
	memcpy(bigger, b->buf, b->len);
	kfree(b->buf);
	b->buf = bigger;
	b->cap = cap;
	return true;
}

/* Appends formatted text. */
static void pb_printf(struct pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pb_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = (size_t)vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (!pb_room(b, n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += n;
}

/* Appends n bytes as they are (cmdline's NULs too). */
static void pb_write(struct pbuf *b, const char *s, size_t n)
{
	if (!pb_room(b, n))
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
}

/* ---- What each file shows ---- */

/*
 * A file: its name and permissions, its text (show: 0, or -E... when
 * there is nothing to show, such as a process that has gone) and, when
 * it may be written, what a write does (store: 0 or -E...). arg says of
 * which process or knob.
 */
struct pentry {
	const char *name;
	uint32_t perm;
	long (*show)(struct pbuf *b, long arg);
	long (*store)(long arg, const char *text);
};

/* The word status gives each state letter. */
static const char *state_name(char state)
{
	switch (state) {
	case 'R': return "running";
	case 'T': return "stopped";
	case 'Z': return "zombie";
	}
	return "sleeping";
}

static uint64_t user_ticks(uint64_t ticks)
{
	return ticks * USER_HZ / TIMER_HZ;
}

/* A snapshot of process pid to kfree(), or NULL with *err -ENOMEM or -ESRCH. */
static struct proc_snapshot *snapshot(long pid, long *err)
{
	struct proc_snapshot *s = kmalloc(sizeof(*s));

	*err = -ENOMEM;
	if (s && proc_snapshot((int)pid, s) < 0) {
		kfree(s);
		s = NULL;
		*err = -ESRCH;
	}
	return s;
}

/* /proc/PID/stat: the 52 fields of proc(5), what this kernel does not keep as 0. */
static long show_stat(struct pbuf *b, long pid)
{
	struct proc_snapshot *s;
	bool zombie;
	long err;

	if (!(s = snapshot(pid, &err)))
		return err;
	zombie = s->state == 'Z';
	pb_printf(b, "%d (%s) %c %d %d %d %d %d %u ", s->pid, s->name, s->state, s->ppid,
	          s->pgid, s->sid, CONSOLE_TTY_NR, tty_fg_pgrp(), 0u);
	pb_printf(b, "%lu %lu 0 0 %lu %lu %ld %ld 20 0 %d 0 %lu ", s->usage.minflt,
	          s->children.minflt, user_ticks(s->usage.uticks), user_ticks(s->usage.sticks),
	          (long)user_ticks(s->children.uticks), (long)user_ticks(s->children.sticks),
	          s->nthreads, user_ticks(s->start_ticks));
	pb_printf(b, "%lu %lu %lu 0 0 0 0 0 ", zombie ? 0 : s->vsize, zombie ? 0 : s->resident,
	          (unsigned long)RLIM_INFINITY);
	pb_printf(b, "%lu %lu %lu %lu 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", s->sigpending,
	          s->sigblocked, s->sigignored, s->sigcaught);
	kfree(s);
	return 0;
}

/* /proc/PID/status: the lines of proc(5) this kernel can fill. */
static long show_status(struct pbuf *b, long pid)
{
	struct proc_snapshot *s;
	long err;

	if (!(s = snapshot(pid, &err)))
		return err;
	pb_printf(b, "Name:\t%s\nState:\t%c (%s)\n", s->name, s->state, state_name(s->state));
	pb_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", s->pid, s->pid,
	          s->ppid);
	pb_printf(b, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t\n", FD_MAX);
	pb_printf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", s->pid, s->pid, s->pgid,
	          s->sid);
	if (s->state != 'Z')
		pb_printf(b, "VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\n", s->vsize / 1024,
		          s->resident * KB_PER_PAGE);
	pb_printf(b, "Threads:\t%d\nSigQ:\t0/0\n", s->nthreads);
	pb_printf(b, "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\n"
	          "SigCgt:\t%016lx\n", s->sigpending, s->sigpending, s->sigblocked, s->sigignored,
	          s->sigcaught);
	kfree(s);
	return 0;
}

/* /proc/PID/cmdline: exec's arguments, each ending in NUL; empty for a zombie. */
static long show_cmdline(struct pbuf *b, long pid)
{
	struct proc_snapshot *s;
	long err;

	if (!(s = snapshot(pid, &err)))
		return err;
	pb_write(b, s->cmdline, s->cmdline_len);
	kfree(s);
	return 0;
}

/* One line of meminfo, as Linux pads it. */
static void meminfo_line(struct pbuf *b, const char *name, uint64_t kb)
{
	pb_printf(b, "%-16s%8lu kB\n", name, kb);
}

/*
 * /proc/meminfo: memory is free or in use (no page cache, buffers or
 * swap); Shmem is the SysV segments' pages, PageTables every page-table
 * page, the objects' shared ones included.
 */
static long show_meminfo(struct pbuf *b, long arg)
{
	struct vmstat *st = kmalloc(sizeof(*st));
	struct shm_info shm;

	(void)arg;
	if (!st)
		return -ENOMEM;
	vmstat_system(st);
	shm_info(SHM_INFO, NULL, &shm);
	meminfo_line(b, "MemTotal:", st->total_pages * KB_PER_PAGE);
	meminfo_line(b, "MemFree:", st->free_pages * KB_PER_PAGE);
	meminfo_line(b, "MemAvailable:", st->free_pages * KB_PER_PAGE);
	meminfo_line(b, "Buffers:", 0);
	meminfo_line(b, "Cached:", 0);
	meminfo_line(b, "SwapCached:", 0);
	meminfo_line(b, "SwapTotal:", 0);
	meminfo_line(b, "SwapFree:", 0);
	meminfo_line(b, "Shmem:", shm.shm_rss * KB_PER_PAGE);
	meminfo_line(b, "PageTables:",
	             (st->pt_pages + st->obj_pt_pages + st->obj_pd_pages) * KB_PER_PAGE);
	meminfo_line(b, "Hugepagesize:", 2048);
	kfree(st);
	return 0;
}

#define VMSTAT_FIELD(f) { #f, __builtin_offsetof(struct vmstat, f) }

/* The counters of uapi/vmstat.h that are one number, by their names there. */
static const struct {
	const char *name;
	size_t off;
} vmstat_fields[] = {
	VMSTAT_FIELD(faults), VMSTAT_FIELD(faults_private), VMSTAT_FIELD(faults_object),
	VMSTAT_FIELD(faults_link), VMSTAT_FIELD(faults_cow), VMSTAT_FIELD(faults_zero),
	VMSTAT_FIELD(pt_pages), VMSTAT_FIELD(obj_pt_pages), VMSTAT_FIELD(obj_pd_pages),
	VMSTAT_FIELD(links_pde), VMSTAT_FIELD(links_pdpte), VMSTAT_FIELD(pv_entries),
	VMSTAT_FIELD(tlb_flushes), VMSTAT_FIELD(tlb_invlpg), VMSTAT_FIELD(free_pages),
	VMSTAT_FIELD(total_pages), VMSTAT_FIELD(vm_objects), VMSTAT_FIELD(shm_segments),
	VMSTAT_FIELD(kmem_pages), VMSTAT_FIELD(file_pages), VMSTAT_FIELD(threads),
	VMSTAT_FIELD(cpus), VMSTAT_FIELD(faults_large), VMSTAT_FIELD(faults_split),
	VMSTAT_FIELD(large_free), VMSTAT_FIELD(large_pages), VMSTAT_FIELD(large_reserve),
	VMSTAT_FIELD(obj_leaves), VMSTAT_FIELD(leaf_copies), VMSTAT_FIELD(leaf_mirrors),
	VMSTAT_FIELD(crash_kills), VMSTAT_FIELD(expected_kills), VMSTAT_FIELD(faults_spurious),
	VMSTAT_FIELD(leaf_private), VMSTAT_FIELD(watchdog_reports), VMSTAT_FIELD(tsc_khz),
};

static const char *const prof_names[] = VMSTAT_PROF_NAMES;

/*
 * /proc/vmstat: "name value" lines. First the Linux names a program may
 * look for (free pages, page-table pages, faults), then every counter of
 * this kernel's SYS_vmstat under its name in uapi/vmstat.h, the per-CPU
 * ones as cpuN_NAME, the time profile's as prof_PART_cycles and _entries.
 */
static long show_vmstat(struct pbuf *b, long arg)
{
	struct vmstat *st = kmalloc(sizeof(*st));

	(void)arg;
	if (!st)
		return -ENOMEM;
	vmstat_system(st);
	pb_printf(b, "nr_free_pages %lu\nnr_page_table_pages %lu\npgfault %lu\n", st->free_pages,
	          st->pt_pages + st->obj_pt_pages + st->obj_pd_pages, st->faults);
	for (size_t i = 0; i < ARRAY_SIZE(vmstat_fields); i++)
		pb_printf(b, "%s %lu\n", vmstat_fields[i].name,
		          *(const uint64_t *)((const char *)st + vmstat_fields[i].off));
	for (uint64_t c = 0; c < st->cpus && c < VMSTAT_MAX_CPUS; c++)
		pb_printf(b, "cpu%lu_ipis_sent %lu\ncpu%lu_shootdowns %lu\ncpu%lu_pages_flushed %lu\n",
		          c, st->cpu_ipis_sent[c], c, st->cpu_shootdowns[c], c,
		          st->cpu_pages_flushed[c]);
	for (size_t p = 0; p < ARRAY_SIZE(prof_names); p++)
		pb_printf(b, "prof_%s_cycles %lu\nprof_%s_entries %lu\n", prof_names[p],
		          st->prof_cycles[p], prof_names[p], st->prof_entries[p]);
	kfree(st);
	return 0;
}

/* /proc/uptime: seconds since boot and idle seconds (not kept: 0). */
static long show_uptime(struct pbuf *b, long arg)
{
	uint64_t cs = clock_ms() / 10;

	(void)arg;
	pb_printf(b, "%lu.%02lu 0.00\n", cs / 100, cs % 100);
	return 0;
}

/*
 * /proc/loadavg: the averages are not kept (0.00); then the processes
 * running and all processes (Linux counts threads), and the newest pid.
 */
static long show_loadavg(struct pbuf *b, long arg)
{
	int *pids = kmalloc(MAX_PROCS * sizeof(int));
	struct proc_snapshot *s = kmalloc(sizeof(*s));
	int n, running = 0;

	(void)arg;
	if (!pids || !s) {
		kfree(pids);
		kfree(s);
		return -ENOMEM;
	}
	n = proc_pids(pids, MAX_PROCS);
	for (int i = 0; i < n; i++)
		running += proc_snapshot(pids[i], s) == 0 && s->state == 'R';
	pb_printf(b, "0.00 0.00 0.00 %d/%d %d\n", running, n, n ? pids[n - 1] : 0);
	kfree(pids);
	kfree(s);
	return 0;
}

static long show_version(struct pbuf *b, long arg)
{
	(void)arg;
	pb_printf(b, "%s version %s (sptk) %s\n", UNAME_SYSNAME, UNAME_RELEASE, UNAME_VERSION);
	return 0;
}

/*
 * /proc/sysvipc/shm: Linux's header and columns (64-bit widths), which
 * busybox's ipcs and util-linux's read. Every page of a segment is
 * resident here, so rss is its size in pages.
 */
static long show_sysvipc_shm(struct pbuf *b, long arg)
{
	struct shm_info usage;
	struct shmid_ds ds;
	int highest = shm_info(SHM_INFO, NULL, &usage);

	(void)arg;
	pb_printf(b, "       key      shmid perms                  size  cpid  lpid nattch   uid   gid"
	          "  cuid  cgid      atime      dtime      ctime                   rss"
	          "                  swap\n");
	for (int i = 0; i <= highest; i++) {
		int id = shm_ctl(i, SHM_STAT_ANY, &ds);

		if (id < 0)
			continue;
		pb_printf(b, "%10d %10d  %4o %21lu %5d %5d  %5lu %5u %5u %5u %5u %10ld %10ld %10ld "
		          "%21lu %21lu\n", ds.shm_perm.key, id, ds.shm_perm.mode, ds.shm_segsz,
		          ds.shm_cpid, ds.shm_lpid, ds.shm_nattch, ds.shm_perm.uid, ds.shm_perm.gid,
		          ds.shm_perm.cuid, ds.shm_perm.cgid, ds.shm_atime, ds.shm_dtime,
		          ds.shm_ctime, ALIGN_UP(ds.shm_segsz, PAGE_SIZE), 0UL);
	}
	return 0;
}

/* A knob's file: its value, one number and a newline, as Linux's integer sysctls. */
static long show_sysctl(struct pbuf *b, long index)
{
	const struct sysctl *s;
	long v;

	if (sysctl_entry((int)index, &s) < 0 || sysctl_get(s->name, &v) < 0)
		return -ENOENT;
	pb_printf(b, "%ld\n", v);
	return 0;
}

/*
 * A write to a knob's file: one decimal number, blanks and a newline
 * around it allowed (echo adds one), as Linux's proc_dointvec reads it;
 * anything else, or a value outside the knob's range, is -EINVAL.
 */
static long store_sysctl(long index, const char *text)
{
	const struct sysctl *s;
	const char *p = text;
	bool neg = false;
	long v = 0;
	int digits = 0;

	if (sysctl_entry((int)index, &s) < 0)
		return -ENOENT;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (digits >= 18)
			return -EINVAL;     /* beyond every knob's range */
		v = v * 10 + (*p - '0');
	}
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!digits || *p)
		return -EINVAL;
	return sysctl_set(s->name, neg ? -v : v);
}

static long show_ostype(struct pbuf *b, long arg)
{
	(void)arg;
	pb_printf(b, "%s\n", UNAME_SYSNAME);
	return 0;
}

static long show_osrelease(struct pbuf *b, long arg)
{
	(void)arg;
	pb_printf(b, "%s\n", UNAME_RELEASE);
	return 0;
}

static long show_kversion(struct pbuf *b, long arg)
{
	(void)arg;
	pb_printf(b, "%s\n", UNAME_VERSION);
	return 0;
}

static const struct pentry pid_files[] = {
	{ "cmdline", 0444, show_cmdline, NULL },
	{ "stat", 0444, show_stat, NULL },
	{ "status", 0444, show_status, NULL },
};

static const struct pentry root_files[] = {
	{ "loadavg", 0444, show_loadavg, NULL },
	{ "meminfo", 0444, show_meminfo, NULL },
	{ "uptime", 0444, show_uptime, NULL },
	{ "version", 0444, show_version, NULL },
	{ "vmstat", 0444, show_vmstat, NULL },
};

static const struct pentry sysvipc_shm = { "shm", 0444, show_sysvipc_shm, NULL };
static const struct pentry sysctl_file = { NULL, 0644, show_sysctl, store_sysctl };
static const struct pentry kernel_files[] = {
	{ "ostype", 0444, show_ostype, NULL },
	{ "osrelease", 0444, show_osrelease, NULL },
	{ "version", 0444, show_kversion, NULL },
};

/* ---- Open files ---- */

struct pfile {
	struct inode *ip;       /* held */
	struct pbuf text;       /* (vfs_lock) made at the first read, again at each read at 0 */
	bool made;
};

/* Makes the file's text anew. vfs_lock() held. */
static long make_text(struct pfile *pf)
{
	const struct pentry *e = pf->ip->priv;
	long err;

	kfree(pf->text.buf);
	memset(&pf->text, 0, sizeof(pf->text));
	pf->made = false;
	if (!(pf->text.buf = kmalloc(256)))
		return -ENOMEM;
	pf->text.cap = 256;
	if ((err = e->show(&pf->text, pf->ip->arg)) < 0 || (err = pf->text.err) < 0)
		return err;
	pf->made = true;
	return 0;
}

/* The bytes of the text from off into uio: how many, 0 past the end. vfs_lock() held. */
static long read_text(struct pfile *pf, struct uio *uio, uint64_t off)
{
	long err;
	size_t n, want;

	if ((off == 0 || !pf->made) && (err = make_text(pf)) < 0)
		return err;
	if (off >= pf->text.len || uio->resid == 0)
		return 0;
	want = MIN(pf->text.len - off, uio->resid);
	n = uio_copyout(uio, pf->text.buf + off, want);
	return n ? (long)n : -EFAULT;
}

static long procfs_read(struct file *f, struct uio *uio)
{
	long n;

	vfs_lock();
	if ((n = read_text(f->priv, uio, f->pos)) > 0)
		f->pos += (uint64_t)n;
	vfs_unlock();
	return n;
}

static long procfs_pread(struct file *f, struct uio *uio, uint64_t off)
{
	long n;

	vfs_lock();
	n = read_text(f->priv, uio, off);
	vfs_unlock();
	return n;
}

/* A write: the whole of it is one value for the knob (-EINVAL when too long to be one). */
static long procfs_write(struct file *f, struct uio *uio)
{
	struct pfile *pf = f->priv;
	const struct pentry *e = pf->ip->priv;
	char text[STORE_MAX];
	size_t n = uio->resid;
	long err;

	if (n >= sizeof(text))
		return -EINVAL;
	if (uio_copyin(uio, text, n) < n)
		return -EFAULT;
	text[n] = '\0';
	vfs_lock();
	err = e->store(pf->ip->arg, text);
	vfs_unlock();
	return err < 0 ? err : (long)n;
}

static long procfs_pwrite(struct file *f, struct uio *uio, uint64_t off)
{
	(void)off;
	return procfs_write(f, uio);
}

/* lseek: from the start or the current position; the end is unknown (-EINVAL), as seq_file's. */
static long procfs_lseek(struct file *f, int64_t off, int whence)
{
	int64_t base;
	long r;

	vfs_lock();
	base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->pos : -1;
	if (base < 0 || off < -base) {
		r = -EINVAL;
	} else {
		f->pos = (uint64_t)(base + off);
		r = (long)f->pos;
	}
	vfs_unlock();
	return r;
}

static void procfs_stat(struct file *f, struct linux_stat *st)
{
	struct pfile *pf = f->priv;

	vfs_lock();
	vfs_stat(pf->ip, st);
	vfs_unlock();
}

static void procfs_release(struct file *f)
{
	struct pfile *pf = f->priv;

	kfree(pf->text.buf);
	inode_put_unlocked(pf->ip);
	kfree(pf);
}

static const struct file_ops procfs_ops = {
	.read = procfs_read,
	.write = procfs_write,
	.pread = procfs_pread,
	.pwrite = procfs_pwrite,
	.lseek = procfs_lseek,
	.stat = procfs_stat,
	.release = procfs_release,
};

/* fs->open: a writable open needs a file that may be written (-EACCES). vfs_lock() held. */
static struct file *procfs_open(struct inode *ip, unsigned int flags, long *err)
{
	struct pfile *pf;
	struct file *f;

	*err = 0;
	if ((flags & O_ACCMODE) != O_RDONLY && !(ip->mode & 0222)) {
		*err = -EACCES;
		return NULL;
	}
	if (!(pf = kzalloc(sizeof(*pf))) || !(f = file_alloc(&procfs_ops, flags, pf))) {
		kfree(pf);
		*err = -ENOMEM;
		return NULL;
	}
	pf->ip = ip;
	inode_hold(ip);
	return f;
}

/* ---- The processes: transient names ---- */

static struct inode *proc_root;     /* (c) /proc */

static bool proc_exists(int pid)
{
	int *pids = kmalloc(MAX_PROCS * sizeof(int));
	bool found = false;
	int n;

	if (!pids)
		return false;
	n = proc_pids(pids, MAX_PROCS);
	for (int i = 0; i < n && !found; i++)
		found = pids[i] == pid;
	kfree(pids);
	return found;
}

/* A transient inode of dir (which it holds as its parent when a directory); NULL: no memory. */
static struct inode *transient(struct inode *dir, uint32_t mode, uint64_t ino)
{
	struct inode *ip = inode_alloc(dir->fs, mode);

	if (!ip)
		return NULL;
	ip->transient = true;
	ip->ino = ino;
	ip->nlink = S_ISDIR(mode) ? 2 : 1;
	if (S_ISDIR(mode)) {
		ip->dir.parent = dir;
		inode_hold(dir);
	}
	return ip;
}

/* The decimal number name is, or -1. */
static long pid_of(const char *name, size_t len)
{
	long pid = 0;

	if (len == 0 || len > 9 || name[0] == '0')
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

/* fs->name_of: a process's directory is named by its pid. */
static size_t procfs_name_of(struct inode *ip, char *name)
{
	return (size_t)snprintf(name, NAME_MAX + 1, "%ld", (long)ip->arg);
}

/* fs->lookup: /proc/self, /proc/PID and the files in it. */
static struct inode *procfs_lookup(struct inode *dir, const char *name, size_t len)
{
	struct inode *ip;
	long pid;

	if (dir == proc_root && len == 4 && memcmp(name, "self", 4) == 0) {
		struct proc *p = current_proc();

		if (!p || !(ip = transient(dir, S_IFLNK | 0777, PID_INO(0, 0))))
			return NULL;
		if (!(ip->target = kmalloc(12))) {
			inode_put(ip);
			return NULL;
		}
		ip->size = (uint64_t)snprintf(ip->target, 12, "%d", p->pid);
		return ip;
	}
	if (dir == proc_root) {
		if ((pid = pid_of(name, len)) <= 0 || !proc_exists((int)pid) ||
		    !(ip = transient(dir, S_IFDIR | 0555, PID_INO(pid, 0))))
			return NULL;
		ip->arg = pid;
		return ip;
	}
	if (!dir->transient || !proc_exists((int)dir->arg))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(pid_files); i++) {
		if (strlen(pid_files[i].name) != len || memcmp(pid_files[i].name, name, len) != 0)
			continue;
		if (!(ip = transient(dir, S_IFREG | pid_files[i].perm, PID_INO(dir->arg, i + 1))))
			return NULL;
		ip->priv = &pid_files[i];
		ip->arg = dir->arg;
		return ip;
	}
	return NULL;
}

/* fs->readdir: in /proc, "self" at position 0, then each process at its pid; in /proc/PID, its files. */
static bool procfs_readdir(struct inode *dir, uint64_t *pos, char *name, uint64_t *ino,
                           uint32_t *mode)
{
	if (dir == proc_root) {
		int *pids, n;
		bool found = false;

		if (*pos == 0) {
			strncpy_safe(name, "self", NAME_MAX + 1);
			*ino = PID_INO(0, 0);
			*mode = S_IFLNK | 0777;
			return true;
		}
		if (!(pids = kmalloc(MAX_PROCS * sizeof(int))))
			return false;
		n = proc_pids(pids, MAX_PROCS);
		for (int i = 0; i < n && !found; i++) {
			if ((uint64_t)pids[i] < *pos)
				continue;
			*pos = (uint64_t)pids[i];
			snprintf(name, NAME_MAX + 1, "%d", pids[i]);
			*ino = PID_INO(pids[i], 0);
			*mode = S_IFDIR | 0555;
			found = true;
		}
		kfree(pids);
		return found;
	}
	if (!dir->transient || *pos >= ARRAY_SIZE(pid_files) || !proc_exists((int)dir->arg))
		return false;
	strncpy_safe(name, pid_files[*pos].name, NAME_MAX + 1);
	*ino = PID_INO(dir->arg, *pos + 1);
	*mode = S_IFREG | pid_files[*pos].perm;
	return true;
}

/* ---- The fixed names, made at boot ---- */

/* A new entry `name` (len bytes) of dir with the mode, showing e for arg; panics without memory. */
static struct inode *add(struct inode *dir, const char *name, size_t len, uint32_t mode,
                         const struct pentry *e, long arg)
{
	struct inode *ip = inode_alloc(dir->fs, mode);

	if (!ip || dir_link(dir, name, len, ip) < 0)
		panic("procfs: no memory for %s", name);
	ip->priv = e;
	ip->arg = arg;
	inode_put(ip);          /* kept by its name */
	return ip;
}

/* The directory `name` of dir, made if missing. */
static struct inode *subdir(struct inode *dir, const char *name, size_t len)
{
	struct dentry *d = dir_find(dir, name, len);

	return d ? d->ip : add(dir, name, len, S_IFDIR | 0555, NULL, 0);
}

/* /proc/sys: a file for each knob, its dotted name's parts as directories. */
static void add_sysctls(struct inode *sys)
{
	const struct sysctl *s;
	struct inode *kernel = subdir(sys, "kernel", 6);

	for (int i = 0; sysctl_entry(i, &s) == 0; i++) {
		struct inode *dir = sys;
		const char *part = s->name, *dot;

		while ((dot = strchr(part, '.')) != NULL) {
			dir = subdir(dir, part, (size_t)(dot - part));
			part = dot + 1;
		}
		add(dir, part, strlen(part), S_IFREG | sysctl_file.perm, &sysctl_file, i);
	}
	for (size_t i = 0; i < ARRAY_SIZE(kernel_files); i++)
		add(kernel, kernel_files[i].name, strlen(kernel_files[i].name),
		    S_IFREG | kernel_files[i].perm, &kernel_files[i], 0);
}

struct fs *procfs_create(void)
{
	struct fs *fs = fs_create("proc", true, 0555);
	struct inode *sysvipc;

	fs->lookup = procfs_lookup;
	fs->readdir = procfs_readdir;
	fs->open = procfs_open;
	fs->name_of = procfs_name_of;
	proc_root = fs->root;
	vfs_lock();
	for (size_t i = 0; i < ARRAY_SIZE(root_files); i++)
		add(fs->root, root_files[i].name, strlen(root_files[i].name),
		    S_IFREG | root_files[i].perm, &root_files[i], 0);
	sysvipc = subdir(fs->root, "sysvipc", 7);
	add(sysvipc, sysvipc_shm.name, 3, S_IFREG | sysvipc_shm.perm, &sysvipc_shm, 0);
	add_sysctls(subdir(fs->root, "sys", 3));
	vfs_unlock();
	return fs;
}
