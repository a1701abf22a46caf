/*
 * The C half of _start (crt0.S): finds argv, envp and the auxiliary vector
 * in the block the kernel left at the initial stack pointer, keeps envp in
 * `environ` (exec() passes it on) and the vector for getauxval(), and runs
 * main.
 */
#include "ulib.h"

char **environ;
static const uint64_t *auxv;

int main(int argc, char **argv);

void __start_c(uint64_t *sp) __attribute__((noreturn));
void __start_c(uint64_t *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char **e = envp;

	while (*e)
		e++;
	environ = envp;
	auxv = (const uint64_t *)(e + 1);
	exit(main(argc, argv));
}

unsigned long getauxval(unsigned long type)
{
	for (const uint64_t *a = auxv; a && a[0] != AT_NULL; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}
