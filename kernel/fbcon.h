/*
 * The screen console: text drawn with the 8x16 font (kernel/font.h) into a
 * linear framebuffer, which is all a UEFI machine offers (its firmware has
 * no VGA text mode), or written as characters into a VGA text screen, which
 * a BIOS boot keeps. Both take the same control characters and escape
 * sequences. kernel/console.c owns the one on the screen; the functions
 * here draw into any struct fbcon, so tests can give them a screen in
 * ordinary memory.
 *
 * What is on the screen is kept as characters too (cells), so that
 * scrolling redraws only the cells whose character changes and never reads
 * the framebuffer, which is slow to read on real hardware.
 */
#ifndef KERNEL_FBCON_H
#define KERNEL_FBCON_H

#include "kernel/multiboot.h"
#include "kernel/types.h"

/* Enough for 3840x2560; a bigger screen uses its top-left part. */
#define FBCON_MAX_COLS 480
#define FBCON_MAX_ROWS 160
#define FBCON_MAX_PARAMS 4

struct fbcon {
	bool text;              /* a VGA text screen: base holds one 16-bit cell
	                           (character, colour) per character */
	uint8_t *base;          /* pixel (0, 0), or the first text cell */
	uint32_t pitch;         /* bytes from one line of pixels to the next */
	uint32_t bytes_pp;      /* bytes per pixel: 2, 3 or 4 */
	uint32_t fg, bg;        /* the two colours as pixel values */
	int cols, rows;         /* the text grid */
	int row, col;           /* where the next character goes; col == cols
	                           after the last column: the line wraps with the
	                           next character, not before a newline */
	bool cursor_shown;      /* the cell at (row, col) is drawn inverted */
	int esc;                /* where in an escape sequence the output is */
	int nparams;            /* the numbers of a CSI sequence so far */
	int params[FBCON_MAX_PARAMS];
	uint8_t cells[FBCON_MAX_ROWS][FBCON_MAX_COLS];   /* what the screen shows */
};

/*
 * Sets fb up on the framebuffer `info` describes, mapped at `base`, and
 * clears the screen. -EINVAL when the pixels are not RGB of 15 to 32 bits
 * or the screen is smaller than one character.
 */
int fbcon_init(struct fbcon *fb, const struct boot_framebuffer *info, void *base);
/* Sets fb up on a VGA text screen of cols x rows cells at base and clears it. */
void fbcon_init_text(struct fbcon *fb, void *base, int cols, int rows);
/*
 * Draws n bytes: '\n' starts the next line, '\r' goes to its start, '\b'
 * one cell back, '\t' to the next multiple of 8, '\a' does nothing; every
 * other byte is a character (a box when the font has no glyph for it).
 * Writing past the last line scrolls the screen up by one line. The cursor
 * is the inverted cell after the last character.
 *
 * The ANSI (ECMA-48) sequences with which line editors such as busybox's
 * redraw the command line act as on a terminal: ESC [ n A, B, C, D (cursor
 * up, down, right, left), G (to column n), H or f (to row;column), J and K
 * (erase in the screen, in the line). Other sequences, colours included,
 * are dropped whole rather than drawn.
 */
void fbcon_write(struct fbcon *fb, const char *s, size_t n);
/*
 * Reads the screen back and counts the cells whose pixels are not their
 * character's glyph, or whose text cell is not their character (inverted
 * at the cursor): 0 when the screen shows exactly the text. For tests.
 */
int fbcon_mismatches(const struct fbcon *fb);

#endif
