/*
 * Address spaces (see vm_map.h): lifetime, fork, and the sorted entry list
 * with its split (clip), merge and range removal primitives.
 *
 * The list is a plain doubly linked list sorted by address: maps have at
 * most VM_MAP_MAX_ENTRIES entries, so a linear walk is fast enough and easy
 * to read.
 */
#include "kernel/printk.h"
#include "mm/kmalloc.h"
#include "mm/pmap/pmap.h"
#include "mm/pmap/pmap_break.h"
#include "mm/vm_map_impl.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

static struct spinlock maps_lock = SPINLOCK_INIT("vm_maps");
static struct vm_map *maps;     /* (V) live maps, for vm_verify() */

/* ---- entry reservations ---- */

/* Tops r up to n preallocated entries. Returns 0 or -ENOMEM. */
int reserve_fill(struct entry_reserve *r, int n)
{
	while (r->n < n) {
		r->e[r->n] = kzalloc(sizeof(struct vm_map_entry));
		if (!r->e[r->n])
			return -ENOMEM;
		r->n++;
	}
	return 0;
}

struct vm_map_entry *reserve_take(struct entry_reserve *r)
{
	if (r->n == 0)
		panic("reserve_take: reservation exhausted");
	return r->e[--r->n];
}

void reserve_release(struct entry_reserve *r)
{
	while (r->n > 0)
		kfree(r->e[--r->n]);
}

/* ---- the entry list ---- */

/* The entry containing va, or NULL. */
struct vm_map_entry *map_lookup_locked(struct vm_map *map, vaddr_t va)
{
	ASSERT_HELD(&map->lock);
	for (struct vm_map_entry *e = map->entries; e && e->start <= va; e = e->next)
		if (va < e->end)
			return e;
	return NULL;
}

int vm_map_shared_at(struct vm_map *map, vaddr_t va)
{
	struct vm_map_entry *e;
	int r;

	spin_lock(&map->lock);
	e = map_lookup_locked(map, va);
	r = !e ? -EFAULT : (e->flags & VME_SHARED) ? 1 : 0;
	spin_unlock(&map->lock);
	return r;
}

/* Links e (object reference already held) into the list and its object. */
void map_insert_locked(struct vm_map *map, struct vm_map_entry *e)
{
	struct vm_map_entry *prev = NULL, *next = map->entries;

	ASSERT_HELD(&map->lock);
	while (next && next->start < e->start) {
		prev = next;
		next = next->next;
	}
	if ((prev && prev->end > e->start) || (next && next->start < e->end))
		panic("map_insert_locked: [%p, %p) overlaps", (void *)e->start, (void *)e->end);
	e->map = map;
	e->prev = prev;
	e->next = next;
	if (prev)
		prev->next = e;
	else
		map->entries = e;
	if (next)
		next->prev = e;
	map->nentries++;
	vm_object_add_mapping(e->object, e);
}

/*
 * Unlinks e from the list and its object, drops its object reference and
 * frees it. The caller removed its pages from the pmap.
 */
void map_remove_entry_locked(struct vm_map *map, struct vm_map_entry *e)
{
	ASSERT_HELD(&map->lock);
	if (e->prev)
		e->prev->next = e->next;
	else
		map->entries = e->next;
	if (e->next)
		e->next->prev = e->prev;
	map->nentries--;
	vm_object_remove_mapping(e->object, e);
	vm_object_release(e->object);
	kfree(e);
}

/* Splits e at va (inside it) with a reserved entry: e keeps [start, va). */
static void split_locked(struct vm_map *map, struct vm_map_entry *e, vaddr_t va,
                         struct entry_reserve *r)
{
	struct vm_map_entry *ne = reserve_take(r);

	ASSERT_HELD(&map->lock);
	*ne = *e;
	ne->start = va;
	ne->offset += va - e->start;
	e->end = va;
	vm_object_ref(e->object);
	map_insert_locked(map, ne);
}

/* Splits entries so that start and end fall on entry boundaries. */
void map_clip_locked(struct vm_map *map, vaddr_t start, vaddr_t end, struct entry_reserve *r)
{
	struct vm_map_entry *e = map_lookup_locked(map, start);

	ASSERT_HELD(&map->lock);
	if (e && e->start < start)
		split_locked(map, e, start, r);
	e = map_lookup_locked(map, end);
	if (e && e->start < end)
		split_locked(map, e, end, r);
}

/* Can a and b (adjacent in the list) become one entry? */
static bool mergeable(const struct vm_map_entry *a, const struct vm_map_entry *b)
{
	return a->end == b->start && a->object == b->object &&
	       a->offset + (a->end - a->start) == b->offset &&
	       a->prot == b->prot && a->max_prot == b->max_prot &&
	       a->flags == b->flags && a->shm_attach == b->shm_attach;
}

