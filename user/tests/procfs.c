/*
 * Test suite "procfs": the /proc file system, in the formats proc(5)
 * gives and busybox's ps, free, uptime, sysctl and ipcs parse: a
 * process's stat, status and cmdline, /proc/self, a zombie, the listing,
 * meminfo, vmstat, uptime, loadavg, sysvipc/shm, and /proc/sys (this
 * kernel's sysctl knobs as files, their range checks; uname's read-only
 * ones), with the errors of unknown processes, read-only files and bad
 * pointers. On Linux the same cases read Linux's /proc (tests/linux/init
 * mounts it); the ones about this kernel's knobs and counters skip there.
 */
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "utest.h"

#define SC(n, a, b, c, d) syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define STAT_FIELDS 52            /* of /proc/PID/stat on Linux 6.1 and here */

static int saved_argc;
static char **saved_argv;

/* Reads the whole file at path into buf (NUL-terminated): its length, or -errno. */
static long slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	long r = 0;

	if (fd < 0)
		return -errno;
	while (n + 1 < len && (r = sys_read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = '\0';
	return r < 0 ? r : (long)n;
}

/* The value after "name:" in status-like text, or -1. */
static long field_of(const char *text, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "\n%s:", name);
	if (strncmp(text, key + 1, strlen(key + 1)) == 0)
		p = text + strlen(key + 1);
	else if ((p = strstr(text, key)) != NULL)
		p += strlen(key);
	else
		return -1;
	return strtol(p, NULL, 10);
}

/* Splits /proc/PID/stat's text after "(comm)" into fields (from field 3); their count. */
static int stat_fields(char *text, char *comm, size_t commlen, char **fields, int max)
{
	char *open = strchr(text, '('), *close = strrchr(text, ')'), *save = NULL, *tok;
	int n = 0;

	if (!open || !close || close < open)
		return -1;
	snprintf(comm, commlen, "%.*s", (int)(close - open - 1), open + 1);
	for (tok = strtok_r(close + 1, " \n", &save); tok && n < max;
	     tok = strtok_r(NULL, " \n", &save))
		fields[n++] = tok;
	return n + 2;       /* pid and comm */
}

/* ---- A process ---- */

UTEST(proc_self_is_a_link_to_the_callers_pid)
{
	char buf[32], want[32];
	struct stat st;

	snprintf(want, sizeof(want), "%d", getpid());
	UT_ASSERT_EQ((long)strlen(want), readlink("/proc/self", buf, sizeof(buf)));
	UT_ASSERT(memcmp(buf, want, strlen(want)) == 0);
	UT_ASSERT_EQ(0, lstat("/proc/self", &st));
	UT_ASSERT(S_ISLNK(st.st_mode));
	UT_ASSERT_EQ(0, stat("/proc/self", &st));
	UT_ASSERT(S_ISDIR(st.st_mode));
	UT_ASSERT_EQ(0, st.st_uid);         /* busybox's ps takes the user from here */
	UT_ASSERT_EQ(-EFAULT, SC(NR_readlink, "/proc/self", 1, 32, 0));
}

/* A process's directory can be the working directory: getcwd names it by pid. */
UTEST(getcwd_in_a_process_directory_names_it_by_pid)
{
	char want[32], cwd[64];

	snprintf(want, sizeof(want), "/proc/%d", getpid());
	UT_ASSERT_EQ(0, chdir("/proc/self"));
	UT_ASSERT(getcwd(cwd, sizeof(cwd)) != NULL);
	UT_ASSERT_EQ(0, chdir("/"));
	if (strcmp(cwd, want) != 0)
		UT_FAIL("getcwd in /proc/self gave %s, want %s", cwd, want);
}

