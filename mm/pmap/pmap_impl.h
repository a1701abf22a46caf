/*
 * Internals shared by the files of mm/pmap/ (never included from outside):
 * the pmap and object-tree structures, the one page-table walker, links,
 * PV entries and the TLB invalidation batch.
 *
 * Table pages: a private table of a process has PG_PTABLE; a table of an
 * object tree has PG_OBJTABLE, vm_page.object = the owning vm_object (never
 * dereferenced here), vm_page.offset = first object offset it covers and
 * vm_page.link_count = process entries pointing at it. `used` counts the
 * present entries of any table page.
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

struct pmap {
	struct vm_page *pml4;        /* (c) top-level table */
	struct pmap *next, *prev;    /* (g) registry of live pmaps */
	uint64_t active_cpus;        /* (g) CPUs whose CR3 holds this pmap */
	struct vmstat stat;          /* (g) counters; resident = private leaves */
};

/* The page-table tree of one shared VM object, indexed by object offset. */
struct pmap_object {
	struct vm_object *owner;            /* (c) for page ownership checks */
	uint64_t size;                      /* (c) bytes */
	unsigned npd;                       /* (c) GiB of offsets: entries of pd[] */
	struct vm_page **pd;                /* (g) PD page per GiB, or NULL */
	struct pmap_object *next, *prev;    /* (g) registry of live trees */
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

extern struct spinlock pmap_lock;
extern struct pmap *pmap_list;               /* (g) live pmaps */
extern struct pmap_object *pmap_object_list; /* (g) live object trees */
extern struct vmstat pmap_gstat;             /* (g) system-wide counters */

/* ---- the walker (pmap.c) ---- */

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

int pt_walk(struct vm_page *root, int top, vaddr_t va, int want,
            struct pt_path *p, pt_alloc_fn alloc, void *arg);
struct vm_page *pte_page(pte_t pte);
uint64_t pte_flags_for(int prot);
int pte_prot(pte_t pte);

/*
 * Visits every present entry of the tree below `table` (level `level`,
 * first address `base`) in address order, parents before children; only
 * the user half of a PML4. fn returns false to skip an entry's subtree.
 */
typedef bool (*pt_visit_fn)(int level, vaddr_t va, pte_t pte, struct vm_page *table, void *arg);
void pt_visit(struct vm_page *table, int level, vaddr_t base, pt_visit_fn fn, void *arg);

struct vm_page *pt_alloc_private(void *arg);
void pt_prune(struct pmap *pm, struct pt_path *p, int from, struct tlb_batch *b);
void pte_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p, struct tlb_batch *b);
bool pte_lower(pte_t *pte, int prot);
void pmap_remove_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, struct tlb_batch *b);

/* ---- object trees and links (pmap_object.c, pmap_link.c) ---- */

bool pte_is_link(pte_t pte, int level);
void link_clear_locked(struct pmap *pm, struct pt_path *p, int level, struct tlb_batch *b);
bool link_lower_locked(struct pt_path *p, int level, int prot);
struct vm_page *obj_table_locked(struct pmap_object *po, uint64_t off, int level);
int obj_fill_locked(struct pmap_object *po, uint64_t off, struct vm_page *pg,
                    struct pv_entry **pv, bool *filled);
pte_t *obj_pte_locked(struct pmap_object *po, uint64_t off);

/* ---- PV entries (pmap_pv.c) ---- */

struct pv_entry *pv_alloc(void);
void pv_free(struct pv_entry *pv);
void pv_insert(struct vm_page *pg, struct pv_entry *pv, struct pmap *pm,
               struct pmap_object *po, vaddr_t va);
void pv_remove(struct vm_page *pg, struct pmap *pm, struct pmap_object *po, vaddr_t va);
bool pv_find(const struct vm_page *pg, const struct pmap *pm, const struct pmap_object *po,
             vaddr_t va);

/* ---- TLB invalidation (pmap_tlb.c) ---- */

#define TLB_BATCH_MAX 16   /* more pages than this: one full flush instead */

/*
 * Pending invalidations of one address space, with one flush point
 * (tlb_batch_finish). Table pages unlinked during the operation are freed
 * only after the flush.
 */
struct tlb_batch {
	struct pmap *pmap;
	int count;                     /* pages queued in va[] */
	bool full;                     /* flush everything instead */
	vaddr_t va[TLB_BATCH_MAX];
	struct vm_page *free_tables;   /* freed after the flush, via ->next */
};

void tlb_batch_init(struct tlb_batch *b, struct pmap *pm);
void tlb_batch_page(struct tlb_batch *b, vaddr_t va);
void tlb_batch_all(struct tlb_batch *b);
void tlb_batch_free_table(struct tlb_batch *b, struct vm_page *table);
void tlb_batch_finish(struct tlb_batch *b);
void tlb_object_changed(void);
void pmap_hw_load_cr3(paddr_t pml4);

#endif
