/*
 * KTEST suite "shootdown": changing one object PTE on real CPUs. Three
 * address spaces link the page table of one shared segment (with sharing
 * off, each maps its page privately). A kernel thread per address space
 * loads it and accesses the segment's first page through the MMU in a
 * loop, with the fault-recovering accessors of kernel/trap.h, while the
 * test thread takes the page away with pmap_page_remove() or
 * write-protects it with pmap_page_protect(): one object PTE changes for
 * all three address spaces, and tlb_object_changed() must flush each on
 * the CPUs running it. Once the call has returned, no thread may read the
 * removed page, or write the protected one, through a translation its CPU
 * kept. Then the test thread faults the page back in (the object keeps it,
 * as it would a page that was paged out) and the next round begins.
 *
 * A kernel thread has no current map (uaccess_map() is NULL), so a fault
 * at one of its accesses only fails: it never maps the page again itself.
 * On one CPU the threads take turns (kernel threads are not preempted, so
 * they yield), which tests the logic but no remote flush; booted with four
 * CPUs the readers run on the other three.
 */
#include "ipc/shm/shm.h"
#include "kernel/cpu.h"
#include "kernel/ktest.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "mm/page.h"
#include "mm/pmap/pmap.h"
#include "mm/pmap/pmap_break.h"
#include "mm/vm_map.h"
#include "mm/vm_tunables.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define NREADERS 3
#define ROUNDS   200
#define WAIT_MS  10000    /* a reader this late is stuck */

/*
 * The test thread's phase p goes up by one at each step; p % 4 says what
 * holds while it lasts: GRANTED, the page is mapped with the rights the
 * readers try; REVOKED, the page was removed (or write-protected) and the
 * call has returned, so an access that works went through a stale
 * translation; odd, the test thread is changing the mapping.
 */
#define GRANTED 0
#define REVOKED 2

struct reader {
	struct vm_map *map;
	vaddr_t va;                    /* the page in map */
	int index;
	struct thread *thread;
	uint64_t granted;              /* last GRANTED phase in which it got through */
	uint64_t revoked;              /* last REVOKED phase in which it tried */
	uint64_t stale;                /* accesses that worked in a REVOKED phase */
	uint64_t lost;                 /* protect: reads that failed in a REVOKED phase */
	uint64_t tries_on[MAX_CPUS];   /* accesses in a settled phase, per CPU */
};

static struct {
	bool protect;                  /* readers write (pmap_page_protect) or read */
	uint64_t phase;
	bool stop;
	struct reader readers[NREADERS];
} sd;

/* The reader's access: a read, or a write to a word of its own. 0 or -EFAULT. */
static long try_access(struct reader *r)
{
	uint64_t value = r->index;

	if (sd.protect)
		return copy_bytes_checked((void *)(r->va + 8 * (1 + r->index)), &value, 8);
	return probe_read_u64((const void *)r->va, &value);
}

static void reader_run(void *arg)
{
	struct reader *r = arg;

	while (!__atomic_load_n(&sd.stop, __ATOMIC_ACQUIRE)) {
		uint64_t p1, p2, value, *last;
		bool got, readable, fresh;

		/* Switching threads loads the kernel's tables: load the map again. */
		if (read_cr3() != pmap_cr3(r->map->pmap))
			vm_map_activate(r->map);
		p1 = __atomic_load_n(&sd.phase, __ATOMIC_ACQUIRE);
		got = try_access(r) == 0;
		readable = !sd.protect || probe_read_u64((const void *)r->va, &value) == 0;
		p2 = __atomic_load_n(&sd.phase, __ATOMIC_ACQUIRE);
		if (p1 != p2 || p1 % 2)
			continue;
		r->tries_on[cpu_id()]++;
		last = p1 % 4 == GRANTED ? &r->granted : &r->revoked;
		fresh = *last < p1;
		if (p1 % 4 == REVOKED) {
			r->stale += got;
			r->lost += !readable;
		}
		if (p1 % 4 == REVOKED || got)
			__atomic_store_n(last, p1, __ATOMIC_RELEASE);
		/* Reported this phase already: let the others (and the test) run. */
		if (!fresh)
			yield();
	}
	vm_map_activate(NULL);
	thread_exit_current(0);
}

