/* Loading static ELF64 programs from the initrd into a new address space. */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include "kernel/trap.h"
#include "kernel/types.h"

#define EXEC_MAX_ARGS   32
#define EXEC_MAX_ARGLEN 4096      /* all argument strings together */
#define USER_STACK_TOP  0x00007fffffff0000UL
#define USER_STACK_SIZE (256 * 1024)

struct vm_map;

/*
 * Builds a new address space running `path` with `argv` (kernel strings,
 * NULL-terminated): maps the ELF segments and a stack holding argc/argv,
 * and fills *tf for the first entry to user mode (rdi = argc, rsi = argv).
 * The active map is not touched. On failure nothing is left behind:
 * -ENOENT (no such file), -ENOEXEC (not a valid static ELF64 x86-64
 * executable), -E2BIG/-EINVAL (arguments), -ENOMEM.
 */
long exec_build(const char *path, char *const argv[], struct vm_map **map_out,
                struct trapframe *tf);

/* Checks an ELF image without loading it: 0 or -ENOEXEC. */
int elf_validate(const uint8_t *image, size_t size);

/* The last component of a path ("bin/sh" -> "sh"). */
const char *exec_basename(const char *path);

#endif
