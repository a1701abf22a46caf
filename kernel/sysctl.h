/*
 * Run-time knobs: named integers that user space reads and sets with
 * SYS_sysctl (the `sysctl` program) and that the kernel command line can set
 * as NAME=VALUE. Each entry points at the variable the subsystem reads.
 */
#ifndef KERNEL_SYSCTL_H
#define KERNEL_SYSCTL_H

#include "kernel/types.h"

struct sysctl {
	const char *name;
	int *value;
	int min, max;
	const char *help;
	void (*set)(long value);   /* optional: applies a new value (after *value is stored) */
};

/* Reads name into *value: 0 or -ENOENT. */
int sysctl_get(const char *name, long *value);
/* Sets name: 0, -ENOENT, or -EINVAL when value is outside [min, max]. */
int sysctl_set(const char *name, long value);
/* The index-th knob: 0 or -ENOENT. */
int sysctl_entry(int index, const struct sysctl **entry);
/* Applies every NAME=VALUE word of the command line that names a knob. */
void sysctl_apply_cmdline(const char *cmdline);

#endif
