/*
 * Test suite "fs": the file system through Linux's calls, checked for what
 * Linux documents (open(2), stat(2), getdents64(2), readlink(2),
 * access(2), getcwd(2), chdir(2), mkdir(2), rmdir(2), unlink(2),
 * rename(2), truncate(2), sendfile(2), path_resolution(7), symlink(7)):
 * the initrd's files and symbolic links (/etc/fstest, made by
 * user/user.mk), a writable /tmp, /dev's devices, the working directory,
 * exec through the file system, and the errors of bad names, descriptors
 * and pointers. Raw calls (syscall6) where the exact error matters, so the
 * same checks hold on Linux, where tests/linux/init.c mounts /dev and
 * /tmp. The initrd is read-only only here (Linux's initramfs root is
 * writable): those cases skip on Linux.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "utest.h"

#define SC(n, a, b, c, d, e, f) \
	syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

#define BAD_PTR ((void *)16)   /* never mapped, here or on Linux */
#define RENAME_NOREPLACE 1     /* renameat2 (linux/fs.h; musl has no name for it) */
#define HELLO "/etc/fstest/hello"

static long sc_open(const char *path, long flags, long mode)
{
	return SC(NR_open, path, flags, mode, 0, 0, 0);
}

static long sc_openat(long dirfd, const char *path, long flags, long mode)
{
	return SC(NR_openat, dirfd, path, flags, mode, 0, 0);
}

static long sc_close(long fd)
{
	return SC(NR_close, fd, 0, 0, 0, 0, 0);
}

static long sc_stat(const char *path, struct stat *st)
{
	return SC(NR_stat, path, st, 0, 0, 0, 0);
}

static long sc_lstat(const char *path, struct stat *st)
{
	return SC(NR_lstat, path, st, 0, 0, 0, 0);
}

static long sc_lseek(long fd, long off, long whence)
{
	return SC(NR_lseek, fd, off, whence, 0, 0, 0);
}

static long sc_mkdir(const char *path, long mode)
{
	return SC(NR_mkdir, path, mode, 0, 0, 0, 0);
}

static long sc_rmdir(const char *path)
{
	return SC(NR_rmdir, path, 0, 0, 0, 0, 0);
}

static long sc_unlink(const char *path)
{
	return SC(NR_unlink, path, 0, 0, 0, 0, 0);
}

static long sc_access(const char *path, long mode)
{
	return SC(NR_access, path, mode, 0, 0, 0, 0);
}

static long sc_readlink(const char *path, char *buf, long size)
{
	return SC(NR_readlink, path, buf, size, 0, 0, 0);
}

static long sc_getcwd(char *buf, long size)
{
	return SC(NR_getcwd, buf, size, 0, 0, 0, 0);
}

static long sc_chdir(const char *path)
{
	return SC(NR_chdir, path, 0, 0, 0, 0, 0);
}

/* A new file at path holding len bytes of data: 0 or -E... */
static long make_file(const char *path, const void *data, size_t len, long mode)
{
	long fd = sc_open(path, O_CREAT | O_WRONLY | O_TRUNC, mode), r;

	if (fd < 0)
		return fd;
	r = sys_write((int)fd, data, len);
	sc_close(fd);
	return r < 0 ? r : r == (long)len ? 0 : -EIO;
}

/* Reads all of path into buf (at most len bytes): how many, or -E... */
static long slurp(const char *path, char *buf, size_t len)
{
	long fd = sc_open(path, O_RDONLY, 0), n = 0, r;

	if (fd < 0)
		return fd;
	while ((size_t)n < len && (r = sys_read((int)fd, buf + n, len - n)) > 0)
		n += r;
	sc_close(fd);
	return n;
}

/* ---- The initrd ---- */

UTEST(an_initrd_file_reads_seeks_and_stats)
{
	struct stat st;
	char buf[16] = { 0 };
	long fd = sc_open(HELLO, O_RDONLY, 0);

	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(6, sys_read((int)fd, buf, sizeof(buf)));
	UT_ASSERT(memcmp(buf, "hello\n", 6) == 0);
	UT_ASSERT_EQ(0, sys_read((int)fd, buf, sizeof(buf)));
	UT_ASSERT_EQ(1, sc_lseek(fd, 1, SEEK_SET));
	UT_ASSERT_EQ(5, sys_read((int)fd, buf, sizeof(buf)));
	UT_ASSERT(memcmp(buf, "ello\n", 5) == 0);
	UT_ASSERT_EQ(3, SC(NR_pread64, fd, buf, 3, 2, 0, 0));
	UT_ASSERT(memcmp(buf, "llo", 3) == 0);
	UT_ASSERT_EQ(6, sc_lseek(fd, 0, SEEK_CUR));          /* pread moved nothing */
	UT_ASSERT_EQ(4, sc_lseek(fd, -2, SEEK_END));
	UT_ASSERT_EQ(-EINVAL, sc_lseek(fd, -7, SEEK_END));
	UT_ASSERT_EQ(-EINVAL, sc_lseek(fd, 0, 77));
	UT_ASSERT_EQ(-EINVAL, SC(NR_pread64, fd, buf, 1, -1, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_fstat, fd, &st, 0, 0, 0, 0));
	UT_ASSERT(S_ISREG(st.st_mode));
	UT_ASSERT_EQ(0644, st.st_mode & 07777);
	UT_ASSERT_EQ(6, st.st_size);
	UT_ASSERT_EQ(1, st.st_nlink);
	UT_ASSERT_EQ(-EBADF, sys_write((int)fd, "x", 1));    /* opened read-only */
	UT_ASSERT_EQ(0, sc_close(fd));
	UT_ASSERT_EQ(0, sc_stat("/usr/bin/nop", &st));
	UT_ASSERT(S_ISREG(st.st_mode) && (st.st_mode & 0111));
	UT_ASSERT_EQ(0, sc_stat("/usr/bin", &st));
	UT_ASSERT(S_ISDIR(st.st_mode));
}

