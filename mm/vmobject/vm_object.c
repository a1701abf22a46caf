/*
 * VM objects (see vm_object.h): creation and destruction, pages by offset,
 * copy-on-write copies and the list of mappings.
 */
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "mm/vmobject/vm_radix.h"
#include "uapi/errno.h"

static struct spinlock objects_lock = SPINLOCK_INIT("vm_objects");
static struct vm_object *objects;    /* (L) live objects */
static size_t nobjects;              /* (L) */
static size_t file_pages;            /* pages of OBJ_FILE objects (atomic) */
#define SHRINK_BATCH 512             /* pages a shrink frees per hold of the object lock */
/* Guards the slots of vm_object_cached(); taken before an object's lock. */
static struct spinlock cache_lock = SPINLOCK_INIT("vm_object_cache");

static void registry_add(struct vm_object *obj)
{
	spin_lock(&objects_lock);
	obj->next = objects;
	if (objects)
		objects->prev = obj;
	objects = obj;
	nobjects++;
	spin_unlock(&objects_lock);
}

static void registry_remove(struct vm_object *obj)
{
	spin_lock(&objects_lock);
	if (obj->prev)
		obj->prev->next = obj->next;
	else
		objects = obj->next;
	if (obj->next)
		obj->next->prev = obj->prev;
	nobjects--;
	spin_unlock(&objects_lock);
}

size_t vm_object_count(void)
{
	size_t n;

	spin_lock(&objects_lock);
	n = nobjects;
	spin_unlock(&objects_lock);
	return n;
}

/*
 * Puts pg at page index idx with one more reference (a large page at the
 * first index of its segment). Returns 0 or -ENOMEM (a radix node could not
 * be allocated; pg untouched). (o) held, or obj not yet published.
 */
static int insert_locked(struct vm_object *obj, uint64_t idx, struct vm_page *pg)
{
	struct vm_page **slot = radix_slot(&obj->pages, obj->depth, idx, true);

	if (!slot)
		return -ENOMEM;
	if (*slot)
		panic("insert_locked: object %p already has page %lu", (void *)obj,
		      (unsigned long)idx);
	*slot = pg;
	__atomic_add_fetch(&pg->refcount, 1, __ATOMIC_RELAXED);
	if (!(obj->flags & OBJ_PRIVATE)) {
		pg->object = obj;
		pg->offset = idx << PAGE_SHIFT;
	}
	obj->resident += page_frames(pg);
	if (obj->flags & OBJ_FILE)
		__atomic_add_fetch(&file_pages, page_frames(pg), __ATOMIC_RELAXED);
	return 0;
}

/* Gives a data page nobody references back to the allocator, large or not. */
static void data_page_free(struct vm_page *pg)
{
	if (pg->flags & PG_LARGE)
		page_free_large(pg);
	else
		page_free(pg);
}

/*
 * Drops one object reference to a data page; the last one frees it. The
 * count is shared by objects with different locks (copy-on-write after
 * fork), so it changes atomically.
 */
void vm_page_unref(struct vm_page *pg)
{
	uint32_t left = __atomic_sub_fetch(&pg->refcount, 1, __ATOMIC_ACQ_REL);

	if (left == UINT32_MAX)
		panic("vm_page_unref: page %p had no reference", (void *)pg);
	if (left > 0)
		return;
	pg->object = NULL;
	pg->offset = 0;
	pg->flags &= ~PG_WIRED;
	data_page_free(pg);
}

/* Removes and unreferences the page at idx, if any. (o) held. */
static void remove_locked(struct vm_object *obj, uint64_t idx)
{
	struct vm_page **slot = radix_slot(&obj->pages, obj->depth, idx, false);

	if (!slot || !*slot)
		return;
	obj->resident -= page_frames(*slot);
	if (obj->flags & OBJ_FILE)
		__atomic_sub_fetch(&file_pages, page_frames(*slot), __ATOMIC_RELAXED);
	vm_page_unref(*slot);
	*slot = NULL;
}

/* Is the segment holding off meant for a large page? */
static bool large_segment(const struct vm_object *obj, uint64_t off)
{
	return (obj->flags & OBJ_LARGE) && off < ALIGN_DOWN(obj->size, SEG_SIZE);
}

/* Does the 2 MiB segment holding off hold no page yet? (o) held. */
static bool segment_empty_locked(struct vm_object *obj, uint64_t off)
{
	uint64_t first = ALIGN_DOWN(off, SEG_SIZE) >> PAGE_SHIFT, found;

	return !radix_next(obj->pages, obj->depth, first, first + LARGE_PAGES, &found);
}

