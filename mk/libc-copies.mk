# One implementation of each libc function (issue 23), run by `make check`:
# scripts/libc-copies.sh fails on an object that defines its own copy of a
# function of the C library (printf and friends, string and memory
# functions, malloc and friends); scripts/test-libc-copies.sh shows that it
# does fail on one.
#
# The objects read: every user-space object, user/'s (the programs, their
# tests and the project's library, musl programs that must take those
# functions from musl) and tests/linux/'s (/init of the Linux run, linked
# in one step by mk/linux.mk, so compiled here on their own for the
# check); and the host tests' build of the kernel's own copies
# (tests/host/host.mk), which tests/host/klibc.h must have renamed all, or
# they would replace the host libc's in the test binary.

LIBC_COPIES_LINUX_OBJS := $(patsubst %.c,$(B)/libc-copies/%.o,$(wildcard tests/linux/*.c))
LIBC_COPIES_OBJS := $(USER_OBJS) $(LIBC_COPIES_LINUX_OBJS) $(HOST_KLIBC_OBJS)

.PHONY: libc-copies libc-copies-test
check: libc-copies libc-copies-test

$(LIBC_COPIES_LINUX_OBJS): $(B)/libc-copies/%.o: %.c $(B)/user/cflags
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

libc-copies: $(LIBC_COPIES_OBJS)
	scripts/libc-copies.sh $(LIBC_COPIES_OBJS)

libc-copies-test:
	HOST_CC=$(HOST_CC) scripts/test-libc-copies.sh

-include $(LIBC_COPIES_LINUX_OBJS:.o=.d)
