/*
 * Kernel heap. Small sizes come from per-size-class slabs carved out of whole
 * pages; large sizes (more than half a page) take a run of contiguous pages.
 * Memory is not zeroed; kzalloc() zeroes it. kfree(NULL) is a no-op.
 *
 * Alignment: blocks up to 2048 bytes are aligned to 16 bytes (in fact to
 * their power-of-two class size); larger blocks are page aligned and
 * physically contiguous. A slab page whose blocks are all free goes back to
 * the page allocator at once, so page_free_count() returns to its old value
 * when every block is freed.
 *
 * kfree() and kmalloc_usable_size() panic on a pointer that is cheaply seen
 * not to be a live block: outside a heap page, not at a block start, the
 * middle of a large block, or a block that is already free.
 *
 * Lock: km_lock, internal to kmalloc.c; it is taken before page_lock.
 */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include "kernel/types.h"

void kmalloc_init(void);         /* once, after page_init() */
void *kmalloc(size_t size);      /* NULL on failure or size 0 */
void *kzalloc(size_t size);
void kfree(void *p);
size_t kmalloc_usable_size(const void *p);   /* >= the size asked for; 0 for NULL */
size_t kmalloc_page_count(void);             /* pages the heap holds now (vmstat kmem_pages) */

#endif
