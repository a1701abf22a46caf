/*
 * The two pieces of the library that must be assembly.
 *
 * syscall6: the one system call stub. Every wrapper in sys.c calls it, so the
 * kernel only has to preserve what the C calling convention calls
 * callee-saved (rbx, rbp, r12-r15, rsp) across `syscall`.
 *
 *	long syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
 *
 * C passes n, a1..a5 in rdi, rsi, rdx, rcx, r8, r9 and a6 on the stack; the
 * kernel wants n in rax and the arguments in rdi, rsi, rdx, r10, r8, r9.
 */
	.text
	.globl syscall6
	.type syscall6, @function
syscall6:
	.cfi_startproc
	movq %rdi, %rax
	movq %rsi, %rdi
	movq %rdx, %rsi
	movq %rcx, %rdx
	movq %r8, %r10
	movq %r9, %r8
	movq 8(%rsp), %r9
	syscall                         /* clobbers rcx and r11 */
	ret
	.cfi_endproc
	.size syscall6, . - syscall6

/*
 * thread_start: the entry point of every thread made by thread_create().
 * The kernel starts it with %rdi = the `arg` given to SYS_thread_create, here
 * a pointer to struct { int (*fn)(void *); void *arg; } at the top of the new
 * stack, and %rsp at or just below that block. We align the stack, call
 * fn(arg) and end the thread with its return value.
 */
	.globl thread_start
	.type thread_start, @function
thread_start:
	.cfi_startproc
	.cfi_undefined %rip
	xorl %ebp, %ebp
	andq $-16, %rsp
	movq (%rdi), %rax               /* fn */
	movq 8(%rdi), %rdi              /* arg */
	call *%rax
	movl %eax, %edi
	call thread_exit
	ud2
	.cfi_endproc
	.size thread_start, . - thread_start

	.section .note.GNU-stack, "", @progbits
