# The scaling curves: pgbench against clients, up to 256, on a 256 MiB and
# a 2 GiB buffer, on this kernel and on Linux. Included by the top-level
# Makefile (B, RUN; mk/linux.mk's LINUX_CACHE and linux-initramfs). Not
# part of `make bench` (which stays under about 15 minutes) nor of
# `make test`.
#
#   make bench-scale   boots the kernel once, one CPU (`bench scale`: the
#                      scale matrix of user/bin/bench.c: fork mode, writing,
#                      1, 8, 32, 64, 128 and 256 clients on each buffer,
#                      4 KiB pages with sharing on, 2 MiB pages (-L) with
#                      sharing on, and sharing off up to a cap of startup
#                      faults; serial log $(B)/bench-scale.log), then
#                      Debian's Linux once, one CPU, the same pgbench on
#                      4 KiB pages (the same cap) and on SHM_HUGETLB at
#                      every point (tests/linux/bench.c; serial log
#                      $(B)/bench-scale-linux.log); then writes
#                      $(B)/bench-scale.txt (scripts/bench-scale-report.sh)
#                      and the charts $(B)/scale-plots/scale-MIB.png
#                      (scripts/bench-scale-plots.sh). About 2 hours under
#                      TCG on a 2-CPU host (256 clients each checking every
#                      page of 2 GiB take over 10 minutes per run);
#                      BENCH_SCALE_WORDS=quick stops the 2 GiB curves at 64
#                      clients: about 45 minutes (16.5 of them Linux's boot).
#                      The report refuses a boot cut short or a failed run
#                      (and the charts are not drawn);
#                      scripts/bench-scale-report.sh --partial reports such
#                      a run as far as it went, saying what is missing.
#   make results-scale the "Scaling" section of docs/results.md and its
#                      charts in docs/img from the last make bench-scale
#                      (scripts/results-scale.sh)
#   make bench-scale-scripts-test   those scripts on the saved sample logs
#                      in tests/bench/ (part of `make test`)
#
# BENCH_SCALE_MEM (default 6G): the 2 GiB buffer may take half of the free
# memory on 4 KiB pages; Linux's reserve of 2 MiB pages (BENCH_SCALE_HUGEPAGES,
# default 1056: the 1024 of the 2 GiB buffer and headroom) comes out of the
# same memory and leaves Linux's 4 KiB runs the rest. QEMU_WRAP, empty by
# default, is a command put before each boot, e.g. QEMU_WRAP="flock
# /tmp/qemu.lock" to take a lock per boot where other QEMU runs share the
# host.

BENCH_SCALE_MEM ?= 6G
BENCH_SCALE_TIMEOUT ?= 10800
BENCH_SCALE_LINUX_TIMEOUT ?= 7200
BENCH_SCALE_HUGEPAGES ?= 1056
BENCH_SCALE_WORDS ?=
QEMU_WRAP ?=

.PHONY: bench-scale results-scale bench-scale-scripts-test

bench-scale: deps all linux-initramfs
	@scripts/deps.sh $(PLOT_DEPS)
	@echo "bench-scale: boot 1 of 2, this kernel, one CPU; serial log in $(B)/bench-scale.log"
	@$(HEADLESS) $(QEMU_WRAP) env $(RUN) --cmdline "bench scale $(BENCH_SCALE_WORDS)" \
		--mem $(BENCH_SCALE_MEM) --timeout $(BENCH_SCALE_TIMEOUT) \
		--log $(B)/bench-scale.log </dev/null | $(BENCH_PROGRESS) || true
	@echo "bench-scale: boot 2 of 2, Linux, one CPU; serial log in $(B)/bench-scale-linux.log"
	@LINUX_HUGEPAGES=$(BENCH_SCALE_HUGEPAGES) $(QEMU_WRAP) scripts/linux-kernel.sh boot \
		$(LINUX_CACHE) $(LINUX_INITRAMFS) $(B)/bench-scale-linux.log \
		--mem $(BENCH_SCALE_MEM) --timeout $(BENCH_SCALE_LINUX_TIMEOUT) \
		--append "bench scale $(BENCH_SCALE_WORDS)" </dev/null | $(BENCH_PROGRESS) || true
	@scripts/bench-scale-report.sh $(B)/bench-scale.log $(B)/bench-scale-linux.log \
		$(B)/bench-scale.txt
	@scripts/bench-scale-plots.sh $(B)/bench-scale.txt $(B)/scale-plots

results-scale:
	scripts/results-scale.sh $(B) docs/results.md docs/img

bench-scale-scripts-test:
	@scripts/deps.sh $(PLOT_DEPS)
	tests/bench/test_bench_scale_scripts.sh

TEST_PREREQS += bench-scale-scripts-test
