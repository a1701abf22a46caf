/*
 * The kernel command line: space-separated words ("selftest", "nodemo") and
 * NAME=VALUE settings (sysctl knobs such as machdep.pmap_mmu_optimize=0).
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "kernel/types.h"

void cmdline_set(const char *cmdline);
const char *cmdline_get(void);
/* True when `word` appears as a whole word. */
bool cmdline_has(const char *cmdline, const char *word);
/*
 * Finds NAME=VALUE; copies VALUE into buf and returns true. The first match
 * wins.
 */
bool cmdline_value(const char *cmdline, const char *name, char *buf, size_t len);
/* Calls fn(name, value) for every NAME=VALUE word, in order. */
void cmdline_foreach_setting(const char *cmdline,
                             void (*fn)(const char *name, const char *value));

#endif
