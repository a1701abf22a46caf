/*
 * Read-only questions to the pmap: extract, the software MMU, links,
 * mirrors and counters. All take (g) pmap_lock for the walk.
 */
#include "mm/pmap/pmap_impl.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

/*
 * The present leaf for va in pm (through links): a 4 KiB PTE or a 2 MiB
 * leaf, its level in *level; 0 when va is unmapped. (g) held.
 */
static pte_t leaf_locked(struct pmap *pm, vaddr_t va, struct pt_path *p, int *level)
{
	int r;

	if (va >= USER_TOP)
		return 0;
	r = pt_walk(pm->pml4, PML4_LEVEL, va, PT_LEVEL, p, NULL, NULL);
	if (r == PD_LEVEL && pte_leaf(*p->pte[PD_LEVEL], PD_LEVEL))
		*level = PD_LEVEL;
	else if (r == PT_LEVEL)
		*level = PT_LEVEL;
	else
		return 0;
	return *p->pte[*level];
}

bool pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa)
{
	struct pt_path p;
	int level;
	pte_t pte;

	spin_lock(&pmap_lock);
	pte = leaf_locked(pm, va, &p, &level);
	spin_unlock(&pmap_lock);
	if (!pte_present(pte))
		return false;
	*pa = pte_pa(pte) + (va & (level_size(level) - 1));
	return true;
}

/* The software MMU (see pmap.h): R/W and U/S ANDed, NX ORed down the walk. */
int pmap_translate(struct pmap *pm, vaddr_t va, int access, paddr_t *pa)
{
	struct pt_path p;
	uint64_t all = PTE_P | PTE_U | PTE_W, any_nx = 0;
	int level = PT_LEVEL;
	pte_t pte;

	spin_lock(&pmap_lock);
	pte = leaf_locked(pm, va, &p, &level);
	for (int l = PML4_LEVEL; pte_present(pte) && l >= level; l--) {
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
	*pa = pte_pa(pte) + (va & (level_size(level) - 1));
	return 0;
}

/* The pmap_link for the process entry pte of `level` that links a table at va. */
static struct pmap_link link_of(pte_t pte, int level, vaddr_t va)
{
	struct vm_page *t = pte_page(pte);

	return (struct pmap_link){ pte_prot(pte), level_size(level),
	                           ALIGN_DOWN(va, level_size(level)), t->object, t->offset,
	                           false };
}

/* See pmap.h. */
int pmap_link_info(struct pmap *pm, vaddr_t va, struct pmap_link *link)
{
	struct pt_path p;
	int err = -ENOENT;

	spin_lock(&pmap_lock);
	if (va < USER_TOP) {
		pt_walk(pm->pml4, PML4_LEVEL, va, PT_LEVEL, &p, NULL, NULL);
		if (p.link) {
			*link = link_of(*p.pte[p.link], p.link, va);
			err = 0;
		}
	}
	spin_unlock(&pmap_lock);
	return err;
}

/*
 * pt_visit_fn for pmap_stat(): adds the 4 KiB pages reachable through each
 * link to *arg (512 for a 2 MiB leaf of a linked object PD); does not
 * descend into private PT pages (counted by the pmap).
 */
static bool count_linked(int level, vaddr_t va, pte_t pte, struct vm_page *table, void *arg)
{
	uint64_t *n = arg;
	struct vm_page *t;
	pte_t *pd;

	(void)va;
	(void)table;
	if (!pte_is_link(pte, level))
		return level > PD_LEVEL;
	t = pte_page(pte);
	if (level == PD_LEVEL) {
		*n += t->used;
		return false;
	}
	pd = page_to_virt(t);
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		if (pte_leaf(pd[i], PD_LEVEL))
			*n += LARGE_PAGES;
		else if (pte_present(pd[i]))
			*n += pte_page(pd[i])->used;
	}
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
	st->obj_leaves = src->obj_leaves;
	st->leaf_copies = src->leaf_copies;
	st->leaf_mirrors = src->leaf_mirrors;
	st->leaf_private = src->leaf_private;
	st->resident = src->resident + linked +
	               (pm ? (src->leaf_copies + src->leaf_private) * LARGE_PAGES : 0);
	spin_unlock(&pmap_lock);
}

/* The pmap_link describing mirror m. */
static struct pmap_link mirror_link(const struct leaf_mirror *m)
{
	return (struct pmap_link){ m->prot, m->len, m->va, m->po->owner, m->off, true };
}

/* Where pmap_links() puts what it finds. */
struct link_census {
	struct pmap_link *out;
	int max, n;
};

/*
 * pt_visit_fn for pmap_links(): records each link; descends only into
 * private PDPT and PD pages (a PT page holds no link).
 */
static bool census_link(int level, vaddr_t va, pte_t pte, struct vm_page *table, void *arg)
{
	struct link_census *c = arg;

	(void)table;
	if (!pte_is_link(pte, level))
		return level > PD_LEVEL;
	if (c->n < c->max)
		c->out[c->n] = link_of(pte, level, va);
	c->n++;
	return false;
}

/* See pmap.h. */
int pmap_links(struct pmap *pm, struct pmap_link *out, int max)
{
	struct link_census c = { out, max, 0 };

	spin_lock(&pmap_lock);
	pt_visit(pm->pml4, PML4_LEVEL, 0, census_link, &c);
	for (const struct leaf_mirror *m = pm->mirrors; m; m = m->pm_next, c.n++)
		if (c.n < max)
			out[c.n] = mirror_link(m);
	spin_unlock(&pmap_lock);
	return c.n;
}

/* See pmap.h. A 2 MiB leaf gives the piece: vm_pages of a block are contiguous. */
struct vm_page *pmap_object_extract(struct pmap_object *po, uint64_t off)
{
	struct vm_page *pg = NULL;
	pte_t *pte;

	spin_lock(&pmap_lock);
	pte = obj_entry_locked(po, off);
	if (pte && pte_present(*pte))
		pg = phys_to_page(pte_pa(*pte) + (off & (pte_leaf(*pte, PD_LEVEL) ? SEG_SIZE - 1 : 0)));
	spin_unlock(&pmap_lock);
	return pg;
}
