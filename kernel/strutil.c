/*
 * String helpers of the kernel's own (not in libc), kept apart from
 * string.c so the host unit tests can link them beside the host libc.
 */
#include "kernel/string.h"

/* Copies at most size - 1 bytes of s and always terminates d (size > 0). */
char *strncpy_safe(char *d, const char *s, size_t size)
{
	size_t i = 0;

	if (size == 0)
		return d;
	for (; i + 1 < size && s[i]; i++)
		d[i] = s[i];
	d[i] = '\0';
	return d;
}

/*
 * Parses an optional '-', then decimal or 0x-prefixed hex digits; *end (when
 * not NULL) points after the last digit used.
 */
long strtol_simple(const char *s, const char **end)
{
	bool neg = false;
	long v = 0;
	int base = 10;

	if (*s == '-') {
		neg = true;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		v = v * base + d;
	}
	if (end)
		*end = s;
	return neg ? -v : v;
}
