/*
 * Pipes (see pipe.h).
 *
 * The buffer is a ring of PIPE_SIZE bytes over PIPE_PAGES pages, each
 * allocated when the ring first reaches it (a pipe that carries short
 * messages costs one page) and kept until the pipe goes. User memory is
 * never touched with the pipe's lock held, since a copy can fault and the
 * fault path takes locks and may allocate: a write copies its bytes into a
 * kernel buffer first (one PIPE_BUF chunk at a time, so a write of at most
 * PIPE_BUF goes into the ring in one step and is atomic), and a read takes
 * bytes out into a kernel buffer and copies them out after. A read first
 * checks, unlocked, that its buffer can be written for the bytes it is
 * about to take, so that a bad buffer leaves them in the pipe (-EFAULT),
 * as on Linux.
 *
 * Readers sleep on &pipe->readers, writers on &pipe->writers; every change
 * that could let one go on wakes them all, and each looks again, and
 * tells poll (poll_notify()).
 *
 * Locks: (b) the pipe's lock ("pipe" in kernel/lockorder.h), under which
 * only the scheduler's lock (sleep, wakeup) and the page allocator's are
 * taken; (c) constant after creation.
 */
#include "kernel/pipe.h"
#include "kernel/poll.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/poll.h"
#include "uapi/signal.h"

#define PIPE_PAGES (PIPE_SIZE / PAGE_SIZE)
#define PIPE_DEV   0xc   /* st_dev of every pipe (Linux's pipefs has one too) */

struct pipe {
	struct spinlock lock;
	struct vm_page *pages[PIPE_PAGES];   /* (b) the ring; NULL until first written */
	size_t head;          /* (b) ring offset of the next byte to read */
	size_t len;           /* (b) bytes in the ring */
	int readers;          /* (b) open files of the read end */
	int writers;          /* (b) open files of the write end */
	uint64_t ino;         /* (c) fstat's st_ino, the same at both ends */
};

static uint64_t next_ino = 1;

static char *ring_at(struct pipe *p, size_t off)
{
	return (char *)page_to_virt(p->pages[off / PAGE_SIZE]) + off % PAGE_SIZE;
}

/* Moves n bytes (n <= len) from the front of the ring to dst. (b) held. */
static void ring_take(struct pipe *p, char *dst, size_t n)
{
	while (n > 0) {
		size_t run = MIN(n, PAGE_SIZE - p->head % PAGE_SIZE);

		memcpy(dst, ring_at(p, p->head), run);
		p->head = (p->head + run) % PIPE_SIZE;
		p->len -= run;
		dst += run;
		n -= run;
	}
}

/*
 * Allocates the pages that the next n bytes at the tail will use
 * (n <= PIPE_SIZE - len); false when memory is out. (b) held.
 */
static bool ring_alloc(struct pipe *p, size_t n)
{
	size_t tail = (p->head + p->len) % PIPE_SIZE;

	for (size_t off = 0; off < n; off += PAGE_SIZE - (tail + off) % PAGE_SIZE) {
		struct vm_page **pg = &p->pages[(tail + off) % PIPE_SIZE / PAGE_SIZE];

		if (!*pg && !(*pg = page_alloc()))
			return false;
	}
	return true;
}

/* Appends n bytes whose pages ring_alloc() has made ready. (b) held. */
static void ring_put(struct pipe *p, const char *src, size_t n)
{
	while (n > 0) {
		size_t tail = (p->head + p->len) % PIPE_SIZE;
		size_t run = MIN(n, PAGE_SIZE - tail % PAGE_SIZE);

		memcpy(ring_at(p, tail), src, run);
		p->len += run;
		src += run;
		n -= run;
	}
}

/*
 * Sleeps on chan (&p->readers or &p->writers) until the other side acts,
 * the pipe's lock held and dropped while asleep. 0: look again; -EAGAIN
 * for an O_NONBLOCK file, -ERESTARTSYS when a signal came (restarted, or
 * -EINTR if a handler runs; see signal.h).
 */
static long pipe_wait(struct file *f, struct pipe *p, void *chan)
{
	if (file_nonblocking(f))
		return -EAGAIN;
	if (proc_interrupted())
		return -ERESTARTSYS;
	sleep_on(chan, &p->lock);
	return 0;
}

