/*
 * sh: a small shell.
 *
 *	$ ps                 run /bin/ps and wait for it
 *	$ /tests/proc        run a program by path
 *	$ pgbench -H 60 &    run in the background; prints [pid]
 *	$ wait               wait for every background job
 *
 * Builtins: help, exit [code], wait. `help` also prints what each program
 * does, from the list user/etc/programs (print_programs(), which
 * /bin/programs prints too). Words are separated by spaces or tabs; there
 * is no quoting, no redirection and no pipes. Finished background jobs are
 * reported before each prompt.
 */
#include "ulib.h"

#define MAXLINE 256
#define MAXARGS 32

/* Prints "[pid] done status N" or "[pid] killed by signal N". */
static void report_job(int pid, int status)
{
	if (WIFSIGNALED(status))
		printf("[%d] killed by signal %d\n", pid, WTERMSIG(status));
	else
		printf("[%d] done status %d\n", pid, WEXITSTATUS(status));
}

/* Reports background jobs that have finished, without blocking. */
static void reap_jobs(void)
{
	int pid, status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		report_job(pid, status);
}

/* Prints the builtins, what each program does and how to start looking. */
static void help(void)
{
	printf("Builtins: help (this text), exit [CODE], wait (for background jobs).\n"
	    "A line runs a program by name or path, with arguments; end it with &\n"
	    "to run it in the background.\n\n");
	print_programs();
	printf("\n'programs' prints these lists from any shell. A live client's page tables:\n"
	    "  pgbench -c 4 -s 8 -H 60 &   its segment ids and client pids, held 60 s\n"
	    "  ptdump PID                  a client's tree, each link with its shm id\n"
	    "  ptdump -o ID                the segment's own tree\n");
}

/*
 * Runs argv[0] as /bin/NAME, or as given if it contains a '/'. Waits for it
 * unless background.
 */
static void run(char **argv, bool background)
{
	char path[MAXLINE + 8];
	int pid, status;

	if (strchr(argv[0], '/'))
		snprintf(path, sizeof(path), "%s", argv[0]);
	else
		snprintf(path, sizeof(path), "/bin/%s", argv[0]);

	pid = fork();
	if (pid < 0) {
		printf("sh: fork: %s\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		execv(path, argv);
		if (errno == ENOENT)
			printf("sh: %s: not found\n", argv[0]);
		else
			printf("sh: %s: %s\n", argv[0], strerror(errno));
		exit(127);
	}

	if (background) {
		printf("[%d]\n", pid);
		return;
	}
	if (waitpid(pid, &status, 0) < 0)
		printf("sh: waitpid: %s\n", strerror(errno));
	else if (WIFSIGNALED(status))
		printf("sh: %s: killed by signal %d\n", argv[0], WTERMSIG(status));
}

/* Splits line in place at spaces and tabs; returns the number of words. */
static int split(char *line, char **argv, int max)
{
	char *save, *w;
	int n = 0;

	for (w = strtok_r(line, " \t", &save); w && n < max - 1;
	    w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return n;
}

/* Runs one command line. */
static void command(char *line)
{
	char *argv[MAXARGS];
	bool background = false;
	int argc, pid, status;
	size_t len;

	argc = split(line, argv, MAXARGS);
	if (argc == 0)
		return;

	/* A trailing "&", alone or stuck to the last word, means background. */
	len = strlen(argv[argc - 1]);
	if (argv[argc - 1][len - 1] == '&') {
		background = true;
		if (len == 1)
			argv[--argc] = NULL;
		else
			argv[argc - 1][len - 1] = '\0';
		if (argc == 0)
			return;
	}

	if (strcmp(argv[0], "help") == 0) {
		help();
	} else if (strcmp(argv[0], "exit") == 0) {
		exit(argc > 1 ? atoi(argv[1]) : 0);
	} else if (strcmp(argv[0], "wait") == 0) {
		while ((pid = waitpid(-1, &status, 0)) > 0)
			report_job(pid, status);
	} else {
		run(argv, background);
	}
}

int main(void)
{
	char line[MAXLINE];

	for (;;) {
		reap_jobs();
		printf("$ ");
		fflush(stdout);         /* the prompt has no newline */
		if (!fgets(line, sizeof(line), stdin)) {
			if (ferror(stdin)) {
				printf("sh: read: %s\n", strerror(errno));
				return 1;
			}
			return 0;       /* end of input */
		}
		line[strcspn(line, "\r\n")] = '\0';
		command(line);
	}
}
