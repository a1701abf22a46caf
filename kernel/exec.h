/*
 * Loading static ELF64 programs from the initrd into a new address space,
 * started the way Linux starts them (the x86-64 psABI, 3.4.1): rsp points
 * at argc, then the argv and envp pointer arrays (each NULL-terminated),
 * then the auxiliary vector of (type, value) pairs ending with AT_NULL;
 * the strings and AT_RANDOM's 16 bytes lie above. Static executables
 * (ET_EXEC) load at their link address, static-pie ones (ET_DYN without
 * PT_INTERP) at EXEC_PIE_BASE; a program that asks for an interpreter
 * (PT_INTERP) is refused: nothing here loads shared libraries.
 */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include "kernel/trap.h"
#include "kernel/types.h"

#define EXEC_MAX_STRINGS 512         /* argv and envp entries together */
#define EXEC_MAX_ARGLEN  (64 * 1024) /* all their strings together */
#define USER_STACK_TOP  0x00007fffffff0000UL
#define USER_STACK_SIZE (256 * 1024)
#define EXEC_PIE_BASE   0x0000555555554000UL   /* where a static-pie program goes */

struct vm_map;

/* What a new program is given: two NULL-terminated string vectors. */
struct exec_args {
	char **argv;
	char **envp;
};

/*
 * Builds a new address space running `path` with `args` (kernel strings):
 * maps the ELF segments and a stack laid out as above, and fills *tf for
 * the first entry to user mode. The path is looked up in the file system
 * from the working directory (fs/vfs.h). The active map is not touched.
 * On failure nothing is left behind: the lookup's errors (-ENOENT,
 * -ENOTDIR, -ELOOP, -ENAMETOOLONG), -EACCES (not a regular file or not
 * executable), -ENOEXEC (not a valid static ELF64 x86-64 executable),
 * -E2BIG (arguments), -ENOMEM.
 */
long exec_build(const char *path, const struct exec_args *args, struct vm_map **map_out,
                struct trapframe *tf);

/* exec_build() of an image already in memory, `path` naming it (AT_EXECFN). */
long exec_image(const uint8_t *image, size_t size, const char *path,
                const struct exec_args *args, struct vm_map **map_out, struct trapframe *tf);

/* Checks an ELF image without loading it: 0 or -ENOEXEC. */
int elf_validate(const uint8_t *image, size_t size);

/* The last component of a path ("bin/sh" -> "sh"). */
const char *exec_basename(const char *path);

#endif
