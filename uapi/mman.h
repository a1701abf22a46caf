/* mmap() protections and flags. */
#ifndef UAPI_MMAN_H
#define UAPI_MMAN_H

#define PROT_NONE  0x0
#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define PROT_EXEC  0x4
#define PROT_SEM   0x8          /* accepted, no effect (as on x86 Linux) */
/* mprotect only: extend the change to the start (end) of a growing mapping */
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP   0x02000000

#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_TYPE      0x0f      /* exactly MAP_SHARED or MAP_PRIVATE */
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20
#define MAP_32BIT     0x40      /* refused (-EINVAL): nothing is placed below 2 GiB */
#define MAP_GROWSDOWN 0x0100    /* refused (-EINVAL): no mapping grows here */
/*
 * With MAP_SHARED | MAP_ANONYMOUS only: new memory on 2 MiB pages, allocated
 * and wired at once, len rounded up to whole ones (as on Linux). -EINVAL
 * when a MAP_FIXED address is not a multiple of 2 MiB, with any other
 * combination of flags, a page size other than 2 MiB in the MAP_HUGE_*
 * field, or when vm.largepages is 0; -ENOMEM when not enough 2 MiB blocks
 * are free.
 */
#define MAP_HUGETLB   0x40000
#define MAP_HUGE_SHIFT 26       /* with MAP_HUGETLB: log2 of the page size (0: 2 MiB) */
#define MAP_HUGE_MASK  0x3f
#define MAP_DENYWRITE  0x800    /* ignored, as on Linux */
#define MAP_EXECUTABLE 0x1000   /* ignored, as on Linux */
#define MAP_LOCKED     0x2000   /* ignored: nothing here is ever paged out */
#define MAP_NONBLOCK   0x10000  /* ignored, as on Linux */
#define MAP_NORESERVE 0x4000     /* accepted, no effect: nothing is reserved anyway */
#define MAP_POPULATE  0x8000     /* fault every page in at once */
#define MAP_STACK     0x20000    /* accepted, no effect */
#define MAP_FIXED_NOREPLACE 0x100000  /* MAP_FIXED, but -EEXIST instead of replacing */
/* Any other flag bit is ignored, as Linux ignores the bits it does not know. */

#define MAP_FAILED ((void *)-1)

/* madvise() advice */
#define MADV_NORMAL     0
#define MADV_RANDOM     1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED   3
#define MADV_DONTNEED   4
#define MADV_FREE       8
#define MADV_HUGEPAGE   14
#define MADV_NOHUGEPAGE 15

/* msync() flags */
#define MS_ASYNC        1
#define MS_INVALIDATE   2
#define MS_SYNC         4

#endif
