/*
 * The line discipline (see tty.h). Finished lines wait in a ring buffer;
 * the line being typed is kept apart so backspace can edit it. The
 * console is also an open file (kernel/file.h): its operations are here.
 */
#include "kernel/tty.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/file.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/trap.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/fcntl.h"
#include "uapi/linux_types.h"

#define COM1 0x3f8
#define KBD_DATA 0x60
#define RING 1024
#define LINE_MAX 256

static struct spinlock tty_lock = SPINLOCK_INIT("tty");
static char ring[RING];             /* finished lines */
static size_t ring_head, ring_tail; /* read at head, write at tail */
static char line[LINE_MAX];         /* the line being edited */
static size_t line_len;

static void ring_put(char c)
{
	if (ring_tail - ring_head < RING)
		ring[ring_tail++ % RING] = c;
}

void tty_input(char c)
{
	spin_lock(&tty_lock);
	if (c == '\r')
		c = '\n';
	if (c == '\b' || c == 0x7f) {
		if (line_len > 0) {
			line_len--;
			console_write("\b \b", 3);
		}
	} else if (c == '\n') {
		for (size_t i = 0; i < line_len; i++)
			ring_put(line[i]);
		ring_put('\n');
		line_len = 0;
		console_putc('\n');
		wakeup(ring);
	} else if ((c >= ' ' && c < 0x7f) || c == '\t') {
		if (line_len < LINE_MAX - 1) {
			line[line_len++] = c;
			console_putc(c);
		}
	}
	spin_unlock(&tty_lock);
}

/* Whether a whole line is waiting. (tty_lock) held. */
static bool line_ready(void)
{
	for (size_t i = ring_head; i != ring_tail; i++)
		if (ring[i % RING] == '\n')
			return true;
	return false;
}

/*
 * Takes a whole line, or its first len bytes, into buf: how many, or
 * -EAGAIN (nonblock and no line yet), -ERESTARTSYS (a signal came).
 */
static long tty_read_line(char *buf, size_t len, bool nonblock)
{
	size_t n = 0;

	spin_lock(&tty_lock);
	while (!line_ready()) {
		long err = nonblock ? -EAGAIN : proc_interrupted() ? -ERESTARTSYS : 0;

		if (err) {
			spin_unlock(&tty_lock);
			return err;
		}
		sleep_on(ring, &tty_lock);
	}
	while (n < len) {
		char c = ring[ring_head++ % RING];
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	spin_unlock(&tty_lock);
	return (long)n;
}

/*
 * read: a line (see tty.h). The buffer is checked before the wait, so that
 * a bad one cannot lose a line typed meanwhile (Linux waits first).
 */
static long console_read(struct file *f, struct uio *uio)
{
	char buf[LINE_MAX];
	size_t want = MIN(uio->resid, sizeof(buf));
	long n;

	if (want == 0)
		return 0;
	if (uio_writable(uio, want) < want)
		return -EFAULT;
	n = tty_read_line(buf, want, file_nonblocking(f));
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

		console_write(chunk, n);
		done += n;
		if (n < want)
			break;
	}
	return done ? (long)done : -EFAULT;
}

/*
 * ioctl: TIOCGWINSZ gives an 80x24 terminal (musl's isatty() asks it, and
 * its stdio makes stdout line-buffered when it succeeds); every other
 * request is -ENOTTY.
 */
static long console_ioctl(struct file *f, uint64_t request, uint64_t arg)
{
	struct linux_winsize ws = { 24, 80, 0, 0 };

	(void)f;
	if (request == TIOCGWINSZ)
		return copyout((void *)arg, &ws, sizeof(ws));
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

static const struct file_ops console_ops = {
	.read = console_read,
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

/* Scancode set 1, unshifted and shifted, for the keys a shell needs. */
static const char keymap[2][58] = {
	{ 0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b',
	  '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n',
	  0, 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\',
	  'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ' },
	{ 0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b',
	  '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n',
	  0, 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|',
	  'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ' },
};

static void keyboard_irq(struct trapframe *tf)
{
	static bool shift;
	uint8_t sc = inb(KBD_DATA);

	(void)tf;
	if (sc == 0x2a || sc == 0x36)
		shift = true;
	else if (sc == 0xaa || sc == 0xb6)
		shift = false;
	else if (sc < sizeof(keymap[0]) && keymap[shift][sc])
		tty_input(keymap[shift][sc]);
}

void tty_init(void)
{
	irq_register(4, serial_irq);
	irq_register(1, keyboard_irq);
	outb(COM1 + 1, 0x01);   /* interrupt on received data */
}
