/*
 * bench: the benchmark of `make bench`. init runs it when the kernel
 * command line has the word `bench`, with the boot words as arguments; it
 * powers the machine off at the end. `make bench` boots twice: once on one
 * CPU (`bench`: the full matrix) and once on four (`bench smp`: the short
 * SMP matrix, below). `make bench-scale` boots it once more, on one CPU,
 * with `bench scale` (the scale matrix, below).
 *
 * It runs /usr/bin/pgbench once per row of a fixed matrix, with that row's
 * sysctls set, and measures two things itself: the latency of fork() in a
 * process with a 64 MiB, a 1 GiB and a 4 GiB shared mapping (against one
 * with none), and the teardown of a 64 MiB and of a 1 GiB segment.
 * pgbench prints its own `pgbench:` lines on the console, and the same
 * pgbench runs under Linux's bench, so the host collects everything from
 * the serial logs of both: scripts/bench-report.sh pairs sharing off with sharing
 * on, prints the comparison tables (one per boot) with the ratios and
 * writes build/bench.txt.
 *
 * Every line bench prints is `bench: kind=KIND key=value ...`:
 *   kind=start         max_clients (see below), free memory, runs, cpus
 *                      (CPUs running), matrix (full, smp or scale; scale
 *                      adds fault_cap and quick)
 *   kind=run           before each pgbench: its number and configuration
 *                      (large=1: on 2 MiB pages, pgbench -L)
 *   kind=status        after it: pgbench's exit status and wall time
 *   kind=skip          a row that does not fit in memory (reason=memory),
 *                      or in the free 2 MiB blocks (reason=large_free); in
 *                      the scale matrix, one over the fault cap (reason=cap),
 *                      with more clients than the process table holds
 *                      (reason=procs), or left out by `quick`
 *   kind=fork_latency  mean time of fork() in the parent and of the whole
 *                      fork + exit + waitpid round trip, with map_mib
 *                      MiB of populated shared memory mapped (large=1: on
 *                      2 MiB pages); and of the round trip of a child that
 *                      reads all of it first; ipis, shootdowns: the TLB
 *                      shootdown IPIs sent and requests served over all of
 *                      it, all CPUs together
 *   kind=populate      the faults and time of writing every page of the
 *                      segment of the next fork latency or teardown
 *   kind=teardown      shmdt and IPC_RMID of a populated segment of
 *                      seg_mib MiB: time and TLB work of each; busy_threads
 *                      threads of bench (one per other CPU, none on one
 *                      CPU) that have read the segment keep running
 *                      meanwhile, so that shmdt has TLBs on other CPUs to
 *                      shoot down; ipis, shootdowns: the IPIs and requests
 *                      of shmdt and IPC_RMID together, all CPUs
 *   kind=truncate      ftruncate to 0 of a populated file of file_mib MiB
 *                      that one other process maps and keeps running on
 *                      (its CPU, on several): time, TLB work, ipis and
 *                      shootdowns of the ftruncate, file pages freed
 *   kind=done          runs, failures, total time
 * pgbench's phase lines carry the IPIs and shootdowns of each phase.
 *
 * The matrix covers every axis without the full cross product, so that
 * `make bench` stays well under 20 minutes under TCG (which handles about
 * 150k-300k page faults/s here; the biggest run, CMAX clients on 256 MiB
 * with sharing off, takes 2 x 3.9M faults and under a minute; a run on
 * 2 MiB pages takes one fault per 2 MiB, and its six rows add about a
 * minute in all, most of it the off runs filling private PTs). The whole
 * `make bench`, build included, took 6 min 41 s under QEMU 7.2 TCG on a
 * 2-CPU AMD EPYC host when it was the one-CPU boot alone (CMAX = 61); on a
 * kernel without sharing, where every run pays the full price, that boot
 * took 7 min 50 s. With the 4-CPU boot added (and CMAX = 64) it took
 * 10 min 49 s on the same kind of host, build included: bench itself ran
 * 8 min 15 s in the one-CPU boot and 1 min 43 s in the 4-CPU one, whose
 * 4 vCPUs share the host's 2 CPUs (so its times are noisy: compare its
 * counters). With the rows on 2 MiB pages added (and the -T timeline
 * counted by the kernel) it took 7 min 12 s, build included, on the same
 * kind of host: 5 min 43 s and 48 s in the two boots, 66 s of it the six
 * 2 MiB runs. The matrix:
 *   - fork mode: clients 1, 8, 32 and CMAX on 64 MiB and on 256 MiB,
 *     sharing off and on;
 *   - exec, thread and mmap modes: 8 clients on 64 MiB, off and on;
 *   - 1 GiB: 8 clients, off, on, and on with machdep.pmap_share_pd=0; the
 *     off and on pair with -T (the fault-rate timeline: the kernel counts
 *     faults per 10 ms interval, exactly however busy the CPU is, and
 *     pgbench prints one line per interval of startup, run and restart);
 *   - machdep.pmap_prelink=0: 8 x 64 MiB and CMAX x 256 MiB;
 *   - vm.fault_around=1: CMAX x 256 MiB, sharing on (the first fault in each
 *     2 MiB segment fills the whole object PT: 128 faults for the first
 *     client instead of 65,536);
 *   - kern.ipc.shm_use_phys=0 (anonymous segments, whose object PTEs need
 *     PV entries): CMAX x 256 MiB, off and on;
 *   - files (pgbench -b): POSIX shared memory (shm_open, a file of
 *     /dev/shm) with CMAX clients on 256 MiB, and a file of /tmp with 8
 *     clients on 64 MiB, off and on (kind=run says backing=; the report
 *     shows them as modes fork+posix and fork+file);
 *   - 2 MiB pages (pgbench -L, the buffer on SHM_HUGETLB): fork mode,
 *     32 clients on 64 MiB, CMAX on 256 MiB and 8 on 1 GiB, off and on:
 *     the sizes and client counts of 4 KiB rows above, so that the report
 *     can set 2 MiB pages beside 4 KiB pages. They come last, when the
 *     4 KiB runs have given all their memory back; a row needs MIB / 2
 *     free 2 MiB blocks (vmstat large_free), or it is skipped.
 * The SMP matrix (`bench smp`), whose clients run on all CPUs at once:
 *   - fork, exec, thread and mmap modes: 8 clients on 64 MiB, off and on.
 * The scale matrix (`bench scale`, make bench-scale; `bench scale quick`
 * for a shorter run), the curves against clients: fork mode, writing,
 * BENCH_SCALE_CLIENTS (1 to 256) clients on each of BENCH_SCALE_MIBS
 * (256 MiB and 2 GiB), on 4 KiB pages with sharing off and on, then on
 * 2 MiB pages with sharing on; sharing off only up to BENCH_SCALE_FAULT_CAP
 * startup faults (user/lib/ulib.h says why), the rest printed as skipped
 * with reason=cap. Its runs may take up to BENCH_SCALE_RUN_LIMIT_MS each
 * (256 clients each checking every page of 2 GiB), and it measures no fork
 * latency or teardown (make bench does).
 * A row not named otherwise has share_pd=1, prelink=1, shm_use_phys=1 and
 * 4 KiB pages.
 * Both boots then measure fork() latency and the teardowns: fork with
 * nothing mapped, then 1 GiB and 64 MiB (fork latency and teardown) and
 * 4 GiB on 2 MiB pages (fork latency only: 4 KiB pages would take a
 * million faults to populate), each sharing off, on, and on with
 * share_pd=0. Fork and exit cost the same whatever the size mapped (with
 * sharing on, the child links the segment's tables: one entry per GiB).
 * Then the truncations: a file of /dev/shm of 64 MiB (sharing off and on)
 * and 1 GiB (on), mapped and written by one child that keeps its CPU busy,
 * shrunk to 0 by bench.
 * On several CPUs the teardown shows that unmapping costs one shootdown
 * round whatever the size (a constant number of IPIs, one per other CPU
 * running the address space), and pgbench's phases, which only add
 * mappings, send none.
 * CMAX is 64 clients, or fewer when the kernel's process table cannot hold
 * 64 clients beside init, bench and pgbench (a probe at the start counts
 * how many processes can be created); a scale row with more clients than
 * the probe found is skipped (reason=procs). A row whose buffer is more
 * than half of the free memory is skipped, and so is the 4 GiB segment
 * when it does not fit in the free 2 MiB blocks with LARGE_SLACK_MIB to
 * spare; `make bench` boots with 6 GiB.
 */
