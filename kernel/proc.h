/*
 * Processes: an address space, one or more threads, a parent and children.
 *
 * Locks: (P) proc_lock protects the process table, parent/child links,
 * states and exit statuses. Order: proc_lock before sched_lock.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "kernel/sched.h"
#include "kernel/types.h"
#include "uapi/proc.h"

#define MAX_PROCS   256    /* fork beyond this gives -EAGAIN */
#define MAX_THREADS 16     /* per process */

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
};

extern struct spinlock proc_lock;

void proc_init(void);
struct proc *current_proc(void);

/* Loads p's address space on this CPU (called by the scheduler). */
void proc_activate(struct proc *p);

/* Creates the first process, running `path` with `argv`; panics on failure. */
void proc_start_init(const char *path, char *argv[]);

/* The system calls behind fork/exit/waitpid/kill/thread_*. */
long proc_fork(const struct trapframe *tf);

/*
 * exec: gives the calling process, whose only counted thread is the
 * caller, the address space `map`, and frees the old one once no thread
 * that has left can still be using it on another CPU.
 */
void proc_exec_map(struct vm_map *map);

#if KDEBUG
extern int thread_exit_delay_us;   /* debug.thread_exit_delay_us, a test hook */
#endif
void proc_exit(int status) __attribute__((noreturn));
long proc_waitpid(int pid, int *status_out, int flags);
long proc_kill(int pid);
long proc_thread_create(uint64_t entry, uint64_t arg, uint64_t stack);
void proc_thread_exit(int code) __attribute__((noreturn));
long proc_thread_join(int tid, int *code_out);

/*
 * Kills the current process with signal sig (uapi/wait.h) because of an
 * unrecoverable user fault, with one console line saying who, where and
 * why; does not return.
 */
void proc_fault_kill(const struct trapframe *tf, uint64_t addr, int sig, const char *what)
	__attribute__((noreturn));

/* Ends the current thread's process if it was killed (before user return). */
void proc_check_killed(void);

/*
 * The live (not zombie) process with this pid, or NULL. The caller holds
 * proc_lock, which keeps the process and its map from going away.
 */
struct proc *proc_by_pid_locked(int pid);

/* For SYS_procinfo: fills *out for the index-th live process. */
int proc_info(int index, struct procinfo *out);
int proc_count(void);

#endif
