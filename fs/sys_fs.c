/*
 * The calls on names of the file system (see vfs.h): open, openat, creat,
 * stat, lstat, newfstatat, getdents64, readlink(at), access, faccessat(2),
 * getcwd, chdir, fchdir, mkdir(at), rmdir, unlink(at), symlink(at),
 * rename(at, at2), truncate, ftruncate, sendfile, umask.
 *
 * Each copies its path in (-EFAULT, -ENAMETOOLONG past PATH_MAX bytes;
 * an empty path is -ENOENT), finds the directory a relative path starts
 * from (the working directory, or the open directory dirfd: -EBADF,
 * -ENOTDIR), then does its work under vfs_lock(), checking in Linux's
 * order so the same bad call gets the same error on both kernels.
 * Permissions: every process is root, so only two checks remain, as for
 * Linux's root: execute needs an execute bit (directories aside), and
 * writing the read-only initrd is -EROFS.
 */
#include "fs/vfs.h"
#include "kernel/file.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

/* A path argument and where it starts. */
struct at {
	char *path;            /* the path, copied in */
	struct file *dirf;     /* dirfd's open file (relative paths only), or NULL */
	struct lookup l;
};

static int arg_fd(uint64_t reg)
{
	return (int)(uint32_t)reg;
}

/* Copies a user path into a new PATH_MAX buffer: 0, -EFAULT, -ENAMETOOLONG, -ENOMEM. */
static long path_in(uint64_t upath, char **out)
{
	long r;

	if (!(*out = kmalloc(PATH_MAX)))
		return -ENOMEM;
	if ((r = copyinstr(*out, (void *)upath, PATH_MAX)) < 0) {
		kfree(*out);
		*out = NULL;
	}
	return r < 0 ? r : 0;
}

/*
 * Before the lock: copies the path in and takes dirfd's file when the
 * path is relative. An empty path is -ENOENT unless empty_ok
 * (AT_EMPTY_PATH: then it names dirfd's file itself).
 */
