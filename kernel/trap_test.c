/*
 * KTEST suite "trap": exception reporting and recovery. One case takes a
 * real page fault in kernel mode and survives it through the exception
 * table; others check the decoder on saved error codes.
 */
#include "kernel/ksyms.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "kernel/trap.h"
#include "mm/phys.h"
#include "uapi/errno.h"

KTEST(trap, decodes_page_fault_error_codes)
{
	char buf[96];

	pf_describe(PF_WRITE, 0, buf, sizeof(buf));
	KT_ASSERT_EQ(0, strcmp(buf, "write to a non-present page in kernel mode"));
	pf_describe(PF_PRESENT | PF_USER, 0, buf, sizeof(buf));
	KT_ASSERT_EQ(0, strcmp(buf, "read from a protected page in user mode"));
	pf_describe(PF_INSTR | PF_USER, 0, buf, sizeof(buf));
	KT_ASSERT_EQ(0, strcmp(buf, "instruction fetch from a non-present page in user mode"));
	pf_describe(PF_RSVD | PF_PRESENT, 0, buf, sizeof(buf));
	KT_ASSERT_EQ(0, strcmp(buf, "read from a page with reserved bits set in kernel mode"));
	pf_describe(PF_WRITE | PF_USER, -ENOMEM, buf, sizeof(buf));
	KT_ASSERT_EQ(0, strcmp(buf, "write to a non-present page in user mode: out of memory"));
	pf_describe(PF_WRITE | PF_USER, -EFAULT, buf, sizeof(buf));
	KT_ASSERT_EQ(0, strcmp(buf, "write to a non-present page in user mode"));
}

KTEST(trap, names_exceptions)
{
	KT_ASSERT_EQ(0, strcmp(trap_name(T_PF), "page fault"));
	KT_ASSERT_EQ(0, strcmp(trap_name(T_GP), "general protection"));
	KT_ASSERT_EQ(0, strcmp(trap_name(T_IRQ0 + 1), "hardware interrupt"));
}

KTEST(trap, recovers_from_a_kernel_page_fault)
{
	/* Beyond the direct map: nothing is mapped there. */
	const void *hole = (const void *)(DIRECT_MAP_BASE + DIRECT_MAP_MAX + GIB(1));
	uint64_t value = 0x1234;

	KT_ASSERT_EQ(-EFAULT, probe_read_u64(hole, &value));
	KT_ASSERT_EQ(0x1234, value);
}

KTEST(trap, recovers_from_a_non_canonical_address)
{
	uint64_t value;

	KT_ASSERT_EQ(-EFAULT, probe_read_u64((const void *)0x0000800000000000UL, &value));
}

KTEST(trap, probe_reads_mapped_memory)
{
	uint64_t here = 0xfeedface, value = 0;

	KT_ASSERT_EQ(0, probe_read_u64(&here, &value));
	KT_ASSERT_EQ(0xfeedface, value);
}

KTEST(trap, knows_recoverable_instructions_only)
{
	KT_ASSERT_NE(0, extable_fixup((uint64_t)probe_read_u64));
	KT_ASSERT_EQ(0, extable_fixup((uint64_t)trap_dispatch));
}

KTEST(trap, symbolizes_kernel_addresses)
{
	uint64_t off;
	const char *name = ksym_lookup((uint64_t)trap_dispatch + 3, &off);

	KT_ASSERT(name != NULL);
	KT_ASSERT_EQ(0, strcmp(name, "trap_dispatch"));
	KT_ASSERT_EQ(3, off);
	KT_ASSERT(ksym_lookup(0x1000, &off) == NULL);
}
