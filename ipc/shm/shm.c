/* SysV shared memory (see shm.h). */
#include "ipc/shm/shm.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "mm/vm_map.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"

#define SHM_MODE_MASK 0777
#define SHM_SEQ_MAX   (0x7fffffff / SHMMNI)

struct shm_segment {
	bool used;
	bool dest;                 /* IPC_RMID done: freed at the last detach */
	int key;                   /* IPC_PRIVATE: never found by key (also once removed) */
	int seq;                   /* bumped at each reuse: shmid = seq * SHMMNI + slot */
	uint64_t size;             /* bytes asked for at creation */
	int cpid, lpid;            /* creator; last shmat or shmdt */
	uint32_t uid, gid, mode;   /* owner and permissions (IPC_SET) */
	bool locked;               /* SHM_LOCK (every page stays resident anyway) */
	int64_t atime, dtime, ctime;
	struct vm_object *obj;     /* one reference */
};

static struct spinlock shm_lock = SPINLOCK_INIT("shm");
static struct shm_segment segs[SHMMNI];   /* (shm_lock) */
static size_t nsegs;                      /* (shm_lock) */

static int seg_id(const struct shm_segment *s)
{
	return s->seq * SHMMNI + (int)(s - segs);
}

/* Frees the key and slot of s and returns its object reference to drop. */
static struct vm_object *remove_locked(struct shm_segment *s)
{
	struct vm_object *obj = s->obj;

	s->used = false;
	s->dest = false;
	s->obj = NULL;
	s->seq = (s->seq + 1) % SHM_SEQ_MAX;
	nsegs--;
	return obj;
}

/*
 * Takes shm_lock, first freeing the removed segments nobody attaches any
 * more (see shm_reap). References are dropped outside the lock.
 */
static void lock_swept(void)
{
	struct vm_object *dead[8];
	int n;

	for (;;) {
		spin_lock(&shm_lock);
		n = 0;
		for (int i = 0; i < SHMMNI && n < (int)ARRAY_SIZE(dead); i++)
			if (segs[i].used && segs[i].dest && vm_object_nattch(segs[i].obj) == 0)
				dead[n++] = remove_locked(&segs[i]);
		if (n == 0)
			return;
		spin_unlock(&shm_lock);
		for (int i = 0; i < n; i++)
			vm_object_release(dead[i]);
	}
}

