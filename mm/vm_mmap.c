/*
 * mmap, munmap, mprotect and SysV attach/detach on a vm_map (see vm_map.h).
 *
 * Each call is "validate, reserve, perform": arguments are checked and the
 * entries and objects the change needs are allocated before the map is
 * touched, so a failure leaves the map exactly as it was.
 */
#include "kernel/printk.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map_impl.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define PROT_ALL  (PROT_READ | PROT_WRITE | PROT_EXEC)
/* Linux flags this kernel cannot honour: refused, where unknown bits are ignored. */
#define MAP_REFUSED (MAP_32BIT | MAP_GROWSDOWN)
#define BIG_MAPPING MIB(32)    /* above this, align to 2 MiB anyway */
#define MAX_FILE_OFFSET ((uint64_t)INT64_MAX)   /* a file's last byte + 1 at most */

/* A mapping to create: validated arguments of mmap or shmat. */
struct map_request {
	vaddr_t addr;          /* wanted address, 0 for none */
	uint64_t len;          /* page multiple, > 0 */
	int prot, max_prot;
	int vme_flags;         /* VME_* */
	bool fixed;            /* addr is mandatory */
	bool replace;          /* with fixed: unmap what is there (else busy_err) */
	int busy_err;          /* with fixed, not replace: the error for a busy range */
	struct vm_object *obj; /* referenced by the caller */
	uint64_t off;
};

/* Is [addr, addr + len) a non-empty range of user space? */
static bool user_range_ok(vaddr_t addr, uint64_t len)
{
	return len > 0 && addr >= VM_USER_MIN && addr < USER_TOP && len <= USER_TOP - addr;
}

/*
 * Alignment of an automatically placed mapping of len bytes (docs/internals.md),
 * also 1 GiB for any mapping of at least 1 GiB, so that its first GiBs can
 * be linked whole.
 */
static uint64_t placement_align(uint64_t len)
{
	if (len >= GIB_SIZE)
		return GIB_SIZE;
	if (IS_ALIGNED(len, SEG_SIZE) || len > BIG_MAPPING)
		return SEG_SIZE;
	return PAGE_SIZE;
}

/* The lowest a >= lo with a % align == color. */
static vaddr_t fit(vaddr_t lo, uint64_t align, uint64_t color)
{
	vaddr_t a = ALIGN_DOWN(lo, align) + color;

	return a < lo ? a + align : a;
}

/*
 * Is addr the shmdt address of a live attachment of map? When the first
 * pages of an attachment are unmapped, its address is free again, but an
 * attachment made there would share its detach address and shmdt could not
 * tell the two apart: it would remove both.
 */
static bool attach_addr_in_use_locked(struct vm_map *map, vaddr_t addr)
{
	ASSERT_HELD(&map->lock);
	for (struct vm_map_entry *e = map->entries; e; e = e->next)
		if ((e->flags & VME_SHM) && e->shm_attach == addr)
			return true;
	return false;
}

/*
 * The lowest candidate a >= lo with a % align == color; for an attachment
 * (shm), one that is not the detach address of another.
 */
static vaddr_t fit_locked(struct vm_map *map, vaddr_t lo, uint64_t align, uint64_t color,
                          bool shm)
{
	vaddr_t a = fit(lo, align, color);

	while (shm && a < USER_TOP && attach_addr_in_use_locked(map, a))
		a += align;
	return a;
}

/*
 * First fit in the mmap area for len bytes at an address congruent to the
 * object offset modulo the placement alignment (so that va and offset agree
 * on 2 MiB/1 GiB boundaries), for an attachment (shm) never at the detach
 * address of another. Returns 0 and *out, or -ENOMEM.
 */
