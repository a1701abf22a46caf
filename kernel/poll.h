/*
 * poll, ppoll, select and pselect6 (kernel/poll.c).
 *
 * Each kind of open file says what it is ready for (file_ops.poll); a
 * waiting poller looks at all its descriptors, then sleeps until
 * something that could change an answer happens: whoever changes one (a
 * pipe's bytes or ends, the terminal's input) calls poll_notify(), which
 * wakes every poller to look again. One channel for the whole system, so
 * a file needs no list of its waiters; the cost is that a poller wakes
 * for changes of files it does not watch, and nothing is paid while
 * nobody polls.
 */
#ifndef KERNEL_POLL_H
#define KERNEL_POLL_H

/* Something a poller may wait for has changed. Any context (the terminal's interrupt too). */
void poll_notify(void);

#endif
