/*
 * The screen console (see fbcon.h). Every change of the screen goes
 * through draw_cell(), which writes one character's 8x16 pixels, or its
 * text cell, and reads nothing back.
 */
#include "kernel/fbcon.h"
#include "kernel/font.h"
#include "kernel/string.h"
#include "uapi/errno.h"

#define TAB_STOP 8

/* fbcon.esc: outside an escape sequence, after ESC, inside ESC [ ... */
#define ESC_NONE 0
#define ESC_SEEN 1
#define ESC_CSI  2
#define PARAM_MAX 9999

/* The colours of the VGA text console: light grey on black. */
#define FG_RGB 0xaaaaaa
#define BG_RGB 0x000000
/* The same as attributes of a VGA text cell (background in the high half). */
#define TEXT_ATTR          0x07
#define TEXT_ATTR_INVERTED 0x70

/* The 8-bit channel v as a field of `size` bits at `pos`. */
static uint32_t channel(uint32_t v, uint8_t pos, uint8_t size)
{
	if (size == 0)
		return 0;
	v = size <= 8 ? v >> (8 - size) : v << (size - 8);
	return v << pos;
}

static uint32_t pixel_value(const struct boot_framebuffer *info, uint32_t rgb)
{
	return channel((rgb >> 16) & 0xff, info->red_pos, info->red_size) |
	       channel((rgb >> 8) & 0xff, info->green_pos, info->green_size) |
	       channel(rgb & 0xff, info->blue_pos, info->blue_size);
}

static void put_pixel(uint8_t *p, uint32_t bytes_pp, uint32_t v)
{
	switch (bytes_pp) {
	case 4:
		*(uint32_t *)p = v;
		break;
	case 3:
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		break;
	default:
		*(uint16_t *)p = (uint16_t)v;
		break;
	}
}

static uint32_t get_pixel(const uint8_t *p, uint32_t bytes_pp)
{
	switch (bytes_pp) {
	case 4:
		return *(const uint32_t *)p;
	case 3:
		return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
	default:
		return *(const uint16_t *)p;
	}
}

static uint8_t *cell_pixels(const struct fbcon *fb, int row, int col)
{
	return fb->base + (size_t)row * FONT_HEIGHT * fb->pitch +
	       (size_t)col * FONT_WIDTH * fb->bytes_pp;
}

/* The VGA text cell that shows ch. */
static uint16_t text_cell(uint8_t ch, bool inverted)
{
	return (uint16_t)(inverted ? TEXT_ATTR_INVERTED : TEXT_ATTR) << 8 | ch;
}

static volatile uint16_t *text_cells(const struct fbcon *fb, int row, int col)
{
	return (volatile uint16_t *)fb->base + row * fb->cols + col;
}

static void draw_glyph(struct fbcon *fb, int row, int col, bool inverted)
{
	const uint8_t *glyph = font_glyph(fb->cells[row][col]);
	uint32_t on = inverted ? fb->bg : fb->fg, off = inverted ? fb->fg : fb->bg;
	uint8_t *line = cell_pixels(fb, row, col);

	for (int y = 0; y < FONT_HEIGHT; y++, line += fb->pitch)
		for (int x = 0; x < FONT_WIDTH; x++)
			put_pixel(line + x * fb->bytes_pp, fb->bytes_pp,
			          glyph[y] & (0x80 >> x) ? on : off);
}

static void draw_cell(struct fbcon *fb, int row, int col, bool inverted)
{
	if (fb->text)
		*text_cells(fb, row, col) = text_cell(fb->cells[row][col], inverted);
	else
		draw_glyph(fb, row, col, inverted);
}

static void cursor(struct fbcon *fb, bool show)
{
	if (fb->col == fb->cols || show == fb->cursor_shown)
		return;
	draw_cell(fb, fb->row, fb->col, show);
	fb->cursor_shown = show;
}

/*
 * Moves every line up by one and blanks the last, redrawing only the cells
 * whose character changes: a line of text over a shorter one or over
 * blanks costs its own length, not the width of the screen.
 */
