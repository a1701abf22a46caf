/*
 * Process lifecycle: fork, exit, waitpid, kill, and threads of a process.
 *
 * How a process dies: whoever decides (exit(), kill(), a fault) marks it
 * killed; each of its threads notices on its way back to user mode (or when
 * its sleep is interrupted) and ends; the last thread out tears down the
 * address space, hands the children to init and wakes the parent, which
 * frees what is left in waitpid().
 */
#include "kernel/proc.h"
#include "kernel/exec.h"
#include "kernel/cpu.h"
#include "kernel/fpu.h"
#include "kernel/gdt.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "mm/kmalloc.h"
#include "mm/phys.h"
#include "mm/uaccess.h"
#include "mm/vm_map.h"
#include "uapi/errno.h"
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

void proc_activate(struct proc *p)
{
	uaccess_set_map(p ? p->map : NULL);
}

/* A new process in the table, with no threads or map yet; NULL if full. */
static struct proc *proc_alloc(const char *name)
{
	struct proc *p = kzalloc(sizeof(*p));
	int slot = -1;

	if (!p)
		return NULL;
	spin_lock(&proc_lock);
	for (int i = 0; i < MAX_PROCS && slot < 0; i++)
		if (!procs[i])
			slot = i;
	if (slot < 0) {
		spin_unlock(&proc_lock);
		kfree(p);
		return NULL;
	}
	p->pid = next_pid++;
	p->state = P_ALIVE;
	strncpy_safe(p->name, name, sizeof(p->name));
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
	static char *envp[] = { "PATH=/bin:/usr/bin", "HOME=/", "TERM=vt100", NULL };
	struct exec_args args = { argv, envp };
	struct trapframe tf;
	struct thread *t;
	struct proc *p = proc_alloc("init");
	long err;

	if (!p)
		panic("proc_start_init: no memory");
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

long proc_fork(const struct trapframe *tf)
{
	struct proc *parent = current_proc(), *child;
	struct trapframe ctf = *tf;
	struct thread *t;

	child = proc_alloc(parent->name);
	if (!child)
		return -EAGAIN;
	child->map = vm_map_fork(parent->map);
	if (!child->map)
		goto err_free;
	ctf.rax = 0;
	t = thread_create(child, &ctf);
	if (!t)
		goto err_map;
	child->parent = parent;
	proc_add_thread(child, t);
	thread_start(t);
	return child->pid;

err_map:
	vm_map_destroy(child->map);
err_free:
	proc_free(child);
	return -ENOMEM;
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
	spin_unlock(&proc_lock);
	uaccess_set_map(map);
	vm_map_destroy(old);
	fpu_reset_current();
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
	spin_lock(&proc_lock);
	map = p->map;
	p->map = NULL;          /* from now on the scheduler activates no map for p */
	spin_unlock(&proc_lock);
	uaccess_set_map(NULL);
	vm_map_destroy(map);
	spin_lock(&proc_lock);
	reparent_children(p);
	p->state = P_ZOMBIE;
	wakeup(p->parent);
	spin_unlock(&proc_lock);
	thread_exit_current(0);
}

#if KDEBUG
int thread_exit_delay_us;

/*
 * debug.thread_exit_delay_us (debug builds only): a thread that has left
 * its process waits this long before leaving its CPU, which widens the
 * window in which a sibling's exec or exit must not free the address space
 * still loaded there, so that tests hit it at once instead of by luck.
 */
static void exit_race_delay(void)
{
	uint64_t end = clock_ns() + 1000 * (uint64_t)__atomic_load_n(&thread_exit_delay_us,
	                                                             __ATOMIC_RELAXED);

	while (clock_ns() < end)
		cpu_relax();
}
#else
static void exit_race_delay(void)
{
}
#endif

/* Ends the calling thread; the last live thread finishes the process. */
static void thread_leave(int code) __attribute__((noreturn));
static void thread_leave(int code)
{
	struct proc *p = current_proc();
	bool last;

	spin_lock(&proc_lock);
	current_thread()->exited = true;
	last = --p->nthreads == 0;
	wakeup(p);                     /* thread_join() and proc_exit() waiters */
	spin_unlock(&proc_lock);
	if (last)
		proc_finish(p);
	exit_race_delay();
	thread_exit_current(code);
}

/* Marks p killed with `status` (the first reason wins) and wakes its threads. */
static void proc_mark_killed(struct proc *p, int status)
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
	proc_mark_killed(p, status);
	spin_unlock(&proc_lock);
	thread_leave(0);
}

