/*
 * Open files of the tree's inodes (see vfs.h and kernel/file.h): read,
 * write, pread64, pwrite64, lseek, fstat, getdents64 and mmap of regular
 * files and directories.
 *
 * A regular file's bytes are a VM object, its page cache
 * (mm/vmobject/vm_object.h, OBJ_FILE): read() and write() copy to and
 * from the object's pages, and mmap() maps the same object, so a write()
 * shows at once in every mapping and a store through a mapping in the
 * next read(). A writable file's object is made by its first write,
 * truncate or mmap; a page is allocated (zeroed) by the first write or
 * store into it, so holes read as zeroes and cost nothing. Bytes past the
 * size in the last page read as zero: a store through a mapping may put
 * bytes there (the page is mapped whole, as on Linux), so the tail is
 * cleared whenever the file grows over it.
 *
 * A file of the read-only initrd is read in place, from the archive; its
 * object is made by mmap and fills its pages from the same bytes, so both
 * agree; it lives while it is mapped (vm_object_cached), so its pages are
 * not kept for a file nobody maps.
 *
 * The object's pages stay while they are read or written here: only a
 * truncate (under vfs_lock(), held here too) or the object's end frees
 * them, so no object lock is held while bytes are copied.
 */
#include "fs/vfs.h"
#include "kernel/file.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/uaccess.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define DIRENT_HEADER 19        /* d_ino, d_off, d_reclen, d_type: then the name */
#define MAX_FILE_SIZE ((uint64_t)INT64_MAX)

static const uint8_t zeroes[PAGE_SIZE];

static const struct file_ops vfs_file_ops;

size_t vfs_file_page_count(void)
{
	return vm_object_file_pages();
}

struct inode *file_inode(struct file *f)
{
	return f->ops == &vfs_file_ops ? f->priv : NULL;
}

/* ---- The bytes of a regular file ---- */

/* The page of ip's object at byte offset off, or NULL (a hole). */
static struct vm_page *file_page(const struct inode *ip, uint64_t off)
{
	struct vm_object *obj = ip->reg.obj;
	struct vm_page *pg;

	if (!obj)
		return NULL;
	spin_lock(&obj->lock);
	pg = vm_object_lookup_locked(obj, ALIGN_DOWN(off, PAGE_SIZE));
	spin_unlock(&obj->lock);
	return pg;
}

/* The bytes of page idx of ip to read: in place, in its page, or zeroes (a hole). */
static const uint8_t *page_bytes(const struct inode *ip, uint64_t idx)
{
	struct vm_page *pg;

	if (ip->reg.bytes)
		return ip->reg.bytes + idx * PAGE_SIZE;
	pg = file_page(ip, idx << PAGE_SHIFT);
	return pg ? page_to_virt(pg) : zeroes;
}

/* A writable file's object, made when it has none yet: NULL when out of memory. */
static struct vm_object *file_object(struct inode *ip)
{
	if (!ip->reg.obj)
		ip->reg.obj = vm_object_create_file(ip->size, NULL, 0);
	return ip->reg.obj;
}

/* The page at off of a writable file, allocated when missing: 0, -ENOSPC. */
static int page_for_write(struct inode *ip, uint64_t off, struct vm_page **pgp)
{
	struct vm_object *obj = ip->reg.obj;
	bool created;
	int err;

	spin_lock(&obj->lock);
	err = vm_object_page_locked(obj, ALIGN_DOWN(off, PAGE_SIZE), pgp, &created);
	spin_unlock(&obj->lock);
	return err ? -ENOSPC : 0;
}

/*
 * Clears the bytes of the last page past ip's size, which a store through
 * a mapping may have set, before the file grows over them.
 */
static void clear_tail(struct inode *ip)
{
	uint64_t in = ip->size & (PAGE_SIZE - 1);
	struct vm_page *pg = in ? file_page(ip, ip->size) : NULL;

	if (pg)
		memset((uint8_t *)page_to_virt(pg) + in, 0, PAGE_SIZE - in);
}

/*
 * Makes ip's object reach byte `end` (> ip->size) without changing the
 * file's size, clearing the old last page's tail first: 0, or -ENOSPC (no
 * memory for a larger object: nothing changed).
 */
static int grow_object(struct inode *ip, uint64_t end)
{
	clear_tail(ip);
	if (!file_object(ip) || vm_object_resize(ip->reg.obj, end) < 0)
		return -ENOSPC;
	return 0;
}

