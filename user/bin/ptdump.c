/*
 * ptdump: shows page-table trees.
 *
 *	ptdump PID...          each process's tree, as the kernel prints it:
 *	                       CR3, then every present PML4, PDPT and PD entry
 *	                       with its physical target and flags; an entry
 *	                       that links an object's table, or maps its page,
 *	                       is followed by the SysV id of that object, or
 *	                       the name of its file (in /dev/shm or /tmp)
 *	ptdump -o SHMID        the tree owned by a SysV segment's VM object
 *	ptdump -f PATH         the tree owned by a file's VM object (its pages,
 *	                       shared by every MAP_SHARED mapping of it)
 *	ptdump --dot PID...    one Graphviz graph of all those processes' trees
 *
 * The graph is built from the same text: each line of a dump is an edge
 * from the table that holds the entry to the table it points at. Tables
 * are named by physical address, so a table that several processes link
 * (an object's PT page behind their PDEs, or its PD page behind their
 * PDPTEs) is drawn once, with one edge from every process entry that
 * points at it. Shared tables are filled orange and the edges into them
 * drawn thick and red; a read-only link is labelled "ro".
 *
 * An entry with the PS flag (a 2 MiB leaf in a PD; a 1 GiB one in a PDPT,
 * which this kernel never makes) points at a page of data, not at a
 * table: it is drawn as a page node (p<address>, an ellipse filled light
 * blue when several entries map it) with a dashed edge labelled "PS", and
 * nothing below it. Render the graph with `dot -Tsvg graph.dot -o
 * graph.svg` (see `make ptgraph`).
 */
#include <dirent.h>
#include <inttypes.h>

#include "ulib.h"

#define DUMP_LEN   (64 * 1024)   /* the kernel's own limit */
#define MAX_TABLES 4096
#define MAX_EDGES  8192

/* One entry line of a dump: "  PD[  2] va=0x... -> 0x... P W U  PT private used=3" */
struct entry {
	int level;          /* level of the table holding it: 4 PML4 .. 2 PD */
	unsigned index;
	uint64_t va;        /* first address it maps */
	uint64_t pa;        /* physical address of the table (or page) it points at */
	bool writable;
	bool leaf;          /* PS: it maps a 2 MiB (PD) or 1 GiB (PDPT) page */
	const char *note;   /* what the kernel says of the target, or "" */
};

/* A node of the graph, met in one or more dumps: a table, or a leaf's page. */
struct table {
	uint64_t pa;
	int level;          /* table: 4 PML4, 3 PDPT, 2 PD, 1 PT; page: the level
	                       of the entry that maps it (2: 2 MiB, 3: 1 GiB) */
	bool page;          /* the data page of a PS entry, not a table */
	uint64_t va;        /* first address it maps (in the first dump) */
	int parents;        /* distinct entries pointing at it */
	bool object;        /* the kernel calls it anything but private */
	char note[96];
};

struct edge {
	int from, to;       /* table indexes; from -1: the process node */
	int pid;            /* for edges from a process node */
	unsigned index;
	bool writable;
};

static struct table *tables;
static struct edge *edges;
static int ntables, nedges;

static const char *const level_names[] = { "", "PT", "PD", "PDPT", "PML4" };

static void usage(FILE *f)
{
	fprintf(f, "usage: ptdump PID...       the page-table tree of each process (PID 0..%d;\n"
	    "                           0: ptdump itself), each object link named by its\n"
	    "                           SysV segment id\n"
	    "       ptdump -o SHMID     the tree owned by a SysV segment (SHMID 0..%d:\n"
	    "                           pgbench and demo print the ids they create)\n"
	    "       ptdump -f PATH      the tree owned by a file (e.g. /dev/shm/NAME)\n"
	    "       ptdump --dot PID... one Graphviz graph of those trees\n"
	    "       ptdump -h, --help   this text\n", INT_MAX, INT_MAX);
}

/* A pid or segment id operand: a number, or the tool refuses it (exit 2). */
static int id_arg(const char *opt, const char *arg)
{
	return (int)arg_long("ptdump", opt, arg, 0, INT_MAX, opt ? "(a segment id)" : "(a pid)");
}

