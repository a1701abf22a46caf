/*
 * Segments. The order is fixed by syscall/sysret: STAR makes the kernel
 * selectors 0x08/0x10 and the user selectors 0x18 (data) / 0x20 (code).
 */
#ifndef KERNEL_GDT_H
#define KERNEL_GDT_H

#include "kernel/types.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA (0x18 | 3)
#define SEL_UCODE (0x20 | 3)
#define SEL_TSS   0x28

/* Loads this CPU's GDT and TSS (per-CPU data must be set up first). */
void gdt_init(void);
/* Stack the CPU switches to on an interrupt from user mode. */
void tss_set_kernel_stack(uint64_t rsp0);

#endif
