/*
 * shmhold: makes or finds a System V shared memory segment, attaches it,
 * touches every page and holds it until stopped, so that a student can
 * look at the page tables of its attachers from another shell.
 *
 *	$ shmhold -s 64 &          a new 64 MiB segment, read-write
 *	shmhold: pid 7 holds segment 2 (64 MiB, key 0x0) read-write at 0x7f0000000000 ...
 *	$ shmhold -r 2 &           the same segment, read-only, in a second process
 *	$ ptdump 7; ptdump 9       both link the segment's page tables
 *	$ ptdump -o 2              the segment's own tables
 *	$ ipcs -m; kill %1 %2      the attach count, then the end of both
 *
 * Options: -s MIB makes a new segment of MIB MiB (-k KEY gives it a key;
 * -L puts it on 2 MiB pages, SHM_HUGETLB); without -s, the operand ID (or
 * -k KEY) names an existing one. -r attaches read-only. -t SECONDS ends
 * the hold after that long (default: until a signal: Ctrl-C in the
 * foreground, `kill` in the background). -d removes the segment at once
 * (IPC_RMID), so that it goes with its last attacher. Every page is read
 * once, which fills the process's view of it: with sharing on, a link to
 * the segment's tables per 2 MiB, not a PTE per page. Exit status 0 after
 * the hold, 1 when the segment cannot be made or attached, 2 for a refused
 * argument.
 */
#include "ulib.h"

#define MAX_MIB (1L << 20)   /* 1 TiB: the kernel refuses what it cannot hold */

static void usage(FILE *f)
{
	fprintf(f, "usage: shmhold [-s MIB [-L]] [-k KEY] [-r] [-d] [-t SECONDS] [ID]\n"
	    "  -s MIB      make a new segment of MIB MiB (-L: on 2 MiB pages)\n"
	    "  -k KEY      the new segment's key, or the key of an existing one\n"
	    "  ID          an existing segment's id (ipcs -m lists them)\n"
	    "  -r          attach read-only (default: read-write)\n"
	    "  -d          remove it at once: it goes with its last attacher\n"
	    "  -t SECONDS  hold that long (default: until Ctrl-C or kill)\n"
	    "  example: shmhold -s 64 &   then ptdump PID, ipcs -m, kill %%1\n");
}

int main(int argc, char **argv)
{
	long mib = 0, key = IPC_PRIVATE, secs = -1, id, r;
	bool readonly = false, large = false, remove = false, keyed = false;
	volatile const char *p;
	struct shmid_ds ds;
	size_t off;
	int c;

	if (help_wanted(argc, argv)) {
		usage(stdout);
		return 0;
	}
	while ((c = getopt(argc, argv, "s:k:t:rLdh")) != -1) {
		switch (c) {
		case 's': mib = arg_long("shmhold", "-s", optarg, 1, MAX_MIB, "MiB"); break;
		case 'k':
			key = arg_long("shmhold", "-k", optarg, INT_MIN, UINT_MAX, "(a key)");
			keyed = true;
			break;
		case 't': secs = arg_long("shmhold", "-t", optarg, 0, 86400, "seconds"); break;
		case 'r': readonly = true; break;
		case 'L': large = true; break;
		case 'd': remove = true; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "shmhold: -h lists the usage\n");
			return 2;
		}
	}
	if (large && !mib)
		arg_refuse("shmhold", "-L", "only with -s (a new segment's pages)");
	if ((mib || keyed) && optind != argc)
		arg_refuse("shmhold", argv[optind], "an ID, or -s or -k: not both");
	if (!mib && !keyed && optind + 1 != argc)
		arg_refuse("shmhold", optind < argc ? argv[optind + 1] : "(nothing)",
		    "give one segment: -s MIB (new), ID or -k KEY");
	if (mib)
		id = sys_shmget((int)key, (size_t)mib << 20,
		    IPC_CREAT | IPC_EXCL | 0600 | (large ? SHM_HUGETLB : 0));
	else if (optind < argc)
		id = arg_long("shmhold", NULL, argv[optind], 0, INT_MAX, "(an id)");
	else
		id = sys_shmget((int)key, 0, 0);
	if (id < 0) {
		fprintf(stderr, "shmhold: %s: %s\n", mib ? "shmget" : "no such key", errname(id));
		return 1;
	}
	p = sys_shmat((int)id, NULL, readonly ? SHM_RDONLY : 0);
	if ((r = ptr_err((void *)p)) != 0) {
		fprintf(stderr, "shmhold: segment %ld: shmat: %s\n", id, errname(r));
		if (mib)
			sys_shmctl((int)id, IPC_RMID, NULL);
		return 1;
	}
	if ((r = sys_shmctl((int)id, IPC_STAT, &ds)) < 0) {
		fprintf(stderr, "shmhold: segment %ld: IPC_STAT: %s\n", id, errname(r));
		return 1;
	}
	for (off = 0; off < ds.shm_segsz; off += PAGE_SIZE)
		(void)p[off];
	if (remove && (r = sys_shmctl((int)id, IPC_RMID, NULL)) < 0)
		fprintf(stderr, "shmhold: segment %ld: IPC_RMID: %s\n", id, errname(r));
	printf("shmhold: pid %d holds segment %ld (%lu KiB, key 0x%x) %s at %p, every page "
	    "read; %s\n", getpid(), id, (unsigned long)(ds.shm_segsz >> 10),
	    (unsigned)ds.shm_perm.key, readonly ? "read-only" : "read-write", (void *)p,
	    secs >= 0 ? "for the time given" : "until Ctrl-C or kill");
	fflush(stdout);
	if (secs >= 0)
		sleep_ms((uint64_t)secs * 1000);
	else
		for (;;)
			pause();
	return 0;
}
