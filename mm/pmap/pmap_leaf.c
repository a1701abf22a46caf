/*
 * 2 MiB leaves as processes see them (see pmap.h and pmap_impl.h): copies
 * of an object's leaves in a process's own PD pages and the leaf mirrors
 * that keep those copies in sync with the object. The bottom of the
 * process side (mm/pmap/README.md): links (pmap_link.c) sit above it.
 *
 * Why mirrors. A PD page maps 1 GiB, so a process can share the object's
 * PD page only for a whole GiB-aligned GiB (a PDPTE link, pmap_link.c).
 * Anywhere else the process PD page is its own and holds one copy per
 * 2 MiB leaf. Copying at fault time alone would cost every process one
 * fault per 2 MiB; instead a process registers a mirror over the run of
 * 2 MiB segments of its mapping (at its first fault there, or at attach
 * with prelinking), and every leaf the object gains later is written into
 * all mirrors at once. Filling an empty entry needs no flush; clearing or
 * lowering a copy flushes that address space (tlb_batch_page on its VA,
 * which drops the 2 MiB TLB entry).
 *
 * Splitting (pmap.h): range verbs drop a mirror they touch only in part,
 * with all its copies, and never change the object's leaves.
 *
 * Private leaves. Without sharing, a process maps a large page that its
 * mapping covers whole with one 2 MiB leaf of its own (PTE_PRIVATE_LEAF),
 * as Linux maps a hugetlb page without PMD sharing: one PD entry and one
 * PV entry per process and 2 MiB, where 4 KiB pieces would cost a PT page
 * and 512 PV entries. It belongs to no mirror: the PV entry, not the
 * object, finds it, and a mirror over it leaves it alone, as it leaves a
 * private PT alone.
 *
 * All under (g) pmap_lock; mirror records come from the heap (a leaf lock).
 */
#include "kernel/printk.h"
#include "mm/kmalloc.h"
#include "mm/pmap/pmap_impl.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

/* Counts one copy more (delta 1) or less (-1) in pm and in the system. */
static void count_copy(struct pmap *pm, int delta)
{
	pm->stat.leaf_copies += delta;
	pmap_gstat.leaf_copies += delta;
}

/* Counts one private leaf more (delta 1) or less (-1) in pm and in the system. */
static void count_private(struct pmap *pm, int delta)
{
	pm->stat.leaf_private += delta;
	pmap_gstat.leaf_private += delta;
}

/* Counts one mirror more (delta 1) or less (-1) in pm and in the system. */
static void count_mirror(struct pmap *pm, int delta)
{
	pm->stat.leaf_mirrors += delta;
	pmap_gstat.leaf_mirrors += delta;
}

/*
 * The PD entry that gives a mirror with rights `prot` the object leaf
 * `leaf`: the leaf's page, the mapping's rights, never more than the leaf
 * allows (x86 does not AND the rights of a leaf with anything below it).
 */
pte_t copy_of(pte_t leaf, int prot)
{
	uint64_t flags = pte_flags_for(prot) | PTE_PS;

	if (!(leaf & PTE_W))
		flags &= ~PTE_W;
	return pte_make(pte_pa(leaf), flags | (leaf & PTE_NX));
}

/* The object offset that mirror m maps at va (inside m). */
static uint64_t mirror_off(const struct leaf_mirror *m, vaddr_t va)
{
	return m->off + (va - m->va);
}

/* The first mirror of pm overlapping [start, end), or NULL. (g) held. */
struct leaf_mirror *mirror_find_locked(struct pmap *pm, vaddr_t start, vaddr_t end)
{
	ASSERT_HELD(&pmap_lock);
	for (struct leaf_mirror *m = pm->mirrors; m; m = m->pm_next)
		if (m->va < end && start < m->va + m->len)
			return m;
	return NULL;
}

/*
 * The copied 2 MiB leaf of pm at va, or NULL (no entry, a private PT or
 * private leaf, or va under a link); the walk is left in *p. (g) held.
 */
