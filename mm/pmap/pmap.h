/*
 * pmap: the machine-dependent half of the VM system, and its only boundary.
 *
 * The machine-independent code (vm_map, vm_fault, VM objects, shm) decides
 * WHAT is mapped; the pmap decides HOW, and is the only code that knows the
 * x86-64 page-table format or executes TLB instructions. Every verb works on
 * a half-open range [sva, eva) of page-aligned user addresses.
 *
 * Contract
 *  - The pmap is a cache of the VM map: it may drop any mapping at any time
 *    except that it never does so on its own today; the next access faults
 *    and vm_fault() re-enters it. It never adds rights the VM map did not ask
 *    for.
 *  - Removing a mapping or lowering its rights is synchronous: when a verb
 *    returns, no CPU can still use the old translation (TLB entries of this
 *    address space are invalidated before the verb returns, batched inside
 *    the verb: single invlpg below a threshold, one CR3 reload above it or
 *    when a page-table page was freed).
 *  - Raising rights (read-only -> writable) also flushes, so a stale
 *    read-only TLB entry never causes a second fault.
 *  - A page-table page is freed only after the flush that follows its
 *    unlinking, and is zeroed before it is made reachable.
 *  - Every user mapping of a managed page has a PV entry (page, pmap, va),
 *    so pmap_page_remove()/pmap_page_protect() find all of them.
 *  - Empty private page-table pages (PT, PD, PDPT) are freed as soon as their
 *    last entry is removed; the PML4 goes with pmap_destroy().
 *
 * Locks: (g) pmap_lock, one global spinlock inside mm/pmap protecting every
 * pmap's tables, the PV lists and the pmap counters. It is a leaf lock: the
 * pmap calls only the page allocator and the heap while holding it. Callers
 * hold their own map/object locks (taken before pmap_lock).
 *
 * Each contract below says what the call does, what it leaves when it fails
 * half way, and who frees what. Every function takes and drops pmap_lock
 * itself (the caller must not hold it) and may be called with vm_map and
 * vm_object locks held, unless its contract says otherwise. Tables, PV
 * entries and mirror records are the pmap's: it allocates and frees them.
 *
 * Protections are the PROT_* bits of uapi/mman.h.
 */
#ifndef MM_PMAP_PMAP_H
#define MM_PMAP_PMAP_H

#include "kernel/types.h"
#include "uapi/vmstat.h"

struct pmap;
struct pmap_object;
struct vm_object;
struct vm_page;

/*
 * Called once at boot with the physical address of the kernel's PML4; every
 * new pmap copies its upper half (slots 256..511: direct map and kernel
 * image). On the host, tests pass a fake kernel PML4 page. Boot CPU only,
 * before any other call; no lock.
 */
void pmap_bootstrap(paddr_t kernel_pml4);

/*
 * A new empty address space (only the kernel half), registered with the
 * pmap. NULL when out of memory: then nothing was allocated. The caller
 * frees it with pmap_destroy().
 */
struct pmap *pmap_create(void);

/*
 * Frees the pmap. Preconditions: it is not active on any CPU and holds no
 * user mapping (the caller removed [0, USER_TOP) first); panics otherwise.
 * Frees the PML4 and the pmap.
 */
void pmap_destroy(struct pmap *pm);

/*
 * Loads pm's tables into CR3 on this CPU and records that this CPU runs it
 * (for shootdowns, until another pmap is activated here); NULL loads the
 * kernel-only tables. Never fails.
 */
void pmap_activate(struct pmap *pm);

/* Physical address of pm's PML4: the value CR3 holds while pm is active. No lock. */
paddr_t pmap_cr3(const struct pmap *pm);

/*
 * Maps the page `pg` at `va` with `prot` (not PROT_NONE), replacing whatever
 * `va` mapped before. `flags` must be 0 (reserved; shared segments use
 * pmap_enter_segment()). Returns 0, or -ENOMEM when a page-table page or PV entry could not
 * be allocated; then the new mapping is absent and no new empty table is
 * left behind, but a link or copied 2 MiB leaf that covered va is already
 * gone (the next access faults it back). The PV entry is the pmap's.
 */
