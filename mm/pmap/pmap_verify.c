/*
 * pmap_verify(): the invariant checker of the pmap layer (see pmap.h).
 *
 * Object trees, for each live pmap_object:
 *  - every PD/PT page is a live object table of this object (PG_OBJTABLE,
 *    owner, first offset), its `used` equals its present entries, and its
 *    intermediate entries carry exactly P|W|U;
 *  - every PTE carries the object's rights and maps the page the object
 *    holds at that offset (vm_page.object/offset); it has one PV entry
 *    unless the page is wired, and then none;
 *  - every 2 MiB leaf likewise maps the object's large page (PG_LARGE)
 *    at that offset, with the object's rights and PS.
 * Process trees, for each live pmap:
 *  - private tables are live PG_PTABLE pages with exact `used` counts;
 *  - every link points at a table of a live object tree, at the right
 *    level (PDE -> PT page, PDPTE -> PD page);
 *  - every private leaf PTE has its PV entry;
 *  - every private 2 MiB leaf (PTE_PRIVATE_LEAF) maps a live large page
 *    and has its PV entry on the page's first vm_page;
 *  - its leaf mirrors belong to live object trees, are aligned, lie in one
 *    VA GiB, under no GiB link, and do not overlap; every other 2 MiB leaf
 *    of the process lies in one of them and is exactly copy_of() the
 *    object leaf with the mirror's rights.
 * Then: each object table's link_count equals the process entries found
 * pointing at it, and every counter (per pmap and global) matches.
 * Runs under pmap_lock and changes nothing.
 */
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/pmap/pmap_impl.h"
#include "uapi/errno.h"

/* One object table and the links the process walk found to it. */
struct objtab {
	struct vm_page *page;
	int level;            /* PT_LEVEL or PD_LEVEL */
	uint32_t links;
};

struct verify {
	char *buf;
	size_t len, pos;
	int errors;
	struct objtab *tabs;  /* every object table, sorted by page */
	size_t ntabs, maxtabs;
	uint64_t obj_ptes, obj_pvs, obj_leaves;
	struct pmap *pm;      /* the process tree being walked, and its counts */
	uint64_t tables, leaves, links[PDPT_LEVEL + 1], copies, mirrors, private_leaves;
};

