/*
 * cat: copies each FILE named, or its standard input when none is (or for
 * "-"), to its standard output: `cat /etc/motd`, `ps | cat`. A file it
 * cannot open or read is reported ("cat: NAME: reason") and skipped, and
 * the exit status is then 1, as POSIX cat does.
 */
#include "ulib.h"
#include <fcntl.h>

/* Copies fd to standard output; 0, or -1 after reporting what failed. */
static int copy(int fd, const char *name)
{
	char buf[4096];
	long n, done, w;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (done = 0; done < n; done += w) {
			w = write(1, buf + done, n - done);
			if (w < 0) {
				fprintf(stderr, "cat: write: %s\n", strerror(errno));
				return -1;
			}
		}
	}
	if (n < 0) {
		fprintf(stderr, "cat: %s: %s\n", name, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (help_wanted(argc, argv)) {
		printf("usage: cat [FILE...]\n  copies each FILE, or standard input when there is "
		    "none (or for -), to standard output\n");
		return 0;
	}
	if (argc == 1)
		return copy(0, "standard input") < 0;
	for (int i = 1; i < argc; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		if (copy(fd, argv[i]) < 0)
			status = 1;
		if (fd > 0)
			close(fd);
	}
	return status;
}
