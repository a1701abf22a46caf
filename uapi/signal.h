/*
 * Linux x86-64 signals: the numbers, rt_sigaction's flags, the codes of
 * siginfo, and the frame the kernel builds on the user stack to run a
 * handler (arch/x86/include/uapi/asm/sigcontext.h, ucontext.h and
 * asm/sigframe.h of Linux), which rt_sigreturn reads back.
 */
#ifndef UAPI_SIGNAL_H
#define UAPI_SIGNAL_H

#include <stdint.h>

#define SIGHUP    1
#define SIGINT    2
#define SIGQUIT   3
#define SIGILL    4
#define SIGTRAP   5
#define SIGABRT   6
#define SIGBUS    7
#define SIGFPE    8
#define SIGKILL   9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGWINCH  28
#define SIGSYS    31
#define NSIG      64   /* signals 1 .. NSIG */

#define SIG_DFL 0   /* sigaction handlers */
#define SIG_IGN 1

/* rt_sigprocmask's how */
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* sigaction flags */
#define SA_NOCLDSTOP 0x00000001
#define SA_SIGINFO   0x00000004
#define SA_RESTORER  0x04000000
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000

/* si_code */
#define SI_USER     0        /* kill */
#define SI_KERNEL   0x80     /* the kernel: the terminal's keys, a #GP */
#define SI_TKILL    (-6)     /* tkill, tgkill */
#define SEGV_MAPERR 1        /* no mapping at the address */
#define SEGV_ACCERR 2        /* a mapping that does not allow the access */
#define ILL_ILLOPN  2        /* invalid opcode */
#define BUS_ADRERR  2        /* a mapped address with nothing behind it (past a file's end) */
#define FPE_INTDIV  1        /* integer divide by zero */
#define CLD_EXITED  1        /* SIGCHLD: how the child changed */
#define CLD_KILLED  2
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

struct linux_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	union {
		struct { int32_t pid, uid; } kill;
		struct { int32_t pid, uid, status, pad; int64_t utime, stime; } chld;
		struct { uint64_t addr; } fault;
		uint8_t raw[112];
	} u;
};

/* The registers of uc_mcontext (Linux's struct sigcontext, 64-bit). */
struct linux_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;        /* user address of the 512-byte fxsave image */
	uint64_t reserved1[8];
};

struct linux_stack {
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
};
#define SS_DISABLE 2

#define UC_SIGCONTEXT_SS     0x2
#define UC_STRICT_RESTORE_SS 0x4

struct linux_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct linux_stack uc_stack;
	struct linux_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

/*
 * What rsp points at when a handler starts: the return address (the
 * restorer, which calls rt_sigreturn), then the context and the siginfo
 * the handler's second and third arguments point at. The FPU image
 * (uc_mcontext.fpstate) lies above, 64-byte aligned.
 */
struct linux_rt_sigframe {
	uint64_t pretcode;
	struct linux_ucontext uc;
	struct linux_siginfo info;
};

_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo_t");
_Static_assert(sizeof(struct linux_sigcontext) == 256, "struct sigcontext");
_Static_assert(sizeof(struct linux_ucontext) == 304, "struct ucontext");
_Static_assert(__builtin_offsetof(struct linux_rt_sigframe, info) == 312, "rt_sigframe");

#endif
