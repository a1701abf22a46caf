/*
 * The teaching knob machdep.pmap_break (docs/lessons.md). In a kernel built
 * with TEACH=1 (`make teach`) it names one rule of docs/correctness.md
 * (uapi/pmap_break.h) that the pmap then violates: the place that enforces
 * the rule asks pmap_broken(RULE_...) and, when it says yes, does the
 * wrong thing instead. pmap_break_hits counts how often a hook fired, for
 * the rules whose violation shows nothing else under emulation.
 *
 * Every other kernel has neither variable: pmap_broken() is then the
 * constant false and the hooks compile to nothing.
 */
#ifndef MM_PMAP_PMAP_BREAK_H
#define MM_PMAP_PMAP_BREAK_H

#include <stdbool.h>
#include "uapi/pmap_break.h"

#if TEACH
extern int pmap_break;        /* machdep.pmap_break: the rule broken, 0 none */
extern int pmap_break_hits;   /* machdep.pmap_break_hits: times a hook fired */

/* Is `rule` the one broken? Counts n hits when it is. */
static inline bool pmap_broken_n(int rule, int n)
{
	if (__atomic_load_n(&pmap_break, __ATOMIC_RELAXED) != rule)
		return false;
	__atomic_add_fetch(&pmap_break_hits, n, __ATOMIC_RELAXED);
	return true;
}
#else
static inline bool pmap_broken_n(int rule, int n)
{
	(void)rule, (void)n;
	return false;
}
#endif

static inline bool pmap_broken(int rule)
{
	return pmap_broken_n(rule, 1);
}

#endif
