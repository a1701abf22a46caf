/*
 * Read-only questions to the pmap: extract, the software MMU, links and
 * counters. All take (g) pmap_lock for the walk.
 */
#include "mm/pmap/pmap_impl.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

/* The present leaf PTE for va in pm (through links), or 0. (g) held. */
static pte_t leaf_locked(struct pmap *pm, vaddr_t va, struct pt_path *p)
{
	if (va >= USER_TOP)
		return 0;
	if (pt_walk(pm->pml4, PML4_LEVEL, va, PT_LEVEL, p, NULL, NULL) != PT_LEVEL)
		return 0;
	return *p->pte[PT_LEVEL];
}

bool pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa)
{
	struct pt_path p;
	pte_t pte;

	spin_lock(&pmap_lock);
	pte = leaf_locked(pm, va, &p);
	spin_unlock(&pmap_lock);
	if (!pte_present(pte))
		return false;
	*pa = pte_pa(pte) + (va & (PAGE_SIZE - 1));
	return true;
}

/* The software MMU (see pmap.h): R/W and U/S ANDed, NX ORed down the walk. */
int pmap_translate(struct pmap *pm, vaddr_t va, int access, paddr_t *pa)
{
	struct pt_path p;
	uint64_t all = PTE_P | PTE_U | PTE_W, any_nx = 0;
	pte_t pte;

	spin_lock(&pmap_lock);
	pte = leaf_locked(pm, va, &p);
	for (int l = PML4_LEVEL; pte_present(pte) && l >= PT_LEVEL; l--) {
		all &= *p.pte[l];
		any_nx |= *p.pte[l] & PTE_NX;
	}
	spin_unlock(&pmap_lock);
	if (!pte_present(pte) || !(all & PTE_U))
		return -EFAULT;
	if ((access & PROT_WRITE) && !(all & PTE_W))
		return -EFAULT;
	if ((access & PROT_EXEC) && any_nx)
		return -EFAULT;
	*pa = pte_pa(pte) + (va & (PAGE_SIZE - 1));
	return 0;
}

/* See pmap.h. */
int pmap_link_info(struct pmap *pm, vaddr_t va, struct pmap_link *link)
{
	struct pt_path p;
	struct vm_page *t;
	int err = -ENOENT;

	spin_lock(&pmap_lock);
	if (va < USER_TOP) {
		pt_walk(pm->pml4, PML4_LEVEL, va, PT_LEVEL, &p, NULL, NULL);
		if (p.link) {
			t = pte_page(*p.pte[p.link]);
			link->prot = pte_prot(*p.pte[p.link]);
			link->size = level_size(p.link);
			link->va = ALIGN_DOWN(va, link->size);
			link->owner = t->object;
			link->off = t->offset;
			err = 0;
		}
	}
	spin_unlock(&pmap_lock);
	return err;
}

/*
 * pt_visit_fn for pmap_stat(): adds the leaves reachable through each link
 * to *arg; does not descend into private PT pages (counted by the pmap).
 */
static bool count_linked(int level, vaddr_t va, pte_t pte, struct vm_page *table, void *arg)
{
	uint64_t *n = arg;
	struct vm_page *t = pte_page(pte);
	pte_t *pd;

	(void)va;
	(void)table;
	if (!pte_is_link(pte, level))
		return level > PD_LEVEL;
	if (level == PD_LEVEL) {
		*n += t->used;
		return false;
	}
	pd = page_to_virt(t);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (pte_present(pd[i]))
			*n += pte_page(pd[i])->used;
	return false;
}

/* Copies the pmap counters of pm (NULL: global) into *st (see pmap.h). */
void pmap_stat(const struct pmap *pm, struct vmstat *st)
{
	const struct vmstat *src;
	uint64_t linked = 0;

	spin_lock(&pmap_lock);
	src = pm ? &pm->stat : &pmap_gstat;
	if (pm)
		pt_visit(pm->pml4, PML4_LEVEL, 0, count_linked, &linked);
	st->pt_pages = src->pt_pages;
	st->obj_pt_pages = src->obj_pt_pages;
	st->obj_pd_pages = src->obj_pd_pages;
	st->links_pde = src->links_pde;
	st->links_pdpte = src->links_pdpte;
	st->pv_entries = src->pv_entries;
	st->tlb_flushes = src->tlb_flushes;
	st->tlb_invlpg = src->tlb_invlpg;
	st->resident = src->resident + linked;
	spin_unlock(&pmap_lock);
}
