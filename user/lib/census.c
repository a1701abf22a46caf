/*
 * The census a long run (fuzz, stress) takes before it starts and compares
 * at its end (see utest.h): what the kernel holds, so that whatever did not
 * come back can be named, not only counted in free pages.
 */
#include <stddef.h>

#include "utest.h"

static char report[4096];    /* pmap_verify() output */

/* The counters of struct vmstat a finished run must give back. */
static const struct {
	const char *name;
	size_t offset;
} counted[] = {
#define C(f) { #f, offsetof(struct vmstat, f) }
	C(free_pages), C(vm_objects), C(shm_segments), C(pt_pages), C(obj_pt_pages),
	C(obj_pd_pages), C(pv_entries), C(large_pages), C(large_reserve), C(kmem_pages),
	C(file_pages), C(threads),
#undef C
};

static uint64_t field(const struct vmstat *vs, size_t offset)
{
	return *(const uint64_t *)((const char *)vs + offset);
}

static int count_procs(void)
{
	struct procinfo pi;
	int n = 0;

	while (procinfo(n, &pi) == 0)
		n++;
	return n;
}

void ut_census(struct ut_census *c)
{
	vmstat(0, &c->vm);
	c->procs = count_procs();
}

void ut_census_before_run(struct ut_census *c)
{
	int pid, status;

	ut_touch_stack();
	pid = fork();
	if (pid == 0)
		exit(0);
	if (pid > 0)
		waitpid(pid, &status, 0);
	ut_census(c);
}

bool ut_census_compare(const char *who, const struct ut_census *before, struct ut_census *after,
                       long *leaked, long *verify)
{
	long now = ut_free_pages_settle((long)before->vm.free_pages);
	struct procinfo pi;
	bool same = true;
	size_t i;
	int k;

	/* Up to two seconds: the kernel frees some pages lazily (after a TLB
	 * shootdown, say), and exiting processes may still be on their way. */
	for (k = 0; k < 20 && now != (long)before->vm.free_pages; k++)
		now = ut_free_pages_settle((long)before->vm.free_pages);
	ut_census(after);
	*leaked = (long)before->vm.free_pages - (long)after->vm.free_pages;
	for (i = 0; i < ARRAY_SIZE(counted); i++) {
		uint64_t b = field(&before->vm, counted[i].offset);
		uint64_t a = field(&after->vm, counted[i].offset);

		if (a != b) {
			printf("%s: %s %lu -> %lu\n", who, counted[i].name, (unsigned long)b,
			    (unsigned long)a);
			same = false;
		}
	}
	if (after->procs != before->procs) {
		printf("%s: processes %d -> %d:\n", who, before->procs, after->procs);
		for (k = 0; procinfo(k, &pi) == 0; k++)
			printf("%s:   pid %d ppid %d state %d threads %d resident %lu %.*s\n", who,
			    pi.pid, pi.ppid, pi.state, pi.nthreads, (unsigned long)pi.resident,
			    PROC_NAME_LEN, pi.name);
		same = false;
	}
	*verify = pmap_verify(report, sizeof(report));
	if (*verify != 0)
		printf("%s: pmap_verify: %s\n%s\n", who, errname(*verify), report);
	return same && *verify == 0;
}