void shm_reap(void)
{
	lock_swept();
	spin_unlock(&shm_lock);
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

/* The live segment with this key (not IPC_PRIVATE, not removed), or NULL. */
static struct shm_segment *lookup_key_locked(int key)
{
	for (int i = 0; i < SHMMNI; i++)
		if (segs[i].used && !segs[i].dest && segs[i].key == key && key != IPC_PRIVATE)
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
	/* On 2 MiB pages the segment takes whole ones; shm_segsz stays size, as on Linux. */
	s->obj = vm_object_create_shared(shm_use_phys ? OBJ_PHYS : OBJ_ANON,
	                                 (flags & SHM_HUGETLB) ? ALIGN_UP(size, SEG_SIZE) : size,
	                                 flags & SHM_HUGETLB);
	if (!s->obj)
		return -ENOMEM;
	s->used = true;
	s->dest = false;
	s->key = key;
	s->size = size;
	s->cpid = pid;
	s->lpid = 0;
	s->uid = s->gid = 0;
	s->mode = flags & SHM_MODE_MASK;
	s->locked = false;
	s->atime = s->dtime = 0;
	s->ctime = shm_clock_seconds();
	nsegs++;
	return seg_id(s);
}

int shm_get(int key, uint64_t size, int flags, int pid)
{
	struct shm_segment *s;
	int r;

	lock_swept();
	s = lookup_key_locked(key);
	if (s && (flags & IPC_CREAT) && (flags & IPC_EXCL))
		r = -EEXIST;
	else if (s)
		r = size > s->size ? -EINVAL : seg_id(s);
	else if (key != IPC_PRIVATE && !(flags & IPC_CREAT))
		r = -ENOENT;
	else if (size == 0 || size > SHMMAX)
		r = -EINVAL;
	else if ((flags & SHM_HUGETLB) && vm_largepages == 0)
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

	lock_swept();
	s = lookup_id_locked(shmid);
	if (s) {
		obj = s->obj;
		vm_object_ref(obj);
	}
	spin_unlock(&shm_lock);
	return obj;
}

/* Records a shmat or shmdt of obj's segment by pid (lpid, atime or dtime). */
static void note_use(struct vm_object *obj, int pid, bool attach)
{
	spin_lock(&shm_lock);
	for (int i = 0; i < SHMMNI; i++) {
		if (!segs[i].used || segs[i].obj != obj)
			continue;
		segs[i].lpid = pid;
		if (attach)
			segs[i].atime = shm_clock_seconds();
		else
			segs[i].dtime = shm_clock_seconds();
	}
	spin_unlock(&shm_lock);
}

int shm_at(struct vm_map *map, int shmid, vaddr_t addr, int flags, int pid, vaddr_t *out)
{
	struct vm_object *obj;
	int err;

	if (flags & SHM_RND)
		addr = ALIGN_DOWN(addr, SHMLBA);
	if ((flags & SHM_REMAP) && !addr)
		return -EINVAL;
	obj = shm_object(shmid);
	if (!obj)
		return -EINVAL;
	err = vm_map_shm_attach(map, obj, addr, flags & SHM_RDONLY, flags & SHM_EXEC,
	                        flags & SHM_REMAP, out);
	if (err == 0)
		note_use(obj, pid, true);
	vm_object_release(obj);
	return err;
}

int shm_dt(struct vm_map *map, vaddr_t addr, int pid)
{
	struct vm_object *obj = NULL;
	int err = vm_map_shm_detach(map, addr, &obj);

	if (obj) {
		note_use(obj, pid, false);
		vm_object_release(obj);
		shm_reap();
	}
	return err;
}

/* Fills *buf from segment s. shm_lock held. */
static void stat_locked(const struct shm_segment *s, struct shmid_ds *buf)
{
	memset(buf, 0, sizeof(*buf));
	buf->shm_perm.key = s->dest ? IPC_PRIVATE : s->key;
	buf->shm_perm.uid = buf->shm_perm.cuid = s->uid;
	buf->shm_perm.gid = buf->shm_perm.cgid = s->gid;
	buf->shm_perm.mode = s->mode | (s->dest ? SHM_DEST : 0) | (s->locked ? SHM_LOCKED : 0);
	buf->shm_perm.seq = (uint16_t)s->seq;
	buf->shm_segsz = s->size;
	buf->shm_atime = s->atime;
	buf->shm_dtime = s->dtime;
	buf->shm_ctime = s->ctime;
	buf->shm_cpid = s->cpid;
	buf->shm_lpid = s->lpid;
	buf->shm_nattch = vm_object_nattch(s->obj);
}

int shm_ctl(int shmid, int cmd, struct shmid_ds *buf)
{
	struct vm_object *dead = NULL;
	struct shm_segment *s;
	int r = 0;

	cmd &= ~IPC_64;
	lock_swept();
	if (cmd == SHM_STAT || cmd == SHM_STAT_ANY)
		s = shmid >= 0 && shmid < SHMMNI && segs[shmid].used ? &segs[shmid] : NULL;
	else
		s = lookup_id_locked(shmid);
	if (!s) {
		r = -EINVAL;
	} else if ((cmd == IPC_STAT || cmd == SHM_STAT || cmd == SHM_STAT_ANY ||
	            cmd == IPC_SET) && !buf) {
		r = -EFAULT;
	} else if (cmd == IPC_STAT || cmd == SHM_STAT || cmd == SHM_STAT_ANY) {
		stat_locked(s, buf);
		if (cmd != IPC_STAT)
			r = seg_id(s);
	} else if (cmd == IPC_SET) {
		s->uid = buf->shm_perm.uid;
		s->gid = buf->shm_perm.gid;
		s->mode = buf->shm_perm.mode & SHM_MODE_MASK;
		s->ctime = shm_clock_seconds();
	} else if (cmd == SHM_LOCK || cmd == SHM_UNLOCK) {
		s->locked = cmd == SHM_LOCK;
	} else if (cmd == IPC_RMID) {
		s->dest = true;
		if (vm_object_nattch(s->obj) == 0)
			dead = remove_locked(s);
	} else {
		r = -EINVAL;
	}
	spin_unlock(&shm_lock);
	if (dead)
		vm_object_release(dead);
	return r;
}

int shm_info(int cmd, struct shminfo *limits, struct shm_info *usage)
{
	int highest = 0;

	lock_swept();
	for (int i = 0; i < SHMMNI; i++)
		if (segs[i].used)
			highest = i;
	if ((cmd & ~IPC_64) == IPC_INFO) {
		memset(limits, 0, sizeof(*limits));
		limits->shmmax = SHMMAX;
		limits->shmmin = 1;
		limits->shmmni = SHMMNI;
		limits->shmseg = SHMMNI;
		limits->shmall = SHMMAX / PAGE_SIZE * SHMMNI;
	} else {
		memset(usage, 0, sizeof(*usage));
		usage->used_ids = (int32_t)nsegs;
		for (int i = 0; i < SHMMNI; i++)
			if (segs[i].used)
				usage->shm_tot += ALIGN_UP(segs[i].size, PAGE_SIZE) / PAGE_SIZE;
		usage->shm_rss = usage->shm_tot;
	}
	spin_unlock(&shm_lock);
	return highest;
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

	lock_swept();
	n = nsegs;
	spin_unlock(&shm_lock);
	return n;
}
