/* pio.S - IN from port 0xE9 (reads 0xE9: the debug-console signature), IN
 * from a port with no device (all ones), OUT to a port with no device
 * (ignored, warned about once), then "pio ok". Results as 64-bit words at
 * 0x400 and 0x408 for --expect. */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	xor	%eax, %eax
	inb	$0xe9, %al
	mov	%rax, 0x400
	xor	%eax, %eax
	inb	$0x61, %al
	mov	%rax, 0x408
	outb	%al, $0x80
	outb	%al, $0x80
	mov	$'p', %al
	outb	%al, $0xe9
	mov	$'i', %al
	outb	%al, $0xe9
	mov	$'o', %al
	outb	%al, $0xe9
	mov	$'\n', %al
	outb	%al, $0xe9
	mov	$42, %eax
1:	hlt
	jmp	1b
	.section .note.GNU-stack, "", @progbits
