/*
 * Suite "smp": shared page tables under concurrency. Each case is correct on
 * one CPU too; booted with --smp 4 the threads and processes below really
 * run at the same time, so a missing TLB shootdown or a race between a
 * table being unlinked and another sharer using it shows up as wrong data
 * (every page carries its own index, so a stale translation that reaches
 * another page is caught) or as a broken invariant (pmap_verify runs after
 * every case).
 */
#include "utest.h"

#define SEG_MIB   8
#define SEG_BYTES ((size_t)SEG_MIB << 20)
#define NPAGES    (SEG_BYTES / 4096)
#define WORDS     (4096 / sizeof(uint64_t))

/* Word 0 of every page holds the page's index; word 1+w is writer w's slot. */
static void fill_indexes(volatile uint64_t *seg)
{
	for (size_t p = 0; p < NPAGES; p++)
		seg[p * WORDS] = p;
}

/* Number of pages whose index word is wrong. */
static size_t bad_indexes(volatile uint64_t *seg)
{
	size_t bad = 0;

	for (size_t p = 0; p < NPAGES; p++)
		bad += seg[p * WORDS] != p;
	return bad;
}

static int new_segment(volatile uint64_t **seg)
{
	int id = sys_shmget(IPC_PRIVATE, SEG_BYTES, IPC_CREAT | 0600);
	void *p;

	if (id < 0)
		return id;
	p = sys_shmat(id, NULL, 0);
	if (ptr_err(p)) {
		sys_shmctl(id, IPC_RMID, NULL);
		return (int)ptr_err(p);
	}
	*seg = p;
	return id;
}

static void remove_segment(int id, volatile uint64_t *seg)
{
	sys_shmdt((const void *)seg);
	sys_shmctl(id, IPC_RMID, NULL);
}

/* ---- threads of one process faulting the same segment ---- */

struct toucher {
	volatile uint64_t *seg;
	int slot;
};

static void *touch_all(void *arg)
{
	struct toucher *t = arg;

	for (size_t p = 0; p < NPAGES; p++)
		t->seg[p * WORDS + 1 + t->slot] = p * 16 + t->slot;
	return NULL;
}

UTEST(threads_fault_one_segment_together)
{
	struct toucher t[4];
	volatile uint64_t *seg;
	int id = new_segment(&seg);
	pthread_t tid[4];
	void *code;

	UT_ASSERT(id >= 0);
	for (int i = 0; i < 4; i++) {
		t[i] = (struct toucher){ seg, i };
		UT_ASSERT_EQ(0, pthread_create(&tid[i], NULL, touch_all, &t[i]));
	}
	for (int i = 0; i < 4; i++) {
		UT_ASSERT_EQ(0, pthread_join(tid[i], &code));
		UT_ASSERT_EQ(0, (long)code);
	}
	for (size_t p = 0; p < NPAGES; p++)
		for (int i = 0; i < 4; i++)
			UT_ASSERT_EQ(p * 16 + i, seg[p * WORDS + 1 + i]);
	remove_segment(id, seg);
}

/*
 * Threads that touch the same pages at the same moment: the first to fault
 * on a page maps it, and the others, which faulted meanwhile and waited for
 * the map, find it mapped: they count in faults_spurious, not in faults.
 * So the process takes one fault per page, whatever the number of threads
 * (up to two more per thread for their stacks and their exit). The threads
 * start together and walk the pages in the same order, so on several CPUs
 * they collide on page after page (counted as faults, that made about 1.7
 * faults per page for pgbench's thread mode on 4 CPUs).
 */
#define RACERS 4

static volatile int racers_ready, racers_go;

