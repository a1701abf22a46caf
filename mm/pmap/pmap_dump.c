/*
 * pmap_dump(): the `ptdump` text of an address space (see pmap.h).
 *
 *   pmap cr3=0x0000000000345000
 *   PML4[  0] va=0x0000000000000000 -> 0x0000000000346000 P W U
 *    PDPT[  0] va=0x0000000000000000 -> 0x0000000000347000 P W U
 *     PD[  2] va=0x0000000000400000 -> 0x0000000000348000 P W U  PT private used=3
 *     PD[  3] va=0x0000000000600000 -> 0x0000000000412000 P U NX  PT of object
 *             0xffff80000012a000 offset 0x200000 links=2 used=512
 *     PD[  4] va=0x0000000000800000 -> 0x0000000000c00000 P W U NX PS  2 MiB page
 *             of object 0xffff80000012b000 offset 0x0
 *   mirror va=0x0000000000800000..0x0000000001000000 object 0xffff80000012b000
 *          offset 0x0 P W U NX copies=4
 *
 * (a PS entry is a 2 MiB leaf copied from the object, or, marked
 * "private", one the process maps on its own without sharing; the mirror
 * lines list the PD ranges kept in sync with an object's leaves), and
 * pmap_dump_object() prints an object's tree:
 *
 *   object 0xffff80000012a000 tree: 1 PD pages, 2 PT pages, 1 2 MiB leaves
 *   PD[gib 0] pa=0x0000000000410000 links=0 used=3
 *    PT[seg 0] offset=0x0 pa=0x0000000000411000 links=1 used=512
 *    LEAF[seg 2] offset=0x400000 pa=0x0000000000c00000
 *
 * The walk (pt_visit) is separate from the printing: a printer is a set of
 * callbacks (struct dump_printer), so another output format, such as a
 * Graphviz graph, is one more printer.
 */
#include "kernel/printk.h"
#include "mm/pmap/pmap_impl.h"

/* A bounded text buffer that measures what it could not hold. */
struct dump_out {
	char *buf;
	size_t len;
	size_t need;    /* bytes the whole text needs (without the NUL) */
};

static void __attribute__((format(printf, 2, 3))) out(struct dump_out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->need < o->len ? o->len - o->need : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->need : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->need += (size_t)n;
}

/* What an object tree holds, for the heading of its dump. */
struct object_counts {
	uint64_t pd, pt, leaves;
};

/* One output format: called by the walks below in tree order. */
struct dump_printer {
	void (*begin)(struct dump_out *o, struct pmap *pm);
	void (*entry)(struct dump_out *o, int level, vaddr_t va, pte_t pte, unsigned index);
	void (*mirror)(struct dump_out *o, const struct leaf_mirror *m, unsigned copies);
	void (*object)(struct dump_out *o, struct pmap_object *po, const struct object_counts *n);
	void (*object_table)(struct dump_out *o, int level, uint64_t off, struct vm_page *t);
	void (*object_leaf)(struct dump_out *o, uint64_t off, pte_t leaf);
	void (*end)(struct dump_out *o);
};

static const char *const level_names[] = { "", "PT", "PD", "PDPT", "PML4" };
static const char *const indents[] = { "", "   ", "  ", " ", "" };

static void text_begin(struct dump_out *o, struct pmap *pm)
{
	out(o, "pmap cr3=%p\n", (void *)pmap_cr3(pm));
}

/* One table entry: indentation by depth, target, flags, and what it is. */
static void text_entry(struct dump_out *o, int level, vaddr_t va, pte_t pte, unsigned index)
{
	struct vm_page *t = phys_to_page(pte_pa(pte));

	out(o, "%s%s[%3u] va=%p -> %p %s%s%s%s%s", indents[level], level_names[level],
	    index, (void *)va, (void *)pte_pa(pte), "P", (pte & PTE_W) ? " W" : "",
	    (pte & PTE_U) ? " U" : "", (pte & PTE_NX) ? " NX" : "",
	    pte_leaf(pte, level) ? " PS" : "");
	if (t && pte_leaf(pte, level))
		out(o, "  2 MiB page of object %p offset %p%s", (void *)t->object, (void *)t->offset,
		    (pte & PTE_PRIVATE_LEAF) ? " private" : "");
	else if (t && (t->flags & PG_OBJTABLE))
		out(o, "  %s of object %p offset %p links=%u used=%u", level == PD_LEVEL ? "PT" : "PD",
		    (void *)t->object, (void *)t->offset, t->link_count, t->used);
	else if (level == PD_LEVEL && t)
		out(o, "  PT private used=%u", t->used);
	out(o, "\n");
}

/* One leaf mirror: the VA range, the object range and the copies' rights. */
static void text_mirror(struct dump_out *o, const struct leaf_mirror *m, unsigned copies)
{
	pte_t rights = pte_flags_for(m->prot);

	out(o, "mirror va=%p..%p object %p offset %p P%s U%s copies=%u\n", (void *)m->va,
	    (void *)(m->va + m->len), (void *)m->po->owner, (void *)m->off,
	    (rights & PTE_W) ? " W" : "", (rights & PTE_NX) ? " NX" : "", copies);
}

