/* KTEST suite "cmdline": parsing of words and NAME=VALUE settings. */
#include "kernel/cmdline.h"
#include "kernel/ktest.h"
#include "kernel/string.h"

KTEST(cmdline, finds_whole_words_only)
{
	const char *c = "  selftest nodemo  machdep.pmap_prelink=0 ";

	KT_ASSERT(cmdline_has(c, "selftest"));
	KT_ASSERT(cmdline_has(c, "nodemo"));
	KT_ASSERT(!cmdline_has(c, "self"));
	KT_ASSERT(!cmdline_has(c, "demo"));
	KT_ASSERT(!cmdline_has("", "selftest"));
}

KTEST(cmdline, reads_name_value_settings)
{
	const char *c = "bench machdep.pmap_mmu_optimize=0 kern.ipc.shm_use_phys=1";
	char v[16];

	KT_ASSERT(cmdline_value(c, "machdep.pmap_mmu_optimize", v, sizeof(v)));
	KT_ASSERT_EQ(0, strcmp(v, "0"));
	KT_ASSERT(cmdline_value(c, "kern.ipc.shm_use_phys", v, sizeof(v)));
	KT_ASSERT_EQ(0, strcmp(v, "1"));
	KT_ASSERT(!cmdline_value(c, "machdep.pmap_mmu", v, sizeof(v)));
	KT_ASSERT(!cmdline_value(c, "bench", v, sizeof(v)));
}

KTEST(cmdline, truncates_long_values_safely)
{
	char v[4];

	KT_ASSERT(cmdline_value("x=123456", "x", v, sizeof(v)));
	KT_ASSERT_EQ(0, strcmp(v, "123"));
}

static int settings_seen;
static char last_name[32];

static void count_setting(const char *name, const char *value)
{
	(void)value;
	settings_seen++;
	strncpy_safe(last_name, name, sizeof(last_name));
}

KTEST(cmdline, visits_every_setting_in_order)
{
	settings_seen = 0;
	cmdline_foreach_setting("a=1 word =bad b=2", count_setting);
	KT_ASSERT_EQ(2, settings_seen);
	KT_ASSERT_EQ(0, strcmp(last_name, "b"));
}