static int find_space_locked(struct vm_map *map, uint64_t len, uint64_t off, bool shm,
                             vaddr_t *out)
{
	uint64_t align = placement_align(len), color = off & (align - 1);
	vaddr_t lo = VM_MMAP_BASE, a;

	ASSERT_HELD(&map->lock);
	for (struct vm_map_entry *e = map->entries; e; e = e->next) {
		if (e->end <= lo)
			continue;
		a = fit_locked(map, lo, align, color, shm);
		if (a + len <= e->start) {
			*out = a;
			return 0;
		}
		lo = e->end;
	}
	a = fit_locked(map, lo, align, color, shm);
	if (a >= USER_TOP || len > USER_TOP - a)
		return -ENOMEM;
	*out = a;
	return 0;
}

/*
 * Chooses the address of the request: the given one when fixed, or when it
 * is a free hint; else a free range found by find_space_locked(). An
 * attachment is never made at the detach address of another.
 */
static int place_locked(struct vm_map *map, const struct map_request *q, vaddr_t *out)
{
	bool shm = q->vme_flags & VME_SHM;

	ASSERT_HELD(&map->lock);
	if (q->fixed) {
		if (!q->replace && !map_range_free_locked(map, q->addr, q->addr + q->len))
			return q->busy_err;
		if (shm && attach_addr_in_use_locked(map, q->addr))
			return -EINVAL;
		*out = q->addr;
		return 0;
	}
	if (q->addr && IS_ALIGNED(q->addr, PAGE_SIZE) && user_range_ok(q->addr, q->len) &&
	    map_range_free_locked(map, q->addr, q->addr + q->len)) {
		*out = q->addr;
		return 0;
	}
	return find_space_locked(map, q->len, q->off, shm, out);
}

/*
 * Creates the mapping of a validated request; the new entry takes over the
 * caller's object reference on success only. Returns 0 and *out, -EINVAL,
 * or -ENOMEM (then the map is unchanged).
 */
static int map_enter(struct vm_map *map, const struct map_request *q, vaddr_t *out)
{
	struct entry_reserve r = { 0 };
	struct vm_map_entry *e;
	vaddr_t va = 0;
	int err;

	if (!(q->obj->flags & OBJ_FILE) &&
	    (q->off > q->obj->size || q->len > q->obj->size - q->off))
		return -EINVAL;   /* every mapping lies inside its object, but a file's may pass its end */
	if (reserve_fill(&r, 3) < 0) {
		reserve_release(&r);
		return -ENOMEM;
	}
	spin_lock(&map->lock);
	err = place_locked(map, q, &va);
	if (err == 0 && map_count_after_locked(map, va, va + q->len) + 1 > VM_MAP_MAX_ENTRIES)
		err = -ENOMEM;
	if (err == 0) {
		map_remove_range_locked(map, va, va + q->len, &r);
		e = reserve_take(&r);
		e->start = va;
		e->end = va + q->len;
		e->object = q->obj;
		e->offset = q->off;
		e->prot = q->prot;
		e->max_prot = q->max_prot;
		e->flags = q->vme_flags;
		e->shm_attach = (q->vme_flags & VME_SHM) ? va : 0;
		map_insert_locked(map, e);
		map_merge_around_locked(map, va, va + q->len);
		map_prelink_locked(map, va, va + q->len);
		*out = va;
	}
	spin_unlock(&map->lock);
	reserve_release(&r);
	return err;
}

/*
 * MAP_HUGETLB asks for new shared anonymous memory on 2 MiB pages (the
 * MAP_HUGE_* field, when set, must say 2 MiB): a MAP_FIXED address on a
 * 2 MiB boundary, large pages switched on. The length was rounded up.
 */
static bool hugetlb_ok(vaddr_t addr, int flags)
{
	int page_shift = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;

	return (flags & MAP_TYPE) == MAP_SHARED && (flags & MAP_ANONYMOUS) && vm_largepages != 0 &&
	       (page_shift == 0 || SEG_SIZE == 1UL << page_shift) &&
	       (!(flags & MAP_FIXED) || IS_ALIGNED(addr, SEG_SIZE));
}

