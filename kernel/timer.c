/*
 * The tick and the TSC. Every CPU's local APIC timer interrupts TIMER_HZ
 * times a second (kernel/apic.c); the boot CPU's count is the system tick.
 * The TSC is calibrated over 50 ms of PIT channel 2 counting down with
 * interrupts off, which works the same under TCG and KVM.
 */
#include "kernel/timer.h"
#include "kernel/cpu.h"

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61

static volatile uint64_t ticks;
static uint64_t tsc_per_ms;
static uint64_t tsc_boot;
static void (*tick_hook)(void);

void timer_interrupt(void)
{
	if (cpu_id() != 0)
		return;
	__atomic_add_fetch(&ticks, 1, __ATOMIC_RELAXED);
	if (tick_hook)
		tick_hook();
}

static void calibrate_tsc(void)
{
	uint16_t count = PIT_HZ / 20;   /* 50 ms */
	uint64_t start, end;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);   /* gate on, speaker off */
	outb(PIT_CMD, 0xb0);                              /* ch2, lobyte/hibyte, mode 0 */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	start = rdtsc();
	while (!(inb(PIT_GATE) & 0x20))
		cpu_relax();
	end = rdtsc();
	tsc_per_ms = (end - start) / 50;
	if (tsc_per_ms == 0)
		tsc_per_ms = 1;
}

void timer_init(void)
{
	calibrate_tsc();
	tsc_boot = rdtsc();
}

void timer_set_tick_hook(void (*hook)(void))
{
	tick_hook = hook;
}

uint64_t timer_ticks(void)
{
	return ticks;
}

uint64_t clock_ns(void)
{
	uint64_t d = rdtsc() - tsc_boot;

	return d / tsc_per_ms * 1000000 + (d % tsc_per_ms) * 1000000 / tsc_per_ms;
}

uint64_t clock_ms(void)
{
	return (rdtsc() - tsc_boot) / tsc_per_ms;
}

uint64_t tsc_khz(void)
{
	return tsc_per_ms;
}

void race_window_us(const int *us)
{
	uint64_t end = clock_ns() + 1000 * (uint64_t)__atomic_load_n(us, __ATOMIC_RELAXED);

	while (clock_ns() < end)
		cpu_relax();
}
