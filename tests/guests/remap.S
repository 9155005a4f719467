/* remap.S - a watch follows its virtual address when the guest remaps it
 * (tests/gdb/transparent.sh). At the start vmm's tables map VA 0x180000
 * to GPA 0x180000; the guest builds its own (4 KiB pages, identity for
 * the first 2 MiB but VA 0x180000 -> GPA 0x190000), switches CR3, then
 * writes and reads through VA 0x180000, which now lands in 0x190000.
 *
 *   PML4 0x20000 [0] -> PDPT 0x21000 [0] -> PD 0x22000 [0] -> PT 0x23000
 *   PT[i] = i * 4 KiB, present, writable; PT[0x180] = 0x190000
 */
	.code64
	.section .text._start, "ax"
	.globl	_start, switched, after_write, after_read
_start:
	mov	$0x20000, %edi			/* clear the four tables */
	mov	$(4 * 4096 / 8), %ecx
	xor	%eax, %eax
	rep stosq
	movq	$0x21003, 0x20000
	movq	$0x22003, 0x21000
	movq	$0x23003, 0x22000
	mov	$0x23000, %edi			/* PT: identity */
	mov	$3, %eax
	mov	$512, %ecx
1:	mov	%rax, (%rdi)
	add	$4096, %rax
	add	$8, %rdi
	loop	1b
	movq	$0x190003, 0x23000 + 0x180 * 8	/* VA 0x180000 -> 0x190000 */
	mov	$0x20000, %eax
	mov	%rax, %cr3
switched:
	movq	$0x1234, 0x180000		/* lands at GPA 0x190000 */
after_write:
	mov	0x180008, %rbx			/* read through the new mapping */
after_read:
	mov	0x190000, %rax			/* the write, seen at its frame */
	cmp	$0x1234, %rax
	jne	2f
	mov	$'o', %al
	outb	%al, $0xe9
	mov	$'k', %al
	outb	%al, $0xe9
2:	mov	$'\n', %al
	outb	%al, $0xe9
	movq	$42, 0x400
3:	hlt
	jmp	3b
	.section .note.GNU-stack, "", @progbits
