/*
 * bench: the benchmark of `make bench`. init runs it when the kernel
 * command line has the word `bench`; it powers the machine off at the end.
 *
 * It runs /bin/pgbench once per row of a fixed matrix, with that row's
 * sysctls set, and measures two things itself: the latency of fork() in a
 * process with a 1 GiB shared mapping (against one with none), and the
 * teardown of a 1 GiB segment. pgbench prints its own `pgbench:` lines on
 * the console, which bench cannot read (there are no pipes), so the host
 * collects everything from the serial log: scripts/bench-report.sh pairs
 * sharing off with sharing on, prints the comparison table with the ratios
 * and writes build/bench.txt.
 *
 * Every line bench prints is `bench: kind=KIND key=value ...`:
 *   kind=start         max_clients (see below), free memory, runs
 *   kind=run           before each pgbench: its number and configuration
 *   kind=status        after it: pgbench's exit status and wall time
 *   kind=skip          a row that does not fit in memory
 *   kind=fork_latency  mean time of fork() in the parent and of the whole
 *                      fork + exit + waitpid round trip, with map_mib
 *                      MiB of populated shared memory mapped; and of the
 *                      round trip of a child that reads all of it first
 *   kind=teardown      shmdt and IPC_RMID of a populated 1 GiB segment:
 *                      time and TLB work of each
 *   kind=done          runs, failures, total time
 *
 * The matrix covers every axis without the full cross product, so that
 * `make bench` stays well under 20 minutes under TCG (which handles about
 * 150k-300k page faults/s here; the biggest run, CMAX clients on 256 MiB
 * with sharing off, takes 2 x 3.9M faults and under a minute). The whole
 * `make bench`, build included, took 6 min 41 s under QEMU 7.2 TCG on a
 * 2-CPU AMD EPYC host; on a kernel without sharing, where every run pays
 * the full price, the boot alone took 7 min 50 s. The matrix:
 *   - fork mode: clients 1, 8, 32 and CMAX on 64 MiB and on 256 MiB,
 *     sharing off and on;
 *   - exec, thread and mmap modes: 8 clients on 64 MiB, off and on;
 *   - 1 GiB: 8 clients, off, on, and on with machdep.pmap_share_pd=0; the
 *     off and on pair with -T (the fault-rate timeline: its sampler thread
 *     gets the CPU about once per round of the runnable clients, so few
 *     clients and many faults give the finest timeline);
 *   - machdep.pmap_prelink=0: 8 x 64 MiB and CMAX x 256 MiB;
 *   - kern.ipc.shm_use_phys=0 (anonymous segments, whose object PTEs need
 *     PV entries): CMAX x 256 MiB, off and on.
 * A row not named otherwise has share_pd=1, prelink=1, shm_use_phys=1.
 * CMAX is 64 clients, or fewer when the kernel's process table cannot hold
 * 64 clients beside init, bench and pgbench (a probe at the start counts
 * how many processes can be created). A row whose buffer is more than half
 * of the free memory is skipped; `make bench` boots with 3 GiB.
 */
#include "ulib.h"

#define CMAX       0        /* clients: as many as fit, up to 64 */
#define TXNS       1000
#define RUN_LIMIT_MS (10 * 60 * 1000)
#define NFORKS     50
#define NREADS     3
#define GIB_MIB    1024
#define PROBE_MAX  65       /* 64 clients and pgbench itself */

/* One pgbench run: its options and the sysctls it runs under. */
struct row {
	const char *mode;
	int clients;            /* or CMAX */
	int mib;
	int optimize, share_pd, prelink, use_phys;
	bool timeline;          /* -T */
};

/* The knobs in the order of struct row, and their values at boot. */
static const char *const knobs[] = {
	"machdep.pmap_mmu_optimize", "machdep.pmap_share_pd",
	"machdep.pmap_prelink", "kern.ipc.shm_use_phys",
};
static long boot_values[ARRAY_SIZE(knobs)];

