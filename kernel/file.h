/*
 * Open files and file descriptors, as on Linux.
 *
 * A descriptor is a slot of its process's table (struct fdtable) that
 * points at an open file (struct file, what Linux calls an open file
 * description): where reads and writes go, the access mode and the status
 * flags. dup, fcntl(F_DUPFD) and fork make more slots point at the same
 * open file, which therefore shares its flags (O_NONBLOCK set through one
 * descriptor holds for all of them); only FD_CLOEXEC belongs to the slot.
 * An open file counts its references (the slots, and the calls using it
 * right now) and is released with the last one, which is when a pipe
 * learns that one of its ends is closed.
 *
 * The kinds of open file: the console (kernel/tty.c), which init gets as
 * descriptors 0, 1 and 2 and every process inherits, the two ends of a
 * pipe (kernel/pipe.c), and what open() gives: a file or directory of the
 * file system (fs/vfs_file.c) or a device of /dev (fs/devfs.c). Each kind
 * supplies its operations (struct file_ops); the calls of
 * kernel/sys_file.c check the descriptor, the access mode and the user
 * buffers, then hand over to them.
 *
 * The threads of a process share its table (a thread is always created
 * as if with CLONE_FILES); fork copies it; exec closes the FD_CLOEXEC
 * descriptors; the exit of the last thread closes them all. The table
 * also holds the process's working directory (Linux keeps it beside, in
 * its fs_struct), which fork copies too and exit lets go.
 *
 * Locks: (d) the table's lock, "files" in kernel/lockorder.h, taken with no
 * other lock held and holding none: it guards slots, while the files are
 * kept alive by their counts; (a) atomic; (c) constant after creation.
 */
#ifndef KERNEL_FILE_H
#define KERNEL_FILE_H

#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "uapi/linux_types.h"

#define FD_MAX 256                  /* descriptors per process, 0 .. FD_MAX - 1 */
#define MAX_RW_COUNT 0x7ffff000UL   /* most bytes one read or write moves (Linux's) */

struct file;
struct inode;

/*
 * The user buffers of one read or write (several for readv and writev):
 * a kernel copy of the iovecs, consumed from the front as bytes move.
 * Every buffer is a user range (user_range_ok) by the time a uio exists.
 */
struct uio {
	struct linux_iovec *iov;
	int iovcnt;
	size_t resid;               /* bytes left, at most MAX_RW_COUNT */
	bool kernel;                /* the buffers are kernel memory (sendfile's) */
};

/*
 * Copy the next bytes between the user buffers and a kernel buffer,
 * advancing the uio: at most n (and resid) bytes; fewer only when a user
 * page cannot be read (uio_copyin) or written (uio_copyout), the bytes
 * before that page moved. A caller that moved nothing reports -EFAULT.
 */
size_t uio_copyin(struct uio *u, void *dst, size_t n);
size_t uio_copyout(struct uio *u, const void *src, size_t n);
/*
 * How many of the next n bytes (at most resid) could be written, page by
 * page, taking the faults a write would (user_probe_writable). Lets a
 * read check its buffer before it takes bytes from a pipe, which then
 * stay there when the buffer is bad, as on Linux.
 */
size_t uio_writable(const struct uio *u, size_t n);

/* What each kind of open file does. A NULL operation is refused. */
struct file_ops {
	/* Bytes into uio: how many (at least 1), 0 at end of file, or -E... */
	long (*read)(struct file *f, struct uio *uio);
	/* Bytes from uio: how many (at least 1), or -E... */
	long (*write)(struct file *f, struct uio *uio);
	/* An ioctl other than the generic ones; -ENOTTY when it does not know it. */
	long (*ioctl)(struct file *f, uint64_t request, uint64_t arg);
	/* read and write at offset off, not moving the file's position (pread64, pwrite64). */
	long (*pread)(struct file *f, struct uio *uio, uint64_t off);
	long (*pwrite)(struct file *f, struct uio *uio, uint64_t off);
	/* lseek: the new position, or -E...; NULL: -ESPIPE. */
	long (*lseek)(struct file *f, int64_t off, int whence);
	/*
	 * What poll reports now (POLLIN, POLLOUT, POLLHUP, POLLERR of
	 * uapi/poll.h); whoever changes the answer calls poll_notify()
	 * (kernel/poll.h). NULL: always ready to read and write, as a regular
	 * file is.
	 */
	unsigned int (*poll)(struct file *f);
	/* Fills what fstat reports beyond the zeroes. */
	void (*stat)(struct file *f, struct linux_stat *st);
	/* The last reference is gone (then the file is freed). */
	void (*release)(struct file *f);
};

