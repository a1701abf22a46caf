/*
 * Multiboot2 information parsing: the command line, the memory map and the
 * modules (the initrd). Everything is copied into struct boot_info so the
 * original can be reused as free memory later.
 */
#include "kernel/multiboot.h"
#include "kernel/string.h"
#include "uapi/errno.h"

#define TAG_END     0
#define TAG_CMDLINE 1
#define TAG_MODULE  3
#define TAG_MMAP    6
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15
#define MMAP_AVAILABLE 1

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

	for (; p + t->entry_size <= end; p += t->entry_size) {
		const struct mmap_entry *e = (const struct mmap_entry *)p;
		if (e->type != MMAP_AVAILABLE || out->nusable == BOOT_MAX_RANGES)
			continue;
		out->usable[out->nusable].start = e->addr;
		out->usable[out->nusable].end = e->addr + e->len;
		out->nusable++;
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
		else if ((t->type == TAG_ACPI_NEW || (t->type == TAG_ACPI_OLD && !out->has_rsdp)) &&
		         t->size > sizeof(*t)) {
			memcpy(out->rsdp, t + 1, MIN(sizeof(out->rsdp), t->size - sizeof(*t)));
			out->has_rsdp = true;
		}
		p += ALIGN_UP(t->size, 8);
	}
	return 0;
}
