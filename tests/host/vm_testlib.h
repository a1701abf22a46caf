/*
 * Helpers for the VM host tests (vm_*_test.c, pmap_*_test.c,
 * fault_timeline_test.c): one-time pmap setup with a fake kernel PML4, leak
 * snapshots, counters, the VM switches' defaults, user accesses made the
 * way a CPU would make them (software MMU walk, fault, retry) through
 * vm_copyin()/vm_copyout(), and physical memory taken or fragmented on
 * purpose.
 */
#ifndef TESTS_HOST_VM_TESTLIB_H
#define TESTS_HOST_VM_TESTLIB_H

#include "kernel/types.h"

struct vm_map;

/* What a test must give back: free pages, live objects, shm segments. */
struct vmt_snap {
	size_t free_pages;
	size_t objects;
	size_t segments;
};

/* One map's counters, and the whole system's (vm_stat_map/vm_stat_global). */
struct vmstat vmt_map_stat(struct vm_map *map);
struct vmstat vmt_global_stat(void);

/* Resets every VM switch to its boot default (each test starts from them). */
void vmt_defaults(void);

/* Bootstraps the pmap once (fake kernel PML4) and takes a snapshot. */
void vmt_begin(struct vmt_snap *s);

/*
 * True when the counts are back to the snapshot and pmap_verify() is clean;
 * otherwise prints what differs.
 */
bool vmt_clean(const struct vmt_snap *s);

/* A user store/load of one 64-bit word: 0, -EFAULT or -ENOMEM. */
int vmt_write(struct vm_map *map, vaddr_t va, uint64_t value);
int vmt_read(struct vm_map *map, vaddr_t va, uint64_t *value);

/* Fills [va, va + len) with one word per page: value + page number. */
int vmt_fill(struct vm_map *map, vaddr_t va, uint64_t len, uint64_t value);

/* Reads one word of every page of [va, va + len). */
int vmt_touch(struct vm_map *map, vaddr_t va, uint64_t len);

/* Checks the pattern written by vmt_fill(); 0 when every page matches. */
int vmt_check(struct vm_map *map, vaddr_t va, uint64_t len, uint64_t value);

/*
 * Fragmentation on purpose: vmt_fragment() takes every free 2 MiB block,
 * gives `blocks` of them back and breaks each by keeping one 4 KiB page
 * of it, so that no whole 2 MiB block is free while about blocks x 511
 * pages are. vmt_unfragment() gives everything back.
 */
#define VMT_FRAG_MAX 64
struct vmt_frag {
	paddr_t large;                      /* chain of the large pages held */
	int nkept;
	struct vm_page *kept[VMT_FRAG_MAX]; /* one 4 KiB page per broken block */
};
void vmt_fragment(struct vmt_frag *f, int blocks);
void vmt_unfragment(struct vmt_frag *f);

/*
 * A stack of pages kept in the pages themselves (the first word of each
 * holds the physical address of the next; 0 ends it), so that a test can
 * hold every free page without memory of its own. Pop gives NULL when empty.
 */
void vmt_chain_push(paddr_t *chain, struct vm_page *pg);
struct vm_page *vmt_chain_pop(paddr_t *chain);

#endif
