/* hostile_flood.S - floods port 0xE9: FLOOD_BYTES bytes (1 MiB unless the
 * including file says otherwise) with rep outsb, 4 KiB at a time, of lines
 * "0123...xyz\n" (64 bytes each), then halts. The output is exactly
 * FLOOD_BYTES / 64 such lines, so a test can tell a lost or repeated byte.
 * tests/hostile/guests.sh runs it through a pipe; bench/flood_gb.sh runs
 * hostile_flood_gb.S (1 GiB). */
#ifndef FLOOD_BYTES
#define FLOOD_BYTES (1 << 20)
#endif
	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	/* fill buf with 64 copies of a 64-byte line */
	lea	buf(%rip), %rdi
	xor	%ebx, %ebx
1:	mov	%ebx, %eax
	and	$63, %eax
	cmp	$63, %eax
	je	3f
	lea	line(%rip), %rsi
	movb	(%rsi,%rax), %al
	jmp	4f
3:	mov	$'\n', %al
4:	stosb
	inc	%ebx
	cmp	$4096, %ebx
	jne	1b
	mov	$(FLOOD_BYTES / 4096), %r12
	mov	$0xe9, %dx
2:	lea	buf(%rip), %rsi
	mov	$4096, %ecx
	rep outsb
	dec	%r12
	jnz	2b
	hlt
	.section .rodata
line:	.ascii	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!"
	.section .bss
	.balign	4096
buf:	.skip	4096
	.section .note.GNU-stack, "", @progbits
