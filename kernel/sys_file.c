/*
 * The calls on file descriptors (see file.h): read, write and their
 * vector forms, pread64, pwrite64, close, pipe, dup, fcntl, lseek, fstat,
 * ioctl, sync, fsync. (The calls on names are in fs/sys_fs.c.) Each checks
 * the descriptor, then its access mode, then the user memory, in Linux's
 * order (so that the same bad call gives the same error on both), and
 * leaves the work to the file's operations and the table of file.c.
 */
#include "kernel/file.h"
#include "kernel/pipe.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/linux_types.h"

#define IOV_MAX 1024                      /* Linux's UIO_MAXIOV */
#define SETFL_FLAGS (O_APPEND | O_NONBLOCK)   /* what F_SETFL changes */

/*
 * Linux takes a descriptor as an unsigned int, so only the low 32 bits of
 * the register count; those of a negative int give a number past the table.
 */
static int arg_fd(uint64_t reg)
{
	return (int)(uint32_t)reg;
}

/* The open file of fd, with a reference, if it is open for reading (or writing). */
static struct file *file_for(int fd, bool write, long *err)
{
	struct file *f = fd_get(fd);

	*err = -EBADF;
	if (f && !(write ? file_writable(f) : file_readable(f))) {
		file_put(f);
		f = NULL;
	}
	return f;
}

/* Hands the checked buffers to the file's read or write. */
static long file_rw(struct file *f, struct linux_iovec *iov, int iovcnt, size_t total,
                    bool write)
{
	struct uio uio = { iov, iovcnt, total, false };
	long (*op)(struct file *, struct uio *) = write ? f->ops->write : f->ops->read;

	return op ? op(f, &uio) : -EINVAL;
}

/* read and write: one buffer. */
static long rw_one(int fd, uint64_t buf, uint64_t count, bool write)
{
	struct linux_iovec iov = { buf, MIN(count, MAX_RW_COUNT) };
	struct file *f;
	long r;

	if (!(f = file_for(fd, write, &r)))
		return r;
	if (!user_range_ok(buf, count))
		r = -EFAULT;
	else
		r = file_rw(f, &iov, 1, iov.iov_len, write);
	file_put(f);
	return r;
}

/*
 * readv and writev: up to IOV_MAX buffers, each a user range of at most
 * SSIZE_MAX bytes; together cut to MAX_RW_COUNT, as Linux does.
 */
static long rw_vec(int fd, uint64_t uiov, uint64_t iovcnt, bool write)
{
	struct linux_iovec *iov = NULL;
	struct file *f;
	size_t total = 0;
	long r;

	if (!(f = file_for(fd, write, &r)))
		return r;
	r = 0;
	if (iovcnt > IOV_MAX)
		r = -EINVAL;
	else if (iovcnt > 0 && !(iov = kmalloc(iovcnt * sizeof(*iov))))
		r = -ENOMEM;
	else if (iovcnt > 0 && copyin(iov, (void *)uiov, iovcnt * sizeof(*iov)) < 0)
		r = -EFAULT;
	for (uint64_t i = 0; i < iovcnt && r == 0; i++) {
		if ((int64_t)iov[i].iov_len < 0)
			r = -EINVAL;
		else if (!user_range_ok(iov[i].iov_base, iov[i].iov_len))
			r = -EFAULT;
		iov[i].iov_len = MIN(iov[i].iov_len, MAX_RW_COUNT - total);
		total += iov[i].iov_len;
	}
	if (r == 0 && iovcnt > 0)
		r = file_rw(f, iov, (int)iovcnt, total, write);
	kfree(iov);
	file_put(f);
	return r;
}

long sys_read(struct trapframe *tf)
{
	return rw_one(arg_fd(tf->rdi), tf->rsi, tf->rdx, false);
}

long sys_write(struct trapframe *tf)
{
	return rw_one(arg_fd(tf->rdi), tf->rsi, tf->rdx, true);
}

