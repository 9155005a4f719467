/* boot.S - the boot-loader teaching guest: from a reset-like state in real
 * mode to 64-bit C code, one mode switch at a time, the way a PC boot
 * loader does it. Run it with `./vmm guest/boot.elf` (its vmm note says
 * real mode; -r does the same); doc/boot.md follows it in gdb, register by
 * register.
 *
 *   reset_vector  F000:FFF0 (linear 0xffff0), where an x86 starts after
 *                 reset (SDM vol. 3A 9.1.4): a far jump to the "boot
 *                 sector" at 07C0:0000
 *   real_start    real mode, CS = DS = 0x07c0 (base 0x7c00), SS:SP as vmm
 *                 set it (0x9000:0xfff0): prints, loads the GDT, sets
 *                 CR0.PE and far-jumps to a 32-bit code segment
 *   prot_start    32-bit protected mode, flat, no paging: builds 4-level
 *                 page tables identity-mapping 2 MiB, sets CR4.PAE, EFER.LME
 *                 and CR0.PG (long mode is active: compatibility mode) and
 *                 far-jumps to a 64-bit code segment
 *   long_start    64-bit mode: calls long_main() in boot.c, which prints,
 *                 takes a round trip through compatibility mode
 *                 (compat_call) and stores 42 at 0x400; then HLT with 42
 *                 in the accumulator
 *
 * The bits: CR0 (SDM 3A 2.5), IA32_EFER (2.2.1), switching to protected
 * mode (9.9.1) and to IA-32e mode (9.8.5), descriptors (3.4.5), 4-level
 * paging (4.5). Everything is linked at its linear address, so gdb's
 * symbols are where gdb's (linear) pc points in every mode; real-mode code
 * names its data by offset from real_start, DS's base.
 *
 * The ELF is 64-bit (the C part is x86-64 code): with it loaded, gdb takes
 * vmm's i8086 and i386 target descriptions as they are, so 16- and 32-bit
 * code disassembles as such (doc/boot.md says why an ELF32 would not).
 */
#define CR0_PE		0x00000001
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100
#define PTE_P		0x001
#define PTE_RW		0x002
#define PTE_PS		0x080		/* in a PD entry: a 2 MiB page */

#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18

#define OFF16(sym)	((sym) - real_start)	/* DS-relative in real mode */

/* ---- real mode ---------------------------------------------------------- */
	.code16
	.section .text.boot16, "ax"
	.globl real_start, real_msg, real_print, real_gdt, real_pe, real_far
real_start:				/* 07C0:0000 */
	cli
	mov	%cs, %ax
	mov	%ax, %ds		/* DS base = 0x7c00, as CS's */
	movw	$1, OFF16(boot_stage)
real_msg:
	mov	$OFF16(msg_real), %si
	call	real_print
real_gdt:
	lgdtl	OFF16(gdt_ptr)		/* 32-bit base: operand size 66 */
	mov	%cr0, %eax
	or	$CR0_PE, %eax
real_pe:
	mov	%eax, %cr0		/* protected mode; CS still 16-bit */
real_far:
	ljmpl	$SEL_CODE32, $prot_start	/* CS = a 32-bit segment */

/* Print the NUL-terminated string at DS:SI to port 0xE9 (a call, so
 * there is a return address at SS:SP to look at). */
real_print:
1:	lodsb
	test	%al, %al
	jz	2f
	outb	%al, $0xe9
	jmp	1b
2:	ret

	.p2align 3
gdt:					/* SDM 3A 3.4.5 */
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: code, base 0, 4 GiB, D=1 */
	.quad	0x00cf93000000ffff	/* 0x10: data, base 0, 4 GiB, B=1 */
	.quad	0x00af9b000000ffff	/* 0x18: code, L=1: 64-bit */
gdt_end:
gdt_ptr:
	.word	gdt_end - gdt - 1
	.long	gdt			/* linear */

/* ---- protected mode ----------------------------------------------------- */
	.code32
	.section .text.boot32, "ax"
	.globl prot_start, prot_stage, prot_tables, prot_pae, prot_lme
	.globl prot_paging, prot_pg, prot_far
