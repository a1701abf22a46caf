/*
 * stress: processes and threads that fork, exit, exec, attach, detach, map,
 * unmap, mprotect and touch shared memory at random, checking every byte
 * they read.
 *
 *	stress [-s SEED] [-n OPS] [-d SECONDS] [-m off|on|flip]
 *
 * The run goes in rounds until OPS operations are done (default 2000) or,
 * with -d, until SECONDS have passed. Each round the controller starts
 * WORKERS processes (one of them by exec of /usr/bin/stress -w, which attaches
 * the segments by key), waits for them, then checks every page of every
 * segment and runs pmap_verify(). -m sets machdep.pmap_mmu_optimize off or
 * on for the run, or (flip) lets the workers and the controller flip it,
 * machdep.pmap_share_pd and machdep.pmap_prelink while the others work.
 *
 * Beside the workers of every round runs the exec-race phase: RACERS
 * processes at a time (one per CPU of `make stress`), again and again
 * until the workers are done, each starting threads that return at once
 * and then exec'ing /usr/bin/nop while those threads leave their CPUs (exec
 * ends the threads still running and must wait for every one to be off
 * its CPU before it frees the old address space). Every other
 * batch runs with debug.thread_exit_delay_us set, where the kernel has it
 * (a KDEBUG test hook that keeps a leaving thread on its CPU a while, so
 * that exec meets one every time); the value is restored after the batch.
 *
 * The data protocol. Each page of a segment starts with a header
 * {seq, version, segment, page} and holds 511 words computed from (segment,
 * page, version). A writer takes the page by moving seq from even to odd
 * (compare-and-swap: one writer at a time), writes version + 1 everywhere,
 * makes seq even again and then raises the page's entry in the control
 * segment's `committed` table to the version it wrote. A reader notes the
 * committed version, reads seq, the page, and seq again: if seq was odd or
 * changed, a writer was in and the read is discarded; otherwise the page
 * must be whole (every word of one version, for this segment and page) and
 * not older than the committed version noted before, since that version
 * was complete in the page before it was published. Anything else is
 * stale or wrong data and is reported with its address.
 *
 * After the rounds comes the shrink phase: SHRINKERS processes map one
 * file of /dev/shm (MAP_SHARED, two whole 2 MiB segments, so that sharing
 * links the file's tables) and read and write its pages at random while
 * the controller shrinks it (to a random size, a page boundary or not)
 * and grows it back, SHRINK_ROUNDS times. A page holds either zeroes (new
 * since the last growth) or its own tag, which the mappers write: any other
 * value is a page that outlived its removal from the file or was mapped
 * at the wrong offset. A touch past the end is SIGBUS, which a mapper
 * catches and counts. One line reports the phase:
 *
 *	stress: shrink: mappers=64 shrinks=20 reads=R writes=W sigbus=B
 *
 * At the end the segments are removed, the switches restored, and the
 * free pages, VM objects and shm segments must be back at their starting
 * counts with pmap_verify() clean. The last line:
 *
 *	stress: seed=S ops=N faults=F checks=C races=R errors=0 leaked_pages=0 verify=ok
 *
 * (R: exec racers run, each a process that exec'd while its threads returned).
 *
 * Exit status 0 when all of that holds, 1 otherwise.
 */
#include <setjmp.h>

#include "utest.h"

#define KEY_BASE    0x5354a000        /* data segment i has key KEY_BASE + i */
#define CTRL_KEY    (KEY_BASE + 0xff)
#define NSEG        3
#define MAX_PAGES   1024              /* pages in the largest segment (4 MiB) */
#define WORKERS     3                 /* processes per round */
#define ROUND_OPS   150               /* operations per worker per round */
#define MAX_VIEWS   6                 /* mappings of segments per process */
#define VIEW_BASE   0x0000600000000000UL  /* view i may sit at VIEW_BASE + i GiB */
#define SEG         (2UL << 20)
#define MAX_KIDS    4
#define SHRINKERS   64                /* processes mapping the shrinking file */
#define SHRINK_PAGES 1024             /* the file at its full size: 4 MiB */
#define SHRINK_ROUNDS 20
#define SHRINK_FILE "/dev/shm/stress-shrink"
#define SHRINK_BURST 64               /* touches between a mapper's pauses */
#define MAX_DEPTH   2                 /* a worker's child may fork once more */
#define REPORT_MAX  20                /* errors printed per process */
#define WORDS       (PAGE_SIZE / 8)
#define RACERS      4                 /* exec racers at once: one per CPU */
#define RACER_THREADS 6               /* threads each starts before its exec */
#define RACE_DELAY_US 20000           /* debug.thread_exit_delay_us, every other batch */

/* Segment sizes: whole 2 MiB segments, a ragged tail, less than one segment. */
static const uint64_t seg_bytes[NSEG] = {
	4UL << 20, (2UL << 20) + 3 * PAGE_SIZE, 1UL << 20,
};

