/* x87/SSE state of user threads (see fpu.h). */
#include "kernel/fpu.h"
#include "kernel/cpu.h"
#include "kernel/sched.h"
#include "kernel/string.h"

#define CR0_MP (1UL << 1)    /* wait/fwait honours TS */
#define CR0_EM (1UL << 2)    /* no x87: every FPU instruction traps */
#define CR0_TS (1UL << 3)    /* task switched: lazy switching (unused) */
#define CR0_NE (1UL << 5)    /* x87 errors as #MF, not the legacy IRQ 13 */
#define CR4_OSFXSR     (1UL << 9)    /* fxsave/fxrstor and SSE enabled */
#define CR4_OSXMMEXCPT (1UL << 10)   /* unmasked SSE errors raise #XM */

#define MXCSR_DEFAULT 0x1f80         /* every SSE exception masked, round to nearest */
#define FCW_DEFAULT   0x037f         /* the same for the x87 */
#define FX_REGS_START 32             /* ST0-7 then XMM0-15 in the fxsave area */
#define FX_REGS_END   416
#define FX_MXCSR      24             /* offsets in the fxsave area */
#define FX_MXCSR_MASK 28
#define FX_SW_BYTES   464            /* 48 bytes fxsave leaves alone */
#define MXCSR_MASK_DEFAULT 0xffbf    /* when the CPU reports 0 (SDM 11.6.6) */

static struct fpu_state initial_state;   /* (c) made by the boot CPU */

void fpu_save(struct fpu_state *st)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*st));
}

void fpu_restore(const struct fpu_state *st)
{
	__asm__ volatile("fxrstor64 %0" :: "m"(*st));
}

void fpu_init_cpu(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	if (cpu_id() == 0) {
		uint32_t mxcsr = MXCSR_DEFAULT;
		uint16_t fcw = FCW_DEFAULT;

		__asm__ volatile("fninit; fldcw %0; ldmxcsr %1" :: "m"(fcw), "m"(mxcsr));
		fpu_save(&initial_state);
		/* x87 and XMM registers: zero, whatever the boot loader left. */
		memset(initial_state.area + FX_REGS_START, 0, FX_REGS_END - FX_REGS_START);
	}
}

void fpu_inherit(struct fpu_state *st)
{
	struct thread *t = current_thread();

	if (t && t->proc)
		fpu_save(st);
	else
		*st = initial_state;
}

void fpu_clear_sw_bytes(struct fpu_state *st)
{
	memset(st->area + FX_SW_BYTES, 0, sizeof(st->area) - FX_SW_BYTES);
}

void fpu_sanitize(struct fpu_state *st)
{
	uint32_t mask, mxcsr;

	memcpy(&mask, initial_state.area + FX_MXCSR_MASK, sizeof(mask));
	memcpy(&mxcsr, st->area + FX_MXCSR, sizeof(mxcsr));
	mxcsr &= mask ? mask : MXCSR_MASK_DEFAULT;
	memcpy(st->area + FX_MXCSR, &mxcsr, sizeof(mxcsr));
}

void fpu_reset_current(void)
{
	fpu_restore(&initial_state);
}