UTEST(the_initrd_is_read_only)
{
	UT_NEEDS_OWN_KERNEL("Linux's initramfs root is writable");
	UT_ASSERT_EQ(-EROFS, sc_open(HELLO, O_WRONLY, 0));
	UT_ASSERT_EQ(-EROFS, sc_open(HELLO, O_RDWR, 0));
	UT_ASSERT_EQ(-EROFS, sc_open(HELLO, O_RDONLY | O_TRUNC, 0));
	UT_ASSERT_EQ(-EROFS, sc_open("/etc/new", O_CREAT | O_WRONLY, 0644));
	UT_ASSERT_EQ(-EROFS, sc_mkdir("/etc/newdir", 0755));
	UT_ASSERT_EQ(-EEXIST, sc_mkdir("/etc", 0755));
	UT_ASSERT_EQ(-EROFS, sc_unlink(HELLO));
	UT_ASSERT_EQ(-EROFS, sc_rmdir("/etc/fstest"));
	UT_ASSERT_EQ(-EROFS, sc_rmdir("/tmp"));   /* Linux's order: the parent's file system first */
	UT_ASSERT_EQ(-EROFS, SC(NR_truncate, HELLO, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EROFS, sc_access(HELLO, W_OK));
	UT_ASSERT_EQ(-EROFS, SC(NR_rename, HELLO, "/etc/fstest/other", 0, 0, 0, 0));
	UT_ASSERT_EQ(-EXDEV, SC(NR_rename, HELLO, "/tmp/other", 0, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_access("/dev/null", W_OK));       /* a device is no file's data */
}

UTEST(access_answers_as_for_root)
{
	UT_ASSERT_EQ(0, sc_access(HELLO, F_OK));
	UT_ASSERT_EQ(0, sc_access(HELLO, R_OK));
	UT_ASSERT_EQ(-EACCES, sc_access(HELLO, X_OK));       /* no execute bit, even for root */
	UT_ASSERT_EQ(0, sc_access("/usr/bin/nop", X_OK | R_OK));
	UT_ASSERT_EQ(0, sc_access("/etc", X_OK));
	UT_ASSERT_EQ(-ENOENT, sc_access("/etc/none", F_OK));
	UT_ASSERT_EQ(-EINVAL, sc_access(HELLO, 8));
	UT_ASSERT_EQ(0, SC(NR_faccessat, AT_FDCWD, HELLO, R_OK, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_faccessat2, AT_FDCWD, HELLO, R_OK, 0x8000, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_faccessat2, AT_FDCWD, "/etc/fstest/dangling", F_OK,
	                   AT_SYMLINK_NOFOLLOW, 0, 0));
	UT_ASSERT_EQ(-ENOENT, SC(NR_faccessat2, AT_FDCWD, "/etc/fstest/dangling", F_OK, 0, 0, 0));
}

/* ---- Symbolic links and path resolution ---- */

UTEST(symbolic_links_are_followed_or_read)
{
	struct stat st, lst;
	char buf[64] = { 0 };

	UT_ASSERT_EQ(0, sc_stat("/etc/fstest/link", &st));
	UT_ASSERT(S_ISREG(st.st_mode));
	UT_ASSERT_EQ(6, st.st_size);
	UT_ASSERT_EQ(0, sc_lstat("/etc/fstest/link", &lst));
	UT_ASSERT(S_ISLNK(lst.st_mode));
	UT_ASSERT_EQ(5, lst.st_size);                        /* strlen("hello") */
	UT_ASSERT_EQ(5, sc_readlink("/etc/fstest/link", buf, sizeof(buf)));
	UT_ASSERT(memcmp(buf, "hello", 5) == 0);
	UT_ASSERT_EQ(2, sc_readlink("/etc/fstest/abs", buf, 2));   /* cut, no NUL */
	UT_ASSERT(memcmp(buf, "/e", 2) == 0);
	UT_ASSERT_EQ(-EINVAL, sc_readlink(HELLO, buf, sizeof(buf)));
	UT_ASSERT_EQ(-EINVAL, sc_readlink("/etc/fstest/link", buf, 0));
	UT_ASSERT_EQ(-EFAULT, sc_readlink("/etc/fstest/link", BAD_PTR, 8));
	UT_ASSERT_EQ(6, slurp("/etc/fstest/link", buf, sizeof(buf)));
	UT_ASSERT_EQ(6, slurp("/etc/fstest/up/fstest/./hello", buf, sizeof(buf)));
	UT_ASSERT_EQ(6, slurp("/etc/fstest/../fstest/link", buf, sizeof(buf)));
	UT_ASSERT_EQ(0, sc_stat("/etc/fstest/bin/nop", &st));
	UT_ASSERT_EQ(0, sc_stat("/etc/fstest/bin/", &st));
	UT_ASSERT(S_ISDIR(st.st_mode));
	UT_ASSERT_EQ(0, sc_stat("/../../etc/../etc/fstest/abs", &st));   /* the root's ".." is the root */
	UT_ASSERT_EQ(-ENOENT, sc_open("/etc/fstest/dangling", O_RDONLY, 0));
	UT_ASSERT_EQ(0, sc_lstat("/etc/fstest/dangling", &lst));
	UT_ASSERT_EQ(-ELOOP, sc_open("/etc/fstest/loop", O_RDONLY, 0));
	UT_ASSERT_EQ(-ELOOP, sc_stat("/etc/fstest/loop/x", &st));
	UT_ASSERT_EQ(-ELOOP, sc_open("/etc/fstest/link", O_RDONLY | O_NOFOLLOW, 0));
	UT_ASSERT_EQ(-ENOTDIR, sc_open("/etc/fstest/link", O_RDONLY | O_DIRECTORY, 0));
}

UTEST(bad_names_get_linux_errors)
{
	static char longname[NAME_MAX + 2], longpath[PATH_MAX + 8];
	struct stat st;

	memset(longname, 'a', NAME_MAX + 1);
	for (size_t i = 0; i + 2 < sizeof(longpath); i += 2)
		memcpy(longpath + i, "/.", 2);
	UT_ASSERT_EQ(-ENOENT, sc_open("/etc/none", O_RDONLY, 0));
	UT_ASSERT_EQ(-ENOENT, sc_open("/none/x", O_RDONLY, 0));
	UT_ASSERT_EQ(-ENOENT, sc_open("", O_RDONLY, 0));
	UT_ASSERT_EQ(-ENOTDIR, sc_open(HELLO "/x", O_RDONLY, 0));
	UT_ASSERT_EQ(-ENOTDIR, sc_open(HELLO "/", O_RDONLY, 0));
	UT_ASSERT_EQ(-ENOTDIR, sc_open(HELLO, O_RDONLY | O_DIRECTORY, 0));
	UT_ASSERT_EQ(-ENAMETOOLONG, sc_open(longname, O_RDONLY, 0));
	UT_ASSERT_EQ(-ENAMETOOLONG, sc_stat(longpath, &st));
	UT_ASSERT_EQ(-EFAULT, sc_open(BAD_PTR, O_RDONLY, 0));
	UT_ASSERT_EQ(-EFAULT, sc_stat(BAD_PTR, &st));
	UT_ASSERT_EQ(-EFAULT, sc_stat(HELLO, BAD_PTR));
	UT_ASSERT_EQ(-EISDIR, sc_open("/etc", O_WRONLY, 0));
	UT_ASSERT_EQ(-EISDIR, sc_open("/tmp", O_RDWR, 0));
	UT_ASSERT_EQ(-EISDIR, sc_open("/tmp", O_CREAT | O_RDONLY, 0600));
	UT_ASSERT_EQ(-EINVAL, SC(NR_newfstatat, AT_FDCWD, HELLO, &st, 0x1, 0, 0));
}

UTEST(a_directory_reads_only_through_getdents64)
{
	char buf[512];
	long fd = sc_open("/etc/fstest", O_RDONLY | O_DIRECTORY, 0), n;
	int seen = 0;

	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(-EISDIR, sys_read((int)fd, buf, sizeof(buf)));
	UT_ASSERT_EQ(-EBADF, sys_write((int)fd, buf, 1));
	UT_ASSERT_EQ(-EINVAL, SC(NR_getdents64, fd, buf, 8, 0, 0, 0));   /* no entry fits */
	UT_ASSERT_EQ(-EFAULT, SC(NR_getdents64, fd, BAD_PTR, sizeof(buf), 0, 0, 0));
	while ((n = SC(NR_getdents64, fd, buf, sizeof(buf), 0, 0, 0)) > 0) {
		for (long off = 0; off < n;) {
			uint16_t reclen;
			const char *name = buf + off + 19;
			uint8_t type = (uint8_t)buf[off + 18];

			memcpy(&reclen, buf + off + 16, 2);
			if (!strcmp(name, "hello"))
				seen |= type == DT_REG ? 1 : 0;
			else if (!strcmp(name, "link"))
				seen |= type == DT_LNK ? 2 : 0;
			else if (!strcmp(name, "."))
				seen |= type == DT_DIR ? 4 : 0;
			else if (!strcmp(name, ".."))
				seen |= 8;
			else
				seen |= 16;
			off += reclen;
		}
	}
	UT_ASSERT_EQ(0, n);
	UT_ASSERT_EQ(31, seen);                              /* and abs, up, bin, ... */
	UT_ASSERT_EQ(0, sc_lseek(fd, 0, SEEK_SET));          /* rewinddir */
	UT_ASSERT(SC(NR_getdents64, fd, buf, sizeof(buf), 0, 0, 0) > 0);
	UT_ASSERT_EQ(0, sc_close(fd));
	UT_ASSERT_EQ(-ENOTDIR, SC(NR_getdents64, 0, buf, sizeof(buf), 0, 0, 0));
	UT_ASSERT_EQ(-EBADF, SC(NR_getdents64, 999, buf, sizeof(buf), 0, 0, 0));
}

/* ---- /tmp ---- */

UTEST(tmp_files_are_created_written_and_truncated)
{
	static char data[10000], back[10000];
	struct stat st;
	long fd;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7);
	fd = sc_open("/tmp/fs-a", O_CREAT | O_EXCL | O_RDWR, 0640);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(-EEXIST, sc_open("/tmp/fs-a", O_CREAT | O_EXCL | O_RDWR, 0640));
	UT_ASSERT_EQ((long)sizeof(data), sys_write((int)fd, data, sizeof(data)));
	UT_ASSERT_EQ(0, SC(NR_fstat, fd, &st, 0, 0, 0, 0));
	UT_ASSERT_EQ(S_IFREG | 0640, st.st_mode);
	UT_ASSERT_EQ((long)sizeof(data), st.st_size);
	UT_ASSERT_EQ((long)sizeof(back), SC(NR_pread64, fd, back, sizeof(back), 0, 0, 0));
	UT_ASSERT(memcmp(data, back, sizeof(data)) == 0);
	/* Shrink into a page, grow again: the bytes past the cut read as zeroes. */
	UT_ASSERT_EQ(0, SC(NR_ftruncate, fd, 5000, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_ftruncate, fd, 9000, 0, 0, 0, 0));
	UT_ASSERT_EQ(9000, SC(NR_pread64, fd, back, sizeof(back), 0, 0, 0));
	UT_ASSERT(memcmp(data, back, 5000) == 0);
	for (int i = 5000; i < 9000; i++)
		UT_ASSERT_EQ(0, back[i]);
	/* A write past the end leaves a hole of zeroes. */
	UT_ASSERT_EQ(2, SC(NR_pwrite64, fd, "zz", 2, 20000, 0, 0));
	UT_ASSERT_EQ(20002, sc_lseek(fd, 0, SEEK_END));
	UT_ASSERT_EQ(1, SC(NR_pread64, fd, back, 1, 15000, 0, 0));
	UT_ASSERT_EQ(0, back[0]);
	UT_ASSERT_EQ(-EINVAL, SC(NR_ftruncate, fd, -1, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_close(fd));
	/* O_APPEND writes at the end; O_TRUNC empties. */
	fd = sc_open("/tmp/fs-a", O_WRONLY | O_APPEND, 0);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(1, sys_write((int)fd, "!", 1));
	UT_ASSERT_EQ(20003, sc_lseek(fd, 0, SEEK_CUR));
	UT_ASSERT_EQ(-EINVAL, SC(NR_ftruncate, 0, 0, 0, 0, 0, 0));   /* the terminal */
	UT_ASSERT_EQ(0, sc_close(fd));
	fd = sc_open("/tmp/fs-a", O_RDONLY, 0);
	UT_ASSERT_EQ(-EINVAL, SC(NR_ftruncate, fd, 0, 0, 0, 0, 0));   /* not open for writing */
	UT_ASSERT_EQ(0, sc_close(fd));
	fd = sc_open("/tmp/fs-a", O_WRONLY | O_TRUNC, 0);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(0, SC(NR_fstat, fd, &st, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, st.st_size);
	UT_ASSERT_EQ(0, sc_close(fd));
	UT_ASSERT_EQ(0, SC(NR_truncate, "/tmp/fs-a", 3, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_stat("/tmp/fs-a", &st));
	UT_ASSERT_EQ(3, st.st_size);
	UT_ASSERT_EQ(-EISDIR, SC(NR_truncate, "/tmp", 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_unlink("/tmp/fs-a"));
	UT_ASSERT_EQ(-ENOENT, sc_unlink("/tmp/fs-a"));
}

UTEST(an_unlinked_open_file_stays_readable_until_the_last_close)
{
	static char data[16 * 4096], back[16 * 4096];
	long fd, before = 0, file_pages = 0;
	struct stat st;

	ut_touch_stack();
	memset(data, 'u', sizeof(data));
	memset(back, 0, sizeof(back));
	if (own_kernel()) {
		before = ut_free_pages();
		file_pages = (long)ut_vmstat(0).file_pages;
	}
	fd = sc_open("/tmp/fs-u", O_CREAT | O_RDWR, 0600);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ((long)sizeof(data), sys_write((int)fd, data, sizeof(data)));
	UT_ASSERT_EQ(0, sc_unlink("/tmp/fs-u"));
	UT_ASSERT_EQ(-ENOENT, sc_stat("/tmp/fs-u", &st));
	UT_ASSERT_EQ(0, SC(NR_fstat, fd, &st, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, st.st_nlink);
	UT_ASSERT_EQ((long)sizeof(back), SC(NR_pread64, fd, back, sizeof(back), 0, 0, 0));
	UT_ASSERT(memcmp(data, back, sizeof(data)) == 0);
	if (own_kernel()) {             /* its 16 pages are still held, counted as a file's */
		UT_ASSERT(ut_free_pages() <= before - 16);
		UT_ASSERT_EQ(file_pages + 16, (long)ut_vmstat(0).file_pages);
	}
	UT_ASSERT_EQ(0, sc_close(fd));
	if (own_kernel()) {
		UT_ASSERT_EQ(before, ut_free_pages_settle(before));
		UT_ASSERT_EQ(file_pages, (long)ut_vmstat(0).file_pages);
	}
}

UTEST(directories_are_made_listed_and_removed)
{
	char buf[1024];
	long fd, n;
	int names = 0;

	UT_ASSERT_EQ(0, sc_mkdir("/tmp/fs-d", 0755));
	UT_ASSERT_EQ(-EEXIST, sc_mkdir("/tmp/fs-d", 0755));
	UT_ASSERT_EQ(-EEXIST, sc_mkdir("/tmp/fs-d/", 0755));
	UT_ASSERT_EQ(0, make_file("/tmp/fs-d/a", "a", 1, 0644));
	UT_ASSERT_EQ(0, sc_mkdir("/tmp/fs-d/sub", 0700));
	UT_ASSERT_EQ(-ENOENT, sc_mkdir("/tmp/fs-none/sub", 0700));
	UT_ASSERT_EQ(-ENOTDIR, sc_mkdir("/tmp/fs-d/a/sub", 0700));
	fd = sc_open("/tmp/fs-d", O_RDONLY | O_DIRECTORY, 0);
	UT_ASSERT_OK(fd);
	while ((n = SC(NR_getdents64, fd, buf, sizeof(buf), 0, 0, 0)) > 0)
		for (long off = 0; off < n;) {
			uint16_t reclen;

			memcpy(&reclen, buf + off + 16, 2);
			names++;
			off += reclen;
		}
	UT_ASSERT_EQ(4, names);                              /* . .. a sub */
	UT_ASSERT_EQ(0, sc_close(fd));
	UT_ASSERT_EQ(-ENOTEMPTY, sc_rmdir("/tmp/fs-d"));
	UT_ASSERT_EQ(-EISDIR, sc_unlink("/tmp/fs-d/sub"));
	UT_ASSERT_EQ(-ENOTDIR, sc_rmdir("/tmp/fs-d/a"));
	UT_ASSERT_EQ(-EINVAL, sc_rmdir("/tmp/fs-d/sub/."));
	UT_ASSERT_EQ(-ENOTEMPTY, sc_rmdir("/tmp/fs-d/sub/.."));
	UT_ASSERT_EQ(0, sc_rmdir("/tmp/fs-d/sub"));
	UT_ASSERT_EQ(0, SC(NR_unlinkat, AT_FDCWD, "/tmp/fs-d/a", 0, 0, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_unlinkat, AT_FDCWD, "/tmp/fs-d", 0x1, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_unlinkat, AT_FDCWD, "/tmp/fs-d", AT_REMOVEDIR, 0, 0, 0));
	UT_ASSERT_EQ(-ENOENT, sc_rmdir("/tmp/fs-d"));
}

UTEST(symlinks_and_renames_in_tmp)
{
	char buf[32] = { 0 };
	struct stat st;

	UT_ASSERT_EQ(0, make_file("/tmp/fs-r1", "one", 3, 0644));
	UT_ASSERT_EQ(0, make_file("/tmp/fs-r2", "two", 3, 0644));
	UT_ASSERT_EQ(0, SC(NR_symlink, "fs-r1", "/tmp/fs-l", 0, 0, 0, 0));
	UT_ASSERT_EQ(-EEXIST, SC(NR_symlink, "x", "/tmp/fs-l", 0, 0, 0, 0));
	UT_ASSERT_EQ(5, sc_readlink("/tmp/fs-l", buf, sizeof(buf)));
	UT_ASSERT_EQ(3, slurp("/tmp/fs-l", buf, sizeof(buf)));
	UT_ASSERT(memcmp(buf, "one", 3) == 0);
	UT_ASSERT_EQ(-EEXIST, SC(NR_renameat2, AT_FDCWD, "/tmp/fs-r1", AT_FDCWD, "/tmp/fs-r2",
	                         RENAME_NOREPLACE, 0));
	UT_ASSERT_EQ(0, SC(NR_rename, "/tmp/fs-r1", "/tmp/fs-r2", 0, 0, 0, 0));   /* replaces */
	UT_ASSERT_EQ(-ENOENT, sc_stat("/tmp/fs-r1", &st));
	UT_ASSERT_EQ(3, slurp("/tmp/fs-r2", buf, sizeof(buf)));
	UT_ASSERT(memcmp(buf, "one", 3) == 0);
	UT_ASSERT_EQ(-ENOENT, sc_stat("/tmp/fs-l", &st));    /* its target is gone */
	UT_ASSERT_EQ(0, sc_mkdir("/tmp/fs-rd", 0755));
	UT_ASSERT_EQ(-EINVAL, SC(NR_rename, "/tmp/fs-rd", "/tmp/fs-rd/in", 0, 0, 0, 0));
	UT_ASSERT_EQ(-EISDIR, SC(NR_rename, "/tmp/fs-r2", "/tmp/fs-rd", 0, 0, 0, 0));
	UT_ASSERT_EQ(-ENOTDIR, SC(NR_rename, "/tmp/fs-rd", "/tmp/fs-r2", 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_rename, "/tmp/fs-r2", "/tmp/fs-rd/moved", 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_rename, "/tmp/fs-rd", "/tmp/fs-rd2", 0, 0, 0, 0));
	UT_ASSERT_EQ(3, slurp("/tmp/fs-rd2/moved", buf, sizeof(buf)));
	UT_ASSERT_EQ(-EXDEV, SC(NR_rename, "/tmp/fs-rd2/moved", "/dev/shm/moved", 0, 0, 0, 0));
	/* A trailing '/' does not make rmdir or unlink follow a link to a directory. */
	UT_ASSERT_EQ(0, SC(NR_symlink, "fs-rd2", "/tmp/fs-l2", 0, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_stat("/tmp/fs-l2/", &st));
	UT_ASSERT(S_ISDIR(st.st_mode));
	UT_ASSERT_EQ(-ENOTDIR, sc_rmdir("/tmp/fs-l2/"));
	UT_ASSERT_EQ(-ENOTDIR, sc_unlink("/tmp/fs-l2/"));
	UT_ASSERT_EQ(-EEXIST, sc_mkdir("/tmp/fs-l2/", 0755));
	UT_ASSERT_EQ(0, sc_unlink("/tmp/fs-l2"));
	UT_ASSERT_EQ(0, sc_unlink("/tmp/fs-rd2/moved"));
	UT_ASSERT_EQ(0, sc_rmdir("/tmp/fs-rd2"));
	UT_ASSERT_EQ(0, sc_unlink("/tmp/fs-l"));
}

/*
 * Four processes at once (four CPUs with --smp 4) make, fill, check, list
 * and remove their own files in one directory: every byte read back is
 * the writer's, and the directory is empty at the end.
 */
UTEST(concurrent_processes_share_one_directory)
{
	int pids[4], status;

	UT_ASSERT_EQ(0, sc_mkdir("/tmp/fs-c", 0755));
	for (int k = 0; k < 4; k++) {
		if ((pids[k] = fork()) == 0) {
			char path[64], data[5000], back[5000], dents[1024];

			for (int i = 0; i < 40; i++) {
				long dfd;

				snprintf(path, sizeof(path), "/tmp/fs-c/%d-%d", k, i);
				memset(data, 'a' + k, sizeof(data));
				data[i] = (char)i;
				if (make_file(path, data, sizeof(data), 0600) < 0 ||
				    slurp(path, back, sizeof(back)) != (long)sizeof(back) ||
				    memcmp(data, back, sizeof(data)) != 0)
					exit(1);
				dfd = sc_open("/tmp/fs-c", O_RDONLY | O_DIRECTORY, 0);
				while (SC(NR_getdents64, dfd, dents, sizeof(dents), 0, 0, 0) > 0)
					;
				sc_close(dfd);
				if (sc_unlink(path) < 0)
					exit(2);
			}
			exit(0);
		}
		UT_ASSERT(pids[k] > 0);
	}
	for (int k = 0; k < 4; k++) {
		UT_ASSERT_EQ(pids[k], waitpid_timeout(pids[k], &status, UT_RUN_LIMIT_MS));
		UT_ASSERT_EQ(W_EXITCODE(0), status);
	}
	UT_ASSERT_EQ(0, sc_rmdir("/tmp/fs-c"));
}

/* ---- The working directory and the *at calls ---- */

UTEST(the_working_directory_moves_and_is_inherited)
{
	char buf[64];
	struct stat st;
	int pid, status;

	UT_ASSERT_EQ(2, sc_getcwd(buf, sizeof(buf)));        /* "/" and its NUL */
	UT_ASSERT_EQ(0, strcmp(buf, "/"));
	UT_ASSERT_EQ(0, sc_chdir("/etc/fstest/up"));          /* through a link */
	UT_ASSERT_EQ(5, sc_getcwd(buf, sizeof(buf)));
	UT_ASSERT_EQ(0, strcmp(buf, "/etc"));
	UT_ASSERT_EQ(0, sc_stat("fstest/hello", &st));
	UT_ASSERT_EQ(-ERANGE, sc_getcwd(buf, 4));
	UT_ASSERT_EQ(-EFAULT, sc_getcwd(BAD_PTR, 64));
	UT_ASSERT_EQ(-ENOTDIR, sc_chdir(HELLO));
	UT_ASSERT_EQ(-ENOENT, sc_chdir("none"));
	UT_ASSERT_EQ(0, sc_mkdir("/tmp/fs-cwd", 0755));
	UT_ASSERT_EQ(0, sc_chdir("/tmp/fs-cwd"));
	UT_ASSERT_EQ(0, make_file("f", "x", 1, 0644));
	pid = fork();
	if (pid == 0) {
		char b[64];

		exit(sc_getcwd(b, sizeof(b)) == 12 && !strcmp(b, "/tmp/fs-cwd") &&
		     sc_stat("f", &st) == 0 ? 0 : 1);
	}
	UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
	UT_ASSERT_EQ(0, sc_chdir(".."));
	UT_ASSERT_EQ(5, sc_getcwd(buf, sizeof(buf)));
	UT_ASSERT_EQ(0, strcmp(buf, "/tmp"));                 /* out of a mounted root */
	UT_ASSERT_EQ(0, sc_chdir("fs-cwd"));
	UT_ASSERT_EQ(0, sc_unlink("f"));
	UT_ASSERT_EQ(0, sc_rmdir("/tmp/fs-cwd"));
	UT_ASSERT_EQ(-ENOENT, sc_getcwd(buf, sizeof(buf)));   /* removed */
	UT_ASSERT_EQ(-ENOENT, sc_open("new", O_CREAT | O_RDWR, 0600));
	UT_ASSERT_EQ(0, sc_chdir("/"));
}

UTEST(at_calls_start_from_their_directory_descriptor)
{
	struct stat st, st2;
	long dfd = sc_open("/etc/fstest", O_RDONLY | O_DIRECTORY, 0), fd, tfd;

	UT_ASSERT_OK(dfd);
	fd = sc_openat(dfd, "hello", O_RDONLY | O_CLOEXEC, 0);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(FD_CLOEXEC, SC(NR_fcntl, fd, F_GETFD, 0, 0, 0, 0));
	UT_ASSERT_EQ(O_RDONLY | O_LARGEFILE, SC(NR_fcntl, fd, F_GETFL, 0, 0, 0, 0));
	UT_ASSERT_EQ(-ENOTDIR, sc_openat(fd, "x", O_RDONLY, 0));
	UT_ASSERT_EQ(-EBADF, sc_openat(999, "x", O_RDONLY, 0));
	tfd = sc_openat(999, "/etc/motd", O_RDONLY, 0);       /* an absolute path ignores dirfd */
	UT_ASSERT_OK(tfd);
	UT_ASSERT_EQ(0, SC(NR_newfstatat, dfd, "link", &st, 0, 0, 0));
	UT_ASSERT(S_ISREG(st.st_mode));
	UT_ASSERT_EQ(0, SC(NR_newfstatat, dfd, "link", &st, AT_SYMLINK_NOFOLLOW, 0, 0));
	UT_ASSERT(S_ISLNK(st.st_mode));
	UT_ASSERT_EQ(0, SC(NR_newfstatat, fd, "", &st, AT_EMPTY_PATH, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_fstat, fd, &st2, 0, 0, 0, 0));
	UT_ASSERT_EQ(st2.st_ino, st.st_ino);
	UT_ASSERT_EQ(-ENOENT, SC(NR_newfstatat, fd, "", &st, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_newfstatat, AT_FDCWD, "", &st, AT_EMPTY_PATH, 0, 0));
	UT_ASSERT(S_ISDIR(st.st_mode));                       /* the working directory */
	UT_ASSERT_EQ(0, SC(NR_faccessat2, 0, "", R_OK | W_OK, AT_EMPTY_PATH, 0, 0));
	UT_ASSERT_EQ(-EACCES, SC(NR_faccessat2, 0, "", X_OK, AT_EMPTY_PATH, 0, 0));
	UT_ASSERT_EQ(5, SC(NR_readlinkat, dfd, "link", &st, sizeof(st), 0, 0));
	UT_ASSERT_EQ(0, SC(NR_faccessat, dfd, "hello", R_OK, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_fchdir, dfd, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_stat("hello", &st));
	UT_ASSERT_EQ(-ENOTDIR, SC(NR_fchdir, fd, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(-EBADF, SC(NR_fchdir, 999, 0, 0, 0, 0, 0));
	UT_ASSERT_EQ(0, sc_chdir("/"));
	sc_close(fd);
	sc_close(tfd);
	sc_close(dfd);
	dfd = sc_open("/tmp", O_RDONLY | O_DIRECTORY, 0);
	UT_ASSERT_EQ(0, SC(NR_mkdirat, dfd, "fs-at", 0755, 0, 0, 0));
	fd = sc_openat(dfd, "fs-at/f", O_CREAT | O_WRONLY, 0600);
	UT_ASSERT_OK(fd);
	sc_close(fd);
	UT_ASSERT_EQ(0, SC(NR_unlinkat, dfd, "fs-at/f", 0, 0, 0, 0));
	UT_ASSERT_EQ(0, SC(NR_unlinkat, dfd, "fs-at", AT_REMOVEDIR, 0, 0, 0));
	sc_close(dfd);
}

/* ---- /dev ---- */

UTEST(dev_null_zero_and_console_are_devices)
{
	char buf[64];
	struct stat st;
	long fd;

	UT_ASSERT_EQ(0, sc_stat("/dev/null", &st));
	UT_ASSERT(S_ISCHR(st.st_mode));
	UT_ASSERT_EQ(makedev(1, 3), st.st_rdev);
	UT_ASSERT_EQ(0, sc_stat("/dev/zero", &st));
	UT_ASSERT_EQ(makedev(1, 5), st.st_rdev);
	UT_ASSERT_EQ(0, sc_stat("/dev/tty", &st));
	UT_ASSERT_EQ(makedev(5, 0), st.st_rdev);
	UT_ASSERT_EQ(0, sc_stat("/dev/console", &st));
	UT_ASSERT_EQ(makedev(5, 1), st.st_rdev);
	UT_ASSERT_EQ(0, sc_stat("/dev/shm", &st));
	UT_ASSERT(S_ISDIR(st.st_mode));
	fd = sc_open("/dev/null", O_RDWR, 0);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(0, sys_read((int)fd, buf, sizeof(buf)));
	UT_ASSERT_EQ(5, sys_write((int)fd, "hello", 5));
	UT_ASSERT_EQ(0, sc_lseek(fd, 100, SEEK_SET));
	UT_ASSERT_EQ(0, SC(NR_fstat, fd, &st, 0, 0, 0, 0));
	UT_ASSERT_EQ(makedev(1, 3), st.st_rdev);
	sc_close(fd);
	fd = sc_open("/dev/zero", O_RDONLY, 0);
	memset(buf, 'x', sizeof(buf));
	UT_ASSERT_EQ(64, sys_read((int)fd, buf, sizeof(buf)));
	for (int i = 0; i < 64; i++)
		UT_ASSERT_EQ(0, buf[i]);
	UT_ASSERT_EQ(-EFAULT, sys_read((int)fd, BAD_PTR, 8));
	sc_close(fd);
	fd = sc_open("/dev/console", O_WRONLY, 0);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(1, sys_write((int)fd, "\n", 1));
	UT_ASSERT_EQ(-ESPIPE, sc_lseek(fd, 0, SEEK_CUR));
	UT_ASSERT_EQ(-EBADF, sys_read((int)fd, buf, 1));
	sc_close(fd);
	UT_ASSERT_EQ(0, make_file("/dev/shm/fs-s", "s", 1, 0600));
	UT_ASSERT_EQ(0, sc_unlink("/dev/shm/fs-s"));
}

UTEST(dev_tty_opens_the_console)
{
	long fd;

	UT_NEEDS_OWN_KERNEL("Linux gives ENXIO to a process without a controlling terminal");
	fd = sc_open("/dev/tty", O_RDWR, 0);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(1, sys_write((int)fd, "\n", 1));
	sc_close(fd);
}

/* ---- sendfile ---- */

UTEST(sendfile_copies_from_a_file)
{
	char buf[16] = { 0 };
	int fds[2];
	long in = sc_open(HELLO, O_RDONLY, 0), off = 1;

	UT_ASSERT_OK(in);
	UT_ASSERT_EQ(0, pipe(fds));
	UT_ASSERT_EQ(4, SC(NR_sendfile, fds[1], in, &off, 4, 0, 0));
	UT_ASSERT_EQ(5, off);
	UT_ASSERT_EQ(0, sc_lseek(in, 0, SEEK_CUR));           /* with an offset, the position stays */
	UT_ASSERT_EQ(4, sys_read(fds[0], buf, sizeof(buf)));
	UT_ASSERT(memcmp(buf, "ello", 4) == 0);
	UT_ASSERT_EQ(6, SC(NR_sendfile, fds[1], in, 0, 100, 0, 0));
	UT_ASSERT_EQ(6, sc_lseek(in, 0, SEEK_CUR));
	UT_ASSERT_EQ(0, SC(NR_sendfile, fds[1], in, 0, 100, 0, 0));   /* at the end */
	UT_ASSERT_EQ(6, sys_read(fds[0], buf, sizeof(buf)));
	UT_ASSERT_EQ(-EBADF, SC(NR_sendfile, fds[1], 999, 0, 1, 0, 0));
	UT_ASSERT_EQ(-EBADF, SC(NR_sendfile, in, in, 0, 1, 0, 0));     /* out not writable */
	UT_ASSERT_EQ(-EINVAL, SC(NR_sendfile, fds[1], fds[0], 0, 1, 0, 0));   /* from a pipe */
	UT_ASSERT_EQ(-EFAULT, SC(NR_sendfile, fds[1], in, BAD_PTR, 1, 0, 0));
	sc_close(in);
	sc_close(fds[0]);
	sc_close(fds[1]);
}

/* ---- exec through the file system ---- */

/* Runs path (as argv[0] too) in a child: the child's exit status, or 100 + errno of execve. */
static int run(const char *path)
{
	int pid = fork(), status;

	if (pid == 0) {
		char *argv[] = { (char *)path, NULL };
		long r = sys_execve(path, argv, environ);

		exit(100 + (int)-r);
	}
	if (waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

UTEST(exec_finds_programs_through_the_file_system)
{
	static char image[256 * 1024];
	char *argv[] = { "x", NULL };
	long n = slurp("/usr/bin/nop", image, sizeof(image));

	UT_ASSERT(n > 0 && n < (long)sizeof(image));
	UT_ASSERT_EQ(0, make_file("/tmp/fs-true", image, (size_t)n, 0755));
	UT_ASSERT_EQ(0, run("/tmp/fs-true"));
	UT_ASSERT_EQ(0, run("/etc/fstest/bin/nop"));
	UT_ASSERT_EQ(0, make_file("/tmp/fs-text", "not a program\n", 14, 0755));
	UT_ASSERT_EQ(-ENOEXEC, sys_execve("/tmp/fs-text", argv, environ));
	UT_ASSERT_EQ(0, make_file("/tmp/fs-noexec", image, (size_t)n, 0644));
	UT_ASSERT_EQ(-EACCES, sys_execve("/tmp/fs-noexec", argv, environ));
	UT_ASSERT_EQ(-EACCES, sys_execve("/etc/motd", argv, environ));
	UT_ASSERT_EQ(-EACCES, sys_execve("/tmp", argv, environ));
	UT_ASSERT_EQ(-ENOTDIR, sys_execve("/usr/bin/nop/x", argv, environ));
	UT_ASSERT_EQ(-ELOOP, sys_execve("/etc/fstest/loop", argv, environ));
	UT_ASSERT_EQ(0, sc_chdir("/tmp"));
	UT_ASSERT_EQ(0, run("fs-true"));                     /* relative to the working directory */
	UT_ASSERT_EQ(0, run("../usr/bin/nop"));
	UT_ASSERT_EQ(0, sc_chdir("/"));
	UT_ASSERT_EQ(0, sc_unlink("/tmp/fs-true"));
	UT_ASSERT_EQ(0, sc_unlink("/tmp/fs-text"));
	UT_ASSERT_EQ(0, sc_unlink("/tmp/fs-noexec"));
}

/*
 * A C file dropped into user/local/ is built like the project's programs
 * into /usr/local/bin (user/user.mk): the example user/local/hello.c is
 * there, and runs.
 */
UTEST(local_programs_are_built_into_usr_local_bin)
{
	char buf[128];

	UT_ASSERT_EQ(0, sc_access("/usr/local/bin/hello", X_OK));
	UT_ASSERT_EQ(0, ut_run_capture("/usr/local/bin/hello",
	    (char *[]){ "hello", "tests", NULL }, NULL, buf, sizeof(buf)));
	UT_ASSERT_EQ(0, strcmp(buf, "hello, tests (from /usr/local/bin/hello)\n"));
}

int main(int argc, char **argv)
{
	return utest_main("fs", argc, argv);
}
