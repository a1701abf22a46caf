/*
 * The VM baseline (issue 4): mmap/munmap/mprotect, faults, copy-on-write
 * fork, placement and limits, each with exact counters, a clean
 * pmap_verify() and no leaked page or object. Maps stand for processes;
 * accesses go through the software MMU (vm_copyin/vm_copyout).
 */
#include "kernel/ktest.h"
#include "mm/page.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "tests/host/vm_testlib.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define RW (PROT_READ | PROT_WRITE)
#define ANON_PRIV (MAP_PRIVATE | MAP_ANONYMOUS)
#define ANON_SHARED (MAP_SHARED | MAP_ANONYMOUS)
#define FIXED_VA 0x0000000040000000UL

KTEST(vm_baseline, anonymous_memory_is_zero_filled_on_demand)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;
	uint64_t v = 1;

	vmt_begin(&s);
	m = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(m, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(0, vmt_map_stat(m).resident);
	KT_ASSERT_EQ(0, vmt_read(m, va + PAGE_SIZE, &v));
	KT_ASSERT_EQ(0, v);
	KT_ASSERT_EQ(0, vmt_fill(m, va, 4 * PAGE_SIZE, 100));
	KT_ASSERT_EQ(0, vmt_check(m, va, 4 * PAGE_SIZE, 100));
	KT_ASSERT_EQ(4, vmt_map_stat(m).faults);
	KT_ASSERT_EQ(4, vmt_map_stat(m).faults_zero);
	KT_ASSERT_EQ(4, vmt_map_stat(m).resident);
	KT_ASSERT_EQ(4, vmt_map_stat(m).pv_entries);
	KT_ASSERT_EQ(4, vmt_map_stat(m).pt_pages);
	vm_map_destroy(m);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, mmap_rejects_bad_arguments)
{
	struct vmt_snap s;
	struct vm_map *m;
	struct vm_object *obj;
	vaddr_t va;

	vmt_begin(&s);
	m = vm_map_create();
	obj = vm_object_create(OBJ_ANON, 4 * PAGE_SIZE, 0);
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, 0, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, PAGE_SIZE, RW, MAP_ANONYMOUS, NULL, 0, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, PAGE_SIZE, RW, ANON_PRIV | MAP_SHARED, NULL, 0, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, PAGE_SIZE, RW, ANON_PRIV | MAP_GROWSDOWN, NULL, 0, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, PAGE_SIZE, RW, ANON_PRIV | MAP_32BIT, NULL, 0, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, FIXED_VA + 1, PAGE_SIZE, RW, ANON_PRIV | MAP_FIXED, NULL, 0, &va));
	KT_ASSERT_EQ(-ENOMEM, vm_mmap(m, USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE, RW,
	                              ANON_PRIV | MAP_FIXED, NULL, 0, &va));
	KT_ASSERT_EQ(-ENOMEM, vm_mmap(m, USER_TOP + 1, PAGE_SIZE, RW, ANON_PRIV | MAP_FIXED, NULL, 0, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, PAGE_SIZE, RW, ANON_PRIV | MAP_FIXED, NULL, 0, &va));
	KT_ASSERT_EQ(-ENOMEM, vm_mmap(m, 0, USER_TOP + PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(-ENOMEM, vm_mmap(m, 0, (size_t)-PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, PAGE_SIZE, RW, MAP_SHARED, obj, 1, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, 5 * PAGE_SIZE, RW, MAP_SHARED, obj, 0, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, PAGE_SIZE, RW, MAP_SHARED, obj, 4 * PAGE_SIZE, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, PAGE_SIZE, RW, MAP_PRIVATE, obj, 0, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, PAGE_SIZE, RW, ANON_SHARED, obj, 0, &va));
	KT_ASSERT_EQ(0, vmt_map_stat(m).faults);
	KT_ASSERT_EQ(-EINVAL, vm_munmap(m, FIXED_VA + 1, PAGE_SIZE));
	KT_ASSERT_EQ(-EINVAL, vm_munmap(m, FIXED_VA, 0));
	KT_ASSERT_EQ(-EINVAL, vm_munmap(m, USER_TOP, PAGE_SIZE));
	KT_ASSERT_EQ(0, vm_munmap(m, FIXED_VA, PAGE_SIZE));          /* a hole is fine */
	KT_ASSERT_EQ(0, vm_munmap(m, 0, PAGE_SIZE));                 /* page 0 too */
	KT_ASSERT_EQ(-EINVAL, vm_mprotect(m, FIXED_VA, PAGE_SIZE, 0x10));
	KT_ASSERT_EQ(-EINVAL, vm_mprotect(m, FIXED_VA, PAGE_SIZE,
	                                  PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
	KT_ASSERT_EQ(0, vm_mprotect(m, FIXED_VA, 0, 0x10));          /* nothing to do */
	KT_ASSERT_EQ(-ENOMEM, vm_mprotect(m, FIXED_VA, PAGE_SIZE, PROT_READ));
	KT_ASSERT_EQ(-ENOMEM, vm_mprotect(m, FIXED_VA, PAGE_SIZE, PROT_READ | PROT_GROWSDOWN));
	KT_ASSERT_EQ(-ENOMEM, vm_mprotect(m, USER_TOP, PAGE_SIZE, PROT_READ));
	KT_ASSERT_EQ(-ENOMEM, vm_mprotect(m, FIXED_VA, (size_t)-PAGE_SIZE, 0x10));   /* wraps */
	vm_object_release(obj);
	vm_map_destroy(m);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, access_outside_mappings_faults)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;
	uint64_t v;

	vmt_begin(&s);
	m = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(m, 0, PAGE_SIZE, PROT_READ, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(-EFAULT, vmt_read(m, va + PAGE_SIZE, &v));
	KT_ASSERT_EQ(-EFAULT, vmt_write(m, va, 1));
	KT_ASSERT_EQ(-EFAULT, vm_fault(m, va, PROT_EXEC));
	KT_ASSERT_EQ(-EFAULT, vm_fault(m, USER_TOP + PAGE_SIZE, PROT_READ));
	KT_ASSERT_EQ(0, vmt_read(m, va, &v));
	KT_ASSERT_EQ(-EFAULT, vm_copyout(m, va, &v, (size_t)-1));
	vm_map_destroy(m);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, munmap_of_a_middle_page_keeps_the_neighbours)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;
	uint64_t v;

	vmt_begin(&s);
	m = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(m, 0, 8 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, 8 * PAGE_SIZE, 7));
	KT_ASSERT_EQ(0, vm_munmap(m, va + 3 * PAGE_SIZE, PAGE_SIZE));
	KT_ASSERT_EQ(2, m->nentries);
	KT_ASSERT_EQ(7, vmt_map_stat(m).resident);
	KT_ASSERT_EQ(7, vmt_map_stat(m).pv_entries);
	KT_ASSERT_EQ(-EFAULT, vmt_read(m, va + 3 * PAGE_SIZE, &v));
	KT_ASSERT_EQ(0, vmt_check(m, va, 3 * PAGE_SIZE, 7));
	KT_ASSERT_EQ(0, vmt_check(m, va + 4 * PAGE_SIZE, 4 * PAGE_SIZE, 11));
	KT_ASSERT_EQ(0, vm_munmap(m, va, 8 * PAGE_SIZE));
	KT_ASSERT_EQ(0, m->nentries);
	KT_ASSERT_EQ(1, vmt_map_stat(m).pt_pages);
	vm_map_destroy(m);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, mprotect_of_a_middle_page_then_back_merges)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;

	vmt_begin(&s);
	m = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(m, 0, 8 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, 8 * PAGE_SIZE, 1));
	KT_ASSERT_EQ(0, vm_mprotect(m, va + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ));
	KT_ASSERT_EQ(3, m->nentries);
	KT_ASSERT_EQ(-EFAULT, vmt_write(m, va + 2 * PAGE_SIZE, 9));
	KT_ASSERT_EQ(0, vmt_write(m, va + 3 * PAGE_SIZE, 9));
	KT_ASSERT_EQ(0, vmt_check(m, va + 2 * PAGE_SIZE, PAGE_SIZE, 3));
	KT_ASSERT_EQ(0, vm_mprotect(m, va + 2 * PAGE_SIZE, PAGE_SIZE, RW));
	KT_ASSERT_EQ(1, m->nentries);
	KT_ASSERT_EQ(0, vmt_write(m, va + 2 * PAGE_SIZE, 9));
	KT_ASSERT_EQ(0, vm_mprotect(m, va, 8 * PAGE_SIZE, PROT_NONE));
	KT_ASSERT_EQ(0, vmt_map_stat(m).resident);
	KT_ASSERT_EQ(-ENOMEM, vm_mprotect(m, va, 9 * PAGE_SIZE, PROT_READ));
	KT_ASSERT_EQ(0, vm_mprotect(m, va, 8 * PAGE_SIZE, PROT_READ));
	KT_ASSERT_EQ(0, vmt_check(m, va + 4 * PAGE_SIZE, PAGE_SIZE, 5));
	vm_map_destroy(m);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, map_fixed_replaces_what_was_there)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va, got;
	uint64_t v;

	vmt_begin(&s);
	m = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(m, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, 4 * PAGE_SIZE, 50));
	KT_ASSERT_EQ(0, vm_mmap(m, va + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ,
	                        ANON_PRIV | MAP_FIXED, NULL, 0, &got));
	KT_ASSERT_EQ(va + PAGE_SIZE, got);
	KT_ASSERT_EQ(3, m->nentries);
	KT_ASSERT_EQ(0, vmt_read(m, va + PAGE_SIZE, &v));
	KT_ASSERT_EQ(0, v);
	KT_ASSERT_EQ(-EFAULT, vmt_write(m, va + 2 * PAGE_SIZE, 1));
	KT_ASSERT_EQ(0, vmt_check(m, va + 3 * PAGE_SIZE, PAGE_SIZE, 53));
	KT_ASSERT_EQ(0, vm_mmap(m, FIXED_VA, PAGE_SIZE, RW, ANON_PRIV | MAP_FIXED, NULL, 0, &got));
	KT_ASSERT_EQ(FIXED_VA, got);
	vm_map_destroy(m);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, automatic_placement_aligns_big_mappings)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;

	vmt_begin(&s);
	m = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(m, 0, 3 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT(IS_ALIGNED(va, PAGE_SIZE) && va >= VM_MMAP_BASE);
	KT_ASSERT_EQ(0, vm_mmap(m, 0, MIB(4), RW, ANON_SHARED, NULL, 0, &va));
	KT_ASSERT_EQ(0, va % SEG_SIZE);
	KT_ASSERT_EQ(0, vm_mmap(m, 0, MIB(33) + PAGE_SIZE, RW, ANON_SHARED, NULL, 0, &va));
	KT_ASSERT_EQ(0, va % SEG_SIZE);
	KT_ASSERT_EQ(0, vm_mmap(m, 0, GIB(2), RW, ANON_SHARED, NULL, 0, &va));
	KT_ASSERT_EQ(0, va % GIB_SIZE);
	KT_ASSERT_EQ(0, vm_mmap(m, 0, MIB(3), RW, ANON_SHARED, NULL, 0, &va));
	KT_ASSERT_EQ(5, m->nentries);
	vm_map_destroy(m);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, too_many_mappings_is_enomem)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;
	int err = 0, n = 0;

	vmt_begin(&s);
	m = vm_map_create();
	while (err == 0 && n <= VM_MAP_MAX_ENTRIES) {
		err = vm_mmap(m, 0, PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va);
		n += err == 0;
	}
	KT_ASSERT_EQ(-ENOMEM, err);
	KT_ASSERT_EQ(VM_MAP_MAX_ENTRIES, n);
	KT_ASSERT_EQ(VM_MAP_MAX_ENTRIES, m->nentries);
	vm_map_destroy(m);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, fork_is_copy_on_write)
{
	struct vmt_snap s;
	struct vm_map *parent, *child;
	vaddr_t va;

	vmt_begin(&s);
	parent = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(parent, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(0, vmt_fill(parent, va, 4 * PAGE_SIZE, 10));
	child = vm_map_fork(parent);
	KT_ASSERT(child != NULL);
	KT_ASSERT_EQ(0, vmt_check(child, va, 4 * PAGE_SIZE, 10));
	KT_ASSERT_EQ(0, vmt_map_stat(child).faults_cow);
	KT_ASSERT_EQ(0, vmt_fill(child, va, 2 * PAGE_SIZE, 20));
	KT_ASSERT_EQ(2, vmt_map_stat(child).faults_cow);
	KT_ASSERT_EQ(0, vmt_check(parent, va, 4 * PAGE_SIZE, 10));
	KT_ASSERT_EQ(0, vmt_fill(parent, va, 4 * PAGE_SIZE, 30));
	KT_ASSERT_EQ(2, vmt_map_stat(parent).faults_cow);   /* pages 2, 3: still shared */
	KT_ASSERT_EQ(0, vmt_check(child, va, 2 * PAGE_SIZE, 20));
	KT_ASSERT_EQ(0, vmt_check(child, va + 2 * PAGE_SIZE, 2 * PAGE_SIZE, 12));
	KT_ASSERT_EQ(4, vmt_map_stat(child).pv_entries);
	vm_map_destroy(parent);
	KT_ASSERT_EQ(0, vmt_check(child, va + 2 * PAGE_SIZE, 2 * PAGE_SIZE, 12));
	vm_map_destroy(child);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, fork_keeps_shared_memory_shared)
{
	struct vmt_snap s;
	struct vm_map *parent, *child;
	vaddr_t va;

	vmt_begin(&s);
	parent = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(parent, 0, 4 * PAGE_SIZE, RW, ANON_SHARED, NULL, 0, &va));
	KT_ASSERT_EQ(0, vmt_fill(parent, va, 4 * PAGE_SIZE, 10));
	child = vm_map_fork(parent);
	KT_ASSERT(child != NULL);
	KT_ASSERT_EQ(0, vmt_fill(child, va, 4 * PAGE_SIZE, 40));
	KT_ASSERT_EQ(0, vmt_check(parent, va, 4 * PAGE_SIZE, 40));
	KT_ASSERT_EQ(0, vmt_map_stat(child).faults_cow);
	KT_ASSERT_EQ(4, vmt_map_stat(child).faults);
	vm_map_destroy(child);
	vm_map_destroy(parent);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, fork_out_of_memory_frees_the_child)
{
	struct vmt_snap s;
	struct vm_map *parent, *child = NULL;
	vaddr_t va;

	vmt_begin(&s);
	parent = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(parent, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(0, vm_mmap(parent, 0, 4 * PAGE_SIZE, RW, ANON_SHARED, NULL, 0, &va));
	KT_ASSERT_EQ(0, vmt_fill(parent, va, 4 * PAGE_SIZE, 10));
	for (long n = 0; !child; n++) {
		size_t before = page_free_count(), objects = vm_object_count();

		KT_ASSERT(n < 64);
		page_fail_after(n);
		child = vm_map_fork(parent);
		page_fail_after(-1);
		if (!child) {
			KT_ASSERT_EQ(before, page_free_count());
			KT_ASSERT_EQ(objects, vm_object_count());
			KT_ASSERT_EQ(0, vmt_check(parent, va, 4 * PAGE_SIZE, 10));
		}
	}
	KT_ASSERT_EQ(0, vmt_check(child, va, 4 * PAGE_SIZE, 10));
	vm_map_destroy(child);
	vm_map_destroy(parent);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, fault_out_of_memory_is_enomem_and_retryable)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;
	int err = -ENOMEM;

	vmt_begin(&s);
	m = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(m, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	for (long n = 0; err == -ENOMEM; n++) {
		KT_ASSERT(n < 16);
		page_fail_after(n);
		err = vm_fault(m, va + PAGE_SIZE, PROT_WRITE);
		page_fail_after(-1);
		KT_ASSERT_EQ(0, pmap_verify(NULL, 0));
	}
	KT_ASSERT_EQ(0, err);
	KT_ASSERT_EQ(1, vmt_map_stat(m).resident);
	vm_map_destroy(m);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_baseline, mmap_out_of_memory_changes_nothing)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va, got;
	int err = -ENOMEM;

	vmt_begin(&s);
	m = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(m, 0, 4 * PAGE_SIZE, RW, ANON_PRIV, NULL, 0, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, 4 * PAGE_SIZE, 10));
	for (long n = 0; err == -ENOMEM; n++) {
		KT_ASSERT(n < 16);
		page_fail_after(n);
		err = vm_mmap(m, va + PAGE_SIZE, PAGE_SIZE, RW, ANON_PRIV | MAP_FIXED, NULL, 0, &got);
		page_fail_after(-1);
		if (err)
			KT_ASSERT_EQ(0, vmt_check(m, va, 4 * PAGE_SIZE, 10));
	}
	KT_ASSERT_EQ(0, err);
	KT_ASSERT_EQ(3, m->nentries);
	vm_map_destroy(m);
	KT_ASSERT(vmt_clean(&s));
}
