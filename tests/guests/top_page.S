/* top_page.S - maps the top of the 64-bit address space, so a debugger's
 * range past 0xffffffffffffffff has something on both sides to wrap onto
 * (tests/hostile/memory.sh). Its own tables at 0x20000, then a spin at
 * `ready`:
 *
 *   PML4 0x20000 [0]   -> PDPT 0x21000 [0]   -> PD 0x22000 [0]:   2 MiB at 0
 *                [511] -> PDPT 0x23000 [511] -> PD 0x24000 [511]: 2 MiB at 0
 *
 * so VA 0xffffffffffe00000 + x is GPA x, and the last two bytes of the
 * address space are GPA 0x1ffffe and 0x1fffff. */
	.code64
	.section .text._start, "ax"
	.globl	_start, ready
_start:
	mov	$0x20000, %edi
	mov	$(5 * 4096 / 8), %ecx
	xor	%eax, %eax
	rep stosq
	movq	$0x21003, 0x20000
	movq	$0x23003, 0x20000 + 511 * 8
	movq	$0x22003, 0x21000
	movq	$0x24003, 0x23000 + 511 * 8
	movq	$0x83, 0x22000
	movq	$0x83, 0x24000 + 511 * 8
	movq	$0x0706050403020100, %rax	/* known bytes at GPA 0 */
	mov	%rax, 0
	movq	$0xfffefdfcfbfaf9f8, %rax	/* ... and at the top */
	mov	%rax, 0x1ffff8
	mov	$0x20000, %eax
	mov	%rax, %cr3
ready:
	jmp	ready
	.section .note.GNU-stack, "", @progbits
