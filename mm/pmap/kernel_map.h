/*
 * The kernel half of every address space: the direct map of all RAM at
 * DIRECT_MAP_BASE and the kernel image at KERNEL_VMA, both with 2 MiB pages.
 * Built once at boot; its PML4 entries (slots 256 and 511) never change, so
 * every process PML4 can copy them.
 */
#ifndef MM_PMAP_KERNEL_MAP_H
#define MM_PMAP_KERNEL_MAP_H

#include "kernel/types.h"

/* Maps physical [0, ram_end) and switches to the kernel's own PML4. */
void kernel_map_init(paddr_t ram_end);
/*
 * Identity-maps low memory in the kernel tables (on) or removes it (off),
 * for the application-processor trampoline; only while no process runs.
 */
void kernel_map_identity(bool on);
/*
 * Maps `len` bytes of device memory at physical `pa` (the framebuffer, which
 * may lie anywhere, even far above RAM and the direct map) into the kernel's
 * device window (-3 GiB .. -2 GiB), uncached unless the firmware's MTRRs
 * make it write-combining. Returns the virtual address of `pa`, or NULL when
 * it does not fit. Called once, at boot; a second call returns NULL.
 */
void *kernel_map_device(paddr_t pa, size_t len);
/* Physical address of the kernel PML4 (for copying its upper half). */
paddr_t kernel_pml4_phys(void);

#endif
