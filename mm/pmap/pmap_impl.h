/*
 * Internals shared by the files of mm/pmap/ (never included from outside):
 * the pmap and object-tree structures, the one page-table walker, links,
 * PV entries and the TLB invalidation batch.
 *
 * Table pages: a private table of a process has PG_PTABLE; a table of an
 * object tree has PG_OBJTABLE, vm_page.object = the owning vm_object (never
 * dereferenced here), vm_page.offset = first object offset it covers and
 * vm_page.link_count = process entries pointing at it. `used` counts the
 * present entries of any table page (2 MiB leaves included).
 *
 * 2 MiB leaves: an object PD entry with PS=1 maps a large page (its first
 * vm_page, PG_LARGE) with the object's maximum rights. A process maps it
 * either through a GiB link (PDPTE -> the object PD page) or through a
 * "copy": a PS=1 entry in one of its own private PD pages with the same
 * physical address and the mapping's rights. Copies are kept in sync by a
 * leaf mirror (struct leaf_mirror): a record that a range of a process PD
 * mirrors a range of an object's leaves. A new object leaf is copied into
 * every mirror that covers it at once (a push), a cleared or lowered one is
 * cleared or lowered in every copy, and a range verb that touches a mirror
 * drops it whole or changes its rights whole. Invariants (pmap_verify):
 * every copy lies in exactly one mirror of its pmap and equals copy_of()
 * of the object leaf; mirrors of one pmap never overlap, each lies in one
 * VA GiB and none lies under a GiB link. Where the object has a leaf, a
 * mirrored entry may also hold a private PT (mapping 4 KiB pieces of the
 * same block), a private leaf or nothing yet; pushes only fill empty
 * entries.
 *
 * Private leaves: without sharing, a PS=1 entry with PTE_PRIVATE_LEAF in a
 * private PD maps a large page for that process alone, with one PV entry
 * (pmap, va) on the page's first vm_page, like a private 4 KiB PTE.
 *
 * Locks: (g) pmap_lock (see pmap.h); (c) constant after creation.
 */
#ifndef MM_PMAP_PMAP_IMPL_H
#define MM_PMAP_PMAP_IMPL_H

#include "kernel/spinlock.h"
#include "mm/page.h"
#include "mm/pmap/pmap.h"
#include "mm/pmap/pte.h"

struct tlb_batch;
struct leaf_mirror;

#define OBJ_PTE_FLAGS  (PTE_P | PTE_U | PTE_W)            /* object PTEs: maximum rights */
#define OBJ_LEAF_FLAGS (PTE_P | PTE_U | PTE_W | PTE_PS)   /* object 2 MiB leaves */

struct pmap {
	struct vm_page *pml4;        /* (c) top-level table */
	struct pmap *next, *prev;    /* (g) registry of live pmaps */
	uint64_t active_cpus;        /* (g) CPUs whose CR3 holds this pmap */
	struct leaf_mirror *mirrors; /* (g) its leaf mirrors, via pm_next */
	struct vmstat stat;          /* (g) counters; resident = private 4 KiB leaves */
};

/* The page-table tree of one shared VM object, indexed by object offset. */
struct pmap_object {
	struct vm_object *owner;            /* (c) for page ownership checks */
	uint64_t size;                      /* (g) bytes: changes with a file's size */
	unsigned npd;                       /* (g) GiB of offsets: entries of pd[], only grows */
	struct vm_page **pd;                /* (g) PD page per GiB, or NULL */
	struct leaf_mirror *mirrors;        /* (g) mirrors of its leaves, via po_next */
	struct pmap_object *next, *prev;    /* (g) registry of live trees */
};

/*
 * A leaf mirror: pmap's PD entries for [va, va + len) copy the 2 MiB leaves
 * of object tree po for offsets [off, off + len), with rights prot. va, off
 * and len are multiples of 2 MiB and [va, va + len) lies in one VA GiB.
 */
struct leaf_mirror {
	struct pmap *pmap;                  /* (c) */
	struct pmap_object *po;             /* (c) */
	vaddr_t va;                         /* (c) */
	uint64_t off;                       /* (c) */
	uint64_t len;                       /* (c) */
	int prot;                           /* (g) rights of the copies (PROT_*) */
	struct leaf_mirror *pm_next;        /* (g) pmap->mirrors */
	struct leaf_mirror *po_next;        /* (g) po->mirrors */
};

