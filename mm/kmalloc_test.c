/*
 * KTEST suite `kmalloc`: the kernel heap. Runs in the kernel (booted with
 * `selftest`) and on the host. Every case records page_free_count() first and
 * checks it is back at the end: the heap returns an empty slab page at once,
 * so any leak shows. Bad frees are not exercised: they panic by design.
 */
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/page.h"

#define SMALL_MAX 2048
#define NBLOCKS   1024

static void *blocks[NBLOCKS];     /* static: kernel stacks are small */
static size_t sizes[NBLOCKS];

/* A small deterministic generator (xorshift64) for sizes and free orders. */
static uint64_t rng_state;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Frees blocks[0..n) in a random order (Fisher-Yates shuffle first). */
static void free_in_random_order(size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng() % i;
		void *t = blocks[i - 1];

		blocks[i - 1] = blocks[j];
		blocks[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		kfree(blocks[i]);
		blocks[i] = NULL;
	}
}

/* The byte block i is filled with; differs between neighbours. */
static uint8_t pattern(size_t i) { return (uint8_t)(i * 151 + 7); }

/* True when all n bytes at p equal b. */
static bool all_bytes(const void *p, size_t n, uint8_t b)
{
	const uint8_t *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i] != b)
			return false;
	return true;
}

KTEST(kmalloc, zero_size_returns_null)
{
	size_t before = page_free_count();

	KT_ASSERT(kmalloc(0) == NULL);
	KT_ASSERT(kzalloc(0) == NULL);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(kmalloc, kfree_null_is_a_noop)
{
	size_t before = page_free_count();

	kfree(NULL);
	KT_ASSERT_EQ(0, kmalloc_usable_size(NULL));
	KT_ASSERT_EQ(before, page_free_count());
}

/*
 * Every size from 1 byte to 3 pages: non-NULL, 16-byte aligned (page aligned
 * above SMALL_MAX), usable size at least the request, every byte writable.
 * Records the first bad size so the failure message names it.
 */
KTEST(kmalloc, every_size_from_1_byte_to_3_pages_is_aligned_and_usable)
{
	size_t before = page_free_count(), bad_size = 0;

	for (size_t sz = 1; sz <= 3 * PAGE_SIZE && bad_size == 0; sz++) {
		uint8_t *p = kmalloc(sz);
		size_t align = sz <= SMALL_MAX ? 16 : PAGE_SIZE;

		if (!p || !IS_ALIGNED((uintptr_t)p, align) || kmalloc_usable_size(p) < sz)
			bad_size = sz;
		if (p) {
			memset(p, pattern(sz), sz);
			if (!all_bytes(p, sz, pattern(sz)))
				bad_size = sz;
			kfree(p);
		}
	}
	KT_ASSERT_EQ(0, bad_size);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(kmalloc, usable_size_is_the_size_class)
{
	static const size_t want[][2] = {
		{ 1, 16 }, { 16, 16 }, { 17, 32 }, { 100, 128 }, { 1000, 1024 },
		{ 2048, 2048 }, { 2049, PAGE_SIZE }, { PAGE_SIZE, PAGE_SIZE },
		{ PAGE_SIZE + 1, 2 * PAGE_SIZE }, { 3 * PAGE_SIZE, 3 * PAGE_SIZE },
	};
	size_t before = page_free_count();

	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		void *p = kmalloc(want[i][0]);
		size_t got = kmalloc_usable_size(p);

		kfree(p);
		KT_ASSERT_EQ(want[i][1], got);
	}
	KT_ASSERT_EQ(before, page_free_count());
}

/* Blocks of mixed sizes, all live at once, each filled with its own byte. */
KTEST(kmalloc, live_blocks_do_not_overlap)
{
	size_t before = page_free_count(), n = 300, bad = 0;

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < n; i++) {
		sizes[i] = 1 + rng() % (i % 10 == 0 ? 3 * PAGE_SIZE : SMALL_MAX);
		blocks[i] = kmalloc(sizes[i]);
		if (!blocks[i]) {
			n = i;
			bad = i + 1;
			break;
		}
		memset(blocks[i], pattern(i), sizes[i]);
	}
	for (size_t i = 0; i < n && bad == 0; i++)
		if (!all_bytes(blocks[i], sizes[i], pattern(i)))
			bad = i + 1;
	free_in_random_order(n);
	KT_ASSERT_EQ(0, bad);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(kmalloc, kzalloc_returns_zeroed_memory)
{
	static const size_t szs[] = { 1, 24, 100, 2048, 3000, 9000 };
	size_t before = page_free_count();

	for (size_t i = 0; i < ARRAY_SIZE(szs); i++) {
		uint8_t *p = kmalloc(szs[i]);
		bool zero;

		KT_ASSERT(p != NULL);
		memset(p, 0xff, szs[i]);
		kfree(p);
		p = kzalloc(szs[i]);   /* likely the block just freed */
		KT_ASSERT(p != NULL);
		zero = all_bytes(p, szs[i], 0);
		kfree(p);
		KT_ASSERT(zero);
	}
	KT_ASSERT_EQ(before, page_free_count());
}

/*
 * 1024 blocks of 48 bytes fill at least 16 slab pages of the 64-byte class;
 * freeing them in random order gives every page back.
 */
KTEST(kmalloc, many_small_blocks_freed_in_random_order_restore_count)
{
	size_t before = page_free_count(), during;

	rng_state = 12345;
	for (size_t i = 0; i < NBLOCKS; i++) {
		blocks[i] = kmalloc(48);
		if (!blocks[i]) {
			free_in_random_order(i);
			KT_ASSERT(!"kmalloc(48) failed");
		}
	}
	during = page_free_count();
	free_in_random_order(NBLOCKS);
	KT_ASSERT(before - during >= NBLOCKS * 64 / PAGE_SIZE - 1);
	KT_ASSERT_EQ(before, page_free_count());
}

/* The same with random sizes over every small class. */
KTEST(kmalloc, mixed_classes_freed_in_random_order_restore_count)
{
	size_t before = page_free_count();

	rng_state = 0xdeadbeefcafeULL;
	for (size_t i = 0; i < NBLOCKS; i++) {
		blocks[i] = kmalloc(1 + rng() % SMALL_MAX);
		if (!blocks[i]) {
			free_in_random_order(i);
			KT_ASSERT(!"kmalloc failed");
		}
	}
	free_in_random_order(NBLOCKS);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(kmalloc, slab_page_is_returned_when_its_blocks_are_freed)
{
	size_t before = page_free_count(), during;

	for (size_t i = 0; i < 8; i++)   /* 4 blocks of 1024 per page: >= 1 new page */
		blocks[i] = kmalloc(1024);
	during = page_free_count();
	free_in_random_order(8);
	KT_ASSERT(during < before);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(kmalloc, large_block_is_a_page_aligned_contiguous_run)
{
	size_t before = page_free_count(), during;
	uint8_t *p = kmalloc(3 * PAGE_SIZE + 1);
	paddr_t pa;
	bool kmem = true;

	KT_ASSERT(p != NULL);
	during = page_free_count();
	pa = virt_to_phys(p);
	for (size_t i = 0; i < 4; i++) {
		struct vm_page *pg = phys_to_page(pa + i * PAGE_SIZE);

		kmem &= pg != NULL && (pg->flags & PG_KMEM) &&
		        phys_to_virt(pa + i * PAGE_SIZE) == p + i * PAGE_SIZE;
	}
	memset(p, 0x3c, 4 * PAGE_SIZE);
	kfree(p);
	KT_ASSERT(IS_ALIGNED((uintptr_t)p, PAGE_SIZE));
	KT_ASSERT_EQ(before - 4, during);
	KT_ASSERT(kmem);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(kmalloc, small_block_lives_in_a_kmem_page)
{
	size_t before = page_free_count();
	void *p = kmalloc(100);
	struct vm_page *pg;
	uint32_t flags;

	KT_ASSERT(p != NULL);
	pg = phys_to_page(virt_to_phys(p));
	flags = pg ? pg->flags : 0;
	kfree(p);
	KT_ASSERT(flags & PG_KMEM);
	KT_ASSERT_EQ(before, page_free_count());
}

/*
 * With page allocation failing, a large request fails and small ones fail as
 * soon as the class's partial slab (if any) is full: at most one more 2048
 * block fits in an existing slab of that class.
 */
KTEST(kmalloc, allocation_fails_cleanly_when_pages_run_out)
{
	size_t before = page_free_count(), got = 0;
	void *big;

	page_fail_after(0);
	big = kmalloc(5000);
	while (got < 3 && (blocks[got] = kmalloc(SMALL_MAX)) != NULL)
		got++;
	page_fail_after(-1);
	if (big)
		kfree(big);
	for (size_t i = 0; i < got; i++)
		kfree(blocks[i]);
	KT_ASSERT(big == NULL);
	KT_ASSERT(got <= 1);
	KT_ASSERT_EQ(before, page_free_count());
}

KTEST(kmalloc, impossible_sizes_return_null)
{
	size_t before = page_free_count();

	KT_ASSERT(kmalloc(SIZE_MAX) == NULL);
	KT_ASSERT(kmalloc((size_t)1 << 62) == NULL);
	KT_ASSERT(kmalloc((page_total_count() + 1) * PAGE_SIZE) == NULL);
	KT_ASSERT_EQ(before, page_free_count());
}
