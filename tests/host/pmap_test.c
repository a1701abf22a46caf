/*
 * pmap unit tests: the verbs of mm/pmap/pmap.h on bare pmaps and pages,
 * with exact table, PV and TLB counters.
 */
#include <stdio.h>
#include <string.h>
#include "kernel/ktest.h"
#include "mm/page.h"
#include "mm/pmap/pmap.h"
#include "tests/host/vm_testlib.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define VA 0x0000200000400000UL

static struct vmstat stat_of(struct pmap *pm)
{
	struct vmstat st = { 0 };

	pmap_stat(pm, &st);
	return st;
}

KTEST(pmap, create_destroy_uses_one_pml4_page)
{
	struct vmt_snap s;
	struct pmap *pm;

	vmt_begin(&s);
	pm = pmap_create();
	KT_ASSERT(pm != NULL);
	KT_ASSERT_EQ(1, stat_of(pm).pt_pages);
	KT_ASSERT(page_free_count() < s.free_pages);
	pmap_destroy(pm);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(pmap, enter_extract_remove_frees_tables)
{
	struct vmt_snap s;
	struct pmap *pm;
	struct vm_page *pg;
	paddr_t pa;

	vmt_begin(&s);
	pm = pmap_create();
	pg = page_alloc();
	KT_ASSERT_EQ(0, pmap_enter(pm, VA, pg, PROT_READ, 0));
	KT_ASSERT_EQ(4, stat_of(pm).pt_pages);
	KT_ASSERT_EQ(1, stat_of(pm).pv_entries);
	KT_ASSERT_EQ(1, pg->pv_count);
	KT_ASSERT(pmap_extract(pm, VA + 8, &pa));
	KT_ASSERT_EQ(page_to_phys(pg) + 8, pa);
	KT_ASSERT(!pmap_extract(pm, VA + PAGE_SIZE, &pa));
	KT_ASSERT_EQ(0, pmap_verify(NULL, 0));
	pmap_remove(pm, VA, VA + PAGE_SIZE);
	KT_ASSERT_EQ(1, stat_of(pm).pt_pages);
	KT_ASSERT_EQ(0, pg->pv_count);
	pmap_destroy(pm);
	page_free(pg);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(pmap, translate_applies_rights_like_the_mmu)
{
	struct vmt_snap s;
	struct pmap *pm;
	struct vm_page *pg;
	paddr_t pa;

	vmt_begin(&s);
	pm = pmap_create();
	pg = page_alloc();
	KT_ASSERT_EQ(0, pmap_enter(pm, VA, pg, PROT_READ, 0));
	KT_ASSERT_EQ(0, pmap_translate(pm, VA, PROT_READ, &pa));
	KT_ASSERT_EQ(-EFAULT, pmap_translate(pm, VA, PROT_WRITE, &pa));
	KT_ASSERT_EQ(-EFAULT, pmap_translate(pm, VA, PROT_EXEC, &pa));
	KT_ASSERT_EQ(0, pmap_enter(pm, VA, pg, PROT_READ | PROT_WRITE | PROT_EXEC, 0));
	KT_ASSERT_EQ(0, pmap_translate(pm, VA, PROT_WRITE, &pa));
	KT_ASSERT_EQ(0, pmap_translate(pm, VA, PROT_EXEC, &pa));
	KT_ASSERT_EQ(1, stat_of(pm).pv_entries);
	pmap_protect(pm, VA, VA + PAGE_SIZE, PROT_READ);
	KT_ASSERT_EQ(-EFAULT, pmap_translate(pm, VA, PROT_WRITE, &pa));
	KT_ASSERT_EQ(-EFAULT, pmap_translate(pm, VA + PAGE_SIZE, PROT_READ, &pa));
	pmap_remove(pm, 0, USER_TOP);
	pmap_destroy(pm);
	page_free(pg);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(pmap, enter_out_of_memory_leaves_nothing)
{
	struct vmt_snap s;
	struct pmap *pm;
	struct vm_page *pg;

	vmt_begin(&s);
	pm = pmap_create();
	pg = page_alloc();
	/* Fail the n-th allocation (tables, PV slab) until the enter succeeds. */
	for (long n = 0;; n++) {
		size_t before = page_free_count();
		int err;

		KT_ASSERT(n < 8);
		page_fail_after(n);
		err = pmap_enter(pm, VA, pg, PROT_READ, 0);
		page_fail_after(-1);
		if (err == 0)
			break;
		KT_ASSERT_EQ(-ENOMEM, err);
		KT_ASSERT_EQ(before, page_free_count());
		KT_ASSERT_EQ(1, stat_of(pm).pt_pages);
		KT_ASSERT_EQ(0, pmap_verify(NULL, 0));
	}
	KT_ASSERT_EQ(4, stat_of(pm).pt_pages);
	pmap_remove(pm, 0, USER_TOP);
	pmap_destroy(pm);
	page_free(pg);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(pmap, invalidations_are_batched_with_one_flush_point)
{
	struct vmt_snap s;
	struct vm_page *pg[20];
	struct pmap *pm;
	struct vmstat st;

	vmt_begin(&s);
	pm = pmap_create();
	pmap_activate(pm);
	for (int i = 0; i < 20; i++) {
		pg[i] = page_alloc();
		KT_ASSERT_EQ(0, pmap_enter(pm, VA + i * PAGE_SIZE, pg[i], PROT_READ | PROT_WRITE, 0));
	}
	st = stat_of(pm);
	KT_ASSERT_EQ(0, st.tlb_invlpg);        /* filling empty PTEs needs no flush */
	KT_ASSERT_EQ(0, st.tlb_flushes);
	pmap_protect(pm, VA, VA + 3 * PAGE_SIZE, PROT_READ);
	KT_ASSERT_EQ(3, stat_of(pm).tlb_invlpg);
	pmap_protect(pm, VA, VA + 20 * PAGE_SIZE, PROT_READ);   /* 17 changes: above the batch */
	KT_ASSERT_EQ(1, stat_of(pm).tlb_flushes);
	pmap_remove(pm, VA, VA + 20 * PAGE_SIZE);                /* also frees tables */
	KT_ASSERT_EQ(2, stat_of(pm).tlb_flushes);
	KT_ASSERT_EQ(3, stat_of(pm).tlb_invlpg);
	pmap_activate(NULL);
	pmap_destroy(pm);
	for (int i = 0; i < 20; i++)
		page_free(pg[i]);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(pmap, inactive_pmap_needs_no_flush)
{
	struct vmt_snap s;
	struct pmap *pm;
	struct vm_page *pg;

	vmt_begin(&s);
	pm = pmap_create();
	pg = page_alloc();
	KT_ASSERT_EQ(0, pmap_enter(pm, VA, pg, PROT_READ | PROT_WRITE, 0));
	pmap_remove(pm, VA, VA + PAGE_SIZE);
	KT_ASSERT_EQ(0, stat_of(pm).tlb_flushes + stat_of(pm).tlb_invlpg);
	pmap_destroy(pm);
	page_free(pg);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(pmap, page_remove_and_protect_reach_every_mapping)
{
	struct vmt_snap s;
	struct pmap *a, *b;
	struct vm_page *pg;
	paddr_t pa;

	vmt_begin(&s);
	a = pmap_create();
	b = pmap_create();
	pg = page_alloc();
	KT_ASSERT_EQ(0, pmap_enter(a, VA, pg, PROT_READ | PROT_WRITE, 0));
	KT_ASSERT_EQ(0, pmap_enter(b, VA + GIB_SIZE, pg, PROT_READ | PROT_WRITE, 0));
	KT_ASSERT_EQ(2, pg->pv_count);
	pmap_page_protect(pg, PROT_READ);
	KT_ASSERT_EQ(-EFAULT, pmap_translate(a, VA, PROT_WRITE, &pa));
	KT_ASSERT_EQ(-EFAULT, pmap_translate(b, VA + GIB_SIZE, PROT_WRITE, &pa));
	KT_ASSERT_EQ(0, pmap_translate(b, VA + GIB_SIZE, PROT_READ, &pa));
	pmap_page_remove(pg);
	KT_ASSERT_EQ(0, pg->pv_count);
	KT_ASSERT(!pmap_extract(a, VA, &pa));
	KT_ASSERT_EQ(1, stat_of(a).pt_pages);
	KT_ASSERT_EQ(1, stat_of(b).pt_pages);
	pmap_destroy(a);
	pmap_destroy(b);
	page_free(pg);
	KT_ASSERT(vmt_clean(&s));
}

KTEST(pmap, dump_shows_cr3_and_every_level)
{
	struct vmt_snap s;
	struct pmap *pm;
	struct vm_page *pg;
	char buf[1024], cr3[64];
	int n;

	vmt_begin(&s);
	pm = pmap_create();
	pg = page_alloc();
	KT_ASSERT_EQ(0, pmap_enter(pm, VA, pg, PROT_READ, 0));
	n = pmap_dump(pm, buf, sizeof(buf));
	KT_ASSERT(n > 0 && (size_t)n < sizeof(buf));
	snprintf(cr3, sizeof(cr3), "cr3=%p", (void *)pmap_cr3(pm));
	KT_ASSERT(strstr(buf, cr3) != NULL);
	KT_ASSERT(strstr(buf, "PML4[ 64]") != NULL);
	KT_ASSERT(strstr(buf, "PD[  2]") != NULL);
	KT_ASSERT(strstr(buf, "PT private used=1") != NULL);
	KT_ASSERT_EQ(n, pmap_dump(pm, buf, 10));
	KT_ASSERT_EQ(9, strlen(buf));
	pmap_remove(pm, 0, USER_TOP);
	pmap_destroy(pm);
	page_free(pg);
	KT_ASSERT(vmt_clean(&s));
}
