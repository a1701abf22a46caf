/* The legacy 8259 interrupt controllers, remapped to vectors 32..47. */
#ifndef KERNEL_PIC_H
#define KERNEL_PIC_H

void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);

#endif