void proc_check_killed(void)
{
	struct proc *p = current_proc();

	if (p && p->killed)
		thread_leave(0);
}

void proc_fault_kill(const struct trapframe *tf, uint64_t addr, int sig, const char *what)
{
	struct proc *p = current_proc();

	printk("pid %d (%s): killed: %s at address %p, rip %p\n",
	       p->pid, p->name, what, (void *)addr, (void *)tf->rip);
	proc_exit(W_SIGNALED(sig));
}

/* A zombie child matching pid (-1: any), or NULL; *any set if one exists. */
static struct proc *find_zombie_child(struct proc *parent, int pid, bool *any)
{
	struct proc *found = NULL;

	*any = false;
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *c = procs[i];
		if (!c || c->parent != parent || (pid != -1 && c->pid != pid))
			continue;
		*any = true;
		if (c->state == P_ZOMBIE && !found)
			found = c;
	}
	return found;
}

long proc_waitpid(int pid, int *status_out, int flags)
{
	struct proc *self = current_proc(), *child;
	bool any;
	int cpid;

	if (pid == 0 || pid < -1 || (flags & ~WNOHANG))
		return -EINVAL;
	spin_lock(&proc_lock);
	while (!(child = find_zombie_child(self, pid, &any))) {
		if (!any || (flags & WNOHANG) || self->killed) {
			spin_unlock(&proc_lock);
			return !any ? -ECHILD : self->killed ? -EINTR : 0;
		}
		sleep_on(self, &proc_lock);
	}
	child->parent = NULL;
	spin_unlock(&proc_lock);
	*status_out = child->status;
	cpid = child->pid;
	proc_free(child);
	return cpid;
}

struct proc *proc_by_pid_locked(int pid)
{
	ASSERT_HELD(&proc_lock);
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i] && procs[i]->pid == pid && procs[i]->state == P_ALIVE)
			return procs[i];
	return NULL;
}

long proc_kill(int pid)
{
	struct proc *p;

	if (pid == 1)
		return -EPERM;
	spin_lock(&proc_lock);
	p = proc_by_pid_locked(pid);
	if (p)
		proc_mark_killed(p, W_SIGNALED(SIGKILL));
	spin_unlock(&proc_lock);
	return p ? 0 : -ESRCH;
}

long proc_thread_create(uint64_t entry, uint64_t arg, uint64_t stack)
{
	struct proc *p = current_proc();
	struct trapframe tf;
	struct thread *t;

	if (entry >= USER_TOP || stack >= USER_TOP || stack < PAGE_SIZE)
		return -EINVAL;
	if (p->nthreads >= MAX_THREADS)
		return -EAGAIN;
	memset(&tf, 0, sizeof(tf));
	tf.rip = entry;
	tf.rsp = (stack & ~0xfUL) - 8;   /* as if called: a return slot below */
	tf.rdi = arg;
	tf.cs = SEL_UCODE;
	tf.ss = SEL_UDATA;
	tf.rflags = RFLAGS_IF;
	t = thread_create(p, &tf);
	if (!t)
		return -ENOMEM;
	proc_add_thread(p, t);
	thread_start(t);
	return t->tid;
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

long proc_thread_join(int tid, int *code_out)
{
	struct proc *p = current_proc();
	struct thread *t, **pp;

	if (tid == current_thread()->tid)
		return -EINVAL;
	spin_lock(&proc_lock);
	for (;;) {
		for (pp = &p->threads; *pp && (*pp)->tid != tid; pp = &(*pp)->proc_next)
			;
		t = *pp;
		if (!t) {
			spin_unlock(&proc_lock);
			return -ESRCH;
		}
		if (t->exited)
			break;
		if (p->killed) {
			spin_unlock(&proc_lock);
			return -EINTR;
		}
		sleep_on(p, &proc_lock);
	}
	*pp = t->proc_next;
	spin_unlock(&proc_lock);
	*code_out = t->exit_code;
	thread_free(t);
	return 0;
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
