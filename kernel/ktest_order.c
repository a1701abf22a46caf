/* Source-order iteration over a suite's cases (kernel and host runners). */
#include "kernel/ktest.h"

const struct ktest *ktest_next_in_order(const struct ktest *first,
                                        const struct ktest *end, int after)
{
	const struct ktest *best = NULL;

	for (const struct ktest *t = first; t < end; t++)
		if (t->line > after && (!best || t->line < best->line))
			best = t;
	return best;
}
