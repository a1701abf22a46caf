; Multiboot2 header and the 32-bit entry.
;
; GRUB enters _start in 32-bit protected mode with paging off, EAX holding the
; multiboot2 magic and EBX the physical address of the boot information. We
; build just enough page tables to reach 64-bit mode at the kernel's link
; address: the first 4 GiB of physical memory mapped twice with 2 MiB pages
; -- identity (so the instruction after enabling paging still runs) and at
; the direct map (0xffff800000000000) -- and the first GiB once more at the
; kernel image (-2 GiB). 4 GiB, because GRUB may put the boot information
; anywhere below 4 GiB (under UEFI it often lands above the first GiB), and
; kmain() reads it before it replaces these tables with the full direct map.
;
; The same entry serves a BIOS and a UEFI boot: GRUB has left the firmware
; behind either way (UEFI's boot services are exited), so nothing here or
; later calls the firmware, and the screen is whatever GRUB reports in the
; framebuffer tag -- VGA text under a BIOS, pixels under UEFI.

KERNEL_VMA  equ 0xffffffff80000000
MB2_MAGIC   equ 0xe85250d6
MB2_TAG_FRAMEBUFFER equ 5
MB2_TAG_OPTIONAL    equ 1
COM1        equ 0x3f8
PTE_P       equ 1 << 0
PTE_W       equ 1 << 1
PTE_PS      equ 1 << 7

section .multiboot
align 8
mb2_header:
	dd MB2_MAGIC
	dd 0                            ; architecture: i386 protected mode
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
	; A linear framebuffer, preferably 1024x768 with 32 bits per pixel
	; (128x48 characters; a bigger screen costs more to scroll under
	; emulation). Optional: a BIOS boot whose grub.cfg keeps the VGA text
	; mode (gfxpayload=text) still boots, with an EGA-text framebuffer tag.
	align 8
	dw MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
	dd 20
	dd 1024, 768, 32
	align 8
	dw 0, 0                         ; end tag
	dd 8
mb2_header_end:

section .boot.bss nobits alloc write
align 4096
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4 * 4096       ; four PDs: 0 .. 4 GiB
boot_stack:     resb 4096
boot_stack_top:

section .boot32 progbits alloc exec
bits 32
global _start
_start:
	cli
	cld
	mov esp, boot_stack_top
	mov edi, eax                    ; multiboot2 magic: first argument of kmain
	mov esi, ebx                    ; boot information: second argument

	; Long mode needs CPUID leaf 0x80000001 bit 29.
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz no_long_mode

	; boot_pd: 4 x 512 x 2 MiB pages covering physical 0..4 GiB (entry
	; i maps i * 2 MiB, which fits in 32 bits: the high halves stay 0).
	mov ecx, 0
.fill_pd:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_P | PTE_W | PTE_PS
	mov [boot_pd + ecx * 8], eax
	mov dword [boot_pd + ecx * 8 + 4], 0
	inc ecx
	cmp ecx, 4 * 512
	jne .fill_pd

	mov ecx, 0
.fill_pdpt:
	mov eax, ecx
	shl eax, 12
	add eax, boot_pd + (PTE_P | PTE_W)
	mov [boot_pdpt_low + ecx * 8], eax      ; GiB ecx
	inc ecx
	cmp ecx, 4
	jne .fill_pdpt

	mov eax, boot_pd + (PTE_P | PTE_W)
	mov [boot_pdpt_high + 510 * 8], eax     ; -2 GiB .. -1 GiB: the first GiB
	mov eax, boot_pdpt_low + (PTE_P | PTE_W)
	mov [boot_pml4], eax                    ; identity
	mov [boot_pml4 + 256 * 8], eax          ; direct map
	mov eax, boot_pdpt_high + (PTE_P | PTE_W)
	mov [boot_pml4 + 511 * 8], eax          ; kernel image

	mov eax, cr4
	or eax, (1 << 5) | (1 << 7)             ; PAE, PGE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax
	mov ecx, 0xc0000080                     ; EFER
	rdmsr
	or eax, (1 << 8) | (1 << 11) | (1 << 0) ; LME, NXE, SCE (syscall)
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1       ; PG, WP (kernel honours read-only), PE
	mov cr0, eax

	lgdt [boot_gdt_ptr]
	jmp 0x08:long_mode_low

no_long_mode:
	; The reason on the serial port, which exists (or ignores us) under
	; any firmware, and in red on the VGA text screen, which only a BIOS
	; boot in text mode shows: no framebuffer code runs this early.
	mov esi, msg_no_lm
	mov dx, COM1
.serial:
	lodsb
	test al, al
	jz .vga
	out dx, al
	jmp .serial
.vga:
	mov edi, 0xb8000
	mov esi, msg_no_lm
	mov ah, 0x4f
.print:
	lodsb
	test al, al
	jz .halt
	stosw
	jmp .print
.halt:
	hlt
	jmp .halt

msg_no_lm: db "This CPU has no 64-bit long mode", 0

align 8
boot_gdt:
	dq 0
	dq 0x00af9a000000ffff                   ; 0x08: 64-bit code
	dq 0x00cf92000000ffff                   ; 0x10: data
boot_gdt_ptr:
	dw boot_gdt_ptr - boot_gdt - 1
	dd boot_gdt

bits 64
long_mode_low:
	mov rax, long_mode_high
	jmp rax

section .text
extern kmain
long_mode_high:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rsp, kernel_boot_stack_top
	xor rbp, rbp                            ; ends frame-pointer backtraces
	call kmain
.hang:
	cli
	hlt
	jmp .hang

section .bss
align 16
global kernel_boot_stack, kernel_boot_stack_top
kernel_boot_stack:     resb 16384
kernel_boot_stack_top:
