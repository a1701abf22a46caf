/*
 * Test suite "vm_user": the baseline virtual-memory system seen from user space.
 *
 *  - criss-cross: write through one mapping, read through another, in both
 *    directions, between forked processes (MAP_SHARED|MAP_ANONYMOUS and
 *    SysV), an exec'd process that attaches by key, and threads;
 *  - protection: SHM_RDONLY, mprotect of one page, PROT_NONE;
 *  - the map: partial munmap, mprotect and munmap across 2 MiB
 *    boundaries, changes in a child that leave the parent alone, MAP_FIXED
 *    over a mapping, copy-on-write, one segment mapped at three offsets;
 *  - SysV: every error code, IPC_STAT, IPC_RMID while attached, exit while
 *    attached, the segment limit;
 *  - mmap, munmap and mprotect argument errors;
 *  - PV entries: exact per-process and global deltas.
 *
 * Every case is a VMTEST: besides the runner's checks (free pages and
 * pmap_verify after each case, see utest.h), it checks at its end that the
 * global counts of VM objects and SysV segments are back to their values
 * at its start, that no segment it created is left, and that the global
 * PV entry count equals the number of mapped pages (checked when no SysV
 * segment exists: pages of physical segments in an object-owned table
 * have no PV entry).
 *
 * Shared regions are mostly 4 MiB, a multiple of 2 MiB, so the kernel
 * places them 2 MiB-aligned: with machdep.pmap_mmu_optimize=1 the same
 * cases exercise shared page tables (links, unlinks on munmap/mprotect),
 * with 0 the private-table baseline. Every case must pass both ways.
 */
#include "utest.h"

#define SELF      "/tests/vm_user"   /* this program, for the exec case */
#define SHMMNI    128           /* ipc/shm/shm.h: most segments at once */
#define SHMMAX    (4UL << 30)   /* ipc/shm/shm.h: largest segment */
#define BIG       (4UL << 20)   /* 4 MiB: two 2 MiB segments */
#define BIG_PAGES (BIG / PAGE_SIZE)
#define RW        (PROT_READ | PROT_WRITE)

int main(int argc, char **argv);

/* ---- helpers ---- */

/* The value a test stores in page i (tag says who wrote it). */
#define PAT(tag, i) (((uint64_t)(tag) << 32) | 0x5a000000u | (uint64_t)(i))

/* Stores v at the first and the last word of page i of base. */
static void put(void *base, size_t i, uint64_t v)
{
	volatile uint64_t *p = (volatile uint64_t *)((char *)base + i * PAGE_SIZE);

	p[0] = v;
	p[PAGE_SIZE / 8 - 1] = v;
}

/* The first word of page i, or ~0 when the two words put() writes differ. */
static uint64_t get(const void *base, size_t i)
{
	const volatile uint64_t *p =
	    (const volatile uint64_t *)((const char *)base + i * PAGE_SIZE);

	return p[0] == p[PAGE_SIZE / 8 - 1] ? p[0] : ~0ULL;
}

static void *map_anon(size_t len, int flags)
{
	return sys_mmap(NULL, len, RW, flags | MAP_ANONYMOUS, -1, 0);
}

/*
 * shmget() that remembers every id it returns, so that the end of the case
 * can remove a segment that a failed assertion left behind (SysV segments
 * outlive processes and would break every later case's balance).
 */
static int seg_ids[2 * SHMMNI];
static int nseg_ids;

static int seg_get(int key, size_t size, int flags)
{
	int id = sys_shmget(key, size, flags);

	if (id >= 0 && nseg_ids < (int)ARRAY_SIZE(seg_ids))
		seg_ids[nseg_ids++] = id;
	return id;
}