/*
 * Sets ip's size, its object's with it: 0, or -ENOSPC (nothing changed).
 * Shrinking removes the pages past the end from every mapping
 * (vm_object_resize).
 */
static int set_size(struct inode *ip, uint64_t size)
{
	int err = size > ip->size ? grow_object(ip, size) : 0;

	if (err)
		return err;
	if (size < ip->size)
		vm_object_resize(ip->reg.obj, size);
	ip->size = size;
	if (size & (PAGE_SIZE - 1))
		clear_tail(ip);
	return 0;
}

/* Copies bytes of ip from off into uio: how many, 0 at the end, -EFAULT. */
static long read_at(struct inode *ip, struct uio *uio, uint64_t off)
{
	size_t want, done = 0;

	if (off >= ip->size || uio->resid == 0)
		return 0;
	want = MIN(uio->resid, ip->size - off);
	while (done < want) {
		uint64_t pos = off + done, in = pos & (PAGE_SIZE - 1);
		size_t run = MIN(want - done, PAGE_SIZE - in);
		size_t got = uio_copyout(uio, page_bytes(ip, pos >> PAGE_SHIFT) + in, run);

		done += got;
		if (got < run)
			break;
	}
	return done ? (long)done : -EFAULT;
}

/*
 * Copies uio into ip at off, growing it: how many, or -EFAULT, -ENOSPC,
 * -EFBIG. The object grows to the end of the write first, and back to the
 * bytes written when the write stops short.
 */
static long write_at(struct inode *ip, struct uio *uio, uint64_t off)
{
	size_t want = uio->resid, done = 0;
	long err = 0;

	if (want == 0)
		return 0;
	if (off >= MAX_FILE_SIZE)
		return -EFBIG;
	want = MIN(want, MAX_FILE_SIZE - off);
	if (off + want > ip->size && (err = grow_object(ip, off + want)) < 0)
		return err;
	while (done < want) {
		uint64_t pos = off + done, in = pos & (PAGE_SIZE - 1);
		size_t run = MIN(want - done, PAGE_SIZE - in), got;
		struct vm_page *pg;

		if ((err = page_for_write(ip, pos, &pg)) < 0)
			break;
		got = uio_copyin(uio, (uint8_t *)page_to_virt(pg) + in, run);
		done += got;
		if (off + done > ip->size)
			ip->size = off + done;
		if (got < run) {
			err = -EFAULT;
			break;
		}
	}
	if (ALIGN_UP(ip->size, PAGE_SIZE) < ip->reg.obj->size)
		vm_object_resize(ip->reg.obj, ip->size);
	return done ? (long)done : err;
}

int vfs_truncate(struct inode *ip, uint64_t size)
{
	if (size > MAX_FILE_SIZE)
		return -EFBIG;
	return set_size(ip, size);
}

/* See vfs.h. */
long vfs_file_dump(struct file *f, char *buf, size_t len)
{
	struct inode *ip = file_inode(f);
	struct vm_object *obj = NULL;
	long n;

	if (!ip || !S_ISREG(ip->mode))
		return -ENODEV;
	vfs_lock();
	if (ip->reg.bytes)
		obj = vm_object_cached(&ip->reg.obj, ip->reg.bytes, ip->size);
	else if (ip->reg.obj)
		vm_object_ref(obj = ip->reg.obj);
	vfs_unlock();
	if (!obj)
		return ip->reg.bytes ? -ENOMEM : -ENOENT;
	n = vm_object_dump(obj, buf, len);
	vm_object_release(obj);
	return n;
}

/* See vfs.h. */
long vfs_mmap_object(struct file *f, int prot, int flags, struct vm_object **obj,
                     int *max_prot)
{
	struct inode *ip = file_inode(f);
	bool writable = file_writable(f) && !(f->flags & O_APPEND);
	long err = 0;

	*obj = NULL;
	if (!file_readable(f) ||
	    ((flags & MAP_TYPE) == MAP_SHARED && (prot & PROT_WRITE) && !writable))
		return -EACCES;
	if (!ip || !S_ISREG(ip->mode))
		return -ENODEV;
	vfs_lock();
	if (ip->reg.bytes)
		*obj = vm_object_cached(&ip->reg.obj, ip->reg.bytes, ip->size);
	else if (file_object(ip))
		vm_object_ref(*obj = ip->reg.obj);
	if (!*obj)
		err = -ENOMEM;
	vfs_unlock();
	*max_prot = (flags & MAP_TYPE) == MAP_SHARED && !writable ? PROT_READ | PROT_EXEC
	                                                         : PROT_READ | PROT_WRITE | PROT_EXEC;
	return err;
}

