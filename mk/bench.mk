# Benchmarks and pictures. Included by the top-level Makefile, which
# defines B, RUN and TEST_PREREQS.
#
#   make bench     boots the kernel once with `bench` (init runs /bin/bench,
#                  user/bin/bench.c: the pgbench matrix, fork latency, 1 GiB
#                  teardown; about 7 minutes under TCG), keeps the serial
#                  log in $(B)/bench.log, writes $(B)/bench.txt and prints
#                  the comparison table (scripts/bench-report.sh)
#   make plots     $(B)/bench.txt -> PNG charts in $(B)/plots/ (gnuplot)
#   make ptgraph   boots with `ptgraph` (init runs `demo --dot`) and renders
#                  the two clients' page-table graph to $(B)/ptgraph.svg
#   make bench-scripts-test   the report, plot and graph scripts on the
#                  saved samples in tests/bench/ (part of `make test`)
#
# BENCH_MEM (default 3G) is the guest's memory: the 1 GiB rows need it.
# The boots clear DISPLAY so that QEMU never opens a window; they end with
# a poweroff, which QEMU reports as status 0 (run.sh --bench would call that
# a triple fault), so the scripts judge the log instead.

BENCH_MEM ?= 3G
BENCH_TIMEOUT ?= 1500
PLOT_DEPS := gnuplot:gnuplot-nox dot:graphviz
HEADLESS := DISPLAY= WAYLAND_DISPLAY=

.PHONY: bench plots ptgraph bench-scripts-test

bench: deps all
	@echo "bench: one boot, about 7 minutes under TCG; serial log in $(B)/bench.log"
	@$(HEADLESS) $(RUN) --cmdline bench --mem $(BENCH_MEM) --timeout $(BENCH_TIMEOUT) \
		--log $(B)/bench.log </dev/null | \
		grep --line-buffered -E '^bench: kind=(start|run|status|skip|done)' || true
	@scripts/bench-report.sh $(B)/bench.log $(B)/bench.txt

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
