/* The lock-order table (see lockorder.h). */
#include "kernel/lockorder.h"
#include "kernel/types.h"

static const struct {
	const char *name;
	int rank;
} ranks[] = {
	{ "proc", 10 }, { "files", 11 }, { "tty", 12 }, { "pipe", 13 }, { "shm", 14 }, { "vm_maps", 16 },
	{ "vm_map", 20 }, { "vm_objects", 24 }, { "vm_object", 28 },
	{ "futex", 32 }, { "poll", 34 }, { "sched", 35 }, { "pmap", 40 },
	{ "km_lock", 60 }, { "page_lock", 65 }, { "random", 70 }, { "console", 90 },
};

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int lock_rank(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ranks); i++)
		if (same(ranks[i].name, name))
			return ranks[i].rank;
	return -1;
}
