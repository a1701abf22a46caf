/*
 * fuzz: random system calls with hostile arguments from several processes.
 *
 *	fuzz [-s SEED] [-n ITERS] [-p PROCS] [-w US]
 *
 * PROCS workers (default 4) make ITERS calls each (default 2000), chosen by
 * a PRNG seeded from SEED (default: the cycle counter) and the worker's
 * number, so a run is repeated by giving the seed it printed (only the
 * interleaving of the workers differs). Arguments are hostile: NULL,
 * unmapped, kernel, direct-map and non-canonical pointers, read-only
 * buffers, zero, huge and negative sizes, unaligned addresses, random ids,
 * flags and syscall numbers (out of range too). mmap, munmap, mprotect,
 * shmat and shmdt work on live mappings in the worker's arena, a fixed
 * window of its address space, and the worker keeps a shadow of what the
 * kernel said is mapped there with which rights: it touches those pages, so
 * a kernel that reports a change it did not make (or makes one it did not
 * report) kills the worker, and that is a failure. The shadow keeps what
 * the kernel honours, as Linux does: only the read, write and exec bits of
 * mmap's protection, and a mapping or segment on 2 MiB pages in whole ones
 * (their sizes are rounded up). mmap also asks for
 * 2 MiB pages (MAP_HUGETLB; shmget SHM_HUGETLB), GiB lengths (placed by the
 * kernel, touched sparsely) and offsets of anonymous memory (ignored, as
 * on Linux: the whole mapping must stay usable). Workers also fork
 * short-lived children (which they may kill, and which therefore never
 * create a shm segment: only their creator could log it for removal) and
 * run threads. The children that never have threads also work on files
 * in /tmp/fuzz (open with random flags, read, write, seek, truncate, list,
 * link, rename, remove; see call_fs), which the run removes at its end,
 * read /proc, and make pipes which they poll, dup and fcntl. Every process
 * also makes the Linux calls busybox's glibc makes beyond memory and files
 * (getrandom, sysinfo, uname, prlimit64 and rt_sigprocmask that only read,
 * poll and select that do not wait, getgroups, prctl; call_linux).
 * Some children are racers: they start threads that return
 * at once (or exit, or make a few calls first) and meanwhile exec
 * /usr/bin/nop or this program in its child mode, exit, or fork and unmap
 * memory, or one of the threads execs (alone, or with the main thread at
 * once), so that exec, exit, fork and TLB shootdowns meet threads that are
 * leaving their CPUs.
 *
 *	fuzz -c SEED     (child mode: what a racer execs)
 *
 * makes KID_CALLS calls as a worker's child does, with counters of its own,
 * and exits 1 if a result broke a rule. -w US sets the kernel's test hook
 * debug.thread_exit_delay_us (KDEBUG builds) to US for the run and back
 * after it: every thread then stays US microseconds on its CPU after
 * leaving its process, so that the racers' exec and exit meet leaving
 * threads every time instead of by luck.
 *
 * Never called: exit of a worker, poweroff, ktest, kill of a process that
 * is not the caller's child (but signal 0, harmless, to the caller's group
 * and to everyone), a sysctl write that could succeed (but -w's,
 * before and after the run), exec of a program other than /usr/bin/nop and
 * /usr/bin/fuzz -c, write() of a readable buffer to the console (noise),
 * read() of the console into a writable buffer (it would wait for input).
 *
 * Rules checked on every result: a failure is a known -E code; a syscall
 * number out of range gives -ENOSYS; some calls whose outcome is certain
 * (a kernel pointer to clock(), an out-of-range sysctl value, an
 * unaligned offset) give exactly the right code; pmap_verify() never finds
 * a broken invariant; a child that ends on its own exits 0 (one a worker
 * killed shows SIGKILL; a memory fault, SIGSEGV, is a failure).
 *
 * Afterwards, with every worker gone and the segments the run created
 * removed: pmap_verify() is clean and the free pages, VM objects and shm
 * segments are back at their starting counts. The last line says so:
 *
 *	fuzz: seed=S iters=N procs=P calls=C racers=R ms=T unexpected=0 leaked_pages=0 verify=ok
 *
 * Exit status 0 when all of that holds, 1 otherwise.
 */
#include <dirent.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "utest.h"

#define USER_END     0x0000800000000000UL  /* first address past user space */
#define ARENA_BASE   0x0000500000000000UL  /* 1 GiB aligned, above mmap's area */
#define ARENA_PAGES  8192                  /* 32 MiB of address space */
#define ARENA_SIZE   (ARENA_PAGES * PAGE_SIZE)
#define SEG          (2UL << 20)           /* one page-table page's reach */
#define KEY_BASE     0x46755a00            /* the run's shm keys: KEY_BASE + 0..7 */
#define NKEYS        8
#define LOG_SLOTS    1000                  /* shm ids that may still exist */
#define MAX_KIDS     4                     /* children per worker at once */
#define MAX_TIDS     4                     /* threads per worker at once */
#define MAX_EXTRAS   8                     /* mappings placed by the kernel */
#define MAX_ATTACH   15                    /* shm attachments in the arena */
#define KID_CALLS    40                    /* calls a worker's child makes */
#define THREAD_CALLS 40                    /* calls a thread makes */
#define RACER_THREADS 6                    /* most threads a racer starts */
#define RACER_CALLS  4                     /* most calls a racer's thread makes */
#define HUGE_MAX     (2 * SEG)             /* largest MAP_HUGETLB mapping (allocated
                                              whole at once; the guest has 1 GiB) */
#define HUGE_SLOTS   256                   /* SHM_HUGETLB segments a run may create */
#define REPORT_MAX   10                    /* unexpected results printed per process */
#define HANG_MS      (10 * 60 * 1000)      /* a worker this slow is hung */

/* Arena shadow: per page, MAPPED | PROT_* and the attachment slot (+1). */
#define MAPPED 0x80
struct page_state {
	uint8_t prot;
	uint8_t att;        /* 0: not a shmat attachment; else slot + 1 */
};

/* A mapping the kernel placed outside the arena (mmap or shmat without address). */
struct extra {
	uint64_t addr, len;
	int prot;
	bool shm;           /* detach with shmdt, not munmap */
};

/* Shared by every process of the run (a MAP_SHARED page made before forking). */
struct shared {
	uint64_t calls;          /* system calls made */
	uint64_t racers;         /* racers forked (see racer()) */
	uint64_t unexpected;     /* results that broke a rule */
	int shm_ids[LOG_SLOTS];  /* segments created by the run; -1: free slot */
	/* The segments on 2 MiB pages, which IPC_STAT does not tell apart;
	 * ids are not reused, so they stay listed after removal. */
	int huge_ids[HUGE_SLOTS];  /* -1: no segment (yet) */
	int nhuge;                 /* slots of huge_ids handed out */
};

/* Pointers the kernel must refuse (except 0x1000 and the last one: unmapped). */
static const uint64_t bad_ptrs[] = {
	0,                      /* NULL */
	0x1000,                 /* user space, never mapped */
	0x00007ffffffffff8,     /* last user bytes: a range crosses USER_TOP */
	0x0000800000000000,     /* first non-canonical address */
	0x8000000000000000,     /* non-canonical */
	0xffff800000000000,     /* the direct map (physical 0) */
	0xffff800000100000,     /* the direct map (the kernel, physically) */
	0xffffffff80000000,     /* the kernel image */
	0xfffffffffffffff0,     /* wraps around the end of the address space */
};

/* Sizes: zero, tiny, unaligned, huge, negative, past the end. */
static const uint64_t odd_sizes[] = {
	0, 1, 7, 4095, 4097, 1UL << 47, 1UL << 63, (uint64_t)-1,
	(uint64_t)-4096, 0x00007ffffffff000,
};

/* Knob names the kernel does not have (the real ones come from sysctl_list). */
static const char *const unknown_knobs[] = {
	"machdep.nope", "", "machdep.pmap_mmu_optimize.x",
	"a.name.longer.than.the.kernel.buffer.of.sixty.four.bytes.for.names",
};
#define MAX_KNOBS 32

/* Values out of every knob's range: a range is a pair of ints. */
static const long bad_values[] = {
	(long)0x7fffffff + 1, -(long)0x7fffffff - 2, (long)(~0UL >> 1), (long)(1UL << 63),
};

static struct shared *sh;
static char knobs[MAX_KNOBS][64];   /* the kernel's knob names */
static int nknobs;
static struct page_state shadow[ARENA_PAGES];
static uint64_t attach_addr[MAX_ATTACH];  /* 0: free slot */
static struct extra extras[MAX_EXTRAS];
static int nextras;
static int kids[MAX_KIDS], nkids;
static pthread_t tids[MAX_TIDS];
static int ntids;
static int who;                 /* worker number, for messages */
static bool is_kid;             /* a worker's child: no fork or threads */
static bool fs_calls;           /* a child with no thread, ever: call_fs() may open files */
static uint64_t rng_main;       /* the worker's (or child's) PRNG state */
static int reported;            /* unexpected results printed so far */

/* Output buffer for calls that write to user memory; larger than any
 * length used with it (DUMP_MAX in the kernel is 64 KiB). */
static char scratch[68 * 1024];

/* ---- random choices ---- */

/* Each thread of a worker has its own state s (rand_next_r). */
static uint64_t below(uint64_t *s, uint64_t n)
{
	return rand_next_r(s) % n;
}

static bool chance(uint64_t *s, int percent)
{
	return (int)below(s, 100) < percent;
}

#define ALIGN_PAGE(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define ALIGN_SEG(x)  (((x) + SEG - 1) & ~(SEG - 1))
/* The protection bits mmap honours; it ignores the others, as Linux does. */
#define PROT_RWX      (PROT_READ | PROT_WRITE | PROT_EXEC)
#define PICK(s, array) ((array)[below((s), ARRAY_SIZE(array))])

