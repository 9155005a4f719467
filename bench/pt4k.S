/* pt4k.S - for bench/growth.sh: maps all of a 1 GiB guest (vmm -m 1G)
 * with its own 4 KiB pages - 262,144 page-table entries in 512 page
 * tables - switches CR3 to them and halts, so `monitor mem` and --walk
 * have the largest tables a 1 GiB guest can have to go through.
 *   PTs 0x400000-0x5fffff, PD 0x600000, PDPT 0x601000, PML4 0x602000 */
	.code64
	.section .text._start, "ax"
	.globl _start, tables_done
_start:
	mov	$0x400000, %edi
	mov	$0x7, %eax		/* P RW US, frame 0 */
	mov	$262144, %ecx
1:	mov	%rax, (%rdi)
	add	$0x1000, %rax
	add	$8, %rdi
	dec	%ecx
	jnz	1b
	mov	$0x600000, %edi
	mov	$0x400007, %eax
	mov	$512, %ecx
2:	mov	%rax, (%rdi)
	add	$0x1000, %rax
	add	$8, %rdi
	dec	%ecx
	jnz	2b
	movq	$0x600007, 0x601000	/* PDPT[0] -> PD */
	movq	$0x601007, 0x602000	/* PML4[0] -> PDPT */
	mov	$0x602000, %eax
	mov	%rax, %cr3
tables_done:
	hlt
	.section .note.GNU-stack, "", @progbits