/*
 * Allocates and inserts the missing page for off: a large page when the
 * segment is meant for one, still empty and a 2 MiB block is free; a 4 KiB
 * page otherwise, unless OBJ_LARGE_ONLY. Pages of physical objects are
 * wired. Returns 0 and the page for off in *pgp (a piece of the large page),
 * or -ENOMEM with nothing changed. (o) held, or obj not yet published.
 */
static int fill_locked(struct vm_object *obj, uint64_t off, struct vm_page **pgp)
{
	uint64_t idx = off >> PAGE_SHIFT;
	struct vm_page *pg = NULL;

	if (large_segment(obj, off) && segment_empty_locked(obj, off)) {
		pg = page_alloc_large();
		if (pg)
			idx = ALIGN_DOWN(idx, LARGE_PAGES);
		else if (obj->flags & OBJ_LARGE_ONLY)
			return -ENOMEM;
	}
	if (!pg && (obj->flags & OBJ_FILE) &&
	    __atomic_load_n(&file_pages, __ATOMIC_RELAXED) >= page_total_count() / 2)
		return -ENOMEM;
	if (!pg && !(pg = page_alloc()))
		return -ENOMEM;
	if (obj->source && off < obj->source_len)
		memcpy(page_to_virt(pg), obj->source + off, MIN(PAGE_SIZE, obj->source_len - off));
	if (obj->type == OBJ_PHYS)
		pg->flags |= PG_WIRED;
	if (insert_locked(obj, idx, pg) < 0) {
		pg->flags &= ~PG_WIRED;
		data_page_free(pg);
		return -ENOMEM;
	}
	*pgp = pg + ((off >> PAGE_SHIFT) - idx);
	return 0;
}

/* Allocates every page of a physical object. Returns 0 or -ENOMEM. */
static int populate_phys(struct vm_object *obj)
{
	for (uint64_t off = 0; off < obj->size;) {
		struct vm_page *pg;
		int err = fill_locked(obj, off, &pg);

		if (err)
			return err;
		off += page_large_head(pg) ? SEG_SIZE : PAGE_SIZE;
	}
	return 0;
}

/* Frees the page tables, the pages, the radix tree and the object itself. */
static void object_free(struct vm_object *obj)
{
	uint64_t idx = 0;

	if (obj->ptables)
		pmap_object_destroy(obj->ptables);
	while (radix_next(obj->pages, obj->depth, idx, obj->size >> PAGE_SHIFT, &idx))
		remove_locked(obj, idx);
	radix_free(&obj->pages, obj->depth);
	if (obj->backing)
		vm_object_release(obj->backing);
	kfree(obj);
}

/* See vm_object.h. */
struct vm_object *vm_object_create(enum vm_object_type type, uint64_t size, int flags)
{
	struct vm_object *obj;

	size = ALIGN_UP(size, PAGE_SIZE);
	if (size == 0 && !(flags & OBJ_FILE))
		panic("vm_object_create: size 0");
	if (((flags & OBJ_LARGE) && (flags & OBJ_PRIVATE)) ||
	    ((flags & OBJ_LARGE_ONLY) && (!(flags & OBJ_LARGE) || !IS_ALIGNED(size, SEG_SIZE))))
		panic("vm_object_create: bad large-page flags %x for %lu bytes", flags,
		      (unsigned long)size);
	obj = kzalloc(sizeof(*obj));
	if (!obj)
		return NULL;
	spin_init(&obj->lock, "vm_object");
	obj->type = type;
	obj->flags = flags;
	obj->size = size;
	obj->depth = radix_depth(size >> PAGE_SHIFT);
	obj->refcount = 1;
	if (!(flags & OBJ_PRIVATE)) {
		obj->ptables = pmap_object_create(obj, size);
		if (!obj->ptables) {
			kfree(obj);
			return NULL;
		}
	}
	if (type == OBJ_PHYS && populate_phys(obj) < 0) {
		object_free(obj);
		return NULL;
	}
	registry_add(obj);
	return obj;
}

/* See vm_object.h. */
struct vm_object *vm_object_create_shared(enum vm_object_type type, uint64_t size, bool huge)
{
	if (huge)
		return vm_object_create(OBJ_PHYS, size, OBJ_LARGE | OBJ_LARGE_ONLY);
	return vm_object_create(type, size, vm_largepages == 2 && size >= SEG_SIZE ? OBJ_LARGE : 0);
}

/* See vm_object.h. */
struct vm_object *vm_object_create_file(uint64_t size, const uint8_t *source, uint64_t len)
{
	struct vm_object *obj = vm_object_create(OBJ_ANON, size, OBJ_FILE);

	if (obj) {
		obj->source = source;
		obj->source_len = len;
	}
	return obj;
}

/*
 * See vm_object.h. An object whose last reference is gone but which has
 * not yet cleared the slot is left to finish dying: a new one takes its
 * place.
 */
