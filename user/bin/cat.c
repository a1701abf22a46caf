/*
 * cat: copies its standard input to its standard output, the other end of
 * a pipeline (`ps | cat`). There are no files to name yet, so it takes no
 * arguments but -h.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	char buf[4096];
	long n, done, w;

	if (help_wanted(argc, argv)) {
		printf("usage: cat\n  copies standard input to standard output "
		    "(there are no files to name yet)\n");
		return 0;
	}
	if (argc > 1)
		arg_refuse("cat", argv[1], "no files yet: cat copies standard input only");
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		for (done = 0; done < n; done += w) {
			w = write(1, buf + done, n - done);
			if (w < 0) {
				fprintf(stderr, "cat: write: %s\n", strerror(errno));
				return 1;
			}
		}
	}
	if (n < 0) {
		fprintf(stderr, "cat: read: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
