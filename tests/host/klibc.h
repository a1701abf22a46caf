/*
 * The kernel's own copies of libc functions, under the names the host
 * tests give them.
 *
 * kernel/printk.c and kernel/string.c define memcpy, strlen, snprintf and
 * the rest under libc's names: the kernel has no libc, and the compiler
 * may call memcpy and memset by itself. The host test binary links the
 * host libc, whose copies AddressSanitizer intercepts and every other
 * source of the binary uses; the kernel's must not replace them there. So
 * tests/host/host.mk compiles those two files with KLIBC_RENAME defined
 * and this header forced in first (-include): each function below becomes
 * kernel_NAME. The tests (tests/host/printk_test.c and
 * tests/host/string_test.c) include it without KLIBC_RENAME and call
 * kernel_NAME beside libc's NAME. printk and vprintk are renamed too:
 * tests/host/fake.c has its own, over stdio, for the other kernel sources.
 *
 * The declarations are compiled into the two kernel files as well, where
 * kernel/string.h and kernel/printk.h declare the same functions again: a
 * signature that drifts from those headers fails the build. A function
 * added to those files without its line here would keep its libc name and
 * replace libc's in the test binary; `make check` runs
 * scripts/libc-copies.sh on the two objects and fails on that.
 */
#ifndef TESTS_HOST_KLIBC_H
#define TESTS_HOST_KLIBC_H

#include <stdarg.h>
#include <stddef.h>

#ifdef KLIBC_RENAME
#define memset    kernel_memset
#define memcpy    kernel_memcpy
#define memmove   kernel_memmove
#define memcmp    kernel_memcmp
#define strlen    kernel_strlen
#define strnlen   kernel_strnlen
#define strcmp    kernel_strcmp
#define strncmp   kernel_strncmp
#define strchr    kernel_strchr
#define snprintf  kernel_snprintf
#define vsnprintf kernel_vsnprintf
#define printk    kernel_printk
#define vprintk   kernel_vprintk
#endif

void *kernel_memset(void *d, int c, size_t n);
void *kernel_memcpy(void *d, const void *s, size_t n);
void *kernel_memmove(void *d, const void *s, size_t n);
int kernel_memcmp(const void *a, const void *b, size_t n);
size_t kernel_strlen(const char *s);
size_t kernel_strnlen(const char *s, size_t max);
int kernel_strcmp(const char *a, const char *b);
int kernel_strncmp(const char *a, const char *b, size_t n);
char *kernel_strchr(const char *s, int c);
int kernel_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kernel_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int kernel_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kernel_vprintk(const char *fmt, va_list ap);

#endif
