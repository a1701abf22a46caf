# The user-space suites on Linux. Included by the top-level Makefile, which
# defines B and includes user/user.mk (INITRD and the USER_ variables).
#
#   make test-linux   boots Debian's linux-image-cloud-amd64 kernel in the
#                     same QEMU as `make test` (one CPU, 1 GiB, TCG) with
#                     the project's initrd files in an initramfs, whose
#                     /init (tests/linux/init.c) runs every /tests/ program
#                     and ends QEMU through isa-debug-exit; the serial log
#                     $(B)/test-linux.log is judged by tests/ktap_check.sh
#                     like the project kernel's. Part of `make test`.
#
# `make bench` (mk/bench.mk) boots the same kernel and initramfs with the
# word `bench`, for which /init runs pgbench instead (tests/linux/bench.c).
#
# The kernel is downloaded once into $(LINUX_CACHE) (git-ignored, outside
# $(B) so that `make clean` keeps it) by scripts/linux-kernel.sh; delete the
# directory to fetch Debian's newest. The initramfs is a gzipped newc cpio
# archive of $(B)/linux/root: the files of the project's initrd, $(INITRD),
# plus /init (tests/linux/init.c and bench.c). LINUX_TIMEOUT bounds the boot (it takes about 30 s under TCG).

LINUX_CACHE ?= cache/linux
LINUX_TIMEOUT ?= 600
LINUX_INIT := $(B)/linux/init
LINUX_INIT_SRC := tests/linux/init.c tests/linux/bench.c
LINUX_INITRAMFS := $(B)/linux/initramfs.cpio.gz

.PHONY: test-linux linux-deps linux-initramfs

linux-deps:
	@scripts/deps.sh cpio:cpio dpkg-deb:dpkg
	@scripts/linux-kernel.sh fetch $(LINUX_CACHE)

$(LINUX_INIT): $(LINUX_INIT_SRC) tests/linux/init.h $(USER_LIBOWN) $(B)/user/cflags
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -o $@ $(LINUX_INIT_SRC) $(USER_LIBOWN)

# The files of $(B)/initrd, which $(INITRD) keeps to exactly its list:
# directories, files and symbolic links (cp -R copies links as links),
# with the modes the archive gives them (user/user.mk), so that exec and
# access answer alike on both kernels.
$(LINUX_INITRAMFS): $(INITRD) $(LINUX_INIT) | linux-deps
	@rm -rf $(B)/linux/root && mkdir -p $(B)/linux/root
	cp -R $(B)/initrd/. $(B)/linux/root/
	$(USER_STRIP) --strip-debug -o $(B)/linux/root/init $(LINUX_INIT)
	chmod -R a+rX,go-w $(B)/linux/root
	cd $(B)/linux/root && find . -mindepth 1 | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --quiet | gzip -9n >$(abspath $@).tmp
	mv $@.tmp $@

# For mk/bench.mk, read before this file: a name, where $(LINUX_INITRAMFS)
# would still be empty.
linux-initramfs: $(LINUX_INITRAMFS)

test-linux: deps linux-deps $(LINUX_INITRAMFS)
	@scripts/linux-kernel.sh boot $(LINUX_CACHE) $(LINUX_INITRAMFS) $(B)/test-linux.log \
		--timeout $(LINUX_TIMEOUT) || true
	@tests/ktap_check.sh $(B)/test-linux.log
