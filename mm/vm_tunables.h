/*
 * Run-time switches of the VM system, plain globals the kernel's sysctl
 * table points at (each may also be set on the kernel command line). Every
 * one may change at any moment; the code reads it at each decision.
 */
#ifndef MM_VM_TUNABLES_H
#define MM_VM_TUNABLES_H

extern int pmap_mmu_optimize;   /* machdep.pmap_mmu_optimize: share object page tables (1) */
extern int pmap_share_pd;       /* machdep.pmap_share_pd: also share at the 1 GiB level (1) */
extern int pmap_prelink;        /* machdep.pmap_prelink: link populated tables at attach (1) */
extern int shm_use_phys;        /* kern.ipc.shm_use_phys: SysV shm on physical objects (1) */

/*
 * vm.fault_around: the first fault in a 2 MiB segment of a physical
 * object (whose pages all exist from its creation) fills the object's whole
 * PT page at once, so a segment costs one fault instead of 512 (0).
 */
extern int vm_fault_around;

/*
 * vm.largepages: 2 MiB pages for shared objects created from now on (1).
 * 0: never (SHM_HUGETLB and MAP_HUGETLB fail with -EINVAL); 1: when asked
 * with those flags; 2: also for every shared object of at least 2 MiB
 * (its tail beyond the last whole 2 MiB uses 4 KiB pages, and a 2 MiB
 * segment whose block cannot be allocated falls back to 4 KiB pages).
 */
extern int vm_largepages;

/*
 * vm.largepage_reserve: 2 MiB blocks kept for large pages (0). Setting it
 * goes through vm_largepage_reserve_set(), which reserves the blocks at once
 * (see page_large_reserve()) and stores the number actually reserved, so a
 * command-line setting, applied after the page allocator is up, takes effect
 * at boot.
 */
extern int vm_largepage_reserve;
void vm_largepage_reserve_set(long blocks);

#endif
