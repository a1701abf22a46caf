/* Helpers for the VM host tests (see vm_testlib.h). */
#include <stdio.h>
#include "ipc/shm/shm.h"
#include "mm/page.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map.h"
#include "mm/vmobject/vm_object.h"
#include "tests/host/vm_testlib.h"
#include "uapi/errno.h"

static bool bootstrapped;

void vmt_begin(struct vmt_snap *s)
{
	if (!bootstrapped) {
		struct vm_page *kernel_pml4 = page_alloc();

		pmap_bootstrap(page_to_phys(kernel_pml4));
		bootstrapped = true;
	}
	page_fail_after(-1);
	s->free_pages = page_free_count();
	s->objects = vm_object_count();
	s->segments = shm_count();
}

bool vmt_clean(const struct vmt_snap *s)
{
	char report[1024];
	bool ok = true;

	page_fail_after(-1);
	if (vm_verify(report, sizeof(report)) != 0) {
		printf("    # vm_verify: %s", report);
		ok = false;
	}
	if (page_free_count() != s->free_pages || vm_object_count() != s->objects ||
	    shm_count() != s->segments) {
		printf("    # leak: free pages %zu -> %zu, objects %zu -> %zu, segments %zu -> %zu\n",
		       s->free_pages, page_free_count(), s->objects, vm_object_count(),
		       s->segments, shm_count());
		ok = false;
	}
	return ok;
}

int vmt_write(struct vm_map *map, vaddr_t va, uint64_t value)
{
	return vm_copyout(map, va, &value, sizeof(value));
}

int vmt_read(struct vm_map *map, vaddr_t va, uint64_t *value)
{
	return vm_copyin(map, value, va, sizeof(*value));
}

uint64_t vmt_faults(struct vm_map *map)
{
	struct vmstat st;

	vm_stat_map(map, &st);
	return st.faults;
}

int vmt_fill(struct vm_map *map, vaddr_t va, uint64_t len, uint64_t value)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		int err = vmt_write(map, va + off, value + (off >> PAGE_SHIFT));

		if (err)
			return err;
	}
	return 0;
}

int vmt_check(struct vm_map *map, vaddr_t va, uint64_t len, uint64_t value)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t got;
		int err = vmt_read(map, va + off, &got);

		if (err)
			return err;
		if (got != value + (off >> PAGE_SHIFT))
			return -EIO;
	}
	return 0;
}

int vmt_touch(struct vm_map *map, vaddr_t va, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t got;
		int err = vmt_read(map, va + off, &got);

		if (err)
			return err;
	}
	return 0;
}
