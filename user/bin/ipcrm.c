/*
 * ipcrm: removes System V shared memory segments, as util-linux's ipcrm
 * does (Debian's busybox-static has no ipcrm applet).
 *
 *	$ ipcrm -m SHMID      by id (ipcs -m lists them)
 *	$ ipcrm -M KEY        by key (decimal, or 0x hex)
 *
 * Options repeat: `ipcrm -m 3 -m 4`. A removed segment that is still
 * attached lives on, marked "dest" in ipcs, until its last detach; its
 * key is free at once. Exit status 0 when every segment named was
 * removed, 1 when one could not be (its error is printed), 2 for a
 * refused argument.
 */
#include "ulib.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: ipcrm -m SHMID | -M KEY ...   removes shared memory segments\n"
	    "  (ipcs -m lists them; an attached one goes at its last detach)\n");
}

int main(int argc, char **argv)
{
	int c, failed = 0, named = 0;
	long id, r;

	if (help_wanted(argc, argv)) {
		usage(stdout);
		return 0;
	}
	while ((c = getopt(argc, argv, "m:M:h")) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c != 'm' && c != 'M') {
			fprintf(stderr, "ipcrm: -h lists the usage (only -m and -M: shared memory)\n");
			return 2;
		}
		if (c == 'm') {
			id = arg_long("ipcrm", "-m", optarg, 0, INT_MAX, "(an id)");
		} else {
			long key = arg_long("ipcrm", "-M", optarg, INT_MIN, UINT_MAX, "(a key)");

			if (key == IPC_PRIVATE)
				arg_refuse("ipcrm", optarg, "IPC_PRIVATE names no one segment: use -m");
			id = sys_shmget((int)key, 0, 0);
			if (id < 0) {
				fprintf(stderr, "ipcrm: key 0x%lx: %s\n", (unsigned long)(unsigned)key,
				    errname(id));
				failed++;
				continue;
			}
		}
		named++;
		r = sys_shmctl((int)id, IPC_RMID, NULL);
		if (r < 0) {
			fprintf(stderr, "ipcrm: segment %ld: %s\n", id, errname(r));
			failed++;
		}
	}
	if (optind != argc)
		arg_refuse("ipcrm", argv[optind], "unexpected argument (-m SHMID or -M KEY)");
	if (!named && !failed)
		arg_refuse("ipcrm", "(nothing)", "name a segment: -m SHMID or -M KEY");
	return failed ? 1 : 0;
}
