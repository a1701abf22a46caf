/*
 * The ELF loader against images made here: a minimal valid program, then
 * each way a file can be malformed. Every bad image must be refused with
 * -ENOEXEC before anything is allocated, and every image, good or bad,
 * must give back all the pages it took.
 */
#include "kernel/elf.h"
#include "kernel/exec.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "mm/page.h"
#include "mm/vm_map.h"
#include "uapi/errno.h"

#define IMG_SIZE  8192
#define BASE      0x400000UL

static uint8_t img[IMG_SIZE] __attribute__((aligned(8)));

static struct elf64_ehdr *eh(void)
{
	return (struct elf64_ehdr *)img;
}

static struct elf64_phdr *ph(int i)
{
	return (struct elf64_phdr *)(img + sizeof(struct elf64_ehdr)) + i;
}

/*
 * A valid static executable: headers and code in one R-X segment at BASE
 * (file offset 0, one page), data in an RW- segment on the next page, with
 * a .bss tail.
 */
static void make_valid(void)
{
	memset(img, 0, sizeof(img));
	memcpy(eh()->ident, "\x7f" "ELF\x02\x01\x01", 7);
	eh()->type = ET_EXEC;
	eh()->machine = EM_X86_64;
	eh()->version = 1;
	eh()->entry = BASE + 0x200;
	eh()->phoff = sizeof(struct elf64_ehdr);
	eh()->ehsize = sizeof(struct elf64_ehdr);
	eh()->phentsize = sizeof(struct elf64_phdr);
	eh()->phnum = 2;
	*ph(0) = (struct elf64_phdr){ PT_LOAD, PF_R | PF_X, 0, BASE, BASE, 4096, 4096, 4096 };
	*ph(1) = (struct elf64_phdr){ PT_LOAD, PF_R | PF_W, 4096, BASE + 4096, BASE + 4096, 64,
	                              3 * 4096, 4096 };
	img[0x200] = 0xf4;                    /* hlt: never run here */
}

/* Runs exec_image() on img (size bytes) and returns its result. */
static long try_exec(size_t size)
{
	char *argv[] = { "t", NULL }, *envp[] = { NULL };
	struct exec_args args = { argv, envp };
	struct vm_map *map = NULL;
	struct trapframe tf;
	long err = exec_image(img, size, "/t", &args, &map, &tf);

	if (err == 0)
		vm_map_destroy(map);
	return err;
}

KTEST(exec, valid_image_loads_and_leaks_nothing)
{
	size_t free_pages = page_free_count();

	make_valid();
	KT_ASSERT_EQ(0, try_exec(IMG_SIZE));
	KT_ASSERT_EQ(free_pages, page_free_count());
}

KTEST(exec, static_pie_loads_and_segments_may_share_a_page)
{
	size_t free_pages = page_free_count();

	make_valid();
	eh()->type = ET_DYN;                  /* without PT_INTERP: static-pie */
	eh()->entry = 0x200;
	ph(0)->vaddr = 0;
	ph(0)->filesz = ph(0)->memsz = 0x800;
	ph(1)->vaddr = 0x800;                 /* on the first segment's page */
	ph(1)->offset = 0x800;
	KT_ASSERT_EQ(0, try_exec(IMG_SIZE));
	KT_ASSERT_EQ(free_pages, page_free_count());
}

KTEST(exec, malformed_images_are_refused)
{
	size_t free_pages = page_free_count();

	make_valid();
	KT_ASSERT_EQ(-ENOEXEC, try_exec(40));                 /* truncated header */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(sizeof(struct elf64_ehdr) + 60));   /* truncated headers */
	eh()->machine = EM_386;
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	eh()->ident[4] = 1;                                   /* 32-bit */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	eh()->type = ET_REL;
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	ph(1)->vaddr = BASE + 2048;                           /* overlaps segment 0 */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	ph(1)->filesz = IMG_SIZE;                             /* file bytes past the end */
	ph(1)->memsz = IMG_SIZE;
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	ph(1)->offset = ~0UL - 8;                             /* offset + filesz wraps */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	eh()->entry = BASE + 4096 + 8;                        /* in the data, not executable */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	eh()->entry = 0x10;                                   /* outside every segment */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	ph(1)->memsz = 1UL << 62;                             /* huge memsz */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	ph(1)->vaddr = 0xffff800000000000UL;                  /* kernel half */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	ph(1)->filesz = 4 * 4096;                             /* filesz > memsz */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	ph(1)->type = PT_INTERP;                              /* dynamic */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	eh()->phnum = 0;
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	eh()->phoff = IMG_SIZE - 8;                           /* headers past the end */
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	make_valid();
	ph(1)->type = PT_TLS;                                 /* past the file */
	ph(1)->offset = IMG_SIZE;
	KT_ASSERT_EQ(-ENOEXEC, try_exec(IMG_SIZE));
	KT_ASSERT_EQ(free_pages, page_free_count());
}

KTEST(exec, too_many_arguments_is_e2big)
{
	static char *many[EXEC_MAX_STRINGS + 2];
	char *envp[] = { NULL };
	struct exec_args args = { many, envp };
	struct vm_map *map = NULL;
	struct trapframe tf;
	size_t free_pages = page_free_count();

	for (int i = 0; i < EXEC_MAX_STRINGS + 1; i++)
		many[i] = "x";
	make_valid();
	KT_ASSERT_EQ(-E2BIG, exec_image(img, IMG_SIZE, "/t", &args, &map, &tf));
	KT_ASSERT_EQ(free_pages, page_free_count());
}