static void text_object(struct dump_out *o, struct pmap_object *po, const struct object_counts *n)
{
	out(o, "object %p tree: %lu PD pages, %lu PT pages, %lu 2 MiB leaves\n",
	    (void *)po->owner, (unsigned long)n->pd, (unsigned long)n->pt,
	    (unsigned long)n->leaves);
}

static void text_object_table(struct dump_out *o, int level, uint64_t off, struct vm_page *t)
{
	if (level == PD_LEVEL)
		out(o, "PD[gib %lu] pa=%p links=%u used=%u\n", (unsigned long)(off >> GIB_SHIFT),
		    (void *)page_to_phys(t), t->link_count, t->used);
	else
		out(o, " PT[seg %lu] offset=%p pa=%p links=%u used=%u\n",
		    (unsigned long)(off >> SEG_SHIFT), (void *)off, (void *)page_to_phys(t),
		    t->link_count, t->used);
}

static void text_object_leaf(struct dump_out *o, uint64_t off, pte_t leaf)
{
	out(o, " LEAF[seg %lu] offset=%p pa=%p\n", (unsigned long)(off >> SEG_SHIFT), (void *)off,
	    (void *)pte_pa(leaf));
}

static void text_end(struct dump_out *o)
{
	(void)o;
}

static const struct dump_printer text_printer = {
	text_begin, text_entry, text_mirror, text_object, text_object_table, text_object_leaf,
	text_end,
};

struct dump_walk {
	struct dump_out *o;
	const struct dump_printer *p;
};

/* pt_visit_fn: prints the non-leaf entries and descends into them. */
static bool dump_entry(int level, vaddr_t va, pte_t pte, struct vm_page *table, void *arg)
{
	struct dump_walk *w = arg;

	(void)table;
	if (level == PT_LEVEL)
		return false;
	w->p->entry(w->o, level, va, pte, level_index(va, level));
	return level > PD_LEVEL && !pte_is_link(pte, level);
}

/* The copied leaves mirror m holds now. (g) held. */
static unsigned mirror_copies(const struct leaf_mirror *m)
{
	unsigned n = 0;

	for (vaddr_t va = m->va; va < m->va + m->len; va += SEG_SIZE) {
		struct pt_path p;

		n += copy_at_locked(m->pmap, va, &p) != NULL;
	}
	return n;
}

/* Runs printer p over pm's tree, then its mirrors. (g) taken. */
static int dump_with(struct pmap *pm, const struct dump_printer *p, char *buf, size_t len)
{
	struct dump_out o = { buf, len, 0 };
	struct dump_walk w = { &o, p };

	if (len > 0)
		buf[0] = '\0';
	spin_lock(&pmap_lock);
	p->begin(&o, pm);
	pt_visit(pm->pml4, PML4_LEVEL, 0, dump_entry, &w);
	for (const struct leaf_mirror *m = pm->mirrors; m; m = m->pm_next)
		p->mirror(&o, m, mirror_copies(m));
	p->end(&o);
	spin_unlock(&pmap_lock);
	return (int)o.need;
}

int pmap_dump(struct pmap *pm, char *buf, size_t len)
{
	return dump_with(pm, &text_printer, buf, len);
}

/* Counts the PD pages, PT pages and 2 MiB leaves of po. (g) held. */
static struct object_counts object_count(struct pmap_object *po)
{
	struct object_counts n = { 0, 0, 0 };

	for (unsigned g = 0; g < po->npd; g++) {
		pte_t *pd = po->pd[g] ? page_to_virt(po->pd[g]) : NULL;

		n.pd += pd != NULL;
		for (unsigned i = 0; pd && i < PT_ENTRIES; i++) {
			n.leaves += pte_leaf(pd[i], PD_LEVEL);
			n.pt += pte_present(pd[i]) && !pte_leaf(pd[i], PD_LEVEL);
		}
	}
	return n;
}

/* Runs printer p over an object tree. (g) taken. */
static int dump_object_with(struct pmap_object *po, const struct dump_printer *p,
                            char *buf, size_t len)
{
	struct dump_out o = { buf, len, 0 };
	struct object_counts n;

	if (len > 0)
		buf[0] = '\0';
	spin_lock(&pmap_lock);
	n = object_count(po);
	p->object(&o, po, &n);
	for (unsigned g = 0; g < po->npd; g++) {
		pte_t *pd = po->pd[g] ? page_to_virt(po->pd[g]) : NULL;

		if (!pd)
			continue;
		p->object_table(&o, PD_LEVEL, (uint64_t)g << GIB_SHIFT, po->pd[g]);
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			uint64_t off = ((uint64_t)g << GIB_SHIFT) + i * SEG_SIZE;

			if (pte_leaf(pd[i], PD_LEVEL))
				p->object_leaf(&o, off, pd[i]);
			else if (pte_present(pd[i]))
				p->object_table(&o, PT_LEVEL, off, pte_page(pd[i]));
		}
	}
	p->end(&o);
	spin_unlock(&pmap_lock);
	return (int)o.need;
}

int pmap_dump_object(struct pmap_object *po, char *buf, size_t len)
{
	return dump_object_with(po, &text_printer, buf, len);
}