/* Skips a literal prefix: returns s past it, or NULL if s does not start so. */
static char *skip(char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/*
 * Parses one entry line into *e; false for any other line (the "pmap cr3="
 * header, a blank). Cuts the line at the end of its flags: e->note points
 * into it, at the text after the flags.
 */
static bool parse_entry(char *line, struct entry *e)
{
	char *s = line, *end, *tok;
	int level;

	while (*s == ' ')
		s++;
	for (level = 4; level >= 2; level--)
		if (skip(s, level_names[level]) && s[strlen(level_names[level])] == '[')
			break;
	if (level < 2)
		return false;
	e->level = level;
	e->index = strtoul(s + strlen(level_names[level]) + 1, &end, 10);
	while (*end == ' ' || *end == ']')
		end++;
	if (!(s = skip(end, "va=")))
		return false;
	e->va = strtoul(s, &end, 16);
	if (!(s = skip(end, " -> ")))
		return false;
	e->pa = strtoul(s, &end, 16);
	e->writable = e->leaf = false;
	e->note = "";
	/* flags: single words " P W U NX PS", then two spaces before a note */
	for (s = end; *s == ' ' && s[1] != ' ' && s[1] != '\0'; s = end) {
		tok = s + 1;
		for (end = tok; *end && *end != ' '; end++)
			;
		if (end - tok == 1 && *tok == 'W')
			e->writable = true;
		if (end - tok == 2 && strncmp(tok, "PS", 2) == 0)
			e->leaf = true;
	}
	if (*s == ' ') {
		*s = '\0';
		for (s++; *s == ' '; s++)
			;
		e->note = s;
	}
	return true;
}

/*
 * The index of the node at pa (a table, or a leaf's page if `page`), added
 * (with `level`, `va`) if it is new; -1 when the graph is full.
 */
static int table_at(uint64_t pa, int level, bool page, uint64_t va, bool *is_new)
{
	struct table *t;
	int i;

	*is_new = false;
	for (i = 0; i < ntables; i++)
		if (tables[i].pa == pa && tables[i].page == page)
			return i;
	if (ntables == MAX_TABLES)
		return -1;
	t = &tables[ntables];
	memset(t, 0, sizeof(*t));
	t->pa = pa;
	t->level = level;
	t->page = page;
	t->va = va;
	*is_new = true;
	return ntables++;
}

/* Adds the edge from -> to unless the graph has it already (a shared
 * table's subtree appears in the dump of every process that links it). */
static int add_edge(int from, int to, int pid, const struct entry *e, bool check)
{
	int i;

	for (i = 0; check && i < nedges; i++)
		if (edges[i].from == from && edges[i].to == to && edges[i].pid == pid)
			return 0;
	if (nedges == MAX_EDGES)
		return -1;
	edges[nedges] = (struct edge){ from, to, pid, e ? e->index : 0,
	                               e ? e->writable : true };
	if (to >= 0)
		tables[to].parents++;
	nedges++;
	return 0;
}

/*
 * Adds one process's dump to the graph. parent[l] is the table whose
 * entries the level-l lines of the dump are, the target of the last
 * non-leaf line one level up. A PS line adds an edge to its page and
 * changes no parent: nothing below it is a table. Returns 0, or -ENOMEM
 * when the graph is full.
 */
static int graph_add(int pid, char *text)
{
	int parent[5] = { -1, -1, -1, -1, -1 };
	char *line, *save, *cr3;
	struct entry e;
	bool is_new;
	int t;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if ((cr3 = strstr(line, "cr3="))) {
			t = table_at(strtoul(cr3 + 4, NULL, 16), 4, false, 0, &is_new);
			if (t < 0 || add_edge(-1, t, pid, NULL, false) < 0)
				return -ENOMEM;
			parent[4] = t;
			continue;
		}
		if (!parse_entry(line, &e) || parent[e.level] < 0)
			continue;
		t = e.leaf ? table_at(e.pa, e.level, true, e.va, &is_new)
		           : table_at(e.pa, e.level - 1, false, e.va, &is_new);
		if (t < 0 || add_edge(parent[e.level], t, 0, &e, !is_new) < 0)
			return -ENOMEM;
		if (is_new && e.note[0]) {
			strncpy(tables[t].note, e.note, sizeof(tables[t].note) - 1);
			tables[t].object = !strstr(e.note, "private");
		}
		if (!e.leaf)
			parent[e.level - 1] = t;
	}
	return 0;
}

/* Prints s for a dot label, starting a new label line before a word
 * that would take the current line past `width` characters. */
static void print_wrapped(const char *s, int width)
{
	int col = 0, n;

	while (*s) {
		for (n = 0; s[n] && s[n] != ' '; n++)
			;
		if (col > 0 && col + 1 + n > width) {
			printf("\\n");
			col = 0;
		} else if (col > 0) {
			printf(" ");
			col++;
		}
		printf("%.*s", n, s);
		col += n;
		for (s += n; *s == ' '; s++)
			;
	}
}

/* A shared table: linked from several entries, or owned by an object. */
static bool shared(const struct table *t)
{
	return t->parents > 1 || t->object;
}

/* A leaf's page, node p<pa>: its size, address and what the kernel says of
 * it (less the note's own "2 MiB page "). Filled when several entries map it. */
