/* console_order.S - for tests/kvm/console.sh: 1 MiB of numbered lines to
 * port 0xE9 (rep outsb, 64 bytes a line), with an OUT to an unclaimed
 * port 0x80+K in the middle of line 1024*K+512 (vmm warns on stderr, once
 * per port: 16 warnings inside the flood), then a last line without its
 * newline written one OUT a byte, then a triple fault (ud2, no IDT). The
 * test checks stdout and stderr, together, come out in exactly this
 * order. */
#include "console_lines.inc"
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	xor	%r12d, %r12d
	mov	$0xe9, %edx
1:	LINE_MAKE
	mov	%r12d, %eax
	and	$1023, %eax
	cmp	$512, %eax
	jne	2f
	LINE_OUTS 32
	mov	%r12d, %edx
	shr	$10, %edx
	add	$0x80, %edx
	outb	%al, %dx
	mov	$0xe9, %edx
	mov	$32, %ecx
	rep outsb			/* rsi is where the first half ended */
	jmp	3f
2:	LINE_OUTS 64
3:	inc	%r12d
	cmp	$16384, %r12d
	jne	1b
	lea	tail(%rip), %rsi
	mov	$(tail_end - tail), %ecx
4:	lodsb
	outb	%al, $0xe9
	dec	%ecx
	jnz	4b
	lidt	idt_none(%rip)
	ud2
	LINE_DATA
	.section .rodata
tail:	.ascii	"the end, without a newline"
tail_end:
idt_none:
	.word	0
	.quad	0
	.section .note.GNU-stack, "", @progbits
