/*
 * VM counters returned by SYS_vmstat, for the whole system (pid 0) or one
 * process. Counters only grow, except the ones marked "now" (current value)
 * and "peak" (high-water mark since the last reset).
 */
#ifndef UAPI_VMSTAT_H
#define UAPI_VMSTAT_H

#include <stdint.h>

#define VMSTAT_MAX_CPUS 16

/*
 * The parts of the kernel's time profile (kernel/profile.h): every cycle of
 * every CPU is charged to one of them.
 */
enum vmstat_prof_part {
	VMSTAT_PROF_USER,      /* user mode */
	VMSTAT_PROF_FORK,      /* fork, vfork, clone */
	VMSTAT_PROF_EXEC,      /* execve */
	VMSTAT_PROF_EXIT,      /* exit, exit_group, and every thread's way out */
	VMSTAT_PROF_WAIT,      /* wait4, waitid (on the CPU: sleeping is not charged) */
	VMSTAT_PROF_VM,        /* mmap, munmap, mprotect, madvise, brk, SysV shm calls */
	VMSTAT_PROF_SYSCALL,   /* every other system call */
	VMSTAT_PROF_FAULT,     /* page faults and other exceptions of user mode */
	VMSTAT_PROF_TLB,       /* sending TLB shootdowns and waiting for them */
	VMSTAT_PROF_SWITCH,    /* thread switches: the scheduler, CR3 and FPU loads */
	VMSTAT_PROF_TICK,      /* the timer interrupt */
	VMSTAT_PROF_IRQ,       /* other interrupts: devices, TLB IPIs served */
	VMSTAT_PROF_KTHREAD,   /* kernel threads and the boot flow */
	VMSTAT_PROF_IDLE,      /* idle: halted, waiting for work */
	VMSTAT_PROF_PARTS
};
#define VMSTAT_PROF_MAX 16
#define VMSTAT_PROF_NAMES { "user", "fork", "exec", "exit", "wait", "vm", "syscall", \
	"fault", "tlb", "switch", "tick", "irq", "kthread", "idle" }

struct vmstat {
	/* page faults by what they had to do */
	uint64_t faults;            /* all page faults handled */
	uint64_t faults_private;    /* filled a PTE in a private page table */
	uint64_t faults_object;     /* filled a PTE in an object-owned page table */
	uint64_t faults_link;       /* only linked an existing object table */
	uint64_t faults_cow;        /* copy-on-write copies */
	uint64_t faults_zero;       /* zero-fill allocations */
	/* page-table pages (now) */
	uint64_t pt_pages;          /* process-private table pages (PML4..PT) */
	uint64_t obj_pt_pages;      /* object-owned PT pages (global only) */
	uint64_t obj_pd_pages;      /* object-owned PD pages (global only) */
	uint64_t links_pde;         /* process PDEs pointing at object PT pages */
	uint64_t links_pdpte;       /* process PDPTEs pointing at object PD pages */
	uint64_t pv_entries;        /* reverse-map entries */
	/* TLB work */
	uint64_t tlb_flushes;       /* full flushes (CR3 reload) */
	uint64_t tlb_invlpg;        /* single-page invalidations */
	/* memory (global only) */
	uint64_t free_pages;        /* now */
	uint64_t total_pages;
	uint64_t resident;          /* pages mapped by this process (per process) */
	uint64_t vm_objects;        /* live VM objects (global) */
	uint64_t shm_segments;      /* live SysV segments (global) */
	uint64_t kmem_pages;        /* pages the kernel heap holds (global) */
	uint64_t file_pages;        /* pages holding the bytes of /tmp's and /dev/shm's files (global) */
	uint64_t threads;           /* threads alive with a stack of their own, kernel and user (global) */
	/* TLB shootdowns, per CPU (global only) */
	uint64_t cpus;                            /* CPUs running */
	uint64_t cpu_ipis_sent[VMSTAT_MAX_CPUS];  /* shootdown IPIs the CPU sent */
	uint64_t cpu_shootdowns[VMSTAT_MAX_CPUS]; /* shootdown requests it served */
	uint64_t cpu_pages_flushed[VMSTAT_MAX_CPUS]; /* pages those requests invalidated */
	/* large (2 MiB) pages */
	uint64_t faults_large;      /* of faults_object: filled a 2 MiB leaf in an object PD */
	uint64_t faults_split;      /* of faults_private: mapped the 4 KiB pieces of a 2 MiB
	                               page into a private PT */
	uint64_t large_free;        /* free 2 MiB blocks now (global): fragmentation */
	uint64_t large_pages;       /* 2 MiB blocks in use as large pages now (global) */
	uint64_t large_reserve;     /* blocks set aside for them (global) */
	uint64_t obj_leaves;        /* 2 MiB leaves in object PD pages now (global) */
	uint64_t leaf_copies;       /* process PDEs copying an object's 2 MiB leaf now */
	uint64_t leaf_mirrors;      /* process PD ranges kept in sync with an object's leaves now */
	/* processes killed by a fault (global only) */
	uint64_t crash_kills;       /* by a fault nobody declared: crashes */
	uint64_t expected_kills;    /* by a fault the process declared (expect_fault) */
	/* faults with nothing left to do (not in faults) */
	uint64_t faults_spurious;   /* the access was allowed by the time the fault got the
	                               map: another thread of the process mapped the page */
	/* large (2 MiB) pages mapped without sharing */
	uint64_t leaf_private;      /* process PDEs mapping a 2 MiB page on their own now
	                               (sharing off): one PV entry each */
	/* hangs (global only) */
	uint64_t watchdog_reports;  /* reports of a stuck CPU or lock wait (kernel/watchdog.h) */
	/* where the CPUs' time went since boot (global only; kernel/profile.h) */
	uint64_t tsc_khz;                         /* TSC cycles per millisecond */
	uint64_t prof_cycles[VMSTAT_PROF_MAX];    /* cycles charged to each part, all CPUs */
	uint64_t prof_entries[VMSTAT_PROF_MAX];   /* times each part was entered */
};

#endif