UTEST(pid_stat_has_proc5s_fields_for_the_caller)
{
	char text[1024], comm[32], *f[64];
	int n;

	UT_ASSERT(slurp("/proc/self/stat", text, sizeof(text)) > 0);
	UT_ASSERT_EQ(getpid(), atoi(text));
	n = stat_fields(text, comm, sizeof(comm), f, 64);
	UT_ASSERT_EQ(STAT_FIELDS, n);
	UT_ASSERT(strcmp(comm, "procfs") == 0);
	UT_ASSERT(strcmp(f[0], "R") == 0);                 /* 3: it is running, reading */
	UT_ASSERT_EQ(getppid(), atoi(f[1]));               /* 4 */
	UT_ASSERT_EQ(getpgrp(), atoi(f[2]));               /* 5 */
	UT_ASSERT_EQ(getsid(0), atoi(f[3]));               /* 6 */
	UT_ASSERT_EQ(1, atoi(f[17]));                      /* 20: threads */
	UT_ASSERT(strtoul(f[20], NULL, 10) > 0);           /* 23: vsize, bytes */
	UT_ASSERT(strtol(f[21], NULL, 10) > 0);            /* 24: rss, pages */
}

UTEST(pid_status_names_the_process_and_its_parent)
{
	char path[64], text[2048];
	int ppid = getppid();

	snprintf(path, sizeof(path), "/proc/%d/status", ppid);
	UT_ASSERT(slurp(path, text, sizeof(text)) > 0);
	UT_ASSERT(strncmp(text, "Name:\tprocfs\n", 13) == 0);
	/* The runner waits for the case in short sleeps: asleep, or just awake. */
	UT_ASSERT(strstr(text, "\nState:\tS (sleeping)\n") || strstr(text, "\nState:\tR (running)\n"));
	UT_ASSERT_EQ(ppid, field_of(text, "Pid"));
	UT_ASSERT_EQ(getpgid(ppid), field_of(text, "NSpgid"));
	UT_ASSERT_EQ(0, field_of(text, "Uid"));
	UT_ASSERT_EQ(1, field_of(text, "Threads"));
	UT_ASSERT(field_of(text, "VmRSS") > 0);
}

UTEST(cmdline_holds_the_arguments_each_ending_in_nul)
{
	char text[512], want[512];
	size_t len = 0;
	long n;

	for (int i = 0; i < saved_argc; i++) {
		memcpy(want + len, saved_argv[i], strlen(saved_argv[i]) + 1);
		len += strlen(saved_argv[i]) + 1;
	}
	n = slurp("/proc/self/cmdline", text, sizeof(text));
	UT_ASSERT_EQ((long)len, n);
	UT_ASSERT(memcmp(text, want, len) == 0);
}

UTEST(prctl_set_name_shows_in_stat_status_and_get_name)
{
	char name[16] = "", text[1024];

	UT_ASSERT_EQ(0, SC(NR_prctl, PR_SET_NAME, "renamed", 0, 0));
	UT_ASSERT_EQ(0, SC(NR_prctl, PR_GET_NAME, name, 0, 0));
	UT_ASSERT(strcmp(name, "renamed") == 0);
	UT_ASSERT(slurp("/proc/self/stat", text, sizeof(text)) > 0);
	UT_ASSERT(strstr(text, " (renamed) ") != NULL);
	UT_ASSERT(slurp("/proc/self/status", text, sizeof(text)) > 0);
	UT_ASSERT(strncmp(text, "Name:\trenamed\n", 14) == 0);
	/* A longer name is cut to 15 bytes. */
	UT_ASSERT_EQ(0, SC(NR_prctl, PR_SET_NAME, "abcdefghijklmnopqrstuvwxyz", 0, 0));
	UT_ASSERT_EQ(0, SC(NR_prctl, PR_GET_NAME, name, 0, 0));
	UT_ASSERT(strcmp(name, "abcdefghijklmno") == 0);
	UT_ASSERT_EQ(-EFAULT, SC(NR_prctl, PR_SET_NAME, 1, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_prctl, PR_GET_NAME, 1, 0, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_prctl, 0x7fff, 0, 0, 0));
}

UTEST(a_zombie_shows_state_z_an_empty_cmdline_and_goes_when_reaped)
{
	char path[64], text[1024], comm[32], *f[64];
	int pid = fork(), status, tries;

	UT_ASSERT_OK(pid);
	if (pid == 0)
		_exit(3);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (tries = 0; tries < 500; tries++) {
		UT_ASSERT(slurp(path, text, sizeof(text)) > 0);
		UT_ASSERT(stat_fields(text, comm, sizeof(comm), f, 64) == STAT_FIELDS);
		if (strcmp(f[0], "Z") == 0)
			break;
		sleep_ms(2);
	}
	UT_ASSERT(tries < 500);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	UT_ASSERT_EQ(0, slurp(path, text, sizeof(text)));
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT_EQ(W_EXITCODE(3), status);
	snprintf(path, sizeof(path), "/proc/%d", pid);
	UT_ASSERT_EQ(-ENOENT, slurp(path, text, sizeof(text)));
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	UT_ASSERT_EQ(-ENOENT, slurp(path, text, sizeof(text)));
}

