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

#endif
