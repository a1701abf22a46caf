/*
 * The terminal's ioctls and struct termios, as Linux x86-64 has them
 * (asm-generic/termbits.h, ioctls.h): what TCGETS and TCSETS copy, the
 * flags the console's line discipline (kernel/tty.c) honours, and the
 * indexes of c_cc.
 */
#ifndef UAPI_TERMIOS_H
#define UAPI_TERMIOS_H

#include <stdint.h>

#define NCCS 19
struct linux_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
};
_Static_assert(sizeof(struct linux_termios) == 36, "struct termios");

/* ioctl requests (TCGETS and TIOCGWINSZ are in linux_types.h) */
#define TCSETS     0x5402   /* now */
#define TCSETSW    0x5403   /* once output has drained (it always has here) */
#define TCSETSF    0x5404   /* the same, and drops the input not yet read */
#define TIOCSCTTY  0x540E
#define TIOCGPGRP  0x540F
#define TIOCSPGRP  0x5410
#define TIOCSWINSZ 0x5414

/* c_iflag */
#define INLCR  0x0040
#define IGNCR  0x0080
#define ICRNL  0x0100
#define IXON   0x0400
/* c_oflag */
#define OPOST  0x0001
#define ONLCR  0x0004
/* c_cflag */
#define B38400 0x000f
#define CS8    0x0030
#define CREAD  0x0080
#define HUPCL  0x0400
/* c_lflag */
#define ISIG    0x0001
#define ICANON  0x0002
#define ECHO    0x0008
#define ECHOE   0x0010
#define ECHOK   0x0020
#define ECHONL  0x0040
#define NOFLSH  0x0080
#define ECHOCTL 0x0200
#define ECHOKE  0x0800
#define IEXTEN  0x8000

/* c_cc; a slot holding 0 is disabled (_POSIX_VDISABLE) */
#define VINTR    0
#define VQUIT    1
#define VERASE   2
#define VKILL    3
#define VEOF     4
#define VTIME    5
#define VMIN     6
#define VSUSP    10
#define VEOL     11
#define VWERASE  14
#define VEOL2    16

#endif