#define OFF_ON(mode, c, mib, T) \
	{ mode, c, mib, 0, 1, 1, 1, T }, { mode, c, mib, 1, 1, 1, 1, T }

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
	{ "fork", 8, GIB_MIB, 1, 0, 1, 1, false },
	/* no prelinking: one fault per 2 MiB segment per client */
	{ "fork", 8, 64, 1, 1, 0, 1, false },
	{ "fork", CMAX, 256, 1, 1, 0, 1, false },
	/* anonymous segments: object PTEs with PV entries */
	{ "fork", CMAX, 256, 0, 1, 1, 0, false },
	{ "fork", CMAX, 256, 1, 1, 1, 0, false },
};

static int max_clients;

static uint64_t now_us(void)
{
	struct uclock c;

	return clock_get(&c) == 0 ? c.ns / 1000 : 0;
}

static long free_mib(void)
{
	struct vmstat vs;

	return vmstat(0, &vs) == 0 ? (long)(vs.free_pages * PAGE_SIZE >> 20) : 0;
}

static void set_knobs(int optimize, int share_pd, int prelink, int use_phys)
{
	sysctl_set(knobs[0], optimize);
	sysctl_set(knobs[1], share_pd);
	sysctl_set(knobs[2], prelink);
	sysctl_set(knobs[3], use_phys);
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
		kill(pids[i]);
	for (i = 0; i < n; i++)
		waitpid(pids[i], &status, 0);
	return n;
}

