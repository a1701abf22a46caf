/*
 * Starting application processors (see smp.h). The trampoline is copied to
 * AP_BASE, which the page allocator never hands out (the first MiB is
 * reserved), and low memory is identity-mapped in the kernel page tables
 * only while APs start.
 */
#include "kernel/smp.h"
#include "kernel/apic.h"
#include "kernel/fpu.h"
#include "kernel/cpu.h"
#include "kernel/gdt.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "mm/page.h"
#include "mm/pmap/kernel_map.h"

#define AP_BASE 0x8000
#define AP_STACK_PAGES 4

extern const uint8_t ap_trampoline_start[], ap_trampoline_end[];
extern const uint8_t ap_param_cr3[], ap_param_stack[], ap_param_entry[], ap_param_cpu[];

/* Where a parameter of the trampoline lives in the copy at AP_BASE. */
static uint64_t *param(const uint8_t *sym)
{
	return phys_to_virt(AP_BASE + (sym - ap_trampoline_start));
}

static void delay_us(uint64_t us)
{
	uint64_t end = clock_ns() + us * 1000;

	while (clock_ns() < end)
		cpu_relax();
}

/* The C entry of an application processor, on its own boot stack. */
static void ap_main(uint64_t id)
{
	percpu_init((int)id, cpus[id].apic_id);
	gdt_init();
	idt_load();
	syscall_init();
	fpu_init_cpu();
	lapic_init_cpu();
	sched_start_cpu();
	__atomic_store_n(&cpus[id].online, true, __ATOMIC_RELEASE);
	sti();
	thread_exit_current(0);   /* the boot flow is done: run threads */
}

static bool start_ap(int id)
{
	struct vm_page *stack = page_alloc_run(AP_STACK_PAGES);
	uint64_t deadline;

	if (!stack)
		return false;
	*param(ap_param_cr3) = kernel_pml4_phys();
	*param(ap_param_stack) = (uint64_t)page_to_virt(stack) + AP_STACK_PAGES * PAGE_SIZE;
	*param(ap_param_entry) = (uint64_t)ap_main;
	*param(ap_param_cpu) = id;
	lapic_send_init(cpus[id].apic_id);
	delay_us(10000);
	for (int i = 0; i < 2 && !cpus[id].online; i++) {
		lapic_send_startup(cpus[id].apic_id, AP_BASE >> 12);
		delay_us(200);
	}
	deadline = clock_ms() + 1000;
	while (!__atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE) && clock_ms() < deadline)
		cpu_relax();
	if (!cpus[id].online)
		page_free_run(stack, AP_STACK_PAGES);
	return cpus[id].online;
}

int smp_start_aps(const struct acpi_info *acpi)
{
	uint32_t self = lapic_id();
	int n = 1;

	memcpy(phys_to_virt(AP_BASE), ap_trampoline_start,
	       ap_trampoline_end - ap_trampoline_start);
	kernel_map_identity(true);
	for (int i = 0; i < acpi->ncpus && n < MAX_CPUS; i++) {
		if (acpi->lapic_ids[i] == self)
			continue;
		cpus[n].apic_id = acpi->lapic_ids[i];
		ncpus = n + 1;   /* cpus[n] may take IPIs from here on */
		if (start_ap(n))
			n++;
		else
			printk("smp: cpu with APIC id %u did not start\n", acpi->lapic_ids[i]);
	}
	ncpus = n;
	kernel_map_identity(false);
	return n;
}
