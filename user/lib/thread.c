/*
 * Threads over Linux's clone and futex, as a libc's pthreads do it.
 *
 * Each thread gets a 64 KiB stack from mmap and a slot in a small table.
 * clone (CLONE_VM | CLONE_THREAD | ...) starts it on the new stack, whose
 * top holds the start block {fn, arg, slot}; CLONE_PARENT_SETTID stores
 * its tid in slot->live before clone returns, and CLONE_CHILD_CLEARTID has
 * the kernel zero that word and wake it (FUTEX_WAKE) when the thread ends:
 * thread_join() sleeps on it with FUTEX_WAIT until then.
 */
#include "ulib.h"

#define THREAD_STACK_SIZE (64 * 1024)
#define MAX_THREADS 64
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
                      CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

struct thread_slot {
	int tid;               /* 0: free slot */
	volatile int live;     /* the tid while the thread runs; 0 once it ended */
	int code;              /* its exit code */
	void *stack;
};

struct start_block {
	int (*fn)(void *);
	void *arg;
	struct thread_slot *slot;
};

static struct thread_slot threads[MAX_THREADS];
static ulock_t threads_lock;

/* syscall.S: clone(flags, stack, ptid, ctid, 0); the child runs thread_main(stack). */
long clone_thread(unsigned long flags, void *stack, volatile int *ptid, volatile int *ctid);
void thread_main(struct start_block *b) __attribute__((noreturn));

/* The slot of the thread with this tid, or NULL. */
static struct thread_slot *slot_of(int tid)
{
	for (int i = 0; i < MAX_THREADS; i++)
		if (threads[i].tid == tid)
			return &threads[i];
	return NULL;
}

void thread_main(struct start_block *b)
{
	thread_exit(b->fn(b->arg));
}

/* Ends the calling thread with `code` (the process, if it is the last). */
void thread_exit(int code)
{
	struct thread_slot *s;

	ulock_acquire(&threads_lock);
	s = slot_of(gettid());
	if (s)
		s->code = code;
	ulock_release(&threads_lock);
	for (;;)
		syscall6(NR_exit, code, 0, 0, 0, 0, 0);
}

/* Creates a thread running fn(arg). Returns its tid, or -E... */
int thread_create(int (*fn)(void *), void *arg)
{
	struct thread_slot *s;
	struct start_block *b;
	char *stack;
	long tid;

	stack = mmap(NULL, THREAD_STACK_SIZE, PROT_READ | PROT_WRITE,
	             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ptr_err(stack))
		return (int)ptr_err(stack);
	/* The lock is held until tid is set, so the new thread finds its slot. */
	ulock_acquire(&threads_lock);
	s = slot_of(0);
	if (!s) {
		ulock_release(&threads_lock);
		munmap(stack, THREAD_STACK_SIZE);
		return -EAGAIN;
	}
	b = (struct start_block *)(stack + THREAD_STACK_SIZE) - 1;
	*b = (struct start_block){ fn, arg, s };
	s->stack = stack;
	s->tid = -1;
	tid = clone_thread(THREAD_FLAGS, b, &s->live, &s->live);
	s->tid = tid > 0 ? (int)tid : 0;
	ulock_release(&threads_lock);
	if (tid <= 0)
		munmap(stack, THREAD_STACK_SIZE);
	return (int)tid;
}

/* Waits for thread tid to end, stores its exit code, frees its stack. */
int thread_join(int tid, int *code)
{
	struct thread_slot *s;
	int live;

	if (tid <= 0 || tid == gettid())
		return -EINVAL;
	ulock_acquire(&threads_lock);
	s = slot_of(tid);
	ulock_release(&threads_lock);
	if (!s)
		return -ESRCH;
	while ((live = s->live) != 0)
		syscall6(NR_futex, (long)&s->live, FUTEX_WAIT, live, 0, 0, 0);
	if (code)
		*code = s->code;
	munmap(s->stack, THREAD_STACK_SIZE);
	ulock_acquire(&threads_lock);
	s->tid = 0;
	ulock_release(&threads_lock);
	return 0;
}
