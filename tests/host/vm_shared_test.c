/*
 * Shared page tables (issue 5, item 9): each claim proved with exact
 * counters, on maps standing for processes. User accesses go through the
 * software MMU (vm_copyin/vm_copyout), which faults only where a CPU would.
 * Every case ends with vm_verify() clean and no page, object or segment
 * leaked (vmt_clean).
 */
#include <string.h>
#include "ipc/shm/shm.h"
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
#define X_VA 0x0000004000000000UL     /* a GiB-aligned fixed address */

/* A new segment of `bytes`, physical or anonymous. */
static int segment(uint64_t bytes, bool phys)
{
	int id;

	shm_use_phys = phys;
	id = shm_get(IPC_PRIVATE, bytes, 0, 1);
	shm_use_phys = 1;
	return id;
}

KTEST(vm_shared, second_map_faults_zero_with_prelink_32_without)
{
	struct vmt_snap s;
	struct vm_map *a, *b, *c;
	vaddr_t va, vb, vc;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	c = vm_map_create();
	id = segment(MIB(64), true);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(64), 1));
	KT_ASSERT_EQ(16384, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(16384, vmt_map_stat(a).faults_object);
	KT_ASSERT_EQ(32, vmt_map_stat(a).links_pde);
	KT_ASSERT_EQ(3, vmt_map_stat(a).pt_pages);                /* PML4, PDPT, PD: no PT */
	KT_ASSERT_EQ(32, vmt_global_stat().obj_pt_pages);
	KT_ASSERT_EQ(0, vmt_map_stat(a).pv_entries);              /* physical: no PV at all */
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));      /* prelinked */
	KT_ASSERT_EQ(32, vmt_map_stat(b).links_pde);
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(64), 1));
	KT_ASSERT_EQ(0, vmt_map_stat(b).faults);
	KT_ASSERT_EQ(3, vmt_map_stat(b).pt_pages);
	KT_ASSERT_EQ(16384, vmt_map_stat(b).resident);
	pmap_prelink = 0;
	KT_ASSERT_EQ(0, shm_at(c, id, 0, 0, 1, &vc));
	KT_ASSERT_EQ(0, vmt_check(c, vc, MIB(64), 1));
	KT_ASSERT_EQ(32, vmt_map_stat(c).faults);
	KT_ASSERT_EQ(32, vmt_map_stat(c).faults_link);
	KT_ASSERT_EQ(3, vmt_map_stat(c).pt_pages);
	KT_ASSERT_EQ(32, vmt_global_stat().obj_pt_pages);
	KT_ASSERT_EQ(0, vmt_global_stat().pv_entries);
	vm_map_destroy(a);
	vm_map_destroy(b);
	vm_map_destroy(c);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, gib_mapping_takes_one_fault_without_prelink)
{
	struct vmt_snap s;
	struct vm_map *a, *d;
	vaddr_t va, vd;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	d = vm_map_create();
	id = segment(GIB(1), false);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, va % GIB_SIZE);
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(64), 7));
	KT_ASSERT_EQ(1, vmt_map_stat(a).links_pdpte);
	KT_ASSERT_EQ(0, vmt_map_stat(a).links_pde);
	KT_ASSERT_EQ(2, vmt_map_stat(a).pt_pages);                /* PML4, PDPT */
	KT_ASSERT_EQ(32, vmt_global_stat().obj_pt_pages);
	KT_ASSERT_EQ(1, vmt_global_stat().obj_pd_pages);
	KT_ASSERT_EQ(16384, vmt_global_stat().pv_entries);           /* anonymous: one per page */
	pmap_prelink = 0;
	KT_ASSERT_EQ(0, shm_at(d, id, 0, 0, 1, &vd));
	KT_ASSERT_EQ(0, vmt_check(d, vd, MIB(64), 7));
	KT_ASSERT_EQ(1, vmt_map_stat(d).faults);
	KT_ASSERT_EQ(1, vmt_map_stat(d).faults_link);
	KT_ASSERT_EQ(2, vmt_map_stat(d).pt_pages);
	KT_ASSERT_EQ(16384, vmt_global_stat().pv_entries);
	vm_map_destroy(a);
	vm_map_destroy(d);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, n_maps_share_one_set_of_tables_that_survives_them)
{
	struct vmt_snap s;
	struct vm_map *m[4];
	vaddr_t va[4];
	int id;

	vmt_defaults();
	vmt_begin(&s);
	id = segment(MIB(16), false);
	for (int i = 0; i < 4; i++) {
		m[i] = vm_map_create();
		KT_ASSERT_EQ(0, shm_at(m[i], id, 0, 0, 1, &va[i]));
		KT_ASSERT_EQ(0, vmt_fill(m[i], va[i], MIB(16), 100 * i));
	}
	KT_ASSERT_EQ(4096, vmt_map_stat(m[0]).faults);            /* the first fills the tree */
	KT_ASSERT_EQ(0, vmt_map_stat(m[3]).faults);               /* the others were prelinked */
	KT_ASSERT_EQ(8, vmt_global_stat().obj_pt_pages);
	KT_ASSERT_EQ(4096, vmt_global_stat().pv_entries);            /* = resident pages */
	for (int i = 0; i < 4; i++) {
		KT_ASSERT_EQ(3, vmt_map_stat(m[i]).pt_pages);
		KT_ASSERT_EQ(0, vmt_check(m[i], va[i], MIB(16), 300));
		vm_map_destroy(m[i]);
	}
	KT_ASSERT_EQ(8, vmt_global_stat().obj_pt_pages);             /* the tables survive */
	for (int i = 0; i < 4; i++) {
		m[i] = vm_map_create();
		KT_ASSERT_EQ(0, shm_at(m[i], id, 0, 0, 1, &va[i]));
		KT_ASSERT_EQ(0, vmt_check(m[i], va[i], MIB(16), 300));
		KT_ASSERT_EQ(0, vmt_map_stat(m[i]).faults);
	}
	KT_ASSERT_EQ(8, vmt_global_stat().obj_pt_pages);
	for (int i = 0; i < 4; i++)
		vm_map_destroy(m[i]);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, switching_off_and_on_keeps_both_kinds_correct)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	vaddr_t va, vb;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	id = segment(MIB(16), true);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(16), 5));
	pmap_mmu_optimize = 0;
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(8), 5));
	KT_ASSERT_EQ(2048, vmt_map_stat(b).faults);
	KT_ASSERT_EQ(2048, vmt_map_stat(b).faults_private);
	KT_ASSERT_EQ(3 + 4, vmt_map_stat(b).pt_pages);
	KT_ASSERT_EQ(2048, vmt_map_stat(b).pv_entries);           /* private PTEs have PVs */
	KT_ASSERT_EQ(0, vmt_check(a, va, MIB(16), 5));  /* a's links stay valid */
	KT_ASSERT_EQ(8, vmt_map_stat(a).links_pde);
	pmap_mmu_optimize = 1;
	KT_ASSERT_EQ(0, vmt_fill(b, vb + MIB(8), MIB(8), 5 + 2048));
	KT_ASSERT_EQ(4, vmt_map_stat(b).links_pde);               /* both kinds in one map */
	KT_ASSERT_EQ(3 + 4, vmt_map_stat(b).pt_pages);
	KT_ASSERT_EQ(0, vmt_check(a, va, MIB(16), 5));
	KT_ASSERT_EQ(0, vmt_write(a, va + PAGE_SIZE, 77));
	KT_ASSERT_EQ(0, vmt_check(b, vb + PAGE_SIZE, PAGE_SIZE, 77));
	KT_ASSERT(vmt_clean(&(struct vmt_snap){ page_free_count(), vm_object_count(), shm_count() }));
	/* A segment with a private PT becomes a link after a fault there. */
	KT_ASSERT_EQ(0, vm_munmap(b, vb, MIB(16)));
	KT_ASSERT_EQ(0, vmt_map_stat(b).links_pde);
	KT_ASSERT_EQ(1, vmt_map_stat(b).pt_pages);
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, private_table_is_emptied_before_it_becomes_a_link)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	m = vm_map_create();
	id = segment(MIB(2), true);
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	pmap_mmu_optimize = 0;
	KT_ASSERT_EQ(0, vmt_fill(m, va, 16 * PAGE_SIZE, 1));
	KT_ASSERT_EQ(16, vmt_map_stat(m).pv_entries);
	pmap_mmu_optimize = 1;
	KT_ASSERT_EQ(0, vmt_write(m, va + MIB(1), 9));  /* faults: links the segment */
	KT_ASSERT_EQ(1, vmt_map_stat(m).links_pde);
	KT_ASSERT_EQ(0, vmt_map_stat(m).pv_entries);
	KT_ASSERT_EQ(3, vmt_map_stat(m).pt_pages);
	KT_ASSERT_EQ(0, vmt_check(m, va, 16 * PAGE_SIZE, 1));
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, tables_are_keyed_by_object_offset)
{
	struct vmt_snap s;
	struct vm_map *a, *b, *c;
	struct vm_object *obj;
	vaddr_t va, vb, vc;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	c = vm_map_create();
	id = segment(MIB(8), false);
	obj = shm_object(id);
	KT_ASSERT_EQ(0, vm_mmap(a, X_VA, MIB(8), RW, MAP_SHARED | MAP_FIXED, obj, 0, &va));
	KT_ASSERT_EQ(0, vm_mmap(b, X_VA, MIB(4), RW, MAP_SHARED | MAP_FIXED, obj, MIB(2), &vb));
	KT_ASSERT_EQ(0, vm_mmap(c, X_VA + PAGE_SIZE, MIB(4), RW, MAP_SHARED | MAP_FIXED, obj, 0, &vc));
	vm_object_release(obj);
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(8), 1000));
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(4), 1000 + 512));
	KT_ASSERT_EQ(0, vmt_check(c, vc, MIB(4), 1000));
	KT_ASSERT_EQ(2, vmt_map_stat(b).links_pde);
	KT_ASSERT_EQ(0, vmt_map_stat(c).links_pde);               /* misaligned: private tables */
	KT_ASSERT_EQ(1024, vmt_map_stat(c).faults_private);
	KT_ASSERT_EQ(0, vmt_write(b, vb + PAGE_SIZE, 4242));
	KT_ASSERT_EQ(0, vmt_check(a, va + MIB(2) + PAGE_SIZE, PAGE_SIZE, 4242));
	KT_ASSERT_EQ(0, vmt_check(c, vc + MIB(2) + PAGE_SIZE, PAGE_SIZE, 4242));
	KT_ASSERT_EQ(4, vmt_global_stat().obj_pt_pages);
	vm_map_destroy(a);
	vm_map_destroy(b);
	vm_map_destroy(c);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, mprotect_of_one_page_unlinks_only_that_map)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	vaddr_t va, vb;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	id = segment(MIB(4), true);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(4), 1));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, vm_mprotect(a, va + 5 * PAGE_SIZE, PAGE_SIZE, PROT_READ));
	KT_ASSERT_EQ(1, vmt_map_stat(a).links_pde);
	KT_ASSERT_EQ(-EFAULT, vmt_write(a, va + 5 * PAGE_SIZE, 9));
	KT_ASSERT_EQ(0, vmt_write(b, vb + 5 * PAGE_SIZE, 9));
	KT_ASSERT_EQ(0, vmt_check(a, va + 5 * PAGE_SIZE, PAGE_SIZE, 9));
	KT_ASSERT_EQ(0, vmt_check(a, va, 5 * PAGE_SIZE, 1));
	KT_ASSERT_EQ(0, vmt_write(a, va + 6 * PAGE_SIZE, 6));
	KT_ASSERT_EQ(0, vmt_check(b, vb + 6 * PAGE_SIZE, PAGE_SIZE, 6));
	KT_ASSERT_EQ(2, vmt_map_stat(b).links_pde);
	/* Back to one entry: the next fault links the segment again. */
	KT_ASSERT_EQ(0, vm_mprotect(a, va + 5 * PAGE_SIZE, PAGE_SIZE, RW));
	KT_ASSERT_EQ(1, a->nentries);
	KT_ASSERT_EQ(0, vmt_write(a, va + 5 * PAGE_SIZE, 10));
	KT_ASSERT_EQ(2, vmt_map_stat(a).links_pde);
	KT_ASSERT_EQ(3, vmt_map_stat(a).pt_pages);
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, munmap_of_a_middle_page_unlinks_the_segment)
{
	struct vmt_snap s;
	struct vm_map *a;
	vaddr_t va;
	uint64_t v;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	id = segment(MIB(4), true);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(4), 1));
	KT_ASSERT_EQ(0, vm_munmap(a, va + MIB(1), PAGE_SIZE));
	KT_ASSERT_EQ(1, vmt_map_stat(a).links_pde);
	KT_ASSERT_EQ(-EFAULT, vmt_read(a, va + MIB(1), &v));
	KT_ASSERT_EQ(0, vmt_check(a, va + MIB(1) - PAGE_SIZE, PAGE_SIZE, 256));
	KT_ASSERT_EQ(0, vmt_check(a, va + MIB(1) + PAGE_SIZE, PAGE_SIZE, 258));
	KT_ASSERT_EQ(2, vmt_map_stat(a).faults_private);
	KT_ASSERT_EQ(4, vmt_map_stat(a).pt_pages);
	vm_map_destroy(a);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, readonly_and_readwrite_maps_share_one_tree)
{
	struct vmt_snap s;
	struct vm_map *rw, *ro;
	struct pmap_link l;
	vaddr_t va, vr;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	rw = vm_map_create();
	ro = vm_map_create();
	id = segment(MIB(4), true);
	KT_ASSERT_EQ(0, shm_at(ro, id, 0, SHM_RDONLY, 1, &vr));
	KT_ASSERT_EQ(0, shm_at(rw, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_touch(ro, vr, MIB(4)));     /* the RO map fills the tree */
	KT_ASSERT_EQ(1024, vmt_map_stat(ro).faults_object);
	KT_ASSERT_EQ(0, vmt_fill(rw, va, MIB(4), 3));
	KT_ASSERT_EQ(2, vmt_map_stat(rw).faults_link);
	KT_ASSERT_EQ(2, vmt_global_stat().obj_pt_pages);
	KT_ASSERT_EQ(-EFAULT, vmt_write(ro, vr, 1));    /* the RO write is refused... */
	KT_ASSERT_EQ(0, vmt_write(rw, va, 1));          /* ...the RW one goes on */
	KT_ASSERT_EQ(0, vmt_check(ro, vr, PAGE_SIZE, 1));
	KT_ASSERT_EQ(0, pmap_link_info(ro->pmap, vr, &l));
	KT_ASSERT_EQ(PROT_READ, l.prot);
	KT_ASSERT_EQ(0, pmap_link_info(rw->pmap, va, &l));
	KT_ASSERT_EQ(RW, l.prot);
	vm_map_destroy(ro);
	vm_map_destroy(rw);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, fork_of_a_gib_link_copies_one_entry)
{
	struct vmt_snap s;
	struct vm_map *parent, *child;
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	parent = vm_map_create();
	id = segment(GIB(1), false);
	KT_ASSERT_EQ(0, shm_at(parent, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(parent, va, MIB(8), 2));
	child = vm_map_fork(parent);
	KT_ASSERT(child != NULL);
	KT_ASSERT_EQ(1, vmt_map_stat(child).links_pdpte);
	KT_ASSERT_EQ(0, vmt_map_stat(child).links_pde);
	KT_ASSERT_EQ(2, vmt_map_stat(child).pt_pages);            /* PML4 and one PDPT page */
	KT_ASSERT_EQ(0, vmt_check(child, va, MIB(8), 2));
	KT_ASSERT_EQ(0, vmt_map_stat(child).faults);
	vm_map_destroy(child);
	vm_map_destroy(parent);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, teardown_of_a_gib_is_one_flush)
{
	struct vmt_snap s;
	struct vm_map *m;
	struct vmstat before;
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	m = vm_map_create();
	id = segment(GIB(1), false);
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(16), 2));
	vm_map_activate(m);
	before = vmt_map_stat(m);
	KT_ASSERT_EQ(0, shm_dt(m, va, 1));
	KT_ASSERT_EQ(before.tlb_flushes + 1, vmt_map_stat(m).tlb_flushes);
	KT_ASSERT_EQ(before.tlb_invlpg, vmt_map_stat(m).tlb_invlpg);
	KT_ASSERT_EQ(0, vmt_map_stat(m).links_pdpte);
	KT_ASSERT_EQ(1, vmt_map_stat(m).pt_pages);
	vm_map_activate(NULL);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

/* What a fork and the child's exit cost, counted as work rather than time. */
struct fork_work {
	uint64_t links;           /* links the child was given (PDEs and PDPTEs) */
	uint64_t pt_pages;        /* the child's own page-table pages */
	size_t pages;             /* pages the fork took */
	size_t frames_scanned;    /* frames the page allocator searched past */
};

/*
 * Measures in *w the fork of a map like a process's: a private page (whose
 * copy at fork needs a page-sized radix node, as a stack or data page
 * does) and a segment of `bytes` at a GiB-aligned address with one page
 * written in every 2 MiB, so that each segment has its object table to
 * link; then destroys the child, as its exit does. Returns 0 or -E.
 */
static int fork_work(uint64_t bytes, bool phys, struct fork_work *w)
{
	struct vm_map *parent = vm_map_create(), *child;
	size_t scanned, free_pages;
	vaddr_t va, priv;
	int id = segment(bytes, phys), err;

	err = id < 0 ? id : shm_at(parent, id, X_VA, 0, 1, &va);
	if (!err)
		err = vm_mmap(parent, 0, PAGE_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0, &priv);
	if (!err)
		err = vmt_write(parent, priv, 1);
	for (uint64_t off = 0; !err && off < bytes; off += SEG_SIZE)
		err = vmt_write(parent, va + off, off);
	if (!err) {
		scanned = page_frames_scanned();
		free_pages = page_free_count();
		child = vm_map_fork(parent);
		err = child ? 0 : -ENOMEM;
	}
	if (!err) {
		w->links = vmt_map_stat(child).links_pde + vmt_map_stat(child).links_pdpte;
		w->pt_pages = vmt_map_stat(child).pt_pages;
		w->pages = free_pages - page_free_count();
		vm_map_destroy(child);
		w->frames_scanned = page_frames_scanned() - scanned;
	}
	vm_map_destroy(parent);
	if (id >= 0)
		shm_ctl(id, IPC_RMID, NULL);
	return err;
}

/*
 * Fork and exit of a process with shared memory mapped do the same work
 * whatever its size: the child links the object's tables (one PDPTE per
 * GiB, one PDE per 2 MiB below a GiB), and nothing walks the mapping or the
 * memory it holds. 64 MiB and 1 GiB of physical shm, 4 GiB of anonymous
 * shm (more than the arena holds, and that has only the pages written).
 */
KTEST(vm_shared, fork_and_exit_work_does_not_grow_with_the_segment)
{
	static const struct { uint64_t bytes; bool phys; } seg[] = {
		{ MIB(64), true }, { GIB(1), true }, { GIB(4), false },
	};
	struct fork_work w[ARRAY_SIZE(seg)];
	struct vmt_snap s;

	vmt_defaults();
	vmt_begin(&s);
	for (size_t i = 0; i < ARRAY_SIZE(seg); i++)
		KT_ASSERT_EQ(0, fork_work(seg[i].bytes, seg[i].phys, &w[i]));
	KT_ASSERT_EQ(32, w[0].links);
	KT_ASSERT_EQ(1, w[1].links);
	KT_ASSERT_EQ(4, w[2].links);
	for (size_t i = 1; i < ARRAY_SIZE(seg); i++) {
		KT_ASSERT(w[i].pt_pages <= w[0].pt_pages);
		KT_ASSERT(w[i].pages <= w[0].pages);
		KT_ASSERT_EQ(w[0].frames_scanned, w[i].frames_scanned);
	}
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, mixed_sizes_link_a_gib_then_segments)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	m = vm_map_create();
	id = segment(GIB(1) + MIB(512) + PAGE_SIZE, false);
	KT_ASSERT_EQ(0, shm_at(m, id, X_VA, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_write(m, va, 1));
	KT_ASSERT_EQ(0, vmt_write(m, va + GIB(1), 2));
	KT_ASSERT_EQ(0, vmt_write(m, va + GIB(1) + MIB(2), 3));
	KT_ASSERT_EQ(0, vmt_write(m, va + GIB(1) + MIB(512), 4));   /* the tail page */
	KT_ASSERT_EQ(1, vmt_map_stat(m).links_pdpte);
	KT_ASSERT_EQ(2, vmt_map_stat(m).links_pde);
	KT_ASSERT_EQ(1, vmt_map_stat(m).faults_private);
	KT_ASSERT_EQ(2, vmt_global_stat().obj_pd_pages);
	/* With PD sharing off, a new map links the first GiB segment by segment. */
	pmap_share_pd = 0;
	vm_map_destroy(m);
	m = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(m, id, X_VA, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_map_stat(m).links_pdpte);
	KT_ASSERT_EQ(3, vmt_map_stat(m).links_pde);               /* prelinked: 3 populated segments */
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

/* Maps a `bytes` segment at a 2 MiB-aligned address, touches every page. */
static void straddle(uint64_t bytes, uint64_t links, uint64_t private_faults)
{
	struct vm_map *m = vm_map_create();
	struct pmap_link l;
	vaddr_t va;
	int id = segment(bytes, true);

	KT_ASSERT_EQ(0, shm_at(m, id, X_VA, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, ALIGN_UP(bytes, PAGE_SIZE), 1));
	KT_ASSERT_EQ(links, vmt_map_stat(m).links_pde);
	KT_ASSERT_EQ(private_faults, vmt_map_stat(m).faults_private);
	KT_ASSERT_EQ(-ENOENT, pmap_link_info(m->pmap, va + ALIGN_UP(bytes, PAGE_SIZE) - PAGE_SIZE, &l));
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
}

KTEST(vm_shared, segments_straddling_the_end_are_never_linked)
{
	struct vmt_snap s;

	vmt_defaults();
	vmt_begin(&s);
	straddle(MIB(2) - PAGE_SIZE, 0, 511);
	straddle(MIB(2) + PAGE_SIZE, 1, 1);
	straddle(MIB(3), 1, 256);
	straddle(MIB(3) - 100, 1, 256);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, map_fixed_over_a_linked_segment_unlinks_it)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va, got;
	uint64_t v = 1;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	m = vm_map_create();
	id = segment(MIB(4), true);
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(4), 1));
	KT_ASSERT_EQ(0, vm_mmap(m, va + MIB(2), MIB(2), RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	                        NULL, 0, &got));
	KT_ASSERT_EQ(1, vmt_map_stat(m).links_pde);
	KT_ASSERT_EQ(0, vmt_read(m, va + MIB(2), &v));
	KT_ASSERT_EQ(0, v);
	KT_ASSERT_EQ(0, vmt_check(m, va, PAGE_SIZE, 1));
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, out_of_memory_at_every_allocation_leaks_nothing)
{
	struct vmt_snap s;
	int err = -ENOMEM;

	vmt_defaults();
	vmt_begin(&s);
	for (long n = 0; err == -ENOMEM; n++) {
		struct vm_map *a = vm_map_create(), *b = vm_map_create();
		int id = segment(GIB(1), false);
		vaddr_t va, vb;

		KT_ASSERT(a && b && id >= 0 && n < 64);
		KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
		page_fail_after(n);
		err = vmt_write(a, va + GIB(1) - MIB(4), 1);
		if (err == 0)
			err = vmt_write(a, va + GIB(1) - MIB(2), 2);
		if (err == 0)
			err = shm_at(b, id, 0, 0, 1, &vb);
		if (err == 0)
			err = vmt_check(b, vb + GIB(1) - MIB(4), PAGE_SIZE, 1);
		page_fail_after(-1);
		KT_ASSERT(err == 0 || err == -ENOMEM);
		KT_ASSERT_EQ(0, vm_verify(NULL, 0));
		vm_map_destroy(a);
		vm_map_destroy(b);
		KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
		KT_ASSERT(vmt_clean(&s));
	}
	vmt_defaults();
}

