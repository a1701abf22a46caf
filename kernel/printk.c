/*
 * Formatted output: one formatter, format(), writing into a bounded buffer;
 * printk() formats a line and hands it to the console.
 */
#include "kernel/printk.h"
#include "kernel/console.h"
#include "kernel/string.h"

struct sink {
	char *buf;
	size_t size;
	size_t len;     /* characters produced so far, stored or not */
};

static void emit(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void emit_padded(struct sink *s, const char *str, size_t n, int width,
                        bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left && pad == '0' && n > 0 && str[0] == '-') {
		emit(s, '-');
		str++;
		n--;
	}
	if (!left)
		while (fill-- > 0)
			emit(s, pad);
	while (n--)
		emit(s, *str++);
	if (left)
		while (fill-- > 0)
			emit(s, ' ');
}

/* Converts v to text in base; returns the length. buf must hold 24 chars. */
static size_t utoa(uint64_t v, unsigned base, bool upper, char *buf)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (n)
		buf[i++] = tmp[--n];
	return i;
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		char numbuf[26], *p = numbuf;
		bool left = false;
		char pad = ' ';
		int width = 0, lng = 0;
		size_t n;

		if (*fmt != '%') {
			emit(s, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
			if (v < 0)
				*p++ = '-';
			n = utoa(u, 10, false, p) + (v < 0);
			emit_padded(s, numbuf, n, width, left, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			n = utoa(v, base, *fmt == 'X', numbuf);
			emit_padded(s, numbuf, n, width, left, pad);
			break;
		}
		case 'p': {
			uint64_t v = (uint64_t)va_arg(ap, void *);
			char hex[24];
			size_t h = utoa(v, 16, false, hex);
			numbuf[0] = '0';
			numbuf[1] = 'x';
			memset(numbuf + 2, '0', 16 - h);
			memcpy(numbuf + 2 + 16 - h, hex, h);
			emit_padded(s, numbuf, 18, width, left, ' ');
			break;
		}
		case 'c':
			numbuf[0] = (char)va_arg(ap, int);
			emit_padded(s, numbuf, 1, width, left, ' ');
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			emit_padded(s, str, strlen(str), width, left, ' ');
			break;
		}
		case '%':
			emit(s, '%');
			break;
		case '\0':
			return;
		default:
			emit(s, '%');
			emit(s, *fmt);
			break;
		}
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { buf, size, 0 };

	format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Formats into a line buffer first so one printk() reaches the console in one
 * piece, without interleaving with other CPUs.
 */
int vprintk(const char *fmt, va_list ap)
{
	char line[512];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	console_write(line, MIN((size_t)n, sizeof(line) - 1));
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
