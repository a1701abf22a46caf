/*
 * ksysctl: reads and sets the kernel's run-time knobs through the kernel's
 * own calls, with each knob's range and purpose (busybox's sysctl reads
 * and writes /proc/sys and knows neither).
 *
 *	ksysctl                         list every knob and its value
 *	ksysctl -d                      the same, with each knob's range and purpose
 *	ksysctl NAME ...                NAME = VALUE
 *	ksysctl NAME=VALUE ...          NAME: OLD -> NEW
 *	ksysctl -h                      the usage
 *
 * Every argument is checked before any knob changes: an unknown knob, a
 * VALUE that is not a number or one outside the knob's range is refused
 * with the reason and the range (exit status 2). The names, ranges and
 * purposes come from the kernel's table (sysctl_about), so they are never
 * out of date here.
 */
#include "ulib.h"

#define NAME_LEN 64

/* The kernel's entry for knob `name`: 0, or -ENOENT. */
static int about(const char *name, struct sysctl_info *info)
{
	char k[NAME_LEN];
	int i, r;

	for (i = 0; (r = sysctl_about(i, k, sizeof(k), info)) == 0; i++)
		if (strcmp(k, name) == 0)
			return 0;
	return r;
}

static int show(const char *name, const struct sysctl_info *info)
{
	long v;
	int r = sysctl_get(name, &v);

	if (r < 0) {
		printf("ksysctl: %s: %s\n", name, strerror(-r));
		return 1;
	}
	printf("%s = %ld\n", name, v);
	if (info)
		printf("    %s (%ld..%ld)\n", info->help, (long)info->min, (long)info->max);
	return 0;
}

static int list(bool describe)
{
	struct sysctl_info info;
	char name[NAME_LEN];
	int i, r, bad = 0;

	for (i = 0; (r = sysctl_about(i, name, sizeof(name), &info)) == 0; i++)
		bad |= show(name, describe ? &info : NULL);
	if (r != -ENOENT) {
		printf("ksysctl: sysctl_list: %s\n", strerror(-r));
		return 1;
	}
	return bad;
}

/* arg is a checked "NAME=VALUE"; prints the old and the new value. */
static int set(char *arg)
{
	char *eq = strchr(arg, '=');
	long oldv, newv;
	int r;

	*eq = '\0';
	newv = strtol(eq + 1, NULL, 0);
	r = sysctl_get(arg, &oldv);
	if (r == 0)
		r = sysctl_set(arg, newv);
	if (r == 0)
		r = sysctl_get(arg, &newv);   /* what the kernel made of it */
	if (r < 0) {
		printf("ksysctl: %s: %s\n", arg, strerror(-r));
		return 1;
	}
	printf("%s: %ld -> %ld\n", arg, oldv, newv);
	return 0;
}

/* Refuses arg (NAME or NAME=VALUE) unless the knob exists and VALUE is in its range. */
static void check(const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[NAME_LEN];
	struct sysctl_info info;
	long v;

	snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
	if (about(name, &info) < 0)
		arg_refuse("ksysctl", arg, "no such knob (ksysctl alone lists them)");
	if (!eq)
		return;
	v = strtol(eq + 1, NULL, 0);
	if (v < info.min || v > info.max)
		arg_refuse("ksysctl", arg, "out of range: %ld..%ld", (long)info.min, (long)info.max);
}

int main(int argc, char **argv)
{
	bool describe = false;
	int i, first = 1, bad = 0;

	if (help_wanted(argc, argv)) {
		printf("usage: ksysctl                   list every knob and its value\n"
		    "       ksysctl -d, --describe    the same, with each knob's purpose and range\n"
		    "       ksysctl NAME ...          some knobs\n"
		    "       ksysctl NAME=VALUE ...    set knobs (VALUE a number, decimal or 0x hex,\n"
		    "                                 in the knob's range, which -d shows)\n"
		    "       ksysctl -h, --help        this text\n");
		return 0;
	}
	if (argc > 1 && (strcmp(argv[1], "-d") == 0 || strcmp(argv[1], "--describe") == 0)) {
		describe = true;
		first = 2;
	}
	for (i = first; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *end;

		if (argv[i][0] == '-')
			arg_refuse("ksysctl", argv[i], "no such option (-h: the usage)");
		if (!eq)
			continue;
		strtol(eq + 1, &end, 0);
		if (end == eq + 1 || *end != '\0')
			arg_refuse("ksysctl", argv[i], "%s is not a number", eq + 1);
	}
	if (!own_kernel_or_say("ksysctl"))
		return 1;
	if (first == argc)
		return list(describe);
	for (i = first; i < argc; i++)
		check(argv[i]);
	for (i = first; i < argc; i++) {
		struct sysctl_info info;

		if (strchr(argv[i], '='))
			bad |= set(argv[i]);
		else
			bad |= show(argv[i], describe && about(argv[i], &info) == 0 ? &info : NULL);
	}
	return bad;
}
