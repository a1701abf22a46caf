/*
 * Physical page allocator (see page.h).
 *
 * Every frame from 0 up to the highest usable one has a struct vm_page in one
 * array, `pages`, placed in usable memory by page_init() and reached through
 * the direct map. Frame number = index in the array.
 *
 * Free memory is a buddy system: naturally aligned blocks of 2^order frames,
 * order 0 (4 KiB) to LARGE_ORDER (2 MiB), one doubly linked list per order.
 * Every free frame has PG_FREE; the first frame of a free block also has
 * PG_BUDDY and the block's order in vm_page.order. A freed frame merges with
 * its buddy (the block of the same order whose frame number differs only in
 * bit `order`) while the buddy is free, up to 2 MiB. A single page is cut
 * from the smallest free block, so 2 MiB blocks are broken last; so is a
 * run of up to 2 MiB, from the smallest block that holds it; a longer run
 * is found first fit from frame 0 over the PG_FREE frames and carved out of
 * the blocks it touches; a large page is one whole free 2 MiB block.
 *
 * The large-page reserve: page_alloc() and page_alloc_run() may break a free
 * 2 MiB block only while more such blocks are free than the reserve minus
 * the large pages in use (protected_blocks_locked).
 *
 * Lock: page_lock protects the free lists, the counters, the reserve, the
 * fault-injection budget and the (p) fields of every vm_page. The array
 * itself and `npages` are written only by page_init().
 */
#include "mm/page.h"
#include "kernel/spinlock.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static struct spinlock page_lock = SPINLOCK_INIT("page_lock");
static struct vm_page *pages;      /* one per frame in [0, npages) */
static size_t npages;
static struct vm_page *free_head[LARGE_ORDER + 1];  /* (p) free blocks, by order */
static size_t free_blocks[LARGE_ORDER + 1];         /* (p) blocks on each list */
static size_t nfree;               /* (p) free frames */
static size_t ntotal;              /* (p) free pages right after page_init() */
static size_t large_used;          /* (p) large pages allocated */
static size_t large_reserve;       /* (p) vm.largepage_reserve, in 2 MiB blocks */
static long fail_after = -1;       /* (p) allocations left before injected failure; -1 off */
static size_t frames_scanned;      /* (p) frames the first-fit run search looked at */

/* ---- Memory-map arithmetic (pure, shared with the host tests) ---- */

/*
 * Converts one range to frame numbers [*first, *end): usable ranges round
 * inward, reserved ones outward; both are clipped to DIRECT_MAP_MAX first so
 * nothing overflows. Returns false when the range covers no frame.
 */
static bool range_frames(const struct mem_range *r, bool usable,
                         uint64_t *first, uint64_t *end)
{
	paddr_t s = MIN(r->start, DIRECT_MAP_MAX);
	paddr_t e = MIN(r->end, DIRECT_MAP_MAX);

	if (usable) {
		s = ALIGN_UP(s, PAGE_SIZE);
		e = ALIGN_DOWN(e, PAGE_SIZE);
	} else {
		s = ALIGN_DOWN(s, PAGE_SIZE);
		e = ALIGN_UP(e, PAGE_SIZE);
	}
	*first = s >> PAGE_SHIFT;
	*end = e >> PAGE_SHIFT;
	return *first < *end;
}

/* True when frame `pfn` lies inside one of the n ranges. */
static bool in_ranges(uint64_t pfn, const struct mem_range *r, int n, bool usable)
{
	uint64_t s, e;

	for (int i = 0; i < n; i++)
		if (range_frames(&r[i], usable, &s, &e) && s <= pfn && pfn < e)
			return true;
	return false;
}

/* The smallest range boundary above `pfn` that is below `best`, else `best`. */
static uint64_t next_bound(uint64_t pfn, const struct mem_range *r, int n,
                           bool usable, uint64_t best)
{
	uint64_t s, e;

	for (int i = 0; i < n; i++) {
		if (!range_frames(&r[i], usable, &s, &e))
			continue;
		if (s > pfn && s < best)
			best = s;
		if (e > pfn && e < best)
			best = e;
	}
	return best;
}

