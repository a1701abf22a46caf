/*
 * PIT channel 0 as the periodic tick, and TSC calibration. The TSC is
 * measured over 50 ms of PIT channel 2 counting down with interrupts off,
 * which works the same under TCG and KVM.
 */
#include "kernel/timer.h"
#include "kernel/cpu.h"
#include "kernel/trap.h"

#define PIT_HZ 1193182
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61

static volatile uint64_t ticks;
static uint64_t tsc_per_ms;
static uint64_t tsc_boot;
static void (*tick_hook)(void);

static void timer_irq(struct trapframe *tf)
{
	(void)tf;
	ticks++;
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
	uint16_t divisor = PIT_HZ / TIMER_HZ;

	calibrate_tsc();
	tsc_boot = rdtsc();
	outb(PIT_CMD, 0x34);            /* ch0, lobyte/hibyte, rate generator */
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	irq_register(0, timer_irq);
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
