/*
 * SysV shared memory on VM objects: a table of at most SHMMNI segments,
 * each holding one reference to its object. Attaching maps the object
 * shared (mm/vm_map.h); the number of attachments (nattch) is counted from
 * the object's mapping list (each piece of a split attachment apart, as on
 * Linux), so fork, exit and partial unmaps keep it right without any
 * bookkeeping here. IPC_RMID frees the key and the table slot at
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
 * SHM_HUGETLB (ignored for an existing key; the segment then takes whole
 * 2 MiB pages, and shmat maps them all, while shm_segsz stays `size`, as
 * on Linux); `pid` is recorded as the creator. -ENOENT (no such key, no
 * IPC_CREAT), -EEXIST (IPC_CREAT and IPC_EXCL on an existing key), -EINVAL
 * (size 0 or above SHMMAX on creation, or larger than the existing
 * segment; SHM_HUGETLB with vm.largepages 0), -ENOSPC (SHMMNI segments
 * exist), -ENOMEM (also: not enough free 2 MiB blocks).
 */
int shm_get(int key, uint64_t size, int flags, int pid);

/*
 * shmat: maps segment shmid into map at `addr` (page aligned; rounded down
 * with SHM_RND; 2 MiB aligned for a SHM_HUGETLB segment) or, when addr is
 * 0, where the kernel chooses: read-only with SHM_RDONLY, executable with
 * SHM_EXEC, over whatever is mapped there with SHM_REMAP (which needs an
 * address), else only where nothing is. Other flag bits are ignored, as on
 * Linux. A removed segment (IPC_RMID) may still be attached until its last
 * detach, as on Linux. The address of an attachment is its handle for
 * shmdt, so no two live attachments of a map share one (see
 * vm_map_shm_attach). `pid` is recorded as the last user. Returns 0 and
 * the address in *out; -EINVAL (bad id or address), -ENOMEM.
 */
int shm_at(struct vm_map *map, int shmid, vaddr_t addr, int flags, int pid, vaddr_t *out);

/* shmdt: removes the attachment at addr (by pid). -EINVAL if there is none. */
int shm_dt(struct vm_map *map, vaddr_t addr, int pid);

/*
 * shmctl (cmd may carry IPC_64): IPC_STAT fills *buf (struct shmid_ds,
 * Linux's layout); SHM_STAT and SHM_STAT_ANY do so for the segment at
 * table index `shmid` and return its id; IPC_SET takes the owner and the
 * permission bits from *buf; SHM_LOCK and SHM_UNLOCK set a flag (pages are
 * always resident); IPC_RMID removes the segment: its key is free at once,
 * its id and memory stay until the last detach (shm_perm.mode shows
 * SHM_DEST meanwhile). -EINVAL for a bad id or command, -EFAULT for a
 * missing buffer.
 */
int shm_ctl(int shmid, int cmd, struct shmid_ds *buf);

/*
 * shmctl IPC_INFO (fills *limits) and SHM_INFO (fills *usage): returns the
 * highest table index in use.
 */
int shm_info(int cmd, struct shminfo *limits, struct shm_info *usage);

/*
 * Frees the removed segments (IPC_RMID) that nobody attaches any more.
 * nattch is counted from the objects' mappings, so the VM code, which
 * ends attachments (shmdt, munmap, mmap over one, exec, exit), never has
 * to tell this table; instead the kernel calls this after each of those
 * operations, so a removed segment's memory goes with its last attachment
 * as on Linux. Every entry to the table (shmget, shmctl, ...) does it too.
 */
void shm_reap(void);

/*
 * Seconds since 1970 for the segments' times. Provided by the kernel
 * (kernel/sys_vm.c) and by the host tests (tests/host/fake.c).
 */
int64_t shm_clock_seconds(void);

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
