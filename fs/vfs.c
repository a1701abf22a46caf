/*
 * The tree's lock, inodes, directory entries and mounts (see vfs.h).
 */
#include "fs/vfs.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"

/* ---- The lock: a sleeping lock, since its holder copies user memory ---- */

static struct spinlock vfs_spin = SPINLOCK_INIT("vfs");
static struct thread *vfs_owner;      /* (vfs_spin) */

void vfs_lock(void)
{
	spin_lock(&vfs_spin);
	if (vfs_owner && vfs_owner == current_thread())
		panic("vfs_lock: taken twice by the same thread");
	while (vfs_owner)
		sleep_on(&vfs_owner, &vfs_spin);
	vfs_owner = current_thread();
	spin_unlock(&vfs_spin);
}

void vfs_unlock(void)
{
	spin_lock(&vfs_spin);
	vfs_owner = NULL;
	wakeup(&vfs_owner);
	spin_unlock(&vfs_spin);
}

/* Panics unless the calling thread holds the lock (debug builds). */
static void assert_locked(const char *fn)
{
	if (KDEBUG && __atomic_load_n(&vfs_owner, __ATOMIC_RELAXED) != current_thread())
		panic("%s: vfs_lock() not held", fn);
}

/* ---- Inodes ---- */

struct inode *inode_alloc(struct fs *fs, uint32_t mode)
{
	struct inode *ip = kzalloc(sizeof(*ip));

	if (!ip)
		return NULL;
	ip->refs = 1;
	ip->mode = mode;
	ip->fs = fs;
	ip->ino = fs->next_ino++;
	if (S_ISDIR(mode))
		ip->dir.next_cookie = 2;
	return ip;
}

void inode_hold(struct inode *ip)
{
	assert_locked(__func__);
	ip->refs++;
}

/* Frees what ip holds: its object, target, entries (none: it is empty), parent. */
static void inode_free(struct inode *ip)
{
	struct inode *parent = NULL;

	if (S_ISREG(ip->mode)) {
		if (ip->reg.obj && !ip->reg.bytes)
			vm_object_release(ip->reg.obj);   /* its mappings keep it */
	} else if (S_ISLNK(ip->mode)) {
		kfree(ip->target);
	} else if (S_ISDIR(ip->mode)) {
		if (ip->dir.entries)
			panic("inode_free: directory %lu still has entries", (unsigned long)ip->ino);
		if (ip->dir.parent != ip)
			parent = ip->dir.parent;
	}
	kfree(ip);
	if (parent)
		inode_put(parent);
}

void inode_put(struct inode *ip)
{
	assert_locked(__func__);
	if (ip->refs <= 0)
		panic("inode_put: inode %lu has no reference", (unsigned long)ip->ino);
	if (--ip->refs == 0 && (ip->nlink == 0 || ip->transient))
		inode_free(ip);
}

void inode_put_unlocked(struct inode *ip)
{
	vfs_lock();
	inode_put(ip);
	vfs_unlock();
}

/* ---- Directories ---- */

struct dentry *dir_find(struct inode *dir, const char *name, size_t len)
{
	for (struct dentry *d = dir->dir.entries; d; d = d->next)
		if (d->len == len && memcmp(d->name, name, len) == 0)
			return d;
	return NULL;
}

/* A new entry naming ip (not yet in a directory), or NULL when out of memory. */
static struct dentry *dentry_new(const char *name, size_t len, struct inode *ip)
{
	struct dentry *d = kmalloc(sizeof(*d) + len + 1);

	if (!d)
		return NULL;
	d->next = NULL;
	d->ip = ip;
	d->len = (uint8_t)len;
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	return d;
}

/* Puts d last in dir, with dir's next cookie (entries list in the order made). */
static void dentry_append(struct inode *dir, struct dentry *d)
{
	struct dentry **tail;

	d->cookie = dir->dir.next_cookie++;
	for (tail = &dir->dir.entries; *tail; tail = &(*tail)->next)
		;
	*tail = d;
}

/* Takes d out of dir's list and frees it. */
static void dentry_free(struct inode *dir, struct dentry *d)
{
	struct dentry **pp;

	for (pp = &dir->dir.entries; *pp != d; pp = &(*pp)->next)
		;
	*pp = d->next;
	kfree(d);
}

