/*
 * Test suite "tools": every project tool explains itself and refuses a bad
 * argument the same way (user/lib/util.c, arg_refuse): `-h` exits 0, a
 * bad value and a non-number exit 2 with "TOOL: ARG: REASON" on stderr;
 * pgbench's segment ids are ones `ptdump -o` accepts; and `programs`
 * lists every program of the project in the initrd, no more and no fewer. The tool's
 * stdout and stderr go through a pipe (dup2), and the text must appear in
 * them, on this kernel and on Linux.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "utest.h"

#define OUT_LEN 8192

static char out[OUT_LEN];

/*
 * Runs /usr/bin/argv[0] with argv; the case fails unless it exits with status
 * want and prints text. Arguments are parsed before a tool looks for this
 * kernel, so every tool runs on Linux too.
 */
static void run_tool(char *const argv[], int want, const char *text)
{
	char path[64];
	int st;

	snprintf(path, sizeof(path), "/usr/bin/%s", argv[0]);
	st = ut_run_capture(path, argv, NULL, out, OUT_LEN);
	if (st != want || !strstr(out, text))
		UT_FAIL("%s %s: status %d, want exit %d and \"%s\"; output: %.300s", argv[0],
		    argv[1] ? argv[1] : "", st, want, text, out);
}

#define TOOL(want, text, ...) run_tool((char *[]){ __VA_ARGS__, NULL }, want, text)

UTEST(help_exits_0_with_usage)
{
	static const char *const tools[] = { "pgbench", "ptdump", "vmstat", "demo", "bench",
		"stress", "fuzz", "ksysctl", "vmps", "programs", "ipcs", "ipcrm", "shmhold" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tools); i++) {
		TOOL(0, "usage: ", (char *)tools[i], "-h");
		TOOL(0, "usage: ", (char *)tools[i], "--help");
	}
}

UTEST(bad_values_name_the_limit)
{
	TOOL(2, "pgbench: -c 257: at most 256 clients", "pgbench", "-c", "257");
	TOOL(2, "pgbench: -s 100000: at most 4096 MiB", "pgbench", "-s", "100000");
	TOOL(2, "pgbench: -m bogus: not one of fork, exec, thread, mmap", "pgbench", "-m", "bogus");
	TOOL(2, "pgbench: -L -s 3: 2 MiB pages need an even MIB", "pgbench", "-L", "-s", "3");
	TOOL(2, "pgbench: stray: unexpected argument", "pgbench", "stray");
	TOOL(2, "pgbench: -H 4000: at most 3600 seconds", "pgbench", "-H", "4000");
	if (own_kernel())    /* 16 threads per process here; Linux runs 16 clients as threads */
		TOOL(2, "pgbench: -m thread -c 16: at most 15 clients as threads", "pgbench",
		    "-m", "thread", "-c", "16");
	TOOL(2, "ptdump: -o -1: at least 0", "ptdump", "-o", "-1");
	TOOL(2, "ptdump: no argument", "ptdump");
	TOOL(2, "vmstat: 2: one PID at most", "vmstat", "1", "2");
	TOOL(2, "stress: -m bogus: not one of off, on, flip", "stress", "-m", "bogus");
	TOOL(2, "fuzz: -p 100: at most 64 processes", "fuzz", "-p", "100");
	TOOL(2, "fuzz: -w 200000: at most 100000 microseconds", "fuzz", "-w", "200000");
	TOOL(2, "ksysctl: -z: no such option", "ksysctl", "-z");
	if (own_kernel()) {  /* the knobs are this kernel's; on Linux ksysctl stops before */
		TOOL(2, "ksysctl: vm.nothing: no such knob", "ksysctl", "vm.nothing");
		TOOL(2, "ksysctl: machdep.pmap_mmu_optimize=5: out of range: 0..1", "ksysctl",
		    "machdep.pmap_mmu_optimize=5");
		TOOL(0, "", "ksysctl", "-d");
	}
	TOOL(2, "vmps: x: vmps takes no arguments", "vmps", "x");
	TOOL(2, "programs: x: programs takes no arguments", "programs", "x");
	TOOL(2, "bench: -x: no such option", "bench", "-x");
	TOOL(2, "-h lists the options", "demo", "--bogus");
}

/* ---- ipcs, ipcrm and shmhold: segments from the shell ---- */

/*
 * The line of `ipcs -m` (in out) for segment id: its size, attach count
 * and whether it is marked removed. False when no line has the id.
 */