/*
 * One reverse-map entry: `pmap` maps the page at `va`, or, for a PTE of an
 * object tree, pmap is NULL and `po` maps it at offset `va`.
 */
struct pv_entry {
	struct pv_entry *next;       /* (g) the page's pv_list */
	struct pmap *pmap;
	struct pmap_object *po;
	vaddr_t va;
};

/*
 * The declarations below follow the layers of mm/pmap/ from the bottom
 * (README.md; scripts/pmap-layers.sh holds the order and checks it): each
 * file calls only the files of the sections above its own. Every function
 * here runs with (g) held unless its contract says otherwise, and none
 * takes or drops a lock. "Partial failure" tells what an -ENOMEM leaves.
 */

/* ---- TLB invalidation (pmap_tlb.c) ---- */

#define TLB_BATCH_MAX 16   /* more pages than this: one full flush instead */

/*
 * Pending invalidations of one address space, with one flush point
 * (tlb_batch_finish). Table pages unlinked during the operation are freed
 * only after the flush. A finished batch is empty and may be used again:
 * a verb that replaces an entry by one of another page size (a PT pointer
 * by a 2 MiB leaf, a leaf or private table by a link) finishes its batch
 * between clearing and writing, as the Intel SDM asks (4.10.4.2: clear,
 * invalidate, then set), and goes on with it.
 */
struct tlb_batch {
	struct pmap *pmap;
	struct vmstat *gstat;          /* system-wide counters, beside pmap->stat */
	int count;                     /* pages queued in va[] */
	bool full;                     /* flush everything instead */
	vaddr_t va[TLB_BATCH_MAX];
	struct vm_page *free_tables;   /* freed after the flush, via ->next */
};

/* An empty batch for pm whose flushes count in pm->stat and *gstat. */
void tlb_batch_init(struct tlb_batch *b, struct pmap *pm, struct vmstat *gstat);
/* Queues one page of b->pmap; past TLB_BATCH_MAX the batch turns full. */
void tlb_batch_page(struct tlb_batch *b, vaddr_t va);
/* Asks for a full flush (a link or a table was removed or changed). */
void tlb_batch_all(struct tlb_batch *b);
/*
 * Hands over an unlinked table page (no entry points at it any more): the
 * batch frees it to the page allocator after its flush, and turns full.
 */
void tlb_batch_free_table(struct tlb_batch *b, struct vm_page *table);
/*
 * The flush point: invalidates what was queued on every CPU where
 * b->pmap is loaded (a shootdown that returns once they have flushed),
 * then frees the queued table pages, and leaves the batch empty. (g) held.
 */
void tlb_batch_finish(struct tlb_batch *b);
/*
 * An object PTE or leaf changed: flushes whole every pmap of the list
 * `pmaps` (linked by ->next: pmap_list) that is loaded on some CPU and
 * for which links(pm, arg) is true, on the CPUs running it, counting in
 * *gstat. (g) held.
 */
void tlb_object_changed(struct pmap *pmaps, bool (*links)(struct pmap *pm, const void *arg),
                        const void *arg, struct vmstat *gstat);
/* Loads CR3 on this CPU (on the host: nothing). Any lock. */
void pmap_hw_load_cr3(paddr_t pml4);

/* ---- tables and the walker (pmap_table.c) ---- */

extern struct spinlock pmap_lock;
extern struct pmap *pmap_list;               /* (g) live pmaps */
extern struct vmstat pmap_gstat;             /* (g) system-wide counters */
extern bool pte_nx_enabled;                  /* (c) EFER.NXE: may leaves carry NX? */

/* The entries a walk passed through, indexed by level (see pte.h). */
struct pt_path {
	int level;                             /* lowest level filled in */
	int link;                              /* level of the process entry that
	                                          links an object table, or 0 */
	pte_t *pte[PML4_LEVEL + 1];            /* the level-l entry for va */
	struct vm_page *table[PML4_LEVEL + 1]; /* the page holding pte[l] */
};

/* Allocates a zeroed table page for a walk; NULL when out of memory. */
typedef struct vm_page *(*pt_alloc_fn)(void *arg);

