/*
 * Round-robin scheduler (see sched.h).
 *
 * A switched-out thread's kernel stack holds, from the top: its trapframe
 * (when it came from user mode), the kernel frames of whatever it was doing,
 * and the callee-saved registers pushed by swtch(). A new thread gets a
 * hand-made swtch() frame whose return address is thread_trampoline, which
 * releases sched_lock and enters user mode through trap_return.
 */
#include "kernel/sched.h"
#include "kernel/cpu.h"
#include "kernel/fpu.h"
#include "kernel/gdt.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/profile.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/timer.h"
#include "kernel/watchdog.h"
#include "mm/kmalloc.h"
#include "mm/page.h"

struct spinlock sched_lock = SPINLOCK_INIT("sched");

static struct thread *run_head, *run_tail;   /* (s) one queue for all CPUs */
static struct thread *all_threads;           /* (s) */
static size_t nthreads;                      /* threads with a stack of their own (s) */
static int next_tid = 1;                     /* (s) */

void swtch(uint64_t *save_rsp, uint64_t new_rsp);
void thread_trampoline(void);
void kthread_trampoline(void);

struct thread *current_thread(void)
{
	return this_cpu()->running;
}

static uint64_t kstack_top(const struct thread *t)
{
	return (uint64_t)page_to_virt(t->kstack) + KSTACK_SIZE;
}

static void rq_push(struct thread *t)
{
	t->rq_next = NULL;
	if (run_tail)
		run_tail->rq_next = t;
	else
		run_head = t;
	run_tail = t;
}

static struct thread *rq_pop(void)
{
	struct thread *t = run_head;

	if (t) {
		run_head = t->rq_next;
		if (!run_head)
			run_tail = NULL;
	}
	return t;
}

/* Allocates a thread and its stack, linked into the list of all threads. */
static struct thread *thread_alloc(struct proc *p)
{
	struct thread *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->kstack = page_alloc_run(KSTACK_PAGES);
	if (p)
		t->fpu = kmalloc(sizeof(*t->fpu));
	if (!t->kstack || (p && !t->fpu)) {
		if (t->kstack)
			page_free_run(t->kstack, KSTACK_PAGES);
		kfree(t->fpu);
		kfree(t);
		return NULL;
	}
	t->proc = p;
	t->state = T_EMBRYO;
	spin_lock(&sched_lock);
	t->tid = next_tid++;
	t->all_next = all_threads;
	all_threads = t;
	nthreads++;
	spin_unlock(&sched_lock);
	return t;
}

/* Pushes a swtch() frame that "returns" to `entry` with rbx = arg1, r12 = arg2. */
static void push_switch_frame(struct thread *t, uint64_t sp, void (*entry)(void),
                              uint64_t arg1, uint64_t arg2)
{
	uint64_t *frame = (uint64_t *)sp - 7;

	frame[0] = 0;              /* r15 */
	frame[1] = 0;              /* r14 */
	frame[2] = 0;              /* r13 */
	frame[3] = arg2;           /* r12 */
	frame[4] = arg1;           /* rbx */
	frame[5] = 0;              /* rbp: ends backtraces */
	frame[6] = (uint64_t)entry;
	t->ctx_rsp = (uint64_t)frame;
}

struct thread *thread_create(struct proc *p, const struct trapframe *tf)
{
	struct thread *t = thread_alloc(p);
	uint64_t top;

	if (!t)
		return NULL;
	fpu_inherit(t->fpu);
	top = kstack_top(t);
	t->tf = (struct trapframe *)(top - sizeof(struct trapframe));
	*t->tf = *tf;
	push_switch_frame(t, (uint64_t)t->tf, thread_trampoline, 0, 0);
	return t;
}

struct thread *kthread_create(void (*fn)(void *), void *arg)
{
	struct thread *t = thread_alloc(NULL);

	if (!t)
		return NULL;
	push_switch_frame(t, kstack_top(t) - 16, kthread_trampoline,
	                  (uint64_t)fn, (uint64_t)arg);
	return t;
}

void thread_start(struct thread *t)
{
	spin_lock(&sched_lock);
	t->state = T_RUNNABLE;
	rq_push(t);
	spin_unlock(&sched_lock);
}

