/*
 * The IDT and the first stop of every trap. Exceptions are reported with
 * every register, CR2 for page faults with the error code in words, and a
 * backtrace; hardware interrupts go to the handler registered for the line.
 */
#include "kernel/trap.h"
#include "kernel/cpu.h"
#include "kernel/gdt.h"
#include "kernel/ksyms.h"
#include "kernel/panic.h"
#include "kernel/apic.h"
#include "kernel/printk.h"
#include "kernel/profile.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/timer.h"
#include "kernel/tlb.h"
#include "kernel/watchdog.h"
#include "kernel/string.h"
#include "mm/phys.h"
#include "mm/uaccess.h"
#include "mm/vm_map.h"
#include "uapi/errno.h"
#include "uapi/wait.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
} __attribute__((packed));

struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};

extern const uint64_t isr_stub_table[256];
extern const struct extable_entry __start_extable[], __stop_extable[];

static struct idt_gate idt[256];
static irq_handler_t irq_handlers[16];

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check",
	"machine check", "SIMD error", "virtualization", "control protection",
};

static void set_gate(int v, uint64_t handler, int ist, int dpl)
{
	idt[v].offset_lo = handler & 0xffff;
	idt[v].selector = SEL_KCODE;
	idt[v].ist = ist;
	idt[v].type = 0x8e | (dpl << 5);   /* present, 64-bit interrupt gate */
	idt[v].offset_mid = (handler >> 16) & 0xffff;
	idt[v].offset_hi = handler >> 32;
	idt[v].zero = 0;
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" :: "m"(ptr));
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, isr_stub_table[v], v == T_DF ? 1 : v == T_NMI ? 2 : 0, 0);
	idt_load();
}

const char *trap_name(uint64_t vector)
{
	if (vector < 32)
		return exception_names[vector] ? exception_names[vector] : "reserved";
	if (vector < T_IRQ0 + 16)
		return "hardware interrupt";
	return "unknown vector";
}

void pf_describe(uint64_t error, int err, char *buf, size_t len)
{
	const char *access = (error & PF_INSTR) ? "instruction fetch from"
	                   : (error & PF_WRITE) ? "write to" : "read from";
	const char *why = (error & PF_RSVD) ? "a page with reserved bits set"
	                : (error & PF_PRESENT) ? "a protected page" : "a non-present page";

	snprintf(buf, len, "%s %s in %s mode%s", access, why,
	         (error & PF_USER) ? "user" : "kernel",
	         err == -ENOMEM ? ": out of memory" : err == -EIO ? ": past the end of the file" : "");
}

