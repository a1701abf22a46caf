/*
 * The page-fault handler (see vm_map.h): finds the entry, checks the access
 * against its protection, finds or creates the page in the object
 * (zero-fill, copy-on-write) and asks the pmap to map it.
 *
 * A page of a large page (2 MiB) is mapped whole through the object's PD
 * when its segment is eligible (pmap_enter_large). Otherwise, when the
 * entry is shared and covers the whole large page at a 2 MiB-aligned
 * address (sharing is off, say), it is mapped whole with one private 2 MiB
 * leaf (pmap_enter_leaf), as Linux maps a hugetlb page without PMD
 * sharing; else (the mapping is not 2 MiB-aligned with the object, or a
 * partial mprotect or munmap split it) the fault maps, in private PTs,
 * every 4 KiB piece of that 2 MiB page that the entry covers, so splitting
 * costs one fault per piece of entry, not one per page.
 *
 * Files: a page wholly past the end of a file's object is no page at all
 * (-EIO: the trap handler sends SIGBUS); a private mapping of a file reads
 * the file's page until it writes (backing_page_locked). The lock of the
 * object that holds the page is kept until the page is mapped, so that a
 * file shrinking on another CPU cannot free the page in between: the
 * shrink, which takes that lock, then finds the new mapping and removes
 * it. With vm.fault_around, the first fault in a segment of a physical
 * object fills the whole object PT (fault_around_locked).
 *
 * Counters: map->stat (m) and vm_fault_gstat (atomic adds). Every handled
 * fault counts once in faults and once in exactly one of faults_private,
 * faults_object and faults_link; faults_large and faults_split are subsets
 * of faults_object and faults_private. A fault that finds the access
 * already allowed when it gets the map (threads of one process touching a
 * page at once: the first maps it while the others wait for the map lock)
 * has nothing to do and counts only in faults_spurious, so that faults
 * counts the work done: one per page, not one per thread that raced. While the fault-rate timeline
 * records (fault_timeline.c), each fault counted in faults also counts in
 * its 10 ms interval.
 */
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/fault_timeline.h"
#include "mm/page.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map_impl.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

struct vmstat vm_fault_gstat;

/* Adds one to a fault counter of map and of the whole system. */
#define COUNT(map, field)                                                    \
	do {                                                                 \
		(map)->stat.field++;                                         \
		__atomic_fetch_add(&vm_fault_gstat.field, 1, __ATOMIC_RELAXED); \
	} while (0)

/*
 * May a mapping with rights `prot` take an access of kind `access`? Any
 * mapping but PROT_NONE is readable (x86 cannot express write-only).
 */
static bool access_allowed(int prot, int access)
{
	if (prot == PROT_NONE)
		return false;
	if ((access & PROT_WRITE) && !(prot & PROT_WRITE))
		return false;
	if ((access & PROT_EXEC) && !(prot & PROT_EXEC))
		return false;
	return true;
}

/*
 * Copy-on-write: gives obj a private copy of the page *pgp at off and
 * returns it in *pgp; the replaced page comes back in *oldp, still
 * referenced (see vm_object_replace_locked). Returns 0 or -ENOMEM. (o) held.
 */
static int cow_copy_locked(struct vm_object *obj, uint64_t off, struct vm_page **pgp,
                           struct vm_page **oldp)
{
	struct vm_page *copy = page_alloc();

	if (!copy)
		return -ENOMEM;
	memcpy(page_to_virt(copy), page_to_virt(*pgp), PAGE_SIZE);
	*oldp = vm_object_replace_locked(obj, off, copy);
	*pgp = copy;
	return 0;
}

/*
 * A private mapping of a file whose private object has no page at off yet
 * (the object is e->object, its backing the file's): a read maps the
 * file's page read-only, so the mapping follows the file until it writes;
 * a write copies the file's page into the private object. Returns 0 with
 * the lock of the object now holding *pgp in *held, or -EIO (past the end
 * of the file), -ENOMEM with no lock held.
 */
static int backing_page_locked(struct vm_map *map, struct vm_map_entry *e, uint64_t off,
                               int access, struct vm_page **pgp, int *prot,
                               struct vm_object **held)
{
	struct vm_object *obj = e->object, *file = obj->backing;
	struct vm_page *src, *copy = NULL;
	bool created;
	int err;

