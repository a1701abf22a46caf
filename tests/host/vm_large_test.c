/*
 * Large (2 MiB) pages with shared page directories (issue 9): each claim
 * proved with exact counters, on maps standing for processes (a fork is
 * vm_map_fork(), an exec'd client a new map attaching by key, a thread a
 * second access through the same map). A 2 MiB page is a leaf in the
 * object's PD page; a map reaches it through a GiB link or through a copy
 * in its own PD, kept in sync by a leaf mirror. Every case ends with
 * vm_verify() clean and no page, 2 MiB block, object or segment leaked.
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
#define KEY 0x1a9e
#define X_VA 0x0000004000000000UL     /* a GiB-aligned fixed address */
#define HUGE_ANON (MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB)

/* A new SysV segment of `bytes` on 2 MiB pages (SHM_HUGETLB). */
static int large_segment(uint64_t bytes)
{
	return shm_get(IPC_PRIVATE, bytes, SHM_HUGETLB, 1);
}

/*
 * Writes value + i into the first and the last page of the i-th 2 MiB of
 * [va, va + len): enough to take every fault a 2 MiB mapping can take.
 */
static int fill_2m(struct vm_map *m, vaddr_t va, uint64_t len, uint64_t value)
{
	for (uint64_t off = 0; off < len; off += SEG_SIZE) {
		int err = vmt_write(m, va + off, value + (off >> SEG_SHIFT));

		if (err == 0)
			err = vmt_write(m, va + off + SEG_SIZE - PAGE_SIZE, value + (off >> SEG_SHIFT));
		if (err)
			return err;
	}
	return 0;
}

/* Checks the pattern of fill_2m(); 0 when it is all there. */
static int check_2m(struct vm_map *m, vaddr_t va, uint64_t len, uint64_t value)
{
	for (uint64_t off = 0; off < len; off += SEG_SIZE) {
		uint64_t a, b;
		int err = vmt_read(m, va + off, &a);

		if (err == 0)
			err = vmt_read(m, va + off + SEG_SIZE - PAGE_SIZE, &b);
		if (err)
			return err;
		if (a != value + (off >> SEG_SHIFT) || b != a)
			return -EIO;
	}
	return 0;
}

