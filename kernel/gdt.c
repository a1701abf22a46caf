/*
 * The kernel's own GDT and TSS (replacing the boot GDT), one pair per CPU.
 * The TSS holds the kernel stack used on entry from user mode (rsp0) and a
 * separate stack for double faults (IST1), so a kernel stack overflow still
 * gets reported, and one for NMIs (IST2): the watchdog's NMI may arrive
 * right after the syscall instruction, still on the user stack.
 */
#include "kernel/gdt.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "kernel/string.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static uint64_t gdts[MAX_CPUS][7];
static struct tss tsses[MAX_CPUS];
static uint8_t double_fault_stacks[MAX_CPUS][8192] __attribute__((aligned(16)));
static uint8_t nmi_stacks[MAX_CPUS][4096] __attribute__((aligned(16)));

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t segment(bool code, int dpl)
{
	uint64_t d = (1UL << 47) | (1UL << 44) | ((uint64_t)dpl << 45) | (1UL << 41);

	if (code)
		d |= (1UL << 43) | (1UL << 53);   /* executable, 64-bit */
	return d;
}

void gdt_init(void)
{
	int cpu = cpu_id();
	uint64_t *gdt = gdts[cpu];
	struct tss *tss = &tsses[cpu];
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
	struct descriptor_ptr ptr = { sizeof(gdts[0]) - 1, (uint64_t)gdt };

	memset(tss, 0, sizeof(*tss));
	tss->iomap_base = sizeof(*tss);
	tss->ist[0] = (uint64_t)double_fault_stacks[cpu] + sizeof(double_fault_stacks[cpu]);
	tss->ist[1] = (uint64_t)nmi_stacks[cpu] + sizeof(nmi_stacks[cpu]);

	gdt[0] = 0;
	gdt[1] = segment(true, 0);
	gdt[2] = segment(false, 0);
	gdt[3] = segment(false, 3);
	gdt[4] = segment(true, 3);
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) |
	         (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[6] = base >> 32;

	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		"ltr %w3"
		:: "m"(ptr), "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(SEL_TSS)
		: "rax", "memory");
}

void tss_set_kernel_stack(uint64_t rsp0)
{
	tsses[cpu_id()].rsp[0] = rsp0;
}
