# The teaching kernel (docs/lessons.md): the knob machdep.pmap_break makes
# the pmap break one rule of docs/correctness.md, and /usr/bin/lesson shows
# what goes wrong. The default and test builds never have the knob (the
# suite `lesson` checks that it is absent from them).
#
#   make teach        $(B)/teach: kernel, initrd and ISO built with TEACH=1;
#                     its only test program is /tests/lesson
#   make teach-run    boots it with the console on this terminal
#   make teach-test   boots it on four CPUs with `selftest` (the kernel's
#                     suites, among them the shootdown suite's readers
#                     with rule 6 of docs/correctness.md broken, then
#                     /tests/lesson: every rule
#                     broken is detected and the same workload passes
#                     unbroken), judged by ktap_check
#
# The build directory follows B (B=/tmp/x builds /tmp/x/teach).

TEACH_B := $(B)/teach

.PHONY: teach teach-run teach-test
teach:
	@$(MAKE) --no-print-directory all B=$(TEACH_B) TEACH=1 TESTS=lesson

teach-run: deps teach
	BUILD_DIR=$(abspath $(TEACH_B)) ./run.sh

teach-test: teach
	@BUILD_DIR=$(abspath $(TEACH_B)) ./run.sh --test --smp 4 --log $(TEACH_B)/test.log || true; \
		tests/ktap_check.sh $(TEACH_B)/test.log