/* A seed for worker or child i derived from seed (splitmix64 step). */
static uint64_t derive(uint64_t seed, uint64_t i)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (i + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) | 1;
}

/* A pointer the kernel only writes through: hostile, read-only, the
 * scratch buffer or somewhere in the arena (mapped or not). */
static uint64_t out_ptr(uint64_t *s)
{
	switch (below(s, 4)) {
	case 0:
		return (uint64_t)(uintptr_t)&below;       /* program text: read-only */
	case 1:
		return (uint64_t)(uintptr_t)scratch;
	case 2:
		return ARENA_BASE + below(s, ARENA_SIZE);
	}
	return PICK(s, bad_ptrs);
}

/*
 * The length to give with out_ptr()'s p: len, but no more than the scratch
 * buffer when p is it, so that a call that fills all it is given (a read
 * of /dev/zero, getrandom) never writes over the program's own variables.
 */
static uint64_t fit(uint64_t p, uint64_t len)
{
	return p == (uint64_t)(uintptr_t)scratch ? MIN(len, sizeof(scratch)) : len;
}

/* A pointer to a string the kernel reads: hostile, text bytes or a name. */
static uint64_t in_str(uint64_t *s, const char *good)
{
	switch (below(s, 3)) {
	case 0:
		return (uint64_t)(uintptr_t)&below;
	case 1:
		return (uint64_t)(uintptr_t)good;
	}
	return PICK(s, bad_ptrs);
}

static uint64_t any_size(uint64_t *s)
{
	return chance(s, 50) ? PICK(s, odd_sizes) : below(s, 3 * PAGE_SIZE);
}

/* ---- results ---- */

/* Is r a success or one of the kernel's error codes? */
static bool known_result(long r)
{
	return r >= 0 || strcmp(errname(r), "EUNKNOWN") != 0;
}

/*
 * Counts one call; a result that breaks a rule (ok false) is counted as
 * unexpected and, for the first few, printed with the call.
 */
