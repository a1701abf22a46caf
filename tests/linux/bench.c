/*
 * The Linux boot of `make bench`: the bench mode of the Linux-side /init.
 * Linux hands init the command-line words it does not know as arguments;
 * with the word `bench` (mk/bench.mk), init.c runs linux_bench() instead of
 * the suites. It runs the same /usr/bin/pgbench as the project kernel's
 * one-CPU bench boot (user/bin/bench.c), on the rows of that boot's matrix
 * that have a Linux counterpart, and prints the same `bench: kind=...`
 * lines, so that scripts/bench-report.sh can set Linux beside the project
 * kernel's sharing off and on for the same runs of the same `make bench`.
 * pgbench reads Linux's own counters: each client's faults from getrusage,
 * the system's from /proc/vmstat, page-table memory from /proc/meminfo.
 *
 * Linux has no sharing switch, so each row runs once, on one of the two
 * ways Linux offers to a database's shared buffers:
 *   - 4 KiB pages (plain SysV shm): every process fills its own page
 *     tables, one fault per page it touches;
 *   - 2 MiB pages (pgbench -L: SHM_HUGETLB), taken only from the pages
 *     reserved at boot (`hugepages=N`, which scripts/linux-kernel.sh
 *     passes): one fault per 2 MiB per process.
 * The rows: the fork-mode client sweep (1, 8, 32 and 64 clients on 64 and
 * 256 MiB) that the charts draw, the other modes on 8 x 64 MiB, 8 x 1 GiB,
 * the buffer in files (pgbench -b posix: 64 x 256 MiB of /dev/shm; -b
 * file: 8 x 64 MiB of /tmp), and the sizes and client counts of the project kernel's rows on 2 MiB
 * pages. 64 clients is the project kernel's CMAX whenever its process
 * table holds them (its kind=start line says max_clients).
 *
 * With the word `scale` (make bench-scale; `scale quick` for a shorter
 * run) it runs the scale matrix instead, that of the project kernel's
 * `bench scale` (BENCH_SCALE_* in user/lib/ulib.h): fork mode,
 * BENCH_SCALE_CLIENTS clients on each of BENCH_SCALE_MIBS, on 4 KiB pages
 * up to BENCH_SCALE_FAULT_CAP startup faults (beyond: a skip line with
 * reason=cap) and on SHM_HUGETLB at every point the reserve holds; each
 * run may take up to BENCH_SCALE_RUN_LIMIT_MS.
 *
 * Lines, `bench: kind=KIND key=value ...`:
 *   kind=start   release (Linux's), cpus, free_mib, hugepages
 *                (reserved 2 MiB pages), runs
 *   kind=run     before each pgbench: its number and configuration
 *   kind=status  after it: pgbench's exit status and wall time
 *   kind=skip    a row on 2 MiB pages that the reserve cannot hold
 *                (reason=hugepages); in the scale matrix, a row on 4 KiB
 *                pages over the fault cap (reason=cap), or one left out
 *                by `quick` (reason=quick)
 *   kind=done    runs, failures, total time
 * Then QEMU ends through isa-debug-exit: pass when every run exited 0.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "ulib.h"
#include "init.h"

#define TXNS          1000              /* as user/bin/bench.c */

struct row {
	const char *mode;
	int clients;
	int mib;
	bool large;                     /* -L: SHM_HUGETLB, 2 MiB pages */
	const char *backing;            /* pgbench -b: NULL is sysv */
};

static const struct row matrix[] = {
	{ "fork", 1, 64, false, NULL }, { "fork", 8, 64, false, NULL },
	{ "fork", 32, 64, false, NULL }, { "fork", 64, 64, false, NULL },
	{ "fork", 1, 256, false, NULL }, { "fork", 8, 256, false, NULL },
	{ "fork", 32, 256, false, NULL }, { "fork", 64, 256, false, NULL },
	{ "exec", 8, 64, false, NULL }, { "thread", 8, 64, false, NULL },
	{ "mmap", 8, 64, false, NULL },
	{ "fork", 8, 1024, false, NULL },
	{ "fork", 64, 256, false, "posix" }, { "fork", 8, 64, false, "file" },
	{ "fork", 32, 64, true, NULL }, { "fork", 64, 256, true, NULL }, { "fork", 8, 1024, true, NULL },
};

/* `bench scale`: built at start from BENCH_SCALE_*, with why a row is skipped. */
#define SCALE_ROWS 64
static struct row scale_matrix[SCALE_ROWS];
static const char *scale_skip[SCALE_ROWS];   /* NULL: the row runs */

/*
 * Fills scale_matrix and scale_skip (`quick`: the largest buffer's curves
 * stop at BENCH_SCALE_QUICK_CLIENTS); returns the number of rows.
 */
