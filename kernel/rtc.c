/*
 * The real-time clock: the CMOS RTC of the PC, read once at boot, gives the
 * date; from then on real time is that date plus the TSC time since boot
 * (clock_ns), so it never jumps while the kernel runs.
 */
#include "kernel/cpu.h"
#include "kernel/timer.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define RTC_UPDATING 0x80    /* status A: an update is in progress */
#define RTC_BINARY   0x04    /* status B: values are binary, not BCD */
#define RTC_24H      0x02    /* status B: 24-hour clock */

static uint64_t boot_epoch_ns;   /* (c) real time at clock_ns() == 0 */

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void rtc_init(void)
{
	uint8_t sec, min, hour, day, mon, year, b;
	bool pm;

	while (cmos(0x0a) & RTC_UPDATING)
		cpu_relax();
	sec = cmos(0x00);
	min = cmos(0x02);
	hour = cmos(0x04);
	day = cmos(0x07);
	mon = cmos(0x08);
	year = cmos(0x09);
	b = cmos(0x0b);
	pm = !(b & RTC_24H) && (hour & 0x80);
	hour &= 0x7f;
	if (!(b & RTC_BINARY)) {
#define BCD(x) (((x) & 0x0f) + ((x) >> 4) * 10)
		sec = BCD(sec), min = BCD(min), hour = BCD(hour);
		day = BCD(day), mon = BCD(mon), year = BCD(year);
#undef BCD
	}
	if (!(b & RTC_24H))
		hour = hour % 12 + (pm ? 12 : 0);
	boot_epoch_ns = ((uint64_t)days_from_civil(2000 + year, mon, day) * 86400 +
	                 hour * 3600 + min * 60 + sec) * 1000000000ULL - clock_ns();
}

uint64_t clock_realtime_ns(void)
{
	return boot_epoch_ns + clock_ns();
}
