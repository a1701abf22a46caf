/*
 * Host tests of file objects (OBJ_FILE, mm/vmobject/vm_object.h): a
 * file's object mapped shared by several maps shares its tables like a
 * segment; a shrink takes the pages past the end out of every mapping
 * (SIGBUS, -EIO, afterwards) and frees them at once; growing past a radix
 * level and a GiB keeps the pages; a private mapping reads the file until
 * it writes; the initrd's object lives only while something holds it.
 */
#include "kernel/ktest.h"
#include "mm/vm_map.h"
#include "mm/vmobject/vm_object.h"
#include "tests/host/vm_testlib.h"
#include "uapi/errno.h"
#include "uapi/mman.h"

#define RW (PROT_READ | PROT_WRITE)
#define ALL (PROT_READ | PROT_WRITE | PROT_EXEC)

/* Maps file object obj [0, len) shared into map; the address. */
static vaddr_t map_file(struct vm_map *map, struct vm_object *obj, uint64_t len, int flags)
{
	vaddr_t va = 0;

	if (vm_mmap_file(map, 0, len, RW, flags, obj, 0, ALL, &va) < 0)
		return 0;
	return va;
}

KTEST(vm_file, shared_maps_share_tables_and_a_shrink_takes_pages_from_all)
{
	struct vm_object *obj;
	struct vm_map *m[3];
	struct vmt_snap s;
	vaddr_t va[3];
	uint64_t v;

	vmt_defaults();
	vmt_begin(&s);
	obj = vm_object_create_file(MIB(4), NULL, 0);
	KT_ASSERT(obj != NULL);
	for (int i = 0; i < 3; i++) {
		m[i] = vm_map_create();
		va[i] = map_file(m[i], obj, MIB(4), MAP_SHARED);
		KT_ASSERT(va[i] != 0);
	}
	KT_ASSERT_EQ(0, vmt_fill(m[0], va[0], MIB(4), 5));
	KT_ASSERT_EQ(1024, vmt_map_stat(m[0]).faults);
	KT_ASSERT_EQ(2, vmt_global_stat().obj_pt_pages);
	KT_ASSERT_EQ(1024, vm_object_file_pages());
	for (int i = 1; i < 3; i++) {
		KT_ASSERT_EQ(0, vmt_check(m[i], va[i], MIB(4), 5));
		KT_ASSERT_EQ(2, vmt_map_stat(m[i]).faults);       /* one link per 2 MiB */
	}
	/* Shrink to 1 MiB + a page: the rest leaves every mapping and memory. */
	KT_ASSERT_EQ(0, vm_object_resize(obj, MIB(1) + 4096));
	KT_ASSERT_EQ(257, vm_object_file_pages());
	for (int i = 0; i < 3; i++) {
		KT_ASSERT_EQ(-EIO, vmt_read(m[i], va[i] + MIB(2), &v));
		KT_ASSERT_EQ(-EIO, vmt_write(m[i], va[i] + MIB(1) + 4096, 1));
		KT_ASSERT_EQ(0, vmt_read(m[i], va[i] + MIB(1), &v));
		KT_ASSERT_EQ(5 + 256, v);
	}
	/* Growing brings zero pages back where the old ones were. */
	KT_ASSERT_EQ(0, vm_object_resize(obj, MIB(4)));
	KT_ASSERT_EQ(0, vmt_read(m[2], va[2] + MIB(3), &v));
	KT_ASSERT_EQ(0, v);
	for (int i = 0; i < 3; i++)
		vm_map_destroy(m[i]);
	vm_object_release(obj);
	KT_ASSERT_EQ(0, vm_object_file_pages());
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_file, growing_past_a_radix_level_and_a_gib_keeps_the_pages)
{
	struct vm_object *obj;
	struct vm_map *map;
	struct vmt_snap s;
	vaddr_t va;
	uint64_t v;

	vmt_defaults();
	vmt_begin(&s);
	obj = vm_object_create_file(4096, NULL, 0);            /* one radix level */
	KT_ASSERT(obj != NULL);
	map = vm_map_create();
	va = map_file(map, obj, GIB(2), MAP_SHARED);            /* a mapping past the end */
	KT_ASSERT(va != 0);
	KT_ASSERT_EQ(0, vmt_write(map, va, 42));
	KT_ASSERT_EQ(-EIO, vmt_read(map, va + 4096, &v));
	KT_ASSERT_EQ(0, vm_object_resize(obj, GIB(1) + MIB(4)));   /* three levels, two PDs */
	KT_ASSERT_EQ(0, vmt_write(map, va + GIB(1) + MIB(2), 43));
	KT_ASSERT_EQ(0, vmt_read(map, va, &v));
	KT_ASSERT_EQ(42, v);
	KT_ASSERT_EQ(0, vmt_read(map, va + GIB(1) + MIB(2), &v));
	KT_ASSERT_EQ(43, v);
	KT_ASSERT_EQ(-EIO, vmt_read(map, va + GIB(1) + MIB(4), &v));
	KT_ASSERT_EQ(0, vm_object_resize(obj, 0));
	KT_ASSERT_EQ(-EIO, vmt_read(map, va, &v));
	KT_ASSERT_EQ(0, vm_object_file_pages());
	vm_map_destroy(map);
	vm_object_release(obj);
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_file, a_private_mapping_reads_the_file_until_it_writes)
{
	struct vm_object *obj;
	struct vm_map *shared, *priv;
	struct vmt_snap s;
	vaddr_t vs, vp;
	uint64_t v;

	vmt_defaults();
	vmt_begin(&s);
	obj = vm_object_create_file(MIB(2), NULL, 0);
	KT_ASSERT(obj != NULL);
	shared = vm_map_create();
	priv = vm_map_create();
	vs = map_file(shared, obj, MIB(2), MAP_SHARED);
	vp = map_file(priv, obj, MIB(2), MAP_PRIVATE);
	KT_ASSERT(vs != 0 && vp != 0);
	KT_ASSERT_EQ(0, vmt_write(shared, vs, 1));
	KT_ASSERT_EQ(0, vmt_read(priv, vp, &v));
	KT_ASSERT_EQ(1, v);
	KT_ASSERT_EQ(0, vmt_write(shared, vs, 2));             /* still the file's page */
	KT_ASSERT_EQ(0, vmt_read(priv, vp, &v));
	KT_ASSERT_EQ(2, v);
	KT_ASSERT_EQ(0, vmt_write(priv, vp, 3));               /* now its own copy */
	KT_ASSERT_EQ(0, vmt_read(shared, vs, &v));
	KT_ASSERT_EQ(2, v);
	KT_ASSERT_EQ(1, vmt_map_stat(priv).faults_cow);
	KT_ASSERT_EQ(1, vm_object_file_pages());
	/* A shrink takes the file's pages, not the private copy. */
	KT_ASSERT_EQ(0, vm_object_resize(obj, 0));
	KT_ASSERT_EQ(0, vmt_read(priv, vp, &v));
	KT_ASSERT_EQ(3, v);
	KT_ASSERT_EQ(-EIO, vmt_read(priv, vp + 4096, &v));
	vm_map_destroy(shared);
	vm_map_destroy(priv);
	vm_object_release(obj);
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}

