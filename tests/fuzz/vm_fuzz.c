/*
 * libFuzzer target: random sequences of address-space, page-table and SysV
 * shm operations on the real mm/ and ipc/shm/ sources, built for the host
 * against the fake physical memory of tests/host/fake.c (see mk/fuzz.mk).
 *
 * The input is a program: a byte of starting switches (start_switches()),
 * then operations. Each operation is one byte saying what to do and
 * a few argument bytes (past the end, arguments read as zero), on MAPS
 * address spaces standing for processes (an operation on an empty slot
 * works on the next live map) and up to SEGS SysV segments. Every
 * operation reads the same argument bytes whatever the state, so it keeps
 * its meaning when a mutation changes an earlier one. The input families:
 *
 *  - lifetime: create, fork (vm_map_fork) and destroy maps;
 *  - mmap as sys_mmap makes it, or of a segment as sys_shm_map does
 *    (refused with MAP_ANONYMOUS): shared or private, MAP_FIXED or a hint
 *    or no address, MAP_HUGETLB, an offset (page, 2 MiB and GiB multiples,
 *    unaligned, huge) for anonymous memory too, now and then a flag set
 *    the call must refuse;
 *  - munmap and mprotect of any range, or of the range the previous
 *    range operation used (an input can undo a change exactly);
 *  - split, access, merge: mprotect of a range (the entry splits), an
 *    access anywhere, mprotect of the range back to the rights of the
 *    last mapping made (the entries merge again);
 *  - shmget (private or keyed, IPC_CREAT/IPC_EXCL, SHM_HUGETLB, sizes from
 *    a page to 2 GiB, 0 and too large), shmat (SHM_RDONLY, SHM_REMAP, an
 *    address or none), shmdt, shmctl (IPC_STAT, IPC_RMID, a bad command);
 *  - a user write (read back at once) or read through the software MMU
 *    (vmt_write/vmt_read, which fault like a CPU);
 *  - every VM sysctl a process may set, to each of its values:
 *    machdep.pmap_mmu_optimize, pmap_share_pd, pmap_prelink,
 *    kern.ipc.shm_use_phys, vm.largepages (0, 1, 2), vm.largepage_reserve;
 *    and debug.page_fail_after: the next operation gets only N page
 *    allocations, the rest fail.
 *
 * Addresses are two bytes: a base (a GiB-aligned window, or where the last
 * mapping was made) plus 0-3 GiB, one of a few 2 MiB segments of the GiB
 * (the first ones, the half and three-quarter points, the last ones) and
 * a page of the segment (first, second, middle, last). Lengths are pages,
 * segments, 512 MiB, 1, 2 or 3 GiB, whole, a page less or more, or a
 * segment more. Fake physical memory is 2 GiB: GiB mappings of anonymous
 * memory are filled on touch, and touched sparsely; memory allocated when
 * an object is created is capped (creation_affordable()).
 *
 * Besides code coverage libFuzzer sees the shapes of the page tables each
 * input leaves (note_shapes()), so that an input reaching a new shape is
 * kept even when it ran no new code.
 *
 * Checked: vm_verify() (every invariant of the page tables, the links and
 * the maps) after every operation; a successful write is read back; a
 * mapping just made (mmap, shmat), when the input asks, is usable at its
 * first and last page as its protection allows (only running out of
 * memory may refuse that); at the end every map is destroyed, every
 * segment removed, the switches and fault injection reset, and the free
 * pages, objects and segments must be back at their counts from before
 * the input. A failure prints why and aborts, and libFuzzer saves the
 * input; a panic() aborts too; ASan and UBSan catch the rest.
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
#include "uapi/vmstat.h"

#define MAPS    4
#define SEGS    4
#define WINDOW  0x0000004000000000UL    /* 1 GiB aligned */
#define MAX_OPS 200                     /* per input, to keep runs short */
#define KEY     0x7a5a0                 /* keyed segments: KEY and KEY + 1 */

/* The input being run, read front to back. */
static const uint8_t *in;
static size_t in_left;

static struct vm_map *maps[MAPS];
static int segs[SEGS];                  /* shm ids, -1: none */
static char report[4096];
static vaddr_t last_va;                 /* where the last mapping was made */
static int last_prot;                   /* and with which rights */
static vaddr_t range_va;                /* the range the last range operation used */
static uint64_t range_len;

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

