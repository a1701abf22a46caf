/* KTEST suite "printk": the formatter behind printk and snprintf. */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"

#define EXPECT_FMT(expected, ...)                                         \
	do {                                                               \
		char b_[64];                                               \
		snprintf(b_, sizeof(b_), __VA_ARGS__);                     \
		if (strcmp(b_, expected) != 0) {                           \
			ktest_fail(__FILE__, __LINE__, "got \"%s\", expected \"%s\"", b_, expected); \
			return;                                            \
		}                                                          \
	} while (0)

KTEST(printk, formats_integers)
{
	EXPECT_FMT("42 -7 0", "%d %i %u", 42, -7, 0);
	EXPECT_FMT("ff FF 17", "%x %X %o", 255, 255, 15);
	EXPECT_FMT("-9223372036854775808", "%ld", (long)(-9223372036854775807L - 1));
	EXPECT_FMT("18446744073709551615", "%lu", ~0UL);
	EXPECT_FMT("123456789012", "%llu", 123456789012ULL);
	EXPECT_FMT("4096", "%zu", (size_t)4096);
}

KTEST(printk, pads_and_aligns)
{
	EXPECT_FMT("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
	EXPECT_FMT("-0042", "%05d", -42);
	EXPECT_FMT("0000beef", "%08x", 0xbeef);
}

KTEST(printk, formats_pointers_strings_chars)
{
	EXPECT_FMT("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
	const char *volatile null_string = NULL;   /* hidden from the format checker */

	EXPECT_FMT("[ab][  x](null)%", "[%s][%3c]%s%%", "ab", 'x', null_string);
}

KTEST(printk, snprintf_truncates_and_counts)
{
	char b[5];

	KT_ASSERT_EQ(11, snprintf(b, sizeof(b), "hello %s", "world"));
	KT_ASSERT_EQ(0, strcmp(b, "hell"));
}
