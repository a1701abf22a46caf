/*
 * The correctness rules of docs/correctness.md by number, for the teaching
 * knob machdep.pmap_break (a `make teach` kernel only, mm/pmap/pmap_break.h):
 * setting it to a rule makes the pmap violate exactly that rule, and
 * /bin/lesson shows what goes wrong (docs/lessons.md).
 */
#ifndef UAPI_PMAP_BREAK_H
#define UAPI_PMAP_BREAK_H

enum pmap_rule {
	RULE_NONE = 0,
	RULE_OFFSET_KEYED = 1,     /* link only where va and offset are congruent */
	RULE_WHOLE_SEGMENTS = 2,   /* link only segments wholly inside the mapping */
	RULE_LINK_RIGHTS = 3,      /* the link carries the mapping's rights */
	RULE_LINK_COUNT = 4,       /* every link is counted on its table */
	RULE_UNLINK_FLUSH = 5,     /* unlinking flushes the address space */
	RULE_OBJECT_FLUSH = 6,     /* an object PTE change flushes every linker */
	RULE_FREE_AFTER_FLUSH = 7, /* a table is freed only after the flush */
	RULE_TEARDOWN_COST = 8,    /* unlinking is one entry, not every page */
	RULE_COUNT
};

#endif