KTEST(vm_shared, dumps_show_links_and_object_tables)
{
	struct vmt_snap s;
	struct vm_map *m;
	char buf[2048];
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	m = vm_map_create();
	id = segment(MIB(4), true);
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_write(m, va, 1));
	KT_ASSERT(pmap_dump(m->pmap, buf, sizeof(buf)) > 0);
	KT_ASSERT(strstr(buf, "PT of object") != NULL);
	KT_ASSERT(strstr(buf, "links=1 used=1") != NULL);
	KT_ASSERT(shm_dump(id, buf, sizeof(buf)) > 0);
	KT_ASSERT(strstr(buf, "1 PD pages, 1 PT pages") != NULL);
	KT_ASSERT(strstr(buf, "PT[seg 0] offset=") != NULL);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, mprotect_of_whole_segments_changes_the_links_rights)
{
	struct vmt_snap s;
	struct vm_map *m;
	struct pmap_link l;
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	m = vm_map_create();
	id = segment(MIB(4), true);
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(4), 1));
	KT_ASSERT_EQ(0, vm_mprotect(m, va, MIB(4), PROT_READ));
	KT_ASSERT_EQ(2, vmt_map_stat(m).links_pde);               /* lowered in place */
	KT_ASSERT_EQ(0, pmap_link_info(m->pmap, va, &l));
	KT_ASSERT_EQ(PROT_READ, l.prot);
	KT_ASSERT_EQ(-EFAULT, vmt_write(m, va, 5));
	KT_ASSERT_EQ(0, vm_mprotect(m, va, MIB(4), RW));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(4), 2));    /* one fault per link raises it */
	KT_ASSERT_EQ(1024 + 2, vmt_map_stat(m).faults);
	KT_ASSERT_EQ(2, vmt_map_stat(m).faults_link);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shared, removing_a_page_clears_the_object_pte_for_every_map)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	vaddr_t va, vb;
	paddr_t pa;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	id = segment(MIB(2), false);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_write(a, va, 8));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	vm_map_activate(b);
	KT_ASSERT(pmap_extract(b->pmap, vb, &pa));
	KT_ASSERT_EQ(1, vmt_global_stat().pv_entries);
	pmap_page_remove(phys_to_page(pa));             /* e.g. paged out */
	KT_ASSERT_EQ(0, vmt_global_stat().pv_entries);
	KT_ASSERT_EQ(1, vmt_map_stat(b).tlb_flushes);             /* the active map flushed */
	KT_ASSERT(!pmap_extract(a->pmap, va, &pa));
	KT_ASSERT(!pmap_extract(b->pmap, vb, &pa));
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	KT_ASSERT_EQ(0, vmt_check(b, vb, PAGE_SIZE, 8)); /* refilled by a fault */
	KT_ASSERT_EQ(1, vmt_map_stat(b).faults_object);
	vm_map_activate(NULL);
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

