/* Small helpers: line input, error names, a PRNG, getopt, has_word, own_kernel_or_say. */
#include "ulib.h"

/* Console input read but not yet returned by readline(). */
static struct {
	char buf[512];
	size_t start, end;
} in;

/*
 * Reads one line from the console into buf, without its newline, always
 * NUL-terminated; a longer line is cut to len - 1 bytes. The kernel does
 * the line editing and normally returns one line per read(); if a read
 * brings more (pasted text), the rest is kept for the next call. Returns
 * the number of bytes consumed, newline included (so an empty line gives 1
 * and only the end of input gives 0), or -E...
 */
ssize_t readline(char *buf, size_t len)
{
	size_t n = 0, used = 0;
	ssize_t r;
	char c;

	if (len == 0)
		return -EINVAL;
	flush_stdout();
	for (;;) {
		if (in.start == in.end) {
			r = read(0, in.buf, sizeof(in.buf));
			if (r <= 0) {            /* end of input or error */
				buf[n] = '\0';
				return used ? (ssize_t)used : r;
			}
			in.start = 0;
			in.end = r;
		}
		c = in.buf[in.start++];
		used++;
		if (c == '\n')
			break;
		if (c != '\r' && n + 1 < len)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return used;
}

static const char *const errnames[] = {
	[EPERM] = "EPERM",     [ENOENT] = "ENOENT",   [ESRCH] = "ESRCH",
	[EINTR] = "EINTR",     [EIO] = "EIO",         [E2BIG] = "E2BIG",
	[ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF",     [ECHILD] = "ECHILD",   [EAGAIN] = "EAGAIN",
	[ENOMEM] = "ENOMEM",   [EACCES] = "EACCES",   [EFAULT] = "EFAULT",
	[EBUSY] = "EBUSY",     [EEXIST] = "EEXIST",   [ENOTDIR] = "ENOTDIR",
	[EINVAL] = "EINVAL",   [ENFILE] = "ENFILE",   [ENOSPC] = "ENOSPC",
	[ERANGE] = "ERANGE",   [ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOSYS] = "ENOSYS",   [EIDRM] = "EIDRM",
};

/* The symbolic name of an error code, given as 14 or -14 ("EFAULT"). */
const char *strerror(long err)
{
	if (err < 0)
		err = -err;
	if (err < (long)ARRAY_SIZE(errnames) && errnames[err])
		return errnames[err];
	return "EUNKNOWN";
}

static uint64_t rand_state = 0x2545f4914f6cdd1dULL;

void rand_seed(uint64_t seed)
{
	rand_state = seed ? seed : 0x2545f4914f6cdd1dULL;  /* never 0 */
}

/*
 * xorshift64* (Vigna): fast, small, good enough for tests and the fuzzer.
 * A state of 0 stays 0: seed it with anything else.
 */
uint64_t rand_next_r(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dULL;
}

uint64_t rand_next(void)
{
	return rand_next_r(&rand_state);
}

/* Is word one of the arguments argv[1..argc-1]? */
bool has_word(int argc, char *const argv[], const char *word)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], word) == 0)
			return true;
	return false;
}

int optind = 1;
char *optarg;
static int optpos = 1;  /* position inside a group like "-abc" */

int getopt(int argc, char *const argv[], const char *optstring)
{
	const char *arg, *spec;
	char c;

	optarg = NULL;
	if (optind >= argc)
		return -1;
	arg = argv[optind];
	if (arg[0] != '-' || arg[1] == '\0')
		return -1;
	if (strcmp(arg, "--") == 0) {
		optind++;
		return -1;
	}
	c = arg[optpos++];
	spec = strchr(optstring, c);
	if (c == ':' || !spec) {
		printf("%s: unknown option -%c\n", argv[0], c);
		c = '?';
	} else if (spec[1] == ':') {
		if (arg[optpos]) {                  /* -ovalue */
			optarg = (char *)&arg[optpos];
		} else if (optind + 1 < argc) {     /* -o value */
			optarg = argv[++optind];
		} else {
			printf("%s: option -%c needs an argument\n", argv[0], c);
			c = '?';
		}
		optpos = strlen(arg);               /* end of this group */
	}
	if (arg[optpos] == '\0') {           /* group done: next argument */
		optind++;
		optpos = 1;
	}
	return c;
}

/*
 * The project's own system calls (uapi/syscall.h) exist only on this
 * kernel: on Linux they are -ENOSYS. A tool that needs them asks here
 * first, so that on another kernel it says why it cannot work instead of
 * failing with an obscure error.
 */
bool own_kernel(void)
{
	static int known = -1;
	struct vmstat st;

	if (known < 0)
		known = vmstat(0, &st) != -ENOSYS;
	return known;
}

bool own_kernel_or_say(const char *tool)
{
	if (own_kernel())
		return true;
	printf("%s: needs the shared page tables kernel: its own system calls (vmstat, "
	       "ptdump, sysctl, ...) are not here (is this Linux?)\n", tool);
	return false;
}
