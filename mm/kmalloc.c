/*
 * Kernel heap (see kmalloc.h).
 *
 * Small sizes: eight power-of-two size classes, 16 to 2048 bytes. A slab is
 * one page cut into blocks of one class; its struct vm_page says which:
 *
 *   flags  PG_KMEM
 *   order  class index (0 = 16 bytes ... 7 = 2048 bytes)
 *   used   number of free blocks in the page
 *   offset byte offset of the first free block, KM_END when none
 *   next/prev  links in the class's list of slabs that have a free block
 *
 * A free block starts with a struct km_free: the offset of the next free
 * block of the same page and a magic number, which lets kfree() spot a double
 * free cheaply. A slab whose blocks are all free goes back to the page
 * allocator at once, so page_free_count() returns exactly to its old value
 * once everything is freed.
 *
 * Large sizes (more than 2048 bytes): a run of whole pages from
 * page_alloc_run(). The first page's order is KM_RUN | npages, the others'
 * KM_TAIL, all PG_KMEM.
 *
 * Lock: km_lock protects the class lists and the heap fields of every
 * PG_KMEM page. Lock order: km_lock, then page_lock.
 */
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "kernel/spinlock.h"
#include "kernel/printk.h"
#include "kernel/string.h"

#define KM_MIN_SHIFT  4                               /* 16 bytes */
#define KM_NCLASSES   8                               /* 16 .. 2048 */
#define KM_MAX_SMALL  (1UL << (KM_MIN_SHIFT + KM_NCLASSES - 1))

#define KM_RUN        0x80000000u   /* order of a run's first page: KM_RUN | npages */
#define KM_TAIL       0x40000000u   /* order of the other pages of a run */
#define KM_RUN_MAX    (KM_TAIL - 1) /* largest run, in pages */

#define KM_END        ((uint32_t)PAGE_SIZE)   /* end of a slab's free list */
#define KM_FREE_MAGIC 0xf7eeb10cu

struct km_free {
	uint32_t next;    /* offset of the next free block in this page, or KM_END */
	uint32_t magic;   /* KM_FREE_MAGIC while the block is free */
};

static struct spinlock km_lock = SPINLOCK_INIT("km_lock");
static struct vm_page *partial[KM_NCLASSES];   /* slabs with a free block */
static size_t heap_pages;                        /* slabs and runs held (atomic) */

/* Block size of class c, and how many blocks one slab page holds. */
static size_t class_size(unsigned c) { return 1UL << (KM_MIN_SHIFT + c); }
static uint32_t blocks_per_slab(unsigned c) { return PAGE_SIZE / class_size(c); }

/* The smallest class that holds `size` bytes; 0 < size <= KM_MAX_SMALL. */
static unsigned size_class(size_t size)
{
	unsigned c = 0;

	while (class_size(c) < size)
		c++;
	return c;
}

/* Resets the class lists. Called once at boot, after page_init(). */
void kmalloc_init(void)
{
	spin_lock(&km_lock);
	for (unsigned c = 0; c < KM_NCLASSES; c++)
		partial[c] = NULL;
	spin_unlock(&km_lock);
}

/* ---- Class lists (doubly linked through vm_page.next/prev) ---- */

/* Puts slab pg at the head of its class list. km_lock held. */
static void partial_add_locked(struct vm_page *pg)
{
	struct vm_page **head = &partial[pg->order];

	pg->prev = NULL;
	pg->next = *head;
	if (*head)
		(*head)->prev = pg;
	*head = pg;
}

/* Takes slab pg off its class list. km_lock held. */
static void partial_remove_locked(struct vm_page *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		partial[pg->order] = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	pg->next = pg->prev = NULL;
}

/* ---- Slabs ---- */

/*
 * Takes a fresh page and cuts it into free blocks of class c, chained in
 * address order. Returns the page (not yet on a list) or NULL. km_lock held.
 */
static struct vm_page *slab_new_locked(unsigned c)
{
	struct vm_page *pg = page_alloc();
	size_t size = class_size(c);
	char *base;

	if (!pg)
		return NULL;
	base = page_to_virt(pg);
	for (uint32_t off = 0; off < PAGE_SIZE; off += size) {
		struct km_free *f = (struct km_free *)(base + off);

		f->next = off + size < PAGE_SIZE ? off + size : KM_END;
		f->magic = KM_FREE_MAGIC;
		mem_poison(base + off + sizeof(*f), size - sizeof(*f));
	}
	pg->flags = PG_KMEM;
	pg->order = c;
	pg->used = blocks_per_slab(c);
	pg->offset = 0;
	__atomic_add_fetch(&heap_pages, 1, __ATOMIC_RELAXED);
	return pg;
}

/* Takes one block of class c, from a partial slab or a new one; NULL if none. */
static void *slab_alloc(unsigned c)
{
	struct vm_page *pg;
	struct km_free *f;

	spin_lock(&km_lock);
	pg = partial[c];
	if (!pg) {
		pg = slab_new_locked(c);
		if (!pg) {
			spin_unlock(&km_lock);
			return NULL;
		}
		partial_add_locked(pg);
	}
	f = (struct km_free *)((char *)page_to_virt(pg) + pg->offset);
	mem_unpoison(f, class_size(c));
	pg->offset = f->next;
	f->magic = 0;
	if (--pg->used == 0)
		partial_remove_locked(pg);
	spin_unlock(&km_lock);
	return f;
}

