/*
 * sysctl: reads and sets the kernel's run-time knobs.
 *
 *	sysctl                          list every knob and its value
 *	sysctl NAME                     NAME = VALUE
 *	sysctl NAME=VALUE               NAME: OLD -> NEW
 *	sysctl -h                       the usage
 *
 * A VALUE that is not a number is refused (exit status 2) before any knob
 * changes; the range of each knob is the kernel's (it answers EINVAL).
 */
#include "ulib.h"

static int show(const char *name)
{
	long v;
	int r = sysctl_get(name, &v);

	if (r < 0) {
		printf("sysctl: %s: %s\n", name, strerror(-r));
		return 1;
	}
	printf("%s = %ld\n", name, v);
	return 0;
}

static int list(void)
{
	char name[64];
	int i, r, bad = 0;

	for (i = 0; (r = sysctl_list(i, name, sizeof(name))) == 0; i++)
		bad |= show(name);
	if (r != -ENOENT) {
		printf("sysctl: sysctl_list: %s\n", strerror(-r));
		return 1;
	}
	return bad;
}

/* arg is "NAME=VALUE"; prints the old and the new value. */
static int set(char *arg)
{
	char *eq = strchr(arg, '=');
	long oldv, newv;
	int r;

	*eq = '\0';
	newv = strtol(eq + 1, NULL, 0);   /* checked by main */
	r = sysctl_get(arg, &oldv);
	if (r == 0)
		r = sysctl_set(arg, newv);
	if (r == 0)
		r = sysctl_get(arg, &newv);   /* what the kernel made of it */
	if (r < 0) {
		printf("sysctl: %s: %s\n", arg, strerror(-r));
		return 1;
	}
	printf("%s: %ld -> %ld\n", arg, oldv, newv);
	return 0;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	if (help_wanted(argc, argv)) {
		printf("usage: sysctl                   list every knob and its value\n"
		    "       sysctl NAME              one knob\n"
		    "       sysctl NAME=VALUE ...    set knobs (VALUE a number, decimal or 0x hex,\n"
		    "                                in the knob's range)\n"
		    "       sysctl -h, --help        this text\n");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *end;

		if (argv[i][0] == '-')
			arg_refuse("sysctl", argv[i], "no such option (-h: the usage)");
		if (!eq)
			continue;
		strtol(eq + 1, &end, 0);
		if (end == eq + 1 || *end != '\0')
			arg_refuse("sysctl", argv[i], "%s is not a number", eq + 1);
	}
	if (!own_kernel_or_say("sysctl"))
		return 1;
	if (argc == 1)
		return list();
	for (i = 1; i < argc; i++)
		bad |= strchr(argv[i], '=') ? set(argv[i]) : show(argv[i]);
	return bad;
}