static void signal_val(volatile int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void do_read(uintptr_t a)
{
	(void)*(volatile char *)a;
}

static void do_write(uintptr_t a)
{
	*(volatile char *)a = 1;
}

/*
 * Forks a child that calls fn(a) and exits 0 if it returns; returns the
 * child's wait status, or a status that no test expects when fork fails.
 * A child that is meant to die of fn's access declares that first.
 */
static int run_child(void (*fn)(uintptr_t), uintptr_t a, bool fault_expected)
{
	int pid = fork(), status = W_EXITCODE(99);

	if (pid == 0) {
		if (fault_expected)
			ut_expect_fault();
		fn(a);
		exit(0);
	}
	if (pid < 0 || sys_waitpid(pid, &status, 0) != pid)
		return W_EXITCODE(98);
	return status;
}

/* A child that must live. */
static int child_status(void (*fn)(uintptr_t), uintptr_t a)
{
	return run_child(fn, a, false);
}

/* A child that must die of fn's access (UT_ASSERT_SEGV). */
static int fault_status(void (*fn)(uintptr_t), uintptr_t a)
{
	return run_child(fn, a, true);
}

#define UT_ASSERT_SEGV(status)                                               \
	do {                                                                 \
		int ut_s_ = (status);                                        \
		if (!WIFSIGNALED(ut_s_) || WTERMSIG(ut_s_) != SIGSEGV)       \
			UT_FAIL("%s: expected death by SIGSEGV, got status 0x%x", \
			    #status, ut_s_);                                 \
	} while (0)

#define UT_ASSERT_EXIT0(status)                                              \
	do {                                                                 \
		int ut_s_ = (status);                                        \
		if (!WIFEXITED(ut_s_) || WEXITSTATUS(ut_s_) != 0)            \
			UT_FAIL("%s: expected exit 0, got status 0x%x",       \
			    #status, ut_s_);                                 \
	} while (0)

static int nattch(int id)
{
	struct shmid_ds ds;
	int r = sys_shmctl(id, IPC_STAT, &ds);

	return r < 0 ? r : (int)ds.shm_nattch;
}

/* A key no other case or run uses at the same time. */
static int unique_key(int n)
{
	return 0x564d0000 + ((getpid() & 0xfff) << 4) + n;
}

/* ---- the balance check around every case ---- */

struct vm_snap {
	uint64_t objects, segments;
};

static void snap(struct vm_snap *s)
{
	struct vmstat vs = ut_vmstat(0);

	s->objects = vs.vm_objects;
	s->segments = vs.shm_segments;
}

/*
 * Objects and segments must be back to their start values (a child's
 * memory may go a moment after it is reaped: retry for a while), and every
 * mapped page must have its PV entry.
 */
static void check_balance(const struct vm_snap *s0, int line)
{
	struct vmstat vs;
	int i;

	for (i = 0; i < nseg_ids; i++)
		if (sys_shmctl(seg_ids[i], IPC_RMID, NULL) == 0)
			utest_fail(__FILE__, line, "segment %d left behind (now removed)",
			    seg_ids[i]);
	nseg_ids = 0;
	vs = ut_vmstat(0);

	for (i = 0; i < 100 && (vs.vm_objects != s0->objects ||
	    vs.shm_segments != s0->segments); i++) {
		sleep_ms(5);
		vs = ut_vmstat(0);
	}
	if (vs.vm_objects != s0->objects)
		utest_fail(__FILE__, line, "vm_objects: %lu at the start, %lu at the end",
		    (unsigned long)s0->objects, (unsigned long)vs.vm_objects);
	if (vs.shm_segments != s0->segments)
		utest_fail(__FILE__, line, "shm_segments: %lu at the start, %lu at the end",
		    (unsigned long)s0->segments, (unsigned long)vs.shm_segments);
	/* Pages of physical segments need no PV entry in an object's own
	 * page table: the equality holds when no segment is left. */
	if (vs.shm_segments == 0 && vs.pv_entries != vs.resident)
		utest_fail(__FILE__, line, "global pv_entries %lu != resident %lu at the end",
		    (unsigned long)vs.pv_entries, (unsigned long)vs.resident);
}

/* A UTEST whose objects, segments and PV entries must balance. */
#define VMTEST(name)                                                         \
	static void vmt_##name(void);                                        \
	UTEST(name)                                                          \
	{                                                                    \
		struct vm_snap s0_;                                          \
		memset(seg_ids, 0, sizeof(seg_ids)); /* no page fault later */ \
		nseg_ids = 0;                                                \
		snap(&s0_);                                                  \
		vmt_##name();                                                \
		check_balance(&s0_, __LINE__);                               \
	}                                                                    \
	static void vmt_##name(void)

/* ---- criss-cross ---- */

/*
 * Page 0 of a criss-cross region is this handshake; the data pages follow.
 * The first side writes data pages [0, n/2) and reads [n/2, n) (mapping
 * them); the second side checks the first half and writes the second;
 * then the first side checks that and writes the first half again, which
 * the second side checks. So each side sees writes made after it had
 * mapped the page, through a different mapping.
 */
struct xsync {
	int go, ack;
};

#define XDATA(base) ((char *)(base) + PAGE_SIZE)

/* The second side. Returns 0 or a code saying which check failed. */
static int crisscross_second(void *base, size_t n)
{
	struct xsync *s = base;
	size_t i;

	if (!ut_wait_for(&s->go, 1))
		return 10;
	for (i = 0; i < n / 2; i++)
		if (get(XDATA(base), i) != PAT(1, i))
			return 11;
	for (i = n / 2; i < n; i++)
		put(XDATA(base), i, PAT(2, i));
	signal_val(&s->ack, 1);
	if (!ut_wait_for(&s->go, 2))
		return 12;
	for (i = 0; i < n / 2; i++)
		if (get(XDATA(base), i) != PAT(3, i))
			return 13;
	return 0;
}

/* The first side, part 1: before the second side exists. */
static void crisscross_prepare(void *base, size_t n)
{
	struct xsync *s = base;
	size_t i;

	s->go = s->ack = 0;
	for (i = 0; i < n / 2; i++)
		put(XDATA(base), i, PAT(1, i));
	for (i = n / 2; i < n; i++)
		UT_ASSERT_EQ(0, get(XDATA(base), i));
}

/* The first side, part 2: the exchange (the second side is running). */
static void crisscross_first(void *base, size_t n)
{
	struct xsync *s = base;
	size_t i;

	signal_val(&s->go, 1);
	UT_ASSERT(ut_wait_for(&s->ack, 1));
	for (i = n / 2; i < n; i++)
		UT_ASSERT_EQ(PAT(2, i), get(XDATA(base), i));
	for (i = 0; i < n / 2; i++)
		put(XDATA(base), i, PAT(3, i));
	signal_val(&s->go, 2);
}

/* Runs the whole exchange with a forked child on the mapping at base. */
static void crisscross_fork(void *base, size_t n)
{
	int pid, status;

	crisscross_prepare(base, n);
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0)
		exit(crisscross_second(base, n));
	crisscross_first(base, n);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EXIT0(status);
}

VMTEST(crisscross_fork_shared_anon)
{
	void *p = map_anon(BIG, MAP_SHARED);

	UT_ASSERT_OK(ptr_err(p));
	crisscross_fork(p, BIG_PAGES - 1);
	UT_ASSERT_EQ(0, sys_munmap(p, BIG));
}

/* The child side of the SysV criss-cross: its own second attachment. */
static int sysv_second(int id, void *inherited, void *at)
{
	void *mine = sys_shmat(id, at, 0);
	int r;

	if (ptr_err(mine) || (at && mine != at))
		return 20;
	r = crisscross_second(mine, BIG_PAGES - 1);
	/* The inherited attachment shows the same object. */
	if (r == 0 && get(XDATA(inherited), 0) != PAT(3, 0))
		r = 21;
	if (r == 0 && sys_shmdt(mine) != 0)
		r = 22;
	return r;
}

/*
 * Forked children attach the segment themselves (one where the kernel
 * chooses, one at an address that is page- but not 2 MiB-aligned) and
 * criss-cross with the parent; the inherited attachment sees it all too.
 */
VMTEST(crisscross_fork_sysv)
{
	void *odd = (void *)(0x0000200000000000UL + 3 * PAGE_SIZE);
	void *at[2] = { NULL, odd };
	int id, pid, status, k;
	void *p;

	id = seg_get(IPC_PRIVATE, BIG, IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	p = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(p));
	for (k = 0; k < 2; k++) {
		if (k == 1)   /* the first round left its values: start over */
			for (size_t i = 0; i < BIG_PAGES - 1; i++)
				put(XDATA(p), i, 0);
		crisscross_prepare(p, BIG_PAGES - 1);
		pid = fork();
		UT_ASSERT_OK(pid);
		if (pid == 0)
			exit(sysv_second(id, p, at[k]));
		crisscross_first(p, BIG_PAGES - 1);
		UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
		UT_ASSERT_EXIT0(status);
	}
	UT_ASSERT_EQ(0, sys_shmdt(p));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/* `vm --exec-child KEY`: the exec'd side of crisscross_exec_by_key. */
static int exec_child(int argc, char **argv)
{
	struct shmid_ds ds;
	void *p;
	int id, r;

	if (argc != 3)
		return 30;
	id = sys_shmget((int)strtol(argv[2], NULL, 0), 0, 0);
	if (id < 0)
		return 31;
	if (sys_shmctl(id, IPC_STAT, &ds) != 0 || ds.shm_segsz != BIG)
		return 32;
	p = sys_shmat(id, NULL, 0);
	if (ptr_err(p))
		return 33;
	r = crisscross_second(p, BIG_PAGES - 1);
	if (r == 0 && sys_shmdt(p) != 0)
		r = 34;
	return r;
}

/* A child execs this program, which finds the segment by its key. */
VMTEST(crisscross_exec_by_key)
{
	char keystr[16];
	char *argv[] = { "vm", "--exec-child", keystr, NULL };
	int key = unique_key(1), id, pid, status;
	void *p;

	id = seg_get(key, BIG, IPC_CREAT | IPC_EXCL | 0600);
	UT_ASSERT_OK(id);
	p = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(p));
	crisscross_prepare(p, BIG_PAGES - 1);
	snprintf(keystr, sizeof(keystr), "%d", key);
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		sys_execve(SELF, argv, environ);
		exit(100);
	}
	crisscross_first(p, BIG_PAGES - 1);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EXIT0(status);
	UT_ASSERT_EQ(0, sys_shmdt(p));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

static void *thread_base;

static void *thread_second(void *arg)
{
	return (void *)(long)(crisscross_second(arg ? arg : thread_base, BIG_PAGES - 1));
}

/* Runs the exchange with a thread whose view of the region is `other`. */
static void crisscross_thread(void *base, void *other)
{
	pthread_t tid;
	void *code;

	crisscross_prepare(base, BIG_PAGES - 1);
	thread_base = base;
	UT_ASSERT_EQ(0, pthread_create(&tid, NULL, thread_second, other));
	crisscross_first(base, BIG_PAGES - 1);
	UT_ASSERT_EQ(0, pthread_join(tid, &code));
	UT_ASSERT_EQ(0, (long)code);
}

/*
 * Threads: through the one mapping they share (anonymous and SysV), and
 * through a second attachment of the same segment in the same process.
 */
VMTEST(crisscross_threads)
{
	void *a, *s1, *s2;
	int id;

	a = map_anon(BIG, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(a));
	crisscross_thread(a, NULL);
	UT_ASSERT_EQ(0, sys_munmap(a, BIG));

	id = seg_get(IPC_PRIVATE, BIG, IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	s1 = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(s1));
	crisscross_thread(s1, NULL);
	s2 = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(s2));
	UT_ASSERT(s1 != s2);
	UT_ASSERT_EQ(2, nattch(id));
	for (size_t i = 0; i < BIG_PAGES - 1; i++)   /* a fresh start */
		put(XDATA(s1), i, 0);
	crisscross_thread(s1, s2);
	UT_ASSERT_EQ(0, sys_shmdt(s2));
	UT_ASSERT_EQ(0, sys_shmdt(s1));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/* ---- protection ---- */

struct ro_sync {
	int b_ready, b_go;
};

/* Child A: RW (inherited) and RO attachments; its write through RO dies. */
static void ro_child(uintptr_t arg)
{
	int id = (int)arg;
	char *rw = thread_base, *ro;
	struct ro_sync *s;

	ro = sys_shmat(id, NULL, SHM_RDONLY);
	if (ptr_err(ro))
		exit(40);
	s = (struct ro_sync *)ro;
	if (!ut_wait_for(&s->b_ready, 1))
		exit(41);
	if (get(XDATA(ro), 7) != PAT(2, 7))        /* B's write, seen RO */
		exit(42);
	put(XDATA(rw), 8, PAT(5, 8));              /* the RW attachment works */
	if (get(XDATA(ro), 8) != PAT(5, 8))
		exit(43);
	ut_expect_fault();
	put(XDATA(ro), 9, PAT(6, 9));              /* must die here */
	exit(44);
}

/*
 * SHM_RDONLY: a write through a read-only attachment kills only that
 * process; a read-write attacher running at the same time carries on and
 * keeps its data; the killed process could read everything first.
 */
VMTEST(shm_rdonly_write_kills_only_that_process)
{
	int id, b, status;
	struct ro_sync *s;
	char *p;

	id = seg_get(IPC_PRIVATE, BIG, IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	p = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(p));
	s = (struct ro_sync *)p;
	s->b_ready = s->b_go = 0;
	thread_base = p;

	b = fork();
	UT_ASSERT_OK(b);
	if (b == 0) {     /* B: its own RW attachment */
		char *q = sys_shmat(id, NULL, 0);
		struct ro_sync *t = (struct ro_sync *)q;
		size_t i;

		if (ptr_err(q))
			exit(50);
		for (i = 0; i < BIG_PAGES - 1; i++)
			put(XDATA(q), i, PAT(2, i));
		signal_val(&t->b_ready, 1);
		if (!ut_wait_for(&t->b_go, 1))
			exit(51);
		for (i = 0; i < BIG_PAGES - 1; i++)   /* A wrote page 8 */
			if (get(XDATA(q), i) != (i == 8 ? PAT(5, i) : PAT(2, i)))
				exit(52);
		put(XDATA(q), 10, PAT(7, 10));
		exit(0);
	}
	status = child_status(ro_child, (uintptr_t)id);
	UT_ASSERT_SEGV(status);
	UT_ASSERT_EQ(PAT(2, 9), get(XDATA(p), 9));   /* A's write never landed */
	UT_ASSERT_EQ(3, nattch(id));     /* parent, B's inherited one and B's own */
	signal_val(&s->b_go, 1);
	UT_ASSERT_EQ(b, sys_waitpid(b, &status, 0));
	UT_ASSERT_EXIT0(status);
	UT_ASSERT_EQ(PAT(7, 10), get(XDATA(p), 10));
	UT_ASSERT_EQ(1, nattch(id));
	UT_ASSERT_EQ(0, sys_shmdt(p));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/* The three kinds of mapping the map cases run over. */
enum kind { K_PRIVATE, K_SHARED, K_SYSV, NKINDS };
static const char *const kind_name[] = { "MAP_PRIVATE", "MAP_SHARED", "SysV" };

/* Maps BIG bytes of that kind; *id gets the SysV id (else -1). */
static void *map_kind(enum kind k, int *id)
{
	void *p;

	*id = -1;
	if (k != K_SYSV)
		return map_anon(BIG, k == K_PRIVATE ? MAP_PRIVATE : MAP_SHARED);
	*id = seg_get(IPC_PRIVATE, BIG, IPC_CREAT | 0600);
	if (*id < 0)
		return (void *)(long)*id;
	p = sys_shmat(*id, NULL, 0);
	if (ptr_err(p))
		sys_shmctl(*id, IPC_RMID, NULL);
	return p;
}

/* Undoes map_kind: what is left of the mapping, and the segment. */
static void unmap_kind(void *p, int id)
{
	if (id < 0) {
		UT_ASSERT_EQ(0, sys_munmap(p, BIG));
		return;
	}
	UT_ASSERT_EQ(0, sys_shmdt(p));
	UT_ASSERT_EQ(0, nattch(id));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/* A child writes PAT(8, 0) at a and checks it: exits 0. */
static void write_and_check(uintptr_t a)
{
	put((void *)a, 0, PAT(8, 0));
	exit(get((void *)a, 0) == PAT(8, 0) ? 0 : 60);
}

#define HOLE 700   /* a page in the middle of the second 2 MiB */

/*
 * munmap of one page in the middle: the neighbours keep their data and
 * stay writable, the hole faults (a child touching it dies). For SysV,
 * the page still exists in the segment (another attachment sees it) and
 * shmdt removes both remaining pieces.
 */
VMTEST(munmap_middle_page_leaves_a_hole)
{
	for (int k = 0; k < NKINDS; k++) {
		char *p;
		int id;
		size_t i;

		p = map_kind(k, &id);
		UT_ASSERT_OK(ptr_err(p));
		for (i = 0; i < BIG_PAGES; i++)
			put(p, i, PAT(k, i));
		UT_ASSERT_EQ(0, sys_munmap(p + HOLE * PAGE_SIZE, PAGE_SIZE));
		for (i = 0; i < BIG_PAGES; i++)
			if (i != HOLE && get(p, i) != PAT(k, i))
				UT_FAIL("%s: page %lu lost its data", kind_name[k],
				    (unsigned long)i);
		put(p, HOLE - 1, PAT(9, HOLE - 1));
		put(p, HOLE + 1, PAT(9, HOLE + 1));
		UT_ASSERT_EQ(PAT(9, HOLE - 1), get(p, HOLE - 1));
		UT_ASSERT_EQ(PAT(9, HOLE + 1), get(p, HOLE + 1));
		UT_ASSERT_SEGV(fault_status(do_read, (uintptr_t)(p + HOLE * PAGE_SIZE)));
		UT_ASSERT_SEGV(fault_status(do_write, (uintptr_t)(p + HOLE * PAGE_SIZE + 8)));
		/* A child inherits the split mapping; its write to a
		 * neighbour is seen here unless the mapping is private. */
		UT_ASSERT_EXIT0(child_status(write_and_check,
		    (uintptr_t)(p + (HOLE + 1) * PAGE_SIZE)));
		UT_ASSERT_EQ(k == K_PRIVATE ? PAT(9, HOLE + 1) : PAT(8, 0),
		    get(p, HOLE + 1));
		if (k == K_SYSV) {
			char *q = sys_shmat(id, NULL, 0);

			UT_ASSERT_OK(ptr_err(q));
			UT_ASSERT_EQ(PAT(k, HOLE), get(q, HOLE));
			UT_ASSERT_EQ(PAT(8, 0), get(q, HOLE + 1));
			UT_ASSERT_EQ(3, nattch(id));   /* each piece counts */
			UT_ASSERT_EQ(0, sys_shmdt(q));
			UT_ASSERT_EQ(2, nattch(id));
			unmap_kind(p, id);
		} else {
			UT_ASSERT_EQ(0, sys_munmap(p, BIG));   /* holes are fine */
		}
	}
}

/*
 * mprotect(PROT_READ) of one page in the middle: a write there kills (a
 * child); a read sees the data; the neighbours stay writable; for shared
 * mappings another process's mapping of the page stays writable and the
 * read-only mapping sees its write. mprotect back to RW restores writes.
 * Then PROT_NONE: even a read kills.
 */
VMTEST(mprotect_middle_page_readonly)
{
	for (int k = 0; k < NKINDS; k++) {
		char *p, *hole;
		int id;
		size_t i;

		p = map_kind(k, &id);
		UT_ASSERT_OK(ptr_err(p));
		hole = p + HOLE * PAGE_SIZE;
		for (i = 0; i < BIG_PAGES; i++)
			put(p, i, PAT(k, i));
		UT_ASSERT_EQ(0, sys_mprotect(hole, PAGE_SIZE, PROT_READ));
		UT_ASSERT_SEGV(fault_status(do_write, (uintptr_t)hole));
		UT_ASSERT_EQ(PAT(k, HOLE), get(p, HOLE));
		put(p, HOLE - 1, PAT(9, HOLE - 1));
		put(p, HOLE + 1, PAT(9, HOLE + 1));
		put(p, 0, PAT(9, 0));
		put(p, BIG_PAGES - 1, PAT(9, BIG_PAGES - 1));
		UT_ASSERT_EQ(PAT(9, HOLE + 1), get(p, HOLE + 1));
		if (k == K_SYSV) {
			/* B, a separate attachment, writes the page; A sees it. */
			char *q = sys_shmat(id, NULL, 0);

			UT_ASSERT_OK(ptr_err(q));
			UT_ASSERT_EXIT0(child_status(write_and_check,
			    (uintptr_t)(q + HOLE * PAGE_SIZE)));
			UT_ASSERT_EQ(PAT(8, 0), get(hole, 0));
			UT_ASSERT_EQ(0, sys_shmdt(q));
		}
		for (i = 0; i < BIG_PAGES; i++) {
			uint64_t want = (i == 0 || i == HOLE - 1 || i == HOLE + 1 ||
			    i == BIG_PAGES - 1) ? PAT(9, i) : PAT(k, i);

			if (i != HOLE && get(p, i) != want)
				UT_FAIL("%s: page %lu changed", kind_name[k], (unsigned long)i);
		}
		UT_ASSERT_EQ(0, sys_mprotect(hole, PAGE_SIZE, RW));
		put(p, HOLE, PAT(10, HOLE));
		UT_ASSERT_EQ(PAT(10, HOLE), get(p, HOLE));
		UT_ASSERT_EQ(0, sys_mprotect(hole, PAGE_SIZE, PROT_NONE));
		UT_ASSERT_SEGV(fault_status(do_read, (uintptr_t)hole));
		UT_ASSERT_EQ(PAT(9, HOLE + 1), get(p, HOLE + 1));
		UT_ASSERT_EQ(0, sys_mprotect(hole, PAGE_SIZE, PROT_READ));
		UT_ASSERT_EQ(PAT(10, HOLE), get(p, HOLE));
		unmap_kind(p, id);
	}
}

/*
 * MAP_FIXED over an existing mapping replaces that part: the new pages
 * read zero, the rest keeps its data. Done over a private mapping (with a
 * shared one, which a child then shares) and over part of a SysV
 * attachment (the attachment stays, in two pieces, until shmdt).
 */
VMTEST(map_fixed_replaces_existing_mapping)
{
	const size_t n = 16, lo = 4, len = 6;
	char *p, *q, *fix;
	int id, pid, status;
	size_t i;

	p = map_anon(n * PAGE_SIZE, MAP_PRIVATE);
	UT_ASSERT_OK(ptr_err(p));
	for (i = 0; i < n; i++)
		put(p, i, PAT(1, i));
	fix = p + lo * PAGE_SIZE;
	q = sys_mmap(fix, len * PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	UT_ASSERT_EQ(fix, q);
	for (i = 0; i < n; i++)
		UT_ASSERT_EQ(i >= lo && i < lo + len ? 0 : PAT(1, i), get(p, i));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		put(p, lo, PAT(2, lo));          /* shared: the parent sees it */
		put(p, 0, PAT(2, 0));            /* private: it does not */
		exit(0);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EXIT0(status);
	UT_ASSERT_EQ(PAT(2, lo), get(p, lo));
	UT_ASSERT_EQ(PAT(1, 0), get(p, 0));
	/* Again over the fixed mapping itself, private this time. */
	q = sys_mmap(fix, PAGE_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	UT_ASSERT_EQ(fix, q);
	UT_ASSERT_EQ(0, get(p, lo));
	UT_ASSERT_EQ(0, sys_munmap(p, n * PAGE_SIZE));

	id = seg_get(IPC_PRIVATE, BIG, IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	p = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(p));
	for (i = 0; i < BIG_PAGES; i++)
		put(p, i, PAT(3, i));
	fix = p + HOLE * PAGE_SIZE;
	q = sys_mmap(fix, PAGE_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	UT_ASSERT_EQ(fix, q);
	UT_ASSERT_EQ(0, get(p, HOLE));
	UT_ASSERT_EQ(PAT(3, HOLE - 1), get(p, HOLE - 1));
	UT_ASSERT_EQ(PAT(3, HOLE + 1), get(p, HOLE + 1));
	UT_ASSERT_EQ(2, nattch(id));         /* one per piece */
	UT_ASSERT_EQ(0, sys_shmdt(p));           /* both pieces go */
	UT_ASSERT_EQ(0, nattch(id));
	UT_ASSERT_EQ(0, get(fix, 0));        /* the private page stays */
	UT_ASSERT_EQ(0, sys_munmap(fix, PAGE_SIZE));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/*
 * MAP_PRIVATE after fork is copy-on-write: each side's writes stay its
 * own, whether the page was touched before the fork or not.
 */
VMTEST(cow_private_isolation_after_fork)
{
	const size_t n = 32;
	struct xsync *s;
	char *p;
	int pid, status;
	size_t i;

	s = map_anon(PAGE_SIZE, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(s));
	p = map_anon(n * PAGE_SIZE, MAP_PRIVATE);
	UT_ASSERT_OK(ptr_err(p));
	for (i = 0; i < n / 2; i++)      /* the second half stays untouched */
		put(p, i, PAT(1, i));
	s->go = s->ack = 0;
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		if (!ut_wait_for(&s->go, 1))
			exit(70);
		for (i = 0; i < n; i++)   /* the parent wrote: not seen */
			if (get(p, i) != (i < n / 2 ? PAT(1, i) : 0))
				exit(71);
		for (i = 0; i < n; i++)
			put(p, i, PAT(3, i));
		for (i = 0; i < n; i++)
			if (get(p, i) != PAT(3, i))
				exit(72);
		signal_val(&s->ack, 1);
		exit(0);
	}
	for (i = 0; i < n; i++)
		put(p, i, PAT(2, i));
	signal_val(&s->go, 1);
	UT_ASSERT(ut_wait_for(&s->ack, 1));
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EXIT0(status);
	for (i = 0; i < n; i++)
		UT_ASSERT_EQ(PAT(2, i), get(p, i));
	UT_ASSERT_EQ(0, sys_munmap(p, n * PAGE_SIZE));
	UT_ASSERT_EQ(0, sys_munmap(s, PAGE_SIZE));
}

/*
 * One segment seen through three mappings at different object offsets:
 * shmat (offset 0), shm_map from 2 MiB and shm_map from 4 KiB (a view
 * whose 2 MiB boundaries fall mid-way). A forked child writes through
 * one view; the parent reads the same bytes through the others.
 */
VMTEST(map_shm_offset_views_agree)
{
	UT_NEEDS_OWN_KERNEL("shm_map");
	const size_t size = 6UL << 20, seg = 512;   /* pages per 2 MiB */
	char *a, *b, *c;
	int id, pid, status;
	size_t i;

	id = seg_get(IPC_PRIVATE, size, IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	a = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(a));
	b = shm_map(id, NULL, 4UL << 20, RW, MAP_SHARED, 2UL << 20);
	UT_ASSERT_OK(ptr_err(b));
	c = shm_map(id, NULL, 4UL << 20, RW, MAP_SHARED, PAGE_SIZE);
	UT_ASSERT_OK(ptr_err(c));
	for (i = 0; i < size / PAGE_SIZE; i++)
		put(a, i, PAT(1, i));
	for (i = 0; i < 2 * seg; i++) {
		if (get(b, i) != PAT(1, i + seg))
			UT_FAIL("offset 2 MiB view: page %lu", (unsigned long)i);
		if (get(c, i) != PAT(1, i + 1))
			UT_FAIL("offset 4 KiB view: page %lu", (unsigned long)i);
	}
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		for (i = 0; i < 2 * seg; i++)
			put(b, i, PAT(2, i + seg));
		exit(0);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EXIT0(status);
	for (i = 0; i < size / PAGE_SIZE; i++) {
		uint64_t want = i >= seg && i < 3 * seg ? PAT(2, i) : PAT(1, i);

		if (get(a, i) != want)
			UT_FAIL("offset 0 view: page %lu", (unsigned long)i);
		if (i >= 1 && i <= 2 * seg && get(c, i - 1) != want)
			UT_FAIL("offset 4 KiB view: page %lu after the child", (unsigned long)i);
	}
	UT_ASSERT_EQ(1, nattch(id));
	UT_ASSERT_EQ(0, sys_munmap(b, 4UL << 20));
	UT_ASSERT_EQ(0, sys_munmap(c, 4UL << 20));
	UT_ASSERT_EQ(0, sys_shmdt(a));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/*
 * Ranges that cross 2 MiB boundaries in a 6 MiB shared mapping: mprotect
 * of [1 MiB, 5 MiB) to read-only, then munmap of the whole middle 2 MiB.
 * Pages outside keep working; inside, writes kill and the hole faults;
 * another process's mapping is unaffected throughout.
 */
VMTEST(mprotect_and_munmap_across_segments)
{
	const size_t size = 6UL << 20, npages = size / PAGE_SIZE, seg = 512;
	const size_t ro_lo = 256, ro_hi = 1280;   /* [1 MiB, 5 MiB) */
	for (int k = K_SHARED; k <= K_SYSV; k++) {
		char *p, *q = NULL;
		int id = -1, pid, status;
		size_t i;

		if (k == K_SYSV) {
			id = seg_get(IPC_PRIVATE, size, IPC_CREAT | 0600);
			UT_ASSERT_OK(id);
			p = sys_shmat(id, NULL, 0);
			q = sys_shmat(id, NULL, 0);          /* the "other process" view */
			UT_ASSERT_OK(ptr_err(q));
		} else {
			p = map_anon(size, MAP_SHARED);
		}
		UT_ASSERT_OK(ptr_err(p));
		for (i = 0; i < npages; i++)
			put(p, i, PAT(k, i));
		UT_ASSERT_EQ(0, sys_mprotect(p + ro_lo * PAGE_SIZE, (ro_hi - ro_lo) * PAGE_SIZE,
		    PROT_READ));
		UT_ASSERT_SEGV(fault_status(do_write, (uintptr_t)(p + ro_lo * PAGE_SIZE)));
		UT_ASSERT_SEGV(fault_status(do_write, (uintptr_t)(p + (ro_hi - 1) * PAGE_SIZE)));
		UT_ASSERT_SEGV(fault_status(do_write, (uintptr_t)(p + 2 * seg * PAGE_SIZE)));
		put(p, ro_lo - 1, PAT(9, ro_lo - 1));
		put(p, ro_hi, PAT(9, ro_hi));
		/* A child's own mapping of the pages (inherited, then made
		 * writable again in the child only) writes; we see it. */
		pid = fork();
		UT_ASSERT_OK(pid);
		if (pid == 0) {
			if (sys_mprotect(p + seg * PAGE_SIZE, PAGE_SIZE, RW) != 0)
				exit(1);
			put(p, seg, PAT(8, seg));
			exit(0);
		}
		UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
		UT_ASSERT_EXIT0(status);
		UT_ASSERT_EQ(PAT(8, seg), get(p, seg));
		UT_ASSERT_SEGV(fault_status(do_write, (uintptr_t)(p + seg * PAGE_SIZE)));
		if (q) {
			put(q, seg + 1, PAT(7, seg + 1));
			UT_ASSERT_EQ(PAT(7, seg + 1), get(p, seg + 1));
		}
		UT_ASSERT_EQ(0, sys_munmap(p + seg * PAGE_SIZE, seg * PAGE_SIZE));
		UT_ASSERT_SEGV(fault_status(do_read, (uintptr_t)(p + seg * PAGE_SIZE)));
		UT_ASSERT_SEGV(fault_status(do_read, (uintptr_t)(p + (2 * seg - 1) * PAGE_SIZE)));
		for (i = 0; i < npages; i++) {
			uint64_t want = i == ro_lo - 1 || i == ro_hi ? PAT(9, i) : PAT(k, i);

			if (i >= seg && i < 2 * seg)
				continue;
			if (get(p, i) != want)
				UT_FAIL("%s: page %lu", kind_name[k], (unsigned long)i);
		}
		put(p, 0, PAT(6, 0));
		put(p, npages - 1, PAT(6, npages - 1));
		if (q) {
			UT_ASSERT_EQ(PAT(8, seg), get(q, seg));   /* the hole is ours only */
			UT_ASSERT_EQ(PAT(6, npages - 1), get(q, npages - 1));
			UT_ASSERT_EQ(0, sys_shmdt(q));
			UT_ASSERT_EQ(0, sys_shmdt(p));
			UT_ASSERT_EQ(0, nattch(id));
			UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
		} else {
			UT_ASSERT_EQ(0, sys_munmap(p, size));
		}
	}
}

/*
 * munmap and mprotect act on one address space only: a forked child that
 * unmaps and write-protects pages of a shared mapping leaves the parent's
 * mapping of them whole, and both still share the data.
 */
VMTEST(child_unmap_and_protect_leave_parent_alone)
{
	struct xsync *s;
	char *p;
	int pid, status;
	size_t i;

	p = map_anon(BIG, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(p));
	s = (struct xsync *)p;            /* page 0 is the handshake */
	s->go = s->ack = 0;
	for (i = 1; i < BIG_PAGES; i++)
		put(p, i, PAT(1, i));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		if (sys_munmap(p + HOLE * PAGE_SIZE, PAGE_SIZE) != 0 ||
		    sys_mprotect(p + (HOLE + 1) * PAGE_SIZE, PAGE_SIZE, PROT_READ) != 0 ||
		    sys_munmap(p + 600 * PAGE_SIZE, 2 * PAGE_SIZE) != 0)
			exit(1);
		put(p, HOLE + 2, PAT(2, HOLE + 2));
		signal_val(&s->ack, 1);
		if (!ut_wait_for(&s->go, 1))
			exit(2);
		if (get(p, HOLE + 1) != PAT(3, HOLE + 1))   /* parent's write */
			exit(3);
		for (i = 1; i < BIG_PAGES; i++) {
			if (i == HOLE || i == HOLE + 1 || i == HOLE + 2 || i == 600 || i == 601)
				continue;
			if (get(p, i) != PAT(1, i))
				exit(4);
		}
		exit(0);
	}
	UT_ASSERT(ut_wait_for(&s->ack, 1));
	UT_ASSERT_EQ(PAT(2, HOLE + 2), get(p, HOLE + 2));
	UT_ASSERT_EQ(PAT(1, HOLE), get(p, HOLE));          /* still mapped here */
	UT_ASSERT_EQ(PAT(1, 600), get(p, 600));
	put(p, HOLE, PAT(3, HOLE));
	put(p, HOLE + 1, PAT(3, HOLE + 1));                /* still writable here */
	put(p, 601, PAT(3, 601));
	signal_val(&s->go, 1);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EXIT0(status);
	UT_ASSERT_EQ(PAT(3, HOLE), get(p, HOLE));
	UT_ASSERT_EQ(PAT(3, 601), get(p, 601));
	UT_ASSERT_EQ(0, sys_munmap(p, BIG));
}

/* ---- SysV errors and bookkeeping ---- */

VMTEST(shmget_errors)
{
	UT_NEEDS_OWN_KERNEL("its SHMMAX of 4 GiB (Linux has none)");
	int key = unique_key(2), id, id2;

	UT_ASSERT_EQ(-EINVAL, seg_get(IPC_PRIVATE, 0, IPC_CREAT | 0600));
	UT_ASSERT_EQ(-EINVAL, seg_get(IPC_PRIVATE, SHMMAX + PAGE_SIZE, IPC_CREAT | 0600));
	UT_ASSERT_EQ(-EINVAL, seg_get(key, 0, IPC_CREAT | 0600));
	UT_ASSERT_EQ(-ENOENT, seg_get(key, PAGE_SIZE, 0));
	UT_ASSERT_EQ(-ENOENT, seg_get(key, 0, 0));

	id = seg_get(key, 2 * PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	UT_ASSERT_OK(id);
	UT_ASSERT_EQ(-EEXIST, seg_get(key, 2 * PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600));
	UT_ASSERT_EQ(id, seg_get(key, 2 * PAGE_SIZE, IPC_CREAT | 0600));
	UT_ASSERT_EQ(id, seg_get(key, 0, 0));
	UT_ASSERT_EQ(id, seg_get(key, PAGE_SIZE, 0));
	UT_ASSERT_EQ(-EINVAL, seg_get(key, 3 * PAGE_SIZE, 0));   /* larger */
	/* IPC_PRIVATE always creates. */
	id2 = seg_get(IPC_PRIVATE, PAGE_SIZE, 0600);
	UT_ASSERT_OK(id2);
	UT_ASSERT_NE(id, id2);
	UT_ASSERT_EQ(0, sys_shmctl(id2, IPC_RMID, NULL));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
	UT_ASSERT_EQ(-ENOENT, seg_get(key, 0, 0));
}

VMTEST(shmat_shmdt_shmctl_errors)
{
	char *p, *q, *at;
	int id, dead;

	id = seg_get(IPC_PRIVATE, 2 * PAGE_SIZE, IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	dead = seg_get(IPC_PRIVATE, PAGE_SIZE, IPC_CREAT | 0600);
	UT_ASSERT_OK(dead);
	UT_ASSERT_EQ(0, sys_shmctl(dead, IPC_RMID, NULL));

	/* Bad ids: negative, never used, removed. */
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(-1, NULL, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(0x7ffffff0, NULL, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(dead, NULL, 0)));
	UT_ASSERT_EQ(-EINVAL, sys_shmctl(dead, IPC_RMID, NULL));
	UT_ASSERT_EQ(-EINVAL, sys_shmctl(-1, IPC_RMID, NULL));
	UT_ASSERT_EQ(-EINVAL, nattch(dead));

	/* Bad flags and addresses. */
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(id, NULL, SHM_REMAP)));   /* needs an address */
	at = map_anon(16 * PAGE_SIZE, MAP_PRIVATE);   /* a free range for later */
	UT_ASSERT_OK(ptr_err(at));
	UT_ASSERT_EQ(0, sys_munmap(at, 16 * PAGE_SIZE));
	at += 4 * PAGE_SIZE;
	p = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(p));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(id, at + 1, 0)));          /* unaligned */
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(id, at + 100, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(id, p + PAGE_SIZE, 0)));   /* busy */
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(id, p, 0)));
	/* Past user space: -ENOMEM, as mmap; wrapping around: -EINVAL. */
	UT_ASSERT_EQ(-ENOMEM, ptr_err(sys_shmat(id, (void *)0xffff800000000000UL, 0)));
	UT_ASSERT_EQ(-ENOMEM, ptr_err(sys_shmat(id, (void *)(0x0000800000000000UL - PAGE_SIZE), 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(id, (void *)-PAGE_SIZE, 0)));
	q = sys_shmat(id, at, 0);                                          /* aligned: fine */
	UT_ASSERT_EQ(at, q);

	/* shmdt of what is not an attachment. */
	UT_ASSERT_EQ(-EINVAL, sys_shmdt(p + PAGE_SIZE));
	UT_ASSERT_EQ(-EINVAL, sys_shmdt(p + 1));
	UT_ASSERT_EQ(-EINVAL, sys_shmdt((void *)main));
	UT_ASSERT_EQ(0, sys_shmdt(q));
	UT_ASSERT_EQ(-EINVAL, sys_shmdt(q));                               /* twice */

	/* shmctl: bad commands, bad buffers. */
	UT_ASSERT_EQ(-EINVAL, sys_shmctl(id, 99, NULL));
	UT_ASSERT_EQ(-EINVAL, sys_shmctl(id, 77, NULL));
	UT_ASSERT_EQ(-EFAULT, sys_shmctl(id, IPC_SET, NULL));
	UT_ASSERT_EQ(-EFAULT, sys_shmctl(id, IPC_STAT, NULL));
	UT_ASSERT_EQ(-EFAULT, sys_shmctl(id, IPC_STAT, (struct shmid_ds *)0x1000));
	UT_ASSERT_EQ(-EFAULT, sys_shmctl(id, IPC_STAT, (struct shmid_ds *)0xffff800000000000UL));
	UT_ASSERT_EQ(-EFAULT, sys_shmctl(id, IPC_STAT, (struct shmid_ds *)(uintptr_t)main));
	UT_ASSERT_EQ(1, nattch(id));                                   /* unharmed */

	UT_ASSERT_EQ(0, sys_shmdt(p));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
	UT_ASSERT_EQ(-EINVAL, sys_shmctl(id, IPC_RMID, NULL));             /* twice */
}

/*
 * The address of an attachment is its shmdt handle, and stays so when its
 * first pages are unmapped. A new attachment never takes it: the kernel
 * places one elsewhere and one asked for there fails, so shmdt of either
 * never removes the other. (stress found shmdt removing both.)
 */
VMTEST(shmat_never_reuses_a_detach_address)
{
	UT_NEEDS_OWN_KERNEL("its rule that shmat never takes a detach address (Linux attaches there)");
	const size_t half = BIG_PAGES / 2;
	char *a, *b;
	int big, small;

	big = seg_get(IPC_PRIVATE, BIG, IPC_CREAT | 0600);
	UT_ASSERT_OK(big);
	small = seg_get(IPC_PRIVATE, 4 * PAGE_SIZE, IPC_CREAT | 0600);
	UT_ASSERT_OK(small);
	a = sys_shmat(big, NULL, 0);
	UT_ASSERT_OK(ptr_err(a));
	put(a, half, PAT(1, half));
	UT_ASSERT_EQ(0, sys_munmap(a, half * PAGE_SIZE));            /* a is free again */
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(small, a, 0)));
	b = sys_shmat(small, a + PAGE_SIZE, 0);                      /* beside it: fine */
	UT_ASSERT_EQ(a + PAGE_SIZE, b);
	UT_ASSERT_EQ(0, sys_shmdt(b));
	b = sys_shmat(small, NULL, 0);
	UT_ASSERT_OK(ptr_err(b));
	UT_ASSERT(b != a);
	UT_ASSERT_EQ(0, sys_shmdt(b));
	UT_ASSERT_EQ(PAT(1, half), get(a, half));                /* a's rest stays */
	UT_ASSERT_EQ(1, nattch(big));
	UT_ASSERT_EQ(0, sys_shmdt(a));
	UT_ASSERT_EQ(0, nattch(big));
	UT_ASSERT_EQ(0, sys_shmctl(big, IPC_RMID, NULL));
	UT_ASSERT_EQ(0, sys_shmctl(small, IPC_RMID, NULL));
}

