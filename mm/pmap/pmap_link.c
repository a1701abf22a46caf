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
 *
 * The top of the process side (mm/pmap/README.md): besides links, the walk
 * of a range of a process (remove or protect its private PTEs, copies and
 * links) and the linking of a whole run of 2 MiB segments, which use the
 * copies and mirrors of pmap_leaf.c below.
 */
#include "kernel/printk.h"
#include "mm/pmap/pmap_break.h"
#include "mm/pmap/pmap_impl.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

/* Is `pte`, a present entry of a process table of `level`, a link? */
bool pte_is_link(pte_t pte, int level)
{
	return (level == PD_LEVEL || level == PDPT_LEVEL) && pte_present(pte) &&
	       !pte_leaf(pte, level) && (pte_page(pte)->flags & PG_OBJTABLE);
}

/* What links_tree_locked() looks for, and whether it found it. */
struct tree_search {
	const struct vm_object *owner;
	bool found;
};

/* pt_visit_fn: a link to a table of s->owner; descends only into private PDPT and PD pages. */
static bool link_to_owner(int level, vaddr_t va, pte_t pte, struct vm_page *table, void *arg)
{
	struct tree_search *s = arg;

	(void)va;
	(void)table;
	if (s->found)
		return false;
	if (pte_is_link(pte, level)) {
		s->found = pte_page(pte)->object == s->owner;
		return false;
	}
	return level > PD_LEVEL;
}

/* Does pm link a table of object tree po? (g) held. */
bool links_tree_locked(struct pmap *pm, const void *po)
{
	struct tree_search s = { ((const struct pmap_object *)po)->owner, false };

	ASSERT_HELD(&pmap_lock);
	pt_visit(pm->pml4, PML4_LEVEL, 0, link_to_owner, &s);
	return s.found;
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
	if (pmap_broken(RULE_LINK_RIGHTS))
		prot |= PROT_WRITE;   /* lesson 3: the object's rights on the link */
	__atomic_store_n(p->pte[level], pte_make(page_to_phys(table), pte_flags_for(prot)),
	                 __ATOMIC_RELEASE);
	p->table[level]->used++;
	if (!pmap_broken(RULE_LINK_COUNT))
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
	if (!pte_is_link(*p->pte[level], level) ||
	    (t->link_count == 0 && !pmap_broken(RULE_LINK_COUNT)))
		panic("link_clear_locked: level-%d entry is not a counted link", level);
	*p->pte[level] = 0;
	p->table[level]->used--;
	if (t->link_count > 0)   /* lesson 4 leaves links uncounted */
		t->link_count--;
	count_link(pm, level, -1);
	if (!pmap_broken(RULE_UNLINK_FLUSH))
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

/*
 * Clears the present private leaf PTE p->pte[PT_LEVEL] mapping `va`, drops
 * its PV entry, queues the invalidation and prunes tables left empty.
 * (g) held.
 */
void pte_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p, struct tlb_batch *b)
{
	pte_t old = *p->pte[PT_LEVEL];

	ASSERT_HELD(&pmap_lock);
	*p->pte[PT_LEVEL] = 0;
	p->table[PT_LEVEL]->used--;
	pv_remove(pte_page(old), pm, NULL, va);
	pm->stat.resident--;
	pmap_gstat.resident--;
	tlb_batch_page(b, va);
	pt_prune(pm, p, PT_LEVEL, b);
}

/* What pt_range_locked() does to a range: remove, or lower to `prot`. */
struct range_op {
	vaddr_t sva, eva;
	bool remove;
	int prot;
};

/*
 * Applies op to a link the walk p found at va: a remove unlinks it; a
 * protect lowers the link's rights when the range covers the whole linked
 * segment (or GiB), and unlinks it otherwise (a partial change unlinks:
 * rule 5 of docs/correctness.md).
 */
static void range_link_locked(struct pmap *pm, vaddr_t va, struct pt_path *p,
                              const struct range_op *op, struct tlb_batch *b)
{
	uint64_t size = level_size(p->link);
	vaddr_t start = ALIGN_DOWN(va, size);

	ASSERT_HELD(&pmap_lock);
	if (op->remove || start < op->sva || start + size > op->eva) {
		link_clear_locked(pm, p, p->link, b);
		/* Lesson 8: invalidate every page the link mapped, O(pages). */
		if (pmap_broken_n(RULE_TEARDOWN_COST, (int)(size / PAGE_SIZE)))
			for (vaddr_t a = start; a < start + size; a += PAGE_SIZE)
				tlb_batch_page(b, a);
	} else if (link_lower_locked(p, p->link, op->prot))
		tlb_batch_all(b);
}

/*
 * Applies op to a 2 MiB leaf (a copy or a private leaf) the walk p found
 * at va: a remove, or a protect that covers it only in part, clears it
 * (the VM faults back the pieces that stay mapped); a protect of all of
 * it lowers its rights. (g) held.
 */
static void range_leaf_locked(struct pmap *pm, vaddr_t va, struct pt_path *p,
                              const struct range_op *op, struct tlb_batch *b)
{
	vaddr_t start = ALIGN_DOWN(va, SEG_SIZE);

	ASSERT_HELD(&pmap_lock);
	if (op->remove || start < op->sva || start + SEG_SIZE > op->eva)
		leaf_clear_locked(pm, start, p, b);
	else if (pte_lower(p->pte[PD_LEVEL], op->prot))
		tlb_batch_page(b, va);
}

