/*
 * Internals shared by vm_map.c, vm_mmap.c, vm_fault.c and vm_copy.c (never
 * included from outside mm/): entry list primitives and fault counters.
 * Every *_locked function expects map->lock held.
 */
#ifndef MM_VM_MAP_IMPL_H
#define MM_VM_MAP_IMPL_H

#include "mm/vm_map.h"

/*
 * Preallocated entries, so that an operation can allocate everything before
 * it changes anything (validate, reserve, then perform without failing).
 */
#define ENTRY_RESERVE_MAX 3
struct entry_reserve {
	int n;
	struct vm_map_entry *e[ENTRY_RESERVE_MAX];
};

int reserve_fill(struct entry_reserve *r, int n);
struct vm_map_entry *reserve_take(struct entry_reserve *r);
void reserve_release(struct entry_reserve *r);

struct vm_map_entry *map_lookup_locked(struct vm_map *map, vaddr_t va);
void map_insert_locked(struct vm_map *map, struct vm_map_entry *e);
void map_remove_entry_locked(struct vm_map *map, struct vm_map_entry *e);
void map_clip_locked(struct vm_map *map, vaddr_t start, vaddr_t end, struct entry_reserve *r);
void map_merge_around_locked(struct vm_map *map, vaddr_t start, vaddr_t end);
void map_remove_range_locked(struct vm_map *map, vaddr_t start, vaddr_t end,
                             struct entry_reserve *r);
int map_count_after_locked(struct vm_map *map, vaddr_t start, vaddr_t end);
bool map_range_free_locked(struct vm_map *map, vaddr_t start, vaddr_t end);

int vm_fault_locked(struct vm_map *map, vaddr_t va, int access);

struct pmap_segment;
bool segment_eligible(const struct vm_map_entry *e, vaddr_t va, uint64_t size);
bool segment_for(const struct vm_map_entry *e, vaddr_t va, struct pmap_segment *s);
void map_prelink_locked(struct vm_map *map, vaddr_t start, vaddr_t end);
void vm_map_foreach(void (*fn)(struct vm_map *map, void *arg), void *arg);

/* System-wide fault counters (atomic adds; read by vm_stat_global). */
extern struct vmstat vm_fault_gstat;

#endif