static long pipe_read(struct file *f, struct uio *uio)
{
	struct pipe *p = f->priv;
	size_t done = 0, chunk = MIN(uio->resid, PIPE_BUF);
	char *buf;
	long err = 0;

	if (uio->resid == 0)
		return 0;
	if (!(buf = kmalloc(chunk)))
		return -ENOMEM;
	spin_lock(&p->lock);
	while (uio->resid > 0) {
		size_t n, copied;

		if (p->len == 0) {
			if (done > 0 || p->writers == 0)
				break;                  /* what was there, or end of file */
			if ((err = pipe_wait(f, p, &p->readers)) != 0)
				break;
			continue;
		}
		n = MIN(p->len, MIN(uio->resid, chunk));
		spin_unlock(&p->lock);
		n = uio_writable(uio, n);
		spin_lock(&p->lock);
		if (n == 0) {
			err = -EFAULT;
			break;
		}
		n = MIN(n, p->len);             /* another reader may have been first */
		ring_take(p, buf, n);
		wakeup(&p->writers);
		poll_notify();
		spin_unlock(&p->lock);
		/* Short only if another thread unmapped the buffer since the check. */
		copied = uio_copyout(uio, buf, n);
		done += copied;
		spin_lock(&p->lock);
		if (copied < n) {
			err = -EFAULT;
			break;
		}
	}
	spin_unlock(&p->lock);
	kfree(buf);
	return done ? (long)done : err;
}

static long pipe_write(struct file *f, struct uio *uio)
{
	struct pipe *p = f->priv;
	bool atomic = uio->resid <= PIPE_BUF, sigpipe = false;
	size_t done = 0;
	char *buf;
	long err = 0;

	if (uio->resid == 0)
		return 0;               /* a null write succeeds, readers or not */
	spin_lock(&p->lock);
	if (p->readers == 0) {
		/* Before the buffer is looked at, as Linux does: EPIPE, not EFAULT. */
		spin_unlock(&p->lock);
		proc_raise(SIGPIPE);
		return -EPIPE;
	}
	spin_unlock(&p->lock);
	if (!(buf = kmalloc(MIN(uio->resid, PIPE_BUF))))
		return -ENOMEM;
	while (uio->resid > 0 && err == 0) {
		size_t want = MIN(uio->resid, PIPE_BUF);
		size_t n = uio_copyin(uio, buf, want), put = 0;

		if (n < want)
			err = -EFAULT;          /* after the n bytes before the bad page */
		spin_lock(&p->lock);
		while (put < n) {
			size_t room = PIPE_SIZE - p->len, m;

			if (p->readers == 0) {
				err = -EPIPE;
				sigpipe = true;
				break;
			}
			if (room < (atomic ? n : 1)) {
				if ((err = pipe_wait(f, p, &p->writers)) != 0)
					break;
				continue;
			}
			m = MIN(room, n - put);
			if (!ring_alloc(p, m)) {
				err = -ENOMEM;
				break;
			}
			ring_put(p, buf + put, m);
			put += m;
			wakeup(&p->readers);
			poll_notify();
		}
		spin_unlock(&p->lock);
		done += put;
	}
	kfree(buf);
	if (sigpipe)
		proc_raise(SIGPIPE);
	return done ? (long)done : err;
}

static long pipe_ioctl(struct file *f, uint64_t request, uint64_t arg)
{
	struct pipe *p = f->priv;
	int n;

	if (request != FIONREAD)
		return -ENOTTY;
	spin_lock(&p->lock);
	n = (int)p->len;
	spin_unlock(&p->lock);
	return copyout((void *)arg, &n, sizeof(n));
}

/*
 * poll: the read end is readable with bytes in the pipe, and hung up
 * (POLLHUP) once no write end is open; the write end is writable with
 * room for PIPE_BUF bytes (an atomic write), and in error (POLLERR) once
 * no read end is open. As Linux's.
 */
static unsigned int pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	unsigned int mask = 0;

	spin_lock(&p->lock);
	if (file_readable(f)) {
		if (p->len > 0)
			mask |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			mask |= POLLHUP;
	} else {
		if (PIPE_SIZE - p->len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	spin_unlock(&p->lock);
	return mask;
}

static void pipe_stat(struct file *f, struct linux_stat *st)
{
	struct pipe *p = f->priv;

	st->st_dev = PIPE_DEV;
	st->st_ino = p->ino;
	st->st_nlink = 1;
	st->st_mode = S_IFIFO | 0600;
	st->st_blksize = PAGE_SIZE;
}

static void pipe_free(struct pipe *p)
{
	for (size_t i = 0; i < PIPE_PAGES; i++)
		if (p->pages[i])
			page_free(p->pages[i]);
	kfree(p);
}

/* The last reference to one end: the other end's sleepers learn it. */
static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	bool last;

	spin_lock(&p->lock);
	if (file_readable(f))
		p->readers--;
	else
		p->writers--;
	wakeup(&p->readers);
	wakeup(&p->writers);
	poll_notify();
	last = p->readers == 0 && p->writers == 0;
	spin_unlock(&p->lock);
	if (last)
		pipe_free(p);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
	.stat = pipe_stat,
	.release = pipe_release,
};

long pipe_create(unsigned int flags, struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return -ENOMEM;
	spin_init(&p->lock, "pipe");
	p->readers = p->writers = 1;
	p->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	*rd = file_alloc(&pipe_ops, O_RDONLY | flags, p);
	*wr = file_alloc(&pipe_ops, O_WRONLY | flags, p);
	if (!*rd || !*wr) {
		kfree(*rd);
		kfree(*wr);
		kfree(p);
		return -ENOMEM;
	}
	return 0;
}
