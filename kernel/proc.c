/*
 * Process lifecycle: fork, exit, waitpid, kill, and threads of a process.
 *
 * How a process dies: whoever decides (exit(), kill(), a fault) marks it
 * killed; each of its threads notices on its way back to user mode (or when
 * its sleep is interrupted) and ends; the last thread out tears down the
 * address space, hands the children to init and wakes the parent, which
 * frees what is left in waitpid().
 *
 * Process groups and sessions are two numbers in each process (pgid,
 * sid): a group exists while some process, a zombie included, carries its
 * number, as on Linux, where a zombie keeps its pid and groups until it is
 * reaped. Pids are never reused, so a number cannot come back meaning
 * another group.
 */
#include "kernel/proc.h"
#include <limits.h>
#include "ipc/shm/shm.h"
#include "kernel/exec.h"
#include "kernel/cpu.h"
#include "kernel/fpu.h"
#include "kernel/futex.h"
#include "kernel/gdt.h"
#include "kernel/printk.h"
#include "kernel/profile.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/tty.h"
#include "mm/kmalloc.h"
#include "mm/phys.h"
#include "mm/uaccess.h"
#include "mm/vm_map.h"
#include "uapi/errno.h"
#include "uapi/vmstat.h"
#include "uapi/wait.h"

struct spinlock proc_lock = SPINLOCK_INIT("proc");
static struct proc *procs[MAX_PROCS];   /* (P) */
static struct proc *init_proc;
static int next_pid = 1;                /* (P) */

struct proc *current_proc(void)
{
	struct thread *t = current_thread();

	return t ? t->proc : NULL;
}

bool proc_is_init(const struct proc *p)
{
	return p && p == init_proc;
}

void proc_activate(struct proc *p)
{
	uaccess_set_map(p ? p->map : NULL);
}

/*
 * A new process in the table, with no threads or map yet, in the group and
 * session of `parent` (group and session 0 without one: init); NULL with
 * *err -ENOMEM (no memory) or -EAGAIN (the table is full). The group is
 * copied as the process enters the table, so a setpgid or kill of a group
 * meanwhile sees it in the group it will run in.
 */
static struct proc *proc_alloc(const char *name, const struct proc *parent, long *err)
{
	struct proc *p = kzalloc(sizeof(*p));
	int slot = -1;

	*err = -ENOMEM;
	if (!p)
		return NULL;
	spin_lock(&proc_lock);
	for (int i = 0; i < MAX_PROCS && slot < 0; i++)
		if (!procs[i])
			slot = i;
	if (slot < 0) {
		spin_unlock(&proc_lock);
		kfree(p);
		*err = -EAGAIN;
		return NULL;
	}
	p->pid = next_pid++;
	p->state = P_ALIVE;
	if (parent) {
		p->pgid = parent->pgid;
		p->sid = parent->sid;
	}
	strncpy_safe(p->name, name, sizeof(p->name));
	fdtable_init(&p->files);
	procs[slot] = p;
	spin_unlock(&proc_lock);
	return p;
}

/* Removes p from the table and frees it and its (zombie) threads. */
static void proc_free(struct proc *p)
{
	struct thread *t, *next;

	spin_lock(&proc_lock);
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i] == p)
			procs[i] = NULL;
	spin_unlock(&proc_lock);
	for (t = p->threads; t; t = next) {
		next = t->proc_next;
		thread_free(t);
	}
	kfree(p);
}

static void proc_add_thread(struct proc *p, struct thread *t)
{
	spin_lock(&proc_lock);
	t->proc_next = p->threads;
	p->threads = t;
	p->nthreads++;
	spin_unlock(&proc_lock);
}

void proc_init(void)
{
	uaccess_set_map(NULL);
}

