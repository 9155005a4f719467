/* hello16.S - the real-mode teaching guest.
 *
 * vmm starts it at 0x7c00 (where a BIOS loads a boot sector) with CS, DS
 * and ES zero and a stack at 0x9000:0xfff0. It prints "Hello, world!\n"
 * to port 0xE9 a byte at a time, stores 42 as a 16-bit word at 0x400 and
 * halts with 42 in AX. Its vmm note declares real mode, so "./vmm
 * guest/hello16.elf" needs no -r.
 */
	.code16
	.section .text._start, "ax"
	.globl _start
_start:
	cld
	mov	$msg, %si
next_char:
	lodsb			/* al = ds:[si++] */
	test	%al, %al
	jz	done
	outb	%al, $0xe9
	jmp	next_char
done:
	movw	$42, 0x400
	mov	$42, %ax
halt:
	hlt
	jmp	halt

	.section .rodata
msg:
	.asciz	"Hello, world!\n"

	.section .vmm.expect, "", @progbits
	.ascii	"0x400=42 acc=42"

	/* The mode it is written for, as a "vmm" ELF note (see loader.h):
	 * an ELF32 file says nothing of 16-bit code, so without the note
	 * vmm would run it in protected mode. Name size, descriptor size,
	 * type 1 (the mode), "vmm", the mode's name. */
	.section .note.vmm, "", @note
	.balign	4
	.long	4, 9f - 8f, 1
	.asciz	"vmm"
8:	.asciz	"real"
9:	.balign	4

	.section .note.GNU-stack, "", @progbits