UTEST(an_open_stat_of_a_process_that_is_gone_reads_esrch)
{
	char path[64], buf[256];
	int pid = fork(), fd, status;

	UT_ASSERT_OK(pid);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	UT_ASSERT_OK(fd);
	kill(pid, SIGKILL);
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT_EQ(-ESRCH, sys_read(fd, buf, sizeof(buf)));
	close(fd);
}

UTEST(unknown_processes_and_names_are_enoent)
{
	struct stat st;

	UT_ASSERT_EQ(-ENOENT, SC(NR_open, "/proc/999999/stat", O_RDONLY, 0, 0));
	UT_ASSERT_EQ(-ENOENT, SC(NR_stat, "/proc/0", &st, 0, 0));
	UT_ASSERT_EQ(-ENOENT, SC(NR_stat, "/proc/01", &st, 0, 0));
	UT_ASSERT_EQ(-ENOENT, SC(NR_stat, "/proc/12abc", &st, 0, 0));
	UT_ASSERT_EQ(-ENOENT, SC(NR_stat, "/proc/99999999999999999999", &st, 0, 0));
	UT_ASSERT_EQ(-ENOENT, SC(NR_stat, "/proc/self/nothing", &st, 0, 0));
	UT_ASSERT_EQ(-ENOENT, SC(NR_stat, "/proc/no-such-file", &st, 0, 0));
	UT_ASSERT_EQ(-ENOTDIR, SC(NR_stat, "/proc/self/stat/x", &st, 0, 0));
	UT_ASSERT_EQ(-EFAULT, SC(NR_open, 1, O_RDONLY, 0, 0));
}

/* True when directory path lists name. */
static bool lists(const char *path, const char *name)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while ((e = readdir(d)) != NULL && !found)
		found = strcmp(e->d_name, name) == 0;
	closedir(d);
	return found;
}

UTEST(proc_lists_self_the_processes_and_each_ones_files)
{
	char me[16], path[64];
	int pid = fork(), status;

	UT_ASSERT_OK(pid);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	snprintf(me, sizeof(me), "%d", getpid());
	UT_ASSERT(lists("/proc", "self"));
	UT_ASSERT(lists("/proc", me));
	UT_ASSERT(lists("/proc", "1"));
	UT_ASSERT(lists("/proc", "meminfo"));
	UT_ASSERT(lists("/proc", "sys"));
	snprintf(me, sizeof(me), "%d", pid);
	UT_ASSERT(lists("/proc", me));
	snprintf(path, sizeof(path), "/proc/%d", pid);
	UT_ASSERT(lists(path, "stat"));
	UT_ASSERT(lists(path, "status"));
	UT_ASSERT(lists(path, "cmdline"));
	kill(pid, SIGKILL);
	UT_ASSERT_EQ(pid, waitpid(pid, &status, 0));
	UT_ASSERT(!lists("/proc", me));
}

UTEST(reading_in_pieces_and_again_from_the_start_gives_the_same_text)
{
	char whole[512], pieces[512];
	long n = slurp("/proc/self/cmdline", whole, sizeof(whole));
	int fd = open("/proc/self/cmdline", O_RDONLY);
	long i;

	UT_ASSERT(n > 0);
	UT_ASSERT_OK(fd);
	for (i = 0; i < n + 1; i++) {
		long r = sys_read(fd, pieces + i, 1);

		UT_ASSERT_EQ(i < n ? 1 : 0, r);
	}
	UT_ASSERT(memcmp(whole, pieces, (size_t)n) == 0);
	UT_ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	UT_ASSERT_EQ(n, sys_read(fd, pieces, sizeof(pieces)));
	UT_ASSERT(memcmp(whole, pieces, (size_t)n) == 0);
	UT_ASSERT_EQ(n - 2, SC(NR_pread64, fd, pieces, sizeof(pieces), 2));
	UT_ASSERT(memcmp(whole + 2, pieces, (size_t)n - 2) == 0);
	UT_ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	UT_ASSERT_EQ(-EFAULT, sys_read(fd, (void *)1, 16));
	UT_ASSERT_EQ(-EFAULT, SC(NR_pread64, fd, 1, 16, 0));
	UT_ASSERT_EQ(-EINVAL, SC(NR_lseek, fd, -1, SEEK_SET, 0));
	close(fd);
}