void proc_start_init(const char *path, char *argv[])
{
	/*
	 * Debian's PATH for root, without /usr/local/sbin: busybox's applets
	 * are in /bin, /sbin, /usr/bin and /usr/sbin, the project's programs in
	 * /usr/bin and a user's own (user/local/) in /usr/local/bin. Ash runs
	 * an applet by its name before it searches PATH, and the build refuses
	 * a project program named like one (scripts/busybox-initrd.sh).
	 */
	static char *envp[] = { "PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/",
		"TERM=vt100", NULL };
	struct exec_args args = { argv, envp };
	struct trapframe tf;
	struct thread *t;
	struct file *console;
	long err;
	struct proc *p = proc_alloc("init", NULL, &err);

	if (!p)
		panic("proc_start_init: no memory");
	if (!(console = tty_open_console()))
		panic("proc_start_init: no memory for the console");
	/* Descriptors 0, 1 and 2, which every process inherits from init. */
	for (int fd = 0; fd < 3; fd++) {
		if (fd > 0)
			file_hold(console);
		p->files.fd[fd] = console;
	}
	err = exec_build(path, &args, &p->map, &tf);
	if (err < 0)
		panic("proc_start_init: cannot run %s (error %ld)", path, err);
	strncpy_safe(p->name, exec_basename(path), sizeof(p->name));
	t = thread_create(p, &tf);
	if (!t)
		panic("proc_start_init: no memory for the first thread");
	init_proc = p;
	proc_add_thread(p, t);
	thread_start(t);
}

static void usage_add(struct usage *sum, const struct usage *u)
{
	sum->minflt += u->minflt;
	sum->uticks += u->uticks;
	sum->sticks += u->sticks;
}

/*
 * Frees the threads of p that have left and are off their CPUs: a Linux
 * thread is never joined by the kernel (user space waits on its
 * clear_child_tid word), so its remains go at the next clone.
 */
static void reap_left_threads(struct proc *p)
{
	struct thread **pp, *t, *dead = NULL;

	spin_lock(&proc_lock);
	for (pp = &p->threads; (t = *pp) != NULL;) {
		if (t != current_thread() && t->exited &&
		    __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == T_ZOMBIE &&
		    !__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE)) {
			*pp = t->proc_next;
			usage_add(&p->dead, &t->usage);
			t->proc_next = dead;
			dead = t;
		} else {
			pp = &t->proc_next;
		}
	}
	spin_unlock(&proc_lock);
	while ((t = dead) != NULL) {
		dead = t->proc_next;
		thread_free(t);
	}
}

/* Stores the tid of a new thread where clone was asked to. */
static void clone_settid(const struct clone_args *ca, struct vm_map *child_map, int tid)
{
	uint32_t v = tid;

	if (ca->flags & CLONE_PARENT_SETTID)
		copyout((void *)ca->ptid, &v, sizeof(v));
	if ((ca->flags & CLONE_CHILD_SETTID) && child_map)
		vm_copyout(child_map, ca->ctid, &v, sizeof(v));
}

/* The user registers a clone starts with: the caller's, rax 0, a new stack. */
static void clone_frame(const struct trapframe *tf, const struct clone_args *ca,
                        struct trapframe *ctf)
{
	*ctf = *tf;
	ctf->rax = 0;
	if (ca->stack)
		ctf->rsp = ca->stack;
}

/* The TLS, tid word and FPU a new thread t starts with. */
static void clone_thread_state(struct thread *t, const struct clone_args *ca)
{
	t->fs_base = (ca->flags & CLONE_SETTLS) ? ca->tls : current_thread()->fs_base;
	t->clear_child_tid = (ca->flags & CLONE_CHILD_CLEARTID) ? ca->ctid : 0;
	t->sigmask = current_thread()->sigmask;
}

#if KDEBUG
int thread_exit_delay_us, clone_thread_delay_us;
#endif

/*
 * Adds t to p unless p is ending or full: a sibling's exec or an exit
 * marks the threads it finds, and a thread added after that would run on,
 * unmarked, in a process whose other threads are leaving (and clearing
 * their CLONE_CHILD_CLEARTID words, such as musl's thread-list lock).
 */
static bool proc_admit_thread(struct proc *p, struct thread *t)
{
	bool ok;

	spin_lock(&proc_lock);
	ok = p->nthreads < MAX_THREADS && !p->execing && !p->killed && !current_thread()->stop;
	if (ok) {
		t->proc_next = p->threads;
		p->threads = t;
		p->nthreads++;
	}
	spin_unlock(&proc_lock);
	return ok;
}

