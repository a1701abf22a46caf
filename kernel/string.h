/* The few string and memory functions the kernel uses. */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include "kernel/types.h"

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy_safe(char *d, const char *s, size_t size);  /* always terminates */
char *strchr(const char *s, int c);
long strtol_simple(const char *s, const char **end);      /* decimal or 0x hex, optional '-' */

#endif
