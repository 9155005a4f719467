/* hostile_pt.S - builds its own 4-level page tables with a loop and with
 * pointers past RAM, loads them into CR3, prints "cr3\n" and halts. For
 * tests/hostile/guests.sh: gdb's reads through them must get E replies
 * (never host memory) and "monitor walk" must name the reason.
 *
 *   PML4 0x10000 [0] -> PDPT 0x11000 -> PD 0x12000
 *                [1] -> 0x10000 itself: the loop. GVA 0x8040201000 takes
 *                       PML4[1] four times and lands on the PML4 page, so
 *                       its first quadword (0x11003) is what gdb reads.
 *                [2] -> a PDPT at GPA 0x80000000, past RAM: GVA
 *                       0x10000000000 is "table outside guest RAM".
 *   PD 0x12000   [0] -> 2 MiB page at 0 (identity: code, stack, vmm's
 *                       tables at the top of 2 MiB)
 *                [1] -> 2 MiB page at GPA 0x40000000, past RAM: GVA
 *                       0x200000 translates, but there is no memory there.
 *                [2] -> 0x12000 itself: a PD used as its own page table.
 * Intel SDM vol. 3A, 4.5 (4-level paging), tables 4-15 to 4-19. */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	/* clear the three tables */
	mov	$0x10000, %edi
	mov	$(3 * 4096 / 8), %ecx
	xor	%eax, %eax
	rep stosq
	movq	$0x11003, 0x10000		/* PML4[0] -> PDPT */
	movq	$0x10003, 0x10008		/* PML4[1] -> PML4: the loop */
	movl	$0x80000003, %eax
	mov	%rax, 0x10010			/* PML4[2] -> past RAM */
	movq	$0x12003, 0x11000		/* PDPT[0] -> PD */
	movq	$0x83, 0x12000			/* PD[0]: 2 MiB at 0 */
	movl	$0x40000083, %eax
	mov	%rax, 0x12008			/* PD[1]: 2 MiB past RAM */
	movq	$0x12003, 0x12010		/* PD[2] -> PD itself */
	mov	$0x10000, %eax
	mov	%rax, %cr3
	.globl	tables_loaded
tables_loaded:
	mov	$'c', %al
	outb	%al, $0xe9
	mov	$'r', %al
	outb	%al, $0xe9
	mov	$'3', %al
	outb	%al, $0xe9
	mov	$'\n', %al
	outb	%al, $0xe9
	hlt
1:	jmp	1b
	.section .note.GNU-stack, "", @progbits
