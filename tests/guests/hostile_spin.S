/* hostile_spin.S - prints "partial" with no newline, sets every general
 * register to a known value and then jumps to itself forever. Its state
 * never changes, so a debugger that attaches after another was killed must
 * see exactly the same registers; and the unfinished line shows whether
 * vmm flushed the console on its way out (tests/hostile/). */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	lea	msg(%rip), %rsi
	mov	$7, %ecx
	mov	$0xe9, %dx
	rep outsb
	mov	$0x1111, %rax
	mov	$0x2222, %rbx
	mov	$0x3333, %rcx
	mov	$0x4444, %rdx
	mov	$0x5555, %rsi
	mov	$0x6666, %rdi
	mov	$0x7777, %rbp
	mov	$0x8888, %r8
	mov	$0x9999, %r9
	mov	$0xaaaa, %r10
	mov	$0xbbbb, %r11
	mov	$0xcccc, %r12
	mov	$0xdddd, %r13
	mov	$0xeeee, %r14
	mov	$0xffff, %r15
	.globl	forever
forever:
	jmp	forever
	.section .rodata
msg:	.ascii	"partial"
	.section .note.GNU-stack, "", @progbits
