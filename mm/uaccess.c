/* copyin/copyout and friends (see uaccess.h). */
#include "mm/uaccess.h"
#include "kernel/percpu.h"
#include "kernel/trap.h"
#include "mm/phys.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

void uaccess_set_map(struct vm_map *map)
{
	this_cpu()->active_map = map;
	vm_map_activate(map);
}

struct vm_map *uaccess_map(void)
{
	return this_cpu()->active_map;
}

bool user_range_ok(vaddr_t addr, size_t len)
{
	return addr < USER_TOP && len <= USER_TOP - addr;
}

int copyin(void *dst, const void *usrc, size_t len)
{
	if (!user_range_ok((vaddr_t)usrc, len))
		return -EFAULT;
	return (int)copy_bytes_checked(dst, usrc, len);
}

int copyout(void *udst, const void *src, size_t len)
{
	if (!user_range_ok((vaddr_t)udst, len))
		return -EFAULT;
	return (int)copy_bytes_checked(udst, src, len);
}

/*
 * Takes the write fault of every page that a write would fault on, as the
 * CPU would, instead of writing: a byte read and written back could undo a
 * store another thread, or another process through shared memory, made in
 * between.
 */
int user_probe_writable(void *uaddr, size_t len)
{
	vaddr_t a = (vaddr_t)uaddr, end = a + len;
	struct vm_map *map = uaccess_map();
	paddr_t pa;

	if (!user_range_ok(a, len) || !map)
		return -EFAULT;
	for (; a < end; a = ALIGN_DOWN(a, PAGE_SIZE) + PAGE_SIZE)
		if (pmap_translate(map->pmap, a, PROT_WRITE, &pa) != 0 &&
		    vm_fault(map, a, PROT_WRITE) < 0)
			return -EFAULT;
	return 0;
}

long copyinstr(char *dst, const void *usrc, size_t size)
{
	const char *u = usrc;

	for (size_t i = 0; i < size; i++) {
		if (!user_range_ok((vaddr_t)(u + i), 1) || copy_bytes_checked(dst + i, u + i, 1))
			return -EFAULT;
		if (dst[i] == '\0')
			return (long)i;
	}
	return -ENAMETOOLONG;
}

int uaccess_fault(vaddr_t addr, uint64_t pf_error)
{
	int access = (pf_error & PF_INSTR) ? PROT_EXEC
	           : (pf_error & PF_WRITE) ? PROT_WRITE : PROT_READ;

	struct vm_map *map = uaccess_map();

	if (!map || addr >= USER_TOP)
		return -EFAULT;
	return vm_fault(map, addr, access);
}
