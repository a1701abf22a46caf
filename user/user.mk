# User space: the tiny libc, the programs and the initrd.
#
# Included by the top-level Makefile (include user/user.mk); all paths are
# relative to the repository root. Every user/bin/NAME.c becomes the program
# /bin/NAME and every user/tests/NAME.c the test program /tests/NAME, each one
# static ELF64 linked at 0x400000 (user/user.ld) against $(B)/user/libc.a.
#
#   $(B)/user/libc.a         user/lib/*.c and *.S except crt0.S
#   $(B)/user/crt0.o         _start, linked first into every program
#   $(B)/user/bin/NAME       linked program with debug info (for gdb)
#   $(B)/initrd/bin/NAME     the same, debug info stripped, goes in the initrd
#   $(B)/initrd/tests/NAME   test programs, likewise
#   $(B)/user/musl/NAME      user/musl/NAME.c built with musl-gcc -static,
#                            stripped into $(B)/initrd/tests/NAME
#   $(B)/initrd/etc/motd     copied from user/etc/motd
#   $(INITRD)                ustar archive of $(B)/initrd: files only, sorted
#
# Variables for the top-level Makefile: INITRD, USER_PROGS, USER_TEST_PROGS,
# USER_CC, USER_CFLAGS. Targets: $(INITRD), userprogs, user-clean.

B ?= build

USER_CC ?= gcc
USER_AR ?= ar
USER_STRIP ?= strip

# User code may use the x87 and SSE registers, as every x86-64 program
# does (gcc vectorizes plain code with SSE at -O2): the kernel enables them
# and keeps them per thread (kernel/fpu.h). USER_SSE=0 builds with general
# registers only.
USER_SSE ?= 1
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
	-fno-pic -fno-pie -no-pie -static -nostdlib -fno-stack-protector \
	-fcf-protection=none -fno-builtin -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fno-tree-loop-distribute-patterns -I. -Iuser/lib \
	$(if $(filter 0,$(USER_SSE)),-mgeneral-regs-only)
USER_LDFLAGS := -Wl,-T,user/user.ld -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,-z,noexecstack

USER_LIB_SRCS := $(wildcard user/lib/*.c) $(filter-out user/lib/crt0.S,$(wildcard user/lib/*.S))
USER_LIB_OBJS := $(patsubst user/lib/%,$(B)/user/lib/%.o,$(USER_LIB_SRCS))
USER_LIBC := $(B)/user/libc.a
USER_CRT0 := $(B)/user/crt0.o

USER_PROG_NAMES := $(sort $(basename $(notdir $(wildcard user/bin/*.c))))
USER_TEST_NAMES := $(sort $(basename $(notdir $(wildcard user/tests/*.c))))
USER_PROGS := $(USER_PROG_NAMES:%=$(B)/initrd/bin/%)
USER_TEST_PROGS := $(USER_TEST_NAMES:%=$(B)/initrd/tests/%)
USER_ETC := $(patsubst user/etc/%,$(B)/initrd/etc/%,$(wildcard user/etc/*))

USER_ELFS := $(USER_PROG_NAMES:%=$(B)/user/bin/%) $(USER_TEST_NAMES:%=$(B)/user/tests/%)
USER_OBJS := $(USER_LIB_OBJS) $(USER_CRT0) $(USER_ELFS:%=%.o)

# Test programs built against musl (`musl-gcc -static`, Debian's
# musl-tools), the C library the programs move to: user/musl/NAME.c becomes
# the test program /tests/NAME, an ordinary static Linux program.
MUSL_CC ?= musl-gcc
MUSL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -static
USER_MUSL_NAMES := $(sort $(basename $(notdir $(wildcard user/musl/*.c))))
USER_MUSL_PROGS := $(USER_MUSL_NAMES:%=$(B)/initrd/tests/%)

INITRD_FILES := $(USER_PROGS) $(USER_TEST_PROGS) $(USER_MUSL_PROGS) $(USER_ETC)
INITRD := $(B)/initrd.tar

.PHONY: userprogs user-clean user-force
userprogs: $(INITRD)

# Objects. -MMD records every header a file includes (uapi/, user/lib/), so a
# header change rebuilds exactly what uses it; $(B)/user/cflags changes (and
# everything rebuilds) when USER_CFLAGS does.
$(B)/user/cflags: user-force
	@mkdir -p $(@D)
	@echo '$(USER_CFLAGS)' | cmp -s - $@ || echo '$(USER_CFLAGS)' > $@

$(USER_OBJS): $(B)/user/cflags

$(filter %.c.o,$(USER_LIB_OBJS)): $(B)/user/lib/%.c.o: user/lib/%.c
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(filter %.S.o,$(USER_LIB_OBJS)): $(B)/user/lib/%.S.o: user/lib/%.S
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_CRT0): user/lib/crt0.S
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_ELFS:%=%.o): $(B)/user/%.o: user/%.c
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_LIBC): $(USER_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(USER_AR) rcs $@ $^

# Programs: crt0 first, then the program, then the library and libgcc.
$(USER_ELFS): %: %.o $(USER_CRT0) $(USER_LIBC) user/user.ld
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(USER_LIBC) -lgcc

$(USER_TEST_PROGS): $(B)/initrd/tests/%: $(B)/user/tests/%
	@mkdir -p $(@D)
	$(USER_STRIP) --strip-debug -o $@ $<

$(B)/user/musl/%: user/musl/%.c
	@mkdir -p $(@D)
	$(MUSL_CC) $(MUSL_CFLAGS) -MMD -MP -o $@ $<

$(USER_MUSL_PROGS): $(B)/initrd/tests/%: $(B)/user/musl/%
	@mkdir -p $(@D)
	$(USER_STRIP) --strip-debug -o $@ $<

$(USER_PROGS): $(B)/initrd/bin/%: $(B)/user/bin/%
	@mkdir -p $(@D)
	$(USER_STRIP) --strip-debug -o $@ $<

$(USER_ETC): $(B)/initrd/etc/%: user/etc/%
	@mkdir -p $(@D)
	cp $< $@

# The list of initrd files, rewritten only when it changes, so that deleting
# a program's source also rebuilds the archive.
$(B)/user/initrd.list: user-force
	@mkdir -p $(@D)
	@echo '$(INITRD_FILES)' | cmp -s - $@ || echo '$(INITRD_FILES)' > $@

# The archive holds exactly INITRD_FILES: stale files in $(B)/initrd (whose
# source is gone) are deleted first. Only regular files go in (no directory
# entries), sorted by name, so /tests/ programs run in name order.
$(INITRD): $(INITRD_FILES) $(B)/user/initrd.list
	@mkdir -p $(B)/initrd
	@find $(B)/initrd -type f $(foreach f,$(INITRD_FILES),! -path $(f)) -print -delete
	tar --format=ustar --no-recursion --owner=0 --group=0 --numeric-owner \
	    --mtime=@0 -cf $@ -C $(B)/initrd $(sort $(INITRD_FILES:$(B)/initrd/%=%))

user-clean:
	rm -rf $(B)/user $(B)/initrd $(INITRD)

-include $(USER_OBJS:.o=.d) $(USER_MUSL_NAMES:%=$(B)/user/musl/%.d)
