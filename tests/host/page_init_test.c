/*
 * Host-only KTEST suite `page_init`: the memory-map arithmetic page_init()
 * uses (page_ranges_*), fed synthetic maps that are unsorted, overlapping
 * and unaligned, with exact expected page counts; and the layout page_init()
 * built over the host arena.
 */
#include "kernel/ktest.h"
#include "mm/page.h"
#include "tests/host/fake.h"

#define P(n) ((paddr_t)(n) * PAGE_SIZE)   /* page n's address */

#define COUNT(u, r) page_ranges_count((u), ARRAY_SIZE(u), (r), ARRAY_SIZE(r))

static const struct mem_range none[] = { { 0, 0 } };

KTEST(page_init, aligned_range_counts_every_page)
{
	struct mem_range u[] = { { P(16), P(48) } };

	KT_ASSERT_EQ(32, COUNT(u, none));
}

KTEST(page_init, empty_lists_count_nothing)
{
	KT_ASSERT_EQ(0, page_ranges_count(NULL, 0, NULL, 0));
	KT_ASSERT_EQ(0, page_ranges_top(NULL, 0));
}

KTEST(page_init, unaligned_usable_rounds_inward)
{
	struct mem_range u[] = { { P(2) + 1, P(6) - 1 } };   /* pages 3, 4 */

	KT_ASSERT_EQ(2, COUNT(u, none));
}

KTEST(page_init, usable_inside_one_page_is_empty)
{
	struct mem_range u[] = { { P(1) + 0x100, P(1) + 0xf00 }, { P(5) + 1, P(6) } };

	KT_ASSERT_EQ(0, COUNT(u, none));
}

KTEST(page_init, unaligned_reserved_rounds_outward)
{
	struct mem_range u[] = { { 0, P(16) } };
	struct mem_range r[] = { { P(2) - 1, P(2) + 1 } };   /* touches pages 1, 2 */

	KT_ASSERT_EQ(14, COUNT(u, r));
}

KTEST(page_init, unsorted_overlapping_usable_counted_once)
{
	struct mem_range u[] = {
		{ P(100), P(200) }, { P(10), P(50) }, { P(40), P(120) },
		{ P(10), P(20) }, { P(300), P(301) },
	};   /* union: [10, 200) and [300, 301) */

	KT_ASSERT_EQ(191, COUNT(u, none));
	KT_ASSERT_EQ(P(301), page_ranges_top(u, ARRAY_SIZE(u)));
}

KTEST(page_init, overlapping_reserved_counted_once)
{
	struct mem_range u[] = { { P(0), P(100) } };
	struct mem_range r[] = {
		{ P(50), P(60) }, { P(10), P(20) }, { P(55), P(70) }, { P(12), P(13) },
	};   /* reserved union: [10, 20) and [50, 70) = 30 pages */

	KT_ASSERT_EQ(70, COUNT(u, r));
}

KTEST(page_init, reserved_outside_usable_is_ignored)
{
	struct mem_range u[] = { { P(10), P(20) }, { P(30), P(40) } };
	struct mem_range r[] = { { P(0), P(5) }, { P(20), P(30) }, { P(50), P(90) },
	                         { P(15), P(35) } };   /* only 15..20 and 30..35 hit */

	KT_ASSERT_EQ(10, COUNT(u, r));
}

KTEST(page_init, reserved_covering_everything_leaves_nothing)
{
	struct mem_range u[] = { { P(3), P(9) }, { P(1), P(2) } };
	struct mem_range r[] = { { 0, P(1000) } };

	KT_ASSERT_EQ(0, COUNT(u, r));
}

KTEST(page_init, ranges_above_the_direct_map_are_clipped)
{
	struct mem_range u[] = { { DIRECT_MAP_MAX - P(4), DIRECT_MAP_MAX + GIB(1) },
	                         { (paddr_t)-PAGE_SIZE, (paddr_t)-1 } };
	struct mem_range r[] = { { DIRECT_MAP_MAX - 1, (paddr_t)-1 } };

	KT_ASSERT_EQ(3, COUNT(u, r));
	KT_ASSERT_EQ(DIRECT_MAP_MAX, page_ranges_top(u, ARRAY_SIZE(u)));
}