struct file {
	int refs;                   /* (a) slots pointing here, and calls using it */
	unsigned int flags;         /* (a) access mode | O_NONBLOCK | O_APPEND (uapi/fcntl.h) */
	const struct file_ops *ops; /* (c) */
	void *priv;                 /* (c) the kind's own: a pipe end's pipe, a file's inode */
	uint64_t pos;               /* the position of read and write (fs/vfs.h's lock) */
};

struct fdtable {
	struct spinlock lock;
	struct file *fd[FD_MAX];          /* (d) NULL when free */
	uint64_t reserved[FD_MAX / 64];   /* (d) taken by pipe2, not yet filled */
	uint64_t cloexec[FD_MAX / 64];    /* (d) FD_CLOEXEC of each slot */
	struct inode *cwd;                /* the working directory, held; NULL: / (fs/vfs.h's lock) */
	unsigned int umask;               /* (a) the mode bits new files do not get */
};

/* A new open file with one reference; NULL when out of memory. */
struct file *file_alloc(const struct file_ops *ops, unsigned int flags, void *priv);
void file_hold(struct file *f);
/* Drops a reference; the last one releases and frees the file. */
void file_put(struct file *f);
/* Does the access mode allow reading, writing? */
bool file_readable(const struct file *f);
bool file_writable(const struct file *f);
bool file_nonblocking(const struct file *f);

/* ---- The calling process's table ---- */

/*
 * The number a new descriptor must stay below: the process's
 * RLIMIT_NOFILE, at most FD_MAX. Descriptors above a lowered limit stay
 * usable, as on Linux.
 */
int fd_limit(void);

/* The open file of descriptor fd, with a reference for the caller; NULL: -EBADF. */
struct file *fd_get(int fd);
/*
 * Takes the lowest free descriptor at or above min for a file to come
 * (pipe2 copies the numbers out before it commits): fd, or -EMFILE.
 */
long fd_reserve(int min);
/* Fills reserved slot fd with f, taking over the caller's reference to f. */
void fd_fill(int fd, struct file *f, bool cloexec);
/* Gives a reserved slot back unused. */
void fd_unreserve(int fd);
/* fd_reserve() and fd_fill() at once: the new descriptor, or -EMFILE. */
long fd_install(struct file *f, int min, bool cloexec);
/* close: 0 or -EBADF. */
long fd_close(int fd);
/*
 * dup2 and dup3's work: newfd (closed first if open) becomes a copy of
 * oldfd, with FD_CLOEXEC as given. newfd, or -EBADF (oldfd not open,
 * newfd outside the table), -EBUSY (newfd is reserved by a pipe2 in
 * another thread, as Linux answers). oldfd == newfd is the caller's case.
 */
long fd_dup2(int oldfd, int newfd, bool cloexec);
/* FD_CLOEXEC of fd: 0 or 1, or -EBADF; fd_set_cloexec: 0 or -EBADF. */
long fd_get_cloexec(int fd);
long fd_set_cloexec(int fd, bool on);

/* ---- Tables as processes come and go ---- */

void fdtable_init(struct fdtable *t);
/* fork: dst (new, empty) gets src's descriptors, their FD_CLOEXEC, the working directory. */
void fdtable_copy(struct fdtable *dst, struct fdtable *src);
/* exec: closes the FD_CLOEXEC descriptors. */
void fdtable_close_on_exec(struct fdtable *t);
/* The exit of the last thread: closes every descriptor, lets the working directory go. */
void fdtable_close_all(struct fdtable *t);

#endif
