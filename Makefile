# Build, run and test the teaching kernel.
#
#   make          build/kernel.elf, build/initrd.tar and the bootable build/os.iso
#   make run      boot it in QEMU (TCG) with the console on this terminal
#   make test     host unit tests + boot self-tests (KTAP over serial), and
#                 the user-space suites on Linux (make test-linux)
#   make check    host-side checks only, no boot: the unit tests, the layering
#                 of mm/pmap/ (mk/pmap-layers.mk), the paths cited by the
#                 docs and comments (mk/doc-paths.mk), the list of programs
#                 (mk/programs.mk) and that no user program carries its own
#                 copy of a libc function (mk/libc-copies.mk)
#   make teach    the teaching kernel in $(B)/teach: machdep.pmap_break breaks a
#                 rule of docs/correctness.md on purpose (mk/teach.mk)
#   make debug    QEMU paused with a gdb stub; `make gdb` attaches gdb with the
#                 page-table commands (mk/gdb.mk, docs/debugging.md)
#   make clean
#
# make predefines CC, so the kernel compiler is KCC: x86_64-elf-gcc when it is
# installed, else the host gcc with the freestanding flag set below.

KCC  ?= $(shell command -v x86_64-elf-gcc 2>/dev/null || echo gcc)
KLD  ?= $(shell command -v x86_64-elf-ld 2>/dev/null || echo ld)
KNM  ?= $(shell command -v x86_64-elf-nm 2>/dev/null || echo nm)
NASM ?= nasm
HOST_CC ?= gcc
B := build

# KDEBUG=1 (the default, and what `make test` checks) compiles in the debug
# checks (lock order, interrupt state) and the test hooks (debug.* sysctls
# that widen race windows); KDEBUG=0 builds a kernel without either.
KDEBUG ?= 1

# TEACH=1 (only `make teach`, mk/teach.mk) compiles in machdep.pmap_break,
# the knob that makes the pmap break one correctness rule on purpose.
TEACH ?= 0

KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -I. -DKDEBUG=$(KDEBUG) -DTEACH=$(TEACH) \
	-ffreestanding -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -fcf-protection=none \
	-fno-omit-frame-pointer -fno-strict-aliasing -fno-builtin -MMD -MP
KLDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack -T linker.ld

