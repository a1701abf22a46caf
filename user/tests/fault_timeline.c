/*
 * Test suite "fault_timeline": the kernel's record of page faults per
 * 10 ms interval (SYS_fault_timeline, uapi/fault_timeline.h), seen from
 * user space:
 *
 *  - touching N fresh pages between START and STOP records exactly N
 *    faults, the same as the process's own fault counter;
 *  - faults separated by a 30 ms sleep land at least 3 intervals apart,
 *    and the intervals cover the time from START to STOP;
 *  - a READ while recording is a snapshot; STOP twice is an error;
 *  - bad ops, arguments, pointers and sizes give -EINVAL or -EFAULT and
 *    leave the recording alone.
 *
 * The record is system-wide: the exact case retries (on fresh pages)
 * when another process faulted during its window, which the global fault
 * counter shows. Every case leaves the recorder stopped.
 */
#include "utest.h"

#define N        100                /* pages touched by the exact case */
#define TRIES    3
#define RW       (PROT_READ | PROT_WRITE)
#define IVL_NS   (FAULT_TIMELINE_BUCKET_MS * 1000000ULL)
#define KERNEL_PTR ((void *)0xffff800000100000UL)
#define NONCANON   ((void *)0x0000800000000000UL)

static uint64_t buckets[FAULT_TIMELINE_BUCKETS];

static long ftl(int op)
{
	return fault_timeline(op, NULL, NULL, 0);
}

static long ftl_read(struct fault_timeline *ft)
{
	return fault_timeline(FAULT_TIMELINE_READ, ft, buckets, FAULT_TIMELINE_BUCKETS);
}

/* Writes every page of buckets[], so reading into it takes no fault. */
static void warm_buckets(void)
{
	for (size_t i = 0; i < FAULT_TIMELINE_BUCKETS; i += PAGE_SIZE / sizeof(uint64_t))
		((volatile uint64_t *)buckets)[i] = 0;
}

static uint64_t sum(long n)
{
	uint64_t s = 0;

	for (long i = 0; i < n; i++)
		s += buckets[i];
	return s;
}

/*
 * START, one write to each of `pages` pages of p, STOP: the window in
 * which the test counts faults. Called once with 0 pages first, so that
 * every instruction and stack page it uses is already mapped. 0 or -E.
 */
static long __attribute__((noinline)) record_touches(volatile char *p, size_t pages)
{
	long r = ftl(FAULT_TIMELINE_START);

	if (r < 0)
		return r;
	for (size_t i = 0; i < pages; i++)
		p[i * PAGE_SIZE] = 1;
	return ftl(FAULT_TIMELINE_STOP);
}

