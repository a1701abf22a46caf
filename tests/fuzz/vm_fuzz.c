/*
 * libFuzzer target: random sequences of address-space, page-table and SysV
 * shm operations on the real mm/ and ipc/shm/ sources, built for the host
 * against the fake physical memory of tests/host/fake.c (see mk/fuzz.mk).
 *
 * The input is a program. Each operation is one byte saying what to do and
 * a few argument bytes (past the end, arguments read as zero), on MAPS
 * address spaces standing for processes and up to SEGS SysV segments:
 * create, fork and destroy a map; mmap (anonymous private or shared, or a
 * segment), munmap, mprotect; shmget, shmat, shmdt, shmctl; a user write
 * or read through the software MMU (vm_copyout/vm_copyin, which fault like
 * a CPU); flip machdep.pmap_mmu_optimize, pmap_share_pd, pmap_prelink or
 * kern.ipc.shm_use_phys; let the next operation have only N page
 * allocations succeed (and the rest fail).
 * Addresses fall on a few GiB of one window, at and around 2 MiB and 1 GiB
 * boundaries; lengths are pages, segments or GiBs, whole or one page off.
 *
 * Checked: vm_verify() (every invariant of the page tables, the links and
 * the maps) after every operation; a successful write is read back; at
 * the end every map is destroyed, every segment removed, the switches and
 * fault injection reset, and the free pages, objects and segments must be
 * back at their counts from before the input. A failure prints why and
 * aborts, and libFuzzer saves the input; ASan and UBSan catch the rest.
 *
 * Reproduce a crash: build/fuzz/vm_fuzz CRASH_FILE.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ipc/shm/shm.h"
#include "mm/page.h"
#include "mm/vm_map.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "tests/host/fake.h"
#include "tests/host/vm_testlib.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define MAPS    4
#define SEGS    4
#define WINDOW  0x0000004000000000UL    /* 1 GiB aligned */
#define MAX_OPS 200                     /* per input, to keep runs short */

/* The input being run, read front to back. */
static const uint8_t *in;
static size_t in_left;

static struct vm_map *maps[MAPS];
static int segs[SEGS];                  /* shm ids, -1: none */
static char report[4096];

static unsigned byte(void)
{
	if (!in_left)
		return 0;
	in_left--;
	return *in++;
}

/* A map slot, and the map in it (may be NULL). */
static unsigned slot(void)
{
	return byte() % MAPS;
}

/* An address of the window: GiB 0-2, 2 MiB segment 0-3 or the last,
 * page 0, 1 or the last of the segment. */
static vaddr_t addr(void)
{
	static const unsigned segments[] = { 0, 1, 2, 3, 511 };
	static const unsigned pages[] = { 0, 1, 511 };
	unsigned b = byte();

	return WINDOW + (uint64_t)(b % 3) * GIB_SIZE + (uint64_t)segments[(b / 3) % 5] * SEG_SIZE +
	    (uint64_t)pages[(b / 15) % 3] * PAGE_SIZE;
}

/* A length: pages, 2 MiB segments or a GiB, whole or a page off. */
static uint64_t len(void)
{
	static const uint64_t units[] = { PAGE_SIZE, 3 * PAGE_SIZE, SEG_SIZE, 2 * SEG_SIZE, GIB_SIZE };
	unsigned b = byte();
	uint64_t l = units[b % 5];

	if (b & 0x20)
		l += PAGE_SIZE;
	else if ((b & 0x40) && l > PAGE_SIZE)
		l -= PAGE_SIZE;
	return l;
}

static int prot(void)
{
	return byte() & (PROT_READ | PROT_WRITE | PROT_EXEC);
}

/* A segment id: one of ours, or a bad one. */
static int shmid(void)
{
	unsigned b = byte();

	return b & 0x80 ? (int)b - 256 : segs[b % SEGS];
}

static void __attribute__((noreturn)) fail(const char *what)
{
	fflush(stdout);           /* what vmt_clean() printed */
	fprintf(stderr, "vm_fuzz: %s\n%s\n", what, report);
	abort();
}

/* Creates or forks into an empty slot, or destroys the map in it. */
static void op_lifetime(void)
{
	unsigned i = slot(), j = slot(), how = byte() % 3;

	if (maps[i] && how == 0) {
		vm_map_destroy(maps[i]);
		maps[i] = NULL;
	} else if (!maps[i] && how == 1) {
		maps[i] = vm_map_create();
	} else if (!maps[i] && maps[j]) {
		maps[i] = vm_map_fork(maps[j]);
	}
}

static void op_mmap(void)
{
	struct vm_map *m = maps[slot()];
	unsigned b = byte();
	int flags = (b & 1 ? MAP_SHARED : MAP_PRIVATE) | (b & 2 ? MAP_FIXED : 0);
	struct vm_object *obj = NULL;
	uint64_t off = 0;
	vaddr_t a = addr(), out;
	uint64_t l = len();
	int p = prot();

	if (!m)
		return;
	if (b & 4) {                      /* a segment, from a page or segment offset */
		obj = shm_object(shmid());
		off = (uint64_t)(byte() % 4) * (b & 8 ? SEG_SIZE : PAGE_SIZE);
	} else {
		flags |= MAP_ANONYMOUS;
	}
	if ((b & 4) && !obj)
		return;
	vm_mmap(m, a, l, p, flags, obj, off, &out);
	if (obj)
		vm_object_release(obj);
}