/*
 * Sweeps the frame numbers from 0 upward, jumping from one range boundary to
 * the next: between two boundaries every frame is either free or not, so the
 * cost is O((n + m)^2) whatever the memory size, and no sorting is needed.
 */
size_t page_ranges_walk(const struct mem_range *usable, int nusable,
                        const struct mem_range *reserved, int nreserved,
                        page_range_fn *fn, void *arg)
{
	uint64_t pfn = 0, run = 0, next;
	bool in_run = false, free;
	size_t total = 0;

	for (;;) {
		next = next_bound(pfn, usable, nusable, true, UINT64_MAX);
		next = next_bound(pfn, reserved, nreserved, false, next);
		free = in_ranges(pfn, usable, nusable, true) &&
		       !in_ranges(pfn, reserved, nreserved, false);
		if (free && !in_run) {
			run = pfn;
			in_run = true;
		} else if (!free && in_run) {
			total += pfn - run;
			if (fn)
				fn(run << PAGE_SHIFT, pfn << PAGE_SHIFT, arg);
			in_run = false;
		}
		if (next == UINT64_MAX)   /* past every range: nothing is free */
			return total;
		pfn = next;
	}
}

/* Pages of the walk without visiting them. */
size_t page_ranges_count(const struct mem_range *usable, int nusable,
                         const struct mem_range *reserved, int nreserved)
{
	return page_ranges_walk(usable, nusable, reserved, nreserved, NULL, NULL);
}

/* End of the highest usable page, 0 if none. */
paddr_t page_ranges_top(const struct mem_range *usable, int nusable)
{
	uint64_t s, e, top = 0;

	for (int i = 0; i < nusable; i++)
		if (range_frames(&usable[i], true, &s, &e) && e > top)
			top = e;
	return top << PAGE_SHIFT;
}

struct place_ctx {
	size_t bytes;
	paddr_t found;   /* 0 until a place is found */
};

/* page_range_fn for page_ranges_place(): first fit above PAGE_LOW_LIMIT. */
static void place_fn(paddr_t start, paddr_t end, void *arg)
{
	struct place_ctx *c = arg;
	paddr_t s = MAX(start, PAGE_LOW_LIMIT);

	if (c->found == 0 && end > s && end - s >= ALIGN_UP(c->bytes, PAGE_SIZE))
		c->found = s;
}

/* First fit for `bytes` above PAGE_LOW_LIMIT; 0 when nothing fits. */
paddr_t page_ranges_place(const struct mem_range *usable, int nusable,
                          const struct mem_range *reserved, int nreserved,
                          size_t bytes)
{
	struct place_ctx c = { bytes, 0 };

	page_ranges_walk(usable, nusable, reserved, nreserved, place_fn, &c);
	return c.found;
}

/* ---- Buddy blocks ---- */

static size_t pfn_of(const struct vm_page *pg)
{
	return (size_t)(pg - pages);
}

/* Puts the free block of 2^order frames at pfn on its list. page_lock held. */
static void block_push_locked(size_t pfn, unsigned order)
{
	struct vm_page *pg = &pages[pfn];

	pg->flags = PG_FREE | PG_BUDDY;
	pg->order = order;
	pg->prev = NULL;
	pg->next = free_head[order];
	if (free_head[order])
		free_head[order]->prev = pg;
	free_head[order] = pg;
	free_blocks[order]++;
}

/* Takes the free block at pfn off its list; its frames stay PG_FREE. page_lock held. */
static void block_unlink_locked(size_t pfn)
{
	struct vm_page *pg = &pages[pfn];

	if (pg->prev)
		pg->prev->next = pg->next;
	else
		free_head[pg->order] = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	pg->next = pg->prev = NULL;
	pg->flags &= ~PG_BUDDY;
	free_blocks[pg->order]--;
}