int pmap_enter(struct pmap *pm, vaddr_t va, struct vm_page *pg, int prot, int flags);

/*
 * Maps the large page whose first vm_page is head (PG_LARGE) at va (2 MiB
 * aligned) for pm alone, with one private 2 MiB leaf granting prot (not
 * PROT_NONE) and one PV entry: what a mapping that covers the whole large
 * page gets when it shares no tables (sharing off, or a segment that is
 * not eligible). Whatever pm had there (a link, a copied leaf, 4 KiB
 * pieces) is removed and flushed first; a private leaf of the same page
 * gets the new rights. Returns 0 or -ENOMEM: nothing new is mapped, what
 * was there may be gone (it faults back). head stays the caller's.
 */
int pmap_enter_leaf(struct pmap *pm, vaddr_t va, struct vm_page *head, int prot);

/* ---- shared page tables: object-owned trees and process links ----
 *
 * A shared VM object owns a truncated tree (PD pages, PT pages, PTEs)
 * indexed by OBJECT OFFSET. A process maps an eligible 2 MiB segment by
 * pointing its PDE at the object's PT page (a "link"), or a whole eligible
 * GiB by pointing its PDPTE at the object's PD page. Object PTEs carry the
 * object's maximum rights (read, write, execute); the link carries the
 * mapping's (R/W=0 when read-only, NX=1 unless executable). The caller (the
 * machine-independent VM) decides eligibility; the pmap does the linking.
 * Links are counted in the object table page's link_count; object tables
 * are freed only by pmap_object_destroy(), when no link is left.
 * pmap_remove() and pmap_protect() unlink a link their range covers only
 * in part (and pmap_protect lowers the rights of one it covers whole);
 * pmap_enter() unlinks a link covering va before mapping privately.
 *
 * Large pages: a 2 MiB page of an object is a leaf (PS=1) in the object's
 * PD page. A process reaches it through a GiB link, or through a copy of
 * the leaf in its own PD (one entry per 2 MiB, with the mapping's rights,
 * no PT page) kept in sync by a "leaf mirror" over the mapping's run of
 * 2 MiB segments: a leaf filled by any process is copied into every mirror
 * at once, so a process takes at most one link fault per mapping (none
 * when prelinked). Splitting: a range verb that covers part of a mirror
 * (or of a GiB link) drops that process's whole mirror (or link) and
 * never touches the object's leaves, so other processes see no change;
 * the VM then maps the 4 KiB pieces of the same blocks in private PTs
 * (pmap_enter of the pieces' vm_pages) wherever a 2 MiB page is no longer
 * wholly inside one mapping. No verb ever refuses a partial change.
 */

/*
 * The object tree of a shared object of `size` bytes, empty (tables come
 * with the faults); NULL when out of memory, then nothing was allocated.
 * The object frees it with pmap_object_destroy().
 */
struct pmap_object *pmap_object_create(struct vm_object *owner, uint64_t size);

/*
 * Gives the tree a new size (a file's object grows and shrinks): 0, or
 * -ENOMEM with nothing changed. Shrinking keeps the tables, which are
 * freed with the tree; the caller has removed the entries past the new
 * size first (pmap_object_remove).
 */
int pmap_object_resize(struct pmap_object *po, uint64_t size);

/*
 * Clears the tree's PTEs (and 2 MiB leaves lying wholly inside) for object
 * offsets [off, end) with their PV entries, and invalidates them in every
 * address space that links the tree: one shootdown for the whole range,
 * whatever its size. Private mappings of the same pages are the caller's
 * (pmap_page_remove). The tables stay. Never fails.
 */
void pmap_object_remove(struct pmap_object *po, uint64_t off, uint64_t end);

/*
 * Frees the tree: its PTEs, PV entries and table pages. Panics if a process
 * still links one of its tables or mirrors its leaves. Called when the
 * object dies; the object's pages stay the object's to free.
 */
void pmap_object_destroy(struct pmap_object *po);

