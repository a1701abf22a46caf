/*
 * copyin/copyout (see vm_map.h): user memory accessed from the kernel the
 * way the CPU would access it, through pmap_translate() (the software MMU)
 * and vm_fault(), then through the direct map. Because the checks are made
 * in software, they work on any map, active or not, and a kernel write to
 * a read-only user page is refused like a user one.
 */
#include "kernel/string.h"
#include "mm/phys.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map_impl.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

/* Attempts at one page before giving up: each lost its page to a racing truncation. */
#define COPY_TRIES 8

/*
 * The object that may take a page of entry e away while e maps it: a
 * file's, which ftruncate shrinks (for a private mapping, the file it
 * reads through), else none.
 */
static struct vm_object *shrinkable(const struct vm_map_entry *e)
{
	struct vm_object *obj = e->object->backing ? e->object->backing : e->object;

	return (obj->flags & OBJ_FILE) ? obj : NULL;
}

/*
 * Copies n bytes (within one page) between kernel buffer k and user
 * address uva, faulting the page in when needed. The copy is made under
 * the lock of the file the page may belong to, which a shrink of the file
 * takes to remove and free its pages, so the page cannot be freed between
 * the translation and the copy; a shrink between the fault and the
 * translation only sends the loop round again. Returns 0, -EFAULT, -EIO
 * (past the end of a file) or -ENOMEM. map->lock held.
 */
static int copy_page_locked(struct vm_map *map, vaddr_t uva, char *k, size_t n, int access)
{
	for (int tries = 0; tries < COPY_TRIES; tries++) {
		struct vm_map_entry *e = map_lookup_locked(map, uva);
		struct vm_object *file = e ? shrinkable(e) : NULL;
		paddr_t pa;
		int err;

		if (file)
			spin_lock(&file->lock);
		err = pmap_translate(map->pmap, uva, access, &pa);
		if (err == 0 && (access & PROT_WRITE))
			memcpy(phys_to_virt(pa), k, n);
		else if (err == 0)
			memcpy(k, phys_to_virt(pa), n);
		if (file)
			spin_unlock(&file->lock);
		if (err == 0)
			return 0;
		err = vm_fault_locked(map, uva, access);
		if (err)
			return err;
	}
	return -EFAULT;
}

/*
 * Copies len bytes between kernel buffer kbuf and user address uva, page by
 * page; `access` says which way (PROT_WRITE: to the user).
 */
static int copy_user(struct vm_map *map, vaddr_t uva, void *kbuf, size_t len, int access)
{
	char *k = kbuf;
	int err = 0;

	if (uva >= USER_TOP || len > USER_TOP - uva)
		return -EFAULT;
	spin_lock(&map->lock);
	while (len > 0 && err == 0) {
		size_t n = MIN(len, PAGE_SIZE - (uva & (PAGE_SIZE - 1)));

		err = copy_page_locked(map, uva, k, n, access);
		uva += n;
		k += n;
		len -= n;
	}
	spin_unlock(&map->lock);
	return err;
}

int vm_copyout(struct vm_map *map, vaddr_t dst, const void *src, size_t len)
{
	return copy_user(map, dst, (void *)src, len, PROT_WRITE);
}

int vm_copyin(struct vm_map *map, void *dst, vaddr_t src, size_t len)
{
	return copy_user(map, src, dst, len, PROT_READ);
}
