/*
 * The console as file descriptors 0, 1 and 2 (until there are files):
 * read(0) reads a line from the terminal, write and writev to 1 or 2 print,
 * and ioctl answers the terminal questions libc asks at start-up.
 */
#include "kernel/console.h"
#include "kernel/syscall.h"
#include "kernel/tty.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/linux_types.h"

#define IOV_MAX 1024

long sys_read(struct trapframe *tf)
{
	if (tf->rdi != 0)
		return -EBADF;
	return tty_read((void *)tf->rsi, tf->rdx);
}

/* Prints len user bytes at ubuf; the bytes printed, or -EFAULT if none. */
static long console_out(uint64_t ubuf, size_t len)
{
	char chunk[256];
	size_t done = 0;

	if (!user_range_ok(ubuf, len))
		return -EFAULT;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));

		if (copyin(chunk, (void *)(ubuf + done), n) < 0)
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return (long)done;
}

long sys_write(struct trapframe *tf)
{
	if (tf->rdi != 1 && tf->rdi != 2)
		return -EBADF;
	return console_out(tf->rsi, tf->rdx);
}

/* writev(fd, iov, iovcnt) */
long sys_writev(struct trapframe *tf)
{
	struct linux_iovec iov;
	uint64_t total = 0;
	long done = 0, n;

	if (tf->rdi != 1 && tf->rdi != 2)
		return -EBADF;
	if (tf->rdx > IOV_MAX)
		return -EINVAL;
	for (uint64_t i = 0; i < tf->rdx; i++) {
		if (copyin(&iov, (void *)(tf->rsi + i * sizeof(iov)), sizeof(iov)) < 0)
			return done ? done : -EFAULT;
		if (iov.iov_len > (uint64_t)INT64_MAX - total)
			return done ? done : -EINVAL;
		total += iov.iov_len;
		if (iov.iov_len == 0)
			continue;
		n = console_out(iov.iov_base, iov.iov_len);
		if (n < 0)
			return done ? done : n;
		done += n;
	}
	return done;
}

/*
 * ioctl(fd, request, arg) on the console: TIOCGWINSZ gives an 80x24
 * terminal (musl's stdio makes stdout line-buffered when it succeeds);
 * every other request is -ENOTTY.
 */
long sys_ioctl(struct trapframe *tf)
{
	struct linux_winsize ws = { 24, 80, 0, 0 };

	if (tf->rdi > 2)
		return -EBADF;
	if (tf->rsi == TIOCGWINSZ)
		return copyout((void *)tf->rdx, &ws, sizeof(ws));
	return -ENOTTY;
}
