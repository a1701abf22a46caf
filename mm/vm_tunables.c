/* The VM run-time switches and their defaults (see vm_tunables.h). */
#include "mm/page.h"
#include "mm/pmap/pmap_break.h"
#include "mm/vm_tunables.h"

int pmap_mmu_optimize = 1;
int pmap_share_pd = 1;
int pmap_prelink = 1;
int shm_use_phys = 1;
int vm_fault_around = 0;
int vm_largepages = 1;
int vm_largepage_reserve = 0;

#if TEACH
int pmap_break;
int pmap_break_hits;
#endif

/* The sysctl setter of vm.largepage_reserve (see vm_tunables.h). */
void vm_largepage_reserve_set(long blocks)
{
	size_t set = page_large_reserve(blocks < 0 ? 0 : (size_t)blocks);

	__atomic_store_n(&vm_largepage_reserve, (int)set, __ATOMIC_RELAXED);
}
