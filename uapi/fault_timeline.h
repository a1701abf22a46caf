/*
 * SYS_fault_timeline: the kernel's record of page faults per 10 ms
 * interval (mm/fault_timeline.c), for fault-rate curves such as
 * `pgbench -T`.
 *
 *	long fault_timeline(int op, struct fault_timeline *info,
 *	                    uint64_t *buckets, size_t n);
 *
 * One record for the whole system; faults of every process count.
 *
 *   FAULT_TIMELINE_START  discards the record and starts a new one now.
 *                         info, buckets and n must be 0. -> 0
 *   FAULT_TIMELINE_STOP   ends the recording; the record stays readable
 *                         until the next START. info, buckets and n must
 *                         be 0. -> 0, -EINVAL when not recording
 *   FAULT_TIMELINE_READ   copies the summary into *info and the first
 *                         min(n, info->kept) buckets into buckets[]
 *                         (bucket i: faults in interval i). n may be 0
 *                         (summary only; buckets is then not used).
 *                         Works while recording too (a snapshot).
 *                         -> the number of buckets copied
 *
 * Errors: -EINVAL for an unknown op, a nonzero argument START or STOP do
 * not take, STOP when not recording, or n > FAULT_TIMELINE_BUCKETS;
 * -EFAULT when info, or buckets[0..n), is not writable user memory.
 *
 * Interval i covers [i * bucket_ns, (i + 1) * bucket_ns) after START; the
 * last one ends at STOP (or at the READ while recording), so it may be
 * shorter. Only the first FAULT_TIMELINE_BUCKETS intervals (40.96 s) are
 * kept: later ones are counted in `dropped`, their faults in
 * `dropped_faults`.
 */
#ifndef UAPI_FAULT_TIMELINE_H
#define UAPI_FAULT_TIMELINE_H

#include <stdint.h>

#define FAULT_TIMELINE_START 1
#define FAULT_TIMELINE_STOP  2
#define FAULT_TIMELINE_READ  3

#define FAULT_TIMELINE_BUCKET_MS 10
#define FAULT_TIMELINE_BUCKETS   4096

struct fault_timeline {
	uint64_t bucket_ns;       /* interval length: 10 ms */
	uint64_t max_buckets;     /* FAULT_TIMELINE_BUCKETS */
	uint64_t recording;       /* 1 between START and STOP */
	uint64_t start_ns;        /* START, in ns since boot (0: never started) */
	uint64_t elapsed_ns;      /* START to STOP, or to now while recording */
	uint64_t intervals;       /* elapsed_ns / bucket_ns + 1 (0: never started) */
	uint64_t kept;            /* min(intervals, max_buckets): buckets to read */
	uint64_t dropped;         /* intervals - kept: past the last bucket */
	uint64_t faults;          /* faults recorded, kept and dropped */
	uint64_t dropped_faults;  /* of faults: those in dropped intervals */
};

#endif