#include "ulib.h"

#define CMAX       0        /* clients: as many as fit, up to CMAX_CLIENTS */
#define CMAX_CLIENTS 64
#define TXNS       1000
#define NFORKS     50
#define NREADS     3
#define GIB_MIB    1024
#define BIG_MIB    4096     /* the largest segment: SHMMAX */
#define LARGE_SLACK_MIB 64  /* free beside it: the private tables of sharing off */
#define PROBE_MAX  257      /* the scale matrix's 256 clients and pgbench itself */
#define SMALL_MIB  64       /* the teardown beside the 1 GiB one */
#define MAX_BUSY   8        /* threads kept running during a teardown */

/* One pgbench run: its options and the sysctls it runs under. */
struct row {
	const char *mode;
	int clients;            /* or CMAX */
	int mib;
	int optimize, share_pd, prelink, use_phys;
	bool timeline;          /* -T */
	bool large;             /* -L: the buffer on 2 MiB pages */
	const char *backing;    /* pgbench -b: NULL is sysv */
	int around;             /* vm.fault_around */
};

/* The knobs in the order of struct row, and their values at boot. */
static const char *const knobs[] = {
	"machdep.pmap_mmu_optimize", "machdep.pmap_share_pd",
	"machdep.pmap_prelink", "kern.ipc.shm_use_phys", "vm.fault_around",
};
static long boot_values[ARRAY_SIZE(knobs)];

