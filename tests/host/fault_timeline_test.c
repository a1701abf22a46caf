/*
 * The fault-rate timeline (mm/fault_timeline.c) against a clock the test
 * sets (fault_timeline_host_ns): which interval a fault lands in, the
 * last interval cut at the stop, intervals past the last bucket dropped
 * and counted, a start discarding the record, and real faults through
 * vm_fault() counted once each, like the global fault counter.
 */
#include "kernel/ktest.h"
#include "mm/fault_timeline.h"
#include "mm/vm_map.h"
#include "tests/host/vm_testlib.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define MS    1000000ULL                 /* ns */
#define T0    (5000 * MS)                /* where the cases start recording */
#define IVL   (FAULT_TIMELINE_BUCKET_MS * MS)

static struct fault_timeline info(void)
{
	struct fault_timeline ft;

	fault_timeline_info(&ft);
	return ft;
}

/* One fault counted at time t (ns). */
static void fault_at(uint64_t t)
{
	fault_timeline_host_ns = t;
	fault_timeline_count();
}

static void start_at(uint64_t t)
{
	fault_timeline_host_ns = t;
	fault_timeline_start();
}

static int stop_at(uint64_t t)
{
	fault_timeline_host_ns = t;
	return fault_timeline_stop();
}

KTEST(fault_timeline, nothing_is_recorded_before_a_start)
{
	struct fault_timeline ft;

	fault_at(T0);
	ft = info();
	KT_ASSERT_EQ(IVL, ft.bucket_ns);
	KT_ASSERT_EQ(FAULT_TIMELINE_BUCKETS, ft.max_buckets);
	KT_ASSERT_EQ(0, ft.recording);
	KT_ASSERT_EQ(0, ft.intervals);
	KT_ASSERT_EQ(0, ft.kept);
	KT_ASSERT_EQ(0, ft.faults);
	KT_ASSERT_EQ(-EINVAL, stop_at(T0));
}

KTEST(fault_timeline, faults_land_in_the_interval_of_their_time)
{
	struct fault_timeline ft;

	start_at(T0);
	fault_at(T0);
	fault_at(T0 + IVL - 1);
	fault_at(T0 + IVL);
	fault_at(T0 + 25 * MS);
	fault_at(T0 + 25 * MS);
	fault_at(T0 + 29 * MS);
	KT_ASSERT_EQ(0, stop_at(T0 + 31 * MS));
	ft = info();
	KT_ASSERT_EQ(0, ft.recording);
	KT_ASSERT_EQ(T0, ft.start_ns);
	KT_ASSERT_EQ(31 * MS, ft.elapsed_ns);
	KT_ASSERT_EQ(4, ft.intervals);       /* the last one, 30-31 ms, is cut */
	KT_ASSERT_EQ(4, ft.kept);
	KT_ASSERT_EQ(0, ft.dropped);
	KT_ASSERT_EQ(6, ft.faults);
	KT_ASSERT_EQ(0, ft.dropped_faults);
	KT_ASSERT_EQ(2, fault_timeline_bucket(0));
	KT_ASSERT_EQ(1, fault_timeline_bucket(1));
	KT_ASSERT_EQ(3, fault_timeline_bucket(2));
	KT_ASSERT_EQ(0, fault_timeline_bucket(3));
	KT_ASSERT_EQ(0, fault_timeline_bucket(FAULT_TIMELINE_BUCKETS));   /* out of range */
}

KTEST(fault_timeline, faults_after_the_stop_are_not_recorded)
{
	start_at(T0);
	fault_at(T0 + MS);
	KT_ASSERT_EQ(0, stop_at(T0 + 2 * MS));
	fault_at(T0 + 3 * MS);
	fault_at(T0 + 3 * IVL);
	KT_ASSERT_EQ(1, info().faults);
	KT_ASSERT_EQ(1, fault_timeline_bucket(0));
	KT_ASSERT_EQ(0, fault_timeline_bucket(3));
	KT_ASSERT_EQ(-EINVAL, stop_at(T0 + 4 * MS));     /* stopped already */
	KT_ASSERT_EQ(2 * MS, info().elapsed_ns);         /* the first stop holds */
}

KTEST(fault_timeline, a_clock_behind_the_start_counts_in_the_first_interval)
{
	start_at(T0);
	fault_at(T0 - 1);
	KT_ASSERT_EQ(0, stop_at(T0 + MS));
	KT_ASSERT_EQ(1, fault_timeline_bucket(0));
	KT_ASSERT_EQ(1, info().faults);
}

