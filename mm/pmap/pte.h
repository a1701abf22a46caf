/*
 * x86-64 page-table entries: the named bits and the two helpers that build
 * and take apart an entry. Private to mm/pmap/: no other directory may know
 * what a PTE looks like.
 *
 * Four levels of 512 entries each. Level numbers follow the hardware walk
 * from the bottom: 1 = PT (maps 4 KiB), 2 = PD (2 MiB), 3 = PDPT (1 GiB),
 * 4 = PML4 (512 GiB).
 */
#ifndef MM_PMAP_PTE_H
#define MM_PMAP_PTE_H

#include "kernel/types.h"

typedef uint64_t pte_t;

#define PTE_P    (1UL << 0)    /* present */
#define PTE_W    (1UL << 1)    /* writable (ANDed down the walk) */
#define PTE_U    (1UL << 2)    /* user accessible (ANDed down the walk) */
#define PTE_PWT  (1UL << 3)    /* write-through: with PCD, uncached (kernel MMIO only) */
#define PTE_PCD  (1UL << 4)    /* cache disabled (kernel MMIO only) */
#define PTE_A    (1UL << 5)    /* accessed (set by the CPU) */
#define PTE_D    (1UL << 6)    /* dirty (set by the CPU) */
#define PTE_PS   (1UL << 7)    /* PD entry: a 2 MiB leaf (never set in PDPT or PML4) */
#define PTE_G    (1UL << 8)    /* global: kernel mappings only */
/*
 * Bit 9 is ignored by the MMU and left to software. In a process PD it
 * marks a private 2 MiB leaf: the process maps a large page on its own
 * (one PV entry, on the page's first vm_page), not as a mirror's copy of
 * an object leaf.
 */
#define PTE_PRIVATE_LEAF (1UL << 9)
#define PTE_NX   (1UL << 63)   /* no execute (ORed down the walk) */

#define PTE_ADDR_MASK 0x000ffffffffff000UL

#define PT_LEVEL   1
#define PD_LEVEL   2
#define PDPT_LEVEL 3
#define PML4_LEVEL 4

#define PT_ENTRIES 512
#define PML4_USER_SLOTS 256            /* slots 0..255 map user space */

static inline pte_t pte_make(paddr_t pa, uint64_t flags)
{
	return (pa & PTE_ADDR_MASK) | flags;
}

static inline paddr_t pte_pa(pte_t pte)
{
	return pte & PTE_ADDR_MASK;
}

static inline bool pte_present(pte_t pte)
{
	return (pte & PTE_P) != 0;
}

/* Bytes mapped by one entry of a level-`level` table. */
static inline uint64_t level_size(int level)
{
	return 1UL << (PAGE_SHIFT + 9 * (level - 1));
}

/* Index of the entry for `va` in a level-`level` table. */
static inline unsigned level_index(vaddr_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/*
 * Is `pte`, an entry of a level-`level` table, a present 2 MiB leaf? (In a
 * PT, bit 7 would be PAT, which is never set.)
 */
static inline bool pte_leaf(pte_t pte, int level)
{
	return level == PD_LEVEL && (pte & (PTE_P | PTE_PS)) == (PTE_P | PTE_PS);
}

#endif