/* True when the block at offset `off` is on pg's free list. km_lock held. */
static bool slab_block_is_free_locked(const struct vm_page *pg, uint32_t off)
{
	const char *base = page_to_virt(pg);

	for (uint32_t o = pg->offset; o != KM_END; o = ((const struct km_free *)(base + o))->next)
		if (o == off)
			return true;
	return false;
}

/*
 * Returns block p of slab pg to the slab; gives the page back to the page
 * allocator when all its blocks are free. Panics on a misaligned pointer or
 * a double free. km_lock held.
 */
static void slab_free_locked(struct vm_page *pg, void *p)
{
	unsigned c = pg->order;
	size_t size = class_size(c);
	uint32_t off = (uintptr_t)p & (PAGE_SIZE - 1);
	struct km_free *f = p;

	if (off % size != 0)
		panic("kfree: %p is not a block start (class %zu bytes)", p, size);
	if (f->magic == KM_FREE_MAGIC && slab_block_is_free_locked(pg, off))
		panic("kfree: double free of %p", p);
	f->next = pg->offset;
	f->magic = KM_FREE_MAGIC;
	mem_poison((char *)p + sizeof(*f), size - sizeof(*f));
	pg->offset = off;
	if (pg->used++ == 0)
		partial_add_locked(pg);
	if (pg->used == blocks_per_slab(c)) {
		partial_remove_locked(pg);
		pg->flags &= ~PG_KMEM;
		pg->order = pg->used = 0;
		pg->offset = 0;
		page_free(pg);
		__atomic_sub_fetch(&heap_pages, 1, __ATOMIC_RELAXED);
	}
}

/* ---- Runs ---- */

/*
 * Allocates a run of pages for `size` bytes; NULL if none. No km_lock: no
 * other CPU can reach these pages before the pointer is returned, and the
 * page scan may be long.
 */
static void *run_alloc(size_t size)
{
	size_t n = size / PAGE_SIZE + (size % PAGE_SIZE != 0);
	struct vm_page *first;

	if (n > KM_RUN_MAX)
		return NULL;
	first = page_alloc_run(n);
	if (!first)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		first[i].flags = PG_KMEM;
		first[i].order = KM_TAIL;
	}
	first->order = KM_RUN | (uint32_t)n;
	__atomic_add_fetch(&heap_pages, n, __ATOMIC_RELAXED);
	return page_to_virt(first);
}

/* Frees the run that starts at pg, whose first byte is p. km_lock held. */
static void run_free_locked(struct vm_page *pg, void *p)
{
	size_t n = pg->order & ~KM_RUN;

	if (p != page_to_virt(pg))
		panic("kfree: %p is inside a large block, not at its start", p);
	for (size_t i = 0; i < n; i++) {
		pg[i].flags &= ~PG_KMEM;
		pg[i].order = 0;
	}
	page_free_run(pg, n);
	__atomic_sub_fetch(&heap_pages, n, __ATOMIC_RELAXED);
}

/* ---- Public interface ---- */

/*
 * The heap page holding p; panics when p cannot be a live heap block (not in
 * a PG_KMEM page, or inside the tail of a large block).
 */
static struct vm_page *heap_page(const void *p, const char *who)
{
	struct vm_page *pg = phys_to_page(virt_to_phys(p));

	if (!pg || !(pg->flags & PG_KMEM))
		panic("%s: %p is not a heap block", who, p);
	if (pg->order == KM_TAIL)
		panic("%s: %p is inside a large block, not at its start", who, p);
	return pg;
}

/* See kmalloc.h: a slab block up to 2048 bytes, a page run above. */
void *kmalloc(size_t size)
{
	if (size == 0)
		return NULL;
	if (size <= KM_MAX_SMALL)
		return slab_alloc(size_class(size));
	return run_alloc(size);
}

/* kmalloc() and zero the `size` bytes asked for. */
void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

/* Frees a block from kmalloc(); NULL is a no-op. Panics on a bad pointer. */
void kfree(void *p)
{
	struct vm_page *pg;

	if (!p)
		return;
	spin_lock(&km_lock);
	pg = heap_page(p, "kfree");
	if (pg->order & KM_RUN)
		run_free_locked(pg, p);
	else
		slab_free_locked(pg, p);
	spin_unlock(&km_lock);
}

/* Bytes usable at p (>= the size asked for); 0 for NULL. */
size_t kmalloc_usable_size(const void *p)
{
	struct vm_page *pg;
	size_t n;

	if (!p)
		return 0;
	spin_lock(&km_lock);
	pg = heap_page(p, "kmalloc_usable_size");
	if (pg->order & KM_RUN)
		n = (size_t)(pg->order & ~KM_RUN) * PAGE_SIZE;
	else
		n = class_size(pg->order);
	spin_unlock(&km_lock);
	return n;
}

size_t kmalloc_page_count(void)
{
	return __atomic_load_n(&heap_pages, __ATOMIC_RELAXED);
}
