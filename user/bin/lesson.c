/*
 * lesson: break one correctness rule of the pmap, watch it fail.
 *
 *	lesson [-q] RULE      RULE: its number (1-8) or its name
 *	lesson --list         the rules, one a line
 *
 * Only a teaching kernel (`make teach`, docs/lessons.md) has the knob
 * machdep.pmap_break, which makes the pmap violate exactly one rule of
 * docs/correctness.md. For the rule asked, lesson runs a small workload
 * on one 4 MiB SysV segment with the rule broken and prints what a
 * student can see: a process reading data at the wrong offset or past the
 * end of its mapping, a write through a read-only mapping that works, a
 * read after munmap that works, the invariant checker's report (the same
 * as `vmstat -v`), or, for a rule whose violation shows nothing under
 * emulation, the count of times the broken code ran. Then it runs the
 * same workload with the rule kept, which must show none of it.
 *
 * Exit status: 0 when the broken run showed the violation and the unbroken
 * run was clean; 1 when not (the suite `lesson` runs every rule so);
 * 2 for an unknown rule or option (with the list of rules); 3 on a kernel
 * without the knob (a default build, or Linux), after saying how to get one.
 * -q prints only the verdict line.
 */
#include <getopt.h>

#include "uapi/pmap_break.h"
#include "ulib.h"

#define OBJ_SIZE   (4UL << 20)              /* two 2 MiB segments */
#define SEG        (2UL << 20)
#define VA_A       ((char *)0x200000000UL)  /* the writer's mapping (8 GiB) */
#define VA_B       ((char *)0x240000000UL)  /* the mapping under test (9 GiB) */
#define VA_PRIVATE (VA_B + (64UL << 20))    /* a private page in VA_B's GiB */
#define MAGIC      0x1e55000000000000UL     /* page i of the segment holds MAGIC + i */
#define REPORT_LEN 4096

/* What a workload showed. */
struct outcome {
	bool seen;                 /* the consequence a student sees happened */
	char what[256];            /* it, in words (or what happened instead) */
	char report[REPORT_LEN];   /* the checker's report while it ran, "" if clean */
};

/* How a lesson's violation shows. */
enum shows {
	SHOWS_ACCESS,    /* an access that must fail works, or reads the wrong page */
	SHOWS_CHECKER,   /* only the invariant checker sees it */
	SHOWS_COUNTER,   /* nothing under TCG: the hook's count shows it ran */
	SHOWS_KTEST,     /* no system call reaches it: a kernel suite shows it */
};

struct lesson {
	int rule;
	const char *name;
	const char *title;        /* the rule, as docs/correctness.md words it */
	enum shows shows;
	const char *needle;       /* what the checker's report must say, or NULL */
	void (*run)(struct outcome *o);
	const char *why;          /* why it matters, one or two lines */
};

static bool quiet;

/* ---- the segment and its pages ---- */

static int seg_id;

/* Page i of a mapping of the segment at offset 0 (its first word). */
static volatile uint64_t *page(char *base, unsigned long i)
{
	return (volatile uint64_t *)(base + i * PAGE_SIZE);
}

/* Creates the segment, maps it read-write at VA_A and writes every page. */
static int seg_setup(void)
{
	char *a;

	seg_id = (int)sys_shmget(IPC_PRIVATE, OBJ_SIZE, IPC_CREAT | 0600);
	if (seg_id < 0)
		return seg_id;
	a = shm_map(seg_id, VA_A, OBJ_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, 0);
	if (ptr_err(a))
		return (int)ptr_err(a);
	for (unsigned long i = 0; i < OBJ_SIZE / PAGE_SIZE; i++)
		*page(a, i) = MAGIC + i;
	return 0;
}

static void seg_teardown(void)
{
	sys_munmap(VA_A, OBJ_SIZE);
	sys_shmctl(seg_id, IPC_RMID, NULL);
}

/* Maps [off, off + len) of the segment at VA_B with prot. */
static char *map_b(size_t len, int prot, size_t off)
{
	char *b = shm_map(seg_id, VA_B, len, prot, MAP_SHARED | MAP_FIXED, off);

	return ptr_err(b) ? NULL : b;
}

/* The checker's report now, into o->report ("" when it finds nothing). */
static void check(struct outcome *o)
{
	int r = pmap_verify(o->report, sizeof(o->report));

	if (r == 0)
		o->report[0] = '\0';
	else if (r != -EIO)
		snprintf(o->report, sizeof(o->report), "pmap_verify: %s\n", errname(r));
}

/*
 * Runs fn in a child that may die of the fault it provokes; returns its
 * exit code, or -signal when it was killed.
 */