/*
 * The map an operation works on: the one in the slot named, or when that
 * slot is empty the next live one, so that an input that never creates a
 * second map does not spend most of its operations on nothing. NULL when
 * every map is gone.
 */
static struct vm_map *map(void)
{
	unsigned i = slot();

	for (unsigned k = 0; k < MAPS; k++)
		if (maps[(i + k) % MAPS])
			return maps[(i + k) % MAPS];
	return NULL;
}

/*
 * An address from two bytes: base (the window, or the last mapping) and
 * 0-3 GiB from its low bits, then a 2 MiB segment of that GiB and a page
 * of the segment. The segments are where page-table sharing changes: the
 * first and last ones of a GiB (whole-GiB links begin and end there), and
 * its half and three-quarter points (a split inside a GiB).
 */
static vaddr_t addr_of(unsigned b1, unsigned b2)
{
	static const unsigned segments[] = { 0, 1, 2, 3, 256, 384, 510, 511 };
	static const unsigned pages[] = { 0, 1, 256, 511 };
	vaddr_t base = (b1 & 4) ? last_va : WINDOW;

	return base + (uint64_t)(b1 & 3) * GIB_SIZE + (uint64_t)segments[b2 % 8] * SEG_SIZE +
	    (uint64_t)pages[(b2 / 8) % 4] * PAGE_SIZE;
}

static vaddr_t addr(void)
{
	unsigned b1 = byte();

	return addr_of(b1, byte());
}

/* A length: pages, 2 MiB segments, 512 MiB or GiBs; whole, a page less or
 * more, or a segment more. */
static uint64_t len(void)
{
	static const uint64_t units[] = { PAGE_SIZE, 3 * PAGE_SIZE, SEG_SIZE, 2 * SEG_SIZE,
		MIB(512), GIB(1), GIB(2), GIB(3) };
	static const int64_t adjust[] = { 0, PAGE_SIZE, -(int64_t)PAGE_SIZE, SEG_SIZE };
	unsigned b = byte();

	return units[b % 8] + adjust[(b / 8) % 4];
}

/*
 * A range [*a, *a + *l): an address and a length, or (top bit of the
 * first byte) the range the previous range operation used, so that an
 * input can undo exactly what it did (mprotect back: the entries merge).
 */
static void range(vaddr_t *a, uint64_t *l)
{
	unsigned b1 = byte(), b2 = byte();

	if (b1 & 0x80) {
		(void)byte();          /* the length byte: unused, but always read */
		*a = range_va;
		*l = range_len;
		return;
	}
	*a = addr_of(b1, b2);
	*l = len();
	range_va = *a;
	range_len = *l;
}

static int prot(void)
{
	return byte() & (PROT_READ | PROT_WRITE | PROT_EXEC);
}

/* An object offset: 0 (a third of the time), page, 2 MiB and GiB
 * multiples, unaligned, too large. */
