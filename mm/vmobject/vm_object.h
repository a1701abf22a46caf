/*
 * VM objects: the memory behind mappings, as pages indexed by byte offset.
 *
 *  - OBJ_ANON: zero-filled on demand, one page at a time.
 *  - OBJ_PHYS: every page allocated, zeroed and wired (PG_WIRED) at
 *    creation; used for SysV shm when kern.ipc.shm_use_phys=1.
 *
 * Copy-on-write (private mappings after fork). Every private mapping has a
 * private anonymous object of its own (OBJ_PRIVATE). fork gives the child a
 * new private object holding the SAME pages (vm_object_copy_range), each
 * page's refcount counting the objects that hold it, and write-protects the
 * parent. A write fault on a page with refcount > 1 copies it into the
 * faulting object (vm_object_replace); with refcount 1 the page is simply
 * made writable again. No shadow chains: the cost is a walk of the resident
 * pages at fork.
 *
 * Large pages (OBJ_LARGE, shared objects only): each whole 2 MiB segment
 * of the object, [0, ALIGN_DOWN(size, 2 MiB)), is one 2 MiB block from
 * page_alloc_large() when one can be had; the radix tree holds its first
 * page (PG_LARGE) at the segment's first index, and lookups of any offset
 * in the segment return the 4 KiB piece `first + index` (the vm_page array
 * is contiguous). The tail, and a segment whose block could not be
 * allocated, use 4 KiB pages; a segment never changes kind while the object
 * lives. With OBJ_LARGE_ONLY (SHM_HUGETLB, MAP_HUGETLB) a missing block is
 * an error (-ENOMEM) instead. Physical objects allocate every block at
 * creation, anonymous ones at the first fault in the segment.
 *
 * Files (OBJ_FILE): a regular file's bytes are one object, its page cache
 * (fs/vfs_file.c). read() and write() use the object's pages and every
 * mapping of the file maps the same pages, so all see each other's bytes
 * at once, with no copy. Its size follows the file's (vm_object_resize):
 * growing only raises the bound (holes read as zeroes and fill on first
 * use), shrinking removes the pages past the new end from every mapping
 * before freeing them. A mapping may extend past the end: a fault there
 * finds no page (-EIO, SIGBUS). A missing page is zero-filled, or, for a
 * file of the read-only initrd, filled from the archive's bytes (`source`).
 * File pages count in vm_object_file_pages() and may take at most half of
 * memory, as Linux's tmpfs by default (past that a new page is -ENOMEM).
 * A private mapping of a file has a private object whose `backing` is the
 * file's object, at the same offsets: a page the private object lacks is
 * read from the file (mapped read-only, so the mapping sees the file until
 * it writes), and a write copies it into the private object.
 *
 * Shared page tables: every non-private object owns a page-table tree
 * (obj->ptables, mm/pmap/pmap.h) created with it and destroyed with it;
 * its tables are allocated on first use by the fault path.
 *
 * vm_page fields used for data pages: refcount (objects holding the page),
 * object/offset (the owner, for pages of non-private objects only: COW
 * pages have no single owner), flags PG_WIRED.
 *
 * Locks: (o) obj->lock; (L) the object registry lock; (c) constant after
 * creation. Order: map lock, then object lock, then pmap_lock; the page
 * allocator and heap locks are leaves.
 */
#ifndef MM_VMOBJECT_VM_OBJECT_H
#define MM_VMOBJECT_VM_OBJECT_H

#include "kernel/spinlock.h"
#include "kernel/types.h"

struct pmap_object;
struct vm_page;
struct vm_map_entry;

enum vm_object_type {
	OBJ_ANON = 1,    /* zero-fill on demand */
	OBJ_PHYS = 2,    /* all pages allocated and wired at creation */
};

/* vm_object.flags */
#define OBJ_PRIVATE    0x1  /* backs private mappings: pages may be shared COW */
#define OBJ_LARGE      0x2  /* 2 MiB pages for its whole 2 MiB segments (shared only) */
#define OBJ_LARGE_ONLY 0x4  /* with OBJ_LARGE: no 4 KiB fallback, -ENOMEM instead */
#define OBJ_FILE       0x8  /* a regular file's pages: its size changes */

struct vm_object {
	struct spinlock lock;
	enum vm_object_type type;        /* (c) */
	int flags;                       /* (c) OBJ_* */
	uint64_t size;                   /* (c), OBJ_FILE (o): bytes, a multiple of PAGE_SIZE */
	int depth;                       /* (c), OBJ_FILE (o): levels of the page radix tree */
	uint32_t refcount;               /* (o) map entries, shm segments, callers */
	uint64_t resident;               /* (o) 4 KiB pages held (512 per large page) */
	void *pages;                     /* (o) radix tree: page index -> vm_page */
	struct vm_map_entry *mappings;   /* (o) entries mapping it, via obj_next */
	struct pmap_object *ptables;     /* (c) its page-table tree (shared objects) */
	const uint8_t *source;           /* (c) OBJ_FILE: bytes new pages are filled from */
	uint64_t source_len;             /* (c) how many; zeroes after them */
	struct vm_object *backing;       /* (c) OBJ_PRIVATE: the file it reads, held, or NULL */
	struct vm_object **cached_in;    /* (c) vm_object_cached(): the slot to clear at its end */
	struct vm_object *next, *prev;   /* (L) registry of live objects */
};

/*
 * A new object of `size` bytes (rounded up to pages, > 0) with one
 * reference. OBJ_PHYS allocates every page now. NULL when out of memory;
 * then nothing was leaked. OBJ_LARGE needs a shared object (not
 * OBJ_PRIVATE), OBJ_LARGE_ONLY also a size that is a multiple of 2 MiB.
 */
