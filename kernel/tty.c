/*
 * The line discipline (see tty.h), a small n_tty: termios decides how
 * input is edited, echoed and read, and which keys send signals to the
 * foreground process group. The console is also an open file
 * (kernel/file.h): its operations are here.
 */
#include "kernel/tty.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/file.h"
#include "kernel/poll.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/trap.h"
#include "kernel/watchdog.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/poll.h"
#include "kernel/timer.h"
#include "uapi/linux_types.h"
#include "uapi/signal.h"
#include "uapi/termios.h"

#define COM1 0x3f8
#define KBD_DATA 0x60
#define RING 1024
#define DELIM    0x100   /* ring flag: this character ends a line */
#define EOF_MARK 0x200   /* ring entry: the EOF key ended a line (no data) */
#define CTRL(c)  ((c) & 0x1f)
/* BSD's status key: with ISIG, it prints every thread's state (kernel/watchdog.h). */
#define STATUS_CHAR CTRL('T')

/*
 * Linux's tty_std_termios: canonical input with echo and the signal
 * keys, CR read as NL, NL written as CR NL.
 */
static struct linux_termios tio = {
	.c_iflag = ICRNL | IXON,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B38400 | CS8 | CREAD | HUPCL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = { [VINTR] = CTRL('C'), [VQUIT] = CTRL('\\'), [VERASE] = 0x7f,
	          [VKILL] = CTRL('U'), [VEOF] = CTRL('D'), [VMIN] = 1,
	          [VSUSP] = CTRL('Z'), [VWERASE] = CTRL('W') },
};

/*
 * Input waits in one ring: [head, canon) can be read, [canon, tail) is the
 * line being edited (empty outside canonical mode). The locks: (t) tty_lock.
 */
static struct spinlock tty_lock = SPINLOCK_INIT("tty");
static uint16_t ring[RING];                  /* (t) a character, DELIM, or EOF_MARK */
static size_t head, canon, tail;             /* (t) */
static int fg_pgrp;                          /* (t) the foreground process group */
static struct linux_winsize winsize = { 24, 80, 0, 0 };   /* (t) */