/* clone of a thread into the calling process (CLONE_THREAD). */
static long clone_thread(const struct trapframe *tf, const struct clone_args *ca)
{
	struct proc *p = current_proc();
	struct trapframe ctf;
	struct thread *t;

	reap_left_threads(p);
	if (p->nthreads >= MAX_THREADS || p->execing)
		return -EAGAIN;      /* early, before the work; proc_admit_thread decides */
	clone_frame(tf, ca, &ctf);
	if (!(t = thread_create(p, &ctf)))
		return -ENOMEM;
	clone_thread_state(t, ca);
	clone_settid(ca, p->map, t->tid);
#if KDEBUG
	race_window_us(&clone_thread_delay_us);   /* a sibling may exec meanwhile */
#endif
	if (!proc_admit_thread(p, t)) {
		thread_free(t);
		return -EAGAIN;
	}
	thread_start(t);
	return t->tid;
}

/* clone of a new process (fork, vfork, clone with SIGCHLD). */
static long clone_process(const struct trapframe *tf, const struct clone_args *ca)
{
	struct proc *parent = current_proc(), *child;
	struct trapframe ctf;
	struct thread *t;
	long err;

	child = proc_alloc(parent->name, parent, &err);
	if (!child)
		return err;
	memcpy(child->sigactions, parent->sigactions, sizeof(child->sigactions));
	child->map = vm_map_fork(parent->map);
	if (!child->map)
		goto err_free;
	clone_frame(tf, ca, &ctf);
	t = thread_create(child, &ctf);
	if (!t)
		goto err_map;
	clone_thread_state(t, ca);
	clone_settid(ca, child->map, child->pid);
	fdtable_copy(&child->files, &parent->files);
	spin_lock(&proc_lock);
	child->parent = parent;
	spin_unlock(&proc_lock);
	proc_add_thread(child, t);
	thread_start(t);
	return child->pid;

err_map:
	vm_map_destroy(child->map);
err_free:
	proc_free(child);
	return -ENOMEM;
}

/*
 * The flag sets clone accepts (see proc.h): a thread of this process, or a
 * new process whose exit signal is SIGCHLD or none.
 */
#define CLONE_THREAD_NEEDS (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)
#define CLONE_THREAD_MAY   (CLONE_THREAD_NEEDS | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | \
                            CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
                            CLONE_CHILD_SETTID | CLONE_DETACHED)
#define CLONE_PROCESS_MAY  (CSIGNAL | CLONE_SETTLS | CLONE_PARENT_SETTID | \
                            CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_VFORK)

long proc_clone(const struct trapframe *tf, const struct clone_args *ca)
{
	uint64_t f = ca->flags;

	if ((ca->stack && ca->stack >= USER_TOP) || ((f & CLONE_SETTLS) && ca->tls >= USER_TOP))
		return -EINVAL;
	if (f & CLONE_THREAD) {
		if ((f & CLONE_THREAD_NEEDS) != CLONE_THREAD_NEEDS || (f & ~CLONE_THREAD_MAY))
			return -EINVAL;
		return clone_thread(tf, ca);
	}
	if ((f & ~CLONE_PROCESS_MAY) || ((f & CSIGNAL) && (f & CSIGNAL) != SIGCHLD))
		return -EINVAL;
	return clone_process(tf, ca);
}

/* Hands p's children to init; init is woken if one of them is a zombie. */
static void reparent_children(struct proc *p)
{
	bool zombie = false;

	for (int i = 0; i < MAX_PROCS; i++) {
		if (procs[i] && procs[i]->parent == p) {
			procs[i]->parent = init_proc;
			zombie |= procs[i]->state == P_ZOMBIE;
		}
	}
	if (zombie)
		wakeup(init_proc);
}

/*
 * Waits until no thread of p but the caller is on a CPU. A thread that has
 * left (thread_leave) is no longer counted in p->nthreads, yet its CPU
 * keeps p's page tables loaded until schedule() switches away from it: p's
 * address space may be freed only after this. The caller is p's last
 * counted thread, so no thread can be added meanwhile.
 */
static void wait_others_off_cpu(struct proc *p)
{
	for (struct thread *t = p->threads; t; t = t->proc_next)
		if (t != current_thread())
			thread_wait_off_cpu(t);
}

void proc_exec_map(struct vm_map *map)
{
	struct proc *p = current_proc();
	struct vm_map *old = p->map;

	wait_others_off_cpu(p);
	spin_lock(&proc_lock);
	p->map = map;
	p->execed = true;
	spin_unlock(&proc_lock);
	uaccess_set_map(map);
	vm_map_destroy(old);
	shm_reap();
	fpu_reset_current();
	current_thread()->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	current_thread()->clear_child_tid = 0;
	signal_exec_reset(p);
	fdtable_close_on_exec(&p->files);
}

