/* strio.S - prints a line with one "rep outsb" (string I/O): KVM may batch
 * the bytes into one exit with count > 1, which vmm must honour. */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	cld
	lea	msg(%rip), %rsi
	mov	$(msg_end - msg), %rcx
	mov	$0xe9, %dx
	rep outsb
	movq	$42, 0x400
	mov	$42, %eax
1:	hlt
	jmp	1b

	.section .rodata
msg:	.ascii	"Hello from rep outsb!\n"
msg_end:
	.section .note.GNU-stack, "", @progbits
