/*
 * The Linux structure layouts of uapi/ against the C library's own
 * definitions (glibc's, on the build machine): the same sizes and field
 * offsets, so that a program built against any libc reads what this kernel
 * writes. uapi/ cannot be included beside the libc headers (the names
 * clash), so the numbers here are those uapi/'s _Static_asserts fix. The
 * checks are made when `make check` compiles this file.
 */
#include <stddef.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

/* Each line: libc's layout equals the one uapi/ asserts. */
_Static_assert(sizeof(struct shmid_ds) == 112, "uapi/shm.h: struct shmid_ds");
_Static_assert(offsetof(struct shmid_ds, shm_segsz) == 48, "uapi/shm.h: shm_segsz");
_Static_assert(offsetof(struct shmid_ds, shm_cpid) == 80, "uapi/shm.h: shm_cpid");
_Static_assert(offsetof(struct shmid_ds, shm_nattch) == 88, "uapi/shm.h: shm_nattch");
_Static_assert(sizeof(struct ipc_perm) == 48, "uapi/shm.h: struct ipc_perm");
_Static_assert(offsetof(struct ipc_perm, mode) == 20, "uapi/shm.h: mode");
_Static_assert(sizeof(struct rusage) == 144, "uapi/linux_types.h: struct rusage");
_Static_assert(offsetof(struct rusage, ru_minflt) == 64, "uapi/linux_types.h: ru_minflt");
_Static_assert(sizeof(struct tms) == 32, "uapi/linux_types.h: struct tms");
_Static_assert(sizeof(struct timespec) == 16, "uapi/linux_types.h: struct timespec");
_Static_assert(sizeof(struct utsname) == 390, "uapi/linux_types.h: struct utsname");
_Static_assert(sizeof(struct iovec) == 16, "uapi/linux_types.h: struct iovec");
_Static_assert(sizeof(struct stat) == 144, "uapi/linux_types.h: struct stat");
_Static_assert(offsetof(struct stat, st_mode) == 24, "uapi/linux_types.h: st_mode");
_Static_assert(offsetof(struct stat, st_size) == 48, "uapi/linux_types.h: st_size");
