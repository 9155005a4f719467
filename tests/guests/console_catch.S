/* console_catch.S - for tests/gdb/console.sh: 32 numbered lines (2 KiB,
 * past the point where vmm starts coalescing port 0xE9), then at `caught`
 * 300 letters A-Z, A-Z... one OUT each and a newline, then HLT. */
#include "console_lines.inc"
	.code64
	.section .text._start, "ax"
	.globl _start, caught
_start:
	xor	%r12d, %r12d
	mov	$0xe9, %edx
1:	LINE_MAKE
	LINE_OUTS 64
	inc	%r12d
	cmp	$32, %r12d
	jne	1b
caught:
	mov	$'A', %al
	mov	$300, %ecx
2:	outb	%al, $0xe9
	inc	%al
	cmp	$'Z' + 1, %al
	jne	3f
	mov	$'A', %al
3:	dec	%ecx
	jnz	2b
	mov	$'\n', %al
	outb	%al, $0xe9
	hlt
	LINE_DATA
	.section .note.GNU-stack, "", @progbits