static void op_munmap(void)
{
	struct vm_map *m = maps[slot()];
	vaddr_t a = addr();
	uint64_t l = len();

	if (m)
		vm_munmap(m, a, l);
}

static void op_mprotect(void)
{
	struct vm_map *m = maps[slot()];
	vaddr_t a = addr();
	uint64_t l = len();
	int p = prot();

	if (m)
		vm_mprotect(m, a, l, p);
}

static void op_shmget(void)
{
	static const uint64_t sizes[] = { PAGE_SIZE, SEG_SIZE - PAGE_SIZE, SEG_SIZE,
		SEG_SIZE + PAGE_SIZE, 3 * SEG_SIZE, 8 * SEG_SIZE };
	unsigned i = byte() % SEGS, b = byte();
	int id;

	if (segs[i] >= 0)
		return;
	id = shm_get(IPC_PRIVATE, sizes[b % 6], IPC_CREAT | 0600, 1);
	if (id >= 0)
		segs[i] = id;
}

static void op_shmat(void)
{
	struct vm_map *m = maps[slot()];
	int id = shmid();
	unsigned b = byte();
	vaddr_t a = b & 1 ? addr() : 0, out;

	if (m)
		shm_at(m, id, a, b & 2 ? SHM_RDONLY : 0, 1, &out);
}

static void op_shmdt(void)
{
	struct vm_map *m = maps[slot()];
	vaddr_t a = addr();

	if (m)
		shm_dt(m, a, 1);
}

/* IPC_RMID (the segment lives on while attached) or IPC_STAT. */
static void op_shmctl(void)
{
	unsigned i = byte() % SEGS, b = byte();
	struct shmid_ds ds;

	if (segs[i] < 0)
		return;
	if (b & 1) {
		shm_ctl(segs[i], IPC_RMID, NULL);
		segs[i] = -1;
	} else {
		shm_ctl(segs[i], IPC_STAT, &ds);
	}
}

/* A user write, read back at once; or a read. */
static void op_access(void)
{
	struct vm_map *m = maps[slot()];
	vaddr_t a = addr() + (byte() % 8) * 8;
	uint64_t v = 0x1000000000000000ULL | byte() | (uint64_t)byte() << 8, got;

	if (!m)
		return;
	if (v & 1) {
		vmt_read(m, a, &got);
		return;
	}
	if (vmt_write(m, a, v) == 0 && (vmt_read(m, a, &got) != 0 || got != v)) {
		snprintf(report, sizeof(report), "wrote 0x%lx at 0x%lx, read back 0x%lx",
		    (unsigned long)v, (unsigned long)a, (unsigned long)got);
		fail("a write did not stick");
	}
}

static void op_switch(void)
{
	int *const knobs[] = { &pmap_mmu_optimize, &pmap_share_pd, &pmap_prelink, &shm_use_phys };
	unsigned b = byte();

	*knobs[b % 4] = (b >> 2) & 1;
}

/* For the next operation: N page allocations succeed, later ones fail. */
static long budget = -1;

static void op_fail_after(void)
{
	budget = byte() % 16;
}

static void (*const ops[])(void) = {
	op_lifetime, op_mmap, op_mmap, op_munmap, op_mprotect, op_shmget, op_shmat,
	op_shmdt, op_shmctl, op_access, op_access, op_access, op_switch, op_fail_after,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct vmt_snap s;

	(void)argc;
	(void)argv;
	host_phys_setup(HOST_PHYS_BYTES);
	vmt_begin(&s);            /* bootstraps the pmap once */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int defaults[] = { pmap_mmu_optimize, pmap_share_pd, pmap_prelink, shm_use_phys };
	struct vmt_snap s;
	int i, n;

	in = data;
	in_left = size;
	for (i = 0; i < SEGS; i++)
		segs[i] = -1;
	vmt_begin(&s);
	maps[0] = vm_map_create();
	for (n = 0; in_left && n < MAX_OPS; n++) {
		void (*op)(void) = ops[byte() % (sizeof(ops) / sizeof(ops[0]))];

		page_fail_after(op == op_fail_after ? -1 : budget);
		op();
		if (op != op_fail_after)
			budget = -1;
		page_fail_after(-1);     /* the checker allocates too */
		if (vm_verify(report, sizeof(report)) != 0)
			fail("vm_verify failed");
	}
	for (i = 0; i < MAPS; i++) {
		if (maps[i])
			vm_map_destroy(maps[i]);
		maps[i] = NULL;
	}
	for (i = 0; i < SEGS; i++)
		if (segs[i] >= 0)
			shm_ctl(segs[i], IPC_RMID, NULL);
	pmap_mmu_optimize = defaults[0];
	pmap_share_pd = defaults[1];
	pmap_prelink = defaults[2];
	shm_use_phys = defaults[3];
	if (!vmt_clean(&s)) {
		snprintf(report, sizeof(report), "(counts above)");
		fail("pages, objects or segments leaked");
	}
	return 0;
}