/* The leaf mirror of m covering va, from pmap_links(): 0, or -ENOENT. */
static int mirror_at(struct vm_map *m, vaddr_t va, struct pmap_link *l)
{
	struct pmap_link all[16];
	int n = pmap_links(m->pmap, all, ARRAY_SIZE(all));

	for (int i = 0; i < MIN(n, (int)ARRAY_SIZE(all)); i++) {
		if (all[i].mirror && all[i].va <= va && va < all[i].va + all[i].size) {
			*l = all[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* The first vm_page of the large page that m maps at va. */
static struct vm_page *large_at(struct vm_map *m, vaddr_t va)
{
	paddr_t pa;

	return pmap_extract(m->pmap, va, &pa) ? page_large_head(phys_to_page(pa)) : NULL;
}

KTEST(vm_large, two_mib_segment_takes_one_fault_per_client_at_most)
{
	struct vmt_snap s;
	struct vm_map *a, *child, *exec;
	struct vmstat g0;
	vaddr_t va, ve;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	g0 = vmt_global_stat();
	id = shm_get(KEY, MIB(2), IPC_CREAT | SHM_HUGETLB | 0600, 1);
	KT_ASSERT(id >= 0);
	KT_ASSERT_EQ(g0.large_pages + 1, vmt_global_stat().large_pages);   /* allocated at creation */
	KT_ASSERT_EQ(g0.large_free - 1, vmt_global_stat().large_free);
	a = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, va % SEG_SIZE);
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(2), 10));          /* all 512 pages */
	KT_ASSERT_EQ(1, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(1, vmt_map_stat(a).faults_object);
	KT_ASSERT_EQ(1, vmt_map_stat(a).faults_large);
	KT_ASSERT_EQ(1, vmt_map_stat(a).leaf_copies);
	KT_ASSERT_EQ(1, vmt_map_stat(a).leaf_mirrors);
	KT_ASSERT_EQ(3, vmt_map_stat(a).pt_pages);                        /* PML4, PDPT, PD: no PT */
	KT_ASSERT_EQ(0, vmt_map_stat(a).pv_entries);                      /* wired: no PV at all */
	KT_ASSERT_EQ(512, vmt_map_stat(a).resident);
	KT_ASSERT_EQ(1, vmt_global_stat().obj_leaves);
	KT_ASSERT_EQ(1, vmt_global_stat().obj_pd_pages);
	KT_ASSERT_EQ(0, vmt_global_stat().obj_pt_pages);
	child = vm_map_fork(a);                                 /* a forked client */
	KT_ASSERT(child != NULL);
	KT_ASSERT_EQ(0, vmt_check(child, va, MIB(2), 10));
	KT_ASSERT_EQ(0, vmt_map_stat(child).faults);
	KT_ASSERT_EQ(1, vmt_map_stat(child).leaf_copies);
	KT_ASSERT_EQ(3, vmt_map_stat(child).pt_pages);
	pmap_prelink = 0;
	exec = vm_map_create();                                 /* an exec'd one, by key */
	KT_ASSERT_EQ(0, shm_at(exec, shm_get(KEY, 0, 0, 2), 0, 0, 1, &ve));
	KT_ASSERT_EQ(0, vmt_check(exec, ve, MIB(2), 10));
	KT_ASSERT_EQ(1, vmt_map_stat(exec).faults);
	KT_ASSERT_EQ(1, vmt_map_stat(exec).faults_link);
	KT_ASSERT_EQ(0, vmt_check(exec, ve, MIB(2), 10));       /* its second thread */
	KT_ASSERT_EQ(1, vmt_map_stat(exec).faults);
	KT_ASSERT_EQ(0, vmt_global_stat().pv_entries);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(a);
	vm_map_destroy(child);
	vm_map_destroy(exec);
	KT_ASSERT_EQ(1, vmt_global_stat().obj_leaves);                       /* outlives its clients */
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT_EQ(g0.large_pages, vmt_global_stat().large_pages);
	KT_ASSERT_EQ(g0.large_free, vmt_global_stat().large_free);
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, sixty_four_mib_segment_serves_every_kind_of_client)
{
	struct vmt_snap s;
	struct vm_map *a, *child, *exec, *late, *gen[2];
	struct vmstat before;
	vaddr_t va, ve, vl, vg;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	id = shm_get(KEY, MIB(64), IPC_CREAT | SHM_HUGETLB | 0600, 1);
	a = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(64), 1));
	KT_ASSERT_EQ(32, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(32, vmt_map_stat(a).faults_large);
	KT_ASSERT_EQ(32, vmt_map_stat(a).leaf_copies);
	KT_ASSERT_EQ(1, vmt_map_stat(a).leaf_mirrors);
	KT_ASSERT_EQ(3, vmt_map_stat(a).pt_pages);
	KT_ASSERT_EQ(16384, vmt_map_stat(a).resident);
	KT_ASSERT_EQ(32, vmt_global_stat().obj_leaves);
	KT_ASSERT_EQ(1, vmt_global_stat().obj_pd_pages);
	KT_ASSERT_EQ(0, vmt_global_stat().obj_pt_pages);
	KT_ASSERT_EQ(0, vmt_check(a, va, MIB(64), 1));          /* another thread of a */
	KT_ASSERT_EQ(32, vmt_map_stat(a).faults);
	child = vm_map_fork(a);
	KT_ASSERT_EQ(0, vmt_check(child, va, MIB(64), 1));
	KT_ASSERT_EQ(0, vmt_map_stat(child).faults);
	exec = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(exec, shm_get(KEY, 0, 0, 2), 0, 0, 1, &ve));
	KT_ASSERT_EQ(0, vmt_check(exec, ve, MIB(64), 1));
	KT_ASSERT_EQ(0, vmt_map_stat(exec).faults);
	KT_ASSERT_EQ(32, vmt_map_stat(exec).leaf_copies);
	pmap_prelink = 0;
	late = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(late, id, 0, 0, 1, &vl));
	KT_ASSERT_EQ(0, vmt_check(late, vl, MIB(64), 1));
	KT_ASSERT_EQ(1, vmt_map_stat(late).faults);                       /* one link fault, all 32 leaves */
	KT_ASSERT_EQ(1, vmt_map_stat(late).faults_link);
	KT_ASSERT_EQ(3, vmt_map_stat(late).pt_pages);
	KT_ASSERT_EQ(128, vmt_global_stat().leaf_copies);
	KT_ASSERT_EQ(4, vmt_global_stat().leaf_mirrors);
	KT_ASSERT_EQ(0, vmt_global_stat().pv_entries);
	/* Teardown of 32 copies: one full flush, no single invalidation. */
	vm_map_activate(late);
	before = vmt_map_stat(late);
	KT_ASSERT_EQ(0, shm_dt(late, vl, 1));
	KT_ASSERT_EQ(before.tlb_flushes + 1, vmt_map_stat(late).tlb_flushes);
	KT_ASSERT_EQ(before.tlb_invlpg, vmt_map_stat(late).tlb_invlpg);
	KT_ASSERT_EQ(1, vmt_map_stat(late).pt_pages);
	vm_map_activate(NULL);
	vm_map_destroy(a);
	vm_map_destroy(child);
	vm_map_destroy(exec);
	vm_map_destroy(late);
	/* The leaves survive every client: a new generation takes no fault. */
	pmap_prelink = 1;
	KT_ASSERT_EQ(32, vmt_global_stat().obj_leaves);
	for (int i = 0; i < 2; i++) {
		gen[i] = vm_map_create();
		KT_ASSERT_EQ(0, shm_at(gen[i], id, 0, 0, 1, &vg));
		KT_ASSERT_EQ(0, vmt_check(gen[i], vg, MIB(64), 1));
		KT_ASSERT_EQ(0, vmt_map_stat(gen[i]).faults);
	}
	KT_ASSERT_EQ(32, vmt_global_stat().obj_leaves);
	KT_ASSERT_EQ(1, vmt_global_stat().obj_pd_pages);
	vm_map_destroy(gen[0]);
	vm_map_destroy(gen[1]);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, one_gib_segment_costs_no_per_client_page_directory)
{
	struct vmt_snap s;
	struct vm_map *a, *child, *late, *nopd;
	struct vmstat before;
	vaddr_t va, vl, vn;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	id = large_segment(GIB(1));
	a = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, va % GIB_SIZE);
	KT_ASSERT_EQ(0, fill_2m(a, va, GIB(1), 100));
	KT_ASSERT_EQ(512, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(512, vmt_map_stat(a).faults_large);
	KT_ASSERT_EQ(1, vmt_map_stat(a).links_pdpte);
	KT_ASSERT_EQ(0, vmt_map_stat(a).leaf_copies);
	KT_ASSERT_EQ(2, vmt_map_stat(a).pt_pages);                        /* PML4, PDPT: nothing for the GiB */
	KT_ASSERT_EQ(262144, vmt_map_stat(a).resident);
	KT_ASSERT_EQ(1, vmt_global_stat().obj_pd_pages);
	KT_ASSERT_EQ(512, vmt_global_stat().obj_leaves);
	child = vm_map_fork(a);                                 /* one entry copied */
	KT_ASSERT_EQ(1, vmt_map_stat(child).links_pdpte);
	KT_ASSERT_EQ(2, vmt_map_stat(child).pt_pages);
	KT_ASSERT_EQ(0, check_2m(child, va, GIB(1), 100));
	KT_ASSERT_EQ(0, vmt_map_stat(child).faults);
	pmap_prelink = 0;
	late = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(late, id, 0, 0, 1, &vl));
	KT_ASSERT_EQ(0, check_2m(late, vl, GIB(1), 100));
	KT_ASSERT_EQ(1, vmt_map_stat(late).faults);
	KT_ASSERT_EQ(1, vmt_map_stat(late).faults_link);
	KT_ASSERT_EQ(2, vmt_map_stat(late).pt_pages);
	/* Without PD sharing the GiB is mirrored: 512 copies in one PD page. */
	pmap_prelink = 1;
	pmap_share_pd = 0;
	nopd = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(nopd, id, 0, 0, 1, &vn));
	KT_ASSERT_EQ(0, check_2m(nopd, vn, GIB(1), 100));
	KT_ASSERT_EQ(0, vmt_map_stat(nopd).faults);
	KT_ASSERT_EQ(0, vmt_map_stat(nopd).links_pdpte);
	KT_ASSERT_EQ(512, vmt_map_stat(nopd).leaf_copies);
	KT_ASSERT_EQ(3, vmt_map_stat(nopd).pt_pages);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	/* Teardown of a linked GiB: one entry, one flush. */
	vm_map_activate(a);
	before = vmt_map_stat(a);
	KT_ASSERT_EQ(0, shm_dt(a, va, 1));
	KT_ASSERT_EQ(before.tlb_flushes + 1, vmt_map_stat(a).tlb_flushes);
	KT_ASSERT_EQ(before.tlb_invlpg, vmt_map_stat(a).tlb_invlpg);
	KT_ASSERT_EQ(1, vmt_map_stat(a).pt_pages);
	vm_map_activate(NULL);
	vm_map_destroy(a);
	vm_map_destroy(child);
	vm_map_destroy(late);
	vm_map_destroy(nopd);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

