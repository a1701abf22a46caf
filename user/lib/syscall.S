/*
 * The pieces of the library that must be assembly.
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
 * clone_thread(flags, stack, ptid, ctid): clone with those arguments (and
 * tls 0). The parent gets the new tid (or -errno) back. The child starts
 * here with rax 0 on `stack`, which points at its start block: it must not
 * return into the parent's frames, so it calls thread_main(block) (thread.c)
 * on the new stack, which never returns.
 */
	.globl clone_thread
	.type clone_thread, @function
clone_thread:
	.cfi_startproc
	movl $56, %eax                  /* NR_clone */
	movq %rcx, %r10                 /* ctid */
	xorl %r8d, %r8d                 /* tls */
	syscall
	testq %rax, %rax
	jnz 1f
	xorl %ebp, %ebp
	movq %rsp, %rdi                 /* the start block */
	andq $-16, %rsp
	call thread_main
	ud2
1:	ret
	.cfi_endproc
	.size clone_thread, . - clone_thread

	.section .note.GNU-stack, "", @progbits