/* Output as the terminal's OPOST and ONLCR ask. (t) or not. */
static void tty_output(const char *s, size_t n)
{
	console_write_mode(s, n, (tio.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
}

/* Echoes c (ECHO), a control character as ^X (ECHOCTL). (t) held. */
static void echo(uint8_t c)
{
	char ctl[2] = { '^', (char)(c ^ 0x40) };

	if (!(tio.c_lflag & ECHO)) {
		if (c == '\n' && (tio.c_lflag & ECHONL))
			tty_output("\n", 1);
		return;
	}
	if ((c < ' ' || c == 0x7f) && c != '\n' && c != '\t' && (tio.c_lflag & ECHOCTL))
		tty_output(ctl, 2);
	else
		tty_output((const char *)&c, 1);
}

/* The columns the echo of c took, for erasing it. */
static int echo_width(uint16_t c)
{
	return (c < ' ' || c == 0x7f) && c != '\t' && (tio.c_lflag & ECHOCTL) ? 2 : 1;
}

/* Takes back the last character of the line being edited. (t) held. */
static bool erase_one(void)
{
	if (tail == canon)
		return false;
	tail--;
	if ((tio.c_lflag & (ECHO | ECHOE)) == (ECHO | ECHOE))
		for (int i = echo_width(ring[tail % RING]); i > 0; i--)
			tty_output("\b \b", 3);
	return true;
}

/* Input became readable: readers and pollers look again. (t) held. */
static void wake_readers(void)
{
	wakeup(ring);
	poll_notify();
}

static void put(uint16_t c)
{
	ring[tail++ % RING] = c;
}

/* Canonical mode: line editing, then whole lines for read. (t) held. */
static void canon_input(uint8_t c)
{
	const uint8_t *cc = tio.c_cc;

	if (c == cc[VERASE] && c) {
		erase_one();
	} else if (c == cc[VWERASE] && c && (tio.c_lflag & IEXTEN)) {
		while (tail > canon && ring[(tail - 1) % RING] == ' ')
			erase_one();
		while (tail > canon && ring[(tail - 1) % RING] != ' ')
			erase_one();
	} else if (c == cc[VKILL] && c) {
		while (erase_one())
			;
	} else if (c == cc[VEOF] && c) {
		put(EOF_MARK);
		canon = tail;
		wake_readers();
	} else if (c == '\n' || (c == cc[VEOL] && c) || (c == cc[VEOL2] && c)) {
		put(c | DELIM);
		canon = tail;
		echo(c);
		wake_readers();
	} else if (tail - head < RING - 1) {        /* room kept for the newline */
		put(c);
		echo(c);
	}
}

/* Non-canonical mode: every byte can be read at once. (t) held. */
static void raw_input(uint8_t c)
{
	if (tail - head < RING) {
		put(c);
		canon = tail;
		echo(c);
		wake_readers();
	}
}

/* Drops the input not yet read. (t) held. */
static void flush_input(void)
{
	head = canon = tail;
}

void tty_input(char ch)
{
	uint8_t c = (uint8_t)ch;
	const uint8_t *cc = tio.c_cc;
	int sig = 0, pgrp;

	spin_lock(&tty_lock);
	if (c == '\r' && (tio.c_iflag & IGNCR)) {
		spin_unlock(&tty_lock);
		return;
	}
	if (c == '\r' && (tio.c_iflag & ICRNL))
		c = '\n';
	else if (c == '\n' && (tio.c_iflag & INLCR))
		c = '\r';
	if ((tio.c_lflag & ISIG) && c == STATUS_CHAR) {
		spin_unlock(&tty_lock);
		watchdog_dump_threads();
		return;
	}
	if ((tio.c_lflag & ISIG) && c)
		sig = c == cc[VINTR] ? SIGINT : c == cc[VQUIT] ? SIGQUIT : c == cc[VSUSP] ? SIGTSTP : 0;
	if (sig) {
		if (!(tio.c_lflag & NOFLSH))
			flush_input();
		echo(c);
		pgrp = fg_pgrp;
		spin_unlock(&tty_lock);
		/* proc_lock comes before tty_lock: sent once tty_lock is free. */
		spin_lock(&proc_lock);
		proc_kill_group_locked(pgrp, sig);
		spin_unlock(&proc_lock);
		return;
	}
	if (tio.c_lflag & ICANON)
		canon_input(c);
	else
		raw_input(c);
	spin_unlock(&tty_lock);
}

#if KDEBUG
int tty_debug_input_knob;

void tty_debug_input(long c)
{
	tty_input((char)c);
}
#endif

/*
 * Whether a read of want bytes can return now (nread: how many it would
 * take): a line in canonical mode, else VMIN bytes (fewer when fewer are
 * wanted), or any at all with VMIN 0. (t) held.
 */
static bool input_ready(size_t want)
{
	size_t vmin = tio.c_cc[VMIN];

	if (tio.c_lflag & ICANON)
		return canon > head;
	return canon - head >= MAX(MIN(vmin, want), 1);
}

/*
 * Takes what a read of len bytes gets into buf: in canonical mode up to
 * the end of the first line (its newline included; the EOF key's mark is
 * consumed and not returned), otherwise what is there. (t) held.
 */
static size_t take_input(char *buf, size_t len)
{
	size_t n = 0;

	while (n < len && head < canon) {
		uint16_t c = ring[head++ % RING];

		if (c == EOF_MARK) {
			if (tio.c_lflag & ICANON)
				break;
			continue;
		}
		buf[n++] = (char)c;
		if ((c & DELIM) && (tio.c_lflag & ICANON))
			break;
	}
	return n;
}

/*
 * A read: waits as termios says (a line; VMIN bytes; with VTIME tenths of
 * a second as the limit, from the call with VMIN 0, else from the first
 * byte) and takes the input. The count, or -EAGAIN (nonblock and nothing
 * ready), -ERESTARTSYS (a signal came).
 */
static long tty_read(char *buf, size_t len, bool nonblock)
{
	uint64_t deadline = 0;
	size_t n;

	spin_lock(&tty_lock);
	for (;;) {
		bool timed = !(tio.c_lflag & ICANON) && tio.c_cc[VTIME];
		uint64_t limit = (uint64_t)tio.c_cc[VTIME] * TIMER_HZ / 10;

		if (input_ready(len))
			break;
		if (!(tio.c_lflag & ICANON) && tio.c_cc[VMIN] == 0 && !timed)
			break;                              /* a poll: whatever is there */
		if (timed && !deadline && (tio.c_cc[VMIN] == 0 || canon > head))
			deadline = timer_ticks() + MAX(limit, 1);
		if (deadline && timer_ticks() >= deadline)
			break;
		if (nonblock || proc_interrupted()) {
			spin_unlock(&tty_lock);
			return nonblock ? -EAGAIN : -ERESTARTSYS;
		}
		sleep_on_until(ring, &tty_lock, deadline);
	}
	n = take_input(buf, len);
	spin_unlock(&tty_lock);
	return (long)n;
}

/*
 * read: see tty_read(). The buffer is checked before the wait, so that a
 * bad one cannot lose a line typed meanwhile (Linux waits first).
 */
static long console_read(struct file *f, struct uio *uio)
{
	char buf[256];
	size_t want = MIN(uio->resid, sizeof(buf));
	long n;

	if (want == 0)
		return 0;
	if (uio_writable(uio, want) < want)
		return -EFAULT;
	n = tty_read(buf, want, file_nonblocking(f));
	if (n <= 0)
		return n;
	n = (long)uio_copyout(uio, buf, (size_t)n);
	return n ? n : -EFAULT;
}

/* write: prints the bytes, a chunk at a time; stops at a bad page. */
static long console_file_write(struct file *f, struct uio *uio)
{
	char chunk[256];
	size_t done = 0;

	(void)f;
	if (uio->resid == 0)
		return 0;
	while (uio->resid > 0) {
		size_t want = MIN(uio->resid, sizeof(chunk));
		size_t n = uio_copyin(uio, chunk, want);

		tty_output(chunk, n);
		done += n;
		if (n < want)
			break;
	}
	return done ? (long)done : -EFAULT;
}

/* New settings: leaving canonical mode makes the line being edited readable. (t) held. */
static void set_termios(const struct linux_termios *t, bool flush)
{
	tio = *t;
	if (flush)
		flush_input();
	if (!(tio.c_lflag & ICANON)) {
		canon = tail;
		wake_readers();
	}
}

/*
 * TIOCSPGRP: the group must exist in the caller's session (-EPERM), as
 * on Linux; the console is the terminal of every session here, so the
 * caller need not have made it its controlling terminal.
 */
static long set_fg_pgrp(uint64_t arg)
{
	int pgrp;
	long sid;

	if (copyin(&pgrp, (void *)arg, sizeof(pgrp)) < 0)
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	sid = proc_group_session(pgrp);
	if (sid < 0 || sid != proc_getsid(0))
		return -EPERM;
	spin_lock(&tty_lock);
	fg_pgrp = pgrp;
	spin_unlock(&tty_lock);
	return 0;
}

/*
 * ioctl: termios (TCGETS, TCSETS, TCSETSW, TCSETSF), the foreground group
 * (TIOCGPGRP, TIOCSPGRP), the window size (TIOCGWINSZ, TIOCSWINSZ), the
 * bytes a read would find (FIONREAD); TIOCSCTTY succeeds, as the console
 * already is every process's terminal. Anything else is -ENOTTY.
 */
static long console_ioctl(struct file *f, uint64_t request, uint64_t arg)
{
	struct linux_termios t;
	struct linux_winsize ws;
	int n;

	(void)f;
	switch (request) {
	case TCGETS:
		spin_lock(&tty_lock);
		t = tio;
		spin_unlock(&tty_lock);
		return copyout((void *)arg, &t, sizeof(t));
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (copyin(&t, (void *)arg, sizeof(t)) < 0)
			return -EFAULT;
		spin_lock(&tty_lock);
		set_termios(&t, request == TCSETSF);
		spin_unlock(&tty_lock);
		return 0;
	case TIOCGPGRP:
		spin_lock(&tty_lock);
		n = fg_pgrp;
		spin_unlock(&tty_lock);
		return copyout((void *)arg, &n, sizeof(n));
	case TIOCSPGRP:
		return set_fg_pgrp(arg);
	case TIOCGWINSZ:
		spin_lock(&tty_lock);
		ws = winsize;
		spin_unlock(&tty_lock);
		return copyout((void *)arg, &ws, sizeof(ws));
	case TIOCSWINSZ:
		if (copyin(&ws, (void *)arg, sizeof(ws)) < 0)
			return -EFAULT;
		spin_lock(&tty_lock);
		winsize = ws;
		spin_unlock(&tty_lock);
		return 0;
	case FIONREAD:
		spin_lock(&tty_lock);
		n = (int)(canon - head);
		spin_unlock(&tty_lock);
		return copyout((void *)arg, &n, sizeof(n));
	case TIOCSCTTY:
		return 0;
	}
	return -ENOTTY;
}

/* fstat: Linux's /dev/console, character device 5:1. */
static void console_stat(struct file *f, struct linux_stat *st)
{
	(void)f;
	st->st_ino = 1;
	st->st_nlink = 1;
	st->st_mode = S_IFCHR | 0600;
	st->st_rdev = (5 << 8) | 1;
	st->st_blksize = PAGE_SIZE;
}

/* poll: readable once a line (or, in raw mode, a byte) is there; always writable. */
static unsigned int console_poll(struct file *f)
{
	unsigned int mask = POLLOUT | POLLWRNORM;

	(void)f;
	spin_lock(&tty_lock);
	if (canon > head)
		mask |= POLLIN | POLLRDNORM;
	spin_unlock(&tty_lock);
	return mask;
}

int tty_fg_pgrp(void)
{
	int pgrp;

	spin_lock(&tty_lock);
	pgrp = fg_pgrp;
	spin_unlock(&tty_lock);
	return pgrp;
}

static const struct file_ops console_ops = {
	.read = console_read,
	.poll = console_poll,
	.write = console_file_write,
	.ioctl = console_ioctl,
	.stat = console_stat,
};

struct file *tty_open_console(void)
{
	return file_alloc(&console_ops, O_RDWR, NULL);
}

static void serial_irq(struct trapframe *tf)
{
	(void)tf;
	while (inb(COM1 + 5) & 1)
		tty_input((char)inb(COM1));
}

/*
 * Scancode set 1, unshifted and shifted, for the keys a shell needs:
 * Backspace gives DEL and Enter CR, as a Linux console's do.
 */
static const char keymap[2][58] = {
	{ 0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0x7f,
	  '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r',
	  0, 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\',
	  'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ' },
	{ 0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 0x7f,
	  '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r',
	  0, 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|',
	  'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ' },
};

static void keyboard_irq(struct trapframe *tf)
{
	static bool shift, ctrl;
	uint8_t sc = inb(KBD_DATA);
	char c;

	(void)tf;
	if (sc == 0x2a || sc == 0x36 || sc == 0xaa || sc == 0xb6)
		shift = sc < 0x80;
	else if (sc == 0x1d || sc == 0x9d)
		ctrl = sc < 0x80;
	else if (sc < sizeof(keymap[0]) && (c = keymap[shift][sc]) != 0)
		tty_input(ctrl && c >= '@' ? CTRL(c) : c);
}

void tty_init(void)
{
	irq_register(4, serial_irq);
	irq_register(1, keyboard_irq);
	outb(COM1 + 1, 0x01);   /* interrupt on received data */
}
