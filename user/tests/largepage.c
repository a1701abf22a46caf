/*
 * Test suite "largepage": 2 MiB pages for shared memory, seen from real
 * processes (issue 9).
 *
 *  - SHM_HUGETLB and MAP_HUGETLB: sizes, flags and addresses they refuse;
 *    the 2 MiB blocks they take at creation and give back at the end;
 *  - exact per-process vmstat deltas: one fault per 2 MiB leaf for the
 *    client that fills the object, none for forked, exec'd and threaded
 *    clients (prelinked), one for a client attaching without prelink; one
 *    PD page and one copied leaf per 2 MiB, no PT page, no PV entry;
 *  - splitting: mprotect or munmap of one 4 KiB page inside a 2 MiB page
 *    changes only the caller's view (its other pages come back through
 *    private PTs of 4 KiB pieces, one fault per piece of mapping);
 *  - vm.largepages=2 (transparent), vm.largepage_reserve, ptdump.
 *
 * Every region is at most 16 MiB: the suite fits the default 1 GiB guest
 * and runs in seconds under TCG. Regions are attached at FIXED_VA, the
 * first address of an otherwise unused 512 GiB slot, so that the page-table
 * pages they need are exactly a PDPT and a PD page.
 *
 * Every case is an LPTEST: at its end, even after a failed assertion, the
 * segments it created are removed (a leftover one fails the case) and the
 * knobs it may have changed are back at their values from its start.
 *
 * The suite passes with machdep.pmap_mmu_optimize=0 too: then a process
 * maps the 4 KiB pieces of each 2 MiB page in private PTs, still one fault
 * per 2 MiB page but in every process, with 512 PV entries and one PT page
 * per 2 MiB. SH(shared, baseline) picks the expected value.
 */
#include "utest.h"

#define SELF      "/tests/largepage"
#define RW        (PROT_READ | PROT_WRITE)
#define MIB(n)    ((size_t)(n) << 20)
#define SEG       MIB(2)
#define SEG_PAGES (SEG / PAGE_SIZE)
#define FIXED_VA  ((void *)0x0000200000000000UL)   /* PML4 slot 64 */
#define HUGE_ANON (MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB)

int main(int argc, char **argv);

static bool sharing;                     /* machdep.pmap_mmu_optimize, read by main() */
#define SH(shared, baseline) (sharing ? (shared) : (baseline))

/* ---- helpers ---- */

/* The value page i of a region holds (tag: who wrote it). */
static uint64_t pat(int tag, size_t i)
{
	return ((uint64_t)tag << 32) | 0x4c000000u | i;
}

/* Writes pat(tag, i) into the first word of each of the n pages at base. */
static void fill(void *base, size_t n, int tag)
{
	for (size_t i = 0; i < n; i++)
		*(volatile uint64_t *)((char *)base + i * PAGE_SIZE) = pat(tag, i);
}

/* The first page i of [from, n) whose first word is not pat(tag, i), or n. */
static size_t first_bad(const void *base, size_t from, size_t n, int tag)
{
	for (size_t i = from; i < n; i++)
		if (*(const volatile uint64_t *)((const char *)base + i * PAGE_SIZE) != pat(tag, i))
			return i;
	return n;
}

/*
 * Makes this process's own text, data and stack pages resident, so that
 * the counters of a measured stretch only see the region under test.
 */
static void warm_up(void)
{
	ut_prefault_image();
	ut_touch_stack();
}

/* Sets knob `name` to v and returns its old value (-1 when it cannot). */
static long knob(const char *name, long v)
{
	long old;

	if (sysctl_get(name, &old) < 0 || sysctl_set(name, v) < 0)
		return -1;
	return old;
}