/* ---- The system ---- */

/* meminfo's "Name:   N kB" value, in kB, or -1. */
static long meminfo_kb(const char *text, const char *name)
{
	long v = field_of(text, name);
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "%s:", name);
	p = strstr(text, key);
	if (v < 0 || !p || !strstr(p, " kB\n"))
		return -1;
	return v;
}

UTEST(meminfo_has_the_lines_free_reads_in_kb)
{
	char text[4096];
	struct vmstat before, after;
	long total, free_kb;

	before = ut_vmstat(0);
	UT_ASSERT(slurp("/proc/meminfo", text, sizeof(text)) > 0);
	after = ut_vmstat(0);
	UT_ASSERT(strncmp(text, "MemTotal:", 9) == 0);
	total = meminfo_kb(text, "MemTotal");
	free_kb = meminfo_kb(text, "MemFree");
	UT_ASSERT(total > 0);
	UT_ASSERT(free_kb > 0 && free_kb <= total);
	UT_ASSERT(meminfo_kb(text, "MemAvailable") >= 0);
	UT_ASSERT(meminfo_kb(text, "Buffers") >= 0);
	UT_ASSERT(meminfo_kb(text, "Cached") >= 0);
	UT_ASSERT(meminfo_kb(text, "SwapTotal") >= 0);
	UT_ASSERT(meminfo_kb(text, "SwapFree") >= 0);
	UT_ASSERT(meminfo_kb(text, "Shmem") >= 0);
	UT_ASSERT(meminfo_kb(text, "PageTables") >= 0);
	if (own_kernel()) {
		/* this kernel's counters: the same pages, but for the few making the text takes */
		UT_ASSERT_EQ((long)before.total_pages * 4, total);
		UT_ASSERT(free_kb <= (long)MAX(before.free_pages, after.free_pages) * 4);
		UT_ASSERT(free_kb >= (long)MIN(before.free_pages, after.free_pages) * 4 - 64);
	}
}

UTEST(vmstat_is_name_value_lines_with_this_kernels_counters)
{
	char text[8192], *line, *save = NULL;
	bool free_seen = false, pgfault_seen = false, faults_seen = false;
	struct vmstat vs;
	int lines = 0;

	UT_ASSERT(slurp("/proc/vmstat", text, sizeof(text)) > 0);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64], *end;
		const char *sp = strchr(line, ' ');
		unsigned long v;

		UT_ASSERT(sp != NULL && sp > line && (size_t)(sp - line) < sizeof(name));
		snprintf(name, sizeof(name), "%.*s", (int)(sp - line), line);
		v = strtoul(sp + 1, &end, 10);
		UT_ASSERT(end > sp + 1 && *end == '\0');
		free_seen |= strcmp(name, "nr_free_pages") == 0 && v > 0;
		pgfault_seen |= strcmp(name, "pgfault") == 0;
		faults_seen |= strcmp(name, "faults") == 0;
		lines++;
	}
	UT_ASSERT(lines > 3);
	UT_ASSERT(free_seen);
	UT_ASSERT(pgfault_seen);
	if (own_kernel()) {
		UT_ASSERT(faults_seen);
		UT_ASSERT(slurp("/proc/vmstat", text, sizeof(text)) > 0);
		vs = ut_vmstat(0);
		UT_ASSERT(strstr(text, "\npt_pages ") != NULL);
		UT_ASSERT(strstr(text, "\nshm_segments ") != NULL);
		UT_ASSERT(strstr(text, "\ncpu0_shootdowns ") != NULL);
		UT_ASSERT(strstr(text, "\ntotal_pages ") != NULL);
		UT_ASSERT_EQ((long)vs.total_pages, strtol(strstr(text, "\ntotal_pages ") + 13, NULL, 10));
	}
}

