/*
 * KTEST cases of the screen console, drawing into framebuffers and VGA
 * text screens in ordinary memory: they run in every boot self-test (BIOS
 * or UEFI) and on the host (make check). The real screen is checked by
 * `quicktest`.
 */
#include "kernel/fbcon.h"
#include "kernel/font.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "uapi/errno.h"

/* 10x3 characters; lines padded as real pitches often are. */
#define W     80
#define H     48
#define PAD   8
#define FG    0xaaaaaa   /* fbcon's light grey, as 0xRRGGBB */

static uint8_t pixels[H * (W * 4 + PAD)];
static struct fbcon con;

static struct boot_framebuffer xrgb8888(void)
{
	return (struct boot_framebuffer){
		.type = BOOT_FB_RGB, .pitch = W * 4 + PAD, .width = W, .height = H, .bpp = 32,
		.red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8,
		.blue_pos = 0, .blue_size = 8,
	};
}

static uint32_t pixel32(int x, int y)
{
	return *(uint32_t *)(pixels + y * (W * 4 + PAD) + x * 4);
}

/* Does text row r hold exactly `text`, blanks after it? */
static bool row_is(int r, const char *text)
{
	size_t n = strlen(text);

	for (int c = 0; c < con.cols; c++)
		if (con.cells[r][c] != ((size_t)c < n ? (uint8_t)text[c] : ' '))
			return false;
	return true;
}

static int setup(void)
{
	struct boot_framebuffer info = xrgb8888();

	memset(pixels, 0x55, sizeof(pixels));   /* whatever GRUB left */
	return fbcon_init(&con, &info, pixels);
}

static void write_str(const char *s)
{
	fbcon_write(&con, s, strlen(s));
}

KTEST(fbcon, draws_each_character_from_its_glyph)
{
	const uint8_t *a = font_glyph('A');

	KT_ASSERT_EQ(0, setup());
	KT_ASSERT_EQ(10, con.cols);
	KT_ASSERT_EQ(3, con.rows);
	write_str("Az");
	for (int y = 0; y < FONT_HEIGHT; y++)
		for (int x = 0; x < FONT_WIDTH; x++)
			KT_ASSERT_EQ(a[y] & (0x80 >> x) ? FG : 0, pixel32(x, y));
	/* the cursor: the blank after "Az", inverted */
	KT_ASSERT_EQ(FG, pixel32(2 * FONT_WIDTH, 0));
	KT_ASSERT_EQ(0, pixel32(3 * FONT_WIDTH, 0));
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
	/* the padding after each line of pixels is not the screen's */
	KT_ASSERT_EQ(0x55, pixels[W * 4]);
}

KTEST(fbcon, encodes_the_colours_of_each_pixel_format)
{
	struct boot_framebuffer rgb565 = {
		.type = BOOT_FB_RGB, .pitch = W * 2, .width = W, .height = H, .bpp = 16,
		.red_pos = 11, .red_size = 5, .green_pos = 5, .green_size = 6,
		.blue_pos = 0, .blue_size = 5,
	};
	struct boot_framebuffer bgr888 = {
		.type = BOOT_FB_RGB, .pitch = W * 3, .width = W, .height = H, .bpp = 24,
		.red_pos = 0, .red_size = 8, .green_pos = 8, .green_size = 8,
		.blue_pos = 16, .blue_size = 8,
	};
	struct boot_framebuffer rgb30 = xrgb8888();

	KT_ASSERT_EQ(0, fbcon_init(&con, &rgb565, pixels));
	KT_ASSERT_EQ(0xaa >> 3 << 11 | 0xaa >> 2 << 5 | 0xaa >> 3, con.fg);
	write_str("#");
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));

	KT_ASSERT_EQ(0, fbcon_init(&con, &bgr888, pixels));
	KT_ASSERT_EQ(3, con.bytes_pp);
	write_str("#");
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
	/* column 2 of '#' is lit on its row 4: three bytes of 0xaa */
	KT_ASSERT_EQ(0xaa, pixels[4 * W * 3 + 2 * 3]);
	KT_ASSERT_EQ(0xaa, pixels[4 * W * 3 + 2 * 3 + 2]);

	rgb30.red_pos = 20, rgb30.red_size = 10;
	rgb30.green_pos = 10, rgb30.green_size = 10;
	rgb30.blue_pos = 0, rgb30.blue_size = 10;
	KT_ASSERT_EQ(0, fbcon_init(&con, &rgb30, pixels));
	KT_ASSERT_EQ(0x2a8u << 20 | 0x2a8u << 10 | 0x2a8u, con.fg);
}

KTEST(fbcon, wraps_with_the_character_after_the_last_column)
{
	KT_ASSERT_EQ(0, setup());
	write_str("0123456789");
	KT_ASSERT_EQ(0, con.row);      /* a full line is not yet a new line */
	write_str("\nab");
	KT_ASSERT(row_is(0, "0123456789"));
	KT_ASSERT(row_is(1, "ab"));
	write_str("cdefghijKL");
	KT_ASSERT(row_is(1, "abcdefghij"));
	KT_ASSERT(row_is(2, "KL"));
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
}