/*
 * An eligible segment of a shared mapping, for the calls below. For an
 * object with large pages it also gives the mapping's whole run of eligible
 * 2 MiB segments [run_start, run_end) (around va, 2 MiB aligned) and the
 * whole GiBs inside it that may be linked at the PDPT level
 * [gib_start, gib_end) (GiB aligned, empty when PD sharing is off or va and
 * offset disagree modulo 1 GiB; va lies in it exactly when gib is set). Both
 * runs are empty (start == end) for other objects.
 */
struct pmap_segment {
	struct pmap_object *po;
	vaddr_t va;        /* page in the segment (page aligned) */
	uint64_t off;      /* object offset of va; off % 2 MiB == va % 2 MiB */
	int prot;          /* the mapping's rights, carried by the link */
	bool gib;          /* link the whole GiB around va (also eligible) */
	vaddr_t run_start, run_end;
	vaddr_t gib_start, gib_end;
};

/*
 * The fault path of an eligible segment: fills the object PTE for s->off
 * with `pg` (when absent) and links the process entry for the segment (or
 * GiB) to the object table, replacing a private table there (emptied
 * first). *filled tells whether an object PTE was filled (else the fault
 * only linked). Returns 0 or -ENOMEM: then the object tables already made
 * stay (the object's) and may hold the new PTE, but pm has no link (what
 * was in the way may be gone): nothing half done is visible, the fault
 * is retried. pg stays the object's: the tree holds no reference.
 */
int pmap_enter_segment(struct pmap *pm, const struct pmap_segment *s, struct vm_page *pg,
                       bool *filled);

/*
 * The fault path of an eligible segment backed by a large page: fills the
 * object's 2 MiB leaf for s->off with `head` (the large page's first
 * vm_page) when absent, then links the whole run of s: each GiB of the GiB
 * run by a PDPTE link (its object PD created if missing), the rest by leaf
 * mirrors that copy every leaf the object has; the copy for s->va replaces
 * a private table there (emptied first). *filled tells whether the leaf was new.
 * Returns 0 or -ENOMEM (a table, PV entry or mirror record could not be
 * allocated; what was linked stays valid, a missing copy faults again).
 * head stays the object's; mirror records are freed by the range verbs.
 */
int pmap_enter_large(struct pmap *pm, const struct pmap_segment *s, struct vm_page *head,
                     bool *filled);

/*
 * Fault-around for a wired object: fills the absent object PTEs of the n
 * pages pages[i] at offsets off + i * PAGE_SIZE (one PT page's worth at
 * most, all in one 2 MiB segment; NULL entries skipped). Wired pages have
 * no PV entries, and a filled PTE was absent, so no TLB can hold it: no
 * flush (a PTE present with lowered rights gets the object's back, and
 * that flushes, as for a fault). Returns how many were filled, or -ENOMEM
 * when a table could not be allocated (the rest then fault as usual).
 */
int pmap_object_fill_wired(struct pmap_object *po, uint64_t off, struct vm_page *const *pages,
                           int n);

/*
 * Prelinking: links the segment (or GiB) around s->va when the object
 * table already exists and the process entry is empty; for an object with
 * large pages also links the whole run of s as pmap_enter_large() does
 * (object PDs created for its GiBs), but only into empty entries, copying
 * the leaves that exist (later leaves arrive by push). Otherwise, and when
 * out of memory, does nothing more (what was linked stays; faults link the
 * rest later).
 */
void pmap_link_segment(struct pmap *pm, const struct pmap_segment *s);

/* A link, or a leaf mirror, as seen from a process. */
struct pmap_link {
	int prot;                  /* rights the link grants (PROT_*) */
	uint64_t size;             /* SEG_SIZE or GIB_SIZE; a mirror: its length */
	vaddr_t va;                /* first address it maps */
	struct vm_object *owner;   /* the object owning the linked table */
	uint64_t off;              /* first object offset it maps */
	bool mirror;               /* a leaf mirror of 2 MiB leaves, not a link */
};

/* The link covering va in pm in *link: 0, or -ENOENT when va is not linked. A reader. */
int pmap_link_info(struct pmap *pm, vaddr_t va, struct pmap_link *link);

