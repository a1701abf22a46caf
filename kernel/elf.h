/*
 * The parts of the ELF64 format the loader reads (System V gABI; the
 * x86-64 psABI for EM_X86_64): the file header and the program headers.
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include "kernel/types.h"

#define EI_NIDENT 16
#define ELFCLASS64  2       /* ident[4] */
#define ELFDATA2LSB 1       /* ident[5]: little endian */
#define ET_REL    1
#define ET_EXEC   2         /* an executable at its link address */
#define ET_DYN    3         /* position independent: static-pie without PT_INTERP */
#define EM_386    3
#define EM_X86_64 62
#define PT_LOAD   1
#define PT_INTERP 3
#define PT_PHDR   6
#define PT_TLS    7
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf64_ehdr {
	uint8_t  ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header layout");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header layout");

#endif
