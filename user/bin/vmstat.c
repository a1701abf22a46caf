/*
 * vmstat [-v] [PID]: prints the VM counters of the whole system, or of one
 * process, as a table of name, value and meaning. With -v it also runs the
 * page-table invariant checker and prints its verdict.
 */
#include "ulib.h"

enum { BOTH, GLOBAL, PROC };    /* which view shows a counter */

struct field {
	const char *name;           /* NULL: a heading */
	size_t off;
	int scope;
	const char *help;
};

#define F(f, scope, help) { #f, offsetof(struct vmstat, f), scope, help }
#define HEADING(text)     { NULL, 0, BOTH, text }

static const struct field fields[] = {
	HEADING("page faults, by what they had to do"),
	F(faults,         BOTH,   "all page faults handled"),
	F(faults_private, BOTH,   "filled a PTE in a private page table"),
	F(faults_object,  BOTH,   "filled a PTE in an object-owned page table"),
	F(faults_link,    BOTH,   "only linked an existing object table"),
	F(faults_cow,     BOTH,   "copy-on-write copies"),
	F(faults_zero,    BOTH,   "zero-fill allocations"),
	F(faults_spurious, BOTH,  "not in faults: another thread had mapped the page first"),
	HEADING("page-table pages and links (now)"),
	F(pt_pages,       BOTH,   "process-private table pages (PML4..PT)"),
	F(obj_pt_pages,   GLOBAL, "object-owned PT pages (2 MiB each)"),
	F(obj_pd_pages,   GLOBAL, "object-owned PD pages (1 GiB each)"),
	F(links_pde,      BOTH,   "process PDEs pointing at object PT pages"),
	F(links_pdpte,    BOTH,   "process PDPTEs pointing at object PD pages"),
	F(pv_entries,     BOTH,   "reverse-map (PV) entries"),
	HEADING("TLB work"),
	F(tlb_flushes,    BOTH,   "full flushes (CR3 reloads)"),
	F(tlb_invlpg,     BOTH,   "single-page invalidations"),
	HEADING("large (2 MiB) pages"),
	F(faults_large,   BOTH,   "of faults_object: filled a 2 MiB leaf in an object PD"),
	F(faults_split,   BOTH,   "of faults_private: mapped the 4 KiB pieces of a 2 MiB page"),
	F(leaf_copies,    BOTH,   "process PDEs copying an object's 2 MiB leaf"),
	F(leaf_mirrors,   BOTH,   "process PD ranges kept in sync with an object's leaves"),
	F(leaf_private,   BOTH,   "process PDEs mapping a 2 MiB page on their own (no sharing)"),
	F(obj_leaves,     GLOBAL, "2 MiB leaves in object PD pages"),
	F(large_pages,    GLOBAL, "2 MiB blocks in use as large pages"),
	F(large_free,     GLOBAL, "free 2 MiB blocks (fragmentation)"),
	F(large_reserve,  GLOBAL, "2 MiB blocks set aside (vm.largepage_reserve)"),
	HEADING("memory (pages of 4 KiB)"),
	F(free_pages,     GLOBAL, "free pages now"),
	F(total_pages,    GLOBAL, "all pages"),
	F(resident,       PROC,   "pages mapped by this process"),
	F(vm_objects,     GLOBAL, "live VM objects"),
	F(shm_segments,   GLOBAL, "live SysV shared memory segments"),
	F(kmem_pages,     GLOBAL, "pages the kernel heap holds"),
	F(file_pages,     GLOBAL, "pages of the files in /tmp and /dev/shm"),
	F(threads,        GLOBAL, "threads alive, kernel and user"),
	HEADING("processes killed by a fault"),
	F(crash_kills,    GLOBAL, "by a fault no one declared: crashes"),
	F(expected_kills, GLOBAL, "by a fault the program declared (expect_fault)"),
	HEADING("hangs"),
	F(watchdog_reports, GLOBAL, "watchdog reports: a CPU stuck or waiting for a lock"),
};

static void print_table(const struct vmstat *vs, int pid)
{
	const struct field *f;
	uint64_t v;

	for (f = fields; f < fields + ARRAY_SIZE(fields); f++) {
		if (!f->name) {
			printf("\n%s\n", f->help);
			continue;
		}
		if ((pid == 0 && f->scope == PROC) ||
		    (pid != 0 && f->scope == GLOBAL))
			continue;
		v = *(const uint64_t *)((const char *)vs + f->off);
		printf("  %-16s %12lu  %s\n", f->name, (unsigned long)v, f->help);
	}
}

/* TLB shootdown work of each CPU (global view only). */
static void print_cpus(const struct vmstat *vs)
{
	printf("\nTLB shootdowns, per CPU\n  %-4s %12s %12s %14s\n", "cpu",
	       "ipis_sent", "shootdowns", "pages_flushed");
	for (uint64_t i = 0; i < vs->cpus && i < VMSTAT_MAX_CPUS; i++)
		printf("  %-4lu %12lu %12lu %14lu\n", (unsigned long)i,
		       (unsigned long)vs->cpu_ipis_sent[i], (unsigned long)vs->cpu_shootdowns[i],
		       (unsigned long)vs->cpu_pages_flushed[i]);
}

/* Runs pmap_verify and prints "pmap_verify: OK" or the report. */
static int verify(void)
{
	size_t len = 64 * 1024;
	char *report = malloc(len);
	int r;

	if (!report) {
		printf("vmstat: out of memory\n");
		return 1;
	}
	report[0] = '\0';
	r = pmap_verify(report, len);
	report[len - 1] = '\0';
	if (r == 0)
		printf("\npmap_verify: OK\n");
	else if (r == -EIO)
		printf("\npmap_verify: FAILED\n%s%s", report,
		    report[0] && report[strlen(report) - 1] != '\n' ? "\n" : "");
	else
		printf("\npmap_verify: %s\n", strerror(-r));
	free(report);
	return r == 0 ? 0 : 1;
}

static void usage(void)
{
	printf("usage: vmstat [-v] [PID]\n"
	    "  PID         the counters of one process, 0..%d (default 0: the whole system)\n"
	    "  -v          then check every page-table tree (pmap_verify)\n"
	    "  -h, --help  this text\n", INT_MAX);
}

int main(int argc, char **argv)
{
	struct vmstat vs;
	bool check = false;
	int pid = 0, c, r;

	if (help_wanted(argc, argv)) {
		usage();
		return 0;
	}
	while ((c = getopt(argc, argv, "vh")) != -1) {
		if (c == 'v') {
			check = true;
		} else if (c == 'h') {
			usage();
			return 0;
		} else {   /* getopt has named the option */
			fprintf(stderr, "vmstat: -h lists the options\n");
			return 2;
		}
	}
	if (optind < argc)
		pid = arg_long("vmstat", NULL, argv[optind], 0, INT_MAX, "(a pid)");
	if (optind + 1 < argc)
		arg_refuse("vmstat", argv[optind + 1], "one PID at most");
	if (!own_kernel_or_say("vmstat"))
		return 1;

	r = vmstat(pid, &vs);
	if (r < 0) {
		printf("vmstat: %s\n", strerror(-r));
		return 1;
	}
	if (pid == 0)
		printf("VM counters, whole system.");
	else
		printf("VM counters of process %d.", pid);
	printf(" Fault and TLB counts grow from boot;\n"
	    "\"now\" values are current. Shared (object-owned) page tables are\n"
	    "linked into many processes but counted once.\n");
	print_table(&vs, pid);
	if (pid == 0)
		print_cpus(&vs);
	return check ? verify() : 0;
}
