/*
 * The console: output mirrored to the serial port (COM1, what tests and
 * `make run` read) and the VGA text screen; input from the serial port.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/types.h"

void console_init(void);
/* Writes n bytes; a newline goes to the serial port as CR LF. */
void console_write(const char *s, size_t n);
/* The same, with crlf false: each byte as it is (a terminal without ONLCR). */
void console_write_mode(const char *s, size_t n, bool crlf);
void console_putc(char c);

#endif
