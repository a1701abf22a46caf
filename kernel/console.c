/*
 * Serial (COM1, 115200 8N1) and VGA text-mode output. Both are written with
 * polling; a spinlock keeps lines from interleaving between CPUs and
 * interrupt handlers.
 */
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "mm/phys.h"

#define COM1 0x3f8
#define VGA_PHYS 0xb8000
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700   /* light grey on black */

static struct spinlock console_lock = SPINLOCK_INIT("console");
static int vga_row, vga_col;

static void serial_init(void)
{
	outb(COM1 + 1, 0x00);   /* no interrupts yet */
	outb(COM1 + 3, 0x80);   /* DLAB: set the baud divisor */
	outb(COM1 + 0, 0x01);   /* 115200 */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);   /* 8N1 */
	outb(COM1 + 2, 0xc7);   /* FIFO on, cleared */
	outb(COM1 + 4, 0x0b);   /* DTR, RTS, OUT2 (routes the IRQ) */
}

static void serial_putc(char c)
{
	for (int spins = 0; spins < 100000 && !(inb(COM1 + 5) & 0x20); spins++)
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

static volatile uint16_t *vga(void)
{
	return phys_to_virt(VGA_PHYS);
}

static void vga_scroll(void)
{
	volatile uint16_t *v = vga();

	for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		v[i] = v[i + VGA_COLS];
	for (int i = 0; i < VGA_COLS; i++)
		v[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR | ' ';
	vga_row = VGA_ROWS - 1;
}

static void vga_putc(char c)
{
	volatile uint16_t *v = vga();

	if (c == '\n') {
		vga_col = 0;
		vga_row++;
	} else if (c == '\r') {
		vga_col = 0;
	} else if (c == '\b') {
		if (vga_col > 0)
			vga_col--;
	} else {
		v[vga_row * VGA_COLS + vga_col] = VGA_ATTR | (uint8_t)c;
		if (++vga_col == VGA_COLS) {
			vga_col = 0;
			vga_row++;
		}
	}
	if (vga_row == VGA_ROWS)
		vga_scroll();
}

static void putc_locked(char c, bool crlf)
{
	if (c == '\n' && crlf)
		serial_putc('\r');
	serial_putc(c);
	vga_putc(c);
}

void console_init(void)
{
	volatile uint16_t *v = vga();

	serial_init();
	for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
		v[i] = VGA_ATTR | ' ';
	vga_row = vga_col = 0;
}

void console_write_mode(const char *s, size_t n, bool crlf)
{
	spin_lock(&console_lock);
	for (size_t i = 0; i < n; i++)
		putc_locked(s[i], crlf);
	spin_unlock(&console_lock);
}

void console_write(const char *s, size_t n)
{
	console_write_mode(s, n, true);
}

void console_putc(char c)
{
	console_write(&c, 1);
}
