/*
 * The console as a terminal, with Linux's termios (uapi/termios.h) and
 * its defaults. Input: characters from the serial port (and the PS/2
 * keyboard in a QEMU window). In canonical mode (ICANON) they are echoed
 * (ECHO) and edited into a line (erase DEL, word erase ^W, kill ^U); a
 * read returns a whole line (or as much of it as was asked; the rest
 * comes with the next read), and ^D at the start of a line makes a read
 * return 0. In raw mode a read returns once VMIN bytes are there (VTIME:
 * with a time limit). With ISIG, ^C sends SIGINT, ^\ SIGQUIT and ^Z
 * SIGTSTP to the foreground process group (TIOCSPGRP; at boot group 0,
 * init's). CR is read as NL (ICRNL) and NL written as CR NL (ONLCR).
 * Output goes to the console (console.h).
 */
#ifndef KERNEL_TTY_H
#define KERNEL_TTY_H

#include "kernel/types.h"

void tty_init(void);
/* Feeds one received character (interrupt context). */
void tty_input(char c);
struct file;

/*
 * A new open file of the console, O_RDWR (kernel/file.h): read as above
 * (-EAGAIN with O_NONBLOCK when nothing is ready), write prints, ioctl
 * answers termios, the foreground group and the window size (80x24),
 * fstat says character device.
 * init gets it as descriptors 0, 1 and 2. NULL when out of memory.
 */
struct file *tty_open_console(void);

/* The terminal's foreground process group (TIOCGPGRP), for /proc/PID/stat. */
int tty_fg_pgrp(void);

#if KDEBUG
/* debug.tty_input: a test types the character written to it (tty_input). */
extern int tty_debug_input_knob;
void tty_debug_input(long c);
#endif

#endif