/*
 * The one walker: the level-`want` entry for va below table `root` of
 * level `top`, following links like the MMU; a missing table is made with
 * alloc(arg) when alloc is given. Returns want, the level of the first
 * missing entry (alloc NULL), PD_LEVEL at a 2 MiB leaf, or -ENOMEM: then
 * the tables made before the failure stay, empty, for the caller to prune
 * (pt_prune from p->level). (g) held for a live tree.
 */
int pt_walk(struct vm_page *root, int top, vaddr_t va, int want,
            struct pt_path *p, pt_alloc_fn alloc, void *arg);
/* The vm_page an entry points at; panics outside managed memory. Any lock. */
struct vm_page *pte_page(pte_t pte);
/* Leaf bits for a mapping with rights prot (not PROT_NONE). Any lock. */
uint64_t pte_flags_for(int prot);
/* The rights (PROT_*) an entry grants at its own level. Any lock. */
int pte_prot(pte_t pte);

/*
 * Visits every present entry of the tree below `table` (level `level`,
 * first address `base`) in address order, parents before children; only
 * the user half of a PML4. fn returns false to skip an entry's subtree;
 * it must not change the tree. (g) held for a live tree.
 */
typedef bool (*pt_visit_fn)(int level, vaddr_t va, pte_t pte, struct vm_page *table, void *arg);
void pt_visit(struct vm_page *table, int level, vaddr_t base, pt_visit_fn fn, void *arg);

/*
 * pt_alloc_fn of process trees: a zeroed private table page counted in
 * pmap `arg` (pt_pages); NULL when out of memory. pt_prune gives it back.
 */
struct vm_page *pt_alloc_private(void *arg);
/*
 * Frees the empty private tables on the path p from the one holding the
 * level-`from` entries upward (never the PML4), through b: freed after
 * b's flush. (g) held.
 */
void pt_prune(struct pmap *pm, struct pt_path *p, int from, struct tlb_batch *b);
/*
 * Lowers *pte to at most prot (clears W, sets NX); returns whether it
 * changed. The caller queues the invalidation. (g) held.
 */
bool pte_lower(pte_t *pte, int prot);

/* ---- PV entries (pmap_pv.c) ---- */

/* A new unlinked entry, or NULL when the heap is exhausted. Any lock. */
struct pv_entry *pv_alloc(void);
/* Frees an entry that is on no list (NULL: nothing). Any lock. */
void pv_free(struct pv_entry *pv);
/*
 * Records that pm (or, pm NULL, object tree po) maps pg at va (an offset
 * for po), taking ownership of pv. (g) held.
 */
void pv_insert(struct vm_page *pg, struct pv_entry *pv, struct pmap *pm,
               struct pmap_object *po, vaddr_t va);
/* Forgets that mapping and frees its entry; panics if absent. (g) held. */
void pv_remove(struct vm_page *pg, struct pmap *pm, struct pmap_object *po, vaddr_t va);
/* Is that mapping on pg's list? (g) held. */
bool pv_find(const struct vm_page *pg, const struct pmap *pm, const struct pmap_object *po,
             vaddr_t va);

/* ---- object trees (pmap_object.c) ---- */

extern struct pmap_object *pmap_object_list; /* (g) live object trees */

/*
 * The object table page holding level-`level` entries for off (PD_LEVEL:
 * the PD page of its GiB; PT_LEVEL: the PT page of its segment), or NULL.
 * Panics when off lies beyond the object. (g) held.
 */
struct vm_page *obj_table_locked(struct pmap_object *po, uint64_t off, int level);
/*
 * The PD page of the GiB holding off, made (empty) when missing; NULL when
 * out of memory. It belongs to po until pmap_object_destroy. (g) held.
 */
struct vm_page *obj_pd_get_locked(struct pmap_object *po, uint64_t off);
/* The object's PD entry for off when it is a 2 MiB leaf, else NULL. (g) held. */
pte_t *obj_leaf_locked(struct pmap_object *po, uint64_t off);
/* The entry mapping off: its 2 MiB leaf, else its PTE (or NULL). (g) held. */
pte_t *obj_entry_locked(struct pmap_object *po, uint64_t off);

/*
 * What a fill did to an object entry. The object layer does not reach the
 * processes: on OBJ_FILLED of a leaf the caller pushes it to the mirrors
 * (mirrors_push_locked), on OBJ_RESTORED it brings a leaf's copies in line
 * (mirrors_update_locked) and flushes (tlb_object_changed).
 */
enum obj_fill {
	OBJ_KEPT,      /* it mapped the page with the object's rights already */
	OBJ_FILLED,    /* it was empty and now maps the page */
	OBJ_RESTORED,  /* it mapped the page with lowered rights, now the object's */
};

/*
 * Makes the object PTE for off map pg (the object's maximum rights),
 * creating the tables on the way; a PTE already mapping pg gets those
 * rights back (a fault after pmap_page_protect()); panics when it maps
 * another page or off lies in a leaf. *pv is a preallocated PV entry
 * (NULL for wired pages), set to NULL when consumed; the caller frees what
 * is left. Returns an enum obj_fill, or -ENOMEM: the tables made before
 * stay (they are the object's), the PTE is untouched. (g) held.
 */
int obj_fill_locked(struct pmap_object *po, uint64_t off, struct vm_page *pg,
                    struct pv_entry **pv);
/*
 * The same for the 2 MiB leaf at off (2 MiB aligned) and the large page
 * whose first vm_page is head, creating the PD page; -ENOMEM when it
 * cannot, then nothing changed. (g) held.
 */
int leaf_fill_locked(struct pmap_object *po, uint64_t off, struct vm_page *head,
                     struct pv_entry **pv);
/*
 * Clears the present object entry *e (a PTE or leaf mapping off) and frees
 * its PV entry; the table stays, freed with the object. The caller makes
 * the copies and TLBs follow. (g) held.
 */
void obj_entry_clear_locked(struct pmap_object *po, uint64_t off, pte_t *e);
/*
 * Clears every PTE and leaf of po's tree, frees their PV entries and every
 * table page (pmap_object_destroy); panics when a process still links one
 * of its PD pages. po->pd[] still names the freed pages: the caller frees
 * po next. (g) held.
 */
void obj_tables_free_locked(struct pmap_object *po);

/* ---- process side, 2 MiB leaves: copies and mirrors (pmap_leaf.c) ---- */

/* The copy a mirror with rights prot holds of object leaf `leaf`. Any lock. */
pte_t copy_of(pte_t leaf, int prot);
/*
 * Clears the copied leaf p->pte[PD_LEVEL] of pm at va (its mirror stays),
 * queues its invalidation in b and prunes the tables it empties. (g) held.
 */
void copy_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p, struct tlb_batch *b);
/* Clears the leaf p->pte[PD_LEVEL] of pm at va: a copy, or a private leaf. (g) held. */
void leaf_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p, struct tlb_batch *b);
/* The copy of pm at va (never a private leaf), or NULL; the walk is left in *p. (g) held. */
pte_t *copy_at_locked(struct pmap *pm, vaddr_t va, struct pt_path *p);
/*
 * Makes the PD entry p->pte[PD_LEVEL] of pm at va (empty, or a private leaf
 * of head) a private leaf mapping the large page head with rights prot;
 * pv, preallocated, is consumed or freed. The walk has no link. (g) held.
 */
void private_leaf_set_locked(struct pmap *pm, vaddr_t va, struct pt_path *p,
                             struct vm_page *head, int prot, struct pv_entry *pv,
                             struct tlb_batch *b);
/*
 * Clears the private leaf p->pte[PD_LEVEL] of pm at va, frees its PV entry,
 * queues the invalidation and prunes the tables it empties. (g) held.
 */
void private_leaf_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p,
                               struct tlb_batch *b);
/*
 * Writes the copy of `leaf` for mirror m at va into an empty entry,
 * creating process tables (b: a batch of m->pmap); an entry holding
 * anything else is left alone. -ENOMEM leaves no new table. (g) held.
 */