/* Segments until the table is full: ENOSPC, then all back. */
VMTEST(shmget_enospc_at_segment_limit)
{
	UT_NEEDS_OWN_KERNEL("its SHMMNI of 128 and the shm_segments count");
	static int ids[SHMMNI + 1];
	int n = 0, r = 0, i;
	uint64_t start = ut_vmstat(0).shm_segments;

	while (n <= SHMMNI) {
		r = seg_get(IPC_PRIVATE, PAGE_SIZE, IPC_CREAT | 0600);
		if (r < 0)
			break;
		ids[n++] = r;
	}
	UT_ASSERT_EQ(-ENOSPC, r);
	UT_ASSERT_EQ(SHMMNI - (long)start, n);
	UT_ASSERT_EQ(SHMMNI, ut_vmstat(0).shm_segments);
	UT_ASSERT_EQ(-ENOSPC, seg_get(unique_key(3), PAGE_SIZE, IPC_CREAT | 0600));
	for (i = 0; i < n; i++)
		UT_ASSERT_EQ(0, sys_shmctl(ids[i], IPC_RMID, NULL));
	UT_ASSERT_EQ(start, ut_vmstat(0).shm_segments);
	/* A slot is free again. */
	r = seg_get(IPC_PRIVATE, PAGE_SIZE, IPC_CREAT | 0600);
	UT_ASSERT_OK(r);
	UT_ASSERT_EQ(0, sys_shmctl(r, IPC_RMID, NULL));
}