static int in_child(int (*fn)(void))
{
	int pid = fork(), status;

	if (pid == 0) {
		expect_fault(1);
		exit(fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1000;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* ---- the workloads, one per rule ---- */

/* 1: map offset 4 KiB of the segment at a 2 MiB boundary and read it. */
static void run_offset(struct outcome *o)
{
	char *b = map_b(SEG, PROT_READ, PAGE_SIZE);
	long got;

	if (!b) {
		snprintf(o->what, sizeof(o->what), "could not map offset 4096");
		return;
	}
	got = (long)(*page(b, 0) - MAGIC);
	o->seen = got != 1;
	snprintf(o->what, sizeof(o->what),
	         "a mapping of offset 4096 at %p reads page %ld of the segment there (it "
	         "should be page 1)", (void *)b, got);
	check(o);
	sys_munmap(b, SEG);
}

static int read_past_end(void)
{
	return *page(VA_B, 257) == MAGIC + 257 ? 0 : 3;
}

/* 2: map only the first 1 MiB, then read 4 KiB past its end. */
static void run_segments(struct outcome *o)
{
	char *b = map_b(SEG / 2, PROT_READ, 0);
	int r;

	if (!b) {
		snprintf(o->what, sizeof(o->what), "could not map 1 MiB");
		return;
	}
	(void)*page(b, 0);
	check(o);
	r = in_child(read_past_end);
	o->seen = r == 0;
	snprintf(o->what, sizeof(o->what), r == 0 ?
	         "a process that maps 1 MiB read page 257, past the end of its mapping" :
	         "a read past the end of the 1 MiB mapping %s (status %d)",
	         r == -SIGSEGV ? "was killed by SIGSEGV" : "failed", r);
	sys_munmap(b, SEG / 2);
}

static int write_read_only(void)
{
	*page(VA_B, 0) = MAGIC + 999;
	return 0;
}

/* 3: a read-only mapping next to the writer's; a child writes through it. */
static void run_rights(struct outcome *o)
{
	char *b = map_b(SEG, PROT_READ, 0);
	int r;

	if (!b) {
		snprintf(o->what, sizeof(o->what), "could not map read-only");
		return;
	}
	(void)*page(b, 0);   /* the fault that links the segment */
	check(o);
	r = in_child(write_read_only);
	o->seen = r == 0 && *page(VA_A, 0) == MAGIC + 999;
	if (o->seen)
		snprintf(o->what, sizeof(o->what), "a write through the read-only mapping worked: "
		         "the writer's page 0 now holds 999");
	else
		snprintf(o->what, sizeof(o->what), "the write through the read-only mapping %s",
		         r == -SIGSEGV ? "was killed by SIGSEGV" : "failed");
	*page(VA_A, 0) = MAGIC;
	sys_munmap(b, SEG);
}

/* 4: a second mapping of the whole segment links both of its tables. */
static void run_count(struct outcome *o)
{
	char *b = map_b(OBJ_SIZE, PROT_READ, 0);

	if (!b) {
		snprintf(o->what, sizeof(o->what), "could not map the segment twice");
		return;
	}
	(void)*page(b, 0);
	(void)*page(b, SEG / PAGE_SIZE);
	check(o);
	o->seen = o->report[0] != '\0';
	snprintf(o->what, sizeof(o->what), "two mappings of the segment link each of its two tables");
	sys_munmap(b, OBJ_SIZE);
}

static int read_after_munmap(void)
{
	char *priv = sys_mmap(VA_PRIVATE, PAGE_SIZE, PROT_READ | PROT_WRITE,
	                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	char *b = map_b(SEG, PROT_READ, 0);

	if (ptr_err(priv) || !b)
		return 4;
	*priv = 1;           /* keeps the page directory of VA_B's GiB alive */
	(void)*page(b, 0);   /* the CPU's TLB now holds the translation */
	sys_munmap(b, SEG);
	return *page(b, 0) == MAGIC ? 0 : 3;
}

/* 5: read the segment, unmap it, read it again. */
static void run_unlink(struct outcome *o)
{
	int r = in_child(read_after_munmap);

	o->seen = r == 0;
	snprintf(o->what, sizeof(o->what), r == 0 ?
	         "a read after munmap worked: the CPU still had the translation (a stale "
	         "TLB entry)" : "the read after munmap %s (status %d)",
	         r == -SIGSEGV ? "was killed by SIGSEGV" : "failed", r);
	check(o);
}

/* 6: nothing to run from user space (see the lesson's text). */
static void run_object(struct outcome *o)
{
	snprintf(o->what, sizeof(o->what), "no system call changes a linked object PTE");
}

/* 7: a private table emptied by munmap is freed (after, or before, the flush). */
static void run_free(struct outcome *o)
{
	char *p = sys_mmap(VA_B, SEG, PROT_READ | PROT_WRITE,
	                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (ptr_err(p)) {
		snprintf(o->what, sizeof(o->what), "mmap: %s", errname(ptr_err(p)));
		return;
	}
	*p = 1;
	sys_munmap(p, SEG);
	snprintf(o->what, sizeof(o->what), "munmap of a private page freed its page tables");
	check(o);
}

/* 8: unmap a mapping that links both segments (then the writer's, which does too). */
static void run_teardown(struct outcome *o)
{
	char *b = map_b(OBJ_SIZE, PROT_READ, 0);

	if (!b) {
		snprintf(o->what, sizeof(o->what), "could not map the segment");
		return;
	}
	(void)*page(b, 0);
	(void)*page(b, SEG / PAGE_SIZE);
	sys_munmap(b, OBJ_SIZE);
	snprintf(o->what, sizeof(o->what), "munmap of two mappings that link both segments (4 links)");
	check(o);
}

static const struct lesson lessons[] = {
	{ RULE_OFFSET_KEYED, "offset", "key object tables by object offset, never by address",
	  SHOWS_ACCESS, "entry wants", run_offset,
	  "A table maps object offsets [seg x 2 MiB, +2 MiB); linked where the address is\n"
	  "not congruent, every page of the mapping is some other page of the object." },
	{ RULE_WHOLE_SEGMENTS, "segments", "only whole segments inside one eligible mapping",
	  SHOWS_ACCESS, "is not eligible", run_segments,
	  "A PT page maps 2 MiB, no less: linked for a smaller mapping, it hands the\n"
	  "process the object's pages beyond its end (past munmap, past a smaller shmat)." },
	{ RULE_LINK_RIGHTS, "rights", "object PTEs carry the object's rights, the link the mapping's",
	  SHOWS_ACCESS, "beyond the mapping's", run_rights,
	  "x86 ANDs R/W down the walk: the link is the one place a read-only attacher's\n"
	  "rights can live, since the PTEs below are shared with writers." },
	{ RULE_LINK_COUNT, "count", "a link is a counted reference",
	  SHOWS_CHECKER, "link_count", run_count,
	  "A table freed while a process links it becomes whatever the page is reused\n"
	  "for, under that process's addresses; the count is what says it is still used." },
	{ RULE_UNLINK_FLUSH, "unlink", "unlinking is per process, and it flushes",
	  SHOWS_ACCESS, NULL, run_unlink,
	  "Clearing the process's entry is not enough: the CPU keeps the translations\n"
	  "(TLB, paging-structure caches) until the address space is flushed." },
	{ RULE_OBJECT_FLUSH, "object", "changing an object PTE invalidates it in every address space",
	  SHOWS_KTEST, NULL, run_object,
	  "No system call of this kernel changes an object PTE while it is linked (an\n"
	  "object keeps its pages until it dies), so no user workload shows it. The\n"
	  "kernel suite `shootdown` does, on 4 CPUs: boot the teach kernel with\n"
	  "`./run.sh --test --smp 4 --cmdline \"selftest machdep.pmap_break=6\"` and its\n"
	  "readers on the other CPUs get through the removed page (docs/lessons.md)." },
	{ RULE_FREE_AFTER_FLUSH, "free", "free a table only after every CPU has flushed",
	  SHOWS_COUNTER, NULL, run_free,
	  "The window is between the free and the flush: another CPU may walk (even\n"
	  "speculatively) a table page already reused. Under TCG no CPU walks in that\n"
	  "window, so only the count of tables freed early shows the bug." },
	{ RULE_TEARDOWN_COST, "teardown", "teardown is O(segments), not O(pages)",
	  SHOWS_COUNTER, NULL, run_teardown,
	  "Unlinking a segment is one entry and one flush whatever it maps; broken, it\n"
	  "invalidates page by page: 262,144 for a GiB. Nothing fails, it is only slow." },
};

/* ---- running one ---- */

static int knob(const char *name, long v)
{
	return sysctl_set(name, v);
}

/* Runs l's workload with the pmap breaking `rule` (0: none). */
static int run_with(const struct lesson *l, int rule, struct outcome *o, long *hits)
{
	int r;

	memset(o, 0, sizeof(*o));
	if ((r = seg_setup()) < 0) {
		snprintf(o->what, sizeof(o->what), "segment: %s", errname(r));
		seg_teardown();
		return r;
	}
	knob("machdep.pmap_break_hits", 0);
	if ((r = knob("machdep.pmap_break", rule)) < 0) {
		seg_teardown();
		return r;
	}
	l->run(o);
	seg_teardown();      /* still broken: what was linked broken is unlinked so */
	sysctl_get("machdep.pmap_break_hits", hits);
	knob("machdep.pmap_break", 0);
	return 0;
}

static void print_report(const char *report)
{
	const char *p = report;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		printf("    | %.*s\n", n, p);
		p += n + (nl != NULL);
	}
}

static void print_outcome(const char *title, const struct outcome *o, long hits, bool counted)
{
	printf("%s\n  %s\n", title, o->what);
	if (counted)
		printf("  the broken code ran %ld time%s (machdep.pmap_break_hits)\n", hits,
		       hits == 1 ? "" : "s");
	if (o->report[0]) {
		printf("  the checker (vmstat -v) reports:\n");
		print_report(o->report);
	} else {
		printf("  the checker (vmstat -v) finds nothing wrong\n");
	}
}

/* Did the broken run show the violation the way l says it shows? */
static bool detected(const struct lesson *l, const struct outcome *o, long hits)
{
	if (l->needle && !strstr(o->report, l->needle))
		return false;
	if (l->shows == SHOWS_ACCESS || l->shows == SHOWS_CHECKER)
		return o->seen;
	return l->shows == SHOWS_COUNTER ? hits > 0 : true;
}

static int teach(const struct lesson *l)
{
	struct outcome *bad = calloc(1, sizeof(*bad)), *good = calloc(1, sizeof(*good));
	long bad_hits = 0, good_hits = 0;
	long mmu = 1, prelink = 1;
	bool caught, clean;
	int r;

	if (!bad || !good)
		return 1;
	/* Sharing on, and fork links what the parent maps (lessons 2 and 3 need it). */
	sysctl_get("machdep.pmap_mmu_optimize", &mmu);
	sysctl_get("machdep.pmap_prelink", &prelink);
	knob("machdep.pmap_mmu_optimize", 1);
	knob("machdep.pmap_prelink", 1);
	r = run_with(l, l->rule, bad, &bad_hits);
	if (r == 0)
		r = run_with(l, RULE_NONE, good, &good_hits);
	knob("machdep.pmap_mmu_optimize", mmu);
	knob("machdep.pmap_prelink", prelink);
	if (r < 0) {
		printf("lesson %d (%s): %s: %s\n", l->rule, l->name, bad->what, errname(r));
		return 1;
	}
	caught = detected(l, bad, bad_hits);
	clean = !good->seen && !good->report[0] && good_hits == 0;
	if (!quiet) {
		char broken[48];

		snprintf(broken, sizeof(broken), "Broken (machdep.pmap_break=%d):", l->rule);
		printf("docs/correctness.md, rule %d (%s): %s.\n\n", l->rule, l->name, l->title);
		print_outcome(broken, bad, bad_hits, l->shows == SHOWS_COUNTER);
		print_outcome("\nKept (machdep.pmap_break=0):", good, good_hits,
		              l->shows == SHOWS_COUNTER);
		printf("\nWhy it matters:\n%s\n\n", l->why);
	}
	if (l->shows == SHOWS_KTEST)
		printf("lesson %d (%s): shown by the kernel suite shootdown, not here\n",
		       l->rule, l->name);
	else
		printf("lesson %d (%s): broken: %s; kept: %s\n", l->rule, l->name,
		       caught ? "detected" : "NOT DETECTED", clean ? "clean" : "NOT CLEAN");
	free(bad);
	free(good);
	return caught && clean ? 0 : 1;
}

/* ---- arguments ---- */

static void list(FILE *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(lessons); i++)
		fprintf(f, "  %d %-9s %s\n", lessons[i].rule, lessons[i].name, lessons[i].title);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: lesson [-q] RULE    break RULE, watch it fail, then keep it\n"
	           "       lesson --list       the rules (a teach kernel only: make teach)\n"
	           "RULE is a number or a name:\n");
	list(f);
}

static const struct lesson *find(const char *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(lessons); i++) {
		char num[8];

		snprintf(num, sizeof(num), "%d", lessons[i].rule);
		if (strcmp(arg, num) == 0 || strcmp(arg, lessons[i].name) == 0)
			return &lessons[i];
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const struct lesson *l;
	long v;
	int c, r;

	stdout_by_lines();
	if (help_wanted(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		list(stdout);
		return 0;
	}
	while ((c = getopt(argc, argv, "qh")) != -1) {
		if (c == 'q') {
			quiet = true;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	l = find(argv[optind]);
	if (!l) {
		fprintf(stderr, "lesson: %s: no such rule; the rules are:\n", argv[optind]);
		list(stderr);
		return 2;
	}
	if (!own_kernel_or_say("lesson"))
		return 3;
	r = sysctl_get("machdep.pmap_break", &v);
	if (r == -ENOENT) {
		printf("lesson: this kernel has no machdep.pmap_break: it is compiled only into\n"
		       "the teaching kernel. Build and boot that with `make teach-run`\n"
		       "(build dir B/teach, see docs/lessons.md).\n");
		return 3;
	}
	if (r < 0) {
		printf("lesson: machdep.pmap_break: %s\n", errname(r));
		return 1;
	}
	return teach(l);
}
