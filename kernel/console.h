/*
 * The console: output to the serial port (COM1, what tests and `make run`
 * read) mirrored on the screen -- VGA text after a BIOS boot, the
 * framebuffer console after a UEFI one; input from the serial port.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/multiboot.h"
#include "kernel/types.h"

/* The serial port; output goes there alone until console_init_screen(). */
void console_init(void);
/*
 * Adds the screen that the boot information describes and prints which
 * ("console: framebuffer WxHxBPP ..."). Needs the kernel's own page tables
 * (kernel_map_init), since a framebuffer gets a mapping of its own.
 */
void console_init_screen(const struct boot_info *boot);
/*
 * With a screen: the number of character cells whose pixels or VGA text
 * cells differ from the text (0: the screen shows what was written).
 * -ENOENT without one. For the boot self-test.
 */
int console_check_screen(void);
/* Writes n bytes; a newline goes to the serial port as CR LF. */
void console_write(const char *s, size_t n);
/* The same, with crlf false: each byte as it is (a terminal without ONLCR). */
void console_write_mode(const char *s, size_t n, bool crlf);
void console_putc(char c);

#endif