KTEST(fault_timeline, intervals_past_the_last_bucket_are_dropped_and_counted)
{
	uint64_t last = FAULT_TIMELINE_BUCKETS - 1;
	struct fault_timeline ft;

	start_at(T0);
	fault_at(T0 + last * IVL);               /* the last bucket kept */
	fault_at(T0 + (last + 1) * IVL);         /* the first interval dropped */
	fault_at(T0 + 5000 * IVL + 5 * MS);
	KT_ASSERT_EQ(0, stop_at(T0 + 5000 * IVL + 6 * MS));
	ft = info();
	KT_ASSERT_EQ(5001, ft.intervals);
	KT_ASSERT_EQ(FAULT_TIMELINE_BUCKETS, ft.kept);
	KT_ASSERT_EQ(5001 - FAULT_TIMELINE_BUCKETS, ft.dropped);
	KT_ASSERT_EQ(3, ft.faults);
	KT_ASSERT_EQ(2, ft.dropped_faults);
	KT_ASSERT_EQ(1, fault_timeline_bucket(last));
}

KTEST(fault_timeline, a_start_discards_the_record_before_it)
{
	struct fault_timeline ft;

	start_at(T0);
	fault_at(T0 + MS);
	fault_at(T0 + 9000 * IVL);               /* dropped */
	start_at(T0 + 10 * MS);                  /* no stop between: still fine */
	ft = info();
	KT_ASSERT_EQ(1, ft.recording);
	KT_ASSERT_EQ(0, ft.faults);
	KT_ASSERT_EQ(0, ft.dropped_faults);
	KT_ASSERT_EQ(0, fault_timeline_bucket(0));
	fault_at(T0 + 15 * MS);
	KT_ASSERT_EQ(1, fault_timeline_bucket(0));
	KT_ASSERT_EQ(0, stop_at(T0 + 20 * MS));
}

KTEST(fault_timeline, a_read_while_recording_covers_up_to_now)
{
	struct fault_timeline ft;

	start_at(T0);
	fault_at(T0 + 12 * MS);
	fault_timeline_host_ns = T0 + 15 * MS;
	ft = info();
	KT_ASSERT_EQ(1, ft.recording);
	KT_ASSERT_EQ(15 * MS, ft.elapsed_ns);
	KT_ASSERT_EQ(2, ft.intervals);
	KT_ASSERT_EQ(1, ft.faults);
	fault_at(T0 + 40 * MS);
	ft = info();
	KT_ASSERT_EQ(5, ft.intervals);
	KT_ASSERT_EQ(2, ft.faults);
	KT_ASSERT_EQ(0, stop_at(T0 + 41 * MS));
}

/*
 * Real faults: each handled one counts once, failed ones not at all. The
 * map is destroyed before the first assertion, so a failure here leaks
 * nothing into the suites after this one.
 */
KTEST(fault_timeline, vm_faults_count_once_each_like_the_fault_counter)
{
	struct vmt_snap s;
	struct vm_map *m;
	struct vmstat g0;
	vaddr_t va;
	uint64_t v;
	int fill1, bad, fill2, check;

	vmt_begin(&s);
	m = vm_map_create();
	KT_ASSERT_EQ(0, vm_mmap(m, 0, 5 * PAGE_SIZE, PROT_READ | PROT_WRITE,
	                        MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0, &va));
	g0 = vmt_global_stat();
	start_at(T0);
	fault_timeline_host_ns = T0 + MS;
	fill1 = vmt_fill(m, va, 3 * PAGE_SIZE, 1);
	bad = vmt_read(m, va + 5 * PAGE_SIZE, &v);                 /* not mapped */
	fault_timeline_host_ns = T0 + 2 * IVL + MS;
	fill2 = vmt_fill(m, va + 3 * PAGE_SIZE, 2 * PAGE_SIZE, 1 + 3);
	check = vmt_check(m, va, 5 * PAGE_SIZE, 1);                /* no new fault */
	stop_at(T0 + 2 * IVL + 2 * MS);
	vm_map_destroy(m);
	KT_ASSERT_EQ(0, fill1);
	KT_ASSERT_EQ(-EFAULT, bad);
	KT_ASSERT_EQ(0, fill2);
	KT_ASSERT_EQ(0, check);
	KT_ASSERT_EQ(5, vmt_global_stat().faults - g0.faults);
	KT_ASSERT_EQ(5, info().faults);
	KT_ASSERT_EQ(3, info().intervals);
	KT_ASSERT_EQ(3, fault_timeline_bucket(0));
	KT_ASSERT_EQ(0, fault_timeline_bucket(1));
	KT_ASSERT_EQ(2, fault_timeline_bucket(2));
	KT_ASSERT(vmt_clean(&s));
}
