/*
 * exec: validate the ELF image completely before touching any address space
 * (decode, then perform), build the new map beside the current one (writing
 * to it through the direct map with vm_copyout), and only then let the
 * caller swap them. See exec.h for the layout a program starts with.
 */
#include "kernel/exec.h"
#include "fs/vfs.h"
#include "kernel/cpu.h"
#include "kernel/elf.h"
#include "kernel/gdt.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/phys.h"
#include "mm/vm_map.h"
#include "uapi/auxv.h"
#include "uapi/errno.h"
#include "uapi/linux_types.h"
#include "uapi/mman.h"

#define USER_MIN  0x10000UL    /* nothing is mapped below: NULL faults */
#define MAX_PHDRS 64
#define AUX_MAX   20         /* auxiliary vector entries, AT_NULL included */
#define IMAGE_TOP (USER_STACK_TOP - USER_STACK_SIZE - GIB_SIZE)   /* room for brk */

static const struct elf64_phdr *phdr(const uint8_t *image, int i)
{
	const struct elf64_ehdr *eh = (const void *)image;

	return (const void *)(image + eh->phoff + (uint64_t)i * sizeof(struct elf64_phdr));
}

/* Where the image is loaded: 0 for ET_EXEC, EXEC_PIE_BASE for static-pie. */
static uint64_t load_bias(const struct elf64_ehdr *eh)
{
	return eh->type == ET_DYN ? EXEC_PIE_BASE : 0;
}

/*
 * A segment whose file bytes lie in the file and whose memory, once
 * biased, lies in [USER_MIN, IMAGE_TOP) (no sum can wrap: each term is
 * bounded first).
 */
static bool segment_ok(const struct elf64_phdr *ph, size_t size, uint64_t bias)
{
	return ph->filesz <= ph->memsz && ph->offset <= size &&
	       ph->filesz <= size - ph->offset && ph->vaddr < IMAGE_TOP &&
	       ph->memsz <= IMAGE_TOP && ph->vaddr + bias >= USER_MIN &&
	       ph->vaddr + bias <= IMAGE_TOP - ph->memsz;
}

/*
 * The PT_LOAD segments must come in address order without sharing a byte
 * (two may share a page, which is then mapped once with both rights), the
 * entry point must lie in an executable one, and a PT_TLS template must lie
 * in the file. PT_INTERP asks for a dynamic loader: refused.
 */
