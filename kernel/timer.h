/*
 * Time: the local APIC timers interrupt TIMER_HZ times a second (the boot
 * CPU's count is the system tick), and the TSC, calibrated against the PIT
 * at boot, gives fine time.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include "kernel/types.h"

#define TIMER_HZ 1000

/* Calibrates the TSC. */
void timer_init(void);
/* The local APIC timer interrupt of the calling CPU. */
void timer_interrupt(void);
uint64_t timer_ticks(void);     /* interrupts since timer_init() */
uint64_t clock_ns(void);        /* nanoseconds since boot, from the TSC */

/*
 * Spins for *us microseconds (read once): the debug.*_delay_us test hooks
 * of KDEBUG builds hold a thread in a race window with it, so that tests
 * meet the race every time instead of by luck.
 */
void race_window_us(const int *us);
uint64_t clock_ms(void);
uint64_t tsc_khz(void);

/* Reads the date from the CMOS clock (after timer_init). */
void rtc_init(void);
/* Nanoseconds since 1970-01-01 UTC: the boot date plus clock_ns(). */
uint64_t clock_realtime_ns(void);

/* Called from the timer interrupt with every tick (the scheduler). */
void timer_set_tick_hook(void (*hook)(void));

#endif
