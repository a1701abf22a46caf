/*
 * Multiboot2 information parsing: the command line, the memory map, the
 * modules (the initrd), the ACPI RSDP, the framebuffer and whether the
 * firmware was UEFI. Everything is copied into struct boot_info so the
 * original can be reused as free memory later.
 *
 * Under a BIOS the RSDP could also be found by scanning the BIOS area below
 * 1 MiB; under UEFI it is elsewhere (the firmware's system table points to
 * it), so the kernel relies on GRUB's ACPI tags for both.
 */
#include "kernel/multiboot.h"
#include "kernel/string.h"
#include "uapi/errno.h"

#define TAG_END     0
#define TAG_CMDLINE 1
#define TAG_MODULE  3
#define TAG_MMAP    6
#define TAG_FRAMEBUFFER 8
#define TAG_EFI32   11   /* the EFI system table: present only under UEFI */
#define TAG_EFI64   12
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15
#define MMAP_AVAILABLE 1
#define MMAP_ACPI_RECLAIMABLE 3
#define MMAP_ACPI_NVS  4

#define FB_TYPE_RGB      1   /* 0 is a palette, which the kernel does not draw on */
#define FB_TYPE_EGA_TEXT 2

struct tag {
	uint32_t type;
	uint32_t size;
};

struct tag_mmap {
	struct tag tag;
	uint32_t entry_size;
	uint32_t entry_version;
};

struct mmap_entry {
	uint64_t addr;
	uint64_t len;
	uint32_t type;
	uint32_t reserved;
};

struct tag_framebuffer {
	struct tag tag;
	uint64_t addr;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t bpp;
	uint8_t type;
	uint16_t reserved;
	/* for FB_TYPE_RGB: position and size of each colour's bit field */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
} __attribute__((packed));

struct tag_module {
	struct tag tag;
	uint32_t mod_start;
	uint32_t mod_end;
	char name[];
};

static void parse_mmap(const struct tag_mmap *t, struct boot_info *out)
{
	const uint8_t *p = (const uint8_t *)(t + 1);
	const uint8_t *end = (const uint8_t *)t + t->tag.size;

	if (t->entry_size < sizeof(struct mmap_entry))
		return;
	for (; p + t->entry_size <= end; p += t->entry_size) {
		const struct mmap_entry *e = (const struct mmap_entry *)p;
		if (e->type == MMAP_AVAILABLE || e->type == MMAP_ACPI_RECLAIMABLE ||
		    e->type == MMAP_ACPI_NVS)
			out->ram_end = MAX(out->ram_end, e->addr + e->len);
		if (e->type != MMAP_AVAILABLE || out->nusable == BOOT_MAX_RANGES)
			continue;
		out->usable[out->nusable].start = e->addr;
		out->usable[out->nusable].end = e->addr + e->len;
		out->nusable++;
	}
}

static void parse_framebuffer(const struct tag_framebuffer *t, struct boot_info *out)
{
	struct boot_framebuffer *fb = &out->fb;

	/* The colour fields end the RGB tag; the other types stop before them. */
	if (t->tag.size < offsetof(struct tag_framebuffer, red_pos))
		return;
	fb->addr = t->addr;
	fb->pitch = t->pitch;
	fb->width = t->width;
	fb->height = t->height;
	fb->bpp = t->bpp;
	if (t->type == FB_TYPE_EGA_TEXT) {
		fb->type = BOOT_FB_EGA_TEXT;
	} else if (t->type == FB_TYPE_RGB && t->tag.size >= sizeof(*t)) {
		fb->type = BOOT_FB_RGB;
		fb->red_pos = t->red_pos;
		fb->red_size = t->red_size;
		fb->green_pos = t->green_pos;
		fb->green_size = t->green_size;
		fb->blue_pos = t->blue_pos;
		fb->blue_size = t->blue_size;
	} else {
		fb->type = BOOT_FB_OTHER;
	}
}

static void parse_module(const struct tag_module *t, struct boot_info *out)
{
	struct boot_module *m;

	if (out->nmodules == BOOT_MAX_MODULES)
		return;
	m = &out->modules[out->nmodules++];
	m->start = t->mod_start;
	m->end = t->mod_end;
	strncpy_safe(m->name, t->name, sizeof(m->name));
}

int multiboot_parse(uint32_t magic, paddr_t info, struct boot_info *out)
{
	const uint8_t *base = phys_to_virt(info);
	uint32_t total = *(const uint32_t *)base;
	const uint8_t *p = base + 8;

	memset(out, 0, sizeof(*out));
	if (magic != MB2_BOOT_MAGIC)
		return -EINVAL;
	out->info_start = info;
	out->info_end = info + total;
	while (p + sizeof(struct tag) <= base + total) {
		const struct tag *t = (const struct tag *)p;
		if (t->type == TAG_END)
			break;
		if (t->type == TAG_CMDLINE)
			strncpy_safe(out->cmdline, (const char *)(t + 1), sizeof(out->cmdline));
		else if (t->type == TAG_MMAP)
			parse_mmap((const struct tag_mmap *)t, out);
		else if (t->type == TAG_MODULE)
			parse_module((const struct tag_module *)t, out);
		else if (t->type == TAG_FRAMEBUFFER)
			parse_framebuffer((const struct tag_framebuffer *)t, out);
		else if (t->type == TAG_EFI32 || t->type == TAG_EFI64)
			out->efi = true;
		else if ((t->type == TAG_ACPI_NEW || (t->type == TAG_ACPI_OLD && !out->has_rsdp)) &&
		         t->size > sizeof(*t)) {
			memcpy(out->rsdp, t + 1, MIN(sizeof(out->rsdp), t->size - sizeof(*t)));
			out->has_rsdp = true;
		}
		p += ALIGN_UP(t->size, 8);
	}
	return 0;
}
