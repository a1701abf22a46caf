/*
 * Linux's flags of open files and descriptors (x86-64 values, from
 * include/uapi/asm-generic/fcntl.h and linux/stat.h): the open flags that
 * pipe2, dup3 and fcntl take, fcntl's commands, and the file types fstat
 * reports. Programs take them from their C library (<fcntl.h>,
 * <sys/stat.h>); this header is for the kernel.
 */
#ifndef UAPI_FCNTL_H
#define UAPI_FCNTL_H

/* Open flags: the access mode, then the status flags. */
#define O_RDONLY    0x0
#define O_WRONLY    0x1
#define O_RDWR      0x2
#define O_ACCMODE   0x3
#define O_APPEND    0x400
#define O_NONBLOCK  0x800
#define O_DIRECT    0x4000        /* a packet-mode pipe on Linux; refused here */
#define O_CLOEXEC   0x80000

/* fcntl commands. */
#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1         /* F_GETFD, F_SETFD */

/* lseek whence. */
#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4

/* st_mode: the file type and the permission bits. */
#define S_IFMT   0170000
#define S_IFIFO  0010000
#define S_IFCHR  0020000

#define PIPE_BUF 4096             /* writes up to this size are atomic */

#endif
