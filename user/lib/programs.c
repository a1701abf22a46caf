/*
 * The list of programs and the message of the day, from user/etc/programs
 * and user/etc/motd. The build compiles both files in (scripts/programs.sh
 * writes them as the header etc_text.h, see user/user.mk), so that init,
 * `programs` and ownsh's `help` need no file; they are in the initrd as
 * /etc/programs and /etc/motd too.
 */
#include "ulib.h"
#include "etc_text.h"

#define NAME_WIDTH 14    /* the longest name; scripts/programs.sh holds names to it */

#define PROGRAM(path, what) { path, what },
const struct program program_list[] = { ETC_PROGRAMS };
#undef PROGRAM
const size_t program_count = ARRAY_SIZE(program_list);

const char motd[] = ETC_MOTD;

/* Prints the programs whose path starts with dir ("/usr/bin/"), one a line. */
static void print_dir(const char *dir)
{
	size_t i, n = strlen(dir);

	for (i = 0; i < program_count; i++)
		if (strncmp(program_list[i].path, dir, n) == 0)
			printf("  %-*s  %s\n", NAME_WIDTH, program_list[i].path + n,
			    program_list[i].what);
}

void print_programs(void)
{
	printf("The project's programs in /usr/bin (run by name; each explains itself\n"
	    "with -h):\n");
	print_dir("/usr/bin/");
	printf("Test programs in /tests (run by path: /tests/proc, or /tests/proc CASE for\n"
	    "one case; each ends with \"N passed, M failed\"):\n");
	print_dir("/tests/");
}
