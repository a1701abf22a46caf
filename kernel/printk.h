/* Kernel console output and fatal errors. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include "kernel/types.h"

/*
 * printk formats: %d %i %u %x %X %o %c %s %p %%, with flags '-', '0', width,
 * and the length modifiers l, ll, z. %p prints 0x and 16 hex digits. Anything
 * else (a precision, h, '+', an unknown conversion) is printed as written and
 * takes no argument. tests/host/printk_test.c holds it to this, and to C.
 */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define assert(e) \
	do { if (!(e)) panic("%s:%d: %s: assertion %s failed", __FILE__, __LINE__, __func__, #e); } while (0)

#endif
