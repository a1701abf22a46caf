/*
 * The host stand-in for the machine (see fake.h): the physical memory arena
 * and the kernel services the real sources call, written over stdio. libc
 * provides memset, memcpy, snprintf and friends, so they are not redefined.
 */
#include <stdio.h>
#include <stdlib.h>
#include "tests/host/fake.h"
#include "kernel/printk.h"
#include "kernel/watchdog.h"
#include "kernel/string.h"
#include "mm/page.h"
#include "mm/kmalloc.h"

uintptr_t host_phys_base;

/*
 * Allocates a 2 MiB-aligned arena of `bytes` that plays physical memory from
 * address 0, then builds the page allocator over it (the first MiB reserved,
 * as on a PC) and the heap. Exits when the arena cannot be allocated.
 */
void host_phys_setup(size_t bytes)
{
	struct mem_range usable = { 0, bytes };
	struct mem_range reserved = { 0, MIB(1) };
	void *arena = aligned_alloc(SEG_SIZE, ALIGN_UP(bytes, SEG_SIZE));

	if (!arena) {
		fprintf(stderr, "host_phys_setup: cannot allocate %zu bytes\n", bytes);
		exit(2);
	}
	host_phys_base = (uintptr_t)arena;
	page_init(&usable, 1, &reserved, 1);
	kmalloc_init();
}

int vprintk(const char *fmt, va_list ap)
{
	return vprintf(fmt, ap);
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

/* Prints "panic: ..." to stderr and aborts, so a test run stops at once. */
void panic(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* One thread runs the host tests: no spinlock is ever waited for, and there
 * is no other CPU to report on. */
void watchdog_lock_wait(const struct spinlock *l, uint64_t since_tsc, bool *reported)
{
	(void)l;
	(void)since_tsc;
	(void)reported;
}

/* The SysV segments' clock (ipc/shm/shm.h): seconds that only move forward. */
int64_t shm_clock_seconds(void)
{
	static int64_t now = 1700000000;

	return now++;
}