pte_t *copy_at_locked(struct pmap *pm, vaddr_t va, struct pt_path *p)
{
	pte_t e;

	if (pt_walk(pm->pml4, PML4_LEVEL, va, PT_LEVEL, p, NULL, NULL) != PD_LEVEL || p->link)
		return NULL;
	e = *p->pte[PD_LEVEL];
	return pte_leaf(e, PD_LEVEL) && !(e & PTE_PRIVATE_LEAF) ? p->pte[PD_LEVEL] : NULL;
}

/*
 * Maps the large page `head` at va (2 MiB aligned) with a private leaf of
 * pm granting prot, in place of what p->pte[PD_LEVEL] holds: nothing, or
 * a private leaf of the same page, whose rights are set. The walk p
 * reaches the PD level with no link. pv (preallocated) is consumed or
 * freed. (g) held.
 */
void private_leaf_set_locked(struct pmap *pm, vaddr_t va, struct pt_path *p,
                             struct vm_page *head, int prot, struct pv_entry *pv,
                             struct tlb_batch *b)
{
	pte_t new = pte_make(page_to_phys(head), pte_flags_for(prot) | PTE_PS | PTE_PRIVATE_LEAF);
	pte_t old = *p->pte[PD_LEVEL];

	ASSERT_HELD(&pmap_lock);
	if (pte_present(old)) {
		if (!(old & PTE_PRIVATE_LEAF) || pte_pa(old) != page_to_phys(head))
			panic("private_leaf_set_locked: va %p holds another entry", (void *)va);
		pv_free(pv);
		if ((old & ~(PTE_A | PTE_D)) != new) {
			*p->pte[PD_LEVEL] = new | (old & (PTE_A | PTE_D));
			tlb_batch_page(b, va);
		}
		return;
	}
	pv_insert(head, pv, pm, NULL, va);
	*p->pte[PD_LEVEL] = new;
	p->table[PD_LEVEL]->used++;
	count_private(pm, 1);
}

/*
 * Clears the private leaf p->pte[PD_LEVEL] of pm at va, frees its PV
 * entry, queues its invalidation and prunes the tables it empties.
 * (g) held.
 */
void private_leaf_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p,
                               struct tlb_batch *b)
{
	pte_t old = *p->pte[PD_LEVEL];

	ASSERT_HELD(&pmap_lock);
	*p->pte[PD_LEVEL] = 0;
	p->table[PD_LEVEL]->used--;
	pv_remove(pte_page(old), pm, NULL, va);
	count_private(pm, -1);
	tlb_batch_page(b, va);
	pt_prune(pm, p, PD_LEVEL, b);
}

/* Is the GiB around va linked whole (PDPTE -> object PD) in pm? (g) held. */
bool gib_linked_locked(struct pmap *pm, vaddr_t va)
{
	struct pt_path p;

	pt_walk(pm->pml4, PML4_LEVEL, va, PD_LEVEL, &p, NULL, NULL);
	return p.link == PDPT_LEVEL;
}

/*
 * Writes the copy of object leaf `leaf` for mirror m at va (2 MiB aligned,
 * inside m) when the process entry there is empty, creating the process
 * tables on the way; an entry holding anything else is left alone. b is a
 * batch of m->pmap (tables created before an allocation failure are freed
 * through it). Returns 0 or -ENOMEM. (g) held.
 */
int copy_install_locked(struct leaf_mirror *m, vaddr_t va, pte_t leaf, struct tlb_batch *b)
{
	struct pmap *pm = m->pmap;
	struct pt_path p;
	int r = pt_walk(pm->pml4, PML4_LEVEL, va, PD_LEVEL, &p, pt_alloc_private, pm);

	if (r < 0) {
		pt_prune(pm, &p, p.level, b);
		return -ENOMEM;
	}
	if (p.link)
		panic("copy_install_locked: mirror at va %p lies under a link", (void *)va);
	if (pte_present(*p.pte[PD_LEVEL]))
		return 0;
	/* The leaf's page is the object's and complete: publish at once. */
	__atomic_store_n(p.pte[PD_LEVEL], copy_of(leaf, m->prot), __ATOMIC_RELEASE);
	p.table[PD_LEVEL]->used++;
	count_copy(pm, 1);
	return 0;
}