/*
 * Checks the arguments of mmap (see vm_map.h) as Linux does: a range that
 * does not fit in user space is -ENOMEM, the rest -EINVAL. Protection bits
 * other than PROT_READ/WRITE/EXEC are ignored by the caller.
 */
static int mmap_validate(vaddr_t addr, size_t len, int flags, struct vm_object *obj,
                         uint64_t off)
{
	int type = flags & MAP_TYPE;

	if (len == 0 || !IS_ALIGNED(off, PAGE_SIZE))
		return -EINVAL;
	if (len > USER_TOP)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr > USER_TOP - len)
			return -ENOMEM;
		if (!IS_ALIGNED(addr, PAGE_SIZE) || addr < VM_USER_MIN)
			return -EINVAL;
	}
	if ((type != MAP_SHARED && type != MAP_PRIVATE) || (flags & MAP_REFUSED))
		return -EINVAL;
	if ((flags & MAP_HUGETLB) && !hugetlb_ok(addr, flags))
		return -EINVAL;
	if (((flags & MAP_ANONYMOUS) != 0) != (obj == NULL) ||
	    (obj && type == MAP_PRIVATE && !(obj->flags & OBJ_FILE)))
		return -EINVAL;
	if (obj && (obj->flags & OBJ_FILE))
		return off > MAX_FILE_OFFSET || len > MAX_FILE_OFFSET - off ? -EOVERFLOW : 0;
	if (obj && (off >= obj->size || len > obj->size - off))
		return -EINVAL;
	return 0;
}

/*
 * The object offset a mapping starts at. Anonymous memory has no file to
 * index, so its offset is ignored, as Linux does: the new object is exactly
 * as long as the mapping and the mapping starts at its beginning (taking
 * the caller's offset would point the entry past the object's end).
 */
static uint64_t mmap_offset(int flags, uint64_t off)
{
	return (flags & MAP_ANONYMOUS) ? 0 : off;
}

/*
 * The object behind new anonymous memory of len bytes: private, or shared
 * as vm_object_create_shared() decides. NULL when out of memory.
 */
static struct vm_object *anon_object(uint64_t len, int flags)
{
	if (flags & MAP_PRIVATE)
		return vm_object_create(OBJ_ANON, len, OBJ_PRIVATE);
	return vm_object_create_shared(OBJ_ANON, len, flags & MAP_HUGETLB);
}

/*
 * MAP_POPULATE: takes the fault of every page of the new mapping now, as
 * its first access would (writes for a writable mapping, so private pages
 * are made too). Stops quietly at the first failure: the mapping stands,
 * and a later access faults as usual.
 */
static void populate(struct vm_map *map, vaddr_t va, uint64_t len, int prot)
{
	int access = (prot & PROT_WRITE) ? PROT_WRITE : PROT_READ;

	if (prot == PROT_NONE)
		return;
	for (uint64_t d = 0; d < len; d += PAGE_SIZE)
		if (vm_fault(map, va + d, access) < 0)
			return;
}

/*
 * The object a new mapping maps: new anonymous memory, the caller's object
 * (with a reference of its own), or for a private mapping of a file a
 * private object reading the file. NULL when out of memory.
 */
static struct vm_object *mapped_object(struct vm_object *obj, uint64_t len, int flags,
                                       uint64_t off)
{
	if (!obj)
		return anon_object(len, flags);
	if (flags & MAP_PRIVATE)
		return vm_object_create_private_of(obj, off + len);
	vm_object_ref(obj);
	return obj;
}

/* vm_mmap() with the rights the mapping may ever have. */
static int mmap_with(struct vm_map *map, vaddr_t addr, size_t len, int prot, int flags,
                     struct vm_object *obj, uint64_t off, int max_prot, vaddr_t *out)
{
	struct map_request q;
	int err;

