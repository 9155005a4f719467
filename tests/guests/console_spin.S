/* console_spin.S - for tests/kvm/console.sh: 1,024 numbered lines (64 KiB)
 * to port 0xE9 one OUT a byte, a last line without its newline, then a
 * loop with no exits at all: the lines must still show while it spins,
 * and the last one when vmm is stopped by a signal. */
#include "console_lines.inc"
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	xor	%r12d, %r12d
1:	LINE_MAKE
	LINE_OUT
	inc	%r12d
	cmp	$1024, %r12d
	jne	1b
	lea	tail(%rip), %rsi
	mov	$(tail_end - tail), %ecx
2:	lodsb
	outb	%al, $0xe9
	dec	%ecx
	jnz	2b
3:	jmp	3b
	LINE_DATA
	.section .rodata
tail:	.ascii	"still spinning"
tail_end:
	.section .note.GNU-stack, "", @progbits
