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
 * same block) or nothing yet; pushes only fill empty entries.
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
	uint64_t size;                      /* (c) bytes */
	unsigned npd;                       /* (c) GiB of offsets: entries of pd[] */
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

extern struct spinlock pmap_lock;
extern struct pmap *pmap_list;               /* (g) live pmaps */
extern struct pmap_object *pmap_object_list; /* (g) live object trees */
extern struct vmstat pmap_gstat;             /* (g) system-wide counters */
extern bool pte_nx_enabled;                  /* (c) EFER.NXE: may leaves carry NX? */

/* ---- tables and the walker (pmap_table.c) ---- */

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
bool pte_lower(pte_t *pte, int prot);

/* ---- object trees (pmap_object.c) ---- */

struct vm_page *obj_table_locked(struct pmap_object *po, uint64_t off, int level);
/* What a fill did to an object entry. */
enum obj_fill {
	OBJ_KEPT,      /* it mapped the page with the object's rights already */
	OBJ_FILLED,    /* it was empty and now maps the page */
	OBJ_RESTORED,  /* it mapped the page with lowered rights, now the object's */
};

int obj_fill_locked(struct pmap_object *po, uint64_t off, struct vm_page *pg,
                    struct pv_entry **pv);
void obj_entry_clear_locked(struct pmap_object *po, uint64_t off, pte_t *e);
struct vm_page *obj_pd_get_locked(struct pmap_object *po, uint64_t off);
pte_t *obj_leaf_locked(struct pmap_object *po, uint64_t off);
pte_t *obj_entry_locked(struct pmap_object *po, uint64_t off);
int leaf_fill_locked(struct pmap_object *po, uint64_t off, struct vm_page *head,
                     struct pv_entry **pv);

/* ---- 2 MiB leaves: copies and mirrors (pmap_leaf.c) ---- */

pte_t copy_of(pte_t leaf, int prot);
void copy_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p, struct tlb_batch *b);
pte_t *copy_at_locked(struct pmap *pm, vaddr_t va, struct pt_path *p);
struct leaf_mirror *mirror_find_locked(struct pmap *pm, vaddr_t start, vaddr_t end);
void mirrors_range_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, bool remove, int prot,
                          struct tlb_batch *b);
void mirrors_push_locked(struct pmap_object *po, uint64_t off, pte_t leaf);
void mirrors_update_locked(struct pmap_object *po, uint64_t off);
bool gib_linked_locked(struct pmap *pm, vaddr_t va);
int copy_install_locked(struct leaf_mirror *m, vaddr_t va, pte_t leaf, struct tlb_batch *b);
int mirror_range_locked(struct pmap *pm, const struct pmap_segment *s, vaddr_t start,
                        vaddr_t end, bool prelink, struct tlb_batch *b);

/* ---- links and the range walk (pmap_link.c) ---- */

bool pte_is_link(pte_t pte, int level);
int link_locked(struct pmap *pm, const struct pmap_segment *s, bool prelink, struct tlb_batch *b);
void link_clear_locked(struct pmap *pm, struct pt_path *p, int level, struct tlb_batch *b);
bool link_lower_locked(struct pt_path *p, int level, int prot);
void pte_clear_locked(struct pmap *pm, vaddr_t va, struct pt_path *p, struct tlb_batch *b);
void pmap_remove_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, struct tlb_batch *b);
void pmap_protect_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, int prot, struct tlb_batch *b);
void pt_empty_locked(struct pmap *pm, vaddr_t sva, vaddr_t eva, struct tlb_batch *b);
int run_link_locked(struct pmap *pm, const struct pmap_segment *s, bool prelink,
                    struct tlb_batch *b);
int copy_fault_locked(struct pmap *pm, const struct pmap_segment *s, struct tlb_batch *b);

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

void tlb_batch_init(struct tlb_batch *b, struct pmap *pm, struct vmstat *gstat);
void tlb_batch_page(struct tlb_batch *b, vaddr_t va);
void tlb_batch_all(struct tlb_batch *b);
void tlb_batch_free_table(struct tlb_batch *b, struct vm_page *table);
void tlb_batch_finish(struct tlb_batch *b);
void tlb_object_changed(struct pmap *pmaps, struct vmstat *gstat);
void pmap_hw_load_cr3(paddr_t pml4);

#endif
