/*
 * ipcs: the System V shared memory segments, as util-linux's `ipcs -m`
 * lists them (Debian's busybox-static has no ipcs applet).
 *
 *	$ ipcs -m
 *
 *	------ Shared Memory Segments --------
 *	key        shmid      owner      perms      bytes      nattch     status
 *	0x00001538 3          root       600        268435456  9
 *	0x00000000 4          root       600        4194304    1          dest
 *
 * nattch counts the attachments (processes, or threads' shared one);
 * "dest" marks a segment removed (ipcrm, IPC_RMID) that lives on until
 * its last detach. The segments come from shmctl(SHM_INFO) and
 * shmctl(SHM_STAT_ANY), as on Linux; this kernel has no message queues or
 * semaphores, so -m (or no option) is all there is. `ptdump -o SHMID`
 * shows a segment's own page tables, `ptdump PID` an attacher's.
 */
#include "ulib.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: ipcs [-m]   the shared memory segments: key, id, size, attachments\n"
	    "  (no message queues or semaphores here; ipcrm -m ID removes a segment,\n"
	    "  shmhold makes and holds one, ptdump -o ID shows its page tables)\n");
}

int main(int argc, char **argv)
{
	struct shm_info info;
	struct shmid_ds ds;
	long highest;
	int i;

	if (help_wanted(argc, argv)) {
		usage(stdout);
		return 0;
	}
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-m") != 0 && strcmp(argv[i], "-a") != 0)
			arg_refuse("ipcs", argv[i], "only -m (shared memory) is here (-h: the usage)");
	highest = sys_shmctl(0, SHM_INFO, &info);
	if (highest < 0) {
		fprintf(stderr, "ipcs: shmctl(SHM_INFO): %s\n", errname(highest));
		return 1;
	}
	printf("\n------ Shared Memory Segments --------\n");
	printf("%-10s %-10s %-10s %-10s %-10s %-10s %s\n", "key", "shmid", "owner", "perms",
	    "bytes", "nattch", "status");
	for (i = 0; i <= highest; i++) {
		long id = sys_shmctl(i, SHM_STAT_ANY, &ds);

		if (id < 0)
			continue;       /* a free slot */
		printf("0x%08x %-10ld %-10s %-10o %-10lu %-10lu %s\n",
		    (unsigned)ds.shm_perm.key, id, ds.shm_perm.uid == 0 ? "root" : "user",
		    ds.shm_perm.mode & 0777, (unsigned long)ds.shm_segsz,
		    (unsigned long)ds.shm_nattch, (ds.shm_perm.mode & SHM_DEST) ? "dest" : "");
	}
	printf("\n");
	return 0;
}
