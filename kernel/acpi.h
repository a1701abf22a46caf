/*
 * Just enough ACPI to find the CPUs and interrupt controllers and to power
 * the machine off: the RSDP (from GRUB's multiboot2 tags), the RSDT/XSDT,
 * the MADT, and the FADT with the DSDT's \_S5 sleep type.
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include "kernel/types.h"

#define MAX_CPUS 16

struct acpi_info {
	paddr_t lapic_base;
	int ncpus;
	uint8_t lapic_ids[MAX_CPUS];   /* enabled processors, BSP included */
	paddr_t ioapic_base;
	uint32_t ioapic_gsi_base;
	uint32_t isa_gsi[16];          /* ISA IRQ -> global system interrupt */
	uint16_t isa_flags[16];        /* MPS polarity/trigger flags of overrides */
};

/*
 * Parses the tables starting at the RSDP copy `rsdp` (the body of a
 * multiboot2 ACPI tag). Returns 0, or -ENOENT when no usable MADT exists
 * (then *out describes one CPU and the standard addresses).
 */
int acpi_parse(const void *rsdp, struct acpi_info *out);

/*
 * Soft-off (sleep state S5) through the FADT's PM1 control registers, when
 * acpi_parse() found them and the \_S5 sleep type. Returns only if there
 * are none, or if the machine is still running a second after the write.
 */
void acpi_poweroff(void);

#endif