/*
 * The last thread of a process leaving: free the address space (on the
 * kernel-only tables, since it runs on them until now) and become a zombie.
 */
static void proc_finish(struct proc *p)
{
	struct vm_map *map;

	if (p == init_proc)
		panic("proc_finish: init exited (status 0x%x)", p->status);
	wait_others_off_cpu(p);
	/* Before the parent can see the zombie: a pipe's other end sees these close first. */
	fdtable_close_all(&p->files);
	spin_lock(&proc_lock);
	map = p->map;
	p->map = NULL;          /* from now on the scheduler activates no map for p */
	spin_unlock(&proc_lock);
	uaccess_set_map(NULL);
	vm_map_destroy(map);
	shm_reap();
	spin_lock(&proc_lock);
	reparent_children(p);
	p->state = P_ZOMBIE;
	wakeup(p->parent);
	if (p->parent) {
		struct ksiginfo info = { WIFSIGNALED(p->status) ? CLD_KILLED : CLD_EXITED, p->pid,
		                         WIFSIGNALED(p->status) ? WTERMSIG(p->status)
		                                                : WEXITSTATUS(p->status), 0 };
		signal_send_locked(p->parent, SIGCHLD, &info);
	}
	spin_unlock(&proc_lock);
	thread_exit_current(0);
}