UTEST(uptime_and_loadavg_parse_as_uptime_and_ps_read_them)
{
	char text[256];
	double up, idle, l1, l5, l15;
	int running, total, last;

	UT_ASSERT(slurp("/proc/uptime", text, sizeof(text)) > 0);
	UT_ASSERT_EQ(2, sscanf(text, "%lf %lf", &up, &idle));
	UT_ASSERT(up > 0);
	UT_ASSERT(slurp("/proc/loadavg", text, sizeof(text)) > 0);
	UT_ASSERT_EQ(6, sscanf(text, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running, &total,
	                       &last));
	UT_ASSERT(running >= 1 && running <= total);
	UT_ASSERT(last >= getpid());
	UT_ASSERT(slurp("/proc/version", text, sizeof(text)) > 0);
	UT_ASSERT(strncmp(text, "Linux version ", 14) == 0);
	UT_ASSERT_EQ('\n', text[strlen(text) - 1]);
}

UTEST(sysvipc_shm_lists_a_segment_in_linuxs_columns)
{
	static const char *header[] = { "key", "shmid", "perms", "size", "cpid", "lpid", "nattch",
	                                "uid", "gid", "cuid", "cgid", "atime", "dtime", "ctime",
	                                "rss", "swap" };
	char text[8192], *save = NULL, *tok, *line;
	int id = (int)sys_shmget(0x5eed1234, 12345, IPC_CREAT | 0640), i = 0;
	bool found = false;
	void *at;

	UT_ASSERT_OK(id);
	at = sys_shmat(id, NULL, 0);
	UT_ASSERT_OK(ptr_err(at));
	UT_ASSERT(slurp("/proc/sysvipc/shm", text, sizeof(text)) > 0);
	sys_shmdt(at);
	sys_shmctl(id, IPC_RMID, NULL);
	line = strtok_r(text, "\n", &save);
	for (char *s2 = NULL, *t = strtok_r(line, " ", &s2); t; t = strtok_r(NULL, " ", &s2), i++)
		UT_ASSERT(i < 16 && strcmp(t, header[i]) == 0);
	UT_ASSERT_EQ(16, i);
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		long v[16];
		char *s2 = NULL;

		for (i = 0, tok = strtok_r(line, " ", &s2); tok && i < 16;
		     tok = strtok_r(NULL, " ", &s2), i++)
			v[i] = strtol(tok, NULL, i == 2 ? 8 : 10);
		UT_ASSERT_EQ(16, i);
		if (v[1] != id)
			continue;
		found = true;
		UT_ASSERT_EQ(0x5eed1234, v[0]);
		UT_ASSERT_EQ(0640, v[2] & 0777);
		UT_ASSERT_EQ(12345, v[3]);
		UT_ASSERT_EQ(getpid(), v[4]);
		UT_ASSERT_EQ(getpid(), v[5]);
		UT_ASSERT_EQ(1, v[6]);
	}
	UT_ASSERT(found);
}

/* ---- /proc/sys ---- */

UTEST(every_sysctl_knob_is_a_file_under_proc_sys)
{
	char name[64], path[128], text[64];
	int i;

	UT_NEEDS_OWN_KERNEL("this kernel's sysctl knobs");
	for (i = 0; sysctl_list(i, name, sizeof(name)) == 0; i++) {
		long v;

		snprintf(path, sizeof(path), "/proc/sys/%s", name);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		UT_ASSERT_EQ(0, sysctl_get(name, &v));
		UT_ASSERT(slurp(path, text, sizeof(text)) > 0);
		UT_ASSERT_EQ(v, strtol(text, NULL, 10));
		UT_ASSERT_EQ('\n', text[strlen(text) - 1]);
	}
	UT_ASSERT(i > 3);
}

/* Writes text to the file at path in one write: the write's result, or -errno from open. */
static long put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	long r;

	if (fd < 0)
		return -errno;
	r = sys_write(fd, text, strlen(text));
	close(fd);
	return r;
}

