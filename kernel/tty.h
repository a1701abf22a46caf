/*
 * Console input: characters from the serial port (and the PS/2 keyboard in
 * a QEMU window) are echoed and collected into a line with backspace
 * editing; read(0) returns whole lines.
 */
#ifndef KERNEL_TTY_H
#define KERNEL_TTY_H

#include "kernel/types.h"

void tty_init(void);
/* Feeds one received character (interrupt context). */
void tty_input(char c);
/* Blocks until a line is ready; copies at most len bytes of it to ubuf. */
long tty_read(void *ubuf, size_t len);

#endif