	if (flags & MAP_HUGETLB)
		len = ALIGN_UP(len, SEG_SIZE);   /* whole 2 MiB pages, as Linux (0 if it wraps) */
	err = mmap_validate(addr, len, flags, obj, off);
	if (err)
		return err;
	if ((prot & PROT_ALL) & ~max_prot)
		return -EACCES;
	q = (struct map_request){
		.addr = addr, .len = ALIGN_UP(len, PAGE_SIZE), .prot = prot & PROT_ALL,
		.max_prot = max_prot, .vme_flags = (flags & MAP_SHARED) ? VME_SHARED : 0,
		.fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE),
		.replace = !(flags & MAP_FIXED_NOREPLACE), .busy_err = -EEXIST,
		.off = mmap_offset(flags, off),
	};
	q.obj = mapped_object(obj, q.len, flags, q.off);
	if (!q.obj)
		return -ENOMEM;
	err = map_enter(map, &q, out);
	if (err)
		vm_object_release(q.obj);
	else if (flags & MAP_POPULATE)
		populate(map, *out, q.len, q.prot);
	return err;
}

/* See vm_map.h. */
int vm_mmap(struct vm_map *map, vaddr_t addr, size_t len, int prot, int flags,
            struct vm_object *obj, uint64_t off, vaddr_t *out)
{
	return mmap_with(map, addr, len, prot, flags, obj, off, PROT_ALL, out);
}

/* See vm_map.h. */
int vm_mmap_file(struct vm_map *map, vaddr_t addr, size_t len, int prot, int flags,
                 struct vm_object *file, uint64_t off, int max_prot, vaddr_t *out)
{
	return mmap_with(map, addr, len, prot, flags, file, off, max_prot, out);
}

/* See vm_map.h. */
void vm_map_set_brk(struct vm_map *map, vaddr_t start)
{
	spin_lock(&map->lock);
	map->brk_start = map->brk = start;
	spin_unlock(&map->lock);
}

/*
 * See vm_map.h. The pages between the old and the new break are mapped
 * with MAP_FIXED_NOREPLACE, so the heap never runs over another mapping.
 */
vaddr_t vm_brk(struct vm_map *map, vaddr_t want)
{
	vaddr_t cur, start, old_end, new_end, got;
	int err = 0;

	spin_lock(&map->lock);
	cur = map->brk;
	start = map->brk_start;
	spin_unlock(&map->lock);
	if (!start || want < start || want - start > VM_BRK_MAX)
		return cur;
	old_end = ALIGN_UP(cur, PAGE_SIZE);
	new_end = ALIGN_UP(want, PAGE_SIZE);
	if (new_end > old_end)
		err = vm_mmap(map, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
		              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, NULL, 0, &got);
	else if (new_end < old_end)
		err = vm_munmap(map, new_end, old_end - new_end);
	if (err)
		return cur;
	spin_lock(&map->lock);
	map->brk = want;
	spin_unlock(&map->lock);
	return want;
}

/* See vm_map.h. Page 0 included: it is never mapped, so that is a hole too. */
int vm_munmap(struct vm_map *map, vaddr_t addr, size_t len)
{
	struct entry_reserve r = { 0 };
	vaddr_t end;
	int err = 0;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || len == 0 || addr > USER_TOP || len > USER_TOP - addr)
		return -EINVAL;
	end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (reserve_fill(&r, 2) < 0) {
		reserve_release(&r);
		return -ENOMEM;
	}
	spin_lock(&map->lock);
	if (map_count_after_locked(map, addr, end) > VM_MAP_MAX_ENTRIES)
		err = -ENOMEM;
	else
		map_remove_range_locked(map, addr, end, &r);
	spin_unlock(&map->lock);
	reserve_release(&r);
	return err;
}

/*
 * Checks that [start, end) is fully mapped (-ENOMEM) by entries whose
 * max_prot allows prot (-EACCES).
 */
