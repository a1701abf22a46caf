/*
 * x86-64 pmap: the verbs of pmap.h (see there for the contract and the
 * lock), the top of mm/pmap/ but for the readers. Each verb takes the lock,
 * calls down the layers (mm/pmap/README.md) and flushes once.
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

static paddr_t kernel_pml4_pa;   /* (c) set once by pmap_bootstrap */
static struct pmap *cpu_pmap[MAX_CPUS];   /* (g) what each CPU's CR3 holds */

/*
 * Records the kernel's PML4 for pmap_create() and checks that the CPU runs
 * with NX enabled (without EFER.NXE, bit 63 would be a reserved bit).
 */
void pmap_bootstrap(paddr_t kernel_pml4)
{
	kernel_pml4_pa = kernel_pml4;
#ifndef HOST_TEST
	pte_nx_enabled = (rdmsr(MSR_EFER) & EFER_NXE) != 0;
#endif
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
	if (pm->pml4->used != 0 || pm->stat.resident != 0 || pm->stat.leaf_private != 0 ||
	    pm->mirrors)
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
 * segment is no longer eligible, or sharing was switched off) or a 2 MiB
 * leaf there (a copy or a private leaf) is removed and flushed first, so
 * the private table replaces it.
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
	tlb_batch_init(&b, pm, &pmap_gstat);
	r = pt_walk(pm->pml4, PML4_LEVEL, va, PT_LEVEL, &p, NULL, NULL);
	if (p.link)
		link_clear_locked(pm, &p, p.link, &b);
	else if (r == PD_LEVEL && pte_leaf(*p.pte[PD_LEVEL], PD_LEVEL))
		leaf_clear_locked(pm, ALIGN_DOWN(va, SEG_SIZE), &p, &b);
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

/*
 * Maps the large page head at va with a private 2 MiB leaf (see pmap.h).
 * Whatever else is there (a link, a copy, a private PT of 4 KiB pieces) is
 * removed and flushed first; mirror records stay, and leave the private
 * leaf alone.
 */
int pmap_enter_leaf(struct pmap *pm, vaddr_t va, struct vm_page *head, int prot)
{
	struct pv_entry *pv;
	struct pt_path p;
	struct tlb_batch b;
	pte_t e;
	int r;

	if (prot == PROT_NONE || !(head->flags & PG_LARGE) || !IS_ALIGNED(va, SEG_SIZE) ||
	    va >= USER_TOP)
		panic("pmap_enter_leaf: bad request va %p prot %d", (void *)va, prot);
	pv = pv_alloc();
	if (!pv)
		return -ENOMEM;
	spin_lock(&pmap_lock);
	tlb_batch_init(&b, pm, &pmap_gstat);
	r = pt_walk(pm->pml4, PML4_LEVEL, va, PD_LEVEL, &p, NULL, NULL);
	e = r == PD_LEVEL && !p.link ? *p.pte[PD_LEVEL] : 0;
	if (p.link || (pte_present(e) &&
	               (!(e & PTE_PRIVATE_LEAF) || pte_pa(e) != page_to_phys(head)))) {
		pt_empty_locked(pm, va, va + SEG_SIZE, &b);
		tlb_batch_finish(&b);   /* break before make: the page size changes */
	}
	r = pt_walk(pm->pml4, PML4_LEVEL, va, PD_LEVEL, &p, pt_alloc_private, pm);
	if (r < 0) {
		pt_prune(pm, &p, p.level, &b);
	} else {
		private_leaf_set_locked(pm, va, &p, head, prot, pv, &b);
		pv = NULL;
	}
	tlb_batch_finish(&b);
	spin_unlock(&pmap_lock);
	pv_free(pv);
	return r < 0 ? -ENOMEM : 0;
}

/* Removes every mapping in [sva, eva) (see pmap.h). */
void pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva)
{
	struct tlb_batch b;

	spin_lock(&pmap_lock);
	tlb_batch_init(&b, pm, &pmap_gstat);
	pmap_remove_locked(pm, sva, eva, &b);
	tlb_batch_finish(&b);
	spin_unlock(&pmap_lock);
}

