/* entry.S - two ways in: _start prints "start\n", alt (at _start + 0x100,
 * so at 0x100100 with guest.ld) prints "alt\n"; each leaves 42 in rax and
 * halts. For --entry on an ELF guest (tests/kvm/modes.sh). */
	.code64
	.section .text._start, "ax"
	.globl _start, alt
_start:
	lea	start_msg(%rip), %rsi
	jmp	print
	.org	0x100
alt:
	lea	alt_msg(%rip), %rsi
print:
	lodsb
	test	%al, %al
	jz	done
	outb	%al, $0xe9
	jmp	print
done:
	mov	$42, %eax
	hlt
start_msg:
	.asciz	"start\n"
alt_msg:
	.asciz	"alt\n"
	.section .note.GNU-stack, "", @progbits
