/* What GRUB tells the kernel, copied out of the multiboot2 information. */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include "kernel/types.h"
#include "mm/page.h"

#define MB2_BOOT_MAGIC 0x36d76289
#define BOOT_MAX_RANGES 64
#define BOOT_MAX_MODULES 8

struct boot_module {
	paddr_t start, end;
	char name[32];
};

struct boot_info {
	char cmdline[512];
	struct mem_range usable[BOOT_MAX_RANGES];
	int nusable;
	struct boot_module modules[BOOT_MAX_MODULES];
	int nmodules;
	paddr_t info_start, info_end;   /* the multiboot2 structure itself */
	uint8_t rsdp[36];               /* copy of the ACPI RSDP, if GRUB gave one */
	bool has_rsdp;
};

/* Parses the structure at physical `info` (reached through the direct map). */
int multiboot_parse(uint32_t magic, paddr_t info, struct boot_info *out);

#endif