static long at_begin(int dirfd, uint64_t upath, bool empty_ok, struct at *at)
{
	struct inode *ip;
	long r;

	memset(at, 0, sizeof(*at));
	if ((r = path_in(upath, &at->path)) < 0)
		return r;
	if (!at->path[0] && !empty_ok)
		return -ENOENT;
	if (!at->path[0] && dirfd == AT_FDCWD)
		strncpy_safe(at->path, ".", PATH_MAX);   /* AT_EMPTY_PATH: the working directory */
	if (at->path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	if (!(at->dirf = fd_get(dirfd)))
		return -EBADF;
	ip = file_inode(at->dirf);
	if (at->path[0] && (!ip || !S_ISDIR(ip->mode)))
		return -ENOTDIR;
	return 0;
}

/* With vfs_lock() held: the inode at->path starts from, held. */
static struct inode *at_start(struct at *at)
{
	struct inode *ip;

	if (!at->dirf)
		return vfs_cwd();
	ip = file_inode(at->dirf);
	inode_hold(ip);
	return ip;
}

/* With vfs_lock() held: looks at->path up from where it starts. */
static long at_lookup(struct at *at, int flags)
{
	struct inode *start = at_start(at);
	long r = vfs_lookup(start, at->path, flags, &at->l);

	inode_put(start);
	return r;
}

/* With vfs_lock() held: drops the lookup's inodes. */
static void at_unlock(struct at *at)
{
	lookup_done(&at->l);
	vfs_unlock();
}

/* After the lock: drops dirfd's file (whose release may take the lock) and the path. */
static void at_end(struct at *at)
{
	if (at->dirf)
		file_put(at->dirf);
	kfree(at->path);
}

static bool is_dots(const struct lookup *l)
{
	return (l->len == 1 && l->name[0] == '.') ||
	       (l->len == 2 && l->name[0] == '.' && l->name[1] == '.');
}

/*
 * Writing this inode would write the read-only file system (devices
 * aside); a procfs file is writable when its mode says so.
 */
static bool read_only(const struct inode *ip)
{
	if (ip->fs->open && !S_ISDIR(ip->mode))
		return !(ip->mode & 0222);
	return ip->fs->readonly && !S_ISCHR(ip->mode);
}

static unsigned int *my_umask(void)
{
	return &current_proc()->files.umask;
}

/*
 * A new inode named l->name in l->dir, of `mode`: *out (held), or
 * -ENOENT (the directory was removed), -EROFS, -ENOMEM.
 */
static long create(struct lookup *l, uint32_t mode, struct inode **out)
{
	struct inode *ip;

	if (l->dir->nlink == 0)
		return -ENOENT;
	if (l->dir->fs->readonly)
		return -EROFS;
	if (!(ip = inode_alloc(l->dir->fs, mode)))
		return -ENOMEM;
	if (dir_link(l->dir, l->name, l->len, ip) < 0) {
		inode_put(ip);
		return -ENOMEM;
	}
	*out = ip;
	return 0;
}

/* ---- open ---- */

#define OPEN_STATUS (O_APPEND | O_NONBLOCK)   /* what the open file keeps of the flags */

/*
 * The file to open at l (found or created), checked against flags: an
 * open file, or NULL with *err set.
 */
static struct file *open_checked(struct lookup *l, unsigned int flags, uint32_t mode, long *err)
{
	unsigned int acc = flags & O_ACCMODE, fflags;
	bool created = false;
	struct inode *ip = l->ip;
	struct file *f;

	*err = 0;
	if ((flags & O_CREAT) && !ip) {
		if (l->trailing_slash) {
			*err = -EISDIR;
			return NULL;
		}
		if ((*err = create(l, S_IFREG | (mode & S_IALLUGO & ~*my_umask()), &ip)) < 0)
			return NULL;
		l->ip = ip;
		created = true;
	} else if ((flags & O_CREAT) && (flags & O_EXCL)) {
		*err = -EEXIST;
	} else if (S_ISLNK(ip->mode)) {
		*err = -ELOOP;      /* O_NOFOLLOW on a link */
	} else if ((flags & O_CREAT) && S_ISDIR(ip->mode)) {
		*err = -EISDIR;
	} else if ((flags & O_DIRECTORY) && !S_ISDIR(ip->mode)) {
		*err = -ENOTDIR;
	} else if (S_ISDIR(ip->mode) && acc != O_RDONLY) {
		*err = -EISDIR;
	} else if (ip->fs->open && !S_ISDIR(ip->mode)) {
		/* procfs checks the access itself (O_TRUNC means nothing there, as on Linux) */
		fflags = acc | (flags & OPEN_STATUS) | O_LARGEFILE;
		return ip->fs->open(ip, fflags, err);
	} else if ((acc != O_RDONLY || (flags & O_TRUNC)) && read_only(ip)) {
		*err = -EROFS;
	}
	if (*err)
		return NULL;
	fflags = acc | (flags & OPEN_STATUS) | O_LARGEFILE;
	f = S_ISCHR(ip->mode) ? ip->open(ip, fflags) : vfs_file_open(ip, fflags);
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	if (!created && (flags & O_TRUNC) && S_ISREG(ip->mode))
		vfs_truncate(ip, 0);
	return f;
}

static long do_open(int dirfd, uint64_t upath, uint64_t uflags, uint64_t umode)
{
	unsigned int flags = (unsigned int)uflags;
	bool follow = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
	struct file *f = NULL;
	struct at at;
	long fd, r;

	if ((flags & O_PATH) || (flags & O_TMPFILE) == O_TMPFILE || (flags & O_ACCMODE) == 3)
		return -EINVAL;
	if ((fd = fd_reserve(0)) < 0)
		return fd;
	if ((r = at_begin(dirfd, upath, false, &at)) == 0) {
		vfs_lock();
		r = at_lookup(&at, ((flags & O_CREAT) ? LOOKUP_PARENT : 0) |
		                   (follow ? LOOKUP_FOLLOW : 0));
		if (r == 0)
			f = open_checked(&at.l, flags, (uint32_t)umode, &r);
		at_unlock(&at);
	}
	at_end(&at);
	if (!f) {
		fd_unreserve((int)fd);
		return r;
	}
	fd_fill((int)fd, f, flags & O_CLOEXEC);
	return fd;
}

long sys_open(struct trapframe *tf)
{
	return do_open(AT_FDCWD, tf->rdi, tf->rsi, tf->rdx);
}

long sys_openat(struct trapframe *tf)
{
	return do_open(arg_fd(tf->rdi), tf->rsi, tf->rdx, tf->r10);
}

long sys_creat(struct trapframe *tf)
{
	return do_open(AT_FDCWD, tf->rdi, O_CREAT | O_WRONLY | O_TRUNC, tf->rsi);
}

/* ---- stat ---- */

/* fstat of the open file fd into st. */
static long stat_fd(int fd, struct linux_stat *st)
{
	struct file *f = fd_get(fd);

	if (!f)
		return -EBADF;
	memset(st, 0, sizeof(*st));
	if (f->ops->stat)
		f->ops->stat(f, st);
	file_put(f);
	return 0;
}

static long do_stat(int dirfd, uint64_t upath, uint64_t ubuf, uint64_t flags)
{
	struct linux_stat st;
	struct at at;
	long r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	if ((r = at_begin(dirfd, upath, flags & AT_EMPTY_PATH, &at)) == 0) {
		if (!at.path[0] && dirfd != AT_FDCWD) {
			r = stat_fd(dirfd, &st);
		} else {
			vfs_lock();
			r = at_lookup(&at, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW);
			if (r == 0)
				vfs_stat(at.l.ip, &st);
			at_unlock(&at);
		}
	}
	at_end(&at);
	return r < 0 ? r : copyout((void *)ubuf, &st, sizeof(st));
}

long sys_stat(struct trapframe *tf)
{
	return do_stat(AT_FDCWD, tf->rdi, tf->rsi, 0);
}

long sys_lstat(struct trapframe *tf)
{
	return do_stat(AT_FDCWD, tf->rdi, tf->rsi, AT_SYMLINK_NOFOLLOW);
}

long sys_newfstatat(struct trapframe *tf)
{
	return do_stat(arg_fd(tf->rdi), tf->rsi, tf->rdx, (uint32_t)tf->r10);
}

/* getdents64(fd, buf, count) */
long sys_getdents64(struct trapframe *tf)
{
	struct file *f = fd_get(arg_fd(tf->rdi));
	long r;

	if (!f)
		return -EBADF;
	r = user_range_ok(tf->rsi, tf->rdx) ? vfs_getdents(f, tf->rsi, MIN(tf->rdx, INT32_MAX))
	                                    : -EFAULT;
	file_put(f);
	return r;
}

/* readlinkat(dirfd, path, buf, size): the target's bytes, cut to size (an int), no NUL. */
static long do_readlink(int dirfd, uint64_t upath, uint64_t ubuf, int64_t size)
{
	char *target = NULL;
	size_t len = 0;
	struct at at;
	long r;

	if (size <= 0)
		return -EINVAL;
	if ((r = at_begin(dirfd, upath, false, &at)) == 0) {
		vfs_lock();
		if ((r = at_lookup(&at, 0)) == 0 && !S_ISLNK(at.l.ip->mode))
			r = -EINVAL;
		if (r == 0) {
			len = MIN(strlen(at.l.ip->target), (size_t)size);
			if (!(target = kmalloc(len + 1)))
				r = -ENOMEM;
			else
				memcpy(target, at.l.ip->target, len);
		}
		at_unlock(&at);
	}
	at_end(&at);
	if (r == 0)
		r = copyout((void *)ubuf, target, len) < 0 ? -EFAULT : (long)len;
	kfree(target);
	return r;
}

long sys_readlink(struct trapframe *tf)
{
	return do_readlink(AT_FDCWD, tf->rdi, tf->rsi, (int64_t)(int32_t)tf->rdx);
}

long sys_readlinkat(struct trapframe *tf)
{
	return do_readlink(arg_fd(tf->rdi), tf->rsi, tf->rdx, (int64_t)(int32_t)tf->r10);
}

/* faccessat2(dirfd, path, mode, flags): root's answers (see the top). */
static long do_access(int dirfd, uint64_t upath, uint64_t mode, uint64_t flags)
{
	struct at at;
	long r;

	if (mode & ~(uint64_t)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = at_begin(dirfd, upath, flags & AT_EMPTY_PATH, &at)) == 0) {
		if (!at.path[0] && at.dirf && !file_inode(at.dirf)) {
			/* A pipe, the terminal or a device: no execute bit. */
			at_end(&at);
			return (mode & X_OK) ? -EACCES : 0;
		}
		vfs_lock();
		if (!at.path[0]) {
			at.l.ip = at_start(&at);
		} else {
			r = at_lookup(&at, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW);
		}
		if (r == 0 && (mode & W_OK) && read_only(at.l.ip))
			r = at.l.ip->fs->open ? -EACCES : -EROFS;   /* procfs: Linux's answer */
		else if (r == 0 && (mode & X_OK) && !S_ISDIR(at.l.ip->mode) && !(at.l.ip->mode & 0111))
			r = -EACCES;
		at_unlock(&at);
	}
	at_end(&at);
	return r;
}