/*
 * Clears the copied leaf p->pte[PD_LEVEL] of pm at va (its mirror stays),
 * queues its invalidation and prunes the tables it leaves empty. (g) held.
 */
void copy_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p, struct tlb_batch *b)
{
	ASSERT_HELD(&pmap_lock);
	*p->pte[PD_LEVEL] = 0;
	p->table[PD_LEVEL]->used--;
	count_copy(pm, -1);
	tlb_batch_page(b, va);
	pt_prune(pm, p, PD_LEVEL, b);
}

/* Clears the 2 MiB leaf p->pte[PD_LEVEL] of pm at va, a copy or a private one. (g) held. */
void leaf_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p, struct tlb_batch *b)
{
	if (*p->pte[PD_LEVEL] & PTE_PRIVATE_LEAF)
		private_leaf_clear_locked(pm, va, p, b);
	else
		copy_clear_locked(pm, va, p, b);
}

/*
 * Brings the copy *c of mirror m at va in line with the object: cleared
 * when the object leaf is gone, else rewritten from the leaf and m->prot
 * (keeping the accessed and dirty bits). b is a batch of m->pmap. (g) held.
 */
static void copy_refresh_locked(struct leaf_mirror *m, vaddr_t va, pte_t *c, struct pt_path *p,
                                struct tlb_batch *b)
{
	pte_t *leaf = obj_leaf_locked(m->po, mirror_off(m, va));
	pte_t want;

	if (!leaf) {
		copy_clear_locked(m->pmap, va, p, b);
		return;
	}
	want = copy_of(*leaf, m->prot) | (*c & (PTE_A | PTE_D));
	if (*c != want) {
		*c = want;
		tlb_batch_page(b, va);
	}
}

/* Takes m off its pmap's list of mirrors. (g) held. */
static void pm_list_remove(struct leaf_mirror *m)
{
	struct leaf_mirror **pp = &m->pmap->mirrors;

	while (*pp != m)
		pp = &(*pp)->pm_next;
	*pp = m->pm_next;
}

/* Takes m off its object tree's list of mirrors. (g) held. */
static void po_list_remove(struct leaf_mirror *m)
{
	struct leaf_mirror **pp = &m->po->mirrors;

	while (*pp != m)
		pp = &(*pp)->po_next;
	*pp = m->po_next;
}

/*
 * Removes mirror m: clears every copy it holds (the object's leaves stay),
 * queues their invalidation in b (a batch of m->pmap) and frees the record.
 * (g) held.
 */
static void mirror_drop_locked(struct leaf_mirror *m, struct tlb_batch *b)
{
	for (vaddr_t va = m->va; va < m->va + m->len; va += SEG_SIZE) {
		struct pt_path p;

		if (copy_at_locked(m->pmap, va, &p))
			copy_clear_locked(m->pmap, va, &p, b);
	}
	pm_list_remove(m);
	po_list_remove(m);
	count_mirror(m->pmap, -1);
	kfree(m);
}

/* Gives mirror m the rights `prot` and rewrites its copies; b is a batch of m->pmap. */
static void mirror_set_rights_locked(struct leaf_mirror *m, int prot, struct tlb_batch *b)
{
	m->prot = prot;
	for (vaddr_t va = m->va; va < m->va + m->len; va += SEG_SIZE) {
		struct pt_path p;
		pte_t *c = copy_at_locked(m->pmap, va, &p);

		if (c)
			copy_refresh_locked(m, va, c, &p, b);
	}
}

/*
 * A new mirror of pm over [va, va + len) (inside one VA GiB) for the
 * object offsets from off, with rights prot, into which the leaves the
 * object already has are copied (best effort: a copy whose tables cannot be
 * allocated is left to a fault). This is the one place mirrors are made,
 * and it keeps their rules: any other mirror of pm overlapping the range
 * (left over from before an entry merge) is dropped first, and under a GiB
 * link none is made (the link already shows every leaf). Returns 0, or
 * -ENOMEM when the record cannot be allocated. (g) held.
 */
