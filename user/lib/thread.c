/*
 * Threads over SYS_thread_create / SYS_thread_join.
 *
 * Each thread gets a 64 KiB stack from mmap. Its top 16 bytes hold the
 * start block {fn, arg}; the kernel starts the thread at thread_start
 * (syscall.S) with the block's address as the argument and as the stack top.
 * A small table remembers each thread's stack so thread_join() can unmap it.
 */
#include "ulib.h"

#define THREAD_STACK_SIZE (64 * 1024)
#define MAX_THREADS 64

struct start_block {
	int (*fn)(void *);
	void *arg;
};

static struct {
	int tid;            /* 0: free slot */
	void *stack;
} threads[MAX_THREADS];
static ulock_t threads_lock;

void thread_start(void *block);   /* syscall.S */

/* Creates a thread running fn(arg). Returns its tid, or -E... */
int thread_create(int (*fn)(void *), void *arg)
{
	char *stack;
	struct start_block *b;
	int tid, i;

	stack = mmap(NULL, THREAD_STACK_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ptr_err(stack))
		return ptr_err(stack);
	b = (struct start_block *)(stack + THREAD_STACK_SIZE) - 1;
	b->fn = fn;
	b->arg = arg;

	/* Hold the lock across the call so the slot is filled before a
	 * quick thread_join() can look for it. */
	ulock_acquire(&threads_lock);
	tid = syscall6(SYS_thread_create, (long)thread_start, (long)b, (long)b,
	    0, 0, 0);
	if (tid > 0) {
		for (i = 0; i < MAX_THREADS; i++) {
			if (threads[i].tid == 0) {
				threads[i].tid = tid;
				threads[i].stack = stack;
				break;
			}
		}
		/* Table full: the stack stays mapped until the process exits. */
	}
	ulock_release(&threads_lock);
	if (tid <= 0)
		munmap(stack, THREAD_STACK_SIZE);
	return tid;
}

/* Waits for thread tid to end, stores its exit code, frees its stack. */
int thread_join(int tid, int *code)
{
	void *stack = NULL;
	int r, i;

	r = syscall6(SYS_thread_join, tid, (long)code, 0, 0, 0, 0);
	if (r < 0)
		return r;
	ulock_acquire(&threads_lock);
	for (i = 0; i < MAX_THREADS; i++) {
		if (threads[i].tid == tid) {
			stack = threads[i].stack;
			threads[i].tid = 0;
			break;
		}
	}
	ulock_release(&threads_lock);
	if (stack)
		munmap(stack, THREAD_STACK_SIZE);
	return r;
}
