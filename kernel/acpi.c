/*
 * ACPI table walking (see acpi.h). Tables are read through the direct map;
 * every length is checked against its container before use.
 */
#include "kernel/acpi.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/timer.h"
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

/* The FADT ("FACP"): where the power-management registers are. */
struct fadt {
	struct sdt_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved, pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;            /* port that switches the chipset to ACPI mode */
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt, pm1b_evt;
	uint32_t pm1a_cnt, pm1b_cnt; /* PM1 control ports: sleep type and enable */
} __attribute__((packed));

#define FADT_X_DSDT      140     /* 64-bit DSDT address, ACPI 2.0 and later */
#define FADT_X_PM1A_CNT  172     /* generic address structures of PM1 control */
#define FADT_X_PM1B_CNT  184
#define GAS_SYSTEM_IO    1

#define PM1_SCI_EN       (1 << 0)   /* the chipset is in ACPI mode */
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK (7 << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN       (1 << 13)

/* AML bytes of the \_S5 package */
#define AML_NAME_OP      0x08
#define AML_ROOT_PREFIX  '\\'
#define AML_PACKAGE_OP   0x12
#define AML_ZERO_OP      0x00
#define AML_ONE_OP       0x01
#define AML_BYTE_PREFIX  0x0a
#define AML_WORD_PREFIX  0x0b

/* What soft-off needs, from the FADT and the DSDT's \_S5 object. */
static struct {
	bool found;
	uint16_t pm1a_cnt, pm1b_cnt, smi_cmd;
	uint8_t acpi_enable;
	uint8_t slp_typa, slp_typb;
} power;

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

/*
 * Finds the table `sig`, at least min_len bytes long, among the RSDT
 * (4-byte) or XSDT (8-byte) entries.
 */
static const void *find_table(paddr_t sdt, int entry_size, const char *sig, size_t min_len)
{
	const struct sdt_header *h = phys_to_virt(sdt);
	const uint8_t *e = (const uint8_t *)(h + 1);
	size_t n = h->length < sizeof(*h) ? 0 : (h->length - sizeof(*h)) / entry_size;

	for (size_t i = 0; i < n; i++) {
		paddr_t pa = entry_size == 8 ? *(const uint64_t *)(e + i * 8)
		                             : *(const uint32_t *)(e + i * 4);
		const struct sdt_header *t = phys_to_virt(pa);
		if (pa && memcmp(t->sig, sig, 4) == 0 && t->length >= min_len)
			return t;
	}
	return NULL;
}

/* One small integer of an AML package (a sleep type): advances *p past it. */
static int aml_small_int(const uint8_t **p, const uint8_t *end, uint8_t *v)
{
	const uint8_t *q = *p;

	if (q >= end)
		return -EINVAL;
	if (*q == AML_ZERO_OP || *q == AML_ONE_OP) {
		*v = *q;
		*p = q + 1;
	} else if (*q == AML_BYTE_PREFIX && q + 2 <= end) {
		*v = q[1];
		*p = q + 2;
	} else if (*q == AML_WORD_PREFIX && q + 3 <= end) {
		*v = q[1];
		*p = q + 3;
	} else {
		return -EINVAL;
	}
	return 0;
}

/*
 * The sleep types of soft-off, the first two elements of the DSDT's
 * `Name (\_S5, Package () { SLP_TYPa, SLP_TYPb, ... })`. Found by its bytes
 * rather than by running AML, which this kernel has no interpreter for:
 * NameOp, the name, PackageOp, a PkgLength (its first byte's top two bits
 * count the bytes that follow), NumElements, then the elements.
 */
static int find_s5(const struct sdt_header *dsdt, uint8_t *typa, uint8_t *typb)
{
	const uint8_t *start = (const uint8_t *)(dsdt + 1);
	const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;

	for (const uint8_t *p = start + 2; p + 4 <= end; p++) {
		const uint8_t *q = p + 4;
		if (memcmp(p, "_S5_", 4) != 0)
			continue;
		if (p[-1] != AML_NAME_OP && !(p[-1] == AML_ROOT_PREFIX && p[-2] == AML_NAME_OP))
			continue;
		if (q >= end || *q++ != AML_PACKAGE_OP || q >= end)
			continue;
		q += 1 + (*q >> 6);   /* PkgLength */
		q++;                  /* NumElements */
		if (aml_small_int(&q, end, typa) == 0 && aml_small_int(&q, end, typb) == 0)
			return 0;
	}
	return -ENOENT;
}

/* A PM1 control block: the legacy port, or an I/O port in the 64-bit field. */
static uint16_t pm1_port(const struct fadt *f, uint32_t legacy, size_t x_offset)
{
	const uint8_t *gas = (const uint8_t *)f + x_offset;

	if (legacy)
		return (uint16_t)legacy;
	if (f->h.length >= x_offset + 12 && gas[0] == GAS_SYSTEM_IO)
		return (uint16_t)*(const uint64_t *)(gas + 4);
	return 0;
}

static void parse_fadt(const struct fadt *f)
{
	paddr_t dsdt = f->dsdt;
	const struct sdt_header *d;

	if (f->h.length >= FADT_X_DSDT + 8 && *(const uint64_t *)((const uint8_t *)f + FADT_X_DSDT))
		dsdt = *(const uint64_t *)((const uint8_t *)f + FADT_X_DSDT);
	power.pm1a_cnt = pm1_port(f, f->pm1a_cnt, FADT_X_PM1A_CNT);
	power.pm1b_cnt = pm1_port(f, f->pm1b_cnt, FADT_X_PM1B_CNT);
	power.smi_cmd = (uint16_t)f->smi_cmd;
	power.acpi_enable = f->acpi_enable;
	if (!dsdt || !power.pm1a_cnt)
		return;
	d = phys_to_virt(dsdt);
	if (memcmp(d->sig, "DSDT", 4) != 0 || d->length < sizeof(*d))
		return;
	power.found = find_s5(d, &power.slp_typa, &power.slp_typb) == 0;
}

int acpi_parse(const void *rsdp_copy, struct acpi_info *out)
{
	const struct rsdp *r = rsdp_copy;
	const struct madt *m;
	const struct fadt *f;
	paddr_t sdt;
	int entry_size;

	defaults(out);
	if (!r || memcmp(r->sig, "RSD PTR ", 8) != 0)
		return -ENOENT;
	sdt = r->revision >= 2 && r->xsdt ? r->xsdt : r->rsdt;
	entry_size = r->revision >= 2 && r->xsdt ? 8 : 4;
	f = find_table(sdt, entry_size, "FACP", sizeof(struct fadt));
	if (f)
		parse_fadt(f);
	if (power.found)
		printk("acpi: power-off through PM1a_CNT 0x%x, S5 sleep type %u\n",
		       power.pm1a_cnt, power.slp_typa);
	else
		printk("acpi: no FADT with a \\_S5 sleep type: no ACPI power-off\n");
	m = find_table(sdt, entry_size, "APIC", sizeof(struct madt));
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

/* Busy-waits up to `ms` milliseconds for PM1a_CNT's SCI_EN. */
static bool sci_enabled_within(uint64_t ms)
{
	uint64_t end = rdtsc() + ms * tsc_khz();

	while (!(inw(power.pm1a_cnt) & PM1_SCI_EN))
		if (rdtsc() > end)
			return false;
	return true;
}

static void write_slp(uint16_t port, uint8_t slp_typ)
{
	uint16_t v = inw(port) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);

	outw(port, v | (uint16_t)((slp_typ << PM1_SLP_TYP_SHIFT) & PM1_SLP_TYP_MASK) | PM1_SLP_EN);
}

void acpi_poweroff(void)
{
	uint64_t end;

	if (!power.found)
		return;
	/*
	 * A chipset still in legacy mode ignores the sleep registers until
	 * the firmware's SMI handler switches it to ACPI mode; QEMU and most
	 * UEFI firmware are in ACPI mode already.
	 */
	if (!(inw(power.pm1a_cnt) & PM1_SCI_EN) && power.smi_cmd && power.acpi_enable) {
		outb(power.smi_cmd, power.acpi_enable);
		sci_enabled_within(300);
	}
	printk("acpi: powering off (S5 through PM1a_CNT 0x%x)\n", power.pm1a_cnt);
	write_slp(power.pm1a_cnt, power.slp_typa);
	if (power.pm1b_cnt)
		write_slp(power.pm1b_cnt, power.slp_typb);
	/* The power goes a little after the write; QEMU ends at its next loop. */
	end = rdtsc() + 1000 * tsc_khz();
	while (rdtsc() < end)
		cpu_relax();
	printk("acpi: still running a second after the S5 write\n");
}
