/* smc.S - code that rewrites itself under a debugger's breakpoint: the
 * instruction at "target" is mov $'A', %al (b0 41) the first time; the
 * guest then rewrites it to add $1, %al (04 01) and runs it again, so it
 * prints "AB\n". A breakpoint at "target" must neither undo the rewrite
 * nor show through. Then it prints an FNV-1a checksum of its own code,
 * which a planted breakpoint byte would change. */
	.code64
	.section .text._start, "ax"
	.globl _start, target, patch, again, done
_start:
	call	target
	outb	%al, $0xe9			/* 'A' */
patch:
	movw	$0x0104, target(%rip)		/* b0 41 -> 04 01 */
again:
	call	target				/* 'A' + 1 */
	outb	%al, $0xe9
	mov	$'\n', %al
	outb	%al, $0xe9
	lea	_start(%rip), %rsi
	mov	$(patch - _start), %ecx		/* the code before the patch */
	mov	$0xcbf29ce484222325, %rax
	mov	$0x100000001b3, %r8
1:	movzbl	(%rsi), %edx
	xor	%rdx, %rax
	imul	%r8, %rax
	inc	%rsi
	loop	1b
	mov	%eax, %r9d
	mov	$8, %ecx
2:	rol	$4, %r9d
	mov	%r9d, %edx
	and	$15, %edx
	add	$'a', %edx			/* a letter per nibble */
	mov	%dl, %al
	outb	%al, $0xe9
	loop	2b
	mov	$'\n', %al
	outb	%al, $0xe9
done:	hlt
	jmp	done
target:
	mov	$'A', %al
	ret
	.section .note.GNU-stack, "", @progbits