struct walk_log {
	int n;
	struct mem_range got[8];
};

static void log_fn(paddr_t start, paddr_t end, void *arg)
{
	struct walk_log *l = arg;

	if (l->n < (int)ARRAY_SIZE(l->got))
		l->got[l->n] = (struct mem_range){ start, end };
	l->n++;
}

KTEST(page_init, walk_yields_sorted_maximal_runs)
{
	/* Touching and overlapping pieces merge; a reserved hole splits. */
	struct mem_range u[] = { { P(30) + 5, P(40) }, { P(8), P(20) }, { P(20), P(25) },
	                         { P(5), P(10) } };
	struct mem_range r[] = { { P(12), P(14) - 3 } };
	struct walk_log l = { 0 };
	size_t n = page_ranges_walk(u, ARRAY_SIZE(u), r, ARRAY_SIZE(r), log_fn, &l);

	KT_ASSERT_EQ(3, l.n);
	KT_ASSERT_EQ(P(5), l.got[0].start);
	KT_ASSERT_EQ(P(12), l.got[0].end);
	KT_ASSERT_EQ(P(14), l.got[1].start);
	KT_ASSERT_EQ(P(25), l.got[1].end);
	KT_ASSERT_EQ(P(31), l.got[2].start);
	KT_ASSERT_EQ(P(40), l.got[2].end);
	KT_ASSERT_EQ(7 + 11 + 9, n);
}

KTEST(page_init, place_skips_the_first_mib_and_reserved_ranges)
{
	struct mem_range u[] = { { 0, MIB(16) } };
	struct mem_range r[] = { { MIB(1), MIB(2) + 1 }, { MIB(3), MIB(4) } };

	/* 1 MiB fits nowhere below 4 MiB: [2 MiB + 4K, 3 MiB) is too short. */
	KT_ASSERT_EQ(MIB(4), page_ranges_place(u, 1, r, 2, MIB(1)));
	/* A page fits in the hole above the first reserved range. */
	KT_ASSERT_EQ(MIB(2) + PAGE_SIZE, page_ranges_place(u, 1, r, 2, 100));
	/* Without reservations, the first MiB is still skipped. */
	KT_ASSERT_EQ(MIB(1), page_ranges_place(u, 1, NULL, 0, PAGE_SIZE));
}

KTEST(page_init, place_fails_without_room)
{
	struct mem_range u[] = { { 0, MIB(1) }, { MIB(2), MIB(3) } };

	KT_ASSERT_EQ(0, page_ranges_place(u, 2, NULL, 0, MIB(1) + 1));
	KT_ASSERT_EQ(MIB(2), page_ranges_place(u, 2, NULL, 0, MIB(1)));
}

/* page_init() over the arena: first MiB and vm_page array reserved, rest free. */
KTEST(page_init, host_arena_total_is_exact)
{
	size_t frames = HOST_PHYS_BYTES / PAGE_SIZE;
	size_t array_pages = ALIGN_UP(frames * sizeof(struct vm_page), PAGE_SIZE) / PAGE_SIZE;

	KT_ASSERT_EQ(frames - MIB(1) / PAGE_SIZE - array_pages, page_total_count());
	KT_ASSERT(phys_to_page(0)->flags & PG_RESERVED);
	KT_ASSERT(phys_to_page(MIB(1) - 1)->flags & PG_RESERVED);
	KT_ASSERT(phys_to_page(MIB(1))->flags & PG_RESERVED);   /* the array */
	KT_ASSERT(phys_to_page(P(array_pages - 1) + MIB(1))->flags & PG_RESERVED);
	KT_ASSERT(!(phys_to_page(P(array_pages) + MIB(1))->flags & PG_RESERVED));
	KT_ASSERT(phys_to_page(HOST_PHYS_BYTES - 1) != NULL);
	KT_ASSERT(phys_to_page(HOST_PHYS_BYTES) == NULL);
}