/*
 * machdep.pmap_share_pd turned off while a GiB is linked: the link stays,
 * and a fault on a 2 MiB page not yet filled fills its leaf in the linked
 * object PD (once panicked: the fault asked for a PT page the leaf has not).
 */
KTEST(vm_large, share_pd_off_keeps_a_gib_link_and_its_faults_fill_leaves)
{
	struct vmt_snap s;
	struct vm_map *a;
	uint64_t v;
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	id = large_segment(GIB(1));
	a = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_write(a, va, 8));
	KT_ASSERT_EQ(1, vmt_map_stat(a).links_pdpte);
	pmap_share_pd = 0;
	KT_ASSERT_EQ(0, vmt_write(a, va + SEG_SIZE, 9));
	KT_ASSERT_EQ(2, vmt_map_stat(a).faults_large);
	KT_ASSERT_EQ(1, vmt_map_stat(a).links_pdpte);
	KT_ASSERT_EQ(0, vmt_map_stat(a).leaf_copies);
	KT_ASSERT_EQ(0, vmt_read(a, va, &v));
	KT_ASSERT_EQ(8, v);
	KT_ASSERT_EQ(0, vmt_read(a, va + SEG_SIZE, &v));
	KT_ASSERT_EQ(9, v);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(a);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, gib_and_a_half_links_one_gib_and_mirrors_the_rest)
{
	struct vmt_snap s;
	struct vm_map *a, *child, *late;
	struct vmstat g0;
	vaddr_t va, vl;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	g0 = vmt_global_stat();
	id = large_segment(GIB(1) + MIB(512));
	KT_ASSERT(id >= 0);
	KT_ASSERT_EQ(g0.large_pages + 768, vmt_global_stat().large_pages);
	a = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, va % GIB_SIZE);                         /* placed on a GiB */
	KT_ASSERT_EQ(0, fill_2m(a, va, GIB(1) + MIB(512), 7));
	KT_ASSERT_EQ(768, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(768, vmt_map_stat(a).faults_large);
	KT_ASSERT_EQ(1, vmt_map_stat(a).links_pdpte);
	KT_ASSERT_EQ(256, vmt_map_stat(a).leaf_copies);
	KT_ASSERT_EQ(1, vmt_map_stat(a).leaf_mirrors);
	KT_ASSERT_EQ(3, vmt_map_stat(a).pt_pages);                        /* PML4, PDPT, one PD */
	KT_ASSERT_EQ(2, vmt_global_stat().obj_pd_pages);
	KT_ASSERT_EQ(768, vmt_global_stat().obj_leaves);
	pmap_prelink = 0;
	late = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(late, id, 0, 0, 1, &vl));
	KT_ASSERT_EQ(0, check_2m(late, vl, GIB(1) + MIB(512), 7));
	KT_ASSERT_EQ(1, vmt_map_stat(late).faults);                       /* the whole mapping at once */
	KT_ASSERT_EQ(1, vmt_map_stat(late).links_pdpte);
	KT_ASSERT_EQ(256, vmt_map_stat(late).leaf_copies);
	KT_ASSERT_EQ(3, vmt_map_stat(late).pt_pages);
	pmap_prelink = 1;
	child = vm_map_fork(a);
	KT_ASSERT_EQ(0, check_2m(child, va, GIB(1) + MIB(512), 7));
	KT_ASSERT_EQ(0, vmt_map_stat(child).faults);
	KT_ASSERT_EQ(768, vmt_global_stat().leaf_copies);
	KT_ASSERT_EQ(0, vmt_global_stat().pv_entries);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(a);
	vm_map_destroy(late);
	vm_map_destroy(child);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT_EQ(g0.large_pages, vmt_global_stat().large_pages);
	KT_ASSERT_EQ(g0.large_free, vmt_global_stat().large_free);
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

/* What a pgbench-like startup cost (see startup()). */
struct startup_cost {
	uint64_t faults;    /* of all clients */
	uint64_t tables;    /* page-table pages for the buffer: the clients' own
	                       beyond PML4 and PDPT, plus the object's */
};

/*
 * The pgbench startup: n clients attach a segment of `mib` MiB on 2 MiB
 * pages, then touch it round-robin, one 2 MiB step each in turn (the
 * interleaving of concurrent clients). A failed assertion fails the case.
 */
