/* paging32.S - a 32-bit kernel that turns on paging itself: starting in
 * flat protected mode (-s), it prints "paging\n", builds a page directory
 * at 0x10000 with one 4 MiB page identity-mapping 0-4 MiB (PSE), sets
 * CR4.PSE, CR3 and CR0.PG (32-bit paging: no EFER.LME), prints "paged\n"
 * and halts with 42 in eax. kvm_intel and kvm_amd run it to the end;
 * kvm_pvm refuses 32-bit paging and shuts the vCPU down at the move to
 * CR0, which vmm must name (tests/kvm/crash.sh). */
#define PD	0x10000
	.code32
	.section .text._start, "ax"
	.globl _start, enable_paging
_start:
	mov	$msg1, %esi
	call	print
	movl	$0x83, PD		/* P, RW, PS: 4 MiB page at 0 */
	mov	%cr4, %eax
	or	$0x10, %eax		/* CR4.PSE */
	mov	%eax, %cr4
	mov	$PD, %eax
	mov	%eax, %cr3
	mov	%cr0, %eax
	or	$0x80000000, %eax	/* CR0.PG */
enable_paging:
	mov	%eax, %cr0
	mov	$msg2, %esi
	call	print
	mov	$42, %eax
1:	hlt
	jmp	1b

print:
	lodsb
	test	%al, %al
	jz	2f
	outb	%al, $0xe9
	jmp	print
2:	ret

	.section .rodata
msg1:	.asciz	"paging\n"
msg2:	.asciz	"paged\n"
	.section .note.GNU-stack, "", @progbits