/* Runs pgbench for matrix row k; returns 0 when it exited 0. */
static int run_pgbench(int k)
{
	const struct row *r = &matrix[k];
	char cs[12], ss[12], ts[12];
	char *argv[] = { "pgbench", "-m", (char *)r->mode, "-c", cs, "-s", ss,
	                 "-t", ts, r->timeline ? "-T" : NULL, NULL };
	int clients = r->clients == CMAX ? max_clients : r->clients;
	int pid, status = 0, res;
	uint64_t t0;

	snprintf(cs, sizeof(cs), "%d", clients);
	snprintf(ss, sizeof(ss), "%d", r->mib);
	snprintf(ts, sizeof(ts), "%d", TXNS);
	if (r->mib > free_mib() / 2) {
		printf("bench: kind=skip run=%d mode=%s clients=%d shm_mib=%d "
		    "reason=memory free_mib=%ld\n", k + 1, r->mode, clients, r->mib,
		    free_mib());
		return 0;
	}
	set_knobs(r->optimize, r->share_pd, r->prelink, r->use_phys);
	printf("bench: kind=run run=%d runs=%d mode=%s clients=%d shm_mib=%d "
	    "optimize=%d share_pd=%d prelink=%d shm_use_phys=%d timeline=%d txns=%d\n",
	    k + 1, (int)ARRAY_SIZE(matrix), r->mode, clients, r->mib, r->optimize,
	    r->share_pd, r->prelink, r->use_phys, r->timeline, TXNS);
	t0 = now_us();
	pid = fork();
	if (pid == 0) {
		exec("/bin/pgbench", argv);
		exit(127);
	}
	res = pid < 0 ? pid : waitpid_timeout(pid, &status, RUN_LIMIT_MS);
	printf("bench: kind=status run=%d status=%d ms=%lu%s\n", k + 1,
	    res < 0 ? -1 : WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
	    WEXITSTATUS(status), (unsigned long)((now_us() - t0) / 1000),
	    res == -EINTR ? " reason=timeout" : "");
	return res >= 0 && status == 0 ? 0 : -1;
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
	if (pid > 0 && waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return pid;
}

/*
 * fork() latency of this process, which has `len` bytes of populated
 * shared memory mapped at p (none when len is 0), as the mean over NFORKS
 * forks of: the time fork() takes in the parent, and the whole round trip
 * (fork, the child exits at once, waitpid). With a mapping, also the round
 * trip of NREADS children that first read every page of it (what a forked
 * database backend does), and the page faults those children took.
 */
static void fork_latency(const volatile char *p, size_t len)
{
	uint64_t t0, f, fork_sum = 0, round_sum = 0, read_sum = 0;
	long optimize = -1, share_pd = -1;
	struct vmstat v0, v1;
	int i, pid;

	for (i = 0; i < NFORKS; i++) {
		t0 = now_us();
		pid = fork_reader(p, 0, &f);
		if (pid < 0) {
			printf("bench: kind=fork_latency error=%s\n", strerror(pid));
			return;
		}
		fork_sum += f;
		round_sum += now_us() - t0;
	}
	vmstat(0, &v0);
	for (i = 0; len && i < NREADS; i++) {
		t0 = now_us();
		fork_reader(p, len, &f);
		read_sum += now_us() - t0;
	}
	vmstat(0, &v1);
	sysctl_get(knobs[0], &optimize);
	sysctl_get(knobs[1], &share_pd);
	printf("bench: kind=fork_latency optimize=%ld share_pd=%ld map_mib=%lu forks=%d "
	    "fork_us=%lu roundtrip_us=%lu", optimize, share_pd, (unsigned long)(len >> 20),
	    NFORKS, (unsigned long)(fork_sum / NFORKS), (unsigned long)(round_sum / NFORKS));
	if (len)
		printf(" readers=%d reader_roundtrip_us=%lu reader_faults=%lu", NREADS,
		    (unsigned long)(read_sum / NREADS),
		    (unsigned long)((v1.faults - v0.faults) / NREADS));
	printf("\n");
}

/*
 * With the given switches: creates a 1 GiB segment, attaches it and
 * writes every page, measures fork() latency with it mapped, then times
 * its teardown: shmdt (unmapping) and IPC_RMID (which, with no attachment
 * left, destroys the object: its pages and its page tables).
 */
static void gib_segment(int optimize, int share_pd)
{
	const size_t len = (size_t)GIB_MIB << 20;
	struct vmstat v0, v1, v2;
	uint64_t t0, t1, t2;
	volatile char *p;
	size_t off;
	int id;

	if (GIB_MIB > free_mib() / 2) {
		printf("bench: kind=skip test=gib_segment reason=memory free_mib=%ld\n",
		    free_mib());
		return;
	}
	set_knobs(optimize, share_pd, 1, 1);
	id = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600);
	p = id < 0 ? NULL : shmat(id, NULL, 0);
	if (id < 0 || ptr_err((void *)p)) {
		printf("bench: kind=teardown error=%s\n",
		    strerror(id < 0 ? id : ptr_err((void *)p)));
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
	printf("bench: kind=populate optimize=%d share_pd=%d seg_mib=%d faults=%lu ms=%lu\n",
	    optimize, share_pd, GIB_MIB, (unsigned long)(v1.faults - v0.faults),
	    (unsigned long)((t1 - t0) / 1000));
	fork_latency(p, len);

	vmstat(0, &v0);
	t0 = now_us();
	shmdt((void *)p);
	t1 = now_us();
	vmstat(0, &v1);
	shmctl(id, IPC_RMID, NULL);
	t2 = now_us();
	vmstat(0, &v2);
	printf("bench: kind=teardown optimize=%d share_pd=%d seg_mib=%d detach_us=%lu "
	    "detach_tlb_flushes=%lu detach_invlpg=%lu rmid_us=%lu rmid_tlb_flushes=%lu "
	    "rmid_invlpg=%lu\n", optimize, share_pd, GIB_MIB, (unsigned long)(t1 - t0),
	    (unsigned long)(v1.tlb_flushes - v0.tlb_flushes),
	    (unsigned long)(v1.tlb_invlpg - v0.tlb_invlpg), (unsigned long)(t2 - t1),
	    (unsigned long)(v2.tlb_flushes - v1.tlb_flushes),
	    (unsigned long)(v2.tlb_invlpg - v1.tlb_invlpg));
}

int main(void)
{
	uint64_t start = now_us();
	int k, failed = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		sysctl_get(knobs[i], &boot_values[i]);
	/* pgbench's own process comes out of the same table as its clients */
	max_clients = probe_processes() - 1;
	printf("bench: kind=start max_clients=%d free_mib=%ld runs=%d\n", max_clients,
	    free_mib(), (int)ARRAY_SIZE(matrix));

	for (k = 0; k < (int)ARRAY_SIZE(matrix); k++)
		failed += run_pgbench(k) < 0;

	restore_knobs();
	fork_latency(NULL, 0);
	gib_segment(0, 1);
	gib_segment(1, 1);
	gib_segment(1, 0);
	restore_knobs();
	printf("bench: kind=done runs=%d failed=%d ms=%lu\n", (int)ARRAY_SIZE(matrix),
	    failed, (unsigned long)((now_us() - start) / 1000));
	poweroff(failed ? 1 : 0);
}