static const char *const switches[] = {
	"machdep.pmap_mmu_optimize", "machdep.pmap_share_pd", "machdep.pmap_prelink",
};

/* The head of every data page; the rest of the page is pattern words. */
struct page_head {
	uint32_t seq;        /* odd while a writer is in the page */
	uint32_t version;    /* 0: never written (all zero) */
	uint32_t seg, page;
};

/* What the run counts, for the last line. */
struct counters {
	uint64_t ops, checks, races, errors;
};

/* The control segment, shared by every process of the run. */
struct control {
	struct counters n;
	int workers_done;                      /* the round's workers have ended */
	uint32_t committed[NSEG][MAX_PAGES];   /* last complete version of each page */
};

/* A mapping of part of a segment in this process. */
struct view {
	volatile uint64_t *va;   /* NULL: free slot */
	int seg;
	uint64_t first;          /* first segment page it maps */
	uint64_t npages;
	uint64_t attach;         /* shmat address (shmdt), 0 for shm_map */
	bool writable;           /* may be made writable (not SHM_RDONLY) */
	uint8_t prot[MAX_PAGES]; /* per page: 0 unmapped, PROT_READ or also PROT_WRITE */
};

static struct control *ctl;
static int shmids[NSEG];
static uint64_t seg_pages[NSEG];
static struct view views[MAX_VIEWS];
static int kids[MAX_KIDS], nkids;
static int depth;
static bool flip;                 /* -m flip */
static int reported;
static uint64_t priv[4 * WORDS];  /* private memory, checked across fork */
static uint64_t priv_tag;         /* what priv holds (see priv_fill) */
static volatile int threads_go;

/* ---- helpers ---- */

static uint64_t below(uint64_t n)
{
	return rand_next() % n;
}

/* Word i of a page of segment seg at version v (version 0: zero). */
static uint64_t pattern(uint32_t seg, uint32_t page, uint32_t v, int i)
{
	if (v == 0)
		return 0;
	return (((uint64_t)seg << 56) | ((uint64_t)page << 32) | v) ^
	    ((uint64_t)i * 0x9e3779b97f4a7c15ULL);
}

static void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void error(const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	__atomic_fetch_add(&ctl->n.errors, 1, __ATOMIC_RELAXED);
	if (__atomic_fetch_add(&reported, 1, __ATOMIC_RELAXED) >= REPORT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("stress: pid %d: ERROR: %s\n", getpid(), msg);
}

/* A system call that must succeed. */
static void must(long r, const char *what)
{
	if (r < 0)
		error("%s: %s", what, errname(r));
}

/*
 * Reaps the child pid (or reports its fork's -E) and reports it unless it
 * exited 0; who names it ("a worker"). True when it ended well.
 */
static bool child_ended_well(int pid, const char *who)
{
	int status = 0;

	if (pid < 0) {
		error("fork of %s: %s", who, errname(pid));
		return false;
	}
	if (sys_waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		error("%s (pid %d) ended with status 0x%x", who, pid, status);
		return false;
	}
	return true;
}

/* ---- the shrink phase ---- */

/* What the shrink phase's mappers count, in memory shared with the controller. */
struct shrink_run {
	volatile int stop;
	uint64_t reads, writes, sigbus;
};

static sigjmp_buf shrink_jump;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(shrink_jump, 1);
}

/* The tag the mappers write into page p of the file (never 0). */
static uint64_t shrink_tag(uint64_t p)
{
	return 0x5348524b00000000ULL | p;
}

/* A mapper: touches random pages of its own mapping of the file until told to stop. */
static void __attribute__((noreturn)) shrink_mapper(struct shrink_run *run, uint64_t seed)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	volatile uint64_t reads = 0, writes = 0, sigbus = 0;
	volatile uint64_t *m;
	int fd = open(SHRINK_FILE, O_RDWR | O_CLOEXEC);

	m = fd < 0 ? MAP_FAILED : mmap(NULL, SHRINK_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
	                               MAP_SHARED, fd, 0);
	if (m == MAP_FAILED || sigaction(SIGBUS, &sa, NULL) < 0) {
		error("shrink mapper: open, mmap or sigaction: %s", strerror(errno));
		exit(1);
	}
	close(fd);
	rand_seed(seed);
	if (sigsetjmp(shrink_jump, 1))
		sigbus++;   /* the page was past the end: on to the next one */
	while (!run->stop) {
		uint64_t p = below(SHRINK_PAGES), v;

		/* Pauses leave the controller a CPU to shrink the file on, even with one. */
		if ((reads + writes) % SHRINK_BURST == 0)
			sleep_ms(1);
		if (below(4) == 0) {
			m[p * WORDS] = shrink_tag(p);
			writes++;
			continue;
		}
		v = m[p * WORDS];
		reads++;
		if (v != 0 && v != shrink_tag(p))
			error("shrink: page %lu of the file holds %#lx", (unsigned long)p,
			    (unsigned long)v);
	}
	__atomic_fetch_add(&run->reads, reads, __ATOMIC_RELAXED);
	__atomic_fetch_add(&run->writes, writes, __ATOMIC_RELAXED);
	__atomic_fetch_add(&run->sigbus, sigbus, __ATOMIC_RELAXED);
	exit(0);
}