#define OFF_ON(mode, c, mib, T) \
	{ mode, c, mib, 0, 1, 1, 1, T, false, NULL, 0 }, \
	{ mode, c, mib, 1, 1, 1, 1, T, false, NULL, 0 }
#define BACKING_OFF_ON(backing, c, mib) \
	{ "fork", c, mib, 0, 1, 1, 1, false, false, backing, 0 }, \
	{ "fork", c, mib, 1, 1, 1, 1, false, false, backing, 0 }
#define LARGE_OFF_ON(c, mib) \
	{ "fork", c, mib, 0, 1, 1, 1, false, true, NULL, 0 }, \
	{ "fork", c, mib, 1, 1, 1, 1, false, true, NULL, 0 }

static const struct row matrix[] = {
	/* client sweep, fork mode */
	OFF_ON("fork", 1, 64, false),
	OFF_ON("fork", 8, 64, false),
	OFF_ON("fork", 32, 64, false),
	OFF_ON("fork", CMAX, 64, false),
	OFF_ON("fork", 1, 256, false),
	OFF_ON("fork", 8, 256, false),
	OFF_ON("fork", 32, 256, false),
	OFF_ON("fork", CMAX, 256, false),
	/* the other modes */
	OFF_ON("exec", 8, 64, false),
	OFF_ON("thread", 8, 64, false),
	OFF_ON("mmap", 8, 64, false),
	/* 1 GiB, with and without sharing at the PD level */
	OFF_ON("fork", 8, GIB_MIB, true),
	{ "fork", 8, GIB_MIB, 1, 0, 1, 1, false, false, NULL, 0 },
	/* no prelinking: one fault per 2 MiB segment per client */
	{ "fork", 8, 64, 1, 1, 0, 1, false, false, NULL, 0 },
	{ "fork", CMAX, 256, 1, 1, 0, 1, false, false, NULL, 0 },
	/* fault-around: the first fault of a 2 MiB segment fills its whole object PT */
	{ "fork", CMAX, 256, 1, 1, 1, 1, false, false, NULL, 1 },
	/* anonymous segments: object PTEs with PV entries */
	{ "fork", CMAX, 256, 0, 1, 1, 0, false, false, NULL, 0 },
	{ "fork", CMAX, 256, 1, 1, 1, 0, false, false, NULL, 0 },
	/* files: POSIX shared memory (shm_open) and a file of /tmp, mapped MAP_SHARED */
	BACKING_OFF_ON("posix", CMAX, 256),
	BACKING_OFF_ON("file", 8, 64),
	/* 2 MiB pages: one fault per 2 MiB, leaves instead of PT pages */
	LARGE_OFF_ON(32, 64),
	LARGE_OFF_ON(CMAX, 256),
	LARGE_OFF_ON(8, GIB_MIB),
};

/*
 * `bench smp` (the 4-CPU boot): clients that run on several CPUs at once,
 * as separate processes and as threads of one address space.
 */
static const struct row smp_matrix[] = {
	OFF_ON("fork", 8, 64, false),
	OFF_ON("exec", 8, 64, false),
	OFF_ON("thread", 8, 64, false),
	OFF_ON("mmap", 8, 64, false),
};

/*
 * The segments whose fork latency and teardown are measured, in this order,
 * in both boots. A 4 GiB segment has one reader: it reads a million pages.
 */