UTEST(writing_a_knobs_file_sets_it_with_the_knobs_range_check)
{
	const char *path = "/proc/sys/machdep/pmap_mmu_optimize";
	char text[32];
	long was, now;
	int fd;

	UT_NEEDS_OWN_KERNEL("this kernel's sysctl knob machdep.pmap_mmu_optimize");
	UT_ASSERT_EQ(0, sysctl_get("machdep.pmap_mmu_optimize", &was));
	UT_ASSERT_EQ(2, put(path, was ? "0\n" : "1\n"));
	UT_ASSERT_EQ(0, sysctl_get("machdep.pmap_mmu_optimize", &now));
	UT_ASSERT_EQ(!was, now);
	UT_ASSERT(slurp(path, text, sizeof(text)) > 0);
	UT_ASSERT_EQ(!was, strtol(text, NULL, 10));
	UT_ASSERT_EQ(-EINVAL, put(path, "2\n"));          /* outside 0..1 */
	UT_ASSERT_EQ(-EINVAL, put(path, "-1"));
	UT_ASSERT_EQ(-EINVAL, put(path, "one"));
	UT_ASSERT_EQ(-EINVAL, put(path, "1 2"));
	UT_ASSERT_EQ(-EINVAL, put(path, "99999999999999999999999"));
	UT_ASSERT_EQ(0, sysctl_get("machdep.pmap_mmu_optimize", &now));
	UT_ASSERT_EQ(!was, now);                          /* the refused writes changed nothing */
	fd = open(path, O_WRONLY);
	UT_ASSERT_OK(fd);
	UT_ASSERT_EQ(-EFAULT, sys_write(fd, (void *)1, 2));
	UT_ASSERT_EQ(-EBADF, sys_read(fd, text, sizeof(text)));
	close(fd);
	UT_ASSERT_EQ(3, put(path, was ? " 1\n" : " 0\n"));
	UT_ASSERT_EQ(0, sysctl_get("machdep.pmap_mmu_optimize", &now));
	UT_ASSERT_EQ(was, now);
	UT_ASSERT_EQ(0, access(path, W_OK));
}

UTEST(a_read_only_sysctl_file_refuses_writing_with_eacces)
{
	const char *path = "/proc/sys/kernel/osrelease";
	char text[128];
	struct utsname u;

	UT_ASSERT_EQ(0, uname(&u));
	UT_ASSERT(slurp(path, text, sizeof(text)) > 0);
	UT_ASSERT(strncmp(text, u.release, strlen(u.release)) == 0);
	UT_ASSERT_EQ('\n', text[strlen(u.release)]);
	UT_ASSERT(slurp("/proc/sys/kernel/ostype", text, sizeof(text)) > 0);
	UT_ASSERT(strcmp(text, "Linux\n") == 0);
	UT_ASSERT_EQ(-EACCES, SC(NR_open, path, O_WRONLY, 0, 0));
	UT_ASSERT_EQ(-EACCES, SC(NR_open, path, O_RDWR, 0, 0));
	UT_ASSERT_EQ(-EACCES, SC(NR_access, path, W_OK, 0, 0));
	UT_ASSERT(SC(NR_mkdir, "/proc/sys/newdir", 0755, 0, 0) < 0);
}

/* ---- Memory ---- */

UTEST(looking_up_and_listing_many_processes_leaves_nothing_behind)
{
	char path[64], text[256];
	long before, after;
	struct stat st;

	UT_NEEDS_OWN_KERNEL("free page counts (vmstat)");
	ut_touch_stack();
	for (int round = 0; round < 2; round++) {
		before = ut_free_pages();
		for (int pid = 1; pid < 400; pid++) {
			snprintf(path, sizeof(path), "/proc/%d/status", pid);
			SC(NR_stat, path, &st, 0, 0);
		}
		for (int i = 0; i < 20; i++) {
			UT_ASSERT(lists("/proc", "self"));
			UT_ASSERT(slurp("/proc/self/stat", text, sizeof(text)) > 0);
			UT_ASSERT(slurp("/proc/sysvipc/shm", text, sizeof(text)) > 0);
		}
		after = ut_free_pages_settle(before);
		if (round == 1)     /* the first round may grow stdio's and the heap's own */
			UT_ASSERT_EQ(before, after);
	}
}

int main(int argc, char **argv)
{
	saved_argc = argc;
	saved_argv = argv;
	return utest_main("procfs", argc, argv);
}