static int build_scale(bool quick)
{
	static const int clients[] = { BENCH_SCALE_CLIENTS }, mibs[] = { BENCH_SCALE_MIBS };
	const int top_mib = mibs[ARRAY_SIZE(mibs) - 1];
	size_t c, m;
	int n = 0, large;
	uint64_t faults;

	for (large = 0; large <= 1; large++)
		for (m = 0; m < ARRAY_SIZE(mibs); m++)
			for (c = 0; c < ARRAY_SIZE(clients) && n < SCALE_ROWS; c++) {
				faults = (uint64_t)clients[c] * ((uint64_t)mibs[m] << 20) / PAGE_SIZE;
				scale_matrix[n] = (struct row){ "fork", clients[c], mibs[m], large, NULL };
				scale_skip[n] = quick && mibs[m] == top_mib &&
				    clients[c] > BENCH_SCALE_QUICK_CLIENTS ? "quick" :
				    !large && faults > BENCH_SCALE_FAULT_CAP ? "cap" : NULL;
				n++;
			}
	return n;
}

/* The first number in file path after key (the whole file if key is ""), or -1. */
static long file_number(const char *path, const char *key)
{
	static char text[8192];
	const char *at;
	long n, v;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	if (!(at = strstr(text, key)))
		return -1;
	for (at += strlen(key); *at == ' '; at++)
		;
	if (*at < '0' || *at > '9')
		return -1;
	for (v = 0; *at >= '0' && *at <= '9'; at++)
		v = v * 10 + (*at - '0');
	return v;
}

/* The CPUs this process may run on (all of them: nothing restricts init). */
static int cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 0;
}

/*
 * Mounts /proc, where pgbench reads Linux's counters: the initramfs has
 * only the project's files, and nothing mounts it before init.
 */
static int mount_proc(void)
{
	if (mkdir("/proc", 0555) < 0 && errno != EEXIST)
		return -1;
	return mount("proc", "/proc", "proc", 0, NULL);
}

static long hugepages_free_mib(void)
{
	return file_number("/proc/meminfo", "HugePages_Free:") * 2;
}

/*
 * Runs pgbench for row k of nrows, unless `skip` says why not (a row of the
 * scale matrix); returns 0 when it exited 0 or was skipped.
 */
static int run_pgbench(const struct row *r, int k, int nrows, const char *skip,
    uint64_t limit_ms)
{
	char cs[12], ss[12], ts[12];
	char *argv[] = { "pgbench", "-m", (char *)r->mode, "-c", cs, "-s", ss, "-t", ts,
	                 r->large ? "-L" : r->backing ? "-b" : NULL, (char *)r->backing, NULL };

	if (skip) {
		printf("bench: kind=skip run=%d mode=%s clients=%d shm_mib=%d large=%d reason=%s "
		    "startup_faults=%lu fault_cap=%lu\n", k + 1, r->mode, r->clients, r->mib,
		    r->large, skip, (unsigned long)r->clients * ((unsigned long)r->mib << 20) /
		    PAGE_SIZE, (unsigned long)BENCH_SCALE_FAULT_CAP);
		return 0;
	}
	if (r->large && hugepages_free_mib() < r->mib) {
		printf("bench: kind=skip run=%d mode=%s clients=%d shm_mib=%d large=1 "
		    "reason=hugepages hugepages_free_mib=%ld\n", k + 1, r->mode, r->clients,
		    r->mib, hugepages_free_mib());
		return 0;
	}
	snprintf(cs, sizeof(cs), "%d", r->clients);
	snprintf(ss, sizeof(ss), "%d", r->mib);
	snprintf(ts, sizeof(ts), "%d", TXNS);
	printf("bench: kind=run run=%d runs=%d mode=%s backing=%s clients=%d shm_mib=%d large=%d "
	    "txns=%d\n", k + 1, nrows, r->mode, r->backing ? r->backing : "sysv", r->clients,
	    r->mib, r->large, TXNS);
	return bench_run_pgbench(argv, k + 1, limit_ms);
}

/* argv: init's words; `scale` (and `quick`) choose the scale matrix. */
void linux_bench(int argc, char **argv)
{
	bool scale = has_word(argc, argv, "scale");
	bool quick = scale && has_word(argc, argv, "quick");
	const struct row *rows = scale ? scale_matrix : matrix;
	int nrows = scale ? build_scale(quick) : (int)ARRAY_SIZE(matrix), k, failed = 0;
	uint64_t start = clock_ms();
	struct utsname u;

	if (mount_proc() < 0) {
		printf("bench: mount /proc: %s\n", strerror(errno));
		exit_qemu(EXIT_FAIL);
	}
	if (uname(&u) < 0)
		strcpy(u.release, "?");
	printf("bench: kind=start release=%s cpus=%d free_mib=%ld hugepages=%ld runs=%d",
	    u.release, cpus(), file_number("/proc/meminfo", "MemFree:") / 1024,
	    file_number("/proc/meminfo", "HugePages_Total:"), nrows);
	if (scale)
		printf(" matrix=scale fault_cap=%lu quick=%d", (unsigned long)BENCH_SCALE_FAULT_CAP,
		    quick);
	printf("\n");
	for (k = 0; k < nrows; k++)
		failed += run_pgbench(&rows[k], k, nrows, scale ? scale_skip[k] : NULL,
		    scale ? BENCH_SCALE_RUN_LIMIT_MS : BENCH_RUN_LIMIT_MS) < 0;
	printf("bench: kind=done runs=%d failed=%d ms=%lu\n", nrows, failed,
	    (unsigned long)(clock_ms() - start));
	exit_qemu(failed ? EXIT_FAIL : EXIT_PASS);
}
