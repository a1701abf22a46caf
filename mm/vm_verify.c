/*
 * vm_verify(): pmap_verify() plus the invariants that need the VM maps and
 * objects (see vm_map.h). Lock order: map registry, map, pmap; object
 * registry, object, pmap.
 */
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map_impl.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

struct report {
	char *buf;
	size_t len, pos;
	int errors;
};

static void __attribute__((format(printf, 2, 3))) fail(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	r->errors++;
	if (r->pos + 1 >= r->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->pos, r->len - r->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->pos = MIN(r->pos + (size_t)n, r->len - 1);
}

/* Checks one link of entry e against the entry (DESIGN §2 rules 1-3). */
static void check_link(struct report *r, struct vm_map *map, const struct vm_map_entry *e,
                       const struct pmap_link *l)
{
	if (l->va < e->start || l->va + l->size > e->end || !segment_eligible(e, l->va, l->size))
		fail(r, "map %p: link at %p (%lu bytes) is not one eligible segment of [%p, %p)\n",
		     (void *)map, (void *)l->va, (unsigned long)l->size, (void *)e->start,
		     (void *)e->end);
	else if (l->owner != e->object || l->off != e->offset + (l->va - e->start))
		fail(r, "map %p: link at %p maps object %p offset %p, entry wants %p offset %p\n",
		     (void *)map, (void *)l->va, (void *)l->owner, (void *)l->off,
		     (void *)e->object, (void *)(e->offset + (l->va - e->start)));
	if (l->prot & ~e->prot & (PROT_WRITE | PROT_EXEC))
		fail(r, "map %p: link at %p grants rights %d beyond the mapping's %d\n",
		     (void *)map, (void *)l->va, l->prot, e->prot);
}

/* vm_map_foreach() callback: the links of one map, entry by entry. */
static void check_map(struct vm_map *map, void *arg)
{
	struct report *r = arg;
	uint64_t found = 0;
	struct vmstat st;

	spin_lock(&map->lock);
	for (struct vm_map_entry *e = map->entries; e; e = e->next) {
		for (vaddr_t va = ALIGN_DOWN(e->start, SEG_SIZE); va < e->end;) {
			struct pmap_link l;
			vaddr_t next = va + SEG_SIZE;

			if (pmap_link_info(map->pmap, va, &l) == 0) {
				check_link(r, map, e, &l);
				found += l.va >= e->start;
				next = l.va + l.size;
			}
			va = next;
		}
	}
	spin_unlock(&map->lock);
	pmap_stat(map->pmap, &st);
	if (found != st.links_pde + st.links_pdpte)
		fail(r, "map %p: %lu links inside its entries, its pmap has %lu\n", (void *)map,
		     (unsigned long)found, (unsigned long)(st.links_pde + st.links_pdpte));
}

/* vm_object_foreach() callback: the object's tree maps its own pages. */
static void check_object(struct vm_object *obj, void *arg)
{
	uint64_t bad;

	if (!vm_object_tables_agree(obj, &bad))
		fail(arg, "object %p: its page table maps another page at offset %p\n",
		     (void *)obj, (void *)bad);
}

int vm_verify(char *report, size_t len)
{
	struct report r = { report, len, 0, 0 };
	int err = pmap_verify(report, len);

	if (err == -ENOMEM)
		return err;
	r.pos = len > 0 ? strlen(report) : 0;
	r.errors = err != 0;
	vm_map_foreach(check_map, &r);
	vm_object_foreach(check_object, &r);
	return r.errors ? -EIO : 0;
}
