/* poll, ppoll, select and pselect6: Linux's structures and bits. */
#ifndef UAPI_POLL_H
#define UAPI_POLL_H

#include <stdint.h>

struct linux_pollfd {
	int32_t fd;         /* negative: ignored (revents 0) */
	int16_t events;     /* what the caller waits for */
	int16_t revents;    /* what is so: of events, and POLLERR, POLLHUP, POLLNVAL always */
};

#define POLLIN     0x001    /* a read would not block */
#define POLLPRI    0x002    /* urgent data (never here) */
#define POLLOUT    0x004    /* a write would not block */
#define POLLERR    0x008    /* a pipe's write end with no reader */
#define POLLHUP    0x010    /* a pipe's read end with no writer */
#define POLLNVAL   0x020    /* the descriptor is not open */
#define POLLRDNORM 0x040    /* reported with POLLIN */
#define POLLWRNORM 0x100    /* reported with POLLOUT */

/* select's descriptor sets: a bit per descriptor, in 64-bit words. */
#define LINUX_FD_SETSIZE 1024

/* pselect6's sixth argument. */
struct linux_pselect_sig {
	uint64_t ss;        /* the signal mask during the wait, or 0 */
	uint64_t ss_len;    /* its size: 8 */
};

_Static_assert(sizeof(struct linux_pollfd) == 8, "struct pollfd");

#endif