static void startup(int n, uint64_t mib, struct startup_cost *c)
{
	struct vm_map *m[64];
	vaddr_t va[64];
	int id = large_segment(MIB(mib));

	*c = (struct startup_cost){ 0, 0 };
	KT_ASSERT(id >= 0 && n <= 64);
	for (int i = 0; i < n; i++) {
		m[i] = vm_map_create();
		KT_ASSERT(shm_at(m[i], id, 0, 0, 1, &va[i]) == 0);
	}
	for (uint64_t off = 0; off < MIB(mib); off += SEG_SIZE)
		for (int i = 0; i < n; i++)
			KT_ASSERT(vmt_write(m[i], va[i] + off + 8 * i, i) == 0);
	for (int i = 0; i < n; i++) {
		KT_ASSERT(vmt_check(m[i], va[i] + MIB(mib) - PAGE_SIZE, PAGE_SIZE, 0) == 0);
		c->faults += vmt_map_stat(m[i]).faults;
		c->tables += vmt_map_stat(m[i]).pt_pages - 2;
	}
	c->tables += vmt_global_stat().obj_pd_pages + vmt_global_stat().obj_pt_pages;
	KT_ASSERT(vm_verify(NULL, 0) == 0);
	for (int i = 0; i < n; i++)
		vm_map_destroy(m[i]);
	KT_ASSERT(shm_ctl(id, IPC_RMID, NULL) == 0);
}