/*
 * An object PTE that changes is flushed only where it may be cached: in
 * the running address spaces that link its table. A running address space
 * that does not (here the only CPU runs it) is left alone, so on several
 * CPUs it takes no IPI.
 */
KTEST(vm_shared, an_object_change_flushes_only_the_maps_that_link_it)
{
	struct vmt_snap s;
	struct vm_map *a, *c;
	struct vmstat before;
	vaddr_t va, vc;
	paddr_t pa;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	c = vm_map_create();
	id = segment(MIB(2), false);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_write(a, va, 8));
	KT_ASSERT_EQ(0, vm_mmap(c, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
	                        MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0, &vc));
	KT_ASSERT_EQ(0, vmt_write(c, vc, 9));           /* c has tables, none of the object's */
	KT_ASSERT(pmap_extract(a->pmap, va, &pa));
	vm_map_activate(c);
	before = vmt_map_stat(c);
	pmap_page_protect(phys_to_page(pa), PROT_READ);
	KT_ASSERT_EQ(before.tlb_flushes, vmt_map_stat(c).tlb_flushes);
	KT_ASSERT_EQ(before.tlb_invlpg, vmt_map_stat(c).tlb_invlpg);
	KT_ASSERT_EQ(0, vmt_write(a, va, 10));          /* the fault gives the rights back */
	vm_map_activate(a);
	before = vmt_map_stat(a);
	pmap_page_remove(phys_to_page(pa));
	KT_ASSERT_EQ(before.tlb_flushes + 1, vmt_map_stat(a).tlb_flushes);   /* the linker flushed */
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_activate(NULL);
	vm_map_destroy(a);
	vm_map_destroy(c);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