/* IPC_STAT: size as asked, attachments counted per (process, shmat). */
VMTEST(ipc_stat_reports_size_nattch_cpid)
{
	int key = unique_key(4), id, pid, status;
	struct shmid_ds ds;
	struct xsync *s;
	char *p, *q;

	s = map_anon(PAGE_SIZE, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(s));
	s->go = s->ack = 0;
	id = seg_get(key, 5000, IPC_CREAT | IPC_EXCL | 0640);
	UT_ASSERT_OK(id);
	memset(&ds, 0xff, sizeof(ds));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_STAT, &ds));
	UT_ASSERT_EQ(5000, ds.shm_segsz);
	UT_ASSERT_EQ(0, ds.shm_nattch);
	UT_ASSERT_EQ(getpid(), ds.shm_cpid);
	UT_ASSERT_EQ(key, ds.shm_perm.key);
	UT_ASSERT_EQ(0640, ds.shm_perm.mode);
	UT_ASSERT(ds.shm_ctime > 1577836800);   /* set at creation: after 2020 */
	UT_ASSERT_EQ(0, ds.shm_atime);

	p = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(p));
	UT_ASSERT_EQ(1, nattch(id));
	q = sys_shmat(id, NULL, SHM_RDONLY);
	UT_ASSERT_OK(ptr_err(q));
	UT_ASSERT_EQ(2, nattch(id));
	put(p, 1, PAT(1, 1));                 /* the 5000 bytes round up to 2 pages */
	UT_ASSERT_EQ(PAT(1, 1), get(q, 1));

	pid = fork();                         /* inherits both */
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		char *r = sys_shmat(id, NULL, 0);
		int code = ptr_err(r) ? 80 : 0;

		signal_val(&s->ack, 1);
		if (!ut_wait_for(&s->go, 1))
			code = 81;
		exit(code);
	}
	UT_ASSERT(ut_wait_for(&s->ack, 1));
	UT_ASSERT_EQ(5, nattch(id));
	signal_val(&s->go, 1);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EXIT0(status);
	UT_ASSERT_EQ(2, nattch(id));
	UT_ASSERT_EQ(0, sys_shmdt(q));
	UT_ASSERT_EQ(1, nattch(id));
	UT_ASSERT_EQ(0, sys_shmdt(p));
	UT_ASSERT_EQ(0, nattch(id));
	/* The creator stays the creator when another process looks. */
	pid = fork();
	if (pid == 0)
		exit(sys_shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_cpid == getppid() ? 0 : 82);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EXIT0(status);
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
	UT_ASSERT_EQ(0, sys_munmap(s, PAGE_SIZE));
}

