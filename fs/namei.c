/*
 * Path lookup and the path of a directory (see vfs.h).
 *
 * A path is walked one component at a time from the root ("/...") or
 * from the starting directory. "." stays, ".." goes to the parent (the
 * root's ".." is the root; at the root of a mounted file system it
 * continues from the mount point). A symbolic link met on the way, or at
 * the end when it is to be followed, is replaced by its target and the
 * walk goes on from the directory that holds it (or from the root for an
 * absolute target): the rest of the path is appended to the target in a
 * new buffer, so a lookup never recurses. More than SYMLOOP_MAX links in
 * one lookup is -ELOOP, as on Linux.
 */
#include "fs/vfs.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "uapi/errno.h"

static bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

/* The parent of directory dir, across mount points. */
static struct inode *parent_of(struct inode *dir, struct inode *top)
{
	while (dir != top && dir == dir->fs->root && dir->fs->covered)
		dir = dir->fs->covered;
	return dir == top ? top : dir->dir.parent;
}

/* ip, or the root of what is mounted on it. */
static struct inode *cross_mounts(struct inode *ip)
{
	while (S_ISDIR(ip->mode) && ip->dir.mounted)
		ip = ip->dir.mounted;
	return ip;
}

/*
 * The entry `name` of dir as an inode, held, or NULL: dir was removed, or
 * has no such name. A name in no entry list comes from the file system's
 * lookup (procfs's processes), made for this walk.
 */
static struct inode *step(struct inode *dir, const char *name, size_t len, struct inode *top)
{
	struct inode *ip = NULL;
	struct dentry *d;

	if (dir->nlink == 0)
		return NULL;
	if (is_dot(name, len))
		ip = dir;
	else if (is_dotdot(name, len))
		ip = parent_of(dir, top);
	else if ((d = dir_find(dir, name, len)) != NULL)
		ip = cross_mounts(d->ip);
	else if (dir->fs->lookup)
		return dir->fs->lookup(dir, name, len);
	if (ip)
		inode_hold(ip);
	return ip;
}

/*
 * A new buffer holding link's target, then rest (the unwalked part of the
 * path, from the '/' after the link's name): the path to walk next. NULL
 * with *err set when it would not fit in PATH_MAX or memory runs out.
 */
static char *expand(const struct inode *link, const char *rest, int *err)
{
	size_t tlen = strlen(link->target), rlen = strlen(rest);
	char *buf;

	if (tlen + rlen + 1 > PATH_MAX) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	if (!(buf = kmalloc(PATH_MAX))) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(buf, link->target, tlen);
	memcpy(buf + tlen, rest, rlen + 1);
	return buf;
}

int vfs_lookup(struct inode *start, const char *path, int flags, struct lookup *out)
{
	struct inode *top = vfs_root(), *cur;
	const char *p = path;
	int links = 0, err = 0;

	memset(out, 0, sizeof(*out));
	if (!*path) {
		inode_put(top);
		return -ENOENT;
	}
	if (strnlen(path, PATH_MAX) >= PATH_MAX) {
		inode_put(top);
		return -ENAMETOOLONG;
	}
	cur = *p == '/' ? top : start;
	inode_hold(cur);
	for (;;) {
		const char *name, *next;
		struct inode *ip;
		size_t len = 0;
		bool last, slash;

		while (*p == '/')
			p++;
		if (!*p) {      /* "/" or a path ending in "/": cur itself */
			name = ".";
			len = 1;
			next = p;
		} else {
			name = p;
			while (name[len] && name[len] != '/')
				len++;
			next = name + len;
		}
		slash = *next == '/';
		while (*next == '/')
			next++;
		last = !*next;
		if (len > NAME_MAX) {
			err = -ENAMETOOLONG;
			break;
		}
		if (!S_ISDIR(cur->mode)) {
			err = -ENOTDIR;
			break;
		}
		ip = step(cur, name, len, top);
		if (!ip && !(last && (flags & LOOKUP_PARENT))) {
			err = -ENOENT;
			break;
		}
		/*
		 * A link is followed on the way, or at the end when asked, or
		 * when a trailing '/' says its target must be a directory;
		 * but never at the end of a LOOKUP_PARENT walk unasked: rmdir
		 * or unlink of "link/" works on the link (and fails), as on Linux.
		 */
		if (ip && S_ISLNK(ip->mode) &&
		    (!last || (flags & LOOKUP_FOLLOW) || (slash && !(flags & LOOKUP_PARENT)))) {
			char *buf = NULL;

			if (++links > SYMLOOP_MAX)
				err = -ELOOP;
			else
				buf = expand(ip, name + len, &err);
			inode_put(ip);
			if (!buf)
				break;
			kfree(out->buf);
			out->buf = buf;
			p = buf;
			if (*p == '/') {
				inode_put(cur);
				cur = top;
				inode_hold(cur);
			}
			continue;
		}
		if (!last) {
			inode_put(cur);
			cur = ip;
			p = next;
			continue;
		}
		out->ip = ip;
		out->name = name;
		out->len = len;
		out->trailing_slash = slash;
		if (flags & LOOKUP_PARENT) {
			out->dir = cur;
			cur = NULL;
		} else if (slash && !S_ISDIR(ip->mode)) {
			err = -ENOTDIR;
		}
		break;
	}
	if (cur)
		inode_put(cur);
	inode_put(top);
	if (err)
		lookup_done(out);
	return err;
}

void lookup_done(struct lookup *l)
{
	if (l->ip)
		inode_put(l->ip);
	if (l->dir)
		inode_put(l->dir);
	kfree(l->buf);
	memset(l, 0, sizeof(*l));
}

long vfs_path_of(struct inode *ip, char *buf, size_t size)
{
	struct inode *top = vfs_root();
	size_t pos = size;
	long r = 0;

	if (size == 0 || ip->nlink == 0) {
		inode_put(top);
		return size == 0 ? -ERANGE : -ENOENT;
	}
	buf[--pos] = '\0';
	while (ip != top) {
		char made[NAME_MAX + 1];
		struct inode *parent;
		const char *name;
		struct dentry *d;
		size_t len;

		while (ip != top && ip == ip->fs->root && ip->fs->covered)
			ip = ip->fs->covered;
		if (ip == top)
			break;
		parent = ip->dir.parent;
		for (d = parent->dir.entries; d && d->ip != ip; d = d->next)
			;
		if (d) {
			name = d->name;
			len = d->len;
		} else if (ip->transient && ip->fs->name_of) {   /* /proc/PID */
			name = made;
			len = ip->fs->name_of(ip, made);
		} else {
			r = -ENOENT;
			break;
		}
		if (pos < len + 1) {
			r = -ERANGE;
			break;
		}
		pos -= len;
		memcpy(buf + pos, name, len);
		buf[--pos] = '/';
		ip = parent;
	}
	if (r == 0 && pos == size - 1) {        /* the root itself */
		if (pos == 0)
			r = -ERANGE;
		else
			buf[--pos] = '/';
	}
	if (r == 0) {
		r = (long)(size - 1 - pos);
		memmove(buf, buf + pos, (size_t)r + 1);
	}
	inode_put(top);
	return r;
}
