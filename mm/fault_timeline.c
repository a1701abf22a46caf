/*
 * The fault-rate timeline: page faults counted into 10 ms buckets from a
 * start to a stop, read by `pgbench -T` through SYS_fault_timeline
 * (uapi/fault_timeline.h).
 *
 * Why it exists: the 2012 announcement of DragonFly's shared page tables
 * showed the page-fault rate of PostgreSQL over time (64 clients: about
 * 1M faults/s at startup, under 500/s once the clients had mapped the
 * shared buffer), and pgbench draws the same curve. A user thread that
 * samples the global fault counter every 10 ms cannot measure it under
 * load: it runs once per round of the runnable clients (every ~90 ms with
 * 8 of them), so its intervals stretch just when the rate is interesting.
 * Counting in the fault handler itself gives exact counts in exact
 * intervals, whatever the scheduler does.
 *
 * The fault path, fault_timeline_count(), is called once per handled fault
 * by vm_fault_locked() (where `faults` is counted, so the buckets add up
 * to the global fault counter's delta). It takes no lock: it loads one
 * word (`since`, zero when not recording) and adds one, atomically, to the
 * bucket of the current interval, so faults on several CPUs count in
 * parallel and never wait for each other or for a reader.
 *
 * The control side (start, stop, info) is used by one system call and
 * takes no lock either. There is one record for the whole system: a START
 * discards the record before it, whoever made it. A fault racing a START
 * on another CPU may land in the new record or in none, and one racing a
 * STOP may be added just after it; with no fault in flight (one CPU, or a
 * quiet system) the counts are exact.
 *
 * Memory: FAULT_TIMELINE_BUCKETS counters (32 KiB, static). Intervals past
 * the last bucket are not kept: they are counted (`dropped`) and so are
 * their faults (`dropped_faults`).
 */
#include "mm/fault_timeline.h"
#include "kernel/string.h"
#include "uapi/errno.h"

#ifdef HOST_TEST
uint64_t fault_timeline_host_ns;

static uint64_t now_ns(void)
{
	return fault_timeline_host_ns;
}
#else
#include "kernel/timer.h"

static uint64_t now_ns(void)
{
	return clock_ns();   /* the TSC: no interrupt needed to advance */
}
#endif

#define BUCKET_NS ((uint64_t)FAULT_TIMELINE_BUCKET_MS * 1000000)

/* (a): atomic; the rest is written by the control side only. */
static struct {
	uint64_t since;             /* (a) start_ns + 1 while recording, else 0 */
	bool started;               /* a record exists */
	uint64_t start_ns, stop_ns;
	uint64_t dropped_faults;    /* (a) faults past the last bucket */
	uint64_t bucket[FAULT_TIMELINE_BUCKETS];   /* (a) faults per interval */
} ftl;

void fault_timeline_count(void)
{
	uint64_t since = __atomic_load_n(&ftl.since, __ATOMIC_ACQUIRE);
	uint64_t now, i;

	if (!since)
		return;
	now = now_ns();
	/* Another CPU's clock may read a hair behind the one that started. */
	i = now >= since - 1 ? (now - (since - 1)) / BUCKET_NS : 0;
	if (i < FAULT_TIMELINE_BUCKETS)
		__atomic_fetch_add(&ftl.bucket[i], 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&ftl.dropped_faults, 1, __ATOMIC_RELAXED);
}

/*
 * Recording stops first, so nothing is added while the buckets are
 * cleared; the start time is published with the store that turns it on.
 */
void fault_timeline_start(void)
{
	uint64_t now;

	__atomic_store_n(&ftl.since, 0, __ATOMIC_RELEASE);
	for (size_t i = 0; i < FAULT_TIMELINE_BUCKETS; i++)
		__atomic_store_n(&ftl.bucket[i], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ftl.dropped_faults, 0, __ATOMIC_RELAXED);
	now = now_ns();
	ftl.start_ns = ftl.stop_ns = now;
	ftl.started = true;
	__atomic_store_n(&ftl.since, now + 1, __ATOMIC_RELEASE);
}

int fault_timeline_stop(void)
{
	uint64_t now = now_ns();

	if (!__atomic_load_n(&ftl.since, __ATOMIC_ACQUIRE))
		return -EINVAL;
	ftl.stop_ns = now;
	__atomic_store_n(&ftl.since, 0, __ATOMIC_RELEASE);
	return 0;
}

void fault_timeline_info(struct fault_timeline *out)
{
	bool recording = __atomic_load_n(&ftl.since, __ATOMIC_ACQUIRE) != 0;
	uint64_t end = recording ? now_ns() : ftl.stop_ns;

	memset(out, 0, sizeof(*out));
	out->bucket_ns = BUCKET_NS;
	out->max_buckets = FAULT_TIMELINE_BUCKETS;
	if (!ftl.started)
		return;
	out->recording = recording;
	out->start_ns = ftl.start_ns;
	out->elapsed_ns = end > ftl.start_ns ? end - ftl.start_ns : 0;
	out->intervals = out->elapsed_ns / BUCKET_NS + 1;
	out->kept = MIN(out->intervals, (uint64_t)FAULT_TIMELINE_BUCKETS);
	out->dropped = out->intervals - out->kept;
	out->dropped_faults = __atomic_load_n(&ftl.dropped_faults, __ATOMIC_RELAXED);
	out->faults = out->dropped_faults;
	for (size_t i = 0; i < out->kept; i++)
		out->faults += fault_timeline_bucket(i);
}

uint64_t fault_timeline_bucket(size_t i)
{
	return i < FAULT_TIMELINE_BUCKETS ? __atomic_load_n(&ftl.bucket[i], __ATOMIC_RELAXED) : 0;
}