	spin_lock(&file->lock);
	err = vm_object_page_locked(file, off, &src, &created);
	if (err == 0 && created)
		COUNT(map, faults_zero);
	if (err == 0 && !(access & PROT_WRITE)) {
		*pgp = src;
		*prot = (*prot & ~PROT_WRITE) | PROT_READ;
		*held = file;
		return 0;
	}
	if (err == 0 && (copy = page_alloc()) != NULL)
		memcpy(page_to_virt(copy), page_to_virt(src), PAGE_SIZE);
	spin_unlock(&file->lock);
	if (err)
		return err;
	if (!copy)
		return -ENOMEM;
	spin_lock(&obj->lock);
	err = vm_object_insert_locked(obj, off, copy);
	if (err) {
		spin_unlock(&obj->lock);
		page_free(copy);
		return err;
	}
	COUNT(map, faults_cow);
	*pgp = copy;
	*held = obj;
	return 0;
}

/*
 * Finds the page of entry e for va and the rights to map it with: a private
 * page still shared with another object is copied on a write (the replaced
 * page is returned in *oldp, still referenced) and mapped read-only
 * otherwise. Returns 0 with the lock of the object holding the page in
 * *held: the caller maps the page and then drops it, so that a file
 * shrinking meanwhile cannot free the page before it is mapped (the shrink
 * then finds the new mapping and removes it). Or -EFAULT, -EIO (past the
 * end of a file), -ENOMEM with no lock held.
 */
static int fault_page_locked(struct vm_map *map, struct vm_map_entry *e, vaddr_t va,
                             int access, struct vm_page **pgp, int *prot,
                             struct vm_page **oldp, struct vm_object **held)
{
	struct vm_object *obj = e->object;
	uint64_t off = e->offset + (va - e->start);
	bool created;
	int err;

	*prot = e->prot;
	spin_lock(&obj->lock);
	if (obj->backing && !vm_object_lookup_locked(obj, off)) {
		spin_unlock(&obj->lock);
		return backing_page_locked(map, e, off, access, pgp, prot, held);
	}
	err = vm_object_page_locked(obj, off, pgp, &created);
	if (err == 0 && created)
		COUNT(map, faults_zero);
	if (err == 0 && !(e->flags & VME_SHARED) && (*pgp)->refcount > 1) {
		if (access & PROT_WRITE) {
			err = cow_copy_locked(obj, off, pgp, oldp);
			if (err == 0)
				COUNT(map, faults_cow);
		} else {
			/* Read-only until the write fault copies it; a write-only
			 * mapping is readable on x86, so it stays mapped. */
			*prot = (*prot & ~PROT_WRITE) | PROT_READ;
		}
	}
	if (err) {
		spin_unlock(&obj->lock);
		return err;
	}
	*held = obj;
	return 0;
}

/*
 * Maps in private PTEs every 4 KiB piece of the large page `head` that
 * entry e covers, the faulting page pg at va first: its error is the
 * fault's, while a later failure only leaves the remaining pieces to their
 * own faults. Returns 0 or -ENOMEM. map->lock held.
 */
static int split_map_locked(struct vm_map *map, struct vm_map_entry *e, vaddr_t va,
                            struct vm_page *pg, struct vm_page *head, int prot)
{
	uint64_t first = MAX(head->offset, e->offset);
	uint64_t end = MIN(head->offset + SEG_SIZE, e->offset + (e->end - e->start));
	int err = pmap_enter(map->pmap, va, pg, prot, 0);

	for (uint64_t off = first; err == 0 && off < end; off += PAGE_SIZE) {
		vaddr_t piece_va = e->start + (off - e->offset);
		struct vm_page *piece = head + ((off - head->offset) >> PAGE_SHIFT);

		if (piece_va != va && pmap_enter(map->pmap, piece_va, piece, prot, 0) < 0)
			break;
	}
	return err;
}

/*
 * The address at which shared entry e maps the whole large page head with
 * a private 2 MiB leaf, or 0 when it cannot: e is private (copy-on-write
 * works on 4 KiB pages), covers only part of the page, or maps it at an
 * address that is not 2 MiB aligned.
 */
static vaddr_t private_leaf_va(const struct vm_map_entry *e, const struct vm_page *head)
{
	vaddr_t va;

	if (!(e->flags & VME_SHARED) || head->offset < e->offset ||
	    head->offset + SEG_SIZE > e->offset + (e->end - e->start))
		return 0;
	va = e->start + (head->offset - e->offset);
	return IS_ALIGNED(va, SEG_SIZE) ? va : 0;
}