/* Does a free block of exactly `order` start at frame pfn? page_lock held. */
static bool is_block_locked(size_t pfn, unsigned order)
{
	return pfn < npages && (pages[pfn].flags & PG_BUDDY) && pages[pfn].order == order;
}

/*
 * Lists the aligned block [pfn, pfn + 2^order), whose frames are already
 * marked free, merging it with its buddy as long as the buddy is a free
 * block of the same order. page_lock held.
 */
static void block_free_locked(size_t pfn, unsigned order)
{
	while (order < LARGE_ORDER) {
		size_t buddy = pfn ^ (1UL << order);

		if (!is_block_locked(buddy, order))
			break;
		block_unlink_locked(buddy);
		pfn &= ~(1UL << order);
		order++;
	}
	block_push_locked(pfn, order);
}

/* The first frame of the free block that holds free frame pfn. page_lock held. */
static size_t block_of_locked(size_t pfn)
{
	for (unsigned order = 0; order <= LARGE_ORDER; order++) {
		size_t head = pfn & ~((1UL << order) - 1);

		if (is_block_locked(head, order))
			return head;
	}
	panic("block_of_locked: free frame %zu lies in no free block", pfn);
}

/* Marks n frames from pfn free (poisoned, counted); the caller lists them. */
static void frames_release_locked(size_t pfn, size_t n)
{
	for (size_t i = pfn; i < pfn + n; i++) {
		pages[i].flags = PG_FREE;
		mem_poison(phys_to_virt((paddr_t)i << PAGE_SHIFT), PAGE_SIZE);
	}
	nfree += n;
}

/* Hands unlisted free frame pfn to an owner: all fields cleared, memory unpoisoned. */
static void frame_claim_locked(size_t pfn)
{
	memset(&pages[pfn], 0, sizeof(pages[pfn]));
	mem_unpoison(phys_to_virt((paddr_t)pfn << PAGE_SHIFT), PAGE_SIZE);
	nfree--;
}

/*
 * Takes the free frame pfn for an owner: its block is split in halves down
 * to that frame, every other half going back to its list. page_lock held.
 */
static void frame_take_locked(size_t pfn)
{
	size_t head = block_of_locked(pfn);
	unsigned order = pages[head].order;

	block_unlink_locked(head);
	while (order > 0) {
		size_t half = 1UL << --order;

		if (pfn < head + half) {
			block_push_locked(head + half, order);
		} else {
			block_push_locked(head, order);
			head += half;
		}
	}
	frame_claim_locked(pfn);
}

/* ---- The reserve and fault injection ---- */

/* Free 2 MiB blocks that small allocations must leave alone. page_lock held. */
static size_t protected_blocks_locked(void)
{
	return large_reserve > large_used ? large_reserve - large_used : 0;
}

/* May a small allocation break `n` free 2 MiB blocks? page_lock held. */
static bool may_break_locked(size_t n)
{
	return n == 0 || free_blocks[LARGE_ORDER] >= protected_blocks_locked() + n;
}

/* Free 2 MiB blocks that taking the frames [start, start + n) would break. */
static size_t blocks_broken_locked(size_t start, size_t n)
{
	size_t count = 0;

	for (size_t b = ALIGN_DOWN(start, LARGE_PAGES); b < start + n; b += LARGE_PAGES)
		count += is_block_locked(b, LARGE_ORDER);
	return count;
}

/* Fault injection: may one more allocation succeed? page_lock held. */
static bool alloc_allowed_locked(void)
{
	return fail_after != 0;
}

/* Fault injection: charges one successful allocation. page_lock held. */
static void alloc_charge_locked(void)
{
	if (fail_after > 0)
		fail_after--;
}

/*
 * First frame of the smallest free block that holds n frames (n at most
 * LARGE_PAGES) and that a small allocation may break, in *pfn; false when
 * there is none (or only reserved 2 MiB blocks). page_lock held.
 */
