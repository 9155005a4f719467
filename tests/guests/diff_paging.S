/* diff_paging.S - a guest for the differential test that runs on page
 * tables of its own (SDM vol. 3A, 4.5: 4-level paging, 4 KiB pages) and
 * changes them while it runs:
 *   - identity maps its first 2 MiB through a page table of 4 KiB pages,
 *   - maps ALIAS (1 GiB) onto the physical page of "shared" (a function
 *     and its data), and calls it and writes through both addresses,
 *   - remaps the alias onto another page, INVLPG, reads through it,
 *   - turns a zeroed page of its data (newpt) into a page table, maps a
 *     second alias through it and reads,
 *   - writes a flood of bytes to port 0xE9 with rep outsb,
 * then goes back to vmm's tables, prints a checksum of its code and data
 * and halts. Run with and without gdb, it must print the same. */
	.code64
	.section .text._start, "ax"
	.globl _start, tables_on, via_alias, remapped, newpt_on, flood, done
	.globl shared, shared_data, pml4, pdpt, pd, pt, newpt, other
#define ALIAS	0x40000000
#define ALIAS2	0x40200000
_start:
	mov	%cr3, %r14			/* vmm's tables, for the end */
	lea	pml4(%rip), %rax
	lea	pdpt(%rip), %rbx
	or	$3, %rbx			/* present, writable */
	mov	%rbx, (%rax)			/* PML4[0] -> PDPT */
	lea	pd(%rip), %rbx
	or	$3, %rbx
	mov	%rbx, pdpt(%rip)		/* PDPT[0] -> PD (0-1 GiB) */
	lea	pd2(%rip), %rbx
	or	$3, %rbx
	mov	%rbx, pdpt+8(%rip)		/* PDPT[1] -> PD2 (1-2 GiB) */
	lea	pt(%rip), %rbx
	or	$3, %rbx
	mov	%rbx, pd(%rip)			/* PD[0] -> PT: 4 KiB pages */
	/* PT[i] = i * 4096 | 3 for the first 2 MiB */
	lea	pt(%rip), %rdi
	mov	$3, %eax
	mov	$512, %ecx
1:	mov	%rax, (%rdi)
	add	$4096, %rax
	add	$8, %rdi
	loop	1b
	/* PD2[0] -> PT2, PT2[0] = the page of "shared" */
	lea	pt2(%rip), %rbx
	or	$3, %rbx
	mov	%rbx, pd2(%rip)
	lea	shared(%rip), %rbx
	or	$3, %rbx
	mov	%rbx, pt2(%rip)
	lea	pml4(%rip), %rax
	mov	%rax, %cr3
tables_on:
	mov	$'p', %al
	outb	%al, $0xe9
	call	shared				/* the direct address */
	mov	$(ALIAS + (shared_entry - shared)), %rax
	call	*%rax				/* the same code, aliased */
via_alias:
	movq	$0x55, ALIAS + (shared_data - shared)	/* write via the alias */
	mov	shared_data(%rip), %rax		/* ... read directly */
	add	%al, result(%rip)
	/* remap the alias onto "other", INVLPG (SDM 4.10.4.1) */
	lea	other(%rip), %rbx
	or	$3, %rbx
	mov	%rbx, pt2(%rip)
	invlpg	ALIAS
remapped:
	mov	ALIAS, %rax			/* reads "other" now */
	add	%al, result+1(%rip)
	mov	$'r', %al
	outb	%al, $0xe9
	/* a zeroed page of data becomes a page table: PD2[1] -> newpt,
	 * newpt[0] -> other */
	lea	other(%rip), %rbx
	or	$3, %rbx
	mov	%rbx, newpt(%rip)
	lea	newpt(%rip), %rbx
	or	$3, %rbx
	mov	%rbx, pd2+8(%rip)
	invlpg	ALIAS2
newpt_on:
	mov	ALIAS2 + 8, %rax
	add	%al, result+2(%rip)
	mov	$'n', %al
	outb	%al, $0xe9
flood:
	lea	message(%rip), %rsi
	mov	$(message_end - message), %ecx
	mov	$0xe9, %dx
	rep outsb
	mov	%r14, %cr3			/* back to vmm's tables */
	/* The CPU sets Accessed and Dirty bits (5, 6) in the entries it
	 * walks, as often as its TLB needs: the checksum leaves them out. */
	mov	$0x9f, %r10d
	lea	_start(%rip), %rsi
	lea	end_of_image(%rip), %rcx
	sub	%rsi, %rcx
	call	fnv_print
done:
	hlt
	jmp	done

/* fnv_print: FNV-1a of rcx bytes at rsi, as 16 hex digits and a newline;
 * each byte at an address that is a multiple of 8 is ANDed with r10b */
fnv_print:
	mov	$0xcbf29ce484222325, %rax
	mov	$0x100000001b3, %r8
1:	movzbl	(%rsi), %edx
	test	$7, %sil
	jnz	4f
	and	%r10d, %edx
4:	xor	%rdx, %rax
	imul	%r8, %rax
	inc	%rsi
	dec	%rcx
	jnz	1b
	mov	%rax, %r9
	mov	$16, %ecx
2:	rol	$4, %r9
	mov	%r9d, %edx
	and	$15, %edx
	cmp	$10, %edx
	jb	3f
	add	$('a' - 10 - '0'), %edx
3:	add	$'0', %edx
	mov	%dl, %al
	outb	%al, $0xe9
	loop	2b
	mov	$'\n', %al
	outb	%al, $0xe9
	ret

message: .ascii	" flood 0123456789 abcdefghijklmnopqrstuvwxyz\n"
message_end:

	/* One page: a function and its data, reached at two addresses. */
	.balign 4096
shared:
shared_entry:
	incq	shared_data(%rip)		/* RIP-relative: either address */
	ret
	.balign 64
shared_data: .quad 0x40
	.balign 4096

	.data
	.balign 4096
pml4:	.fill	512, 8, 0
pdpt:	.fill	512, 8, 0
pd:	.fill	512, 8, 0
pd2:	.fill	512, 8, 0
pt:	.fill	512, 8, 0
pt2:	.fill	512, 8, 0
newpt:	.fill	512, 8, 0
other:	.quad	0x21, 0x22, 0x23
	.balign 4096
result:	.quad	0
end_of_image:
	.section .note.GNU-stack, "", @progbits