static bool ipcs_row(int id, unsigned long *bytes, unsigned long *nattch, bool *dest)
{
	char status[16];
	const char *line;
	unsigned key;
	int got_id, n;
	unsigned perms;

	for (line = out; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		status[0] = '\0';
		n = sscanf(line, "0x%x %d %*s %o %lu %lu %15[a-z]", &key, &got_id, &perms, bytes,
		    nattch, status);
		if (n >= 5 && got_id == id) {
			*dest = strcmp(status, "dest") == 0;
			return true;
		}
	}
	return false;
}

UTEST(ipcs_lists_a_segment_and_ipcrm_removes_it_at_its_last_detach)
{
	unsigned long bytes = 0, nattch = 0;
	bool dest = true;
	struct shmid_ds ds;
	char idtext[16];
	void *a, *b;
	int id;

	id = shmget(IPC_PRIVATE, 4 << 20, IPC_CREAT | 0600);
	UT_ASSERT(id >= 0);
	snprintf(idtext, sizeof(idtext), "%d", id);
	a = shmat(id, NULL, 0);
	b = shmat(id, NULL, SHM_RDONLY);
	UT_ASSERT(a != (void *)-1 && b != (void *)-1);
	TOOL(0, "------ Shared Memory Segments --------", "ipcs", "-m");
	if (!ipcs_row(id, &bytes, &nattch, &dest))
		UT_FAIL("ipcs -m has no line for segment %d: %.300s", id, out);
	UT_ASSERT_EQ(4 << 20, bytes);
	UT_ASSERT_EQ(2, nattch);
	UT_ASSERT(!dest);
	TOOL(0, "", "ipcrm", "-m", idtext);
	TOOL(0, "nattch", "ipcs");
	UT_ASSERT(ipcs_row(id, &bytes, &nattch, &dest));
	UT_ASSERT(dest);               /* removed, still attached twice */
	UT_ASSERT_EQ(2, nattch);
	UT_ASSERT_EQ(0, shmdt(a));
	UT_ASSERT_EQ(0, shmdt(b));
	UT_ASSERT_EQ(-1, shmctl(id, IPC_STAT, &ds));
	UT_ASSERT_EQ(EINVAL, errno);
	TOOL(0, "nattch", "ipcs", "-m");
	UT_ASSERT(!ipcs_row(id, &bytes, &nattch, &dest));
}

UTEST(ipcs_ipcrm_and_shmhold_refuse_what_they_cannot_do)
{
	TOOL(1, "ipcrm: segment 999999: EINVAL", "ipcrm", "-m", "999999");
	TOOL(1, "ipcrm: key 0x7ff1230: ENOENT", "ipcrm", "-M", "0x7ff1230");
	TOOL(2, "ipcrm: (nothing): name a segment", "ipcrm");
	TOOL(2, "ipcrm: -m abc: not a number", "ipcrm", "-m", "abc");
	TOOL(2, "ipcrm: 0: IPC_PRIVATE names no one segment", "ipcrm", "-M", "0");
	TOOL(2, "ipcs: -q: only -m", "ipcs", "-q");
	TOOL(2, "shmhold: (nothing): give one segment", "shmhold");
	TOOL(2, "shmhold: -L: only with -s", "shmhold", "-L", "3");
	TOOL(2, "shmhold: 3: an ID, or -s or -k: not both", "shmhold", "-s", "2", "3");
	TOOL(2, "shmhold: -s 0: at least 1 MiB", "shmhold", "-s", "0");
	TOOL(1, "shmhold: segment 999999: shmat: EINVAL", "shmhold", "-t", "0", "999999");
	TOOL(1, "shmhold: no such key: ENOENT", "shmhold", "-t", "0", "-k", "0x7ff1231");
}

/*
 * shmhold makes a segment (its key from -k), which a second shmhold
 * attaches read-only by key; -d removes the segment, which goes with the
 * last attacher.
 */
UTEST(shmhold_makes_attaches_and_removes_segments)
{
	struct shmid_ds ds;
	const char *at;
	int id;

	TOOL(0, "read-write", "shmhold", "-s", "2", "-k", "7400", "-t", "0");
	id = shmget(7400, 0, 0);
	UT_ASSERT(id >= 0);
	UT_ASSERT_EQ(0, shmctl(id, IPC_STAT, &ds));
	UT_ASSERT_EQ(2 << 20, ds.shm_segsz);
	UT_ASSERT_EQ(0, ds.shm_nattch);        /* held for 0 s: detached at its exit */
	TOOL(0, "read-only", "shmhold", "-r", "-k", "7400", "-t", "0");
	TOOL(0, "holds segment", "shmhold", "-d", "-t", "0", "-k", "7400");
	UT_ASSERT_EQ(-1, shmctl(id, IPC_STAT, &ds));
	UT_ASSERT_EQ(EINVAL, errno);
	TOOL(0, "holds segment", "shmhold", "-s", "1", "-d", "-t", "0");
	at = strstr(out, "holds segment ");
	UT_ASSERT(at != NULL);
	UT_ASSERT_EQ(-1, shmctl(atoi(at + strlen("holds segment ")), IPC_STAT, &ds));
}

