/* Stopping the machine: panic(), backtraces, and leaving QEMU. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "kernel/types.h"

/* Prints the return addresses of the frame-pointer chain starting at rbp. */
void backtrace(uint64_t rip, uint64_t rbp);

/*
 * Ends the QEMU run through the isa-debug-exit device (port 0xf4):
 * QEMU exits with (code << 1) | 1, so 0x10 -> 33 (pass), 0x11 -> 35 (fail).
 */
#define QEMU_EXIT_PASS 0x10
#define QEMU_EXIT_FAIL 0x11
void qemu_exit(int code) __attribute__((noreturn));

/* ACPI power-off: QEMU exits with status 0. */
void machine_poweroff(void) __attribute__((noreturn));

/* Set while the kernel runs unattended (selftest, bench): panic exits QEMU. */
extern bool panic_exits_qemu;

#endif
