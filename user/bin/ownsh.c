/*
 * ownsh: the project's own small shell (/bin/sh when the initrd has no busybox).
 *
 *	$ vmps               run vmps (found on PATH) and wait for it
 *	$ /tests/proc        run a program by path
 *	$ pgbench -H 60 &    run in the background; prints [pid]
 *	$ vmps | cat         a pipeline: vmps's output is cat's input
 *	$ wait               wait for every background job
 *
 * Builtins: help, exit [code], wait, cd [dir] (alone, not in a pipeline). `help`
 * also prints what each program does, from the list user/etc/programs
 * (print_programs(), which `programs` prints too). The shell of `make
 * run` is busybox's ash; this one is /bin/sh only in an initrd built
 * without busybox, and the shell init starts with `sh=own` on the kernel
 * command line. Words are separated
 * by spaces or tabs; `|` joins commands into a pipeline, each one's
 * standard output the next one's standard input; there is no quoting and
 * no redirection. Finished background jobs are reported before each
 * prompt. Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT) from the terminal end the
 * command in the foreground, not the shell, which ignores both; so do
 * background commands (there is no job control). ^D on an empty line
 * ends the shell.
 */
#include "ulib.h"

#define MAXLINE 256
#define MAXARGS 32
#define MAXSTAGES 8   /* commands in one pipeline */

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
	printf("Builtins: help (this text), exit [CODE], wait (for background jobs),\n"
	    "cd [DIR] (the working directory; / without DIR).\n"
	    "A line runs a program by name or path, with arguments; end it with &\n"
	    "to run it in the background; join programs with | into a pipeline\n"
	    "(vmps | cat).\n\n");
	print_programs();
	printf("\n'programs' prints these lists from any shell. A live client's page tables:\n"
	    "  pgbench -c 4 -s 8 -H 60 &   its segment ids and client pids, held 60 s\n"
	    "  ptdump PID                  a client's tree, each link with its shm id\n"
	    "  ptdump -o ID                the segment's own tree\n");
}

/*
 * In a child: execs argv[0], searched in the directories of PATH (musl's
 * default, /usr/local/bin:/bin:/usr/bin, when it is not set), or as given
 * if it contains a '/'.
 */
static void __attribute__((noreturn)) exec_program(char **argv)
{
	execvp(argv[0], argv);
	if (errno == ENOENT)
		printf("ownsh: %s: not found\n", argv[0]);
	else
		printf("ownsh: %s: %s\n", argv[0], strerror(errno));
	exit(127);
}

/*
 * Runs the n commands of a pipeline (n may be 1), each in a child whose
 * standard input is the previous one's output pipe and whose standard
 * output is the next one's input pipe. The pipes are made close-on-exec:
 * only the copies dup2 puts at 0 and 1 reach the programs, so each reader
 * sees end of file once its writer is gone. Waits for all of them unless
 * background. A command before the last that dies of SIGPIPE (its reader
 * ended first) is not reported, as in other shells.
 */
static void run_pipeline(char **cmds[], int n, bool background)
{
	int pids[MAXSTAGES], started = 0, in = -1, fds[2], i, status;

	for (i = 0; i < n; i++) {
		int out = -1, pid;

		if (i + 1 < n) {
			if (pipe2(fds, O_CLOEXEC) < 0) {
				printf("ownsh: pipe: %s\n", strerror(errno));
				break;
			}
			out = fds[1];
		}
		pid = fork();
		if (pid == 0) {
			if (!background) {
				signal(SIGINT, SIG_DFL);
				signal(SIGQUIT, SIG_DFL);
			}
			if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0)) {
				printf("ownsh: dup2: %s\n", strerror(errno));
				exit(126);
			}
			exec_program(cmds[i]);
		}
		if (in >= 0)
			close(in);
		in = -1;
		if (out >= 0) {
			close(out);
			in = fds[0];
		}
		if (pid < 0) {
			printf("ownsh: fork: %s\n", strerror(errno));
			break;
		}
		pids[started++] = pid;
	}
	if (in >= 0)
		close(in);

	for (i = 0; i < started; i++) {
		if (background) {
			printf("[%d]\n", pids[i]);
			continue;
		}
		if (waitpid(pids[i], &status, 0) < 0)
			printf("ownsh: waitpid: %s\n", strerror(errno));
		else if (WIFSIGNALED(status) && !(WTERMSIG(status) == SIGPIPE && i + 1 < n))
			printf("%sownsh: %s: killed by signal %d\n",
			       WTERMSIG(status) == SIGINT ? "\n" : "", cmds[i][0], WTERMSIG(status));
	}
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
	static char *words[MAXSTAGES][MAXARGS];
	char **cmds[MAXSTAGES], *bar;
	bool background = false;
	int argc, pid, status, n = 0;
	size_t len;

	/* A trailing "&", alone or stuck to the last word, means background. */
	len = strlen(line);
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	if (len > 0 && line[len - 1] == '&') {
		background = true;
		line[--len] = '\0';
	}

	/* The commands of the pipeline, between the bars. */
	for (;;) {
		if (n == MAXSTAGES) {
			printf("ownsh: at most %d commands in a pipeline\n", MAXSTAGES);
			return;
		}
		bar = strchr(line, '|');
		if (bar)
			*bar = '\0';
		cmds[n] = words[n];
		argc = split(line, words[n], MAXARGS);
		n++;
		if (!bar)
			break;
		if (argc == 0) {
			printf("ownsh: a pipeline needs a command before each |\n");
			return;
		}
		line = bar + 1;
	}
	if (argc == 0) {
		if (n > 1)
			printf("ownsh: a pipeline needs a command after each |\n");
		return;
	}

	if (n > 1)
		run_pipeline(cmds, n, background);
	else if (strcmp(words[0][0], "help") == 0)
		help();
	else if (strcmp(words[0][0], "exit") == 0)
		exit(argc > 1 ? atoi(words[0][1]) : 0);
	else if (strcmp(words[0][0], "wait") == 0)
		while ((pid = waitpid(-1, &status, 0)) > 0)
			report_job(pid, status);
	else if (strcmp(words[0][0], "cd") == 0 && chdir(argc > 1 ? words[0][1] : "/") < 0)
		printf("ownsh: cd: %s\n", strerror(errno));
	else if (strcmp(words[0][0], "cd") == 0)
		return;
	else
		run_pipeline(cmds, 1, background);
}

int main(void)
{
	char line[MAXLINE];

	/* The terminal's keys signal its whole foreground group, the shell too. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	for (;;) {
		reap_jobs();
		printf("$ ");
		fflush(stdout);         /* the prompt has no newline */
		if (!fgets(line, sizeof(line), stdin)) {
			if (ferror(stdin)) {
				printf("ownsh: read: %s\n", strerror(errno));
				return 1;
			}
			return 0;       /* end of input */
		}
		line[strcspn(line, "\r\n")] = '\0';
		command(line);
	}
}