/* A new 4 KiB shared page for parent/child handshakes. */
static volatile int *handshake(void)
{
	void *p = sys_mmap(NULL, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return ptr_err(p) ? NULL : p;
}

/* Forks a child running fn(arg) that exits with fn's result; the child's pid or -E. */
static int spawn(int (*fn)(void *), void *arg)
{
	int pid = fork();

	if (pid == 0)
		exit(fn(arg));
	return pid;
}

/* Waits for child pid; its exit code, or 200 + signal when it was killed. */
static int reap(int pid)
{
	int status = 0;

	if (pid < 0 || sys_waitpid(pid, &status, 0) != pid)
		return 255;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

/* Child body: a write at address arg (expected to kill it). */
static int write_at(void *arg)
{
	ut_expect_fault();
	*(volatile char *)arg = 1;
	return 0;
}

/* Child body: a read at address arg (expected to kill it). */
static int read_at(void *arg)
{
	ut_expect_fault();
	(void)*(volatile char *)arg;
	return 0;
}

/* A region to check: base, pages, tag of its pattern. */
struct region {
	void *base;
	size_t pages;
	int tag;
};

/*
 * Child body: checks the pattern of region arg and exits with the faults
 * that took (0..99), or 100 + a code when something is wrong.
 */
static int check_faults(void *arg)
{
	/*
	 * After a fork the first access to each private page is a fault, so
	 * everything the count covers is touched before it starts: the
	 * region's description (in the parent's frame), the results, the
	 * stack and the image (warm_up).
	 */
	struct region reg = *(const struct region *)arg;
	const struct region *r = &reg;
	struct vmstat v0, v1;

	ut_touch(&v0, sizeof(v0));
	ut_touch(&v1, sizeof(v1));
	warm_up();
	v0 = ut_vmstat(getpid());
	if (first_bad(r->base, 0, r->pages, r->tag) != r->pages)
		return 101;
	v1 = ut_vmstat(getpid());
	if (v1.leaf_copies != SH(r->pages / SEG_PAGES, 0))
		return 102;
	return (int)MIN(v1.faults - v0.faults, 99);
}

/*
 * shmget() that remembers the ids it returns, so that the end of the case
 * can remove a segment a failed assertion left behind (segments outlive
 * processes and would break every later case's free-page balance).
 */
static int seg_ids[8];
static int nseg_ids;

static int seg_get(int key, size_t size, int flags)
{
	int id = sys_shmget(key, size, flags);

	if (id >= 0 && nseg_ids < (int)ARRAY_SIZE(seg_ids))
		seg_ids[nseg_ids++] = id;
	return id;
}

/* The knobs a case may change, saved at its start. */
static const char *const knob_names[] = {
	"vm.largepages", "vm.largepage_reserve", "machdep.pmap_prelink",
};
static long knob_saved[ARRAY_SIZE(knob_names)];

static void knobs_save(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(knob_names); i++)
		sysctl_get(knob_names[i], &knob_saved[i]);
}

/* The end of every case: leftover segments and changed knobs (see the top). */
static void lp_cleanup(int line)
{
	for (int i = 0; i < nseg_ids; i++)
		if (sys_shmctl(seg_ids[i], IPC_RMID, NULL) == 0)
			utest_fail(__FILE__, line, "segment %d left behind (now removed)", seg_ids[i]);
	nseg_ids = 0;
	for (size_t i = 0; i < ARRAY_SIZE(knob_names); i++)
		sysctl_set(knob_names[i], knob_saved[i]);
}

#define LPTEST(name)                                                         \
	static void lpt_##name(void);                                        \
	UTEST(name)                                                          \
	{                                                                    \
		nseg_ids = 0;                                                \
		knobs_save();                                                \
		lpt_##name();                                                \
		lp_cleanup(__LINE__);                                        \
	}                                                                    \
	static void lpt_##name(void)

/* ---- argument checks ---- */

/*
 * A size that is not a multiple of 2 MiB is rounded up to whole 2 MiB
 * pages, as Linux does: the mapping (or attachment) covers them all, and
 * IPC_STAT still reports the segment size asked for. A MAP_FIXED or shmat
 * address must be 2 MiB aligned, and the MAP_HUGE_* field, when set, say
 * 2 MiB.
 */
LPTEST(explicit_sizes_round_up_to_2mib_pages)
{
	struct shmid_ds ds;
	char *p;
	int id;

	id = seg_get(IPC_PRIVATE, MIB(3), IPC_CREAT | SHM_HUGETLB | 0600);
	UT_ASSERT_OK(id);
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_STAT, &ds));
	UT_ASSERT_EQ(MIB(3), ds.shm_segsz);
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_shmat(id, (char *)FIXED_VA + PAGE_SIZE, 0)));
	p = sys_shmat(id, FIXED_VA, 0);
	UT_ASSERT_EQ(FIXED_VA, p);
	fill(p, 2 * SEG_PAGES, 1);                              /* all 4 MiB */
	UT_ASSERT_EQ(2 * SEG_PAGES, first_bad(p, 0, 2 * SEG_PAGES, 1));
	UT_ASSERT_EQ(0, sys_shmdt(p));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));

	p = sys_mmap(NULL, MIB(3), RW, HUGE_ANON, -1, 0);
	UT_ASSERT_OK(ptr_err(p));
	fill(p, 2 * SEG_PAGES, 2);
	UT_ASSERT_EQ(2 * SEG_PAGES, first_bad(p, 0, 2 * SEG_PAGES, 2));
	UT_ASSERT_EQ(0, sys_munmap(p, MIB(4)));
	p = sys_mmap(NULL, PAGE_SIZE, RW, HUGE_ANON | MAP_HUGE_2MB, -1, 0);
	UT_ASSERT_OK(ptr_err(p));
	fill(p, SEG_PAGES, 3);
	UT_ASSERT_EQ(0, sys_munmap(p, SEG));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap(NULL, SEG, RW,         /* 4 MiB pages: none */
	    HUGE_ANON | (22 << MAP_HUGE_SHIFT), -1, 0)));
	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap((char *)FIXED_VA + PAGE_SIZE, SEG, RW,
	    HUGE_ANON | MAP_FIXED, -1, 0)));
}

