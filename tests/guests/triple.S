/* triple.S - prints "boom\n" then executes ud2 with no IDT: #UD, then #GP
 * and #DF for want of a handler, then a triple fault (KVM_EXIT_SHUTDOWN). */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	mov	$'b', %al
	outb	%al, $0xe9
	mov	$'o', %al
	outb	%al, $0xe9
	outb	%al, $0xe9
	mov	$'m', %al
	outb	%al, $0xe9
	mov	$'\n', %al
	outb	%al, $0xe9
	lidt	idt_none(%rip)
	mov	$0x1234, %rbx
	ud2
1:	hlt
	jmp	1b
	.section .rodata
idt_none:
	.word	0
	.quad	0
	.section .note.GNU-stack, "", @progbits
