/*
 * The auxiliary vector's entry types (Linux, include/uapi/linux/auxvec.h):
 * what the kernel tells a new program about itself above its envp.
 */
#ifndef UAPI_AUXV_H
#define UAPI_AUXV_H

#define AT_NULL    0    /* end of the vector */
#define AT_PHDR    3    /* the program headers in memory */
#define AT_PHENT   4    /* size of one program header */
#define AT_PHNUM   5    /* number of program headers */
#define AT_PAGESZ  6
#define AT_BASE    7    /* interpreter base: 0, there is none */
#define AT_FLAGS   8
#define AT_ENTRY   9    /* the program's entry point */
#define AT_UID     11
#define AT_EUID    12
#define AT_GID     13
#define AT_EGID    14
#define AT_CLKTCK  17   /* clock ticks per second (times()) */
#define AT_SECURE  23
#define AT_RANDOM  25   /* 16 random bytes */
#define AT_EXECFN  31   /* the path given to execve */

#endif
