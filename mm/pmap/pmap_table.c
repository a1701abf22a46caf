/*
 * Tables and the one walker: the layer of mm/pmap/ under the reverse map,
 * the object trees, the process side and the verbs (mm/pmap/README.md).
 * It holds the lock (pmap_lock), the registry of live pmaps and the
 * system-wide counters, allocates and frees private table pages, walks a
 * tree (pt_walk) and visits one (pt_visit), and turns rights into entry
 * bits and back. It calls only the TLB layer, the page allocator and
 * kernel services.
 *
 * A process tree is PML4 -> PDPT -> PD -> PT -> 4 KiB pages, where a PD
 * entry may also be a 2 MiB leaf copied from an object (pmap_leaf.c).
 * Intermediate entries always carry P|W|U: the rights of a mapping live in
 * its leaf. Every private table page has PG_PTABLE set and counts its
 * present entries in vm_page.used, which is how empty tables are found and
 * freed.
 */
#include "kernel/printk.h"
#include "mm/pmap/pmap_impl.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

struct spinlock pmap_lock = SPINLOCK_INIT("pmap");
struct pmap *pmap_list;
struct vmstat pmap_gstat;
bool pte_nx_enabled = true;


/* Leaf PTE flags for a mapping with rights `prot` (not PROT_NONE). */
uint64_t pte_flags_for(int prot)
{
	uint64_t f = PTE_P | PTE_U;

	if (prot & PROT_WRITE)
		f |= PTE_W;
	if (!(prot & PROT_EXEC) && pte_nx_enabled)
		f |= PTE_NX;
	return f;
}

/* The rights (PROT_*) an entry grants at its own level. */
int pte_prot(pte_t pte)
{
	int prot = PROT_READ;

	if (pte & PTE_W)
		prot |= PROT_WRITE;
	if (!(pte & PTE_NX))
		prot |= PROT_EXEC;
	return prot;
}

/* pt_alloc_fn for process trees: a zeroed private table page of pmap `arg`. */
struct vm_page *pt_alloc_private(void *arg)
{
	struct pmap *pm = arg;
	struct vm_page *pg = page_alloc();

	if (!pg)
		return NULL;
	pg->flags |= PG_PTABLE;
	pg->used = 0;
	pm->stat.pt_pages++;
	pmap_gstat.pt_pages++;
	return pg;
}

/* Takes a private table page out of the counters; freed after the flush. */
static void pt_free_private(struct pmap *pm, struct vm_page *pg, struct tlb_batch *b)
{
	if (!(pg->flags & PG_PTABLE) || pg->used != 0)
		panic("pt_free_private: page %p is not an empty private table", (void *)pg);
	pg->flags &= ~PG_PTABLE;
	pm->stat.pt_pages--;
	pmap_gstat.pt_pages--;
	tlb_batch_free_table(b, pg);
}

/* The page an entry points at; panics outside managed memory. */
struct vm_page *pte_page(pte_t pte)
{
	struct vm_page *pg = phys_to_page(pte_pa(pte));

	if (!pg)
		panic("pte_page: entry %p points outside RAM", (void *)pte);
	return pg;
}

/* See pmap_impl.h. */
void pt_visit(struct vm_page *table, int level, vaddr_t base, pt_visit_fn fn, void *arg)
{
	pte_t *t = page_to_virt(table);
	unsigned n = level == PML4_LEVEL ? PML4_USER_SLOTS : PT_ENTRIES;

	for (unsigned i = 0; i < n; i++) {
		vaddr_t va = base + i * level_size(level);

		if (!pte_present(t[i]))
			continue;
		if (fn(level, va, t[i], table, arg) && level > PT_LEVEL && !pte_leaf(t[i], level))
			pt_visit(pte_page(t[i]), level - 1, va, fn, arg);
	}
}

/*
 * The one page-table walker. Starting at table `root` of level `top`, finds
 * the level-`want` entry for `va`, filling p->pte[l] and p->table[l] for each
 * level l passed (top down to p->level, the last one reached). It follows
 * links into object trees like the MMU does, and records in p->link the
 * level of the process entry that crossed into one. A missing table is
 * created with alloc(arg) when alloc is not NULL (never below a link): the
 * new page is zeroed before the entry that publishes it is written.
 * Returns `want` on success; the level whose entry is not present when a
 * table is missing and alloc is NULL; PD_LEVEL when the PD entry is a
 * 2 MiB leaf (pte_leaf) and want is PT_LEVEL; -ENOMEM when alloc failed.
 */
int pt_walk(struct vm_page *root, int top, vaddr_t va, int want,
            struct pt_path *p, pt_alloc_fn alloc, void *arg)
{
	struct vm_page *table = root;

	p->link = 0;
	for (int l = top;; l--) {
		pte_t *pte = (pte_t *)page_to_virt(table) + level_index(va, l);
		struct vm_page *next;

		p->pte[l] = pte;
		p->table[l] = table;
		p->level = l;
		if (l == want)
			return want;
		if (!pte_present(*pte)) {
			if (!alloc)
				return l;
			if (p->link)
				panic("pt_walk: allocating below a link, va %p", (void *)va);
			next = alloc(arg);
			if (!next)
				return -ENOMEM;
			/* page_alloc() zeroed it: now it may become reachable. */
			__atomic_store_n(pte, pte_make(page_to_phys(next), PTE_P | PTE_W | PTE_U),
			                 __ATOMIC_RELEASE);
			table->used++;
		}
		if (pte_leaf(*pte, l))
			return l;
		if (*pte & PTE_PS)
			panic("pt_walk: large page at level %d for va %p", l, (void *)va);
		next = pte_page(*pte);
		if (!p->link && (next->flags & PG_OBJTABLE) && !(table->flags & PG_OBJTABLE))
			p->link = l;
		table = next;
	}
}

/*
 * Frees the empty private tables on the path of a walk, from the table that
 * holds the level-`from` entries upward (never the PML4).
 */
void pt_prune(struct pmap *pm, struct pt_path *p, int from, struct tlb_batch *b)
{
	for (int l = from; l < PML4_LEVEL; l++) {
		struct vm_page *t = p->table[l];

		if (t->used != 0 || !(t->flags & PG_PTABLE))
			return;
		*p->pte[l + 1] = 0;
		p->table[l + 1]->used--;
		pt_free_private(pm, t, b);
	}
}

/*
 * Lowers the rights of entry *pte to at most `prot` (clears R/W, sets NX).
 * Returns whether it changed; the caller queues the invalidation.
 */
bool pte_lower(pte_t *pte, int prot)
{
	pte_t new = *pte;

	if (!(prot & PROT_WRITE))
		new &= ~PTE_W;
	if (!(prot & PROT_EXEC) && pte_nx_enabled)
		new |= PTE_NX;
	if (new == *pte)
		return false;
	*pte = new;
	return true;
}
