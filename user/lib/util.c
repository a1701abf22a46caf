/* Small helpers: error names, time, waiting with a limit, a PRNG, has_word, own_kernel. */
#include <time.h>

#include "ulib.h"

static const char *const errnames[] = {
	[EPERM] = "EPERM",     [ENOENT] = "ENOENT",   [ESRCH] = "ESRCH",
	[EINTR] = "EINTR",     [EIO] = "EIO",         [E2BIG] = "E2BIG",
	[ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF",     [ECHILD] = "ECHILD",   [EAGAIN] = "EAGAIN",
	[ENOMEM] = "ENOMEM",   [EACCES] = "EACCES",   [EFAULT] = "EFAULT",
	[EBUSY] = "EBUSY",     [EEXIST] = "EEXIST",   [ENOTDIR] = "ENOTDIR",
	[EINVAL] = "EINVAL",   [ENFILE] = "ENFILE",   [ENOSPC] = "ENOSPC",
	[EMFILE] = "EMFILE",   [ESPIPE] = "ESPIPE",   [EPIPE] = "EPIPE",
	[ERANGE] = "ERANGE",   [ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOSYS] = "ENOSYS",   [EIDRM] = "EIDRM",     [ENOTTY] = "ENOTTY",
	[EOVERFLOW] = "EOVERFLOW", [ETIMEDOUT] = "ETIMEDOUT",
	[ENXIO] = "ENXIO",     [EXDEV] = "EXDEV",     [EISDIR] = "EISDIR",
	[EFBIG] = "EFBIG",     [EROFS] = "EROFS",     [ENOTEMPTY] = "ENOTEMPTY",
	[ELOOP] = "ELOOP",
};

/* The symbolic name of an error code, given as 14 or -14 ("EFAULT"). */
const char *errname(long err)
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

const char *grouped(uint64_t v, char buf[32])
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%lu", (unsigned long)v), i, o = 0;

	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

void stdout_by_lines(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

int sleep_ms(uint64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };

	return nanosleep(&ts, NULL) < 0 ? -errno : 0;
}

uint64_t clock_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

uint64_t clock_ms(void)
{
	return clock_ns() / 1000000;
}

/*
 * Kills pid and every process descended from it, the descendants first: a
 * process killed first would leave its children to init, unseen here, to
 * run on and allocate after the caller has moved on. On Linux, which has
 * no procinfo(), only pid.
 */
static void kill_tree(int pid)
{
	struct procinfo pi;
	int i;

	for (i = 0; procinfo(i, &pi) == 0; i++)
		if (pi.ppid == pid && pi.state != PSTATE_ZOMBIE)
			kill_tree(pi.pid);
	sys_kill(pid, SIGKILL);
}

/*
 * Polls the child every few milliseconds; kills it and its descendants and
 * reaps it once the time is up. Returns the pid, a negative error from
 * waitpid, or -EINTR after a kill.
 */
int waitpid_reaping(int pid, int *status, uint64_t timeout_ms)
{
	uint64_t start = clock_ms();
	long r;

	for (;;) {
		r = sys_waitpid(-1, status, WNOHANG);
		if (r == pid || r < 0)
			return (int)r;
		if (r > 0)
			continue;
		if (clock_ms() - start >= timeout_ms)
			return waitpid_timeout(pid, status, 0);
		sleep_ms(5);
	}
}

int waitpid_timeout(int pid, int *status, uint64_t timeout_ms)
{
	uint64_t start = clock_ms();
	long r;

	for (;;) {
		r = sys_waitpid(pid, status, WNOHANG);
		if (r != 0)
			return (int)r;
		if (clock_ms() - start >= timeout_ms)
			break;
		sleep_ms(5);
	}
	kill_tree(pid);
	r = sys_waitpid(pid, status, 0);
	return r < 0 ? (int)r : -EINTR;
}

void arg_refuse(const char *tool, const char *arg, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: %s: ", tool, arg);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

long arg_long(const char *tool, const char *name, const char *arg, long min, long max,
    const char *unit)
{
	char shown[80], *end;
	long v;

	snprintf(shown, sizeof(shown), "%s%s%s", name ? name : "", name ? " " : "", arg);
	v = strtol(arg, &end, 0);   /* out of long's range: LONG_MIN or LONG_MAX */
	if (end == arg || *end != '\0')
		arg_refuse(tool, shown, "not a number");
	if (v > max)
		arg_refuse(tool, shown, "at most %ld %s", max, unit);
	if (v < min)
		arg_refuse(tool, shown, "at least %ld %s", min, unit);
	return v;
}

bool help_wanted(int argc, char *const argv[])
{
	return argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);
}
