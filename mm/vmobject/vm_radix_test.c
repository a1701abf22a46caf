/*
 * KTEST suite `radix`: the page radix tree of VM objects. Runs in the
 * kernel (booted with `selftest`) and on the host. A sparse three-level
 * tree is searched with radix_next() from every index near a page or a
 * node boundary and compared with a plain scan of the same indices; then it
 * is emptied the way a shrink does it, page after page. The pages are
 * stand-in pointers: the tree only stores them. The free-page count comes
 * back when the tree is freed.
 */
#include "kernel/ktest.h"
#include "mm/page.h"
#include "mm/vmobject/vm_radix.h"

#define LEVEL2 ((uint64_t)RADIX_FANOUT * RADIX_FANOUT)   /* pages under a level-2 node */
#define TOP    (LEVEL2 * RADIX_FANOUT)                    /* capacity of three levels */

/* Indices holding a page: node edges on every level, and the very last. */
static const uint64_t present[] = {
	0, 1, RADIX_FANOUT - 1, RADIX_FANOUT, RADIX_FANOUT + 1, 3 * RADIX_FANOUT + 7,
	LEVEL2 - 1, LEVEL2, LEVEL2 + RADIX_FANOUT * 300 + 5, 5 * LEVEL2 + 17, TOP - 1,
};

/* The stand-in for the page at idx: never dereferenced. */
static struct vm_page *fake_page(uint64_t idx)
{
	return (struct vm_page *)(uintptr_t)((idx + 1) * 64);
}

/* The first index of present[] in [from, end), or `end` when none. */
static uint64_t expected_next(uint64_t from, uint64_t end)
{
	uint64_t best = end;

	for (size_t i = 0; i < ARRAY_SIZE(present); i++)
		if (present[i] >= from && present[i] < end && present[i] < best)
			best = present[i];
	return best;
}

/* Checks radix_next(from, end) against expected_next(); true when they agree. */
static bool next_agrees(void *root, int depth, uint64_t from, uint64_t end)
{
	uint64_t want = expected_next(from, end), found = ~0ULL;
	struct vm_page *pg = radix_next(root, depth, from, end, &found);

	if (want == end)
		return pg == NULL;
	return pg == fake_page(want) && found == want;
}

/* Puts every page of present[] in the tree *root; false when a node cannot be had. */
static bool fill_tree(void **root, int depth)
{
	for (size_t i = 0; i < ARRAY_SIZE(present); i++) {
		struct vm_page **slot = radix_slot(root, depth, present[i], true);

		if (!slot)
			return false;
		*slot = fake_page(present[i]);
	}
	return true;
}

KTEST(radix, next_finds_the_first_page_from_any_index_on_every_level)
{
	size_t free0 = page_free_count();
	void *root = NULL;
	int depth = radix_depth(TOP);

	KT_ASSERT_EQ(3, depth);
	KT_ASSERT(fill_tree(&root, depth));
	for (size_t i = 0; i < ARRAY_SIZE(present); i++) {
		for (int d = -2; d <= 2; d++) {
			uint64_t from = present[i] + (uint64_t)d;

			if (from >= TOP)
				continue;
			KT_ASSERT(next_agrees(root, depth, from, TOP));
			KT_ASSERT(next_agrees(root, depth, from, from + 1));
			KT_ASSERT(next_agrees(root, depth, from, MIN(TOP, from + RADIX_FANOUT)));
		}
	}
	for (uint64_t from = 0; from < TOP; from += LEVEL2 / 3)
		KT_ASSERT(next_agrees(root, depth, from, TOP));
	radix_free(&root, depth);
	KT_ASSERT(root == NULL);
	KT_ASSERT_EQ(free0, page_free_count());
}

KTEST(radix, emptying_page_by_page_visits_each_page_once_in_order)
{
	size_t free0 = page_free_count(), seen = 0;
	void *root = NULL;
	int depth = radix_depth(TOP);
	uint64_t idx = 0;
	struct vm_page *pg;

	KT_ASSERT(fill_tree(&root, depth));
	/* As a shrink does: find the next page, take it out, go on after it. */
	while ((pg = radix_next(root, depth, idx, TOP, &idx)) != NULL) {
		KT_ASSERT(seen < ARRAY_SIZE(present));
		KT_ASSERT_EQ(present[seen], idx);
		KT_ASSERT(pg == fake_page(idx));
		*radix_slot(&root, depth, idx, false) = NULL;
		seen++;
		idx++;
	}
	KT_ASSERT_EQ(ARRAY_SIZE(present), seen);
	KT_ASSERT(radix_next(root, depth, 0, TOP, &idx) == NULL);
	radix_free(&root, depth);
	KT_ASSERT_EQ(free0, page_free_count());
}
