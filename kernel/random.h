/*
 * Random bytes for getrandom(2): a 64-bit generator (splitmix64) whose
 * state is stirred with RDRAND when the CPU has it, else with the cycle
 * counter, at every call. Unpredictable enough for hash seeds and stack
 * canaries (what C libraries ask getrandom for); not a cryptographic
 * generator.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include "kernel/types.h"

/* Fills buf with n random bytes. */
void random_bytes(void *buf, size_t n);

#endif