static void scroll(struct fbcon *fb)
{
	for (int r = 0; r < fb->rows; r++) {
		for (int c = 0; c < fb->cols; c++) {
			uint8_t below = r + 1 < fb->rows ? fb->cells[r + 1][c] : ' ';
			if (fb->cells[r][c] == below)
				continue;
			fb->cells[r][c] = below;
			draw_cell(fb, r, c, false);
		}
	}
	fb->row = fb->rows - 1;
}

static void newline(struct fbcon *fb)
{
	fb->col = 0;
	if (++fb->row == fb->rows)
		scroll(fb);
}

/* Cell (r, c) now holds ch: drawn only if that changes it. */
static void set_cell(struct fbcon *fb, int r, int c, uint8_t ch)
{
	if (fb->cells[r][c] == ch)
		return;
	fb->cells[r][c] = ch;
	draw_cell(fb, r, c, false);
}

static void erase(struct fbcon *fb, int from_row, int from_col, int to_row, int to_col)
{
	for (int r = from_row; r <= to_row; r++)
		for (int c = r == from_row ? from_col : 0; c <= (r == to_row ? to_col : fb->cols - 1); c++)
			set_cell(fb, r, c, ' ');
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The final byte of a CSI sequence: act on it with the numbers gathered. */
static void csi(struct fbcon *fb, unsigned char final)
{
	int p0 = fb->params[0], p1 = fb->nparams > 1 ? fb->params[1] : 0;
	int n = p0 ? p0 : 1, last_col = fb->cols - 1, last_row = fb->rows - 1;
	int col = MIN(fb->col, last_col);   /* a pending wrap counts as the last column */

	switch (final) {
	case 'A':
		fb->row = MAX(0, fb->row - n);
		break;
	case 'B':
		fb->row = MIN(last_row, fb->row + n);
		break;
	case 'C':
		fb->col = MIN(last_col, col + n);
		break;
	case 'D':
		fb->col = MAX(0, col - n);
		break;
	case 'G':
		fb->col = clamp(n - 1, 0, last_col);
		break;
	case 'H':
	case 'f':
		fb->row = clamp(n - 1, 0, last_row);
		fb->col = clamp((p1 ? p1 : 1) - 1, 0, last_col);
		break;
	case 'J':
		if (p0 == 0)
			erase(fb, fb->row, col, last_row, last_col);
		else if (p0 == 1)
			erase(fb, 0, 0, fb->row, col);
		else
			erase(fb, 0, 0, last_row, last_col);
		break;
	case 'K':
		erase(fb, fb->row, p0 == 0 ? col : 0, fb->row, p0 == 1 ? col : last_col);
		break;
	default:
		break;
	}
}

/* One byte of an escape sequence: ESC [ numbers separated by ';', a final byte. */
static void escape(struct fbcon *fb, unsigned char c)
{
	if (fb->esc == ESC_SEEN) {
		fb->esc = c == '[' ? ESC_CSI : ESC_NONE;
		fb->nparams = 0;
		memset(fb->params, 0, sizeof(fb->params));
		return;
	}
	if (c >= '0' && c <= '9') {
		int *p;
		fb->nparams = MAX(fb->nparams, 1);
		p = &fb->params[fb->nparams - 1];
		*p = MIN(PARAM_MAX, *p * 10 + (c - '0'));
	} else if (c == ';') {
		/* past the last slot, the numbers add up in it: never read */
		fb->nparams = MIN(MAX(fb->nparams, 1) + 1, FBCON_MAX_PARAMS);
	} else if (c >= 0x40 && c <= 0x7e) {
		fb->esc = ESC_NONE;
		csi(fb, c);
	} else if (c < 0x20 || c > 0x3f) {
		fb->esc = ESC_NONE;   /* not a CSI byte: the sequence is broken off */
	}
}

static void put(struct fbcon *fb, unsigned char c)
{
	if (fb->esc != ESC_NONE) {
		escape(fb, c);
		return;
	}
	switch (c) {
	case 0x1b:
		fb->esc = ESC_SEEN;
		break;
	case '\a':
		break;
	case '\n':
		newline(fb);
		break;
	case '\r':
		fb->col = 0;
		break;
	case '\b':
		if (fb->col > 0)
			fb->col--;
		break;
	case '\t':
		fb->col = MIN(fb->cols - 1, (fb->col / TAB_STOP + 1) * TAB_STOP);
		break;
	default:
		if (fb->col == fb->cols)
			newline(fb);
		fb->cells[fb->row][fb->col] = c;
		draw_cell(fb, fb->row, fb->col, false);
		fb->col++;
		break;
	}
}

/* An empty grid of cols x rows (at most the maximum) on base, the cursor home. */
static void grid_init(struct fbcon *fb, bool text, void *base, int cols, int rows)
{
	fb->text = text;
	fb->base = base;
	fb->cols = MIN(cols, FBCON_MAX_COLS);
	fb->rows = MIN(rows, FBCON_MAX_ROWS);
	fb->row = fb->col = 0;
	fb->cursor_shown = false;
	fb->esc = ESC_NONE;
	memset(fb->cells, ' ', sizeof(fb->cells));
}

int fbcon_init(struct fbcon *fb, const struct boot_framebuffer *info, void *base)
{
	uint32_t bytes_pp = (info->bpp + 7) / 8;

	if (info->type != BOOT_FB_RGB || info->bpp < 15 || info->bpp > 32 ||
	    info->width < FONT_WIDTH || info->height < FONT_HEIGHT ||
	    info->pitch < info->width * bytes_pp)
		return -EINVAL;
	grid_init(fb, false, base, (int)(info->width / FONT_WIDTH), (int)(info->height / FONT_HEIGHT));
	fb->pitch = info->pitch;
	fb->bytes_pp = bytes_pp;
	fb->fg = pixel_value(info, FG_RGB);
	fb->bg = pixel_value(info, BG_RGB);
	/* The whole screen, not just the grid: GRUB's menu may still be there. */
	for (uint32_t y = 0; y < info->height; y++)
		for (uint32_t x = 0; x < info->width; x++)
			put_pixel(fb->base + (size_t)y * fb->pitch + x * bytes_pp, bytes_pp, fb->bg);
	cursor(fb, true);
	return 0;
}

void fbcon_init_text(struct fbcon *fb, void *base, int cols, int rows)
{
	grid_init(fb, true, base, cols, rows);
	for (int r = 0; r < fb->rows; r++)
		for (int c = 0; c < fb->cols; c++)
			draw_cell(fb, r, c, false);
	cursor(fb, true);
}

void fbcon_write(struct fbcon *fb, const char *s, size_t n)
{
	cursor(fb, false);
	for (size_t i = 0; i < n; i++)
		put(fb, (unsigned char)s[i]);
	cursor(fb, true);
}

/* Do the pixels of cell (r, c) differ from its character's glyph? */
static bool glyph_differs(const struct fbcon *fb, int r, int c, bool inverted)
{
	const uint8_t *glyph = font_glyph(fb->cells[r][c]);
	uint32_t on = inverted ? fb->bg : fb->fg, off = inverted ? fb->fg : fb->bg;
	const uint8_t *line = cell_pixels(fb, r, c);

	for (int y = 0; y < FONT_HEIGHT; y++, line += fb->pitch)
		for (int x = 0; x < FONT_WIDTH; x++)
			if (get_pixel(line + x * fb->bytes_pp, fb->bytes_pp) !=
			    (glyph[y] & (0x80 >> x) ? on : off))
				return true;
	return false;
}

int fbcon_mismatches(const struct fbcon *fb)
{
	int bad = 0;

	for (int r = 0; r < fb->rows; r++) {
		for (int c = 0; c < fb->cols; c++) {
			bool inverted = fb->cursor_shown && r == fb->row && c == fb->col;

			if (fb->text)
				bad += *text_cells(fb, r, c) != text_cell(fb->cells[r][c], inverted);
			else
				bad += glyph_differs(fb, r, c, inverted);
		}
	}
	return bad;
}