/*
 * pgbench's largest run, that of make bench-scale: 256 clients, each with
 * its own tag slot in every page, fit the process table and the layout.
 * Its own key, so that a failure leaves no segment in the way of the
 * other cases.
 */
UTEST(pgbench_runs_256_clients)
{
	UT_NEEDS_OWN_KERNEL("its process table of 512; Linux under TCG takes minutes to run "
	    "256 clients (make bench-scale runs them there)");
	TOOL(0, "pgbench: checksum=ok", "pgbench", "-c", "256", "-s", "1", "-t", "1", "-k", "7300");
}

UTEST(non_numbers_are_refused)
{
	TOOL(2, "pgbench: -c abc: not a number", "pgbench", "-c", "abc");
	TOOL(2, "pgbench: -s 8x: not a number", "pgbench", "-s", "8x");
	TOOL(2, "ptdump: abc: not a number", "ptdump", "abc");
	TOOL(2, "ptdump: -o abc: not a number", "ptdump", "-o", "abc");
	TOOL(2, "ptdump: x2: not a number", "ptdump", "1", "x2");
	TOOL(2, "vmstat: abc: not a number", "vmstat", "abc");
	TOOL(2, "stress: -n abc: not a number", "stress", "-n", "abc");
	TOOL(2, "fuzz: -n x: not a number", "fuzz", "-n", "x");
	TOOL(2, "ksysctl: vm.x=abc: abc is not a number", "ksysctl", "vm.x=abc");
}

/*
 * pgbench -H holds its clients attached after the run; meanwhile the
 * buffer id it prints (`segments: buffer id N (key K)`), read here through
 * a pipe, must be the segment of its key and one that `ptdump -o` dumps.
 */
UTEST(pgbench_segment_is_dumped_by_ptdump)
{
	char *argv[] = { "pgbench", "-c", "2", "-s", "2", "-t", "10", "-k", "7100", "-H", "3",
		NULL };
	char line[512], id[16];
	const char *at;
	int fds[2], pid, status, shmid;
	size_t n = 0;
	long got;

	UT_NEEDS_OWN_KERNEL("ptdump -o dumps this kernel's object trees");
	UT_ASSERT_EQ(0, pipe2(fds, O_CLOEXEC));
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		if (dup2(fds[1], 1) < 0)
			_exit(101);
		execv("/usr/bin/pgbench", argv);
		_exit(100);
	}
	close(fds[1]);
	while (n < sizeof(line) - 1 && !memchr(line, '\n', n) &&
	    (got = read(fds[0], line + n, sizeof(line) - 1 - n)) > 0)
		n += got;
	line[n] = '\0';
	at = strstr(line, "buffer id ");
	if (!at)
		UT_FAIL("pgbench's first line has no buffer id: %.200s", line);
	shmid = atoi(at + strlen("buffer id "));
	UT_ASSERT_EQ(shmget(7100, 0, 0), shmid);
	snprintf(id, sizeof(id), "%d", shmid);
	TOOL(0, "object ", "ptdump", "-o", id);
	while (read(fds[0], line, sizeof(line)) > 0)     /* the rest, until it is done */
		;
	close(fds[0]);
	UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS));
	UT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Where program_list has path: its index, or -1. */
static int listed(const char *path)
{
	size_t i;

	for (i = 0; i < program_count; i++)
		if (strcmp(program_list[i].path, path) == 0)
			return (int)i;
	return -1;
}

/*
 * The programs the system has, as "/usr/bin/NAME" and "/tests/NAME": the
 * regular files of those directories (busybox's applets in /usr/bin are
 * symbolic links, and not the project's). Returns how many, or -1 when
 * they cannot be listed.
 */
static int installed(char paths[][64], int max)
{
	static const char *const dirs[] = { "/usr/bin", "/tests" };
	struct dirent *e;
	struct stat st;
	size_t d;
	DIR *dir;
	int n = 0;

	for (d = 0; d < ARRAY_SIZE(dirs); d++) {
		if (!(dir = opendir(dirs[d])))
			return -1;
		while ((e = readdir(dir)) && n < max) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(paths[n], 64, "%s/%.50s", dirs[d], e->d_name);
			if (lstat(paths[n], &st) == 0 && S_ISREG(st.st_mode))
				n++;
		}
		closedir(dir);
	}
	return n;
}