/* Waits (yielding) until every reader has reported phase p: false if one is stuck. */
static bool wait_readers(uint64_t p)
{
	uint64_t deadline = clock_ms() + WAIT_MS;

	for (int i = 0; i < NREADERS; i++) {
		struct reader *r = &sd.readers[i];
		uint64_t *seen = p % 4 == GRANTED ? &r->granted : &r->revoked;

		while (__atomic_load_n(seen, __ATOMIC_ACQUIRE) < p) {
			if (clock_ms() > deadline)
				return false;
			yield();
		}
	}
	return true;
}

static void set_phase(uint64_t p)
{
	__atomic_store_n(&sd.phase, p, __ATOMIC_RELEASE);
}

/* Did the revocation reach every map's page tables (the software view)? */
static bool revoked_in_every_map(void)
{
	for (int i = 0; i < NREADERS; i++) {
		paddr_t pa;
		int access = sd.protect ? PROT_WRITE : PROT_READ;

		if (pmap_translate(sd.readers[i].map->pmap, sd.readers[i].va, access, &pa) == 0)
			return false;
	}
	return true;
}

/* Faults the page back into every map with a write. */
static bool restore(uint64_t round)
{
	for (int i = 0; i < NREADERS; i++)
		if (vm_copyout(sd.readers[i].map, sd.readers[i].va, &round, sizeof(round)) < 0)
			return false;
	return true;
}

/* What a run of revoke_under_readers() saw. */
struct revoke_run {
	bool ready;                    /* the segment and maps were made */
	bool linked, stuck, revoked, restored;
	int rounds, cpus_used;
	uint64_t ipis, stale, lost;
	size_t free_pages, objects;    /* before the run */
};

/*
 * ROUNDS rounds of revoking the page (pmap_page_protect to read-only when
 * `protect`, else pmap_page_remove) under the readers; the counts in *run.
 */
static void revoke_under_readers(bool protect, struct revoke_run *run)
{
	uint64_t tries_on[MAX_CPUS] = { 0 };
	struct vm_page *pg = NULL;
	paddr_t pa;
	int id;

	*run = (struct revoke_run){ .linked = true, .revoked = true, .restored = true,
	                            .free_pages = page_free_count(),
	                            .objects = vm_object_count() };
	sd = (typeof(sd)){ .protect = protect };
	shm_use_phys = 0;              /* anonymous: object PTEs have PV entries */
	id = shm_get(IPC_PRIVATE, MIB(2), 0, 1);
	shm_use_phys = 1;
	KT_ASSERT(id >= 0);
	for (int i = 0; i < NREADERS; i++) {
		struct reader *r = &sd.readers[i];
		struct vmstat st;

		r->index = i;
		r->map = vm_map_create();
		KT_ASSERT(r->map != NULL);
		KT_ASSERT_EQ(0, shm_at(r->map, id, 0, 0, 1, &r->va));
		KT_ASSERT_EQ(0, vm_copyout(r->map, r->va, &i, sizeof(i)));
		vm_stat_map(r->map, &st);
		run->linked &= st.links_pde == (pmap_mmu_optimize ? 1 : 0);
	}
	KT_ASSERT(pmap_extract(sd.readers[0].map->pmap, sd.readers[0].va, &pa));
	pg = phys_to_page(pa);
	for (int c = 0; c < ncpus; c++)
		run->ipis -= cpus[c].ipis_sent;
	for (int i = 0; i < NREADERS; i++) {
		sd.readers[i].thread = kthread_create(reader_run, &sd.readers[i]);
		KT_ASSERT(sd.readers[i].thread != NULL);
		thread_start(sd.readers[i].thread);
	}

	for (uint64_t r = 0; r < ROUNDS && !run->stuck && run->revoked && run->restored;
	     r++, run->rounds++) {
		run->stuck = !wait_readers(4 * r + GRANTED);
		set_phase(4 * r + 1);
		if (protect)
			pmap_page_protect(pg, PROT_READ);
		else
			pmap_page_remove(pg);
		run->revoked = revoked_in_every_map();
		set_phase(4 * r + REVOKED);
		run->stuck |= !wait_readers(4 * r + REVOKED);
		set_phase(4 * r + 3);
		run->restored = restore(r);
		set_phase(4 * r + 4);
	}

	__atomic_store_n(&sd.stop, true, __ATOMIC_RELEASE);
	for (int i = 0; i < NREADERS; i++) {
		struct reader *r = &sd.readers[i];

		thread_free(r->thread);
		run->stale += r->stale;
		run->lost += r->lost;
		for (int c = 0; c < MAX_CPUS; c++)
			tries_on[c] += r->tries_on[c];
	}
	for (int c = 0; c < ncpus; c++) {
		run->ipis += cpus[c].ipis_sent;
		run->cpus_used += tries_on[c] > 0;
	}
	KT_ASSERT_EQ(0, shm_ctl(id, IPC_RMID, NULL));
	for (int i = 0; i < NREADERS; i++)
		vm_map_destroy(sd.readers[i].map);
	shm_reap();   /* as exit does: those were the removed segment's last attachments */
	run->ready = true;
}