/* Appends one violation line to the report. */
static void __attribute__((format(printf, 2, 3))) fail(struct verify *v, const char *fmt, ...)
{
	va_list ap;
	int n;

	v->errors++;
	if (v->pos + 1 >= v->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(v->buf + v->pos, v->len - v->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		v->pos = MIN(v->pos + (size_t)n, v->len - 1);
}

/* Checks a table page's `used` against its present entries. */
static void check_used(struct verify *v, struct vm_page *t, int level, const char *what)
{
	pte_t *e = page_to_virt(t);
	unsigned n = level == PML4_LEVEL ? PML4_USER_SLOTS : PT_ENTRIES;
	uint32_t count = 0;

	for (unsigned i = 0; i < n; i++)
		count += pte_present(e[i]);
	if (count != t->used)
		fail(v, "%s at pa %p: used %u, %u present\n", what, (void *)page_to_phys(t),
		     t->used, count);
}

/* ---- object trees ---- */

/* Checks an object table page and records it for the link census. */
static void check_objtab(struct verify *v, struct pmap_object *po, struct vm_page *t,
                         int level, uint64_t off)
{
	if ((t->flags & PG_FREE) || !(t->flags & PG_OBJTABLE) || t->object != po->owner ||
	    t->offset != off) {
		fail(v, "object %p: table for offset %p is not its live table\n",
		     (void *)po->owner, (void *)off);
		return;
	}
	check_used(v, t, level, "object table");
	if (v->ntabs < v->maxtabs)
		v->tabs[v->ntabs++] = (struct objtab){ t, level, 0 };
	else
		fail(v, "object tables: more than the counters say\n");
}

/*
 * Checks one object PTE (want = OBJ_PTE_FLAGS) or 2 MiB leaf (want =
 * OBJ_LEAF_FLAGS) against the page the object holds at off: the owner and
 * offset, a large page for a leaf, the flags (the object's maximum rights,
 * or fewer, no write or no execute, after pmap_page_protect()), and a PV
 * entry exactly when the page is not wired.
 */
static void check_objmap(struct verify *v, struct pmap_object *po, pte_t pte, uint64_t off,
                         uint64_t want)
{
	struct vm_page *pg = phys_to_page(pte_pa(pte));
	bool large = want == OBJ_LEAF_FLAGS;
	const char *what = large ? "leaf" : "PTE";

	if (!pg || (pg->flags & PG_FREE) || pg->object != po->owner || pg->offset != off ||
	    !!(pg->flags & PG_LARGE) != large) {
		fail(v, "object %p: %s for offset %p does not map the object's page\n",
		     (void *)po->owner, what, (void *)off);
		return;
	}
	if (((pte & ~PTE_ADDR_MASK & ~(PTE_A | PTE_D | PTE_NX)) | PTE_W) != want)
		fail(v, "object %p: %s for offset %p has flags %p\n", (void *)po->owner, what,
		     (void *)off, (void *)(pte & ~PTE_ADDR_MASK));
	if (pv_find(pg, NULL, po, off) == !!(pg->flags & PG_WIRED))
		fail(v, "object %p: offset %p: %s page %s a PV entry\n", (void *)po->owner,
		     (void *)off, (pg->flags & PG_WIRED) ? "wired" : "managed",
		     (pg->flags & PG_WIRED) ? "has" : "lacks");
	v->obj_pvs += !(pg->flags & PG_WIRED);
}

/* Checks the PT pages and PTEs below one object PD page. */
static void check_objpd(struct verify *v, struct pmap_object *po, struct vm_page *pd, uint64_t base)
{
	pte_t *e = page_to_virt(pd);

	check_objtab(v, po, pd, PD_LEVEL, base);
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t off = base + i * SEG_SIZE;
		pte_t *pt;

		if (!pte_present(e[i]))
			continue;
		if (pte_leaf(e[i], PD_LEVEL)) {
			v->obj_leaves++;
			check_objmap(v, po, e[i], off, OBJ_LEAF_FLAGS);
			continue;
		}
		if ((e[i] & ~PTE_ADDR_MASK & ~PTE_A) != (PTE_P | PTE_W | PTE_U))
			fail(v, "object %p: PD entry for offset %p has flags %p\n",
			     (void *)po->owner, (void *)off, (void *)(e[i] & ~PTE_ADDR_MASK));
		check_objtab(v, po, pte_page(e[i]), PT_LEVEL, off);
		pt = page_to_virt(pte_page(e[i]));
		for (unsigned j = 0; j < PT_ENTRIES; j++) {
			if (!pte_present(pt[j]))
				continue;
			v->obj_ptes++;
			check_objmap(v, po, pt[j], off + j * PAGE_SIZE, OBJ_PTE_FLAGS);
		}
	}
}

/* Sorts v->tabs by page address (Shell sort: small, no recursion). */
static void sort_tabs(struct verify *v)
{
	for (size_t gap = v->ntabs / 2; gap > 0; gap /= 2)
		for (size_t i = gap; i < v->ntabs; i++)
			for (size_t j = i; j >= gap && v->tabs[j - gap].page > v->tabs[j].page; j -= gap) {
				struct objtab t = v->tabs[j];

				v->tabs[j] = v->tabs[j - gap];
				v->tabs[j - gap] = t;
			}
}

/* The census record of object table t, or NULL. */
static struct objtab *find_tab(struct verify *v, struct vm_page *t)
{
	size_t lo = 0, hi = v->ntabs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (v->tabs[mid].page == t)
			return &v->tabs[mid];
		if (v->tabs[mid].page < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- process trees ---- */

/* Checks a link found at process entry level `level` for va. */
static void check_link(struct verify *v, int level, vaddr_t va, struct vm_page *t)
{
	struct objtab *tab = find_tab(v, t);

	v->links[level]++;
	if (!tab || tab->level != level - 1)
		fail(v, "pmap %p: level-%d link for va %p points at no live object table of level %d\n",
		     (void *)v->pm, level, (void *)va, level - 1);
	else
		tab->links++;
}

/* Is po a live object tree? */
static bool po_live(const struct pmap_object *po)
{
	for (const struct pmap_object *q = pmap_object_list; q; q = q->next)
		if (q == po)
			return true;
	return false;
}

/* Is mirror m on its object tree's list? */
static bool on_po_list(const struct leaf_mirror *m)
{
	for (const struct leaf_mirror *n = m->po->mirrors; n; n = n->po_next)
		if (n == m)
			return true;
	return false;
}

/* Is mirror m well formed: aligned, non-empty, in one VA GiB, inside its object? */
static bool mirror_shape_ok(const struct leaf_mirror *m)
{
	return m->len > 0 && IS_ALIGNED(m->va | m->off | m->len, SEG_SIZE) &&
	       ALIGN_DOWN(m->va, GIB_SIZE) == ALIGN_DOWN(m->va + m->len - 1, GIB_SIZE) &&
	       m->off < m->po->size && m->len <= m->po->size - m->off;
}

/* Checks the leaf mirrors of v->pm (see the top of the file). */
static void check_mirrors(struct verify *v)
{
	for (struct leaf_mirror *m = v->pm->mirrors; m; m = m->pm_next) {
		struct pt_path p;

		v->mirrors++;
		if (m->pmap != v->pm || !po_live(m->po) || !on_po_list(m)) {
			fail(v, "pmap %p: mirror at va %p is not on a live object tree's list\n",
			     (void *)v->pm, (void *)m->va);
			continue;
		}
		if (!mirror_shape_ok(m))
			fail(v, "pmap %p: mirror at va %p (%lu bytes, offset %p) is malformed\n",
			     (void *)v->pm, (void *)m->va, (unsigned long)m->len, (void *)m->off);
		pt_walk(v->pm->pml4, PML4_LEVEL, m->va, PD_LEVEL, &p, NULL, NULL);
		if (p.link)
			fail(v, "pmap %p: mirror at va %p lies under a GiB link\n", (void *)v->pm,
			     (void *)m->va);
		for (struct leaf_mirror *n = m->pm_next; n; n = n->pm_next)
			if (n->va < m->va + m->len && m->va < n->va + n->len)
				fail(v, "pmap %p: mirrors at va %p and %p overlap\n", (void *)v->pm,
				     (void *)m->va, (void *)n->va);
	}
}

/* Checks a 2 MiB leaf of v->pm at va: the copy of its object leaf in one mirror. */
static void check_copy(struct verify *v, vaddr_t va, pte_t pte)
{
	struct leaf_mirror *m = mirror_find_locked(v->pm, va, va + SEG_SIZE);
	pte_t *leaf = NULL;

	v->copies++;
	if (m && po_live(m->po) && mirror_shape_ok(m))
		leaf = obj_leaf_locked(m->po, m->off + (va - m->va));
	if (!leaf || (pte & ~(PTE_A | PTE_D)) != copy_of(*leaf, m->prot))
		fail(v, "pmap %p: 2 MiB leaf at va %p (%p) is not a mirror's copy of an object leaf\n",
		     (void *)v->pm, (void *)va, (void *)pte);
}

/* Checks a private 2 MiB leaf of v->pm at va: a live large page, with its PV entry. */
static void check_private_leaf(struct verify *v, vaddr_t va, pte_t pte, struct vm_page *pg)
{
	v->private_leaves++;
	if (!(pg->flags & PG_LARGE) || !IS_ALIGNED(page_to_phys(pg), SEG_SIZE))
		fail(v, "pmap %p: private 2 MiB leaf at va %p maps pa %p, not a large page\n",
		     (void *)v->pm, (void *)va, (void *)pte_pa(pte));
	else if (!pv_find(pg, v->pm, NULL, va))
		fail(v, "pmap %p: private 2 MiB leaf at va %p has no PV entry\n", (void *)v->pm,
		     (void *)va);
}

/* pt_visit_fn: checks one present entry of a process tree. */
static bool check_entry(int level, vaddr_t va, pte_t pte, struct vm_page *table, void *arg)
{
	struct verify *v = arg;
	struct vm_page *pg = phys_to_page(pte_pa(pte));

	(void)table;
	if (!pg || (pg->flags & PG_FREE)) {
		fail(v, "pmap %p: level-%d entry for va %p points at a free or foreign page\n",
		     (void *)v->pm, level, (void *)va);
		return false;
	}
	if (pte_leaf(pte, level) && (pte & PTE_PRIVATE_LEAF)) {
		check_private_leaf(v, va, pte, pg);
		return false;
	}
	if (pte_leaf(pte, level)) {
		check_copy(v, va, pte);
		return false;
	}
	if (level > PT_LEVEL && (pg->flags & PG_OBJTABLE)) {
		check_link(v, level, va, pg);
		return false;
	}
	if (level > PT_LEVEL) {
		if ((pte & ~PTE_ADDR_MASK & ~PTE_A) != (PTE_P | PTE_W | PTE_U) || !(pg->flags & PG_PTABLE))
			fail(v, "pmap %p: level-%d entry for va %p: flags %p, not a private table\n",
			     (void *)v->pm, level, (void *)va, (void *)(pte & ~PTE_ADDR_MASK));
		v->tables++;
		check_used(v, pg, level - 1, "private table");
		return true;
	}
	v->leaves++;
	if (!pv_find(pg, v->pm, NULL, va))
		fail(v, "pmap %p: va %p maps pa %p without a PV entry\n", (void *)v->pm,
		     (void *)va, (void *)pte_pa(pte));
	return false;
}

/* Checks one pmap's tree against its counters. */
static void check_pmap(struct verify *v, struct pmap *pm)
{
	v->pm = pm;
	v->tables = 1;
	v->leaves = v->links[PD_LEVEL] = v->links[PDPT_LEVEL] = v->copies = v->mirrors = 0;
	v->private_leaves = 0;
	check_used(v, pm->pml4, PML4_LEVEL, "PML4");
	check_mirrors(v);
	pt_visit(pm->pml4, PML4_LEVEL, 0, check_entry, v);
	if (v->tables != pm->stat.pt_pages)
		fail(v, "pmap %p: %lu table pages, counter says %lu\n", (void *)pm,
		     (unsigned long)v->tables, (unsigned long)pm->stat.pt_pages);
	if (v->leaves != pm->stat.resident || v->private_leaves != pm->stat.leaf_private ||
	    v->leaves + v->private_leaves != pm->stat.pv_entries)
		fail(v, "pmap %p: %lu leaf PTEs and %lu private 2 MiB leaves; resident %lu, leaf_private %lu, pv_entries %lu\n",
		     (void *)pm, (unsigned long)v->leaves, (unsigned long)v->private_leaves,
		     (unsigned long)pm->stat.resident, (unsigned long)pm->stat.leaf_private,
		     (unsigned long)pm->stat.pv_entries);
	if (v->links[PD_LEVEL] != pm->stat.links_pde || v->links[PDPT_LEVEL] != pm->stat.links_pdpte)
		fail(v, "pmap %p: %lu/%lu PDE/PDPTE links, counters say %lu/%lu\n", (void *)pm,
		     (unsigned long)v->links[PD_LEVEL], (unsigned long)v->links[PDPT_LEVEL],
		     (unsigned long)pm->stat.links_pde, (unsigned long)pm->stat.links_pdpte);
	if (v->copies != pm->stat.leaf_copies || v->mirrors != pm->stat.leaf_mirrors)
		fail(v, "pmap %p: %lu copied leaves in %lu mirrors, counters say %lu in %lu\n",
		     (void *)pm, (unsigned long)v->copies, (unsigned long)v->mirrors,
		     (unsigned long)pm->stat.leaf_copies, (unsigned long)pm->stat.leaf_mirrors);
}

/* ---- the whole system ---- */

/* Walks every object tree, then every pmap; returns the summed counts. */
static void check_all(struct verify *v, struct vmstat *sum)
{
	for (struct pmap_object *po = pmap_object_list; po; po = po->next)
		for (unsigned g = 0; g < po->npd; g++)
			if (po->pd[g])
				check_objpd(v, po, po->pd[g], (uint64_t)g << GIB_SHIFT);
	sort_tabs(v);
	for (struct pmap *pm = pmap_list; pm; pm = pm->next) {
		check_pmap(v, pm);
		sum->pt_pages += v->tables;
		sum->resident += v->leaves;
		sum->links_pde += v->links[PD_LEVEL];
		sum->links_pdpte += v->links[PDPT_LEVEL];
		sum->leaf_copies += v->copies;
		sum->leaf_mirrors += v->mirrors;
		sum->leaf_private += v->private_leaves;
	}
	for (size_t i = 0; i < v->ntabs; i++) {
		struct objtab *t = &v->tabs[i];

		if (t->links != t->page->link_count)
			fail(v, "object table at pa %p: link_count %u, %u links found\n",
			     (void *)page_to_phys(t->page), t->page->link_count, t->links);
		if (t->level == PT_LEVEL)
			sum->obj_pt_pages++;
		else
			sum->obj_pd_pages++;
	}
}

/* Mirrors on the lists of all object trees. */
static uint64_t object_mirrors(void)
{
	uint64_t n = 0;

	for (struct pmap_object *po = pmap_object_list; po; po = po->next)
		for (struct leaf_mirror *m = po->mirrors; m; m = m->po_next)
			n++;
	return n;
}

/* Compares the global counters with what the walks found. */
static void check_global(struct verify *v, const struct vmstat *sum)
{
	const struct vmstat *g = &pmap_gstat;

	if (v->obj_leaves != g->obj_leaves || sum->leaf_copies != g->leaf_copies ||
	    sum->leaf_mirrors != g->leaf_mirrors || object_mirrors() != g->leaf_mirrors)
		fail(v, "global: found %lu object leaves, %lu copies, %lu/%lu mirrors (pmaps/objects), counters %lu/%lu/%lu\n",
		     (unsigned long)v->obj_leaves, (unsigned long)sum->leaf_copies,
		     (unsigned long)sum->leaf_mirrors, (unsigned long)object_mirrors(),
		     (unsigned long)g->obj_leaves, (unsigned long)g->leaf_copies,
		     (unsigned long)g->leaf_mirrors);

	if (sum->pt_pages != g->pt_pages || sum->obj_pt_pages != g->obj_pt_pages ||
	    sum->obj_pd_pages != g->obj_pd_pages)
		fail(v, "global: found %lu/%lu/%lu private/object PT/object PD tables, counters %lu/%lu/%lu\n",
		     (unsigned long)sum->pt_pages, (unsigned long)sum->obj_pt_pages,
		     (unsigned long)sum->obj_pd_pages, (unsigned long)g->pt_pages,
		     (unsigned long)g->obj_pt_pages, (unsigned long)g->obj_pd_pages);
	if (sum->links_pde != g->links_pde || sum->links_pdpte != g->links_pdpte)
		fail(v, "global: found %lu/%lu links, counters %lu/%lu\n",
		     (unsigned long)sum->links_pde, (unsigned long)sum->links_pdpte,
		     (unsigned long)g->links_pde, (unsigned long)g->links_pdpte);
	if (sum->resident + sum->leaf_private + v->obj_pvs != g->pv_entries ||
	    sum->resident + v->obj_ptes != g->resident || sum->leaf_private != g->leaf_private)
		fail(v, "global: %lu private leaf PTEs, %lu private 2 MiB leaves, %lu object PTEs (%lu with PV); pv_entries %lu, resident %lu, leaf_private %lu\n",
		     (unsigned long)sum->resident, (unsigned long)sum->leaf_private,
		     (unsigned long)v->obj_ptes, (unsigned long)v->obj_pvs,
		     (unsigned long)g->pv_entries, (unsigned long)g->resident,
		     (unsigned long)g->leaf_private);
}

/* See pmap.h. Returns -ENOMEM when the census array cannot be allocated. */
int pmap_verify(char *report, size_t len)
{
	struct verify v = { .buf = report, .len = len };
	struct vmstat sum = { 0 };

	if (len > 0)
		report[0] = '\0';
	spin_lock(&pmap_lock);
	v.maxtabs = pmap_gstat.obj_pt_pages + pmap_gstat.obj_pd_pages;
	v.tabs = kmalloc((v.maxtabs + 1) * sizeof(*v.tabs));
	if (!v.tabs) {
		spin_unlock(&pmap_lock);
		return -ENOMEM;
	}
	check_all(&v, &sum);
	check_global(&v, &sum);
	spin_unlock(&pmap_lock);
	kfree(v.tabs);
	return v.errors ? -EIO : 0;
}