KTEST(vm_file, a_cached_object_fills_from_its_bytes_and_lives_while_held)
{
	static uint8_t bytes[6000];
	struct vm_object *slot = NULL, *a, *b;
	struct vm_map *map;
	struct vmt_snap s;
	vaddr_t va;
	uint64_t v;

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 3);
	vmt_defaults();
	vmt_begin(&s);
	a = vm_object_cached(&slot, bytes, sizeof(bytes));
	b = vm_object_cached(&slot, bytes, sizeof(bytes));
	KT_ASSERT(a != NULL && a == b && slot == a);            /* one object per file */
	map = vm_map_create();
	va = map_file(map, a, 8192, MAP_SHARED);
	KT_ASSERT(va != 0);
	vm_object_release(a);
	vm_object_release(b);
	KT_ASSERT(slot == a);                                    /* the mapping holds it */
	KT_ASSERT_EQ(0, vmt_read(map, va + 4096, &v));
	KT_ASSERT_EQ(bytes[4096] | (uint64_t)bytes[4097] << 8, v & 0xffff);
	KT_ASSERT_EQ(0, vmt_read(map, va + 4096 + 1904, &v));  /* past the bytes: zeroes */
	KT_ASSERT_EQ(0, v);
	vm_map_destroy(map);
	KT_ASSERT(slot == NULL);                                 /* gone with the mapping */
	vmt_defaults();
	KT_ASSERT(vmt_clean(&s));
}
