/* The kernel's own symbol table, generated at link time (scripts/gensyms.sh). */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include "kernel/types.h"

struct ksym {
	uint64_t addr;
	const char *name;
};

extern const struct ksym ksyms[];
extern const size_t ksyms_count;

/* Name of the function containing addr and the offset into it; NULL if none. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

#endif
