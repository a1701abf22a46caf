/*
 * The initrd: a ustar archive loaded by GRUB as a multiboot2 module. Files
 * are used in place (the module's memory is reserved); paths are looked up
 * with or without a leading '/'.
 */
#ifndef KERNEL_INITRD_H
#define KERNEL_INITRD_H

#include "kernel/types.h"

void initrd_init(paddr_t start, paddr_t end);
/* Finds a regular file: 0 with its bytes, or -ENOENT. */
int initrd_find(const char *path, const uint8_t **data, size_t *size);
/* Name of the index-th regular file: 0, or -ENOENT past the end. */
int initrd_name(int index, char *buf, size_t len);
/* Number of regular files whose name starts with prefix. */
int initrd_count_prefix(const char *prefix);

#endif
