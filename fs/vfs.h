/*
 * The file system: one tree of names, as on Linux, made of in-memory file
 * systems mounted into each other (see fs/README.md for the files).
 *
 *   /          the initrd, read-only: its directories, regular files and
 *              symbolic links (fs/initrd_fs.c builds it from the archive)
 *   /dev       null, zero, tty, console (fs/devfs.c)
 *   /proc      the processes, memory, the sysctl knobs, as text (fs/procfs.c)
 *   /dev/shm   an empty writable file system, like /tmp
 *   /tmp       writable, in memory: files, directories, symbolic links
 *
 * Every file is an inode (struct inode) of one file system (struct fs).
 * A directory holds its entries, name to inode, in the order they were
 * made; a regular file's bytes are a VM object, the one its mappings map
 * (fs/vfs_file.c; the initrd's are also read in place, from the
 * archive); a symbolic link holds its target; a device holds the
 * function that opens it.
 *
 * An inode lives while it has a name (nlink > 0) or a reference: an open
 * file, a process's working directory, a directory below it (each
 * directory holds its parent) or a call using it right now. A file
 * unlinked while open keeps its pages until the last close. A transient
 * inode, which a file system makes when a name is looked up (procfs's
 * /proc/PID), lives only while it has references.
 *
 * Mounting: a directory (the mount point) covers the root of another file
 * system; a path that reaches the mount point continues in that root, and
 * ".." from that root goes to the mount point's parent.
 *
 * Lock: one sleeping lock, vfs_lock(), over the whole tree, every inode
 * and the position of every open file of an inode: each call holds it
 * from its first look at a name to its last change, so no call sees
 * another's half-done work. It is held while bytes are copied to and
 * from user memory (a fault there may sleep; no spinlock is held), never
 * while a device or a pipe blocks. Fields marked (v) are under it, (c)
 * constant after creation.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include "kernel/types.h"
#include "uapi/fcntl.h"
#include "uapi/linux_types.h"

#define SYMLOOP_MAX 40        /* symbolic links one lookup follows (Linux's) */

struct file;
struct inode;
struct vm_object;

struct fs {
	const char *name;           /* (c) "initrd", "tmpfs", "devfs" */
	uint64_t dev;               /* (c) st_dev of its inodes */
	bool readonly;              /* (c) creating, writing, removing: -EROFS */
	uint64_t next_ino;          /* (v) */
	struct inode *root;         /* (c) */
	struct inode *covered;      /* (c) the mount point; NULL for / */
	/*
	 * (c) A file system whose names and contents are made as they are
	 * looked at (procfs) has these; the others leave them NULL. All are
	 * called with vfs_lock() held.
	 * lookup: the name `name` of directory dir that is in no entry
	 * list (a process's directory): a new transient inode, held once
	 * for the caller, or NULL when there is none.
	 * readdir: such a name of dir for getdents64: the first at a
	 * position >= *pos, with *pos set to its position, its name
	 * (NUL-terminated, NAME_MAX + 1 bytes of room), inode number and
	 * mode; false when there is none. Positions stay with their names.
	 * open: opens a file that is not a directory, deciding itself what
	 * the access mode may be: the open file, or NULL with *err set.
	 * name_of: the name of transient directory ip in its parent (for
	 * getcwd), NUL-terminated in name (NAME_MAX + 1 bytes of room): its
	 * length.
	 */
	struct inode *(*lookup)(struct inode *dir, const char *name, size_t len);
	bool (*readdir)(struct inode *dir, uint64_t *pos, char *name, uint64_t *ino,
	                uint32_t *mode);
	struct file *(*open)(struct inode *ip, unsigned int flags, long *err);
	size_t (*name_of)(struct inode *ip, char *name);
};

/* One name in a directory. */
struct dentry {
	struct dentry *next;        /* (v) in the order the names were made */
	struct inode *ip;           /* (v) holds one nlink of ip, not a reference */
	uint64_t cookie;            /* (c) getdents64's offset: increasing in the list */
	uint8_t len;                /* (c) */
	char name[];                /* (c) len bytes and a NUL */
};

