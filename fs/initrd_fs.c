/*
 * The initrd as a read-only file system (see vfs.h): at boot, every member
 * of the archive (kernel/initrd.h) becomes an inode. A directory member
 * gives its mode to the directory; a directory that only appears in the
 * path of another member is made with mode 0755, so an archive without
 * directory entries works too. A regular file's bytes stay in the
 * archive, used in place; a symbolic link's target is copied (its mode is
 * 0777, as every link's on Linux, whatever the archive says). Hard links
 * and other types are left out (the build makes none).
 */
#include "fs/vfs.h"
#include "kernel/initrd.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"

/* The entry `name` of dir, made with `mode` when missing; panics when out of memory. */
static struct inode *child(struct inode *dir, const char *name, size_t len, uint32_t mode)
{
	struct dentry *d = dir_find(dir, name, len);
	struct inode *ip;

	if (d)
		return d->ip;
	if (!(ip = inode_alloc(dir->fs, mode)) || dir_link(dir, name, len, ip) < 0)
		panic("initrd_fs: no memory for %.*s", (int)len, name);
	inode_put(ip);          /* its name keeps it */
	return ip;
}

/* Makes the inode of member m, and the directories on its path. */
static void add_member(struct fs *fs, const struct initrd_member *m)
{
	const char *path = initrd_strip(m->name);
	size_t end = strlen(path), start;
	struct inode *dir = fs->root, *ip;
	struct dentry *d;
	uint32_t type;

	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0)
		return;
	for (start = 0;;) {
		size_t len = 0;

		while (start + len < end && path[start + len] != '/')
			len++;
		if (start + len == end)
			break;
		dir = child(dir, path + start, len, S_IFDIR | 0755);
		if (!S_ISDIR(dir->mode))
			return;         /* a file's name used as a directory: left out */
		start += len + 1;
	}
	switch (m->type) {
	case '5':
		type = S_IFDIR;
		break;
	case '2':
		type = S_IFLNK;
		break;
	case '0':
	case '\0':
		type = S_IFREG;
		break;
	default:
		return;
	}
	if ((d = dir_find(dir, path + start, end - start)) != NULL) {
		if (S_ISDIR(d->ip->mode) && type == S_IFDIR)
			d->ip->mode = S_IFDIR | m->mode;    /* made earlier for a path */
		return;
	}
	ip = child(dir, path + start, end - start, type | (type == S_IFLNK ? 0777 : m->mode));
	if (type == S_IFREG) {
		ip->reg.bytes = m->data;
		ip->size = m->size;
	} else if (type == S_IFLNK) {
		size_t tlen = strlen(m->link);

		if (!(ip->target = kmalloc(tlen + 1)))
			panic("initrd_fs: no memory for a link");
		memcpy(ip->target, m->link, tlen + 1);
	}
}

struct fs *initrd_fs_create(void)
{
	struct fs *fs = fs_create("initrd", true, 0755);
	struct initrd_member m;
	size_t off = 0;

	vfs_lock();
	while (initrd_next(&off, &m))
		add_member(fs, &m);
	vfs_unlock();
	return fs;
}
