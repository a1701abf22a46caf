# Hostile input and stress (issue 7). Included by the top-level Makefile.
#
#   make fuzz         the host VM fuzzer (libFuzzer) for FUZZ_SECONDS (600);
#                     its corpus grows in $(B)/fuzz/corpus, crashes land in
#                     $(B)/fuzz/ (replay: $(B)/fuzz/vm_fuzz FILE); then
#                     make fuzz-calls
#   make fuzz-calls   boots the kernel on FUZZ_SMP (4) CPUs into FUZZ_ROUNDS
#                     (30) rounds of the system-call fuzzer, /usr/bin/fuzz -p 8
#                     -n 2000 (memory, files, pipes, /proc, signals' masks,
#                     the Linux calls of busybox), each with a fresh seed,
#                     under /usr/bin/soak (a hang gets a thread dump; the
#                     census must come back); console in $(B)/fuzz-calls.log.
#                     A failed round's seed replays it: fuzz -s SEED -p 8
#                     -n 2000. make test runs a short pass (/tests/fuzz_smoke).
#   make fuzz-smoke   the same for FUZZ_SMOKE_SECONDS (20) with a fixed seed
#                     and no corpus; `make test` runs it (TEST_PREREQS)
#   make stress       boots the kernel into the long stress run: init runs
#                     /usr/bin/stress -d STRESS_SECONDS -m flip (600 s) with a
#                     fresh seed, and the run passes only on its clean
#                     report line, which must count exec races too (its
#                     exec-races-thread-exit phase ran); the console is in
#                     $(B)/stress.log. It runs on STRESS_SMP CPUs (default 4).
#                     A watchdog report (kernel/watchdog.h) fails it too.
#   make soak         boots into SOAK_ROUNDS (200) rounds of
#                     `pgbench -m exec -c 60` on SOAK_SMP (4) CPUs under
#                     /usr/bin/soak: each round bounded (a hang prints the
#                     kernel's thread dump), none may draw a watchdog report,
#                     no page may leak; console in $(B)/soak.log.
#
# The fuzzer, tests/fuzz/vm_fuzz.c, is built with clang and
# -fsanitize=fuzzer,address,undefined from the kernel sources the host unit
# tests use (HOST_KSRC of tests/host/host.mk, without their KTEST files)
# and the fake physical memory of tests/host/.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 20
STRESS_SECONDS ?= 600
STRESS_SMP ?= 4
SOAK_ROUNDS ?= 200
SOAK_SMP ?= 4
FUZZ_ROUNDS ?= 30
FUZZ_SMP ?= 4
# Time for the whole soak: a round takes 2 to 3 s under TCG, and soak
# itself ends a round after 120 s.
SOAK_TIMEOUT ?= $$(( $(SOAK_ROUNDS) * 30 + 300 ))

FUZZ_SRC := $(filter-out %_test.c,$(HOST_KSRC)) tests/host/fake.c tests/host/vm_testlib.c \
	tests/fuzz/vm_fuzz.c
FUZZ_OBJS := $(FUZZ_SRC:%.c=$(B)/fuzz/%.o)
FUZZ_BIN := $(B)/fuzz/vm_fuzz
# Kernel code is built as for `make check` (FUZZ_CFLAGS), plus libFuzzer's
# coverage hooks (FUZZ_COV)...
FUZZ_CFLAGS := -std=gnu11 -g -O1 -DHOST_TEST -I. -Wall -Wextra \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -MMD -MP
FUZZ_COV := -fsanitize=fuzzer-no-link
# ...except the page allocator, the heap and the radix tree: their loops
# over frames and tree nodes say nothing about the VM state, and their
# comparison hooks took most of the time of inputs that fill memory (a
# first-fit heap run walks every frame of a full 2 GiB).
FUZZ_NOCOV := mm/page.c mm/kmalloc.c mm/vmobject/vm_radix.c
$(FUZZ_NOCOV:%.c=$(B)/fuzz/%.o): FUZZ_COV :=
# Programs of up to ~150 operations from the start (libFuzzer would grow
# the length slowly, and a short run would only try a few operations).
FUZZ_RUN := -max_len=512 -len_control=0 -timeout=60 -rss_limit_mb=4096 \
	-print_final_stats=1 -artifact_prefix=$(B)/fuzz/

.PHONY: fuzz fuzz-smoke fuzz-deps fuzz-force fuzz-calls stress soak
TEST_PREREQS += fuzz-smoke