struct inode {
	int refs;                   /* (v) */
	uint32_t mode;              /* (v) S_IFMT type | permission bits */
	uint32_t nlink;             /* (v) names of it; a directory: 2 + its subdirectories */
	uint64_t ino;               /* (c) */
	uint64_t size;              /* (v) bytes; a directory: 0 */
	struct fs *fs;              /* (c) */
	uint64_t rdev;              /* (c) a device's number */
	bool transient;             /* (c) made by fs->lookup: freed with its last
	                               reference, though it counts links for stat */
	const void *priv;           /* (c) procfs: what the file shows */
	long arg;                   /* (c) procfs: of which process or knob */
	union {
		struct {                                /* S_IFDIR */
			struct dentry *entries;         /* (v) */
			struct inode *parent;           /* (v) held; the root: itself */
			struct inode *mounted;          /* (v) the root covering it, or NULL */
			uint64_t next_cookie;           /* (v) 0 and 1 are "." and ".." */
		} dir;
		struct {                                /* S_IFREG */
			const uint8_t *bytes;           /* (c) in place (the initrd), or NULL */
			struct vm_object *obj;          /* (v) its pages, held; NULL until used.
			                                   The initrd's: while mapped, not held */
		} reg;
		char *target;                           /* (c) S_IFLNK: NUL-terminated */
		/* S_IFCHR: a new open file of the device with `flags`, or NULL (no memory). */
		struct file *(*open)(struct inode *ip, unsigned int flags);
	};
};

/* ---- The lock ---- */

void vfs_lock(void);
void vfs_unlock(void);

/* ---- Inodes (fs/vfs.c), all with vfs_lock() held ---- */

/* A new inode of fs with one reference and no name yet; NULL when out of memory. */
struct inode *inode_alloc(struct fs *fs, uint32_t mode);
void inode_hold(struct inode *ip);
/* Drops a reference; an inode with neither references nor names is freed. */
void inode_put(struct inode *ip);
/* iput() without the lock held (takes it). */
void inode_put_unlocked(struct inode *ip);

/* The entry `name` (len bytes) of directory dir, or NULL. */
struct dentry *dir_find(struct inode *dir, const char *name, size_t len);
/*
 * Adds the name for ip in dir (a directory ip gets dir as its parent and
 * dir one more link): 0 or -ENOMEM. The caller checked the name is free.
 */
int dir_link(struct inode *dir, const char *name, size_t len, struct inode *ip);
/* Removes the entry (and one link of its inode, two of a directory's). */
void dir_unlink(struct inode *dir, struct dentry *d);
bool dir_empty(const struct inode *dir);
/*
 * Moves entry od of odir to the name `name` in ndir, replacing the entry
 * there if any (the caller checked the replacement is allowed and that a
 * directory does not move into itself): 0 or -ENOMEM, with nothing changed.
 */
int dir_rename(struct inode *odir, struct dentry *od, struct inode *ndir, const char *name,
               size_t len);

/* A new file system with an empty root directory of `mode`; panics when out of memory (boot). */
struct fs *fs_create(const char *name, bool readonly, uint32_t root_mode);
/* Mounts fs on the directory at path (boot): panics when that is impossible. */
void fs_mount(struct fs *fs, const char *path);
/* The root of the tree, held. */
struct inode *vfs_root(void);
void vfs_set_root(struct fs *fs);

/* ---- Names (fs/namei.c) ---- */

/* How a lookup treats the last component of a path. */
#define LOOKUP_FOLLOW    1    /* follow it if it is a symbolic link */
#define LOOKUP_PARENT    2    /* stop before it: its directory and its name */

/*
 * The result of a lookup: the inode (held, or NULL when the last
 * component does not exist but its directory does and LOOKUP_PARENT was
 * asked), its directory (held, only with LOOKUP_PARENT) and the last
 * component, which points into the path.
 */
struct lookup {
	struct inode *ip;
	struct inode *dir;
	const char *name;
	size_t len;
	bool trailing_slash;   /* the path ended in '/': the last component must be a directory */
	char *buf;             /* the path with symbolic links expanded, if any were */
};

