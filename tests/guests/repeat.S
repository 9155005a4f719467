/* repeat.S - 100 identical exits in a row (OUT of 'x' to port 0xE9), a
 * newline, then HLT: what --trace folds into one line and a count. */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	mov	$100, %ecx
	mov	$'x', %al
1:	outb	%al, $0xe9
	dec	%ecx
	jnz	1b
	mov	$'\n', %al
	outb	%al, $0xe9
	hlt
	.section .note.GNU-stack, "", @progbits