static bool smallest_block_locked(size_t n, size_t *pfn)
{
	for (unsigned order = 0; order <= LARGE_ORDER; order++) {
		if ((1UL << order) >= n && free_head[order] &&
		    (order < LARGE_ORDER || may_break_locked(1))) {
			*pfn = pfn_of(free_head[order]);
			return true;
		}
	}
	return false;
}

/*
 * n free frames in a row that break no reserved 2 MiB block, or NULL. A run
 * of at most 2 MiB is the start of the smallest free block that holds it,
 * taken from the lists in O(orders). Only a longer run, or one that no
 * single free block holds, is searched first fit from frame 0, in
 * O(frames below it): every fork allocates runs (the new thread's stack,
 * page-sized heap blocks such as radix nodes), and a scan from frame 0
 * past the frames of a big segment made fork cost O(memory in use).
 * page_lock held.
 */
static struct vm_page *find_run_locked(size_t n)
{
	size_t start = 0, len = 0;

	if (n <= LARGE_PAGES && smallest_block_locked(n, &start))
		return &pages[start];
	for (size_t i = 0; i < npages; i++) {
		frames_scanned++;
		if (!(pages[i].flags & PG_FREE)) {
			len = 0;
			continue;
		}
		if (len++ == 0)
			start = i;
		if (len == n) {
			if (may_break_locked(blocks_broken_locked(start, n)))
				return &pages[start];
			start++;
			len--;
		}
	}
	return NULL;
}

/*
 * Panics unless pg is an allocated, unmapped page of the array; `who` names
 * the caller in the message. page_lock held.
 */
static void check_freeable_locked(const struct vm_page *pg, const char *who)
{
	uintptr_t off = (uintptr_t)pg - (uintptr_t)pages;
	paddr_t pa;

	if ((uintptr_t)pg < (uintptr_t)pages || off >= npages * sizeof(*pg) ||
	    off % sizeof(*pg) != 0)
		panic("%s: %p is not a vm_page", who, (const void *)pg);
	pa = page_to_phys(pg);
	if (pg->flags & PG_FREE)
		panic("%s: double free of pa %p", who, (void *)(uintptr_t)pa);
	if (pg->flags & PG_RESERVED)
		panic("%s: pa %p is reserved, never allocated", who, (void *)(uintptr_t)pa);
	if (pg->pv_count || pg->link_count)
		panic("%s: pa %p still mapped (%u pv entries, %u links)", who,
		      (void *)(uintptr_t)pa, pg->pv_count, pg->link_count);
}

/* check_freeable_locked() for a 4 KiB page, which must not be part of a large page. */
static void check_small_locked(const struct vm_page *pg, const char *who)
{
	check_freeable_locked(pg, who);
	if (page_large_head((struct vm_page *)pg))
		panic("%s: pa %p is part of a large page", who, (void *)(uintptr_t)page_to_phys(pg));
}

/* ---- Building the allocator ---- */

struct init_ctx {
	paddr_t array_start, array_end;   /* the vm_page array: stays reserved */
};

/* Frees the frames [first, end) in the largest aligned blocks that fit. page_lock held. */
static void free_frames_locked(size_t first, size_t end)
{
	while (first < end) {
		unsigned order = 0;

		while (order < LARGE_ORDER && IS_ALIGNED(first, 2UL << order) &&
		       first + (2UL << order) <= end)
			order++;
		frames_release_locked(first, 1UL << order);
		block_free_locked(first, order);
		first += 1UL << order;
	}
}

/* page_range_fn for page_init(): frees every frame of [start, end) but the array's. */
static void init_free_fn(paddr_t start, paddr_t end, void *arg)
{
	struct init_ctx *c = arg;
	size_t s = start >> PAGE_SHIFT, e = end >> PAGE_SHIFT;
	size_t as = c->array_start >> PAGE_SHIFT, ae = c->array_end >> PAGE_SHIFT;

	free_frames_locked(s, MIN(e, MAX(s, as)));
	free_frames_locked(MAX(s, MIN(e, ae)), e);
}