KTEST(vm_large, pgbench_startup_of_64_clients_meets_issue_9)
{
	struct vmt_snap s;
	struct startup_cost c;

	vmt_defaults();
	vmt_begin(&s);
	/* Prelinked at attach, every leaf is pushed: one fault per leaf. */
	startup(64, 256, &c);
	KT_ASSERT_EQ(128, c.faults);
	KT_ASSERT_EQ(64 + 1, c.tables);                         /* one PD each, one object PD */
	/* Without prelink: one more (link) fault for each client but the first. */
	pmap_prelink = 0;
	startup(64, 256, &c);
	KT_ASSERT_EQ(128 + 63, c.faults);
	KT_ASSERT_EQ(64 + 1, c.tables);
	/* A 1 GiB buffer: no page-table page of any client's own. */
	pmap_prelink = 1;
	startup(8, 1024, &c);
	KT_ASSERT_EQ(512, c.faults);
	KT_ASSERT_EQ(1, c.tables);
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, leaves_filled_by_one_map_are_pushed_to_every_mirror)
{
	struct vmt_snap s;
	struct vm_map *ro, *rw;
	struct pmap_link l;
	vaddr_t va, vr;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	id = large_segment(MIB(4));
	ro = vm_map_create();
	rw = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(ro, id, 0, SHM_RDONLY, 1, &vr));
	KT_ASSERT_EQ(0, shm_at(rw, id, 0, 0, 1, &va));            /* mirrors, no leaf yet */
	KT_ASSERT_EQ(1, vmt_map_stat(rw).leaf_mirrors);
	KT_ASSERT_EQ(0, vmt_map_stat(rw).leaf_copies);
	KT_ASSERT_EQ(0, vmt_touch(ro, vr, MIB(4)));             /* the RO map fills the leaves */
	KT_ASSERT_EQ(2, vmt_map_stat(ro).faults_large);
	KT_ASSERT_EQ(2, vmt_map_stat(rw).leaf_copies);                    /* pushed at once */
	KT_ASSERT_EQ(0, vmt_fill(rw, va, MIB(4), 3));
	KT_ASSERT_EQ(0, vmt_map_stat(rw).faults);
	KT_ASSERT_EQ(-EFAULT, vmt_write(ro, vr, 1));            /* RO copies refuse writes */
	KT_ASSERT_EQ(0, vmt_write(rw, va, 1));
	KT_ASSERT_EQ(0, vmt_check(ro, vr, PAGE_SIZE, 1));
	KT_ASSERT_EQ(0, mirror_at(ro, vr, &l));
	KT_ASSERT_EQ(PROT_READ, l.prot);
	KT_ASSERT_EQ(MIB(4), l.size);
	KT_ASSERT_EQ(0, mirror_at(rw, va + MIB(3), &l));
	KT_ASSERT_EQ(RW, l.prot);
	KT_ASSERT_EQ(-ENOENT, mirror_at(rw, va + MIB(4), &l));
	vm_map_destroy(ro);
	vm_map_destroy(rw);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, mprotect_of_one_page_splits_only_that_maps_view)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	vaddr_t va, vb;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	id = large_segment(MIB(4));
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(4), 1));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, vm_mprotect(a, va + 5 * PAGE_SIZE, PAGE_SIZE, PROT_READ));
	KT_ASSERT_EQ(0, vmt_map_stat(a).leaf_mirrors);                    /* a's whole view is dropped... */
	KT_ASSERT_EQ(0, vmt_map_stat(a).leaf_copies);
	KT_ASSERT_EQ(1, vmt_map_stat(a).pt_pages);
	KT_ASSERT_EQ(2, vmt_map_stat(b).leaf_copies);                     /* ...b's and the object's stay */
	KT_ASSERT_EQ(2, vmt_global_stat().obj_leaves);
	KT_ASSERT_EQ(-EFAULT, vmt_write(a, va + 5 * PAGE_SIZE, 9));
	KT_ASSERT_EQ(0, vmt_write(b, vb + 5 * PAGE_SIZE, 9));
	KT_ASSERT_EQ(0, vmt_check(a, va + 5 * PAGE_SIZE, PAGE_SIZE, 9));  /* split: its piece */
	KT_ASSERT_EQ(0, vmt_check(a, va, 5 * PAGE_SIZE, 1));    /* the 5 pieces before it */
	KT_ASSERT_EQ(0, vmt_write(a, va + 6 * PAGE_SIZE, 6));   /* the 506 after it */
	KT_ASSERT_EQ(0, vmt_check(b, vb + 6 * PAGE_SIZE, PAGE_SIZE, 6));
	KT_ASSERT_EQ(0, vmt_check(a, va + MIB(2), MIB(2), 1 + 512));   /* a new mirror */
	KT_ASSERT_EQ(0, vmt_check(a, va + 7 * PAGE_SIZE, MIB(2) - 7 * PAGE_SIZE, 1 + 7));
	KT_ASSERT_EQ(2 + 4, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(3, vmt_map_stat(a).faults_split);
	KT_ASSERT_EQ(1, vmt_map_stat(a).faults_link);
	KT_ASSERT_EQ(512, vmt_map_stat(a).pv_entries);                    /* the split PT's pieces */
	KT_ASSERT_EQ(4, vmt_map_stat(a).pt_pages);
	KT_ASSERT_EQ(1, vmt_map_stat(a).leaf_copies);
	KT_ASSERT_EQ(0, vmt_check(b, vb + MIB(2), MIB(2), 1 + 512));
	KT_ASSERT_EQ(0, vmt_map_stat(b).faults);
	/* One entry again: the next fault puts the 2 MiB copy back. */
	KT_ASSERT_EQ(0, vm_mprotect(a, va + 5 * PAGE_SIZE, PAGE_SIZE, RW));
	KT_ASSERT_EQ(1, a->nentries);
	KT_ASSERT_EQ(0, vmt_write(a, va + 5 * PAGE_SIZE, 10));
	KT_ASSERT_EQ(2 + 5, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(2, vmt_map_stat(a).leaf_copies);
	KT_ASSERT_EQ(1, vmt_map_stat(a).leaf_mirrors);
	KT_ASSERT_EQ(0, vmt_map_stat(a).pv_entries);
	KT_ASSERT_EQ(3, vmt_map_stat(a).pt_pages);
	KT_ASSERT_EQ(0, vmt_check(b, vb + 5 * PAGE_SIZE, PAGE_SIZE, 10));
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, munmap_of_one_page_splits_only_that_maps_view)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	vaddr_t va, vb;
	uint64_t v;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	id = large_segment(MIB(4));
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(4), 1));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, vm_munmap(a, va + MIB(1), PAGE_SIZE));
	KT_ASSERT_EQ(0, vmt_map_stat(a).leaf_copies);
	KT_ASSERT_EQ(-EFAULT, vmt_read(a, va + MIB(1), &v));
	KT_ASSERT_EQ(0, vmt_check(a, va, MIB(1), 1));           /* one fault: 256 pieces */
	KT_ASSERT_EQ(0, vmt_check(a, va + MIB(1) + PAGE_SIZE, MIB(1) - PAGE_SIZE, 1 + 257));
	KT_ASSERT_EQ(0, vmt_check(a, va + MIB(2), MIB(2), 1 + 512));
	KT_ASSERT_EQ(2 + 3, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(2, vmt_map_stat(a).faults_split);
	KT_ASSERT_EQ(511, vmt_map_stat(a).pv_entries);
	KT_ASSERT_EQ(1, vmt_map_stat(a).leaf_copies);
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(4), 1));           /* b sees all of it */
	KT_ASSERT_EQ(0, vmt_map_stat(b).faults);
	KT_ASSERT_EQ(2, vmt_map_stat(b).leaf_copies);
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, unaligned_mapping_maps_4k_pieces_one_fault_per_block)
{
	struct vmt_snap s;
	struct vm_map *a, *m;
	struct vm_object *obj;
	vaddr_t va, vm;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	a = vm_map_create();
	m = vm_map_create();
	id = large_segment(MIB(4));
	obj = shm_object(id);
	/* Offset 0 at a VA 4 KiB past a 2 MiB boundary: no segment is eligible. */
	KT_ASSERT_EQ(0, vm_mmap(m, X_VA + PAGE_SIZE, MIB(4) - PAGE_SIZE, RW, MAP_SHARED | MAP_FIXED,
	                        obj, 0, &vm));
	vm_object_release(obj);
	KT_ASSERT_EQ(0, vmt_fill(m, vm, MIB(4) - PAGE_SIZE, 50));
	KT_ASSERT_EQ(2, vmt_map_stat(m).faults);                          /* one per 2 MiB page */
	KT_ASSERT_EQ(2, vmt_map_stat(m).faults_split);
	KT_ASSERT_EQ(1023, vmt_map_stat(m).pv_entries);
	KT_ASSERT_EQ(0, vmt_map_stat(m).leaf_copies);
	KT_ASSERT_EQ(0, vmt_global_stat().obj_leaves);                       /* nothing in the object's PD */
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_check(a, va, MIB(4) - PAGE_SIZE, 50));
	KT_ASSERT_EQ(2, vmt_map_stat(a).faults_large);
	vm_map_destroy(a);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, mprotect_of_a_whole_mirror_changes_its_rights_in_place)
{
	struct vmt_snap s;
	struct vm_map *m;
	struct pmap_link l;
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	m = vm_map_create();
	id = large_segment(MIB(4));
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(4), 1));
	KT_ASSERT_EQ(0, vm_mprotect(m, va, MIB(4), PROT_READ));
	KT_ASSERT_EQ(2, vmt_map_stat(m).leaf_copies);                     /* lowered in place */
	KT_ASSERT_EQ(0, mirror_at(m, va, &l));
	KT_ASSERT_EQ(PROT_READ, l.prot);
	KT_ASSERT_EQ(-EFAULT, vmt_write(m, va + MIB(3), 5));
	KT_ASSERT_EQ(0, vm_mprotect(m, va, MIB(4), RW));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(4), 2));            /* one fault raises the mirror */
	KT_ASSERT_EQ(2 + 1, vmt_map_stat(m).faults);
	KT_ASSERT_EQ(1, vmt_map_stat(m).faults_link);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, sharing_off_maps_private_leaves_and_both_kinds_coexist)
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
	id = large_segment(MIB(8));
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(8), 1));
	pmap_mmu_optimize = 0;
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(8), 1));
	KT_ASSERT_EQ(4, vmt_map_stat(b).faults);                /* one per 2 MiB: a private leaf */
	KT_ASSERT_EQ(0, vmt_map_stat(b).faults_split);
	KT_ASSERT_EQ(4, vmt_map_stat(b).leaf_private);
	KT_ASSERT_EQ(4, vmt_map_stat(b).pv_entries);            /* one per leaf, not per 4 KiB */
	KT_ASSERT_EQ(3, vmt_map_stat(b).pt_pages);              /* PML4, PDPT, PD: no PT */
	KT_ASSERT_EQ(MIB(8) / PAGE_SIZE, vmt_map_stat(b).resident);
	KT_ASSERT_EQ(0, vmt_map_stat(b).leaf_mirrors);
	KT_ASSERT_EQ(0, vmt_write(b, vb, 77));
	KT_ASSERT_EQ(0, vmt_check(a, va, PAGE_SIZE, 77));       /* same physical pages */
	KT_ASSERT_EQ(4, vmt_map_stat(a).leaf_copies);                     /* a's copies stay valid */
	pmap_mmu_optimize = 1;
	KT_ASSERT_EQ(0, shm_at(c, id, 0, 0, 1, &vc));
	KT_ASSERT_EQ(4, vmt_map_stat(c).leaf_copies);
	/* b: a write fault turns one segment into a copy, the others stay private. */
	KT_ASSERT_EQ(0, vm_mprotect(b, vb, MIB(8), PROT_READ));
	KT_ASSERT_EQ(0, vm_mprotect(b, vb, MIB(8), RW));
	KT_ASSERT_EQ(0, vmt_write(b, vb + PAGE_SIZE, 78));
	KT_ASSERT_EQ(1, vmt_map_stat(b).leaf_copies);
	KT_ASSERT_EQ(1, vmt_map_stat(b).leaf_mirrors);
	KT_ASSERT_EQ(3, vmt_map_stat(b).leaf_private);
	KT_ASSERT_EQ(3, vmt_map_stat(b).pv_entries);
	KT_ASSERT_EQ(3, vmt_map_stat(b).pt_pages);
	KT_ASSERT_EQ(0, vmt_check(c, vc + PAGE_SIZE, PAGE_SIZE, 78));
	KT_ASSERT_EQ(0, vmt_check(b, vb + MIB(2), PAGE_SIZE, 1 + 512));
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(a);
	vm_map_destroy(b);
	vm_map_destroy(c);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, private_leaves_follow_mprotect_munmap_and_page_remove)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	struct vmstat g0;
	struct vm_page *head;
	vaddr_t va, vb;
	uint64_t v;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	pmap_mmu_optimize = 0;
	a = vm_map_create();
	b = vm_map_create();
	id = large_segment(MIB(8));
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	g0 = vmt_global_stat();
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(8), 1));
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(8), 1));
	KT_ASSERT_EQ(4, vmt_map_stat(a).leaf_private);
	KT_ASSERT_EQ(4, vmt_map_stat(b).faults);
	KT_ASSERT_EQ(g0.pv_entries + 8, vmt_global_stat().pv_entries);
	KT_ASSERT_EQ(g0.leaf_private + 8, vmt_global_stat().leaf_private);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	/* mprotect of all of a leaf lowers it in place: no fault, no write. */
	KT_ASSERT_EQ(0, vm_mprotect(a, va, MIB(8), PROT_READ));
	KT_ASSERT_EQ(4, vmt_map_stat(a).leaf_private);
	KT_ASSERT_EQ(-EFAULT, vmt_write(a, va + MIB(3), 5));
	KT_ASSERT_EQ(0, vmt_check(a, va, MIB(8), 1));
	KT_ASSERT_EQ(4, vmt_map_stat(a).faults);
	/* munmap of one page clears that leaf; its pieces come back as 4 KiB PTEs. */
	KT_ASSERT_EQ(0, vm_munmap(b, vb + MIB(1), PAGE_SIZE));
	KT_ASSERT_EQ(3, vmt_map_stat(b).leaf_private);
	KT_ASSERT_EQ(-EFAULT, vmt_read(b, vb + MIB(1), &v));
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(1), 1));
	KT_ASSERT_EQ(0, vmt_check(b, vb + MIB(1) + PAGE_SIZE, MIB(1) - PAGE_SIZE, 1 + 257));
	KT_ASSERT_EQ(2, vmt_map_stat(b).faults_split);
	KT_ASSERT_EQ(3 + 511, vmt_map_stat(b).pv_entries);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	/* Taking a large page away reaches every private leaf through its PV entries. */
	head = large_at(a, va + MIB(6));
	KT_ASSERT(head != NULL);
	pmap_page_remove(head);
	KT_ASSERT_EQ(3, vmt_map_stat(a).leaf_private);
	KT_ASSERT_EQ(2, vmt_map_stat(b).leaf_private);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	KT_ASSERT_EQ(0, vmt_check(a, va + MIB(6), MIB(2), 1 + 1536));   /* one fault brings it back */
	KT_ASSERT_EQ(5, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(4, vmt_map_stat(a).leaf_private);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(g0.leaf_private, vmt_global_stat().leaf_private);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, anonymous_large_pages_fill_on_demand_with_one_pv_each)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	struct vmstat g0;
	vaddr_t va, vb;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	g0 = vmt_global_stat();
	vm_largepages = 2;
	shm_use_phys = 0;
	id = shm_get(IPC_PRIVATE, MIB(9), 0, 1);                /* 4 large pages + a 1 MiB tail */
	shm_use_phys = 1;
	KT_ASSERT_EQ(g0.large_pages, vmt_global_stat().large_pages);         /* nothing until touched */
	a = vm_map_create();
	b = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, vmt_fill(a, va, MIB(9), 1));
	KT_ASSERT_EQ(4 + 256, vmt_map_stat(a).faults);
	KT_ASSERT_EQ(4, vmt_map_stat(a).faults_large);
	KT_ASSERT_EQ(4 + 256, vmt_map_stat(a).faults_zero);
	KT_ASSERT_EQ(256, vmt_map_stat(a).faults_private);                /* the tail: not a whole segment */
	KT_ASSERT_EQ(g0.large_pages + 4, vmt_global_stat().large_pages);
	KT_ASSERT_EQ(4 + 256, vmt_global_stat().pv_entries);                 /* one per leaf, one per PTE */
	KT_ASSERT_EQ(4, vmt_map_stat(b).leaf_copies);
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(9), 1));
	KT_ASSERT_EQ(256, vmt_map_stat(b).faults);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT_EQ(g0.large_pages, vmt_global_stat().large_pages);
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, removing_a_large_page_clears_its_leaf_for_every_map)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	struct vmstat before;
	struct vm_page *head;
	vaddr_t va, vb;
	paddr_t pa;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	vm_largepages = 2;
	shm_use_phys = 0;
	id = shm_get(IPC_PRIVATE, GIB(1), 0, 1);
	shm_use_phys = 1;
	a = vm_map_create();
	b = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_write(a, va, 8));
	KT_ASSERT_EQ(1, vmt_map_stat(a).links_pdpte);
	pmap_share_pd = 0;
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));              /* a mirror, one copy */
	KT_ASSERT_EQ(1, vmt_map_stat(b).leaf_copies);
	head = large_at(b, vb);
	KT_ASSERT(head != NULL);
	KT_ASSERT_EQ(1, vmt_global_stat().pv_entries);
	vm_map_activate(b);
	before = vmt_map_stat(b);
	pmap_page_remove(head);                                 /* e.g. paged out */
	KT_ASSERT_EQ(0, vmt_global_stat().pv_entries);
	KT_ASSERT_EQ(0, vmt_global_stat().obj_leaves);
	KT_ASSERT_EQ(0, vmt_map_stat(b).leaf_copies);
	KT_ASSERT_EQ(1, vmt_map_stat(b).leaf_mirrors);
	/*
	 * One full flush for the copy, whose PD page went too; none more as the
	 * object changed: b links no table of the object, it only mirrors it.
	 */
	KT_ASSERT_EQ(before.tlb_flushes + 1, vmt_map_stat(b).tlb_flushes);
	KT_ASSERT_EQ(before.tlb_invlpg, vmt_map_stat(b).tlb_invlpg);
	KT_ASSERT(!pmap_extract(a->pmap, va, &pa));
	KT_ASSERT(!pmap_extract(b->pmap, vb, &pa));
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	KT_ASSERT_EQ(0, vmt_check(b, vb, PAGE_SIZE, 8));        /* refilled by a fault */
	KT_ASSERT_EQ(1, vmt_map_stat(b).faults_large);
	KT_ASSERT_EQ(0, vmt_map_stat(b).faults_zero);
	KT_ASSERT(pmap_extract(a->pmap, va, &pa));              /* a sees it again */
	vm_map_activate(NULL);
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, transparent_pages_keep_a_4k_tail_and_need_the_switch)
{
	struct vmt_snap s;
	struct vm_map *m;
	struct vmstat g0;
	vaddr_t va, vn;
	int id, plain;

	vmt_defaults();
	vmt_begin(&s);
	g0 = vmt_global_stat();
	vm_largepages = 2;
	id = shm_get(IPC_PRIVATE, MIB(3), 0, 1);                /* one 2 MiB page + 256 pages */
	KT_ASSERT_EQ(g0.large_pages + 1, vmt_global_stat().large_pages);
	vm_largepages = 1;
	plain = shm_get(IPC_PRIVATE, MIB(4), 0, 1);             /* not asked for: 4 KiB pages */
	KT_ASSERT_EQ(g0.large_pages + 1, vmt_global_stat().large_pages);
	m = vm_map_create();
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(3), 4));
	KT_ASSERT_EQ(1 + 256, vmt_map_stat(m).faults);
	KT_ASSERT_EQ(1, vmt_map_stat(m).faults_large);
	KT_ASSERT_EQ(256, vmt_map_stat(m).faults_private);
	KT_ASSERT_EQ(0, shm_at(m, plain, 0, 0, 1, &vn));
	KT_ASSERT_EQ(0, vmt_fill(m, vn, MIB(4), 4));
	KT_ASSERT_EQ(1, vmt_global_stat().obj_leaves);
	KT_ASSERT_EQ(2, vmt_global_stat().obj_pt_pages);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT_EQ(0, shm_ctl(plain, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, explicit_flags_reject_what_cannot_be_2mib_pages)
{
	struct vmt_snap s;
	struct vm_map *m;
	struct vm_object *obj;
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	m = vm_map_create();
	vm_largepages = 0;
	KT_ASSERT_EQ(-EINVAL, shm_get(IPC_PRIVATE, MIB(2), SHM_HUGETLB, 1));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, MIB(2), RW, HUGE_ANON, NULL, 0, &va));
	vm_largepages = 1;
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, MIB(2), RW, HUGE_ANON | (22 << MAP_HUGE_SHIFT),
	                              NULL, 0, &va));                  /* 4 MiB pages */
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, MIB(2), RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
	                              NULL, 0, &va));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, X_VA + PAGE_SIZE, MIB(2), RW, HUGE_ANON | MAP_FIXED,
	                              NULL, 0, &va));
	id = large_segment(MIB(2));
	obj = shm_object(id);
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, MIB(2), RW, MAP_SHARED | MAP_HUGETLB, obj, 0, &va));
	vm_object_release(obj);
	KT_ASSERT_EQ(-EINVAL, shm_at(m, id, X_VA + PAGE_SIZE, 0, 1, &va));
	KT_ASSERT_EQ(0, shm_at(m, id, X_VA, 0, 1, &va));
	KT_ASSERT_EQ(0, vm_mmap(m, 0, MIB(4), RW, HUGE_ANON, NULL, 0, &va));
	KT_ASSERT_EQ(0, va % SEG_SIZE);
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(4), 1));
	KT_ASSERT_EQ(2, vmt_map_stat(m).faults_large);
	KT_ASSERT_EQ(0, vmt_map_stat(m).pv_entries);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

