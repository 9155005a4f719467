/* cpuid.S - asks CPUID leaf 0 for the vendor and prints "cpuid ok" if the
 * vCPU has CPUID entries (EBX non-zero), "cpuid zero" if not. vmm must
 * notice the CPUID instruction in the guest's code and give the entries. */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	xor	%eax, %eax
	cpuid
	lea	ok(%rip), %rsi
	test	%ebx, %ebx
	jnz	1f
	lea	zero(%rip), %rsi
1:	mov	$0xe9, %dx
2:	lodsb
	test	%al, %al
	jz	3f
	outb	%al, %dx
	jmp	2b
3:	hlt
	jmp	3b
	.section .rodata
ok:	.asciz	"cpuid ok\n"
zero:	.asciz	"cpuid zero\n"
	.section .note.GNU-stack, "", @progbits
