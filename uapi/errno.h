/*
 * Error numbers shared by the kernel and user space: Linux's (x86-64).
 * System calls return a negative value of one of these on failure.
 */
#ifndef UAPI_ERRNO_H
#define UAPI_ERRNO_H

#define EPERM    1   /* operation not permitted */
#define ENOENT   2   /* no such file, process or shm key */
#define ESRCH    3   /* no such process */
#define EINTR    4
#define EIO      5   /* invariant checker found a violation */
#define ENXIO    6   /* lseek SEEK_DATA/SEEK_HOLE past the end */
#define E2BIG    7   /* argument list too long */
#define ENOEXEC  8   /* not a valid ELF64 executable */
#define EBADF    9   /* bad file descriptor */
#define ECHILD  10   /* no child to wait for */
#define EAGAIN  11   /* process or thread limit reached */
#define ENOMEM  12   /* out of memory or address space */
#define EACCES  13   /* permission denied (e.g. shm mode) */
#define EFAULT  14   /* bad user pointer */
#define EBUSY   16
#define EEXIST  17   /* IPC_CREAT|IPC_EXCL on an existing key; a name taken */
#define EXDEV   18   /* rename across file systems */
#define ENODEV  19   /* mmap of something that is not a regular file */
#define ENOTDIR 20
#define EISDIR  21   /* writing a directory */
#define EINVAL  22   /* invalid argument */
#define ENFILE  23
#define EMFILE  24   /* the descriptor table is full */
#define ENOTTY  25   /* not a terminal */
#define EFBIG   27   /* a file past its largest size */
#define ENOSPC  28   /* shm id or size limit reached */
#define ESPIPE  29   /* lseek on a pipe or terminal */
#define EROFS   30   /* writing the read-only file system (the initrd) */
#define EPIPE   32   /* write to a pipe with no reader */
#define ERANGE  34   /* buffer too small */
#define ENAMETOOLONG 36
#define ENOSYS  38   /* unknown system call */
#define ENOTEMPTY 39 /* rmdir of a directory with entries */
#define ELOOP   40   /* too many symbolic links, or O_NOFOLLOW on one */
#define EIDRM   43   /* shm segment removed */
#define EOVERFLOW 75 /* a file mapping reaching past the largest file offset */
#define ETIMEDOUT 110 /* a futex wait timed out */

#endif
