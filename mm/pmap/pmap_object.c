/*
 * Object page-table trees (see pmap.h): a VM object's own PD and PT pages,
 * indexed by object offset, filled by whichever process faults first.
 *
 * po->pd[g] is the PD page for object offsets [g GiB, (g + 1) GiB); its
 * entries point at PT pages, whose PTEs map the object's pages with the
 * object's maximum rights (present, user, writable, executable), or are
 * 2 MiB leaves (PS=1, same rights) mapping the object's large pages. Tables
 * are created on first use and freed only by pmap_object_destroy(). A PTE
 * or leaf of a managed page has one PV entry (pmap NULL, po, offset) on the
 * page (a large page: on its first vm_page); wired pages of physical
 * objects have none. All under (g) pmap_lock.
 *
 * The layer above the reverse map and below the process side
 * (mm/pmap/README.md): a change that processes must see (a new leaf to
 * push to the mirrors, a leaf or PTE cleared, lowered or given its rights
 * back) is returned to the verb, which makes the mirrors and TLBs follow.
 */
#include "kernel/printk.h"
#include "mm/pmap/pmap_impl.h"
#include "uapi/errno.h"

struct pmap_object *pmap_object_list;

/*
 * A zeroed object table page holding level-`level` entries (PT_LEVEL: a PT
 * page, PD_LEVEL: a PD page) for the offsets around off. NULL when out of
 * memory.
 */
static struct vm_page *obj_table_alloc(struct pmap_object *po, uint64_t off, int level)
{
	struct vm_page *pg = page_alloc();

	if (!pg)
		return NULL;
	pg->flags |= PG_OBJTABLE;
	pg->object = po->owner;
	pg->offset = ALIGN_DOWN(off, level_size(level + 1));
	if (level == PT_LEVEL)
		pmap_gstat.obj_pt_pages++;
	else
		pmap_gstat.obj_pd_pages++;
	return pg;
}

/* Frees an object table page that no process links any more. */
static void obj_table_free(struct vm_page *pg, int level)
{
	if (pg->link_count != 0)
		panic("obj_table_free: table at offset %p still has %u links",
		      (void *)pg->offset, pg->link_count);
	if (level == PT_LEVEL)
		pmap_gstat.obj_pt_pages--;
	else
		pmap_gstat.obj_pd_pages--;
	pg->flags &= ~PG_OBJTABLE;
	pg->object = NULL;
	page_free(pg);
}

/* Where a walk of an object tree allocates its PT pages. */
struct obj_alloc {
	struct pmap_object *po;
	uint64_t off;
};

static struct vm_page *obj_alloc_pt(void *arg)
{
	struct obj_alloc *a = arg;

	return obj_table_alloc(a->po, a->off, PT_LEVEL);
}

/*
 * The object table page holding level-`level` entries for off (PD_LEVEL:
 * the PD page of its GiB; PT_LEVEL: the PT page of its segment), or NULL.
 * An offset past the object's size is not an error: a file's object is
 * mapped past its end, and a shrunk file keeps its tables (they are empty
 * there), so a link made before the shrink stays valid.
 */
struct vm_page *obj_table_locked(struct pmap_object *po, uint64_t off, int level)
{
	struct vm_page *pd;
	struct pt_path p;

	ASSERT_HELD(&pmap_lock);
	if ((off >> GIB_SHIFT) >= po->npd)
		return NULL;
	pd = po->pd[off >> GIB_SHIFT];
	if (!pd || level == PD_LEVEL)
		return pd;
	if (pt_walk(pd, PD_LEVEL, off, PT_LEVEL, &p, NULL, NULL) != PT_LEVEL)
		return NULL;
	return p.table[PT_LEVEL];
}

/* The PD page of the GiB holding off, created when missing; NULL when out of memory. */
struct vm_page *obj_pd_get_locked(struct pmap_object *po, uint64_t off)
{
	struct vm_page **pd = &po->pd[off >> GIB_SHIFT];

	ASSERT_HELD(&pmap_lock);
	if (!*pd)
		*pd = obj_table_alloc(po, off, PD_LEVEL);
	return *pd;
}

/* The object PTE for off, or NULL when its PT page does not exist. */
static pte_t *obj_pte_locked(struct pmap_object *po, uint64_t off)
{
	struct vm_page *pt = obj_table_locked(po, off, PT_LEVEL);

	ASSERT_HELD(&pmap_lock);
	return pt ? (pte_t *)page_to_virt(pt) + level_index(off, PT_LEVEL) : NULL;
}

/* The object's PD entry for off (< po->size) when it is a 2 MiB leaf, else NULL. */
pte_t *obj_leaf_locked(struct pmap_object *po, uint64_t off)
{
	struct vm_page *pd = obj_table_locked(po, off, PD_LEVEL);
	pte_t *e;

	if (!pd)
		return NULL;
	e = (pte_t *)page_to_virt(pd) + level_index(off, PD_LEVEL);
	return pte_leaf(*e, PD_LEVEL) ? e : NULL;
}

/* The entry mapping offset off: its 2 MiB leaf, else its PTE (or NULL). */
pte_t *obj_entry_locked(struct pmap_object *po, uint64_t off)
{
	pte_t *leaf = obj_leaf_locked(po, off);

	return leaf ? leaf : obj_pte_locked(po, off);
}

/*
 * Gives the object entry *e (a PTE or a 2 MiB leaf) back the object's
 * maximum rights `flags` that pmap_page_protect() lowered, keeping its
 * accessed and dirty bits. Returns OBJ_RESTORED when it changed (the
 * caller then brings a leaf's copies in line and flushes: raising rights
 * flushes too, like every pmap verb, so no CPU takes a second fault on a
 * stale lowered entry), OBJ_KEPT when *e had them. (g) held.
 */