static const struct segment_test {
	int mib, optimize, share_pd;
	bool large;             /* on 2 MiB pages (SHM_HUGETLB) */
	int readers;            /* fork latency: children that read all of it */
	bool teardown;          /* time its teardown (else just remove it) */
} segment_tests[] = {
	{ GIB_MIB, 0, 1, false, NREADS, true }, { SMALL_MIB, 0, 1, false, NREADS, true },
	{ GIB_MIB, 1, 1, false, NREADS, true }, { SMALL_MIB, 1, 1, false, NREADS, true },
	{ GIB_MIB, 1, 0, false, NREADS, true }, { SMALL_MIB, 1, 0, false, NREADS, true },
	{ BIG_MIB, 0, 1, true, 1, false }, { BIG_MIB, 1, 1, true, 1, false },
	{ BIG_MIB, 1, 0, true, 1, false },
};

/* `bench scale`: built at start from BENCH_SCALE_*, with why a row is skipped. */
#define SCALE_ROWS 64
static struct row scale_matrix[SCALE_ROWS];
static const char *scale_skip[SCALE_ROWS];   /* NULL: the row runs */

static int max_clients;             /* processes the table holds for clients */
static int ncpus = 1;
static uint64_t run_limit_ms = BENCH_RUN_LIMIT_MS;

/* TLB shootdown IPIs sent and requests served, summed over every CPU. */
struct shoot_count {
	uint64_t ipis, shootdowns;
};

static struct shoot_count shoot_count(void)
{
	struct shoot_count n = { 0, 0 };
	struct vmstat vs;
	uint64_t i;

	if (vmstat(0, &vs) < 0)
		return n;
	for (i = 0; i < vs.cpus && i < VMSTAT_MAX_CPUS; i++) {
		n.ipis += vs.cpu_ipis_sent[i];
		n.shootdowns += vs.cpu_shootdowns[i];
	}
	return n;
}

static uint64_t now_us(void)
{
	return clock_ns() / 1000;
}

static long free_mib(void)
{
	struct vmstat vs;

	return vmstat(0, &vs) == 0 ? (long)(vs.free_pages * PAGE_SIZE >> 20) : 0;
}

/* Free whole 2 MiB blocks, in MiB: what a segment on 2 MiB pages can take. */
static long large_free_mib(void)
{
	struct vmstat vs;

	return vmstat(0, &vs) == 0 ? (long)(vs.large_free * 2) : 0;
}

static void set_knobs(int optimize, int share_pd, int prelink, int use_phys, int around)
{
	sysctl_set(knobs[0], optimize);
	sysctl_set(knobs[1], share_pd);
	sysctl_set(knobs[2], prelink);
	sysctl_set(knobs[3], use_phys);
	sysctl_set(knobs[4], around);
}

static void restore_knobs(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		sysctl_set(knobs[i], boot_values[i]);
}

/*
 * How many processes can still be created (at most PROBE_MAX): forks
 * children that idle until killed, then kills and reaps them.
 */
static int probe_processes(void)
{
	int pids[PROBE_MAX], n, i, status;

	for (n = 0; n < PROBE_MAX; n++) {
		pids[n] = fork();
		if (pids[n] == 0)
			for (;;)
				sleep_ms(10);
		if (pids[n] < 0)
			break;
	}
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], &status, 0);
	return n;
}

/*
 * Runs pgbench for row k of nrows (r), unless `skip` says why not (a row
 * of the scale matrix); returns 0 when it exited 0 or was skipped.
 */
static int run_pgbench(const struct row *r, int k, int nrows, const char *skip)
{
	char cs[12], ss[12], ts[12];
	char *argv[14] = { "pgbench", "-m", (char *)r->mode, "-c", cs, "-s", ss,
	                   "-t", ts };
	int argc = 9;
	int clients = r->clients == CMAX ? MIN(max_clients, CMAX_CLIENTS) : r->clients;
	uint64_t faults = (uint64_t)clients * ((uint64_t)r->mib << 20) / PAGE_SIZE;

	snprintf(cs, sizeof(cs), "%d", clients);
	snprintf(ss, sizeof(ss), "%d", r->mib);
	snprintf(ts, sizeof(ts), "%d", TXNS);
	if (r->timeline)
		argv[argc++] = "-T";
	if (r->large)
		argv[argc++] = "-L";
	if (r->backing) {
		argv[argc++] = "-b";
		argv[argc++] = (char *)r->backing;
	}
	argv[argc] = NULL;
	if (skip) {
		printf("bench: kind=skip run=%d mode=%s clients=%d shm_mib=%d optimize=%d "
		    "large=%d reason=%s max_clients=%d startup_faults=%lu fault_cap=%lu\n",
		    k + 1, r->mode, clients, r->mib, r->optimize, r->large, skip, max_clients,
		    (unsigned long)faults, (unsigned long)BENCH_SCALE_FAULT_CAP);
		return 0;
	}
	if (r->mib > free_mib() / 2) {
		printf("bench: kind=skip run=%d mode=%s clients=%d shm_mib=%d large=%d "
		    "reason=memory free_mib=%ld\n", k + 1, r->mode, clients, r->mib,
		    r->large, free_mib());
		return 0;
	}
	if (r->large && r->mib > large_free_mib()) {
		printf("bench: kind=skip run=%d mode=%s clients=%d shm_mib=%d large=1 "
		    "reason=large_free large_free_mib=%ld\n", k + 1, r->mode, clients,
		    r->mib, large_free_mib());
		return 0;
	}
	set_knobs(r->optimize, r->share_pd, r->prelink, r->use_phys, r->around);
	printf("bench: kind=run run=%d runs=%d mode=%s backing=%s clients=%d shm_mib=%d "
	    "optimize=%d share_pd=%d prelink=%d shm_use_phys=%d fault_around=%d timeline=%d "
	    "large=%d txns=%d\n", k + 1, nrows, r->mode, r->backing ? r->backing : "sysv",
	    clients, r->mib, r->optimize, r->share_pd, r->prelink, r->use_phys, r->around,
	    r->timeline, r->large, TXNS);
	return bench_run_pgbench(argv, k + 1, run_limit_ms);
}

