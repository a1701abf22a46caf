/*
 * Futexes (Linux futex(2), FUTEX_WAIT and FUTEX_WAKE): a thread sleeps on
 * a 32-bit user word until another wakes that word. A word in shared
 * memory (a SysV segment, MAP_SHARED) is named by its physical address, so
 * processes sharing the page meet at the same futex, whatever address each
 * maps it at; a word in private memory by its address space and address
 * (futex.c says why). FUTEX_PRIVATE_FLAG changes nothing.
 */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include "kernel/types.h"

/*
 * Sleeps while the word at uaddr of the calling process holds `val`, until
 * a futex_wake() of that word, clock_ns() time `deadline` (0: none) or a
 * kill.
 * 0 when woken; -EAGAIN (the word differs), -ETIMEDOUT, -EINTR, -EFAULT,
 * -EINVAL (not 4-byte aligned).
 */
long futex_wait(uint64_t uaddr, uint32_t val, uint64_t deadline);

/* Wakes at most n sleepers on the word at uaddr; returns how many. */
long futex_wake(uint64_t uaddr, int n);

#if KDEBUG
extern int futex_wait_delay_us;   /* debug.futex_wait_delay_us, a test hook */
#endif

#endif
