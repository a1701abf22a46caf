# User space: the programs and the initrd.
#
# Included by the top-level Makefile (include user/user.mk); all paths are
# relative to the repository root. Every user/bin/NAME.c becomes the program
# /usr/bin/NAME and every user/tests/NAME.c the test program /tests/NAME: an
# ordinary static Linux program, built with musl-gcc -static (Debian's
# musl-tools) against musl and the project's own library, which runs
# unchanged on this kernel and on Linux. A C file a user drops into
# user/local/ (one file, one program; user/local/README.md) is built the
# same way into /usr/local/bin/NAME.
#
# The shell and the everyday tools are Debian's busybox-static, unchanged:
# /bin/busybox and its applets as links in /bin, /sbin, /usr/bin and
# /usr/sbin (scripts/busybox-initrd.sh; scripts/deps.sh fetches the package
# into cache/busybox/, git-ignored, once). When it cannot be had, or with
# NO_BUSYBOX=1, /bin/sh is the project's own shell, /usr/bin/ownsh, and the
# build says so.
#
#   $(B)/user/libown.a       user/lib/*.c and *.S: the project's own calls,
#                            the raw calls of the tests, the test harness
#   $(B)/user/bin/NAME       linked program with debug info (for gdb)
#   $(B)/initrd/usr/bin/NAME the same, debug info stripped, goes in the initrd
#   $(B)/initrd/tests/NAME   test programs, likewise
#   $(B)/initrd/usr/local/bin/NAME  the programs of user/local/, likewise
#   $(B)/user/busybox.list   what scripts/busybox-initrd.sh put in
#                            $(B)/initrd: busybox and its links, or /bin/sh
#   $(B)/initrd/etc/NAME     copied from user/etc/NAME: motd, programs
#   $(B)/user/gen/etc_text.h user/etc/programs and motd as C data, for
#                            user/lib/programs.c (ownsh's help, programs,
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
USER_LOCAL_NAMES := $(sort $(basename $(notdir $(wildcard user/local/*.c))))
USER_PROGS := $(USER_PROG_NAMES:%=$(B)/initrd/usr/bin/%)
USER_TEST_PROGS := $(USER_TEST_NAMES:%=$(B)/initrd/tests/%)
USER_LOCAL_PROGS := $(USER_LOCAL_NAMES:%=$(B)/initrd/usr/local/bin/%)
USER_ETC := $(patsubst user/etc/%,$(B)/initrd/etc/%,$(wildcard user/etc/*))

USER_ELFS := $(USER_PROG_NAMES:%=$(B)/user/bin/%) $(USER_TEST_NAMES:%=$(B)/user/tests/%) \
	$(USER_LOCAL_NAMES:%=$(B)/user/local/%)
USER_OBJS := $(USER_LIB_OBJS) $(USER_ELFS:%=%.o)

# /etc/fstest: one file and symbolic links, NAME:TARGET, for user/tests/fs.c:
# relative, absolute, to a directory, dangling, and one that loops.
FSTEST := $(B)/initrd/etc/fstest
FSTEST_LINKS := link:hello abs:/etc/motd up:.. bin:/usr/bin dangling:missing loop:loop
FSTEST_LINK_PATHS := $(foreach l,$(FSTEST_LINKS),$(FSTEST)/$(firstword $(subst :, ,$(l))))

INITRD_FILES := $(USER_PROGS) $(USER_TEST_PROGS) $(USER_LOCAL_PROGS) $(USER_ETC) \
	$(FSTEST)/hello $(FSTEST_LINK_PATHS)
# Directories go in the archive too, with their modes; dev and tmp are
# where the kernel mounts /dev and /tmp (it makes them if they are missing).
INITRD_DIRS := bin dev etc etc/fstest tests tmp usr usr/bin usr/local usr/local/bin
INITRD := $(B)/initrd.tar

BUSYBOX_CACHE ?= cache/busybox
BUSYBOX_LIST := $(B)/user/busybox.list

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

$(USER_PROGS): $(B)/initrd/usr/bin/%: $(B)/user/bin/%
	@mkdir -p $(@D)
	$(USER_STRIP) --strip-debug -o $@ $<

$(USER_LOCAL_PROGS): $(B)/initrd/usr/local/bin/%: $(B)/user/local/%
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
# a program's source also rebuilds the archive; likewise the busybox mode.
$(B)/user/initrd.list: user-force
	@mkdir -p $(@D)
	@echo '$(INITRD_FILES)' | cmp -s - $@ || echo '$(INITRD_FILES)' > $@

$(B)/user/busybox.mode: user-force
	@mkdir -p $(@D)
	@echo 'NO_BUSYBOX=$(NO_BUSYBOX)' | cmp -s - $@ || echo 'NO_BUSYBOX=$(NO_BUSYBOX)' > $@

# Busybox and its links, or the link /bin/sh -> /usr/bin/ownsh: made again
# when the mode, the cached binary or the programs' names change (a name
# that clashes with an applet fails the build). A build that could not fetch
# busybox says so here, once: delete $(B)/user/busybox.mode to try again.
$(BUSYBOX_LIST): $(B)/user/busybox.mode $(wildcard $(BUSYBOX_CACHE)/busybox) \
                 scripts/busybox-initrd.sh $(B)/user/initrd.list
	@mkdir -p $(B)/initrd
	@NO_BUSYBOX='$(NO_BUSYBOX)' scripts/busybox-initrd.sh $(B)/initrd $(BUSYBOX_CACHE) $@ \
		$(USER_PROG_NAMES)

# The archive holds exactly INITRD_DIRS, INITRD_FILES and what
# BUSYBOX_LIST names: stale files in $(B)/initrd (whose source is gone) are
# deleted first. Sorted by name, so /tests/ programs run in name order. The
# modes are made the same whatever the builder's umask: readable by all,
# writable by the owner, executable where the owner may execute (programs
# and directories).
$(INITRD): $(filter-out $(FSTEST_LINK_PATHS),$(INITRD_FILES)) $(B)/user/fstest.stamp \
           $(B)/user/initrd.list $(BUSYBOX_LIST)
	@mkdir -p $(addprefix $(B)/initrd/,$(INITRD_DIRS))
	@printf '%s\n' $(INITRD_DIRS) $(INITRD_FILES:$(B)/initrd/%=%) | \
		cat - $(BUSYBOX_LIST) | LC_ALL=C sort -u > $(B)/user/initrd.names
	@cd $(B)/initrd && find . -mindepth 1 ! -type d | sed 's|^\./||' | LC_ALL=C sort | \
		LC_ALL=C comm -23 - $(abspath $(B))/user/initrd.names | xargs -r rm -v --
	tar --format=ustar --no-recursion --owner=0 --group=0 --numeric-owner \
	    --mode=a+rX,go-w --mtime=@0 -cf $@ -C $(B)/initrd -T $(B)/user/initrd.names

user-clean:
	rm -rf $(B)/user $(B)/initrd $(INITRD)

-include $(USER_OBJS:.o=.d)
