/* flood_rep.S - writes 1 MiB to port 0xE9 with "rep outsb", 4 KiB at a
 * time (hosts that batch string I/O take one exit per batch). */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	cld
	lea	buf(%rip), %rdi		/* fill buf with lines of 'x' */
	xor	%ecx, %ecx
1:	mov	$'x', %al
	mov	%ecx, %edx
	and	$63, %edx
	cmp	$63, %edx
	jne	2f
	mov	$'\n', %al
2:	mov	%al, (%rdi,%rcx)
	inc	%ecx
	cmp	$4096, %ecx
	jne	1b
	mov	$256, %r8d
	mov	$0xe9, %dx
3:	lea	buf(%rip), %rsi
	mov	$4096, %ecx
	rep outsb
	dec	%r8d
	jnz	3b
	hlt
	.section .bss
buf:	.skip	4096
	.section .note.GNU-stack, "", @progbits
