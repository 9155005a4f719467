/* flood.S - writes 1 MiB to port 0xE9, one OUT instruction per byte
 * (lines of 63 'x' and a newline), then halts. For bench/run.sh.
 *
 * The OUTs are unrolled, a line at a time: on kvm_pvm the guest's own
 * instructions are emulated at about a microsecond each, so a loop of
 * seven instructions around each OUT measured the loop (7.6 s for 1 MiB
 * with no OUT at all) more than the port. Here there are 1.03 other
 * instructions per OUT. */
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	mov	$(1 << 14), %ecx	/* 16384 lines of 64 bytes */
1:	mov	$'x', %al
	.rept	63
	outb	%al, $0xe9
	.endr
	mov	$'\n', %al
	outb	%al, $0xe9
	dec	%ecx
	jnz	1b
	hlt
	.section .note.GNU-stack, "", @progbits
