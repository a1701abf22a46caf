/*
 * SysV shared memory on VM objects: a table of at most SHMMNI segments,
 * each holding one reference to its object. Attaching maps the object
 * shared (mm/vm_map.h); the number of attachments (nattch) is counted from
 * the object's mapping list, so fork, exit and partial unmaps keep it right
 * without any bookkeeping here. IPC_RMID frees the key and the table slot at
 * once; the object (the memory) lives until its last mapping goes.
 *
 * Segments are physical objects (all pages wired at creation) when
 * kern.ipc.shm_use_phys (mm/vm_tunables.h) is 1, anonymous otherwise.
 * SHM_HUGETLB segments are physical objects on 2 MiB pages, allocated at
 * creation, whatever shm_use_phys says; with vm.largepages = 2 every
 * segment of at least 2 MiB uses 2 MiB pages where it can (see
 * mm/vmobject/vm_object.h).
 *
 * Return convention: a value >= 0 or a negative -E code (uapi/errno.h).
 * Lock: shm_lock (internal) protects the table; taken before object locks,
 * never held across calls into vm_map.
 */
#ifndef IPC_SHM_SHM_H
#define IPC_SHM_SHM_H

#include "kernel/types.h"
#include "uapi/shm.h"

struct vm_map;
struct vm_object;

#define SHMMAX GIB(4)   /* largest segment, bytes */
#define SHMMNI 128      /* most segments at once */

/*
 * shmget: the id of the segment with `key`, creating one of `size` bytes
 * when IPC_CREAT is set (always for IPC_PRIVATE), on 2 MiB pages with
 * SHM_HUGETLB (ignored for an existing key); `pid` is recorded as the
 * creator. -ENOENT (no such key, no IPC_CREAT), -EEXIST (IPC_CREAT and
 * IPC_EXCL on an existing key), -EINVAL (size 0 or above SHMMAX on
 * creation, or larger than the existing segment; SHM_HUGETLB with a size
 * that is not a multiple of 2 MiB or with vm.largepages 0), -ENOSPC (SHMMNI
 * segments exist), -ENOMEM (also: not enough free 2 MiB blocks).
 */
int shm_get(int key, uint64_t size, int flags, int pid);

/*
 * shmat: maps segment shmid into map at `addr` (page aligned and free;
 * 2 MiB aligned for a SHM_HUGETLB segment) or, when addr is 0, where the
 * kernel chooses; read-only with SHM_RDONLY. The address of an attachment
 * is its handle for shmdt, so no two live attachments of a map share one
 * (see vm_map_shm_attach). Returns 0 and the address in *out; -EINVAL (bad
 * id, flags or address), -ENOMEM.
 */
int shm_at(struct vm_map *map, int shmid, vaddr_t addr, int flags, vaddr_t *out);

/* shmdt: removes the attachment at addr. -EINVAL if there is none. */
int shm_dt(struct vm_map *map, vaddr_t addr);

/*
 * shmctl: IPC_STAT fills *buf (size, nattch, creator pid, key, mode);
 * IPC_RMID removes the segment (memory freed at the last detach).
 * -EINVAL for a bad id or command.
 */
int shm_ctl(int shmid, int cmd, struct shmid_ds *buf);

/*
 * The object of segment shmid with a new reference the caller releases
 * (vm_object_release), for shm_map (mmap of part of a segment); NULL for
 * a bad id.
 */
struct vm_object *shm_object(int shmid);

/*
 * `ptdump -o SHMID`: the text of the segment's page-table tree with link
 * counts, like snprintf (returns the length needed). -EINVAL for a bad id.
 */
int shm_dump(int shmid, char *buf, size_t len);

/* Segments in the table (for leak checks and vmstat). */
size_t shm_count(void);

#endif
