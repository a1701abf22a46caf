/* SysV shared memory (see shm.h). */
#include "ipc/shm/shm.h"
#include "kernel/spinlock.h"
#include "mm/vm_map.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"

#define SHM_MODE_MASK 0777
#define SHM_SEQ_MAX   (0x7fffffff / SHMMNI)

struct shm_segment {
	bool used;
	int key;                   /* IPC_PRIVATE segments are never found by key */
	int seq;                   /* bumped at each reuse: shmid = seq * SHMMNI + slot */
	uint64_t size;             /* bytes asked for at creation */
	int cpid;
	int mode;
	struct vm_object *obj;     /* one reference */
};

static struct spinlock shm_lock = SPINLOCK_INIT("shm");
static struct shm_segment segs[SHMMNI];   /* (shm_lock) */
static size_t nsegs;                      /* (shm_lock) */

static int seg_id(const struct shm_segment *s)
{
	return s->seq * SHMMNI + (int)(s - segs);
}

/* The live segment with this id, or NULL. shm_lock held. */
static struct shm_segment *lookup_id_locked(int shmid)
{
	struct shm_segment *s;

	if (shmid < 0)
		return NULL;
	s = &segs[shmid % SHMMNI];
	return s->used && s->seq == shmid / SHMMNI ? s : NULL;
}

/* The live segment with this key (not IPC_PRIVATE), or NULL. shm_lock held. */
static struct shm_segment *lookup_key_locked(int key)
{
	for (int i = 0; i < SHMMNI; i++)
		if (segs[i].used && segs[i].key == key && key != IPC_PRIVATE)
			return &segs[i];
	return NULL;
}

/* Creates a segment in a free slot. Returns its id or -ENOSPC/-ENOMEM. shm_lock held. */
static int create_locked(int key, uint64_t size, int flags, int pid)
{
	struct shm_segment *s = NULL;

	for (int i = 0; i < SHMMNI && !s; i++)
		if (!segs[i].used)
			s = &segs[i];
	if (!s)
		return -ENOSPC;
	s->obj = vm_object_create_shared(shm_use_phys ? OBJ_PHYS : OBJ_ANON, size,
	                                 flags & SHM_HUGETLB);
	if (!s->obj)
		return -ENOMEM;
	s->used = true;
	s->key = key;
	s->size = size;
	s->cpid = pid;
	s->mode = flags & SHM_MODE_MASK;
	nsegs++;
	return seg_id(s);
}

int shm_get(int key, uint64_t size, int flags, int pid)
{
	struct shm_segment *s;
	int r;

	spin_lock(&shm_lock);
	s = lookup_key_locked(key);
	if (s && (flags & IPC_CREAT) && (flags & IPC_EXCL))
		r = -EEXIST;
	else if (s)
		r = size > s->size ? -EINVAL : seg_id(s);
	else if (key != IPC_PRIVATE && !(flags & IPC_CREAT))
		r = -ENOENT;
	else if (size == 0 || size > SHMMAX)
		r = -EINVAL;
	else if ((flags & SHM_HUGETLB) && (vm_largepages == 0 || !IS_ALIGNED(size, SEG_SIZE)))
		r = -EINVAL;
	else
		r = create_locked(key, size, flags, pid);
	spin_unlock(&shm_lock);
	return r;
}

struct vm_object *shm_object(int shmid)
{
	struct shm_segment *s;
	struct vm_object *obj = NULL;

	spin_lock(&shm_lock);
	s = lookup_id_locked(shmid);
	if (s) {
		obj = s->obj;
		vm_object_ref(obj);
	}
	spin_unlock(&shm_lock);
	return obj;
}

int shm_at(struct vm_map *map, int shmid, vaddr_t addr, int flags, vaddr_t *out)
{
	struct vm_object *obj;
	int err;

	if (flags & ~SHM_RDONLY)
		return -EINVAL;
	obj = shm_object(shmid);
	if (!obj)
		return -EINVAL;
	err = vm_map_shm_attach(map, obj, addr, flags & SHM_RDONLY, out);
	vm_object_release(obj);
	return err;
}

int shm_dt(struct vm_map *map, vaddr_t addr)
{
	return vm_map_shm_detach(map, addr);
}

/* Frees the key and slot of s and returns its object reference to drop. */
static struct vm_object *remove_locked(struct shm_segment *s)
{
	struct vm_object *obj = s->obj;

	s->used = false;
	s->obj = NULL;
	s->seq = (s->seq + 1) % SHM_SEQ_MAX;
	nsegs--;
	return obj;
}

int shm_ctl(int shmid, int cmd, struct shmid_ds *buf)
{
	struct vm_object *dead = NULL;
	struct shm_segment *s;
	int r = 0;

	spin_lock(&shm_lock);
	s = lookup_id_locked(shmid);
	if (!s || (cmd != IPC_STAT && cmd != IPC_RMID) || (cmd == IPC_STAT && !buf)) {
		r = -EINVAL;
	} else if (cmd == IPC_STAT) {
		buf->shm_segsz = s->size;
		buf->shm_nattch = vm_object_nattch(s->obj);
		buf->shm_cpid = s->cpid;
		buf->shm_key = s->key;
		buf->shm_perm = s->mode;
	} else {
		dead = remove_locked(s);
	}
	spin_unlock(&shm_lock);
	if (dead)
		vm_object_release(dead);
	return r;
}

int shm_dump(int shmid, char *buf, size_t len)
{
	struct vm_object *obj = shm_object(shmid);
	int n;

	if (!obj)
		return -EINVAL;
	n = vm_object_dump(obj, buf, len);
	vm_object_release(obj);
	return n;
}

size_t shm_count(void)
{
	size_t n;

	spin_lock(&shm_lock);
	n = nsegs;
	spin_unlock(&shm_lock);
	return n;
}
