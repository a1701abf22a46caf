/* The legacy 8259 interrupt controllers: remapped, then masked. */
#ifndef KERNEL_PIC_H
#define KERNEL_PIC_H

void pic_init(void);
/* Masks every line: the APICs take over. */
void pic_disable(void);

#endif