size_t vfs_read_kernel(struct inode *ip, uint64_t off, void *buf, size_t len)
{
	struct linux_iovec iov = { (uint64_t)buf, len };
	struct uio uio = { &iov, 1, len, true };
	long r = read_at(ip, &uio, off);

	return r > 0 ? (size_t)r : 0;
}

/* ---- fstat ---- */

/* Pages a file's bytes take: its own pages, or its bytes in the archive. */
static uint64_t blocks_of(const struct inode *ip)
{
	uint64_t n = 0;

	if (!S_ISREG(ip->mode))
		return 0;
	if (ip->reg.bytes)
		return ALIGN_UP(ip->size, 512) / 512;
	if (ip->reg.obj) {
		spin_lock(&ip->reg.obj->lock);
		n = ip->reg.obj->resident;
		spin_unlock(&ip->reg.obj->lock);
	}
	return n * (PAGE_SIZE / 512);
}

void vfs_stat(struct inode *ip, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = ip->fs->dev;
	st->st_ino = ip->ino;
	st->st_nlink = ip->nlink;
	st->st_mode = ip->mode;
	st->st_rdev = ip->rdev;
	st->st_size = (int64_t)(S_ISLNK(ip->mode) ? strlen(ip->target) : ip->size);
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = (int64_t)blocks_of(ip);
}

/* ---- The open file's operations ---- */

static long file_read(struct file *f, struct uio *uio)
{
	struct inode *ip = f->priv;
	long r;

	if (S_ISDIR(ip->mode))
		return -EISDIR;
	vfs_lock();
	if ((r = read_at(ip, uio, f->pos)) > 0)
		f->pos += (uint64_t)r;
	vfs_unlock();
	return r;
}

static long file_write(struct file *f, struct uio *uio)
{
	struct inode *ip = f->priv;
	long r;

	vfs_lock();
	if (f->flags & O_APPEND)
		f->pos = ip->size;
	if ((r = write_at(ip, uio, f->pos)) > 0)
		f->pos += (uint64_t)r;
	vfs_unlock();
	return r;
}

static long file_pread(struct file *f, struct uio *uio, uint64_t off)
{
	struct inode *ip = f->priv;
	long r;

	if (S_ISDIR(ip->mode))
		return -EISDIR;
	vfs_lock();
	r = read_at(ip, uio, off);
	vfs_unlock();
	return r;
}

/* pwrite64 on an O_APPEND file appends, whatever the offset, as on Linux. */
static long file_pwrite(struct file *f, struct uio *uio, uint64_t off)
{
	struct inode *ip = f->priv;
	long r;

	vfs_lock();
	r = write_at(ip, uio, (f->flags & O_APPEND) ? ip->size : off);
	vfs_unlock();
	return r;
}

/*
 * lseek. A regular file: SEEK_SET, SEEK_CUR, SEEK_END, and SEEK_DATA and
 * SEEK_HOLE as a file with no holes answers them (data up to the size,
 * then the hole at the end). A directory: SEEK_SET and SEEK_CUR move
 * among getdents64's offsets.
 */
static long file_lseek(struct file *f, int64_t off, int whence)
{
	struct inode *ip = f->priv;
	int64_t base, size;
	long r;

	vfs_lock();
	size = (int64_t)ip->size;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		base = S_ISDIR(ip->mode) ? -1 : whence == SEEK_END ? size : 0;
		break;
	default:
		base = -1;
	}
	if (base < 0 || (off > 0 && base > INT64_MAX - off)) {
		r = -EINVAL;
	} else if ((whence == SEEK_DATA || whence == SEEK_HOLE) && (off < 0 || off >= size)) {
		r = -ENXIO;
	} else {
		r = whence == SEEK_HOLE ? size : base + off;
		if (r < 0)
			r = -EINVAL;
		else
			f->pos = (uint64_t)r;
	}
	vfs_unlock();
	return r;
}

static void file_stat(struct file *f, struct linux_stat *st)
{
	vfs_lock();
	vfs_stat(f->priv, st);
	vfs_unlock();
}

static void file_release(struct file *f)
{
	inode_put_unlocked(f->priv);
}

static const struct file_ops vfs_file_ops = {
	.read = file_read,
	.write = file_write,
	.pread = file_pread,
	.pwrite = file_pwrite,
	.lseek = file_lseek,
	.stat = file_stat,
	.release = file_release,
};

