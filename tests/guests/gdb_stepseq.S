/* gdb_stepseq.S - a known instruction sequence for tests/gdb/stepi.sh:
 * each instruction has its own global label, so after every stepi gdb
 * names where the pc is. It includes an OUT (one byte, 'S', to port
 * 0xE9), an IN from 0xE9 (vmm answers 0xE9) and the HLT, once each: the
 * exits a single-step must not skip past or repeat. */
	.code64
	.section .text._start, "ax"
	.globl _start, s0, s1, s2, s3, s4, s5, s6, s7
_start:
	nop
s0:	mov	$'S', %al
s1:	outb	%al, $0xe9
s2:	xor	%eax, %eax
s3:	inb	$0xe9, %al
s4:	nop
s5:	mov	%eax, %ebx
s6:	hlt
s7:	jmp	s7
	.section .note.GNU-stack, "", @progbits
