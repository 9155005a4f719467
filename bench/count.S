/* count.S - for bench/reverse.sh: a loop of two instructions run rcx
 * times (gdb sets rcx at `go`), then HLT: a guest running free for a
 * known number of instructions. */
	.code64
	.section .text._start, "ax"
	.globl _start, go
_start:
	mov	$1000, %ecx
go:
1:	dec	%rcx
	jnz	1b
	hlt
	jmp	go
	.section .note.GNU-stack, "", @progbits
