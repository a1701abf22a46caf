/*
 * The console as a terminal. Input: characters from the serial port (and
 * the PS/2 keyboard in a QEMU window) are echoed and collected into a line
 * with backspace editing; a read returns a whole line (or as much of it as
 * was asked; the rest comes with the next read). Output goes to the
 * console (console.h).
 */
#ifndef KERNEL_TTY_H
#define KERNEL_TTY_H

#include "kernel/types.h"

void tty_init(void);
/* Feeds one received character (interrupt context). */
void tty_input(char c);
struct file;

/*
 * A new open file of the console, O_RDWR (kernel/file.h): read gives
 * lines as above (-EAGAIN with O_NONBLOCK when no line is ready), write
 * prints, ioctl answers TIOCGWINSZ (80x24), fstat says character device.
 * init gets it as descriptors 0, 1 and 2. NULL when out of memory.
 */
struct file *tty_open_console(void);

#endif
