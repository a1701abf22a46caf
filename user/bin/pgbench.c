/*
 * pgbench: a PostgreSQL-like shared-buffer workload, measured with the
 * kernel's VM counters.
 *
 *	pgbench [-c CLIENTS] [-s MIB] [-m fork|exec|thread|mmap]
 *	        [-b sysv|posix|file] [-t TXNS] [-r] [-k KEY] [-H SECONDS] [-T] [-v] [-L]
 *
 * (-h: every option with its range and default.) The line `segments: ...`
 * names the SysV ids of the buffer and the control area (for ptdump -o),
 * or the buffer's file (for ptdump -f);
 * -H SECONDS keeps the first clients attached that long after the run
 * (for ptdump PID).
 *
 * A shared buffer of MIB MiB (default 16) is used by CLIENTS clients
 * (default 4), like the shared buffers of a database server used by its
 * backends:
 *
 *   -m fork    forked children shmat the SysV segment (the default)
 *   -m exec    children exec /usr/bin/pgbench and attach by key (-k, default 5432)
 *   -m thread  threads of this process share one attachment
 *   -m mmap    a MAP_SHARED|MAP_ANONYMOUS buffer created before fork
 *
 * and the buffer is backed (-b, for fork, exec and thread) by
 *
 *   -b sysv    a SysV segment, key KEY (the default)
 *   -b posix   POSIX shared memory: shm_open("/pgbench-KEY"), ftruncate,
 *              and each client's own shm_open + mmap(MAP_SHARED)
 *   -b file    a file, /tmp/pgbench-KEY, made the same way with open()
 *
 * (the control area is a SysV segment, key KEY + 1, whatever the backing).
 *
 * Phases, each reported on one line:
 *   startup   each client attaches and touches every page (writes its tag
 *             into its own slot of every page, or reads with -r)
 *   run       each client does TXNS (default 1000) random 8-byte atomic
 *             read-modify-writes
 *   restart   a second generation of clients does startup + run against the
 *             surviving segment
 *   floor     pgbench itself, with the buffer mapped and populated (a first,
 *             untimed pass takes the faults), touches it with the startup's
 *             pattern once per client: the startup's memory work alone, with
 *             no fork, exec, exit, fault or page-table work, in the same
 *             run. Under TCG the emulator fills its software TLB per 4 KiB
 *             page even under 2 MiB pages, and that cost stays in the floor.
 *   teardown  the segment is removed (its memory and tables freed)
 * then `pgbench: checksum=ok` (or FAILED, exit status 1) after every client
 * of both generations has checked that it sees every other client's writes.
 *
 * Measurement. Clients are created first and wait, warmed up (stack, code
 * and control area already faulted in), so a window holds only the work of
 * the phase. Each phase line is key=value pairs from vmstat(0):
 *   faults, faults_object, faults_link, tlb_flushes   global deltas over the
 *             window;
 *   faults_per_client   mean of each client's own fault count over its
 *             attach + touch (+ run) (thread mode: the process delta / CLIENTS);
 *   pt_pages, pv_entries, leaf_private   peak minus the value at the
 *             start of the window: the private table pages, PV entries and
 *             private 2 MiB leaves (sharing off) the phase added, read
 *             while every client is attached and waiting (teardown: the
 *             change, usually negative);
 *   obj_pt_pages, obj_pd_pages, links   global values at the peak
 *             (links = PDE + PDPTE links); after the change for teardown;
 *   obj_leaves, leaf_copies, leaf_mirrors   2 MiB leaves of the objects,
 *             copied by processes, and the mirrors, global at the peak;
 *   ms        wall time of the window;
 *   ipis, shootdowns   TLB shootdown IPIs sent and shootdown requests
 *             served over the window, summed over every CPU (0 on one
 *             CPU: a shootdown only goes to other CPUs that have the
 *             changed address space loaded).
 * -T prints `pgbench: timeline t_ms=... faults=... phase=... dt_ms=...`
 * lines for startup, run and restart: the faults of the whole system in
 * each 10 ms interval of the phase, counted by the kernel's fault handler
 * (SYS_fault_timeline, uapi/fault_timeline.h), so counts and intervals
 * are exact however busy the CPUs are. t_ms is the end of the interval,
 * counted from the start of the phase; dt_ms its length: 10, except for
 * the last interval, cut where the phase ended. The kernel keeps the
 * first 4096 intervals (41 s) of a phase; a line `pgbench: timeline: N
 * more intervals not kept` says what was left out. -v prints each
 * client's fault counts.
 *
 * Data layout: every 4 KiB page has MAX_CLIENTS (256) tag slots (client j
 * writes TAG(gen, j, page) into slot j) and TXN_WORDS counters (the other
 * 256 words) that the run phase increments atomically. After the run each
 * client checks every slot of every page and sums every counter; the sum
 * must equal the number of transactions of all clients so far.
 *
 * Limits: CLIENTS <= MAX_CLIENTS (the tag slots of a page), and in thread
 * mode on this kernel <= MAX_THREAD_CLIENTS (16 threads per process, less
 * the main thread).
 */
#include "ulib.h"

#define MAX_CLIENTS 256     /* make bench-scale's largest run; TAG gives j 8 bits */
#define MAX_THREAD_CLIENTS 15
#define PAGE_WORDS  (PAGE_SIZE / sizeof(uint64_t))
#define TXN_WORDS   (PAGE_WORDS - MAX_CLIENTS)
#define DEFAULT_KEY 5432
#define SELF        "/usr/bin/pgbench"
#define FLOOR_GEN   3       /* the tags of the floor phase, after both generations */

enum mode { MODE_FORK, MODE_EXEC, MODE_THREAD, MODE_MMAP };
static const char *const mode_names[] = { "fork", "exec", "thread", "mmap" };
enum backing { BACK_SYSV, BACK_POSIX, BACK_FILE };
static const char *const backing_names[] = { "sysv", "posix", "file" };

/* One page of the shared buffer. */
struct buf_page {
	uint64_t slot[MAX_CLIENTS];
	uint64_t txn[TXN_WORDS];
};

/* Each client's slot and the run's counters share one page; j fits TAG's 8 bits. */
_Static_assert(sizeof(struct buf_page) == PAGE_SIZE, "a buffer page is one page");
_Static_assert(MAX_CLIENTS <= 256 && TXN_WORDS >= 64,
    "the client fits TAG's 8 bits, and the run has counters to spread over");

#define TAG(gen, j, page) \
	(0x5047000000000000ULL | ((uint64_t)(gen) << 40) | ((uint64_t)(j) << 32) | (page))

/* Steps of a client, in order; the parent's `cmd` releases each one. */
enum { STEP_BORN = 1, STEP_TOUCH, STEP_RUN, STEP_VERIFY };

/* What one client reports back (written by the client only). */
struct client_ctl {
	int step;                /* last step completed */
	int err;                 /* a syscall failed: -E code, see `what` */
	int what;                /* step where err happened */
	int pad;
	uint64_t faults_touch;   /* own faults over attach + touch */
	uint64_t faults_run;     /* own faults over the run */
	uint64_t bad_slots;      /* slots that did not hold the expected tag */
	uint64_t bad_page, bad_value;   /* the first of them */
	uint64_t read_sum;       /* -r: sum of the counters seen at startup */
	uint64_t txn_sum;        /* sum of all counters after the run */
} __attribute__((aligned(128)));   /* never straddles a page */

/* The control area shared by the parent and its clients. */
struct ctl {
	int cmd;                 /* (parent) highest step released */
	int gen;                 /* generation, 1 or 2 */
	int mode, backing, clients, read_only, shmid;
	int key;
	uint64_t npages, txns;
	struct client_ctl c[MAX_CLIENTS];   /* 128-byte aligned */
};

#define CTL_SIZE ((sizeof(struct ctl) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

static struct opts {
	int clients;
	int mib;
	enum mode mode;
	enum backing backing;
	int txns;
	bool read_only;
	int key;
	bool timeline;
	bool verbose;
	bool large;             /* -L: the buffer on 2 MiB pages */
	int hold;               /* -H: seconds the first clients stay attached */
} opt = { 4, 16, MODE_FORK, BACK_SYSV, 1000, false, DEFAULT_KEY, false, false, false, 0 };

static struct ctl *ctl;             /* the control area */
static struct buf_page *thread_buf; /* thread mode: the one attachment */
static int ctl_shmid = -1, buf_shmid = -1;
static bool buf_named;              /* -b posix, file: the buffer's name exists */
static struct buf_page *mmap_buf;   /* mmap mode */
static int pids[MAX_CLIENTS];
static pthread_t tids[MAX_CLIENTS];

static int load_int(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_int(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/*
 * On Linux (where this kernel's own calls are -ENOSYS) pgbench runs too,
 * for the comparison in make bench: faults come from getrusage and
 * /proc/vmstat, page-table memory from /proc/meminfo, and the counters
 * only this kernel has (links, object tables, PV entries) read 0.
 */
static bool on_linux;

/* The caller's own fault count (all threads of the process). */
static uint64_t own_faults(void)
{
	struct rusage ru;
	struct vmstat vs;

	if (on_linux)
		return getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_minflt : 0;
	return vmstat(getpid(), &vs) == 0 ? vs.faults : 0;
}

/* The number after `key` in a /proc file of Linux, or 0. */
static uint64_t proc_value(const char *path, const char *key)
{
	static char text[8192];
	int fd = open(path, O_RDONLY);
	uint64_t v;
	long n;
	char *at;

	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	if (!(at = strstr(text, key)))
		return 0;
	for (at += strlen(key); *at == ' '; at++)
		;
	for (v = 0; *at >= '0' && *at <= '9'; at++)
		v = v * 10 + (uint64_t)(*at - '0');
	return v;
}

/* The system-wide counters: this kernel's vmstat, or what Linux tells. */
static void global_counters(struct vmstat *vs)
{
	if (!on_linux) {
		vmstat(0, vs);
		return;
	}
	memset(vs, 0, sizeof(*vs));
	vs->faults = proc_value("/proc/vmstat", "pgfault ");
	vs->pt_pages = proc_value("/proc/meminfo", "PageTables:") / (PAGE_SIZE / 1024);
}

/* ---- the client ---- */

/* Startup: write our tag into our slot of each page, or (-r) read them all. */
static void __attribute__((noinline))
touch_pages(struct buf_page *buf, uint64_t npages, int gen, int idx, bool ro,
    uint64_t *read_sum)
{
	uint64_t p, w, sum = 0;

	for (p = 0; p < npages; p++) {
		if (!ro) {
			((volatile uint64_t *)buf[p].slot)[idx] = TAG(gen, idx, p);
			continue;
		}
		for (w = 0; w < TXN_WORDS; w++)
			sum += ((volatile uint64_t *)buf[p].txn)[w];
	}
	*read_sum = sum;
}

/* Run: txns random atomic increments of the counters. */
static void __attribute__((noinline))
run_txns(struct buf_page *buf, uint64_t npages, uint64_t txns, uint64_t seed)
{
	uint64_t s = seed | 1, t, r;

	for (t = 0; t < txns; t++) {
		r = rand_next_r(&s);
		__atomic_fetch_add(&buf[r % npages].txn[(r >> 32) % TXN_WORDS], 1,
		    __ATOMIC_RELAXED);
	}
}

/* After the run: checks every slot and sums every counter into *c. */
static void __attribute__((noinline))
verify_pages(struct buf_page *buf, uint64_t npages, int gen, int clients,
    bool ro, struct client_ctl *c)
{
	uint64_t p, w, j, want, got, sum = 0;

	for (p = 0; p < npages; p++) {
		for (j = 0; j < MAX_CLIENTS; j++) {
			want = (!ro && j < (uint64_t)clients) ? TAG(gen, j, p) : 0;
			got = ((volatile uint64_t *)buf[p].slot)[j];
			if (got != want && c->bad_slots++ == 0) {
				c->bad_page = p;
				c->bad_value = got;
			}
		}
		for (w = 0; w < TXN_WORDS; w++)
			sum += ((volatile uint64_t *)buf[p].txn)[w];
	}
	c->txn_sum = sum;
}

/* Waits until the parent releases `step`. */
static void wait_cmd(int step)
{
	while (load_int(&ctl->cmd) < step)
		sleep_ms(1);
}

/* Writes 16 KiB of stack, so the measured work takes no stack fault. */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char pad[16384];
	size_t i;

	for (i = 0; i < sizeof(pad); i += 512)
		pad[i] = 0;
}

/*
 * Faults in everything the measured part of a client uses besides the
 * buffer: the stack, the control area and the code of each call.
 */
static void warm_up(struct client_ctl *c)
{
	uint64_t dummy;

	touch_stack();
	memset(c, 0, sizeof(*c));       /* our control page, written */
	own_faults();
	clock_ns();
	(void)shmget(IPC_PRIVATE, 0, 0);   /* -EINVAL: size 0 */
	(void)shmat(-1, NULL, 0);          /* -EINVAL */
	(void)shmdt(NULL);                 /* -EINVAL */
	touch_pages(NULL, 0, 0, 0, false, &dummy);
	run_txns(NULL, 0, 0, 0);
	rand_next_r(&dummy);               /* run_txns's PRNG, in the libc */
	verify_pages(NULL, 0, 0, 0, false, c);
	sleep_ms(0);
	(void)load_int(&ctl->cmd);
}

/* Records a failed call (its errno) and tells the parent by completing the step. */
static int client_fail(struct client_ctl *c, int step, int err)
{
	c->err = err;
	c->what = step;
	store_int(&c->step, step);
	return 2;
}

/* The buffer's file name for -b posix (shm_open's) or -b file. */
static void buffer_name(int backing, int key, char *name, size_t len)
{
	snprintf(name, len, backing == BACK_POSIX ? "/pgbench-%d" : "/tmp/pgbench-%d", key);
}

/* Opens the buffer's file with flags: the descriptor, or -1 and errno. */
static int buffer_open(int backing, int key, int flags)
{
	char name[64];

	buffer_name(backing, key, name, sizeof(name));
	return backing == BACK_POSIX ? shm_open(name, flags, 0600)
	                             : open(name, flags | O_CLOEXEC, 0600);
}

/*
 * Maps the whole buffer: a SysV attach (exec'd clients find the segment by
 * key), or the file opened by name and mapped MAP_SHARED. Returns it, or
 * (void *)-1 and errno.
 */
static struct buf_page *buffer_attach(void)
{
	int id, fd, err;
	void *p;

	if (ctl->backing == BACK_SYSV) {
		id = ctl->mode == MODE_EXEC ? shmget(ctl->key, 0, 0) : ctl->shmid;
		return id < 0 ? (void *)-1 : shmat(id, NULL, 0);
	}
	fd = buffer_open(ctl->backing, ctl->key, O_RDWR);
	if (fd < 0)
		return (void *)-1;
	p = mmap(NULL, ctl->npages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = errno;
	close(fd);
	errno = err;
	return p == MAP_FAILED ? (void *)-1 : p;
}

/* Unmaps what buffer_attach() mapped: 0, or -1 and errno. */
static int buffer_detach(struct buf_page *buf)
{
	return ctl->backing == BACK_SYSV ? shmdt(buf) : munmap(buf, ctl->npages * PAGE_SIZE);
}

/* Removes the buffer's name (-b posix, file): 0, or -1 and errno. */
static int buffer_remove(void)
{
	char name[64];

	buffer_name(opt.backing, opt.key, name, sizeof(name));
	return opt.backing == BACK_POSIX ? shm_unlink(name) : unlink(name);
}

/* Attaches the buffer the way the mode says. Returns it, or (void *)-1 and errno. */
static struct buf_page *client_attach(void)
{
	switch (ctl->mode) {
	case MODE_FORK:
	case MODE_EXEC:
		return buffer_attach();
	case MODE_THREAD:
		return thread_buf;
	default:
		return mmap_buf;
	}
}

/*
 * A client: warm up, then attach and touch, run, verify, each step when
 * the parent releases it. Returns the exit code (0, or 2 after a failed
 * call that it reported in the control area).
 */
static int client(int idx)
{
	struct client_ctl *c = &ctl->c[idx];
	struct buf_page *buf;
	uint64_t f0, seed;
	int gen = ctl->gen;

	warm_up(c);
	store_int(&c->step, STEP_BORN);

	wait_cmd(STEP_TOUCH);
	f0 = own_faults();
	buf = client_attach();
	if (buf == (void *)-1)
		return client_fail(c, STEP_TOUCH, errno);
	touch_pages(buf, ctl->npages, gen, idx, ctl->read_only, &c->read_sum);
	c->faults_touch = own_faults() - f0;
	store_int(&c->step, STEP_TOUCH);

	wait_cmd(STEP_RUN);
	f0 = own_faults();
	seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(gen * MAX_CLIENTS + idx + 1);
	run_txns(buf, ctl->npages, ctl->txns, seed);
	c->faults_run = own_faults() - f0;
	store_int(&c->step, STEP_RUN);

	wait_cmd(STEP_VERIFY);
	verify_pages(buf, ctl->npages, gen, ctl->clients, ctl->read_only, c);
	if (ctl->mode == MODE_FORK || ctl->mode == MODE_EXEC) {
		if (buffer_detach(buf) < 0)
			return client_fail(c, STEP_VERIFY, errno);
	}
	store_int(&c->step, STEP_VERIFY);
	return 0;
}

static void *thread_client(void *arg)
{
	return (void *)(long)(client((int)(long)arg));
}

/* `pgbench --client KEY IDX`: an exec'd client. */
static int exec_client(int argc, char **argv)
{
	int key, idx, id;

	if (argc != 4)
		return 3;
	key = (int)strtol(argv[2], NULL, 0);
	idx = (int)strtol(argv[3], NULL, 0);
	id = shmget(key + 1, 0, 0);
	if (id < 0) {
		printf("pgbench: client %d: control segment: %s\n", idx, strerror(errno));
		return 3;
	}
	ctl = shmat(id, NULL, 0);
	if (ctl == (void *)-1) {
		printf("pgbench: client %d: shmat control: %s\n", idx, strerror(errno));
		return 3;
	}
	if (idx < 0 || idx >= ctl->clients || ctl->key != key)
		return 3;
	return client(idx);
}

/* ---- the fault-rate timeline (-T) ---- */

static uint64_t tl_buckets[FAULT_TIMELINE_BUCKETS];

/* Starts the kernel's record of faults per 10 ms interval. */
static void timeline_start(void)
{
	long r;

	if (!opt.timeline)
		return;
	r = fault_timeline(FAULT_TIMELINE_START, NULL, NULL, 0);
	if (r < 0) {
		printf("pgbench: timeline: %s\n", strerror(-r));
		opt.timeline = false;
	}
}

/*
 * Stops the record and prints one line per interval of the phase (see the
 * comment at the top for t_ms and dt_ms).
 */
static void timeline_finish(const char *phase)
{
	struct fault_timeline ft;
	uint64_t ivl_ms, end_ms, t0, t1;
	long n, i;

	if (!opt.timeline)
		return;
	n = fault_timeline(FAULT_TIMELINE_STOP, NULL, NULL, 0);
	if (n == 0)
		n = fault_timeline(FAULT_TIMELINE_READ, &ft, tl_buckets, FAULT_TIMELINE_BUCKETS);
	if (n < 0) {
		printf("pgbench: timeline: %s\n", strerror(-n));
		return;
	}
	ivl_ms = ft.bucket_ns / 1000000;
	end_ms = (ft.elapsed_ns + 999999) / 1000000;
	for (i = 0; i < n; i++) {
		t0 = (uint64_t)i * ivl_ms;
		t1 = MIN(t0 + ivl_ms, end_ms);
		printf("pgbench: timeline t_ms=%lu faults=%lu phase=%s dt_ms=%lu\n",
		    (unsigned long)t1, (unsigned long)tl_buckets[i], phase,
		    (unsigned long)(t1 - t0));
	}
	if (ft.dropped)
		printf("pgbench: timeline: %lu more intervals not kept (%lu faults)\n",
		    (unsigned long)ft.dropped, (unsigned long)ft.dropped_faults);
}

/* ---- the parent ---- */

static long knob(const char *name)
{
	long v = -1;

	sysctl_get(name, &v);
	return v;
}

/* Kills the clients, removes the segments and exits with status 2. */
static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;
	int i, status;

	printf("pgbench: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	for (i = 0; i < MAX_CLIENTS; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &status, 0);
		}
	if (buf_shmid >= 0)
		shmctl(buf_shmid, IPC_RMID, NULL);
	if (buf_named)
		buffer_remove();
	if (ctl_shmid >= 0)
		shmctl(ctl_shmid, IPC_RMID, NULL);
	exit(2);
}

/* Forgets clients that exited; dies if one did before finishing. */
static void check_children(void)
{
	int i, pid, status;

	if (opt.mode == MODE_THREAD)
		return;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < opt.clients; i++)
			if (pids[i] == pid)
				break;
		if (i < opt.clients)
			pids[i] = 0;
		if (i == opt.clients || load_int(&ctl->c[i].step) < STEP_VERIFY ||
		    status != 0)
			die("client %d (pid %d) ended early: %s %d", i, pid,
			    WIFSIGNALED(status) ? "signal" : "exit status",
			    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
}

/* Waits until every client has completed `step`; dies on a client error. */
static void wait_clients(int step)
{
	int i;

	for (i = 0; i < opt.clients; i++) {
		while (load_int(&ctl->c[i].step) < step) {
			check_children();
			sleep_ms(1);
		}
		if (ctl->c[i].err)
			die("client %d: step %d: %s", i, ctl->c[i].what,
			    strerror(ctl->c[i].err));
	}
}

/* Creates the clients of one generation and waits until all are warm. */
static void spawn_clients(void)
{
	char keys[16], idxs[16];
	char *argv[] = { "pgbench", "--client", keys, idxs, NULL };
	int i, pid, r;

	for (i = 0; i < opt.clients; i++) {
		if (opt.mode == MODE_THREAD) {
			r = pthread_create(&tids[i], NULL, thread_client, (void *)(long)i);
			if (r != 0)
				die("pthread_create: %s", strerror(r));
			continue;
		}
		snprintf(keys, sizeof(keys), "%d", opt.key);
		snprintf(idxs, sizeof(idxs), "%d", i);
		pid = fork();
		if (pid < 0)
			die("fork: %s%s", strerror(errno),
			    errno == EAGAIN ? " (the kernel runs at most 64 processes)" : "");
		if (pid == 0) {
			if (opt.mode == MODE_EXEC) {
				execv(SELF, argv);
				printf("pgbench: exec %s: %s\n", SELF, strerror(errno));
				exit(3);
			}
			exit(client(i));
		}
		pids[i] = pid;
	}
	wait_clients(STEP_BORN);
}

/* Waits for every client to end and checks that each ended well. */
static void reap_clients(void)
{
	void *code;
	int i, status;

	for (i = 0; i < opt.clients; i++) {
		if (opt.mode == MODE_THREAD) {
			pthread_join(tids[i], &code);
			if (code != NULL)
				die("client thread %d returned %ld", i, (long)code);
			continue;
		}
		if (pids[i] <= 0)
			continue;
		if (waitpid(pids[i], &status, 0) != pids[i] || status != 0)
			die("client %d (pid %d) failed: status 0x%x", i, pids[i], status);
		pids[i] = 0;
	}
}

/* Counters at the start of a window and at its peak. */
struct window {
	struct vmstat g0, peak, g1;   /* global: start, peak, end */
	uint64_t self0, self1;        /* this process's faults (thread mode) */
	uint64_t t0, t1;              /* ns */
};

static void window_start(struct window *w)
{
	memset(w, 0, sizeof(*w));
	w->self0 = own_faults();
	global_counters(&w->g0);
	w->peak = w->g0;
	w->t0 = clock_ns();
}

/*
 * Samples the counters; the peak keeps the largest value seen of every
 * gauge (tables, links, PV entries, 2 MiB leaves and their copies), so that
 * a phase line shows what that phase built, not what the one before left.
 */
static void window_sample(struct window *w)
{
	w->t1 = clock_ns();
	global_counters(&w->g1);
	w->self1 = own_faults();
	w->peak.pt_pages = MAX(w->peak.pt_pages, w->g1.pt_pages);
	w->peak.obj_pt_pages = MAX(w->peak.obj_pt_pages, w->g1.obj_pt_pages);
	w->peak.obj_pd_pages = MAX(w->peak.obj_pd_pages, w->g1.obj_pd_pages);
	w->peak.links_pde = MAX(w->peak.links_pde, w->g1.links_pde);
	w->peak.links_pdpte = MAX(w->peak.links_pdpte, w->g1.links_pdpte);
	w->peak.pv_entries = MAX(w->peak.pv_entries, w->g1.pv_entries);
	w->peak.obj_leaves = MAX(w->peak.obj_leaves, w->g1.obj_leaves);
	w->peak.leaf_copies = MAX(w->peak.leaf_copies, w->g1.leaf_copies);
	w->peak.leaf_mirrors = MAX(w->peak.leaf_mirrors, w->g1.leaf_mirrors);
	w->peak.leaf_private = MAX(w->peak.leaf_private, w->g1.leaf_private);
}

/* The sum over CPUs of one of the per-CPU shootdown counters of vs. */
static uint64_t cpu_sum(const struct vmstat *vs, const uint64_t *per_cpu)
{
	uint64_t i, sum = 0;

	for (i = 0; i < vs->cpus && i < VMSTAT_MAX_CPUS; i++)
		sum += per_cpu[i];
	return sum;
}

/* The faults the clients took in a window, as the phase line and the summary give them. */
struct client_faults {
	uint64_t mean;
	uint64_t most;     /* the busiest client's */
	int busiest;       /* its index; -1 when the clients are threads of one process */
};

/*
 * The summary for people under a phase line: time, faults in all and of the
 * busiest client (a mean hides that one client may take every fault), the
 * page-table pages the clients made and those the buffer's object owns,
 * and PV entries (none on Linux, which has no such counter). It does not
 * start with "pgbench:", so the scripts that parse those lines
 * (scripts/bench-report.awk) skip it.
 */
static void summary(const char *phase, const struct window *w, const struct client_faults *cf,
    long pt_pages, long pv_entries, bool teardown)
{
	const struct vmstat *a = &w->g0, *pk = teardown ? &w->g1 : &w->peak;
	long obj_tables = (long)(pk->obj_pt_pages + pk->obj_pd_pages);
	char n1[32], n2[32], n3[32];

	printf("  %s: %lu ms", phase, (unsigned long)((w->t1 - w->t0) / 1000000));
	if (teardown) {
		obj_tables = (long)(a->obj_pt_pages + a->obj_pd_pages) - obj_tables;
		printf("; page tables freed: %s of the clients', %s of the buffer's (%s KiB in all)",
		    grouped((uint64_t)MAX(-pt_pages, 0), n1), grouped((uint64_t)obj_tables, n2),
		    grouped((uint64_t)(MAX(-pt_pages, 0) + obj_tables) * 4, n3));
		if (!on_linux)
			printf("; PV entries freed: %s", grouped((uint64_t)MAX(-pv_entries, 0), n1));
		printf("\n");
		return;
	}
	printf("; %s faults", grouped(w->g1.faults - w->g0.faults, n1));
	if (cf->busiest >= 0 && cf->most)
		printf(" (busiest client #%d: %s, mean %s)", cf->busiest, grouped(cf->most, n1),
		    grouped(cf->mean, n2));
	else if (cf->busiest < 0 && cf->mean)
		printf(" (the clients are threads of one process: %s each on average)",
		    grouped(cf->mean, n1));
	printf("; page tables: %s new in the clients, %s owned by the buffer (%s KiB in all)",
	    grouped((uint64_t)MAX(pt_pages, 0), n1), grouped((uint64_t)obj_tables, n2),
	    grouped((uint64_t)(MAX(pt_pages, 0) + obj_tables) * 4, n3));
	if (!on_linux)
		printf("; PV entries: %s new", grouped((uint64_t)MAX(pv_entries, 0), n1));
	printf("\n");
}

static const char *const prof_names[] = VMSTAT_PROF_NAMES;

/* Cycles as milliseconds with one decimal, into buf. */
static const char *prof_ms(uint64_t cycles, uint64_t khz, char *buf, size_t len)
{
	uint64_t tenths = khz ? cycles * 10 / khz : 0;

	snprintf(buf, len, "%lu.%lu", (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
	return buf;
}

/*
 * Where the window's time went on this kernel (kernel/profile.h): the
 * line `pgbench: profile phase=P cpus=N ms=T user=... idle=...` (ms of
 * all CPUs together, so the parts add up to N x T), and for people the
 * parts that took 1 % and 0.1 ms or more, largest first.
 */
static void profile(const char *phase, const struct window *w)
{
	const struct vmstat *a = &w->g0, *b = &w->g1;
	uint64_t d[VMSTAT_PROF_PARTS], total = 0;
	bool shown[VMSTAT_PROF_PARTS] = { false };
	char ms[32];
	int p, best;

	if (on_linux)
		return;
	printf("pgbench: profile phase=%s cpus=%lu ms=%lu", phase, (unsigned long)b->cpus,
	    (unsigned long)((w->t1 - w->t0) / 1000000));
	for (p = 0; p < VMSTAT_PROF_PARTS; p++) {
		d[p] = b->prof_cycles[p] - a->prof_cycles[p];
		total += d[p];
		printf(" %s=%s", prof_names[p], prof_ms(d[p], b->tsc_khz, ms, sizeof(ms)));
	}
	printf("\n  %s, where the time went (all CPUs):", phase);
	for (;;) {
		best = -1;
		for (p = 0; p < VMSTAT_PROF_PARTS; p++)
			if (!shown[p] && d[p] * 100 >= total && d[p] * 10 >= b->tsc_khz &&
			    (best < 0 || d[p] > d[best]))
				best = p;
		if (best < 0 || total == 0)
			break;
		shown[best] = true;
		printf(" %s %s ms (%lu%%)", prof_names[best], prof_ms(d[best], b->tsc_khz, ms, sizeof(ms)),
		    (unsigned long)(d[best] * 100 / total));
	}
	printf("\n");
}

/* Prints one phase line for scripts and its summary for people. */
static void report(const char *phase, const struct window *w, const struct client_faults *cf,
    bool teardown)
{
	const struct vmstat *a = &w->g0, *b = &w->g1;
	const struct vmstat *pk = teardown ? b : &w->peak;
	uint64_t ipis = cpu_sum(b, b->cpu_ipis_sent) - cpu_sum(a, a->cpu_ipis_sent);
	uint64_t shootdowns = cpu_sum(b, b->cpu_shootdowns) - cpu_sum(a, a->cpu_shootdowns);

	printf("pgbench: phase=%s mode=%s backing=%s clients=%d shm_mib=%d optimize=%ld "
	    "share_pd=%ld prelink=%ld fault_around=%ld faults=%lu faults_per_client=%lu "
	    "faults_object=%lu faults_link=%lu pt_pages=%ld obj_pt_pages=%lu "
	    "obj_pd_pages=%lu links=%lu pv_entries=%ld tlb_flushes=%lu ms=%lu "
	    "access=%s shm_use_phys=%ld ipis=%lu shootdowns=%lu large=%d "
	    "faults_large=%lu obj_leaves=%lu leaf_copies=%lu leaf_mirrors=%lu leaf_private=%ld\n",
	    phase, mode_names[opt.mode], opt.mode == MODE_MMAP ? "anon" : backing_names[opt.backing],
	    opt.clients, opt.mib,
	    knob("machdep.pmap_mmu_optimize"), knob("machdep.pmap_share_pd"),
	    knob("machdep.pmap_prelink"), knob("vm.fault_around"),
	    (unsigned long)(b->faults - a->faults), (unsigned long)cf->mean,
	    (unsigned long)(b->faults_object - a->faults_object),
	    (unsigned long)(b->faults_link - a->faults_link),
	    (long)(pk->pt_pages - a->pt_pages), (unsigned long)pk->obj_pt_pages,
	    (unsigned long)pk->obj_pd_pages,
	    (unsigned long)(pk->links_pde + pk->links_pdpte),
	    (long)(pk->pv_entries - a->pv_entries),
	    (unsigned long)(b->tlb_flushes - a->tlb_flushes),
	    (unsigned long)((w->t1 - w->t0) / 1000000),
	    opt.read_only ? "read" : "write", knob("kern.ipc.shm_use_phys"),
	    (unsigned long)ipis, (unsigned long)shootdowns, opt.large,
	    (unsigned long)(b->faults_large - a->faults_large),
	    (unsigned long)pk->obj_leaves, (unsigned long)pk->leaf_copies,
	    (unsigned long)pk->leaf_mirrors, (long)(pk->leaf_private - a->leaf_private));
	summary(phase, w, cf, pk->pt_pages - a->pt_pages, pk->pv_entries - a->pv_entries, teardown);
	profile(phase, w);
}

/* The clients' faults over the window: touch, run or both. */
static struct client_faults per_client_faults(const struct window *w, bool touch, bool run)
{
	struct client_faults cf = { 0, 0, -1 };
	uint64_t sum = 0, f;
	int i;

	if (opt.mode == MODE_THREAD) {
		cf.mean = (w->self1 - w->self0) / opt.clients;
		return cf;
	}
	for (i = 0; i < opt.clients; i++) {
		f = (touch ? ctl->c[i].faults_touch : 0) + (run ? ctl->c[i].faults_run : 0);
		sum += f;
		if (cf.busiest < 0 || f > cf.most) {
			cf.most = f;
			cf.busiest = i;
		}
	}
	if (opt.verbose)
		for (i = 0; i < opt.clients; i++)
			printf("pgbench: client=%d faults_touch=%lu faults_run=%lu\n", i,
			    (unsigned long)ctl->c[i].faults_touch,
			    (unsigned long)ctl->c[i].faults_run);
	cf.mean = sum / opt.clients;
	return cf;
}

static uint64_t checksum_failures;

/* Checks what the clients of generation gen saw; prints each problem. */
static void check_generation(int gen)
{
	uint64_t txn_want = (uint64_t)gen * opt.clients * opt.txns;
	uint64_t read_want = (uint64_t)(gen - 1) * opt.clients * opt.txns;
	int i;

	for (i = 0; i < opt.clients; i++) {
		struct client_ctl *c = &ctl->c[i];

		if (c->bad_slots) {
			printf("pgbench: checksum=FAILED gen=%d client=%d bad_slots=%lu "
			    "first_page=%lu value=0x%lx\n", gen, i,
			    (unsigned long)c->bad_slots, (unsigned long)c->bad_page,
			    (unsigned long)c->bad_value);
			checksum_failures++;
		}
		if (c->txn_sum != txn_want) {
			printf("pgbench: checksum=FAILED gen=%d client=%d txn_sum=%lu "
			    "expected=%lu\n", gen, i, (unsigned long)c->txn_sum,
			    (unsigned long)txn_want);
			checksum_failures++;
		}
		if (opt.read_only && c->read_sum != read_want) {
			printf("pgbench: checksum=FAILED gen=%d client=%d read_sum=%lu "
			    "expected=%lu\n", gen, i, (unsigned long)c->read_sum,
			    (unsigned long)read_want);
			checksum_failures++;
		}
	}
}

/*
 * -H: the first clients wait, attached, between run and verify, outside
 * every measured window, so that a student can look at a live client's
 * tables (ptdump PID) from the same shell.
 */
static void hold(void)
{
	int i;

	if (!opt.hold)
		return;
	printf("holding %d s: client pids", opt.hold);
	if (opt.mode == MODE_THREAD)
		printf(" %d (threads)", (int)getpid());
	else
		for (i = 0; i < opt.clients; i++)
			printf(" %d", pids[i]);
	printf("; try ptdump PID\n");
	fflush(stdout);
	sleep_ms((uint64_t)opt.hold * 1000);
}

/*
 * One generation of clients: gen 1 reports startup and run, gen 2 reports
 * them together as restart.
 */
static void generation(int gen)
{
	struct client_faults cf;
	struct window w;
	void *p;

	memset(ctl->c, 0, sizeof(ctl->c));
	ctl->gen = gen;
	store_int(&ctl->cmd, 0);
	spawn_clients();

	window_start(&w);
	timeline_start();
	if (opt.mode == MODE_THREAD) {
		p = buffer_attach();
		if (p == (void *)-1)
			die("attaching the buffer: %s", strerror(errno));
		thread_buf = p;
	}
	store_int(&ctl->cmd, STEP_TOUCH);
	wait_clients(STEP_TOUCH);
	window_sample(&w);
	if (gen == 1) {
		timeline_finish("startup");
		cf = per_client_faults(&w, true, false);
		report("startup", &w, &cf, false);
		window_start(&w);
		timeline_start();
	}
	store_int(&ctl->cmd, STEP_RUN);
	wait_clients(STEP_RUN);
	window_sample(&w);
	timeline_finish(gen == 1 ? "run" : "restart");
	if (gen == 1) {
		cf = per_client_faults(&w, false, true);
		report("run", &w, &cf, false);
		hold();
	} else {
		cf = per_client_faults(&w, true, true);
		report("restart", &w, &cf, false);
	}

	store_int(&ctl->cmd, STEP_VERIFY);
	wait_clients(STEP_VERIFY);
	reap_clients();
	if (opt.mode == MODE_THREAD) {
		if (buffer_detach(thread_buf) < 0)
			die("detaching the buffer: %s", strerror(errno));
		thread_buf = NULL;
	}
	check_generation(gen);
}

/*
 * The floor phase (see the top of the file): the startup's touches, once
 * per client, by this process alone, on the buffer already mapped and
 * populated.
 */
static void floor_phase(void)
{
	struct buf_page *buf = opt.mode == MODE_MMAP ? mmap_buf : buffer_attach();
	struct window w;
	uint64_t sum;
	int i;

	if (buf == (void *)-1)
		die("attaching the buffer for the floor: %s", strerror(errno));
	touch_pages(buf, ctl->npages, FLOOR_GEN, 0, opt.read_only, &sum);
	window_start(&w);
	for (i = 0; i < opt.clients; i++)
		touch_pages(buf, ctl->npages, FLOOR_GEN, i, opt.read_only, &sum);
	window_sample(&w);
	report("floor", &w, &(struct client_faults){ 0, 0, -1 }, false);
	if (opt.mode != MODE_MMAP && buffer_detach(buf) < 0)
		die("detaching the buffer after the floor: %s", strerror(errno));
}

/* Removes the buffer (the last reference: its memory and tables go). */
static void teardown(void)
{
	struct window w;
	long r;

	window_start(&w);
	if (opt.mode == MODE_MMAP)
		r = munmap(mmap_buf, (size_t)opt.mib << 20);
	else if (opt.backing == BACK_SYSV)
		r = shmctl(buf_shmid, IPC_RMID, NULL);
	else
		r = buffer_remove();
	window_sample(&w);
	if (r < 0)
		die("removing the buffer: %s", strerror(errno));
	buf_shmid = -1;
	buf_named = false;
	report("teardown", &w, &(struct client_faults){ 0, 0, -1 }, true);
}

/* Advice when 2 MiB blocks ran out (-L); err is an errno. */
static const char *large_hint(int err)
{
	return opt.large && err == ENOMEM
	    ? " (no free 2 MiB blocks: see vmstat large_free, sysctl vm.largepage_reserve)" : "";
}

/* Makes the buffer's file (-b posix, file), len bytes of zeroes. */
static void buffer_create(size_t len)
{
	char name[64];
	int fd = buffer_open(opt.backing, opt.key, O_CREAT | O_EXCL | O_RDWR);

	buffer_name(opt.backing, opt.key, name, sizeof(name));
	if (fd < 0)
		die("creating %s: %s%s", name, strerror(errno),
		    errno == EEXIST ? " (another pgbench? use -k)" : "");
	buf_named = true;
	if (ftruncate(fd, (off_t)len) < 0)
		die("ftruncate %s to %d MiB: %s", name, opt.mib, strerror(errno));
	close(fd);
}

/* Creates the control area and the buffer. */
static void setup(void)
{
	size_t len = (size_t)opt.mib << 20;
	void *p;

	if (opt.mode == MODE_MMAP) {
		p = mmap(NULL, CTL_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap control area: %s", strerror(errno));
		ctl = p;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS | (opt.large ? MAP_HUGETLB : 0), -1, 0);
		if (p == MAP_FAILED)
			die("mmap %d MiB: %s%s", opt.mib, strerror(errno), large_hint(errno));
		mmap_buf = p;
	} else {
		ctl_shmid = shmget(opt.key + 1, CTL_SIZE, IPC_CREAT | IPC_EXCL | 0600);
		if (ctl_shmid < 0)
			die("shmget control key %d: %s%s", opt.key + 1, strerror(errno),
			    errno == EEXIST ? " (another pgbench? use -k)" : "");
		p = shmat(ctl_shmid, NULL, 0);
		if (p == (void *)-1)
			die("shmat control: %s", strerror(errno));
		ctl = p;
		if (opt.backing == BACK_SYSV)
			buf_shmid = shmget(opt.key, len,
			    IPC_CREAT | IPC_EXCL | (opt.large ? SHM_HUGETLB : 0) | 0600);
		else
			buffer_create(len);
		if (opt.backing == BACK_SYSV && buf_shmid < 0)
			die("shmget %d MiB key %d: %s%s%s", opt.mib, opt.key, strerror(errno),
			    errno == EEXIST ? " (another pgbench? use -k)" : "",
			    large_hint(errno));
	}
	memset(ctl, 0, sizeof(*ctl));
	ctl->mode = opt.mode;
	ctl->backing = opt.backing;
	ctl->clients = opt.clients;
	ctl->read_only = opt.read_only;
	ctl->shmid = buf_shmid;
	ctl->key = opt.key;
	ctl->npages = len / PAGE_SIZE;
	ctl->txns = opt.txns;
}

#define MAX_MIB  4096
#define MAX_HOLD 3600

static void usage(FILE *f)
{
	fprintf(f, "usage: pgbench [-c CLIENTS] [-s MIB] [-m MODE] [-b BACKING] [-t TXNS] [-r] [-k KEY]\n"
	    "               [-H SECONDS] [-T] [-v] [-L]\n"
	    "  -c CLIENTS  clients, 1..%d (default 4)\n"
	    "  -s MIB      shared buffer in MiB, 1..%d (default 16)\n"
	    "  -m MODE     fork (default): children shmat the segment; exec: children exec\n"
	    "              and attach by key; thread: threads share one attachment\n"
	    "              (at most %d clients on this kernel); mmap: a\n"
	    "              MAP_SHARED|MAP_ANONYMOUS buffer, no segment\n"
	    "  -b BACKING  sysv (default): a SysV segment; posix: shm_open(\"/pgbench-KEY\")\n"
	    "              + ftruncate + mmap; file: /tmp/pgbench-KEY + mmap (not with -m mmap)\n"
	    "  -t TXNS     transactions per client, 0..%d (default 1000)\n"
	    "  -r          startup reads the buffer instead of writing it\n"
	    "  -k KEY      SysV key of the buffer (KEY+1: the control area), 1..%d (default %d)\n"
	    "  -H SECONDS  hold: after the run the first clients stay attached SECONDS,\n"
	    "              0..%d (default 0), e.g. `pgbench -H 60 &` then `ptdump PID`\n"
	    "  -T          print the faults of each 10 ms of every phase\n"
	    "  -v          print each client's faults\n"
	    "  -L          put the buffer on 2 MiB pages (SHM_HUGETLB, MAP_HUGETLB): MIB even\n"
	    "  -h, --help  this text\n",
	    MAX_CLIENTS, MAX_MIB, MAX_THREAD_CLIENTS, INT_MAX, INT_MAX - 1, DEFAULT_KEY, MAX_HOLD);
}

/*
 * The index of arg among the n names, or the option is refused, naming
 * them all ("-m bogus: not one of fork, exec, thread, mmap").
 */
static int choice(const char *opt, const char *arg, const char *const *names, size_t n)
{
	char shown[80], list[80] = "not one of ";

	for (size_t i = 0; i < n; i++) {
		if (strcmp(arg, names[i]) == 0)
			return (int)i;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
		    names[i]);
	}
	snprintf(shown, sizeof(shown), "%s %s", opt, arg);
	arg_refuse("pgbench", shown, "%s", list);
}

static void parse(int argc, char **argv)
{
	char shown[80];
	int c;

	if (help_wanted(argc, argv)) {
		usage(stdout);
		exit(0);
	}
	while ((c = getopt(argc, argv, "c:s:m:b:t:rk:H:TvLh")) != -1) {
		switch (c) {
		case 'c': opt.clients = arg_long("pgbench", "-c", optarg, 1, MAX_CLIENTS, "clients"); break;
		case 's': opt.mib = arg_long("pgbench", "-s", optarg, 1, MAX_MIB, "MiB"); break;
		case 't': opt.txns = arg_long("pgbench", "-t", optarg, 0, INT_MAX, "transactions"); break;
		case 'r': opt.read_only = true; break;
		/* key + 1 is the control area's key */
		case 'k': opt.key = arg_long("pgbench", "-k", optarg, 1, INT_MAX - 1, "(a positive key)"); break;
		case 'H': opt.hold = arg_long("pgbench", "-H", optarg, 0, MAX_HOLD, "seconds"); break;
		case 'T': opt.timeline = true; break;
		case 'v': opt.verbose = true; break;
		case 'L': opt.large = true; break;
		case 'h': usage(stdout); exit(0);
		case 'm': opt.mode = choice("-m", optarg, mode_names, ARRAY_SIZE(mode_names)); break;
		case 'b':
			opt.backing = choice("-b", optarg, backing_names, ARRAY_SIZE(backing_names));
			break;
		default:   /* getopt has named the option */
			fprintf(stderr, "pgbench: -h lists the options\n");
			exit(2);
		}
	}
	if (optind != argc)
		arg_refuse("pgbench", argv[optind], "unexpected argument (pgbench takes only options)");
	if (opt.mode == MODE_THREAD && !on_linux && opt.clients > MAX_THREAD_CLIENTS) {
		snprintf(shown, sizeof(shown), "-m thread -c %d", opt.clients);
		arg_refuse("pgbench", shown, "at most %d clients as threads (this kernel runs 16 "
		    "threads per process)", MAX_THREAD_CLIENTS);
	}
	if (opt.backing != BACK_SYSV && opt.mode == MODE_MMAP) {
		snprintf(shown, sizeof(shown), "-m mmap -b %s", backing_names[opt.backing]);
		arg_refuse("pgbench", shown, "-m mmap makes its own anonymous buffer");
	}
	if (opt.backing != BACK_SYSV && opt.large) {
		snprintf(shown, sizeof(shown), "-L -b %s", backing_names[opt.backing]);
		arg_refuse("pgbench", shown, "2 MiB pages are for -b sysv or -m mmap (files use 4 KiB pages)");
	}
	if (opt.large && opt.mib % 2) {
		snprintf(shown, sizeof(shown), "-L -s %d", opt.mib);
		arg_refuse("pgbench", shown, "2 MiB pages need an even MIB");
	}
}

int main(int argc, char **argv)
{
	struct vmstat probe;

	stdout_by_lines();
	on_linux = vmstat(0, &probe) == -ENOSYS;
	if (argc > 1 && strcmp(argv[1], "--client") == 0)
		return exec_client(argc, argv);
	parse(argc, argv);
	setup();
	/* Not a `pgbench:` line: scripts parse those (scripts/bench-report.awk). */
	if (opt.mode != MODE_MMAP && opt.backing == BACK_SYSV) {
		printf("segments: buffer id %d (key %d), control id %d (key %d); "
		    "ptdump -o %d shows the buffer's tables\n", buf_shmid, opt.key,
		    ctl_shmid, opt.key + 1, buf_shmid);
		fflush(stdout);
	} else if (opt.mode != MODE_MMAP) {
		char name[64];

		buffer_name(opt.backing, opt.key, name, sizeof(name));
		printf("segments: buffer %s%s, control id %d (key %d); ptdump -f %s%s shows "
		    "the buffer's tables\n", opt.backing == BACK_POSIX ? "/dev/shm" : "", name,
		    ctl_shmid, opt.key + 1, opt.backing == BACK_POSIX ? "/dev/shm" : "", name);
		fflush(stdout);
	}
	generation(1);
	generation(2);
	floor_phase();
	teardown();
	if (ctl_shmid >= 0) {
		shmdt(ctl);
		shmctl(ctl_shmid, IPC_RMID, NULL);
	} else {
		munmap(ctl, CTL_SIZE);
	}
	if (checksum_failures) {
		printf("pgbench: checksum=FAILED problems=%lu\n", (unsigned long)checksum_failures);
		return 1;
	}
	printf("pgbench: checksum=ok txn_sum=%lu slots_checked=%lu\n",
	    (unsigned long)(2UL * opt.clients * opt.txns),
	    (unsigned long)(2UL * opt.clients * MAX_CLIENTS * (((uint64_t)opt.mib << 20) / PAGE_SIZE)));
	return 0;
}
