/*
 * x86-64 pmap: process page tables, the walker every caller shares, and the
 * range verbs of pmap.h. See pmap.h for the contract and the lock.
 *
 * A process tree is PML4 -> PDPT -> PD -> PT -> 4 KiB pages, where a PD
 * entry may also be a 2 MiB leaf copied from an object (pmap_leaf.c).
 * Intermediate entries always carry P|W|U: the rights of a mapping live in
 * its leaf. Every private table page has PG_PTABLE set and counts its
 * present entries in vm_page.used, which is how empty tables are found and
 * freed.
 */
#include "kernel/acpi.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/pmap/pmap_impl.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define MSR_EFER  0xc0000080
#define EFER_NXE  (1UL << 11)

struct spinlock pmap_lock = SPINLOCK_INIT("pmap");
struct pmap *pmap_list;
struct vmstat pmap_gstat;

static paddr_t kernel_pml4_pa;   /* (c) set once by pmap_bootstrap */
static struct pmap *cpu_pmap[MAX_CPUS];   /* (g) what each CPU's CR3 holds */
static bool nx_enabled = true;   /* (c) EFER.NXE: may leaves carry NX? */

/*
 * Records the kernel's PML4 for pmap_create() and checks that the CPU runs
 * with NX enabled (without EFER.NXE, bit 63 would be a reserved bit).
 */
void pmap_bootstrap(paddr_t kernel_pml4)
{
	kernel_pml4_pa = kernel_pml4;
#ifndef HOST_TEST
	nx_enabled = (rdmsr(MSR_EFER) & EFER_NXE) != 0;
#endif
}