/*
 * Fills scale_matrix (the comment at the top says what it holds; `quick`:
 * the largest buffer's curves stop at BENCH_SCALE_QUICK_CLIENTS) and
 * scale_skip; returns the number of rows.
 */
static int build_scale(bool quick)
{
	static const int clients[] = { BENCH_SCALE_CLIENTS }, mibs[] = { BENCH_SCALE_MIBS };
	const int top_mib = mibs[ARRAY_SIZE(mibs) - 1];
	size_t c, m;
	int n = 0, large, optimize;
	uint64_t faults;

	for (large = 0; large <= 1; large++)
		for (m = 0; m < ARRAY_SIZE(mibs); m++)
			for (c = 0; c < ARRAY_SIZE(clients); c++)
				for (optimize = large; optimize <= 1 && n < SCALE_ROWS; optimize++) {
					faults = (uint64_t)clients[c] * ((uint64_t)mibs[m] << 20) /
					    PAGE_SIZE;
					scale_matrix[n] = (struct row){ "fork", clients[c], mibs[m],
					    optimize, 1, 1, 1, false, large, NULL, 0 };
					scale_skip[n] = clients[c] > max_clients ? "procs" :
					    quick && mibs[m] == top_mib &&
					    clients[c] > BENCH_SCALE_QUICK_CLIENTS ? "quick" :
					    !optimize && faults > BENCH_SCALE_FAULT_CAP ? "cap" : NULL;
					n++;
				}
	return n;
}

/*
 * Forks a child that reads one byte of every page of [p, p + len) and
 * exits, and waits for it. *fork_us gets the time fork() took in the
 * parent. Returns the child's pid, or -E.
 */
static int fork_reader(const volatile char *p, size_t len, uint64_t *fork_us)
{
	uint64_t t0 = now_us();
	volatile char sink;
	size_t off;
	int pid = fork(), status;

	if (pid == 0) {
		for (off = 0; off < len; off += PAGE_SIZE)
			sink = p[off];
		(void)sink;
		_exit(0);
	}
	*fork_us = now_us() - t0;
	if (pid < 0)
		return -errno;
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return pid;
}

/*
 * fork() latency of this process, which has `len` bytes of populated
 * shared memory mapped at p (none when len is 0; on 2 MiB pages when
 * `large`), as the mean over NFORKS forks of: the time fork() takes in the
 * parent, and the whole round trip (fork, the child exits at once,
 * waitpid). With a mapping, also the round trip of `readers` children that
 * first read every page of it (what a forked database backend does), and
 * the page faults those children took; and the TLB shootdown IPIs and
 * requests of all those forks and children.
 */
