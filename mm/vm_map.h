/*
 * Address spaces: a sorted list of map entries over VM objects, the page
 * fault handler, mmap/munmap/mprotect, and kernel access to user memory.
 *
 * One vm_map per process. Each entry maps [start, end) to an object from
 * `offset` on. Shared entries (MAP_SHARED, SysV shm) see the object's pages
 * directly; private entries (MAP_PRIVATE) have a private anonymous object
 * each and are copy-on-write after fork (see mm/vmobject/vm_object.h).
 *
 * Return convention: 0 or a negative -E code of uapi/errno.h. Every call
 * validates all its arguments first and changes nothing when it fails.
 *
 * Shared page tables (docs/how-it-works.md, docs/correctness.md): a fault in a 2 MiB segment that lies
 * wholly inside one shared mapping, with va and object offset both
 * 2 MiB-aligned at its start, links the object's PT page instead of filling
 * a private one (a whole such GiB links the object's PD page when
 * machdep.pmap_share_pd is on); with machdep.pmap_prelink, attaching,
 * mapping an existing object and fork link every populated table at once.
 *
 * Large pages (issue 9): in an object with 2 MiB pages, a fault in such a
 * segment maps the whole 2 MiB page: a leaf of the object's PD, reached by
 * a GiB link or copied into the process's own PD (pmap_enter_large, one
 * fault for the whole mapping's run of leaves). Where a 2 MiB page is not
 * wholly inside one eligible mapping (an unaligned mapping, or one split by
 * mprotect/munmap), or sharing is off, the fault maps the 4 KiB pieces of
 * that 2 MiB page the entry covers, in private PTs: partial changes are
 * split per process, never refused (see mm/pmap/README.md).
 *
 * Locks: (m) map->lock, taken by every function below (never held by the
 * caller); (o) the object's lock; (V) the map registry lock; (c) constant. Order: map lock, object
 * lock, pmap lock. Nothing here sleeps.
 */
#ifndef MM_VM_MAP_H
#define MM_VM_MAP_H

#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "mm/phys.h"
#include "uapi/vmstat.h"

struct pmap;
struct vm_object;

#define VM_USER_MIN        PAGE_SIZE                 /* page 0 is never mapped */
#define VM_MMAP_BASE       0x0000100000000000UL     /* automatic placement area */
#define VM_MAP_MAX_ENTRIES 1024                      /* more: -ENOMEM */

/* vm_map_entry.flags */
#define VME_SHARED 0x1   /* writes go to the object (else private, COW) */
#define VME_SHM    0x2   /* a SysV attachment; shm_attach says which */

struct vm_map_entry {
	struct vm_map_entry *next, *prev;   /* (m) sorted list of the map */
	struct vm_map *map;                 /* (c) */
	vaddr_t start, end;                 /* (m) page aligned, [start, end) */
	struct vm_object *object;           /* (m) one reference held */
	uint64_t offset;                    /* (m) object offset of start */
	int prot, max_prot;                 /* (m) PROT_* */
	int flags;                          /* (m) VME_* */
	vaddr_t shm_attach;                 /* (m) VME_SHM: address shmat returned */
	struct vm_map_entry *obj_next;      /* (o) object's mapping list */
	struct vm_map_entry *obj_prev;      /* (o) */
};

struct vm_map {
	struct spinlock lock;
	struct vm_map *next, *prev;         /* (V) registry of live maps */
	struct vm_map_entry *entries;       /* (m) sorted by start, no overlap */
	int nentries;                       /* (m) */
	struct pmap *pmap;                  /* (c) its page tables */
	struct vmstat stat;                 /* (m) fault counters of this map */
	vaddr_t brk_start, brk;             /* (m) the program break (vm_brk) */
};

/* ---- lifetime (vm_map.c) ---- */

/* An empty address space. NULL when out of memory. */
struct vm_map *vm_map_create(void);

/*
 * Removes every mapping (dropping object references, which detaches shm
 * segments and frees private memory) and frees the map and its pmap. The
 * map must not be active: switch to another map (or vm_map_activate(NULL))
 * first.
 */
void vm_map_destroy(struct vm_map *map);

/*
 * A copy of `parent` for fork: shared entries map the same objects, private
 * entries become copy-on-write in both (the parent's pages are
 * write-protected). NULL when out of memory; then the child is gone and the
 * parent is unchanged except for write protection, which faults restore.
 */
struct vm_map *vm_map_fork(struct vm_map *parent);

