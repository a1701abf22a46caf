/*
 * Links: process page-directory entries that point at object tables (see
 * pmap.h). A PDE links an object PT page (one 2 MiB segment), a PDPTE an
 * object PD page (one GiB). The link entry carries the mapping's rights;
 * the object table's link_count counts the process entries pointing at it.
 *
 * Linking publishes a table that is already complete (zeroed at creation,
 * then filled), so it needs no flush; unlinking clears the one process
 * entry and asks for a full flush of that address space, which also drops
 * the paging-structure caches that may hold the object table. All under
 * (g) pmap_lock. 2 MiB leaves are linked the same way at the GiB level;
 * elsewhere they are copied (pmap_leaf.c).
 */
#include "kernel/printk.h"
#include "mm/pmap/pmap_impl.h"
#include "uapi/errno.h"

/* Is `pte`, a present entry of a process table of `level`, a link? */
bool pte_is_link(pte_t pte, int level)
{
	return (level == PD_LEVEL || level == PDPT_LEVEL) && pte_present(pte) &&
	       !pte_leaf(pte, level) && (pte_page(pte)->flags & PG_OBJTABLE);
}

/* Counts one more (delta 1) or one less (delta -1) link at `level`. */
static void count_link(struct pmap *pm, int level, int delta)
{
	if (level == PD_LEVEL) {
		pm->stat.links_pde += delta;
		pmap_gstat.links_pde += delta;
	} else {
		pm->stat.links_pdpte += delta;
		pmap_gstat.links_pdpte += delta;
	}
}

/* Makes the empty process entry p->pte[level] a link to `table` with `prot`. */
static void link_set_locked(struct pmap *pm, struct pt_path *p, int level,
                            struct vm_page *table, int prot)
{
	ASSERT_HELD(&pmap_lock);
	__atomic_store_n(p->pte[level], pte_make(page_to_phys(table), pte_flags_for(prot)),
	                 __ATOMIC_RELEASE);
	p->table[level]->used++;
	table->link_count++;
	count_link(pm, level, 1);
}

/*
 * Clears the link p->pte[level] (never the object's entries), queues a full
 * flush and prunes the process tables it leaves empty.
 */
void link_clear_locked(struct pmap *pm, struct pt_path *p, int level, struct tlb_batch *b)
{
	struct vm_page *t = pte_page(*p->pte[level]);

	ASSERT_HELD(&pmap_lock);
	if (!pte_is_link(*p->pte[level], level) || t->link_count == 0)
		panic("link_clear_locked: level-%d entry is not a counted link", level);
	*p->pte[level] = 0;
	p->table[level]->used--;
	t->link_count--;
	count_link(pm, level, -1);
	tlb_batch_all(b);
	pt_prune(pm, p, level, b);
}

/* Lowers the rights of the link p->pte[level]; returns whether it changed. */
bool link_lower_locked(struct pt_path *p, int level, int prot)
{
	ASSERT_HELD(&pmap_lock);
	return pte_lower(p->pte[level], prot);
}

/* Gives the existing link *e exactly the rights `prot` (raising them too). */
static void link_set_rights(pte_t *e, int prot, struct tlb_batch *b)
{
	pte_t want = pte_make(pte_pa(*e), pte_flags_for(prot));

	if ((*e & ~PTE_A) != want) {
		*e = want | (*e & PTE_A);
		tlb_batch_all(b);
	}
}

/*
 * Is anything of pm in the way of a link at `level` over [start, start +
 * level size), given the walk p to that level (r its result)? A present
 * entry is; for a GiB, so is a leaf mirror, even one without a copy yet,
 * whose PDPTE is empty: a link over it would meet its next push. This is
 * where the rule "no mirror under a GiB link" is kept for every way a GiB
 * gets linked (a fault, pmap_enter_segment, entries that merged). (g) held.
 */
static bool range_occupied_locked(struct pmap *pm, const struct pt_path *p, int r, int level,
                                  vaddr_t start)
{
	if (r == level && pte_present(*p->pte[level]))
		return true;
	return level == PDPT_LEVEL && mirror_find_locked(pm, start, start + GIB_SIZE);
}

/*
 * Links the segment (or GiB, s->gib) around s->va to its object table.
 * An existing link covering va is kept (its rights set to s->prot unless
 * prelinking), whatever the level: a GiB link stays when the switch
 * machdep.pmap_share_pd has since been turned off (s->gib false), and its
 * segments may be 2 MiB leaves, which have no PT page. Otherwise what is
 * in the way (a private table, a copied 2 MiB leaf, a leaf mirror) is
 * removed and flushed before the link is written, except when prelinking,
 * which only fills empty entries and ignores a missing object table (also
 * a segment the object maps with a 2 MiB leaf).
 * Returns 0 or -ENOMEM. (g) held.
 */
int link_locked(struct pmap *pm, const struct pmap_segment *s, bool prelink,
                       struct tlb_batch *b)
{
	int level = s->gib ? PDPT_LEVEL : PD_LEVEL;
	vaddr_t start = ALIGN_DOWN(s->va, level_size(level));
	struct vm_page *t;
	struct pt_path p;
	int r;

	ASSERT_HELD(&pmap_lock);
	r = pt_walk(pm->pml4, PML4_LEVEL, s->va, level, &p, NULL, NULL);
	if (p.link || (r == level && pte_is_link(*p.pte[level], level))) {
		int at = p.link ? p.link : level;

		if (pte_page(*p.pte[at]) != obj_table_locked(s->po, s->off, at - 1))
			panic("link_locked: va %p is linked to a foreign table", (void *)s->va);
		if (!prelink)
			link_set_rights(p.pte[at], s->prot, b);
		return 0;
	}
	t = obj_table_locked(s->po, s->off, level - 1);
	if (!t && prelink)
		return 0;
	if (!t)
		panic("link_locked: no object table for offset %p", (void *)s->off);
	if (range_occupied_locked(pm, &p, r, level, start)) {
		if (prelink)
			return 0;
		pmap_remove_locked(pm, start, start + level_size(level), b);
		tlb_batch_finish(b);   /* break before make (SDM 4.10.4.2): the page size changes */
	}
	r = pt_walk(pm->pml4, PML4_LEVEL, s->va, level, &p, pt_alloc_private, pm);
	if (r < 0) {
		pt_prune(pm, &p, p.level, b);
		return -ENOMEM;
	}
	link_set_locked(pm, &p, level, t, s->prot);
	return 0;
}

/* See pmap.h. */
int pmap_enter_segment(struct pmap *pm, const struct pmap_segment *s, struct vm_page *pg,
                       bool *filled)
{
	struct pv_entry *pv = NULL;
	struct tlb_batch b;
	int r;

	if (!(pg->flags & PG_WIRED) && !(pv = pv_alloc()))
		return -ENOMEM;
	spin_lock(&pmap_lock);
	tlb_batch_init(&b, pm, &pmap_gstat);
	r = obj_fill_locked(s->po, s->off, pg, &pv, filled);
	if (r == 0)
		r = link_locked(pm, s, false, &b);
	tlb_batch_finish(&b);
	spin_unlock(&pmap_lock);
	pv_free(pv);
	return r;
}

/* See pmap.h. */
void pmap_link_segment(struct pmap *pm, const struct pmap_segment *s)
{
	struct tlb_batch b;

	spin_lock(&pmap_lock);
	tlb_batch_init(&b, pm, &pmap_gstat);
	link_locked(pm, s, true, &b);
	if (s->run_start < s->run_end)
		run_link_locked(pm, s, true, &b);
	tlb_batch_finish(&b);
	spin_unlock(&pmap_lock);
}
