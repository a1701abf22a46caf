/*
 * Processes: an address space, one or more threads, a parent and children.
 *
 * Locks: (P) proc_lock protects the process table, parent/child links,
 * states and exit statuses. Order: proc_lock before sched_lock.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "kernel/file.h"
#include "kernel/sched.h"
#include "kernel/types.h"
#include "uapi/linux_types.h"
#include "uapi/proc.h"
#include "uapi/resource.h"
#include "uapi/signal.h"

/* What uname says (sys_uname), and /proc/version and /proc/sys/kernel/ show. */
#define UNAME_SYSNAME "Linux"           /* the ABI is Linux's */
#define UNAME_RELEASE "6.1.0-sptk"      /* new enough for glibc's start-up check */
#if TEACH
#define UNAME_VERSION "#1 SMP shared page tables teaching kernel, teach build"
#else
#define UNAME_VERSION "#1 SMP shared page tables teaching kernel"
#endif

#define MAX_PROCS   512    /* fork beyond this gives -EAGAIN; make bench-scale
                              runs pgbench's 256 clients beside init, bench
                              and pgbench */
#define MAX_THREADS 16     /* per process */
#define PROC_CMDLINE_MAX 256   /* bytes of argv kept for /proc/PID/cmdline */

enum proc_state {
	P_ALIVE,
	P_ZOMBIE,    /* exited, waiting for its parent's waitpid() */
};

struct vm_map;

struct proc {
	int pid;                      /* (c) */
	struct proc *parent;          /* (P) */
	enum proc_state state;        /* (P) */
	int status;                   /* (P) waitpid() status once a zombie */
	bool killed;                  /* (P) kill() or a fault asked it to die */
	char name[PROC_NAME_LEN];
	struct vm_map *map;           /* (P) address space; NULL once exiting */
	struct thread *threads;       /* (P) via thread->proc_next */
	int nthreads;                 /* (P) live (non-zombie) threads */
	int pgid;                     /* (P) process group */
	int sid;                      /* (P) session; a leader's is its pid */
	struct usage dead;            /* (P) of its threads already freed */
	struct usage children;        /* (P) of its waited-for children, theirs included */
	struct linux_sigaction sigactions[NSIG];   /* (P) rt_sigaction's */
	uint64_t sigpending;          /* (P) signals sent to the process (signal.h) */
	struct ksiginfo siginfo[NSIG];   /* (P) what each of sigpending carries */
	bool stopped;                 /* (P) by a stop signal, until SIGCONT or SIGKILL */
	int wait_report;              /* (P) W_STOPCODE or W_CONTINUED for wait4, or 0 */
	bool execing;                 /* (P) a thread execs: no new threads */
	bool execed;                  /* (P) has exec'd since fork: its parent's setpgid fails */
	bool fault_expected;          /* (atomic) see proc_expect_fault() */
	struct fdtable files;         /* its descriptors, shared by its threads (own lock) */
	struct linux_rlimit rlimits[RLIMIT_NLIMITS];   /* (P) to write; fd_limit() reads one */
	char cmdline[PROC_CMDLINE_MAX];   /* (P) exec's argv, each string NUL-terminated */
	size_t cmdline_len;           /* (P) bytes of cmdline (argv cut at PROC_CMDLINE_MAX) */
	uint64_t start_ticks;         /* (c) timer tick of its fork */
};

/* clone's arguments (Linux: flags, stack, parent_tid, child_tid, tls). */
struct clone_args {
	uint64_t flags, stack, ptid, ctid, tls;
};

extern struct spinlock proc_lock;

void proc_init(void);
struct proc *current_proc(void);

/* Is p the first process (init), which must never die? */
bool proc_is_init(const struct proc *p);

/* Loads p's address space on this CPU (called by the scheduler). */
void proc_activate(struct proc *p);

/* Creates the first process, running `path` with `argv`; panics on failure. */
void proc_start_init(const char *path, char *argv[]);

