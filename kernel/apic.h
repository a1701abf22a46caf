/*
 * Local APIC (one per CPU: its timer, IPIs, end of interrupt) and the I/O
 * APIC (routes the ISA interrupts: keyboard, serial). They replace the 8259
 * PIC, which stays masked.
 */
#ifndef KERNEL_APIC_H
#define KERNEL_APIC_H

#include "kernel/acpi.h"
#include "kernel/types.h"

#define VEC_TIMER      0x30   /* local APIC timer */
#define VEC_TLB        0xf0   /* TLB shootdown IPI */
#define VEC_RESCHED    0xf1   /* "run the scheduler" IPI */
#define VEC_SPURIOUS   0xff

/* Maps the APICs, routes ISA interrupts to the BSP, masks the PIC. */
void apic_init(const struct acpi_info *acpi);
/* Enables this CPU's local APIC and its periodic timer at TIMER_HZ. */
void lapic_init_cpu(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
/* Sends a fixed IPI with `vector` to the CPU with this APIC id. */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
/* INIT and STARTUP IPIs that start an application processor at 0xVV000. */
void lapic_send_init(uint32_t apic_id);
/* A non-maskable interrupt: taken even with interrupts off (kernel/watchdog.c). */
void lapic_send_nmi(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t page);
/* Routes ISA `irq` to vector T_IRQ0 + irq on the boot CPU. */
void ioapic_route(int irq);

#endif
