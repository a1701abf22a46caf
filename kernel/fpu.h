/*
 * The x87/SSE register state of user threads.
 *
 * The kernel itself never uses these registers (it is built with
 * -mgeneral-regs-only), so a thread's state stays in the CPU from its
 * return to user mode until the scheduler switches away from it: the
 * scheduler saves it (fxsave) when a user thread leaves a CPU and loads it
 * (fxrstor) when one arrives. A new process starts from the state the
 * x86-64 psABI defines (x87 control word 0x37f, MXCSR 0x1f80, all
 * registers zero); a fork or a new thread starts from a copy of its
 * creator's registers at the system call, as on Linux.
 */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H

#include "kernel/types.h"

/* The 512-byte area of fxsave/fxrstor (Intel SDM vol. 1, 10.5.1). */
struct fpu_state {
	uint8_t area[512];
} __attribute__((aligned(16)));

/* Lets this CPU run SSE in user mode (CR0, CR4); on every CPU at boot. */
void fpu_init_cpu(void);

/*
 * The state a new thread starts with: the calling user thread's live
 * registers (fork, clone), or the initial state when called from a kernel
 * thread (the first process).
 */
void fpu_inherit(struct fpu_state *st);

/* The calling user thread's registers go back to the initial state (exec). */
void fpu_reset_current(void);

/*
 * Signal frames: a saved image gets Linux's "no extended state" in the
 * 48 bytes fxsave leaves to software, and an image from user space gets
 * its MXCSR reserved bits cleared (fxrstor would fault on them).
 */
void fpu_clear_sw_bytes(struct fpu_state *st);
void fpu_sanitize(struct fpu_state *st);

/* The scheduler's two halves of a switch. */
void fpu_save(struct fpu_state *st);
void fpu_restore(const struct fpu_state *st);

#endif