/*
 * clone (and fork, vfork): a new thread of the calling process when
 * CLONE_THREAD is set (with CLONE_VM and CLONE_SIGHAND; may add CLONE_FS,
 * CLONE_FILES, CLONE_SYSVSEM, CLONE_SETTLS, CLONE_PARENT_SETTID,
 * CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID, CLONE_DETACHED: the flag sets
 * of musl's and glibc's pthread_create), else a new process (exit signal
 * SIGCHLD or 0, with CLONE_PARENT_SETTID, CLONE_CHILD_SETTID,
 * CLONE_CHILD_CLEARTID, CLONE_SETTLS; CLONE_VFORK runs as a fork). It
 * starts with the caller's registers, rax 0, on `stack` when not 0.
 * Returns the new tid or pid; -EINVAL (other flags, addresses outside user
 * space), -EAGAIN (too many threads or processes), -ENOMEM.
 */
long proc_clone(const struct trapframe *tf, const struct clone_args *ca);

/*
 * exec: gives the calling process, whose only counted thread is the
 * caller, the address space `map`, and frees the old one once no thread
 * that has left can still be using it on another CPU. The thread's TLS,
 * clear_child_tid word and FPU state start afresh, signal handlers go
 * back to their defaults (ignored signals stay ignored), and the
 * descriptors marked FD_CLOEXEC are closed.
 */
void proc_exec_map(struct vm_map *map);

#if KDEBUG
extern int thread_exit_delay_us;   /* debug.thread_exit_delay_us, a test hook */
extern int clone_thread_delay_us;  /* debug.clone_thread_delay_us, a test hook */
#endif

/* exit_group, and death by kill or fault: ends every thread with `status`. */
void proc_exit(int status) __attribute__((noreturn));

/*
 * exit: ends the calling thread (zeroing and waking its clear_child_tid
 * word); the last one ends the process with exit code `code`.
 */
void proc_thread_exit(int code) __attribute__((noreturn));

/*
 * wait4: reaps a zombie child (pid > 0: that one; -1: any; 0: any in the
 * caller's process group; below -1: any in group -pid), waiting for one
 * unless WNOHANG (then 0 when none has ended). Stores its status and, when
 * u is not NULL, its usage with that of the children it waited for. With
 * WUNTRACED (WCONTINUED) a child that stopped (continued) since the last
 * look is reported too, once, with W_STOPCODE (W_CONTINUED) and zero usage,
 * and is not reaped. -ECHILD (no such child), -ERESTARTSYS (a signal came),
 * -EINVAL, and -ESRCH for INT_MIN (which has no group to negate), as on Linux.
 */
long proc_wait4(int pid, int *status_out, int options, struct usage *u);

/* getrusage's and times' counts: RUSAGE_SELF, RUSAGE_CHILDREN or RUSAGE_THREAD. */
void proc_usage(int who, struct usage *u);

/*
 * kill: pid > 0 names a process, 0 the caller's process group, -1 every
 * process but init and the caller, and below -1 the group -pid. sig 0 only
 * checks that there is one; others are sent (signal_send_locked()) with
 * si_code SI_USER and the caller's pid. Zombies and init in a group count
 * as found and are left alone. -ESRCH (nobody found, or pid INT_MIN),
 * -EINVAL, and -EPERM for init named by its pid.
 */
long proc_kill(int pid, int sig);

/*
 * tgkill (tgid > 0) and tkill (tgid -1): sig to the thread tid of process
 * tgid, si_code SI_TKILL. -EINVAL (bad sig or tid), -ESRCH.
 */
long proc_tgkill(int tgid, int tid, int sig);

/* The terminal's keys: sig to every process of group pgid but init; -ESRCH if none. */
long proc_kill_group_locked(int pgid, int sig);

/*
 * A signal the kernel sends the calling thread (SIGPIPE from a write to a
 * pipe that nobody reads), si_code SI_KERNEL: taken on the way back to
 * user mode, pending while the thread blocks it.
 */
void proc_raise(int sig);

/* Marks p killed with `status` (the first reason wins) and wakes its threads. */
void proc_mark_killed_locked(struct proc *p, int status);

/*
 * Process groups and sessions, with Linux's rules. A process started by
 * the kernel (init) is in group 0 and session 0, as Linux's init is until
 * it calls setsid; fork copies both.
 *
 * setpgid: puts the caller (pid 0 or its own) or a child of it that has
 * not exec'd into group pgid (0: the target's pid), which must be the
 * target's pid or an existing group of the caller's session. -EINVAL
 * (pgid < 0), -ESRCH (neither the caller nor its child), -EPERM (a child
 * in another session, a session leader, no such group in the session),
 * -EACCES (the child has exec'd).
 */