/* Loads map's page tables on this CPU (NULL: kernel tables only). */
void vm_map_activate(struct vm_map *map);

/* ---- mmap and friends (vm_mmap.c) ---- */

/*
 * mmap: maps `len` bytes with `prot` and `flags` (uapi/mman.h). Exactly one
 * of MAP_SHARED and MAP_PRIVATE. With MAP_ANONYMOUS `obj` must be NULL and
 * new zero-filled memory is mapped; otherwise `obj` is mapped from byte
 * `off` (page aligned, off + len within the object) and vm_mmap takes its
 * own reference. MAP_PRIVATE of an object is supported for files only
 * (vm_mmap_file; else -EINVAL).
 * MAP_FIXED maps exactly at `addr`, replacing what was there
 * (MAP_FIXED_NOREPLACE: -EEXIST when anything is there); otherwise
 * `addr` is a hint and the kernel places the mapping, aligned to 2 MiB when
 * len is a multiple of 2 MiB or above 32 MiB, to 1 GiB when len is at least
 * 1 GiB (and the address agrees with `off` modulo that alignment). The
 * address is returned in *out. MAP_HUGETLB (with MAP_SHARED|MAP_ANONYMOUS
 * only) maps new memory on 2 MiB pages, allocated and wired at once, len
 * rounded up to whole ones as on Linux; with vm.largepages=2 any new
 * shared anonymous mapping of at least 2 MiB uses 2 MiB pages where it can. MAP_POPULATE faults every page in at once
 * (ignored when memory runs out, as on Linux); MAP_NORESERVE and
 * MAP_STACK are accepted and change nothing. As on Linux, protection bits
 * other than PROT_READ/WRITE/EXEC and unknown flag bits are ignored.
 * Errors: -EINVAL (len 0, MAP_TYPE neither MAP_SHARED nor MAP_PRIVATE,
 * MAP_32BIT or MAP_GROWSDOWN, unaligned off or MAP_FIXED addr, MAP_FIXED
 * at page 0, off + len beyond the object; MAP_HUGETLB with another
 * combination of flags, a page size other than 2 MiB, a MAP_FIXED addr not
 * a multiple of 2 MiB, or vm.largepages 0), -ENOMEM (len or a MAP_FIXED
 * range past the end of user space, no room, too many entries, out of
 * memory, not enough free 2 MiB blocks for MAP_HUGETLB).
 */
int vm_mmap(struct vm_map *map, vaddr_t addr, size_t len, int prot, int flags,
            struct vm_object *obj, uint64_t off, vaddr_t *out);

/*
 * mmap of a file's object (OBJ_FILE, see vm_object.h): as vm_mmap(), but
 * the mapping may pass the file's end (an access there is SIGBUS), rights
 * beyond max_prot are refused with -EACCES (now and by mprotect later),
 * MAP_PRIVATE maps a private copy-on-write view of the file, and off +
 * len past the largest file offset is -EOVERFLOW.
 */
int vm_mmap_file(struct vm_map *map, vaddr_t addr, size_t len, int prot, int flags,
                 struct vm_object *file, uint64_t off, int max_prot, vaddr_t *out);

/*
 * The program break (brk): the heap right after the program's image grows
 * and shrinks by whole pages of private anonymous memory. exec sets its
 * start; vm_brk(map, want) moves it to `want` when want lies in
 * [brk_start, brk_start + VM_BRK_MAX] and the pages it needs are free, and
 * returns the break, moved or not (as Linux's brk does: 0 asks for it).
 */
#define VM_BRK_MAX GIB_SIZE
void vm_map_set_brk(struct vm_map *map, vaddr_t start);
vaddr_t vm_brk(struct vm_map *map, vaddr_t want);

/*
 * munmap: removes every mapping in [addr, addr + len); holes are fine
 * (page 0 too). -EINVAL for len 0, an unaligned addr or a range outside
 * user space; -ENOMEM when the split would make too many entries.
 */
int vm_munmap(struct vm_map *map, vaddr_t addr, size_t len);

/*
 * mprotect: sets the protection of [addr, addr + len) to prot; len 0 does
 * nothing; PROT_SEM is accepted and means nothing. -EINVAL for an
 * unaligned addr, other unknown prot bits or PROT_GROWSDOWN/PROT_GROWSUP
 * over a mapping (none grows here), -ENOMEM when part of the range is not
 * mapped (past user space included) or too many entries would result,
 * -EACCES when prot exceeds an entry's max_prot.
 */