/* Merges compatible neighbours whose junction lies in [start, end]. */
void map_merge_around_locked(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e = map->entries;

	ASSERT_HELD(&map->lock);
	while (e && e->next) {
		struct vm_map_entry *n = e->next;

		if (e->end >= start && e->end <= end && mergeable(e, n)) {
			e->end = n->end;
			map_remove_entry_locked(map, n);
		} else {
			e = n;
		}
	}
}

/*
 * Removes every mapping in [start, end): unmaps the pages, frees the pages
 * of private objects in that range, drops the entries. `r` holds 2 entries.
 */
void map_remove_range_locked(struct vm_map *map, vaddr_t start, vaddr_t end,
                             struct entry_reserve *r)
{
	struct vm_map_entry *e, *next;

	ASSERT_HELD(&map->lock);
	map_clip_locked(map, start, end, r);
	for (e = map->entries; e && e->start < end; e = next) {
		next = e->next;
		if (e->end <= start)
			continue;
		pmap_remove(map->pmap, e->start, e->end);
		if (e->object->flags & OBJ_PRIVATE)
			vm_object_free_range(e->object, e->offset, e->end - e->start);
		map_remove_entry_locked(map, e);
	}
}

/* Number of entries the map would have once [start, end) is removed. */
int map_count_after_locked(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	int n = map->nentries;

	ASSERT_HELD(&map->lock);
	for (struct vm_map_entry *e = map->entries; e && e->start < end; e = e->next) {
		if (e->end <= start)
			continue;
		n += (e->start < start) + (e->end > end) - 1;
	}
	return n;
}

/* Is [start, end) free of mappings? */
bool map_range_free_locked(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	ASSERT_HELD(&map->lock);
	for (struct vm_map_entry *e = map->entries; e && e->start < end; e = e->next)
		if (e->end > start)
			return false;
	return true;
}

/* ---- shared segments ---- */

/*
 * Rules 1-2 of docs/correctness.md: is the aligned block of `size` (SEG_SIZE or
 * GIB_SIZE) around va wholly inside shared entry e, with the object offset
 * at its start aligned the same way? A teach kernel's lessons 1 and 2
 * (mm/pmap/pmap_break.h) wave through a 2 MiB segment that is not
 * congruent, or that runs past the end of e.
 */
bool segment_eligible(const struct vm_map_entry *e, vaddr_t va, uint64_t size)
{
	vaddr_t start = ALIGN_DOWN(va, size);
	bool congruent = IS_ALIGNED(e->offset + (start - e->start), size);
	bool inside = start >= e->start && start + size <= e->end;

	if (size == SEG_SIZE && !congruent && pmap_broken(RULE_OFFSET_KEYED))
		congruent = true;
	if (size == SEG_SIZE && !inside && start >= e->start && pmap_broken(RULE_WHOLE_SEGMENTS))
		inside = true;
	return (e->flags & VME_SHARED) && e->object->ptables && inside && congruent;
}

/*
 * For an object with large pages, the runs of struct pmap_segment: every
 * 2 MiB segment of an eligible entry is eligible (the rules hold for each
 * whole segment inside it), and so is every whole GiB when va and offset
 * agree modulo 1 GiB and PD sharing is on. Empty runs for other objects.
 */
static void segment_runs(const struct vm_map_entry *e, struct pmap_segment *s)
{
	vaddr_t gs = ALIGN_UP(e->start, GIB_SIZE), ge = ALIGN_DOWN(e->end, GIB_SIZE);

	s->run_start = s->run_end = s->gib_start = s->gib_end = 0;
	if (!(e->object->flags & OBJ_LARGE))
		return;
	s->run_start = ALIGN_UP(e->start, SEG_SIZE);
	s->run_end = ALIGN_DOWN(e->end, SEG_SIZE);
	if (pmap_share_pd && gs < ge && segment_eligible(e, gs, GIB_SIZE)) {
		s->gib_start = gs;
		s->gib_end = ge;
	}
}

/*
 * Describes the segment around va for the pmap when sharing is on and it
 * is eligible (then returns true); s->gib asks for a GiB link when PD
 * sharing is on and the whole GiB is eligible too.
 */
bool segment_for(const struct vm_map_entry *e, vaddr_t va, struct pmap_segment *s)
{
	if (!pmap_mmu_optimize || !segment_eligible(e, va, SEG_SIZE))
		return false;
	s->po = e->object->ptables;
	s->va = ALIGN_DOWN(va, PAGE_SIZE);
	s->off = e->offset + (s->va - e->start);
	s->prot = e->prot;
	s->gib = pmap_share_pd && segment_eligible(e, va, GIB_SIZE);
	segment_runs(e, s);
	return true;
}

