/*
 * Physical page allocator: one struct vm_page per physical frame.
 *
 * The allocator is built from the boot memory map (usable ranges minus
 * reserved ones: the kernel image, boot modules, the vm_page array itself).
 * page_free_count() is exact at every moment; tests compare it before and
 * after each case to catch leaks.
 *
 * Free memory is kept by a buddy allocator in naturally aligned blocks of
 * 2^order pages, order 0 (4 KiB) to LARGE_ORDER (2 MiB), so that whole
 * 2 MiB blocks for large pages (page_alloc_large) survive as long as
 * possible. A contiguous run of up to 2 MiB is cut from one free block
 * too; a longer one (or one no single free block holds) is found by
 * scanning the vm_page array from low addresses. `vm.largepage_reserve`
 * keeps a number of 2 MiB blocks for large pages only (page_large_reserve).
 *
 * Lock: (p) page_lock, internal to page.c. Fields marked (o) belong to the
 * owner of an allocated page (the VM object, the pmap, the heap) and are
 * protected by that owner's lock.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include "kernel/types.h"
#include "mm/phys.h"

struct vm_object;
struct pv_entry;

/* vm_page.flags */
#define PG_FREE      0x0001  /* (p) free: inside a free buddy block */
#define PG_RESERVED  0x0002  /* never allocatable (firmware, kernel image, holes) */
#define PG_PTABLE    0x0004  /* (o) a private page-table page of some pmap */
#define PG_OBJTABLE  0x0008  /* (o) a page-table page owned by a VM object */
#define PG_WIRED     0x0010  /* (o) pinned: physical shm, never paged or COWed */
#define PG_KMEM      0x0020  /* (o) used by the kernel heap */
#define PG_LARGE     0x0040  /* (o) first page of a 2 MiB block from page_alloc_large() */
#define PG_BUDDY     0x0080  /* (p) first page of a free block; `order` is its order */

/* The largest buddy block, and the size of a large page: 2 MiB. */
#define LARGE_ORDER 9
#define LARGE_PAGES (1UL << LARGE_ORDER)

/*
 * page_alloc() and page_alloc_run() hand out pages with every field below
 * cleared (flags 0, refcount 0, NULL pointers). page_free() insists that
 * pv_count and link_count are back to 0.
 */
struct vm_page {
	struct vm_page *next;        /* (p) free list; (o) owner's list */
	struct vm_page *prev;        /* (p) free list; (o) owner's list */
	uint32_t flags;
	uint32_t refcount;           /* (o) mappings/owners of a data page */
	struct vm_object *object;    /* (o) owning object, or NULL */
	uint64_t offset;             /* (o) byte offset in the object (data page) or
	                                 first object offset covered (object table);
	                                 heap slab: offset of the first free block */
	struct pv_entry *pv_list;    /* (o) reverse map: who maps this data page */
	uint32_t pv_count;           /* (o) entries on pv_list */
	uint32_t link_count;         /* (o) object table page: process entries pointing here */
	uint32_t used;               /* (o) table page: present entries; heap: free blocks */
	uint32_t order;              /* (o) heap: size class or run length;
	                                (p) PG_BUDDY: order of the free block */
};

struct mem_range {
	paddr_t start;
	paddr_t end;   /* exclusive */
};

/* The vm_page array is never placed below this address (BIOS, trampolines). */
#define PAGE_LOW_LIMIT MIB(1)

/*
 * Builds the allocator. `usable` lists RAM the firmware offers, `reserved`
 * lists ranges inside it that are in use (kernel image, modules, boot page
 * tables). Both lists need not be sorted or page aligned: usable ranges are
 * rounded inward, reserved ones outward. The vm_page array is placed in
 * usable memory above PAGE_LOW_LIMIT and reserved too. The direct map must
 * already cover usable memory. Returns the number of free pages.
 */
size_t page_init(const struct mem_range *usable, int nusable,
                 const struct mem_range *reserved, int nreserved);

/*
 * Allocates one zeroed page; NULL when memory is exhausted (or only the
 * reserved 2 MiB blocks are left).
 */
struct vm_page *page_alloc(void);
/*
 * Returns a page to the free memory. The page must not be mapped anywhere
 * and must not be (part of) a large page.
 */
void page_free(struct vm_page *pg);

/*
 * Allocates `n` physically contiguous pages and returns the first; the
 * others follow it in the vm_page array. Up to LARGE_PAGES pages come from
 * the smallest free buddy block that holds them, in a time independent of
 * the memory in use; a longer run, or one that only spans several free
 * blocks, is found first fit from low addresses by a scan of the array
 * (page_frames_scanned counts its steps). NULL when n is 0 or no such run
 * is free (a run that would break into the reserved 2 MiB blocks does not
 * count as free).
 *
 * The pages are zeroed, as page_alloc()'s are: a kernel stack or heap
 * block keeps nothing of a page's last owner. Under QEMU's TCG it matters
 * for speed too: a page that last held a program's code still has code
 * translated from it, and every store to such a page takes the emulator's
 * self-modifying-code path until a store has covered that code. A kernel
 * stack on such a page made its thread's every call slow: make bench's
 * IPC_RMID of 1 GiB took 3.3 s instead of 0.13 s. Writing every byte once
 * here drops that code.
 */