static void print_page(const struct table *t)
{
	const char *size = t->level == 3 ? "1 GiB" : "2 MiB", *note = t->note;
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "%s page ", size);
	if (strncmp(note, prefix, strlen(prefix)) == 0)
		note += strlen(prefix);
	printf("\tp%lx [label=\"%s page 0x%lx\\nva 0x%lx", (unsigned long)t->pa, size,
	    (unsigned long)t->pa, (unsigned long)t->va);
	if (note[0]) {
		printf("\\n");
		print_wrapped(note, 26);
	}
	printf("\", shape=ellipse%s];\n",
	    t->parents > 1 ? ", style=filled, fillcolor=lightblue" : "");
}

/*
 * The graph: a box per table (orange when shared), an ellipse per process
 * and per page (light blue when shared), an edge per entry (thick red into
 * a shared table, dashed into a page). scripts/ptgraph.sh draws a legend
 * of these kinds and refuses any other: change its KINDS with them.
 */
static void print_graph(void)
{
	const struct table *t;
	const struct edge *e;
	int i;

	printf("digraph ptables {\n"
	    "\trankdir=LR;\n"
	    "\tnode [shape=box, fontname=\"monospace\", fontsize=10];\n"
	    "\tedge [fontname=\"monospace\", fontsize=9];\n");
	for (i = 0; i < ntables; i++) {
		t = &tables[i];
		if (t->page) {
			print_page(t);
			continue;
		}
		printf("\tt%lx [label=\"%s 0x%lx\\nva 0x%lx", (unsigned long)t->pa,
		    level_names[t->level], (unsigned long)t->pa, (unsigned long)t->va);
		if (t->note[0]) {
			printf("\\n");
			print_wrapped(t->note, 26);
		}
		printf("\"%s];\n", shared(t) ? ", style=filled, fillcolor=orange" : "");
	}
	for (i = 0; i < nedges; i++) {
		e = &edges[i];
		if (e->from < 0) {
			printf("\tpid%d [label=\"pid %d\", shape=ellipse];\n", e->pid, e->pid);
			printf("\tpid%d -> t%lx [label=\"cr3\"];\n", e->pid,
			    (unsigned long)tables[e->to].pa);
			continue;
		}
		t = &tables[e->to];     /* a page is p<pa>, a table t<pa> */
		printf("\tt%lx -> %c%lx [label=\"[%u]%s%s\"%s];\n",
		    (unsigned long)tables[e->from].pa, t->page ? 'p' : 't', (unsigned long)t->pa,
		    e->index, t->page ? " PS" : "", e->writable ? "" : " ro",
		    t->page ? ", style=dashed" : shared(t) ? ", color=red, penwidth=2" : "");
	}
	printf("}\n");
}

/* Fetches the dump of (id, flags) into buf; prints why not and returns -E. */
static long fetch(int id, int flags, char *buf)
{
	long n = ptdump(id, flags, buf, DUMP_LEN);

	if (n >= 0)
		return n;
	if (flags == PTDUMP_OBJECT)
		printf("ptdump: -o %d: %s (no such segment, or this kernel cannot "
		    "dump object trees)\n", id, strerror(-n));
	else if (flags == PTDUMP_FILE)
		printf("ptdump: -f: %s%s\n", strerror(-n),
		    n == -ENOENT ? " (the file has no pages yet: nothing wrote or mapped it)" : "");
	else
		printf("ptdump: pid %d: %s\n", id, strerror(-n));
	return n;
}

/* ptdump --dot PID...: one graph of all the trees. */
static int dot(int argc, char **argv)
{
	char *buf = malloc(DUMP_LEN);
	int i;

	tables = malloc(MAX_TABLES * sizeof(*tables));
	edges = malloc(MAX_EDGES * sizeof(*edges));
	if (!buf || !tables || !edges) {
		printf("ptdump: out of memory\n");
		return 1;
	}
	for (i = 0; i < argc; i++) {
		if (fetch(id_arg(NULL, argv[i]), PTDUMP_PROC, buf) < 0)
			return 1;
		if (graph_add(id_arg(NULL, argv[i]), buf) < 0) {
			printf("ptdump: graph too large\n");
			return 1;
		}
	}
	print_graph();
	return 0;
}

/*
 * The process dump names an object by its kernel address; the student
 * knows it by its SysV id. Each segment's own dump (ptdump -o) begins
 * "object ADDRESS tree:", so the segments listed by SHM_INFO and SHM_STAT
 * give the address of every segment's object, and no kernel change is
 * needed to translate.
 */
#define MAX_SEGS 256
static struct seg { uint64_t object; int id; } segs[MAX_SEGS];
static int nsegs;