extern const struct ktest __start_ktests[], __stop_ktests[];

/*
 * The baseline must stay correct with sharing switched off: runs every case
 * of the vm_baseline and vm_shm suites again with machdep.pmap_mmu_optimize
 * = 0 (their failures are reported against this case).
 */
KTEST(vm_shared, baseline_suites_pass_with_sharing_off)
{
	int ran = 0;

	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++) {
		if (strcmp(t->suite, "vm_baseline") != 0 && strcmp(t->suite, "vm_shm") != 0)
			continue;
		vmt_defaults();
		pmap_mmu_optimize = 0;
		t->fn();
		ran++;
	}
	vmt_defaults();
	KT_ASSERT(ran >= 20);
}

KTEST(vm_shared, fault_around_fills_a_physical_segments_table_in_one_fault)
{
	struct vmt_snap s;
	struct vm_map *a, *b, *c;
	vaddr_t va, vb, vc;
	int id, anon;

	vmt_defaults();
	vmt_begin(&s);
	vm_fault_around = 1;
	id = segment(MIB(64), true);
	a = vm_map_create();
	b = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(64), 3));
	KT_ASSERT_EQ(32, vmt_map_stat(a).faults);                 /* one per 2 MiB */
	KT_ASSERT_EQ(32, vmt_map_stat(a).faults_object);
	KT_ASSERT_EQ(16384, vmt_global_stat().resident);
	KT_ASSERT_EQ(0, vmt_global_stat().pv_entries);            /* wired: none */
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(64), 3));
	KT_ASSERT_EQ(0, vmt_map_stat(b).faults);                  /* prelinked */
	/* An anonymous segment's pages come one fault at a time: no fault-around. */
	anon = segment(MIB(4), false);
	c = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(c, anon, 0, 0, 1, &vc));
	KT_ASSERT_EQ(0, vmt_fill(c, vc, MIB(4), 1));
	KT_ASSERT_EQ(1024, vmt_map_stat(c).faults);
	vm_map_destroy(a);
	vm_map_destroy(b);
	vm_map_destroy(c);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT_EQ(0, shm_ctl(anon, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}