static int mirror_create_locked(struct pmap *pm, struct pmap_object *po, vaddr_t va,
                                uint64_t off, uint64_t len, int prot, struct tlb_batch *b)
{
	struct leaf_mirror *m;

	if (gib_linked_locked(pm, va))
		return 0;
	while ((m = mirror_find_locked(pm, va, va + len)) != NULL)
		mirror_drop_locked(m, b);
	if (!(m = kzalloc(sizeof(*m))))
		return -ENOMEM;
	*m = (struct leaf_mirror){ pm, po, va, off, len, prot, pm->mirrors, po->mirrors };
	pm->mirrors = m;
	po->mirrors = m;
	count_mirror(pm, 1);
	for (uint64_t d = 0; d < len; d += SEG_SIZE) {
		pte_t *leaf = obj_leaf_locked(po, off + d);

		if (leaf)
			copy_install_locked(m, va + d, *leaf, b);
	}
	return 0;
}

/*
 * Makes [start, end) of pm (2 MiB aligned, inside one VA GiB, part of the
 * run of s) mirror the object's leaves: keeps an identical mirror (with
 * the rights s->prot unless prelinking), else makes a new one. Returns 0
 * or -ENOMEM. (g) held.
 */
int mirror_range_locked(struct pmap *pm, const struct pmap_segment *s, vaddr_t start,
                               vaddr_t end, bool prelink, struct tlb_batch *b)
{
	uint64_t off = s->off + (start - s->va);   /* modular: start may lie below va */
	struct leaf_mirror *m = mirror_find_locked(pm, start, end);

	if (m && m->po == s->po && m->va == start && m->len == end - start && m->off == off) {
		if (!prelink && m->prot != s->prot)
			mirror_set_rights_locked(m, s->prot, b);
		return 0;
	}
	return mirror_create_locked(pm, s->po, start, off, end - start, s->prot, b);
}

/*
 * For the range verbs, before they walk [sva, eva): a remove drops every
 * mirror of pm it touches; a protect lowers to at most prot the rights of
 * the mirrors it covers whole and drops those it covers in part (a
 * partial change unlinks, rule 5 of docs/correctness.md). (g) held.
 */
void mirrors_range_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, bool remove, int prot,
                          struct tlb_batch *b)
{
	struct leaf_mirror *m, *next;

	ASSERT_HELD(&pmap_lock);
	for (m = pm->mirrors; m; m = next) {
		next = m->pm_next;
		if (m->va >= eva || m->va + m->len <= sva)
			continue;
		if (remove || m->va < sva || m->va + m->len > eva)
			mirror_drop_locked(m, b);
		else
			mirror_set_rights_locked(m, (m->prot & prot) | PROT_READ, b);
	}
}

/*
 * A new object leaf at off: copies it into every mirror of po that covers
 * off (best effort: a failed table allocation leaves it to a fault). The
 * copies fill empty entries, so no flush is needed. (g) held.
 */
void mirrors_push_locked(struct pmap_object *po, uint64_t off, pte_t leaf)
{
	ASSERT_HELD(&pmap_lock);
	for (struct leaf_mirror *m = po->mirrors; m; m = m->po_next) {
		struct tlb_batch b;

		if (off < m->off || off >= m->off + m->len)
			continue;
		tlb_batch_init(&b, m->pmap, &pmap_gstat);
		copy_install_locked(m, m->va + (off - m->off), leaf, &b);
		tlb_batch_finish(&b);
	}
}

/*
 * The object leaf at off was cleared or lowered (rule 6 of docs/correctness.md): every
 * copy of it is cleared or rewritten, and each address space concerned is
 * flushed where it runs. (g) held.
 */
void mirrors_update_locked(struct pmap_object *po, uint64_t off)
{
	ASSERT_HELD(&pmap_lock);
	for (struct leaf_mirror *m = po->mirrors; m; m = m->po_next) {
		vaddr_t va = m->va + (off - m->off);
		struct tlb_batch b;
		struct pt_path p;
		pte_t *c;

		if (off < m->off || off >= m->off + m->len)
			continue;
		tlb_batch_init(&b, m->pmap, &pmap_gstat);
		c = copy_at_locked(m->pmap, va, &p);
		if (c)
			copy_refresh_locked(m, va, c, &p, &b);
		tlb_batch_finish(&b);
	}
}