struct vm_object *vm_object_create(enum vm_object_type type, uint64_t size, int flags);

/*
 * The object of new shared memory (a SysV segment, a shared anonymous
 * mapping), the one place of the large-page policy: physical on 2 MiB pages
 * when `huge` (SHM_HUGETLB, MAP_HUGETLB; the caller has rounded the size up
 * to whole 2 MiB pages);
 * of `type` on 2 MiB pages where it can when vm.largepages is 2 and it has
 * at least 2 MiB; plain `type` otherwise. NULL when out of memory.
 */
struct vm_object *vm_object_create_shared(enum vm_object_type type, uint64_t size, bool huge);

/*
 * The object of a regular file of `size` bytes (0 allowed): its pages are
 * filled from `source` (len bytes, then zeroes; NULL: zeroes only). NULL
 * when out of memory.
 */
struct vm_object *vm_object_create_file(uint64_t size, const uint8_t *source, uint64_t len);

/*
 * The object of a read-only file whose bytes are `source` (len of them),
 * as long as something holds it: the one in *slot, with a new reference,
 * while it lives, else a new one put there. The slot holds no reference
 * (the object clears it at its end), so the pages go with the last
 * mapping: the initrd's files are read in place, and their objects only
 * back mappings. NULL when out of memory.
 */
struct vm_object *vm_object_cached(struct vm_object **slot, const uint8_t *source,
                                   uint64_t len);

/*
 * The private object of a private mapping of file object `file` reaching
 * up to byte `size`: empty, reading file's pages until it has its own
 * (it holds a reference to file). NULL when out of memory.
 */
struct vm_object *vm_object_create_private_of(struct vm_object *file, uint64_t size);

/*
 * Sets the size of a file object (rounded up to pages). Shrinking removes
 * the pages past the new end from every address space (the object's
 * tables with one shootdown, private mappings through the PV entries) and
 * frees them. 0, or -ENOMEM (growing) with nothing changed. The caller
 * serializes the size changes of an object (the file system's lock).
 */
int vm_object_resize(struct vm_object *obj, uint64_t size);

/* Pages held by all file objects now (vmstat file_pages). */
size_t vm_object_file_pages(void);

void vm_object_ref(struct vm_object *obj);

/* Drops a reference; the last one frees the pages and the object. */
void vm_object_release(struct vm_object *obj);

/*
 * The 4 KiB page at byte offset `off` (page aligned), or NULL; in a large
 * page, the piece at off (page_large_head() gives the large page). (o) held.
 */
struct vm_page *vm_object_lookup_locked(struct vm_object *obj, uint64_t off);

/*
 * The page at `off` as vm_object_lookup_locked() finds it, zero-filling an
 * anonymous one if absent (then *created is set): a whole large page when
 * the segment is meant for one and a 2 MiB block is free, else a 4 KiB page
 * (OBJ_LARGE_ONLY: -ENOMEM). Returns 0, -ENOMEM, or -EIO when
 * off >= size (past the end of a file). (o) held.
 */
int vm_object_page_locked(struct vm_object *obj, uint64_t off,
                          struct vm_page **pgp, bool *created);

/*
 * Copy-on-write: puts `pg` (a new page, refcount 0) at `off` in place of
 * the page there, and returns that old page with the object's reference
 * still held: the caller drops it with vm_page_unref() only once its own
 * mapping of the old page is gone, so another holder racing on the same
 * page never sees it freed while still mapped. (o) held.
 */
struct vm_page *vm_object_replace_locked(struct vm_object *obj, uint64_t off,
                                         struct vm_page *pg);

/*
 * Puts the new page pg (refcount 0) at `off`, where obj (private) has
 * none: 0 or -ENOMEM. (o) held.
 */
int vm_object_insert_locked(struct vm_object *obj, uint64_t off, struct vm_page *pg);

/*
 * Drops one object reference to a data page (the first page of a large
 * page for a large one); the last one frees it.
 */
void vm_page_unref(struct vm_page *pg);

/*
 * A new private anonymous object the size of `src` holding src's pages of
 * [off, off + len) at the same offsets (shared, refcount + 1 each). NULL
 * when out of memory (nothing leaked).
 */
struct vm_object *vm_object_copy_range(struct vm_object *src, uint64_t off, uint64_t len);

/*
 * Drops the pages of [off, off + len). Only for private objects whose range
 * nobody maps any more (munmap of a private mapping).
 */
void vm_object_free_range(struct vm_object *obj, uint64_t off, uint64_t len);

/* Links/unlinks a map entry on the object's mapping list. */
void vm_object_add_mapping(struct vm_object *obj, struct vm_map_entry *e);
void vm_object_remove_mapping(struct vm_object *obj, struct vm_map_entry *e);

/* Number of live objects (for leak checks). */
size_t vm_object_count(void);

/*
 * The `ptdump -o` text of obj's page-table tree (see pmap_dump_object());
 * -EINVAL for a private object, which has none.
 */
int vm_object_dump(struct vm_object *obj, char *buf, size_t len);

/* Calls fn on every live object (registry lock held: fn must not block). */
void vm_object_foreach(void (*fn)(struct vm_object *obj, void *arg), void *arg);

/*
 * Checks that every page obj holds is either absent from its page-table
 * tree or mapped there at its own offset. Returns true, or false with the
 * first bad offset in *bad.
 */
bool vm_object_tables_agree(struct vm_object *obj, uint64_t *bad);

#endif
