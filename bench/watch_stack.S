/* watch_stack.S - for bench/growth.sh: a loop of 1,000,000 calls whose
 * stack lives in the same 4 KiB page as the variable `watched`, which is
 * written once, after the loop. A write watchpoint on it is page
 * protection on hosts whose debug registers never fire (kvm_pvm): every
 * push of the loop then exits to vmm. */
	.code64
	.section .text._start, "ax"
	.globl _start, watched, loop_done
_start:
	lea	stack_top(%rip), %rsp
	mov	$1000000, %ecx
1:	call	f
	dec	%ecx
	jnz	1b
loop_done:
	movq	$42, watched(%rip)
	hlt
f:	ret
	.section .bss
	.balign	4096
stack:	.skip	4032
stack_top:
	.skip	56
watched: .quad	0		/* the page's last 8 bytes */
	.section .note.GNU-stack, "", @progbits
