/*
 * Shootdown delivery (see tlb.h): one request record per sending CPU, with
 * a generation number per request, and an acknowledgement per target that
 * names the generation it flushed for.
 *
 * requests[s] is CPU s's outgoing request. Only CPU s writes its gen, cr3,
 * npages, pages[] and posted[]; only CPU t writes acked[t] of any record.
 *
 *   sender s (interrupts off)               target t (interrupts off)
 *   gen = ++req->gen                        in the VEC_TLB handler, or in
 *   write cr3, npages, pages[]              tlb_poll() from any spin loop:
 *   for each target t:                      for each record s:
 *     posted[t] = gen    (release) -------->  g = posted[t]     (acquire)
 *   IPI to each target                        if g != acked[t]:
 *   for each target t:                          read cr3, npages, pages[]
 *     wait until acked[t] == gen  <-------      flush
 *     (acquire), serving requests               acked[t] = g    (release)
 *     addressed to s meanwhile
 *
 * No acknowledgement without a flush. t acknowledges by storing the very
 * generation g it read from posted[t], after the flush it made from the
 * fields it read after g, with interrupts off from the read of g to the
 * store, so no nested handler runs in between; s waits for equality with
 * the generation of its current request, so an acknowledgement stored for
 * an earlier request never satisfies a later one. The fields t reads are
 * g's: posted[t] == g != acked[t] means s targeted t with g and is still
 * waiting for t, and s writes the fields of a new request only after every
 * target of the previous one has acknowledged it. (When posted[t] is an
 * older generation, t acknowledged it already and reads nothing.) The race
 * of a single shared slot and a pending bit mask is gone: there a poll
 * interrupted between its flush and its clearing of the bit could clear
 * the bit of the next sender's request, unflushed.
 *
 * No deadlock, and no sender serialisation. Each sender uses its own
 * record, so senders need no lock and any number may be in flight. A sender
 * waits with interrupts off, but in a loop of cpu_relax(), which serves
 * requests addressed to it: two CPUs shooting at each other both progress.
 * Every other wait in the kernel is a cpu_relax() loop too, so a target
 * serves a request at once when its interrupts are on (the IPI), at its
 * next spin when it waits for something with interrupts off, or when it
 * leaves a (finite) interrupts-off section that does not wait. Serving
 * takes no lock and waits for nothing, so no cycle of waits can form.
 * Interrupts are off in tlb_shootdown() so that nothing on this CPU can
 * start a second request on the record while one is outstanding.
 *
 * Memory ordering. x86 keeps stores in order and loads in order; the
 * release/acquire pairs above also keep the compiler from moving them:
 * the page-table change and the request fields are visible before t can
 * see posted[t], so a translation t caches after its flush comes from the
 * new entries; t's flush (invlpg and the CR3 load are serialising, and
 * the asm clobbers memory) happens before acked[t] is stored, and s frees
 * table pages only after its acquire load sees it. The IPI is a write to
 * the xAPIC ICR, uncached memory, which is never performed before older
 * stores, so posted[t] is visible when the interrupt arrives (an IPI that
 * found nothing would not be repeated).
 *
 * Counters (vmstat, make bench), each written only by its own CPU with
 * interrupts off: ipis_sent by the sender, shootdowns and pages_flushed by
 * the target.
 */
#include "kernel/tlb.h"
#include "kernel/apic.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "kernel/profile.h"

struct tlb_request {
	uint64_t gen;                        /* of the sender's latest request */
	paddr_t cr3;                         /* address space to flush */
	int npages;                          /* 0: flush everything */
	vaddr_t pages[TLB_SHOOT_MAX_PAGES];
	uint64_t posted[MAX_CPUS];           /* [t]: generation t is asked to serve */
	uint64_t acked[MAX_CPUS];            /* [t]: last generation t served */
} __attribute__((aligned(64)));

static struct tlb_request requests[MAX_CPUS];

/* Flushes what req asks of this CPU. Interrupts off. */
static void flush_local(const struct tlb_request *req)
{
	struct percpu *c = this_cpu();

	if (req->npages == 0) {
		write_cr3(read_cr3());
	} else if (read_cr3() == req->cr3) {
		/* Else a CR3 load since the request flushed all of req->cr3. */
		for (int i = 0; i < req->npages; i++)
			invlpg(req->pages[i]);
		c->pages_flushed += req->npages;
	}
	c->shootdowns++;
}

/* Serves sender s's request if it is addressed to CPU t. Interrupts off. */
static void serve(struct tlb_request *req, int t)
{
	uint64_t g = __atomic_load_n(&req->posted[t], __ATOMIC_ACQUIRE);

	if (g == req->acked[t])
		return;
	flush_local(req);
	__atomic_store_n(&req->acked[t], g, __ATOMIC_RELEASE);
}

void tlb_poll(void)
{
	uint64_t rflags = read_rflags();
	int me;

	cli();
	me = cpu_id();
	for (int s = 0; s < ncpus; s++)
		serve(&requests[s], me);
	if (rflags & RFLAGS_IF)
		sti();
}

void tlb_ipi_handler(void)
{
	tlb_poll();
}

void tlb_shootdown(uint64_t targets, paddr_t cr3, const vaddr_t *pages, int npages)
{
	uint64_t rflags = read_rflags();
	struct percpu *me;
	struct tlb_request *req;
	uint64_t gen;

	cli();
	me = this_cpu();
	targets &= ~(1UL << me->id);
	if (targets) {
		int outer = prof_enter(VMSTAT_PROF_TLB);

		req = &requests[me->id];
		gen = ++req->gen;
		req->cr3 = cr3;
		req->npages = npages > TLB_SHOOT_MAX_PAGES ? 0 : npages;
		for (int i = 0; i < req->npages; i++)
			req->pages[i] = pages[i];
		for (int t = 0; t < ncpus; t++)
			if (targets & (1UL << t))
				__atomic_store_n(&req->posted[t], gen, __ATOMIC_RELEASE);
		for (int t = 0; t < ncpus; t++) {
			if (targets & (1UL << t)) {
				lapic_send_ipi(cpus[t].apic_id, VEC_TLB);
				me->ipis_sent++;
			}
		}
		for (int t = 0; t < ncpus; t++)
			while ((targets & (1UL << t)) &&
			       __atomic_load_n(&req->acked[t], __ATOMIC_ACQUIRE) != gen)
				cpu_relax();
		prof_leave(outer);
	}
	if (rflags & RFLAGS_IF)
		sti();
}