long sys_access(struct trapframe *tf)
{
	return do_access(AT_FDCWD, tf->rdi, tf->rsi, 0);
}

long sys_faccessat(struct trapframe *tf)
{
	return do_access(arg_fd(tf->rdi), tf->rsi, tf->rdx, 0);
}

long sys_faccessat2(struct trapframe *tf)
{
	return do_access(arg_fd(tf->rdi), tf->rsi, tf->rdx, tf->r10);
}

/* ---- The working directory ---- */

/* getcwd(buf, size): the length with its NUL; -ERANGE, -ENOENT (removed). */
long sys_getcwd(struct trapframe *tf)
{
	size_t size = MIN(tf->rsi, PATH_MAX);
	struct inode *cwd;
	char *buf;
	long r;

	if (!(buf = kmalloc(PATH_MAX)))
		return -ENOMEM;
	vfs_lock();
	cwd = vfs_cwd();
	r = vfs_path_of(cwd, buf, size);
	inode_put(cwd);
	vfs_unlock();
	if (r >= 0)
		r = copyout((void *)tf->rdi, buf, (size_t)r + 1) < 0 ? -EFAULT : r + 1;
	kfree(buf);
	return r;
}

/* Makes ip (a directory, held by the caller) the working directory. vfs_lock() held. */
static void set_cwd(struct inode *ip)
{
	struct fdtable *t = &current_proc()->files;

	inode_hold(ip);
	if (t->cwd)
		inode_put(t->cwd);
	t->cwd = ip;
}

