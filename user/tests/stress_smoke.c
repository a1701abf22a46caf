/*
 * Test suite "stress_smoke": /usr/bin/stress with fixed seeds, a few seconds in
 * each mode: page-table sharing off, on, and flipped at random while the
 * workers run; each run has its exec-race phase beside the workers.
 *
 * /usr/bin/stress checks itself: it exits 0 only when no data check failed, no
 * call gave an unexpected result, every worker ended normally, pmap_verify()
 * was clean after every round and at the end, and the free pages, VM
 * objects and shm segments came back (see user/bin/stress.c).
 */
#include "utest.h"

/* Runs /usr/bin/stress -s seed -n ops -m mode; fails unless it exits 0 in time. */
static void run_stress(const char *seed, const char *ops, const char *mode)
{
	char *argv[] = { "stress", "-s", (char *)seed, "-n", (char *)ops, "-m", (char *)mode, NULL };

	ut_run_ok("/usr/bin/stress", argv);
}

UTEST(stress_sharing_off)
{
	UT_NEEDS_OWN_KERNEL("/usr/bin/stress checks its counters and pmap_verify");
	run_stress("11", "1500", "off");
}

UTEST(stress_sharing_on)
{
	UT_NEEDS_OWN_KERNEL("/usr/bin/stress checks its counters and pmap_verify");
	run_stress("12", "1500", "on");
}

UTEST(stress_sharing_flipping)
{
	UT_NEEDS_OWN_KERNEL("/usr/bin/stress checks its counters and pmap_verify");
	run_stress("13", "1500", "flip");
}

int main(int argc, char **argv)
{
	return utest_main("stress_smoke", argc, argv);
}
