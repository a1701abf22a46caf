/*
 * Open files, descriptor tables and the user buffers of reads and writes
 * (see file.h).
 *
 * A slot is changed only under its table's lock, and a file found in a
 * slot gets its reference before the lock is dropped, so a close in
 * another thread can empty the slot but never free a file that a call is
 * using. The last reference is dropped with no lock held: releasing a
 * pipe end takes the pipe's lock and wakes its sleepers.
 */
#include "kernel/file.h"
#include "fs/vfs.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"

/* ---- User buffers ---- */

/*
 * Moves bytes between the user buffers and kbuf one user page at a time,
 * so that a fault stops it exactly at the page that failed.
 */
static size_t uio_move(struct uio *u, void *kbuf, size_t n, bool in)
{
	size_t done = 0;

	n = MIN(n, u->resid);
	while (done < n) {
		struct linux_iovec *v = &u->iov[0];
		size_t run;
		int err;

		if (v->iov_len == 0) {      /* used up, or empty from the start */
			u->iov++;
			u->iovcnt--;
			continue;
		}
		run = MIN(MIN(n - done, v->iov_len), PAGE_SIZE - (v->iov_base & (PAGE_SIZE - 1)));
		if (u->kernel) {
			memcpy(in ? (char *)kbuf + done : (void *)v->iov_base,
			       in ? (void *)v->iov_base : (char *)kbuf + done, run);
			err = 0;
		} else {
			err = in ? copyin((char *)kbuf + done, (void *)v->iov_base, run)
			         : copyout((void *)v->iov_base, (char *)kbuf + done, run);
		}
		if (err < 0)
			break;
		v->iov_base += run;
		v->iov_len -= run;
		u->resid -= run;
		done += run;
	}
	return done;
}

size_t uio_copyin(struct uio *u, void *dst, size_t n)
{
	return uio_move(u, dst, n, true);
}

size_t uio_copyout(struct uio *u, const void *src, size_t n)
{
	return uio_move(u, (void *)src, n, false);
}

size_t uio_writable(const struct uio *u, size_t n)
{
	size_t done = 0;

	n = MIN(n, u->resid);
	if (u->kernel)
		return n;
	for (int i = 0; i < u->iovcnt && done < n; i++) {
		uint64_t base = u->iov[i].iov_base;
		size_t len = MIN(u->iov[i].iov_len, n - done);

		for (size_t off = 0; off < len;) {
			size_t run = MIN(len - off, PAGE_SIZE - ((base + off) & (PAGE_SIZE - 1)));

			if (user_probe_writable((void *)(base + off), run) < 0)
				return done;
			off += run;
			done += run;
		}
	}
	return done;
}

/* ---- Open files ---- */

struct file *file_alloc(const struct file_ops *ops, unsigned int flags, void *priv)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->refs = 1;
	f->flags = flags;
	f->ops = ops;
	f->priv = priv;
	return f;
}

void file_hold(struct file *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
	if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (f->ops->release)
		f->ops->release(f);
	kfree(f);
}

static unsigned int file_flags(const struct file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
}

bool file_readable(const struct file *f)
{
	return (file_flags(f) & O_ACCMODE) != O_WRONLY;
}

bool file_writable(const struct file *f)
{
	return (file_flags(f) & O_ACCMODE) != O_RDONLY;
}

bool file_nonblocking(const struct file *f)
{
	return file_flags(f) & O_NONBLOCK;
}

/* ---- Descriptor tables ---- */

static bool bit_test(const uint64_t *bits, int i)
{
	return bits[i / 64] & (1UL << (i % 64));
}

static void bit_set(uint64_t *bits, int i, bool on)
{
	if (on)
		bits[i / 64] |= 1UL << (i % 64);
	else
		bits[i / 64] &= ~(1UL << (i % 64));
}

static struct fdtable *my_table(void)
{
	return &current_proc()->files;
}

static bool fd_in_range(int fd)
{
	return fd >= 0 && fd < FD_MAX;
}

int fd_limit(void)
{
	uint64_t nofile = __atomic_load_n(&current_proc()->rlimits[RLIMIT_NOFILE].rlim_cur,
	                                  __ATOMIC_RELAXED);

	return (int)MIN(nofile, (uint64_t)FD_MAX);
}

void fdtable_init(struct fdtable *t)
{
	spin_init(&t->lock, "files");
	t->umask = 022;         /* Linux's for init */
}

struct file *fd_get(int fd)
{
	struct fdtable *t = my_table();
	struct file *f = NULL;

	if (!fd_in_range(fd))
		return NULL;
	spin_lock(&t->lock);
	if ((f = t->fd[fd]) != NULL)
		file_hold(f);
	spin_unlock(&t->lock);
	return f;
}

