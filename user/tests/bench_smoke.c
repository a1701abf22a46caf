/*
 * Test suite "bench_smoke": `make bench` in miniature, a few seconds under
 * TCG. The benchmark's claims must hold in direction on a small workload:
 * NCLIENTS forked clients attach a SEG_MIB MiB SysV segment and write every
 * page, once with sharing off and once with it on; sharing on must cost
 * fewer faults, fewer page-table pages and fewer PV entries, and object
 * page tables must appear only when it is on. Then pgbench itself must
 * complete (checksums correct) both ways.
 *
 * The cases switch machdep.pmap_mmu_optimize and always put back the value
 * they found before asserting anything.
 */
#include "utest.h"

#define NCLIENTS  4
#define SEG_MIB   16
#define SEG_SIZE  ((size_t)SEG_MIB << 20)
#define SEG_PAGES (SEG_SIZE / PAGE_SIZE)
#define OPTIMIZE  "machdep.pmap_mmu_optimize"

/* What a client reports, in a MAP_SHARED page all clients inherit. */
struct client_report {
	volatile int done;       /* 1: attached and touched; -E: failed */
	volatile long faults;    /* its own faults over attach + touch */
	volatile long pt_pages;  /* private page-table pages that added */
};

/* The cost of one workload: clients' own counts and system-wide changes. */
struct cost {
	long faults;       /* sum over the clients */
	long min_faults;   /* of the client that faulted least */
	long pt_pages;     /* private, sum over the clients */
	long obj_tables;   /* object PT + PD pages, system-wide */
	long pv;           /* PV entries, system-wide */
};

static struct client_report *reports;
static volatile int *release;

/* A client: attach, write every page, report, wait to be released. */
static void client(int shmid, struct client_report *r)
{
	struct vmstat before, after;
	volatile char *p;
	size_t off;

	ut_touch_stack();
	r->done = 0;                    /* faults in the report page, */
	vmstat(getpid(), &before);      /* the call and its buffer */
	vmstat(getpid(), &before);
	p = sys_shmat(shmid, NULL, 0);
	if (ptr_err((void *)p)) {
		r->done = (int)ptr_err((void *)p);
		exit(1);
	}
	for (off = 0; off < SEG_SIZE; off += PAGE_SIZE)
		p[off] = 1;
	vmstat(getpid(), &after);
	r->faults = (long)(after.faults - before.faults);
	r->pt_pages = (long)after.pt_pages - (long)before.pt_pages;
	r->done = 1;
	while (!*release)
		sleep_ms(1);
	exit(0);
}

/*
 * Runs the workload with sharing switched to `optimize` and fills *c,
 * reading the system-wide counters while every client is attached.
 * Returns 0, or -E when something could not be set up.
 */
static int workload(long optimize, struct cost *c)
{
	struct vmstat g0, g1;
	int shmid, pids[NCLIENTS], i, n, err, status;

	memset(c, 0, sizeof(*c));
	memset(reports, 0, NCLIENTS * sizeof(*reports));
	*release = 0;
	if ((err = sysctl_set(OPTIMIZE, optimize)) < 0)
		return err;
	if ((shmid = sys_shmget(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600)) < 0)
		return shmid;
	vmstat(0, &g0);
	for (n = 0; n < NCLIENTS; n++) {
		pids[n] = fork();
		if (pids[n] == 0)
			client(shmid, &reports[n]);
		if (pids[n] < 0) {
			err = pids[n];
			break;
		}
		while (reports[n].done == 0)   /* one at a time: first fills */
			sleep_ms(1);
	}
	vmstat(0, &g1);
	*release = 1;
	for (i = 0; i < n; i++) {
		sys_waitpid(pids[i], &status, 0);
		if (reports[i].done < 0 && !err)
			err = reports[i].done;
		c->faults += reports[i].faults;
		c->pt_pages += reports[i].pt_pages;
		if (i == 0 || reports[i].faults < c->min_faults)
			c->min_faults = reports[i].faults;
	}
	c->obj_tables = (long)(g1.obj_pt_pages + g1.obj_pd_pages) -
	    (long)(g0.obj_pt_pages + g0.obj_pd_pages);
	c->pv = (long)g1.pv_entries - (long)g0.pv_entries;
	sys_shmctl(shmid, IPC_RMID, NULL);
	return err;
}

static void print_cost(const char *name, const struct cost *c)
{
	printf("    # %s: faults=%ld min_client_faults=%ld pt_pages=%ld obj_tables=%ld "
	    "pv_entries=%ld\n", name, c->faults, c->min_faults, c->pt_pages,
	    c->obj_tables, c->pv);
}

UTEST(sharing_cuts_faults_tables_and_pv_entries)
{
	UT_NEEDS_OWN_KERNEL("vmstat counters and machdep.pmap_mmu_optimize");
	struct cost off, on;
	long saved;
	int e_off, e_on;

	reports = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT_OK(ptr_err(reports));
	release = (volatile int *)&reports[NCLIENTS];
	UT_ASSERT_OK(sysctl_get(OPTIMIZE, &saved));
	e_off = workload(0, &off);
	e_on = workload(1, &on);
	sysctl_set(OPTIMIZE, saved);
	UT_ASSERT_OK(e_off);
	UT_ASSERT_OK(e_on);
	print_cost("off", &off);
	print_cost("on", &on);

	/* sharing off: every client faults every page, no object tables */
	UT_ASSERT(off.min_faults >= (long)SEG_PAGES);
	UT_ASSERT_EQ(0, off.obj_tables);
	/* sharing on: the ratios off/on all above 1 */
	UT_ASSERT(on.faults < off.faults);
	UT_ASSERT(on.pt_pages + on.obj_tables < off.pt_pages + off.obj_tables);
	UT_ASSERT(on.pv < off.pv);
	UT_ASSERT(on.obj_tables > 0);
	/* the first client fills the object tables; later ones share them */
	UT_ASSERT(on.min_faults < (long)SEG_PAGES);
}

/* Runs `pgbench -c 4 -s 4 -t 100` with sharing `optimize`; -> wait status. */
static int pgbench(long optimize)
{
	char *argv[] = { "pgbench", "-c", "4", "-s", "4", "-t", "100", NULL };
	int pid, status = -1;

	sysctl_set(OPTIMIZE, optimize);
	pid = fork();
	if (pid == 0) {
		sys_execve("/usr/bin/pgbench", argv, environ);
		exit(127);
	}
	if (pid > 0)
		sys_waitpid(pid, &status, 0);
	return status;
}

UTEST(pgbench_completes_with_sharing_off_and_on)
{
	UT_NEEDS_OWN_KERNEL("machdep.pmap_mmu_optimize (sysctl)");
	long saved;
	int s_off, s_on;

	UT_ASSERT_OK(sysctl_get(OPTIMIZE, &saved));
	s_off = pgbench(0);
	s_on = pgbench(1);
	sysctl_set(OPTIMIZE, saved);
	UT_ASSERT_EQ(0, s_off);   /* 0: every checksum correct */
	UT_ASSERT_EQ(0, s_on);
}

int main(int argc, char **argv)
{
	return utest_main("bench_smoke", argc, argv);
}