/*
 * As on Linux, a size that is not a multiple of 2 MiB is rounded up to
 * whole 2 MiB pages: the mapping or attachment covers them all, while
 * IPC_STAT reports the segment size asked for.
 */
KTEST(vm_large, explicit_sizes_round_up_to_2mib_pages)
{
	struct vmt_snap s;
	struct vm_map *m;
	struct shmid_ds ds;
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	m = vm_map_create();
	id = shm_get(IPC_PRIVATE, MIB(3), SHM_HUGETLB, 1);
	KT_ASSERT(id >= 0);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_STAT, &ds));
	KT_ASSERT_EQ(MIB(3), ds.shm_segsz);
	KT_ASSERT_EQ(0, shm_at(m, id, X_VA, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(4), 1));
	KT_ASSERT_EQ(-EINVAL, shm_at(m, id, X_VA + MIB(4) - PAGE_SIZE, 0, 1, &va));   /* busy */
	KT_ASSERT_EQ(0, shm_dt(m, X_VA, 1));
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	id = shm_get(IPC_PRIVATE, 1, SHM_HUGETLB, 1);
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(2), 2));
	KT_ASSERT_EQ(0, shm_dt(m, va, 1));
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT_EQ(0, vm_mmap(m, 0, MIB(3), RW, HUGE_ANON | (21 << MAP_HUGE_SHIFT), NULL, 0, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(4), 3));
	KT_ASSERT_EQ(2 + 1 + 2, vmt_map_stat(m).faults_large);
	KT_ASSERT_EQ(0, vm_munmap(m, va, MIB(4)));
	KT_ASSERT_EQ(-EINVAL, vm_mmap(m, 0, (size_t)-PAGE_SIZE, RW, HUGE_ANON, NULL, 0, &va));
	vm_map_destroy(m);
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, without_a_free_2mib_block_explicit_fails_transparent_falls_back)
{
	struct vmt_snap s;
	struct vmt_frag f;
	struct vm_map *m;
	struct vmstat g0;
	vaddr_t va, vs;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	vmt_fragment(&f, 16);
	g0 = vmt_global_stat();
	KT_ASSERT_EQ(0, g0.large_free);                          /* fragmented: no 2 MiB block... */
	KT_ASSERT(g0.free_pages >= 16 * 511);                   /* ...but 32 MiB free */
	m = vm_map_create();
	KT_ASSERT_EQ(-ENOMEM, large_segment(MIB(2)));
	KT_ASSERT_EQ(-ENOMEM, vm_mmap(m, 0, MIB(2), RW, HUGE_ANON, NULL, 0, &va));
	vm_largepages = 2;
	id = shm_get(IPC_PRIVATE, MIB(4), 0, 1);                /* physical: falls back at creation */
	KT_ASSERT(id >= 0);
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &vs));
	KT_ASSERT_EQ(0, vmt_fill(m, vs, MIB(4), 1));
	KT_ASSERT_EQ(1024, vmt_map_stat(m).faults_object);                /* 4 KiB object PTEs */
	KT_ASSERT_EQ(0, vmt_map_stat(m).faults_large);
	KT_ASSERT_EQ(2, vmt_global_stat().obj_pt_pages);
	KT_ASSERT_EQ(0, vm_mmap(m, 0, MIB(2), RW, MAP_SHARED | MAP_ANONYMOUS, NULL, 0, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, MIB(2), 1));            /* anonymous: falls back at the fault */
	KT_ASSERT_EQ(0, vmt_map_stat(m).faults_large);
	KT_ASSERT_EQ(0, vmt_global_stat().obj_leaves);
	KT_ASSERT_EQ(g0.large_pages, vmt_global_stat().large_pages);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_unfragment(&f);
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, dumps_show_leaves_copies_and_mirrors)
{
	struct vmt_snap s;
	struct vm_map *m;
	char buf[4096];
	vaddr_t va;
	int id;

	vmt_defaults();
	vmt_begin(&s);
	m = vm_map_create();
	id = large_segment(MIB(4));
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_write(m, va, 1));
	KT_ASSERT(pmap_dump(m->pmap, buf, sizeof(buf)) > 0);
	KT_ASSERT(strstr(buf, " PS  2 MiB page of object") != NULL);
	KT_ASSERT(strstr(buf, "mirror va=") != NULL);
	KT_ASSERT(strstr(buf, "copies=1") != NULL);
	KT_ASSERT(shm_dump(id, buf, sizeof(buf)) > 0);
	KT_ASSERT(strstr(buf, "1 PD pages, 0 PT pages, 1 2 MiB leaves") != NULL);
	KT_ASSERT(strstr(buf, "LEAF[seg 0] offset=") != NULL);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_large, out_of_memory_at_every_allocation_leaks_nothing)
{
	struct vmt_snap s;
	int err = -ENOMEM;

	vmt_defaults();
	vmt_begin(&s);
	for (long n = 0; err == -ENOMEM; n++) {
		struct vm_map *a = vm_map_create(), *b = vm_map_create();
		vaddr_t va, vb;
		int id;

		KT_ASSERT(a && b && n < 64);
		page_fail_after(n);
		id = large_segment(MIB(4));
		err = id < 0 ? id : shm_at(a, id, 0, 0, 1, &va);
		if (err == 0)
			err = vmt_write(a, va + MIB(2), 1);
		if (err == 0)
			err = shm_at(b, id, 0, 0, 1, &vb);
		if (err == 0)
			err = vmt_check(b, vb + MIB(2), PAGE_SIZE, 1);
		page_fail_after(-1);
		KT_ASSERT(err == 0 || err == -ENOMEM);
		KT_ASSERT_EQ(0, vm_verify(NULL, 0));
		vm_map_destroy(a);
		vm_map_destroy(b);
		if (id >= 0)
			KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
		KT_ASSERT(vmt_clean(&s));
	}
	vmt_defaults();
}