long sys_chdir(struct trapframe *tf)
{
	struct at at;
	long r;

	if ((r = at_begin(AT_FDCWD, tf->rdi, false, &at)) == 0) {
		vfs_lock();
		if ((r = at_lookup(&at, LOOKUP_FOLLOW)) == 0 && !S_ISDIR(at.l.ip->mode))
			r = -ENOTDIR;
		if (r == 0)
			set_cwd(at.l.ip);
		at_unlock(&at);
	}
	at_end(&at);
	return r;
}

long sys_fchdir(struct trapframe *tf)
{
	struct file *f = fd_get(arg_fd(tf->rdi));
	struct inode *ip;
	long r = 0;

	if (!f)
		return -EBADF;
	ip = file_inode(f);
	if (!ip || !S_ISDIR(ip->mode)) {
		r = -ENOTDIR;
	} else {
		vfs_lock();
		set_cwd(ip);
		vfs_unlock();
	}
	file_put(f);
	return r;
}

/* umask(mask): the old mask; new files get mode & ~mask. */
long sys_umask(struct trapframe *tf)
{
	unsigned int *mask = my_umask();

	return (long)__atomic_exchange_n(mask, (unsigned int)tf->rdi & 0777, __ATOMIC_RELAXED);
}

/* ---- Making and removing names ---- */