/*
 * Resolves path (a kernel string) from `start` (held by the caller; used
 * when the path is relative): 0 with *out filled, or -ENOENT, -ENOTDIR,
 * -ELOOP, -ENAMETOOLONG. With LOOKUP_PARENT, a missing last component is
 * not an error (out->ip is NULL). "." or ".." as the last component with
 * LOOKUP_PARENT gives out->name "." or "..", which the caller refuses.
 * vfs_lock() held. Release with lookup_done().
 */
int vfs_lookup(struct inode *start, const char *path, int flags, struct lookup *out);
void lookup_done(struct lookup *l);

/*
 * The path of directory ip from the root into buf (size bytes, NUL
 * included): its length, or -ERANGE (too small), -ENOENT (ip was
 * removed). vfs_lock() held.
 */
long vfs_path_of(struct inode *ip, char *buf, size_t size);

/* ---- Files and their data (fs/vfs_file.c) ---- */

/*
 * A new open file of ip (a regular file, directory or symbolic link)
 * with `flags` (access mode and status flags), holding ip; NULL when out
 * of memory. A device opens through ip->open instead.
 */
struct file *vfs_file_open(struct inode *ip, unsigned int flags);
/* The inode of an open file, or NULL for a pipe, the terminal, a device. */
struct inode *file_inode(struct file *f);
/* Pages the files' objects hold now (vmstat file_pages). */
size_t vfs_file_page_count(void);
/*
 * Sets the size of a regular file, removing the pages past it from every
 * mapping and freeing them: 0, -ENOSPC, -EFBIG. vfs_lock() held.
 */
int vfs_truncate(struct inode *ip, uint64_t size);
/*
 * mmap of open file f with prot and flags (uapi/mman.h): the file's VM
 * object, held for the caller, in *obj, and the rights the mapping may
 * ever have in *max_prot (no PROT_WRITE for a shared mapping of a file
 * not open for writing, or open with O_APPEND). -EACCES (not open for
 * reading; a shared writable mapping of a file not open for writing, as
 * Linux checks first), -ENODEV (not a regular file), -ENOMEM. Takes
 * vfs_lock().
 */
long vfs_mmap_object(struct file *f, int prot, int flags, struct vm_object **obj,
                     int *max_prot);
/*
 * The `ptdump -f` text of open file f's object (vm_object_dump) into buf:
 * its length, or -ENODEV (not a regular file), -ENOENT (a file never
 * written, truncated or mapped has no object yet), -ENOMEM.
 */
long vfs_file_dump(struct file *f, char *buf, size_t len);
/* fstat's fields for ip. vfs_lock() held. */
void vfs_stat(struct inode *ip, struct linux_stat *st);
/*
 * getdents64 of an open directory into the user buffer: bytes written, 0
 * at the end, -ENOTDIR, -EINVAL (not even one entry fits), -EFAULT,
 * -ENOENT (the directory was removed). Takes vfs_lock().
 */
long vfs_getdents(struct file *f, uint64_t ubuf, size_t len);
/*
 * Reads up to len bytes of a regular file at off into a kernel buffer:
 * how many (0 at the end). For exec. vfs_lock() held.
 */
size_t vfs_read_kernel(struct inode *ip, uint64_t off, void *buf, size_t len);

/*
 * The program exec runs from path (relative to the working directory):
 * 0 with its bytes in *image, or -ENOENT, -ENOTDIR, -ELOOP,
 * -ENAMETOOLONG, -EACCES (not a regular file, or no execute bit),
 * -ENOMEM. A file of the initrd is used in place; another is copied into
 * *copy, which the caller frees (kfree) once the image is loaded.
 * Takes vfs_lock().
 */
long vfs_exec_image(const char *path, const uint8_t **image, size_t *size, void **copy);

/* The calling process's working directory, held (the root for a kernel thread). vfs_lock() held. */
struct inode *vfs_cwd(void);

/* ---- Boot (fs/initrd_fs.c, fs/devfs.c) ---- */

/* Builds the tree: the initrd at /, devfs at /dev, procfs at /proc, tmpfs at /tmp and /dev/shm. */
void vfs_init(void);
/* The initrd as a read-only file system (fs/initrd_fs.c). */
struct fs *initrd_fs_create(void);
/* /dev (fs/devfs.c). */
struct fs *devfs_create(void);
/* /proc (fs/procfs.c). */
struct fs *procfs_create(void);

#endif
