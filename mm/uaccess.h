/*
 * Moving data between the kernel and user space.
 *
 * Every copy checks the user range first (below USER_TOP, no wrap-around)
 * and then copies with an instruction listed in the exception table: a page
 * fault there is first offered to vm_fault() on the map being accessed (so
 * demand-zero and copy-on-write pages work) and, if that fails, turns into
 * -EFAULT instead of a kernel panic. CR0.WP is on, so copying into a
 * read-only user page faults like a user write would.
 */
#ifndef MM_UACCESS_H
#define MM_UACCESS_H

#include "kernel/types.h"

struct vm_map;

/* Makes map the active address space (NULL: kernel-only tables). */
void uaccess_set_map(struct vm_map *map);
struct vm_map *uaccess_map(void);

bool user_range_ok(vaddr_t addr, size_t len);
/* 0 or -EFAULT. */
int copyin(void *dst, const void *usrc, size_t len);
int copyout(void *udst, const void *src, size_t len);
/*
 * Checks that [uaddr, uaddr + len) can be written, by taking the write
 * fault of every page (which makes it writable without writing): 0 or
 * -EFAULT. Lets a call that would block (read) fail before it waits.
 */
int user_probe_writable(void *uaddr, size_t len);
/* Copies a NUL-terminated string: its length, -EFAULT or -ENAMETOOLONG. */
long copyinstr(char *dst, const void *usrc, size_t size);

/*
 * Kernel-mode page fault at a user address (from trap.c): resolves it
 * through vm_fault() on the active map. 0 when the access can be retried.
 */
int uaccess_fault(vaddr_t addr, uint64_t pf_error);

#endif