/*
 * IPC_RMID while attached, as on Linux: the key goes at once (it can be
 * reused); the id stays, marked SHM_DEST, and the memory stays usable by
 * every attacher until the last detach, and then both are freed.
 */
VMTEST(ipc_rmid_with_attached_processes)
{
	UT_NEEDS_OWN_KERNEL("vmstat counters");
	const size_t n = 64;
	int key = unique_key(5), id, id2, pid, status;
	struct vmstat v0, v1, v2;
	struct xsync *s;
	long free0;
	char *p;

	s = map_anon(PAGE_SIZE, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(s));
	s->go = s->ack = 0;
	ut_touch_stack();
	free0 = ut_free_pages();
	v0 = ut_vmstat(0);

	id = seg_get(key, n * PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	UT_ASSERT_OK(id);
	p = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(p));
	put(p, 0, PAT(1, 0));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		char *mine = sys_shmat(id, NULL, 0);

		if (ptr_err(mine))
			exit(90);
		signal_val(&s->ack, 1);
		if (!ut_wait_for(&s->go, 1))
			exit(91);
		/* Removed, still attached twice here: the memory works. */
		if (get(mine, 0) != PAT(2, 0) || get(p, 0) != PAT(2, 0))
			exit(92);
		put(mine, n - 1, PAT(3, n - 1));
		if (sys_shmdt(mine) != 0)
			exit(93);
		exit(0);
	}
	UT_ASSERT(ut_wait_for(&s->ack, 1));
	UT_ASSERT_EQ(3, nattch(id));
	v1 = ut_vmstat(0);
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
	v2 = ut_vmstat(0);
	UT_ASSERT_EQ(v1.shm_segments, v2.shm_segments);       /* still in the table */
	UT_ASSERT_EQ(v0.shm_segments + 1, v2.shm_segments);
	UT_ASSERT_EQ(v1.vm_objects, v2.vm_objects);           /* and the memory */
	UT_ASSERT_EQ(-ENOENT, seg_get(key, 0, 0));              /* the key is free */
	UT_ASSERT_EQ(3, nattch(id));                           /* the id is not */
	{
		struct shmid_ds ds;

		UT_ASSERT_EQ(0, sys_shmctl(id, IPC_STAT, &ds));
		UT_ASSERT(ds.shm_perm.mode & SHM_DEST);
		UT_ASSERT_EQ(IPC_PRIVATE, ds.shm_perm.key);
	}
	id2 = seg_get(key, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	UT_ASSERT_OK(id2);                                     /* a new segment */
	UT_ASSERT_NE(id, id2);
	UT_ASSERT_EQ(0, sys_shmctl(id2, IPC_RMID, NULL));

	put(p, 0, PAT(2, 0));
	signal_val(&s->go, 1);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EXIT0(status);
	UT_ASSERT_EQ(PAT(3, n - 1), get(p, n - 1));
	UT_ASSERT_EQ(v0.vm_objects + 1, ut_vmstat(0).vm_objects); /* still ours */
	UT_ASSERT_EQ(0, sys_shmdt(p));                             /* the last detach */
	UT_ASSERT_EQ(-EINVAL, nattch(id));                     /* frees the id */
	UT_ASSERT_EQ(v0.vm_objects, ut_vmstat(0).vm_objects);
	UT_ASSERT_EQ(v0.shm_segments, ut_vmstat(0).shm_segments);
	UT_ASSERT_EQ(free0, ut_free_pages_settle(free0));
	UT_ASSERT_EQ(0, sys_munmap(s, PAGE_SIZE));
}

