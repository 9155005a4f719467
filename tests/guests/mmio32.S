/* mmio32.S - protected mode, no paging: a write to GPA 0x10000000, where
 * there is no RAM and no device (KVM_EXIT_MMIO). */
	.code32
	.section .text._start, "ax"
	.globl _start
_start:
	movl	$42, 0x10000000
1:	hlt
	jmp	1b
	.section .note.GNU-stack, "", @progbits
