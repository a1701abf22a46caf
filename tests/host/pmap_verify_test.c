/*
 * The checker checked (white box): each case breaks one invariant of the
 * 2 MiB leaves on purpose, through the pmap's own internals, expects
 * vm_verify() to report exactly that, then repairs it and expects a clean
 * bill again. Without these, a checker that silently accepts everything
 * would pass every other suite.
 */
#include <string.h>
#include "ipc/shm/shm.h"
#include "kernel/ktest.h"
#include "mm/pmap/pmap_impl.h"
#include "mm/vm_map.h"
#include "mm/vm_tunables.h"
#include "tests/host/vm_testlib.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

/*
 * A map with a 4 MiB SHM_HUGETLB segment attached read-only and filled,
 * and the snapshot taken before it.
 */
struct fixture {
	struct vmt_snap s;
	struct vm_map *m;
	int id;
	vaddr_t va;
};

static void setup(struct fixture *f)
{
	vmt_begin(&f->s);
	f->m = vm_map_create();
	f->id = shm_get(IPC_PRIVATE, MIB(4), SHM_HUGETLB, 1);
	KT_ASSERT(f->m && f->id >= 0);
	KT_ASSERT_EQ(0, shm_at(f->m, f->id, 0, SHM_RDONLY, 1, &f->va));
	KT_ASSERT_EQ(0, vmt_touch(f->m, f->va, MIB(4)));
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
}

/* Once the case has repaired what it broke: a clean bill, then nothing left. */
static void teardown(struct fixture *f)
{
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(f->m);
	KT_ASSERT_EQ(0, shm_ctl(f->id, IPC_RMID, NULL));
	KT_ASSERT(vmt_clean(&f->s));
}

/* The process PD entry that maps va in pm (a copied leaf here). */
static pte_t *pd_entry(struct pmap *pm, vaddr_t va)
{
	struct pt_path p;

	return pt_walk(pm->pml4, PML4_LEVEL, va, PD_LEVEL, &p, NULL, NULL) == PD_LEVEL ?
	       p.pte[PD_LEVEL] : NULL;
}

/* Runs vm_verify() and tells whether it failed with `what` in its report. */
static bool reports(const char *what)
{
	char report[2048];

	return vm_verify(report, sizeof(report)) == -EIO && strstr(report, what) != NULL;
}

KTEST(pmap_verify, copy_with_more_rights_than_its_mirror_is_reported)
{
	struct fixture f;
	pte_t *e;
	bool caught;

	setup(&f);
	e = pd_entry(f.m->pmap, f.va);
	KT_ASSERT(e && pte_leaf(*e, PD_LEVEL) && !(*e & PTE_W));
	*e |= PTE_W;                                   /* an RO mapper could write */
	caught = reports("is not a mirror's copy of an object leaf");
	*e &= ~PTE_W;
	KT_ASSERT(caught);
	teardown(&f);
}

KTEST(pmap_verify, copy_outside_every_mirror_is_reported)
{
	struct fixture f;
	struct leaf_mirror *m;
	bool caught;

	setup(&f);
	m = f.m->pmap->mirrors;
	KT_ASSERT(m && m->len == MIB(4));
	m->len = MIB(2);                               /* the second copy is now stray */
	caught = reports("is not a mirror's copy of an object leaf");
	m->len = MIB(4);
	KT_ASSERT(caught);
	teardown(&f);
}

KTEST(pmap_verify, leaf_and_mirror_counters_are_checked)
{
	struct fixture f;
	bool leaves, mirrors;

	setup(&f);
	pmap_gstat.obj_leaves++;
	leaves = reports("object leaves");
	pmap_gstat.obj_leaves--;
	f.m->pmap->stat.leaf_mirrors++;
	mirrors = reports("copied leaves in");
	f.m->pmap->stat.leaf_mirrors--;
	KT_ASSERT(leaves);
	KT_ASSERT(mirrors);
	teardown(&f);
}

KTEST(pmap_verify, object_leaf_of_a_foreign_page_is_reported)
{
	struct fixture f;
	pte_t *leaf, saved;
	struct vm_page *pg;
	bool caught;

	setup(&f);
	pg = page_alloc();
	KT_ASSERT(pg != NULL);
	spin_lock(&pmap_lock);
	leaf = obj_leaf_locked(f.m->pmap->mirrors->po, 0);
	spin_unlock(&pmap_lock);
	KT_ASSERT(leaf != NULL);
	saved = *leaf;
	*leaf = pte_make(page_to_phys(pg), OBJ_LEAF_FLAGS);
	caught = reports("leaf for offset");
	*leaf = saved;
	page_free(pg);
	KT_ASSERT(caught);
	teardown(&f);
}

/* Rights lowered by pmap_page_protect() are accepted, other flags are not. */
KTEST(pmap_verify, object_leaf_without_the_user_bit_is_reported)
{
	struct fixture f;
	pte_t *leaf;
	bool caught;

	setup(&f);
	spin_lock(&pmap_lock);
	leaf = obj_leaf_locked(f.m->pmap->mirrors->po, 0);
	spin_unlock(&pmap_lock);
	KT_ASSERT(leaf != NULL);
	*leaf &= ~PTE_U;
	caught = reports("has flags");
	*leaf |= PTE_U;
	KT_ASSERT(caught);
	teardown(&f);
}

KTEST(pmap_verify, mirror_with_more_rights_than_its_mapping_is_reported)
{
	struct fixture f;
	struct leaf_mirror *m;
	bool caught;

	setup(&f);
	m = f.m->pmap->mirrors;
	KT_ASSERT(m && m->prot == PROT_READ);
	m->prot = PROT_READ | PROT_WRITE;              /* beyond the RO attachment */
	caught = reports("grants rights");
	m->prot = PROT_READ;
	KT_ASSERT(caught);
	teardown(&f);
}

KTEST(pmap_verify, private_leaf_without_its_pv_entry_is_reported)
{
	struct fixture f;
	struct vm_map *m;
	struct vm_page *head;
	vaddr_t va;
	pte_t *e;
	bool caught;

	setup(&f);
	pmap_mmu_optimize = 0;
	m = vm_map_create();
	KT_ASSERT(m != NULL);
	KT_ASSERT_EQ(0, shm_at(m, f.id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_touch(m, va, MIB(2)));
	e = pd_entry(m->pmap, va);
	KT_ASSERT(e && pte_leaf(*e, PD_LEVEL) && (*e & PTE_PRIVATE_LEAF));
	head = phys_to_page(pte_pa(*e));
	pv_remove(head, m->pmap, NULL, va);           /* page_remove could not find it */
	caught = reports("has no PV entry");
	pv_insert(head, pv_alloc(), m->pmap, NULL, va);
	KT_ASSERT(caught);
	*e &= ~PTE_PRIVATE_LEAF;                       /* a copy outside every mirror */
	caught = reports("is not a mirror's copy of an object leaf");
	*e |= PTE_PRIVATE_LEAF;
	KT_ASSERT(caught);
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	vm_map_destroy(m);
	vmt_defaults();
	teardown(&f);
}
