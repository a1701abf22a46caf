/*
 * Test suite "lesson": the teaching knob machdep.pmap_break and /usr/bin/lesson
 * (docs/lessons.md). On a teach kernel (`make teach`; uname's version says
 * "teach build") every rule that a workload or the checker can show must
 * be detected when broken, and the same workload must pass with the rule
 * kept: `lesson -q RULE` exits 0 only then. On any other kernel of this
 * project the knob must be absent (-ENOENT) and lesson must say so and
 * exit 3. An unknown rule is refused with the list of rules, everywhere.
 */
#include <sys/utsname.h>

#include "uapi/pmap_break.h"
#include "utest.h"

#define OUT_LEN 8192

static char out[OUT_LEN];

/* Is this kernel a teach build? */
static bool teach_build(void)
{
	struct utsname u;

	return uname(&u) == 0 && strstr(u.version, "teach build") != NULL;
}

/* Runs /usr/bin/lesson with argv; returns its exit status (-1: not a plain exit). */
static int run_lesson(char *const argv[])
{
	return ut_run_capture("/usr/bin/lesson", argv, NULL, out, OUT_LEN);
}

UTEST(the_knob_exists_only_in_a_teach_build)
{
	long v;

	UT_NEEDS_OWN_KERNEL("machdep.pmap_break is this kernel's knob");
	if (teach_build()) {
		UT_ASSERT_EQ(0, sysctl_get("machdep.pmap_break", &v));
		UT_ASSERT_EQ(0, v);
		UT_ASSERT_EQ(-EINVAL, sysctl_set("machdep.pmap_break", RULE_COUNT));
	} else {
		UT_ASSERT_EQ(-ENOENT, sysctl_get("machdep.pmap_break", &v));
		UT_ASSERT_EQ(-ENOENT, sysctl_set("machdep.pmap_break", 1));
		UT_ASSERT_EQ(-ENOENT, sysctl_get("machdep.pmap_break_hits", &v));
	}
}

UTEST(an_unknown_rule_is_refused_with_the_list)
{
	UT_ASSERT_EQ(2, run_lesson((char *[]){ "lesson", "nosuch", NULL }));
	UT_ASSERT(strstr(out, "no such rule") && strstr(out, "1 offset") &&
	          strstr(out, "8 teardown"));
	UT_ASSERT_EQ(2, run_lesson((char *[]){ "lesson", "9", NULL }));
	UT_ASSERT_EQ(2, run_lesson((char *[]){ "lesson", NULL }));
}

/*
 * Rule `rule` broken is detected and kept passes (teach build), or lesson
 * explains that the knob is missing (any other build).
 */
static void lesson_case(const char *rule)
{
	int r = run_lesson((char *[]){ "lesson", "-q", (char *)rule, NULL });

	if (!teach_build()) {
		UT_ASSERT_EQ(3, r);
		UT_ASSERT(strstr(out, "no machdep.pmap_break") && strstr(out, "make teach"));
		return;
	}
	if (r != 0 || !strstr(out, "detected; kept: clean"))
		UT_FAIL("lesson %s: status %d; output: %.400s", rule, r, out);
}

UTEST(rule_1_offset_keyed_tables)
{
	UT_NEEDS_OWN_KERNEL("the knob is this kernel's");
	lesson_case("offset");
}

UTEST(rule_2_whole_segments_only)
{
	UT_NEEDS_OWN_KERNEL("the knob is this kernel's");
	lesson_case("segments");
}

UTEST(rule_3_rights_on_the_link)
{
	UT_NEEDS_OWN_KERNEL("the knob is this kernel's");
	lesson_case("rights");
}

UTEST(rule_4_links_are_counted)
{
	UT_NEEDS_OWN_KERNEL("the knob is this kernel's");
	lesson_case("count");
}

UTEST(rule_5_unlinking_flushes)
{
	UT_NEEDS_OWN_KERNEL("the knob is this kernel's");
	lesson_case("unlink");
}

UTEST(rule_7_free_after_the_flush_by_its_counter)
{
	UT_NEEDS_OWN_KERNEL("the knob is this kernel's");
	lesson_case("free");
}

UTEST(rule_8_teardown_cost_by_its_counter)
{
	UT_NEEDS_OWN_KERNEL("the knob is this kernel's");
	lesson_case("teardown");
}

int main(int argc, char **argv)
{
	return utest_main("lesson", argc, argv);
}
