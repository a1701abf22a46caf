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
	int id = shmget(IPC_PRIVATE, SEG_BYTES, IPC_CREAT | 0600);
	void *p;

	if (id < 0)
		return id;
	p = shmat(id, NULL, 0);
	if (ptr_err(p)) {
		shmctl(id, IPC_RMID, NULL);
		return (int)ptr_err(p);
	}
	*seg = p;
	return id;
}

static void remove_segment(int id, volatile uint64_t *seg)
{
	shmdt((const void *)seg);
	shmctl(id, IPC_RMID, NULL);
}

/* ---- threads of one process faulting the same segment ---- */

struct toucher {
	volatile uint64_t *seg;
	int slot;
};

static int touch_all(void *arg)
{
	struct toucher *t = arg;

	for (size_t p = 0; p < NPAGES; p++)
		t->seg[p * WORDS + 1 + t->slot] = p * 16 + t->slot;
	return 0;
}

UTEST(threads_fault_one_segment_together)
{
	struct toucher t[4];
	volatile uint64_t *seg;
	int tid[4], code, id = new_segment(&seg);

	UT_ASSERT(id >= 0);
	for (int i = 0; i < 4; i++) {
		t[i] = (struct toucher){ seg, i };
		tid[i] = thread_create(touch_all, &t[i]);
		UT_ASSERT(tid[i] > 0);
	}
	for (int i = 0; i < 4; i++) {
		UT_ASSERT_EQ(0, thread_join(tid[i], &code));
		UT_ASSERT_EQ(0, code);
	}
	for (size_t p = 0; p < NPAGES; p++)
		for (int i = 0; i < 4; i++)
			UT_ASSERT_EQ(p * 16 + i, seg[p * WORDS + 1 + i]);
	remove_segment(id, seg);
}

/* ---- one process reshapes its view while others use theirs ---- */

/* A child that reads and writes its own attachment for `rounds` rounds. */
static int worker(int id, int slot, int rounds)
{
	volatile uint64_t *seg = shmat(id, NULL, 0);

	if (ptr_err((const void *)seg))
		return 2;
	for (int r = 0; r < rounds; r++) {
		if (bad_indexes(seg))
			return 1;
		for (size_t p = slot; p < NPAGES; p += 3)
			seg[p * WORDS + 1 + slot] = r;
	}
	shmdt((const void *)seg);
	return 0;
}

/* Munmaps, re-attaches and mprotects parts of its own mapping, and flips the switches. */
static int reshaper(int id, int rounds)
{
	long opt;

	sysctl_get("machdep.pmap_mmu_optimize", &opt);
	for (int r = 0; r < rounds; r++) {
		volatile uint64_t *seg = shmat(id, NULL, 0);
		if (ptr_err((const void *)seg))
			return 2;
		if (bad_indexes(seg))
			return 1;
		/* One page in the middle of a linked segment, then a whole segment. */
		if (mprotect((void *)(seg + 5 * WORDS), 4096, PROT_READ) < 0 ||
		    munmap((void *)((char *)seg + (2 << 20)), 2 << 20) < 0)
			return 3;
		if (seg[5 * WORDS] != 5 || seg[6 * WORDS] != 6)
			return 1;
		shmdt((const void *)seg);
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
		UT_ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
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
				volatile uint64_t *mine = shmat(id, NULL, SHM_RDONLY);
				exit(ptr_err((const void *)mine) ? 2 : bad_indexes(mine) ? 1 : 0);
			}
		}
		/* The parent's own view comes and goes meanwhile. */
		shmdt((const void *)seg);
		seg = shmat(id, NULL, 0);
		UT_ASSERT(!ptr_err((const void *)seg));
		for (int i = 0; i < 4; i++) {
			UT_ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
			UT_ASSERT_EQ(0, WEXITSTATUS(status));
		}
	}
	UT_ASSERT_EQ(0, shmctl(id, IPC_STAT, &ds));
	UT_ASSERT_EQ(1, ds.shm_nattch);
	remove_segment(id, seg);
}

/* ---- a process exits while its threads fault ---- */

static int fault_forever(void *arg)
{
	volatile uint64_t *seg = arg;

	for (uint64_t r = 0;; r++)
		for (size_t p = 0; p < NPAGES; p += 7)
			seg[p * WORDS + 1] = r;
	return 0;
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
		volatile uint64_t *mine = shmat(id, NULL, 0);
		for (int i = 0; i < 3; i++)
			thread_create(fault_forever, (void *)mine);
		sleep_ms(30);
		exit(9);
	}
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_EQ(9, WEXITSTATUS(status));
	UT_ASSERT_EQ(0, shmctl(id, IPC_STAT, &ds));
	UT_ASSERT_EQ(1, ds.shm_nattch);   /* the child's attachments went with it */
	UT_ASSERT_EQ(0, bad_indexes(seg));
	remove_segment(id, seg);
}

int main(int argc, char **argv)
{
	return utest_main("smp", argc, argv);
}
