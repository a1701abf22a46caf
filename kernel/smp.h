/*
 * Multiprocessor bring-up: the boot CPU finds the others in the ACPI MADT
 * and starts each with INIT-SIPI-SIPI through a real-mode trampoline; each
 * application processor then sets up its own per-CPU data, GDT/TSS, local
 * APIC timer and idle thread, and joins the scheduler.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include "kernel/acpi.h"

/* Starts every enabled CPU of `acpi` but the boot CPU; returns how many run. */
int smp_start_aps(const struct acpi_info *acpi);

#endif
