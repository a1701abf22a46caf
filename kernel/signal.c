/*
 * Signals (see signal.h): sending, taking, the handler's frame on the
 * user stack, rt_sigreturn, and the calls that set actions and masks.
 *
 * Stopping is a state of the whole process: a stop signal taken with its
 * default action marks the process stopped and tells the parent (wait4
 * with WUNTRACED, SIGCHLD); each thread, on its way back to user mode,
 * then sleeps until SIGCONT or SIGKILL.
 */
#include "kernel/signal.h"
#include "kernel/fpu.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/trap.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"
#include "uapi/linux_syscalls.h"
#include "uapi/wait.h"

#define STOP_SIGNALS (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define IGNORED_BY_DEFAULT (SIGBIT(SIGCHLD) | SIGBIT(SIGCONT) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH))
#define RED_ZONE 128                /* bytes below rsp that user code may use (psABI) */
#define RFLAGS_TF (1UL << 8)
#define RFLAGS_DF (1UL << 10)

bool signal_default_ignored(int sig)
{
	return (IGNORED_BY_DEFAULT & SIGBIT(sig)) != 0;
}

static bool default_stops(int sig)
{
	return (STOP_SIGNALS & SIGBIT(sig)) != 0;
}

/*
 * Whether p drops sig when it is sent: SIG_IGN, or the default action of
 * doing nothing. Init takes no default action at all, as on Linux.
 */
static bool ignored_locked(const struct proc *p, int sig)
{
	uint64_t h = p->sigactions[sig - 1].handler;

	if (sig == SIGKILL || sig == SIGSTOP)
		return proc_is_init(p);
	return h == SIG_IGN || (h == SIG_DFL && (signal_default_ignored(sig) || proc_is_init(p)));
}

/* Whether taking sig with its action ends p (SIG_DFL, and neither ignore nor stop). */
static bool fatal_locked(const struct proc *p, int sig)
{
	return p->sigactions[sig - 1].handler == SIG_DFL && !signal_default_ignored(sig) &&
	       !default_stops(sig) && !proc_is_init(p);
}

/* Drops the pending signals of set, the process's and each thread's. */
static void flush_pending_locked(struct proc *p, uint64_t set)
{
	p->sigpending &= ~set;
	for (struct thread *t = p->threads; t; t = t->proc_next)
		t->sigpending &= ~set;
}