static uint64_t offset(void)
{
	static const uint64_t offs[] = { 0, 0, 0, 0, PAGE_SIZE, SEG_SIZE, 2 * SEG_SIZE,
		MIB(512), GIB(1), GIB(1) + SEG_SIZE, 100, 1ULL << 62 };

	return offs[byte() % 12];
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

/*
 * A mapping just made is usable from its first page to its last, as its
 * rights allow (a write, else a read): the access may fail only for want
 * of memory (or the injected failures of debug.page_fail_after).
 */
static void check_usable(struct vm_map *m, vaddr_t va, uint64_t l, int p)
{
	vaddr_t ends[2] = { va, va + ALIGN_UP(l, PAGE_SIZE) - PAGE_SIZE };
	uint64_t v;
	int err;

	for (int i = 0; i < 2; i++) {
		if (p & PROT_WRITE)
			err = vmt_write(m, ends[i], ends[i]);
		else if (p & PROT_READ)
			err = vmt_read(m, ends[i], &v);
		else
			return;
		if (err != 0 && err != -ENOMEM) {
			snprintf(report, sizeof(report),
			    "mapping [0x%lx, +0x%lx) prot %d: access at 0x%lx gave %d",
			    (unsigned long)va, (unsigned long)l, p, (unsigned long)ends[i], err);
			fail("a new mapping is not usable to its end");
		}
	}
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

/*
 * May shared memory of `size` bytes be created (huge: on 2 MiB pages
 * allocated at once, as SHM_HUGETLB and MAP_HUGETLB do)? What a creation
 * allocates is capped, so that an input takes milliseconds: 4 KiB pages of
 * a physical segment to 8 MiB (vm_verify() visits every page an object
 * holds after every operation), 2 MiB pages to 16 MiB, or exactly 1 GiB
 * (the whole-GiB case; zeroing it takes a tenth of a second). Anonymous
 * memory, filled on touch, is never capped: it makes GiB mappings cheap.
 */
static bool creation_affordable(uint64_t size, bool huge)
{
	if (huge || (shm_use_phys && vm_largepages == 2))
		return size <= 8 * SEG_SIZE || size == GIB(1);
	return !shm_use_phys || size <= 4 * SEG_SIZE;
}

/*
 * mmap as sys_mmap makes it. Flag byte: 1 shared (else private), 2
 * MAP_FIXED at the range (else the range's address as a hint, or with
 * 0x10 no address), 4 a segment (its object, as shm_map maps it; else
 * anonymous), 8 check the new mapping; its top three bits, when 6, add
 * MAP_HUGETLB, when 7, make a flag set to refuse (a segment with
 * MAP_ANONYMOUS, or neither).
 */
static void op_mmap(void)
{
	struct vm_map *m = map();
	unsigned b = byte();
	bool segment = b & 4;
	int flags = (b & 1 ? MAP_SHARED : MAP_PRIVATE) | (b & 2 ? MAP_FIXED : 0) |
	    (segment ? 0 : MAP_ANONYMOUS) | (b >> 5 == 6 ? MAP_HUGETLB : 0);
	struct vm_object *obj = NULL;
	vaddr_t a, hint, out;
	uint64_t l, off;
	int p, id, err;

	range(&a, &l);
	hint = b & 0x10 ? 0 : a;
	p = prot();
	off = offset();
	id = shmid();
	if (b >> 5 == 7)
		flags ^= MAP_ANONYMOUS;
	if (!m || ((flags & MAP_HUGETLB) && !creation_affordable(l, true)))
		return;
	if (segment && ((flags & MAP_ANONYMOUS) || !(obj = shm_object(id))))
		return;       /* sys_shm_map's -EINVAL */
	err = vm_mmap(m, flags & MAP_FIXED ? a : hint, l, p, flags, obj, off, &out);
	if (obj)
		vm_object_release(obj);
	if (err)
		return;
	last_va = out;
	last_prot = p;
	if (b & 8)
		check_usable(m, out, l, p);
}

static void op_munmap(void)
{
	struct vm_map *m = map();
	vaddr_t a;
	uint64_t l;

	range(&a, &l);
	if (m)
		vm_munmap(m, a, l);
}

static void op_mprotect(void)
{
	struct vm_map *m = map();
	vaddr_t a;
	uint64_t l;
	int p;

	range(&a, &l);
	p = prot();
	if (m)
		vm_mprotect(m, a, l, p);
}

/*
 * shmget into an empty slot. Flag byte: 1 SHM_HUGETLB, 2 keyed (KEY or
 * KEY + 1 by 4; else IPC_PRIVATE), 8 IPC_EXCL, 0x10 no IPC_CREAT.
 */
static void op_shmget(void)
{
	static const uint64_t sizes[] = { PAGE_SIZE, SEG_SIZE - PAGE_SIZE, SEG_SIZE,
		SEG_SIZE + PAGE_SIZE, 2 * SEG_SIZE, 3 * SEG_SIZE, 4 * SEG_SIZE, 8 * SEG_SIZE,
		MIB(512), GIB(1) - SEG_SIZE, GIB(1), GIB(1) + SEG_SIZE, GIB(1) + PAGE_SIZE,
		GIB(2), 0, SHMMAX + PAGE_SIZE };
	unsigned i = byte() % SEGS, b = byte(), f = byte();
	int key = f & 2 ? KEY + ((f >> 2) & 1) : IPC_PRIVATE;
	int flags = (f & 1 ? SHM_HUGETLB : 0) | (f & 8 ? IPC_EXCL : 0) |
	    (f & 0x10 ? 0 : IPC_CREAT) | 0600;
	int id;

	if (segs[i] >= 0 || !creation_affordable(sizes[b % 16], f & 1))
		return;
	id = shm_get(key, sizes[b % 16], flags, 1);
	if (id >= 0)
		segs[i] = id;
}

/* Flag byte: 1 at an address (else where the kernel chooses), 2
 * SHM_RDONLY, 4 SHM_REMAP (replace what is there; refused without an
 * address), 0x20 check the new attachment. */
static void op_shmat(void)
{
	struct vm_map *m = map();
	int id = shmid();
	unsigned b = byte();
	vaddr_t a = addr(), out;
	int flags = (b & 2 ? SHM_RDONLY : 0) | (b & 4 ? SHM_REMAP : 0);
	struct shmid_ds ds;

	if (!m || shm_at(m, id, b & 1 ? a : 0, flags, 1, &out) != 0)
		return;
	last_va = out;
	last_prot = b & 2 ? PROT_READ : PROT_READ | PROT_WRITE;
	if ((b & 0x20) && shm_ctl(id, IPC_STAT, &ds) == 0)
		check_usable(m, out, ds.shm_segsz, b & 2 ? PROT_READ : PROT_READ | PROT_WRITE);
}

static void op_shmdt(void)
{
	struct vm_map *m = map();
	vaddr_t a = addr();

	if (m)
		shm_dt(m, a, 1);
}

/* IPC_RMID (the segment lives on while attached), IPC_STAT or a bad
 * command. */
static void op_shmctl(void)
{
	unsigned i = byte() % SEGS, b = byte();
	struct shmid_ds ds;

	if (segs[i] < 0)
		return;
	if (b % 3 == 0) {
		shm_ctl(segs[i], IPC_RMID, NULL);
		segs[i] = -1;
	} else {
		shm_ctl(segs[i], b % 3 == 1 ? IPC_STAT : 77, &ds);
	}
}

/* A user write of v at a (read back at once), or with v odd a read. */
static void access_at(struct vm_map *m, vaddr_t a, uint64_t v)
{
	uint64_t got;

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

/* An address of a few words' spread, and a value (its low bit: read). */
static vaddr_t access_addr(void)
{
	vaddr_t a = addr();

	return a + (byte() % 8) * 8;
}

static uint64_t access_value(void)
{
	unsigned lo = byte();

	return 0x1000000000000000ULL | lo | (uint64_t)byte() << 8;
}

static void op_access(void)
{
	struct vm_map *m = map();
	vaddr_t a = access_addr();
	uint64_t v = access_value();

	if (m)
		access_at(m, a, v);
}

/*
 * A fault while a mapping is split: mprotect of a range to other rights
 * (its entry splits), an access anywhere, then mprotect of the range back
 * to the rights the last mapping was made with (inside that mapping the
 * entries merge again). What the fault built for the split entries must
 * stay right for the merged one, and for every later fault in it.
 */
static void op_split_access_merge(void)
{
	struct vm_map *m = map();
	vaddr_t r, a;
	uint64_t l, v;
	int p;

	range(&r, &l);
	p = prot();
	a = access_addr();
	v = access_value();
	if (!m || vm_mprotect(m, r, l, p) != 0)
		return;
	access_at(m, a, v);
	vm_mprotect(m, r, l, last_prot);
}

/* The VM sysctls, each to any of its values. */
static void op_switch(void)
{
	int *const knobs[] = { &pmap_mmu_optimize, &pmap_share_pd, &pmap_prelink, &shm_use_phys };
	static const long reserves[] = { 0, 1, 16, 1024 };   /* 2 MiB blocks; 1024: all */
	unsigned b = byte(), v = b / 6;

	if (b % 6 == 4)
		vm_largepages = v % 3;
	else if (b % 6 == 5)
		vm_largepage_reserve_set(reserves[v % 4]);
	else
		*knobs[b % 6] = v & 1;
}

/*
 * The input's first byte: vm.largepages (0, 1, 2) and kern.ipc.shm_use_phys
 * at the start. Large pages change every path (leaves, mirrors, copies),
 * so a third of the inputs start with them everywhere instead of waiting
 * for an op_switch to turn them on.
 */
static void start_switches(void)
{
	unsigned b = byte();

	vm_largepages = b % 3;
	shm_use_phys = (b / 3) % 2 == 0;
}

/*
 * vm_verify(), which allocates: when vm.largepage_reserve leaves it no
 * memory (-ENOMEM: nothing was checked) it runs again with the reserve
 * lifted for the moment, then set again as far as it can be. -ENOMEM even
 * then (the memory is full) leaves this operation unchecked.
 */
static bool verify_ok(void)
{
	int err = vm_verify(report, sizeof(report)), kept = vm_largepage_reserve;

	if (err == -ENOMEM && kept) {
		vm_largepage_reserve_set(0);
		err = vm_verify(report, sizeof(report));
		vm_largepage_reserve_set(kept);
	}
	return err == 0 || err == -ENOMEM;
}

/* For the next operation: N page allocations succeed, later ones fail. */
static long budget = -1;

static void op_fail_after(void)
{
	budget = byte() % 16;
}

static void (*const ops[])(void) = {
	op_lifetime, op_mmap, op_mmap, op_munmap, op_mprotect, op_split_access_merge,
	op_shmget, op_shmat, op_shmdt, op_shmctl, op_access, op_access, op_access,
	op_switch, op_fail_after,
};

/*
 * State feedback. Coverage tells libFuzzer which code an input ran, not
 * which shapes of page tables it left behind, and some bugs need a shape
 * that no new code leads to (say, a leaf mirror still without copies in a
 * map that also links a GiB). After every operation the shape of each live
 * map (its 2 MiB links, GiB links, leaf mirrors and leaf copies, each as
 * 0, 1, 2-3 or more) with vm.largepages bumps one of these counters, which
 * libFuzzer reads as coverage of its own: an input that reaches a new shape
 * joins the corpus even when it ran no new code.
 */
static uint8_t shapes[4 * 4 * 4 * 4 * 3]
    __attribute__((used, section("__libfuzzer_extra_counters")));

static unsigned bucket(uint64_t n)
{
	return n == 0 ? 0 : n == 1 ? 1 : n < 4 ? 2 : 3;
}

static void note_shapes(void)
{
	for (int i = 0; i < MAPS; i++) {
		struct vmstat st;
		unsigned k;

		if (!maps[i])
			continue;
		st = vmt_map_stat(maps[i]);
		k = ((bucket(st.links_pde) * 4 + bucket(st.links_pdpte)) * 4 +
		    bucket(st.leaf_mirrors)) * 4 + bucket(st.leaf_copies);
		k = k * 3 + (unsigned)vm_largepages % 3;
		if (shapes[k] < 255)
			shapes[k]++;
	}
}

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
	const int defaults[] = { pmap_mmu_optimize, pmap_share_pd, pmap_prelink, shm_use_phys,
		vm_largepages };
	struct vmt_snap s;
	int i, n;

	in = data;
	in_left = size;
	for (i = 0; i < SEGS; i++)
		segs[i] = -1;
	last_va = WINDOW;
	last_prot = PROT_READ | PROT_WRITE;
	range_va = WINDOW;
	range_len = PAGE_SIZE;
	vmt_begin(&s);
	maps[0] = vm_map_create();
	start_switches();
	for (n = 0; in_left && n < MAX_OPS; n++) {
		void (*op)(void) = ops[byte() % (sizeof(ops) / sizeof(ops[0]))];

		page_fail_after(op == op_fail_after ? -1 : budget);
		op();
		if (op != op_fail_after)
			budget = -1;
		page_fail_after(-1);     /* the checker allocates too */
		if (!verify_ok())
			fail("vm_verify failed");
		note_shapes();
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
	vm_largepages = defaults[4];
	vm_largepage_reserve_set(0);
	if (!vmt_clean(&s)) {
		snprintf(report, sizeof(report), "(counts above)");
		fail("pages, objects or segments leaked");
	}
	return 0;
}