static enum obj_fill obj_entry_restore_locked(pte_t *e, uint64_t flags)
{
	pte_t want = pte_make(pte_pa(*e), flags) | (*e & (PTE_A | PTE_D));

	if (*e == want)
		return OBJ_KEPT;
	*e = want;
	return OBJ_RESTORED;
}

/* See pmap_impl.h. */
int obj_fill_locked(struct pmap_object *po, uint64_t off, struct vm_page *pg,
                    struct pv_entry **pv)
{
	struct obj_alloc a = { po, off };
	struct vm_page *pd = obj_pd_get_locked(po, off);
	struct pt_path p;
	pte_t *pte;
	int r;

	ASSERT_HELD(&pmap_lock);
	if (!pd)
		return -ENOMEM;
	r = pt_walk(pd, PD_LEVEL, off, PT_LEVEL, &p, obj_alloc_pt, &a);
	if (r < 0)
		return -ENOMEM;
	if (r != PT_LEVEL)
		panic("obj_fill_locked: offset %p lies in a 2 MiB leaf", (void *)off);
	pte = p.pte[PT_LEVEL];
	if (pte_present(*pte)) {
		if (pte_pa(*pte) != page_to_phys(pg))
			panic("obj_fill_locked: offset %p already maps another page", (void *)off);
		return obj_entry_restore_locked(pte, OBJ_PTE_FLAGS);
	}
	if (*pv) {
		pv_insert(pg, *pv, NULL, po, off);
		*pv = NULL;
	}
	__atomic_store_n(pte, pte_make(page_to_phys(pg), OBJ_PTE_FLAGS), __ATOMIC_RELEASE);
	p.table[PT_LEVEL]->used++;
	pmap_gstat.resident++;
	return OBJ_FILLED;
}

/* See pmap_impl.h. */
int leaf_fill_locked(struct pmap_object *po, uint64_t off, struct vm_page *head,
                     struct pv_entry **pv)
{
	struct vm_page *pd = obj_pd_get_locked(po, off);
	pte_t *e;

	ASSERT_HELD(&pmap_lock);
	if (!pd)
		return -ENOMEM;
	e = (pte_t *)page_to_virt(pd) + level_index(off, PD_LEVEL);
	if (pte_present(*e)) {
		if (!pte_leaf(*e, PD_LEVEL) || pte_pa(*e) != page_to_phys(head))
			panic("leaf_fill_locked: offset %p already maps something else", (void *)off);
		return obj_entry_restore_locked(e, OBJ_LEAF_FLAGS);
	}
	if (*pv) {
		pv_insert(head, *pv, NULL, po, off);
		*pv = NULL;
	}
	__atomic_store_n(e, pte_make(page_to_phys(head), OBJ_LEAF_FLAGS), __ATOMIC_RELEASE);
	pd->used++;
	pmap_gstat.obj_leaves++;
	return OBJ_FILLED;
}

/* See pmap_impl.h. */
void obj_entry_clear_locked(struct pmap_object *po, uint64_t off, pte_t *e)
{
	struct vm_page *pg = pte_page(*e);

	ASSERT_HELD(&pmap_lock);
	if (pte_leaf(*e, PD_LEVEL)) {
		obj_table_locked(po, off, PD_LEVEL)->used--;
		pmap_gstat.obj_leaves--;
	} else {
		obj_table_locked(po, off, PT_LEVEL)->used--;
		pmap_gstat.resident--;
	}
	*e = 0;
	pv_remove(pg, NULL, po, off);
}

/* Clears the 2 MiB leaf *e of PD page pd (offset off) and its PV entry. */
static void obj_leaf_destroy(struct pmap_object *po, struct vm_page *pd, pte_t *e, uint64_t off)
{
	struct vm_page *head = pte_page(*e);

	if (pv_find(head, NULL, po, off))
		pv_remove(head, NULL, po, off);
	*e = 0;
	pd->used--;
	pmap_gstat.obj_leaves--;
}

/* Clears every PTE of an object PT page and frees it. */
static void obj_pt_destroy(struct pmap_object *po, struct vm_page *pt)
{
	pte_t *t = page_to_virt(pt);

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t off = pt->offset + i * PAGE_SIZE;
		struct vm_page *pg;

		if (!pte_present(t[i]))
			continue;
		pg = pte_page(t[i]);
		if (pv_find(pg, NULL, po, off))
			pv_remove(pg, NULL, po, off);
		t[i] = 0;
		pt->used--;
		pmap_gstat.resident--;
	}
	obj_table_free(pt, PT_LEVEL);
}

/* See pmap_impl.h. */
void obj_tables_free_locked(struct pmap_object *po)
{
	ASSERT_HELD(&pmap_lock);
	for (unsigned g = 0; g < po->npd; g++) {
		pte_t *pd;

		if (!po->pd[g])
			continue;
		if (po->pd[g]->link_count != 0)
			panic("pmap_object_destroy: PD of GiB %u still linked", g);
		pd = page_to_virt(po->pd[g]);
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			uint64_t off = ((uint64_t)g << GIB_SHIFT) + i * SEG_SIZE;

			if (pte_leaf(pd[i], PD_LEVEL)) {
				obj_leaf_destroy(po, po->pd[g], &pd[i], off);
				continue;
			}
			if (!pte_present(pd[i]))
				continue;
			obj_pt_destroy(po, pte_page(pd[i]));
			pd[i] = 0;
			po->pd[g]->used--;
		}
		obj_table_free(po->pd[g], PD_LEVEL);
	}
}
