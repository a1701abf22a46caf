/*
 * syscall6: the raw system call stub of the project's own calls and the
 * tests' raw calls (own.c). Unlike musl's syscall(), it returns the
 * kernel's result as is (-E... on failure) and never touches errno.
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

	.section .note.GNU-stack, "", @progbits