struct vm_object *vm_object_cached(struct vm_object **slot, const uint8_t *source,
                                   uint64_t len)
{
	struct vm_object *obj, *made = NULL;

	for (;;) {
		spin_lock(&cache_lock);
		obj = *slot;
		if (obj) {
			bool alive;

			spin_lock(&obj->lock);
			alive = obj->refcount > 0;
			if (alive)
				obj->refcount++;
			spin_unlock(&obj->lock);
			if (!alive)
				obj = NULL;
		}
		if (!obj && made) {
			*slot = obj = made;
			made = NULL;
		}
		spin_unlock(&cache_lock);
		if (obj || !(made = vm_object_create_file(len, source, len)))
			break;
		made->cached_in = slot;
	}
	if (made)
		vm_object_release(made);   /* another call put its own in the slot first */
	return obj;
}

/* See vm_object.h. */
struct vm_object *vm_object_create_private_of(struct vm_object *file, uint64_t size)
{
	struct vm_object *obj = vm_object_create(OBJ_ANON, size, OBJ_PRIVATE);

	if (obj) {
		vm_object_ref(file);
		obj->backing = file;
	}
	return obj;
}

/*
 * See vm_object.h. The size changes first when shrinking, so that no fault
 * fills a page past the new end while the old ones go.
 */
int vm_object_resize(struct vm_object *obj, uint64_t size)
{
	uint64_t old, idx, freed = 0;
	struct vm_page *pg;
	int err = 0;

	size = ALIGN_UP(size, PAGE_SIZE);
	spin_lock(&obj->lock);
	old = obj->size;
	if (size > old) {
		err = radix_grow(&obj->pages, &obj->depth, size >> PAGE_SHIFT);
		if (err == 0)
			err = pmap_object_resize(obj->ptables, size);
		if (err == 0)
			obj->size = size;
	} else if (size < old) {
		obj->size = size;
		pmap_object_remove(obj->ptables, size, old);
		idx = size >> PAGE_SHIFT;
		while ((pg = radix_next(obj->pages, obj->depth, idx, old >> PAGE_SHIFT, &idx))) {
			pmap_page_remove(pg);
			remove_locked(obj, idx++);
			/*
			 * Freeing a GiB of pages takes a quarter of a second
			 * under TCG: let interrupts in now and then. Nothing can
			 * reach the pages left meanwhile: they are past the size,
			 * which every fault checks, and the caller serializes
			 * size changes.
			 */
			if (++freed % SHRINK_BATCH == 0) {
				spin_unlock(&obj->lock);
				spin_lock(&obj->lock);
			}
		}
		pmap_object_resize(obj->ptables, size);
	}
	spin_unlock(&obj->lock);
	return err;
}

size_t vm_object_file_pages(void)
{
	return __atomic_load_n(&file_pages, __ATOMIC_RELAXED);
}

void vm_object_ref(struct vm_object *obj)
{
	spin_lock(&obj->lock);
	if (obj->refcount == 0)
		panic("vm_object_ref: object %p is dead", (void *)obj);
	obj->refcount++;
	spin_unlock(&obj->lock);
}

/* See vm_object.h. Panics if the object is still mapped when it dies. */
void vm_object_release(struct vm_object *obj)
{
	uint32_t left;

	spin_lock(&obj->lock);
	if (obj->refcount == 0)
		panic("vm_object_release: object %p is dead", (void *)obj);
	left = --obj->refcount;
	if (left == 0 && obj->mappings)
		panic("vm_object_release: object %p dies with mappings", (void *)obj);
	spin_unlock(&obj->lock);
	if (left > 0)
		return;
	registry_remove(obj);
	if (obj->cached_in) {
		spin_lock(&cache_lock);
		if (*obj->cached_in == obj)
			*obj->cached_in = NULL;
		spin_unlock(&cache_lock);
	}
	object_free(obj);
}

/* See vm_object.h: a miss in a large segment looks for its large page. */
struct vm_page *vm_object_lookup_locked(struct vm_object *obj, uint64_t off)
{
	uint64_t idx = off >> PAGE_SHIFT, first = ALIGN_DOWN(idx, LARGE_PAGES);
	struct vm_page **slot;

	ASSERT_HELD(&obj->lock);
	if (off >= obj->size)
		return NULL;
	slot = radix_slot(&obj->pages, obj->depth, idx, false);
	if (slot && *slot)
		return *slot;
	if (!large_segment(obj, off))
		return NULL;
	slot = radix_slot(&obj->pages, obj->depth, first, false);
	return slot && *slot && ((*slot)->flags & PG_LARGE) ? *slot + (idx - first) : NULL;
}

/* See vm_object.h. */
int vm_object_page_locked(struct vm_object *obj, uint64_t off,
                          struct vm_page **pgp, bool *created)
{
	struct vm_page *pg;
	int err;