static long do_mkdir(int dirfd, uint64_t upath, uint64_t mode)
{
	struct inode *ip;
	struct at at;
	long r;

	if ((r = at_begin(dirfd, upath, false, &at)) == 0) {
		vfs_lock();
		if ((r = at_lookup(&at, LOOKUP_PARENT)) == 0 && at.l.ip)
			r = -EEXIST;
		if (r == 0 &&
		    (r = create(&at.l, S_IFDIR | (mode & S_IALLUGO & ~*my_umask()), &ip)) == 0)
			inode_put(ip);
		at_unlock(&at);
	}
	at_end(&at);
	return r;
}

long sys_mkdir(struct trapframe *tf)
{
	return do_mkdir(AT_FDCWD, tf->rdi, tf->rsi);
}

long sys_mkdirat(struct trapframe *tf)
{
	return do_mkdir(arg_fd(tf->rdi), tf->rsi, tf->rdx);
}

/* The checks of rmdir and unlink on a found name, in Linux's order. */
static long remove_checks(struct lookup *l, bool dir)
{
	if (dir && l->len == 2 && is_dots(l))
		return -ENOTEMPTY;
	if (is_dots(l))
		return dir ? -EINVAL : -EISDIR;
	if (l->dir->fs->readonly)
		return -EROFS;
	if (!l->ip)
		return -ENOENT;
	if (dir && !S_ISDIR(l->ip->mode))
		return -ENOTDIR;
	if (!dir && S_ISDIR(l->ip->mode))
		return -EISDIR;
	if (!dir && l->trailing_slash)
		return -ENOTDIR;
	if (dir && (l->ip == l->ip->fs->root || l->ip->dir.mounted))
		return -EBUSY;
	if (dir && !dir_empty(l->ip))
		return -ENOTEMPTY;
	return 0;
}

static long do_remove(int dirfd, uint64_t upath, bool dir)
{
	struct at at;
	long r;

	if ((r = at_begin(dirfd, upath, false, &at)) == 0) {
		vfs_lock();
		if ((r = at_lookup(&at, LOOKUP_PARENT)) == 0 && (r = remove_checks(&at.l, dir)) == 0)
			dir_unlink(at.l.dir, dir_find(at.l.dir, at.l.name, at.l.len));
		at_unlock(&at);
	}
	at_end(&at);
	return r;
}

long sys_unlink(struct trapframe *tf)
{
	return do_remove(AT_FDCWD, tf->rdi, false);
}

long sys_rmdir(struct trapframe *tf)
{
	return do_remove(AT_FDCWD, tf->rdi, true);
}