/* The same for files: the object of each file of /dev/shm and /tmp (ptdump -f). */
#define MAX_FILES 256
static struct named { uint64_t object; char path[sizeof("/dev/shm/") + 256]; } files[MAX_FILES];
static int nfiles;

static void learn_files(char *buf)
{
	static const char *const dirs[] = { "/dev/shm", "/tmp" };
	struct dirent *d;
	DIR *dir;
	int fd;

	for (size_t k = 0; k < ARRAY_SIZE(dirs); k++) {
		if (!(dir = opendir(dirs[k])))
			continue;
		while ((d = readdir(dir)) && nfiles < MAX_FILES) {
			if (d->d_type != DT_REG)
				continue;
			snprintf(files[nfiles].path, sizeof(files[nfiles].path), "%s/%s", dirs[k],
			    d->d_name);
			fd = open(files[nfiles].path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0 && ptdump(fd, PTDUMP_FILE, buf, DUMP_LEN) >= 0 &&
			    sscanf(buf, "object %" SCNx64, &files[nfiles].object) == 1)
				nfiles++;
			if (fd >= 0)
				close(fd);
		}
		closedir(dir);
	}
}

static void learn_segments(char *buf)
{
	struct shm_info info;
	struct shmid_ds ds;
	int highest, i, id;

	highest = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
	for (i = 0; i <= highest && nsegs < MAX_SEGS; i++) {
		if ((id = shmctl(i, SHM_STAT, &ds)) < 0 || ptdump(id, PTDUMP_OBJECT, buf, DUMP_LEN) < 0)
			continue;
		if (sscanf(buf, "object %" SCNx64, &segs[nsegs].object) == 1)
			segs[nsegs++].id = id;
	}
}

/* Prints a process dump, each line naming the segment of its object. */
static void print_named(char *dump)
{
	char *line, *next, *obj;
	uint64_t addr;
	int i;

	for (line = dump; *line; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		printf("%.*s", (int)(next - line - (next[-1] == '\n')), line);
		if ((obj = strstr(line, "object ")) && obj < next &&
		    sscanf(obj, "object %" SCNx64, &addr) == 1)
			for (i = 0; i < nsegs; i++)
				if (segs[i].object == addr)
					printf("  [shm id %d]", segs[i].id);
		if (obj && obj < next && sscanf(obj, "object %" SCNx64, &addr) == 1)
			for (i = 0; i < nfiles; i++)
				if (files[i].object == addr)
					printf("  [file %s]", files[i].path);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	char *buf;
	const char *path = NULL;
	int i, c, fd, bad = 0, object = -1;

	if (help_wanted(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--dot") == 0) {
		if (argc == 2)
			arg_refuse("ptdump", "--dot", "needs at least one PID");
		for (i = 2; i < argc; i++)
			id_arg(NULL, argv[i]);
		return own_kernel_or_say("ptdump") ? dot(argc - 2, argv + 2) : 1;
	}
	while ((c = getopt(argc, argv, "o:f:h")) != -1) {
		switch (c) {
		case 'o': object = id_arg("-o", optarg); break;
		case 'f': path = optarg; break;
		case 'h': usage(stdout); return 0;
		default:   /* getopt has named the option */
			fprintf(stderr, "ptdump: -h lists the usage\n");
			return 2;
		}
	}
	if ((object >= 0 || path) && optind != argc)
		arg_refuse("ptdump", argv[optind], "-o and -f take one SHMID or PATH and no PID");
	if (object >= 0 && path)
		arg_refuse("ptdump", "-o with -f", "one tree at a time");
	if (object < 0 && !path && optind == argc)
		arg_refuse("ptdump", "no argument",
		    "give a PID, -o SHMID or -f PATH (-h: the usage)");
	for (i = optind; i < argc; i++)
		id_arg(NULL, argv[i]);   /* refuse before dumping anything */
	if (!own_kernel_or_say("ptdump"))
		return 1;
	if (!(buf = malloc(DUMP_LEN))) {
		printf("ptdump: out of memory\n");
		return 1;
	}
	if (object >= 0) {
		if (fetch(object, PTDUMP_OBJECT, buf) < 0)
			return 1;
		printf("%s", buf);
		return 0;
	}
	if (path) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			printf("ptdump: -f %s: %s\n", path, strerror(errno));
			return 1;
		}
		if (fetch(fd, PTDUMP_FILE, buf) < 0)
			return 1;
		printf("file %s: %s", path, buf);
		return 0;
	}
	learn_segments(buf);
	learn_files(buf);
	for (i = optind; i < argc; i++) {
		if (fetch(id_arg(NULL, argv[i]), PTDUMP_PROC, buf) < 0) {
			bad = 1;
			continue;
		}
		printf("process %s:\n", argv[i]);
		print_named(buf);
	}
	return bad;
}