	*created = false;
	if (off >= obj->size)
		return -EIO;
	pg = vm_object_lookup_locked(obj, off);
	if (!pg) {
		if (obj->type != OBJ_ANON)
			panic("vm_object_page_locked: physical object %p lacks a page", (void *)obj);
		err = fill_locked(obj, off, &pg);
		if (err)
			return err;
		*created = true;
	}
	*pgp = pg;
	return 0;
}

int vm_object_insert_locked(struct vm_object *obj, uint64_t off, struct vm_page *pg)
{
	ASSERT_HELD(&obj->lock);
	return insert_locked(obj, off >> PAGE_SHIFT, pg);
}

struct vm_page *vm_object_replace_locked(struct vm_object *obj, uint64_t off,
                                         struct vm_page *pg)
{
	struct vm_page **slot = radix_slot(&obj->pages, obj->depth, off >> PAGE_SHIFT, false);
	struct vm_page *old;

	ASSERT_HELD(&obj->lock);
	if (!slot || !*slot)
		panic("vm_object_replace_locked: no page at offset %lx", (unsigned long)off);
	old = *slot;
	*slot = pg;
	__atomic_add_fetch(&pg->refcount, 1, __ATOMIC_RELAXED);
	return old;
}

/* See vm_object.h. */
struct vm_object *vm_object_copy_range(struct vm_object *src, uint64_t off, uint64_t len)
{
	struct vm_object *dst = src->backing ? vm_object_create_private_of(src->backing, src->size)
	                                     : vm_object_create(OBJ_ANON, src->size, OBJ_PRIVATE);
	uint64_t idx = off >> PAGE_SHIFT, end = (off + len) >> PAGE_SHIFT;
	struct vm_page *pg;
	int r = 0;

	if (!dst)
		return NULL;
	spin_lock(&src->lock);
	spin_lock(&dst->lock);
	while (r == 0 && (pg = radix_next(src->pages, src->depth, idx, end, &idx)) != NULL) {
		r = insert_locked(dst, idx, pg);
		idx++;
	}
	spin_unlock(&dst->lock);
	spin_unlock(&src->lock);
	if (r < 0) {
		vm_object_release(dst);
		return NULL;
	}
	return dst;
}

void vm_object_free_range(struct vm_object *obj, uint64_t off, uint64_t len)
{
	uint64_t idx = off >> PAGE_SHIFT, end = (off + len) >> PAGE_SHIFT;

	spin_lock(&obj->lock);
	while (radix_next(obj->pages, obj->depth, idx, end, &idx))
		remove_locked(obj, idx++);
	spin_unlock(&obj->lock);
}

void vm_object_add_mapping(struct vm_object *obj, struct vm_map_entry *e)
{
	spin_lock(&obj->lock);
	e->obj_prev = NULL;
	e->obj_next = obj->mappings;
	if (obj->mappings)
		obj->mappings->obj_prev = e;
	obj->mappings = e;
	spin_unlock(&obj->lock);
}

void vm_object_remove_mapping(struct vm_object *obj, struct vm_map_entry *e)
{
	spin_lock(&obj->lock);
	if (e->obj_prev)
		e->obj_prev->obj_next = e->obj_next;
	else
		obj->mappings = e->obj_next;
	if (e->obj_next)
		e->obj_next->obj_prev = e->obj_prev;
	e->obj_next = e->obj_prev = NULL;
	spin_unlock(&obj->lock);
}

int vm_object_dump(struct vm_object *obj, char *buf, size_t len)
{
	return obj->ptables ? pmap_dump_object(obj->ptables, buf, len) : -EINVAL;
}

void vm_object_foreach(void (*fn)(struct vm_object *obj, void *arg), void *arg)
{
	spin_lock(&objects_lock);
	for (struct vm_object *obj = objects; obj; obj = obj->next)
		fn(obj, arg);
	spin_unlock(&objects_lock);
}

/* See vm_object.h. Visits the resident pages only: O(pages), not O(size). */
bool vm_object_tables_agree(struct vm_object *obj, uint64_t *bad)
{
	uint64_t idx = 0, end = obj->size >> PAGE_SHIFT;
	struct vm_page *pg, *mapped;
	bool ok = true;

	if (!obj->ptables)
		return true;
	spin_lock(&obj->lock);
	while (ok && (pg = radix_next(obj->pages, obj->depth, idx, end, &idx)) != NULL) {
		mapped = pmap_object_extract(obj->ptables, idx << PAGE_SHIFT);
		if (mapped && mapped != pg) {
			*bad = idx << PAGE_SHIFT;
			ok = false;
		}
		idx++;
	}
	spin_unlock(&obj->lock);
	return ok;
}