# clang, and libFuzzer's runtime, which Debian ships apart from clang
# (libclang-rt-N-dev): its path comes from the clang that is installed.
fuzz-deps:
	@scripts/deps.sh $(FUZZ_CC):clang
	@v=$$($(FUZZ_CC) -dumpversion | cut -d. -f1); \
	scripts/deps.sh "$$($(FUZZ_CC) -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-$$v-dev"

# Objects rebuild when the flags change (as user/user.mk does).
$(B)/fuzz/cflags: fuzz-force
	@mkdir -p $(@D)
	@echo '$(FUZZ_CFLAGS) $(FUZZ_COV) nocov: $(FUZZ_NOCOV)' | cmp -s - $@ || \
		echo '$(FUZZ_CFLAGS) $(FUZZ_COV) nocov: $(FUZZ_NOCOV)' > $@

$(B)/fuzz/%.o: %.c $(B)/fuzz/cflags | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV) -c $< -o $@

$(FUZZ_BIN): $(FUZZ_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^

fuzz: $(FUZZ_BIN)
	@mkdir -p $(B)/fuzz/corpus
	$(FUZZ_BIN) $(FUZZ_RUN) -max_total_time=$(FUZZ_SECONDS) $(B)/fuzz/corpus
	@$(MAKE) --no-print-directory fuzz-calls

# The verdict is soak's last line; each round's fuzz line says its seed.
fuzz-calls: deps all
	@$(RUN) --smp $(FUZZ_SMP) --cmdline "fuzz$(FUZZ_ROUNDS)" \
		--timeout $$(( $(FUZZ_ROUNDS) * 300 + 300 )) --log $(B)/fuzz-calls.log >/dev/null || true
	@tr -d '\r' <$(B)/fuzz-calls.log | grep -E '^(fuzz: seed=.* calls=|soak: (rounds=|round [0-9]+/[0-9]+: )|fuzz: worker)' || true
	@tr -d '\r' <$(B)/fuzz-calls.log | grep -qE \
		'^soak: rounds=$(FUZZ_ROUNDS) passed=$(FUZZ_ROUNDS) failed=0 hung=0 watchdog_reports=0 leaked_pages=0$$' || \
		{ echo "make fuzz-calls: FAILED: see the seeds above and $(B)/fuzz-calls.log"; exit 1; }
	@echo "make fuzz-calls: passed"

fuzz-smoke: $(FUZZ_BIN)
	$(FUZZ_BIN) $(FUZZ_RUN) -seed=1 -max_total_time=$(FUZZ_SMOKE_SECONDS)

# The verdict is stress's last line (its exit status cannot leave QEMU).
stress: deps all
	@$(RUN) --smp $(STRESS_SMP) --cmdline "stress$(STRESS_SECONDS)" --timeout $$(($(STRESS_SECONDS) + 900)) \
		--log $(B)/stress.log || true
	@tr -d '\r' <$(B)/stress.log | grep '^stress: seed=' || true
	@tr -d '\r' <$(B)/stress.log | grep -qE \
		'^stress: seed=[0-9]+ ops=[0-9]+ faults=[0-9]+ checks=[0-9]+ races=[1-9][0-9]* errors=0 leaked_pages=0 verify=ok$$' || \
		{ echo "make stress: FAILED: see the seed above and $(B)/stress.log"; exit 1; }
	@! tr -d '\r' <$(B)/stress.log | grep '^watchdog:' || \
		{ echo "make stress: FAILED: the watchdog reported a hang: see $(B)/stress.log"; exit 1; }
	@echo "make stress: passed"

soak: deps all
	@$(RUN) --smp $(SOAK_SMP) --cmdline "soak$(SOAK_ROUNDS)" --timeout $(SOAK_TIMEOUT) \
		--log $(B)/soak.log >/dev/null || true
	@tr -d '\r' <$(B)/soak.log | grep -E '^soak: (rounds=|round [0-9]+:)' || true
	@tr -d '\r' <$(B)/soak.log | grep -qE \
		'^soak: rounds=$(SOAK_ROUNDS) passed=$(SOAK_ROUNDS) failed=0 hung=0 watchdog_reports=0 leaked_pages=0$$' || \
		{ echo "make soak: FAILED: see $(B)/soak.log"; exit 1; }
	@echo "make soak: passed"

-include $(FUZZ_OBJS:.o=.d)
