; The application-processor trampoline. This code is not run where it is
; linked: smp.c copies it to physical AP_BASE (0x8000), below 1 MiB, and
; the STARTUP IPI starts an AP there in 16-bit real mode with CS = 0x0800.
; It goes to protected mode, then long mode on the kernel's page tables
; (which identity-map low memory during bring-up), and calls the C entry
; with the parameters smp.c wrote into the copy.

AP_BASE equ 0x8000
%define ABS(label) (AP_BASE + (label - ap_trampoline_start))

section .rodata
bits 16
global ap_trampoline_start, ap_trampoline_end
global ap_param_cr3, ap_param_stack, ap_param_entry, ap_param_cpu
ap_trampoline_start:
	cli
	cld
	xor ax, ax
	mov ds, ax
	lgdt [ABS(ap_gdt_ptr)]
	mov eax, cr0
	or eax, 1                               ; PE
	mov cr0, eax
	jmp dword 0x08:ABS(ap_pm32)

bits 32
ap_pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, (1 << 5) | (1 << 7)             ; PAE, PGE
	mov cr4, eax
	mov eax, [ABS(ap_param_cr3)]
	mov cr3, eax
	mov ecx, 0xc0000080                     ; EFER
	rdmsr
	or eax, (1 << 8) | (1 << 11) | (1 << 0) ; LME, NXE, SCE
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1       ; PG, WP, PE
	mov cr0, eax
	jmp 0x18:ABS(ap_lm64)

bits 64
ap_lm64:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rsp, [ABS(ap_param_stack)]
	mov rdi, [ABS(ap_param_cpu)]
	mov rax, [ABS(ap_param_entry)]
	xor ebp, ebp
	call rax
.hang:
	hlt
	jmp .hang

align 8
ap_gdt:
	dq 0
	dq 0x00cf9a000000ffff                   ; 0x08: 32-bit code
	dq 0x00cf92000000ffff                   ; 0x10: data
	dq 0x00af9a000000ffff                   ; 0x18: 64-bit code
ap_gdt_ptr:
	dw ap_gdt_ptr - ap_gdt - 1
	dd ABS(ap_gdt)
align 8
ap_param_cr3:   dq 0
ap_param_stack: dq 0
ap_param_entry: dq 0
ap_param_cpu:   dq 0
ap_trampoline_end:
