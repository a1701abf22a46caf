/*
 * demo: a guided tour of shared page tables, run by init at boot.
 *
 *	demo [--step] [--dot]
 *
 * It creates an 8 MiB SysV segment and has client processes attach it and
 * touch every page, first with sharing switched off, then on, and prints in
 * plain words what each client cost (page faults, page-table pages, PV
 * entries), the `ptdump` lines showing two clients' PDEs pointing at the
 * same physical PT page, the tables surviving when every client has gone,
 * a read-only attacher sharing the writable tree, a file of /dev/shm
 * (POSIX shared memory) whose tables are shared the same way, and last the same at
 * PostgreSQL's scale (64 clients of a 64 MiB segment, off against on, in
 * one table; about 4 s under TCG). Every claim it prints
 * is computed from the kernel's counters and dumps, never assumed: on a
 * kernel without sharing it says so.
 *
 * --step waits for Enter between steps; --dot also prints a Graphviz graph
 * of two clients' trees (`ptdump --dot`, for `make ptgraph`); -h or
 * --help prints the usage. Other words (init passes its boot words, such
 * as `nodemo` or `NAME=VALUE`) are ignored, but an unknown option (a word
 * starting with '-') is refused. The sysctl it changes is restored at the
 * end, which shows how to look at a live client of pgbench.
 */
#include <getopt.h>

#include "ulib.h"

#define SEG_SIZE   (8UL << 20)
#define SEG_PAGES  (SEG_SIZE / PAGE_SIZE)
#define PT_SPAN    (2UL << 20)              /* what one PT page maps */
#define NSEGS      (SEG_SIZE / PT_SPAN)
#define NCLIENTS   3
#define DUMP_LEN   (64 * 1024)
#define BIG_CLIENTS 64                       /* the last chapter: PostgreSQL-like scale */
#define BIG_SIZE    (64UL << 20)

/* Commands from the demo to a client, and the client's progress. */
enum { CMD_NONE, CMD_ATTACH, CMD_WRITE, CMD_EXIT };

/* One client's mailbox, in a MAP_SHARED page that every client inherits. */
struct slot {
	volatile int cmd;        /* set by the demo */
	volatile int done;       /* the last command the client finished */
	volatile uint64_t addr;  /* where it attached the segment */
	int pid;
	bool reaped;             /* it died and was reaped; status says how */
	int status;
};

/* What a client's attach-and-touch cost, from the vmstat counters. */
struct cost {
	long faults;     /* the client's page faults */
	long pt_pages;   /* its private page-table pages */
	long links;      /* its entries linking object tables */
	long obj_pt;     /* object-owned PT and PD pages, system-wide */
	long pv;         /* PV entries, system-wide */
};

/* A PD entry of a dump: the line and what it says. */
struct pde {
	uint64_t va, pa;
	bool writable;
	char text[192];
};

_Static_assert(BIG_CLIENTS * sizeof(struct slot) <= PAGE_SIZE, "the mailboxes fill one page");

static struct slot *slots;            /* one page: room for BIG_CLIENTS */
static size_t seg_size = SEG_SIZE;    /* what the clients forked next attach and touch */
static bool stepping, want_dot;
static char *dump_buf;
static int step_no;
static const char *map_file;          /* set: clients forked next mmap this file */

/* ---- clients ---- */

/* Waits until the demo posts a command other than `last`; returns it. */
static int next_cmd(struct slot *s, int last)
{
	while (s->cmd == last)
		sleep_ms(1);
	return s->cmd;
}

/*
 * The client's life: on CMD_ATTACH attach the segment (read-only with
 * SHM_RDONLY in flags), or map map_file (MAP_SHARED) when it is set, and
 * touch every page, writing unless read-only; on CMD_WRITE write once
 * more; on CMD_EXIT exit.
 */
static void client(struct slot *s, int shmid, int flags)
{
	volatile char *p = NULL;
	volatile char sink;
	int cmd = CMD_NONE;
	size_t i;

	s->done = CMD_NONE;      /* faults the mailbox in before any count */
	for (;;) {
		cmd = next_cmd(s, cmd);
		if (cmd == CMD_EXIT)
			exit(0);
		if (cmd == CMD_ATTACH && map_file) {
			int fd = open(map_file, O_RDWR | O_CLOEXEC);

			p = fd < 0 ? MAP_FAILED : mmap(NULL, seg_size, PROT_READ | PROT_WRITE,
			                               MAP_SHARED, fd, 0);
			if (p == MAP_FAILED)
				exit(2);
			close(fd);
		} else if (cmd == CMD_ATTACH) {
			p = shmat(shmid, NULL, flags);
			if (p == (void *)-1)
				exit(2);
		}
		if (cmd == CMD_ATTACH) {
			s->addr = (uint64_t)p;
			for (i = 0; i < seg_size; i += PAGE_SIZE) {
				if (flags & SHM_RDONLY)
					sink = p[i];
				else
					p[i] = (char)i;
			}
			(void)sink;
		} else if (cmd == CMD_WRITE) {
			/* A read-only client dies here, as the tour means it
			 * to: it says so first, so that the kernel reports an
			 * expected fault, not a crash. */
			if (flags & SHM_RDONLY)
				expect_fault(1);
			p[PAGE_SIZE] = 1;
		}
		s->done = cmd;
	}
}

/* Forks client number i and waits until it is ready; exits on failure. */
static void client_start(int i, int shmid, int flags)
{
	int pid;

	slots[i] = (struct slot){ CMD_NONE, -1, 0, 0, false, 0 };
	pid = fork();
	if (pid == 0)
		client(&slots[i], shmid, flags);
	if (pid < 0) {
		printf("demo: fork: %s\n", strerror(errno));
		exit(1);
	}
	slots[i].pid = pid;
	while (slots[i].done != CMD_NONE)
		sleep_ms(1);
}

/* Waits until client i has done cmd (or died). */
static void client_wait(int i, int cmd)
{
	struct slot *s = &slots[i];

	while (s->done != cmd) {
		if (waitpid(s->pid, &s->status, WNOHANG) == s->pid) {
			s->reaped = true;
			return;
		}
		sleep_ms(1);
	}
}

/* Posts cmd to client i and waits until it is done (or the client died). */
static void client_do(int i, int cmd)
{
	slots[i].cmd = cmd;
	client_wait(i, cmd);
}

/* Tells client i to exit and reaps it; returns its wait status. */
static int client_end(int i)
{
	struct slot *s = &slots[i];

	if (!s->reaped) {
		s->cmd = CMD_EXIT;
		waitpid(s->pid, &s->status, 0);
	}
	return s->status;
}

/* ---- measuring ---- */

static void snapshot(int pid, struct cost *c)
{
	struct vmstat p, g;

	memset(&p, 0, sizeof(p));
	vmstat(pid, &p);
	vmstat(0, &g);
	c->faults = p.faults;
	c->pt_pages = p.pt_pages;
	c->links = p.links_pde + p.links_pdpte;
	c->obj_pt = g.obj_pt_pages + g.obj_pd_pages;
	c->pv = g.pv_entries;
}

/* Has client i attach and touch the segment; *c gets what that cost. */
static void client_attach(int i, struct cost *c)
{
	struct cost before, after;

	snapshot(slots[i].pid, &before);
	client_do(i, CMD_ATTACH);
	snapshot(slots[i].pid, &after);
	c->faults = after.faults - before.faults;
	c->pt_pages = after.pt_pages - before.pt_pages;
	c->links = after.links - before.links;
	c->obj_pt = after.obj_pt - before.obj_pt;
	c->pv = after.pv - before.pv;
}

static long obj_tables(void)
{
	struct cost c;

	snapshot(0, &c);
	return c.obj_pt;
}

/* Prints "a -> b (R.Rx fewer)", the ratio to one decimal, or the change. */
static void print_change(const char *what, long off, long on)
{
	printf("    %-22s %7ld -> %-7ld", what, off, on);
	if (off == on)
		printf(" (no change)");
	else if (on > 0 && off > on)
		printf(" (%ld.%ldx fewer)", off / on, off * 10 / on % 10);
	else if (on == 0)
		printf(" (none left)");
	printf("\n");
}

/* ---- reading ptdump ---- */

/*
 * Fills out[] with the PD entries of client i's tree that map the segment
 * client i attached, in address order; returns how many (or -E).
 */
static int segment_pdes(int i, struct pde *out)
{
	uint64_t lo = slots[i].addr, hi = lo + SEG_SIZE;
	char *line, *save, *s, *end;
	long n = ptdump(slots[i].pid, PTDUMP_PROC, dump_buf, DUMP_LEN);
	int count = 0;

	if (n < 0)
		return (int)n;
	for (line = strtok_r(dump_buf, "\n", &save); line && count < (int)NSEGS;
	    line = strtok_r(NULL, "\n", &save)) {
		for (s = line; *s == ' '; s++)
			;
		if (strncmp(s, "PD[", 3) != 0 || !(s = strstr(s, "va=")))
			continue;
		out[count].va = strtoul(s + 3, &end, 16);
		if (out[count].va < lo || out[count].va >= hi || !(s = strstr(end, "-> ")))
			continue;
		out[count].pa = strtoul(s + 3, &end, 16);
		/* the flags follow: " P W U NX"; a note may follow two spaces on */
		s = strstr(end, "  ");
		out[count].writable = false;
		for (; *end && end != s; end++)
			if (end[0] == ' ' && end[1] == 'W' && (end[2] == ' ' || end[2] == '\0'))
				out[count].writable = true;
		strncpy(out[count].text, line, sizeof(out[count].text) - 1);
		out[count].text[sizeof(out[count].text) - 1] = '\0';
		count++;
	}
	return count;
}

/* Prints the segment's PDE lines of client i under a heading. */
static int show_pdes(int i, const char *who, struct pde *pd)
{
	int n = segment_pdes(i, pd), k;

	printf("  %s (pid %d), segment at 0x%lx:\n", who, slots[i].pid,
	    (unsigned long)slots[i].addr);
	if (n < 0)
		printf("    ptdump: %s\n", strerror(-n));
	for (k = 0; k < n; k++)
		printf("    %s\n", pd[k].text);
	return n;
}

/*
 * Compares the PDEs of two clients segment by segment and says, for each,
 * whether they hold the same physical PT page. Returns how many do.
 */
static int compare_pdes(const struct pde *a, int na, const struct pde *b, int nb)
{
	int k, same = 0;

	for (k = 0; k < na && k < nb; k++) {
		if (a[k].pa == b[k].pa) {
			printf("  segment %d: both PDEs -> 0x%lx: same physical PT page\n",
			    k, (unsigned long)a[k].pa);
			same++;
		} else {
			printf("  segment %d: PDEs -> 0x%lx and 0x%lx: different PT pages\n",
			    k, (unsigned long)a[k].pa, (unsigned long)b[k].pa);
		}
	}
	return same;
}

/* Prints the segment's own tree, as `ptdump -o SHMID` does. */
static void show_object(int shmid)
{
	char *line, *save;
	long n = ptdump(shmid, PTDUMP_OBJECT, dump_buf, DUMP_LEN);

	printf("  The segment's own tree (`ptdump -o %d`; links= counts the process\n"
	    "  entries pointing at a table):\n", shmid);
	if (n < 0) {
		printf("    ptdump: %s\n", strerror(-n));
		return;
	}
	for (line = strtok_r(dump_buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("    %s\n", line);
}

static void end_clients(int n);

/* The pages all files hold now (vmstat file_pages). */
static long file_pages(void)
{
	struct vmstat g;

	return vmstat(0, &g) < 0 ? -1 : (long)g.file_pages;
}

/* Prints the file's own tree, as `ptdump -f PATH` does. */
static void show_file_object(const char *path)
{
	char *line, *save;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long n = fd < 0 ? -errno : ptdump(fd, PTDUMP_FILE, dump_buf, DUMP_LEN);

	if (fd >= 0)
		close(fd);
	printf("  The file's own tree (`ptdump -f %s`):\n", path);
	if (n < 0) {
		printf("    ptdump: %s\n", strerror(-n));
		return;
	}
	for (line = strtok_r(dump_buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("    %s\n", line);
}

/*
 * Step 6: two clients map a file of /dev/shm (POSIX shared memory), the
 * way PostgreSQL can make its shared buffers; its VM object owns its page
 * tables as a segment's does.
 */
static void file_chapter(void)
{
	struct pde a[NSEGS], b[NSEGS];
	struct cost c1, c2;
	int fd = shm_open("/demo", O_CREAT | O_EXCL | O_RDWR, 0600), na, nb, same;
	long pages, tables;

	if (fd < 0 || ftruncate(fd, SEG_SIZE) < 0) {
		printf("  demo: shm_open or ftruncate of /dev/shm/demo: %s\n", strerror(errno));
		return;
	}
	close(fd);
	printf("  shm_open(\"/demo\") made /dev/shm/demo, a file of the in-memory file\n"
	    "  system; ftruncate gave it %lu MiB. A file's pages are its VM object's,\n"
	    "  so read(), write() and every mapping see the same pages, and the\n"
	    "  object owns page tables for them as a segment does.\n", SEG_SIZE >> 20);
	map_file = "/dev/shm/demo";
	client_start(0, -1, 0);
	client_start(1, -1, 0);
	client_attach(0, &c1);
	client_attach(1, &c2);
	map_file = NULL;
	printf("  Two clients mmap it (MAP_SHARED) and write every page: %ld and %ld\n"
	    "  page faults.\n", c1.faults, c2.faults);
	na = show_pdes(0, "client 1", a);
	nb = show_pdes(1, "client 2", b);
	same = compare_pdes(a, na, b, nb);
	printf("  %d of %lu segments: %s\n", same, NSEGS, same == (int)NSEGS ?
	    "one set of PT pages, the file's." : "the PT pages are not shared");
	show_file_object("/dev/shm/demo");
	pages = file_pages();
	tables = obj_tables();
	end_clients(2);
	shm_unlink("/demo");
	printf("  The clients exit and shm_unlink removes the name: file pages %ld -> %ld,\n"
	    "  object page-table pages %ld -> %ld (the file's went with its last user).\n",
	    pages, file_pages(), tables, obj_tables());
}

/* Runs `ptdump --dot pid1 pid2` for the graph (make ptgraph reads it). */
static void dot_graph(int i, int j)
{
	char a[16], b[16];
	char *argv[] = { "ptdump", "--dot", a, b, NULL };
	int pid, status;

	snprintf(a, sizeof(a), "%d", slots[i].pid);
	snprintf(b, sizeof(b), "%d", slots[j].pid);
	printf("\n  The two trees as a Graphviz graph (ptdump --dot %s %s):\n", a, b);
	pid = fork();
	if (pid == 0) {
		execv("/usr/bin/ptdump", argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
}

/* ---- the tour ---- */

static void step(const char *title)
{
	char line[8];

	if (stepping && step_no > 0) {
		printf("\n[press Enter to go on]");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			stepping = false;       /* no more input: run to the end */
	}
	printf("\n--- Step %d of 7: %s ---\n", ++step_no, title);
}

/*
 * Steps 1 and 2: three clients attach a new segment one after the other
 * and touch every page; prints and sums what each cost. The clients stay
 * alive (slots 0..2); returns the segment id.
 */
static int clients_touch(struct cost *total)
{
	int shmid = shmget(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600), i;
	struct cost c;

	memset(total, 0, sizeof(*total));
	if (shmid < 0) {
		printf("demo: shmget: %s\n", strerror(errno));
		exit(1);
	}
	printf("  The segment is SysV id %d (`ptdump -o %d` shows its own tree).\n", shmid,
	    shmid);
	for (i = 0; i < NCLIENTS; i++) {
		client_start(i, shmid, 0);
		client_attach(i, &c);
		printf("  client %d (pid %d): %4ld page faults, %2ld private page-table"
		    " pages,\n      %2ld object page-table pages, %ld links, %4ld PV entries\n",
		    i + 1, slots[i].pid, c.faults, c.pt_pages, c.obj_pt, c.links, c.pv);
		total->faults += c.faults;
		total->pt_pages += c.pt_pages + c.obj_pt;
		total->pv += c.pv;
	}
	return shmid;
}

static void end_clients(int n)
{
	int i;

	for (i = 0; i < n; i++)
		client_end(i);
}

/* What the clients of the last chapter cost in all, while all are attached. */
struct total {
	long faults, tables, pv;
	uint64_t ms;
	bool ok;            /* every client attached and wrote every page */
};

/*
 * Step 7: BIG_CLIENTS clients, forked first (their own small tables are
 * not counted), attach one BIG_SIZE segment at once and write every page,
 * with sharing `optimize`. Page-table pages are the clients' own and the
 * segment's together.
 */
static void big_run(long optimize, struct total *t)
{
	struct vmstat a, b;
	uint64_t t0;
	int shmid, i;

	sysctl_set("machdep.pmap_mmu_optimize", optimize);
	shmid = shmget(IPC_PRIVATE, BIG_SIZE, IPC_CREAT | 0600);
	if (shmid < 0) {
		printf("demo: shmget of %lu MiB: %s\n", BIG_SIZE >> 20, strerror(errno));
		exit(1);
	}
	seg_size = BIG_SIZE;
	for (i = 0; i < BIG_CLIENTS; i++)
		client_start(i, shmid, 0);
	vmstat(0, &a);
	t0 = clock_ns();
	for (i = 0; i < BIG_CLIENTS; i++)
		slots[i].cmd = CMD_ATTACH;
	for (i = 0; i < BIG_CLIENTS; i++)
		client_wait(i, CMD_ATTACH);
	t->ms = (clock_ns() - t0) / 1000000;
	vmstat(0, &b);
	t->faults = (long)(b.faults - a.faults);
	t->tables = (long)(b.pt_pages + b.obj_pt_pages + b.obj_pd_pages) -
	    (long)(a.pt_pages + a.obj_pt_pages + a.obj_pd_pages);
	t->pv = (long)(b.pv_entries - a.pv_entries);
	t->ok = true;
	for (i = 0; i < BIG_CLIENTS; i++)
		t->ok &= client_end(i) == 0;
	shmctl(shmid, IPC_RMID, NULL);
	seg_size = SEG_SIZE;
}

/* One row of the last chapter's table: off, on (with their unit) and off / on. */
static void big_row(const char *what, long off, long on, const char *unit)
{
	char a[32], b[32], cell[48];

	printf("    %-18s", what);
	snprintf(cell, sizeof(cell), "%s%s", grouped((uint64_t)off, a), unit);
	printf(" %15s", cell);
	snprintf(cell, sizeof(cell), "%s%s", grouped((uint64_t)on, b), unit);
	printf(" %15s", cell);
	if (on > 0)
		printf(" %9ld.%ldx\n", off / on, off * 10 / on % 10);
	else
		printf(" %11s\n", off ? "none left" : "-");
}

static void big_chapter(void)
{
	struct total off, on;

	printf("  PostgreSQL-sized now: %d clients attach one %lu MiB segment at once\n"
	    "  and write every page (%lu pages each), first with sharing off, then on.\n",
	    BIG_CLIENTS, BIG_SIZE >> 20, BIG_SIZE / PAGE_SIZE);
	fflush(stdout);
	big_run(0, &off);
	big_run(1, &on);
	if (!off.ok || !on.ok) {
		printf("  A client failed (out of memory?): no table. Try make run with more\n"
		    "  memory (MEM=2G make run).\n");
		return;
	}
	printf("\n    %-18s %15s %15s %11s\n", "all clients", "sharing off", "sharing on",
	    "off / on");
	big_row("page faults", off.faults, on.faults, "");
	big_row("page-table pages", off.tables, on.tables, "");
	big_row("  as memory", off.tables * 4, on.tables * 4, " KiB");
	big_row("PV entries", off.pv, on.pv, "");
	big_row("time", (long)off.ms, (long)on.ms, " ms");
	printf("\n  Off, every client builds its own %lu PT pages and takes a fault per\n"
	    "  page. On, the first client to touch a page fills the segment's table\n"
	    "  and the others link the same %lu PT pages (plus the segment's PD page).\n"
	    "  Counters are exact; the times are QEMU's emulation, so compare them\n"
	    "  only with each other.\n", BIG_SIZE / PT_SPAN, BIG_SIZE / PT_SPAN);
}

static void usage(void)
{
	printf("usage: demo [--step] [--dot]\n"
	    "  --step      wait for Enter between steps (default: run through)\n"
	    "  --dot       also print a Graphviz graph of two clients' trees\n"
	    "  -h, --help  this text\n"
	    "Words without a leading '-' (init's boot words) are ignored.\n");
}

static void parse(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "step", no_argument, NULL, 's' },
		{ "dot", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 's': stepping = true; break;
		case 'd': want_dot = true; break;
		case 'h': usage(); exit(0);
		default:   /* getopt has named the option */
			fprintf(stderr, "demo: -h lists the options\n");
			exit(2);
		}
	}
}

int main(int argc, char **argv)
{
	struct pde a[NSEGS], b[NSEGS];
	struct cost off, on, c;
	long optimize, prelink, before;
	int shmid, i, na, nb, status;

	stdout_by_lines();
	parse(argc, argv);
	if (!own_kernel_or_say("demo"))
		return 1;
	slots = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	dump_buf = malloc(DUMP_LEN);
	if (slots == MAP_FAILED || !dump_buf || sysctl_get("machdep.pmap_mmu_optimize", &optimize) < 0) {
		printf("demo: cannot set up (mmap, malloc or sysctl failed)\n");
		return 1;
	}
	if (sysctl_get("machdep.pmap_prelink", &prelink) < 0)
		prelink = 0;

	printf("\n==== Shared page tables: a guided tour ====\n\n"
	    "On x86-64 one page-table page (a PT page: 512 entries, 4 KiB) maps\n"
	    "2 MiB. When processes share memory, an ordinary kernel gives each one\n"
	    "its own PT pages, and each one takes a page fault per page it touches.\n"
	    "Here the shared memory's VM object owns the PT pages, and every process\n"
	    "that maps it points its page-directory entry (PDE) at them.\n\n"
	    "The tour creates an 8 MiB SysV shared memory segment (%lu PT pages'\n"
	    "worth, %lu pages) and has %d clients attach it and write every page.\n",
	    NSEGS, SEG_PAGES, NCLIENTS);

	step("sharing OFF (sysctl machdep.pmap_mmu_optimize=0)");
	sysctl_set("machdep.pmap_mmu_optimize", 0);
	shmid = clients_touch(&off);
	na = segment_pdes(0, a);
	nb = segment_pdes(1, b);
	if (na > 0 && nb > 0)
		printf("  ptdump: client 1's first PDE -> 0x%lx, client 2's -> 0x%lx:\n"
		    "  %s.\n", (unsigned long)a[0].pa, (unsigned long)b[0].pa,
		    a[0].pa == b[0].pa ? "the same PT page" : "each client has its own PT pages");
	end_clients(NCLIENTS);
	shmctl(shmid, IPC_RMID, NULL);

	step("sharing ON (sysctl machdep.pmap_mmu_optimize=1)");
	sysctl_set("machdep.pmap_mmu_optimize", 1);
	shmid = clients_touch(&on);
	printf("  The first client filled the segment's own page tables; %s\n",
	    prelink ? "the others were\n  linked to them when they attached "
	    "(machdep.pmap_prelink=1)." : "the others\n  took one fault per 2 MiB, "
	    "each linking a whole PT page (machdep.pmap_prelink=0).");
	printf("  For %d clients, sharing off -> on:\n", NCLIENTS);
	print_change("page faults", off.faults, on.faults);
	print_change("page-table pages", off.pt_pages, on.pt_pages);
	print_change("PV entries", off.pv, on.pv);

	step("ptdump of clients 1 and 2");
	printf("  The PD entries that map the segment, as `ptdump PID` prints them\n"
	    "  (index, virtual address, physical address of the PT page, flags, and\n"
	    "  what that PT page is):\n");
	na = show_pdes(0, "client 1", a);
	nb = show_pdes(1, "client 2", b);
	i = compare_pdes(a, na, b, nb);
	printf("  %d of %lu segments: %s\n", i, NSEGS, i == (int)NSEGS ?
	    "the two processes use one set of PT pages." :
	    "the PT pages are not shared (is sharing active in this kernel?)");

	step("the page tables outlive the processes");
	before = obj_tables();
	end_clients(NCLIENTS);
	printf("  All %d clients exited. Object page-table pages before: %ld, after: %ld.\n",
	    NCLIENTS, before, obj_tables());
	if (before > 0 && obj_tables() == before)
		printf("  They belong to the segment, not to the processes, so they stay.\n");
	show_object(shmid);
	printf("  Its top page is the segment's own page directory (PD). A process links\n"
	    "  a whole PD only where it maps a whole, aligned GiB of a segment\n"
	    "  (machdep.pmap_share_pd); for %lu MiB each process links the %lu PT pages\n"
	    "  from its own PD, so nobody links this one, yet it is counted above.\n",
	    SEG_SIZE >> 20, NSEGS);
	client_start(0, shmid, 0);
	client_attach(0, &c);
	printf("  A new client (pid %d) attaches and writes all %lu pages:\n"
	    "  %ld page faults, %ld new page-table pages.\n", slots[0].pid, SEG_PAGES,
	    c.faults, c.pt_pages + c.obj_pt);

	step("a read-only attacher shares the writable tree");
	client_start(1, shmid, SHM_RDONLY);
	client_attach(1, &c);
	printf("  A client attaches with SHM_RDONLY and reads every page: %ld faults.\n",
	    c.faults);
	na = show_pdes(0, "writer", a);
	nb = show_pdes(1, "reader", b);
	i = compare_pdes(a, na, b, nb);
	if (na > 0 && nb > 0)
		printf("  The writer's PDEs %s the W flag, the reader's %s it.\n",
		    a[0].writable ? "have" : "lack", b[0].writable ? "have" : "lack");
	if (i > 0 && a[0].writable && !b[0].writable)
		printf("  x86 ANDs the W bits of every level of the walk, so the shared PTEs\n"
		    "  (which allow writing) are read-only for the reader alone.\n");
	if (want_dot)
		dot_graph(0, 1);
	client_do(1, CMD_WRITE);
	status = client_end(1);
	printf("  The reader tries to write: %s.\n", WIFSIGNALED(status) ?
	    (WTERMSIG(status) == SIGSEGV ? "killed by SIGSEGV, as it should be" :
	    "killed by a signal") : "it was NOT stopped");
	client_do(0, CMD_WRITE);
	status = client_end(0);
	printf("  The writer writes again: %s.\n",
	    WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "fine" : "it failed");

	before = obj_tables();
	shmctl(shmid, IPC_RMID, NULL);
	printf("  Segment removed (IPC_RMID): object page-table pages %ld -> %ld.\n",
	    before, obj_tables());

	step("a file in /dev/shm shares its tables too");
	file_chapter();

	step("the big number");
	big_chapter();

	printf("\n--- The end ---\n");
	sysctl_set("machdep.pmap_mmu_optimize", optimize);
	printf("  machdep.pmap_mmu_optimize is back to %ld. See `vmstat`, `ptdump PID`\n"
	    "  and `pgbench` to explore further. To look at a live client's tables:\n"
	    "    pgbench -c 4 -s 8 -H 60 &   (prints its segment ids, then its client\n"
	    "                                 pids, and keeps them attached 60 s)\n"
	    "    ptdump PID                  (a client pid: each link names its shm id)\n"
	    "    ptdump -o ID                (the buffer's own tree, ID from `segments:`)\n"
	    "  With the buffer in POSIX shared memory instead (a file of /dev/shm):\n"
	    "    pgbench -b posix -c 4 -s 8 -H 60 &\n"
	    "    ptdump -f /dev/shm/pgbench-5432   (the file's own tree)\n\n",
	    optimize);
	return 0;
}