/* A child that attaches, touches, tells the parent and then waits to die. */
static void attach_and_wait(uintptr_t arg)
{
	int id = (int)arg;
	struct xsync *s = thread_base;
	char *p = sys_shmat(id, NULL, 0);

	if (ptr_err(p))
		exit(95);
	put(p, 3, PAT(4, 3));
	__atomic_fetch_add(&s->ack, 1, __ATOMIC_RELEASE);
	if (!ut_wait_for(&s->go, 1))
		exit(96);
	exit(0);        /* without shmdt */
}

/*
 * A process that exits (or is killed) while attached is detached by the
 * kernel: nattch drops, and after IPC_RMID every page comes back.
 */
VMTEST(exit_while_attached_detaches)
{
	const size_t n = 64;
	int id, a, b, status;
	struct xsync *s;
	long free0;

	s = map_anon(PAGE_SIZE, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(s));
	s->go = s->ack = 0;
	thread_base = s;
	ut_touch_stack();
	free0 = ut_free_pages();

	id = seg_get(IPC_PRIVATE, n * PAGE_SIZE, IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	a = fork();
	if (a == 0)
		attach_and_wait((uintptr_t)id);
	UT_ASSERT_OK(a);
	b = fork();
	if (b == 0)
		attach_and_wait((uintptr_t)id);
	UT_ASSERT_OK(b);
	UT_ASSERT(ut_wait_for(&s->ack, 2));
	UT_ASSERT_EQ(2, nattch(id));
	UT_ASSERT_EQ(0, sys_kill(b, SIGKILL));
	UT_ASSERT_EQ(b, sys_waitpid(b, &status, 0));
	UT_ASSERT(WIFSIGNALED(status));
	UT_ASSERT_EQ(1, nattch(id));
	signal_val(&s->go, 1);
	UT_ASSERT_EQ(a, sys_waitpid(a, &status, 0));
	UT_ASSERT_EXIT0(status);
	UT_ASSERT_EQ(0, nattch(id));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
	UT_ASSERT_EQ(free0, ut_free_pages_settle(free0));
	UT_ASSERT_EQ(0, sys_munmap(s, PAGE_SIZE));
}

/* ---- mmap, munmap, mprotect argument errors (see mm/vm_map.h) ---- */

VMTEST(mmap_argument_errors)
{
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	void *hint = (void *)0x0000300000000000UL;
	char *p;

	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap(NULL, 0, RW, anon, -1, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap(NULL, PAGE_SIZE, RW, MAP_ANONYMOUS, -1, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap(NULL, PAGE_SIZE, RW,
	    MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)));
	UT_ASSERT_EQ(-EBADF, ptr_err(sys_mmap(NULL, PAGE_SIZE, RW, MAP_PRIVATE, -1, 0)));  /* a file */
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap(NULL, PAGE_SIZE, RW, anon, -1, 1)));
	/* MAP_FIXED: the address must be page aligned (-EINVAL) and the range
	 * inside user space (-ENOMEM). */
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap((char *)hint + 1, PAGE_SIZE, RW,
	    anon | MAP_FIXED, -1, 0)));
	UT_ASSERT_EQ(-ENOMEM, ptr_err(sys_mmap((void *)0xffff800000000000UL, PAGE_SIZE, RW,
	    anon | MAP_FIXED, -1, 0)));
	UT_ASSERT_EQ(-ENOMEM, ptr_err(sys_mmap((void *)0xffffffff80000000UL, PAGE_SIZE, RW,
	    anon | MAP_FIXED, -1, 0)));
	UT_ASSERT_EQ(-ENOMEM, ptr_err(sys_mmap((void *)(0x0000800000000000UL - PAGE_SIZE),
	    2 * PAGE_SIZE, RW, anon | MAP_FIXED, -1, 0)));        /* crosses the top */
	/* Too long for the address space. */
	UT_ASSERT_EQ(-ENOMEM, ptr_err(sys_mmap(NULL, 1UL << 48, RW, anon, -1, 0)));
	UT_ASSERT_EQ(-ENOMEM, ptr_err(sys_mmap(NULL, ~0UL - PAGE_SIZE, RW, anon, -1, 0)));
	/* A kernel address as a mere hint is ignored. */
	p = sys_mmap((void *)0xffff800000000000UL, PAGE_SIZE, RW, anon, -1, 0);
	UT_ASSERT_OK(ptr_err(p));
	UT_ASSERT((uintptr_t)p < 0x0000800000000000UL);
	UT_ASSERT_EQ(0, sys_munmap(p, PAGE_SIZE));
	/* An unaligned length is rounded up. */
	p = sys_mmap(NULL, 100, RW, anon, -1, 0);
	UT_ASSERT_OK(ptr_err(p));
	p[PAGE_SIZE - 1] = 1;
	UT_ASSERT_EQ(0, sys_munmap(p, 100));
	/* Unknown flag bits and protection bits other than read, write and
	 * exec are ignored: PROT_SEM (0x8) alone maps an inaccessible page. */
	p = sys_mmap(NULL, PAGE_SIZE, RW | 0x8 | 0x100, anon | 0x80, -1, 0);
	UT_ASSERT_OK(ptr_err(p));
	put(p, 0, PAT(1, 0));
	UT_ASSERT_EQ(PAT(1, 0), get(p, 0));
	UT_ASSERT_EQ(0, sys_munmap(p, PAGE_SIZE));
	p = sys_mmap(NULL, PAGE_SIZE, 0x8, anon, -1, 0);
	UT_ASSERT_OK(ptr_err(p));
	UT_ASSERT_SEGV(fault_status(do_read, (uintptr_t)p));
	UT_ASSERT_EQ(0, sys_munmap(p, PAGE_SIZE));
}