/* readv(fd, iov, iovcnt) */
long sys_readv(struct trapframe *tf)
{
	return rw_vec(arg_fd(tf->rdi), tf->rsi, tf->rdx, false);
}

/* writev(fd, iov, iovcnt) */
long sys_writev(struct trapframe *tf)
{
	return rw_vec(arg_fd(tf->rdi), tf->rsi, tf->rdx, true);
}

long sys_close(struct trapframe *tf)
{
	return fd_close(arg_fd(tf->rdi));
}

/*
 * pipe2(fds, flags): the two descriptors are taken, then their numbers
 * copied out, and only then do they point at the pipe, so that a bad
 * pointer (-EFAULT) leaves no descriptor behind and no other thread ever
 * sees half a pipe.
 */
static long do_pipe(uint64_t ufds, uint64_t flags)
{
	struct file *rd, *wr;
	bool cloexec = flags & O_CLOEXEC;
	int fds[2];
	long r;

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if ((r = pipe_create(flags & O_NONBLOCK, &rd, &wr)) < 0)
		return r;
	if ((r = fd_reserve(0)) < 0)
		goto err_files;
	fds[0] = (int)r;
	if ((r = fd_reserve(0)) < 0)
		goto err_fd0;
	fds[1] = (int)r;
	if ((r = copyout((void *)ufds, fds, sizeof(fds))) < 0)
		goto err_fd1;
	fd_fill(fds[0], rd, cloexec);
	fd_fill(fds[1], wr, cloexec);
	return 0;

err_fd1:
	fd_unreserve(fds[1]);
err_fd0:
	fd_unreserve(fds[0]);
err_files:
	file_put(rd);
	file_put(wr);
	return r;
}

long sys_pipe(struct trapframe *tf)
{
	return do_pipe(tf->rdi, 0);
}

long sys_pipe2(struct trapframe *tf)
{
	return do_pipe(tf->rdi, tf->rsi);
}

/* A new descriptor, the lowest at or above min, for the open file of fd. */
static long dup_from(int fd, int min, bool cloexec)
{
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	if ((r = fd_install(f, min, cloexec)) < 0)
		file_put(f);
	return r;
}

long sys_dup(struct trapframe *tf)
{
	return dup_from(arg_fd(tf->rdi), 0, false);
}

/* dup2(old, new): new itself when old == new and is open. */
long sys_dup2(struct trapframe *tf)
{
	int oldfd = arg_fd(tf->rdi), newfd = arg_fd(tf->rsi);
	struct file *f;

	if (oldfd != newfd)
		return fd_dup2(oldfd, newfd, false);
	if (!(f = fd_get(oldfd)))
		return -EBADF;
	file_put(f);
	return newfd;
}

