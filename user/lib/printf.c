/*
 * printf and friends. One formatter, format(), emits characters through a
 * callback: to the stdout buffer for printf, to a bounded string for
 * snprintf.
 */
#include "ulib.h"

/* ---- the formatter ---- */

typedef void (*emit_fn)(void *ctx, char c);

struct spec {
	int width;
	int prec;          /* -1: none; only %s uses it */
	bool left;         /* '-' flag */
	bool zero;         /* '0' flag */
};

/* Emits s (n bytes) padded to the spec's width. */
static int emit_padded(emit_fn emit, void *ctx, const char *s, int n,
    const struct spec *sp)
{
	int pad = sp->width > n ? sp->width - n : 0;
	int i;

	if (!sp->left)
		for (i = 0; i < pad; i++)
			emit(ctx, ' ');
	for (i = 0; i < n; i++)
		emit(ctx, s[i]);
	if (sp->left)
		for (i = 0; i < pad; i++)
			emit(ctx, ' ');
	return n + pad;
}

/*
 * Emits the number v in base 10 or 16, with an optional '-' sign or "0x"
 * prefix, zero padding going between the prefix and the digits.
 */
static int emit_number(emit_fn emit, void *ctx, unsigned long long v,
    int base, bool upper, const char *prefix, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[48];
	int n = 0, plen = (int)strlen(prefix), i, count = 0;

	do {
		buf[sizeof(buf) - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);

	if (sp->zero && !sp->left) {
		for (i = 0; i < plen; i++)
			emit(ctx, prefix[i]);
		for (i = plen + n; i < sp->width; i++, count++)
			emit(ctx, '0');
		for (i = 0; i < n; i++)
			emit(ctx, buf[sizeof(buf) - n + i]);
		return count + plen + n;
	}
	memcpy(buf + sizeof(buf) - n - plen, prefix, plen);
	return emit_padded(emit, ctx, buf + sizeof(buf) - n - plen, n + plen, sp);
}

/* Formats fmt/ap through emit; returns the number of characters emitted. */
static int format(emit_fn emit, void *ctx, const char *fmt, va_list ap)
{
	int count = 0;

	for (; *fmt; fmt++) {
		struct spec sp = { 0, -1, false, false };
		int lng = 0;           /* 0: int, 1: long, 2: long long */
		unsigned long long u;
		long long s;
		const char *str;
		int len;
		char c;

		if (*fmt != '%') {
			emit(ctx, *fmt);
			count++;
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			sp.width = sp.width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				sp.prec = sp.prec * 10 + (*fmt - '0');
		}
		for (; *fmt == 'l'; fmt++)
			lng++;
		if (*fmt == 'z') {
			lng = 1;
			fmt++;
		}

		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng == 0 ? va_arg(ap, int) :
			    lng == 1 ? va_arg(ap, long) : va_arg(ap, long long);
			u = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
			count += emit_number(emit, ctx, u, 10, false,
			    s < 0 ? "-" : "", &sp);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng == 0 ? va_arg(ap, unsigned int) :
			    lng == 1 ? va_arg(ap, unsigned long) :
			    va_arg(ap, unsigned long long);
			count += emit_number(emit, ctx, u, *fmt == 'u' ? 10 : 16,
			    *fmt == 'X', "", &sp);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			count += emit_number(emit, ctx, u, 16, false, "0x", &sp);
			break;
		case 's':
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			len = 0;
			while (str[len] && (sp.prec < 0 || len < sp.prec))
				len++;
			count += emit_padded(emit, ctx, str, len, &sp);
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			count += emit_padded(emit, ctx, &c, 1, &sp);
			break;
		case '%':
			emit(ctx, '%');
			count++;
			break;
		case '\0':
			return count;   /* a lone '%' at the end */
		default:
			/* Unknown conversion: print it as written. */
			emit(ctx, '%');
			emit(ctx, *fmt);
			count += 2;
			break;
		}
	}
	return count;
}

/* ---- snprintf ---- */

struct strbuf {
	char *buf;
	size_t size, pos;
};

static void emit_str(void *ctx, char c)
{
	struct strbuf *sb = ctx;

	if (sb->pos + 1 < sb->size)
		sb->buf[sb->pos] = c;
	sb->pos++;
}

/*
 * Formats into buf, never writing more than size bytes, always
 * NUL-terminated when size > 0. Returns the length the whole output would
 * have had (so a result >= size means it was truncated).
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct strbuf sb = { buf, size, 0 };
	int n = format(emit_str, &sb, fmt, ap);

	if (size > 0)
		buf[MIN(sb.pos, size - 1)] = '\0';
	return n;
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

/* ---- stdout ---- */

static struct {
	ulock_t lock;
	size_t len;
	char buf[512];
} out;

/* Writes out the buffer; caller holds out.lock. */
static void flush_locked(void)
{
	size_t done = 0;
	ssize_t n;

	while (done < out.len) {
		n = write(1, out.buf + done, out.len - done);
		if (n <= 0)
			break;      /* nowhere to report it; drop the output */
		done += n;
	}
	out.len = 0;
}

static void emit_stdout(void *ctx, char c)
{
	(void)ctx;
	out.buf[out.len++] = c;
	if (c == '\n' || out.len == sizeof(out.buf))
		flush_locked();
}

void flush_stdout(void)
{
	if (out.len == 0)     /* nothing to do: do not even touch the lock */
		return;
	ulock_acquire(&out.lock);
	flush_locked();
	ulock_release(&out.lock);
}

int vprintf(const char *fmt, va_list ap)
{
	int n;

	ulock_acquire(&out.lock);
	n = format(emit_stdout, NULL, fmt, ap);
	ulock_release(&out.lock);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int putchar(int c)
{
	ulock_acquire(&out.lock);
	emit_stdout(NULL, (char)c);
	ulock_release(&out.lock);
	return (unsigned char)c;
}

int puts(const char *s)
{
	return printf("%s\n", s);
}