/*
 * Every link (PDE, PDPTE) and leaf mirror of pm, the first `max` of them
 * in out[]; returns how many there are. Costs O(table pages + mirrors),
 * whatever the size of the address space. A reader.
 */
int pmap_links(struct pmap *pm, struct pmap_link *out, int max);

/*
 * The page mapped at object offset `off` by the object tree (in a 2 MiB
 * leaf, the 4 KiB piece at off), or NULL. For the checker, which compares
 * it with the object's own page. A reader: no reference is taken.
 */
struct vm_page *pmap_object_extract(struct pmap_object *po, uint64_t off);

/*
 * Removes every mapping in [sva, eva): private PTEs (and their PV
 * entries), copies, mirrors and links that it touches, even in part; frees
 * the process tables that empties, after the flush. Never fails. The
 * object's tables and pages are untouched.
 */
void pmap_remove(struct pmap *pm, vaddr_t sva, vaddr_t eva);

/*
 * Lowers the rights of the mappings in [sva, eva) to at most `prot`
 * (PROT_NONE removes them). Never raises rights: vm_fault() does that.
 * Never fails: a link or mirror covered only in part is removed instead
 * (it faults back as 4 KiB pieces).
 */
void pmap_protect(struct pmap *pm, vaddr_t sva, vaddr_t eva, int prot);

/*
 * Removes every mapping of `pg` in every pmap (through its PV entries).
 * For the first page of a large page: every mapping of the whole 2 MiB
 * (object leaf, its copies and links, private PTEs of its pieces).
 * Never fails; frees the PV entries and the process tables it empties
 * (object tables stay until pmap_object_destroy). The page stays its
 * owner's to free.
 */
void pmap_page_remove(struct vm_page *pg);

/*
 * Lowers every mapping of `pg` (a large page: all of it) to at most `prot`.
 * A later fault that the mapping allows restores rights: a private PTE
 * gets the mapping's, an object PTE or leaf the object's maximum again.
 * Never fails.
 */
void pmap_page_protect(struct vm_page *pg, int prot);

/* Physical address mapped at `va` (any rights) in *pa; false when unmapped. A reader. */
bool pmap_extract(struct pmap *pm, vaddr_t va, paddr_t *pa);

/*
 * The software MMU: walks pm like the CPU would for an access of kind
 * `access` (PROT_READ, PROT_WRITE or PROT_EXEC) from user mode, ANDing the
 * R/W and U/S bits and ORing NX down the levels. Returns 0 and the physical
 * address of the byte at `va` in *pa, or -EFAULT where the CPU would fault.
 * A reader.
 */
int pmap_translate(struct pmap *pm, vaddr_t va, int access, paddr_t *pa);

/*
 * Copies the pmap-maintained counters (pt_pages, links, pv_entries,
 * tlb_flushes, tlb_invlpg, resident, obj_leaves, leaf_copies, leaf_mirrors)
 * of pm, or of the whole system when pm is NULL, into the matching fields
 * of *st; other fields are left alone. A process's resident counts 4 KiB
 * pages, 512 for each 2 MiB leaf it reaches. A reader.
 */
void pmap_stat(const struct pmap *pm, struct vmstat *st);

/*
 * The invariant checker of the pmap layer: walks every live pmap and every
 * object tree and checks table ownership, entry counts, link counts, PV
 * entries and counters (vm_verify() adds the checks against the VM maps). Returns 0, or -EIO with a
 * description of the first violations in `report` (always NUL-terminated
 * when len > 0). A reader: it holds pmap_lock for the whole walk.
 */
int pmap_verify(char *report, size_t len);

/*
 * The `ptdump -o` text of an object's tree: PD and PT pages, link counts,
 * into buf as pmap_dump() does. A reader.
 */
int pmap_dump_object(struct pmap_object *po, char *buf, size_t len);

/*
 * The `ptdump` text of pm: CR3 and every present PML4/PDPT/PD entry with its
 * physical target and flags (2 MiB leaves with their object), then its leaf
 * mirrors. Writes at most len bytes (NUL-terminated) and returns the length
 * the full text needs, like snprintf. A reader.
 */
int pmap_dump(struct pmap *pm, char *buf, size_t len);

#endif
