/*
 * Open files of the tree's inodes (see vfs.h and kernel/file.h): read,
 * write, pread64, pwrite64, lseek, fstat and getdents64 of regular files
 * and directories, and the pages that hold a writable file's bytes.
 *
 * A writable file's bytes live in whole pages, pages[i] holding bytes
 * [i * PAGE_SIZE, (i + 1) * PAGE_SIZE); a page is allocated (zeroed) by
 * the first write into it, so a file extended by ftruncate or written
 * past its end has holes that read as zeroes and cost nothing. Bytes past
 * the size in the last page are always zero (truncation clears them), so
 * growing a file again shows zeroes, as it must.
 */
#include "fs/vfs.h"
#include "kernel/file.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

#define DIRENT_HEADER 19        /* d_ino, d_off, d_reclen, d_type: then the name */
#define MAX_FILE_SIZE ((uint64_t)INT64_MAX)

static const uint8_t zeroes[PAGE_SIZE];

/*
 * Pages the writable file systems hold, together: at most half of memory,
 * as Linux's tmpfs by default, so that files cannot starve the rest of the
 * kernel (a write past that is -ENOSPC). (v)
 */
static size_t file_pages;

static const struct file_ops vfs_file_ops;

size_t vfs_file_page_count(void)
{
	return __atomic_load_n(&file_pages, __ATOMIC_RELAXED);
}

struct inode *file_inode(struct file *f)
{
	return f->ops == &vfs_file_ops ? f->priv : NULL;
}

/* ---- The bytes of a regular file ---- */

/* The bytes of page idx of ip to read: in place, in its page, or zeroes (a hole). */
static const uint8_t *page_bytes(const struct inode *ip, uint64_t idx)
{
	if (ip->reg.bytes)
		return ip->reg.bytes + idx * PAGE_SIZE;
	if (idx < ip->reg.npages && ip->reg.pages[idx])
		return page_to_virt(ip->reg.pages[idx]);
	return zeroes;
}

/* Page idx of a writable file, allocated when missing; NULL: out of memory, or over the limit. */
static struct vm_page *page_for_write(struct inode *ip, uint64_t idx)
{
	if (idx >= ip->reg.npages) {
		size_t n = MAX(MAX(idx + 1, ip->reg.npages * 2), 16);
		struct vm_page **pages;

		if (idx >= (MAX_FILE_SIZE >> PAGE_SHIFT) || !(pages = kzalloc(n * sizeof(*pages))))
			return NULL;
		if (ip->reg.npages)
			memcpy(pages, ip->reg.pages, ip->reg.npages * sizeof(*pages));
		kfree(ip->reg.pages);
		ip->reg.pages = pages;
		ip->reg.npages = n;
	}
	if (!ip->reg.pages[idx] && file_pages < page_total_count() / 2 &&
	    (ip->reg.pages[idx] = page_alloc()) != NULL)
		file_pages++;
	return ip->reg.pages[idx];
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

/* Copies uio into ip at off, growing it: how many, or -EFAULT, -ENOSPC, -EFBIG. */
static long write_at(struct inode *ip, struct uio *uio, uint64_t off)
{
	size_t want = uio->resid, done = 0;
	long err = 0;

	if (want == 0)
		return 0;
	if (off >= MAX_FILE_SIZE)
		return -EFBIG;
	want = MIN(want, MAX_FILE_SIZE - off);
	while (done < want) {
		uint64_t pos = off + done, in = pos & (PAGE_SIZE - 1);
		size_t run = MIN(want - done, PAGE_SIZE - in), got;
		struct vm_page *pg = page_for_write(ip, pos >> PAGE_SHIFT);

		if (!pg) {
			err = -ENOSPC;
			break;
		}
		got = uio_copyin(uio, (uint8_t *)page_to_virt(pg) + in, run);
		done += got;
		if (off + done > ip->size)
			ip->size = off + done;
		if (got < run) {
			err = -EFAULT;
			break;
		}
	}
	return done ? (long)done : err;
}

int vfs_truncate(struct inode *ip, uint64_t size)
{
	uint64_t keep = ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT;

	if (size > MAX_FILE_SIZE)
		return -EFBIG;
	if (size < ip->size) {
		for (uint64_t i = keep; i < ip->reg.npages; i++) {
			if (ip->reg.pages[i]) {
				page_free(ip->reg.pages[i]);
				ip->reg.pages[i] = NULL;
				file_pages--;
			}
		}
		if ((size & (PAGE_SIZE - 1)) && keep - 1 < ip->reg.npages && ip->reg.pages[keep - 1])
			memset((uint8_t *)page_to_virt(ip->reg.pages[keep - 1]) + (size & (PAGE_SIZE - 1)),
			       0, PAGE_SIZE - (size & (PAGE_SIZE - 1)));
		if (size == 0) {
			kfree(ip->reg.pages);
			ip->reg.pages = NULL;
			ip->reg.npages = 0;
		}
	}
	ip->size = size;
	return 0;
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
	for (size_t i = 0; i < ip->reg.npages; i++)
		n += ip->reg.pages[i] != NULL;
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