/* Lowers the rights in [sva, eva) to at most prot (see pmap.h). */
void pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, int prot)
{
	struct tlb_batch b;

	spin_lock(&pmap_lock);
	tlb_batch_init(&b, pm, &pmap_gstat);
	pmap_protect_locked(pm, sva, eva, prot, &b);
	tlb_batch_finish(&b);
	spin_unlock(&pmap_lock);
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
	r = obj_fill_locked(s->po, s->off, pg, &pv);
	*filled = r == OBJ_FILLED;
	if (r == OBJ_RESTORED)
		tlb_object_changed(pmap_list, links_tree_locked, s->po, &pmap_gstat);
	if (r >= 0)
		r = link_locked(pm, s, false, &b);
	tlb_batch_finish(&b);
	spin_unlock(&pmap_lock);
	pv_free(pv);
	return r;
}

/* See pmap.h. */
int pmap_object_fill_wired(struct pmap_object *po, uint64_t off, struct vm_page *const *pages,
                           int n)
{
	struct pv_entry *none = NULL;
	int filled = 0, r = 0;
	bool restored = false;

	spin_lock(&pmap_lock);
	for (int i = 0; i < n && r >= 0; i++) {
		if (!pages[i])
			continue;
		if (!(pages[i]->flags & PG_WIRED))
			panic("pmap_object_fill_wired: page at offset %p is not wired",
			      (void *)(off + i * PAGE_SIZE));
		r = obj_fill_locked(po, off + (uint64_t)i * PAGE_SIZE, pages[i], &none);
		filled += r == OBJ_FILLED;
		restored |= r == OBJ_RESTORED;
	}
	if (restored)
		tlb_object_changed(pmap_list, links_tree_locked, po, &pmap_gstat);
	spin_unlock(&pmap_lock);
	return r < 0 ? r : filled;
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

/* See pmap.h. */
int pmap_enter_large(struct pmap *pm, const struct pmap_segment *s, struct vm_page *head,
                     bool *filled)
{
	uint64_t off = ALIGN_DOWN(s->off, SEG_SIZE);
	struct pv_entry *pv = NULL;
	struct tlb_batch b;
	int r;

	if (!(head->flags & PG_LARGE) || s->run_start >= s->run_end)
		panic("pmap_enter_large: bad request va %p", (void *)s->va);
	if (!(head->flags & PG_WIRED) && !(pv = pv_alloc()))
		return -ENOMEM;
	spin_lock(&pmap_lock);
	tlb_batch_init(&b, pm, &pmap_gstat);
	r = leaf_fill_locked(s->po, off, head, &pv);
	*filled = r == OBJ_FILLED;
	if (r == OBJ_FILLED) {
		mirrors_push_locked(s->po, off, *obj_leaf_locked(s->po, off));
	} else if (r == OBJ_RESTORED) {
		mirrors_update_locked(s->po, off);
		tlb_object_changed(pmap_list, links_tree_locked, s->po, &pmap_gstat);
	}
	if (r >= 0)
		r = run_link_locked(pm, s, false, &b);
	if (r == 0 && (s->gib || gib_linked_locked(pm, s->va)))
		r = link_locked(pm, s, false, &b);   /* links, or sets the link's rights */
	else if (r == 0)
		r = copy_fault_locked(pm, s, &b);
	tlb_batch_finish(&b);
	spin_unlock(&pmap_lock);
	pv_free(pv);
	return r;
}

/*
 * The entry a PV entry stands for (a PTE, an object leaf or a private
 * leaf); panics if it does not map pg. (g) held.
 */
static pte_t *pv_pte(struct vm_page *pg, const struct pv_entry *pv, struct pt_path *p)
{
	pte_t *pte = NULL;
	int r;

	if (pv->po) {
		pte = obj_entry_locked(pv->po, pv->va);
	} else {
		r = pt_walk(pv->pmap->pml4, PML4_LEVEL, pv->va, PT_LEVEL, p, NULL, NULL);
		if (r == PT_LEVEL && !p->link)
			pte = p->pte[PT_LEVEL];
		else if (r == PD_LEVEL && !p->link && (*p->pte[PD_LEVEL] & PTE_PRIVATE_LEAF))
			pte = p->pte[PD_LEVEL];
	}
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
static void obj_pte_clear_locked(struct pv_entry *pv, pte_t *pte)
{
	struct pmap_object *po = pv->po;   /* pv is freed with the entry */
	uint64_t off = pv->va;

	obj_entry_clear_locked(po, off, pte);
	mirrors_update_locked(po, off);
	tlb_object_changed(pmap_list, links_tree_locked, po, &pmap_gstat);
}

/* Lowers an object PTE or 2 MiB leaf and invalidates it like obj_pte_clear_locked(). */
static void obj_pte_lower_locked(struct pv_entry *pv, pte_t *pte, int prot)
{
	if (!pte_lower(pte, prot))
		return;
	mirrors_update_locked(pv->po, pv->va);
	tlb_object_changed(pmap_list, links_tree_locked, pv->po, &pmap_gstat);
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
			obj_pte_clear_locked(pv, pte);
			continue;
		}
		tlb_batch_init(&b, pv->pmap, &pmap_gstat);
		if (pte == p.pte[PD_LEVEL])
			private_leaf_clear_locked(pv->pmap, pv->va, &p, &b);
		else
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

/* See pmap.h. */
struct pmap_object *pmap_object_create(struct vm_object *owner, uint64_t size)
{
	struct pmap_object *po = kzalloc(sizeof(*po));

	if (!po)
		return NULL;
	po->owner = owner;
	po->size = size;
	po->npd = ALIGN_UP(size, GIB_SIZE) >> GIB_SHIFT;
	po->pd = po->npd ? kzalloc(po->npd * sizeof(po->pd[0])) : NULL;
	if (po->npd && !po->pd) {
		kfree(po);
		return NULL;
	}
	spin_lock(&pmap_lock);
	po->next = pmap_object_list;
	if (pmap_object_list)
		pmap_object_list->prev = po;
	pmap_object_list = po;
	spin_unlock(&pmap_lock);
	return po;
}

/* See pmap.h. */
int pmap_object_resize(struct pmap_object *po, uint64_t size)
{
	unsigned npd = ALIGN_UP(size, GIB_SIZE) >> GIB_SHIFT;
	struct vm_page **pd = NULL, **old = NULL;

	if (npd > po->npd && !(pd = kzalloc(npd * sizeof(*pd))))
		return -ENOMEM;
	spin_lock(&pmap_lock);
	if (pd) {
		if (po->npd)
			memcpy(pd, po->pd, po->npd * sizeof(*pd));
		old = po->pd;
		po->pd = pd;
		po->npd = npd;
	}
	po->size = size;
	spin_unlock(&pmap_lock);
	kfree(old);
	return 0;
}

/*
 * Clears the entries of object PT page pt (object offsets from pt->offset)
 * that map offsets in [off, end): how many.
 */
static size_t obj_pt_clear_range_locked(struct pmap_object *po, struct vm_page *pt,
                                        uint64_t off, uint64_t end)
{
	pte_t *t = page_to_virt(pt);
	size_t n = 0;

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t o = pt->offset + i * PAGE_SIZE;

		if (o < off || o >= end || !pte_present(t[i]))
			continue;
		obj_entry_clear_locked(po, o, &t[i]);
		n++;
	}
	return n;
}

/* See pmap.h: one walk of the object's tables, one invalidation for all. */
void pmap_object_remove(struct pmap_object *po, uint64_t off, uint64_t end)
{
	size_t cleared = 0;

	spin_lock(&pmap_lock);
	end = MIN(end, (uint64_t)po->npd << GIB_SHIFT);
	for (uint64_t seg = ALIGN_DOWN(off, SEG_SIZE); seg < end; seg += SEG_SIZE) {
		struct vm_page *pd = po->pd[seg >> GIB_SHIFT];
		pte_t *e;

		if (!pd) {
			seg = ALIGN_UP(seg + 1, GIB_SIZE) - SEG_SIZE;
			continue;
		}
		e = (pte_t *)page_to_virt(pd) + level_index(seg, PD_LEVEL);
		if (pte_leaf(*e, PD_LEVEL)) {
			if (seg >= off && seg + SEG_SIZE <= end) {
				obj_entry_clear_locked(po, seg, e);
				mirrors_update_locked(po, seg);
				cleared++;
			}
		} else if (pte_present(*e)) {
			cleared += obj_pt_clear_range_locked(po, pte_page(*e), off, end);
		}
	}
	if (cleared)
		tlb_object_changed(pmap_list, links_tree_locked, po, &pmap_gstat);
	spin_unlock(&pmap_lock);
}

/* See pmap.h: O(resident pages) for the PV entries, no TLB work. */
void pmap_object_destroy(struct pmap_object *po)
{
	spin_lock(&pmap_lock);
	if (po->mirrors)
		panic("pmap_object_destroy: object %p still has leaf mirrors", (void *)po->owner);
	obj_tables_free_locked(po);
	if (po->prev)
		po->prev->next = po->next;
	else
		pmap_object_list = po->next;
	if (po->next)
		po->next->prev = po->prev;
	spin_unlock(&pmap_lock);
	kfree(po->pd);
	kfree(po);
}
