/*
 * Host suite "printk": the kernel's formatter (kernel/printk.c), behind
 * printk(), snprintf() and every KTAP line the kernel prints, called as
 * kernel_snprintf() and friends (tests/host/klibc.h).
 *
 * Each expected string is checked at every buffer size from 0 to one past
 * its length (fmt_case()): the return value is always the full length,
 * the buffer holds exactly the first size - 1 characters and a NUL, and a
 * buffer of the exact size is allocated on its own, so AddressSanitizer
 * stops a write one byte past it. Where the kernel follows C (integers,
 * strings, characters, flags, widths), matches_the_c_library also
 * compares it with the host libc over every combination.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/ktest.h"
#include "tests/host/klibc.h"

/*
 * Formats fmt with the kernel's vsnprintf into buffers of every size from 0
 * to len + 1 and checks each against expected (len bytes, which may hold a
 * NUL of %c). Reports the first difference and returns false.
 */
static bool vfmt_case(const char *file, int line, const char *expected, size_t len,
                      const char *fmt, va_list ap)
{
	for (size_t size = 0; size <= len + 1; size++) {
		/* size 0 gets a 1-byte buffer that must stay untouched */
		char *buf = malloc(size ? size : 1);
		size_t kept = size ? MIN(size - 1, len) : 0;
		va_list aq;
		bool ok;
		int n;

		buf[0] = '#';
		va_copy(aq, ap);
		n = kernel_vsnprintf(buf, size, fmt, aq);
		va_end(aq);
		ok = n == (int)len &&
		     (size ? memcmp(buf, expected, kept) == 0 && buf[kept] == '\0' : buf[0] == '#');
		if (!ok)
			ktest_fail(file, line, "\"%s\" at size %zu: returned %d with \"%.*s\"%s, "
			           "expected %zu with \"%.*s\"", fmt, size, n, (int)kept, buf,
			           size ? "" : (buf[0] == '#' ? " untouched" : " written"),
			           len, (int)kept, expected);
		free(buf);
		if (!ok)
			return false;
	}
	return true;
}

