/*
 * Linux x86-64 signal numbers. Until the kernel delivers signals, a signal
 * sent with kill() takes its default action: the ones below that Linux
 * ignores by default (SIGCHLD, SIGCONT, SIGURG, SIGWINCH) and the stop
 * signals change nothing; every other one ends the process with that
 * signal.
 */
#ifndef UAPI_SIGNAL_H
#define UAPI_SIGNAL_H

#define SIGHUP    1
#define SIGINT    2
#define SIGQUIT   3
#define SIGILL    4
#define SIGTRAP   5
#define SIGABRT   6
#define SIGBUS    7
#define SIGFPE    8
#define SIGKILL   9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGWINCH  28
#define NSIG      64   /* signals 1 .. NSIG */

#endif