/*
 * See page.h. Panics when there is no usable memory or no room for the
 * vm_page array. Meant to be called once, at boot.
 */
size_t page_init(const struct mem_range *usable, int nusable,
                 const struct mem_range *reserved, int nreserved)
{
	size_t n = page_ranges_top(usable, nusable) >> PAGE_SHIFT;
	size_t bytes = ALIGN_UP(n * sizeof(struct vm_page), PAGE_SIZE);
	struct init_ctx c;
	paddr_t at;

	if (n == 0)
		panic("page_init: no usable memory");
	at = page_ranges_place(usable, nusable, reserved, nreserved, bytes);
	if (at == 0)
		panic("page_init: no room for the vm_page array (%zu bytes)", bytes);

	spin_lock(&page_lock);
	pages = phys_to_virt(at);
	npages = n;
	memset(pages, 0, n * sizeof(struct vm_page));
	for (size_t i = 0; i < n; i++)
		pages[i].flags = PG_RESERVED;
	memset(free_head, 0, sizeof(free_head));
	memset(free_blocks, 0, sizeof(free_blocks));
	nfree = 0;
	large_used = large_reserve = 0;
	c.array_start = at;
	c.array_end = at + bytes;
	page_ranges_walk(usable, nusable, reserved, nreserved, init_free_fn, &c);
	ntotal = nfree;
	spin_unlock(&page_lock);

	printk("page: %zu of %zu frames free (%zu whole 2 MiB blocks), vm_page array at pa %p (%zu KiB)\n",
	       ntotal, n, free_blocks[LARGE_ORDER], (void *)(uintptr_t)at, bytes >> 10);
	return ntotal;
}

/* ---- Allocation ---- */

/* Cuts one frame from the smallest free block and zeroes it. */
struct vm_page *page_alloc(void)
{
	struct vm_page *pg = NULL;
	size_t pfn;

	spin_lock(&page_lock);
	if (alloc_allowed_locked() && smallest_block_locked(1, &pfn)) {
		frame_take_locked(pfn);
		pg = &pages[pfn];
		alloc_charge_locked();
	}
	spin_unlock(&page_lock);
	if (pg)
		memset(page_to_virt(pg), 0, PAGE_SIZE);
	return pg;
}

/* Panics on a double free, a reserved page, a mapped page or a piece of a large page. */
void page_free(struct vm_page *pg)
{
	spin_lock(&page_lock);
	check_small_locked(pg, "page_free");
	frames_release_locked(pfn_of(pg), 1);
	block_free_locked(pfn_of(pg), 0);
	spin_unlock(&page_lock);
}

/*
 * See page.h, which says why a run is zeroed too. A run counts as one
 * allocation for page_fail_after().
 */
struct vm_page *page_alloc_run(size_t n)
{
	struct vm_page *first = NULL;

	if (n == 0)
		return NULL;
	spin_lock(&page_lock);
	if (n <= nfree && alloc_allowed_locked()) {
		first = find_run_locked(n);
		if (first) {
			for (size_t i = 0; i < n; i++)
				frame_take_locked(pfn_of(first) + i);
			alloc_charge_locked();
		}
	}
	spin_unlock(&page_lock);
	if (first)
		memset(page_to_virt(first), 0, n * PAGE_SIZE);
	return first;
}

/* Checks every page before freeing any, so a bad run frees nothing. */
void page_free_run(struct vm_page *first, size_t n)
{
	spin_lock(&page_lock);
	for (size_t i = 0; i < n; i++)
		check_small_locked(&first[i], "page_free_run");
	for (size_t i = 0; i < n; i++) {
		frames_release_locked(pfn_of(first) + i, 1);
		block_free_locked(pfn_of(first) + i, 0);
	}
	spin_unlock(&page_lock);
}