/*
 * ownsh's `help` and `programs` print program_list (user/etc/programs, built
 * in): every program the system has must be on it, and nothing else; and
 * its output must show the lists.
 */
UTEST(programs_lists_every_program_of_the_initrd)
{
	static char paths[128][64];
	bool seen[128] = { false };
	int n, i, k;

	UT_ASSERT(program_count <= ARRAY_SIZE(seen));
	n = installed(paths, ARRAY_SIZE(paths));
	UT_ASSERT(n > 0);
	UT_ASSERT(n < (int)ARRAY_SIZE(paths));
	for (i = 0; i < n; i++) {
		k = listed(paths[i]);
		if (k < 0)
			UT_FAIL("%s is not in the list of programs (user/etc/programs)", paths[i]);
		seen[k] = true;
	}
	for (k = 0; k < (int)program_count; k++)
		if (!seen[k])
			UT_FAIL("the list of programs has %s, which is not installed",
			    program_list[k].path);
	TOOL(0, "Test programs in /tests", "programs");
}

/* The number at s, written with grouping commas ("1,024"); *end after it. */
static unsigned long grouped_number(const char *s, const char **end)
{
	unsigned long v = 0;

	while (*s == ' ')
		s++;
	for (; (*s >= '0' && *s <= '9') || (*s == ',' && s[1] >= '0' && s[1] <= '9'); s++)
		if (*s != ',')
			v = v * 10 + (unsigned long)(*s - '0');
	*end = s;
	return v;
}

/*
 * pgbench's summary for people: under each `pgbench: phase=` line an
 * indented line for that phase, naming the busiest client, whose faults
 * are at least the mean it prints beside them.
 */
UTEST(pgbench_prints_a_summary_under_each_phase_line)
{
	static const char *const phases[] = { "startup", "run", "restart", "teardown" };
	char want[64];
	const char *at, *b;
	unsigned long most, mean;

	TOOL(0, "pgbench: checksum=ok", "pgbench", "-c", "4", "-s", "4", "-t", "10");
	for (size_t i = 0; i < ARRAY_SIZE(phases); i++) {
		snprintf(want, sizeof(want), "pgbench: phase=%s ", phases[i]);
		at = strstr(out, want);
		if (!at)
			UT_FAIL("no %s line in: %.400s", want, out);
		snprintf(want, sizeof(want), "\n  %s: ", phases[i]);
		if (!(at = strchr(at, '\n')) || strncmp(at, want, strlen(want)) != 0)
			UT_FAIL("the %s line has no summary under it: %.300s", phases[i],
			    at ? at : "(end)");
	}
	at = strstr(out, "\n  startup: ");
	b = strstr(at, "(busiest client #");
	UT_ASSERT(b != NULL && (b = strchr(b, ':')) != NULL);
	most = grouped_number(b + 1, &b);
	UT_ASSERT(strncmp(b, ", mean ", 7) == 0);
	mean = grouped_number(b + 7, &b);
	if (most < mean || mean == 0)
		UT_FAIL("busiest client %lu faults, mean %lu", most, mean);
}

/* The number after `key` on the line that starts at `line`, or -1. */
static long line_field(const char *line, const char *key)
{
	const char *end = strchr(line, '\n'), *k = strstr(line, key);

	return k && (!end || k < end) ? strtol(k + strlen(key), NULL, 10) : -1;
}

/*
 * The 2 MiB leaves pgbench -L makes at startup are on the startup line
 * (issue 22: they once appeared only on the run line): 8 MiB on 2 MiB
 * pages is four leaves in the object's PD, which the clients copy into
 * their own PDs.
 */
UTEST(pgbench_large_startup_line_counts_the_leaves_it_made)
{
	UT_NEEDS_OWN_KERNEL("the 2 MiB leaf counters");
	long optimize = 0, leaves, copies;
	const char *at;

	UT_ASSERT_OK(sysctl_get("machdep.pmap_mmu_optimize", &optimize));
	UT_ASSERT_OK(sysctl_set("machdep.pmap_mmu_optimize", 1));   /* the baseline boot has it off */
	run_tool((char *[]){ "pgbench", "-L", "-c", "2", "-s", "8", "-t", "10", NULL }, 0,
	    "pgbench: checksum=ok");
	sysctl_set("machdep.pmap_mmu_optimize", optimize);
	at = strstr(out, "pgbench: phase=startup ");
	UT_ASSERT(at != NULL);
	leaves = line_field(at, " obj_leaves=");
	copies = line_field(at, " leaf_copies=");
	if (leaves != 4 || copies <= 0)
		UT_FAIL("startup line: obj_leaves=%ld leaf_copies=%ld, want 4 and some", leaves,
		    copies);
}

