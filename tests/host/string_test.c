/*
 * Host suite "string": the kernel's memory and string functions
 * (kernel/string.c, called as kernel_NAME: tests/host/klibc.h) and its
 * own helpers beside them (kernel/strutil.c).
 *
 * The copies and fills run at every alignment of source and destination
 * and every length up to a few words, into buffers with guard bytes
 * around them: a byte written outside [d, d + n) fails the case (and one
 * outside the buffer stops AddressSanitizer). The
 * comparisons are checked on bytes of 0x80 and above, which compare as
 * unsigned char (as in C), and their signs against the host libc's.
 */
#include <stdlib.h>
#include <string.h>
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "tests/host/klibc.h"

#define GUARD   0xa5        /* what a buffer holds outside the bytes written */
#define AREA    96          /* bytes of a test buffer */
#define MAX_OFF 8           /* every alignment of a 64-bit word */
#define MAX_LEN 72          /* past one cache line, with odd tails */

/* Byte i of the source pattern: no two neighbours equal, half of them >= 0x80. */
static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 37 + 0x81);
}

/* Is buf[from, to) all GUARD? */
static bool guarded(const unsigned char *buf, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (buf[i] != GUARD)
			return false;
	return true;
}

KTEST(string, memcpy_copies_every_length_at_every_alignment)
{
	static unsigned char src[AREA], dst[AREA];

	for (size_t i = 0; i < AREA; i++)
		src[i] = pattern(i);
	for (size_t so = 0; so < MAX_OFF; so++)
		for (size_t d = 0; d < MAX_OFF; d++)
			for (size_t n = 0; n <= MAX_LEN; n++) {
				memset(dst, GUARD, AREA);
				KT_ASSERT(kernel_memcpy(dst + d, src + so, n) == dst + d);
				KT_ASSERT(memcmp(dst + d, src + so, n) == 0);
				KT_ASSERT(guarded(dst, 0, d) && guarded(dst, d + n, AREA));
			}
}

KTEST(string, memset_fills_every_length_at_every_alignment)
{
	static unsigned char dst[AREA];

	for (size_t d = 0; d < MAX_OFF; d++)
		for (size_t n = 0; n <= MAX_LEN; n++) {
			memset(dst, GUARD, AREA);
			/* the value is converted to unsigned char: 0x1ff stores 0xff */
			KT_ASSERT(kernel_memset(dst + d, 0x1ff, n) == dst + d);
			for (size_t i = d; i < d + n; i++)
				KT_ASSERT_EQ(0xff, dst[i]);
			KT_ASSERT(guarded(dst, 0, d) && guarded(dst, d + n, AREA));
		}
}

/*
 * Every source and destination within one buffer: disjoint, overlapping
 * with the destination below the source (a forward copy is right) and
 * above it (only a backward copy is), and the same.
 */
KTEST(string, memmove_handles_overlap_in_both_directions)
{
	static unsigned char buf[AREA], want[AREA];

	for (size_t s = 0; s < 24; s++)
		for (size_t d = 0; d < 24; d++)
			for (size_t n = 0; n <= MAX_LEN && MAX(s, d) + n <= AREA; n++) {
				for (size_t i = 0; i < AREA; i++)
					buf[i] = want[i] = pattern(i);
				for (size_t i = 0; i < n; i++)
					want[d + i] = pattern(s + i);
				KT_ASSERT(kernel_memmove(buf + d, buf + s, n) == buf + d);
				if (memcmp(buf, want, AREA) != 0) {
					ktest_fail(__FILE__, __LINE__, "memmove(buf + %zu, buf + %zu, %zu)",
					           d, s, n);
					return;
				}
			}
}

/* -1, 0 or 1: the sign of a comparison's result, which is all C fixes. */
static int sign(int v)
{
	return (v > 0) - (v < 0);
}