static void fork_latency(const volatile char *p, size_t len, bool large, int readers)
{
	uint64_t t0, f, fork_sum = 0, round_sum = 0, read_sum = 0;
	long optimize = -1, share_pd = -1;
	struct shoot_count s0 = shoot_count(), s1;
	struct vmstat v0, v1;
	int i, pid;

	for (i = 0; i < NFORKS; i++) {
		t0 = now_us();
		pid = fork_reader(p, 0, &f);
		if (pid < 0) {
			printf("bench: kind=fork_latency error=%s\n", errname(pid));
			return;
		}
		fork_sum += f;
		round_sum += now_us() - t0;
	}
	vmstat(0, &v0);
	for (i = 0; len && i < readers; i++) {
		t0 = now_us();
		fork_reader(p, len, &f);
		read_sum += now_us() - t0;
	}
	vmstat(0, &v1);
	s1 = shoot_count();
	sysctl_get(knobs[0], &optimize);
	sysctl_get(knobs[1], &share_pd);
	printf("bench: kind=fork_latency optimize=%ld share_pd=%ld map_mib=%lu large=%d forks=%d "
	    "fork_us=%lu roundtrip_us=%lu", optimize, share_pd, (unsigned long)(len >> 20),
	    large, NFORKS, (unsigned long)(fork_sum / NFORKS), (unsigned long)(round_sum / NFORKS));
	if (len && readers > 0)
		printf(" readers=%d reader_roundtrip_us=%lu reader_faults=%lu", readers,
		    (unsigned long)(read_sum / readers),
		    (unsigned long)((v1.faults - v0.faults) / readers));
	printf(" ipis=%lu shootdowns=%lu\n", (unsigned long)(s1.ipis - s0.ipis),
	    (unsigned long)(s1.shootdowns - s0.shootdowns));
}

/*
 * Threads that keep this address space loaded on the other CPUs during a
 * teardown: each reads every page of the segment once (so its CPU may
 * cache the translations), then spins without touching it until told to
 * stop.
 */
static struct {
	const volatile char *p;
	size_t len;
	int ready, stop;
	pthread_t tids[MAX_BUSY];
	int n;
} busy;

static void *busy_thread(void *arg)
{
	volatile char sink;
	size_t off;

	(void)arg;
	for (off = 0; off < busy.len; off += PAGE_SIZE)
		sink = busy.p[off];
	(void)sink;
	__atomic_add_fetch(&busy.ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&busy.stop, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	return NULL;
}

/* Starts one busy thread per other CPU (none on one CPU); waits until all read. */
static void busy_start(const volatile char *p, size_t len)
{
	int want = MIN(ncpus - 1, MAX_BUSY), r;

	busy.p = p;
	busy.len = len;
	busy.ready = busy.stop = busy.n = 0;
	while (busy.n < want) {
		r = pthread_create(&busy.tids[busy.n], NULL, busy_thread, NULL);
		if (r != 0) {
			printf("bench: kind=teardown error=pthread_create:%s\n", errname(r));
			break;
		}
		busy.n++;
	}
	while (__atomic_load_n(&busy.ready, __ATOMIC_ACQUIRE) < busy.n)
		sleep_ms(1);
}

static void busy_stop(void)
{
	int i;

	__atomic_store_n(&busy.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < busy.n; i++)
		pthread_join(busy.tids[i], NULL);
}

/*
 * Does segment test t fit? A segment on 4 KiB pages may take half of the
 * free memory; one on 2 MiB pages needs as many free 2 MiB blocks, and
 * LARGE_SLACK_MIB more free memory for the 4 KiB tables around it.
 * Prints the kind=skip line when it does not.
 */
static bool segment_fits(const struct segment_test *t)
{
	long free = free_mib(), large_free = large_free_mib();

	if (!t->large && t->mib > free / 2) {
		printf("bench: kind=skip test=segment seg_mib=%d large=0 reason=memory "
		    "free_mib=%ld\n", t->mib, free);
		return false;
	}
	if (t->large && (t->mib > large_free || t->mib + LARGE_SLACK_MIB > free)) {
		printf("bench: kind=skip test=segment seg_mib=%d large=1 reason=%s free_mib=%ld "
		    "large_free_mib=%ld\n", t->mib, t->mib > large_free ? "large_free" : "memory",
		    free, large_free);
		return false;
	}
	return true;
}

/*
 * Segment test t: with its switches, creates a segment of t->mib MiB,
 * attaches it and writes every page, measures fork() latency with it
 * mapped, then (if t says so) times its teardown: shmdt (unmapping) and
 * IPC_RMID (which, with no attachment left, destroys the object: its
 * pages and its page tables). On several CPUs, busy threads of this
 * process run on the other CPUs meanwhile, so that unmapping must shoot
 * their TLBs down; the IPIs and shootdowns of the whole teardown are
 * counted.
 */
static void segment_test(const struct segment_test *t)
{
	const size_t len = (size_t)t->mib << 20;
	struct shoot_count s0, s1;
	struct vmstat v0, v1, v2;
	uint64_t t0, t1, t2;
	volatile char *p;
	size_t off;
	int id;

	if (!segment_fits(t))
		return;
	set_knobs(t->optimize, t->share_pd, 1, 1, 0);
	id = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600 | (t->large ? SHM_HUGETLB : 0));
	p = id < 0 ? (void *)-1 : shmat(id, NULL, 0);
	if (p == (void *)-1) {
		printf("bench: kind=teardown error=%s\n", errname(errno));
		if (id >= 0)
			shmctl(id, IPC_RMID, NULL);
		return;
	}
	vmstat(getpid(), &v0);
	t0 = now_us();
	for (off = 0; off < len; off += PAGE_SIZE)
		p[off] = 1;
	t1 = now_us();
	vmstat(getpid(), &v1);
	printf("bench: kind=populate optimize=%d share_pd=%d seg_mib=%d large=%d faults=%lu "
	    "ms=%lu\n", t->optimize, t->share_pd, t->mib, t->large,
	    (unsigned long)(v1.faults - v0.faults), (unsigned long)((t1 - t0) / 1000));
	fork_latency(p, len, t->large, t->readers);
	if (!t->teardown) {
		shmdt((void *)p);
		shmctl(id, IPC_RMID, NULL);
		return;
	}

	busy_start(p, len);
	s0 = shoot_count();
	vmstat(0, &v0);
	t0 = now_us();
	shmdt((void *)p);
	t1 = now_us();
	vmstat(0, &v1);
	shmctl(id, IPC_RMID, NULL);
	t2 = now_us();
	vmstat(0, &v2);
	s1 = shoot_count();
	busy_stop();
	printf("bench: kind=teardown optimize=%d share_pd=%d seg_mib=%d detach_us=%lu "
	    "detach_tlb_flushes=%lu detach_invlpg=%lu rmid_us=%lu rmid_tlb_flushes=%lu "
	    "rmid_invlpg=%lu busy_threads=%d ipis=%lu shootdowns=%lu\n", t->optimize,
	    t->share_pd, t->mib, (unsigned long)(t1 - t0),
	    (unsigned long)(v1.tlb_flushes - v0.tlb_flushes),
	    (unsigned long)(v1.tlb_invlpg - v0.tlb_invlpg), (unsigned long)(t2 - t1),
	    (unsigned long)(v2.tlb_flushes - v1.tlb_flushes),
	    (unsigned long)(v2.tlb_invlpg - v1.tlb_invlpg), busy.n,
	    (unsigned long)(s1.ipis - s0.ipis),
	    (unsigned long)(s1.shootdowns - s0.shootdowns));
}

