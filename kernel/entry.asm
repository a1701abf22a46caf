; Interrupt and exception entry, and the fault-tolerant user-memory copies.
;
; Every vector has a stub that makes the stack look the same (an error code,
; real or 0, and the vector number), then trap_common saves the general
; registers to build a struct trapframe (kernel/trap.h) and calls
; trap_dispatch(frame). Coming from user mode (the saved CS has RPL 3) it
; swaps in the kernel's GS base first, and swaps back on the way out.

bits 64
%include "kernel/trapframe.inc"
section .text
extern trap_dispatch

%macro STUB_NOERR 1
isr_stub_%1:
	push 0
	push %1
	jmp trap_common
%endmacro

%macro STUB_ERR 1
isr_stub_%1:
	push %1
	jmp trap_common
%endmacro

; Exceptions that push an error code: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13,
; #PF 14, #AC 17, #CP 21, #VC 29, #SX 30.
%assign v 0
%rep 256
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
	STUB_ERR v
%else
	STUB_NOERR v
%endif
%assign v v + 1
%endrep

global trap_common
trap_common:
	test qword [rsp + 24], 3        ; saved CS
	jz .kernel
	swapgs
.kernel:
	PUSH_GPRS
	cld
	mov rdi, rsp
	call trap_dispatch
global trap_return
trap_return:
	POP_GPRS
	add rsp, 16                     ; vector and error code
	test qword [rsp + 8], 3         ; saved CS
	jz .kernel
	swapgs
.kernel:
	iretq

section .rodata
global isr_stub_table
isr_stub_table:
%assign v 0
%rep 256
	dq isr_stub_ %+ v
%assign v v + 1
%endrep

; long copy_bytes_checked(void *dst, const void *src, size_t n)
; Copies n bytes; returns 0, or -EFAULT (-14) when a fault at the copying
; instruction could not be resolved (trap.c finds this instruction in the
; exception table and resumes at the fixup). copyin/copyout check the user
; range before calling.
section .text
global copy_bytes_checked
copy_bytes_checked:
	mov rcx, rdx
.copy:
	rep movsb
	xor eax, eax
	ret
.fault:
	mov rax, -14
	ret

; long probe_read_u64(const void *addr, uint64_t *out)
; Reads 8 bytes from addr, which may be unmapped: 0 or -EFAULT.
global probe_read_u64
probe_read_u64:
.load:
	mov rax, [rdi]
	mov [rsi], rax
	xor eax, eax
	ret
.fault:
	mov rax, -14
	ret

section extable progbits alloc noexec nowrite align=8
	dq copy_bytes_checked.copy, copy_bytes_checked.fault
	dq probe_read_u64.load, probe_read_u64.fault
