/*
 * System calls: syscall_entry (switch.asm) builds a trapframe and calls
 * syscall_dispatch(), which looks the number up in one table. Handlers take
 * the frame and read their arguments from it (rdi, rsi, rdx, r10, r8, r9).
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include "kernel/trap.h"

#define SYSCALL_VECTOR 0x100   /* trapframe.vector of a system call */

typedef long (*syscall_fn)(struct trapframe *tf);

void syscall_init(void);
void syscall_dispatch(struct trapframe *tf);

/*
 * Before any return to user mode: ends the thread if its process was
 * killed, and gives up the CPU when its time slice is over.
 */
void return_to_user_checks(struct trapframe *tf);

/* Handlers living with their subsystems (sys_vm.c). */
long sys_mmap(struct trapframe *tf);
long sys_munmap(struct trapframe *tf);
long sys_mprotect(struct trapframe *tf);
long sys_shmget(struct trapframe *tf);
long sys_shmat(struct trapframe *tf);
long sys_shmdt(struct trapframe *tf);
long sys_shmctl(struct trapframe *tf);
long sys_vmstat(struct trapframe *tf);
long sys_ptdump(struct trapframe *tf);
long sys_pmap_verify(struct trapframe *tf);
long sys_fault_timeline(struct trapframe *tf);

#endif