/*
 * The fair baseline of issue 22: with sharing off, each client maps each
 * 2 MiB page with one private leaf and one PV entry (as Linux maps a
 * hugetlb page without PMD sharing), not 512 PTEs: 2 clients x 4 leaves.
 */
UTEST(pgbench_large_baseline_maps_one_private_leaf_per_2mib_per_client)
{
	UT_NEEDS_OWN_KERNEL("the 2 MiB leaf counters");
	long optimize = 0;
	const char *at;

	UT_ASSERT_OK(sysctl_get("machdep.pmap_mmu_optimize", &optimize));
	UT_ASSERT_OK(sysctl_set("machdep.pmap_mmu_optimize", 0));
	run_tool((char *[]){ "pgbench", "-L", "-c", "2", "-s", "8", "-t", "10", NULL }, 0,
	    "pgbench: checksum=ok");
	sysctl_set("machdep.pmap_mmu_optimize", optimize);
	at = strstr(out, "pgbench: phase=startup ");
	UT_ASSERT(at != NULL);
	UT_ASSERT_EQ(8, line_field(at, " leaf_private="));
	UT_ASSERT_EQ(8, line_field(at, " pv_entries="));
	UT_ASSERT_EQ(8, line_field(at, " faults_per_client=") * 2);
	UT_ASSERT_EQ(0, line_field(at, " obj_leaves="));
}

/* Reads fd into buf (*n bytes so far) until `text` occurs `times` times; false at EOF. */
static bool read_until(int fd, char *buf, size_t size, size_t *n, const char *text, int times)
{
	long got;

	for (;;) {
		int seen = 0;

		buf[*n] = '\0';
		for (const char *p = buf; (p = strstr(p, text)) != NULL; p += strlen(text))
			seen++;
		if (seen >= times)
			return true;
		if (*n >= size - 1 || (got = read(fd, buf + *n, size - 1 - *n)) <= 0)
			return false;
		*n += (size_t)got;
	}
}

/*
 * The demo prints the id of the segment it makes, and that id is one
 * `ptdump -o` dumps: `demo --step` runs with its input and output through
 * pipes; once step 2 (sharing on, whose segment lives to the end) has
 * printed its id and the demo waits for Enter, ptdump -o dumps that id;
 * then Enter lets the demo run to its end.
 */
UTEST(demo_prints_a_segment_id_that_ptdump_dumps)
{
	UT_NEEDS_OWN_KERNEL("the demo and ptdump -o need this kernel");
	static char text[16384];
	int in[2], from[2], pid, status, shmid;
	const char *at;
	char id[16];
	size_t n = 0;

	UT_ASSERT_EQ(0, pipe2(in, O_CLOEXEC));
	UT_ASSERT_EQ(0, pipe2(from, O_CLOEXEC));
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(from[1], 1) < 0)
			_exit(101);
		execv("/usr/bin/demo", (char *[]){ "demo", "--step", NULL });
		_exit(100);
	}
	close(in[0]);
	close(from[1]);
	if (!read_until(from[0], text, sizeof(text), &n, "[press Enter", 1))
		UT_FAIL("the demo ended before its first pause: %.300s", text);
	UT_ASSERT_EQ(1, write(in[1], "\n", 1));
	if (!read_until(from[0], text, sizeof(text), &n, "[press Enter", 2))
		UT_FAIL("the demo ended before its second pause: %.300s", text);
	at = strstr(text, "Step 2 of");
	UT_ASSERT(at != NULL && (at = strstr(at, "SysV id ")) != NULL);
	shmid = atoi(at + strlen("SysV id "));
	snprintf(id, sizeof(id), "%d", shmid);
	TOOL(0, "object ", "ptdump", "-o", id);
	for (int i = 0; i < 6; i++)
		UT_ASSERT_EQ(1, write(in[1], "\n", 1));
	close(in[1]);
	while (read(from[0], text, sizeof(text)) > 0)   /* the rest, until it ends */
		;
	close(from[0]);
	UT_ASSERT_EQ(pid, waitpid_timeout(pid, &status, UT_RUN_LIMIT_MS));
	UT_ASSERT_EQ(W_EXITCODE(0), status);
}

int main(int argc, char **argv)
{
	return utest_main("tools", argc, argv);
}
