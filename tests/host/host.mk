# Host unit tests (make check): real kernel sources built for the host with
# ASan and UBSan, against a fake physical memory arena (tests/host/fake.c).
# The KTEST cases they contain are run by tests/host/main.c.
#
# HOST_KSRC lists the kernel sources that build on the host; add a file here
# when its code (and its *_test.c) is machine independent enough. The
# kernel's copies of libc functions build apart, renamed (HOST_KLIBC_OBJS).

HOST_KSRC := kernel/spinlock.c kernel/fbcon.c kernel/fbcon_test.c kernel/font.c kernel/lockorder.c kernel/strutil.c kernel/ktest_order.c mm/page.c mm/kmalloc.c mm/page_test.c mm/kmalloc_test.c $(filter-out mm/pmap/kernel_map.c,$(wildcard mm/pmap/*.c)) $(wildcard mm/vmobject/*.c ipc/shm/*.c) mm/vm_map.c mm/vm_mmap.c mm/vm_fault.c mm/fault_timeline.c mm/vm_copy.c mm/vm_stat.c mm/vm_tunables.c mm/vm_verify.c mm/vm_test.c
HOST_TSRC := $(wildcard tests/host/*.c)
HOST_CFLAGS := -std=gnu11 -g -O1 -DHOST_TEST -I. -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -MMD -MP
HOST_OBJS := $(HOST_KSRC:%.c=$(B)/host/%.o) $(HOST_TSRC:%.c=$(B)/host/%.o)

$(B)/host/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# The kernel's copies of libc functions (memcpy, strlen, snprintf...), for
# tests/host/printk_test.c and string_test.c: renamed kernel_NAME by
# tests/host/klibc.h, so that the host libc keeps its own. -fno-builtin and
# -fno-tree-loop-distribute-patterns keep the compiler from turning their
# loops and calls back into calls of libc's, which the tests would then
# test instead.
HOST_KLIBC_OBJS := $(B)/host/kernel/printk.o $(B)/host/kernel/string.o
HOST_OBJS += $(HOST_KLIBC_OBJS)

$(HOST_KLIBC_OBJS): $(B)/host/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns \
		-DKLIBC_RENAME -include tests/host/klibc.h -c $< -o $@

$(B)/host/unittests: $(HOST_OBJS)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $^

check: $(B)/host/unittests
	$(B)/host/unittests

-include $(HOST_OBJS:.o=.d)