static void *touch_all_at_once(void *arg)
{
	struct toucher *t = arg;

	__atomic_add_fetch(&racers_ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&racers_go, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	return touch_all(t);
}

UTEST(threads_racing_to_a_page_count_one_fault_for_it)
{
	UT_NEEDS_OWN_KERNEL("the vmstat fault counters");
	struct toucher t[RACERS];
	struct vmstat v0, v1;
	volatile uint64_t *seg;
	int id = new_segment(&seg);
	pthread_t tid[RACERS];
	uint64_t faults;

	UT_ASSERT(id >= 0);
	racers_ready = racers_go = 0;
	for (int i = 0; i < RACERS; i++) {
		t[i] = (struct toucher){ seg, i };
		UT_ASSERT_EQ(0, pthread_create(&tid[i], NULL, touch_all_at_once, &t[i]));
	}
	while (__atomic_load_n(&racers_ready, __ATOMIC_ACQUIRE) < RACERS)
		sched_yield();
	v0 = ut_vmstat(getpid());
	__atomic_store_n(&racers_go, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < RACERS; i++)
		UT_ASSERT_EQ(0, pthread_join(tid[i], NULL));
	v1 = ut_vmstat(getpid());
	faults = v1.faults - v0.faults;
	if (faults > NPAGES + 2 * RACERS)
		UT_FAIL("%lu faults for %lu pages and %d threads (object %lu, link %lu, private "
		    "%lu; spurious %lu)", (unsigned long)faults, (unsigned long)NPAGES, RACERS,
		    (unsigned long)(v1.faults_object - v0.faults_object),
		    (unsigned long)(v1.faults_link - v0.faults_link),
		    (unsigned long)(v1.faults_private - v0.faults_private),
		    (unsigned long)(v1.faults_spurious - v0.faults_spurious));
	/* Each page filled once: in the object's table, or with sharing off
	 * (make test's baseline boot) in the process's own. */
	UT_ASSERT(v1.faults_object - v0.faults_object + v1.faults_private - v0.faults_private >=
	    NPAGES);
	remove_segment(id, seg);
}

/* ---- one process reshapes its view while others use theirs ---- */

/* A child that reads and writes its own attachment for `rounds` rounds. */
static int worker(int id, int slot, int rounds)
{
	volatile uint64_t *seg = sys_shmat(id, NULL, 0);

	if (ptr_err((const void *)seg))
		return 2;
	for (int r = 0; r < rounds; r++) {
		if (bad_indexes(seg))
			return 1;
		for (size_t p = slot; p < NPAGES; p += 3)
			seg[p * WORDS + 1 + slot] = r;
	}
	sys_shmdt((const void *)seg);
	return 0;
}

/* Munmaps, re-attaches and mprotects parts of its own mapping, and flips the switches. */
static int reshaper(int id, int rounds)
{
	long opt;

	sysctl_get("machdep.pmap_mmu_optimize", &opt);
	for (int r = 0; r < rounds; r++) {
		volatile uint64_t *seg = sys_shmat(id, NULL, 0);
		if (ptr_err((const void *)seg))
			return 2;
		if (bad_indexes(seg))
			return 1;
		/* One page in the middle of a linked segment, then a whole segment. */
		if (sys_mprotect((void *)(seg + 5 * WORDS), 4096, PROT_READ) < 0 ||
		    sys_munmap((void *)((char *)seg + (2 << 20)), 2 << 20) < 0)
			return 3;
		if (seg[5 * WORDS] != 5 || seg[6 * WORDS] != 6)
			return 1;
		sys_shmdt((const void *)seg);
		sysctl_set("machdep.pmap_mmu_optimize", r & 1);
	}
	sysctl_set("machdep.pmap_mmu_optimize", opt);
	return 0;
}

UTEST(reshaping_one_view_leaves_the_others_intact)
{
	volatile uint64_t *seg;
	int id = new_segment(&seg), pids[4], status;

	UT_ASSERT(id >= 0);
	fill_indexes(seg);
	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		UT_ASSERT(pids[i] >= 0);
		if (pids[i] == 0)
			exit(i == 3 ? reshaper(id, 20) : worker(id, i, 20));
	}
	for (int i = 0; i < 4; i++) {
		UT_ASSERT_EQ(pids[i], sys_waitpid(pids[i], &status, 0));
		UT_ASSERT(WIFEXITED(status));
		UT_ASSERT_EQ(0, WEXITSTATUS(status));
	}
	UT_ASSERT_EQ(0, bad_indexes(seg));
	remove_segment(id, seg);
}

/* ---- new sharers arriving while old ones leave ---- */

UTEST(fork_storm_attaches_and_detaches)
{
	struct shmid_ds ds;
	volatile uint64_t *seg;
	int id = new_segment(&seg), status;

	UT_ASSERT(id >= 0);
	fill_indexes(seg);
	for (int round = 0; round < 8; round++) {
		int pids[4];
		for (int i = 0; i < 4; i++) {
			pids[i] = fork();
			UT_ASSERT(pids[i] >= 0);
			if (pids[i] == 0) {
				volatile uint64_t *mine = sys_shmat(id, NULL, SHM_RDONLY);
				exit(ptr_err((const void *)mine) ? 2 : bad_indexes(mine) ? 1 : 0);
			}
		}
		/* The parent's own view comes and goes meanwhile. */
		sys_shmdt((const void *)seg);
		seg = sys_shmat(id, NULL, 0);
		UT_ASSERT(!ptr_err((const void *)seg));
		for (int i = 0; i < 4; i++) {
			UT_ASSERT_EQ(pids[i], sys_waitpid(pids[i], &status, 0));
			UT_ASSERT_EQ(0, WEXITSTATUS(status));
		}
	}
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_STAT, &ds));
	UT_ASSERT_EQ(1, ds.shm_nattch);
	remove_segment(id, seg);
}

