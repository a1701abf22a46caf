/*
 * Signals, with Linux's x86-64 semantics (signal.c).
 *
 * A signal is sent to a process (kill, the terminal's keys, SIGCHLD) or to
 * one thread (tgkill, a fault, SIGPIPE) and waits in that pending set
 * until a thread that does not block it returns to user mode; there it is
 * taken: its handler runs on a frame built on the user stack
 * (uapi/signal.h), or its default action ends, stops or continues the
 * process, or it is ignored. A signal that would end the process by
 * default ends it at once when it is sent, as on Linux. A sleeping call
 * that a signal interrupts returns one of the restart codes below, which
 * never reach user space: the call starts again, or gives -EINTR when a
 * handler runs (SA_RESTART decides for -ERESTARTSYS).
 *
 * Locks: every signal field of struct proc and struct thread is (P),
 * proc_lock, except that a thread reads its own sets without it to decide
 * whether to stop sleeping (a send that races with that read interrupts
 * the sleep instead: thread_interrupt()).
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include "kernel/types.h"
#include "uapi/signal.h"

/* Restart codes of interrupted calls (Linux's numbers; kernel only). */
#define ERESTARTSYS    512   /* restart, or -EINTR if a handler without SA_RESTART runs */
#define ERESTARTNOINTR 513   /* always restart */
#define ERESTARTNOHAND 514   /* restart unless a handler runs */
/* Unless a handler runs (then -EINTR), continue through restart_syscall
 * with what the call left in the thread's restart block (struct
 * restart_block): a sleep or a poll goes on for the time that is left. */
#define ERESTART_RESTARTBLOCK 516

#define SIGBIT(sig) (1UL << ((sig) - 1))
/* Signals nobody may catch, block or ignore. */
#define SIG_UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

/* What a pending signal carries into the handler's siginfo. */
struct ksiginfo {
	int code;         /* si_code */
	int pid;          /* the sender (SI_USER, SI_TKILL) or the child (SIGCHLD) */
	int status;       /* SIGCHLD: exit code or signal */
	uint64_t addr;    /* faults: the address */
};

struct proc;
struct thread;
struct trapframe;

/*
 * Sends sig (1..NSIG) to process p, or with signal_send_thread_locked()
 * to thread t of it, proc_lock held: dropped when p ignores it, otherwise
 * made pending (once: a pending signal does not queue again) and a thread
 * that does not block it is woken. SIGKILL, and a signal whose default
 * action ends p and that some thread does not block, end p at once.
 * SIGCONT continues a stopped p. A zombie takes nothing.
 */
void signal_send_locked(struct proc *p, int sig, const struct ksiginfo *info);
void signal_send_thread_locked(struct thread *t, int sig, const struct ksiginfo *info);

/*
 * Is a signal pending that the current thread does not block (so that it
 * should leave the sleep it is in)? Read without the lock.
 */
bool signal_pending(void);

/*
 * On every return to user mode: takes the pending signals, and runs the
 * first one that has a handler by pointing tf at it. syscall_nr is the
 * call being returned from (tf->rax its result), or -1: it decides what
 * becomes of a restart code. Does not return when a signal ends the
 * process; sleeps while the process is stopped.
 */
void signal_deliver(struct trapframe *tf, long syscall_nr);

/*
 * A user fault (a page fault that could not be resolved, #GP, #UD, #DE):
 * queues sig for the current thread with code and addr when the process
 * has a handler for it that the thread does not block, and returns true;
 * the handler then runs on the way back to user mode. Otherwise false,
 * and the caller kills the process (proc_fault_kill).
 */
bool signal_fault(int sig, int code, uint64_t addr);

/* The default action of sig, for the wait status and for the terminal. */
bool signal_default_ignored(int sig);

/* fork: the child thread's mask is the parent's; nothing is pending. exec: see proc.h. */
void signal_exec_reset(struct proc *p);

#endif