/*
 * The truncations measured in both boots after the segment tests: a file
 * of /dev/shm of `mib` MiB with sharing `optimize`.
 */
static const struct truncate_test {
	int mib, optimize;
} truncate_tests[] = { { SMALL_MIB, 0 }, { SMALL_MIB, 1 }, { GIB_MIB, 1 } };

#define TRUNCATE_FILE "/dev/shm/bench-truncate"

/*
 * Truncate test t: a child maps the file (MAP_SHARED), writes every page
 * and then keeps its CPU busy without touching it (on one CPU it sleeps
 * instead); bench, which does not
 * map the file, shrinks it to 0 with ftruncate, which takes every page out
 * of the child's mapping (with sharing on, through the file's own page
 * tables, which the child links). Only the child's CPU may hold stale
 * translations, so on several CPUs a shrink should cost one shootdown IPI,
 * whatever the size of the file: the IPIs and the time of the ftruncate
 * are printed (kind=truncate).
 */
static void truncate_test(const struct truncate_test *t)
{
	const size_t len = (size_t)t->mib << 20;
	volatile int *flag = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
	                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct shoot_count s0, s1;
	struct vmstat v0, v1;
	uint64_t t0, t1;
	int fd, pid, status;

	if ((long)t->mib > free_mib() / 2) {
		printf("bench: kind=skip test=truncate file_mib=%d reason=memory free_mib=%ld\n",
		    t->mib, free_mib());
		return;
	}
	set_knobs(t->optimize, 1, 1, 1, 0);
	fd = open(TRUNCATE_FILE, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
	if (flag == MAP_FAILED || fd < 0 || ftruncate(fd, (off_t)len) < 0) {
		printf("bench: kind=truncate error=%s\n", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (p == MAP_FAILED)
			exit(1);
		for (size_t off = 0; off < len; off += PAGE_SIZE)
			p[off] = 1;
		__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
		/* On one CPU it sleeps: spinning would only take the CPU from the truncation. */
		while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) == 1) {
			if (ncpus > 1)
				__asm__ volatile("pause");
			else
				sleep_ms(1);
		}
		exit(0);
	}
	while (pid > 0 && __atomic_load_n(flag, __ATOMIC_ACQUIRE) != 1)
		sleep_ms(1);
	s0 = shoot_count();
	vmstat(0, &v0);
	t0 = now_us();
	if (ftruncate(fd, 0) < 0)
		printf("bench: kind=truncate error=%s\n", strerror(errno));
	t1 = now_us();
	vmstat(0, &v1);
	s1 = shoot_count();
	__atomic_store_n(flag, 2, __ATOMIC_RELEASE);
	if (pid > 0)
		waitpid(pid, &status, 0);
	close(fd);
	unlink(TRUNCATE_FILE);
	munmap((void *)flag, PAGE_SIZE);
	printf("bench: kind=truncate optimize=%d file_mib=%d sharers=1 truncate_us=%lu "
	    "tlb_flushes=%lu invlpg=%lu ipis=%lu shootdowns=%lu file_pages_freed=%ld\n",
	    t->optimize, t->mib, (unsigned long)(t1 - t0),
	    (unsigned long)(v1.tlb_flushes - v0.tlb_flushes),
	    (unsigned long)(v1.tlb_invlpg - v0.tlb_invlpg), (unsigned long)(s1.ipis - s0.ipis),
	    (unsigned long)(s1.shootdowns - s0.shootdowns),
	    (long)v0.file_pages - (long)v1.file_pages);
}

