; Context switch, first entry of new threads, and the syscall instruction.

bits 64
%include "kernel/trapframe.inc"
section .text
extern trap_return, syscall_dispatch, thread_first_run

SEL_UDATA equ 0x18 | 3
SEL_UCODE equ 0x20 | 3
RFLAGS_IF equ 1 << 9

; void swtch(uint64_t *save_rsp, uint64_t new_rsp)
; Saves the callee-saved registers on the current stack, stores rsp in
; *save_rsp, and resumes the thread whose stack is new_rsp.
global swtch
swtch:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

; A new user thread: its stack holds a trapframe right above this frame.
global thread_trampoline
thread_trampoline:
	xor edi, edi
	call thread_first_run
	jmp trap_return

; A new kernel thread: rbx = function, r12 = argument.
global kthread_trampoline
kthread_trampoline:
	mov edi, RFLAGS_IF
	call thread_first_run
	mov rdi, r12
	call rbx
	ud2

PERCPU_KERNEL_RSP equ 8           ; struct percpu (kernel/percpu.h)
PERCPU_USER_RSP   equ 16

; syscall: rip in rcx, rflags in r11, still on the user stack with the user
; GS base, interrupts masked by SFMASK. swapgs gives this CPU's struct
; percpu, which holds the thread's kernel stack top and a scratch slot for
; the user rsp. Then build a struct trapframe exactly like an interrupt
; would, so every kernel path sees one layout.
global syscall_entry
syscall_entry:
	swapgs
	mov [gs:PERCPU_USER_RSP], rsp
	mov rsp, [gs:PERCPU_KERNEL_RSP]
	push SEL_UDATA                  ; ss
	push qword [gs:PERCPU_USER_RSP] ; rsp
	push r11                        ; rflags
	push SEL_UCODE                  ; cs
	push rcx                        ; rip
	push 0                          ; error code
	push 0x100                      ; "vector": a system call
	PUSH_GPRS
	cld
	sti
	mov rdi, rsp
	call syscall_dispatch           ; checks the return rip is a user address
	cli
	test al, al                     ; rt_sigreturn: every register from the frame,
	jnz trap_return                 ; so iretq (sysret would lose rcx and r11)
	; sysret: rip from rcx, rflags from r11; the rest from the frame.
	POP_GPRS
	add rsp, 16                     ; vector, error code
	pop rcx                         ; rip
	add rsp, 8                      ; cs
	pop r11                         ; rflags
	pop rsp                         ; user rsp (ss is implied by sysret)
	swapgs
	o64 sysret
