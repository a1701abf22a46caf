/*
 * /dev: the devices, as character-device inodes whose open() makes an
 * open file of the device (see vfs.h), and the directory /dev/shm, where
 * a writable file system is mounted.
 *
 *   null     reads give end of file, writes take every byte (Linux's 1:3)
 *   zero     reads give zero bytes, writes take every byte (1:5)
 *   tty      the console (5:0 on Linux, the process's controlling terminal)
 *   console  the console (5:1), the same open file as init's descriptors
 *
 * The devices' names are fixed: creating or removing names in /dev is
 * -EROFS (Linux's devtmpfs would allow it).
 */
#include "fs/vfs.h"
#include "kernel/file.h"
#include "kernel/printk.h"
#include "kernel/tty.h"
#include "uapi/errno.h"

#define MKDEV(major, minor) (((uint64_t)(major) << 8) | (minor))

static const uint8_t zeroes[256];

static long null_read(struct file *f, struct uio *uio)
{
	(void)f;
	(void)uio;
	return 0;
}

static long null_pread(struct file *f, struct uio *uio, uint64_t off)
{
	(void)off;
	return null_read(f, uio);
}

static long sink_write(struct file *f, struct uio *uio)
{
	(void)f;
	return (long)uio->resid;
}

static long sink_pwrite(struct file *f, struct uio *uio, uint64_t off)
{
	(void)off;
	return sink_write(f, uio);
}

/* zero's read: zero bytes, a chunk at a time; stops at a page it cannot write. */
static long zero_read(struct file *f, struct uio *uio)
{
	size_t done = 0;

	(void)f;
	while (uio->resid > 0) {
		size_t want = MIN(uio->resid, sizeof(zeroes));
		size_t n = uio_copyout(uio, zeroes, want);

		done += n;
		if (n < want)
			break;
	}
	return done || uio->resid == 0 ? (long)done : -EFAULT;
}

static long zero_pread(struct file *f, struct uio *uio, uint64_t off)
{
	(void)off;
	return zero_read(f, uio);
}

/* lseek on null and zero: accepted, the position stays 0 (Linux's). */
static long dev_lseek(struct file *f, int64_t off, int whence)
{
	(void)f;
	(void)off;
	(void)whence;
	return 0;
}

static void dev_stat(struct file *f, struct linux_stat *st)
{
	vfs_lock();
	vfs_stat(f->priv, st);
	vfs_unlock();
}

static void dev_release(struct file *f)
{
	inode_put_unlocked(f->priv);
}

static const struct file_ops null_ops = {
	.read = null_read, .write = sink_write, .pread = null_pread, .pwrite = sink_pwrite,
	.lseek = dev_lseek, .stat = dev_stat, .release = dev_release,
};

static const struct file_ops zero_ops = {
	.read = zero_read, .write = sink_write, .pread = zero_pread, .pwrite = sink_pwrite,
	.lseek = dev_lseek, .stat = dev_stat, .release = dev_release,
};

/* An open file of null or zero, holding its inode. vfs_lock() held. */
static struct file *memdev_open(struct inode *ip, unsigned int flags)
{
	struct file *f = file_alloc(ip->rdev == MKDEV(1, 3) ? &null_ops : &zero_ops, flags, ip);

	if (f)
		inode_hold(ip);
	return f;
}

/* tty and console: the console's own open file, with the access mode asked for. */
static struct file *console_open(struct inode *ip, unsigned int flags)
{
	struct file *f = tty_open_console();

	(void)ip;
	if (f)
		f->flags = flags;
	return f;
}

static void add_dev(struct inode *dir, const char *name, uint32_t perm, uint64_t rdev,
                    struct file *(*open)(struct inode *, unsigned int))
{
	struct inode *ip = inode_alloc(dir->fs, S_IFCHR | perm);
	size_t len = 0;

	while (name[len])
		len++;
	if (!ip || dir_link(dir, name, len, ip) < 0)
		panic("devfs: no memory for %s", name);
	ip->rdev = rdev;
	ip->open = open;
	inode_put(ip);
}

struct fs *devfs_create(void)
{
	struct fs *fs = fs_create("devfs", true, 0755);
	struct inode *shm;

	vfs_lock();
	add_dev(fs->root, "null", 0666, MKDEV(1, 3), memdev_open);
	add_dev(fs->root, "zero", 0666, MKDEV(1, 5), memdev_open);
	add_dev(fs->root, "tty", 0666, MKDEV(5, 0), console_open);
	add_dev(fs->root, "console", 0600, MKDEV(5, 1), console_open);
	if (!(shm = inode_alloc(fs, S_IFDIR | 01777)) || dir_link(fs->root, "shm", 3, shm) < 0)
		panic("devfs: no memory for shm");
	inode_put(shm);
	vfs_unlock();
	return fs;
}