static void expect(bool ok, long r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void expect(bool ok, long r, const char *fmt, ...)
{
	char call[160];
	va_list ap;

	__atomic_fetch_add(&sh->calls, 1, __ATOMIC_RELAXED);
	if (ok && known_result(r))
		return;
	__atomic_fetch_add(&sh->unexpected, 1, __ATOMIC_RELAXED);
	if (__atomic_fetch_add(&reported, 1, __ATOMIC_RELAXED) >= REPORT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	printf("fuzz: worker %d pid %d: unexpected: %s = %ld (%s)\n", who,
	    getpid(), call, r, r < 0 ? errname(r) : "success");
}

#define SYS(n, a, b, c, d, e, f) \
	syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* ---- the shm id log: segments the run created, to remove at the end ---- */

/* Logs a segment id; a release, so that its huge_ids entry, stored
 * before, is seen by whoever finds the id in the log (any_shmid). */
static void log_id(int id)
{
	int i;

	for (i = 0; i < LOG_SLOTS; i++)
		if (__atomic_load_n(&sh->shm_ids[i], __ATOMIC_RELAXED) == id)
			return;
	for (i = 0; i < LOG_SLOTS; i++) {
		int free_slot = -1;

		if (__atomic_compare_exchange_n(&sh->shm_ids[i], &free_slot, id,
		    false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return;
	}
	printf("fuzz: shm id log full: segment %d may be left behind\n", id);
}

static void unlog_id(int id)
{
	int i;

	for (i = 0; i < LOG_SLOTS; i++) {
		int expected = id;   /* a failed exchange overwrites it */

		__atomic_compare_exchange_n(&sh->shm_ids[i], &expected, -1, false,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	}
}

/*
 * A slot of sh->huge_ids for the segment an SHM_HUGETLB shmget may create,
 * or -1 when they are all handed out (the call must then create none).
 */
static int huge_slot(void)
{
	int i = __atomic_fetch_add(&sh->nhuge, 1, __ATOMIC_RELAXED);

	return i < HUGE_SLOTS ? i : -1;
}

/* Was segment id created with SHM_HUGETLB (on 2 MiB pages)? */
static bool is_huge(int id)
{
	int i;

	for (i = 0; i < HUGE_SLOTS; i++)
		if (__atomic_load_n(&sh->huge_ids[i], __ATOMIC_RELAXED) == id)
			return true;
	return false;
}

/* A segment id: one the run made (maybe removed since) or a hostile one. */
static int any_shmid(uint64_t *s)
{
	static const int bad_ids[] = { -1, -128, 0x7fffffff, 0x7fffff80 };
	int i, id;

	if (chance(s, 20))
		return PICK(s, bad_ids);
	for (i = 0; i < 8; i++) {
		id = __atomic_load_n(&sh->shm_ids[below(s, 64)], __ATOMIC_ACQUIRE);
		if (id >= 0)
			return id;
	}
	return PICK(s, bad_ids);
}

/* ---- the arena shadow ---- */

/* Is [addr, addr + len) a page-aligned range inside the arena? */
static bool in_arena(uint64_t addr, uint64_t len)
{
	return (addr & (PAGE_SIZE - 1)) == 0 && addr >= ARENA_BASE && len > 0 && len <= ARENA_SIZE &&
	    addr - ARENA_BASE <= ARENA_SIZE - len;
}

/* Records [addr, addr + len) of the arena as mapped with prot (or not). */
static void shadow_set(uint64_t addr, uint64_t len, uint8_t prot, uint8_t att)
{
	uint64_t p;

	for (p = (addr - ARENA_BASE) / PAGE_SIZE;
	    p < (addr - ARENA_BASE + len) / PAGE_SIZE; p++) {
		shadow[p].prot = prot;
		shadow[p].att = att;
	}
}

/* Is every page of [addr, addr + len) of the arena mapped? */
static bool shadow_all_mapped(uint64_t addr, uint64_t len)
{
	uint64_t p;

	for (p = (addr - ARENA_BASE) / PAGE_SIZE;
	    p < (addr - ARENA_BASE + len) / PAGE_SIZE; p++)
		if (!(shadow[p].prot & MAPPED))
			return false;
	return true;
}

/* A page-aligned range inside the arena: a few pages, a segment or more,
 * or everything. */
static void arena_range(uint64_t *s, uint64_t *addr, uint64_t *len)
{
	uint64_t a, l;

	switch (below(s, 4)) {
	case 0:     /* 2 MiB aligned, a segment or a page more or less */
		a = ARENA_BASE + below(s, ARENA_SIZE / SEG) * SEG;
		l = SEG * (1 + below(s, 2)) + (below(s, 3) - 1) * PAGE_SIZE;
		break;
	case 1:
		a = ARENA_BASE;
		l = ARENA_SIZE;
		break;
	default:
		a = ARENA_BASE + below(s, ARENA_PAGES) * PAGE_SIZE;
		l = (1 + below(s, 64)) * PAGE_SIZE;
	}
	*addr = a;
	*len = MIN(l, ARENA_BASE + ARENA_SIZE - a);
}

/* An address mmap and shmat refuse: unaligned, or outside user space
 * (never a user page: page 0x1000 must stay unmapped). */
static uint64_t bad_addr(uint64_t *s)
{
	uint64_t a = PICK(s, bad_ptrs);

	return a < USER_END ? ARENA_BASE + 1 + below(s, PAGE_SIZE - 1) : a;
}

/* A range that must be refused: unaligned, empty, outside user space. */
static void bad_range(uint64_t *s, uint64_t *addr, uint64_t *len)
{
	switch (below(s, 4)) {
	case 0:
		*addr = ARENA_BASE + 1 + below(s, PAGE_SIZE - 1);
		*len = PAGE_SIZE;
		break;
	case 1:
		*addr = ARENA_BASE;
		*len = chance(s, 50) ? 0 : (uint64_t)-PAGE_SIZE;
		break;
	case 2:
		*addr = ARENA_BASE;
		*len = USER_END - ARENA_BASE + PAGE_SIZE;
		break;
	default:
		*addr = bad_addr(s);
		*len = chance(s, 50) ? PAGE_SIZE : PICK(s, odd_sizes);
	}
}

/* Notes a mapping the kernel placed: in the arena, or as an extra. */
static void note_mapping(uint64_t addr, uint64_t len, int prot, bool shm, int att)
{
	len = ALIGN_PAGE(len);
	if (in_arena(addr, len)) {
		shadow_set(addr, len, MAPPED | prot, att);
		return;
	}
	/* Only MAP_FIXED (inside the arena) or the kernel's own choice
	 * (outside it) place mappings: never across its edge. */
	expect(addr + len <= ARENA_BASE || addr >= ARENA_BASE + ARENA_SIZE, 0,
	    "mapping at 0x%lx, 0x%lx bytes, overlaps the arena", (long)addr, (long)len);
	if (nextras == MAX_EXTRAS) {       /* drop the oldest */
		long r = extras[0].shm ? sys_shmdt((void *)extras[0].addr)
		                       : sys_munmap((void *)extras[0].addr, extras[0].len);
		expect(r == 0, r, "release extra 0x%lx", (long)extras[0].addr);
		memmove(&extras[0], &extras[1], sizeof(extras[0]) * --nextras);
	}
	extras[nextras++] = (struct extra){ addr, len, prot, shm };
}

/* Touches a few pages the shadow says are mapped, as their rights allow. */
static void call_touch(uint64_t *s)
{
	volatile uint64_t *p;
	int i;

	for (i = 0; i < 8; i++) {
		uint64_t page = below(s, ARENA_PAGES), va;
		int prot = shadow[page].prot;

		va = ARENA_BASE + page * PAGE_SIZE;
		if (nextras && chance(s, 30)) {
			struct extra *x = &extras[below(s, nextras)];
			va = x->addr + below(s, x->len / PAGE_SIZE) * PAGE_SIZE;
			prot = MAPPED | x->prot;
		}
		if (!(prot & MAPPED) || prot == MAPPED)
			continue;            /* unmapped or PROT_NONE */
		p = (volatile uint64_t *)(va + below(s, PAGE_SIZE / 8) * 8);
		if ((prot & PROT_WRITE) && chance(s, 50))
			*p = rand_next_r(s);
		else
			(void)*p;
	}
}

/* ---- calls on the arena (main thread of a worker or child only) ---- */

/* The fuzzer's own mark in a flag set: map a segment through shm_map. */
#define FZ_SHM (1 << 30)

/*
 * A length for a mapping the kernel places: pages, 2 MiB segments up to a
 * GiB, or GiBs (anonymous memory comes on touch, and touches are sparse);
 * for MAP_HUGETLB, allocated whole at once, at most HUGE_MAX.
 */
static uint64_t placed_len(uint64_t *s, int flags)
{
	static const uint64_t gibs[] = { 1UL << 30, (1UL << 30) + SEG, 2UL << 30, 3UL << 30 };
	static const uint64_t huge[] = { SEG, HUGE_MAX, SEG + PAGE_SIZE };

	if (flags & MAP_HUGETLB)
		return PICK(s, huge);
	if (chance(s, 80))
		return (1 + below(s, 16)) * PAGE_SIZE;
	return chance(s, 70) ? SEG << below(s, 10) : PICK(s, gibs);
}

/* An offset for anonymous memory: ignored when page aligned (as on Linux),
 * refused (-EINVAL) otherwise. */
static uint64_t anon_offset(uint64_t *s)
{
	static const uint64_t offs[] = { PAGE_SIZE, SEG, 3 * SEG, 1UL << 30, 100, 4095 };

	return chance(s, 80) ? 0 : PICK(s, offs);
}

static void call_mmap(uint64_t *s)
{
	static const int flag_sets[] = {
		MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS,
		MAP_SHARED | FZ_SHM, MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB,
		MAP_PRIVATE | FZ_SHM, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, MAP_ANONYMOUS,
		MAP_SHARED | MAP_ANONYMOUS | FZ_SHM, 0x80 | MAP_PRIVATE | MAP_ANONYMOUS,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
	};
	uint64_t addr = 0, len, off = 0;
	int flags = flag_sets[below(s, 4) ? below(s, 4) : below(s, ARRAY_SIZE(flag_sets))];
	int prot = chance(s, 90) ? (int)below(s, 8) : (int)rand_next_r(s);
	int shmid = -1;
	bool refused = false;    /* MAP_FIXED at a bad range: must fail */
	long r;

	if (chance(s, 70)) {
		arena_range(s, &addr, &len);
		flags |= MAP_FIXED;
		if ((flags & MAP_HUGETLB) && len > HUGE_MAX)
			len = HUGE_MAX;
	} else if (chance(s, 70)) {
		len = placed_len(s, flags);
	} else if (chance(s, 50)) {
		bad_range(s, &addr, &len);
		refused = true;
		flags |= MAP_FIXED;
	} else {                 /* a hint the kernel may ignore, a size that fits or not */
		addr = bad_addr(s);
		len = chance(s, 50) ? PAGE_SIZE : PICK(s, odd_sizes);
		refused = len == 0 || len >= 0x00007ffffffff000;   /* never fits */
	}
	if (flags & FZ_SHM) {
		shmid = any_shmid(s);
		off = chance(s, 70) ? below(s, 4) * (chance(s, 50) ? SEG : PAGE_SIZE)
		                    : PICK(s, odd_sizes);
	} else {
		off = anon_offset(s);
		refused |= (off & (PAGE_SIZE - 1)) != 0;
	}
	refused |= (flags & MAP_HUGETLB) && (flags & MAP_PRIVATE);
	if (flags & FZ_SHM)
		r = SYS(SYS_shm_map, shmid, addr, len, prot, flags & ~FZ_SHM, off);
	else
		r = SYS(NR_mmap, addr, len, prot, flags, -1, off);
	expect(!refused || r < 0, r, "mmap(0x%lx, 0x%lx, %d, 0x%x, %d, 0x%lx)", (long)addr,
	    (long)len, prot, flags, shmid, (long)off);
	if (r >= 0)
		note_mapping((uint64_t)r, (flags & MAP_HUGETLB) ? ALIGN_SEG(len) : len,
		    prot & PROT_RWX, false, 0);
}

static void call_munmap(uint64_t *s)
{
	uint64_t addr, len;
	long r;

	if (nextras && chance(s, 20)) {
		struct extra *x = &extras[below(s, nextras)];
		if (x->shm)
			return;
		r = sys_munmap((void *)x->addr, x->len);
		expect(r == 0, r, "munmap(extra 0x%lx, 0x%lx)", (long)x->addr, (long)x->len);
		*x = extras[--nextras];
		return;
	}
	if (chance(s, 80))
		arena_range(s, &addr, &len);
	else
		bad_range(s, &addr, &len);
	r = SYS(NR_munmap, addr, len, 0, 0, 0, 0);
	/* In the arena only the entry limit may refuse it (holes are fine). */
	expect(!in_arena(addr, len) || r == 0 || r == -ENOMEM, r, "munmap(0x%lx, 0x%lx)",
	    (long)addr, (long)len);
	if (r == 0 && in_arena(addr, len))
		shadow_set(addr, len, 0, 0);
}

static void call_mprotect(uint64_t *s)
{
	uint64_t addr, len, p;
	int prot = chance(s, 90) ? (int)below(s, 8) : (int)rand_next_r(s);
	long r;

	if (chance(s, 80))
		arena_range(s, &addr, &len);
	else
		bad_range(s, &addr, &len);
	r = SYS(NR_mprotect, addr, len, prot, 0, 0, 0);
	/* Over a hole the answer must be -ENOMEM. */
	expect(r != 0 || !in_arena(addr, len) || shadow_all_mapped(addr, len), r,
	    "mprotect(0x%lx, 0x%lx, %d) over a hole", (long)addr, (long)len, prot);
	if (r == 0 && in_arena(addr, len))
		for (p = (addr - ARENA_BASE) / PAGE_SIZE; p < (addr - ARENA_BASE + len) / PAGE_SIZE; p++)
			shadow[p].prot = MAPPED | (prot & PROT_RWX);   /* PROT_SEM means nothing */
}

/* A free attachment slot, collecting slots whose pages are all gone. */
static int free_attach_slot(void)
{
	bool used[MAX_ATTACH] = { false };
	int i;

	for (i = 0; i < MAX_ATTACH; i++)
		if (!attach_addr[i])
			return i;
	for (i = 0; i < ARENA_PAGES; i++)
		if (shadow[i].att)
			used[shadow[i].att - 1] = true;
	for (i = 0; i < MAX_ATTACH; i++)
		if (!used[i]) {
			attach_addr[i] = 0;
			return i;
		}
	return -1;
}

static void call_shmat(uint64_t *s)
{
	struct shmid_ds ds;
	uint64_t addr = 0, pages;
	int id = any_shmid(s), slot = free_attach_slot(), flags = 0;
	long size = -1, r;

	if (chance(s, 30))
		flags = SHM_RDONLY;
	else if (chance(s, 10))
		flags = (int)rand_next_r(s);
	/* The size first: a segment never changes size, and its id is not reused.
	 * One on 2 MiB pages is attached whole, beyond shm_segsz. */
	if (sys_shmctl(id, IPC_STAT, &ds) == 0)
		size = (long)(is_huge(id) ? ALIGN_SEG(ds.shm_segsz) : ALIGN_PAGE(ds.shm_segsz));
	pages = size > 0 ? (uint64_t)size / PAGE_SIZE : 0;
	if (slot >= 0 && pages && pages <= ARENA_PAGES && chance(s, 60)) {
		/* Inside the arena (busy or not): 2 MiB aligned or not. */
		addr = ARENA_BASE + below(s, ARENA_PAGES - pages + 1) * PAGE_SIZE;
		if (chance(s, 50) && (addr & ~(SEG - 1)) + size <= ARENA_BASE + ARENA_SIZE)
			addr &= ~(SEG - 1);
	} else if (chance(s, 20)) {
		addr = bad_addr(s);
	}
	r = SYS(NR_shmat, id, addr, flags, 0, 0, 0);
	expect(true, r, "shmat(%d, 0x%lx, 0x%x)", id, (long)addr, flags);
	if (r < 0)
		return;
	if (size < 0) {                  /* removed between the calls: give it back */
		expect(sys_shmdt((void *)r) == 0, 0, "shmdt after shmat of a removed id");
		return;
	}
	if (in_arena((uint64_t)r, size) && slot >= 0)
		attach_addr[slot] = (uint64_t)r;
	note_mapping((uint64_t)r, size, (flags & SHM_RDONLY) ? PROT_READ : PROT_READ | PROT_WRITE,
	    true, slot + 1);
}

static void call_shmdt(uint64_t *s)
{
	uint64_t addr;
	int i = (int)below(s, MAX_ATTACH), j, p;
	long r;

	if (nextras && chance(s, 30)) {
		struct extra *x = &extras[below(s, nextras)];
		if (!x->shm)
			return;
		r = sys_shmdt((void *)x->addr);
		expect(r == 0, r, "shmdt(extra 0x%lx)", (long)x->addr);
		*x = extras[--nextras];
		return;
	}
	addr = attach_addr[i];
	if (!addr || chance(s, 20))      /* odd: never an attachment */
		addr = chance(s, 50) ? (ARENA_BASE + below(s, ARENA_SIZE)) | 1 : PICK(s, bad_ptrs);
	r = SYS(NR_shmdt, addr, 0, 0, 0, 0, 0);
	expect(r != 0 || addr == attach_addr[i], r, "shmdt(0x%lx)", (long)addr);
	if (r != 0 || addr != attach_addr[i])
		return;
	for (j = 0; j < MAX_ATTACH; j++) {     /* the same address may be in two slots */
		if (attach_addr[j] != addr)
			continue;
		for (p = 0; p < ARENA_PAGES; p++)
			if (shadow[p].att == j + 1)
				shadow[p] = (struct page_state){ 0, 0 };
		attach_addr[j] = 0;
	}
}

/* ---- process calls (main thread only) ---- */

enum { ANY = 1, MAIN = 2 };   /* who may make the call: any thread, main thread */

static void run_calls(uint64_t *s, int n);
static void random_calls(uint64_t *s, int n, int mask);

/*
 * Forks a child of this worker, counted among its kids (it may be killed
 * too), that runs body(seed) and never returns; `what` names the fork in
 * a report. Returns the pid, 0 when no kid may be made, or -E.
 */
static int fork_kid(uint64_t *s, void (*body)(uint64_t seed), const char *what)
{
	uint64_t seed = rand_next_r(s);
	int pid;

	if (is_kid || nkids == MAX_KIDS)
		return 0;
	pid = fork();
	if (pid < 0)
		pid = -errno;
	expect(true, pid, "%s", what);
	if (pid == 0)
		body(seed);
	if (pid > 0)
		kids[nkids++] = pid;
	return pid;
}

static void __attribute__((noreturn)) kid(uint64_t seed)
{
	is_kid = true;
	fs_calls = true;         /* no threads here */
	nkids = ntids = 0;       /* the worker's, not ours */
	rng_main = seed;
	run_calls(&rng_main, KID_CALLS);
	_exit(0);
}

static void call_fork(uint64_t *s)
{
	fork_kid(s, kid, "fork()");
}

static char *const true_argv[] = { "nop", NULL };
static int thread_execs;    /* a racer: one of its threads is to exec */

/* exec from a racer: the other threads end (as on Linux); it returns only
 * on failure, which is unexpected. */
static void __attribute__((noreturn)) racer_exec(const char *path, char *const argv[])
{
	long r = sys_execve(path, argv, environ);

	expect(false, r, "exec(%s) in a racer", path);
	_exit(0);
}

/*
 * The threads of a racer: return at once, or after a few calls; some end
 * by pthread_exit(); the first to see thread_execs set execs /usr/bin/nop.
 */
static void *racer_thread(void *arg)
{
	uint64_t s = (uint64_t)arg | 1;

	if (chance(&s, 30))
		random_calls(&s, 1 + (int)below(&s, RACER_CALLS), ANY);
	if (__atomic_exchange_n(&thread_execs, 0, __ATOMIC_ACQ_REL))
		racer_exec("/usr/bin/nop", true_argv);
	if (chance(&s, 30))
		pthread_exit(NULL);
	return NULL;
}

/*
 * A racer (a worker's child): maps and touches some memory, starts threads
 * that return at once or soon, and while they leave their CPUs: execs
 * /usr/bin/nop or /usr/bin/fuzz -c (after unmapping the memory), exits (the
 * threads die wherever they are), forks a child that exits and unmaps the
 * memory, lets one of its threads exec while it sleeps, or execs at the
 * same time as that thread (one of the two wins). Its own results go to
 * the run's counters; an exec'd program reports through its exit status.
 */
static void __attribute__((noreturn)) racer(uint64_t seed)
{
	char arg[24], *fuzz_argv[] = { "fuzz", "-c", arg, NULL };
	uint64_t s = seed, len = (1 + below(&s, 8)) * PAGE_SIZE, off;
	int n = 1 + (int)below(&s, RACER_THREADS), how = (int)below(&s, 6), i, pid, status;
	int flags = (chance(&s, 50) ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, started = 0;
	volatile char *mem = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	long r;

	is_kid = true;           /* no segment it makes could be logged in time */
	nkids = ntids = 0;       /* the worker's, not ours */
	if (!ptr_err((void *)mem))
		for (off = 0; off < len; off += PAGE_SIZE)
			mem[off] = 1;    /* unmapping it then needs shootdowns */
	thread_execs = how >= 4;
	for (i = 0; i < n; i++) {
		pthread_t t;

		r = pthread_create(&t, NULL, racer_thread, (void *)rand_next_r(&s));
		expect(r == 0 || r == EAGAIN || r == ENOMEM, -r, "pthread_create() in a racer");
		started += r == 0;
	}
	if (how == 4 && started) {
		for (i = 0; i < 1000; i++)
			sleep_ms(10);    /* until the thread's exec ends this one */
		expect(false, 0, "exec in a racer's thread left its main thread running");
		_exit(0);
	}
	switch (how) {
	case 0:
	case 4:
	case 5:
		if (!ptr_err((void *)mem))
			sys_munmap((void *)mem, len);
		racer_exec("/usr/bin/nop", true_argv);
	case 1:
		snprintf(arg, sizeof(arg), "%lu", (unsigned long)rand_next_r(&s));
		racer_exec("/usr/bin/fuzz", fuzz_argv);
	case 2:
		_exit(0);        /* the threads die wherever they are */
	}
	pid = fork();
	if (pid < 0)
		pid = -errno;
	expect(pid >= 0, pid, "fork() in a racer");
	if (pid == 0)
		_exit(0);
	if (!ptr_err((void *)mem)) {
		r = sys_munmap((void *)mem, len);
		expect(r == 0, r, "munmap() in a racer");
	}
	if (pid > 0) {
		/*
		 * waitpid gets a statement of its own: in expect()'s arguments
		 * beside `status`, the status may be read before the call (C
		 * leaves the order open), and expect() would judge that stale
		 * stack word as the result. The child exits 0, so the status
		 * must be exactly 0; the mark shows one the kernel never wrote.
		 */
		status = (int)0xdeadbeef;
		r = sys_waitpid(pid, &status, 0);
		expect(r == pid && status == 0, r, "waitpid(%d) in a racer, status 0x%x",
		    pid, status);
	}
	_exit(0);
}

/* Forks a racer; it counts among the children (it may be killed too). */
static void call_racer(uint64_t *s)
{
	if (fork_kid(s, racer, "fork() of a racer") > 0)
		__atomic_fetch_add(&sh->racers, 1, __ATOMIC_RELAXED);
}

/*
 * A child reaped with `status`: one that ended on its own must have
 * exited 0; one a worker killed shows SIGKILL. A memory fault (SIGSEGV)
 * or an exec'd program's failure is unexpected.
 */
static void check_kid(int pid, int status)
{
	expect(WIFEXITED(status) ? WEXITSTATUS(status) == 0 : WTERMSIG(status) == SIGKILL, 0,
	    "child %d ended with status 0x%x", pid, status);
}

/* Forgets child pid once it has been reaped. */
static void forget_kid(int pid)
{
	int i;

	for (i = 0; i < nkids; i++)
		if (kids[i] == pid) {
			kids[i] = kids[--nkids];
			return;
		}
}

static void call_waitpid(uint64_t *s)
{
	static const int bad_pids[] = { 0, -2, 0x7fffffff, 1 };
	int pid = chance(s, 40) && nkids ? kids[below(s, nkids)]
	        : chance(s, 50) ? -1 : PICK(s, bad_pids);
	int i, st, got = 0;    /* got: the status, where the worker's threads do not write */
	uint64_t status = chance(s, 70) ? (uint64_t)(uintptr_t)&got : out_ptr(s);
	int flags = chance(s, 80) ? WNOHANG : chance(s, 50) ? 0 : (int)rand_next_r(s);
	long r;

	if (flags == 0 && nkids == 0)
		flags = WNOHANG;     /* nothing to wait for: do not block on pid 1 */
	r = SYS(NR_wait4, pid, status, flags, 0, 0, 0);
	expect(true, r, "waitpid(%d, 0x%lx, 0x%x)", pid, (long)status, flags);
	if (r > 0 && status == (uint64_t)(uintptr_t)&got)
		check_kid((int)r, got);
	if (r > 0)
		forget_kid((int)r);
	if (r == -EFAULT)   /* a thread unmapped the buffer after the probe: reaped */
		for (i = nkids - 1; i >= 0; i--) {
			r = sys_waitpid(kids[i], &st, WNOHANG);
			if (r == kids[i])
				check_kid(kids[i], st);
			if (r == kids[i] || r == -ECHILD)
				forget_kid(kids[i]);
		}
}

static void call_kill(uint64_t *s)
{
	static const int bad_pids[] = { -100, 0x7fffffff, 1000000, INT_MIN };
	int pid;
	long r;

	if (nkids && chance(s, 50)) {
		pid = kids[below(s, nkids)];
		r = sys_kill(pid, SIGKILL);
		expect(r == 0 || r == -ESRCH, r, "kill(child %d)", pid);
		return;
	}
	if (chance(s, 30)) {
		/*
		 * The caller's group (0) and everyone (-1) hold the test runner
		 * and the other workers: only signal 0, which finds the caller
		 * in its group and its parent among everyone.
		 */
		pid = chance(s, 50) ? 0 : -1;
		r = sys_kill(pid, 0);
		expect(r == 0, r, "kill(%d, 0)", pid);
		return;
	}
	pid = PICK(s, bad_pids);
	r = sys_kill(pid, SIGKILL);
	expect(r == -ESRCH, r, "kill(%d)", pid);
}

static void call_exec(uint64_t *s)
{
	static char *const good_argv[] = { "fuzz", "x", NULL };
	static char *bad_argv[] = { "fuzz", (char *)0xffffffff80000000, NULL };
	static char *many[40] = { [0 ... 38] = "arg" };   /* more than EXEC_MAX_ARGS */
	char path[200];
	uint64_t p, argv;
	long r;

	switch (below(s, 4)) {
	case 0:
		p = (uint64_t)(uintptr_t)"/etc/motd";     /* not an ELF file */
		break;
	case 1:                                         /* no such file */
		snprintf(path, sizeof(path), "/fz/%lx", (long)rand_next_r(s));
		p = (uint64_t)(uintptr_t)path;
		break;
	case 2:                                 /* longer than the kernel's buffer */
		memset(path, 'a', sizeof(path) - 1);
		path[sizeof(path) - 1] = '\0';
		p = (uint64_t)(uintptr_t)path;
		break;
	default:
		p = PICK(s, bad_ptrs);
	}
	switch (below(s, 5)) {
	case 0:
		argv = (uint64_t)(uintptr_t)good_argv;
		break;
	case 1:
		argv = (uint64_t)(uintptr_t)bad_argv;
		break;
	case 2:
		argv = (uint64_t)(uintptr_t)many;
		break;
	case 3:
		argv = 0;
		break;
	default:
		argv = PICK(s, bad_ptrs);
	}
	r = SYS(NR_execve, p, argv, 0, 0, 0, 0);
	expect(r < 0, r, "execve(0x%lx, 0x%lx)", (long)p, (long)argv);
}

static void *thread_main(void *arg);

static void call_thread_create(uint64_t *s)
{
	uint64_t entry, stack;
	long r;

	if (is_kid)
		return;
	if (chance(s, 50) && ntids < MAX_TIDS) {
		r = pthread_create(&tids[ntids], NULL, thread_main, (void *)rand_next_r(s));
		expect(true, -r, "pthread_create()");
		if (r == 0)
			ntids++;
		return;
	}
	/* Raw: a thread on a kernel or non-canonical stack or TLS: -EINVAL. */
	entry = PICK(s, bad_ptrs);
	stack = (uint64_t)(uintptr_t)(scratch + sizeof(scratch));
	if (entry < USER_END)
		entry = 0xffffffff80000000;
	r = chance(s, 50) ? SYS(NR_clone, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, entry, 0, 0, 0, 0)
	                  : SYS(NR_clone, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_SETTLS,
	                        stack, 0, 0, entry, 0);
	expect(r == -EINVAL, r, "clone(thread, 0x%lx)", (long)entry);
}

static void call_thread_join(uint64_t *s)
{
	uint64_t word;
	int i;
	long r;

	if (ntids && chance(s, 70)) {
		i = (int)below(s, ntids);
		r = pthread_join(tids[i], NULL);
		expect(r == 0, -r, "pthread_join(%d)", i);
		tids[i] = tids[--ntids];
		return;
	}
	/*
	 * Futex calls that must not sleep: a bad or unaligned word, or a
	 * value the word does not hold; and unknown operations.
	 */
	word = chance(s, 50) ? PICK(s, bad_ptrs) : (uint64_t)(uintptr_t)scratch + 1 + below(s, 3);
	r = SYS(NR_futex, word, FUTEX_WAIT, 0, 0, 0, 0);
	expect(r == -EFAULT || r == -EINVAL, r, "futex(bad word 0x%lx)", (long)word);
	r = SYS(NR_futex, (uint64_t)(uintptr_t)scratch, FUTEX_WAIT, *(volatile uint32_t *)scratch + 1,
	        0, 0, 0);
	expect(r == -EAGAIN, r, "futex(word changed)");
	r = SYS(NR_futex, (uint64_t)(uintptr_t)scratch, 5 + below(s, 4), 0, 0, 0, 0);
	expect(r == -ENOSYS, r, "futex(unknown op)");
}

/* ---- calls any thread may make ---- */

static void call_write(uint64_t *s)
{
	/* Never open: 0 to 2 are the console, nothing else is opened, 256 and up do not exist. */
	static const long fds[] = { -1, 3, 255, 1000, 0x7fffffff, (long)((1UL << 40) | 1000) };
	uint64_t len = any_size(s);
	long r;

	if (chance(s, 60)) {            /* console: only pointers it must refuse */
		uint64_t p = PICK(s, bad_ptrs);
		r = SYS(NR_write, 1 + below(s, 2), p, len, 0, 0, 0);
		expect(len == 0 || r == -EFAULT, r, "write(console, 0x%lx, 0x%lx)", (long)p, (long)len);
	} else {
		long fd = PICK(s, fds);
		r = SYS(NR_write, fd, out_ptr(s), len, 0, 0, 0);
		expect(r == -EBADF, r, "write(%ld, ...)", fd);
	}
}

static void call_read(uint64_t *s)
{
	uint64_t len = any_size(s), p;
	long r;

	if (chance(s, 70)) {   /* console: never a writable buffer (it would wait) */
		p = chance(s, 30) ? (uint64_t)(uintptr_t)&below : PICK(s, bad_ptrs);
		r = SYS(NR_read, 0, p, len, 0, 0, 0);
		/* Nothing to read is 0, unless the buffer is not in user space at all. */
		expect(r == -EFAULT || (len == 0 && r == 0), r, "read(0, 0x%lx, 0x%lx)", (long)p,
		    (long)len);
	} else {
		r = SYS(NR_read, 3 + below(s, 1000), out_ptr(s), len, 0, 0, 0);
		expect(r == -EBADF, r, "read(bad fd)");
	}
}

static void call_clock(uint64_t *s)
{
	uint64_t p = out_ptr(s);
	long r = SYS(NR_clock_gettime, CLOCK_MONOTONIC, p, 0, 0, 0, 0);

	expect(p >= USER_END ? r == -EFAULT : true, r, "clock_gettime(0x%lx)", (long)p);
}

static void call_sleep(uint64_t *s)
{
	static const struct linux_timespec ts[] = {
		{ 0, 0 }, { 0, 1000000 }, { 0, 2000000 }, { 0, 1000000000 }, { -1, 0 }, { 0, -1 },
	};
	const struct linux_timespec *t = &ts[below(s, ARRAY_SIZE(ts))];
	long r = SYS(NR_nanosleep, t, 0, 0, 0, 0, 0);

	expect(t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000 ? r == -EINVAL : r == 0,
	       r, "nanosleep(%ld, %ld)", (long)t->tv_sec, (long)t->tv_nsec);
}

static void call_vmstat(uint64_t *s)
{
	static const int pids[] = { 0, 0, -1, 0x7fffffff, 1 };
	int pid = chance(s, 20) ? getpid() : PICK(s, pids);
	uint64_t p = out_ptr(s);
	long r = SYS(SYS_vmstat, pid, p, 0, 0, 0, 0);

	expect(pid == 0 && p >= USER_END ? r == -EFAULT : true, r,
	    "vmstat(%d, 0x%lx)", pid, (long)p);
}

/* A knob name, real or not, and whether it is real. */
static const char *any_knob(uint64_t *s, bool *real)
{
	*real = nknobs && chance(s, 80);
	return *real ? knobs[below(s, nknobs)] : PICK(s, unknown_knobs);
}

static void call_sysctl(uint64_t *s)
{
	bool real;
	const char *knob = any_knob(s, &real);
	uint64_t name = in_str(s, knob);
	uint64_t old = chance(s, 50) ? 0 : out_ptr(s);
	uint64_t new = chance(s, 50) ? 0 : PICK(s, bad_ptrs);
	long value = PICK(s, bad_values);
	long r;

	if (chance(s, 50))
		new = (uint64_t)(uintptr_t)&value;   /* a value out of range */
	if (new == (uint64_t)(uintptr_t)&value && name == (uint64_t)(uintptr_t)knob && real) {
		/* the value is refused before old is stored */
		r = sysctl(knob, (long *)old, &value);
		expect(r == -EINVAL, r, "sysctl(%s, new %ld)", knob, value);
		return;
	}
	/* 0x1000 is a user address: a value the kernel could read there... */
	if (new == 0x1000)
		new = 0;          /* ...is never mapped, but do not bet the run on it */
	r = SYS(SYS_sysctl, name, old, new, 0, 0, 0);
	expect(r != 0 || new == 0, r, "sysctl(0x%lx, 0x%lx, 0x%lx)", (long)name, (long)old, (long)new);
}

static void call_ptdump(uint64_t *s)
{
	static const int ids[] = { 0, 1, -1, 0x7fffffff };
	int flags = chance(s, 80) ? (int)below(s, 2) : (int)rand_next_r(s);
	int id = flags == PTDUMP_OBJECT ? any_shmid(s) : chance(s, 30) ? getpid() : PICK(s, ids);
	uint64_t buf = out_ptr(s);
	uint64_t len = buf == (uint64_t)(uintptr_t)scratch ? below(s, sizeof(scratch)) : any_size(s);
	long r = SYS(SYS_ptdump, id, flags, buf, len, 0, 0);

	expect(true, r, "ptdump(%d, 0x%x, 0x%lx, 0x%lx)", id, flags, (long)buf, (long)len);
}

static void call_pmap_verify(uint64_t *s)
{
	uint64_t buf = out_ptr(s);
	uint64_t len = buf == (uint64_t)(uintptr_t)scratch ? below(s, sizeof(scratch)) : any_size(s);
	long r;

	if (chance(s, 50)) {
		buf = (uint64_t)(uintptr_t)scratch;
		len = 4096;
	}
	r = SYS(SYS_pmap_verify, buf, len, 0, 0, 0, 0);
	expect(r != -EIO, r, "pmap_verify(0x%lx, 0x%lx)", (long)buf, (long)len);
	if (r == -EIO && buf == (uint64_t)(uintptr_t)scratch)
		printf("fuzz: pmap_verify: %.*s\n", 400, scratch);
}

/* Real and unknown ops; START and STOP take no argument, READ any buffer. */
static void call_fault_timeline(uint64_t *s)
{
	static const long ops[] = { FAULT_TIMELINE_START, FAULT_TIMELINE_STOP,
	                            FAULT_TIMELINE_READ, FAULT_TIMELINE_READ, 0, 4, -1 };
	static const uint64_t counts[] = { 0, 1, 64, FAULT_TIMELINE_BUCKETS,
	                                   FAULT_TIMELINE_BUCKETS + 1, (uint64_t)-1 };
	long op = PICK(s, ops);
	bool read = op == FAULT_TIMELINE_READ, args = read || chance(s, 30);
	uint64_t info = args ? out_ptr(s) : 0;
	uint64_t buf = args ? out_ptr(s) : 0;
	uint64_t n = args ? PICK(s, counts) : 0;
	long r = SYS(SYS_fault_timeline, op, info, buf, n, 0, 0);
	bool ok;

	if (op < FAULT_TIMELINE_START || op > FAULT_TIMELINE_READ)
		ok = r == -EINVAL;
	else if (!read)   /* STOP when not recording is -EINVAL too */
		ok = (info || buf || n) ? r == -EINVAL : r == 0 || op == FAULT_TIMELINE_STOP;
	else if (n > FAULT_TIMELINE_BUCKETS)
		ok = r == -EINVAL;
	else
		ok = info >= USER_END ? r == -EFAULT : true;
	expect(ok, r, "fault_timeline(%ld, 0x%lx, 0x%lx, 0x%lx)", op, (long)info, (long)buf, (long)n);
}

/* procinfo, sysctl_list and initrd_name: an index and an output buffer. */
static void call_listing(uint64_t *s)
{
	static const int nums[] = { SYS_procinfo, SYS_sysctl_list, SYS_initrd_name };
	int n = PICK(s, nums);
	long index = chance(s, 70) ? (long)below(s, 70) : (long)rand_next_r(s);
	uint64_t buf = out_ptr(s);
	uint64_t len = buf == (uint64_t)(uintptr_t)scratch ? below(s, 300) : any_size(s);
	uint64_t info = chance(s, 50) ? out_ptr(s) : 0;   /* sysctl_list's sysctl_info */
	long r = SYS(n, index, buf, len, info, 0, 0);

	expect(true, r, "syscall %d(%ld, 0x%lx, 0x%lx, 0x%lx)", n, index, (long)buf, (long)len,
	    (long)info);
}

static void call_shmget(uint64_t *s)
{
	static const uint64_t sizes[] = {
		0, 1, PAGE_SIZE, 5000, 3 * PAGE_SIZE, SEG - PAGE_SIZE, SEG,
		SEG + PAGE_SIZE, 2 * SEG, (4UL << 30) + 1, (uint64_t)-1, 1UL << 40,
	};
	static const int bad_keys[] = { -1, 0x7fffffff };
	int key = chance(s, 85) ? KEY_BASE + (int)below(s, NKEYS)
	        : chance(s, 50) ? IPC_PRIVATE : PICK(s, bad_keys);
	uint64_t size = PICK(s, sizes);
	int flags = (chance(s, 70) ? IPC_CREAT : 0) | (chance(s, 20) ? IPC_EXCL : 0) |
	    (chance(s, 15) ? SHM_HUGETLB : 0) | (chance(s, 90) ? 0600 : (int)rand_next_r(s));
	int huge = -1;           /* slot of sh->huge_ids for the segment it creates */
	long r;

	/*
	 * A worker's child may be killed (call_kill) between shmget() and
	 * log_id(): it only looks segments up, so that none it made can be
	 * left out of the log and outlive the run.
	 */
	if (is_kid) {
		key = key == IPC_PRIVATE ? KEY_BASE : key;
		flags &= ~IPC_CREAT;
	}
	/*
	 * Only IPC_PRIVATE creates a segment on 2 MiB pages: its id is listed
	 * in sh->huge_ids before the log shows it to anyone, whereas another
	 * process could find a keyed one between shmget() and the listing and
	 * size its attachment wrongly. A key with SHM_HUGETLB then only finds
	 * segments (the flag is ignored for them).
	 */
	if ((flags & SHM_HUGETLB) && (flags & IPC_CREAT))
		key = IPC_PRIVATE;
	if ((flags & SHM_HUGETLB) && key == IPC_PRIVATE && (huge = huge_slot()) < 0)
		flags &= ~SHM_HUGETLB;
	r = SYS(NR_shmget, key, size, flags, 0, 0, 0);
	expect(true, r, "shmget(0x%x, 0x%lx, 0x%x)", key, (long)size, flags);
	if (r >= 0 && huge >= 0)
		__atomic_store_n(&sh->huge_ids[huge], (int)r, __ATOMIC_RELAXED);
	if (r >= 0)
		log_id((int)r);
}

static void call_shmctl(uint64_t *s)
{
	int id = any_shmid(s);
	int cmd = chance(s, 40) ? IPC_STAT : chance(s, 70) ? IPC_RMID : (int)rand_next_r(s);
	uint64_t buf = chance(s, 50) ? (uint64_t)(uintptr_t)scratch : out_ptr(s);
	long r = SYS(NR_shmctl, id, cmd, buf, 0, 0, 0);

	expect(true, r, "shmctl(%d, %d, 0x%lx)", id, cmd, (long)buf);
	if (r == 0 && cmd == IPC_RMID)
		unlog_id(id);
}

/* A private mapping of the thread's own: map, touch, unmap. */
static void call_own_mapping(uint64_t *s)
{
	uint64_t len = (1 + below(s, 32)) * PAGE_SIZE;
	int flags = (chance(s, 50) ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
	volatile char *p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	uint64_t off;
	long r;

	expect(ptr_err((void *)p) == 0 || ptr_err((void *)p) == -ENOMEM,
	    ptr_err((void *)p), "mmap(NULL, 0x%lx)", (long)len);
	if (ptr_err((void *)p))
		return;
	for (off = 0; off < len; off += PAGE_SIZE)
		p[off] = (char)off;
	r = sys_munmap((void *)p, len);
	expect(r == 0, r, "munmap(own mapping)");
}

/* Any number outside the table: -ENOSYS. */
static void call_bad_number(uint64_t *s)
{
	static const long nums[] = { SYS_OWN_END, SYS_OWN_END + 1, 451, 999, 0x100000,
		-1, (long)(1UL << 32), (long)(1UL << 63) };
	long n = chance(s, 50) ? PICK(s, nums) : SYS_OWN_END + (long)below(s, 1000);
	long r = SYS(n, rand_next_r(s), rand_next_r(s), rand_next_r(s), rand_next_r(s),
	    rand_next_r(s), rand_next_r(s));

	expect(r == -ENOSYS, r, "syscall(%ld)", n);
}

/*
 * The file system, from single-threaded children only (fs_calls): a call
 * may open descriptors for a moment, which would break the rule that
 * descriptors from 3 up are never open (call_read, call_write) for any
 * other thread. Names inside FUZZ_DIR, which drive() makes before the run
 * and removes, with whatever the children left there, after it. Flags,
 * modes, offsets, sizes and pointers are random; the rule is a known
 * result, and that nothing panics or leaks.
 */
#define FUZZ_DIR "/tmp/fuzz"

static const char *const fs_names[] = {
	FUZZ_DIR "/a", FUZZ_DIR "/b", FUZZ_DIR "/d", FUZZ_DIR "/d/x", FUZZ_DIR "/l",
	FUZZ_DIR "/a/", FUZZ_DIR "/..", FUZZ_DIR, "", "/etc/motd", "/dev/null",
	"/dev/zero", "/etc/fstest/loop", "/etc/fstest/link",
};

/* A path argument: a name above, or a hostile pointer, or text bytes. */
static uint64_t fs_path(uint64_t *s)
{
	return in_str(s, PICK(s, fs_names));
}

/* Work on an open file: reads, writes, seeks, sizes, listing; then close. */
static void fs_use(uint64_t *s, long fd)
{
	long r = 0, off = chance(s, 50) ? (long)below(s, 5 * PAGE_SIZE) : (long)rand_next_r(s);
	uint64_t len = chance(s, 70) ? below(s, 3 * PAGE_SIZE) : any_size(s), p;

	switch (below(s, 8)) {
	case 0:
		r = SYS(NR_write, fd, chance(s, 70) ? (uint64_t)(uintptr_t)scratch : out_ptr(s),
		        len, 0, 0, 0);
		break;
	case 1:
		p = out_ptr(s);
		r = SYS(NR_read, fd, p, fit(p, len), 0, 0, 0);
		break;
	case 2:
		r = SYS(NR_pwrite64, fd, scratch, MIN(len, sizeof(scratch)), off, 0, 0);
		break;
	case 3:
		p = out_ptr(s);
		r = SYS(NR_pread64, fd, p, fit(p, len), off, 0, 0);
		break;
	case 4:
		r = SYS(NR_lseek, fd, off, below(s, 6), 0, 0, 0);
		break;
	case 5:
		r = SYS(NR_ftruncate, fd, chance(s, 80) ? (long)below(s, 5 * PAGE_SIZE) : off,
		        0, 0, 0, 0);
		break;
	case 6:
		p = out_ptr(s);
		r = SYS(NR_getdents64, fd, p, fit(p, len), 0, 0, 0);
		break;
	default:        /* to itself: a read and a write of the same file; short (/dev/zero has no end) */
		r = SYS(NR_sendfile, fd, fd, chance(s, 50) ? out_ptr(s) : 0,
		        below(s, 3 * PAGE_SIZE), 0, 0);
	}
	expect(true, r, "file call on fd %ld", fd);
	r = SYS(NR_close, fd, 0, 0, 0, 0, 0);
	expect(r == 0, r, "close(%ld)", fd);
}

/* Files of /proc, opened read-only by call_fs. */
static const char *const proc_names[] = {
	"/proc/self/stat", "/proc/self/status", "/proc/self/cmdline", "/proc/1/stat",
	"/proc/meminfo", "/proc/vmstat", "/proc/uptime", "/proc/loadavg", "/proc/sysvipc/shm",
	"/proc/sys/vm", "/proc/self", "/proc", "/proc/999999/stat",
	"/proc/sys/machdep/pmap_mmu_optimize",
};

/*
 * A pipe (from a single-threaded child, as call_fs): random writes, polls
 * without waiting, fcntl and dup3 of its ends, then every descriptor closed.
 */
static void call_pipe(uint64_t *s)
{
	static const int cmds[] = { F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD, F_DUPFD_CLOEXEC };
	int fds[2] = { -1, -1 };
	struct pollfd pfd[2];
	long r, fd;

	r = SYS(NR_pipe2, chance(s, 85) ? (uint64_t)(uintptr_t)fds : out_ptr(s),
	        chance(s, 80) ? rand_next_r(s) & (O_CLOEXEC | O_NONBLOCK) : rand_next_r(s),
	        0, 0, 0, 0);
	expect(true, r, "pipe2");
	if (r != 0 || fds[0] < 3 || fds[1] < 3)
		return;      /* into a hostile buffer, or not made: nothing to close here */
	SYS(NR_fcntl, fds[1], F_SETFL, O_NONBLOCK, 0, 0, 0);   /* a write never waits */
	r = SYS(NR_write, fds[1], scratch, below(s, 3 * PAGE_SIZE), 0, 0, 0);
	expect(true, r, "write to a pipe");
	pfd[0] = (struct pollfd){ fds[0], (short)rand_next_r(s), 0 };
	pfd[1] = (struct pollfd){ fds[1], (short)rand_next_r(s), 0 };
	r = SYS(NR_poll, chance(s, 80) ? (uint64_t)(uintptr_t)pfd : out_ptr(s),
	        chance(s, 80) ? below(s, 3) : rand_next_r(s), 0, 0, 0, 0);
	expect(true, r, "poll of a pipe");
	r = SYS(NR_fcntl, fds[below(s, 2)], PICK(s, cmds), chance(s, 50) ? below(s, 64) :
	        rand_next_r(s), 0, 0, 0);
	expect(true, r, "fcntl of a pipe");
	if (r >= 3 && r != fds[0] && r != fds[1])        /* F_DUPFD made one */
		SYS(NR_close, r, 0, 0, 0, 0, 0);
	fd = 3 + below(s, 60);
	if (fd != fds[0] && fd != fds[1]) {
		r = SYS(NR_dup3, fds[below(s, 2)], fd, chance(s, 80) ? O_CLOEXEC & rand_next_r(s) :
		        rand_next_r(s), 0, 0, 0);
		expect(true, r, "dup3");
		if (r == fd)
			SYS(NR_close, fd, 0, 0, 0, 0, 0);
	}
	SYS(NR_fcntl, fds[0], F_SETFL, O_NONBLOCK, 0, 0, 0);   /* an empty pipe: -EAGAIN */
	r = SYS(NR_read, fds[0], out_ptr(s), below(s, 2 * PAGE_SIZE), 0, 0, 0);
	expect(true, r, "read of a pipe");
	SYS(NR_close, fds[0], 0, 0, 0, 0, 0);
	SYS(NR_close, fds[1], 0, 0, 0, 0, 0);
}

static void call_fs(uint64_t *s)
{
	uint64_t flags = rand_next_r(s), mode = rand_next_r(s) & 07777;
	long r;

	if (!fs_calls)
		return;
	switch (below(s, 12)) {
	case 0:
	case 1:
		if (chance(s, 70))    /* mostly the flags that matter, sometimes any */
			flags &= O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY |
			         O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
		if ((flags & O_ACCMODE) != O_RDONLY && chance(s, 50))
			flags &= ~(uint64_t)O_NONBLOCK;
		r = SYS(NR_openat, chance(s, 80) ? AT_FDCWD : (long)rand_next_r(s), fs_path(s),
		        flags, mode, 0, 0);
		expect(true, r, "openat(0x%lx)", (long)flags);
		/* Never use the console: a read would wait for input. */
		if (r >= 3)
			fs_use(s, r);
		else if (r >= 0)
			expect(false, r, "openat gave a standard descriptor");
		break;
	case 2:
		r = SYS(NR_newfstatat, AT_FDCWD, fs_path(s), out_ptr(s), rand_next_r(s) & 0x1f00, 0, 0);
		expect(true, r, "newfstatat");
		break;
	case 3:
		r = SYS(chance(s, 50) ? NR_mkdir : NR_rmdir, fs_path(s), mode, 0, 0, 0, 0);
		expect(true, r, "mkdir or rmdir");
		break;
	case 4:
		r = SYS(NR_unlinkat, AT_FDCWD, fs_path(s), chance(s, 80) ? flags & AT_REMOVEDIR : flags,
		        0, 0, 0);
		expect(true, r, "unlinkat");
		break;
	case 5:
		r = SYS(NR_renameat2, AT_FDCWD, fs_path(s), AT_FDCWD, fs_path(s),
		        chance(s, 80) ? flags & 1 : flags, 0);
		expect(true, r, "renameat2");
		break;
	case 6:
		r = SYS(NR_symlink, fs_path(s), fs_path(s), 0, 0, 0, 0);
		expect(true, r, "symlink");
		break;
	case 7:
		r = SYS(NR_readlink, fs_path(s), out_ptr(s), any_size(s), 0, 0, 0);
		expect(true, r, "readlink");
		break;
	case 8:
		r = SYS(NR_faccessat2, AT_FDCWD, fs_path(s), chance(s, 80) ? mode & 7 : mode,
		        chance(s, 80) ? flags & 0x1300 : flags, 0, 0);
		expect(true, r, "faccessat2");
		break;
	case 10:
		call_pipe(s);
		break;
	case 11:
		r = SYS(NR_openat, AT_FDCWD, in_str(s, PICK(s, proc_names)),
		        O_RDONLY | (flags & (O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)), 0, 0, 0);
		expect(true, r, "openat of /proc");
		if (r >= 3)      /* read-only: fs_use's writes fail, no knob changes */
			fs_use(s, r);
		break;
	default:
		r = SYS(NR_chdir, fs_path(s), 0, 0, 0, 0, 0);
		expect(true, r, "chdir");
		r = SYS(NR_getcwd, out_ptr(s), any_size(s), 0, 0, 0, 0);
		expect(true, r, "getcwd");
		/*
		 * Back inside FUZZ_DIR (or at the read-only root): a relative
		 * name must not make a file that the run cannot find to remove.
		 */
		if (chdir(FUZZ_DIR) < 0)
			chdir("/");
	}
}

/* Removes the tree at path (what the run left in FUZZ_DIR). */
static void remove_tree(const char *path)
{
	char sub[PATH_MAX];
	struct dirent *e;
	DIR *dir;

	if (unlink(path) == 0 || !(dir = opendir(path)))
		return;
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(sub, sizeof(sub), "%.3800s/%s", path, e->d_name);
			remove_tree(sub);
		}
	closedir(dir);
	rmdir(path);
}

/*
 * The Linux calls busybox's glibc makes beyond memory and files, with
 * hostile buffers and numbers; none changes what the run relies on: limits
 * and the signal mask are only read (no new value), poll and select wait
 * for no time, and prctl only reads the name or gets an option that does
 * not exist.
 */
static void call_linux(uint64_t *s)
{
	static struct linux_timeval no_wait;   /* select writes back what is left: 0 */
	uint64_t p = out_ptr(s), len = chance(s, 80) ? below(s, 3 * PAGE_SIZE) : any_size(s);
	long r;

	switch (below(s, 9)) {
	case 0:
		r = SYS(NR_getrandom, p, fit(p, len),
		        chance(s, 80) ? rand_next_r(s) & 7 : rand_next_r(s), 0, 0, 0);
		break;
	case 1:
		r = SYS(NR_sysinfo, p, 0, 0, 0, 0, 0);
		break;
	case 2:
		r = SYS(NR_prlimit64, chance(s, 80) ? 0 : rand_next_r(s) & 0xffff,
		        chance(s, 80) ? below(s, 20) : rand_next_r(s), 0, p, 0, 0);
		break;
	case 3:
		r = SYS(NR_uname, p, 0, 0, 0, 0, 0);
		break;
	case 4:
		r = SYS(NR_rt_sigprocmask, rand_next_r(s), 0, p, chance(s, 80) ? 8 : rand_next_r(s),
		        0, 0);
		break;
	case 5:
		r = SYS(NR_poll, p, chance(s, 80) ? below(s, 8) : rand_next_r(s), 0, 0, 0, 0);
		break;
	case 6:
		r = SYS(NR_select, chance(s, 80) ? below(s, 70) : rand_next_r(s),
		        chance(s, 50) ? p : 0, chance(s, 50) ? out_ptr(s) : 0,
		        chance(s, 50) ? out_ptr(s) : 0, (uint64_t)(uintptr_t)&no_wait, 0);
		break;
	case 7:
		r = SYS(NR_getgroups, chance(s, 80) ? below(s, 70) : rand_next_r(s), p, 0, 0, 0, 0);
		break;
	default:
		r = chance(s, 50) ? SYS(NR_prctl, PR_GET_NAME, p, 0, 0, 0, 0)
		                  : SYS(NR_prctl, 1000 + below(s, 1000), p, 0, 0, 0, 0);
	}
	expect(true, r, "Linux call");
}

static void call_small(uint64_t *s)
{
	static const int nums[] = { NR_getpid, NR_getppid, NR_gettid, NR_sched_yield };
	int n = PICK(s, nums);
	long r = SYS(n, rand_next_r(s), rand_next_r(s), 0, 0, 0, 0);

	expect(r >= 0, r, "syscall %d()", n);
}

/* ---- the call table ---- */

static const struct call {
	void (*fn)(uint64_t *s);
	int weight;
	int who;
} calls[] = {
	{ call_mmap, 12, MAIN },        { call_munmap, 8, MAIN },
	{ call_mprotect, 8, MAIN },     { call_shmat, 6, MAIN },
	{ call_shmdt, 4, MAIN },        { call_touch, 10, MAIN },
	{ call_fork, 1, MAIN },         { call_waitpid, 2, MAIN },
	{ call_kill, 1, MAIN },         { call_exec, 2, MAIN },
	{ call_racer, 1, MAIN },
	{ call_thread_create, 1, MAIN },{ call_thread_join, 2, MAIN },
	{ call_write, 3, ANY },         { call_read, 3, ANY },
	{ call_clock, 2, ANY },         { call_sleep, 1, ANY },
	{ call_vmstat, 2, ANY },        { call_sysctl, 3, ANY },
	{ call_ptdump, 1, ANY },        { call_pmap_verify, 1, ANY },
	{ call_fault_timeline, 1, ANY },
	{ call_listing, 2, ANY },       { call_shmget, 5, ANY },
	{ call_shmctl, 4, ANY },        { call_own_mapping, 2, ANY },
	{ call_bad_number, 2, ANY },    { call_small, 2, ANY },
	{ call_linux, 3, ANY },
	{ call_fs, 4, ANY },
};

/* Makes n random calls among those `mask` allows. */
static void random_calls(uint64_t *s, int n, int mask)
{
	int total = 0, i, pick;

	for (i = 0; i < (int)ARRAY_SIZE(calls); i++)
		if (calls[i].who & mask)
			total += calls[i].weight;
	while (n-- > 0) {
		pick = (int)below(s, total);
		for (i = 0; !(calls[i].who & mask) || (pick -= calls[i].weight) >= 0; i++)
			;
		calls[i].fn(s);
	}
}

static void *thread_main(void *arg)
{
	uint64_t s = (uint64_t)arg | 1;

	random_calls(&s, THREAD_CALLS, ANY);
	if (chance(&s, 30))
		pthread_exit((void *)3);
	return NULL;
}

static void run_calls(uint64_t *s, int n)
{
	random_calls(s, n, ANY | MAIN);
}

/* ---- worker, driver, main ---- */

/* One worker: n random calls, then its threads and children are collected. */
static void __attribute__((noreturn)) worker(int index, uint64_t seed, int n)
{
	int i, status, r;

	who = index;
	rng_main = seed;
	run_calls(&rng_main, n);
	for (i = 0; i < ntids; i++)
		expect(pthread_join(tids[i], NULL) == 0, 0, "final pthread_join");
	for (i = 0; i < nkids; i++) {
		sys_kill(kids[i], SIGKILL);
		r = sys_waitpid(kids[i], &status, 0);
		expect(r == kids[i], r, "final waitpid");
		if (r == kids[i])
			check_kid(kids[i], status);
	}
	exit(0);
}

/*
 * Runs the workers and waits for them, then removes every segment the run
 * created. Returns the number of workers that did not end normally.
 */
static int drive(uint64_t seed, int iters, int procs)
{
	int pids[64], i, status, r, bad = 0;

	remove_tree(FUZZ_DIR);      /* left by a run that was stopped */
	mkdir(FUZZ_DIR, 0755);
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(i, derive(seed, i), iters);
		if (pids[i] < 0) {
			printf("fuzz: fork of worker %d: %s\n", i, strerror(errno));
			bad++;
		}
	}
	for (i = 0; i < procs; i++) {
		if (pids[i] < 0)
			continue;
		r = waitpid_timeout(pids[i], &status, HANG_MS);
		if (r == -EINTR) {
			printf("fuzz: worker %d hung (killed after %d s)\n", i, HANG_MS / 1000);
			bad++;
		} else if (r != pids[i] || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			printf("fuzz: worker %d (pid %d) %s %d\n", i, pids[i],
			    r != pids[i] ? "waitpid failed:" : WIFSIGNALED(status) ?
			    "killed by signal" : "exit status",
			    r != pids[i] ? r : WIFSIGNALED(status) ? WTERMSIG(status)
			    : WEXITSTATUS(status));
			bad++;
		}
	}
	for (i = 0; i < LOG_SLOTS; i++)
		if (sh->shm_ids[i] >= 0)
			sys_shmctl(sh->shm_ids[i], IPC_RMID, NULL);
	remove_tree(FUZZ_DIR);
	return bad;
}

#define MAX_PROCS 64
#define MAX_DELAY_US 100000   /* the kernel's limit of debug.thread_exit_delay_us */

static void usage(void)
{
	printf("usage: fuzz [-s SEED] [-n ITERS] [-p PROCS] [-w US]\n"
	    "  -s SEED   seed of the run, 0..%ld (default: the TSC), printed to replay it\n"
	    "  -n ITERS  calls per worker, 0..%d (default 2000)\n"
	    "  -p PROCS  worker processes, 1..%d (default 4)\n"
	    "  -w US     widen exit races: debug.thread_exit_delay_us for the run,\n"
	    "            0..%d (default: left as it is; debug kernels only)\n"
	    "  -h, --help  this text\n"
	    "(fuzz -c SEED is the program a racer execs, not for people)\n",
	    LONG_MAX, INT_MAX, MAX_PROCS, MAX_DELAY_US);
}

/*
 * The run's shared page (counters, an empty log of segments; private in
 * child mode), and the kernel's knob names.
 */
static bool setup_shared(int flags)
{
	int i;

	sh = sys_mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
	if (ptr_err(sh)) {
		printf("fuzz: mmap: %s\n", errname(ptr_err(sh)));
		return false;
	}
	for (i = 0; i < LOG_SLOTS; i++)
		sh->shm_ids[i] = -1;
	for (i = 0; i < HUGE_SLOTS; i++)
		sh->huge_ids[i] = -1;
	while (nknobs < MAX_KNOBS && sysctl_list(nknobs, knobs[nknobs], sizeof(knobs[0])) == 0)
		nknobs++;
	return true;
}

/*
 * `fuzz -c SEED`, the program a racer execs: KID_CALLS calls as a worker's
 * child makes them, on a fresh image. The run's counters went with the
 * old image, so the verdict is the exit status: 1 if a result broke a rule
 * (printed as usual), which the worker reaping it counts.
 */
static int child_mode(uint64_t seed)
{
	if (!setup_shared(MAP_PRIVATE))
		return 1;
	who = -1;
	is_kid = true;
	fs_calls = true;
	rng_main = seed | 1;
	run_calls(&rng_main, KID_CALLS);
	return sh->unexpected ? 1 : 0;
}

/*
 * -w: sets debug.thread_exit_delay_us to us, keeping the value it had in
 * *saved. False (with a message; the run goes on without) when the kernel
 * has no such hook.
 */
static bool widen_races(long us, long *saved)
{
	const char *hook = "debug.thread_exit_delay_us";
	long r = sysctl_get(hook, saved);

	if (r == 0)
		r = sysctl_set(hook, us);
	if (r != 0)
		printf("fuzz: -w: %s: %s (not a KDEBUG kernel?): not widened\n", hook,
		    errname(r));
	return r == 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = rdtsc(), start;
	int iters = 2000, procs = 4, c, pid, status;
	long delay_us = -1, saved_delay = 0;
	struct ut_census before, after;
	long leaked, verify;
	bool ok, same, widened = false;

	stdout_by_lines();
	if (argc == 3 && strcmp(argv[1], "-c") == 0)
		return child_mode(strtoul(argv[2], NULL, 0));
	if (help_wanted(argc, argv)) {
		usage();
		return 0;
	}
	while ((c = getopt(argc, argv, "s:n:p:w:h")) != -1) {
		if (c == 's')
			seed = arg_long("fuzz", "-s", optarg, 0, LONG_MAX, "(a seed)");
		else if (c == 'n')
			iters = arg_long("fuzz", "-n", optarg, 0, INT_MAX, "iterations");
		else if (c == 'p')
			procs = arg_long("fuzz", "-p", optarg, 1, MAX_PROCS, "processes");
		else if (c == 'w')
			delay_us = arg_long("fuzz", "-w", optarg, 0, MAX_DELAY_US, "microseconds");
		else if (c == 'h') {
			usage();
			return 0;
		} else {   /* getopt has named the option */
			fprintf(stderr, "fuzz: -h lists the options\n");
			return 2;
		}
	}
	if (optind != argc)
		arg_refuse("fuzz", argv[optind], "unexpected argument (fuzz takes only options)");
	printf("fuzz: seed=%lu iters=%d procs=%d\n", (unsigned long)seed, iters, procs);

	if (!setup_shared(MAP_SHARED))
		return 1;
	if (delay_us >= 0)
		widened = widen_races(delay_us, &saved_delay);

	ut_census_before_run(&before);

	start = clock_ms();
	pid = fork();
	if (pid == 0) {
		ut_wait_asleep(getppid());
		exit(drive(seed, iters, procs) ? 1 : 0);
	}
	ok = pid > 0 && sys_waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0;
	if (widened)
		sysctl_set("debug.thread_exit_delay_us", saved_delay);

	same = ut_census_compare("fuzz", &before, &after, &leaked, &verify);
	ok = ok && same && sh->unexpected == 0;
	printf("fuzz: seed=%lu iters=%d procs=%d calls=%lu racers=%lu ms=%lu unexpected=%lu "
	    "leaked_pages=%ld verify=%s%s\n", (unsigned long)seed, iters, procs,
	    (unsigned long)sh->calls, (unsigned long)sh->racers,
	    (unsigned long)(clock_ms() - start), (unsigned long)sh->unexpected, leaked,
	    verify == 0 ? "ok" : "FAILED", ok ? "" : " FAIL");
	return ok ? 0 : 1;
}
