/*
 * kmain: from the boot information to a running system. The order matters:
 * the console first (so everything after can report), then traps, then the
 * kernel page tables, the page allocator and the heap.
 */
#include "fs/vfs.h"
#include "kernel/acpi.h"
#include "kernel/apic.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/exec.h"
#include "kernel/fpu.h"
#include "kernel/initrd.h"
#include "kernel/gdt.h"
#include "kernel/ktest_run.h"
#include "kernel/multiboot.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/pic.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/sysctl.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/tty.h"
#include "mm/kmalloc.h"
#include "mm/page.h"
#include "mm/pmap/kernel_map.h"
#include "mm/pmap/pmap.h"

extern char _kernel_phys_start[], _kernel_end[];

static struct boot_info boot;
static struct acpi_info acpi;

/* Everything the page allocator must never hand out. */
static size_t init_pages(void)
{
	struct mem_range reserved[3 + BOOT_MAX_MODULES];
	int n = 0;

	reserved[n++] = (struct mem_range){ 0, MIB(1) };   /* BIOS data, VGA, AP trampoline */
	reserved[n++] = (struct mem_range){ (paddr_t)_kernel_phys_start,
	                                    (paddr_t)_kernel_end - KERNEL_VMA };
	reserved[n++] = (struct mem_range){ boot.info_start, boot.info_end };
	for (int i = 0; i < boot.nmodules; i++)
		reserved[n++] = (struct mem_range){ boot.modules[i].start, boot.modules[i].end };
	return page_init(boot.usable, boot.nusable, reserved, n);
}

#define INIT_MAX_ARGS 32

/* Whether word is NAME=VALUE for a sysctl knob NAME (sysctl_apply_cmdline's). */
static bool is_setting(const char *word)
{
	char name[64];
	const char *eq = strchr(word, '=');
	long v;

	if (!eq || (size_t)(eq - word) >= sizeof(name))
		return false;
	memcpy(name, word, (size_t)(eq - word));
	name[eq - word] = '\0';
	return sysctl_get(name, &v) == 0;
}

/*
 * init gets the command line's words that are not sysctl settings: the
 * plain ones (selftest, bench, nodemo...) and NAME=VALUE words whose NAME is
 * no knob (sh=own).
 */
static void start_init(void)
{
	static char words[sizeof(boot.cmdline)];
	char *argv[INIT_MAX_ARGS] = { "init" };
	int argc = 1;

	strncpy_safe(words, boot.cmdline, sizeof(words));
	for (char *w = words; *w && argc < INIT_MAX_ARGS - 1;) {
		char *end = w;
		while (*end && *end != ' ')
			end++;
		if (*end)
			*end++ = '\0';
		if (*w && !is_setting(w))
			argv[argc++] = w;
		w = end;
	}
	argv[argc] = NULL;
	proc_start_init("/usr/bin/init", argv);
}

/*
 * The boot word `quicktest`: the kernel's own KTEST suites and none of the
 * user-space ones (a quarter of the full self-test's time), a check that
 * the framebuffer shows the console's text when there is one, then an ACPI
 * power-off. make test boots the UEFI path with it (tests/uefi_check.sh):
 * QEMU exits 0 only when the ACPI power-off worked; every failure leaves
 * through isa-debug-exit with the failure code instead.
 */
static void __attribute__((noreturn)) quicktest(void)
{
	bool ok;
	int bad;

	ktest_run_kernel(0);
	ok = ktest_summary();
	bad = console_check_screen();
	if (bad == 0)
		printk("quicktest: the framebuffer shows the console's text\n");
	else if (bad > 0)
		printk("quicktest: %d character cells of the framebuffer differ from the text\n", bad);
	else
		printk("quicktest: no framebuffer console to check\n");
	if (!ok || bad > 0)
		qemu_exit(QEMU_EXIT_FAIL);
	acpi_poweroff();
	qemu_exit(QEMU_EXIT_FAIL);
}

void kmain(uint32_t magic, uint32_t info)
{
	size_t free;

	percpu_init(0, 0);   /* spinlocks need cpu_id() */
	console_init();
	gdt_init();
	idt_init();
	pic_init();
	if (multiboot_parse(magic, info, &boot) < 0)
		panic("kmain: not booted by a multiboot2 loader (magic %x)", magic);
	cmdline_set(boot.cmdline);
	panic_exits_qemu = cmdline_has(boot.cmdline, "selftest") ||
	                   cmdline_has(boot.cmdline, "quicktest") ||
	                   cmdline_has(boot.cmdline, "bench");

	kernel_map_init(boot.ram_end);
	console_init_screen(&boot);
	free = init_pages();
	kmalloc_init();
	timer_init();
	rtc_init();
	if (!boot.has_rsdp || acpi_parse(boot.rsdp, &acpi) < 0)
		printk("acpi: no MADT found, assuming one CPU\n");
	apic_init(&acpi);
	cpus[0].apic_id = lapic_id();
	sti();

	printk("Shared page tables teaching kernel\n");
	printk("memory: %lu MiB, %lu free pages (%lu MiB free), TSC %lu MHz\n",
	       (unsigned long)(page_total_count() * PAGE_SIZE >> 20), (unsigned long)free,
	       (unsigned long)(free * PAGE_SIZE >> 20), (unsigned long)(tsc_khz() / 1000));
	printk("command line: \"%s\"\n", boot.cmdline);

	sysctl_apply_cmdline(boot.cmdline);
	pmap_bootstrap(kernel_pml4_phys());
	if (boot.nmodules > 0)
		initrd_init(boot.modules[0].start, boot.modules[0].end);
	else
		printk("kmain: no initrd module: nothing to run\n");
	sched_init();
	proc_init();
	syscall_init();
	vfs_init();
	fpu_init_cpu();
	tty_init();
	printk("smp: %d of %d CPUs running\n", smp_start_aps(&acpi), acpi.ncpus);

	if (cmdline_has(boot.cmdline, "quicktest"))
		quicktest();
	if (cmdline_has(boot.cmdline, "selftest"))
		ktest_run_kernel(initrd_count_prefix("tests/"));
	start_init();
	thread_exit_current(0);
}