UTEST(touching_n_fresh_pages_records_exactly_n_faults)
{
	UT_NEEDS_OWN_KERNEL("the fault_timeline call");
	struct vmstat g0, g1, p0, p1;
	struct fault_timeline ft;
	char *p = sys_mmap(NULL, TRIES * N * PAGE_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long n = 0;
	int pid = getpid(), try;

	UT_ASSERT_OK(ptr_err(p));
	ut_touch_stack();
	warm_buckets();
	vmstat(0, &g0);
	vmstat(pid, &p0);
	UT_ASSERT_OK(record_touches(p, 0));
	for (try = 0; try < TRIES; try++) {
		vmstat(0, &g0);
		vmstat(pid, &p0);
		UT_ASSERT_OK(record_touches(p + try * N * PAGE_SIZE, N));
		vmstat(0, &g1);
		vmstat(pid, &p1);
		if (g1.faults - g0.faults == p1.faults - p0.faults)
			break;      /* no other process faulted meanwhile */
	}
	n = ftl_read(&ft);
	UT_ASSERT_OK(n);
	UT_ASSERT_EQ(N, p1.faults - p0.faults);
	UT_ASSERT_EQ(N, ft.faults);
	UT_ASSERT_EQ(N, sum(n));
	UT_ASSERT_EQ(ft.kept, n);
	UT_ASSERT_EQ(0, ft.recording);
	UT_ASSERT_EQ(0, ft.dropped);
	UT_ASSERT_EQ(0, ft.dropped_faults);
	UT_ASSERT_EQ(IVL_NS, ft.bucket_ns);
	UT_ASSERT_EQ(FAULT_TIMELINE_BUCKETS, ft.max_buckets);
	UT_ASSERT_EQ(ft.elapsed_ns / IVL_NS + 1, ft.intervals);
	UT_ASSERT_OK(sys_munmap(p, TRIES * N * PAGE_SIZE));
}

UTEST(faults_30_ms_apart_land_3_intervals_apart)
{
	UT_NEEDS_OWN_KERNEL("the fault_timeline call");
	struct fault_timeline ft;
	volatile char *p = sys_mmap(NULL, 16 * PAGE_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long n, first = -1, last = -1;
	size_t i;

	UT_ASSERT_OK(ptr_err((void *)p));
	warm_buckets();
	UT_ASSERT_OK(ftl(FAULT_TIMELINE_START));
	for (i = 0; i < 8; i++)
		p[i * PAGE_SIZE] = 1;
	sleep_ms(30);
	for (i = 8; i < 16; i++)
		p[i * PAGE_SIZE] = 1;
	UT_ASSERT_OK(ftl(FAULT_TIMELINE_STOP));
	n = ftl_read(&ft);
	UT_ASSERT_OK(n);
	for (i = 0; i < (size_t)n; i++) {
		if (buckets[i] && first < 0)
			first = (long)i;
		if (buckets[i])
			last = (long)i;
	}
	UT_ASSERT(ft.elapsed_ns >= 30 * 1000000ULL);
	UT_ASSERT(ft.intervals >= 4);
	UT_ASSERT_EQ(ft.intervals, n);
	UT_ASSERT_EQ(ft.faults, sum(n));
	UT_ASSERT(ft.faults >= 16);
	UT_ASSERT(first >= 0);
	UT_ASSERT(last >= first + 3);
	UT_ASSERT_OK(sys_munmap((void *)p, 16 * PAGE_SIZE));
}

UTEST(read_while_recording_is_a_snapshot_and_stop_twice_fails)
{
	UT_NEEDS_OWN_KERNEL("the fault_timeline call");
	struct fault_timeline ft;

	warm_buckets();
	UT_ASSERT_OK(ftl(FAULT_TIMELINE_START));
	sleep_ms(25);
	UT_ASSERT_OK(ftl_read(&ft));
	UT_ASSERT_EQ(1, ft.recording);
	UT_ASSERT(ft.elapsed_ns >= 25 * 1000000ULL);
	UT_ASSERT(ft.intervals >= 3);
	UT_ASSERT_OK(ftl(FAULT_TIMELINE_STOP));
	UT_ASSERT_OK(ftl_read(&ft));
	UT_ASSERT_EQ(0, ft.recording);
	UT_ASSERT_EQ(-EINVAL, ftl(FAULT_TIMELINE_STOP));
	UT_ASSERT_OK(ftl_read(&ft));     /* the record is still there */
	UT_ASSERT(ft.intervals >= 3);
}

UTEST(bad_arguments_give_einval_or_efault)
{
	UT_NEEDS_OWN_KERNEL("the fault_timeline call");
	struct fault_timeline ft;
	void *ro = sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UT_ASSERT_OK(ptr_err(ro));
	warm_buckets();
	/* unknown ops, also in the upper half of the register */
	UT_ASSERT_EQ(-EINVAL, ftl(0));
	UT_ASSERT_EQ(-EINVAL, ftl(4));
	UT_ASSERT_EQ(-EINVAL, ftl(-1));
	UT_ASSERT_EQ(-EINVAL, syscall6(SYS_fault_timeline, (1L << 32) | FAULT_TIMELINE_START,
	    0, 0, 0, 0, 0));
	/* START and STOP take no arguments */
	UT_ASSERT_EQ(-EINVAL, fault_timeline(FAULT_TIMELINE_START, &ft, NULL, 0));
	UT_ASSERT_EQ(-EINVAL, fault_timeline(FAULT_TIMELINE_START, NULL, buckets, 0));
	UT_ASSERT_EQ(-EINVAL, fault_timeline(FAULT_TIMELINE_START, NULL, NULL, 1));

	UT_ASSERT_OK(ftl(FAULT_TIMELINE_START));
	UT_ASSERT_EQ(-EINVAL, fault_timeline(FAULT_TIMELINE_STOP, NULL, NULL, 1));
	/* READ: sizes */
	UT_ASSERT_EQ(-EINVAL, fault_timeline(FAULT_TIMELINE_READ, &ft, buckets,
	    FAULT_TIMELINE_BUCKETS + 1));
	UT_ASSERT_EQ(-EINVAL, fault_timeline(FAULT_TIMELINE_READ, &ft, buckets, (size_t)-1));
	UT_ASSERT_EQ(-EINVAL, fault_timeline(FAULT_TIMELINE_READ, &ft, buckets, 1UL << 61));
	/* READ: pointers */
	UT_ASSERT_EQ(-EFAULT, fault_timeline(FAULT_TIMELINE_READ, NULL, buckets, 1));
	UT_ASSERT_EQ(-EFAULT, fault_timeline(FAULT_TIMELINE_READ, KERNEL_PTR, buckets, 1));
	UT_ASSERT_EQ(-EFAULT, fault_timeline(FAULT_TIMELINE_READ, NONCANON, NULL, 0));
	UT_ASSERT_EQ(-EFAULT, fault_timeline(FAULT_TIMELINE_READ, ro, NULL, 0));
	UT_ASSERT_EQ(-EFAULT, fault_timeline(FAULT_TIMELINE_READ, &ft, NULL, 1));
	UT_ASSERT_EQ(-EFAULT, fault_timeline(FAULT_TIMELINE_READ, &ft, KERNEL_PTR, 1));
	UT_ASSERT_EQ(-EFAULT, fault_timeline(FAULT_TIMELINE_READ, &ft, ro, 1));
	UT_ASSERT_EQ(-EFAULT, fault_timeline(FAULT_TIMELINE_READ, &ft,
	    (uint64_t *)(0x0000800000000000UL - 8), 2));
	/* n = 0 reads the summary only; buckets is not used */
	memset(&ft, 0xff, sizeof(ft));
	UT_ASSERT_EQ(0, fault_timeline(FAULT_TIMELINE_READ, &ft, KERNEL_PTR, 0));
	UT_ASSERT_EQ(IVL_NS, ft.bucket_ns);
	/* none of that disturbed the recording */
	UT_ASSERT_EQ(1, ft.recording);
	UT_ASSERT_OK(ftl(FAULT_TIMELINE_STOP));
	UT_ASSERT_OK(sys_munmap(ro, PAGE_SIZE));
}

int main(int argc, char **argv)
{
	return utest_main("fault_timeline", argc, argv);
}