static int mprotect_check_locked(struct vm_map *map, vaddr_t start, vaddr_t end, int prot)
{
	vaddr_t va = start;
	struct vm_map_entry *e = map_lookup_locked(map, start);

	ASSERT_HELD(&map->lock);
	for (; e && e->start <= va && va < end; e = e->next) {
		if (prot & ~e->max_prot)
			return -EACCES;
		va = e->end;
	}
	return va >= end ? 0 : -ENOMEM;
}

/* Number of entries the map would have once clipped at start and end. */
static int clip_count_locked(struct vm_map *map, vaddr_t start, vaddr_t end)
{
	struct vm_map_entry *a = map_lookup_locked(map, start);
	struct vm_map_entry *b = map_lookup_locked(map, end);

	ASSERT_HELD(&map->lock);
	return map->nentries + (a && a->start < start) + (b && b->start < end);
}

/*
 * mprotect with PROT_GROWSDOWN or PROT_GROWSUP: the change would extend to
 * the start (end) of a mapping that grows, and no mapping grows here (the
 * stack has a fixed size). So Linux's answer for a mapping that does not
 * grow: -EINVAL when [start, end) meets a mapping (for GROWSUP, one that
 * starts at or below start), -ENOMEM when there is none to extend.
 */
static int grows_check_locked(struct vm_map *map, vaddr_t start, vaddr_t end, int grows)
{
	struct vm_map_entry *e = map->entries;

	ASSERT_HELD(&map->lock);
	while (e && e->end <= start)
		e = e->next;
	if (!e || e->start >= end || ((grows & PROT_GROWSUP) && e->start > start))
		return -ENOMEM;
	return -EINVAL;
}

/*
 * See vm_map.h. The checks and their order are Linux's: an unaligned addr,
 * then len 0 (nothing to do), a range that wraps, unknown bits (PROT_SEM
 * is accepted and means nothing), then the mappings.
 */
int vm_mprotect(struct vm_map *map, vaddr_t addr, size_t len, int prot)
{
	struct entry_reserve r = { 0 };
	int grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	uint64_t size = ALIGN_UP(len, PAGE_SIZE);
	vaddr_t end;
	int err;

	prot &= ~grows;
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP) || !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (size == 0 || size > ~addr)
		return -ENOMEM;
	if (prot & ~(PROT_ALL | PROT_SEM))
		return -EINVAL;
	prot &= PROT_ALL;
	end = addr + size;
	if (end > USER_TOP)
		return -ENOMEM;    /* nothing is mapped there */
	if (reserve_fill(&r, 2) < 0) {
		reserve_release(&r);
		return -ENOMEM;
	}
	spin_lock(&map->lock);
	err = grows ? grows_check_locked(map, addr, end, grows)
	            : mprotect_check_locked(map, addr, end, prot);
	if (err == 0 && clip_count_locked(map, addr, end) > VM_MAP_MAX_ENTRIES)
		err = -ENOMEM;
	if (err == 0) {
		map_clip_locked(map, addr, end, &r);
		for (struct vm_map_entry *e = map_lookup_locked(map, addr); e && e->start < end; e = e->next)
			e->prot = prot;
		pmap_protect(map->pmap, addr, end, prot);
		map_merge_around_locked(map, addr, end);
	}
	spin_unlock(&map->lock);
	reserve_release(&r);
	return err;
}

/*
 * See vm_map.h. Without clipping entries: a private entry's object holds
 * its pages by offset, so the pages of exactly [addr, end) can go whatever
 * the entry's bounds.
 */