/* Leaf PTE flags for a mapping with rights `prot` (not PROT_NONE). */
uint64_t pte_flags_for(int prot)
{
	uint64_t f = PTE_P | PTE_U;

	if (prot & PROT_WRITE)
		f |= PTE_W;
	if (!(prot & PROT_EXEC) && nx_enabled)
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

/*
 * Lowers the rights of entry *pte to at most `prot` (clears R/W, sets NX).
 * Returns whether it changed; the caller queues the invalidation.
 */
bool pte_lower(pte_t *pte, int prot)
{
	pte_t new = *pte;

	if (!(prot & PROT_WRITE))
		new &= ~PTE_W;
	if (!(prot & PROT_EXEC) && nx_enabled)
		new |= PTE_NX;
	if (new == *pte)
		return false;
	*pte = new;
	return true;
}

/* Creates an address space holding only the kernel half. */
struct pmap *pmap_create(void)
{
	struct pmap *pm = kzalloc(sizeof(*pm));
	pte_t *kernel, *top;

	if (!pm)
		return NULL;
	spin_lock(&pmap_lock);
	pm->pml4 = pt_alloc_private(pm);
	if (!pm->pml4) {
		spin_unlock(&pmap_lock);
		kfree(pm);
		return NULL;
	}
	top = page_to_virt(pm->pml4);
	if (kernel_pml4_pa) {
		kernel = phys_to_virt(kernel_pml4_pa);
		memcpy(top + PML4_USER_SLOTS, kernel + PML4_USER_SLOTS,
		       PML4_USER_SLOTS * sizeof(pte_t));
	}
	pm->next = pmap_list;
	if (pmap_list)
		pmap_list->prev = pm;
	pmap_list = pm;
	spin_unlock(&pmap_lock);
	return pm;
}

/* Frees an empty, inactive pmap (see pmap.h). */
void pmap_destroy(struct pmap *pm)
{
	spin_lock(&pmap_lock);
	if (pm->active_cpus)
		panic("pmap_destroy: pmap %p is active on cpus %lx", (void *)pm,
		      (unsigned long)pm->active_cpus);
	if (pm->pml4->used != 0 || pm->stat.resident != 0 || pm->mirrors)
		panic("pmap_destroy: pmap %p still maps user memory", (void *)pm);
	if (pm->prev)
		pm->prev->next = pm->next;
	else
		pmap_list = pm->next;
	if (pm->next)
		pm->next->prev = pm->prev;
	pm->pml4->flags &= ~PG_PTABLE;
	pm->stat.pt_pages--;
	pmap_gstat.pt_pages--;
	spin_unlock(&pmap_lock);
	page_free(pm->pml4);
	kfree(pm);
}

/* Switches this CPU to pm (NULL: the kernel's own tables). */
void pmap_activate(struct pmap *pm)
{
	int cpu = cpu_id();

	spin_lock(&pmap_lock);
	if (cpu_pmap[cpu])
		cpu_pmap[cpu]->active_cpus &= ~(1UL << cpu);
	cpu_pmap[cpu] = pm;
	if (pm)
		pm->active_cpus |= 1UL << cpu;
	pmap_hw_load_cr3(pm ? page_to_phys(pm->pml4) : kernel_pml4_pa);
	spin_unlock(&pmap_lock);
}

paddr_t pmap_cr3(const struct pmap *pm)
{
	return page_to_phys(pm->pml4);
}

/*
 * Installs the PTE for (va -> pg) once the table exists; `pv` is a
 * preallocated entry, consumed or freed here. (g) held.
 */
static void pte_install_locked(struct pmap *pm, vaddr_t va, struct pt_path *p,
                               struct vm_page *pg, int prot, struct pv_entry *pv,
                               struct tlb_batch *b)
{
	pte_t new = pte_make(page_to_phys(pg), pte_flags_for(prot));
	pte_t old = *p->pte[PT_LEVEL];

	ASSERT_HELD(&pmap_lock);
	if (pte_present(old) && pte_pa(old) == page_to_phys(pg)) {
		pv_free(pv);
		if ((old & ~(PTE_A | PTE_D)) != new) {
			*p->pte[PT_LEVEL] = new | (old & (PTE_A | PTE_D));
			tlb_batch_page(b, va);
		}
		return;
	}
	if (pte_present(old)) {
		pv_remove(pte_page(old), pm, NULL, va);
		tlb_batch_page(b, va);
	} else {
		p->table[PT_LEVEL]->used++;
		pm->stat.resident++;
		pmap_gstat.resident++;
	}
	pv_insert(pg, pv, pm, NULL, va);
	*p->pte[PT_LEVEL] = new;
}

/*
 * Maps pg at va in a private table (see pmap.h). A link covering va (the
 * segment is no longer eligible, or sharing was switched off) or a copied
 * 2 MiB leaf there is removed and flushed first, so the private table
 * replaces it.
 */
int pmap_enter(struct pmap *pm, vaddr_t va, struct vm_page *pg, int prot, int flags)
{
	struct pv_entry *pv;
	struct pt_path p;
	struct tlb_batch b;
	int r;

	if (prot == PROT_NONE || flags != 0 || !IS_ALIGNED(va, PAGE_SIZE) || va >= USER_TOP)
		panic("pmap_enter: bad request va %p prot %d flags %d", (void *)va, prot, flags);
	pv = pv_alloc();
	if (!pv)
		return -ENOMEM;
	spin_lock(&pmap_lock);
	tlb_batch_init(&b, pm);
	r = pt_walk(pm->pml4, PML4_LEVEL, va, PT_LEVEL, &p, NULL, NULL);
	if (p.link)
		link_clear_locked(pm, &p, p.link, &b);
	else if (r == PD_LEVEL && pte_leaf(*p.pte[PD_LEVEL], PD_LEVEL))
		copy_clear_locked(pm, va, &p, &b);
	tlb_batch_finish(&b);   /* break before make: 2 MiB (or linked) becomes 4 KiB */
	r = pt_walk(pm->pml4, PML4_LEVEL, va, PT_LEVEL, &p, pt_alloc_private, pm);
	if (r < 0) {
		/* Tables created before the failure are still empty: drop them. */
		pt_prune(pm, &p, p.level, &b);
	} else {
		pte_install_locked(pm, va, &p, pg, prot, pv, &b);
		pv = NULL;
	}
	tlb_batch_finish(&b);
	spin_unlock(&pmap_lock);
	pv_free(pv);
	return r < 0 ? -ENOMEM : 0;
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
 * segment (or GiB), and unlinks it otherwise (rule: partial changes unlink).
 */
static void range_link_locked(struct pmap *pm, vaddr_t va, struct pt_path *p,
                              const struct range_op *op, struct tlb_batch *b)
{
	vaddr_t start = ALIGN_DOWN(va, level_size(p->link));

	ASSERT_HELD(&pmap_lock);
	if (op->remove || start < op->sva || start + level_size(p->link) > op->eva)
		link_clear_locked(pm, p, p->link, b);
	else if (link_lower_locked(p, p->link, op->prot))
		tlb_batch_all(b);
}

/*
 * Applies op to a copied 2 MiB leaf the walk p found at va: a remove, or a
 * protect that covers it only in part, clears it; a protect of all of it
 * lowers its rights. (g) held.
 */
static void range_copy_locked(struct pmap *pm, vaddr_t va, struct pt_path *p,
                              const struct range_op *op, struct tlb_batch *b)
{
	vaddr_t start = ALIGN_DOWN(va, SEG_SIZE);

	ASSERT_HELD(&pmap_lock);
	if (op->remove || start < op->sva || start + SEG_SIZE > op->eva)
		copy_clear_locked(pm, va, p, b);
	else if (pte_lower(p->pte[PD_LEVEL], op->prot))
		tlb_batch_page(b, va);
}

/*
 * Applies op to every private leaf, copied 2 MiB leaf and link of pm in
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
			range_copy_locked(pm, va, &p, op, b);
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

/* Removes every mapping in [sva, eva) (see pmap.h). */
void pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	struct tlb_batch b;

	spin_lock(&pmap_lock);
	tlb_batch_init(&b, pm);
	pmap_remove_locked(pm, sva, eva, &b);
	tlb_batch_finish(&b);
	spin_unlock(&pmap_lock);
}

/* Lowers the rights in [sva, eva) to at most prot (see pmap.h). */
void pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, int prot)
{
	struct range_op op = { sva, MIN(eva, USER_TOP), prot == PROT_NONE, prot };
	struct tlb_batch b;

	spin_lock(&pmap_lock);
	tlb_batch_init(&b, pm);
	mirrors_range_locked(pm, op.sva, op.eva, op.remove, prot, &b);
	pt_range_locked(pm, &op, &b);
	tlb_batch_finish(&b);
	spin_unlock(&pmap_lock);
}
