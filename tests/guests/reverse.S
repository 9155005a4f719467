/* reverse.S - a guest for reverse execution (tests/gdb/reverse.sh).
 *
 * A loop in which every instruction changes a register (rip and more)
 * and all but `ret` and `jnz` write memory, so a step taken back to the
 * wrong point, or RAM restored wrong, shows. It calls bump(), which
 * increments `counter` (a watchpoint target), 200 times; then it prints
 * "R\n" on port 0xE9 and halts. CFI lets gdb unwind out of bump for
 * finish and reverse-finish. The loop's labels are .L labels: _start is
 * one function from here to the HLT, so gdb's frames stay the same
 * function when reverse-next steps back over the call.
 */
	.code64
	.section .text._start, "ax"
	.globl _start, bump, counter, vars, buf
_start:
	.cfi_startproc
	lea	buf(%rip), %rdi
	lea	vars(%rip), %rsi
	mov	$1, %eax
	mov	$3, %ecx
.Lloop:
	stosq				/* buf[i] = rax, rdi += 8 */
	xaddq	%rax, (%rsi)		/* vars[0] += rax, rax = old */
	pushq	%rax			/* a stack slot, rsp */
	addq	%rcx, (%rsp)		/* the slot, flags */
	xchgq	%rdx, (%rsp)		/* rdx and the slot */
	popq	(%rdi)			/* buf[i + 1], rsp */
	call	bump			/* line: call */
	xaddq	%rcx, 16(%rsi)		/* line: after */
	decq	24(%rsi)		/* vars[3]: iterations left */
	jnz	.Lloop
	mov	$'R', %al
	outb	%al, $0xe9
	mov	$'\n', %al
	outb	%al, $0xe9
	hlt
1:	jmp	1b
	.cfi_endproc

bump:
	.cfi_startproc
	incq	counter(%rip)		/* the watched variable */
	xaddq	%rbx, 8(%rsi)		/* vars[1], rbx */
	ret
	.cfi_endproc

	.data
	.balign	8
counter:
	.quad	0
vars:
	.quad	1, 0, 0, 200
	.bss
	.balign	4096
buf:
	.skip	8192
	.section .note.GNU-stack, "", @progbits
