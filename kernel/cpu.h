/*
 * Thin wrappers around x86-64 instructions. Host builds (HOST_TEST) get
 * harmless stand-ins so machine-independent code can be unit tested.
 */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include "kernel/types.h"

#define RFLAGS_TF (1UL << 8)    /* single step */
#define RFLAGS_IF (1UL << 9)
#define RFLAGS_DF (1UL << 10)   /* string direction */
#define RFLAGS_NT (1UL << 14)   /* nested task: iretq with it set faults in long mode */
#define RFLAGS_AC (1UL << 18)   /* alignment check */

#ifdef HOST_TEST
static inline int cpu_id(void) { return 0; }
#else
/* The current CPU's number: struct percpu's id field (kernel/percpu.h). */
static inline int cpu_id(void)
{
	int id;

	__asm__ volatile("movl %%gs:24, %0" : "=r"(id));
	return id;
}
#endif

#ifdef HOST_TEST
static inline uint64_t read_rflags(void) { return 0; }
static inline void cli(void) {}
static inline void sti(void) {}
static inline void cpu_relax(void) {}
static inline uint64_t rdtsc(void) { return 0; }
#else
static inline uint64_t read_rflags(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
void tlb_poll(void);
/*
 * Every busy-wait calls this: besides the pause hint it serves TLB
 * shootdown requests addressed to this CPU (kernel/tlb.h), which a CPU
 * spinning with interrupts off could not otherwise receive.
 */
static inline void cpu_relax(void)
{
	__asm__ volatile("pause");
	tlb_poll();
}

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }
static inline void invlpg(vaddr_t va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
#define MSR_FS_BASE 0xc0000100   /* user TLS base (arch_prctl ARCH_SET_FS) */

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
#endif

#endif
