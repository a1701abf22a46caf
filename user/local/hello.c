/*
 * hello: the example of a user's own program. Every C file in user/local/
 * becomes /usr/local/bin/NAME (user/local/README.md); the fs suite runs
 * this one to show that such a file is built and runs.
 *
 *	$ hello world
 *	hello, world (from /usr/local/bin/hello)
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, %s (from /usr/local/bin/hello)\n", argc > 1 ? argv[1] : "you");
	return 0;
}