int dir_link(struct inode *dir, const char *name, size_t len, struct inode *ip)
{
	struct dentry *d = dentry_new(name, len, ip);

	if (!d)
		return -ENOMEM;
	dentry_append(dir, d);
	ip->nlink++;
	if (S_ISDIR(ip->mode)) {
		ip->nlink++;            /* its own "." */
		dir->nlink++;           /* its ".." */
		inode_hold(dir);
		ip->dir.parent = dir;
	}
	return 0;
}

void dir_unlink(struct inode *dir, struct dentry *d)
{
	struct inode *ip = d->ip;

	dentry_free(dir, d);
	if (S_ISDIR(ip->mode)) {
		ip->nlink = 0;          /* its name and its "." */
		dir->nlink--;
	} else {
		ip->nlink--;
	}
	/* Freed now when nobody uses it; else by the last inode_put(). */
	if (ip->nlink == 0 && ip->refs == 0)
		inode_free(ip);
}

int dir_rename(struct inode *odir, struct dentry *od, struct inode *ndir, const char *name,
               size_t len)
{
	struct inode *ip = od->ip;
	struct dentry *old = dir_find(ndir, name, len), *nd = dentry_new(name, len, ip);

	if (!nd)
		return -ENOMEM;
	if (old)
		dir_unlink(ndir, old);
	dentry_free(odir, od);
	dentry_append(ndir, nd);
	if (S_ISDIR(ip->mode) && odir != ndir) {
		odir->nlink--;
		ndir->nlink++;
		inode_hold(ndir);
		ip->dir.parent = ndir;
		inode_put(odir);        /* named, or held by the caller: not freed */
	}
	return 0;
}

bool dir_empty(const struct inode *dir)
{
	return dir->dir.entries == NULL;
}

/* ---- File systems and mounts ---- */

static struct inode *root;     /* (c) after vfs_init() */
static uint64_t next_dev = 1;  /* st_dev numbers, in the order of creation */

struct fs *fs_create(const char *name, bool readonly, uint32_t root_mode)
{
	struct fs *fs = kzalloc(sizeof(*fs));

	if (!fs)
		panic("fs_create: no memory for %s", name);
	fs->name = name;
	fs->readonly = readonly;
	fs->dev = next_dev++;
	fs->next_ino = 1;
	if (!(fs->root = inode_alloc(fs, S_IFDIR | root_mode)))
		panic("fs_create: no memory for %s", name);
	fs->root->nlink = 2;
	fs->root->dir.parent = fs->root;
	return fs;
}

void vfs_set_root(struct fs *fs)
{
	root = fs->root;
}

struct inode *vfs_root(void)
{
	inode_hold(root);
	return root;
}

struct inode *vfs_cwd(void)
{
	struct proc *p = current_proc();
	struct inode *ip = p && p->files.cwd ? p->files.cwd : root;

	inode_hold(ip);
	return ip;
}

void fs_mount(struct fs *fs, const char *path)
{
	struct lookup l;
	int err;

	vfs_lock();
	if ((err = vfs_lookup(root, path, LOOKUP_FOLLOW, &l)) < 0)
		panic("fs_mount: %s: error %d", path, err);
	if (!S_ISDIR(l.ip->mode) || l.ip->dir.mounted)
		panic("fs_mount: %s is not a free directory", path);
	l.ip->dir.mounted = fs->root;
	inode_hold(l.ip);               /* the mount holds its mount point */
	fs->covered = l.ip;
	lookup_done(&l);
	vfs_unlock();
}

/* The directory `name` of the root, made when the archive has none: a mount point. */
static void mount_point(struct fs *fs, const char *name, size_t len)
{
	struct inode *ip;

	if (dir_find(fs->root, name, len))
		return;
	if (!(ip = inode_alloc(fs, S_IFDIR | 0755)) || dir_link(fs->root, name, len, ip) < 0)
		panic("vfs_init: no memory for /%s", name);
	inode_put(ip);
}

void vfs_init(void)
{
	struct fs *initrd = initrd_fs_create();

	vfs_lock();
	mount_point(initrd, "dev", 3);
	mount_point(initrd, "tmp", 3);
	mount_point(initrd, "proc", 4);
	vfs_unlock();
	vfs_set_root(initrd);
	fs_mount(devfs_create(), "/dev");
	fs_mount(procfs_create(), "/proc");
	fs_mount(fs_create("tmpfs", false, 01777), "/tmp");
	fs_mount(fs_create("tmpfs", false, 01777), "/dev/shm");
}
