/*
 * programs: prints every program of /bin and /tests with one line on what
 * it does, as the shell's `help` does after its builtins. It is a program
 * of its own so that the list stays at hand under any shell (one whose
 * `help` lists only its builtins). The list is user/etc/programs, compiled
 * in (user/lib/programs.c).
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	if (help_wanted(argc, argv)) {
		printf("usage: programs   (no options: every program and test, one line each)\n");
		return 0;
	}
	if (argc > 1)
		arg_refuse("programs", argv[1], "programs takes no arguments");
	print_programs();
	return 0;
}
