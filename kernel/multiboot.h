/* What GRUB tells the kernel, copied out of the multiboot2 information. */
#ifndef KERNEL_MULTIBOOT_H
#define KERNEL_MULTIBOOT_H

#include "kernel/types.h"
#include "mm/page.h"

#define MB2_BOOT_MAGIC 0x36d76289
#define BOOT_MAX_RANGES 64
#define BOOT_MAX_MODULES 8

struct boot_module {
	paddr_t start, end;
	char name[32];
};

/* What the framebuffer tag says about the screen GRUB left us. */
enum boot_fb_type {
	BOOT_FB_NONE,      /* no tag: nothing known about the screen */
	BOOT_FB_RGB,       /* pixels, each colour a bit field */
	BOOT_FB_EGA_TEXT,  /* the VGA text mode: width x height characters */
	BOOT_FB_OTHER,     /* a palette: not drawn on */
};

struct boot_framebuffer {
	enum boot_fb_type type;
	paddr_t addr;
	uint32_t pitch;    /* bytes from one line to the next */
	uint32_t width, height;
	uint8_t bpp;       /* bits per pixel */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
	char cmdline[512];
	struct mem_range usable[BOOT_MAX_RANGES];
	int nusable;
	struct boot_module modules[BOOT_MAX_MODULES];
	int nmodules;
	paddr_t info_start, info_end;   /* the multiboot2 structure itself */
	uint8_t rsdp[36];               /* copy of the ACPI RSDP, if GRUB gave one */
	bool has_rsdp;
	/*
	 * End of the highest RAM range, usable or holding ACPI tables (which
	 * UEFI firmware puts near the top of RAM, possibly above every usable
	 * range): what the direct map must cover.
	 */
	paddr_t ram_end;
	struct boot_framebuffer fb;
	bool efi;                       /* GRUB ran as a UEFI application */
};

/* Parses the structure at physical `info` (reached through the direct map). */
int multiboot_parse(uint32_t magic, paddr_t info, struct boot_info *out);

#endif
