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
#define O_CREAT     0x40
#define O_EXCL      0x80
#define O_NOCTTY    0x100         /* accepted; there are no controlling terminals */
#define O_TRUNC     0x200
#define O_APPEND    0x400
#define O_NONBLOCK  0x800
#define O_DIRECT    0x4000        /* a packet-mode pipe on Linux; refused here */
#define O_LARGEFILE 0x8000        /* always on for 64-bit programs; F_GETFL shows it */
#define O_DIRECTORY 0x10000
#define O_NOFOLLOW  0x20000
#define O_CLOEXEC   0x80000
#define O_PATH      0x200000      /* refused: -EINVAL */
#define O_TMPFILE   (0x400000 | O_DIRECTORY)   /* refused: -EINVAL */

/* The *at calls: the directory a relative path starts from, and their flags. */
#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200      /* unlinkat */
#define AT_EACCESS          0x200      /* faccessat2 */
#define AT_SYMLINK_FOLLOW   0x400
#define AT_NO_AUTOMOUNT     0x800      /* accepted; nothing is automounted */
#define AT_EMPTY_PATH       0x1000

/* access modes */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

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
#define S_IFDIR  0040000
#define S_IFREG  0100000
#define S_IFLNK  0120000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_IALLUGO 07777           /* the permission bits with setuid, setgid, sticky */

/* getdents64's d_type */
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

/* renameat2 flags */
#define RENAME_NOREPLACE 1

#define PIPE_BUF 4096             /* writes up to this size are atomic */
#define PATH_MAX 4096             /* bytes in a path, its NUL included */
#define NAME_MAX 255              /* bytes in one path component */

#endif
