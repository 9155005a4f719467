/* hostile_ptwide.S - page tables that cost a lister the most for the least
 * memory, with a higher-half kernel mapping after them. For "monitor mem"
 * in tests/hostile/guests.sh: the listing of the lower half must stop at
 * its bound and say so, and the kernel in the upper half must still be
 * listed. Builds its tables, loads CR3, prints "wide\n" and halts.
 *
 *   PML4 0x10000 [0..255] -> PDPT 0x11000: the whole lower half shares it
 *                [511]    -> PDPT 0x14000 [510] -> PD 0x15000
 *                            [0]: 2 MiB page at 0, at 0xffffffff80000000
 *   PDPT 0x11000 [0..511] -> PD 0x12000
 *   PD 0x12000   [0]      -> 2 MiB page at 0 (identity: code and stack)
 *                [1..511] -> PT 0x13000, all 512 entries not present
 *
 * So 128 TiB of lower half has 256 * 512 * 511 page tables to look at,
 * each of 512 empty entries: no lister reads them all.
 * Intel SDM vol. 3A, 4.5 (4-level paging). */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	/* clear the six tables */
	mov	$0x10000, %edi
	mov	$(6 * 4096 / 8), %ecx
	xor	%eax, %eax
	rep stosq
	/* PML4[0..255] -> PDPT 0x11000 */
	mov	$0x10000, %edi
	mov	$256, %ecx
	mov	$0x11003, %eax
	rep stosq
	movq	$0x14003, 0x10ff8		/* PML4[511] -> PDPT 0x14000 */
	/* PDPT[0..511] -> PD 0x12000 */
	mov	$0x11000, %edi
	mov	$512, %ecx
	mov	$0x12003, %eax
	rep stosq
	/* PD[1..511] -> PT 0x13000, then PD[0]: 2 MiB at 0 */
	mov	$0x12008, %edi
	mov	$511, %ecx
	mov	$0x13003, %eax
	rep stosq
	movq	$0x83, 0x12000
	movq	$0x15003, 0x14ff0		/* PDPT_K[510] -> PD 0x15000 */
	movq	$0x83, 0x15000			/* PD_K[0]: 2 MiB at 0 */
	mov	$0x10000, %eax
	mov	%rax, %cr3
	.globl	tables_loaded
tables_loaded:
	mov	$'w', %al
	outb	%al, $0xe9
	mov	$'i', %al
	outb	%al, $0xe9
	mov	$'d', %al
	outb	%al, $0xe9
	mov	$'e', %al
	outb	%al, $0xe9
	mov	$'\n', %al
	outb	%al, $0xe9
	hlt
1:	jmp	1b
	.section .note.GNU-stack, "", @progbits
