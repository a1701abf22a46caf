/*
 * The host stand-in for the machine: a malloc'ed arena plays physical memory
 * from address 0 (phys_to_virt() adds host_phys_base), and kernel services
 * such as printk() and panic() go to stdio.
 */
#ifndef TESTS_HOST_FAKE_H
#define TESTS_HOST_FAKE_H

#include "kernel/types.h"

#define HOST_PHYS_BYTES GIB(2)   /* room for 1.5 GiB of 2 MiB pages */

/* Allocates the arena and builds the page allocator over it. */
void host_phys_setup(size_t bytes);

#endif
