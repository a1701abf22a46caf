/*
 * Shootdown delivery (see tlb.h): one request slot at a time, filled by the
 * sender under shoot_lock, announced with a bit per target in `pending`,
 * acknowledged by each target clearing its bit after flushing.
 */
#include "kernel/tlb.h"
#include "kernel/apic.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "kernel/spinlock.h"

static struct spinlock shoot_lock = SPINLOCK_INIT("tlb_shoot");
static struct {
	paddr_t cr3;
	int npages;                          /* 0: flush everything */
	vaddr_t pages[TLB_SHOOT_MAX_PAGES];
	uint64_t pending;                    /* CPUs that have not flushed yet */
} req;

static void flush_local(void)
{
	struct percpu *c = this_cpu();

	if (req.npages == 0) {
		write_cr3(read_cr3());
	} else if (read_cr3() == req.cr3) {
		for (int i = 0; i < req.npages; i++)
			invlpg(req.pages[i]);
		c->pages_flushed += req.npages;
	}
	c->shootdowns++;
}

void tlb_poll(void)
{
	uint64_t bit = 1UL << cpu_id();

	if (__atomic_load_n(&req.pending, __ATOMIC_ACQUIRE) & bit) {
		flush_local();
		__atomic_and_fetch(&req.pending, ~bit, __ATOMIC_RELEASE);
	}
}

void tlb_ipi_handler(void)
{
	tlb_poll();
}

void tlb_shootdown(uint64_t targets, paddr_t cr3, const vaddr_t *pages, int npages)
{
	struct percpu *me = this_cpu();

	targets &= ~(1UL << me->id);
	if (!targets)
		return;
	spin_lock(&shoot_lock);
	req.cr3 = cr3;
	req.npages = npages > TLB_SHOOT_MAX_PAGES ? 0 : npages;
	for (int i = 0; i < req.npages; i++)
		req.pages[i] = pages[i];
	__atomic_store_n(&req.pending, targets, __ATOMIC_RELEASE);
	for (int i = 0; i < ncpus; i++) {
		if (targets & (1UL << i)) {
			lapic_send_ipi(cpus[i].apic_id, VEC_TLB);
			me->ipis_sent++;
		}
	}
	while (__atomic_load_n(&req.pending, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	spin_unlock(&shoot_lock);
}