static bool fmt_case(const char *file, int line, const char *expected, size_t len,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static bool fmt_case(const char *file, int line, const char *expected, size_t len,
                     const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vfmt_case(file, line, expected, len, fmt, ap);
	va_end(ap);
	return ok;
}

/* The same without the compiler's format check, for what C does not allow. */
static bool fmt_case_unchecked(const char *file, int line, const char *expected,
                               size_t len, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vfmt_case(file, line, expected, len, fmt, ap);
	va_end(ap);
	return ok;
}

/* expected is a string literal; its length counts a NUL written by %c. */
#define EXPECT_FMT(expected, ...)                                                  \
	do {                                                                       \
		if (!fmt_case(__FILE__, __LINE__, expected, sizeof(expected) - 1,  \
		              __VA_ARGS__))                                        \
			return;                                                    \
	} while (0)

#define EXPECT_FMT_UNCHECKED(expected, ...)                                        \
	do {                                                                       \
		if (!fmt_case_unchecked(__FILE__, __LINE__, expected,              \
		                        sizeof(expected) - 1, __VA_ARGS__))        \
			return;                                                    \
	} while (0)

KTEST(printk, formats_int_in_every_conversion)
{
	EXPECT_FMT("42 -7 0", "%d %i %u", 42, -7, 0);
	EXPECT_FMT("ff FF 17", "%x %X %o", 255, 255, 15);
	EXPECT_FMT("0 0 0 0", "%x %X %o %u", 0, 0, 0, 0u);
	EXPECT_FMT("-2147483648 2147483647", "%d %i", INT_MIN, INT_MAX);
	EXPECT_FMT("4294967295 ffffffff 37777777777", "%u %x %o", UINT_MAX, UINT_MAX, UINT_MAX);
	/* without l, a negative int is read as 32 bits, not sign-extended */
	EXPECT_FMT("ffffffff 4294967295", "%x %u", -1, -1);
	EXPECT_FMT("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
}

KTEST(printk, formats_64_bit_values_with_l_ll_and_z)
{
	EXPECT_FMT("-9223372036854775808 9223372036854775807", "%ld %li", LONG_MIN, LONG_MAX);
	EXPECT_FMT("18446744073709551615", "%lu", ULONG_MAX);
	EXPECT_FMT("ffffffffffffffff FFFFFFFFFFFFFFFF", "%lx %lX", ULONG_MAX, ULONG_MAX);
	EXPECT_FMT("1777777777777777777777", "%lo", ULONG_MAX);
	EXPECT_FMT("-9223372036854775808 18446744073709551615", "%lld %llu", LLONG_MIN, ULLONG_MAX);
	EXPECT_FMT("123456789abcdef0 1311768467463790320", "%llx %llu",
	           0x123456789abcdef0ULL, 0x123456789abcdef0ULL);
	EXPECT_FMT("4096 fff -1", "%zu %zx %zd", (size_t)4096, (size_t)4095, (ssize_t)-1);
	EXPECT_FMT("18446744073709551615", "%zu", SIZE_MAX);
	/* arguments of both sizes in one call are each read at their own size */
	EXPECT_FMT("1 -2 3 4294967296 5", "%d %ld %u %lu %x", 1, -2L, 3u, 1UL << 32, 5u);
}

KTEST(printk, pads_and_aligns_to_the_width)
{
	EXPECT_FMT("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
	EXPECT_FMT("-0042|  -42|-42  ", "%05d|%5d|%-5d", -42, -42, -42);
	/* '-' wins over '0' in either order: the padding goes right, in spaces */
	EXPECT_FMT_UNCHECKED("42   |42   ", "%-05d|%0-5d", 42, 42);
	EXPECT_FMT("0000beef|BEEF    |000017", "%08x|%-8X|%06o", 0xbeef, 0xbeef, 15);
	/* a width smaller than the number never cuts it */
	EXPECT_FMT("12345|-12345", "%1d|%2d", 12345, -12345);
	EXPECT_FMT("18446744073709551615", "%20lu", ULONG_MAX);
	EXPECT_FMT("    -9223372036854775808", "%24ld", LONG_MIN);
	EXPECT_FMT("-00009223372036854775808", "%024ld", LONG_MIN);
	EXPECT_FMT("00000", "%05u", 0u);
}

KTEST(printk, formats_pointers_as_0x_and_16_digits)
{
	EXPECT_FMT("0x0000000000000000", "%p", (void *)0);
	EXPECT_FMT("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
	EXPECT_FMT("0xffffffff80000000", "%p", (void *)0xffffffff80000000UL);
	EXPECT_FMT("0xffffffffffffffff", "%p", (void *)ULONG_MAX);
	EXPECT_FMT("  0x0000000000001000|0x0000000000001000  |", "%20p|%-20p|",
	           (void *)0x1000, (void *)0x1000);
	/* a width below 18 is no width; the 0 flag does not apply to %p */
	EXPECT_FMT("0x0000000000001000", "%5p", (void *)0x1000);
	EXPECT_FMT_UNCHECKED("  0x0000000000001000", "%020p", (void *)0x1000);
}

KTEST(printk, formats_chars_and_strings)
{
	const char *volatile null_string = NULL;   /* hidden from the format checker */

	EXPECT_FMT("[x][  x][x  ]", "[%c][%3c][%-3c]", 'x', 'x', 'x');
	EXPECT_FMT("[ab][   ab][ab   ][abcdef]", "[%s][%5s][%-5s][%2s]", "ab", "ab", "ab", "abcdef");
	EXPECT_FMT("[][   ]", "[%s][%3s]", "", "");
	EXPECT_FMT("(null)|  (null)|(null)  ", "%s|%8s|%-8s", null_string, null_string, null_string);
	/* bytes of UTF-8 text pass unchanged, as the 0 flag does not apply to %s */
	EXPECT_FMT("caf\xc3\xa9", "%s", "caf\xc3\xa9");
	EXPECT_FMT_UNCHECKED("   ab", "%05s", "ab");
	/* %c of 0 writes a NUL and counts it */
	EXPECT_FMT("a\0b", "a%cb", 0);
}

KTEST(printk, percent_and_what_it_does_not_support)
{
	EXPECT_FMT("100% [%]", "100%% [%%]");
	EXPECT_FMT("plain text", "plain text");
	EXPECT_FMT("", "%s", "");
	/*
	 * Not supported: precision, h and hh, the + # and space flags, and
	 * unknown conversions: the '%' and the character after it come out as
	 * they are and take no argument, so the next conversion gets it.
	 */
	EXPECT_FMT_UNCHECKED("%q 7", "%q %d", 7);
	EXPECT_FMT_UNCHECKED("%hd 7", "%hd %d", 7);
	EXPECT_FMT_UNCHECKED("%.3s ab", "%.3s %s", "ab");
	EXPECT_FMT_UNCHECKED("%+d 7", "%+d %d", 7);
	/* a format that ends inside a conversion stops there */
	EXPECT_FMT_UNCHECKED("abc", "abc%");
	EXPECT_FMT_UNCHECKED("abc", "abc%-5l");
}

KTEST(printk, snprintf_truncates_terminates_and_returns_the_full_length)
{
	char b[5], one = 'x';
	char *big;

	KT_ASSERT_EQ(11, kernel_snprintf(b, sizeof(b), "hello %s", "world"));
	KT_ASSERT_EQ(0, strcmp(b, "hell"));
	KT_ASSERT_EQ(5, kernel_snprintf(NULL, 0, "%d", 12345));
	KT_ASSERT_EQ(5, kernel_snprintf(&one, 1, "%d", 12345));
	KT_ASSERT_EQ('\0', one);
	/* the length counts what a buffer too small for it did not hold */
	KT_ASSERT_EQ(1000, kernel_snprintf(b, sizeof(b), "%1000d", 7));
	KT_ASSERT_EQ(0, strcmp(b, "    "));
	big = malloc(1001);
	KT_ASSERT_EQ(1000, kernel_snprintf(big, 1001, "%-1000d", 7));
	KT_ASSERT(big[0] == '7' && big[1] == ' ' && big[999] == ' ' && big[1000] == '\0');
	free(big);
}

/*
 * Formats with the host libc and with the kernel; false (and a report) when
 * the text or the length differ. An int is passed for a conversion without
 * a length modifier, a long otherwise; s and c for "%s...%c" formats.
 */
static bool agrees_with_libc(int line, const char *fmt, bool is_long, long v,
                             const char *s, int c)
{
	char want[64], got[64];
	int nw, ng;

	if (s) {
		nw = snprintf(want, sizeof(want), fmt, s, c);
		ng = kernel_snprintf(got, sizeof(got), fmt, s, c);
	} else if (is_long) {
		nw = snprintf(want, sizeof(want), fmt, v);
		ng = kernel_snprintf(got, sizeof(got), fmt, v);
	} else {
		nw = snprintf(want, sizeof(want), fmt, (int)v);
		ng = kernel_snprintf(got, sizeof(got), fmt, (int)v);
	}
	if (nw == ng && strcmp(want, got) == 0)
		return true;
	ktest_fail(__FILE__, line, "%s of %ld: libc \"%s\" (%d), kernel \"%s\" (%d)",
	           fmt, v, want, nw, got, ng);
	return false;
}

/*
 * The kernel against the host libc for what both do the C way: every flag
 * set, width and length modifier of each integer conversion over values
 * at the edges of their types, and widths and '-' for %s and %c.
 */
KTEST(printk, matches_the_c_library)
{
	static const char *const flags[] = { "", "-", "0", "-0" };
	static const char *const widths[] = { "", "1", "7", "20", "25" };
	static const char *const lengths[] = { "", "l", "ll", "z" };
	static const char convs[] = "diuxXo";
	static const long values[] = {
		0, 1, -1, 7, 42, -42, 255, 4096, INT_MIN, INT_MAX, UINT_MAX,
		LONG_MIN, LONG_MAX, (long)ULONG_MAX, 0x123456789abcdef0L,
	};
	static const char *const strings[] = { "", "a", "abc", "caf\xc3\xa9", "twenty-six characters long" };
	char fmt[32];
	int checked = 0;

	for (size_t f = 0; f < ARRAY_SIZE(flags); f++)
		for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
			for (size_t l = 0; l < ARRAY_SIZE(lengths); l++)
				for (const char *c = convs; *c; c++) {
					snprintf(fmt, sizeof(fmt), "[%%%s%s%s%c]",
					         flags[f], widths[w], lengths[l], *c);
					for (size_t v = 0; v < ARRAY_SIZE(values); v++, checked++)
						if (!agrees_with_libc(__LINE__, fmt, l > 0, values[v], NULL, 0))
							return;
				}
	/* the 0 flag is undefined for %s and %c */
	for (size_t f = 0; f < 2; f++)
		for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
			snprintf(fmt, sizeof(fmt), "[%%%s%ss|%%%s%sc]",
			         flags[f], widths[w], flags[f], widths[w]);
			for (size_t s = 0; s < ARRAY_SIZE(strings); s++, checked++)
				if (!agrees_with_libc(__LINE__, fmt, false, 0, strings[s], strings[s][0] | 'A'))
					return;
		}
	KT_ASSERT_EQ(4 * 5 * 4 * 6 * 15 + 2 * 5 * 5, checked);
}

/* What console_write() received: the kernel's printk() writes here. */
static char console_out[1024];
static size_t console_len;
static int console_writes;

void console_write(const char *s, size_t n)
{
	KT_ASSERT(console_len + n <= sizeof(console_out));
	memcpy(console_out + console_len, s, n);
	console_len += n;
	console_writes++;
}

KTEST(printk, printk_writes_each_line_to_the_console_in_one_piece)
{
	console_len = 0;
	console_writes = 0;
	KT_ASSERT_EQ(13, kernel_printk("cpu %d: %s\n", 3, "ready"));
	KT_ASSERT_EQ(1, console_writes);
	KT_ASSERT_EQ(13, console_len);
	KT_ASSERT_EQ(0, memcmp(console_out, "cpu 3: ready\n", 13));

	/* a line longer than printk's 511 characters is cut, not split */
	console_len = 0;
	console_writes = 0;
	KT_ASSERT_EQ(600, kernel_printk("%-599d\n", 5));
	KT_ASSERT_EQ(1, console_writes);
	KT_ASSERT_EQ(511, console_len);
	KT_ASSERT(console_out[0] == '5' && console_out[1] == ' ' && console_out[510] == ' ');
}
