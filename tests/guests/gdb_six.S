/* gdb_six.S - six labelled functions called in order, for
 * tests/gdb/breakpoints.sh: a breakpoint on each is hit once, in order.
 * Each starts with a different instruction, so the byte at a breakpoint
 * address shows whether a debugger sees the original code or a patch. */
	.code64
	.section .text._start, "ax"
	.globl _start, f1, f2, f3, f4, f5, f6, done
_start:
	xor	%ebx, %ebx
	call	f1
	call	f2
	call	f3
	call	f4
	call	f5
	call	f6
done:
	hlt
	jmp	done

f1:	mov	$1, %ebx	/* b8+r: 0xbb */
	ret
f2:	add	$2, %rbx	/* REX.W: 0x48 */
	ret
f3:	nop			/* 0x90 */
	add	$3, %rbx
	ret
f4:	push	%rax		/* 0x50 */
	pop	%rax
	add	$4, %rbx
	ret
f5:	xor	%eax, %eax	/* 0x31 */
	add	$5, %rbx
	ret
f6:	lea	6(%rbx), %rbx	/* REX.W: 0x48 */
	ret
	.section .note.GNU-stack, "", @progbits
