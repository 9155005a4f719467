/* rwatch_code.S - reads data that shares its 4 KiB page with the code
 * reading it, each time through another addressing form, for rwatch and
 * awatch (tests/gdb/transparent.sh, issue 12 item 6). With page
 * protection the page has no memory slot, and each instruction on it is
 * stepped with the page mapped, so the CPU makes these reads unseen: vmm
 * must name them from the instruction (src/insn.c).
 *
 * First come accesses that must NOT fire a watch on v1..v8 (a LEA, the
 * byte after v1, a prefetch, a REP LODSB with a count of zero), then one
 * read of each of v1..v8 in order. It prints "rc" and halts. */
	.code64
	.section .text._start, "ax"
	.globl	_start, v1, v2, v3, v4, v5, v6, v7, v8, done
_start:
	mov	%cr4, %rax		/* SSE on: CR4.OSFXSR, OSXMMEXCPT */
	or	$0x600, %rax
	mov	%rax, %cr4
	lea	v1(%rip), %rax		/* no access */
	movzbl	v1 + 1(%rip), %eax	/* the byte after v1 */
	prefetcht0 v1(%rip)		/* a hint, not a read */
	lea	v3(%rip), %rsi
	xor	%ecx, %ecx
	rep lodsb			/* count 0: reads nothing */

	lea	v1(%rip), %rdx
	movzbl	(%rdx), %eax		/* 1: ModRM, base register */
	mov	v2(%rip), %rbx		/* 2: RIP-relative, 8 bytes */
	lea	v3(%rip), %rsi
	lodsb				/* 3: string, at rsi */
	lea	v4(%rip), %rsi
	mov	$2, %ecx
	cmpb	$0, -2(%rsi,%rcx,1)	/* 4: SIB, index, disp8 */
	movdqu	v5(%rip), %xmm0		/* 5: 16 bytes; v5's last byte watched */
	lea	v6(%rip), %rbx
	mov	$3, %eax
	xlat				/* 6: [rbx + al] = v6 + 3 */
	movabs	v7, %al			/* 7: moffs64 */
	mov	%rsp, %r15
	lea	v8(%rip), %rsp
	pop	%rax			/* 8: the stack */
	mov	%r15, %rsp
done:
	mov	$'r', %al
	outb	%al, $0xe9
	mov	$'c', %al
	outb	%al, $0xe9
	mov	$'\n', %al
	outb	%al, $0xe9
	movq	$42, 0x400
1:	hlt
	jmp	1b

	.balign	16
v1:	.byte	0x11, 0x12
v2:	.quad	0x2222222222222222
v3:	.byte	0x33
v4:	.byte	0x44
	.balign	16
v5:	.quad	0x5555555555555555, 0x5555555555555555
v6:	.byte	0x60, 0x61, 0x62, 0x63
v7:	.byte	0x77
	.balign	8
v8:	.quad	0x8888888888888888
	.section .note.GNU-stack, "", @progbits
