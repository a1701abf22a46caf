/* SysV shared memory ABI. */
#ifndef UAPI_SHM_H
#define UAPI_SHM_H

#include <stdint.h>

#define IPC_PRIVATE 0
#define IPC_CREAT   01000
#define IPC_EXCL    02000
#define IPC_RMID    0
#define IPC_STAT    2
#define SHM_RDONLY  010000
/*
 * shmget: back the new segment with 2 MiB pages, allocated and wired at
 * creation (the size must be a multiple of 2 MiB: else -EINVAL; -EINVAL as
 * well when vm.largepages is 0; -ENOMEM when not enough 2 MiB blocks are
 * free). shmat of such a segment at a given address needs a 2 MiB-aligned
 * one (-EINVAL otherwise).
 */
#define SHM_HUGETLB 04000

struct shmid_ds {
	uint64_t shm_segsz;   /* size in bytes */
	int32_t  shm_nattch;  /* current attaches */
	int32_t  shm_cpid;    /* creator pid */
	int32_t  shm_key;
	int32_t  shm_perm;    /* low 9 bits of the shmget flags */
};

#endif
