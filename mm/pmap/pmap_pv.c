/*
 * PV entries: the reverse map from a physical page to every place that maps
 * it, kept on vm_page.pv_list: a (pmap, va) for a private PTE, or an
 * (object tree, offset) for an object PTE or 2 MiB leaf, which serves every
 * process that links the table or mirrors the leaf (the leaf's entry sits
 * on the large page's first vm_page; private PTEs of its 4 KiB pieces on
 * each piece's own). They let pmap_page_remove() and pmap_page_protect()
 * reach all mappings of a page without searching every address space.
 * All under (g) pmap_lock except allocation.
 */
#include "kernel/printk.h"
#include "mm/kmalloc.h"
#include "mm/pmap/pmap_impl.h"
#include "uapi/mman.h"

/* A new unlinked entry, or NULL when the heap is exhausted. Any lock. */
struct pv_entry *pv_alloc(void)
{
	return kzalloc(sizeof(struct pv_entry));
}

void pv_free(struct pv_entry *pv)
{
	kfree(pv);
}

/* Records that pm (or object tree po) maps pg at va, using pv. (g) held. */
void pv_insert(struct vm_page *pg, struct pv_entry *pv, struct pmap *pm,
               struct pmap_object *po, vaddr_t va)
{
	pv->pmap = pm;
	pv->po = po;
	pv->va = va;
	pv->next = pg->pv_list;
	pg->pv_list = pv;
	pg->pv_count++;
	if (pm)
		pm->stat.pv_entries++;
	pmap_gstat.pv_entries++;
}

/* Forgets one mapping of pg; panics if it was not recorded. (g) held. */
void pv_remove(struct vm_page *pg, struct pmap *pm, struct pmap_object *po, vaddr_t va)
{
	for (struct pv_entry **pp = &pg->pv_list; *pp; pp = &(*pp)->next) {
		struct pv_entry *pv = *pp;

		if (pv->pmap == pm && pv->po == po && pv->va == va) {
			*pp = pv->next;
			pg->pv_count--;
			if (pm)
				pm->stat.pv_entries--;
			pmap_gstat.pv_entries--;
			pv_free(pv);
			return;
		}
	}
	panic("pv_remove: page %p has no PV entry for pmap %p/object %p va %p",
	      (void *)pg, (void *)pm, (void *)po, (void *)va);
}

/* Is this mapping on pg's PV list? (g) held. */
bool pv_find(const struct vm_page *pg, const struct pmap *pm, const struct pmap_object *po,
             vaddr_t va)
{
	for (const struct pv_entry *pv = pg->pv_list; pv; pv = pv->next)
		if (pv->pmap == pm && pv->po == po && pv->va == va)
			return true;
	return false;
}

/* The PTE a PV entry stands for; panics if it does not map pg. (g) held. */
static pte_t *pv_pte(struct vm_page *pg, const struct pv_entry *pv, struct pt_path *p)
{
	pte_t *pte = NULL;

	if (pv->po)
		pte = obj_entry_locked(pv->po, pv->va);
	else if (pt_walk(pv->pmap->pml4, PML4_LEVEL, pv->va, PT_LEVEL, p, NULL, NULL) == PT_LEVEL &&
	         !p->link)
		pte = p->pte[PT_LEVEL];
	if (!pte || !pte_present(*pte) || pte_pa(*pte) != page_to_phys(pg))
		panic("pv_pte: stale PV entry pmap %p object %p va %p", (void *)pv->pmap,
		      (void *)pv->po, (void *)pv->va);
	return pte;
}

/*
 * Clears an object PTE or 2 MiB leaf (the object table stays, it is freed
 * with the object) and invalidates it wherever it may be cached: in the
 * address spaces that link the table, and in the copies of a leaf.
 */
static void obj_pte_clear_locked(struct vm_page *pg, struct pv_entry *pv, pte_t *pte)
{
	struct pmap_object *po = pv->po;
	uint64_t off = pv->va;

	if (pte_leaf(*pte, PD_LEVEL)) {
		obj_table_locked(po, off, PD_LEVEL)->used--;
		pmap_gstat.obj_leaves--;
	} else {
		obj_table_locked(po, off, PT_LEVEL)->used--;
		pmap_gstat.resident--;
	}
	*pte = 0;
	pv_remove(pg, NULL, po, off);
	mirrors_update_locked(po, off);
	tlb_object_changed(pmap_list, &pmap_gstat);
}

/* Lowers an object PTE or 2 MiB leaf and invalidates it like obj_pte_clear_locked(). */
static void obj_pte_lower_locked(struct pv_entry *pv, pte_t *pte, int prot)
{
	if (!pte_lower(pte, prot))
		return;
	mirrors_update_locked(pv->po, pv->va);
	tlb_object_changed(pmap_list, &pmap_gstat);
}

/* Removes every mapping recorded on pg's own PV list. (g) held. */
static void page_remove_locked(struct vm_page *pg)
{
	while (pg->pv_list) {
		struct pv_entry *pv = pg->pv_list;
		struct pt_path p;
		pte_t *pte = pv_pte(pg, pv, &p);
		struct tlb_batch b;

		if (pv->po) {
			obj_pte_clear_locked(pg, pv, pte);
			continue;
		}
		tlb_batch_init(&b, pv->pmap, &pmap_gstat);
		pte_clear_locked(pv->pmap, pv->va, &p, &b);
		tlb_batch_finish(&b);
	}
}

/* Removes every mapping of pg, or of all of a large page (see pmap.h). */
void pmap_page_remove(struct vm_page *pg)
{
	spin_lock(&pmap_lock);
	for (size_t i = 0; i < page_frames(pg); i++)
		page_remove_locked(&pg[i]);
	spin_unlock(&pmap_lock);
}

/* Lowers every mapping on pg's own PV list to at most prot. (g) held. */
static void page_protect_locked(struct vm_page *pg, int prot)
{
	for (struct pv_entry *pv = pg->pv_list; pv; pv = pv->next) {
		struct pt_path p;
		pte_t *pte = pv_pte(pg, pv, &p);
		struct tlb_batch b;

		if (pv->po) {
			obj_pte_lower_locked(pv, pte, prot);
			continue;
		}
		tlb_batch_init(&b, pv->pmap, &pmap_gstat);
		if (pte_lower(pte, prot))
			tlb_batch_page(&b, pv->va);
		tlb_batch_finish(&b);
	}
}

/* Lowers every mapping of pg (a large page: all of it) to at most prot. */
void pmap_page_protect(struct vm_page *pg, int prot)
{
	if (prot == PROT_NONE) {
		pmap_page_remove(pg);
		return;
	}
	spin_lock(&pmap_lock);
	for (size_t i = 0; i < page_frames(pg); i++)
		page_protect_locked(&pg[i], prot);
	spin_unlock(&pmap_lock);
}
