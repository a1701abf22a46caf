/*
 * The line discipline (see tty.h). Finished lines wait in a ring buffer;
 * the line being typed is kept apart so backspace can edit it.
 */
#include "kernel/tty.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/trap.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

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

long tty_read(void *ubuf, size_t len)
{
	char buf[LINE_MAX];
	size_t n = 0;

	if (len == 0)
		return 0;
	if (user_probe_writable(ubuf, MIN(len, sizeof(buf))) < 0)
		return -EFAULT;
	spin_lock(&tty_lock);
	while (!line_ready()) {
		if (proc_interrupted()) {
			spin_unlock(&tty_lock);
			return -EINTR;
		}
		sleep_on(ring, &tty_lock);
	}
	while (n < MIN(len, sizeof(buf))) {
		char c = ring[ring_head++ % RING];
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	spin_unlock(&tty_lock);
	return copyout(ubuf, buf, n) < 0 ? -EFAULT : (long)n;
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