int copy_install_locked(struct leaf_mirror *m, vaddr_t va, pte_t leaf, struct tlb_batch *b);
/* The first mirror of pm overlapping [start, end), or NULL. (g) held. */
struct leaf_mirror *mirror_find_locked(struct pmap *pm, vaddr_t start, vaddr_t end);
/* Is the GiB around va linked whole (PDPTE -> object PD) in pm? (g) held. */
bool gib_linked_locked(struct pmap *pm, vaddr_t va);
/*
 * Makes [start, end) of pm (2 MiB aligned, in one VA GiB, part of s's run)
 * mirror the object's leaves: keeps an identical mirror (rights s->prot
 * unless prelinking) or replaces what overlaps by a new one holding the
 * copies of the leaves that exist (best effort: a copy without tables is
 * left to a fault); under a GiB link it makes none. -ENOMEM: no new
 * record, and the mirrors it was to replace are gone with their copies
 * (faults bring them back). A record is freed when a range verb drops it.
 * (g) held.
 */
int mirror_range_locked(struct pmap *pm, const struct pmap_segment *s, vaddr_t start,
                        vaddr_t end, bool prelink, struct tlb_batch *b);
/*
 * For the range verbs: a remove drops (and frees) every mirror of pm that
 * [sva, eva) touches, with its copies; a protect lowers the mirrors it
 * covers whole and drops those it covers in part. (g) held.
 */
void mirrors_range_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, bool remove, int prot,
                          struct tlb_batch *b);
/*
 * A new object leaf at off: copied into every mirror of po covering it
 * (best effort; empty entries only, so no flush). (g) held.
 */
void mirrors_push_locked(struct pmap_object *po, uint64_t off, pte_t leaf);
/*
 * The object leaf at off was cleared, lowered or restored: every copy is
 * cleared or rewritten, each address space flushed where it runs. (g) held.
 */
void mirrors_update_locked(struct pmap_object *po, uint64_t off);

/* ---- process side: links and the range walk (pmap_link.c) ---- */

/* Is `pte`, a present entry of a process table of `level`, a link? Any lock. */
bool pte_is_link(pte_t pte, int level);
/*
 * Does pm link a table of object tree `po` (a const struct pmap_object *)?
 * The tlb_object_changed() filter; a walk of pm's PML4, PDPT and PD
 * pages. (g) held.
 */
bool links_tree_locked(struct pmap *pm, const void *po);
/*
 * Links the segment (or GiB, s->gib) around s->va to its object table, or
 * keeps the link there; what is in the way is removed and flushed first
 * (prelink: only empty entries, and a missing object table is no error).
 * -ENOMEM: no link, the process tables made are pruned, what was removed
 * stays removed (it faults back). (g) held.
 */
int link_locked(struct pmap *pm, const struct pmap_segment *s, bool prelink, struct tlb_batch *b);
/*
 * Clears the link p->pte[level] (never the object's entries), queues a
 * full flush and prunes the process tables it empties. (g) held.
 */
void link_clear_locked(struct pmap *pm, struct pt_path *p, int level, struct tlb_batch *b);
/* Lowers the link p->pte[level] to prot; whether it changed. (g) held. */
bool link_lower_locked(struct pt_path *p, int level, int prot);
/*
 * Clears the private leaf PTE p->pte[PT_LEVEL] of pm at va, frees its PV
 * entry, queues the invalidation and prunes the tables it empties. (g) held.
 */
void pte_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p, struct tlb_batch *b);
/* pmap_remove() and pmap_protect() on the caller's batch. (g) held. */
void pmap_remove_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, struct tlb_batch *b);
void pmap_protect_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, int prot, struct tlb_batch *b);
/* Removes pm's mappings in [sva, eva) but keeps its mirror records. (g) held. */
void pt_empty_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, struct tlb_batch *b);
/*
 * Links the whole run of s: its GiBs by PDPTE links (object PDs made when
 * missing), the rest by mirrors. -ENOMEM: what was linked before stays
 * (valid, and faults fill the rest). (g) held.
 */
int run_link_locked(struct pmap *pm, const struct pmap_segment *s, bool prelink,
                    struct tlb_batch *b);
/*
 * The fault's own copy at the segment of s->va, in the mirror that covers
 * it (panics without one or without the object leaf): a private table
 * there is emptied and flushed first. -ENOMEM: no copy (it faults again).
 * (g) held.
 */
int copy_fault_locked(struct pmap *pm, const struct pmap_segment *s, struct tlb_batch *b);

#endif