/* dup3(old, new, flags): O_CLOEXEC only; old == new is -EINVAL. */
long sys_dup3(struct trapframe *tf)
{
	int oldfd = arg_fd(tf->rdi), newfd = arg_fd(tf->rsi);

	if (tf->rdx & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return fd_dup2(oldfd, newfd, tf->rdx & O_CLOEXEC);
}

/* F_SETFL: O_APPEND and O_NONBLOCK take the new values; other bits are ignored. */
static void set_status_flags(struct file *f, unsigned int arg)
{
	unsigned int old = __atomic_load_n(&f->flags, __ATOMIC_RELAXED), new;

	do {
		new = (old & ~SETFL_FLAGS) | (arg & SETFL_FLAGS);
	} while (!__atomic_compare_exchange_n(&f->flags, &old, new, false, __ATOMIC_RELAXED,
	                                      __ATOMIC_RELAXED));
}

/* fcntl(fd, cmd, arg): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL. */
long sys_fcntl(struct trapframe *tf)
{
	int fd = arg_fd(tf->rdi);
	uint32_t arg = (uint32_t)tf->rdx;    /* Linux reads an int (or unsigned int) */
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	switch ((uint32_t)tf->rsi) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= FD_MAX) {
			r = -EINVAL;
			break;
		}
		file_hold(f);           /* for the new descriptor */
		if ((r = fd_install(f, (int)arg, tf->rsi == F_DUPFD_CLOEXEC)) < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = fd_get_cloexec(fd);
		break;
	case F_SETFD:
		r = fd_set_cloexec(fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		r = __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
		break;
	case F_SETFL:
		set_status_flags(f, arg);
		r = 0;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

/* lseek(fd, offset, whence): the file's; pipes and the terminal have no position (-ESPIPE). */
long sys_lseek(struct trapframe *tf)
{
	struct file *f = fd_get(arg_fd(tf->rdi));
	long r;

	if (!f)
		return -EBADF;
	if (f->ops->lseek)
		r = f->ops->lseek(f, (int64_t)tf->rsi, (int)(uint32_t)tf->rdx);
	else
		r = (uint32_t)tf->rdx > SEEK_HOLE ? -EINVAL : -ESPIPE;
	file_put(f);
	return r;
}

/*
 * pread64 and pwrite64(fd, buf, count, offset): at the offset, leaving the
 * position alone; -ESPIPE for a file without one (pipes, the terminal). A
 * negative offset is -EINVAL before anything else, as on Linux.
 */
static long rw_at(int fd, uint64_t buf, uint64_t count, int64_t off, bool write)
{
	struct linux_iovec iov = { buf, MIN(count, MAX_RW_COUNT) };
	struct uio uio = { &iov, 1, iov.iov_len, false };
	struct file *f;
	long r;

	if (off < 0)
		return -EINVAL;
	if (!(f = file_for(fd, write, &r)))
		return r;
	if (!(write ? f->ops->pwrite : f->ops->pread))
		r = -ESPIPE;
	else if (!user_range_ok(buf, count))
		r = -EFAULT;
	else
		r = write ? f->ops->pwrite(f, &uio, (uint64_t)off) : f->ops->pread(f, &uio, (uint64_t)off);
	file_put(f);
	return r;
}

long sys_pread64(struct trapframe *tf)
{
	return rw_at(arg_fd(tf->rdi), tf->rsi, tf->rdx, (int64_t)tf->r10, false);
}

long sys_pwrite64(struct trapframe *tf)
{
	return rw_at(arg_fd(tf->rdi), tf->rsi, tf->rdx, (int64_t)tf->r10, true);
}

/* fstat(fd, st): the file's type and the little else it has; the rest 0. */
long sys_fstat(struct trapframe *tf)
{
	struct file *f = fd_get(arg_fd(tf->rdi));
	struct linux_stat st;

	if (!f)
		return -EBADF;
	memset(&st, 0, sizeof(st));
	if (f->ops->stat)
		f->ops->stat(f, &st);
	file_put(f);
	return copyout((void *)tf->rsi, &st, sizeof(st));
}

/* ioctl(fd, request, arg): the file's; -ENOTTY for one it does not know. */
long sys_ioctl(struct trapframe *tf)
{
	struct file *f = fd_get(arg_fd(tf->rdi));
	long r;

	if (!f)
		return -EBADF;
	r = f->ops->ioctl ? f->ops->ioctl(f, (uint32_t)tf->rsi, tf->rdx) : -ENOTTY;
	file_put(f);
	return r;
}

/*
 * sync(): every file lives in memory (the initrd, /tmp, /dev/shm), so
 * there is nothing to write back; it succeeds, as Linux's always does.
 */
long sys_sync(struct trapframe *tf)
{
	(void)tf;
	return 0;
}

/*
 * fsync(fd) and fdatasync(fd): nothing to write back either. As on Linux,
 * a regular file or a directory succeeds, and a descriptor of anything
 * that has no storage (a pipe, the console, /dev/null) gives -EINVAL.
 */
long sys_fsync(struct trapframe *tf)
{
	struct file *f = fd_get(arg_fd(tf->rdi));
	struct linux_stat st;
	long r;

	if (!f)
		return -EBADF;
	memset(&st, 0, sizeof(st));
	if (f->ops->stat)
		f->ops->stat(f, &st);
	r = S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) ? 0 : -EINVAL;
	file_put(f);
	return r;
}