/* Tells p's parent that p stopped or continued (code CLD_...): wait4 and SIGCHLD. */
static void notify_parent_locked(struct proc *p, int code, int status)
{
	struct proc *parent = p->parent;
	struct ksiginfo info = { code, p->pid, status, 0 };

	p->wait_report = code == CLD_STOPPED ? W_STOPCODE(status) : W_CONTINUED;
	if (!parent)
		return;
	wakeup(parent);
	if (code != CLD_STOPPED || !(parent->sigactions[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		signal_send_locked(parent, SIGCHLD, &info);
}

/* SIGCONT (or SIGKILL) for a stopped p: its threads go on. */
static void continue_locked(struct proc *p)
{
	flush_pending_locked(p, STOP_SIGNALS);
	if (!p->stopped)
		return;
	p->stopped = false;
	wakeup(&p->stopped);
	notify_parent_locked(p, CLD_CONTINUED, SIGCONT);
}

/* Wakes t if it might be asleep in a call the signal should end. */
static void kick(struct thread *t)
{
	if (!t->exited)
		thread_interrupt(t);
}

void signal_send_locked(struct proc *p, int sig, const struct ksiginfo *info)
{
	struct thread *taker = NULL;

	ASSERT_HELD(&proc_lock);
	if (sig < 1 || sig > NSIG || p->state != P_ALIVE || ignored_locked(p, sig)) {
		if (p->state == P_ALIVE && sig == SIGCONT)
			continue_locked(p);     /* continues even when SIGCONT itself is ignored */
		return;
	}
	if (sig == SIGKILL) {
		proc_mark_killed_locked(p, W_SIGNALED(SIGKILL));
		p->stopped = false;
		wakeup(&p->stopped);
		return;
	}
	if (sig == SIGCONT)
		continue_locked(p);
	if (default_stops(sig))
		flush_pending_locked(p, SIGBIT(SIGCONT));
	for (struct thread *t = p->threads; t && !taker; t = t->proc_next)
		if (!t->exited && !(t->sigmask & SIGBIT(sig)))
			taker = t;
	if (taker && fatal_locked(p, sig)) {
		proc_mark_killed_locked(p, W_SIGNALED(sig));
		return;
	}
	if (!(p->sigpending & SIGBIT(sig))) {
		p->sigpending |= SIGBIT(sig);
		p->siginfo[sig - 1] = *info;
	}
	if (taker)
		kick(taker);
}

void signal_send_thread_locked(struct thread *t, int sig, const struct ksiginfo *info)
{
	struct proc *p = t->proc;

	ASSERT_HELD(&proc_lock);
	if (sig == SIGKILL || sig == SIGCONT || t->exited) {
		signal_send_locked(p, sig, info);   /* they act on the whole process */
		return;
	}
	if (p->state != P_ALIVE || ignored_locked(p, sig))
		return;
	if (default_stops(sig))
		flush_pending_locked(p, SIGBIT(SIGCONT));
	if (!(t->sigmask & SIGBIT(sig)) && fatal_locked(p, sig)) {
		proc_mark_killed_locked(p, W_SIGNALED(sig));
		return;
	}
	if (!(t->sigpending & SIGBIT(sig))) {
		t->sigpending |= SIGBIT(sig);
		t->siginfo[sig - 1] = *info;
	}
	kick(t);
}

bool signal_pending(void)
{
	struct thread *t = current_thread();
	struct proc *p = t->proc;
	uint64_t pending = __atomic_load_n(&t->sigpending, __ATOMIC_RELAXED) |
	                   __atomic_load_n(&p->sigpending, __ATOMIC_RELAXED);

	return (pending & ~t->sigmask) != 0 || __atomic_load_n(&p->stopped, __ATOMIC_RELAXED);
}

/*
 * Takes the lowest pending signal t does not block, its own (faults come
 * first, as on Linux) before its process's: the number, or 0.
 */
static int dequeue_locked(struct thread *t, struct ksiginfo *info)
{
	struct proc *p = t->proc;
	uint64_t *set = &t->sigpending;
	struct ksiginfo *infos = t->siginfo;
	int sig;

	if (!(*set & ~t->sigmask)) {
		set = &p->sigpending;
		infos = p->siginfo;
	}
	if (!(*set & ~t->sigmask))
		return 0;
	sig = __builtin_ctzl(*set & ~t->sigmask) + 1;
	*set &= ~SIGBIT(sig);
	*info = infos[sig - 1];
	return sig;
}

/* The stop default action: the whole process stops, its parent is told. */
static void stop_locked(struct proc *p, int sig)
{
	if (p->stopped || p->killed)
		return;
	p->stopped = true;
	for (struct thread *t = p->threads; t; t = t->proc_next)
		if (t != current_thread())
			kick(t);
	notify_parent_locked(p, CLD_STOPPED, sig);
}

/* Linux's siginfo of a taken signal. */
static void fill_siginfo(struct linux_siginfo *si, int sig, const struct ksiginfo *k)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = k->code;
	if (sig == SIGCHLD) {
		si->u.chld.pid = k->pid;
		si->u.chld.status = k->status;
	} else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) {
		if (k->code > 0 && k->code != SI_KERNEL)
			si->u.fault.addr = k->addr;
		else
			si->u.kill.pid = k->pid;
	} else {
		si->u.kill.pid = k->pid;
	}
}

/*
 * Builds the rt_sigframe of Linux below the interrupted rsp (past the red
 * zone) and points tf at the handler: rdi the signal, rsi the siginfo, rdx
 * the ucontext, rsp the frame, whose first word is the return address
 * (SA_RESTORER's restorer; without one the handler returns to 0, as on
 * Linux). The FPU registers go into the frame and the handler starts
 * with a clean FPU. 0, or -EFAULT when the stack cannot take the frame.
 */
static long setup_frame(struct trapframe *tf, int sig, const struct ksiginfo *k,
                        const struct linux_sigaction *act, uint64_t oldmask)
{
	struct fpu_state fp;
	struct linux_rt_sigframe f;
	struct linux_sigcontext *sc = &f.uc.uc_mcontext;
	uint64_t fpaddr = (tf->rsp - RED_ZONE - sizeof(fp)) & ~63UL;
	uint64_t faddr = ((fpaddr - sizeof(f)) & ~15UL) - 8;   /* as if called: rsp + 8 aligned */

	fpu_save(&fp);
	fpu_clear_sw_bytes(&fp);
	memset(&f, 0, sizeof(f));
	f.pretcode = (act->flags & SA_RESTORER) ? act->restorer : 0;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	f.uc.uc_stack.ss_flags = SS_DISABLE;
	f.uc.uc_sigmask = oldmask;
	*sc = (struct linux_sigcontext){
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11,
		.r12 = tf->r12, .r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15,
		.rdi = tf->rdi, .rsi = tf->rsi, .rbp = tf->rbp, .rbx = tf->rbx,
		.rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx, .rsp = tf->rsp,
		.rip = tf->rip, .eflags = tf->rflags,
		.cs = (uint16_t)tf->cs, .ss = (uint16_t)tf->ss,
		.err = tf->vector < 32 ? tf->error : 0,
		.trapno = tf->vector < 32 ? tf->vector : 0,
		.oldmask = oldmask,
		.cr2 = sig == SIGSEGV || sig == SIGBUS ? k->addr : 0,
		.fpstate = fpaddr,
	};
	fill_siginfo(&f.info, sig, k);
	if (tf->rsp < RED_ZONE + sizeof(fp) + sizeof(f) ||
	    copyout((void *)fpaddr, &fp, sizeof(fp)) < 0 ||
	    copyout((void *)faddr, &f, sizeof(f)) < 0)
		return -EFAULT;
	tf->rsp = faddr;
	tf->rip = act->handler;
	tf->rdi = (uint64_t)sig;
	tf->rsi = faddr + __builtin_offsetof(struct linux_rt_sigframe, info);
	tf->rdx = faddr + __builtin_offsetof(struct linux_rt_sigframe, uc);
	tf->rax = 0;
	tf->rflags &= ~(RFLAGS_DF | RFLAGS_TF);
	fpu_reset_current();
	return 0;
}

/* The call's result when a handler runs now: -EINTR, or the call again. */
static void restart_for_handler(struct trapframe *tf, long nr, const struct linux_sigaction *act)
{
	long r = (long)tf->rax;

	if (nr < 0)
		return;
	if (r == -ERESTARTNOINTR || (r == -ERESTARTSYS && (act->flags & SA_RESTART))) {
		tf->rax = (uint64_t)nr;
		tf->rip -= 2;          /* the syscall instruction */
	} else if (r == -ERESTARTSYS || r == -ERESTARTNOHAND || r == -ERESTART_RESTARTBLOCK) {
		tf->rax = (uint64_t)-EINTR;
		current_thread()->restart.fn = NULL;
	}
}

/* No handler ran: an interrupted call starts again. */
static void restart_without_handler(struct trapframe *tf, long nr)
{
	long r = (long)tf->rax;

	if (nr >= 0 && (r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND)) {
		tf->rax = (uint64_t)nr;
		tf->rip -= 2;
	} else if (nr >= 0 && r == -ERESTART_RESTARTBLOCK) {
		tf->rax = NR_restart_syscall;
		tf->rip -= 2;
	}
}

long sys_restart_syscall(struct trapframe *tf)
{
	struct restart_block *rb = &current_thread()->restart;
	long (*fn)(struct restart_block *) = rb->fn;

	(void)tf;
	rb->fn = NULL;
	return fn ? fn(rb) : -EINTR;
}

void signal_deliver(struct trapframe *tf, long syscall_nr)
{
	struct thread *t = current_thread();
	struct proc *p = t->proc;
	struct linux_sigaction act;
	struct ksiginfo info;
	uint64_t oldmask;
	int sig;

	/*
	 * Nearly every return finds nothing to do: it need not take the
	 * global lock. A signal sent just after this look is taken at the
	 * thread's next entry to the kernel (a timer tick at the latest).
	 */
	if (!signal_pending() && !t->sigmask_saved) {
		restart_without_handler(tf, syscall_nr);
		return;
	}
	for (;;) {
		spin_lock(&proc_lock);
		while (p->stopped && !p->killed && !t->stop)
			sleep_on(&p->stopped, &proc_lock);
		if (p->killed || t->stop) {
			spin_unlock(&proc_lock);
			proc_check_killed();
		}
		sig = dequeue_locked(t, &info);
		if (!sig) {
			spin_unlock(&proc_lock);
			break;
		}
		act = p->sigactions[sig - 1];
		if (act.handler == SIG_IGN ||
		    (act.handler == SIG_DFL && (signal_default_ignored(sig) || proc_is_init(p)))) {
			spin_unlock(&proc_lock);
			continue;
		}
		if (act.handler == SIG_DFL && default_stops(sig)) {
			stop_locked(p, sig);
			spin_unlock(&proc_lock);
			continue;
		}
		if (act.handler == SIG_DFL) {
			proc_mark_killed_locked(p, W_SIGNALED(sig));
			spin_unlock(&proc_lock);
			proc_check_killed();
		}
		if (act.flags & SA_RESETHAND)
			p->sigactions[sig - 1].handler = SIG_DFL;
		spin_unlock(&proc_lock);
		restart_for_handler(tf, syscall_nr, &act);
		oldmask = t->sigmask_saved ? t->saved_sigmask : t->sigmask;
		t->sigmask_saved = false;
		if (setup_frame(tf, sig, &info, &act, oldmask) < 0)
			proc_fault_kill(tf, tf->rsp, SIGSEGV, "no room on the stack for a signal frame");
		t->sigmask = (oldmask | act.mask | ((act.flags & SA_NODEFER) ? 0 : SIGBIT(sig))) &
		             ~SIG_UNBLOCKABLE;
		return;
	}
	restart_without_handler(tf, syscall_nr);
	if (t->sigmask_saved) {
		t->sigmask = t->saved_sigmask;
		t->sigmask_saved = false;
	}
}

bool signal_fault(int sig, int code, uint64_t addr)
{
	struct thread *t = current_thread();
	struct proc *p = t->proc;
	struct ksiginfo info = { code, 0, 0, addr };
	uint64_t h;
	bool handled;

	spin_lock(&proc_lock);
	h = p->sigactions[sig - 1].handler;
	/* Blocked or ignored, a fault's signal would only repeat it: Linux kills. */
	handled = h != SIG_DFL && h != SIG_IGN && !(t->sigmask & SIGBIT(sig)) && !proc_is_init(p);
	if (handled && !(t->sigpending & SIGBIT(sig))) {
		t->sigpending |= SIGBIT(sig);
		t->siginfo[sig - 1] = info;
	}
	spin_unlock(&proc_lock);
	return handled;
}

void signal_exec_reset(struct proc *p)
{
	spin_lock(&proc_lock);
	for (int i = 0; i < NSIG; i++)
		if (p->sigactions[i].handler != SIG_IGN)
			p->sigactions[i] = (struct linux_sigaction){ 0 };
	spin_unlock(&proc_lock);
}

/* ---- the calls ---- */

/*
 * rt_sigaction(sig, act, oldact, sigsetsize). SA_ONSTACK is accepted and
 * the handler runs on the thread's stack (there is no sigaltstack). A new
 * action that ignores the signal drops it where it is pending.
 */
long sys_rt_sigaction(struct trapframe *tf)
{
	struct proc *p = current_proc();
	int sig = (int)tf->rdi;
	struct linux_sigaction act, old;

	if (sig < 1 || sig > NSIG || tf->r10 != sizeof(uint64_t))
		return -EINVAL;
	if (tf->rsi && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (tf->rsi && copyin(&act, (void *)tf->rsi, sizeof(act)) < 0)
		return -EFAULT;
	spin_lock(&proc_lock);
	old = p->sigactions[sig - 1];
	spin_unlock(&proc_lock);
	if (tf->rdx && copyout((void *)tf->rdx, &old, sizeof(old)) < 0)
		return -EFAULT;
	if (tf->rsi) {
		act.mask &= ~SIG_UNBLOCKABLE;
		spin_lock(&proc_lock);
		p->sigactions[sig - 1] = act;
		if (ignored_locked(p, sig))
			flush_pending_locked(p, SIGBIT(sig));
		spin_unlock(&proc_lock);
	}
	return 0;
}

/* rt_sigprocmask(how, set, oldset, sigsetsize): the thread's blocked set. */
long sys_rt_sigprocmask(struct trapframe *tf)
{
	struct thread *t = current_thread();
	uint64_t set, old = t->sigmask;

	if (tf->r10 != sizeof(uint64_t))
		return -EINVAL;
	if (tf->rsi) {
		if (tf->rdi > SIG_SETMASK)
			return -EINVAL;
		if (copyin(&set, (void *)tf->rsi, sizeof(set)) < 0)
			return -EFAULT;
	}
	if (tf->rdx && copyout((void *)tf->rdx, &old, sizeof(old)) < 0)
		return -EFAULT;
	if (tf->rsi) {
		if (tf->rdi == SIG_BLOCK)
			t->sigmask |= set;
		else if (tf->rdi == SIG_UNBLOCK)
			t->sigmask &= ~set;
		else
			t->sigmask = set;
		t->sigmask &= ~SIG_UNBLOCKABLE;
	}
	return 0;
}

/* rt_sigpending(set, sigsetsize): the pending signals the thread blocks. */
long sys_rt_sigpending(struct trapframe *tf)
{
	struct thread *t = current_thread();
	uint64_t set;

	if (tf->rsi > sizeof(uint64_t))
		return -EINVAL;
	spin_lock(&proc_lock);
	set = (t->sigpending | t->proc->sigpending) & t->sigmask;
	spin_unlock(&proc_lock);
	return copyout((void *)tf->rdi, &set, tf->rsi);
}

/*
 * rt_sigsuspend(mask, sigsetsize) and pause(): sleep with the mask given
 * (pause: the thread's own) until a signal is taken; -EINTR once its
 * handler has run. The old mask comes back at the handler's sigreturn.
 */
static long suspend(uint64_t mask)
{
	struct thread *t = current_thread();

	t->saved_sigmask = t->sigmask;
	t->sigmask_saved = true;
	t->sigmask = mask & ~SIG_UNBLOCKABLE;
	spin_lock(&proc_lock);
	while (!proc_interrupted())
		sleep_on(t, &proc_lock);
	spin_unlock(&proc_lock);
	return -ERESTARTNOHAND;
}

long sys_rt_sigsuspend(struct trapframe *tf)
{
	uint64_t mask;

	if (tf->rsi != sizeof(uint64_t))
		return -EINVAL;
	if (copyin(&mask, (void *)tf->rdi, sizeof(mask)) < 0)
		return -EFAULT;
	return suspend(mask);
}

long sys_pause(struct trapframe *tf)
{
	(void)tf;
	return suspend(current_thread()->sigmask);
}

/*
 * rt_sigreturn(): back from a handler. The frame's return address has been
 * popped, so the frame starts 8 bytes below rsp. Every register comes back
 * from the frame (what the handler changed there included), the mask from
 * uc_sigmask, the FPU from fpstate; a frame that cannot be read ends the
 * process with SIGSEGV, as on Linux.
 */
long sys_rt_sigreturn(struct trapframe *tf)
{
	struct thread *t = current_thread();
	uint64_t faddr = tf->rsp - 8;
	struct linux_ucontext uc;
	struct linux_sigcontext *sc = &uc.uc_mcontext;
	struct fpu_state fp;

	if (copyin(&uc, (void *)(faddr + __builtin_offsetof(struct linux_rt_sigframe, uc)),
	           sizeof(uc)) < 0 ||
	    (sc->fpstate && copyin(&fp, (void *)sc->fpstate, sizeof(fp)) < 0))
		proc_fault_kill(tf, faddr, SIGSEGV, "rt_sigreturn without a readable signal frame");
	tf->r8 = sc->r8; tf->r9 = sc->r9; tf->r10 = sc->r10; tf->r11 = sc->r11;
	tf->r12 = sc->r12; tf->r13 = sc->r13; tf->r14 = sc->r14; tf->r15 = sc->r15;
	tf->rdi = sc->rdi; tf->rsi = sc->rsi; tf->rbp = sc->rbp; tf->rbx = sc->rbx;
	tf->rdx = sc->rdx; tf->rcx = sc->rcx; tf->rsp = sc->rsp; tf->rip = sc->rip;
	tf->rflags = sc->eflags;       /* the return path keeps only the user's flags */
	if (sc->fpstate) {
		fpu_sanitize(&fp);
		fpu_restore(&fp);
	} else {
		fpu_reset_current();
	}
	t->sigmask = uc.uc_sigmask & ~SIG_UNBLOCKABLE;
	return (long)sc->rax;
}

long sys_kill(struct trapframe *tf)
{
	return proc_kill((int)tf->rdi, (int)tf->rsi);
}

/* tkill(tid, sig) */
long sys_tkill(struct trapframe *tf)
{
	return proc_tgkill(-1, (int)tf->rdi, (int)tf->rsi);
}

/* tgkill(tgid, tid, sig) */
long sys_tgkill(struct trapframe *tf)
{
	if ((int)tf->rdi <= 0)
		return -EINVAL;
	return proc_tgkill((int)tf->rdi, (int)tf->rsi, (int)tf->rdx);
}