int elf_validate(const uint8_t *image, size_t size)
{
	const struct elf64_ehdr *eh = (const void *)image;
	uint64_t bias, prev_end = 0;
	bool entry_ok = false;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\x7f" "ELF", 4) != 0 ||
	    eh->ident[4] != ELFCLASS64 || eh->ident[5] != ELFDATA2LSB ||
	    (eh->type != ET_EXEC && eh->type != ET_DYN) || eh->machine != EM_X86_64 ||
	    eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 ||
	    eh->phnum > MAX_PHDRS || eh->phoff > size ||
	    (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff)
		return -ENOEXEC;
	bias = load_bias(eh);
	for (int i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = phdr(image, i);

		if (ph->type == PT_INTERP)
			return -ENOEXEC;
		if (ph->type == PT_TLS && (ph->filesz > ph->memsz || ph->offset > size ||
		                           ph->filesz > size - ph->offset))
			return -ENOEXEC;
		if (ph->type != PT_LOAD)
			continue;
		if (!segment_ok(ph, size, bias) || ph->vaddr < prev_end)
			return -ENOEXEC;
		prev_end = ph->vaddr + ph->memsz;
		if ((ph->flags & PF_X) && eh->entry >= ph->vaddr && eh->entry < prev_end)
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
 * demand-zero) and then lowers it to the segment's own rights. A first
 * page shared with the previous segment (which ended at prev_end) is
 * already mapped: it keeps its contents and gets the rights of both.
 */
static long load_segment(struct vm_map *map, const uint8_t *image,
                         const struct elf64_phdr *ph, uint64_t bias,
                         uint64_t prev_end, int prev_prot)
{
	vaddr_t va = ph->vaddr + bias;
	vaddr_t start = ALIGN_DOWN(va, PAGE_SIZE);
	vaddr_t end = ALIGN_UP(va + ph->memsz, PAGE_SIZE);
	bool shared = prev_end && ALIGN_UP(prev_end, PAGE_SIZE) > start;
	vaddr_t fresh = shared ? start + PAGE_SIZE : start;
	int prot = elf_prot(ph->flags);
	vaddr_t got;
	long err = 0;

	if (end == start)
		return 0;
	if (shared)
		err = vm_mprotect(map, start, PAGE_SIZE, PROT_READ | PROT_WRITE);
	if (err == 0 && fresh < end)
		err = vm_mmap(map, fresh, end - fresh, PROT_READ | PROT_WRITE,
		              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, NULL, 0, &got);
	if (err == 0)
		err = vm_copyout(map, va, image + ph->offset, ph->filesz);
	if (err == 0 && shared)
		err = vm_mprotect(map, start, PAGE_SIZE, prot | prev_prot);
	if (err == 0 && fresh < end)
		err = vm_mprotect(map, fresh, end - fresh, prot);
	return err;
}

/*
 * Maps every PT_LOAD segment (elf_validate() checked them) and returns in
 * *image_end the first page after the last one, where brk() begins.
 */
static long load_image(struct vm_map *map, const uint8_t *image, uint64_t bias,
                       vaddr_t *image_end)
{
	const struct elf64_ehdr *eh = (const void *)image;
	uint64_t prev_end = 0;
	int prev_prot = 0;
	long err = 0;

	for (int i = 0; i < eh->phnum && err == 0; i++) {
		const struct elf64_phdr *ph = phdr(image, i);

		if (ph->type != PT_LOAD)
			continue;
		err = load_segment(map, image, ph, bias, prev_end, prev_prot);
		if (ph->memsz) {
			prev_end = ph->vaddr + bias + ph->memsz;
			prev_prot = elf_prot(ph->flags);
		}
	}
	*image_end = ALIGN_UP(prev_end, PAGE_SIZE);
	return err;
}

/*
 * Where the program headers are in the new address space (AT_PHDR): at
 * PT_PHDR when there is one, else inside the PT_LOAD segment whose file
 * bytes hold them; 0 when they are not loaded at all.
 */
static uint64_t phdr_address(const uint8_t *image, uint64_t bias)
{
	const struct elf64_ehdr *eh = (const void *)image;
	uint64_t len = (uint64_t)eh->phnum * sizeof(struct elf64_phdr);

	for (int i = 0; i < eh->phnum; i++)
		if (phdr(image, i)->type == PT_PHDR)
			return phdr(image, i)->vaddr + bias;
	for (int i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph = phdr(image, i);

		if (ph->type == PT_LOAD && eh->phoff >= ph->offset &&
		    eh->phoff - ph->offset <= ph->filesz && len <= ph->filesz - (eh->phoff - ph->offset))
			return ph->vaddr + bias + (eh->phoff - ph->offset);
	}
	return 0;
}

/* 16 bytes for AT_RANDOM: seeds for the program's own generators. */
static void random_bytes(uint8_t out[16])
{
	static uint64_t state;
	uint64_t x = __atomic_add_fetch(&state, rdtsc() | 1, __ATOMIC_RELAXED);

	for (int i = 0; i < 16; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		out[i] = (uint8_t)(x >> 32);
	}
}

/* Counts a NULL-terminated vector. */
static int vec_len(char *const v[])
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* The numbers a program learns from its auxiliary vector. */
struct aux_info {
	uint64_t phdr, phnum, entry, random, execfn;
};

/* Pushes a string below *sp in the new map; its address is the new *sp. */
static long push_bytes(struct vm_map *map, uint64_t *sp, const void *bytes, size_t len)
{
	*sp -= len;
	return vm_copyout(map, *sp, bytes, len);
}

/*
 * Lays out the stack of exec.h from the top down: the program's path (for
 * AT_EXECFN), AT_RANDOM's bytes, the argv and envp strings, then, 16-byte
 * aligned at argc, the words (built in `words`, which has room for them
 * all). Returns the initial rsp in *rsp.
 */
static long fill_stack(struct vm_map *map, const char *path, const struct exec_args *args,
                       struct aux_info *aux, uint64_t *words, uint64_t *rsp)
{
	int argc = vec_len(args->argv), envc = vec_len(args->envp);
	uint64_t sp = USER_STACK_TOP, *w = words;
	uint8_t rnd[16];
	long err;

	random_bytes(rnd);
	if ((err = push_bytes(map, &sp, path, strlen(path) + 1)) < 0)
		return err;
	aux->execfn = sp;
	if ((err = push_bytes(map, &sp, rnd, sizeof(rnd))) < 0)
		return err;
	aux->random = sp;
	*w++ = argc;
	for (int v = 0; v < 2; v++) {
		char *const *vec = v == 0 ? args->argv : args->envp;

		for (int i = 0; i < (v == 0 ? argc : envc); i++) {
			if ((err = push_bytes(map, &sp, vec[i], strlen(vec[i]) + 1)) < 0)
				return err;
			*w++ = sp;
		}
		*w++ = 0;
	}
	const uint64_t auxv[][2] = {
		{ AT_PHDR, aux->phdr }, { AT_PHENT, sizeof(struct elf64_phdr) },
		{ AT_PHNUM, aux->phnum }, { AT_PAGESZ, PAGE_SIZE }, { AT_BASE, 0 },
		{ AT_FLAGS, 0 }, { AT_ENTRY, aux->entry }, { AT_UID, 0 }, { AT_EUID, 0 },
		{ AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 }, { AT_CLKTCK, USER_HZ },
		{ AT_RANDOM, aux->random }, { AT_EXECFN, aux->execfn }, { AT_NULL, 0 },
	};
	_Static_assert(ARRAY_SIZE(auxv) <= AUX_MAX, "room for the auxiliary vector");
	for (size_t i = 0; i < ARRAY_SIZE(auxv); i++) {
		*w++ = auxv[i][0];
		*w++ = auxv[i][1];
	}
	sp = ALIGN_DOWN(sp - (w - words) * sizeof(uint64_t), 16);
	*rsp = sp;
	return vm_copyout(map, sp, words, (w - words) * sizeof(uint64_t));
}

/* Maps the stack of the new map and fills it (fill_stack). */
static long build_stack(struct vm_map *map, const char *path, const struct exec_args *args,
                        struct aux_info *aux, uint64_t *rsp)
{
	uint64_t *words = kmalloc((1 + EXEC_MAX_STRINGS + 2 + 2 * AUX_MAX) * sizeof(uint64_t));
	vaddr_t got;
	long err;

	if (!words)
		return -ENOMEM;
	err = vm_mmap(map, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
	              PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	              NULL, 0, &got);
	if (err == 0)
		err = fill_stack(map, path, args, aux, words, rsp);
	kfree(words);
	return err;
}

/* -E2BIG unless both vectors and their strings fit the limits of exec.h. */
static long check_args(const struct exec_args *args)
{
	size_t total = 0;
	int n = 0;

	for (int v = 0; v < 2; v++) {
		char *const *vec = v == 0 ? args->argv : args->envp;

		for (int i = 0; vec && vec[i]; i++, n++)
			total += strlen(vec[i]) + 1;
	}
	return n > EXEC_MAX_STRINGS || total > EXEC_MAX_ARGLEN ? -E2BIG : 0;
}

long exec_image(const uint8_t *image, size_t size, const char *path,
                const struct exec_args *args, struct vm_map **map_out, struct trapframe *tf)
{
	struct aux_info aux = { 0 };
	const struct elf64_ehdr *eh = (const void *)image;
	struct vm_map *map;
	uint64_t rsp = 0, bias;
	vaddr_t image_end;
	long err;

	if ((err = elf_validate(image, size)) < 0 || (err = check_args(args)) < 0)
		return err;
	if (!(map = vm_map_create()))
		return -ENOMEM;
	bias = load_bias(eh);
	aux.phdr = phdr_address(image, bias);
	aux.phnum = eh->phnum;
	aux.entry = eh->entry + bias;
	err = load_image(map, image, bias, &image_end);
	if (err == 0)
		err = build_stack(map, path, args, &aux, &rsp);
	if (err < 0) {
		vm_map_destroy(map);
		return err;
	}
	vm_map_set_brk(map, image_end);
	memset(tf, 0, sizeof(*tf));
	tf->rip = aux.entry;
	tf->rsp = rsp;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = RFLAGS_IF;
	*map_out = map;
	return 0;
}

long exec_build(const char *path, const struct exec_args *args, struct vm_map **map_out,
                struct trapframe *tf)
{
	const uint8_t *image;
	void *copy;
	size_t size;
	long err;

	if ((err = vfs_exec_image(path, &image, &size, &copy)) < 0)
		return err;
	err = exec_image(image, size, path, args, map_out, tf);
	kfree(copy);
	return err;
}

const char *exec_basename(const char *path)
{
	const char *slash = NULL;

	for (const char *p = path; *p; p++)
		if (*p == '/')
			slash = p;
	return slash ? slash + 1 : path;
}
