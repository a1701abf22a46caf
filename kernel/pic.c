/*
 * 8259 PIC pair. Remapped so that a stray interrupt lands on vectors 32..47,
 * clear of the CPU exceptions, then masked for good: the APICs route
 * interrupts (kernel/apic.c).
 */
#include "kernel/pic.h"
#include "kernel/cpu.h"
#include "kernel/trap.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

void pic_init(void)
{
	outb(PIC1_CMD, 0x11);           /* ICW1: init, expect ICW4 */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, T_IRQ0);        /* ICW2: vector offsets */
	outb(PIC2_DATA, T_IRQ0 + 8);
	outb(PIC1_DATA, 4);             /* ICW3: slave on line 2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 0x01);          /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xfb);          /* all masked but the cascade line */
	outb(PIC2_DATA, 0xff);
}

void pic_disable(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}
