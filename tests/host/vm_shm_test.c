/*
 * SysV shared memory on VM objects (issue 4): every error code, the
 * criss-cross test, SHM_RDONLY, nattch across fork and exit, IPC_RMID with
 * attached maps, physical and anonymous segments, mmap of a segment (shm_map).
 */
#include "ipc/shm/shm.h"
#include "kernel/ktest.h"
#include "mm/page.h"
#include "mm/vm_map.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "tests/host/vm_testlib.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define KEY 0x5eed
#define SEG_BYTES MIB(4)

static int nattch(int id)
{
	struct shmid_ds ds;

	return shm_ctl(id, IPC_STAT, &ds) == 0 ? (int)ds.shm_nattch : -1;
}

KTEST(vm_shm, shmget_error_codes)
{
	struct vmt_snap s;
	int id, ids[SHMMNI];
	int n = 0;

	vmt_begin(&s);
	KT_ASSERT_EQ(-ENOENT, shm_get(KEY, PAGE_SIZE, 0, 1));
	KT_ASSERT_EQ(-EINVAL, shm_get(KEY, 0, IPC_CREAT, 1));
	KT_ASSERT_EQ(-EINVAL, shm_get(KEY, SHMMAX + 1, IPC_CREAT, 1));
	id = shm_get(KEY, 2 * PAGE_SIZE, IPC_CREAT | 0600, 1);
	KT_ASSERT(id >= 0);
	KT_ASSERT_EQ(id, shm_get(KEY, PAGE_SIZE, 0, 2));
	KT_ASSERT_EQ(id, shm_get(KEY, 2 * PAGE_SIZE, IPC_CREAT, 2));
	KT_ASSERT_EQ(-EINVAL, shm_get(KEY, 3 * PAGE_SIZE, 0, 2));
	KT_ASSERT_EQ(-EEXIST, shm_get(KEY, PAGE_SIZE, IPC_CREAT | IPC_EXCL, 2));
	KT_ASSERT_EQ(-EINVAL, shm_ctl(id + 1, IPC_STAT, &(struct shmid_ds){ 0 }));
	KT_ASSERT_EQ(-EINVAL, shm_ctl(id, 77, NULL));
	KT_ASSERT_EQ(-EFAULT, shm_ctl(id, IPC_STAT, NULL));
	while (n < SHMMNI) {
		ids[n] = shm_get(IPC_PRIVATE, PAGE_SIZE, 0, 1);
		if (ids[n] < 0)
			break;
		n++;
	}
	KT_ASSERT_EQ(SHMMNI - 1, n);
	KT_ASSERT_EQ(-ENOSPC, ids[n]);
	for (int i = 0; i < n; i++)
		KT_ASSERT_EQ(0, shm_ctl(ids[i], IPC_RMID, NULL));
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT_EQ(-EINVAL, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT_EQ(-ENOENT, shm_get(KEY, PAGE_SIZE, 0, 1));
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shm, criss_cross_between_two_maps)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	vaddr_t va, vb;
	int id;

	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	id = shm_get(KEY, SEG_BYTES, IPC_CREAT | 0600, 1);
	KT_ASSERT(id >= 0);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, va % SEG_SIZE);
	KT_ASSERT_EQ(0, shm_at(b, shm_get(KEY, 0, 0, 2), 0, 0, 1, &vb));
	KT_ASSERT_EQ(0, vmt_fill(a, va, SEG_BYTES, 1000));
	KT_ASSERT_EQ(0, vmt_check(b, vb, SEG_BYTES, 1000));
	KT_ASSERT_EQ(0, vmt_fill(b, vb, SEG_BYTES, 2000));
	KT_ASSERT_EQ(0, vmt_check(a, va, SEG_BYTES, 2000));
	KT_ASSERT_EQ(2, nattch(id));
	KT_ASSERT_EQ(0, shm_dt(a, va, 1));
	KT_ASSERT_EQ(-EINVAL, shm_dt(a, va, 1));
	KT_ASSERT_EQ(1, nattch(id));
	vm_map_destroy(a);
	vm_map_destroy(b);
	KT_ASSERT_EQ(0, nattch(id));
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shm, readonly_attach_refuses_writes)
{
	struct vmt_snap s;
	struct vm_map *rw, *ro;
	vaddr_t va, vr;
	int id;

	vmt_begin(&s);
	rw = vm_map_create();
	ro = vm_map_create();
	id = shm_get(IPC_PRIVATE, SEG_BYTES, 0, 1);
	KT_ASSERT_EQ(0, shm_at(rw, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, shm_at(ro, id, 0, SHM_RDONLY, 1, &vr));
	KT_ASSERT_EQ(0, vmt_fill(rw, va, SEG_BYTES, 5));
	KT_ASSERT_EQ(0, vmt_check(ro, vr, SEG_BYTES, 5));
	KT_ASSERT_EQ(-EFAULT, vmt_write(ro, vr + PAGE_SIZE, 1));
	KT_ASSERT_EQ(-EACCES, vm_mprotect(ro, vr, PAGE_SIZE, PROT_READ | PROT_WRITE));
	KT_ASSERT_EQ(0, vmt_write(rw, va + PAGE_SIZE, 1));
	KT_ASSERT_EQ(-EINVAL, shm_at(ro, id, 0, SHM_REMAP, 1, &vr));   /* REMAP needs an address */
	vm_map_destroy(rw);
	vm_map_destroy(ro);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shm, attach_at_a_given_address)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;
	int id;

	vmt_begin(&s);
	m = vm_map_create();
	id = shm_get(IPC_PRIVATE, SEG_BYTES, 0, 1);
	KT_ASSERT_EQ(-EINVAL, shm_at(m, id, 0x40000001, 0, 1, &va));
	KT_ASSERT_EQ(-ENOMEM, shm_at(m, id, USER_TOP - PAGE_SIZE, 0, 1, &va));
	KT_ASSERT_EQ(-EINVAL, shm_at(m, id, (vaddr_t)-PAGE_SIZE, 0, 1, &va));   /* wraps */
	KT_ASSERT_EQ(-EINVAL, shm_at(m, id + 1, 0x40000000, 0, 1, &va));
	KT_ASSERT_EQ(0, shm_at(m, id, 0x40000000, 0, 1, &va));
	KT_ASSERT_EQ(0x40000000, va);
	KT_ASSERT_EQ(-EINVAL, shm_at(m, id, 0x40000000 + PAGE_SIZE, 0, 1, &va));
	KT_ASSERT_EQ(1, nattch(id));
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shm, nattch_follows_fork_exit_and_split)
{
	struct vmt_snap s;
	struct vm_map *parent, *child;
	struct shmid_ds ds;
	vaddr_t va;
	int id;

	vmt_begin(&s);
	parent = vm_map_create();
	id = shm_get(KEY, SEG_BYTES, IPC_CREAT | 0640, 42);
	KT_ASSERT_EQ(0, shm_at(parent, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vm_munmap(parent, va + PAGE_SIZE, PAGE_SIZE));   /* two pieces */
	KT_ASSERT_EQ(2, nattch(id));                                     /* as on Linux */
	child = vm_map_fork(parent);
	KT_ASSERT_EQ(4, nattch(id));
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_STAT, &ds));
	KT_ASSERT_EQ(SEG_BYTES, ds.shm_segsz);
	KT_ASSERT_EQ(42, ds.shm_cpid);
	KT_ASSERT_EQ(KEY, ds.shm_perm.key);
	KT_ASSERT_EQ(0640, ds.shm_perm.mode);
	vm_map_destroy(child);
	KT_ASSERT_EQ(2, nattch(id));
	KT_ASSERT_EQ(0, shm_dt(parent, va, 1));                          /* both pieces */
	KT_ASSERT_EQ(0, nattch(id));
	vm_map_destroy(parent);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shm, rmid_while_attached_frees_at_last_detach)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	struct shmid_ds ds;
	vaddr_t va, vb, vc;
	size_t objects;
	int id;

	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	id = shm_get(KEY, SEG_BYTES, IPC_CREAT, 1);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, shm_at(b, id, 0, 0, 1, &vb));
	objects = vm_object_count();
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT_EQ(-ENOENT, shm_get(KEY, PAGE_SIZE, 0, 1));        /* key freed at once */
	/* As on Linux, the id lives on, marked, and may still be attached. */
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_STAT, &ds));
	KT_ASSERT(ds.shm_perm.mode & SHM_DEST);
	KT_ASSERT_EQ(IPC_PRIVATE, ds.shm_perm.key);
	KT_ASSERT_EQ(2, ds.shm_nattch);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, SHM_RDONLY, 1, &vc));
	KT_ASSERT_EQ(0, shm_dt(a, vc, 1));
	KT_ASSERT_EQ(objects, vm_object_count());                    /* memory still there */
	KT_ASSERT_EQ(0, vmt_write(a, va, 77));
	KT_ASSERT_EQ(0, vmt_check(b, vb, PAGE_SIZE, 77));
	KT_ASSERT_EQ(0, shm_dt(a, va, 1));
	KT_ASSERT_EQ(objects, vm_object_count());
	vm_map_destroy(b);                                           /* exits while attached */
	KT_ASSERT_EQ(0, shm_count() - s.segments);                   /* gone with the last one */
	KT_ASSERT_EQ(objects - 1, vm_object_count());
	KT_ASSERT_EQ(-EINVAL, shm_ctl(id, IPC_STAT, &ds));
	vm_map_destroy(a);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shm, physical_segments_are_wired_at_creation)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;
	int id;

	vmt_begin(&s);
	m = vm_map_create();
	id = shm_get(IPC_PRIVATE, SEG_BYTES, 0, 1);
	KT_ASSERT(s.free_pages - page_free_count() >= SEG_BYTES / PAGE_SIZE);
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_check(m, va, PAGE_SIZE, 0));
	KT_ASSERT_EQ(0, vmt_map_stat(m).faults_zero);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shm, anonymous_segments_fill_on_demand)
{
	struct vmt_snap s;
	struct vm_map *m;
	vaddr_t va;
	int id;

	vmt_begin(&s);
	shm_use_phys = 0;
	m = vm_map_create();
	id = shm_get(IPC_PRIVATE, SEG_BYTES, 0, 1);
	shm_use_phys = 1;
	KT_ASSERT(s.free_pages - page_free_count() < 8);
	KT_ASSERT_EQ(0, shm_at(m, id, 0, 0, 1, &va));
	KT_ASSERT_EQ(0, vmt_fill(m, va, 4 * PAGE_SIZE, 3));
	KT_ASSERT_EQ(4, vmt_map_stat(m).faults_zero);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shm, physical_segment_out_of_memory_leaks_nothing)
{
	struct vmt_snap s;
	int id;

	vmt_begin(&s);
	for (long n = 0; n < 512; n += 37) {
		page_fail_after(n);
		KT_ASSERT_EQ(-ENOMEM, shm_get(KEY, MIB(2), IPC_CREAT, 1));
		page_fail_after(-1);
		KT_ASSERT(vmt_clean(&s));
	}
	id = shm_get(KEY, MIB(2), IPC_CREAT, 1);
	KT_ASSERT(id >= 0);
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_shm, mmap_of_a_segment_shares_its_pages)
{
	struct vmt_snap s;
	struct vm_map *a, *b;
	struct vm_object *obj;
	vaddr_t va, vb;
	int id;

	vmt_begin(&s);
	a = vm_map_create();
	b = vm_map_create();
	id = shm_get(IPC_PRIVATE, SEG_BYTES, 0, 1);
	KT_ASSERT_EQ(0, shm_at(a, id, 0, 0, 1, &va));
	obj = shm_object(id);
	KT_ASSERT(obj != NULL);
	KT_ASSERT(shm_object(id + SHMMNI) == NULL);
	KT_ASSERT_EQ(0, vm_mmap(b, 0, MIB(2), PROT_READ | PROT_WRITE, MAP_SHARED,
	                        obj, MIB(2), &vb));
	vm_object_release(obj);
	KT_ASSERT_EQ(0, vb % SEG_SIZE);
	KT_ASSERT_EQ(0, vmt_fill(a, va, SEG_BYTES, 9));
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(2), 9 + 512));
	KT_ASSERT_EQ(1, nattch(id));      /* an mmap is not an attachment */
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	vm_map_destroy(a);
	KT_ASSERT_EQ(0, vmt_check(b, vb, MIB(2), 9 + 512));
	vm_map_destroy(b);
	KT_ASSERT(vmt_clean(&s));
}
