/*
 * Serial (COM1, 115200 8N1) output, mirrored on one screen by the screen
 * console (kernel/fbcon.c): in the VGA text mode when a BIOS booted us in
 * it, else on the framebuffer GRUB set up, which is what a UEFI boot
 * offers. Both are written with polling; a spinlock keeps lines from
 * interleaving between CPUs and interrupt handlers.
 */
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/fbcon.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "mm/phys.h"
#include "mm/pmap/kernel_map.h"
#include "uapi/errno.h"

#define COM1 0x3f8
#define VGA_PHYS 0xb8000
#define VGA_COLS 80
#define VGA_ROWS 25

static struct spinlock console_lock = SPINLOCK_INIT("console");

/* The screen that mirrors the serial port (framebuffer or VGA text), once
 * console_init_screen has found one. */
static bool screen;
static struct fbcon fbcon;

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

/*
 * Hides the VGA's own blinking cursor (CRTC register 0x0a, cursor start,
 * bit 5): the console draws its cursor as an inverted cell.
 */
static void vga_hide_hw_cursor(void)
{
	outb(0x3d4, 0x0a);
	outb(0x3d5, 0x20);
}

void console_init(void)
{
	serial_init();
}

/*
 * The framebuffer tag decides: RGB pixels get the framebuffer console, EGA
 * text (GRUB kept a BIOS's text mode) the VGA text screen. Without a tag a
 * BIOS boot still has VGA text at 0xb8000, as before GRUB reported it;
 * under UEFI that address may be RAM or nothing, so it is never written.
 */
void console_init_screen(const struct boot_info *boot)
{
	const struct boot_framebuffer *fb = &boot->fb;
	void *base;

	if (fb->type == BOOT_FB_RGB) {
		base = kernel_map_device(fb->addr, (size_t)fb->pitch * fb->height);
		spin_lock(&console_lock);
		if (base && fbcon_init(&fbcon, fb, base) == 0)
			screen = true;
		spin_unlock(&console_lock);
		if (screen)
			printk("console: framebuffer %ux%ux%u at 0x%lx, %dx%d characters\n",
			       fb->width, fb->height, fb->bpp, (unsigned long)fb->addr,
			       fbcon.cols, fbcon.rows);
		else
			printk("console: cannot draw on the framebuffer %ux%ux%u at 0x%lx: serial only\n",
			       fb->width, fb->height, fb->bpp, (unsigned long)fb->addr);
	} else if (fb->type == BOOT_FB_EGA_TEXT || (fb->type == BOOT_FB_NONE && !boot->efi)) {
		spin_lock(&console_lock);
		vga_hide_hw_cursor();
		fbcon_init_text(&fbcon, phys_to_virt(VGA_PHYS), VGA_COLS, VGA_ROWS);
		screen = true;
		spin_unlock(&console_lock);
		printk("console: VGA text %dx%d\n", VGA_COLS, VGA_ROWS);
	} else {
		printk("console: no screen to draw on (a palette framebuffer, or UEFI without"
		       " one): serial only\n");
	}
}

int console_check_screen(void)
{
	int bad;

	spin_lock(&console_lock);
	bad = screen ? fbcon_mismatches(&fbcon) : -ENOENT;
	spin_unlock(&console_lock);
	return bad;
}

void console_write_mode(const char *s, size_t n, bool crlf)
{
	spin_lock(&console_lock);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' && crlf)
			serial_putc('\r');
		serial_putc(s[i]);
	}
	if (screen)
		fbcon_write(&fbcon, s, n);
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