/* The shrink phase (see the top of the file). */
static void shrink_phase(void)
{
	struct shrink_run *run = mmap(NULL, sizeof(*run), PROT_READ | PROT_WRITE,
	                              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int pids[SHRINKERS], fd, i;
	off_t size;

	fd = open(SHRINK_FILE, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (run == MAP_FAILED || fd < 0 || ftruncate(fd, SHRINK_PAGES * PAGE_SIZE) < 0) {
		error("shrink phase: setting up %s: %s", SHRINK_FILE, strerror(errno));
		return;
	}
	for (i = 0; i < SHRINKERS; i++)
		if ((pids[i] = fork()) == 0)
			shrink_mapper(run, rand_next());
	for (i = 0; i < SHRINK_ROUNDS; i++) {
		sleep_ms(10);
		size = (off_t)below(SHRINK_PAGES * PAGE_SIZE);
		if (below(2))
			size &= ~(off_t)(PAGE_SIZE - 1);
		must(ftruncate(fd, size) < 0 ? -errno : 0, "shrinking the file");
		sleep_ms(10);
		must(ftruncate(fd, SHRINK_PAGES * PAGE_SIZE) < 0 ? -errno : 0, "growing the file");
	}
	run->stop = 1;
	for (i = 0; i < SHRINKERS; i++)
		child_ended_well(pids[i] > 0 ? pids[i] : -errno, "a shrink mapper");
	close(fd);
	must(unlink(SHRINK_FILE) < 0 ? -errno : 0, "unlink of the shrink file");
	printf("stress: shrink: mappers=%d shrinks=%d reads=%lu writes=%lu sigbus=%lu\n",
	    SHRINKERS, SHRINK_ROUNDS, (unsigned long)run->reads, (unsigned long)run->writes,
	    (unsigned long)run->sigbus);
	munmap(run, sizeof(*run));
}

/* ---- the data protocol ---- */

/*
 * Writes the next version into page `page` of segment seg, mapped at va.
 * Gives up (returns false) if another writer holds the page.
 */
static bool write_page(volatile uint64_t *va, int seg, uint32_t page)
{
	volatile struct page_head *h = (volatile struct page_head *)va;
	uint32_t seq = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE), v, old;
	int i;

	if ((seq & 1) || !__atomic_compare_exchange_n(&h->seq, &seq, seq + 1, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	v = h->version + 1;
	for (i = 2; i < (int)WORDS; i++)
		va[i] = pattern(seg, page, v, i);
	h->seg = seg;
	h->page = page;
	h->version = v;
	__atomic_store_n(&h->seq, seq + 2, __ATOMIC_RELEASE);
	/* Publish: raise committed[seg][page] to v. */
	old = __atomic_load_n(&ctl->committed[seg][page], __ATOMIC_RELAXED);
	while (old < v && !__atomic_compare_exchange_n(&ctl->committed[seg][page], &old, v,
	    false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
	return true;
}

/*
 * Reads and checks page `page` of segment seg, mapped at va. Returns false
 * if a writer was in the page (nothing checked); reports bad data.
 */
static bool check_page(volatile uint64_t *va, int seg, uint32_t page)
{
	volatile struct page_head *h = (volatile struct page_head *)va;
	uint32_t committed = __atomic_load_n(&ctl->committed[seg][page], __ATOMIC_ACQUIRE);
	uint32_t s1 = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE), v, hs, hp;
	int i, bad = -1;
	uint64_t got = 0;

	if (s1 & 1)
		return false;
	v = h->version;
	hs = h->seg;
	hp = h->page;
	for (i = 2; i < (int)WORDS && bad < 0; i++)
		if ((got = va[i]) != pattern(seg, page, v, i))
			bad = i;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (__atomic_load_n(&h->seq, __ATOMIC_ACQUIRE) != s1)
		return false;
	__atomic_fetch_add(&ctl->n.checks, 1, __ATOMIC_RELAXED);
	if (v < committed)
		error("stale page at %p (segment %d page %u): version %u, %u was committed",
		    (void *)va, seg, page, v, committed);
	else if (v && (hs != (uint32_t)seg || hp != page))
		error("wrong page at %p: holds segment %u page %u, expected segment %d page %u",
		    (void *)va, hs, hp, seg, page);
	else if (bad >= 0)
		error("wrong data at %p (segment %d page %u version %u): 0x%lx, expected 0x%lx",
		    (void *)&va[bad], seg, page, v, (unsigned long)got,
		    (unsigned long)pattern(seg, page, v, bad));
	return true;
}

/* ---- views ---- */

static struct view *free_view(void)
{
	int i;

	for (i = 0; i < MAX_VIEWS; i++)
		if (!views[i].va)
			return &views[i];
	return NULL;
}

/* A view in use (op_unmap_part may have unmapped any of its pages), or NULL. */
static struct view *some_view(void)
{
	int i, start = (int)below(MAX_VIEWS);

	for (i = 0; i < MAX_VIEWS; i++)
		if (views[(start + i) % MAX_VIEWS].va)
			return &views[(start + i) % MAX_VIEWS];
	return NULL;
}

static void forget_view(struct view *v)
{
	v->va = NULL;
}

/*
 * Attaches part or all of a random segment: shmat at an address the kernel
 * picks, or at a 2 MiB-aligned one, or one 4 KiB off alignment; or
 * shm_map of a sub-range at a 2 MiB- or page-aligned offset.
 */
static void op_attach(void)
{
	struct view *v = free_view();
	int seg = (int)below(NSEG), i;
	bool ro = below(100) < 30;
	uint64_t window, addr, first = 0, n = seg_pages[seg];
	void *p;

	if (!v)
		return;
	window = VIEW_BASE + (uint64_t)(v - views) * (1UL << 30);
	addr = below(3) == 0 ? 0 : window + (below(2) ? PAGE_SIZE : SEG);
	if (below(3) == 0) {                 /* mmap of a sub-range */
		first = below(2) ? below(n) : (below(n * PAGE_SIZE / SEG + 1) * SEG / PAGE_SIZE);
		if (first >= n)
			first = 0;
		n = 1 + below(n - first);
		p = shm_map(shmids[seg], (void *)(addr ? addr : window), n * PAGE_SIZE,
		    ro ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		    first * PAGE_SIZE);
		v->attach = 0;
	} else {
		p = sys_shmat(shmids[seg], (void *)addr, ro ? SHM_RDONLY : 0);
		v->attach = (uint64_t)p;
	}
	if (ptr_err(p)) {
		error("attach segment %d at %p: %s", seg, (void *)addr, errname(ptr_err(p)));
		return;
	}
	v->va = p;
	v->seg = seg;
	v->first = first;
	v->npages = n;
	v->writable = !(ro && v->attach);    /* mmap's max_prot allows writing */
	for (i = 0; i < (int)n; i++)
		v->prot[i] = ro ? PROT_READ : PROT_READ | PROT_WRITE;
}

/* True when op_unmap_part has unmapped every page of view v. */
static bool all_unmapped(const struct view *v)
{
	uint64_t i;

	for (i = 0; i < v->npages; i++)
		if (v->prot[i])
			return false;
	return true;
}

/* Does another live view hold an attachment made at v's address? */
static bool attach_reused(const struct view *v)
{
	for (int i = 0; i < MAX_VIEWS; i++)
		if (&views[i] != v && views[i].va && views[i].attach == v->attach)
			return true;
	return false;
}

/*
 * Detaches view v. An attachment whose pages were all unmapped is gone
 * already: shmdt() must then say -EINVAL, as it does for any address
 * that is no attachment. Unless a later shmat was placed at that address,
 * free again (the kernel may choose it): shmdt would detach that one, so
 * v is only forgotten.
 */
static void op_detach(void)
{
	struct view *v = some_view();
	long r;

	if (!v)
		return;
	if (v->attach && all_unmapped(v)) {
		if (!attach_reused(v) && (r = sys_shmdt((void *)v->attach)) != -EINVAL)
			error("shmdt of an attachment unmapped whole: %ld, not -EINVAL", r);
	} else if (v->attach) {
		must(sys_shmdt((void *)v->attach), "shmdt");
	} else {
		must(sys_munmap((void *)v->va, v->npages * PAGE_SIZE), "munmap view");
	}
	forget_view(v);
}

/*
 * A random run of mapped pages [*a, *a + *n) of view v; false if the page
 * picked first is not mapped. Holes are left alone: where the kernel chose
 * the address, it may have put another mapping in them.
 */
static bool mapped_run(struct view *v, uint64_t *a, uint64_t *n)
{
	uint64_t want = below(2) ? 8 : v->npages;

	*a = below(v->npages);
	want = 1 + below(MIN(v->npages - *a, want));
	for (*n = 0; *n < want && v->prot[*a + *n]; (*n)++)
		;
	return *n > 0;
}

static void op_unmap_part(void)
{
	struct view *v = some_view();
	uint64_t a, n, i;

	if (!v || !mapped_run(v, &a, &n))
		return;
	must(sys_munmap((void *)&v->va[a * WORDS], n * PAGE_SIZE), "munmap part");
	for (i = a; i < a + n; i++)
		v->prot[i] = 0;
}

/*
 * mprotect of a run of mapped pages: a read-only attachment must stay
 * read-only. Or, in a view at one of our own windows (where nothing else
 * is mapped), of the whole view: with a hole in it that is -ENOMEM.
 */
static void op_protect_part(void)
{
	struct view *v = some_view();
	int prot = below(2) ? PROT_READ : PROT_READ | PROT_WRITE;
	uint64_t a, n, i;
	long r, expected;

	if (!v)
		return;
	if ((uint64_t)v->va >= VIEW_BASE && below(4) == 0) {
		for (i = 0; i < v->npages && v->prot[i]; i++)
			;
		if (i == v->npages)
			return;          /* no hole */
		r = sys_mprotect((void *)v->va, v->npages * PAGE_SIZE, PROT_READ);
		if (r != -ENOMEM)
			error("mprotect over a hole at %p: %ld, expected -ENOMEM", (void *)v->va, r);
		return;
	}
	if (!mapped_run(v, &a, &n))
		return;
	expected = (prot & PROT_WRITE) && !v->writable ? -EACCES : 0;
	r = sys_mprotect((void *)&v->va[a * WORDS], n * PAGE_SIZE, prot);
	if (r != expected)
		error("mprotect(%p, %lu pages, %d): %ld, expected %ld", (void *)&v->va[a * WORDS],
		    (unsigned long)n, prot, r, expected);
	if (r == 0 && expected == 0)
		for (i = a; i < a + n; i++)
			v->prot[i] = prot;
}

/* Reads or writes a few random mapped pages of random views. */
static void op_touch(void)
{
	int i;

	for (i = 0; i < 8; i++) {
		struct view *v = some_view();
		uint64_t p;

		if (!v)
			return;
		p = below(v->npages);
		if (!v->prot[p])
			continue;
		if ((v->prot[p] & PROT_WRITE) && below(2))
			write_page(&v->va[p * WORDS], v->seg, (uint32_t)(v->first + p));
		else
			check_page(&v->va[p * WORDS], v->seg, (uint32_t)(v->first + p));
	}
}

/* A thread: reads and writes while the main thread does the same. The
 * views do not change meanwhile (the main thread only touches). It has
 * its own PRNG state: threads must not share rand_next()'s. */
static void *toucher(void *arg)
{
	uint64_t s = (uint64_t)arg | 1;
	int i, k;

	while (!threads_go)
		sched_yield();
	for (i = 0; i < 40; i++) {
		struct view *v = &views[rand_next_r(&s) % MAX_VIEWS];
		uint64_t p;

		if (!v->va)
			continue;
		p = rand_next_r(&s) % v->npages;
		if (!v->prot[p])
			continue;
		for (k = 0; k < 2; k++)
			if ((v->prot[p] & PROT_WRITE) && (rand_next_r(&s) & 1))
				write_page(&v->va[p * WORDS], v->seg, (uint32_t)(v->first + p));
			else
				check_page(&v->va[p * WORDS], v->seg, (uint32_t)(v->first + p));
	}
	return NULL;
}

static void op_threads(void)
{
	pthread_t tids[2];
	int err[2], i;

	threads_go = 0;
	for (i = 0; i < 2; i++)
		err[i] = pthread_create(&tids[i], NULL, toucher, (void *)rand_next());
	threads_go = 1;
	for (i = 0; i < 4; i++)
		op_touch();
	for (i = 0; i < 2; i++) {
		if (err[i]) {
			error("pthread_create: %s", errname(err[i]));
			continue;
		}
		must(-pthread_join(tids[i], NULL), "pthread_join");
	}
}

static void op_flip(void)
{
	const char *name = switches[below(ARRAY_SIZE(switches))];
	long r = sysctl_set(name, (long)below(2));

	if (r != 0 && r != -ENOENT)
		error("sysctl %s: %s", name, errname(r));
}

static void run_ops(int n);

/* Fills priv with one value per word derived from tag. */
static void priv_fill(uint64_t tag)
{
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(priv); i++)
		priv[i] = tag + i;
	priv_tag = tag;
}

static void priv_check(uint64_t tag, const char *when)
{
	int i;

	__atomic_fetch_add(&ctl->n.checks, 1, __ATOMIC_RELAXED);
	for (i = 0; i < (int)ARRAY_SIZE(priv); i++)
		if (priv[i] != tag + i) {
			error("private memory at %p %s: 0x%lx, expected 0x%lx", (void *)&priv[i],
			    when, (unsigned long)priv[i], (unsigned long)(tag + i));
			return;
		}
}

/*
 * Forks a child that checks the private memory it inherited, then goes on
 * with random operations (it inherits every view) and exits. The parent
 * changes its private memory at once; the child must never see it.
 */
static void op_fork(void)
{
	uint64_t tag = rand_next() & ~0xffffUL, seed = rand_next();
	int pid;

	if (depth >= MAX_DEPTH || nkids == MAX_KIDS)
		return;
	priv_fill(tag);
	pid = fork();
	if (pid < 0)
		pid = -errno;     /* reported below */
	if (pid == 0) {
		priv_check(tag, "in a child after fork");
		priv_fill(tag ^ 0x5a5a0000);
		depth++;
		nkids = 0;
		rand_seed(seed);
		run_ops(ROUND_OPS / 2);
		priv_check(priv_tag, "in a child at exit");
		exit(0);
	}
	priv_fill(tag + 1);
	if (pid < 0) {
		error("fork: %s", errname(pid));
		return;
	}
	kids[nkids++] = pid;
	priv_check(tag + 1, "in the parent after fork");
}

/* Waits for the children; a child that did not exit 0 is an error. */
static void reap_kids(void)
{
	int status, i;

	for (i = 0; i < nkids; i++) {
		if (sys_waitpid(kids[i], &status, 0) != kids[i])
			error("waitpid %d failed", kids[i]);
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			error("child %d ended with status 0x%x", kids[i], status);
	}
	nkids = 0;
}

/* The operations and their weights. */
static const struct op {
	void (*fn)(void);
	int weight;
} ops[] = {
	{ op_attach, 6 },       { op_detach, 3 },       { op_unmap_part, 2 },
	{ op_protect_part, 3 }, { op_touch, 20 },       { op_threads, 1 },
	{ op_fork, 1 },         { op_flip, 1 },
};

static void run_ops(int n)
{
	int total = 0, i, pick;

	for (i = 0; i < (int)ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	while (n-- > 0) {
		pick = (int)below(total);
		for (i = 0; (pick -= ops[i].weight) >= 0; i++)
			;
		if (ops[i].fn == op_flip && !flip)
			continue;
		ops[i].fn();
		__atomic_fetch_add(&ctl->n.ops, 1, __ATOMIC_RELAXED);
	}
	reap_kids();
}

/* Finds the run's segments by key (for a worker started by exec). */
static bool attach_by_key(void)
{
	int id = sys_shmget(CTRL_KEY, 0, 0), i;

	if (id < 0 || ptr_err(ctl = sys_shmat(id, NULL, 0)))
		return false;
	for (i = 0; i < NSEG; i++) {
		struct shmid_ds ds;

		shmids[i] = sys_shmget(KEY_BASE + i, 0, 0);
		if (shmids[i] < 0 || sys_shmctl(shmids[i], IPC_STAT, &ds) < 0)
			return false;
		seg_pages[i] = (ds.shm_segsz + PAGE_SIZE - 1) / PAGE_SIZE;
	}
	return true;
}

/* `stress -w SEED FLIP`: an exec'd worker. */
static int exec_worker(char **argv)
{
	if (!attach_by_key()) {
		printf("stress: worker: cannot attach the run's segments\n");
		return 3;
	}
	rand_seed(strtoul(argv[2], NULL, 0));
	flip = argv[3][0] == '1';
	run_ops(ROUND_OPS);
	return 0;
}

/* Starts worker i of a round: forked, or (i == 0) forked and exec'd. */
static int start_worker(int i)
{
	char seed[24], *argv[] = { "stress", "-w", seed, flip ? "1" : "0", NULL };
	uint64_t s = rand_next();
	int pid = fork();

	if (pid != 0)
		return pid < 0 ? -errno : pid;
	rand_seed(s);
	if (i == 0) {
		snprintf(seed, sizeof(seed), "%lu", (unsigned long)s);
		sys_execve("/usr/bin/stress", argv, environ);
		printf("stress: exec /usr/bin/stress failed\n");
		exit(4);
	}
	run_ops(ROUND_OPS);
	exit(0);
}

/* ---- the exec-race phase ---- */

static void *return_at_once(void *arg)
{
	(void)arg;
	return NULL;
}

/*
 * An exec racer: threads that return at once, then exec of /usr/bin/nop
 * while they leave their CPUs. Exits 0 only through /usr/bin/nop.
 */
static void __attribute__((noreturn)) exec_racer(void)
{
	char *argv[] = { "nop", NULL };
	pthread_t t;
	long r;
	int i;

	for (i = 0; i < RACER_THREADS; i++)
		if ((r = pthread_create(&t, NULL, return_at_once, NULL)) != 0) {
			printf("stress: racer: pthread_create: %s\n", errname(r));
			exit(5);
		}
	r = sys_execve("/usr/bin/nop", argv, environ);
	printf("stress: racer: exec /usr/bin/nop: %s\n", errname(r));
	exit(6);
}

/*
 * Batches of RACERS exec racers until the round's workers are done, every
 * other batch with debug.thread_exit_delay_us at RACE_DELAY_US (when the
 * kernel has the hook), restored after it. A racer that does not exit 0 is
 * an error.
 */
static void exec_race_phase(void)
{
	const char *hook = "debug.thread_exit_delay_us";
	long saved = 0;
	bool has_hook = sysctl_get(hook, &saved) == 0;
	int pids[RACERS], batch, i;

	for (batch = 0; !__atomic_load_n(&ctl->workers_done, __ATOMIC_ACQUIRE); batch++) {
		bool delay = has_hook && (batch & 1);

		if (delay)
			must(sysctl_set(hook, RACE_DELAY_US), "sysctl debug.thread_exit_delay_us");
		for (i = 0; i < RACERS; i++) {
			if ((pids[i] = fork()) == 0)
				exec_racer();
			if (pids[i] < 0)
				pids[i] = -errno;
		}
		for (i = 0; i < RACERS; i++) {
			if (child_ended_well(pids[i], "an exec racer"))
				__atomic_fetch_add(&ctl->n.races, 1, __ATOMIC_RELAXED);
		}
		if (delay)
			must(sysctl_set(hook, saved), "sysctl debug.thread_exit_delay_us back");
	}
}

/* Starts the exec-race phase beside the round's workers (a child runs it). */
static int start_exec_race(void)
{
	int pid;

	__atomic_store_n(&ctl->workers_done, 0, __ATOMIC_RELEASE);
	pid = fork();
	if (pid == 0) {
		exec_race_phase();
		exit(0);
	}
	if (pid < 0)
		error("fork of the exec-race phase: %s", strerror(errno));
	return pid;
}

/* Ends the exec-race phase once the workers are done: its batch finishes. */
static void stop_exec_race(int pid)
{
	int status = 0;

	__atomic_store_n(&ctl->workers_done, 1, __ATOMIC_RELEASE);
	if (pid > 0 && (sys_waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0))
		error("exec-race phase ended with status 0x%x", status);
}

/* Checks every page of every segment through a fresh attachment. */
static void check_all(void)
{
	int seg;
	uint64_t p;

	for (seg = 0; seg < NSEG; seg++) {
		volatile uint64_t *va = sys_shmat(shmids[seg], NULL, SHM_RDONLY);

		if (ptr_err((void *)va)) {
			error("shmat for the full check: %s", errname(ptr_err((void *)va)));
			continue;
		}
		for (p = 0; p < seg_pages[seg]; p++)
			if (!check_page(&va[p * WORDS], seg, (uint32_t)p))
				error("page %lu of segment %d still locked by a writer", (unsigned long)p, seg);
		must(sys_shmdt((void *)va), "shmdt after the full check");
	}
}

/* Has the run done what -n and -d asked? */
static bool run_done(uint64_t ops_target, uint64_t seconds, uint64_t start)
{
	return (ops_target && ctl->n.ops >= ops_target) ||
	    (seconds && clock_ms() - start >= seconds * 1000);
}

/* Creates the segments, runs the rounds, removes the segments. */
static int controller(uint64_t ops_target, uint64_t seconds)
{
	static char report[2048];
	uint64_t start = clock_ms(), rounds = 0;
	int i, id, pids[WORKERS], race;

	id = sys_shmget(CTRL_KEY, sizeof(struct control), IPC_CREAT | IPC_EXCL | 0600);
	for (i = 0; i < NSEG && id >= 0; i++)
		if (sys_shmget(KEY_BASE + i, seg_bytes[i], IPC_CREAT | IPC_EXCL | 0600) < 0)
			id = -1;
	if (id < 0 || !attach_by_key()) {
		printf("stress: cannot create the segments (left over from another run?)\n");
		return 1;
	}
	while (!run_done(ops_target, seconds, start)) {
		for (i = 0; i < WORKERS; i++)
			pids[i] = start_worker(i);
		race = start_exec_race();
		if (flip)
			op_flip();
		for (i = 0; i < WORKERS; i++)
			child_ended_well(pids[i], "a worker");
		stop_exec_race(race);
		check_all();
		if (pmap_verify(report, sizeof(report)) != 0) {
			error("pmap_verify after round %lu:", (unsigned long)rounds);
			printf("%s\n", report);
		}
		if (++rounds % 20 == 0)
			printf("stress: %lu rounds, %lu ops, %lu checks, %lu races, %lu errors\n",
			    (unsigned long)rounds, (unsigned long)ctl->n.ops,
			    (unsigned long)ctl->n.checks, (unsigned long)ctl->n.races,
			    (unsigned long)ctl->n.errors);
	}
	shrink_phase();
	if (pmap_verify(report, sizeof(report)) != 0) {
		error("pmap_verify after the shrink phase:");
		printf("%s\n", report);
	}
	for (i = 0; i < NSEG; i++)
		must(sys_shmctl(shmids[i], IPC_RMID, NULL), "IPC_RMID");
	must(sys_shmctl(sys_shmget(CTRL_KEY, 0, 0), IPC_RMID, NULL), "IPC_RMID control");
	return 0;
}

static void usage(void)
{
	printf("usage: stress [-s SEED] [-n OPS] [-d SECONDS] [-m off|on|flip]\n"
	    "  -s SEED     seed of the run, 0..%ld (default: the TSC), printed to replay it\n"
	    "  -n OPS      stop after OPS operations, 0..%ld (0: no limit; default 2000\n"
	    "              when -d is not given either)\n"
	    "  -d SECONDS  stop after SECONDS, 0..%ld (default 0: no limit)\n"
	    "  -m MODE     machdep.pmap_mmu_optimize for the run: off, on (default), or\n"
	    "              flip (toggled while the workers run)\n"
	    "  -h, --help  this text\n", LONG_MAX, LONG_MAX, LONG_MAX / 1000);
}

int main(int argc, char **argv)
{
	uint64_t seed = rdtsc(), ops_target = 0, seconds = 0;
	const char *mode = "on";
	long saved[ARRAY_SIZE(switches)];
	struct ut_census before, after;
	struct counters *result;
	long leaked, verify;
	int c, pid, status, i;
	bool ok, same;

	stdout_by_lines();
	if (argc == 4 && strcmp(argv[1], "-w") == 0)
		return exec_worker(argv);
	if (help_wanted(argc, argv)) {
		usage();
		return 0;
	}
	while ((c = getopt(argc, argv, "s:n:d:m:h")) != -1) {
		if (c == 's')
			seed = arg_long("stress", "-s", optarg, 0, LONG_MAX, "(a seed)");
		else if (c == 'n')
			ops_target = arg_long("stress", "-n", optarg, 0, LONG_MAX, "operations");
		else if (c == 'd')   /* counted in ms by run_done */
			seconds = arg_long("stress", "-d", optarg, 0, LONG_MAX / 1000, "seconds");
		else if (c == 'm')
			mode = optarg;
		else if (c == 'h') {
			usage();
			return 0;
		} else {   /* getopt has named the option */
			fprintf(stderr, "stress: -h lists the options\n");
			return 2;
		}
	}
	if (strcmp(mode, "off") && strcmp(mode, "on") && strcmp(mode, "flip")) {
		char shown[80];

		snprintf(shown, sizeof(shown), "-m %s", mode);
		arg_refuse("stress", shown, "not one of off, on, flip");
	}
	if (optind != argc)
		arg_refuse("stress", argv[optind], "unexpected argument (stress takes only options)");
	if (!ops_target && !seconds)
		ops_target = 2000;
	printf("stress: seed=%lu mode=%s until %lu ops or %lu seconds (0: no limit)\n",
	    (unsigned long)seed, mode, (unsigned long)ops_target, (unsigned long)seconds);

	for (i = 0; i < (int)ARRAY_SIZE(switches); i++)
		if (sysctl_get(switches[i], &saved[i]) < 0)
			saved[i] = -1;
	if (strcmp(mode, "flip") != 0)
		sysctl_set(switches[0], strcmp(mode, "on") == 0);
	flip = strcmp(mode, "flip") == 0;
	rand_seed(seed);

	/* The counters come back in a page shared with the controller. */
	result = sys_mmap(NULL, sizeof(*result), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ptr_err(result)) {
		printf("stress: mmap: %s\n", errname(ptr_err(result)));
		return 1;
	}
	result->errors = 0;

	ut_census_before_run(&before);

	pid = fork();
	if (pid == 0) {
		int r;

		ut_wait_asleep(getppid());
		r = controller(ops_target, seconds);
		if (ctl && !ptr_err(ctl))
			*result = ctl->n;
		result->errors += r;
		exit(0);
	}
	ok = pid > 0 && sys_waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0;

	for (i = 0; i < (int)ARRAY_SIZE(switches); i++)
		if (saved[i] >= 0)
			sysctl_set(switches[i], saved[i]);
	same = ut_census_compare("stress", &before, &after, &leaked, &verify);
	ok = ok && same && result->errors == 0;
	printf("stress: seed=%lu ops=%lu faults=%lu checks=%lu races=%lu errors=%lu "
	    "leaked_pages=%ld verify=%s%s\n", (unsigned long)seed, (unsigned long)result->ops,
	    (unsigned long)(after.vm.faults - before.vm.faults), (unsigned long)result->checks,
	    (unsigned long)result->races, (unsigned long)result->errors, leaked,
	    verify == 0 ? "ok" : "FAILED", ok ? "" : " FAIL");
	return ok ? 0 : 1;
}