/*
 * Prelinking: links every eligible segment (or GiB) of the entries in
 * [start, end) whose object table is already populated; for an object with
 * large pages, the pmap also registers the leaf mirrors of the entry's run
 * (at the first segment; the later calls find them in place). No-op unless
 * machdep.pmap_prelink and sharing are on.
 */
void map_prelink_locked(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *e = map->entries;

	ASSERT_HELD(&map->lock);
	if (!pmap_prelink || !pmap_mmu_optimize)
		return;
	for (; e && e->start < end; e = e->next) {
		if (e->end <= start || e->prot == PROT_NONE)
			continue;
		for (vaddr_t va = ALIGN_UP(e->start, SEG_SIZE); va < e->end;) {
			struct pmap_segment s;
			uint64_t size = SEG_SIZE;

			if (segment_for(e, va, &s)) {
				pmap_link_segment(map->pmap, &s);
				size = s.gib ? GIB_SIZE : SEG_SIZE;
			}
			va = ALIGN_DOWN(va, size) + size;
		}
	}
}

/* ---- lifetime ---- */

/* Calls fn on every live map (registry lock held). */
void vm_map_foreach(void (*fn)(struct vm_map *map, void *arg), void *arg)
{
	spin_lock(&maps_lock);
	for (struct vm_map *m = maps; m; m = m->next)
		fn(m, arg);
	spin_unlock(&maps_lock);
}

struct vm_map *vm_map_create(void)
{
	struct vm_map *map = kzalloc(sizeof(*map));

	if (!map)
		return NULL;
	map->pmap = pmap_create();
	if (!map->pmap) {
		kfree(map);
		return NULL;
	}
	spin_init(&map->lock, "vm_map");
	spin_lock(&maps_lock);
	map->next = maps;
	if (maps)
		maps->prev = map;
	maps = map;
	spin_unlock(&maps_lock);
	return map;
}

void vm_map_destroy(struct vm_map *map)
{
	spin_lock(&map->lock);
	while (map->entries) {
		struct vm_map_entry *e = map->entries;

		pmap_remove(map->pmap, e->start, e->end);
		map_remove_entry_locked(map, e);
	}
	spin_unlock(&map->lock);
	spin_lock(&maps_lock);
	if (map->prev)
		map->prev->next = map->next;
	else
		maps = map->next;
	if (map->next)
		map->next->prev = map->prev;
	spin_unlock(&maps_lock);
	pmap_destroy(map->pmap);
	kfree(map);
}

void vm_map_activate(struct vm_map *map)
{
	pmap_activate(map ? map->pmap : NULL);
}

/*
 * The child's copy of parent entry e: same object for shared entries, a
 * copy-on-write object for private ones (then the parent's pages in e are
 * write-protected). NULL when out of memory.
 *
 * The parent is write-protected, every CPU flushed, before the child's
 * object takes the pages: another thread of the parent, running on
 * another CPU through a writable TLB entry, cannot write into a page the
 * child already holds. (The map lock keeps its faults out meanwhile.) If
 * the copy then fails, the protection costs one fault per page written,
 * which finds the page unshared and makes it writable again.
 */
static struct vm_map_entry *fork_entry_locked(struct vm_map *parent, struct vm_map_entry *e)
{
	struct vm_map_entry *ne = kzalloc(sizeof(*ne));

	if (!ne)
		return NULL;
	*ne = *e;
	if (e->flags & VME_SHARED) {
		vm_object_ref(e->object);
		return ne;
	}
	pmap_protect(parent->pmap, e->start, e->end, e->prot & ~PROT_WRITE);
	ne->object = vm_object_copy_range(e->object, e->offset, e->end - e->start);
	if (!ne->object) {
		kfree(ne);
		return NULL;
	}
	return ne;
}

/* See vm_map.h. */
struct vm_map *vm_map_fork(struct vm_map *parent)
{
	struct vm_map *child = vm_map_create();

	if (!child)
		return NULL;
	spin_lock(&parent->lock);
	spin_lock(&child->lock);
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	for (struct vm_map_entry *e = parent->entries; e; e = e->next) {
		struct vm_map_entry *ne = fork_entry_locked(parent, e);

		if (!ne) {
			spin_unlock(&child->lock);
			spin_unlock(&parent->lock);
			vm_map_destroy(child);
			return NULL;
		}
		map_insert_locked(child, ne);
	}
	map_prelink_locked(child, 0, USER_TOP);
	spin_unlock(&child->lock);
	spin_unlock(&parent->lock);
	return child;
}
