/*
 * TLB invalidation: the only place that executes invlpg or reloads CR3.
 *
 * A pmap verb collects the pages it changed in a tlb_batch and flushes once
 * at the end (tlb_batch_finish): one invlpg per page up to TLB_BATCH_MAX,
 * a full flush (CR3 reload) beyond that or when a page-table page was
 * unlinked (a CR3 reload also empties the paging-structure caches, which
 * may hold the unlinked table). Only the CPUs whose CR3 holds the address
 * space need flushing (no PCID: a CR3 load at the next switch flushes the
 * rest): this CPU directly, the others through a shootdown IPI
 * (kernel/tlb.h) that returns once they have flushed, so table pages are
 * freed only after every CPU that could cache them has let go. On the host
 * the instructions are replaced by counting, so tests can check the exact
 * number of flushes.
 *
 * The layer above the entries and below everything else of mm/pmap/
 * (README.md): it knows a pmap only as the tables it flushes, and is handed
 * the counters to count in and the pmaps to visit.
 *
 * Counters (g): pmap->stat and the system-wide counters given to
 * tlb_batch_init, tlb_flushes and tlb_invlpg.
 */
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/tlb.h"
#include "mm/pmap/pmap_break.h"
#include "mm/pmap/pmap_impl.h"

/* Loads CR3 (a full flush of non-global entries). */
void pmap_hw_load_cr3(paddr_t pml4)
{
#ifdef HOST_TEST
	(void)pml4;
#else
	write_cr3(pml4);
#endif
}

static void hw_invlpg(vaddr_t va)
{
#ifdef HOST_TEST
	(void)va;
#else
	invlpg(va);
#endif
}

/* Asks the other CPUs in `cpus` to flush; a full flush when n is 0. */
static void hw_shootdown(uint64_t cpus, paddr_t cr3, const vaddr_t *va, int n)
{
#ifdef HOST_TEST
	(void)cpus, (void)cr3, (void)va, (void)n;
#else
	tlb_shootdown(cpus, cr3, va, n);
#endif
}

void tlb_batch_init(struct tlb_batch *b, struct pmap *pm, struct vmstat *gstat)
{
	b->pmap = pm;
	b->gstat = gstat;
	b->count = 0;
	b->full = false;
	b->free_tables = NULL;
}

/* Queues the invalidation of one page of b->pmap. */
void tlb_batch_page(struct tlb_batch *b, vaddr_t va)
{
	if (b->count < TLB_BATCH_MAX)
		b->va[b->count] = va;
	else
		b->full = true;
	b->count++;
}

/* Asks for a full flush (a link was removed or changed). */
void tlb_batch_all(struct tlb_batch *b)
{
	b->full = true;
}

/* Queues an unlinked table page: it is freed after the flush. */
void tlb_batch_free_table(struct tlb_batch *b, struct vm_page *table)
{
	table->next = b->free_tables;
	b->free_tables = table;
	b->full = true;
}

/* Frees the table pages queued in b. */
static void free_queued_tables(struct tlb_batch *b)
{
	while (b->free_tables) {
		struct vm_page *pg = b->free_tables;

		b->free_tables = pg->next;
		pg->next = NULL;
		page_free(pg);
	}
}

/*
 * The flush point: invalidates what was queued on every CPU where b->pmap
 * is loaded, then frees the queued table pages (lesson 7 frees them first).
 * (g) held.
 */
void tlb_batch_finish(struct tlb_batch *b)
{
	struct pmap *pm = b->pmap;
	uint64_t self = 1UL << cpu_id();
	uint64_t others = pm->active_cpus & ~self;

	if (b->free_tables && pmap_broken(RULE_FREE_AFTER_FLUSH))
		free_queued_tables(b);
	if ((pm->active_cpus & self) && b->full) {
		pmap_hw_load_cr3(page_to_phys(pm->pml4));
		pm->stat.tlb_flushes++;
		b->gstat->tlb_flushes++;
	} else if (pm->active_cpus & self) {
		for (int i = 0; i < b->count; i++)
			hw_invlpg(b->va[i]);
		pm->stat.tlb_invlpg += b->count;
		b->gstat->tlb_invlpg += b->count;
	}
	if (others && (b->full || b->count))
		hw_shootdown(others, page_to_phys(pm->pml4), b->va, b->full ? 0 : b->count);
	free_queued_tables(b);
	b->count = 0;
	b->full = false;
}

/*
 * An object PTE changed (cleared or lowered): every address space that
 * links its table may cache it, at its own address. Only address spaces
 * loaded on some CPU can hold TLB entries (without PCIDs a CR3 load drops
 * the rest), so each loaded one that `links(pm, arg)` says links the
 * object is flushed whole on the CPUs running it: one flush per running
 * mapper, not per page, and no IPI to a CPU running anything else. pmaps
 * is the registry of live pmaps (pmap_list), gstat the system-wide
 * counters. (g) held.
 */
void tlb_object_changed(struct pmap *pmaps, bool (*links)(struct pmap *pm, const void *arg),
                        const void *arg, struct vmstat *gstat)
{
	for (struct pmap *pm = pmaps; pm; pm = pm->next) {
		struct tlb_batch b;

		if (!pm->active_cpus || !links(pm, arg))
			continue;
		/* Lesson 6: the classic bug, flushing only this CPU's address space. */
		if (!(pm->active_cpus & (1UL << cpu_id())) && pmap_broken(RULE_OBJECT_FLUSH))
			continue;
		tlb_batch_init(&b, pm, gstat);
		tlb_batch_all(&b);
		tlb_batch_finish(&b);
	}
}
