# User space: the programs and the initrd.
#
# Included by the top-level Makefile (include user/user.mk); all paths are
# relative to the repository root. Every user/bin/NAME.c becomes the program
# /bin/NAME and every user/tests/NAME.c the test program /tests/NAME: an
# ordinary static Linux program, built with musl-gcc -static (Debian's
# musl-tools) against musl and the project's own library, which runs
# unchanged on this kernel and on Linux.
#
#   $(B)/user/libown.a       user/lib/*.c and *.S: the project's own calls,
#                            the raw calls of the tests, the test harness
#   $(B)/user/bin/NAME       linked program with debug info (for gdb)
#   $(B)/initrd/bin/NAME     the same, debug info stripped, goes in the initrd
#   $(B)/initrd/tests/NAME   test programs, likewise
#   $(B)/initrd/etc/NAME     copied from user/etc/NAME: motd, programs
#   $(B)/user/gen/etc_text.h user/etc/programs and motd as C data, for
#                            user/lib/programs.c (sh's help, /bin/programs,
#                            init's banner: the kernel cannot open files yet)
#   $(B)/initrd/etc/fstest/  what the file-system tests read: a file and
#                            symbolic links of every kind (FSTEST_LINKS)
#   $(INITRD)                ustar archive of $(B)/initrd, sorted: its
#                            directories, files and symbolic links
#
# Variables for the top-level Makefile: INITRD, USER_PROGS, USER_TEST_PROGS,
# USER_CC, USER_CFLAGS, USER_LIBOWN. Targets: $(INITRD), userprogs, user-clean.

B ?= build

USER_CC ?= musl-gcc
USER_AR ?= ar
USER_STRIP ?= strip

# _GNU_SOURCE: musl's declarations of Linux's own flags and structures
# (MAP_HUGETLB, SHM_HUGETLB, struct shm_info, ...).
USER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -static -D_GNU_SOURCE \
	-fno-asynchronous-unwind-tables -I. -Iuser/lib -I$(B)/user/gen

USER_LIB_SRCS := $(wildcard user/lib/*.c) $(wildcard user/lib/*.S)
USER_LIB_OBJS := $(patsubst user/lib/%,$(B)/user/lib/%.o,$(USER_LIB_SRCS))
USER_LIBOWN := $(B)/user/libown.a

USER_PROG_NAMES := $(sort $(basename $(notdir $(wildcard user/bin/*.c))))
USER_TEST_NAMES := $(sort $(basename $(notdir $(wildcard user/tests/*.c))))
# TESTS=NAME...: only those test programs (the teaching build, mk/teach.mk).
ifneq ($(TESTS),)
USER_TEST_NAMES := $(filter $(TESTS),$(USER_TEST_NAMES))
endif
USER_PROGS := $(USER_PROG_NAMES:%=$(B)/initrd/bin/%)
USER_TEST_PROGS := $(USER_TEST_NAMES:%=$(B)/initrd/tests/%)
USER_ETC := $(patsubst user/etc/%,$(B)/initrd/etc/%,$(wildcard user/etc/*))

USER_ELFS := $(USER_PROG_NAMES:%=$(B)/user/bin/%) $(USER_TEST_NAMES:%=$(B)/user/tests/%)
USER_OBJS := $(USER_LIB_OBJS) $(USER_ELFS:%=%.o)

# /etc/fstest: one file and symbolic links, NAME:TARGET, for user/tests/fs.c:
# relative, absolute, to a directory, dangling, and one that loops.
FSTEST := $(B)/initrd/etc/fstest
FSTEST_LINKS := link:hello abs:/etc/motd up:.. bin:/bin dangling:missing loop:loop
FSTEST_LINK_PATHS := $(foreach l,$(FSTEST_LINKS),$(FSTEST)/$(firstword $(subst :, ,$(l))))

INITRD_FILES := $(USER_PROGS) $(USER_TEST_PROGS) $(USER_ETC) $(FSTEST)/hello $(FSTEST_LINK_PATHS)
# Directories go in the archive too, with their modes; dev and tmp are
# where the kernel mounts /dev and /tmp (it makes them if they are missing).
INITRD_DIRS := bin dev etc etc/fstest tests tmp
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

$(USER_ELFS:%=%.o): $(B)/user/%.o: user/%.c
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

# The list of programs and the motd, compiled in. scripts/programs.sh
# refuses a malformed list here; `make check` also holds it to the sources
# and to README.md (mk/programs.mk).
USER_ETC_TEXT := $(B)/user/gen/etc_text.h

$(USER_ETC_TEXT): user/etc/programs user/etc/motd scripts/programs.sh
	@mkdir -p $(@D)
	scripts/programs.sh header user/etc/programs user/etc/motd > $@.tmp
	mv $@.tmp $@

$(B)/user/lib/programs.c.o: $(USER_ETC_TEXT)

$(USER_LIBOWN): $(USER_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(USER_AR) rcs $@ $^

# Programs: the program, the project's library, then musl (musl-gcc adds
# its start files and libc).
$(USER_ELFS): %: %.o $(USER_LIBOWN)
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -o $@ $< $(USER_LIBOWN)

$(USER_TEST_PROGS): $(B)/initrd/tests/%: $(B)/user/tests/%
	@mkdir -p $(@D)
	$(USER_STRIP) --strip-debug -o $@ $<

$(USER_PROGS): $(B)/initrd/bin/%: $(B)/user/bin/%
	@mkdir -p $(@D)
	$(USER_STRIP) --strip-debug -o $@ $<

$(USER_ETC): $(B)/initrd/etc/%: user/etc/%
	@mkdir -p $(@D)
	cp $< $@

$(FSTEST)/hello:
	@mkdir -p $(@D)
	echo hello > $@

# The links are made by this stamp's rule, not named as targets: make would
# follow a link to judge it (and the looping one cannot be followed).
$(B)/user/fstest.stamp: user/user.mk
	@mkdir -p $(FSTEST) $(@D)
	$(foreach l,$(FSTEST_LINKS),ln -sfn $(word 2,$(subst :, ,$(l))) $(FSTEST)/$(firstword $(subst :, ,$(l)));)
	touch $@

# The list of initrd files, rewritten only when it changes, so that deleting
# a program's source also rebuilds the archive.
$(B)/user/initrd.list: user-force
	@mkdir -p $(@D)
	@echo '$(INITRD_FILES)' | cmp -s - $@ || echo '$(INITRD_FILES)' > $@

# The archive holds exactly INITRD_DIRS and INITRD_FILES: stale files in
# $(B)/initrd (whose source is gone) are deleted first. Sorted by name, so
# /tests/ programs run in name order. The modes are made the same whatever
# the builder's umask: readable by all, writable by the owner, executable
# where the owner may execute (programs and directories).
$(INITRD): $(filter-out $(FSTEST_LINK_PATHS),$(INITRD_FILES)) $(B)/user/fstest.stamp \
           $(B)/user/initrd.list
	@mkdir -p $(addprefix $(B)/initrd/,$(INITRD_DIRS))
	@find $(B)/initrd ! -type d $(foreach f,$(INITRD_FILES),! -path $(f)) -print -delete
	tar --format=ustar --no-recursion --owner=0 --group=0 --numeric-owner \
	    --mode=a+rX,go-w --mtime=@0 -cf $@ -C $(B)/initrd \
	    $(sort $(INITRD_DIRS) $(INITRD_FILES:$(B)/initrd/%=%))

user-clean:
	rm -rf $(B)/user $(B)/initrd $(INITRD)

-include $(USER_OBJS:.o=.d)