prot_start:
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	mov	$stack_top, %esp
prot_stage:
	movl	$2, boot_stage		/* watched in tests/gdb/boot.sh */
	mov	$msg_prot, %esi
	call	print32
prot_tables:				/* PML4[0] -> PDPT[0] -> PD[0]: 0-2 MiB */
	mov	$pml4, %edi
	xor	%eax, %eax
	mov	$(3 * 4096 / 4), %ecx
	rep stosl
	movl	$(pdpt + PTE_P + PTE_RW), pml4
	movl	$(pd + PTE_P + PTE_RW), pdpt
	movl	$(0 + PTE_P + PTE_RW + PTE_PS), pd
	mov	$pml4, %eax
	mov	%eax, %cr3
prot_pae:
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
prot_lme:
	wrmsr				/* LME: long mode once paging is on */
prot_paging:
	mov	%cr0, %eax
	or	$CR0_PG, %eax
prot_pg:
	mov	%eax, %cr0		/* EFER.LMA = 1: compatibility mode */
prot_far:
	ljmp	$SEL_CODE64, $long_start	/* CS.L = 1: 64-bit mode */

/* Print the string at DS:ESI to port 0xE9; also used in compatibility
 * mode, where this is 32-bit code too. */
print32:
1:	lodsb
	test	%al, %al
	jz	2f
	outb	%al, $0xe9
	jmp	1b
2:	ret

/* ---- long mode ---------------------------------------------------------- */
	.code64
	.text
	.globl long_start, compat_call, compat_lret, compat_start, compat_done
	.globl compat_back
	.globl compat_ret64, halt
long_start:
	mov	$SEL_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$stack_top, %rsp
	call	long_main		/* boot.c; returns 42 in rax */
halt:
	hlt
	jmp	halt

/* A round trip through compatibility mode and back, called from C: a
 * far return to the 32-bit code segment, then a far jump to the 64-bit
 * one (AMD APM vol. 2 14.7: CS.L selects the submode). */
compat_call:
	.cfi_startproc			/* so gdb can step through it */
	push	%rsi
	.cfi_adjust_cfa_offset 8
	pushq	$SEL_CODE32
	.cfi_adjust_cfa_offset 8
	pushq	$compat_start
	.cfi_adjust_cfa_offset 8
compat_lret:
	lretq
	.cfi_endproc
	.code32
compat_start:
	incl	compat_calls		/* 32-bit code: an absolute address */
	mov	$msg_compat, %esi
	call	print32
compat_done:
	xor	%eax, %eax		/* 32-bit code: clears all of rax */
compat_back:
	ljmp	$SEL_CODE64, $compat_ret64
	.code64
compat_ret64:
	pop	%rsi
	ret

/* ---- data ----------------------------------------------------------------- */
	.section .rodata
msg_real:	.asciz	"real mode\n"
msg_prot:	.asciz	"protected mode\n"
msg_compat:	.asciz	"compatibility mode\n"

	.bss
	.p2align 12
pml4:	.skip	4096
pdpt:	.skip	4096
pd:	.skip	4096
	.p2align 4
	.skip	4096
stack_top:

/* F000:FFF0, the reset vector: a real CPU's first instruction after
 * reset is here (in its BIOS); vmm -r starts at the ELF entry point with
 * CS = 0xf000 for it. */
	.code16
	.section .reset, "ax"
	.globl reset_vector
reset_vector:
	ljmp	$0x07c0, $0

	.section .vmm.expect, "", @progbits
	.ascii	"0x400=42 acc=42"

	/* It starts as real-mode code, whatever its ELF class says: a "vmm"
	 * ELF note (see loader.h) declares it, so "./vmm guest/boot.elf"
	 * starts it in real mode without -r. */
	.section .note.vmm, "", @note
	.balign	4
	.long	4, 9f - 8f, 1
	.asciz	"vmm"
8:	.asciz	"real"
9:	.balign	4

	.section .note.GNU-stack, "", @progbits
