/* Per-CPU data (see percpu.h). */
#include "kernel/percpu.h"
#include "kernel/cpu.h"

#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

_Static_assert(offsetof(struct percpu, kernel_rsp) == PERCPU_KERNEL_RSP, "asm offset");
_Static_assert(offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "asm offset");
_Static_assert(offsetof(struct percpu, id) == PERCPU_ID, "asm offset");

struct percpu cpus[MAX_CPUS];
int ncpus = 1;

void percpu_init(int id, uint32_t apic_id)
{
	struct percpu *c = &cpus[id];

	c->self = c;
	c->id = id;
	c->apic_id = apic_id;
	c->prof_part = VMSTAT_PROF_KTHREAD;   /* the boot flow (kernel/profile.h) */
	c->prof_since = rdtsc();
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);   /* user mode starts with GS base 0 */
}
