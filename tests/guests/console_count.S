/* console_count.S - for tests/kvm/console.sh: writes byte N (mod 256) to
 * port 0xE9 as its Nth OUT, forever, counting in rbx. When vmm stops it
 * (--timeout prints the registers) the guest has written rbx bytes, one
 * more if it stopped at out_done (the OUT done, the count not yet), whose
 * address it keeps in r15 for the test to read from the same dump. */
	.code64
	.section .text._start, "ax"
	.globl _start, out_done
_start:
	lea	out_done(%rip), %r15
	xor	%ebx, %ebx
1:	mov	%ebx, %eax
	outb	%al, $0xe9
out_done:
	inc	%rbx
	jmp	1b
	.section .note.GNU-stack, "", @progbits
