/* flood.S - writes 1 MiB to port 0xE9, one OUT instruction per byte
 * (lines of 63 'x' and a newline), then halts. For bench/console.sh. */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	mov	$(1 << 20), %rcx
	xor	%ebx, %ebx
1:	mov	$'x', %al
	inc	%ebx
	test	$63, %bl
	jnz	2f
	mov	$'\n', %al
2:	outb	%al, $0xe9
	dec	%rcx
	jnz	1b
	hlt
	.section .note.GNU-stack, "", @progbits
