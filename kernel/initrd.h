/*
 * The initrd: a ustar archive loaded by GRUB as a multiboot2 module. Files
 * are used in place (the module's memory is reserved); paths are looked up
 * with or without a leading '/'. fs/initrd_fs.c makes the archive the
 * read-only file system under /, through which exec finds programs; the
 * calls here serve the project's own initrd_name and the boot's count of
 * test programs.
 */
#ifndef KERNEL_INITRD_H
#define KERNEL_INITRD_H

#include "kernel/types.h"

/* One member of the archive. */
struct initrd_member {
	char name[256];
	const uint8_t *data;        /* in place: the module's memory */
	size_t size;
	uint32_t mode;              /* the permission bits */
	char type;                  /* '0' or '\0' a file, '5' a directory, '2' a symbolic link */
	char link[101];             /* a symbolic link's target */
};

void initrd_init(paddr_t start, paddr_t end);
/* The member at byte offset *off (0: the first); advances *off. False at the end. */
bool initrd_next(size_t *off, struct initrd_member *m);
/* "./bin/sh" and "/bin/sh" both name "bin/sh": the name without them. */
const char *initrd_strip(const char *path);
/* Name of the index-th regular file: 0, or -ENOENT past the end. */
int initrd_name(int index, char *buf, size_t len);
/* Number of regular files whose name starts with prefix. */
int initrd_count_prefix(const char *prefix);

#endif