/*
 * Applies op to every private leaf PTE, 2 MiB leaf and link of pm in
 * [op->sva, op->eva), skipping missing tables and whole links at a time.
 * Mirror records are left alone (see mirrors_range_locked). The walk
 * restarts from the root for every step, as a step may free tables.
 */
static void pt_range_locked(struct pmap *pm, const struct range_op *op, struct tlb_batch *b)
{
	struct pt_path p;

	ASSERT_HELD(&pmap_lock);
	for (vaddr_t va = op->sva; va < op->eva;) {
		int r = pt_walk(pm->pml4, PML4_LEVEL, va, PT_LEVEL, &p, NULL, NULL);
		int step = r;
		vaddr_t next;

		if (p.link) {
			range_link_locked(pm, va, &p, op, b);
			step = p.link;
		} else if (r == PD_LEVEL && pte_leaf(*p.pte[PD_LEVEL], PD_LEVEL)) {
			range_leaf_locked(pm, va, &p, op, b);
		} else if (r == PT_LEVEL && pte_present(*p.pte[PT_LEVEL])) {
			if (op->remove)
				pte_clear_locked(pm, va, &p, b);
			else if (pte_lower(p.pte[PT_LEVEL], op->prot))
				tlb_batch_page(b, va);
		}
		next = ALIGN_DOWN(va, level_size(step)) + level_size(step);
		if (next <= va)
			break;
		va = next;
	}
}

/*
 * Removes the mappings of pm in [sva, eva) but keeps its mirror records:
 * for a fault that replaces a private table inside a mirror. (g) held.
 */
void pt_empty_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, struct tlb_batch *b)
{
	struct range_op op = { sva, MIN(eva, USER_TOP), true, PROT_NONE };

	ASSERT_HELD(&pmap_lock);
	pt_range_locked(pm, &op, b);
}

/* pmap_remove() with (g) held and the caller's batch: mirrors too. */
void pmap_remove_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, struct tlb_batch *b)
{
	ASSERT_HELD(&pmap_lock);
	mirrors_range_locked(pm, sva, eva, true, PROT_NONE, b);
	pt_empty_locked(pm, sva, eva, b);
}

/*
 * link_locked() for the GiB at va of the GiB run of s, creating the
 * object's PD page for it first if needed (an empty PD page linked now
 * shows every leaf filled later, like a mirror), so a client takes no link
 * fault for any GiB of the run. Returns 0 or -ENOMEM. (g) held.
 */
static int gib_link_locked(struct pmap *pm, const struct pmap_segment *s, vaddr_t va,
                           bool prelink, struct tlb_batch *b)
{
	struct pmap_segment g = *s;

	g.va = va;
	g.off = s->off + (va - s->va);
	g.gib = true;
	if (!obj_pd_get_locked(s->po, g.off))
		return -ENOMEM;
	return link_locked(pm, &g, prelink, b);
}

/*
 * Links the whole run of s: each GiB of its GiB run by a PDPTE link, every
 * other part (cut at VA GiB boundaries) by a mirror. Returns 0 or -ENOMEM;
 * what was linked before a failure stays. (g) held.
 */
int run_link_locked(struct pmap *pm, const struct pmap_segment *s, bool prelink,
                    struct tlb_batch *b)
{
	ASSERT_HELD(&pmap_lock);
	for (vaddr_t va = s->run_start; va < s->run_end;) {
		vaddr_t next = MIN(ALIGN_DOWN(va, GIB_SIZE) + GIB_SIZE, s->run_end);
		int r;

		if (va >= s->gib_start && va < s->gib_end)
			r = gib_link_locked(pm, s, va, prelink, b);
		else
			r = mirror_range_locked(pm, s, va, next, prelink, b);
		if (r)
			return r;
		va = next;
	}
	return 0;
}

/*
 * The fault's own copy at the segment of s->va, in the mirror that now
 * covers it: a private table (mapping 4 KiB pieces from before) or a
 * private leaf there (from before sharing was on) is emptied and flushed
 * first. Returns 0 or -ENOMEM. (g) held.
 */
int copy_fault_locked(struct pmap *pm, const struct pmap_segment *s, struct tlb_batch *b)
{
	vaddr_t va = ALIGN_DOWN(s->va, SEG_SIZE);
	struct leaf_mirror *m = mirror_find_locked(pm, va, va + SEG_SIZE);
	pte_t *leaf = obj_leaf_locked(s->po, ALIGN_DOWN(s->off, SEG_SIZE));
	struct pt_path p;

	if (!m || !leaf)
		panic("copy_fault_locked: va %p has no mirror or no object leaf", (void *)va);
	if (pt_walk(pm->pml4, PML4_LEVEL, va, PD_LEVEL, &p, NULL, NULL) == PD_LEVEL &&
	    pte_present(*p.pte[PD_LEVEL]) &&
	    (!pte_leaf(*p.pte[PD_LEVEL], PD_LEVEL) || (*p.pte[PD_LEVEL] & PTE_PRIVATE_LEAF))) {
		pt_empty_locked(pm, va, va + SEG_SIZE, b);
		tlb_batch_finish(b);   /* break before make: 4 KiB pieces become one 2 MiB */
	}
	return copy_install_locked(m, va, *leaf, b);
}

/* pmap_protect() with (g) held and the caller's batch: mirrors too. */
void pmap_protect_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, int prot, struct tlb_batch *b)
{
	struct range_op op = { sva, MIN(eva, USER_TOP), prot == PROT_NONE, prot };

	ASSERT_HELD(&pmap_lock);
	mirrors_range_locked(pm, op.sva, op.eva, op.remove, prot, b);
	pt_range_locked(pm, &op, b);
}