/* Ends the calling thread; the last live thread finishes the process. */
static void thread_leave(int code) __attribute__((noreturn));
static void thread_leave(int code)
{
	struct proc *p = current_proc();
	struct thread *self = current_thread();
	bool last;

	if (prof_current() != VMSTAT_PROF_EXIT)
		prof_enter(VMSTAT_PROF_EXIT);   /* for good: the thread never returns */
	/* A thread join waits on this word (CLONE_CHILD_CLEARTID, set_tid_address). */
	if (self->clear_child_tid) {
		uint32_t zero = 0;

		if (copyout((void *)self->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake(self->clear_child_tid, 1);
		self->clear_child_tid = 0;
	}
	spin_lock(&proc_lock);
	current_thread()->exited = true;
	last = --p->nthreads == 0;
	wakeup(p);                     /* thread_join() and proc_exit() waiters */
	spin_unlock(&proc_lock);
	if (last)
		proc_finish(p);
#if KDEBUG
	/* The window in which a sibling's exec or exit must not free the
	 * address space still loaded on this CPU. */
	race_window_us(&thread_exit_delay_us);
#endif
	thread_exit_current(code);
}

void proc_mark_killed_locked(struct proc *p, int status)
{
	ASSERT_HELD(&proc_lock);
	if (!p->killed) {
		p->killed = true;
		p->status = status;
	}
	for (struct thread *t = p->threads; t; t = t->proc_next)
		thread_interrupt(t);
}

void proc_exit(int status)
{
	struct proc *p = current_proc();

	spin_lock(&proc_lock);
	proc_mark_killed_locked(p, status);
	spin_unlock(&proc_lock);
	thread_leave(0);
}

void proc_check_killed(void)
{
	if (proc_dying())
		thread_leave(0);
}

bool proc_dying(void)
{
	struct proc *p = current_proc();

	return p && (p->killed || __atomic_load_n(&current_thread()->stop, __ATOMIC_RELAXED));
}

bool proc_interrupted(void)
{
	return proc_dying() || (current_proc() && signal_pending());
}

long proc_stop_other_threads(void)
{
	struct proc *p = current_proc();
	struct thread *self = current_thread();

	spin_lock(&proc_lock);
	if (p->execing || self->stop) {
		spin_unlock(&proc_lock);
		return -EINTR;            /* another thread got there first */
	}
	p->execing = true;
	/*
	 * Every thread is marked before any is woken: a woken thread leaves
	 * at once and clears its CLONE_CHILD_CLEARTID word, which may let a
	 * sibling still running in user mode go on, and that sibling must
	 * already count as stopped if it then faults (proc_fault_kill).
	 */
	for (struct thread *t = p->threads; t; t = t->proc_next)
		if (t != self && !t->exited)
			__atomic_store_n(&t->stop, true, __ATOMIC_RELAXED);
	for (struct thread *t = p->threads; t; t = t->proc_next)
		if (t != self && !t->exited)
			thread_interrupt(t);
	while (p->nthreads > 1 && !p->killed)
		sleep_on(p, &proc_lock);   /* thread_leave() wakes p */
	p->execing = false;
	spin_unlock(&proc_lock);
	return p->killed ? -EINTR : 0;
}

/* Processes killed by a fault, undeclared and declared (proc_fault_stat()). */
static uint64_t crash_kills, expected_kills;

/*
 * A declared fault still gets its line, only worded as what it is: the
 * access the kernel refused and where is what a student reading a test's
 * log came to see, and a case whose child died of another fault than the
 * one it meant shows that too. Dropping the line would make the console
 * quieter but hide both. Only an undeclared fault says "killed:", so that
 * word marks a real crash.
 */
void proc_fault_kill(const struct trapframe *tf, uint64_t addr, int sig, const char *what)
{
	struct proc *p = current_proc();

	/*
	 * A thread already told to end (a sibling's exec or exit) ends as that
	 * decided, and the process's fate stays what it was: on Linux the
	 * SIGKILL pending for such a thread comes before its fault's signal.
	 * The fault may well be the teardown's doing: a thread runs on in user
	 * mode until its CPU next enters the kernel, while its siblings, woken
	 * to leave, clear their CLONE_CHILD_CLEARTID words, and musl's
	 * thread-list lock is such a word; a thread that takes the lock so
	 * freed can find a sibling's thread record half made and fault.
	 */
	if (proc_dying())
		thread_leave(0);
	if (__atomic_load_n(&p->fault_expected, __ATOMIC_RELAXED)) {
		__atomic_fetch_add(&expected_kills, 1, __ATOMIC_RELAXED);
		printk("pid %d (%s): expected fault: %s at address %p, rip %p "
		       "(killed, as the program intended)\n",
		       p->pid, p->name, what, (void *)addr, (void *)tf->rip);
	} else {
		__atomic_fetch_add(&crash_kills, 1, __ATOMIC_RELAXED);
		printk("pid %d (%s): killed: %s at address %p, rip %p\n",
		       p->pid, p->name, what, (void *)addr, (void *)tf->rip);
	}
	proc_exit(W_SIGNALED(sig));
}

int proc_expect_fault(bool expected)
{
	return __atomic_exchange_n(&current_proc()->fault_expected, expected, __ATOMIC_RELAXED);
}

void proc_fault_stat(struct vmstat *st)
{
	st->crash_kills = __atomic_load_n(&crash_kills, __ATOMIC_RELAXED);
	st->expected_kills = __atomic_load_n(&expected_kills, __ATOMIC_RELAXED);
}

/*
 * Which children a wait4 takes: pid > 0 that one, -1 any, otherwise those
 * in group pgid (the caller's, for pid 0, as it was when the wait began).
 */
static bool wait_matches(const struct proc *c, int pid, int pgid)
{
	return pid > 0 ? c->pid == pid : pid == -1 || c->pgid == pgid;
}

/*
 * A child that wait4(pid) reports, or NULL; *any set if one exists: a
 * zombie, or with WUNTRACED or WCONTINUED one that stopped or continued
 * since its parent last looked.
 */
static struct proc *find_waitable_child(struct proc *parent, int pid, int pgid, int options,
                                        bool *any)
{
	struct proc *found = NULL;

	*any = false;
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *c = procs[i];
		if (!c || c->parent != parent || !wait_matches(c, pid, pgid))
			continue;
		*any = true;
		if (found)
			continue;
		if (c->state == P_ZOMBIE ||
		    (c->wait_report == W_CONTINUED && (options & WCONTINUED)) ||
		    (c->wait_report && c->wait_report != W_CONTINUED && (options & WUNTRACED)))
			found = c;
	}
	return found;
}

#define WAIT_OPTIONS (WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)

/* The usage of p's threads, those gone included. (P) held. */
static struct usage proc_usage_locked(const struct proc *p)
{
	struct usage u = p->dead;

	for (const struct thread *t = p->threads; t; t = t->proc_next)
		usage_add(&u, &t->usage);
	return u;
}

long proc_wait4(int pid, int *status_out, int options, struct usage *u)
{
	struct proc *self = current_proc(), *child;
	struct usage cu;
	bool any;
	int cpid, pgid;

	if ((unsigned)options & ~(unsigned)WAIT_OPTIONS)
		return -EINVAL;
	if (pid == INT_MIN)
		return -ESRCH;
	spin_lock(&proc_lock);
	pgid = pid == 0 ? self->pgid : -pid;
	while (!(child = find_waitable_child(self, pid, pgid, options, &any))) {
		if (!any || (options & WNOHANG) || proc_interrupted()) {
			spin_unlock(&proc_lock);
			return !any ? -ECHILD : proc_interrupted() ? -ERESTARTSYS : 0;
		}
		sleep_on(self, &proc_lock);
	}
	if (child->state != P_ZOMBIE) {
		/* Stopped or continued: reported once, and it stays a child. */
		*status_out = child->wait_report;
		child->wait_report = 0;
		if (u)
			*u = (struct usage){ 0 };
		spin_unlock(&proc_lock);
		return child->pid;
	}
	child->parent = NULL;
	cu = proc_usage_locked(child);
	usage_add(&cu, &child->children);
	usage_add(&self->children, &cu);
	spin_unlock(&proc_lock);
	*status_out = child->status;
	if (u)
		*u = cu;
	cpid = child->pid;
	proc_free(child);
	return cpid;
}

void proc_usage(int who, struct usage *u)
{
	struct proc *p = current_proc();

	spin_lock(&proc_lock);
	if (who == RUSAGE_THREAD)
		*u = current_thread()->usage;
	else if (who == RUSAGE_CHILDREN)
		*u = p->children;
	else
		*u = proc_usage_locked(p);
	spin_unlock(&proc_lock);
}

/* The process with this pid, a zombie too (its group still counts), or NULL. */
static struct proc *proc_or_zombie_locked(int pid)
{
	ASSERT_HELD(&proc_lock);
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i] && procs[i]->pid == pid)
			return procs[i];
	return NULL;
}

