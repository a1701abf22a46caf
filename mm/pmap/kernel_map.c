/*
 * Builds the kernel's page tables (see kernel_map.h). The tables live in the
 * kernel image's .bss, so no allocator is needed yet: one PD page per GiB of
 * direct map, up to DIRECT_MAP_MAX. The APIC registers below 4 GiB are
 * mapped too, uncached, and the framebuffer gets a window of its own.
 */
#include "mm/pmap/kernel_map.h"
#include "mm/pmap/pte.h"
#include "mm/phys.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"

/* Kernel tables: 2 MiB leaves, global, and what links them. */
#define KERNEL_LEAF  (PTE_P | PTE_W | PTE_PS | PTE_G)
#define KERNEL_TABLE (PTE_P | PTE_W)

/* The I/O APIC and local APIC registers: mapped uncached, never RAM. */
#define APIC_MMIO_START 0xfec00000UL
#define APIC_MMIO_END   0xff000000UL

#define DIRECT_GIBS (DIRECT_MAP_MAX >> GIB_SHIFT)

typedef pte_t table_t[PT_ENTRIES] __attribute__((aligned(4096)));

static table_t kernel_pml4;
static table_t direct_pdpt;
static table_t direct_pd[DIRECT_GIBS];
static table_t image_pdpt;
static table_t image_pd;
static table_t device_pd;       /* the device window: image_pdpt[509] */
static table_t identity_pdpt;   /* low 2 MiB, executable: AP trampoline */
static table_t identity_pd;

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
	for (uint64_t g = 0; g < DIRECT_GIBS; g++) {
		if (g >= gibs && g != (APIC_MMIO_START >> GIB_SHIFT))
			continue;
		for (int i = 0; i < 512; i++) {
			paddr_t pa = (g << GIB_SHIFT) + ((uint64_t)i << SEG_SHIFT);
			bool mmio = pa >= APIC_MMIO_START && pa < APIC_MMIO_END;
			if (g >= gibs && !mmio)
				continue;
			direct_pd[g][i] = pte_make(pa, KERNEL_LEAF | PTE_NX |
			                               (mmio ? PTE_PCD | PTE_PWT : 0));
		}
		direct_pdpt[g] = pte_make(image_phys(direct_pd[g]), KERNEL_TABLE);
	}
	/* The image is linked at -2 GiB: PDPT slot 510 maps physical 0..1 GiB. */
	for (int i = 0; i < 512; i++)
		image_pd[i] = pte_make((uint64_t)i << SEG_SHIFT, KERNEL_LEAF);
	image_pdpt[510] = pte_make(image_phys(image_pd), KERNEL_TABLE);

	kernel_pml4[256] = pte_make(image_phys(direct_pdpt), KERNEL_TABLE);
	kernel_pml4[511] = pte_make(image_phys(image_pdpt), KERNEL_TABLE);
	write_cr3(image_phys(kernel_pml4));
}

/* The GiB below the kernel image: PDPT slot 509 of the top PML4 slot. */
#define DEVICE_WINDOW     0xffffffff40000000UL
#define DEVICE_WINDOW_PDPT 509

void *kernel_map_device(paddr_t pa, size_t len)
{
	paddr_t first = ALIGN_DOWN(pa, SEG_SIZE);
	uint64_t segs = (ALIGN_UP(pa + len, SEG_SIZE) - first) >> SEG_SHIFT;

	if (image_pdpt[DEVICE_WINDOW_PDPT] || len == 0 || pa + len < pa || segs > PT_ENTRIES)
		return NULL;
	/*
	 * PCD alone is PAT entry 2, "uncached minus": uncached, except where
	 * the firmware's MTRRs say write-combining, which some set for the
	 * framebuffer (and which makes drawing much faster on real hardware).
	 */
	for (uint64_t i = 0; i < PT_ENTRIES; i++)
		device_pd[i] = i < segs ? pte_make(first + (i << SEG_SHIFT),
		                                   KERNEL_LEAF | PTE_NX | PTE_PCD) : 0;
	/* The slot was empty, and no TLB caches an absent entry: no flush. */
	image_pdpt[DEVICE_WINDOW_PDPT] = pte_make(image_phys(device_pd), KERNEL_TABLE);
	return (void *)(DEVICE_WINDOW + (pa - first));
}

paddr_t kernel_pml4_phys(void)
{
	return image_phys(kernel_pml4);
}

void kernel_map_identity(bool on)
{
	identity_pd[0] = pte_make(0, PTE_P | PTE_W | PTE_PS);
	identity_pdpt[0] = pte_make(image_phys(identity_pd), KERNEL_TABLE);
	kernel_pml4[0] = on ? pte_make(image_phys(identity_pdpt), KERNEL_TABLE) : 0;
	write_cr3(image_phys(kernel_pml4));
}