/* See page.h: a whole free 2 MiB block, the most recently listed one. */
struct vm_page *page_alloc_large(void)
{
	struct vm_page *head = NULL;

	spin_lock(&page_lock);
	if (free_head[LARGE_ORDER] && alloc_allowed_locked()) {
		size_t pfn = pfn_of(free_head[LARGE_ORDER]);

		block_unlink_locked(pfn);
		for (size_t i = pfn; i < pfn + LARGE_PAGES; i++)
			frame_claim_locked(i);
		head = &pages[pfn];
		head->flags = PG_LARGE;
		large_used++;
		alloc_charge_locked();
	}
	spin_unlock(&page_lock);
	if (head)
		memset(page_to_virt(head), 0, LARGE_PAGES * PAGE_SIZE);
	return head;
}

/* See page.h. Checks all 512 pages before freeing any. */
void page_free_large(struct vm_page *first)
{
	spin_lock(&page_lock);
	check_freeable_locked(first, "page_free_large");
	if (!(first->flags & PG_LARGE) || !IS_ALIGNED(pfn_of(first), LARGE_PAGES))
		panic("page_free_large: pa %p is not a large page",
		      (void *)(uintptr_t)page_to_phys(first));
	for (size_t i = 1; i < LARGE_PAGES; i++)
		check_freeable_locked(&first[i], "page_free_large");
	frames_release_locked(pfn_of(first), LARGE_PAGES);
	block_free_locked(pfn_of(first), LARGE_ORDER);
	large_used--;
	spin_unlock(&page_lock);
}

/*
 * A large page is a naturally aligned block whose first frame has PG_LARGE,
 * so the candidate is pg's frame number rounded down to 512. That frame
 * cannot turn into a large page while pg is allocated on its own, so the
 * unlocked read is safe.
 */
struct vm_page *page_large_head(struct vm_page *pg)
{
	struct vm_page *head = &pages[ALIGN_DOWN(pfn_of(pg), LARGE_PAGES)];

	return (__atomic_load_n(&head->flags, __ATOMIC_RELAXED) & PG_LARGE) ? head : NULL;
}

/* See page.h. */
size_t page_large_reserve(size_t n)
{
	spin_lock(&page_lock);
	large_reserve = MIN(n, large_used + free_blocks[LARGE_ORDER]);
	n = large_reserve;
	spin_unlock(&page_lock);
	return n;
}

/* ---- Queries ---- */

/* Reads one page_lock-protected counter. */
static size_t read_locked_count(const size_t *count)
{
	size_t n;

	spin_lock(&page_lock);
	n = *count;
	spin_unlock(&page_lock);
	return n;
}

/* Exact number of free pages, under the lock. */
size_t page_free_count(void)
{
	return read_locked_count(&nfree);
}

size_t page_large_free_count(void)
{
	return read_locked_count(&free_blocks[LARGE_ORDER]);
}

size_t page_large_used_count(void)
{
	return read_locked_count(&large_used);
}

size_t page_large_reserved(void)
{
	return read_locked_count(&large_reserve);
}

size_t page_frames_scanned(void)
{
	return read_locked_count(&frames_scanned);
}

/* Free pages right after page_init(); constant afterwards. */
size_t page_total_count(void)
{
	return ntotal;
}

/* Frame number = index in the array. */
paddr_t page_to_phys(const struct vm_page *pg)
{
	return (paddr_t)(pg - pages) << PAGE_SHIFT;
}

/* Any address inside the frame works; NULL beyond the last frame. */
struct vm_page *phys_to_page(paddr_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;

	return pfn < npages ? &pages[pfn] : NULL;
}

/* n >= 0: n more allocations succeed, then all fail; n < 0: off. */
void page_fail_after(long n)
{
	spin_lock(&page_lock);
	fail_after = n < 0 ? -1 : n;
	spin_unlock(&page_lock);
}
