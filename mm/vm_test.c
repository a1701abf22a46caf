/*
 * VM self-tests that run both in the kernel (booted with `selftest`) and on
 * the host: two address spaces sharing a SysV segment (the criss-cross
 * test, with the segment's page table linked), copy-on-write fork, and the
 * checker. Small sizes, so they fit any machine. The exhaustive cases with
 * exact counters are the host suites in tests/host/vm_*_test.c.
 * Precondition in the kernel: pmap_bootstrap() has run.
 */
#include "ipc/shm/shm.h"
#include "kernel/ktest.h"
#include "mm/page.h"
#include "mm/vm_map.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

/* Stores `value` at va as a user write of map would. */
static int poke(struct vm_map *map, vaddr_t va, uint64_t value)
{
	return vm_copyout(map, va, &value, sizeof(value));
}

/* Loads the word at va as a user read of map would; ~0 on a fault. */
static uint64_t peek(struct vm_map *map, vaddr_t va)
{
	uint64_t value;

	return vm_copyin(map, &value, va, sizeof(value)) == 0 ? value : ~0UL;
}

KTEST(vm, shm_criss_cross_between_two_maps)
{
	size_t free_pages = page_free_count(), objects = vm_object_count();
	struct vm_map *a = vm_map_create(), *b = vm_map_create();
	struct vmstat st;
	vaddr_t va, vb;
	int id = shm_get(IPC_PRIVATE, MIB(2), 0, 1);

	KT_ASSERT(a && b && id >= 0);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, SHM_RDONLY, 1, &vb));
	KT_ASSERT_EQ(0, poke(a, va + PAGE_SIZE, 0x1234));
	KT_ASSERT_EQ(0x1234, peek(b, vb + PAGE_SIZE));
	KT_ASSERT_EQ(-EFAULT, poke(b, vb, 1));
	vm_stat_map(b, &st);
	/* Linked object tables hold b's PTE; a private PT needs a PV entry. */
	KT_ASSERT_EQ(pmap_mmu_optimize ? 0 : 1, st.pv_entries);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vm_map_destroy(a);
	vm_map_destroy(b);
	shm_reap();   /* as exit does: the removed segment had its last attachment */
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	KT_ASSERT_EQ(objects, vm_object_count());
	KT_ASSERT_EQ(free_pages, page_free_count());
}

KTEST(vm, fork_copies_on_write)
{
	size_t free_pages = page_free_count(), objects = vm_object_count();
	struct vm_map *parent = vm_map_create(), *child;
	vaddr_t va;

	KT_ASSERT(parent);
	KT_ASSERT_EQ(0, vm_mmap(parent, 0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	                        MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0, &va));
	KT_ASSERT_EQ(0, poke(parent, va, 1));
	child = vm_map_fork(parent);
	KT_ASSERT(child);
	KT_ASSERT_EQ(0, poke(child, va, 2));
	KT_ASSERT_EQ(1, peek(parent, va));
	KT_ASSERT_EQ(2, peek(child, va));
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(child);
	vm_map_destroy(parent);
	KT_ASSERT_EQ(objects, vm_object_count());
	KT_ASSERT_EQ(free_pages, page_free_count());
}

/*
 * A SysV segment on 2 MiB pages: its blocks are taken at creation; a write
 * by one map fills a 2 MiB leaf, which shows in the other map (pushed to
 * its leaf mirror, no fault, no PV entry). With sharing off, the other map
 * maps the 2 MiB page with a private leaf of its own instead (one fault,
 * one PV entry).
 */
KTEST(vm, large_shm_segment_is_mapped_by_2mib_leaves)
{
	size_t free_pages = page_free_count(), objects = vm_object_count();
	size_t blocks = page_large_free_count();
	struct vm_map *a = vm_map_create(), *b = vm_map_create();
	int id = shm_get(IPC_PRIVATE, MIB(4), SHM_HUGETLB, 1);
	struct vmstat st;
	vaddr_t va, vb;

	KT_ASSERT(a && b && id >= 0);
	KT_ASSERT_EQ(blocks - 2, page_large_free_count());
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, poke(a, va + MIB(3), 0x4242));
	KT_ASSERT_EQ(0x4242, peek(b, vb + MIB(3)));
	vm_stat_map(b, &st);
	KT_ASSERT_EQ(pmap_mmu_optimize ? 1 : 0, st.leaf_copies);
	KT_ASSERT_EQ(pmap_mmu_optimize ? 0 : 1, st.faults);
	KT_ASSERT_EQ(pmap_mmu_optimize ? 0 : 1, st.leaf_private);
	KT_ASSERT_EQ(pmap_mmu_optimize ? 0 : 1, st.pv_entries);    /* one per private leaf */
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vm_map_destroy(a);
	vm_map_destroy(b);
	shm_reap();   /* as exit does: the removed segment had its last attachment */
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	KT_ASSERT_EQ(blocks, page_large_free_count());
	KT_ASSERT_EQ(objects, vm_object_count());
	KT_ASSERT_EQ(free_pages, page_free_count());
}
