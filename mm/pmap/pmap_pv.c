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
