/*
 * vm_verify(): pmap_verify() plus the invariants that need the VM maps and
 * objects (see vm_map.h): links and leaf mirrors against map entries,
 * object trees against the objects' pages. Lock order: map registry, map, pmap; object
 * registry, object, pmap.
 */
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kmalloc.h"
#include "mm/pmap/pmap.h"
#include "mm/vm_map_impl.h"
#include "mm/vmobject/vm_object.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

struct report {
	char *buf;
	size_t len, pos;
	int errors;
	bool nomem;      /* a census array could not be allocated */
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

/*
 * Checks one link or leaf mirror of entry e, the entry holding its first
 * address (rules 1-3 of docs/correctness.md): it lies inside e, is eligible (a link: as
 * one segment or GiB; a mirror: its first segment, then all are), maps e's
 * object at the matching offset, and grants no more rights than e.
 */
static void check_link(struct report *r, struct vm_map *map, const struct vm_map_entry *e,
                       const struct pmap_link *l)
{
	const char *what = l->mirror ? "mirror" : "link";

	if (l->va + l->size > e->end || !segment_eligible(e, l->va, l->mirror ? SEG_SIZE : l->size))
		fail(r, "map %p: %s at %p (%lu bytes) is not eligible in entry [%p, %p)\n",
		     (void *)map, what, (void *)l->va, (unsigned long)l->size, (void *)e->start,
		     (void *)e->end);
	else if (l->owner != e->object || l->off != e->offset + (l->va - e->start))
		fail(r, "map %p: %s at %p maps object %p offset %p, entry wants %p offset %p\n",
		     (void *)map, what, (void *)l->va, (void *)l->owner, (void *)l->off,
		     (void *)e->object, (void *)(e->offset + (l->va - e->start)));
	if (l->prot & ~e->prot & (PROT_WRITE | PROT_EXEC))
		fail(r, "map %p: %s at %p grants rights %d beyond the mapping's %d\n",
		     (void *)map, what, (void *)l->va, l->prot, e->prot);
}

/*
 * vm_map_foreach() callback: every link and leaf mirror of the map's pmap
 * (as many as its counters say, which pmap_verify() checks against its
 * tree) must lie in the entry that holds its first address. O(links),
 * whatever the size of the entries. The map lock keeps links and mirrors
 * from changing meanwhile.
 */
static void check_map(struct vm_map *map, void *arg)
{
	struct report *r = arg;
	struct pmap_link *links;
	struct vmstat st;
	int n, found;

	spin_lock(&map->lock);
	pmap_stat(map->pmap, &st);
	n = (int)(st.links_pde + st.links_pdpte + st.leaf_mirrors);
	links = kmalloc((n + 1) * sizeof(*links));
	if (!links) {
		r->nomem = true;
		spin_unlock(&map->lock);
		return;
	}
	found = pmap_links(map->pmap, links, n);
	if (found != n)
		fail(r, "map %p: its pmap holds %d links and mirrors, its counters say %d\n",
		     (void *)map, found, n);
	for (int i = 0; i < MIN(found, n); i++) {
		const struct vm_map_entry *e = map_lookup_locked(map, links[i].va);

		if (!e)
			fail(r, "map %p: %s at %p lies in no entry\n", (void *)map,
			     links[i].mirror ? "mirror" : "link", (void *)links[i].va);
		else
			check_link(r, map, e, &links[i]);
	}
	spin_unlock(&map->lock);
	kfree(links);
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
	struct report r = { report, len, 0, 0, false };
	int err = pmap_verify(report, len);

	if (err == -ENOMEM)
		return err;
	r.pos = len > 0 ? strlen(report) : 0;
	r.errors = err != 0;
	vm_map_foreach(check_map, &r);
	vm_object_foreach(check_object, &r);
	if (r.nomem)
		return -ENOMEM;
	return r.errors ? -EIO : 0;
}