long fd_reserve(int min)
{
	struct fdtable *t = my_table();
	long fd = -EMFILE;

	int limit = fd_limit();

	spin_lock(&t->lock);
	for (int i = MAX(min, 0); i < limit; i++) {
		if (!t->fd[i] && !bit_test(t->reserved, i)) {
			bit_set(t->reserved, i, true);
			fd = i;
			break;
		}
	}
	spin_unlock(&t->lock);
	return fd;
}

void fd_fill(int fd, struct file *f, bool cloexec)
{
	struct fdtable *t = my_table();

	spin_lock(&t->lock);
	bit_set(t->reserved, fd, false);
	bit_set(t->cloexec, fd, cloexec);
	t->fd[fd] = f;
	spin_unlock(&t->lock);
}

void fd_unreserve(int fd)
{
	struct fdtable *t = my_table();

	spin_lock(&t->lock);
	bit_set(t->reserved, fd, false);
	spin_unlock(&t->lock);
}

long fd_install(struct file *f, int min, bool cloexec)
{
	long fd = fd_reserve(min);

	if (fd >= 0)
		fd_fill((int)fd, f, cloexec);
	return fd;
}

/* Empties slot i and returns its file (NULL if none), whose reference the caller drops. (d) held. */
static struct file *slot_take(struct fdtable *t, int i)
{
	struct file *f = t->fd[i];

	ASSERT_HELD(&t->lock);
	t->fd[i] = NULL;
	bit_set(t->cloexec, i, false);
	return f;
}

long fd_close(int fd)
{
	struct fdtable *t = my_table();
	struct file *f = NULL;

	if (!fd_in_range(fd))
		return -EBADF;
	spin_lock(&t->lock);
	f = slot_take(t, fd);
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

long fd_dup2(int oldfd, int newfd, bool cloexec)
{
	struct fdtable *t = my_table();
	struct file *f, *old = NULL;
	long r = newfd;

	if (!fd_in_range(oldfd) || newfd < 0 || newfd >= fd_limit())
		return -EBADF;
	spin_lock(&t->lock);
	if (!(f = t->fd[oldfd])) {
		r = -EBADF;
	} else if (bit_test(t->reserved, newfd)) {
		r = -EBUSY;
	} else {
		file_hold(f);
		old = slot_take(t, newfd);
		t->fd[newfd] = f;
		bit_set(t->cloexec, newfd, cloexec);
	}
	spin_unlock(&t->lock);
	if (old)
		file_put(old);
	return r;
}

long fd_get_cloexec(int fd)
{
	struct fdtable *t = my_table();
	long r;

	if (!fd_in_range(fd))
		return -EBADF;
	spin_lock(&t->lock);
	r = !t->fd[fd] ? -EBADF : bit_test(t->cloexec, fd);
	spin_unlock(&t->lock);
	return r;
}

long fd_set_cloexec(int fd, bool on)
{
	struct fdtable *t = my_table();
	long r = 0;

	if (!fd_in_range(fd))
		return -EBADF;
	spin_lock(&t->lock);
	if (!t->fd[fd])
		r = -EBADF;
	else
		bit_set(t->cloexec, fd, on);
	spin_unlock(&t->lock);
	return r;
}

void fdtable_copy(struct fdtable *dst, struct fdtable *src)
{
	spin_lock(&src->lock);
	for (int i = 0; i < FD_MAX; i++) {
		if (src->fd[i]) {
			file_hold(src->fd[i]);
			dst->fd[i] = src->fd[i];
			bit_set(dst->cloexec, i, bit_test(src->cloexec, i));
		}
	}
	spin_unlock(&src->lock);
	dst->umask = __atomic_load_n(&src->umask, __ATOMIC_RELAXED);
	vfs_lock();
	if ((dst->cwd = src->cwd) != NULL)
		inode_hold(dst->cwd);
	vfs_unlock();
}

/*
 * Closes every descriptor that `which` selects (NULL: all), one at a
 * time: each file is released with the lock dropped.
 */
static void close_where(struct fdtable *t, const uint64_t *which)
{
	for (int i = 0; i < FD_MAX; i++) {
		struct file *f = NULL;

		spin_lock(&t->lock);
		if (t->fd[i] && (!which || bit_test(which, i)))
			f = slot_take(t, i);
		spin_unlock(&t->lock);
		if (f)
			file_put(f);
	}
}

void fdtable_close_on_exec(struct fdtable *t)
{
	uint64_t which[FD_MAX / 64];

	spin_lock(&t->lock);
	for (size_t i = 0; i < ARRAY_SIZE(which); i++)
		which[i] = t->cloexec[i];
	spin_unlock(&t->lock);
	close_where(t, which);
}

void fdtable_close_all(struct fdtable *t)
{
	close_where(t, NULL);
	if (t->cwd) {
		inode_put_unlocked(t->cwd);
		t->cwd = NULL;
	}
}
