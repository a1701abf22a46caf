/* Helpers for the VM host tests (see vm_testlib.h). */
#include <stdio.h>
#include "ipc/shm/shm.h"
#include "mm/page.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map.h"
#include "mm/vmobject/vm_object.h"
#include "mm/vm_tunables.h"
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
	shm_reap();   /* as the kernel does when a process exits */
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

/* Is a page of pg's 2 MiB block among the pages f keeps? */
static bool block_kept(const struct vmt_frag *f, const struct vm_page *pg)
{
	for (int i = 0; i < f->nkept; i++)
		if (ALIGN_DOWN(page_to_phys(f->kept[i]), SEG_SIZE) ==
		    ALIGN_DOWN(page_to_phys(pg), SEG_SIZE))
			return true;
	return false;
}

void vmt_chain_push(paddr_t *chain, struct vm_page *pg)
{
	*(paddr_t *)page_to_virt(pg) = *chain;
	*chain = page_to_phys(pg);
}

struct vm_page *vmt_chain_pop(paddr_t *chain)
{
	struct vm_page *pg = *chain ? phys_to_page(*chain) : NULL;

	if (pg)
		*chain = *(paddr_t *)page_to_virt(pg);
	return pg;
}

/*
 * See vm_testlib.h. Single pages come from the smallest free blocks, so
 * taking them until no 2 MiB block is left breaks the given-back blocks
 * last; the first page met of each block is kept (the chain pops the last
 * allocated first), all others are freed, and no block can merge again.
 */
void vmt_fragment(struct vmt_frag *f, int blocks)
{
	struct vm_page *pg;
	paddr_t small = 0;

	f->large = 0;
	f->nkept = 0;
	while ((pg = page_alloc_large()) != NULL)
		vmt_chain_push(&f->large, pg);
	for (int i = 0; i < blocks && (pg = vmt_chain_pop(&f->large)) != NULL; i++)
		page_free_large(pg);
	while (page_large_free_count() > 0 && (pg = page_alloc()) != NULL)
		vmt_chain_push(&small, pg);
	while ((pg = vmt_chain_pop(&small)) != NULL) {
		if (!block_kept(f, pg) && f->nkept < VMT_FRAG_MAX)
			f->kept[f->nkept++] = pg;
		else
			page_free(pg);
	}
}

void vmt_unfragment(struct vmt_frag *f)
{
	struct vm_page *pg;

	while (f->nkept > 0)
		page_free(f->kept[--f->nkept]);
	while ((pg = vmt_chain_pop(&f->large)) != NULL)
		page_free_large(pg);
}

struct vmstat vmt_map_stat(struct vm_map *map)
{
	struct vmstat st;

	vm_stat_map(map, &st);
	return st;
}

struct vmstat vmt_global_stat(void)
{
	struct vmstat st;

	vm_stat_global(&st);
	return st;
}

void vmt_defaults(void)
{
	pmap_mmu_optimize = 1;
	pmap_share_pd = 1;
	pmap_prelink = 1;
	shm_use_phys = 1;
	vm_largepages = 1;
	vm_fault_around = 0;
}
