/*
 * Per-CPU data, reached through the GS segment base. In the kernel GS points
 * at this CPU's struct percpu; user mode has its own GS base, and every
 * entry from user mode (syscall, interrupt, exception) runs swapgs first, as
 * does every return. The first fields are read by assembly at fixed offsets.
 *
 * Locks: (l) only this CPU writes it, with interrupts off; (s) sched_lock.
 */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include "kernel/acpi.h"
#include "kernel/types.h"
#include "uapi/vmstat.h"

struct thread;
struct vm_map;

struct percpu {
	struct percpu *self;          /* gs:0 */
	uint64_t kernel_rsp;          /* gs:8   syscall entry: the thread's stack top */
	uint64_t user_rsp;            /* gs:16  syscall entry: user rsp scratch */
	int id;                       /* gs:24  0 .. ncpus-1, 0 is the boot CPU */
	uint32_t apic_id;
	bool online;
	struct thread *running;       /* (s) */
	struct thread *idle;          /* (c) */
	struct thread *switched_out;  /* (s) thread to mark off-CPU after swtch */
	struct vm_map *active_map;    /* (l) address space CR3 holds */
	uint64_t slice_start;         /* (l) tick the running thread started */
	/* counters shown by vmstat; kernel/tlb.c */
	uint64_t ipis_sent;           /* (l) */
	uint64_t shootdowns;          /* (l) TLB shootdown requests handled */
	uint64_t pages_flushed;       /* (l) */
	/* kernel/watchdog.c; read by the other CPUs without a lock */
	uint64_t beat_ms;             /* (l) clock_ms() of the last timer interrupt */
	uint64_t progress_ms;         /* (l) ... that found user mode or idle, or a switch */
	uint64_t checked_ms;          /* (l) when this CPU last checked the others */
	bool silent_reported;         /* reported as silent; cleared by its next tick */
	bool stuck_reported;          /* (l) reported as stuck in the kernel */
	/* kernel/profile.h */
	uint32_t prof_seq;            /* (l) odd while the fields below change */
	int prof_part;                /* (l) the part the CPU's time goes to now */
	uint64_t prof_since;          /* (l) TSC when it began */
	uint64_t prof_cycles[VMSTAT_PROF_MAX];    /* (l) */
	uint64_t prof_entries[VMSTAT_PROF_MAX];   /* (l) */
};

#define PERCPU_KERNEL_RSP 8
#define PERCPU_USER_RSP   16
#define PERCPU_ID         24

extern struct percpu cpus[MAX_CPUS];
extern int ncpus;                 /* CPUs started */

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/* Points GS at cpus[id] on the calling CPU. */
void percpu_init(int id, uint32_t apic_id);

#endif
