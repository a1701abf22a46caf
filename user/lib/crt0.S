/*
 * _start: where every user program begins.
 *
 * The kernel enters with argc in %rdi and argv in %rsi (a NULL-terminated
 * array of pointers; the array and the strings sit on the user stack above
 * %rsp) and %rsp 16-byte aligned. We call main(argc, argv) and pass its
 * return value to exit(), which flushes stdout and never returns.
 */
	.section .text.entry, "ax", @progbits   /* placed first: user.ld */
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined %rip             /* outermost frame, for debuggers */
	xorl %ebp, %ebp
	andq $-16, %rsp                 /* already aligned; be defensive */
	call main
	movl %eax, %edi
	call exit
	ud2
	.cfi_endproc
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
