/*
 * ustar reader. Each member is a 512-byte header (name at 0, octal mode at
 * 100, octal size at 124, type flag at 156, link target at 157, "ustar"
 * magic at 257, name prefix at 345) followed by the data rounded up to 512
 * bytes; two zero blocks end the archive.
 */
#include "kernel/initrd.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/phys.h"
#include "uapi/errno.h"

#define BLOCK 512

static const uint8_t *archive;
static size_t archive_size;

static uint64_t octal(const uint8_t *s, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '7'; i++)
		v = v * 8 + (s[i] - '0');
	return v;
}

/* See initrd.h. */
bool initrd_next(size_t *off, struct initrd_member *m)
{
	const uint8_t *h = archive + *off;
	char name[101], prefix[156];

	if (!archive || *off + BLOCK > archive_size || h[0] == '\0')
		return false;
	if (memcmp(h + 257, "ustar", 5) != 0)
		return false;
	m->size = octal(h + 124, 12);
	m->mode = (uint32_t)octal(h + 100, 8) & 07777;
	m->type = (char)h[156];
	memcpy(m->link, h + 157, 100);
	m->link[100] = '\0';
	m->data = h + BLOCK;
	if (m->size > archive_size - *off - BLOCK)
		return false;
	/* Neither field needs a terminating NUL when full. */
	memcpy(name, h, 100);
	name[100] = '\0';
	memcpy(prefix, h + 345, 155);
	prefix[155] = '\0';
	if (prefix[0])
		snprintf(m->name, sizeof(m->name), "%s/%s", prefix, name);
	else
		strncpy_safe(m->name, name, sizeof(m->name));
	*off += BLOCK + ALIGN_UP(m->size, BLOCK);
	return true;
}

static bool is_file(const struct initrd_member *m)
{
	return m->type == '0' || m->type == '\0';
}

const char *initrd_strip(const char *path)
{
	while (path[0] == '/' || (path[0] == '.' && path[1] == '/'))
		path += path[0] == '/' ? 1 : 2;
	return path;
}

void initrd_init(paddr_t start, paddr_t end)
{
	archive = phys_to_virt(start);
	archive_size = end - start;
}

int initrd_name(int index, char *buf, size_t len)
{
	struct initrd_member m;
	size_t off = 0;
	int i = 0;

	while (initrd_next(&off, &m)) {
		if (is_file(&m) && i++ == index) {
			strncpy_safe(buf, initrd_strip(m.name), len);
			return 0;
		}
	}
	return -ENOENT;
}

int initrd_count_prefix(const char *prefix)
{
	struct initrd_member m;
	size_t off = 0;
	int n = 0;

	while (initrd_next(&off, &m))
		if (is_file(&m) && strncmp(initrd_strip(m.name), prefix, strlen(prefix)) == 0)
			n++;
	return n;
}
