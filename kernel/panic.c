/*
 * panic(): print the reason, the registers that matter and a backtrace, then
 * stop. Unattended runs (selftest, bench) leave QEMU with the failure status
 * so a host runner never waits for a timeout.
 */
#include "kernel/panic.h"
#include "kernel/acpi.h"
#include "kernel/cpu.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "kernel/trap.h"
#include "mm/phys.h"

bool panic_exits_qemu;

void backtrace(uint64_t rip, uint64_t rbp)
{
	uint64_t off;
	const char *name = ksym_lookup(rip, &off);

	printk("  backtrace:\n    %p %s+0x%lx\n", (void *)rip, name ? name : "?", off);
	for (int depth = 0; rbp && depth < 32; depth++) {
		uint64_t next, ret;

		if (rbp < KERNEL_VMA && rbp < DIRECT_MAP_BASE)
			break;
		if (probe_read_u64((void *)rbp, &next) || probe_read_u64((void *)(rbp + 8), &ret))
			break;
		name = ksym_lookup(ret, &off);
		if (!name)
			break;
		printk("    %p %s+0x%lx\n", (void *)ret, name, off);
		rbp = next;
	}
}

void qemu_exit(int code)
{
	outb(0xf4, (uint8_t)code);
	for (;;) {
		cli();
		hlt();
	}
}

void machine_poweroff(void)
{
	acpi_poweroff();
	/*
	 * Still on: no ACPI power-off was found, or it did nothing. QEMU's
	 * PM1a control ports with S5 (i440fx/q35 under SeaBIOS, then older
	 * QEMU and Bochs), and last QEMU's test exit.
	 */
	outw(0x604, 0x2000);
	outw(0xb004, 0x2000);
	qemu_exit(QEMU_EXIT_PASS);
}

void panic(const char *fmt, ...)
{
	static bool in_panic;
	uint64_t *frame = __builtin_frame_address(0);
	va_list ap;

	cli();
	if (in_panic)
		qemu_exit(QEMU_EXIT_FAIL);
	in_panic = true;
	printk("\npanic: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n  cr2 %p  cr3 %p\n", (void *)read_cr2(), (void *)read_cr3());
	backtrace(frame[1], frame[0]);   /* start at panic()'s caller */
	if (panic_exits_qemu)
		qemu_exit(QEMU_EXIT_FAIL);
	printk("System halted.\n");
	for (;;) {
		cli();
		hlt();
	}
}