# Every C file of the kernel directories is kernel code (tests included:
# *_test.c files hold KTEST cases that run when booted with `selftest`).
KDIRS  := kernel mm mm/pmap mm/vmobject ipc/shm fs
KCSRC  := $(foreach d,$(KDIRS),$(wildcard $(d)/*.c))
KASRC  := $(wildcard boot/*.asm kernel/*.asm)
KOBJS  := $(KCSRC:%.c=$(B)/k/%.o) $(KASRC:%.asm=$(B)/k/%.o)

.PHONY: all run test check debug clean deps bench console-test
all: $(B)/kernel.elf $(B)/initrd.tar $(B)/os.iso

# Fragments add their own targets; TEST_PREREQS collects host-side checks
# that `make test` runs before booting (e.g. tests of the plot scripts).
TEST_PREREQS :=
include user/user.mk
include tests/host/host.mk
include $(wildcard mk/*.mk)

$(B)/k/%.o: %.c
	@mkdir -p $(@D)
	$(KCC) $(KCFLAGS) -c $< -o $@

$(B)/k/%.o: %.asm
	@mkdir -p $(@D)
	$(NASM) -f elf64 -g -F dwarf -MD $(@:.o=.d) $< -o $@

# Two-pass link: the symbol table used by panic() backtraces is generated from
# the first link and placed after .text, so adding it moves no function.
$(B)/kernel.elf: $(KOBJS) linker.ld scripts/gensyms.sh
	@mkdir -p $(B)
	scripts/gensyms.sh /dev/null > $(B)/ksyms0.c
	$(KCC) $(KCFLAGS) -c $(B)/ksyms0.c -o $(B)/ksyms0.o
	$(KLD) $(KLDFLAGS) -o $(B)/kernel.pass1 $(KOBJS) $(B)/ksyms0.o
	$(KNM) -n $(B)/kernel.pass1 > $(B)/kernel.pass1.sym
	scripts/gensyms.sh $(B)/kernel.pass1.sym > $(B)/ksyms.c
	$(KCC) $(KCFLAGS) -c $(B)/ksyms.c -o $(B)/ksyms.o
	$(KLD) $(KLDFLAGS) -Map=$(B)/kernel.map -o $@ $(KOBJS) $(B)/ksyms.o
	$(KNM) -n $@ > $(B)/kernel.sym
	@scripts/gensyms.sh $(B)/kernel.sym | cmp -s - $(B)/ksyms.c || \
		{ echo "kernel.elf: symbol table moved between link passes"; rm -f $@; exit 1; }

# One image for both firmwares: grub-mkrescue puts in a boot image for each
# platform whose GRUB modules are installed (grub-pc-bin: BIOS,
# grub-efi-amd64-bin: UEFI) and makes it a hybrid that also boots from a USB
# stick (docs/real-hardware.md). It leaves a platform out without a word,
# so the El Torito catalogue is checked for both.
$(B)/os.iso: $(B)/kernel.elf $(B)/initrd.tar boot/grub.cfg
	@rm -rf $(B)/iso && mkdir -p $(B)/iso/boot/grub
	cp $(B)/kernel.elf $(B)/initrd.tar $(B)/iso/boot/
	cp boot/grub.cfg $(B)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(B)/iso 2>$(B)/grub-mkrescue.log || { cat $(B)/grub-mkrescue.log; exit 1; }
	@xorriso -indev $@ -report_el_torito plain 2>/dev/null | grep -q 'boot img.* BIOS ' && \
	 xorriso -indev $@ -report_el_torito plain 2>/dev/null | grep -q 'boot img.* UEFI ' || \
		{ echo "$@: no BIOS or no UEFI boot image (scripts/deps.sh installs grub-pc-bin and grub-efi-amd64-bin)"; \
		  rm -f $@; exit 1; }

deps:
	@scripts/deps.sh

RUN := BUILD_DIR=$(abspath $(B)) ./run.sh

run: deps all
	$(RUN)

debug: deps all
	$(RUN) --gdb

# The boot self-test: the runner's own tests, host unit tests, then the kernel
# booted with `selftest`; the verdict comes from tests/ktap_check.sh (QEMU's
# raw status, saved by run.sh in test.log.status, plus a complete KTAP report),
# never from QEMU's exit status alone.
# It boots three times: with the defaults (sharing on, one CPU), with
# machdep.pmap_mmu_optimize=0 (the baseline must stay correct), and on four
# CPUs (where shared tables need TLB shootdowns); then through UEFI firmware
# (OVMF) with `quicktest`: the kernel's own suites on the framebuffer
# console, then an ACPI power-off, judged by tests/uefi_check.sh (under a
# minute); then with busybox's ash typed at through the serial console
# (make console-test, about a minute); then once more under gdb to test its page-table commands (make
# gdb-test, mk/gdb.mk, a few seconds); then the teaching kernel once with its
# lessons (make teach-test, mk/teach.mk); then it boots Linux with the same
# user-space suites (make test-linux, mk/linux.mk), judged the same way.
test: deps check $(TEST_PREREQS)
	tests/runner/test_ktap_check.sh
	tests/runner/test_uefi_check.sh
	$(MAKE) all
	@$(RUN) --test --log $(B)/test.log || true; tests/ktap_check.sh $(B)/test.log
	@$(RUN) --test --cmdline "selftest machdep.pmap_mmu_optimize=0" \
		--log $(B)/test-baseline.log || true; tests/ktap_check.sh $(B)/test-baseline.log
	@$(RUN) --test --smp 4 --log $(B)/test-smp4.log || true; tests/ktap_check.sh $(B)/test-smp4.log
	@DISPLAY= WAYLAND_DISPLAY= $(RUN) --uefi --cmdline quicktest --timeout 300 \
		--log $(B)/test-uefi.log </dev/null || true; tests/uefi_check.sh $(B)/test-uefi.log
	@$(MAKE) --no-print-directory console-test
	@$(MAKE) --no-print-directory gdb-test
	@$(MAKE) --no-print-directory teach-test
	@$(MAKE) --no-print-directory test-linux

# Busybox's ash at the console, driven from the host through QEMU's serial
# port (tests/console/console_test.py): typed command lines, the up arrow,
# Ctrl-C, ipcs/ipcrm, sysctl -w, free, ps, a NULL read. About a minute.
console-test: deps all
	@tests/console/console_test.py $(B) $(B)/console.log

clean:
	rm -rf $(B)

-include $(KOBJS:.o=.d)