KTEST(fbcon, scrolls_up_one_line_past_the_bottom)
{
	KT_ASSERT_EQ(0, setup());
	write_str("first line\nsecond\nthird\nfourth");
	KT_ASSERT(row_is(0, "second"));
	KT_ASSERT(row_is(1, "third"));
	KT_ASSERT(row_is(2, "fourth"));
	KT_ASSERT_EQ(2, con.row);
	/* only the cells that changed were redrawn, and that was enough */
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
	write_str("\n\n\n");
	for (int r = 0; r < con.rows; r++)
		KT_ASSERT(row_is(r, ""));
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
}

KTEST(fbcon, returns_backs_up_and_tabs_within_the_line)
{
	KT_ASSERT_EQ(0, setup());
	write_str("abc\rX");
	KT_ASSERT(row_is(0, "Xbc"));
	write_str("\b\bY");
	KT_ASSERT(row_is(0, "Ybc"));
	write_str("\b\b\b\b\b");          /* no further than the first column */
	KT_ASSERT_EQ(0, con.col);
	write_str("\ta\tb");              /* stops at 8, then the last column */
	KT_ASSERT(row_is(0, "Ybc     ab"));
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
}

KTEST(fbcon, draws_a_box_for_bytes_without_a_glyph)
{
	KT_ASSERT_EQ(0, setup());
	write_str("\x01\x80\xff");
	KT_ASSERT(font_glyph(0x01) == font_glyph(0x80));
	KT_ASSERT(font_glyph(0xff) == font_glyph(0x80));
	KT_ASSERT(font_glyph('A') != font_glyph(0x80));
	KT_ASSERT_EQ(FG, pixel32(0, 3));  /* the box's top-left corner */
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
}

KTEST(fbcon, moves_and_erases_as_ansi_sequences_say)
{
	KT_ASSERT_EQ(0, setup());
	write_str("hello\x1b[3D\x1b[K");        /* three left, erase to the end */
	KT_ASSERT(row_is(0, "he"));
	KT_ASSERT_EQ(2, con.col);
	write_str("\x1b[2;10HX\x1b[1;1H\x1b[C\x1b[BY");
	KT_ASSERT(row_is(1, " Y       X"));
	write_str("\x1b[12G!\x1b[1K");           /* column 12 is past the last: 10 */
	KT_ASSERT(row_is(1, ""));
	write_str("\x1b[3;1Hz\x1b[2A\x1b[0J");  /* up two, erase to the end */
	KT_ASSERT(row_is(0, "h"));
	KT_ASSERT(row_is(2, ""));
	write_str("\x1b[H\x1b[1;31mred\x1b[0m\x1b[?25l\x1b[6n\a");   /* dropped whole */
	KT_ASSERT(row_is(0, "red"));
	write_str("\x1bQ\x1b[99999999999A");     /* ESC without '[', a huge count */
	KT_ASSERT_EQ(0, con.row);
	write_str("\x1b[2J");
	for (int r = 0; r < con.rows; r++)
		KT_ASSERT(row_is(r, ""));
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
}

KTEST(fbcon, finds_pixels_that_differ_from_the_text)
{
	KT_ASSERT_EQ(0, setup());
	write_str("ok");
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
	pixels[3 * (W * 4 + PAD) + 2 * 4] ^= 0xff;   /* a pixel of the 'o' */
	KT_ASSERT_EQ(1, fbcon_mismatches(&con));
}

KTEST(fbcon, refuses_screens_it_cannot_draw_on)
{
	struct boot_framebuffer info = xrgb8888();

	info.bpp = 8;
	KT_ASSERT_EQ(-EINVAL, fbcon_init(&con, &info, pixels));
	info = xrgb8888();
	info.type = BOOT_FB_EGA_TEXT;
	KT_ASSERT_EQ(-EINVAL, fbcon_init(&con, &info, pixels));
	info = xrgb8888();
	info.height = FONT_HEIGHT - 1;
	KT_ASSERT_EQ(-EINVAL, fbcon_init(&con, &info, pixels));
	info = xrgb8888();
	info.pitch = W * 4 - 4;
	KT_ASSERT_EQ(-EINVAL, fbcon_init(&con, &info, pixels));
}

/*
 * The VGA text screen of a BIOS boot goes through the same console: each
 * cell is a character and its colour (light grey on black; the cursor
 * inverted), and escape sequences act, never shown as text.
 */
KTEST(fbcon, writes_a_vga_text_screen_with_the_same_sequences)
{
	static uint16_t text[3][10];

	memset(text, 0x55, sizeof(text));
	fbcon_init_text(&con, text, 10, 3);
	KT_ASSERT_EQ(0x7000 | ' ', text[0][0]);          /* the cursor, on a cleared screen */
	KT_ASSERT_EQ(0x0700 | ' ', text[2][9]);
	write_str("$ \x1b[6nls\x1b[2Dcd\x1b[K\n1234567890ab");
	KT_ASSERT(row_is(0, "$ cd"));
	KT_ASSERT(row_is(1, "1234567890"));
	KT_ASSERT(row_is(2, "ab"));
	KT_ASSERT_EQ(0x0700 | 'c', text[0][2]);
	KT_ASSERT_EQ(0x7000 | ' ', text[2][2]);
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
	write_str("\n\n");                                /* scrolls: "ab" at the top */
	KT_ASSERT(row_is(0, "ab"));
	KT_ASSERT_EQ(0x0700 | 'a', text[0][0]);
	KT_ASSERT_EQ(0, fbcon_mismatches(&con));
	text[0][1] = 0x0700 | 'x';
	KT_ASSERT_EQ(1, fbcon_mismatches(&con));
}
