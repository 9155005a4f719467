/* diff_data.S - a guest for the differential test (tests/gdb/differential.sh):
 * the data instructions a debugger's page protection must not disturb.
 * Three rounds of: SSE loads and stores of 16 bytes (movups, movaps,
 * to and from the code's own page), FXSAVE/FXRSTOR, SGDT/SIDT, string instructions
 * (rep movsb, rep stosq, lodsb), a private stack (push, pop, call, ret),
 * CMPXCHG, XADD and XCHG - on variables that share a page with this code
 * and on pages of their own. It prints one letter per phase, then an
 * FNV-1a checksum of all its data and code, and halts with it in rax.
 * Run with and without gdb, the output must be the same. */
	.code64
	.section .text._start, "ax"
	.globl _start, phase_sse, phase_fx, phase_dt, phase_str, phase_stack
	.globl phase_atomic, done, near, far, sse_src, sse_dst, fxarea
	.globl dtregs, strbuf, strdst, stackarea, pair, cksum
_start:
	mov	%cr0, %rax
	and	$~(1 << 2), %rax		/* CR0.EM off: SSE (SDM 13.1.3) */
	or	$(1 << 1), %rax			/* CR0.MP */
	mov	%rax, %cr0
	mov	%cr4, %rax
	or	$(3 << 9), %rax			/* CR4.OSFXSR, OSXMMEXCPT */
	mov	%rax, %cr4
	mov	$3, %r15d			/* rounds */
round:
phase_sse:
	movups	sse_src(%rip), %xmm0
	movups	%xmm0, sse_dst(%rip)
	movaps	near(%rip), %xmm1
	/* SSE arithmetic (paddq, pxor) fails in kvm_pvm's CPL0 emulator
	 * even without a debugger (measured): moves only. */
	movups	sse_src(%rip), %xmm1
	movaps	%xmm1, near(%rip)
	movups	%xmm1, sse_dst+16(%rip)
	mov	$'s', %al
	outb	%al, $0xe9
phase_fx:
	fxsave	fxarea(%rip)
	addq	$1, near+8(%rip)
	fxrstor	fxarea(%rip)
	mov	$'f', %al
	outb	%al, $0xe9
phase_dt:
	sgdt	dtregs(%rip)
	sidt	dtregs+16(%rip)
	sgdt	near+16(%rip)
	mov	$'d', %al
	outb	%al, $0xe9
phase_str:
	lea	strbuf(%rip), %rsi
	lea	strdst(%rip), %rdi
	mov	$100, %ecx
	rep movsb
	lea	strdst+128(%rip), %rdi
	mov	%r15, %rax
	mov	$8, %ecx
	rep stosq
	lea	strdst(%rip), %rsi
	mov	$64, %ecx
	xor	%edx, %edx
1:	lodsb
	add	%eax, %edx
	loop	1b
	mov	%edx, far(%rip)
	mov	$'t', %al
	outb	%al, $0xe9
phase_stack:
	mov	%rsp, %rbp
	lea	stackarea+256(%rip), %rsp
	push	%r15
	push	far(%rip)
	call	leaf
	pop	%rax
	pop	%rbx
	mov	%rbp, %rsp
	add	%rax, far+8(%rip)
	mov	$'k', %al
	outb	%al, $0xe9
phase_atomic:
	/* CMPXCHG16B fails in kvm_pvm's CPL0 emulator (measured): the
	 * 8-byte form. */
	mov	pair(%rip), %rax
	lea	1(%rax), %rbx
	lock cmpxchg %rbx, pair(%rip)
	lock xadd %rbx, pair+8(%rip)
	mov	%r15, %rax
	xchg	%rax, far+16(%rip)
	mov	$'a', %al
	outb	%al, $0xe9
	dec	%r15d
	jnz	round
	mov	$'\n', %al
	outb	%al, $0xe9
	lea	_start(%rip), %rsi		/* checksum code and data */
	lea	end_of_image(%rip), %rcx
	sub	%rsi, %rcx
	call	fnv_print
done:
	hlt
	jmp	done

leaf:	addq	$3, 8(%rsp)			/* the pushed far value */
	ret

/* fnv_print: FNV-1a of rcx bytes at rsi, printed as 16 hex digits and a
 * newline; left in rax. */
	.globl fnv_print
fnv_print:
	mov	$0xcbf29ce484222325, %rax
	mov	$0x100000001b3, %r8
1:	movzbl	(%rsi), %edx
	xor	%rdx, %rax
	imul	%r8, %rax
	inc	%rsi
	dec	%rcx
	jnz	1b
	mov	%rax, %r9
	mov	$16, %ecx
2:	rol	$4, %r9
	mov	%r9d, %edx
	and	$15, %edx
	cmp	$10, %edx
	jb	3f
	add	$('a' - 10 - '0'), %edx
3:	add	$'0', %edx
	mov	%dl, %al
	outb	%al, $0xe9
	loop	2b
	mov	$'\n', %al
	outb	%al, $0xe9
	mov	%r9, %rax
	ret

	.balign 16
near:	.quad	1, 2, 3, 4			/* on the code's own page */
sse_src: .quad	0x1111111111111111, 0x2222222222222222

	.data
	.balign 4096
sse_dst: .fill	4, 8, 0
far:	.quad	0, 0, 0
dtregs:	.fill	4, 8, 0
	.balign 16
pair:	.quad	5, 6
	.balign 4096
fxarea:	.fill	512, 1, 0			/* FXSAVE needs 16-byte alignment */
strbuf:	.ascii	"the quick brown fox jumps over the lazy dog 0123456789 "
	.ascii	"THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG 0123456789 "
strdst:	.fill	256, 1, 0
	.balign 4096
stackarea: .fill 256, 1, 0
cksum:	.quad	0
end_of_image:
	.section .note.GNU-stack, "", @progbits