KTEST(string, memcmp_compares_bytes_as_unsigned)
{
	static const char *const pairs[][2] = {
		{ "\x80", "\x7f" }, { "\xff", "\x00" }, { "\x01", "\xfe" },
		{ "ab\x01", "ab\xff" }, { "abc", "abd" }, { "abc", "abc" },
		{ "a\xe9z", "a\xe9y" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		const char *a = pairs[i][0], *b = pairs[i][1];
		size_t n = MAX(strlen(a), 1);

		KT_ASSERT_EQ(sign(memcmp(a, b, n)), sign(kernel_memcmp(a, b, n)));
		KT_ASSERT_EQ(sign(memcmp(b, a, n)), sign(kernel_memcmp(b, a, n)));
	}
	KT_ASSERT(kernel_memcmp("\x80", "\x7f", 1) > 0);
	KT_ASSERT(kernel_memcmp("ab\x01", "ab\xff", 3) < 0);
	/* only the first n bytes count; none when n is 0 */
	KT_ASSERT_EQ(0, kernel_memcmp("abX", "abY", 2));
	KT_ASSERT_EQ(0, kernel_memcmp("X", "Y", 0));
	/* at an odd address, past a word's end */
	KT_ASSERT(kernel_memcmp("-0123456789abcdef", "-0123456789abcdeg", 17) < 0);
}

KTEST(string, strlen_and_strnlen_stop_at_the_nul_or_the_limit)
{
	static const char text[] = "\xe9t\xe9 and a line longer than one word";

	KT_ASSERT_EQ(0, kernel_strlen(""));
	for (size_t off = 0; off < sizeof(text); off++)
		KT_ASSERT_EQ(sizeof(text) - 1 - off, kernel_strlen(text + off));
	KT_ASSERT_EQ(0, kernel_strnlen("abc", 0));
	KT_ASSERT_EQ(2, kernel_strnlen("abc", 2));
	KT_ASSERT_EQ(3, kernel_strnlen("abc", 3));
	KT_ASSERT_EQ(3, kernel_strnlen("abc", 100));
	/* no byte past the limit is read: ASan stops a read of the fourth */
	char *unterminated = malloc(3);
	memcpy(unterminated, "abc", 3);
	KT_ASSERT_EQ(3, kernel_strnlen(unterminated, 3));
	free(unterminated);
}

KTEST(string, strcmp_and_strncmp_compare_bytes_as_unsigned)
{
	static const char *const strs[] = {
		"", "a", "ab", "abc", "abd", "b", "\x7f", "\x80", "\xe9t\xe9", "e", "\xff",
	};

	for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
		for (size_t j = 0; j < ARRAY_SIZE(strs); j++) {
			const char *a = strs[i], *b = strs[j];

			KT_ASSERT_EQ(sign(strcmp(a, b)), sign(kernel_strcmp(a, b)));
			for (size_t n = 0; n <= 4; n++)
				KT_ASSERT_EQ(sign(strncmp(a, b, n)), sign(kernel_strncmp(a, b, n)));
		}
	KT_ASSERT(kernel_strcmp("\xe9t\xe9", "e") > 0);
	KT_ASSERT(kernel_strcmp("ab", "abc") < 0);
	KT_ASSERT(kernel_strncmp("\x80", "\x7f", 1) > 0);
	/* strncmp stops at a NUL in both and at n, whatever follows */
	KT_ASSERT_EQ(0, kernel_strncmp("ab\0x", "ab\0y", 4));
	KT_ASSERT_EQ(0, kernel_strncmp("abX", "abY", 2));
	KT_ASSERT_EQ(0, kernel_strncmp("X", "Y", 0));
}

KTEST(string, strchr_finds_the_first_byte_or_the_terminator)
{
	static const char s[] = "path/to/caf\xe9/file";

	KT_ASSERT(kernel_strchr(s, '/') == s + 4);
	KT_ASSERT(kernel_strchr(s, 'x') == NULL);
	KT_ASSERT(kernel_strchr(s, 0xe9) == s + 11);
	KT_ASSERT(kernel_strchr(s, '\0') == s + sizeof(s) - 1);
	KT_ASSERT(kernel_strchr("", '\0') != NULL);
	/* c is converted to char, as C says: 256 is the terminator, 256 + 'a' is 'a' */
	KT_ASSERT(kernel_strchr(s, 256) == strchr(s, 256));
	KT_ASSERT(kernel_strchr(s, 256 + 'a') == s + 1);
}

KTEST(string, strncpy_safe_always_terminates)
{
	char d[8];

	memset(d, GUARD, sizeof(d));
	KT_ASSERT(strncpy_safe(d, "abc", 0) == d);
	KT_ASSERT_EQ(GUARD, (unsigned char)d[0]);
	strncpy_safe(d, "abc", 1);
	KT_ASSERT_EQ('\0', d[0]);
	KT_ASSERT_EQ(GUARD, (unsigned char)d[1]);
	strncpy_safe(d, "abc", sizeof(d));
	KT_ASSERT_EQ(0, strcmp(d, "abc"));
	strncpy_safe(d, "a longer string", sizeof(d));
	KT_ASSERT_EQ(0, strcmp(d, "a longe"));
}

KTEST(string, strtol_simple_reads_decimal_and_hex)
{
	const char *end;

	KT_ASSERT_EQ(42, strtol_simple("42", &end));
	KT_ASSERT_EQ('\0', *end);
	KT_ASSERT_EQ(-4096, strtol_simple("-0x1000", &end));
	KT_ASSERT_EQ(0xBEEF, strtol_simple("0XbEeF", NULL));
	KT_ASSERT_EQ(12, strtol_simple("12abc", &end));
	KT_ASSERT_EQ('a', *end);
	/* no digit: 0, and end at the start */
	const char *word = "on";
	KT_ASSERT_EQ(0, strtol_simple(word, &end));
	KT_ASSERT(end == word);
}