struct proc *proc_by_pid_locked(int pid)
{
	struct proc *p = proc_or_zombie_locked(pid);

	return p && p->state == P_ALIVE ? p : NULL;
}

/* A process (a zombie too) of group pgid, or NULL: the group does not exist. */
static struct proc *group_member_locked(int pgid)
{
	ASSERT_HELD(&proc_lock);
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i] && procs[i]->pgid == pgid)
			return procs[i];
	return NULL;
}

void proc_raise(int sig)
{
	struct ksiginfo info = { SI_KERNEL, 0, 0, 0 };

	spin_lock(&proc_lock);
	signal_send_thread_locked(current_thread(), sig, &info);
	spin_unlock(&proc_lock);
}

long proc_kill(int pid, int sig)
{
	struct proc *self = current_proc(), *p;
	struct ksiginfo info = { SI_USER, self->pid, 0, 0 };
	int pgid, found = 0;
	long err = 0;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid == INT_MIN)
		return -ESRCH;    /* no group -INT_MIN: Linux's answer too */
	spin_lock(&proc_lock);
	if (pid > 0) {
		p = proc_by_pid_locked(pid);
		/* Init takes only the signals it has handlers for (busybox's
		 * poweroff sends it SIGUSR2); signal_send_locked drops the rest,
		 * and the sender, root, gets 0, as on Linux. */
		if (!p)
			err = -ESRCH;
		else if (sig)
			signal_send_locked(p, sig, &info);
		spin_unlock(&proc_lock);
		return err;
	}
	pgid = pid == 0 ? self->pgid : -pid;
	for (int i = 0; i < MAX_PROCS; i++) {
		p = procs[i];
		if (!p || (pid == -1 ? p == init_proc || p == self : p->pgid != pgid))
			continue;
		found++;
		if (sig && p != init_proc)
			signal_send_locked(p, sig, &info);
	}
	spin_unlock(&proc_lock);
	return found ? 0 : -ESRCH;
}

long proc_kill_group_locked(int pgid, int sig)
{
	struct ksiginfo info = { SI_KERNEL, 0, 0, 0 };
	int found = 0;

	ASSERT_HELD(&proc_lock);
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = procs[i];

		if (p && p->pgid == pgid && p != init_proc) {
			found++;
			signal_send_locked(p, sig, &info);
		}
	}
	return found ? 0 : -ESRCH;
}