uint64_t extable_fixup(uint64_t rip)
{
	for (const struct extable_entry *e = __start_extable; e < __stop_extable; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}

void trap_report(const struct trapframe *tf)
{
	printk("trap %lu (%s), error code 0x%lx, from %s mode\n", tf->vector,
	       trap_name(tf->vector), tf->error, (tf->cs & 3) ? "user" : "kernel");
	if (tf->vector == T_PF) {
		char why[96];
		pf_describe(tf->error, 0, why, sizeof(why));
		printk("  cr2 %p: %s\n", (void *)read_cr2(), why);
	}
	printk("  rip %p  cs %lx  rflags %lx  rsp %p  ss %lx\n",
	       (void *)tf->rip, tf->cs, tf->rflags, (void *)tf->rsp, tf->ss);
	printk("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	printk("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->r8);
	printk("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", tf->r9, tf->r10, tf->r11, tf->r12);
	printk("  r13 %016lx r14 %016lx r15 %016lx cr3 %016lx\n", tf->r13, tf->r14, tf->r15, read_cr3());
	if (!(tf->cs & 3))
		backtrace(tf->rip, tf->rbp);
}

/* Device interrupts, the timer and IPIs. Returns false for other vectors. */
static bool handle_interrupt(struct trapframe *tf)
{
	uint64_t v = tf->vector;

	if (v >= T_IRQ0 && v < T_IRQ0 + 16) {
		lapic_eoi();
		if (irq_handlers[v - T_IRQ0])
			irq_handlers[v - T_IRQ0](tf);
	} else if (v == VEC_TIMER) {
		lapic_eoi();
		watchdog_tick(tf);
		timer_interrupt();
		thread_charge_tick(tf->cs & 3);
	} else if (v == VEC_TLB) {
		lapic_eoi();
		tlb_ipi_handler();
	} else if (v == VEC_RESCHED) {
		lapic_eoi();   /* the return path does the rescheduling */
	} else if (v != VEC_SPURIOUS) {
		return false;
	}
	return true;
}

void irq_register(int irq, irq_handler_t fn)
{
	irq_handlers[irq] = fn;
	ioapic_route(irq);
}

/*
 * A page fault on a user address, from user mode or from a kernel copy to
 * or from user memory: counted for the thread (getrusage's ru_minflt, as
 * Linux counts both) and resolved by the VM.
 */
static int user_page_fault(uint64_t addr, uint64_t error)
{
	struct thread *t = current_thread();

	if (t)
		t->usage.minflt++;
	return uaccess_fault(addr, error);
}

/*
 * A fault in kernel mode is recoverable only at an instruction listed in the
 * exception table (user-memory copies, probes); anything else is a bug. A
 * page fault there on a user address may simply need the page brought in.
 */
static void handle_kernel_exception(struct trapframe *tf)
{
	uint64_t fixup = extable_fixup(tf->rip);

	if (fixup && tf->vector == T_PF && read_cr2() < USER_TOP &&
	    user_page_fault(read_cr2(), tf->error) == 0)
		return;
	if (fixup && (tf->vector == T_PF || tf->vector == T_GP)) {
		tf->rip = fixup;
		return;
	}
	trap_report(tf);
	panic("unhandled %s in kernel mode", trap_name(tf->vector));
}

/*
 * An exception in user mode: a page fault to resolve, the process's
 * handler for the signal it raises (Linux's si_code and address), or the
 * end of the process.
 */
static void handle_user_exception(struct trapframe *tf)
{
	char why[112];
	uint64_t addr = tf->rip;
	int err = 0, sig, code;

	if (tf->vector == T_PF) {
		addr = read_cr2();
		err = user_page_fault(addr, tf->error);
		if (err == 0)
			return;
		if (err == -ENOMEM && proc_is_init(current_proc())) {
			/*
			 * Any program can run memory out (or ask debug.page_fail_after
			 * to); init must not die of it, or the kernel would stop. It
			 * waits and takes the fault again.
			 */
			sleep_ms(10);
			return;
		}
		pf_describe(tf->error, err, why, sizeof(why));
	} else {
		snprintf(why, sizeof(why), "%s (error code 0x%lx)", trap_name(tf->vector), tf->error);
	}
	sig = tf->vector == T_UD ? SIGILL : tf->vector == T_PF || tf->vector == T_GP ? SIGSEGV : SIGFPE;
	if (err == -EIO)
		sig = SIGBUS;
	/* SEGV_ACCERR: a mapping is there but refuses the access (present or not yet). */
	code = err == -EIO ? BUS_ADRERR : tf->vector == T_PF ? ((tf->error & PF_PRESENT) ||
	                             vm_map_shared_at(current_proc()->map, addr) >= 0
	                             ? SEGV_ACCERR : SEGV_MAPERR)
	     : tf->vector == T_UD ? ILL_ILLOPN : tf->vector == T_DE ? FPE_INTDIV : SI_KERNEL;
	/* Out of memory is no fault of the program's: no handler for that. */
	if (err != -ENOMEM && signal_fault(sig, code, code == SI_KERNEL ? 0 : addr))
		return;
	proc_fault_kill(tf, addr, sig, why);
}

void trap_dispatch(struct trapframe *tf)
{
	bool from_user = tf->cs & 3;
	uint64_t v = tf->vector;
	int outer;

	/* On the NMI stack: nothing here may sleep or switch threads. */
	if (v == T_NMI && watchdog_nmi(tf))
		return;
	/* A kernel-mode exception (a user copy's fault) stays in its caller's part. */
	outer = v == VEC_TIMER ? prof_enter(VMSTAT_PROF_TICK)
	      : v >= T_IRQ0 ? prof_enter(VMSTAT_PROF_IRQ)
	      : from_user ? prof_enter(VMSTAT_PROF_FAULT) : prof_current();
	if (!handle_interrupt(tf)) {
		if (from_user)
			handle_user_exception(tf);
		else
			handle_kernel_exception(tf);
	}
	if (from_user)
		return_to_user_checks(tf, -1);
	prof_leave(outer);
}