/* unlinkat(dirfd, path, flags): AT_REMOVEDIR makes it rmdir. */
long sys_unlinkat(struct trapframe *tf)
{
	if (tf->rdx & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return do_remove(arg_fd(tf->rdi), tf->rsi, tf->rdx & AT_REMOVEDIR);
}

/* symlinkat(target, dirfd, path) */
static long do_symlink(uint64_t utarget, int dirfd, uint64_t upath)
{
	struct inode *ip;
	char *target;
	struct at at;
	long r;

	if ((r = path_in(utarget, &target)) < 0)
		return r;
	if (!target[0]) {
		kfree(target);
		return -ENOENT;
	}
	if ((r = at_begin(dirfd, upath, false, &at)) == 0) {
		vfs_lock();
		if ((r = at_lookup(&at, LOOKUP_PARENT)) == 0 && at.l.ip)
			r = -EEXIST;
		if (r == 0 && (r = create(&at.l, S_IFLNK | 0777, &ip)) == 0) {
			ip->target = target;
			target = NULL;
			inode_put(ip);
		}
		at_unlock(&at);
	}
	at_end(&at);
	kfree(target);
	return r;
}

long sys_symlink(struct trapframe *tf)
{
	return do_symlink(tf->rdi, AT_FDCWD, tf->rsi);
}

long sys_symlinkat(struct trapframe *tf)
{
	return do_symlink(tf->rdi, arg_fd(tf->rsi), tf->rdx);
}

/* Is dir inside the tree of directory top (or top itself)? */
static bool inside(struct inode *dir, struct inode *top)
{
	for (;;) {
		if (dir == top)
			return true;
		if (dir == dir->fs->root)
			return false;
		dir = dir->dir.parent;
	}
}

/* rename's checks and work, both names looked up (vfs_lock() held). */
static long rename_locked(struct lookup *o, struct lookup *n, uint64_t flags)
{
	struct inode *ip = o->ip;

	if (is_dots(o) || is_dots(n))
		return -EBUSY;
	if (o->dir->fs != n->dir->fs)
		return -EXDEV;
	if (o->dir->fs->readonly)
		return -EROFS;
	if (!ip)
		return -ENOENT;
	if (n->ip && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (n->ip == ip)
		return 0;
	if (S_ISDIR(ip->mode) && inside(n->dir, ip))
		return -EINVAL;
	if (!S_ISDIR(ip->mode) && (o->trailing_slash || n->trailing_slash))
		return -ENOTDIR;
	if (n->ip && S_ISDIR(ip->mode) && !S_ISDIR(n->ip->mode))
		return -ENOTDIR;
	if (n->ip && !S_ISDIR(ip->mode) && S_ISDIR(n->ip->mode))
		return -EISDIR;
	if (n->ip && S_ISDIR(n->ip->mode) && (!dir_empty(n->ip) || n->ip->dir.mounted))
		return n->ip->dir.mounted ? -EBUSY : -ENOTEMPTY;
	if (n->dir->nlink == 0)
		return -ENOENT;
	return dir_rename(o->dir, dir_find(o->dir, o->name, o->len), n->dir, n->name, n->len);
}

static long do_rename(int odirfd, uint64_t uold, int ndirfd, uint64_t unew, uint64_t flags)
{
	struct at o, n;
	long r;

	if (flags & ~(uint64_t)RENAME_NOREPLACE)
		return -EINVAL;
	memset(&n, 0, sizeof(n));
	if ((r = at_begin(odirfd, uold, false, &o)) == 0 &&
	    (r = at_begin(ndirfd, unew, false, &n)) == 0) {
		vfs_lock();
		if ((r = at_lookup(&o, LOOKUP_PARENT)) == 0 && (r = at_lookup(&n, LOOKUP_PARENT)) == 0)
			r = rename_locked(&o.l, &n.l, flags);
		lookup_done(&o.l);
		at_unlock(&n);
	}
	at_end(&o);
	at_end(&n);
	return r;
}

long sys_rename(struct trapframe *tf)
{
	return do_rename(AT_FDCWD, tf->rdi, AT_FDCWD, tf->rsi, 0);
}

long sys_renameat(struct trapframe *tf)
{
	return do_rename(arg_fd(tf->rdi), tf->rsi, arg_fd(tf->rdx), tf->r10, 0);
}

long sys_renameat2(struct trapframe *tf)
{
	return do_rename(arg_fd(tf->rdi), tf->rsi, arg_fd(tf->rdx), tf->r10, tf->r8);
}

/* ---- Sizes ---- */

long sys_truncate(struct trapframe *tf)
{
	int64_t len = (int64_t)tf->rsi;
	struct at at;
	long r;

	if (len < 0)
		return -EINVAL;
	if ((r = at_begin(AT_FDCWD, tf->rdi, false, &at)) == 0) {
		vfs_lock();
		if ((r = at_lookup(&at, LOOKUP_FOLLOW)) == 0) {
			if (S_ISDIR(at.l.ip->mode))
				r = -EISDIR;
			else if (!S_ISREG(at.l.ip->mode))
				r = -EINVAL;
			else if (read_only(at.l.ip))
				r = at.l.ip->fs->open ? -EACCES : -EROFS;
			else if (at.l.ip->fs->open)
				r = 0;          /* procfs: a knob's file has no bytes to cut */
			else
				r = vfs_truncate(at.l.ip, (uint64_t)len);
		}
		at_unlock(&at);
	}
	at_end(&at);
	return r;
}

long sys_ftruncate(struct trapframe *tf)
{
	int64_t len = (int64_t)tf->rsi;
	struct file *f;
	struct inode *ip;
	long r;

	if (len < 0)
		return -EINVAL;
	if (!(f = fd_get(arg_fd(tf->rdi))))
		return -EBADF;
	ip = file_inode(f);
	if (!ip || !S_ISREG(ip->mode) || !file_writable(f)) {
		r = -EINVAL;
	} else {
		vfs_lock();
		r = vfs_truncate(ip, (uint64_t)len);
		vfs_unlock();
	}
	file_put(f);
	return r;
}

/* ---- sendfile ---- */

/*
 * Moves up to count bytes from in (read at *pos) to out, a page at a
 * time through a kernel buffer: how many, or the first error when none
 * moved. A short write ends it.
 */
static long copy_between(struct file *in, struct file *out, uint64_t *pos, size_t count)
{
	uint8_t *buf = kmalloc(PAGE_SIZE);
	size_t done = 0;
	long r = 0;

	if (!buf)
		return -ENOMEM;
	while (done < count) {
		size_t want = MIN(count - done, PAGE_SIZE);
		struct linux_iovec iov = { (uint64_t)buf, want };
		struct uio uio = { &iov, 1, want, true };

		if ((r = in->ops->pread(in, &uio, *pos)) <= 0)
			break;
		iov = (struct linux_iovec){ (uint64_t)buf, (size_t)r };
		uio = (struct uio){ &iov, 1, (size_t)r, true };
		want = (size_t)r;
		if ((r = out->ops->write(out, &uio)) <= 0)
			break;
		done += (size_t)r;
		*pos += (uint64_t)r;
		if ((size_t)r < want)
			break;
	}
	kfree(buf);
	return done ? (long)done : r;
}

/* sendfile(out_fd, in_fd, offset, count) */
long sys_sendfile(struct trapframe *tf)
{
	struct file *out = fd_get(arg_fd(tf->rdi)), *in = fd_get(arg_fd(tf->rsi));
	uint64_t upos = tf->rdx;
	int64_t pos = 0;
	long r = 0;

	if (!in || !out || !file_readable(in) || !file_writable(out))
		r = -EBADF;
	else if (!in->ops->pread || !out->ops->write || (out->flags & O_APPEND))
		r = -EINVAL;
	else if (upos && copyin(&pos, (void *)upos, sizeof(pos)) < 0)
		r = -EFAULT;
	else if (pos < 0)
		r = -EINVAL;
	if (r == 0) {
		uint64_t at = upos ? (uint64_t)pos : __atomic_load_n(&in->pos, __ATOMIC_RELAXED);

		r = copy_between(in, out, &at, MIN(tf->r10, MAX_RW_COUNT));
		if (upos && copyout((void *)upos, &at, sizeof(at)) < 0)
			r = -EFAULT;
		else if (!upos)
			__atomic_store_n(&in->pos, at, __ATOMIC_RELAXED);
	}
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return r;
}