LPTEST(explicit_flags_refuse_what_cannot_be_2mib_pages)
{
	UT_NEEDS_OWN_KERNEL("its refusal of MAP_PRIVATE | MAP_HUGETLB (Linux maps it) and shm_map");
	int id;

	UT_ASSERT_EQ(-EINVAL, ptr_err(sys_mmap(NULL, SEG, RW,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0)));
	id = seg_get(IPC_PRIVATE, SEG, IPC_CREAT | SHM_HUGETLB | 0600);
	UT_ASSERT_OK(id);
	UT_ASSERT_EQ(-EINVAL, ptr_err(shm_map(id, NULL, SEG, RW, MAP_SHARED | MAP_HUGETLB, 0)));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

LPTEST(largepages_0_refuses_explicit_requests)
{
	UT_NEEDS_OWN_KERNEL("vm.largepages (sysctl)");
	long old = knob("vm.largepages", 0);
	int id = seg_get(IPC_PRIVATE, SEG, IPC_CREAT | SHM_HUGETLB | 0600);
	void *p = sys_mmap(NULL, SEG, RW, HUGE_ANON, -1, 0);

	knob("vm.largepages", old);
	if (id >= 0)
		sys_shmctl(id, IPC_RMID, NULL);
	if (!ptr_err(p))
		sys_munmap(p, SEG);
	UT_ASSERT_EQ(1, old);
	UT_ASSERT_EQ(-EINVAL, id);
	UT_ASSERT_EQ(-EINVAL, ptr_err(p));
}

/* ---- SysV segments on 2 MiB pages ---- */

/* Thread body: checks the region of arg; 0 when it is all there. */
static void *thread_check(void *arg)
{
	const struct region *r = arg;

	return (void *)(long)(first_bad(r->base, 0, r->pages, r->tag) == r->pages ? 0 : 1);
}

/* main() runs this when exec'd with "--attach KEY": attach by key and check. */
static int exec_attach(const char *key)
{
	int id = sys_shmget(atoi(key), 0, 0);
	struct region r = { NULL, MIB(8) / PAGE_SIZE, 1 };

	if (id < 0)
		return 110;
	r.base = sys_shmat(id, FIXED_VA, 0);
	if (ptr_err(r.base))
		return 111;
	return check_faults(&r);
}

LPTEST(shm_hugetlb_clients_fork_exec_thread_fault_once_per_leaf_at_most)
{
	UT_NEEDS_OWN_KERNEL("vmstat counters");
	struct vmstat g0 = ut_vmstat(0), g1, p0, p1;
	int key = 0x4c500000 + (getpid() & 0xffff), id, faults;
	pthread_t tid;
	void *code;
	char keybuf[16];
	char *argv[] = { "largepage", "--attach", keybuf, NULL };
	struct region r = { NULL, MIB(8) / PAGE_SIZE, 1 };
	long old;
	int pid;

	warm_up();
	ut_touch(&p0, sizeof(p0));
	ut_touch(&p1, sizeof(p1));
	id = seg_get(key, MIB(8), IPC_CREAT | IPC_EXCL | SHM_HUGETLB | 0600);
	UT_ASSERT_OK(id);
	g1 = ut_vmstat(0);
	UT_ASSERT_EQ(4, g1.large_pages - g0.large_pages);       /* 4 blocks, taken now */
	UT_ASSERT_EQ(4, g0.large_free - g1.large_free);
	r.base = sys_shmat(id, FIXED_VA, 0);
	UT_ASSERT_OK(ptr_err(r.base));
	p0 = ut_vmstat(getpid());
	fill(r.base, r.pages, 1);
	p1 = ut_vmstat(getpid());
	UT_ASSERT_EQ(4, p1.faults - p0.faults);                 /* one per 2 MiB */
	UT_ASSERT_EQ(SH(4, 0), p1.faults_large - p0.faults_large);
	UT_ASSERT_EQ(0, p1.faults_split - p0.faults_split);
	UT_ASSERT_EQ(SH(4, 0), p1.leaf_copies - p0.leaf_copies);
	UT_ASSERT_EQ(SH(0, 4), p1.leaf_private - p0.leaf_private);   /* baseline: like Linux */
	UT_ASSERT_EQ(SH(1, 0), p1.leaf_mirrors);                /* registered at shmat */
	UT_ASSERT_EQ(2, p1.pt_pages - p0.pt_pages);             /* a PDPT and a PD, no PT */
	UT_ASSERT_EQ(SH(0, 4), p1.pv_entries - p0.pv_entries);  /* one per private leaf */
	UT_ASSERT_EQ(MIB(8) / PAGE_SIZE, p1.resident - p0.resident);
	UT_ASSERT_EQ(SH(4, 0), ut_vmstat(0).obj_leaves - g0.obj_leaves);
	/* A forked client: prelinked, no fault. */
	UT_ASSERT_EQ(SH(0, 4), reap(spawn(check_faults, &r)));
	/* An exec'd client attaching by key: prelinked at shmat. */
	snprintf(keybuf, sizeof(keybuf), "%d", key);
	pid = fork();
	if (pid == 0) {
		sys_execve(SELF, argv, environ);
		exit(120);
	}
	UT_ASSERT_EQ(SH(0, 4), reap(pid));
	/* A thread: same address space, nothing to fault (but its own stack). */
	p0 = ut_vmstat(getpid());
	UT_ASSERT_EQ(0, pthread_create(&tid, NULL, thread_check, &r));
	UT_ASSERT_EQ(0, pthread_join(tid, &code));
	UT_ASSERT_EQ(0, (long)code);
	p1 = ut_vmstat(getpid());
	UT_ASSERT_EQ(0, p1.faults_object + p1.faults_link + p1.faults_split -
	    p0.faults_object - p0.faults_link - p0.faults_split);
	/* Without prelink, a new attachment takes one link fault for all 4 leaves. */
	old = knob("machdep.pmap_prelink", 0);
	pid = fork();
	if (pid == 0) {
		struct region c = r;

		if (sys_shmdt(r.base) < 0 || ptr_err(c.base = sys_shmat(id, FIXED_VA, 0)))
			exit(130);
		exit(check_faults(&c));
	}
	faults = reap(pid);
	knob("machdep.pmap_prelink", old);
	UT_ASSERT_EQ(SH(1, 4), faults);
	UT_ASSERT_EQ(0, sys_shmdt(r.base));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
	UT_ASSERT_EQ(g0.large_pages, ut_vmstat(0).large_pages); /* all 4 blocks back */
	UT_ASSERT_EQ(g0.large_free, ut_vmstat(0).large_free);
	UT_ASSERT_EQ(g0.obj_leaves, ut_vmstat(0).obj_leaves);
}

LPTEST(readonly_attach_gets_readonly_2mib_pages)
{
	int id = seg_get(IPC_PRIVATE, SEG, IPC_CREAT | SHM_HUGETLB | 0600);
	char *rw, *ro;

	UT_ASSERT_OK(id);
	rw = sys_shmat(id, FIXED_VA, 0);
	ro = sys_shmat(id, (char *)FIXED_VA + MIB(4), SHM_RDONLY);
	UT_ASSERT_OK(ptr_err(rw));
	UT_ASSERT_OK(ptr_err(ro));
	fill(rw, SEG_PAGES, 3);
	UT_ASSERT_EQ(SEG_PAGES, first_bad(ro, 0, SEG_PAGES, 3));
	UT_ASSERT_EQ(200 + SIGSEGV, reap(spawn(write_at, ro + PAGE_SIZE)));
	fill(rw, 1, 4);                                         /* the RW view goes on */
	UT_ASSERT_EQ(1, first_bad(ro, 0, 1, 4));
	UT_ASSERT_EQ(0, sys_shmdt(rw));
	UT_ASSERT_EQ(0, sys_shmdt(ro));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/* ---- MAP_HUGETLB ---- */

/* Child body: checks tag 1 in the region of arg, writes tag 2; exits like check_faults(). */
static int rewrite(void *arg)
{
	struct region *r = arg;
	int faults = check_faults(r);

	if (faults >= 100)
		return faults;
	fill(r->base, r->pages, 2);
	return faults;
}

LPTEST(map_hugetlb_memory_is_shared_with_children_without_faults)
{
	UT_NEEDS_OWN_KERNEL("vmstat counters");
	struct vmstat g0 = ut_vmstat(0), p0, p1;
	struct region r = { NULL, MIB(4) / PAGE_SIZE, 1 };

	warm_up();
	r.base = sys_mmap(NULL, MIB(4), RW, HUGE_ANON, -1, 0);
	UT_ASSERT_OK(ptr_err(r.base));
	UT_ASSERT_EQ(0, (uintptr_t)r.base % SEG);
	UT_ASSERT_EQ(2, ut_vmstat(0).large_pages - g0.large_pages);
	p0 = ut_vmstat(getpid());
	fill(r.base, r.pages, 1);
	p1 = ut_vmstat(getpid());
	UT_ASSERT_EQ(2, p1.faults - p0.faults);
	UT_ASSERT_EQ(SH(2, 0), p1.faults_large - p0.faults_large);
	UT_ASSERT_EQ(0, p1.faults_zero - p0.faults_zero);       /* zeroed at mmap */
	UT_ASSERT_EQ(SH(0, 2), reap(spawn(rewrite, &r)));       /* forked: prelinked */
	UT_ASSERT_EQ(r.pages, first_bad(r.base, 0, r.pages, 2));   /* its writes show here */
	UT_ASSERT_EQ(0, sys_munmap(r.base, MIB(4)));
	UT_ASSERT_EQ(g0.large_pages, ut_vmstat(0).large_pages);
}

/* ---- splitting ---- */

/* A region and a handshake word, for a partner process. */
struct partner {
	struct region r;
	volatile int *go;
};

/*
 * Child body: waits for go, writes tag 9 into page 5 of the region, checks
 * its neighbours, and exits with its count of copied 2 MiB leaves.
 */
static int partner_write5(void *arg)
{
	struct partner *p = arg;

	if (!ut_wait_for(p->go, 1))
		return 140;
	*(volatile uint64_t *)((char *)p->r.base + 5 * PAGE_SIZE) = pat(9, 5);
	if (first_bad(p->r.base, 0, 5, 1) != 5 || first_bad(p->r.base, 6, 7, 1) != 7)
		return 141;
	return (int)ut_vmstat(getpid()).leaf_copies;
}

LPTEST(mprotect_of_one_page_splits_only_this_process)
{
	UT_NEEDS_OWN_KERNEL("vmstat counters; it splits 2 MiB pages where Linux gives EINVAL");
	struct region r = { NULL, MIB(4) / PAGE_SIZE, 1 };
	int id = seg_get(IPC_PRIVATE, MIB(4), IPC_CREAT | SHM_HUGETLB | 0600), pid;
	struct vmstat p0, p1;
	struct partner pt;
	char *b;

	warm_up();
	UT_ASSERT_OK(id);
	b = r.base = sys_shmat(id, FIXED_VA, 0);
	UT_ASSERT_OK(ptr_err(b));
	fill(b, r.pages, 1);
	pt.r = r;
	pt.go = handshake();
	UT_ASSERT(pt.go != NULL);
	pid = spawn(partner_write5, &pt);                       /* prelinked: 2 copies */
	UT_ASSERT_OK(pid);
	UT_ASSERT_EQ(0, sys_mprotect(b + 5 * PAGE_SIZE, PAGE_SIZE, PROT_READ));
	p0 = ut_vmstat(getpid());
	UT_ASSERT_EQ(0, p0.leaf_copies);                        /* our view went... */
	UT_ASSERT_EQ(0, p0.leaf_mirrors);
	UT_ASSERT_EQ(SH(2, 0), ut_vmstat(pid).leaf_copies);     /* ...the child's stayed */
	__atomic_store_n(pt.go, 1, __ATOMIC_RELEASE);
	UT_ASSERT_EQ(SH(2, 0), reap(pid));
	UT_ASSERT_EQ(200 + SIGSEGV, reap(spawn(write_at, b + 5 * PAGE_SIZE)));
	p0 = ut_vmstat(getpid());
	UT_ASSERT_EQ(pat(9, 5), *(volatile uint64_t *)(b + 5 * PAGE_SIZE));
	UT_ASSERT_EQ(5, first_bad(b, 0, r.pages, 1));           /* 5 pieces, then page 5 */
	UT_ASSERT_EQ(r.pages, first_bad(b, 6, r.pages, 1));     /* 506 pieces, a mirror */
	p1 = ut_vmstat(getpid());
	/* The baseline's second private leaf stayed. */
	UT_ASSERT_EQ(SH(4, 3), p1.faults - p0.faults);
	UT_ASSERT_EQ(3, p1.faults_split - p0.faults_split);
	UT_ASSERT_EQ(SEG_PAGES, p1.pv_entries - p0.pv_entries);
	UT_ASSERT_EQ(SH(1, 0), p1.leaf_copies);
	UT_ASSERT_EQ(SH(0, 1), p1.leaf_private);
	UT_ASSERT_EQ(0, sys_munmap((void *)pt.go, PAGE_SIZE));
	UT_ASSERT_EQ(0, sys_shmdt(b));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

LPTEST(munmap_of_one_page_leaves_a_hole_in_this_process_only)
{
	UT_NEEDS_OWN_KERNEL("vmstat counters; it splits 2 MiB pages where Linux gives EINVAL");
	struct region r = { NULL, MIB(4) / PAGE_SIZE, 1 };
	int id = seg_get(IPC_PRIVATE, MIB(4), IPC_CREAT | SHM_HUGETLB | 0600);
	struct vmstat p0, p1;
	char *b, *other;

	warm_up();
	UT_ASSERT_OK(id);
	b = r.base = sys_shmat(id, FIXED_VA, 0);
	other = sys_shmat(id, (char *)FIXED_VA + MIB(8), 0);
	UT_ASSERT_OK(ptr_err(b));
	UT_ASSERT_OK(ptr_err(other));
	fill(b, r.pages, 1);
	UT_ASSERT_EQ(0, sys_munmap(b + 256 * PAGE_SIZE, PAGE_SIZE));
	UT_ASSERT_EQ(200 + SIGSEGV, reap(spawn(read_at, b + 256 * PAGE_SIZE)));
	p0 = ut_vmstat(getpid());
	UT_ASSERT_EQ(256, first_bad(b, 0, 256, 1));
	UT_ASSERT_EQ(r.pages, first_bad(b, 257, r.pages, 1));
	p1 = ut_vmstat(getpid());
	UT_ASSERT_EQ(SH(3, 2), p1.faults - p0.faults);          /* 2 runs of pieces, 1 mirror */
	UT_ASSERT_EQ(2, p1.faults_split - p0.faults_split);
	UT_ASSERT_EQ(SEG_PAGES - 1, p1.pv_entries - p0.pv_entries);
	UT_ASSERT_EQ(SH(0, 1), p1.leaf_private);                /* the second 2 MiB stayed */
	UT_ASSERT_EQ(r.pages, first_bad(other, 0, r.pages, 1)); /* the other view is whole, */
	UT_ASSERT_EQ(p1.faults + SH(0, 2), ut_vmstat(getpid()).faults);  /* filled by pushes */
	UT_ASSERT_EQ(0, sys_shmdt(b));
	UT_ASSERT_EQ(0, sys_shmdt(other));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/* ---- concurrency ---- */

#define NTHREADS 4

struct toucher {
	char *base;
	int t;
};

/* Thread body: writes pat(5, i) into every NTHREADS-th page from page t. */
static void *touch_stride(void *arg)
{
	struct toucher *w = arg;

	for (size_t i = w->t; i < MIB(8) / PAGE_SIZE; i += NTHREADS)
		*(volatile uint64_t *)(w->base + i * PAGE_SIZE) = pat(5, i);
	return NULL;
}

LPTEST(threads_fill_leaves_concurrently_each_leaf_once)
{
	UT_NEEDS_OWN_KERNEL("vmstat counters");
	struct vmstat p0, p1;
	struct toucher w[NTHREADS];
	int id = seg_get(IPC_PRIVATE, MIB(8), IPC_CREAT | SHM_HUGETLB | 0600), err[NTHREADS];
	pthread_t tid[NTHREADS];
	char *b;

	warm_up();
	UT_ASSERT_OK(id);
	b = sys_shmat(id, FIXED_VA, 0);
	UT_ASSERT_OK(ptr_err(b));
	p0 = ut_vmstat(getpid());
	for (int t = 0; t < NTHREADS; t++) {
		w[t] = (struct toucher){ b, t };
		err[t] = pthread_create(&tid[t], NULL, touch_stride, &w[t]);
	}
	for (int t = 0; t < NTHREADS; t++) {
		void *code;

		UT_ASSERT_EQ(0, err[t]);
		UT_ASSERT_EQ(0, pthread_join(tid[t], &code));
		UT_ASSERT_EQ(0, (long)code);
	}
	p1 = ut_vmstat(getpid());
	UT_ASSERT_EQ(MIB(8) / PAGE_SIZE, first_bad(b, 0, MIB(8) / PAGE_SIZE, 5));
	UT_ASSERT_EQ(SH(4, 0), p1.faults_large - p0.faults_large);   /* each leaf once */
	UT_ASSERT_EQ(SH(4, 0), p1.leaf_copies - p0.leaf_copies);
	UT_ASSERT_EQ(0, p1.faults_split - p0.faults_split);
	UT_ASSERT_EQ(SH(0, 4), p1.leaf_private - p0.leaf_private);
	UT_ASSERT_EQ(0, sys_shmdt(b));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

#define CLIENTS 8
#define LEAVES  8                        /* a 16 MiB segment */

/* What a client of the startup case needs: the segment and the handshake. */
struct startup {
	int id, i;
	volatile int *hs;                    /* [0] clients ready, [1] go */
};

/*
 * Client body: attaches (prelinked), waits for go, writes its tag into
 * word i of every page starting at its own 2 MiB page (the clients start
 * spread out, like pgbench backends), and exits with the faults the region
 * took (0..99) or 100 + a code.
 */
static int startup_client(void *arg)
{
	struct startup *c = arg;
	size_t pages = LEAVES * SEG_PAGES;
	struct vmstat v0, v1;
	char *b = sys_shmat(c->id, FIXED_VA, 0);

	if (ptr_err(b))
		return 150;
	warm_up();
	__atomic_fetch_add(&c->hs[0], 1, __ATOMIC_ACQ_REL);
	if (!ut_wait_for(&c->hs[1], 1))
		return 151;
	v0 = ut_vmstat(getpid());
	for (size_t k = 0; k < pages; k++) {
		size_t p = (k + c->i * SEG_PAGES) % pages;

		((volatile uint64_t *)(b + p * PAGE_SIZE))[c->i] = pat(c->i, p);
	}
	v1 = ut_vmstat(getpid());
	if (v1.leaf_copies != SH(LEAVES, 0) || v1.leaf_private != SH(0, LEAVES))
		return 152;
	/*
	 * What the buffer took: object fills and links, or private leaves
	 * (each made by a fault of its own; faults_private would also count
	 * the client's stack).
	 */
	return (int)MIN(v1.faults_object + v1.faults_link + SH(0, v1.leaf_private) -
	                v0.faults_object - v0.faults_link - SH(0, v0.leaf_private), 99);
}

/*
 * The startup of issue 9's pgbench -L, in small: each 2 MiB leaf is
 * filled once, and a client takes at most one more (link) fault; every
 * client ends with one copy per leaf. The baseline: one fault per 2 MiB
 * per client.
 */
LPTEST(clients_starting_together_fault_once_per_leaf_plus_one_at_most)
{
	UT_NEEDS_OWN_KERNEL("vmstat counters");
	struct startup c[CLIENTS];
	struct vmstat g0, g1;
	int pid[CLIENTS], sum = 0, code;
	volatile int *hs = handshake();
	int id = seg_get(IPC_PRIVATE, LEAVES * SEG, IPC_CREAT | SHM_HUGETLB | 0600);
	char *b;

	UT_ASSERT(hs != NULL);
	UT_ASSERT_OK(id);
	for (int i = 0; i < CLIENTS; i++) {
		c[i] = (struct startup){ id, i, hs };
		pid[i] = spawn(startup_client, &c[i]);
	}
	while (__atomic_load_n(&hs[0], __ATOMIC_ACQUIRE) < CLIENTS)
		sleep_ms(1);
	g0 = ut_vmstat(0);
	__atomic_store_n(&hs[1], 1, __ATOMIC_RELEASE);
	for (int i = 0; i < CLIENTS; i++) {
		code = reap(pid[i]);
		UT_ASSERT(code < 100);
		sum += code;
	}
	g1 = ut_vmstat(0);
	UT_ASSERT_EQ(SH(LEAVES, 0), g1.faults_large - g0.faults_large);
	if (sharing)
		UT_ASSERT(sum <= LEAVES + CLIENTS);
	else
		UT_ASSERT_EQ(LEAVES * CLIENTS, sum);
	b = sys_shmat(id, FIXED_VA, 0);
	UT_ASSERT_OK(ptr_err(b));
	for (size_t p = 0; p < LEAVES * SEG_PAGES; p++)
		for (int i = 0; i < CLIENTS; i++)
			UT_ASSERT_EQ(pat(i, p), ((volatile uint64_t *)(b + p * PAGE_SIZE))[i]);
	UT_ASSERT_EQ(0, sys_shmdt(b));
	UT_ASSERT_EQ(0, sys_munmap((void *)hs, PAGE_SIZE));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

/* ---- switches and observability ---- */

LPTEST(largepages_2_puts_shared_anonymous_memory_on_2mib_pages)
{
	UT_NEEDS_OWN_KERNEL("vm.largepages (sysctl)");
	struct vmstat g0, g1, p0, p1;
	long old;
	char *b;

	warm_up();
	old = knob("vm.largepages", 2);
	b = sys_mmap(NULL, MIB(4), RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	knob("vm.largepages", old);
	UT_ASSERT_EQ(1, old);
	UT_ASSERT_OK(ptr_err(b));
	g0 = ut_vmstat(0);
	p0 = ut_vmstat(getpid());
	fill(b, MIB(4) / PAGE_SIZE, 1);
	p1 = ut_vmstat(getpid());
	g1 = ut_vmstat(0);
	UT_ASSERT_EQ(2, p1.faults - p0.faults);
	UT_ASSERT_EQ(2, p1.faults_zero - p0.faults_zero);
	UT_ASSERT_EQ(SH(2, 0), p1.faults_large - p0.faults_large);
	UT_ASSERT_EQ(2, g1.large_pages - g0.large_pages);       /* taken at the faults */
	UT_ASSERT_EQ(2, g1.pv_entries - g0.pv_entries);         /* one per leaf, either way */
	UT_ASSERT_EQ(0, sys_munmap(b, MIB(4)));
	UT_ASSERT_EQ(g0.large_pages, ut_vmstat(0).large_pages);
}

LPTEST(largepage_reserve_reads_back_what_was_reserved)
{
	UT_NEEDS_OWN_KERNEL("vm.largepage_reserve (sysctl)");
	struct vmstat g;
	long old, got = -1;

	old = knob("vm.largepage_reserve", 3);
	sysctl_get("vm.largepage_reserve", &got);
	g = ut_vmstat(0);
	knob("vm.largepage_reserve", 1000000);
	UT_ASSERT_EQ(0, old);
	UT_ASSERT_EQ(3, got);
	UT_ASSERT_EQ(3, g.large_reserve);
	sysctl_get("vm.largepage_reserve", &got);
	g = ut_vmstat(0);
	knob("vm.largepage_reserve", 0);
	UT_ASSERT_EQ(g.large_pages + g.large_free, got);        /* cut to what exists */
	UT_ASSERT(g.large_free > 0);
	sysctl_get("vm.largepage_reserve", &got);
	UT_ASSERT_EQ(0, got);
}

LPTEST(ptdump_shows_2mib_pages_and_the_mirror)
{
	UT_NEEDS_OWN_KERNEL("ptdump");
	int id = seg_get(IPC_PRIVATE, SEG, IPC_CREAT | SHM_HUGETLB | 0600);
	static char buf[16384];
	char *b;
	long n;

	UT_ASSERT_OK(id);
	b = sys_shmat(id, FIXED_VA, 0);
	UT_ASSERT_OK(ptr_err(b));
	b[0] = 1;
	n = ptdump(0, PTDUMP_PROC, buf, sizeof(buf));
	UT_ASSERT(n > 0);
	UT_ASSERT(strstr(buf, " PS  2 MiB page of object") != NULL);   /* a copy, or... */
	UT_ASSERT_EQ(!sharing, strstr(buf, " private\n") != NULL);     /* ...a private leaf */
	UT_ASSERT_EQ(sharing, strstr(buf, "mirror va=0x0000200000000000") != NULL);
	n = ptdump(id, PTDUMP_OBJECT, buf, sizeof(buf));
	UT_ASSERT(n > 0);
	UT_ASSERT(strstr(buf, SH("1 2 MiB leaves", "0 2 MiB leaves")));
	UT_ASSERT_EQ(sharing, strstr(buf, "LEAF[seg 0]") != NULL);
	UT_ASSERT_EQ(0, sys_shmdt(b));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_RMID, NULL));
}

int main(int argc, char **argv)
{
	long optimize = 1;

	sysctl_get("machdep.pmap_mmu_optimize", &optimize);
	sharing = optimize != 0;
	if (argc == 3 && strcmp(argv[1], "--attach") == 0)
		return exec_attach(argv[2]);
	return utest_main("largepage", argc, argv);
}
