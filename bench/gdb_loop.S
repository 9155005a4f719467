/* gdb_loop.S - for bench/gdb.sh: calls tick forever (a breakpoint on
 * tick is hit once a round; stepi walks the loop). Never halts. */
	.code64
	.section .text._start, "ax"
	.globl _start, loop, tick
_start:
	xor	%ebx, %ebx
loop:	call	tick
	inc	%rbx
	jmp	loop
tick:	inc	%rcx
	ret
	.section .note.GNU-stack, "", @progbits