/*
 * argv: init's boot words (argv[0] "bench"): with `smp`, the short matrix
 * of the 4-CPU boot instead of the full one. Other words are boot words
 * and ignored; a word starting with '-' is a mistaken option and refused.
 */
static void parse(int argc, char **argv)
{
	int i;

	if (help_wanted(argc, argv)) {
		printf("usage: bench [smp | scale [quick]]\n"
		    "  the make bench matrix of pgbench runs, sharing off and on, then\n"
		    "  fork latency and segment teardown; powers the machine off at the end\n"
		    "  smp         the short matrix of the 4-CPU boot (default: the full one)\n"
		    "  scale       make bench-scale's matrix: 1 to 256 clients on 256 MiB and\n"
		    "              2 GiB (no fork latency or teardown); quick: 2 GiB up to 64\n"
		    "  -h, --help  this text\n"
		    "Other words (init's boot words) are ignored.\n");
		exit(0);
	}
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			arg_refuse("bench", argv[i], "no such option (-h: the usage)");
}

int main(int argc, char **argv)
{
	bool smp = has_word(argc, argv, "smp"), scale = has_word(argc, argv, "scale");
	bool quick = scale && has_word(argc, argv, "quick");
	const struct row *rows = smp ? smp_matrix : scale ? scale_matrix : matrix;
	int nrows = smp ? (int)ARRAY_SIZE(smp_matrix) : (int)ARRAY_SIZE(matrix);
	uint64_t start = now_us();
	struct vmstat vs;
	int k, failed = 0;
	size_t i;

	stdout_by_lines();
	parse(argc, argv);
	if (!own_kernel_or_say("bench"))
		return 1;
	if (vmstat(0, &vs) == 0 && vs.cpus > 0)
		ncpus = (int)vs.cpus;
	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		sysctl_get(knobs[i], &boot_values[i]);
	/* pgbench's own process comes out of the same table as its clients */
	max_clients = probe_processes() - 1;
	if (scale) {
		nrows = build_scale(quick);
		run_limit_ms = BENCH_SCALE_RUN_LIMIT_MS;
	} else {
		max_clients = MIN(max_clients, CMAX_CLIENTS);
	}
	printf("bench: kind=start max_clients=%d free_mib=%ld runs=%d cpus=%d matrix=%s",
	    max_clients, free_mib(), nrows, ncpus, smp ? "smp" : scale ? "scale" : "full");
	if (scale)
		printf(" fault_cap=%lu quick=%d", (unsigned long)BENCH_SCALE_FAULT_CAP, quick);
	printf("\n");

	for (k = 0; k < nrows; k++)
		failed += run_pgbench(&rows[k], k, nrows, scale ? scale_skip[k] : NULL) < 0;

	restore_knobs();
	if (!scale) {
		fork_latency(NULL, 0, false, 0);
		for (i = 0; i < ARRAY_SIZE(segment_tests); i++)
			segment_test(&segment_tests[i]);
		for (i = 0; i < ARRAY_SIZE(truncate_tests); i++)
			truncate_test(&truncate_tests[i]);
		restore_knobs();
	}
	printf("bench: kind=done runs=%d failed=%d ms=%lu\n", nrows, failed,
	    (unsigned long)((now_us() - start) / 1000));
	poweroff(failed ? 1 : 0);
}
