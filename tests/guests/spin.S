/* spin.S - counts in rbx forever and never halts (for --timeout, signals
 * and a debugger's Ctrl-C). */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	xor	%ebx, %ebx
spin:
	inc	%rbx
	jmp	spin
	.section .note.GNU-stack, "", @progbits
