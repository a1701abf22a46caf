/*
 * In-kernel (and host) unit tests.
 *
 *   KTEST(pmm, alloc_then_free_restores_count) {
 *           size_t before = page_free_count();
 *           ...
 *           KT_ASSERT_EQ(before, page_free_count());
 *   }
 *
 * Each KTEST places a descriptor in the "ktests" linker section; the runner
 * walks the section, so there is no hand-kept list. Tests of one suite must
 * sit in one source file; they run in source order. A failed assertion reports file:line and the values,
 * marks the test failed and returns from the test function; the run goes on.
 *
 * The same header builds for the host (HOST_TEST), where tests/host/main.c
 * walks the section.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include "kernel/types.h"

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(void);
	int line;          /* cases of a suite run in source order */
};

#define KTEST(suite, name)                                                   \
	static void ktest_fn_##suite##_##name(void);                         \
	static const struct ktest ktest_desc_##suite##_##name                \
	    __attribute__((used, section("ktests"), aligned(8))) =           \
		{ #suite, #name, ktest_fn_##suite##_##name, __LINE__ };                 \
	static void ktest_fn_##suite##_##name(void)

/*
 * The case of [first, end) (one suite) with the smallest source line above
 * `after`, or NULL: runners iterate with after = 0, then the last line.
 */
const struct ktest *ktest_next_in_order(const struct ktest *first,
                                        const struct ktest *end, int after);

/* Records a failure of the running test; prints a KTAP diagnostic line. */
void ktest_fail(const char *file, int line, const char *fmt, ...);

#define KT_ASSERT(expr)                                                      \
	do {                                                                 \
		if (!(expr)) {                                               \
			ktest_fail(__FILE__, __LINE__, "KT_ASSERT(%s)", #expr); \
			return;                                              \
		}                                                            \
	} while (0)

#define KT_ASSERT_EQ(expected, actual)                                       \
	do {                                                                 \
		long long kt_e_ = (long long)(expected);                     \
		long long kt_a_ = (long long)(actual);                       \
		if (kt_e_ != kt_a_) {                                        \
			ktest_fail(__FILE__, __LINE__,                       \
			    "KT_ASSERT_EQ(%s, %s): expected %lld (0x%llx), got %lld (0x%llx)", \
			    #expected, #actual, kt_e_, kt_e_, kt_a_, kt_a_); \
			return;                                              \
		}                                                            \
	} while (0)

#define KT_ASSERT_NE(unexpected, actual)                                     \
	do {                                                                 \
		long long kt_e_ = (long long)(unexpected);                   \
		long long kt_a_ = (long long)(actual);                       \
		if (kt_e_ == kt_a_) {                                        \
			ktest_fail(__FILE__, __LINE__,                       \
			    "KT_ASSERT_NE(%s, %s): both are %lld (0x%llx)",  \
			    #unexpected, #actual, kt_a_, kt_a_);             \
			return;                                              \
		}                                                            \
	} while (0)

#endif