/* The run went through every round, and left nothing behind. */
static void check_run_completed(const struct revoke_run *run)
{
	KT_ASSERT(run->ready);
	KT_ASSERT(run->linked);        /* the object path, when sharing is on */
	KT_ASSERT(!run->stuck);
	KT_ASSERT(run->revoked);
	KT_ASSERT(run->restored);
	KT_ASSERT_EQ(ROUNDS, run->rounds);
	/* With other CPUs, the readers ran there. */
	KT_ASSERT(run->cpus_used >= MIN(ncpus - 1, NREADERS));
	KT_ASSERT_EQ(0, vm_verify(NULL, 0));
	KT_ASSERT_EQ(run->objects, vm_object_count());
	KT_ASSERT_EQ(run->free_pages, page_free_count());
}

/* One case: the run completed, and no access got through a revoked translation. */
static void revoke_case(bool protect)
{
	struct revoke_run run;

	revoke_under_readers(protect, &run);
	check_run_completed(&run);
	KT_ASSERT_EQ(0, run.stale);    /* no access through a revoked translation */
	KT_ASSERT_EQ(0, run.lost);     /* protecting never took reading away */
	if (ncpus > 1)                 /* the readers' CPUs were shot at */
		KT_ASSERT(run.ipis >= ROUNDS);
}

KTEST(shootdown, no_cpu_reads_an_object_page_after_page_remove)
{
	revoke_case(false);
}

KTEST(shootdown, no_cpu_writes_an_object_page_after_page_protect)
{
	revoke_case(true);
}

#if TEACH
/*
 * The teaching kernel's check of rule 6 of docs/correctness.md, which no
 * user workload can show (docs/lessons.md, lesson 6): with the rule broken,
 * tlb_object_changed() flushes only the changing CPU's address space, and
 * readers on other CPUs read the removed page through the translations
 * they kept. make teach-test boots on four CPUs for it; on one CPU the
 * other address spaces are not loaded anywhere and nothing can show.
 */
KTEST(shootdown, with_rule_6_broken_readers_on_other_cpus_read_a_removed_page)
{
	struct revoke_run run;
	int hits = pmap_break_hits, kept = pmap_break;

	if (ncpus < 2) {
		printk("shootdown: one CPU: rule 6 cannot show (docs/lessons.md)\n");
		return;
	}
	pmap_break = RULE_OBJECT_FLUSH;
	revoke_under_readers(false, &run);
	pmap_break = kept;
	check_run_completed(&run);
	KT_ASSERT(pmap_break_hits > hits);
	KT_ASSERT(run.stale > 0);
}
#endif