/* ---- a process exits while its threads fault ---- */

static void *fault_forever(void *arg)
{
	volatile uint64_t *seg = arg;

	for (uint64_t r = 0;; r++)
		for (size_t p = 0; p < NPAGES; p += 7)
			seg[p * WORDS + 1] = r;
	return NULL;
}

UTEST(exit_while_threads_fault)
{
	volatile uint64_t *seg;
	int id = new_segment(&seg), pid, status;
	struct shmid_ds ds;

	UT_ASSERT(id >= 0);
	fill_indexes(seg);
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		volatile uint64_t *mine = sys_shmat(id, NULL, 0);
		pthread_t t;

		for (int i = 0; i < 3; i++)
			pthread_create(&t, NULL, fault_forever, (void *)mine);
		sleep_ms(30);
		exit(9);
	}
	UT_ASSERT_EQ(pid, sys_waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(9, WEXITSTATUS(status));
	UT_ASSERT_EQ(0, sys_shmctl(id, IPC_STAT, &ds));
	UT_ASSERT_EQ(1, ds.shm_nattch);   /* the child's attachments went with it */
	UT_ASSERT_EQ(0, bad_indexes(seg));
	remove_segment(id, seg);
}

/* ---- a mapping replaced under readers on every CPU ---- */

/*
 * The writer replaces the mapping at one 2 MiB-aligned address round after
 * round while reader threads, one for every CPU but the writer's, read it
 * in a tight loop. Even rounds replace all of it, 2 MiB + 4 KiB: the first 2 MiB is a
 * linked object PT (its removal is an unlink and a full flush), the last
 * page a private PTE. Odd rounds replace only that last page, whose PT
 * stays (a page after it keeps it busy), so its removal is one invlpg. The
 * writer stores the round in the first and the last page and publishes it
 * seqlock style: `seq` is odd while it changes, 2 * round when done; then
 * it waits until every reader has checked that round, so every reader CPU
 * holds translations of the pages the next round replaces. A reader CPU
 * that kept such a translation reads the old page (freed, perhaps already
 * reused) instead: a value of another round.
 */
#define FLIP_ROUNDS     3000        /* rounds, unless FLIP_MS runs out first */
#define FLIP_MS         20000       /* (TCG speed depends on the host) */
#define FLIP_MIN_ROUNDS 200         /* fewer would test too little */
#define FLIP_LEN    ((2UL << 20) + PAGE_SIZE)
#define FLIP_AREA   (4UL << 20)     /* reserved around it, 2 MiB aligned */
#define MAX_READERS 8

struct flip {
	volatile uint64_t *first;      /* first page of the mapping */
	volatile uint64_t *last;       /* its last page */
	uint64_t seq;
	int stop;
	bool one_cpu;                  /* readers must yield for the writer to run */
};

struct flip_reader {
	struct flip *f __attribute__((aligned(64)));   /* a cache line per reader */
	uint64_t round;                /* the last round it checked */
	uint64_t checks;               /* consistent snapshots checked */
	uint64_t bad;                  /* snapshots with another round's value */
	uint64_t bad_round, bad_first, bad_last;   /* the first of them */
};

/* What the two pages hold after round r: distinct for every page and round. */
static uint64_t first_value(uint64_t r) { return 2 * r; }
static uint64_t last_value(uint64_t r) { return 2 * r + 1; }