/*
 * What this kernel refuses where Linux maps: MAP_FIXED at page 0 (Linux
 * lets root map it), MAP_GROWSDOWN (nothing grows here) and MAP_32BIT
 * (nothing is placed below 2 GiB).
 */
VMTEST(mmap_refuses_what_it_cannot_honour)
{
	UT_NEEDS_OWN_KERNEL("its refusals of MAP_FIXED at 0, MAP_GROWSDOWN and MAP_32BIT (Linux maps them)");
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS;

	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap(NULL, PAGE_SIZE, RW, anon | MAP_FIXED, -1, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap(NULL, PAGE_SIZE, RW, anon | 0x100, -1, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap(NULL, PAGE_SIZE, RW, anon | 0x40, -1, 0)));
}

/* shm_map: a valid id, no MAP_ANONYMOUS, not private, inside the segment. */
VMTEST(shm_map_argument_errors)
{
	UT_NEEDS_OWN_KERNEL("shm_map");
	int id;
	char *p;

	id = seg_get(IPC_PRIVATE, 4 * PAGE_SIZE, IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	UT_ASSERT_EQ(-EINVAL, ptr_err(shm_map(-1, NULL, PAGE_SIZE, RW, MAP_SHARED, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(shm_map(id, NULL, PAGE_SIZE, RW,
	    MAP_SHARED | MAP_ANONYMOUS, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(shm_map(id, NULL, PAGE_SIZE, RW, MAP_PRIVATE, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(shm_map(id, NULL, PAGE_SIZE, RW, MAP_SHARED,
	    4 * PAGE_SIZE)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(shm_map(id, NULL, 2 * PAGE_SIZE, RW, MAP_SHARED,
	    3 * PAGE_SIZE)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(shm_map(id, NULL, PAGE_SIZE, RW, MAP_SHARED, 100)));
	/* Without files, mmap maps anonymous memory only. */
	UT_ASSERT_EQ(-EBADF, ptr_err(sys_mmap(NULL, PAGE_SIZE, RW, MAP_SHARED, id, 0)));
	/* ... and a good one maps the segment from that offset. */
	p = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(p));
	put(p, 2, PAT(1, 2));
	{
		char *m = shm_map(id, NULL, 2 * PAGE_SIZE, RW, MAP_SHARED, 2 * PAGE_SIZE);

		UT_ASSERT_OK(ptr_err(m));
		UT_ASSERT_EQ(PAT(1, 2), get(m, 0));
		put(m, 1, PAT(2, 3));
		UT_ASSERT_EQ(PAT(2, 3), get(p, 3));
		UT_ASSERT_EQ(1, nattch(id));      /* a mapping, not an attachment */
		UT_ASSERT_EQ(0, sys_munmap(m, 2 * PAGE_SIZE));
	}
	UT_ASSERT_EQ(0, sys_shmdt(p));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

VMTEST(munmap_mprotect_argument_errors)
{
	char *p, *ro;
	int id;

	p = map_anon(6 * PAGE_SIZE, MAP_PRIVATE);
	UT_ASSERT_OK(ptr_err(p));
	UT_ASSERT_EQ(0, sys_munmap(p + 5 * PAGE_SIZE, PAGE_SIZE));      /* a known hole */
	UT_ASSERT_EQ(0, sys_munmap(p + 5 * PAGE_SIZE, PAGE_SIZE));      /* unmapped: fine */
	UT_ASSERT_EQ(-EINVAL, sys_munmap(p, 0));
	UT_ASSERT_EQ(-EINVAL, sys_munmap(p + 1, PAGE_SIZE));
	UT_ASSERT_EQ(0, sys_munmap(NULL, PAGE_SIZE));                   /* nothing there: fine */
	UT_ASSERT_EQ(-EINVAL, sys_munmap((void *)0xffff800000000000UL, PAGE_SIZE));
	UT_ASSERT_EQ(-EINVAL, sys_munmap((void *)(0x0000800000000000UL - PAGE_SIZE), 2 * PAGE_SIZE));

	/* mprotect: an unaligned address is -EINVAL, length 0 does nothing
	 * (whatever prot), then unknown bits are -EINVAL (PROT_SEM, 0x8, is
	 * accepted) and an unmapped page -ENOMEM, past user space too. */
	UT_ASSERT_EQ(-EINVAL, sys_mprotect(p + 1, PAGE_SIZE, PROT_READ));
	UT_ASSERT_EQ(0, sys_mprotect(p, 0, PROT_READ));
	UT_ASSERT_EQ(0, sys_mprotect(p, 0, 0x10));
	UT_ASSERT_EQ(-EINVAL, sys_mprotect(p, PAGE_SIZE, 0x10));
	UT_ASSERT_EQ(0, sys_mprotect(p, PAGE_SIZE, RW | 0x8));
	UT_ASSERT_EQ(-ENOMEM, sys_mprotect((void *)0xffff800000000000UL, PAGE_SIZE, PROT_READ));
	UT_ASSERT_EQ(-ENOMEM, sys_mprotect((void *)(0x0000800000000000UL - PAGE_SIZE), 2 * PAGE_SIZE,
	    PROT_READ));
	UT_ASSERT_EQ(-ENOMEM, sys_mprotect(NULL, PAGE_SIZE, PROT_READ));
	UT_ASSERT_EQ(-ENOMEM, sys_mprotect(p + 5 * PAGE_SIZE, PAGE_SIZE, PROT_READ));    /* hole */
	/* PROT_GROWSDOWN and PROT_GROWSUP (not both) need a mapping that grows:
	 * -EINVAL over one that does not, -ENOMEM over nothing. */
	UT_ASSERT_EQ(-EINVAL, sys_mprotect(p, PAGE_SIZE, PROT_READ | 0x01000000 | 0x02000000));
	UT_ASSERT_EQ(-EINVAL, sys_mprotect(p, PAGE_SIZE, PROT_READ | 0x01000000));
	UT_ASSERT_EQ(-EINVAL, sys_mprotect(p, PAGE_SIZE, PROT_READ | 0x02000000));
	UT_ASSERT_EQ(-ENOMEM, sys_mprotect(p + 5 * PAGE_SIZE, PAGE_SIZE, PROT_READ | 0x01000000));
	/* Nothing changed by the failures: still writable everywhere. */
	put(p, 3, PAT(1, 3));
	put(p, 4, PAT(1, 4));
	UT_ASSERT_EQ(PAT(1, 3), get(p, 3));
	/* A range that runs into a hole: -ENOMEM (Linux has changed the pages
	 * before the hole by then, this kernel none: it checks first). */
	UT_ASSERT_EQ(-ENOMEM, sys_mprotect(p + 2 * PAGE_SIZE, 4 * PAGE_SIZE, PROT_READ));
	UT_ASSERT_EQ(0, sys_munmap(p, 5 * PAGE_SIZE));

	/* A read-only attachment cannot be made writable: EACCES. */
	id = seg_get(IPC_PRIVATE, PAGE_SIZE, IPC_CREAT | 0600);
	UT_ASSERT_OK(id);
	ro = sys_shmat(id, NULL, SHM_RDONLY);
	UT_ASSERT_OK(ptr_err(ro));
	UT_ASSERT_EQ(-EACCES, sys_mprotect(ro, PAGE_SIZE, RW));
	UT_ASSERT_EQ(0, sys_mprotect(ro, PAGE_SIZE, PROT_READ));
	UT_ASSERT_SEGV(fault_status(do_write, (uintptr_t)ro));
	UT_ASSERT_EQ(0, sys_shmdt(ro));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/* ---- PV entries ---- */

/*
 * A private mapping: touching N pages adds exactly N PV entries and N
 * resident pages to this process (and to the system); unmapping removes
 * them. A process with only private mappings has one PV entry per mapped
 * page.
 */
VMTEST(pv_entries_track_private_pages)
{
	UT_NEEDS_OWN_KERNEL("vmstat counters (PV entries)");
	const size_t n = 40;
	struct vmstat p0, p1, g0, g1;
	char *p;
	size_t i;
	int me = getpid();

	p = map_anon(n * PAGE_SIZE, MAP_PRIVATE);
	UT_ASSERT_OK(ptr_err(p));
	ut_prefault_image();
	ut_touch_stack();
	p0 = ut_vmstat(me);
	g0 = ut_vmstat(0);
	UT_ASSERT_EQ(p0.resident, p0.pv_entries);
	for (i = 0; i < n; i++) {
		if (i % 2)
			(void)get(p, i);      /* a read maps the page too */
		else
			put(p, i, PAT(1, i));
	}
	p1 = ut_vmstat(me);
	g1 = ut_vmstat(0);
	UT_ASSERT_EQ(n, p1.pv_entries - p0.pv_entries);
	UT_ASSERT_EQ(n, p1.resident - p0.resident);
	UT_ASSERT_EQ(n, g1.pv_entries - g0.pv_entries);
	UT_ASSERT_EQ(p1.resident, p1.pv_entries);
	UT_ASSERT_EQ(0, sys_munmap(p, n * PAGE_SIZE));
	p1 = ut_vmstat(me);
	UT_ASSERT_EQ(p0.pv_entries, p1.pv_entries);
	UT_ASSERT_EQ(p0.resident, p1.resident);
}

/*
 * A small shared mapping (below 2 MiB: never a shared table) in two
 * processes: each process has its own PV entry for each page it touched;
 * the system has both. After fork the child starts with none for it.
 */
VMTEST(pv_entries_track_small_shared_mapping)
{
	UT_NEEDS_OWN_KERNEL("vmstat counters (PV entries)");
	const size_t n = 24;
	struct vmstat c0, c1, g0, g1;
	struct xsync *s;
	char *p;
	int pid, status;
	size_t i;

	s = map_anon(PAGE_SIZE, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(s));
	s->go = s->ack = 0;
	p = map_anon(n * PAGE_SIZE, MAP_SHARED);
	UT_ASSERT_OK(ptr_err(p));
	for (i = 0; i < n; i++)
		put(p, i, PAT(1, i));
	pid = fork();
	UT_ASSERT_OK(pid);
	if (pid == 0) {
		ut_prefault_image();
		ut_touch_stack();
		(void)get(p, 0);
		signal_val(&s->ack, 1);   /* s is mapped now */
		if (!ut_wait_for(&s->go, 1))
			exit(1);
		for (i = 0; i < n; i++)
			if (get(p, i) != PAT(1, i))
				exit(2);
		signal_val(&s->ack, 2);
		if (!ut_wait_for(&s->go, 2))
			exit(3);
		exit(0);
	}
	UT_ASSERT(ut_wait_for(&s->ack, 1));
	/* The count is system-wide: this process must not map a page of its
	 * own in between either (on several CPUs ut_wait_for may take the
	 * sleeping path, whose code may not have run here yet). */
	ut_prefault_image();
	ut_touch_stack();
	c0 = ut_vmstat(pid);
	g0 = ut_vmstat(0);
	signal_val(&s->go, 1);
	UT_ASSERT(ut_wait_for(&s->ack, 2));
	c1 = ut_vmstat(pid);
	g1 = ut_vmstat(0);
	signal_val(&s->go, 2);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT_EXIT0(status);
	UT_ASSERT_EQ(n - 1, c1.pv_entries - c0.pv_entries);
	UT_ASSERT_EQ(n - 1, c1.resident - c0.resident);
	UT_ASSERT_EQ(n - 1, g1.pv_entries - g0.pv_entries);
	UT_ASSERT_EQ(c1.resident, c1.pv_entries);
	UT_ASSERT_EQ(0, sys_munmap(p, n * PAGE_SIZE));
	UT_ASSERT_EQ(0, sys_munmap(s, PAGE_SIZE));
}

/*
 * PROT_WRITE alone cannot be expressed on x86 (writable implies readable).
 * After fork the page is shared copy-on-write; the child's read fault maps
 * it read-only, which must still be a valid mapping, not "no rights".
 */
UTEST(write_only_private_mapping_is_readable_after_fork)
{
	volatile uint64_t *p = sys_mmap(NULL, 4096, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int pid, status;

	UT_ASSERT_EQ(0, ptr_err((const void *)p));
	p[0] = 77;
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0)
		exit(p[0] == 77 ? 0 : 1);
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(0, WEXITSTATUS(status));
	p[0] = 78;                      /* the parent's write breaks the sharing */
	UT_ASSERT_EQ(78, p[0]);
	UT_ASSERT_EQ(0, sys_munmap((void *)p, 4096));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child(argc, argv);
	return utest_main("vm_user", argc, argv);
}