int vm_madvise(struct vm_map *map, vaddr_t addr, size_t len, int advice)
{
	vaddr_t end;
	int err;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || len > USER_TOP ||
	    (len && !user_range_ok(addr, ALIGN_UP(len, PAGE_SIZE))))
		return -EINVAL;
	if (advice != MADV_NORMAL && advice != MADV_RANDOM && advice != MADV_SEQUENTIAL &&
	    advice != MADV_WILLNEED && advice != MADV_DONTNEED && advice != MADV_FREE &&
	    advice != MADV_HUGEPAGE && advice != MADV_NOHUGEPAGE)
		return -EINVAL;
	if (len == 0)
		return 0;
	end = addr + ALIGN_UP(len, PAGE_SIZE);
	spin_lock(&map->lock);
	err = mprotect_check_locked(map, addr, end, PROT_NONE);
	if (err == 0 && advice == MADV_DONTNEED) {
		for (struct vm_map_entry *e = map_lookup_locked(map, addr); e && e->start < end;
		     e = e->next) {
			vaddr_t s = MAX(e->start, addr), t = MIN(e->end, end);

			pmap_remove(map->pmap, s, t);
			if (e->object->flags & OBJ_PRIVATE)
				vm_object_free_range(e->object, e->offset + (s - e->start), t - s);
		}
	}
	spin_unlock(&map->lock);
	return err;
}

/* See vm_map.h. The checks and their order are Linux's. */
int vm_msync(struct vm_map *map, vaddr_t addr, size_t len, int flags)
{
	uint64_t size = ALIGN_UP(len, PAGE_SIZE);
	int err;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (size < len || size > ~addr)
		return -ENOMEM;
	if (size == 0)
		return 0;
	if (addr + size > USER_TOP)
		return -ENOMEM;
	spin_lock(&map->lock);
	err = mprotect_check_locked(map, addr, addr + size, PROT_NONE);
	spin_unlock(&map->lock);
	return err;
}

/* See vm_map.h. */
int vm_map_shm_attach(struct vm_map *map, struct vm_object *obj, vaddr_t addr,
                      bool readonly, bool exec, bool remap, vaddr_t *out)
{
	int prot = (readonly ? PROT_READ : PROT_READ | PROT_WRITE) | (exec ? PROT_EXEC : 0);
	struct map_request q = {
		.addr = addr, .len = obj->size, .prot = prot, .max_prot = prot | PROT_EXEC,
		.vme_flags = VME_SHARED | VME_SHM, .fixed = addr != 0, .replace = remap,
		.busy_err = -EINVAL, .obj = obj, .off = 0,
	};
	int err;

	if (addr && (!IS_ALIGNED(addr, PAGE_SIZE) || (!remap && addr + obj->size < addr)))
		return -EINVAL;
	if (addr && (obj->size > USER_TOP || addr > USER_TOP - obj->size))
		return -ENOMEM;    /* past user space, as Linux's mmap of the segment */
	if (addr && (obj->flags & OBJ_LARGE_ONLY) && !IS_ALIGNED(addr, SEG_SIZE))
		return -EINVAL;
	vm_object_ref(obj);
	err = map_enter(map, &q, out);
	if (err)
		vm_object_release(obj);
	return err;
}

/* See vm_map.h. */
int vm_map_shm_detach(struct vm_map *map, vaddr_t addr, struct vm_object **obj)
{
	struct vm_map_entry *e, *next;
	int found = 0;

	*obj = NULL;
	spin_lock(&map->lock);
	for (e = map->entries; e; e = next) {
		next = e->next;
		if (!(e->flags & VME_SHM) || e->shm_attach != addr)
			continue;
		if (!*obj) {
			*obj = e->object;
			vm_object_ref(*obj);
		}
		pmap_remove(map->pmap, e->start, e->end);
		map_remove_entry_locked(map, e);
		found++;
	}
	spin_unlock(&map->lock);
	return found ? 0 : -EINVAL;
}

/*
 * Attachments of obj: its VME_SHM entries. As on Linux, where each VMA of
 * an attachment counts, a piece left by munmap, mprotect or MAP_FIXED in
 * the middle of one counts apart (pieces that merge again count once).
 */
int vm_object_nattch(struct vm_object *obj)
{
	int n = 0;

	spin_lock(&obj->lock);
	for (struct vm_map_entry *e = obj->mappings; e; e = e->obj_next)
		if (e->flags & VME_SHM)
			n++;
	spin_unlock(&obj->lock);
	return n;
}
