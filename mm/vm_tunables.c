/* The VM run-time switches and their defaults (see vm_tunables.h). */
#include "mm/vm_tunables.h"

int pmap_mmu_optimize = 1;
int pmap_share_pd = 1;
int pmap_prelink = 1;
int shm_use_phys = 1;