int vm_mprotect(struct vm_map *map, vaddr_t addr, size_t len, int prot);

/*
 * madvise: MADV_DONTNEED drops the pages of [addr, addr + len): private
 * memory reads back as zeros afterwards, shared memory as the object's
 * pages (the process's mappings and links are removed and come back by
 * faults). MADV_FREE may drop nothing, and does not; the other advice
 * (MADV_NORMAL, RANDOM, SEQUENTIAL, WILLNEED, HUGEPAGE, NOHUGEPAGE)
 * changes nothing. -EINVAL (unaligned addr, unknown advice, range outside
 * user space), -ENOMEM (part of the range is not mapped).
 */
int vm_madvise(struct vm_map *map, vaddr_t addr, size_t len, int advice);

/*
 * msync: a file's pages are its mappings' pages (there is no disk to
 * write back), so it only validates, as Linux does: -EINVAL (unaligned
 * addr, unknown flags, MS_ASYNC with MS_SYNC), -ENOMEM (part of the range
 * is not mapped); else 0.
 */
int vm_msync(struct vm_map *map, vaddr_t addr, size_t len, int flags);

/* ---- faults and kernel access (vm_fault.c, vm_copy.c) ---- */

/*
 * Resolves a fault at `va` for an access of kind PROT_READ, PROT_WRITE or
 * PROT_EXEC. Returns 0 (retry the access), -EFAULT (no mapping or
 * protection violation: SIGSEGV), -EIO (a file mapping past the end of
 * the file: SIGBUS) or -ENOMEM.
 */
int vm_fault(struct vm_map *map, vaddr_t va, int access);

/*
 * 1 when va lies in a shared mapping of map (its writes reach an object
 * that other address spaces may map), 0 in a private one, -EFAULT when
 * nothing is mapped there. For futex keys (kernel/futex.c).
 */
int vm_map_shared_at(struct vm_map *map, vaddr_t va);

/*
 * copyout/copyin: copy between kernel memory and map's user memory as a
 * user access of that kind would (faulting pages in, honouring protection),
 * through the direct map, so the map need not be active. Return 0, -EFAULT
 * (bad address or protection: nothing more is copied), -EIO (a page past
 * the end of a mapped file) or -ENOMEM.
 */
int vm_copyout(struct vm_map *map, vaddr_t dst, const void *src, size_t len);
int vm_copyin(struct vm_map *map, void *dst, vaddr_t src, size_t len);

/* ---- shm support (vm_mmap.c) ---- */

/*
 * Maps the shm object `obj` for shmat: at `addr` (page aligned; 2 MiB
 * aligned for an OBJ_LARGE_ONLY object) or, when addr is 0, where the
 * kernel chooses; read-only when `readonly`, executable when `exec`. The
 * range must be free unless `remap`, which replaces what is there. Returns
 * 0 and the address in *out, -EINVAL (addr unaligned, busy, wrapping
 * around the end of the address space without remap, or the detach address
 * of a live attachment whose first pages were unmapped: shmdt could not
 * tell the two apart) or -ENOMEM (a range past the end of user space, as
 * on Linux, or out of memory). The kernel never chooses such an address.
 */
int vm_map_shm_attach(struct vm_map *map, struct vm_object *obj, vaddr_t addr,
                      bool readonly, bool exec, bool remap, vaddr_t *out);

/*
 * Removes the attachment made at `addr` (shmdt) and gives its object, with
 * a reference the caller releases, in *obj. -EINVAL (and NULL) if there is
 * none.
 */
int vm_map_shm_detach(struct vm_map *map, vaddr_t addr, struct vm_object **obj);

/* Number of attachments of obj in all maps, each piece of a split one apart (nattch). */
int vm_object_nattch(struct vm_object *obj);

/*
 * The complete invariant checker: pmap_verify() (page tables, links, PV
 * entries, 2 MiB leaves and their mirrors, counters) plus the checks that
 * need the VM maps and objects: every link and every leaf mirror lies in
 * one eligible mapping of its object at the right offset with no more
 * rights than the mapping, every link and mirror of a pmap is accounted
 * for by its map, and object tables map the objects' pages.
 * Returns 0, -EIO with a report, or -ENOMEM.
 */
int vm_verify(char *report, size_t len);

/* ---- counters (vm_stat.c) ---- */

/* The whole system's counters. */
void vm_stat_global(struct vmstat *st);

/* One address space's counters (faults, its page tables, PV entries...). */
void vm_stat_map(struct vm_map *map, struct vmstat *st);

#endif
