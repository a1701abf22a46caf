/*
 * TLB shootdown: asking other CPUs to drop stale translations, with
 * acknowledgement. The pmap decides which CPUs (those running an address
 * space that maps or links the changed entries) and what (a few pages or
 * everything); this file delivers the request and waits until each target
 * has flushed.
 *
 * Any number of CPUs may shoot down at once (each sender has its own
 * request record). Deadlock avoidance: a CPU waiting for a lock or for
 * acknowledgements keeps serving requests addressed to it (tlb_poll() is
 * called from every spin loop), so two CPUs shooting at each other, or a
 * target spinning with interrupts off on a lock the sender holds, still
 * make progress. The protocol and its correctness argument are at the top
 * of kernel/tlb.c.
 */
#ifndef KERNEL_TLB_H
#define KERNEL_TLB_H

#include "kernel/types.h"

#define TLB_SHOOT_MAX_PAGES 32    /* more pages: a full flush instead */

/*
 * Makes every CPU in `targets` (a bit mask; the caller's own bit is ignored)
 * flush `npages` pages of the address space whose CR3 is `cr3`, or its whole
 * TLB when npages is 0 or more than TLB_SHOOT_MAX_PAGES. Returns when all
 * have done so. Any context; interrupts are off while it waits.
 */
void tlb_shootdown(uint64_t targets, paddr_t cr3, const vaddr_t *pages, int npages);

/*
 * The VEC_TLB interrupt, and the poll from spin loops: serve every request
 * addressed to this CPU. Any context.
 */
void tlb_ipi_handler(void);
void tlb_poll(void);

#endif
