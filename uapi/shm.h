/*
 * SysV shared memory ABI, with Linux's x86-64 values and layouts (the
 * kernel's struct shmid64_ds, which is libc's struct shmid_ds on x86-64).
 */
#ifndef UAPI_SHM_H
#define UAPI_SHM_H

#include <stdint.h>

#define IPC_PRIVATE 0
#define IPC_CREAT   01000
#define IPC_EXCL    02000
#define IPC_RMID    0
#define IPC_SET     1
#define IPC_STAT    2
#define IPC_INFO    3
#define IPC_64      0x100       /* in shmctl's cmd: ignored, every layout is the 64-bit one */
#define SHM_LOCK    11
#define SHM_UNLOCK  12
#define SHM_STAT    13          /* shmctl: the argument is a table index */
#define SHM_INFO    14
#define SHM_STAT_ANY 15

#define SHM_RDONLY  010000      /* shmat: read-only */
#define SHM_RND     020000      /* shmat: round the address down to SHMLBA */
#define SHM_REMAP   040000      /* shmat: replace what is mapped at the address */
#define SHM_EXEC    0100000     /* shmat: executable */
#define SHMLBA      4096

/* shm_perm.mode bits above the permissions */
#define SHM_DEST    01000       /* removed (IPC_RMID), freed at the last detach */
#define SHM_LOCKED  02000       /* SHM_LOCK */

/*
 * shmget: back the new segment with 2 MiB pages, allocated and wired at
 * creation (the size rounded up to whole ones, as on Linux; -EINVAL when
 * vm.largepages is 0; -ENOMEM when not enough 2 MiB blocks are free).
 * shmat of such a segment at a given address needs a 2 MiB-aligned one
 * (-EINVAL otherwise).
 */
#define SHM_HUGETLB 04000

struct ipc_perm {
	int32_t  key;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode;          /* permissions (low 9 bits), SHM_DEST, SHM_LOCKED */
	uint16_t seq;
	uint16_t pad;
	uint64_t unused1, unused2;
};

struct shmid_ds {
	struct ipc_perm shm_perm;
	uint64_t shm_segsz;     /* size in bytes */
	int64_t  shm_atime;     /* last shmat, seconds since 1970 */
	int64_t  shm_dtime;     /* last shmdt */
	int64_t  shm_ctime;     /* creation or last IPC_SET */
	int32_t  shm_cpid;      /* creator */
	int32_t  shm_lpid;      /* last shmat or shmdt */
	uint64_t shm_nattch;    /* current attachments */
	uint64_t unused4, unused5;
};

/* shmctl(IPC_INFO): the limits. */
struct shminfo {
	uint64_t shmmax, shmmin, shmmni, shmseg, shmall;
	uint64_t unused[4];
};

/* shmctl(SHM_INFO): what is in use. */
struct shm_info {
	int32_t  used_ids;
	uint64_t shm_tot;       /* pages of all segments */
	uint64_t shm_rss;       /* resident pages */
	uint64_t shm_swp, swap_attempts, swap_successes;
};

_Static_assert(sizeof(struct ipc_perm) == 48, "struct ipc64_perm");
_Static_assert(__builtin_offsetof(struct ipc_perm, mode) == 20, "ipc_perm.mode");
_Static_assert(sizeof(struct shmid_ds) == 112, "struct shmid64_ds");
_Static_assert(__builtin_offsetof(struct shmid_ds, shm_segsz) == 48, "shm_segsz");
_Static_assert(__builtin_offsetof(struct shmid_ds, shm_cpid) == 80, "shm_cpid");
_Static_assert(__builtin_offsetof(struct shmid_ds, shm_nattch) == 88, "shm_nattch");
_Static_assert(sizeof(struct shminfo) == 72, "struct shminfo64");
_Static_assert(sizeof(struct shm_info) == 48, "struct shm_info");

#endif
