/*
 * copyin/copyout (see vm_map.h): user memory accessed from the kernel the
 * way the CPU would access it, through pmap_translate() (the software MMU)
 * and vm_fault(), then through the direct map. Because the checks are made
 * in software, they work on any map, active or not, and a kernel write to
 * a read-only user page is refused like a user one.
 */
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/phys.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map_impl.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

/*
 * The physical address of user byte va for an access of kind `access`,
 * faulting the page in when needed. Returns 0, -EFAULT or -ENOMEM.
 */
static int user_byte_locked(struct vm_map *map, vaddr_t va, int access, paddr_t *pa)
{
	int err;

	if (pmap_translate(map->pmap, va, access, pa) == 0)
		return 0;
	err = vm_fault_locked(map, va, access);
	if (err)
		return err;
	if (pmap_translate(map->pmap, va, access, pa) != 0)
		panic("user_byte_locked: va %p still faults after vm_fault", (void *)va);
	return 0;
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
		paddr_t pa;

		err = user_byte_locked(map, uva, access, &pa);
		if (err)
			break;
		if (access & PROT_WRITE)
			memcpy(phys_to_virt(pa), k, n);
		else
			memcpy(k, phys_to_virt(pa), n);
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
