/*
 * Threads and the scheduler: preemptive round-robin on one run queue,
 * driven by the timer; blocking sleep/wakeup on a channel (any address), and
 * timed sleeps.
 *
 * Locking: (s) sched_lock protects every thread's state, channel and queue
 * links, and every CPU's running thread; interrupts are off while it is
 * held. schedule() switches threads with sched_lock held: the thread that
 * resumes releases it, so no other CPU can pick up the outgoing thread
 * before its registers are saved.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "kernel/signal.h"
#include "kernel/spinlock.h"
#include "kernel/trap.h"
#include "kernel/types.h"

#define KSTACK_PAGES 4
#define KSTACK_SIZE  (KSTACK_PAGES * PAGE_SIZE)
#define TIME_SLICE_TICKS 10

enum thread_state {
	T_EMBRYO,     /* being built, not yet runnable */
	T_RUNNABLE,   /* on the run queue */
	T_RUNNING,
	T_SLEEPING,   /* waiting for wakeup(chan) or its deadline */
	T_ZOMBIE,     /* exited; resources freed by whoever reaps it */
};

struct fpu_state;
struct proc;
struct vm_page;

/*
 * What getrusage and times report of a thread, and summed for a process
 * (kernel/proc.h). Written only by the CPU that runs the thread.
 */
struct usage {
	uint64_t minflt;   /* page faults it took */
	uint64_t uticks;   /* timer ticks that found it in user mode */
	uint64_t sticks;   /* timer ticks that found it in the kernel */
};

/*
 * What restart_syscall continues: a timed sleep or poll that a signal
 * interrupted without running a handler (a stop and a continue, say) goes
 * on until its first deadline, not for its whole time again (Linux's
 * restart block).
 */
struct restart_block {
	long (*fn)(struct restart_block *rb);   /* NULL: nothing to continue */
	int clock;                              /* the sleep's clock */
	uint64_t until;                         /* the deadline, on that clock */
	uint64_t args[2];                       /* the call's: nanosleep's rem; poll's fds, nfds */
};

struct thread {
	int tid;
	enum thread_state state;          /* (s) */
	struct proc *proc;                /* NULL for kernel threads */
	uint64_t ctx_rsp;                 /* saved kernel rsp while switched out */
	struct vm_page *kstack;           /* first page of KSTACK_PAGES */
	struct trapframe *tf;             /* user registers at the top of kstack */
	struct fpu_state *fpu;            /* user x87/SSE registers while switched out */
	uint64_t fs_base;                 /* user FS base: TLS (arch_prctl) */
	uint64_t clear_child_tid;         /* user word zeroed and woken at exit, or 0 */
	uint64_t robust_list;             /* set_robust_list's head: recorded, not walked */
	uint64_t sigmask;                 /* blocked signals (rt_sigprocmask) */
	uint64_t sigpending;              /* (P) signals sent to this thread (signal.h) */
	uint64_t saved_sigmask;           /* rt_sigsuspend's caller's mask, to put back */
	bool sigmask_saved;               /* saved_sigmask is set */
	struct restart_block restart;     /* what restart_syscall continues */
	struct ksiginfo siginfo[NSIG];    /* (P) what each of sigpending carries */
	struct usage usage;               /* faults and CPU time (getrusage) */
	const void *chan;                 /* (s) what it sleeps on */
	uint64_t wake_tick;               /* (s) timed sleep deadline, 0 = none */
	bool interrupted;                 /* (s) thread_interrupt() came while awake */
	int exit_code;
	bool exited;                      /* (P) left its process; zombie soon */
	bool stop;                        /* (P) asked to leave: another thread execs */
	bool on_cpu;                      /* (s) its stack is in use by a CPU */
	struct thread *rq_next;           /* (s) run queue */
	struct thread *all_next;          /* (s) list of every thread */
	struct thread *proc_next;         /* (p) the process's threads */
};

extern struct spinlock sched_lock;

/* On the boot CPU: sched_start_cpu() and the scheduler's timer hook. */
void sched_init(void);
/*
 * Makes the calling CPU's boot flow a thread and creates the CPU's idle
 * thread; the flow ends with thread_exit_current() to start scheduling.
 */
void sched_start_cpu(void);
struct thread *current_thread(void);

/*
 * Creates a thread with a kernel stack whose first run enters user mode
 * through the trapframe `tf` (copied onto the stack). Returns NULL when out
 * of memory. The thread is T_EMBRYO until thread_start().
 */
struct thread *thread_create(struct proc *p, const struct trapframe *tf);
/* Waits (yielding) until t has exited and no CPU runs on its stack. */
void thread_wait_off_cpu(struct thread *t);
/* Creates a kernel thread running fn(arg); it must never return. */
struct thread *kthread_create(void (*fn)(void *), void *arg);
void thread_start(struct thread *t);
/*
 * Frees an exited thread's stack and structure, first waiting (yielding)
 * until it has switched away for the last time.
 */
void thread_free(struct thread *t);
/* Threads alive with a stack of their own (KSTACK_PAGES), kernel and user: not the
 * CPUs' boot flows (vmstat threads). */
size_t thread_count(void);

/* Calls fn(thread, arg) for every thread, with sched_lock held. */
void thread_for_each(void (*fn)(struct thread *, void *), void *arg);
void yield(void);
/* Called with sched_lock held: switches to the next runnable thread. */
void schedule(void);
/*
 * Sleeps on chan until wakeup(chan). `lk` (held) is released while asleep and
 * taken again before returning, so no wakeup between the check and the
 * sleep is lost.
 */
void sleep_on(const void *chan, struct spinlock *lk);
/*
 * sleep_on() that also ends at timer tick `deadline` (0: none) or when the
 * thread is interrupted (thread_interrupt); the caller tells which.
 */
void sleep_on_until(const void *chan, struct spinlock *lk, uint64_t deadline);
void wakeup(const void *chan);
/* Sleeps for ms milliseconds unless woken by thread_interrupt(). */
void sleep_ms(uint64_t ms);
/*
 * Wakes a sleeping thread whatever it waits for (kill, exec); a thread
 * not asleep yet skips its next sleep instead, so an interrupt that comes
 * between its last check and its sleep is not lost.
 */
void thread_interrupt(struct thread *t);
/* Ends the current thread: it becomes a zombie and never runs again. */
void thread_exit_current(int code) __attribute__((noreturn));

/* Timer tick: wakes timed sleepers and asks for preemption. */
void sched_tick(void);
/*
 * Every CPU's timer interrupt: charges the tick to the thread it
 * interrupted, as user or kernel time. Sampling, as Linux's tick-based
 * accounting does: a thread that runs less than a tick at a time may be
 * charged more or less than it used, but the sums over many ticks hold.
 */
void thread_charge_tick(bool user);
/* True when the running thread has used up its time slice. */
bool sched_should_yield(void);

#endif
