/*
 * The fault-rate timeline: page faults counted per 10 ms interval between
 * a start and a stop (uapi/fault_timeline.h has the system call).
 *
 * fault_timeline_count() is the fault path's one call: no lock, one load
 * and, while recording, one atomic add. The other calls are the control
 * side of SYS_fault_timeline (kernel/sys_vm.c validates its arguments).
 */
#ifndef MM_FAULT_TIMELINE_H
#define MM_FAULT_TIMELINE_H

#include "kernel/types.h"
#include "uapi/fault_timeline.h"

/* Counts one handled fault in the current interval, if recording. */
void fault_timeline_count(void);

/* Discards the record and starts a new one now. */
void fault_timeline_start(void);

/* Ends the recording: 0, or -EINVAL when it was not recording. */
int fault_timeline_stop(void);

/* The summary of the record (all zero but the constants before a start). */
void fault_timeline_info(struct fault_timeline *out);

/* Faults in interval i, i < FAULT_TIMELINE_BUCKETS. */
uint64_t fault_timeline_bucket(size_t i);

#ifdef HOST_TEST
/* The host tests' clock, in ns: the recorder's time source on the host. */
extern uint64_t fault_timeline_host_ns;
#endif

#endif
