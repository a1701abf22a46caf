/*
 * exec: validate the ELF image completely before touching any address space
 * (decode, then perform), build the new map beside the current one (writing
 * to it through the direct map with vm_copyout), and only then let the
 * caller swap them.
 */
#include "kernel/exec.h"
#include "kernel/gdt.h"
#include "kernel/cpu.h"
#include "kernel/initrd.h"
#include "kernel/string.h"
#include "mm/phys.h"
#include "mm/vm_map.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define EI_NIDENT 16
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ET_EXEC 2
#define EM_X86_64 62
#define USER_MIN 0x10000UL   /* nothing is mapped below: NULL faults */

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

static const struct elf64_phdr *phdr(const uint8_t *image, int i)
{
	const struct elf64_ehdr *eh = (const void *)image;

	return (const void *)(image + eh->phoff + (uint64_t)i * sizeof(struct elf64_phdr));
}

static bool segment_ok(const struct elf64_phdr *ph, size_t size)
{
	return ph->filesz <= ph->memsz && ph->offset <= size &&
	       ph->filesz <= size - ph->offset && ph->vaddr >= USER_MIN &&
	       ph->memsz <= USER_STACK_TOP - USER_STACK_SIZE &&
	       ph->vaddr <= USER_STACK_TOP - USER_STACK_SIZE - ph->memsz;
}

int elf_validate(const uint8_t *image, size_t size)
{
	const struct elf64_ehdr *eh = (const void *)image;
	bool entry_ok = false;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\x7f" "ELF", 4) != 0 ||
	    eh->ident[4] != 2 || eh->ident[5] != 1 ||   /* 64-bit, little endian */
	    eh->type != ET_EXEC || eh->machine != EM_X86_64 ||
	    eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 ||
	    eh->phnum > 16 || eh->phoff > size ||
	    (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff)
		return -ENOEXEC;
	for (int i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = phdr(image, i);
		if (ph->type != PT_LOAD)
			continue;
		if (!segment_ok(ph, size))
			return -ENOEXEC;
		if ((ph->flags & PF_X) && eh->entry >= ph->vaddr &&
		    eh->entry < ph->vaddr + ph->memsz)
			entry_ok = true;
	}
	return entry_ok ? 0 : -ENOEXEC;
}

static int elf_prot(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

/*
 * Maps one PT_LOAD segment writable, copies its file bytes (the rest is
 * demand-zero) and then lowers it to the segment's own rights.
 */
static long load_segment(struct vm_map *map, const uint8_t *image,
                         const struct elf64_phdr *ph)
{
	vaddr_t start = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
	vaddr_t end = ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
	vaddr_t got;
	long err;

	if (end == start)
		return 0;
	err = vm_mmap(map, start, end - start, PROT_READ | PROT_WRITE,
	              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0, &got);
	if (err < 0)
		return err;
	err = vm_copyout(map, ph->vaddr, image + ph->offset, ph->filesz);
	if (err < 0)
		return err;
	return vm_mprotect(map, start, end - start, elf_prot(ph->flags));
}

/*
 * Lays out the argument strings at the top of the new stack, then the
 * argv[] array (16-byte aligned), and returns the initial rsp in *rsp.
 */
static long build_stack(struct vm_map *map, char *const argv[], uint64_t *rsp,
                        uint64_t *argv_user, int *argc_out)
{
	uint64_t ptrs[EXEC_MAX_ARGS + 1];
	uint64_t sp = USER_STACK_TOP;
	vaddr_t got;
	long err;
	int argc = 0;

	err = vm_mmap(map, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
	              PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	              NULL, 0, &got);
	if (err < 0)
		return err;
	for (; argv[argc]; argc++) {
		size_t len = strlen(argv[argc]) + 1;
		sp -= len;
		if ((err = vm_copyout(map, sp, argv[argc], len)) < 0)
			return err;
		ptrs[argc] = sp;
	}
	ptrs[argc] = 0;
	sp = ALIGN_DOWN(sp - (argc + 1) * sizeof(uint64_t), 16);
	if ((err = vm_copyout(map, sp, ptrs, (argc + 1) * sizeof(uint64_t))) < 0)
		return err;
	*argv_user = sp;
	*rsp = sp;
	*argc_out = argc;
	return 0;
}

static long check_args(char *const argv[])
{
	size_t total = 0;
	int n;

	for (n = 0; argv[n]; n++) {
		if (n == EXEC_MAX_ARGS)
			return -E2BIG;
		total += strlen(argv[n]) + 1;
	}
	return total > EXEC_MAX_ARGLEN ? -E2BIG : 0;
}

long exec_build(const char *path, char *const argv[], struct vm_map **map_out,
                struct trapframe *tf)
{
	struct vm_map *map;
	const struct elf64_ehdr *eh;
	const uint8_t *image;
	uint64_t rsp = 0, argv_user = 0;
	size_t size;
	long err;
	int argc = 0;

	if ((err = initrd_find(path, &image, &size)) < 0)
		return err;
	if ((err = elf_validate(image, size)) < 0 || (err = check_args(argv)) < 0)
		return err;
	if (!(map = vm_map_create()))
		return -ENOMEM;
	eh = (const void *)image;
	for (int i = 0; i < eh->phnum && err == 0; i++)
		if (phdr(image, i)->type == PT_LOAD)
			err = load_segment(map, image, phdr(image, i));
	if (err == 0)
		err = build_stack(map, argv, &rsp, &argv_user, &argc);
	if (err < 0) {
		vm_map_destroy(map);
		return err;
	}
	memset(tf, 0, sizeof(*tf));
	tf->rip = eh->entry;
	tf->rsp = rsp;
	tf->rdi = argc;
	tf->rsi = argv_user;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = RFLAGS_IF;
	*map_out = map;
	return 0;
}

const char *exec_basename(const char *path)
{
	const char *slash = NULL;

	for (const char *p = path; *p; p++)
		if (*p == '/')
			slash = p;
	return slash ? slash + 1 : path;
}
