# Benchmarks and pictures. Included by the top-level Makefile, which
# defines B, RUN and TEST_PREREQS; the Linux boot uses mk/linux.mk's kernel
# and initramfs (LINUX_CACHE, linux-initramfs).
#
#   make bench     boots the kernel twice (init runs /usr/bin/bench,
#                  user/bin/bench.c, with the boot words as arguments),
#                  then Linux once:
#                  1. one CPU, `bench`: the pgbench matrix (4 KiB and
#                     2 MiB pages), fork latency with 64 MiB, 1 GiB and
#                     4 GiB mapped, the 64 MiB and 1 GiB teardowns; 7 to
#                     11 minutes under TCG; serial log $(B)/bench.log;
#                  2. four CPUs (--smp 4), `bench smp`: a short pgbench
#                     matrix whose clients run on every CPU (8 clients on
#                     64 MiB in each mode: fork, exec, thread, mmap;
#                     sharing off and on), fork latency and the teardowns
#                     with busy threads on the other CPUs, counting TLB
#                     shootdown IPIs; under 2 minutes under TCG; serial
#                     log $(B)/bench-smp4.log;
#                  3. Debian's Linux 6.1 (the kernel of make test-linux, in
#                     the same QEMU, on one CPU with BENCH_MEM, with
#                     BENCH_HUGEPAGES 2 MiB pages reserved), `bench`: its
#                     /init (tests/linux/bench.c) runs the same /usr/bin/pgbench
#                     on the Linux rows of the matrix, on 4 KiB pages and on
#                     SHM_HUGETLB; about 5 minutes under TCG; serial log
#                     $(B)/bench-linux.log;
#                  then writes $(B)/bench.txt (the 4-CPU result lines carry
#                  cpus=4, Linux's kernel=linux) and prints the comparison
#                  tables, Linux's beside the one-CPU boot's
#                  (scripts/bench-report.sh). 10 min 49 s in all, build
#                  included, under QEMU 7.2 TCG on a 2-CPU host before
#                  the 2 MiB rows; 7 min 12 s with them (and the -T
#                  timeline counted by the kernel) on the same kind of host,
#                  before the Linux boot; 14 min 39 s with it on a 2-CPU
#                  Xeon host, kernel already built (the Linux boot's
#                  matrix ran 4 min 4 s).
#   make plots     $(B)/bench.txt -> PNG charts in $(B)/plots/ (gnuplot;
#                  the one-CPU results)
#   make ptgraph   boots with `ptgraph` (init runs `demo --dot`) and draws
#                  the two clients' page-table graph, with a legend, as
#                  $(B)/ptgraph.svg and $(B)/ptgraph.png (scripts/ptgraph.sh)
#   make bench-scripts-test   the report, plot and graph scripts on the
#                  saved samples in tests/bench/ (part of `make test`)
#
# BENCH_MEM (default 6G) is the guest's memory in all three boots: the 1 GiB
# rows need 3 GiB, the fork latency with a 4 GiB segment (on 2 MiB pages)
# the rest. BENCH_HUGEPAGES (default 544: the 512 of the 1 GiB row on
# 2 MiB pages, plus headroom) is Linux's reserve of 2 MiB pages, the only
# memory SHM_HUGETLB takes, out of BENCH_MEM. BENCH_TIMEOUT,
# BENCH_SMP_TIMEOUT and BENCH_LINUX_TIMEOUT bound the three boots.
# The boots clear DISPLAY so that QEMU never opens a window; they end with
# a poweroff, which QEMU reports as status 0 (run.sh --bench would call that
# a triple fault), so the scripts judge the logs instead. Linux's /init ends
# its boot through isa-debug-exit: status 33 when every run passed.

BENCH_MEM ?= 6G
BENCH_TIMEOUT ?= 1500
BENCH_SMP_TIMEOUT ?= 300
BENCH_LINUX_TIMEOUT ?= 900
BENCH_HUGEPAGES ?= 544
PLOT_DEPS := gnuplot:gnuplot-nox dot:graphviz
HEADLESS := DISPLAY= WAYLAND_DISPLAY=
BENCH_PROGRESS := grep --line-buffered -E '^bench: kind=(start|run|status|skip|done)'

.PHONY: bench plots ptgraph bench-scripts-test results

bench: deps all linux-initramfs
	@echo "bench: boot 1 of 3, one CPU, 7 to 11 minutes under TCG; serial log in $(B)/bench.log"
	@$(HEADLESS) $(RUN) --cmdline bench --mem $(BENCH_MEM) --timeout $(BENCH_TIMEOUT) \
		--log $(B)/bench.log </dev/null | $(BENCH_PROGRESS) || true
	@echo "bench: boot 2 of 3, four CPUs, under 2 minutes under TCG; serial log in $(B)/bench-smp4.log"
	@$(HEADLESS) $(RUN) --smp 4 --cmdline "bench smp" --mem $(BENCH_MEM) \
		--timeout $(BENCH_SMP_TIMEOUT) --log $(B)/bench-smp4.log </dev/null | \
		$(BENCH_PROGRESS) || true
	@echo "bench: boot 3 of 3, Linux, one CPU, about 5 minutes under TCG; serial log in $(B)/bench-linux.log"
	@LINUX_HUGEPAGES=$(BENCH_HUGEPAGES) scripts/linux-kernel.sh boot $(LINUX_CACHE) \
		$(LINUX_INITRAMFS) $(B)/bench-linux.log --mem $(BENCH_MEM) \
		--timeout $(BENCH_LINUX_TIMEOUT) --append bench </dev/null | $(BENCH_PROGRESS) || true
	@scripts/bench-report.sh --linux $(B)/bench-linux.log $(B)/bench.log $(B)/bench.txt \
		$(B)/bench-smp4.log

plots:
	@scripts/deps.sh $(PLOT_DEPS)
	scripts/bench-plots.sh $(B)/bench.txt $(B)/plots

ptgraph: deps all
	@scripts/deps.sh $(PLOT_DEPS)
	@$(HEADLESS) $(RUN) --cmdline ptgraph --timeout 300 --log $(B)/ptgraph.log \
		</dev/null >/dev/null || true
	scripts/ptgraph.sh $(B)/ptgraph.log $(B)/ptgraph.svg

bench-scripts-test:
	@scripts/deps.sh $(PLOT_DEPS)
	tests/bench/test_bench_scripts.sh

TEST_PREREQS += bench-scripts-test

# The results page: docs/results.md and its charts from the last make bench.
results: plots
	scripts/results-page.sh $(B) docs/results.md docs/img
