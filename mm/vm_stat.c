/*
 * VM counters (uapi/vmstat.h), global and per address space: fault counts
 * from vm_fault.c, page-table, PV and TLB counts from the pmap, memory and
 * object counts from their owners.
 */
#include "ipc/shm/shm.h"
#include "kernel/string.h"
#include "mm/page.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map_impl.h"
#include "mm/vmobject/vm_object.h"

/* Copies the fault counters of src into st. */
static void copy_faults(struct vmstat *st, const struct vmstat *src)
{
	st->faults = __atomic_load_n(&src->faults, __ATOMIC_RELAXED);
	st->faults_private = __atomic_load_n(&src->faults_private, __ATOMIC_RELAXED);
	st->faults_object = __atomic_load_n(&src->faults_object, __ATOMIC_RELAXED);
	st->faults_link = __atomic_load_n(&src->faults_link, __ATOMIC_RELAXED);
	st->faults_cow = __atomic_load_n(&src->faults_cow, __ATOMIC_RELAXED);
	st->faults_zero = __atomic_load_n(&src->faults_zero, __ATOMIC_RELAXED);
	st->faults_large = __atomic_load_n(&src->faults_large, __ATOMIC_RELAXED);
	st->faults_split = __atomic_load_n(&src->faults_split, __ATOMIC_RELAXED);
	st->faults_spurious = __atomic_load_n(&src->faults_spurious, __ATOMIC_RELAXED);
}

void vm_stat_global(struct vmstat *st)
{
	memset(st, 0, sizeof(*st));
	copy_faults(st, &vm_fault_gstat);
	pmap_stat(NULL, st);
	st->free_pages = page_free_count();
	st->total_pages = page_total_count();
	st->large_free = page_large_free_count();
	st->large_pages = page_large_used_count();
	st->large_reserve = page_large_reserved();
	st->vm_objects = vm_object_count();
	st->shm_segments = shm_count();
}

void vm_stat_map(struct vm_map *map, struct vmstat *st)
{
	memset(st, 0, sizeof(*st));
	spin_lock(&map->lock);
	copy_faults(st, &map->stat);
	spin_unlock(&map->lock);
	pmap_stat(map->pmap, st);
}
