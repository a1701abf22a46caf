/* The page radix tree of VM objects (see vm_radix.h). */
#include "mm/kmalloc.h"
#include "uapi/errno.h"
#include "mm/vmobject/vm_radix.h"

struct radix_node {
	void *slot[RADIX_FANOUT];    /* child nodes, or pages at the last level */
};

int radix_depth(uint64_t npages)
{
	int depth = 1;

	for (uint64_t cap = RADIX_FANOUT; cap < npages; cap <<= RADIX_SHIFT)
		depth++;
	return depth;
}

/* Index of idx's slot in a node at `level` (1 = the node holding pages). */
static unsigned slot_index(uint64_t idx, int level)
{
	return (idx >> (RADIX_SHIFT * (level - 1))) & (RADIX_FANOUT - 1);
}

struct vm_page **radix_slot(void **root, int depth, uint64_t idx, bool alloc)
{
	void **slotp = root;

	for (int level = depth; level > 0; level--) {
		struct radix_node *n;

		if (!*slotp) {
			if (!alloc)
				return NULL;
			*slotp = kzalloc(sizeof(struct radix_node));
			if (!*slotp)
				return NULL;
		}
		n = *slotp;
		slotp = &n->slot[slot_index(idx, level)];
	}
	return (struct vm_page **)slotp;
}

/*
 * radix_next() below `node` of `level`, whose first index is `base`. The
 * scan starts at the slot holding `from`, not at slot 0: a caller walking
 * an object page by page (a shrink, freeing an object) would otherwise
 * look at half a node's slots per page at every level: freeing a GiB took
 * three times as long.
 */
static struct vm_page *next_in(struct radix_node *n, int level, uint64_t base,
                               uint64_t from, uint64_t end, uint64_t *found)
{
	uint64_t span = 1ULL << (RADIX_SHIFT * (level - 1));
	uint64_t first = from > base ? (from - base) / span : 0;

	for (uint64_t i = first; i < RADIX_FANOUT; i++) {
		uint64_t start = base + i * span;
		struct vm_page *pg;

		if (start >= end)
			return NULL;
		if (!n->slot[i])
			continue;
		if (level == 1) {
			*found = start;
			return n->slot[i];
		}
		pg = next_in(n->slot[i], level - 1, start, from, end, found);
		if (pg)
			return pg;
	}
	return NULL;
}

struct vm_page *radix_next(void *root, int depth, uint64_t from, uint64_t end,
                           uint64_t *found)
{
	if (!root || from >= end)
		return NULL;
	return next_in(root, depth, 0, from, end, found);
}

int radix_grow(void **root, int *depth, uint64_t npages)
{
	int want = radix_depth(npages), added = 0;
	struct radix_node *top[8];

	if (want <= *depth)
		return 0;
	if (!*root) {
		*depth = want;
		return 0;
	}
	for (; *depth + added < want; added++) {
		if (!(top[added] = kzalloc(sizeof(struct radix_node)))) {
			while (added > 0)
				kfree(top[--added]);
			return -ENOMEM;
		}
	}
	for (int i = 0; i < added; i++) {
		top[i]->slot[0] = *root;
		*root = top[i];
	}
	*depth = want;
	return 0;
}

/* Frees node n of `level` and its subtree of nodes. */
static void free_node(struct radix_node *n, int level)
{
	if (level > 1)
		for (unsigned i = 0; i < RADIX_FANOUT; i++)
			if (n->slot[i])
				free_node(n->slot[i], level - 1);
	kfree(n);
}

void radix_free(void **root, int depth)
{
	if (*root)
		free_node(*root, depth);
	*root = NULL;
}