struct vm_page *page_alloc_run(size_t n);
/* Frees n pages starting at `first`, each as page_free() would. */
void page_free_run(struct vm_page *first, size_t n);

/*
 * Large pages: one naturally aligned 2 MiB block (LARGE_PAGES pages) from
 * page_alloc_large(), zeroed, its first page marked PG_LARGE and every
 * field of all 512 vm_pages cleared otherwise; the owner keeps its state in
 * the first page. NULL when no whole 2 MiB block is free (free 4 KiB pages
 * elsewhere do not help). Counts as one allocation for page_fail_after().
 * page_free_large() takes the first page back, with the same checks as
 * page_free() on each of the 512.
 */
struct vm_page *page_alloc_large(void);
void page_free_large(struct vm_page *first);

/*
 * The first page of the large page that pg lies in, or NULL when pg is not
 * part of one. pg must be allocated (its owner asks).
 */
struct vm_page *page_large_head(struct vm_page *pg);

/* The 4 KiB frames pg stands for: LARGE_PAGES for a large page's first page, else 1. */
static inline size_t page_frames(const struct vm_page *pg)
{
	return (pg->flags & PG_LARGE) ? LARGE_PAGES : 1;
}

/*
 * The reserve (vm.largepage_reserve): page_alloc() and page_alloc_run() never
 * take a whole free 2 MiB block when that would leave fewer free blocks than
 * `n` minus the large pages in use, so that n large pages can always be
 * allocated at once. Setting it takes effect at once; n is cut down to the
 * large pages in use plus the free 2 MiB blocks. Returns the reserve set.
 */
size_t page_large_reserve(size_t n);

size_t page_free_count(void);
size_t page_total_count(void);   /* pages that were ever allocatable */
size_t page_large_free_count(void);   /* free 2 MiB blocks: what large pages can get now */
size_t page_large_used_count(void);   /* large pages allocated now */
size_t page_large_reserved(void);     /* the reserve, in 2 MiB blocks */
/* Frames the first-fit run search has looked at since boot: its whole cost. */
size_t page_frames_scanned(void);

paddr_t page_to_phys(const struct vm_page *pg);
struct vm_page *phys_to_page(paddr_t pa);   /* NULL outside managed memory */
static inline void *page_to_virt(const struct vm_page *pg) { return phys_to_virt(page_to_phys(pg)); }

/*
 * Fault injection for exhaustion tests: after `n` more successful
 * allocations, page_alloc(), page_alloc_run() and page_alloc_large() fail
 * until page_fail_after(-1) is called. A run or a large page counts as one
 * allocation.
 */
void page_fail_after(long n);

/*
 * Memory-map arithmetic, pure functions used by page_init() and by the host
 * tests. Usable ranges are rounded inward and clipped to DIRECT_MAP_MAX,
 * reserved ones rounded outward.
 *
 * page_ranges_walk() calls fn(start, end, arg) (fn may be NULL) for every
 * maximal page-aligned range of frames that lie in some usable range and in
 * no reserved range, in increasing address order, and returns their total
 * number of pages. page_ranges_count() returns that number alone.
 */
typedef void page_range_fn(paddr_t start, paddr_t end, void *arg);
size_t page_ranges_walk(const struct mem_range *usable, int nusable,
                        const struct mem_range *reserved, int nreserved,
                        page_range_fn *fn, void *arg);
size_t page_ranges_count(const struct mem_range *usable, int nusable,
                         const struct mem_range *reserved, int nreserved);
/* End of the highest usable page (0 if none): the vm_page array covers [0, top). */
paddr_t page_ranges_top(const struct mem_range *usable, int nusable);
/*
 * Lowest page-aligned address >= PAGE_LOW_LIMIT where `bytes` fit inside
 * usable, unreserved memory; 0 when there is no such place.
 */
paddr_t page_ranges_place(const struct mem_range *usable, int nusable,
                          const struct mem_range *reserved, int nreserved,
                          size_t bytes);

/*
 * Host builds with AddressSanitizer mark free memory as poisoned, so a use
 * after free of a page or heap block stops the test with a report. In the
 * kernel these do nothing.
 */
#if defined(HOST_TEST) && defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
static inline void mem_poison(const void *p, size_t n) { ASAN_POISON_MEMORY_REGION(p, n); }
static inline void mem_unpoison(const void *p, size_t n) { ASAN_UNPOISON_MEMORY_REGION(p, n); }
#else
static inline void mem_poison(const void *p, size_t n) { (void)p; (void)n; }
static inline void mem_unpoison(const void *p, size_t n) { (void)p; (void)n; }
#endif

#endif
