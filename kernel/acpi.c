/*
 * ACPI table walking (see acpi.h). Tables are read through the direct map;
 * every length is checked against its container before use.
 */
#include "kernel/acpi.h"
#include "kernel/string.h"
#include "mm/phys.h"
#include "uapi/errno.h"

struct rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;      /* revision >= 2 */
	uint64_t xsdt;
} __attribute__((packed));

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

struct madt {
	struct sdt_header h;
	uint32_t lapic;
	uint32_t flags;
} __attribute__((packed));

#define MADT_LAPIC    0
#define MADT_IOAPIC   1
#define MADT_OVERRIDE 2

static void defaults(struct acpi_info *out)
{
	memset(out, 0, sizeof(*out));
	out->lapic_base = 0xfee00000;
	out->ioapic_base = 0xfec00000;
	out->ncpus = 1;
	for (int i = 0; i < 16; i++)
		out->isa_gsi[i] = i;
}

static void parse_madt(const struct madt *m, struct acpi_info *out)
{
	const uint8_t *p = (const uint8_t *)(m + 1), *end = (const uint8_t *)m + m->h.length;

	out->lapic_base = m->lapic;
	out->ncpus = 0;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == MADT_LAPIC && p[1] >= 8 && (p[4] & 1) && out->ncpus < MAX_CPUS)
			out->lapic_ids[out->ncpus++] = p[3];
		else if (p[0] == MADT_IOAPIC && p[1] >= 12 && !out->ioapic_base) {
			out->ioapic_base = *(const uint32_t *)(p + 4);
			out->ioapic_gsi_base = *(const uint32_t *)(p + 8);
		} else if (p[0] == MADT_OVERRIDE && p[1] >= 10 && p[3] < 16) {
			out->isa_gsi[p[3]] = *(const uint32_t *)(p + 4);
			out->isa_flags[p[3]] = *(const uint16_t *)(p + 8);
		}
		p += p[1];
	}
}

/* Finds the MADT among the RSDT (4-byte) or XSDT (8-byte) entries. */
static const struct madt *find_madt(paddr_t sdt, int entry_size)
{
	const struct sdt_header *h = phys_to_virt(sdt);
	const uint8_t *e = (const uint8_t *)(h + 1);
	size_t n = (h->length - sizeof(*h)) / entry_size;

	for (size_t i = 0; i < n; i++) {
		paddr_t pa = entry_size == 8 ? *(const uint64_t *)(e + i * 8)
		                             : *(const uint32_t *)(e + i * 4);
		const struct sdt_header *t = phys_to_virt(pa);
		if (memcmp(t->sig, "APIC", 4) == 0 && t->length >= sizeof(struct madt))
			return (const struct madt *)t;
	}
	return NULL;
}

int acpi_parse(const void *rsdp_copy, struct acpi_info *out)
{
	const struct rsdp *r = rsdp_copy;
	const struct madt *m;

	defaults(out);
	if (!r || memcmp(r->sig, "RSD PTR ", 8) != 0)
		return -ENOENT;
	m = r->revision >= 2 && r->xsdt ? find_madt(r->xsdt, 8) : find_madt(r->rsdt, 4);
	if (!m)
		return -ENOENT;
	out->ioapic_base = 0;
	parse_madt(m, out);
	if (out->ncpus == 0 || !out->ioapic_base) {
		defaults(out);
		return -ENOENT;
	}
	return 0;
}
