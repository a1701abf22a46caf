/* The 8x16 bitmap font of the framebuffer console (kernel/font.c). */
#ifndef KERNEL_FONT_H
#define KERNEL_FONT_H

#include "kernel/types.h"

#define FONT_WIDTH  8
#define FONT_HEIGHT 16

/*
 * The FONT_HEIGHT rows of byte c, top first; in each row bit 7 is the
 * leftmost pixel. Bytes without a glyph get a box.
 */
const uint8_t *font_glyph(unsigned char c);

#endif
