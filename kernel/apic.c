/*
 * Local and I/O APIC drivers (see apic.h). Both are memory-mapped registers,
 * reached through the uncached part of the direct map set up in
 * mm/pmap/kernel_map.c. The local APIC timer is calibrated once against the
 * PIT and then runs periodic on every CPU.
 */
#include "kernel/apic.h"
#include "kernel/cpu.h"
#include "kernel/pic.h"
#include "kernel/printk.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "mm/phys.h"

#define LAPIC_ID      0x020
#define LAPIC_TPR     0x080
#define LAPIC_EOI     0x0b0
#define LAPIC_SVR     0x0f0
#define LAPIC_ICR_LO  0x300
#define LAPIC_ICR_HI  0x310
#define LAPIC_TIMER   0x320
#define LAPIC_LINT0   0x350
#define LAPIC_LINT1   0x360
#define LAPIC_TICR    0x380   /* initial count */
#define LAPIC_TCCR    0x390   /* current count */
#define LAPIC_TDCR    0x3e0   /* divide configuration */

#define ICR_PENDING   (1 << 12)
#define ICR_NMI       0x400
#define ICR_INIT      0x500
#define ICR_STARTUP   0x600
#define ICR_ASSERT    (1 << 14)
#define ICR_LEVEL     (1 << 15)
#define TIMER_PERIODIC (1 << 17)
#define LVT_MASKED    (1 << 16)

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN    0x10
#define IOAPIC_REDTBL 0x10

static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;
static struct acpi_info apic_acpi;
static uint32_t timer_count;   /* LAPIC ticks per timer interrupt */

static uint32_t lapic_read(uint32_t reg) { return lapic[reg / 4]; }
static void lapic_write(uint32_t reg, uint32_t v) { lapic[reg / 4] = v; (void)lapic[LAPIC_ID / 4]; }

static void ioapic_write(uint32_t reg, uint32_t v)
{
	ioapic[IOAPIC_REGSEL / 4] = reg;
	ioapic[IOAPIC_WIN / 4] = v;
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static void icr_send(uint32_t apic_id, uint32_t lo)
{
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, lo);
	while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING)
		cpu_relax();
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	icr_send(apic_id, vector);
}

void lapic_send_nmi(uint32_t apic_id)
{
	icr_send(apic_id, ICR_NMI | ICR_ASSERT);
}

void lapic_send_init(uint32_t apic_id)
{
	icr_send(apic_id, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
}

void lapic_send_startup(uint32_t apic_id, uint8_t page)
{
	icr_send(apic_id, ICR_STARTUP | page);
}

void ioapic_route(int irq)
{
	uint32_t pin = apic_acpi.isa_gsi[irq] - apic_acpi.ioapic_gsi_base;
	uint16_t flags = apic_acpi.isa_flags[irq];
	uint32_t lo = T_IRQ0 + irq;

	if ((flags & 3) == 3)
		lo |= 1 << 13;     /* active low */
	if (((flags >> 2) & 3) == 3)
		lo |= 1 << 15;     /* level triggered */
	ioapic_write(IOAPIC_REDTBL + 2 * pin + 1, apic_acpi.lapic_ids[0] << 24);
	ioapic_write(IOAPIC_REDTBL + 2 * pin, lo);
}

/* LAPIC timer ticks in 10 ms, measured with PIT channel 2. */
static uint32_t calibrate_timer(void)
{
	uint16_t count = 1193182 / 100;

	lapic_write(LAPIC_TDCR, 0x3);           /* divide by 16 */
	lapic_write(LAPIC_TIMER, LVT_MASKED);
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	lapic_write(LAPIC_TICR, 0xffffffff);
	while (!(inb(0x61) & 0x20))
		cpu_relax();
	return 0xffffffff - lapic_read(LAPIC_TCCR);
}

void lapic_init_cpu(void)
{
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);   /* enable */
	lapic_write(LAPIC_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LINT1, LVT_MASKED);
	lapic_write(LAPIC_TDCR, 0x3);
	lapic_write(LAPIC_TIMER, TIMER_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TICR, timer_count);
}

void apic_init(const struct acpi_info *acpi)
{
	apic_acpi = *acpi;
	lapic = phys_to_virt(acpi->lapic_base);
	ioapic = phys_to_virt(acpi->ioapic_base);
	pic_disable();
	/* Every redirection entry masked until a driver asks for its line. */
	for (uint32_t pin = 0; pin < 24; pin++)
		ioapic_write(IOAPIC_REDTBL + 2 * pin, LVT_MASKED);
	timer_count = calibrate_timer() * 100 / TIMER_HZ;
	if (timer_count == 0)
		timer_count = 1;
	lapic_init_cpu();
}