struct file *vfs_file_open(struct inode *ip, unsigned int flags)
{
	struct file *f = file_alloc(&vfs_file_ops, flags, ip);

	if (f)
		inode_hold(ip);
	return f;
}

/* ---- getdents64 ---- */

static uint8_t dirent_type(uint32_t mode)
{
	return S_ISDIR(mode) ? DT_DIR : S_ISREG(mode) ? DT_REG : S_ISLNK(mode) ? DT_LNK :
	       S_ISCHR(mode) ? DT_CHR : 0;
}

/*
 * Writes one linux_dirent64 at ubuf if it fits in room: its length, 0
 * when it does not fit, -EFAULT.
 */
static long put_dirent(uint64_t ubuf, size_t room, uint64_t ino, uint64_t next,
                       uint8_t type, const char *name, size_t len)
{
	uint8_t rec[ALIGN_UP(DIRENT_HEADER + NAME_MAX + 1, 8)];
	uint16_t reclen = (uint16_t)ALIGN_UP(DIRENT_HEADER + len + 1, 8);

	if (reclen > room)
		return 0;
	memset(rec, 0, reclen);
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &next, 8);
	memcpy(rec + 16, &reclen, 2);
	rec[18] = type;
	memcpy(rec + DIRENT_HEADER, name, len);
	return copyout((void *)ubuf, rec, reclen) < 0 ? -EFAULT : reclen;
}

/* Cookies of the names a file system makes on lookup (fs->readdir): this plus their position. */
#define MADE_COOKIE (1ULL << 40)

long vfs_getdents(struct file *f, uint64_t ubuf, size_t len)
{
	struct inode *ip = file_inode(f);
	struct dentry *d;
	char name[NAME_MAX + 1];
	size_t done = 0;
	long r = 1;

	if (!ip || !S_ISDIR(ip->mode))
		return -ENOTDIR;
	vfs_lock();
	if (ip->nlink == 0) {
		vfs_unlock();
		return -ENOENT;
	}
	d = ip->dir.entries;
	while (r >= 0) {
		uint64_t cookie = f->pos, pos, ino;
		uint32_t mode;

		if (cookie == 0) {
			r = put_dirent(ubuf + done, len - done, ip->ino, 1, DT_DIR, ".", 1);
		} else if (cookie == 1) {
			r = put_dirent(ubuf + done, len - done, ip->dir.parent->ino, 2, DT_DIR, "..", 2);
		} else {
			while (d && d->cookie < cookie)
				d = d->next;
			if (d) {
				r = put_dirent(ubuf + done, len - done, d->ip->ino, d->cookie + 1,
				               dirent_type(d->ip->mode), d->name, d->len);
				cookie = d->cookie;
			} else {
				/* After the entries, the names the file system makes (procfs's processes). */
				pos = cookie < MADE_COOKIE ? 0 : cookie - MADE_COOKIE;
				if (!ip->fs->readdir || !ip->fs->readdir(ip, &pos, name, &ino, &mode))
					break;
				cookie = MADE_COOKIE + pos;
				r = put_dirent(ubuf + done, len - done, ino, cookie + 1, dirent_type(mode),
				               name, strlen(name));
			}
		}
		if (r <= 0)
			break;          /* -EFAULT, or 0: the name does not fit */
		done += (size_t)r;
		f->pos = cookie + 1;
		r = 1;                  /* a break now is the end of the names */
	}
	vfs_unlock();
	if (done)
		return (long)done;
	return r == 0 ? -EINVAL : r < 0 ? r : 0;
}

/* ---- exec ---- */

long vfs_exec_image(const char *path, const uint8_t **image, size_t *size, void **copy)
{
	struct inode *cwd;
	struct lookup l;
	long err;

	*copy = NULL;
	vfs_lock();
	cwd = vfs_cwd();
	err = vfs_lookup(cwd, path, LOOKUP_FOLLOW, &l);
	inode_put(cwd);
	if (err == 0 && (!S_ISREG(l.ip->mode) || !(l.ip->mode & 0111)))
		err = -EACCES;
	if (err == 0) {
		*size = l.ip->size;
		if (l.ip->reg.bytes) {
			*image = l.ip->reg.bytes;
		} else if (l.ip->size > 0 && !(*copy = kmalloc(l.ip->size))) {
			err = -ENOMEM;
		} else {
			vfs_read_kernel(l.ip, 0, *copy, l.ip->size);
			*image = *copy ? *copy : zeroes;
		}
	}
	lookup_done(&l);        /* a failed lookup left it empty */
	vfs_unlock();
	return err;
}
