/*
 * Traps: CPU exceptions, hardware interrupts and (later) system calls all
 * arrive as a struct trapframe built by kernel/entry.asm.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include "kernel/types.h"

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

#define T_DE   0    /* divide error */
#define T_DB   1
#define T_NMI  2
#define T_BP   3
#define T_UD   6    /* invalid opcode */
#define T_DF   8    /* double fault */
#define T_GP  13    /* general protection */
#define T_PF  14    /* page fault */
#define T_IRQ0 32   /* first hardware interrupt after PIC remapping */

/* Page-fault error code bits. */
#define PF_PRESENT (1 << 0)   /* protection violation (else: not present) */
#define PF_WRITE   (1 << 1)
#define PF_USER    (1 << 2)
#define PF_RSVD    (1 << 3)
#define PF_INSTR   (1 << 4)

/* Fills the IDT (once) and loads it; idt_load() loads it on another CPU. */
void idt_init(void);
void idt_load(void);
void trap_dispatch(struct trapframe *tf);

/* Handler for a hardware interrupt line (0..15). */
typedef void (*irq_handler_t)(struct trapframe *tf);
void irq_register(int irq, irq_handler_t fn);

const char *trap_name(uint64_t vector);
/*
 * Describes a page-fault error code ("write to a non-present page in user
 * mode"); err is what vm_fault() made of it (0 if not asked), and -ENOMEM
 * adds ": out of memory" (the access was valid, the kernel had no page).
 */
void pf_describe(uint64_t error, int err, char *buf, size_t len);
/* Prints a frame with all registers, CR2 and a backtrace. */
void trap_report(const struct trapframe *tf);

/* Kernel-mode fault recovery: the fixup for a faulting kernel rip, or 0. */
uint64_t extable_fixup(uint64_t rip);

long copy_bytes_checked(void *dst, const void *src, size_t n);
long probe_read_u64(const void *addr, uint64_t *out);

#endif
