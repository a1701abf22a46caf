/*
 * _start: where every user program begins.
 *
 * The kernel enters as Linux does (x86-64 psABI 3.4.1): %rsp, 16-byte
 * aligned, points at argc, followed by the argv and envp pointer arrays
 * and the auxiliary vector. __start_c (start.c) reads them, calls main and
 * passes its return value to exit().
 */
	.section .text.entry, "ax", @progbits   /* placed first: user.ld */
	.globl _start
	.type _start, @function
_start:
	.cfi_startproc
	.cfi_undefined %rip             /* outermost frame, for debuggers */
	xorl %ebp, %ebp
	movq %rsp, %rdi                 /* the block at argc */
	andq $-16, %rsp                 /* already aligned; be defensive */
	call __start_c
	ud2
	.cfi_endproc
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
