/*
 * Physical page allocator (see page.h).
 *
 * Every frame from 0 up to the highest usable one has a struct vm_page in one
 * array, `pages`, placed in usable memory by page_init() and reached through
 * the direct map. Frame number = index in the array.
 *
 * Free pages sit on one doubly linked list, so any page can be unlinked in
 * O(1). page_init() pushes frames in increasing address order, so single
 * pages are handed out from high memory first, while page_alloc_run() scans
 * the array from low addresses: the two meet as late as possible and runs do
 * not starve. A buddy allocator would replace free_push_locked(),
 * free_take_locked() and find_run_locked() and keep the public functions.
 *
 * Lock: page_lock protects `free_head`, the counters, the fault-injection
 * budget and the (p) fields of every vm_page. The array itself and `npages`
 * are written only by page_init().
 */
#include "mm/page.h"
#include "kernel/spinlock.h"
#include "kernel/printk.h"
#include "kernel/string.h"

static struct spinlock page_lock = SPINLOCK_INIT("page_lock");
static struct vm_page *pages;      /* one per frame in [0, npages) */
static size_t npages;
static struct vm_page *free_head;  /* (p) */
static size_t nfree;               /* (p) pages on the free list */
static size_t ntotal;              /* (p) free pages right after page_init() */
static long fail_after = -1;       /* (p) allocations left before injected failure; -1 off */

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

/* ---- The free list ---- */

/* Puts a page on the free list. page_lock held; pg is not on the list. */
static void free_push_locked(struct vm_page *pg)
{
	pg->flags = PG_FREE;
	pg->prev = NULL;
	pg->next = free_head;
	if (free_head)
		free_head->prev = pg;
	free_head = pg;
	nfree++;
}

/*
 * Unlinks a free page and clears all its fields for the new owner.
 * page_lock held; pg is on the free list.
 */
static void free_take_locked(struct vm_page *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		free_head = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	nfree--;
	memset(pg, 0, sizeof(*pg));
	mem_unpoison(page_to_virt(pg), PAGE_SIZE);
}

/*
 * First fit from frame 0: the lowest run of n free frames, or NULL. O(frames)
 * in the worst case; page_lock held.
 */
static struct vm_page *find_run_locked(size_t n)
{
	size_t start = 0, len = 0;

	for (size_t i = 0; i < npages; i++) {
		if (!(pages[i].flags & PG_FREE)) {
			len = 0;
			continue;
		}
		if (len++ == 0)
			start = i;
		if (len == n)
			return &pages[start];
	}
	return NULL;
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

/* ---- Building the allocator ---- */

struct init_ctx {
	paddr_t array_start, array_end;   /* the vm_page array: stays reserved */
};

/* page_range_fn for page_init(): frees every frame of [start, end) but the array's. */
static void init_free_fn(paddr_t start, paddr_t end, void *arg)
{
	struct init_ctx *c = arg;

	for (paddr_t pa = start; pa < end; pa += PAGE_SIZE) {
		if (pa >= c->array_start && pa < c->array_end)
			continue;
		mem_poison(phys_to_virt(pa), PAGE_SIZE);
		free_push_locked(&pages[pa >> PAGE_SHIFT]);
	}
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
	free_head = NULL;
	nfree = 0;
	c.array_start = at;
	c.array_end = at + bytes;
	page_ranges_walk(usable, nusable, reserved, nreserved, init_free_fn, &c);
	ntotal = nfree;
	spin_unlock(&page_lock);

	printk("page: %zu of %zu frames free, vm_page array at pa %p (%zu KiB)\n",
	       ntotal, n, (void *)(uintptr_t)at, bytes >> 10);
	return ntotal;
}

/* ---- Allocation ---- */

/* Takes the head of the free list (high memory first) and zeroes it. */
struct vm_page *page_alloc(void)
{
	struct vm_page *pg = NULL;

	spin_lock(&page_lock);
	if (free_head && alloc_allowed_locked()) {
		pg = free_head;
		free_take_locked(pg);
		alloc_charge_locked();
	}
	spin_unlock(&page_lock);
	if (pg)
		memset(page_to_virt(pg), 0, PAGE_SIZE);
	return pg;
}

/* Panics on a double free, a reserved page or a page that is still mapped. */
void page_free(struct vm_page *pg)
{
	spin_lock(&page_lock);
	check_freeable_locked(pg, "page_free");
	mem_poison(page_to_virt(pg), PAGE_SIZE);
	free_push_locked(pg);
	spin_unlock(&page_lock);
}

/* See page.h. A run counts as one allocation for page_fail_after(). */
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
				free_take_locked(&first[i]);
			alloc_charge_locked();
		}
	}
	spin_unlock(&page_lock);
	return first;
}

/* Checks every page before freeing any, so a bad run frees nothing. */
void page_free_run(struct vm_page *first, size_t n)
{
	spin_lock(&page_lock);
	for (size_t i = 0; i < n; i++)
		check_freeable_locked(&first[i], "page_free_run");
	for (size_t i = 0; i < n; i++) {
		mem_poison(page_to_virt(&first[i]), PAGE_SIZE);
		free_push_locked(&first[i]);
	}
	spin_unlock(&page_lock);
}

/* ---- Queries ---- */

/* Exact number of free pages, under the lock. */
size_t page_free_count(void)
{
	size_t n;

	spin_lock(&page_lock);
	n = nfree;
	spin_unlock(&page_lock);
	return n;
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