void thread_free(struct thread *t)
{
	struct thread **pp;

	thread_wait_off_cpu(t);
	spin_lock(&sched_lock);
	for (pp = &all_threads; *pp != t; pp = &(*pp)->all_next)
		;
	*pp = t->all_next;
	nthreads--;
	spin_unlock(&sched_lock);
	page_free_run(t->kstack, KSTACK_PAGES);
	kfree(t->fpu);
	kfree(t);
}

size_t thread_count(void)
{
	return __atomic_load_n(&nthreads, __ATOMIC_RELAXED);
}

void thread_wait_off_cpu(struct thread *t)
{
	if (t->state == T_EMBRYO)
		return;
	while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != T_ZOMBIE ||
	       __atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		yield();
}

/*
 * Runs on the new thread right after swtch(): only now has the previous
 * thread's stack stopped being used, so it may be freed or run elsewhere.
 */
static void finish_switch(void)
{
	struct percpu *c = this_cpu();

	if (c->switched_out) {
		__atomic_store_n(&c->switched_out->on_cpu, false, __ATOMIC_RELEASE);
		c->switched_out = NULL;
	}
}

/*
 * First C code of a new thread: finish the switch and drop the lock
 * schedule() held for it. User threads stay masked until iretq restores
 * their rflags; kernel threads run with interrupts on.
 */
void thread_first_run(uint64_t rflags)
{
	struct percpu *c = this_cpu();

	prof_leave(c->running == c->idle ? VMSTAT_PROF_IDLE
	           : c->running->proc ? VMSTAT_PROF_USER : VMSTAT_PROF_KTHREAD);
	finish_switch();
	sched_lock.saved_rflags = rflags;
	spin_unlock(&sched_lock);
}

void schedule(void)
{
	struct percpu *c = this_cpu();
	struct thread *prev = c->running, *next;
	uint64_t flags;
	int outer;

	ASSERT_HELD(&sched_lock);
	if (KDEBUG && (spin_held_count() != 1 || (read_rflags() & RFLAGS_IF)))
		panic("schedule: %d locks held, interrupts %s", spin_held_count(),
		      (read_rflags() & RFLAGS_IF) ? "on" : "off");
	if (prev->state == T_RUNNING) {
		prev->state = T_RUNNABLE;
		if (prev != c->idle)
			rq_push(prev);
	}
	next = rq_pop();
	if (!next)
		next = c->idle;
	next->state = T_RUNNING;
	c->running = next;
	c->slice_start = timer_ticks();
	if (next == prev)
		return;
	watchdog_switched();
	/* Put back when prev runs again, by prev itself (a new thread sets its own). */
	outer = prof_enter(VMSTAT_PROF_SWITCH);
	next->on_cpu = true;
	c->switched_out = prev;
	if (prev->proc)
		fpu_save(prev->fpu);
	if (next->proc) {
		c->kernel_rsp = kstack_top(next);
		tss_set_kernel_stack(kstack_top(next));
		fpu_restore(next->fpu);
		wrmsr(MSR_FS_BASE, next->fs_base);
	}
	/*
	 * Kernel threads run on the kernel-only tables, so no CPU keeps a
	 * dead process's page tables loaded.
	 */
	proc_activate(next->proc);
	/* Each thread keeps its own interrupt state across the switch. */
	flags = sched_lock.saved_rflags;
	swtch(&prev->ctx_rsp, next->ctx_rsp);
	sched_lock.saved_rflags = flags;
	finish_switch();
	prof_leave(outer);
}

void thread_for_each(void (*fn)(struct thread *, void *), void *arg)
{
	spin_lock(&sched_lock);
	for (struct thread *t = all_threads; t; t = t->all_next)
		fn(t, arg);
	spin_unlock(&sched_lock);
}

void yield(void)
{
	spin_lock(&sched_lock);
	schedule();
	spin_unlock(&sched_lock);
}

void sleep_on(const void *chan, struct spinlock *lk)
{
	sleep_on_until(chan, lk, 0);
}

