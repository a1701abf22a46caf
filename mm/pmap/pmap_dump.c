/*
 * pmap_dump(): the `ptdump` text of an address space (see pmap.h).
 *
 *   pmap cr3=0x0000000000345000
 *   PML4[  0] va=0x0000000000000000 -> 0x0000000000346000 P W U
 *    PDPT[  0] va=0x0000000000000000 -> 0x0000000000347000 P W U
 *     PD[  2] va=0x0000000000400000 -> 0x0000000000348000 P W U  PT private used=3
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

struct dump_printer {
	void (*begin)(struct dump_out *o, struct pmap *pm);
	void (*entry)(struct dump_out *o, int level, vaddr_t va, pte_t pte, unsigned index);
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

	out(o, "%s%s[%3u] va=%p -> %p %s%s%s%s", indents[level], level_names[level],
	    index, (void *)va, (void *)pte_pa(pte), "P", (pte & PTE_W) ? " W" : "",
	    (pte & PTE_U) ? " U" : "", (pte & PTE_NX) ? " NX" : "");
	if (level == PD_LEVEL && t)
		out(o, "  PT %s used=%u", (t->flags & PG_PTABLE) ? "private" : "foreign", t->used);
	out(o, "\n");
}

static void text_end(struct dump_out *o)
{
	(void)o;
}

static const struct dump_printer text_printer = { text_begin, text_entry, text_end };

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
	return level > PD_LEVEL;
}

/* Runs printer p over pm's tree. (g) taken. */
static int dump_with(struct pmap *pm, const struct dump_printer *p, char *buf, size_t len)
{
	struct dump_out o = { buf, len, 0 };
	struct dump_walk w = { &o, p };

	if (len > 0)
		buf[0] = '\0';
	spin_lock(&pmap_lock);
	p->begin(&o, pm);
	pt_visit(pm->pml4, PML4_LEVEL, 0, dump_entry, &w);
	p->end(&o);
	spin_unlock(&pmap_lock);
	return (int)o.need;
}

int pmap_dump(struct pmap *pm, char *buf, size_t len)
{
	return dump_with(pm, &text_printer, buf, len);
}
