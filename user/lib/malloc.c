/*
 * Memory allocator: the K&R / xv6 first-fit free list, with memory from
 * mmap instead of sbrk.
 *
 * Memory is handed out in units of one header (16 bytes, so every block is
 * 16-byte aligned). The free list is circular and sorted by address, so
 * free() can merge a block with its neighbours. Chunks come from mmap in
 * 64 KiB or larger pieces and are never given back.
 */
#include "ulib.h"

#define CHUNK_SIZE (64 * 1024)

union header {
	struct {
		union header *next;  /* next free block (free blocks only) */
		size_t units;        /* size of this block, header included */
	} s;
} __attribute__((aligned(16)));  /* 16 bytes: blocks stay 16-aligned */
typedef union header header_t;

static header_t base;        /* empty list: base points at itself */
static header_t *freep;      /* where the last search stopped */
static ulock_t heap_lock;

/* Puts block p (from malloc or a new chunk) on the free list; merges it with
 * adjacent free blocks. Caller holds heap_lock. */
static void free_locked(header_t *bp)
{
	header_t *p;

	for (p = freep; !(bp > p && bp < p->s.next); p = p->s.next)
		if (p >= p->s.next && (bp > p || bp < p->s.next))
			break;   /* bp is at one end of the list */

	if (bp + bp->s.units == p->s.next) {
		bp->s.units += p->s.next->s.units;
		bp->s.next = p->s.next->s.next;
	} else {
		bp->s.next = p->s.next;
	}
	if (p + p->s.units == bp) {
		p->s.units += bp->s.units;
		p->s.next = bp->s.next;
	} else {
		p->s.next = bp;
	}
	freep = p;
}

/* Gets at least `units` more units from the kernel. Caller holds heap_lock. */
static header_t *morecore_locked(size_t units)
{
	size_t bytes = units * sizeof(header_t);
	header_t *hp;

	bytes = bytes < CHUNK_SIZE ? CHUNK_SIZE :
	    (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	hp = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ptr_err(hp))
		return NULL;
	hp->s.units = bytes / sizeof(header_t);
	free_locked(hp);
	return freep;
}

void *malloc(size_t n)
{
	header_t *p, *prev;
	size_t units;
	void *ret = NULL;

	if (n == 0 || n > ((size_t)1 << 40))
		return NULL;
	units = (n + sizeof(header_t) - 1) / sizeof(header_t) + 1;

	ulock_acquire(&heap_lock);
	if (!freep) {
		base.s.next = freep = &base;
		base.s.units = 0;
	}
	prev = freep;
	for (p = prev->s.next;; prev = p, p = p->s.next) {
		if (p->s.units >= units) {
			if (p->s.units == units) {
				prev->s.next = p->s.next;
			} else {
				/* Hand out the tail end of the block. */
				p->s.units -= units;
				p += p->s.units;
				p->s.units = units;
			}
			freep = prev;
			ret = p + 1;
			break;
		}
		if (p == freep && !(p = morecore_locked(units)))
			break;
	}
	ulock_release(&heap_lock);
	return ret;
}

void free(void *ptr)
{
	if (!ptr)
		return;
	ulock_acquire(&heap_lock);
	free_locked((header_t *)ptr - 1);
	ulock_release(&heap_lock);
}

void *calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > (size_t)-1 / size)
		return NULL;
	p = malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *realloc(void *ptr, size_t n)
{
	size_t old;
	void *p;

	if (!ptr)
		return malloc(n);
	if (n == 0) {
		free(ptr);
		return NULL;
	}
	old = (((header_t *)ptr - 1)->s.units - 1) * sizeof(header_t);
	if (n <= old)
		return ptr;
	p = malloc(n);
	if (p) {
		memcpy(p, ptr, old);
		free(ptr);
	}
	return p;
}
