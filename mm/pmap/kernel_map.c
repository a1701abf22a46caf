/*
 * Builds the kernel's page tables (see kernel_map.h). The tables live in the
 * kernel image's .bss, so no allocator is needed yet: one PD page per GiB of
 * direct map, up to DIRECT_MAP_MAX.
 */
#include "mm/pmap/kernel_map.h"
#include "mm/phys.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"

#define KPTE_P   (1UL << 0)
#define KPTE_W   (1UL << 1)
#define KPTE_PS  (1UL << 7)
#define KPTE_G   (1UL << 8)
#define KPTE_NX  (1UL << 63)

#define DIRECT_GIBS (DIRECT_MAP_MAX >> GIB_SHIFT)

typedef uint64_t table_t[512] __attribute__((aligned(4096)));

static table_t kernel_pml4;
static table_t direct_pdpt;
static table_t direct_pd[DIRECT_GIBS];
static table_t image_pdpt;
static table_t image_pd;

static paddr_t image_phys(const void *p)
{
	return (uint64_t)p - KERNEL_VMA;
}

void kernel_map_init(paddr_t ram_end)
{
	uint64_t gibs = ALIGN_UP(ram_end, GIB_SIZE) >> GIB_SHIFT;

	if (gibs > DIRECT_GIBS) {
		printk("kernel_map: only the first %lu GiB of RAM are used\n", DIRECT_GIBS);
		gibs = DIRECT_GIBS;
	}
	for (uint64_t g = 0; g < gibs; g++) {
		for (int i = 0; i < 512; i++)
			direct_pd[g][i] = ((g << GIB_SHIFT) + ((uint64_t)i << SEG_SHIFT)) |
			                  KPTE_P | KPTE_W | KPTE_PS | KPTE_G | KPTE_NX;
		direct_pdpt[g] = image_phys(direct_pd[g]) | KPTE_P | KPTE_W;
	}
	/* The image is linked at -2 GiB: PDPT slot 510 maps physical 0..1 GiB. */
	for (int i = 0; i < 512; i++)
		image_pd[i] = ((uint64_t)i << SEG_SHIFT) | KPTE_P | KPTE_W | KPTE_PS | KPTE_G;
	image_pdpt[510] = image_phys(image_pd) | KPTE_P | KPTE_W;

	kernel_pml4[256] = image_phys(direct_pdpt) | KPTE_P | KPTE_W;
	kernel_pml4[511] = image_phys(image_pdpt) | KPTE_P | KPTE_W;
	write_cr3(image_phys(kernel_pml4));
}

paddr_t kernel_pml4_phys(void)
{
	return image_phys(kernel_pml4);
}