void sleep_on_until(const void *chan, struct spinlock *lk, uint64_t deadline)
{
	struct thread *self;

	if (KDEBUG && spin_held_count() != (lk ? 1 : 0))
		panic("sleep_on_until: sleeping with %d spinlocks held", spin_held_count());
	spin_lock(&sched_lock);
	if (lk) {
		/*
		 * lk was taken first and is released first: hand its saved
		 * interrupt state to sched_lock so interrupts stay off until
		 * sched_lock goes too.
		 */
		uint64_t rflags = lk->saved_rflags;
		lk->saved_rflags = 0;
		spin_unlock(lk);
		sched_lock.saved_rflags = rflags;
	}
	self = current_thread();
	if (self->interrupted) {
		/* Interrupted since its caller last looked: the caller looks again. */
		self->interrupted = false;
		spin_unlock(&sched_lock);
		if (lk)
			spin_lock(lk);
		return;
	}
	self->chan = chan;
	self->wake_tick = deadline;
	self->state = T_SLEEPING;
	schedule();
	self->chan = NULL;
	self->wake_tick = 0;
	spin_unlock(&sched_lock);
	if (lk)
		spin_lock(lk);
}

static void make_runnable(struct thread *t)
{
	t->state = T_RUNNABLE;
	t->chan = NULL;
	t->wake_tick = 0;
	rq_push(t);
}

void wakeup(const void *chan)
{
	spin_lock(&sched_lock);
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->state == T_SLEEPING && t->chan == chan)
			make_runnable(t);
	spin_unlock(&sched_lock);
}

void thread_interrupt(struct thread *t)
{
	spin_lock(&sched_lock);
	if (t->state == T_SLEEPING)
		make_runnable(t);
	else
		t->interrupted = true;
	spin_unlock(&sched_lock);
}

void sleep_ms(uint64_t ms)
{
	uint64_t ticks = (ms * TIMER_HZ + 999) / 1000;

	struct thread *self;

	spin_lock(&sched_lock);
	self = current_thread();
	if (self->interrupted) {
		self->interrupted = false;   /* see sleep_on_until() */
		spin_unlock(&sched_lock);
		return;
	}
	self->wake_tick = timer_ticks() + MAX(ticks, 1);
	self->chan = &self->wake_tick;
	self->state = T_SLEEPING;
	schedule();
	spin_unlock(&sched_lock);
}

void sched_tick(void)
{
	uint64_t now = timer_ticks();

	spin_lock(&sched_lock);
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->state == T_SLEEPING && t->wake_tick && t->wake_tick <= now)
			make_runnable(t);
	spin_unlock(&sched_lock);
}

void thread_charge_tick(bool user)
{
	struct thread *t = current_thread();

	if (t && t->proc) {   /* not the idle or a kernel thread */
		if (user)
			t->usage.uticks++;
		else
			t->usage.sticks++;
	}
}

bool sched_should_yield(void)
{
	struct percpu *c = this_cpu();

	return c->running == c->idle ? run_head != NULL
	                             : timer_ticks() - c->slice_start >= TIME_SLICE_TICKS;
}

void thread_exit_current(int code)
{
	struct thread *self;

	spin_lock(&sched_lock);
	self = current_thread();
	self->exit_code = code;
	self->state = T_ZOMBIE;
	schedule();
	panic("thread_exit_current: zombie thread %d ran again", self->tid);
}

static void idle_loop(void *arg)
{
	(void)arg;
	for (;;) {
		sti();
		hlt();
		if (run_head)
			yield();
	}
}

/*
 * Turns the calling CPU's boot flow into a thread (so it can sleep, exit and
 * be switched away from) and creates the CPU's idle thread.
 */
void sched_start_cpu(void)
{
	static struct thread boot_threads[MAX_CPUS];
	struct percpu *c = this_cpu();
	struct thread *t = &boot_threads[c->id];

	t->state = T_RUNNING;
	t->on_cpu = true;
	spin_lock(&sched_lock);
	t->all_next = all_threads;
	all_threads = t;
	spin_unlock(&sched_lock);
	c->running = t;
	c->idle = kthread_create(idle_loop, NULL);
	if (!c->idle)
		panic("sched_start_cpu: no memory for the idle thread of cpu %d", c->id);
	c->idle->state = T_RUNNABLE;   /* never on the run queue */
}

void sched_init(void)
{
	sched_start_cpu();
	timer_set_tick_hook(sched_tick);
}
