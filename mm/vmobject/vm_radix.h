/*
 * A radix tree from page index to struct vm_page, 512 slots per node (one
 * 4 KiB node), as deep as the object needs: 1 level up to 2 MiB of object,
 * 2 up to 1 GiB, 3 up to 512 GiB. A lookup costs `depth` memory reads, so it
 * stays cheap for any object size, and nodes exist only where pages do.
 * Private to mm/vmobject/; callers hold the object lock.
 */
#ifndef MM_VMOBJECT_VM_RADIX_H
#define MM_VMOBJECT_VM_RADIX_H

#include "kernel/types.h"

struct vm_page;

#define RADIX_SHIFT  9
#define RADIX_FANOUT (1 << RADIX_SHIFT)

/* Levels needed for an object of npages pages (at least 1). */
int radix_depth(uint64_t npages);

/*
 * The slot for page index idx in the tree *root of `depth` levels. Missing
 * nodes are created when `alloc`; returns NULL when a node is missing and
 * !alloc, or when a node cannot be allocated (then nothing else changed).
 */
struct vm_page **radix_slot(void **root, int depth, uint64_t idx, bool alloc);

/*
 * The first page with index in [from, end), its index in *found; NULL when
 * there is none. Skips missing subtrees whole.
 */
struct vm_page *radix_next(void *root, int depth, uint64_t from, uint64_t end,
                           uint64_t *found);

/*
 * Makes the tree *root of *depth levels deep enough for npages pages, by
 * putting new nodes on top (the old root becomes their first child): 0, or
 * -ENOMEM with nothing changed.
 */
int radix_grow(void **root, int *depth, uint64_t npages);

/* Frees every node of the tree (not the pages) and clears *root. */
void radix_free(void **root, int depth);

#endif