KTEST(vm_large, reserve_keeps_blocks_for_large_pages_only)
{
	struct vmt_snap s;
	struct vm_page *pg, *large[3];
	size_t used = page_large_used_count(), left;
	paddr_t chain = 0;

	vmt_defaults();
	vmt_begin(&s);
	/* The reserve counts the large pages in use: two more can be had. */
	vm_largepage_reserve_set(used + 2);
	KT_ASSERT_EQ(used + 2, vm_largepage_reserve);
	KT_ASSERT_EQ(used + 2, vmt_global_stat().large_reserve);
	while ((pg = page_alloc()) != NULL)                     /* small pages until refused */
		vmt_chain_push(&chain, pg);
	left = page_free_count();
	KT_ASSERT(page_alloc_run(1) == NULL);
	for (int i = 0; i < 3; i++)
		large[i] = page_alloc_large();
	while ((pg = vmt_chain_pop(&chain)) != NULL)
		page_free(pg);
	for (int i = 0; i < 3; i++)
		if (large[i])
			page_free_large(large[i]);
	vm_largepage_reserve_set(0);
	KT_ASSERT_EQ(2 * LARGE_PAGES, left);                    /* exactly the reserve stayed */
	KT_ASSERT(large[0] != NULL && large[1] != NULL);
	KT_ASSERT(large[2] == NULL);
	KT_ASSERT_EQ(0, vm_largepage_reserve);
	KT_ASSERT(vmt_clean(&s));
}
