/* watch.S - reads and writes known variables, for watchpoint tests. Each
 * access is followed by a label, where the stop must be reported (after
 * the access, as x86 debug registers report it). "value" sits on the same
 * 4 KiB page as the code that runs, so write-watch page protection must
 * let instruction fetches through; "data" and "vars" have a page of their
 * own (with page protection, an instruction's read of its own page is not
 * seen: see doc/protocol.md). */
	.code64
	.section .text._start, "ax"
	.globl _start, after_read1, after_write1, after_read2, after_write2
	.globl after_vars, value, vars, data, after_dread1, after_dwrite1
	.globl after_dread2
_start:
	mov	value(%rip), %rax	/* read: 5 */
after_read1:
	add	$1, %rax
	mov	%rax, value(%rip)	/* write: 5 -> 6 */
after_write1:
	mov	value(%rip), %rbx	/* read: 6 */
after_read2:
	movq	$7, value(%rip)		/* write: 6 -> 7 */
after_write2:
	mov	data(%rip), %rax	/* read: 10 */
after_dread1:
	movq	$11, data(%rip)		/* write: 10 -> 11 */
after_dwrite1:
	mov	data(%rip), %rdx	/* read: 11 */
after_dread2:
	lea	vars(%rip), %rdi	/* vars[i] = i + 1, i = 0..7 */
	mov	$1, %ecx
1:	mov	%rcx, -8(%rdi,%rcx,8)
	inc	%ecx
	cmp	$9, %ecx
	jne	1b
after_vars:
	mov	$'w', %al
	outb	%al, $0xe9
	mov	$'\n', %al
	outb	%al, $0xe9
	movq	$42, 0x400
	mov	$42, %eax
2:	hlt
	jmp	2b

	.balign 8
value:	.quad	5

	.data
	.balign 4096
data:	.quad	10
vars:	.fill	8, 8, 0
	.section .note.GNU-stack, "", @progbits