static void *flip_read(void *arg)
{
	struct flip_reader *rd = arg;
	struct flip *f = rd->f;

	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
		uint64_t s1 = __atomic_load_n(&f->seq, __ATOMIC_ACQUIRE), a, b, s2;

		if (s1 & 1)
			continue;
		a = f->first[0];
		b = f->last[0];
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&f->seq, __ATOMIC_RELAXED);
		if (s1 != s2)
			continue;
		rd->checks++;
		if ((a != first_value(s1 / 2) || b != last_value(s1 / 2)) && rd->bad++ == 0) {
			rd->bad_round = s1 / 2;
			rd->bad_first = a;
			rd->bad_last = b;
		}
		/* Alone on its CPU with nothing new to check, let the writer run. */
		if (f->one_cpu && rd->round == s1 / 2)
			sched_yield();
		__atomic_store_n(&rd->round, s1 / 2, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* Maps len bytes of new shared memory exactly at va: 0 or the error. */
static long map_new_at(volatile uint64_t *va, size_t len)
{
	void *p = sys_mmap((void *)va, len, PROT_READ | PROT_WRITE,
	               MAP_FIXED | MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return ptr_err(p) ? ptr_err(p) : p == (void *)va ? 0 : -EINVAL;
}

/*
 * Runs the rounds; returns how many were done, or the negated round whose
 * mapping failed.
 */
static long flip_write(struct flip *f, struct flip_reader *rd, int nreaders)
{
	uint64_t end = clock_ms() + FLIP_MS, r;

	for (r = 1; r <= FLIP_ROUNDS && clock_ms() < end; r++) {
		__atomic_store_n(&f->seq, 2 * r - 1, __ATOMIC_RELEASE);
		if (map_new_at(r % 2 ? f->last : f->first, r % 2 ? PAGE_SIZE : FLIP_LEN) < 0)
			return -(long)r;
		f->first[0] = first_value(r);
		f->last[0] = last_value(r);
		__atomic_store_n(&f->seq, 2 * r, __ATOMIC_RELEASE);
		for (int i = 0; i < nreaders; i++)
			while (__atomic_load_n(&rd[i].round, __ATOMIC_ACQUIRE) < r)
				sched_yield();
	}
	return (long)r - 1;
}

/* CPUs whose count of served shootdown requests grew from `before` to `after`. */
static int cpus_that_served(const struct vmstat *before, const struct vmstat *after)
{
	int n = 0;

	for (uint64_t i = 0; i < after->cpus && i < VMSTAT_MAX_CPUS; i++)
		n += after->cpu_shootdowns[i] > before->cpu_shootdowns[i];
	return n;
}

UTEST(no_cpu_reads_through_a_replaced_mapping)
{
	UT_NEEDS_OWN_KERNEL("its 2 MiB placement of shared mappings and shootdown counters");
	struct vmstat before = ut_vmstat(0), after;
	int nreaders = MIN(MAX((int)before.cpus - 1, 1), MAX_READERS);
	pthread_t tid[MAX_READERS];
	struct flip_reader rd[MAX_READERS] = { 0 };
	struct flip f = { .one_cpu = before.cpus <= 1 };
	long rounds;
	char *area;

	area = sys_mmap(NULL, FLIP_AREA, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err(area));
	UT_ASSERT_EQ(0, (uintptr_t)area % (2UL << 20));
	f.first = (volatile uint64_t *)area;
	f.last = (volatile uint64_t *)(area + FLIP_LEN - PAGE_SIZE);
	UT_ASSERT_OK(map_new_at(f.first, FLIP_LEN));
	area[FLIP_LEN] = 1;            /* keeps the last page's private PT in use */
	f.first[0] = first_value(0);
	f.last[0] = last_value(0);
	for (int i = 0; i < nreaders; i++) {
		rd[i].f = &f;
		UT_ASSERT_EQ(0, pthread_create(&tid[i], NULL, flip_read, &rd[i]));
	}
	rounds = flip_write(&f, rd, nreaders);
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < nreaders; i++)
		UT_ASSERT_EQ(0, pthread_join(tid[i], NULL));
	after = ut_vmstat(0);
	sys_munmap(area, FLIP_AREA);
	if (rounds < 0)
		UT_FAIL("round %ld: the mapping could not be replaced", -rounds);
	UT_ASSERT(rounds >= FLIP_MIN_ROUNDS);
	for (int i = 0; i < nreaders; i++)
		if (rd[i].bad)
			UT_FAIL("reader %d: %lu of %lu snapshots stale; first in round %lu: "
			        "%lu and %lu instead of %lu and %lu", i, rd[i].bad, rd[i].checks,
			        rd[i].bad_round, rd[i].bad_first, rd[i].bad_last,
			        first_value(rd[i].bad_round), last_value(rd[i].bad_round));
	/* On several CPUs the readers ran beside the writer and took its IPIs. */
	if (after.cpus > 1)
		UT_ASSERT(cpus_that_served(&before, &after) >= (int)after.cpus - 1);
}

int main(int argc, char **argv)
{
	return utest_main("smp", argc, argv);
}