/* Pages looked up per call of the pmap during fault-around (a small stack array). */
#define AROUND_BATCH 64

/*
 * vm.fault_around: after the fault that filled the object PTE at s->off,
 * fills the rest of that 2 MiB segment of physical object obj (every page
 * exists) in the object's PT page. (o) held.
 */
static void fault_around_locked(struct vm_object *obj, const struct pmap_segment *s)
{
	uint64_t seg = ALIGN_DOWN(s->off, SEG_SIZE), end = MIN(seg + SEG_SIZE, obj->size);
	struct vm_page *pages[AROUND_BATCH];

	for (uint64_t off = seg; off < end; off += AROUND_BATCH * PAGE_SIZE) {
		int n = (int)MIN((uint64_t)AROUND_BATCH, (end - off) >> PAGE_SHIFT);

		for (int i = 0; i < n; i++)
			pages[i] = vm_object_lookup_locked(obj, off + (uint64_t)i * PAGE_SIZE);
		if (pmap_object_fill_wired(s->po, off, pages, n) < 0)
			return;   /* out of table memory: the rest fault one by one */
	}
}

/*
 * vm_fault() with map->lock held. An eligible shared segment goes to the
 * object's page tables (faults_object when the object PTE, or for a piece
 * of a large page the object's 2 MiB leaf, had to be filled, then also
 * faults_large; faults_link when the fault only linked the table).
 * Everything else is private (faults_private): a large page the entry
 * covers whole gets a private 2 MiB leaf, the pieces of one it covers in
 * part get private PTEs (then also faults_split), any other page one PTE.
 */
int vm_fault_locked(struct vm_map *map, vaddr_t va, int access)
{
	struct pmap_segment seg;
	struct vm_map_entry *e;
	struct vm_page *pg, *head, *old = NULL;
	struct vm_object *held;
	bool filled;
	paddr_t pa;
	int prot, err;

	ASSERT_HELD(&map->lock);
	va = ALIGN_DOWN(va, PAGE_SIZE);
	e = map_lookup_locked(map, va);
	if (!e || !access_allowed(e->prot, access))
		return -EFAULT;
	if (pmap_translate(map->pmap, va, access, &pa) == 0) {
		/* The CPU drops the faulting translation, so the access retried
		 * sees the entry that another thread made meanwhile. */
		COUNT(map, faults_spurious);
		return 0;
	}
	err = fault_page_locked(map, e, va, access, &pg, &prot, &old, &held);
	if (err)
		return err;
	head = page_large_head(pg);
	if (segment_for(e, va, &seg)) {
		err = head ? pmap_enter_large(map->pmap, &seg, head, &filled)
		           : pmap_enter_segment(map->pmap, &seg, pg, &filled);
		if (err == 0 && filled) {
			COUNT(map, faults_object);
			if (head)
				COUNT(map, faults_large);
			else if (vm_fault_around && held->type == OBJ_PHYS)
				fault_around_locked(held, &seg);
		} else if (err == 0) {
			COUNT(map, faults_link);
		}
	} else if (head && private_leaf_va(e, head)) {
		err = pmap_enter_leaf(map->pmap, private_leaf_va(e, head), head, prot);
		if (err == 0)
			COUNT(map, faults_private);
	} else {
		err = head ? split_map_locked(map, e, va, pg, head, prot)
		           : pmap_enter(map->pmap, va, pg, prot, 0);
		if (err == 0) {
			COUNT(map, faults_private);
			if (head)
				COUNT(map, faults_split);
		}
	}
	spin_unlock(&held->lock);
	if (old) {
		/* The copy replaced the old page's PTE, or failed: drop it. */
		if (err)
			pmap_remove(map->pmap, va, va + PAGE_SIZE);
		vm_page_unref(old);
	}
	if (err == 0) {
		COUNT(map, faults);
		fault_timeline_count();
	}
	return err;
}

/* See vm_map.h. */
int vm_fault(struct vm_map *map, vaddr_t va, int access)
{
	int err;

	spin_lock(&map->lock);
	err = vm_fault_locked(map, va, access);
	spin_unlock(&map->lock);
	return err;
}
