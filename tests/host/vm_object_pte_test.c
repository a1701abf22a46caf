/*
 * Object PTEs lowered by pmap_page_protect(): rights come back with the
 * next fault that the mapping allows. An object entry is shared by every
 * map that links its table (or mirrors its 2 MiB leaf), so the fault of
 * one map restores it for all, and the maps loaded on a CPU are flushed.
 * Without that, a write fault after a protect found the object entry
 * present and left it read-only: the write faulted forever.
 */
#include "ipc/shm/shm.h"
#include "kernel/ktest.h"
#include "mm/page.h"
#include "mm/phys.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map.h"
#include "mm/vm_tunables.h"
#include "tests/host/vm_testlib.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

/* A new anonymous segment (object PTEs with PV entries) of `bytes`. */
static int anonymous_segment(uint64_t bytes)
{
	int id;

	shm_use_phys = 0;
	id = shm_get(IPC_PRIVATE, bytes, 0, 1);
	shm_use_phys = 1;
	return id;
}

KTEST(vm_object_pte, a_write_fault_restores_an_object_pte_lowered_by_protect)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	struct vmstat before;
	vaddr_t va, vb;
	uint64_t value, faults;
	paddr_t pa;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	id = anonymous_segment(MIB(2));
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, vmt_write(a, va, 1));
	KT_ASSERT_EQ(0, vmt_read(b, vb, &value));
	KT_ASSERT_EQ(1, vmt_map_stat(b).links_pde);
	KT_ASSERT(pmap_extract(b->pmap, vb, &pa));
	pmap_page_protect(phys_to_page(pa), PROT_READ);
	KT_ASSERT_EQ(-EFAULT, pmap_translate(a->pmap, va, PROT_WRITE, &pa));
	KT_ASSERT_EQ(-EFAULT, pmap_translate(b->pmap, vb, PROT_WRITE, &pa));
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_activate(b);
	before = vmt_map_stat(b);
	faults = vmt_map_stat(a).faults;
	KT_ASSERT_EQ(0, vmt_write(a, va, 2));
	KT_ASSERT_EQ(faults + 1, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(before.tlb_flushes + 1, vmt_map_stat(b).tlb_flushes);   /* b may cache it */
	KT_ASSERT_EQ(0, pmap_translate(b->pmap, vb, PROT_WRITE, &pa));       /* b's too */
	KT_ASSERT_EQ(0, vmt_read(b, vb, &value));
	KT_ASSERT_EQ(2, value);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_activate(NULL);
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_object_pte, a_write_fault_restores_a_large_leaf_and_its_copies)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	vaddr_t va, vb;
	uint64_t value, faults;
	paddr_t pa;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	vm_largepages = 2;
	a = vm_map_create();
	b = vm_map_create();
	id = anonymous_segment(MIB(2));
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, vmt_write(a, va, 1));
	KT_ASSERT_EQ(1, vmt_map_stat(b).leaf_copies);
	KT_ASSERT(pmap_extract(b->pmap, vb, &pa));
	pmap_page_protect(page_large_head(phys_to_page(pa)), PROT_READ);
	KT_ASSERT_EQ(-EFAULT, pmap_translate(a->pmap, va, PROT_WRITE, &pa));
	KT_ASSERT_EQ(-EFAULT, pmap_translate(b->pmap, vb + MIB(1), PROT_WRITE, &pa));
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	faults = vmt_map_stat(a).faults;
	KT_ASSERT_EQ(0, vmt_write(a, va + MIB(1), 2));
	KT_ASSERT_EQ(faults + 1, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(0, pmap_translate(b->pmap, vb, PROT_WRITE, &pa));       /* b's copy too */
	KT_ASSERT_EQ(0, vmt_read(b, vb + MIB(1), &value));
	KT_ASSERT_EQ(2, value);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}