long proc_tgkill(int tgid, int tid, int sig)
{
	struct ksiginfo info = { SI_TKILL, current_proc()->pid, 0, 0 };
	long err = -ESRCH;

	if (sig < 0 || sig > NSIG || tid <= 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	for (int i = 0; i < MAX_PROCS && err == -ESRCH; i++) {
		struct proc *p = procs[i];

		if (!p || p->state != P_ALIVE || (tgid > 0 && p->pid != tgid))
			continue;
		for (struct thread *t = p->threads; t; t = t->proc_next) {
			if (t->tid != tid || t->exited)
				continue;
			err = 0;
			if (sig)
				signal_send_thread_locked(t, sig, &info);
			break;
		}
	}
	spin_unlock(&proc_lock);
	return err;
}

long proc_setpgid(int pid, int pgid)
{
	struct proc *self = current_proc(), *p, *g;
	long err = 0;

	if (pid == 0)
		pid = self->pid;
	if (pgid == 0)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	p = proc_or_zombie_locked(pid);
	if (!p || (p != self && p->parent != self))
		err = -ESRCH;
	else if (p != self && p->sid != self->sid)
		err = -EPERM;
	else if (p != self && p->execed)
		err = -EACCES;
	else if (p->sid == p->pid)
		err = -EPERM;     /* a session leader stays the leader of its group */
	else if (pgid != p->pid && (!(g = group_member_locked(pgid)) || g->sid != self->sid))
		err = -EPERM;     /* only a group of the caller's session can be joined */
	else
		p->pgid = pgid;
	spin_unlock(&proc_lock);
	return err;
}

/* The group (or, with sid, the session) of process pid, or of the caller for pid 0. */
static long proc_get_id(int pid, bool sid)
{
	struct proc *p;
	long r;

	spin_lock(&proc_lock);
	p = pid == 0 ? current_proc() : proc_or_zombie_locked(pid);
	r = !p ? -ESRCH : sid ? p->sid : p->pgid;
	spin_unlock(&proc_lock);
	return r;
}

long proc_getpgid(int pid)
{
	return proc_get_id(pid, false);
}

long proc_getsid(int pid)
{
	return proc_get_id(pid, true);
}

long proc_group_session(int pgid)
{
	struct proc *g;
	long sid;

	spin_lock(&proc_lock);
	g = group_member_locked(pgid);
	sid = g ? g->sid : -ESRCH;
	spin_unlock(&proc_lock);
	return sid;
}

long proc_setsid(void)
{
	struct proc *self = current_proc();
	long r;

	spin_lock(&proc_lock);
	if (group_member_locked(self->pid)) {
		r = -EPERM;
	} else {
		self->sid = self->pgid = self->pid;
		r = self->pid;
	}
	spin_unlock(&proc_lock);
	return r;
}

void proc_thread_exit(int code)
{
	struct proc *p = current_proc();

	spin_lock(&proc_lock);
	if (p->nthreads == 1) {
		spin_unlock(&proc_lock);
		proc_exit(W_EXITCODE(code));
	}
	spin_unlock(&proc_lock);
	thread_leave(code);
}

static bool all_threads_sleeping(const struct proc *p)
{
	for (const struct thread *t = p->threads; t; t = t->proc_next)
		if (!t->exited && t->state != T_SLEEPING)
			return false;
	return true;
}

int proc_info(int index, struct procinfo *out)
{
	struct proc *p = NULL;
	int seen = 0;

	spin_lock(&proc_lock);
	for (int i = 0; i < MAX_PROCS && !p; i++)
		if (procs[i] && seen++ == index)
			p = procs[i];
	if (!p) {
		spin_unlock(&proc_lock);
		return -ESRCH;
	}
	memset(out, 0, sizeof(*out));
	out->pid = p->pid;
	out->ppid = p->parent ? p->parent->pid : 0;
	out->state = p->state == P_ZOMBIE ? PSTATE_ZOMBIE
	           : all_threads_sleeping(p) ? PSTATE_SLEEPING : PSTATE_RUNNING;
	out->nthreads = p->nthreads;
	if (p->map) {
		struct vmstat st;
		vm_stat_map(p->map, &st);
		out->resident = st.resident;
	}
	strncpy_safe(out->name, p->name, sizeof(out->name));
	spin_unlock(&proc_lock);
	return 0;
}

int proc_count(void)
{
	int n = 0;

	spin_lock(&proc_lock);
	for (int i = 0; i < MAX_PROCS; i++)
		n += procs[i] != NULL;
	spin_unlock(&proc_lock);
	return n;
}
