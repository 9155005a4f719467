/* rwatch_code32.S - rwatch_code.S in 32-bit protected mode (flat, no
 * paging): reads of data on the code's own page through the 32-bit
 * addressing forms (an absolute disp32, SIB, moffs32, 16-bit operands),
 * for tests/gdb/transparent.sh. Non-hits first, then v1..v8 in order. */
	.code32
	.section .text._start, "ax"
	.globl	_start, v1, v2, v3, v4, v5, v6, v7, v8, done
_start:
	lea	v1, %eax		/* no access */
	movzbl	v1 + 1, %eax		/* the byte after v1 */
	lea	v3, %esi
	xor	%ecx, %ecx
	rep lodsb			/* count 0: reads nothing */

	mov	$v1, %edx
	movzbl	(%edx), %eax		/* 1: ModRM, base register */
	mov	v2, %ebx		/* 2: absolute disp32, 4 bytes */
	lea	v3, %esi
	lodsb				/* 3: string, at esi */
	lea	v4, %esi
	mov	$2, %ecx
	cmpb	$0, -2(%esi,%ecx,1)	/* 4: SIB, index, disp8 */
	movw	v5 + 2, %ax		/* 5: a 16-bit operand (66), bytes 2-3 */
	lea	v6, %ebx
	mov	$3, %eax
	xlat				/* 6: [ebx + al] = v6 + 3 */
	movb	v7, %al			/* 7: moffs32 */
	mov	%esp, %edi
	lea	v8, %esp
	pop	%eax			/* 8: the stack */
	mov	%edi, %esp
done:
	mov	$'r', %al
	outb	%al, $0xe9
	mov	$'c', %al
	outb	%al, $0xe9
	mov	$'\n', %al
	outb	%al, $0xe9
	movl	$42, 0x400
1:	hlt
	jmp	1b

	.balign	16
v1:	.byte	0x11, 0x12
v2:	.long	0x22222222
v3:	.byte	0x33
v4:	.byte	0x44
v5:	.byte	0x50, 0x51, 0x52, 0x53
v6:	.byte	0x60, 0x61, 0x62, 0x63
v7:	.byte	0x77
	.balign	4
v8:	.long	0x88888888
	.section .note.GNU-stack, "", @progbits
