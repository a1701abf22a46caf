/*
 * The direct map: every physical page is visible to the kernel at
 * DIRECT_MAP_BASE + pa. Page-table pages are reached only through
 * phys_to_virt(), so host tests can substitute a fake physical memory arena
 * (host_phys_base points at a malloc'ed block that plays physical address 0).
 */
#ifndef MM_PHYS_H
#define MM_PHYS_H

#include "kernel/types.h"

#define KERNEL_VMA      0xffffffff80000000UL   /* kernel image, -2 GiB */
#define DIRECT_MAP_BASE 0xffff800000000000UL   /* PML4 slot 256 */
#define DIRECT_MAP_MAX  GIB(64)                /* largest RAM we map */
/*
 * The end of user space, one page below the first non-canonical address as
 * Linux's TASK_SIZE: a `syscall` in the last bytes of user space then
 * returns to a canonical address, never one sysret would fault on.
 */
#define USER_TOP        0x00007ffffffff000UL

#ifdef HOST_TEST
extern uintptr_t host_phys_base;
static inline void *phys_to_virt(paddr_t pa) { return (void *)(host_phys_base + pa); }
static inline paddr_t virt_to_phys(const void *va) { return (uintptr_t)va - host_phys_base; }
#else
static inline void *phys_to_virt(paddr_t pa) { return (void *)(DIRECT_MAP_BASE + pa); }
/* For direct-map and kernel-image addresses only. */
static inline paddr_t virt_to_phys(const void *va)
{
	uintptr_t v = (uintptr_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP_BASE;
}
#endif

#endif
