/*
 * KTEST suite `pmm`: the physical page allocator. Runs in the kernel (booted
 * with `selftest`) and on the host. Every case records page_free_count()
 * first and checks it is back at the end. Fault injection is switched off
 * before any assertion, so a failing case cannot break the next ones.
 * Double free is not exercised: it panics by design.
 */
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/page.h"

#define NPAGES 64

/* True when the page at va holds only zero bytes. */
static bool page_is_zero(const void *va)
{
	const uint64_t *w = va;

	for (size_t i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		if (w[i] != 0)
			return false;
	return true;
}

/*
 * A stack of pages kept in the pages themselves: each one's first word holds
 * the physical address of the next (0 ends it; the first MiB is never
 * handed out), so a case can hold every free page with no other memory.
 */
static void chain_push(paddr_t *chain, struct vm_page *pg)
{
	*(paddr_t *)page_to_virt(pg) = *chain;
	*chain = page_to_phys(pg);
}

/* The page last pushed, taken off the chain; NULL when it is empty. */
static struct vm_page *chain_pop(paddr_t *chain)
{
	struct vm_page *pg = *chain ? phys_to_page(*chain) : NULL;

	if (pg)
		*chain = *(paddr_t *)page_to_virt(pg);
	return pg;
}

KTEST(pmm, alloc_returns_zeroed_distinct_aligned_pages)
{
	size_t before = page_free_count();
	struct vm_page *pg[NPAGES];
	bool zero = true, aligned = true, distinct = true;

	for (int i = 0; i < NPAGES; i++) {
		pg[i] = page_alloc();
		KT_ASSERT(pg[i] != NULL);
	}
	KT_ASSERT_EQ(before - NPAGES, page_free_count());
	for (int i = 0; i < NPAGES; i++) {
		zero &= page_is_zero(page_to_virt(pg[i]));
		aligned &= IS_ALIGNED(page_to_phys(pg[i]), PAGE_SIZE);
		for (int j = 0; j < i; j++)
			distinct &= page_to_phys(pg[i]) != page_to_phys(pg[j]);
		memset(page_to_virt(pg[i]), 0xa5, PAGE_SIZE);   /* dirty for the next user */
	}
	for (int i = 0; i < NPAGES; i++)
		page_free(pg[i]);
	KT_ASSERT(zero);
	KT_ASSERT(aligned);
	KT_ASSERT(distinct);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, reused_page_is_zeroed_again)
{
	size_t before = page_free_count();
	struct vm_page *pg = page_alloc();
	bool zero;

	KT_ASSERT(pg != NULL);
	memset(page_to_virt(pg), 0xff, PAGE_SIZE);
	page_free(pg);
	pg = page_alloc();   /* most likely the same page: the list is LIFO */
	KT_ASSERT(pg != NULL);
	zero = page_is_zero(page_to_virt(pg));
	page_free(pg);
	KT_ASSERT(zero);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, alloc_then_free_restores_count)
{
	size_t before = page_free_count();
	struct vm_page *pg = page_alloc();

	KT_ASSERT(pg != NULL);
	KT_ASSERT_EQ(before - 1, page_free_count());
	page_free(pg);
	KT_ASSERT_EQ(before, page_free_count());
	KT_ASSERT(page_total_count() >= before);
}

KTEST(pmm, allocated_page_has_cleared_fields)
{
	size_t before = page_free_count();
	struct vm_page *pg = page_alloc();
	struct vm_page copy;

	KT_ASSERT(pg != NULL);
	copy = *pg;
	page_free(pg);
	KT_ASSERT_EQ(0, copy.flags);
	KT_ASSERT_EQ(0, copy.refcount);
	KT_ASSERT(copy.object == NULL);
	KT_ASSERT(copy.pv_list == NULL);
	KT_ASSERT_EQ(0, copy.pv_count);
	KT_ASSERT_EQ(0, copy.link_count);
	KT_ASSERT_EQ(0, copy.used);
	KT_ASSERT_EQ(0, copy.order);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, fail_after_n_allows_n_then_returns_null)
{
	size_t before = page_free_count();
	struct vm_page *ok[3], *failed, *failed_run, *recovered;

	page_fail_after(3);
	for (int i = 0; i < 3; i++)
		ok[i] = page_alloc();
	failed = page_alloc();
	failed_run = page_alloc_run(2);
	page_fail_after(-1);
	recovered = page_alloc();

	for (int i = 0; i < 3; i++)
		if (ok[i])
			page_free(ok[i]);
	if (recovered)
		page_free(recovered);
	for (int i = 0; i < 3; i++)
		KT_ASSERT(ok[i] != NULL);
	KT_ASSERT(failed == NULL);
	KT_ASSERT(failed_run == NULL);
	KT_ASSERT(recovered != NULL);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, fail_after_zero_fails_at_once)
{
	size_t before = page_free_count();
	struct vm_page *pg;

	page_fail_after(0);
	pg = page_alloc();
	page_fail_after(-1);
	if (pg)
		page_free(pg);
	KT_ASSERT(pg == NULL);
	KT_ASSERT_EQ(before, page_free_count());
}

/*
 * Really runs out of memory: takes every free page (on a chain, so no other
 * memory is needed), checks that page_alloc() and page_alloc_run() return
 * NULL, then frees them all.
 */
KTEST(pmm, alloc_until_exhausted_returns_null_then_recovers)
{
	size_t before = page_free_count();
	paddr_t chain = 0;
	struct vm_page *pg, *none, *none_run;
	size_t at_bottom;

	while ((pg = page_alloc()) != NULL)
		chain_push(&chain, pg);
	at_bottom = page_free_count();
	none = page_alloc();
	none_run = page_alloc_run(1);
	while ((pg = chain_pop(&chain)) != NULL)
		page_free(pg);
	KT_ASSERT_EQ(0, at_bottom);
	KT_ASSERT(none == NULL);
	KT_ASSERT(none_run == NULL);
	KT_ASSERT_EQ(before, page_free_count());
	pg = page_alloc();
	KT_ASSERT(pg != NULL);
	page_free(pg);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, run_is_contiguous_and_aligned)
{
	size_t before = page_free_count();
	struct vm_page *run = page_alloc_run(8);
	paddr_t pa;
	bool contiguous = true, allocated = true;

	KT_ASSERT(run != NULL);
	KT_ASSERT_EQ(before - 8, page_free_count());
	pa = page_to_phys(run);
	for (size_t i = 0; i < 8; i++) {
		contiguous &= page_to_phys(&run[i]) == pa + i * PAGE_SIZE;
		contiguous &= phys_to_page(pa + i * PAGE_SIZE) == &run[i];
		allocated &= !(run[i].flags & (PG_FREE | PG_RESERVED));
	}
	memset(page_to_virt(run), 0x5a, 8 * PAGE_SIZE);   /* the whole run is usable */
	page_free_run(run, 8);
	KT_ASSERT(IS_ALIGNED(pa, PAGE_SIZE));
	KT_ASSERT(contiguous);
	KT_ASSERT(allocated);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, runs_do_not_overlap)
{
	size_t before = page_free_count();
	struct vm_page *a = page_alloc_run(5), *b = page_alloc_run(7);
	paddr_t a0, a1, b0, b1;

	KT_ASSERT(a != NULL && b != NULL);
	a0 = page_to_phys(a);
	a1 = a0 + 5 * PAGE_SIZE;
	b0 = page_to_phys(b);
	b1 = b0 + 7 * PAGE_SIZE;
	page_free_run(a, 5);
	page_free_run(b, 7);
	KT_ASSERT(a1 <= b0 || b1 <= a0);
	KT_ASSERT_EQ(before, page_free_count());
}

/* A run freed goes back to the head of its list: the next run of its size is it. */
KTEST(pmm, freed_run_is_the_next_one_handed_out)
{
	size_t before = page_free_count();
	struct vm_page *a = page_alloc_run(4), *b;

	KT_ASSERT(a != NULL);
	page_free_run(a, 4);
	b = page_alloc_run(4);
	KT_ASSERT(b != NULL);
	page_free_run(b, 4);
	KT_ASSERT(a == b);
	KT_ASSERT_EQ(before, page_free_count());
}

/* A run comes zeroed like a page, even when its last owner left data in it. */
KTEST(pmm, reused_run_is_zeroed_again)
{
	size_t before = page_free_count();
	struct vm_page *a = page_alloc_run(4), *b;
	bool zero = true;

	KT_ASSERT(a != NULL);
	memset(page_to_virt(a), 0xa5, 4 * PAGE_SIZE);
	page_free_run(a, 4);
	b = page_alloc_run(4);   /* the same run: see the case above */
	KT_ASSERT(b != NULL);
	for (int i = 0; i < 4; i++)
		zero &= page_is_zero(page_to_virt(&b[i]));
	page_free_run(b, 4);
	KT_ASSERT(a == b);
	KT_ASSERT(zero);
	KT_ASSERT_EQ(before, page_free_count());
}

/*
 * A run of up to 2 MiB is cut from a free block found on the lists, never
 * searched for frame by frame: the search from frame 0 costs as much as
 * the memory in use below the first fit, and made fork (a kernel stack,
 * page-sized heap blocks) grow with the size of the shared memory mapped.
 */
KTEST(pmm, run_of_up_to_2mib_scans_no_frame)
{
	static const size_t sizes[] = { 1, 4, 5, 64 };
	size_t before = page_free_count(), scanned = page_frames_scanned();
	struct vm_page *run[ARRAY_SIZE(sizes)];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		run[i] = page_alloc_run(sizes[i]);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		if (run[i])
			page_free_run(run[i], sizes[i]);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		KT_ASSERT(run[i] != NULL);
	KT_ASSERT_EQ(scanned, page_frames_scanned());
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, run_of_zero_or_too_many_pages_returns_null)
{
	size_t before = page_free_count();

	KT_ASSERT(page_alloc_run(0) == NULL);
	KT_ASSERT(page_alloc_run(page_total_count() + 1) == NULL);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, phys_to_page_round_trips)
{
	size_t before = page_free_count();
	struct vm_page *pg = page_alloc();
	paddr_t pa;

	KT_ASSERT(pg != NULL);
	pa = page_to_phys(pg);
	page_free(pg);
	KT_ASSERT(phys_to_page(pa) == pg);
	KT_ASSERT(phys_to_page(pa + PAGE_SIZE - 1) == pg);
	KT_ASSERT(page_to_virt(pg) == phys_to_virt(pa));
	KT_ASSERT(phys_to_page(DIRECT_MAP_MAX) == NULL);
	KT_ASSERT_EQ(before, page_free_count());
}

/* ---- large pages and the buddy allocator ---- */

/* True when every page of the 2 MiB block at va holds only zero bytes. */
static bool block_is_zero(const char *va)
{
	for (size_t i = 0; i < LARGE_PAGES; i++)
		if (!page_is_zero(va + i * PAGE_SIZE))
			return false;
	return true;
}

KTEST(pmm, large_page_is_an_aligned_zeroed_2mib_block)
{
	size_t before = page_free_count(), blocks = page_large_free_count();
	size_t used = page_large_used_count();
	struct vm_page *head = page_alloc_large();
	bool zero, pieces = true;

	KT_ASSERT(head != NULL);
	KT_ASSERT_EQ(before - LARGE_PAGES, page_free_count());
	KT_ASSERT_EQ(blocks - 1, page_large_free_count());
	KT_ASSERT_EQ(used + 1, page_large_used_count());
	zero = block_is_zero(page_to_virt(head));
	for (size_t i = 0; i < LARGE_PAGES; i++)
		pieces &= page_large_head(&head[i]) == head && !(head[i].flags & PG_FREE);
	memset(page_to_virt(head), 0xc3, LARGE_PAGES * PAGE_SIZE);   /* all of it is usable */
	page_free_large(head);
	KT_ASSERT(IS_ALIGNED(page_to_phys(head), SEG_SIZE));
	KT_ASSERT(head->flags & PG_FREE);
	KT_ASSERT(zero);
	KT_ASSERT(pieces);
	KT_ASSERT_EQ(before, page_free_count());
	KT_ASSERT_EQ(blocks, page_large_free_count());
	KT_ASSERT_EQ(used, page_large_used_count());
}

KTEST(pmm, small_page_is_no_part_of_a_large_page)
{
	size_t before = page_free_count();
	struct vm_page *pg = page_alloc();

	KT_ASSERT(pg != NULL);
	KT_ASSERT(page_large_head(pg) == NULL);
	page_free(pg);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, freed_pages_merge_back_into_2mib_blocks)
{
	size_t before = page_free_count(), blocks = page_large_free_count(), broken;
	struct vm_page *pg;
	paddr_t chain = 0;

	/*
	 * Single pages come from the smallest free blocks: take them until a
	 * 2 MiB block had to be broken, then give them back.
	 */
	while (page_large_free_count() == blocks && (pg = page_alloc()) != NULL)
		chain_push(&chain, pg);
	broken = blocks - page_large_free_count();
	while ((pg = chain_pop(&chain)) != NULL)
		page_free(pg);
	KT_ASSERT_EQ(1, broken);
	KT_ASSERT_EQ(blocks, page_large_free_count());
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, large_page_counts_once_for_fail_after)
{
	size_t before = page_free_count();
	struct vm_page *ok, *failed_large, *failed_small;

	page_fail_after(1);
	ok = page_alloc_large();
	failed_large = page_alloc_large();
	failed_small = page_alloc();
	page_fail_after(-1);
	if (ok)
		page_free_large(ok);
	if (failed_large)
		page_free_large(failed_large);
	if (failed_small)
		page_free(failed_small);
	KT_ASSERT(ok != NULL);
	KT_ASSERT(failed_large == NULL);
	KT_ASSERT(failed_small == NULL);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(pmm, run_longer_than_2mib_is_contiguous)
{
	size_t before = page_free_count(), blocks = page_large_free_count();
	size_t n = LARGE_PAGES + 3;
	struct vm_page *run = page_alloc_run(n);
	bool contiguous = true;

	KT_ASSERT(run != NULL);
	for (size_t i = 0; i < n; i++)
		contiguous &= phys_to_page(page_to_phys(run) + i * PAGE_SIZE) == &run[i] &&
		              !(run[i].flags & PG_FREE);
	page_free_run(run, n);
	KT_ASSERT(contiguous);
	KT_ASSERT_EQ(before, page_free_count());
	KT_ASSERT_EQ(blocks, page_large_free_count());
}

KTEST(pmm, reserve_is_cut_to_what_can_be_reserved)
{
	size_t most = page_large_used_count() + page_large_free_count();

	KT_ASSERT_EQ(2, page_large_reserve(2));
	KT_ASSERT_EQ(2, page_large_reserved());
	KT_ASSERT_EQ(most, page_large_reserve(most + 1000));
	KT_ASSERT_EQ(0, page_large_reserve(0));
	KT_ASSERT_EQ(0, page_large_reserved());
}
