/*
 * The console: output mirrored to the serial port (COM1, what tests and
 * `make run` read) and the VGA text screen; input from the serial port.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/types.h"

void console_init(void);
void console_write(const char *s, size_t n);
void console_putc(char c);

#endif