long proc_setpgid(int pid, int pgid);
/* getpgid and getsid: of the caller (pid 0) or of process pid; -ESRCH. */
long proc_getpgid(int pid);
long proc_getsid(int pid);
/* The session of group pgid (of a process in it, a zombie too), or -ESRCH. */
long proc_group_session(int pgid);
/*
 * setsid: the caller leads a new session and a new group, both numbered
 * by its pid, which it returns; -EPERM if a group has that number already
 * (the caller leads one).
 */
long proc_setsid(void);

/*
 * Kills the current process with signal sig (uapi/wait.h) because of an
 * unrecoverable user fault, with one console line saying who, where and
 * why, and counts the kill (proc_fault_stat()); does not return. The line
 * is "pid N (name): killed: WHAT at address A, rip R", or, when the
 * process declared the fault with proc_expect_fault(), "pid N (name):
 * expected fault: WHAT at address A, rip R (killed, as the program
 * intended)". A thread its process already told to end (a sibling's exec
 * or exit) only ends, with no line and no count (see proc.c).
 */
void proc_fault_kill(const struct trapframe *tf, uint64_t addr, int sig, const char *what)
	__attribute__((noreturn));

/*
 * expect_fault: the calling process declares (expected true) that it is
 * about to die of a fault on purpose, as a test's child does that checks
 * that an access is refused, or withdraws that (false). Its fault kill is
 * then reported and counted as expected, not as a crash. The setting
 * belongs to the process: it stays across exec (a child may exec an image
 * that is to die) and a forked child starts without it, so that every
 * process declares only for itself. Returns the previous setting.
 */
int proc_expect_fault(bool expected);

/* Processes killed by a fault since boot, into vmstat's crash_kills and
 * expected_kills. */
struct vmstat;
void proc_fault_stat(struct vmstat *st);

/*
 * Ends the current thread if its process was killed or another of its
 * threads execs (before every return to user mode).
 */
void proc_check_killed(void);

/* Must the current thread leave (its process is killed, or another thread execs)? */
bool proc_dying(void);

/*
 * Should the current thread stop what it waits for: it must leave, or a
 * signal it does not block is pending? Every interruptible sleep asks,
 * and returns -ERESTARTSYS (or -EINTR) when it is so.
 */
bool proc_interrupted(void);

/*
 * exec's de_thread: ends every other thread of the calling process and
 * waits until they have left, as Linux's execve does once the new image
 * is ready. 0, or -EINTR when the caller must leave itself (its process
 * was killed, or another thread execs first).
 */
long proc_stop_other_threads(void);

/*
 * The live (not zombie) process with this pid, or NULL. The caller holds
 * proc_lock, which keeps the process and its map from going away.
 */
struct proc *proc_by_pid_locked(int pid);

/* What /proc shows of a process (fs/procfs.c), taken at one moment. */
struct proc_snapshot {
	int pid, ppid, pgid, sid, nthreads;
	char state;                   /* 'R' running, 'S' sleeping, 'T' stopped, 'Z' zombie */
	uint64_t resident;            /* pages */
	uint64_t vsize;               /* bytes mapped */
	struct usage usage;           /* of its threads */
	struct usage children;        /* of its waited-for children */
	uint64_t start_ticks;
	uint64_t sigpending, sigblocked, sigignored, sigcaught;
	char name[PROC_NAME_LEN];
	char cmdline[PROC_CMDLINE_MAX];
	size_t cmdline_len;           /* 0 for a zombie, as on Linux */
};

/* Fills *out for process pid (a zombie too): 0, or -ENOENT. */
int proc_snapshot(int pid, struct proc_snapshot *out);
/* The pids of the process table (zombies too), increasing, at most max: how many. */
int proc_pids(int *pids, int max);
/*
 * Keeps argv (NULL-terminated) as p's command line for /proc/PID/cmdline,
 * cut at PROC_CMDLINE_MAX bytes.
 */
void proc_set_cmdline(struct proc *p, char *const argv[]);
/* Sets p's name (prctl PR_SET_NAME, exec), cut to PROC_NAME_LEN - 1 bytes. */
void proc_set_name(struct proc *p, const char *name);

/* For SYS_procinfo: fills *out for the index-th live process. */
int proc_info(int index, struct procinfo *out);
int proc_count(void);

#endif
