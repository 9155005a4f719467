/* higher_half.S - a kernel that builds its own 4-level page tables, with
 * a higher-half mapping, switches CR3 to them and jumps up there, as a
 * student's own kernel does. For tests/gdb/monitor.sh: "monitor mem" must
 * list the high mappings, and gdb must read memory through them.
 *
 *   PML4 0x20000 [0]   -> PDPT 0x21000 [0] -> PD 0x22000
 *                [256] -> PDPT 0x26000 [0] -> PD 0x22000 (shared)
 *                [511] -> PDPT 0x23000 [510] -> PD 0x24000
 *   PD 0x22000   [0] -> 2 MiB page at 0, writable: the identity map the
 *                       code runs in until the jump, and the same again
 *                       at 0xffff800000000000 (a "direct map")
 *   PD 0x24000   [0] -> 2 MiB page at 0, read-only: the kernel image at
 *                       0xffffffff80000000
 *                [1] -> PT 0x25000 [0] -> 4 KiB page 0x100000, writable
 *                                  [1] -> 4 KiB page 0x101000, writable
 *                                  [5] -> 4 KiB page 0x1ff000, user
 *
 * So at 0xffffffff80200000 the first two 4 KiB pages of the image appear
 * again, writable: the code writes its marker through that window. Intel
 * SDM vol. 3A, 4.5 (4-level paging), tables 4-15 to 4-19. */
#define KBASE	0xffffffff80000000
#define WINDOW	0xffffffff80200000

	.code64
	.section .text._start, "ax"
	.globl _start
_start:
	/* clear the seven tables at 0x20000-0x26fff */
	mov	$0x20000, %edi
	mov	$(7 * 4096 / 8), %ecx
	xor	%eax, %eax
	rep stosq
	movq	$0x21003, 0x20000		/* PML4[0]   -> PDPT 0x21000 */
	movq	$0x26003, 0x20800		/* PML4[256] -> PDPT 0x26000 */
	movq	$0x23007, 0x20ff8		/* PML4[511] -> PDPT 0x23000, US */
	movq	$0x22003, 0x21000		/* PDPT[0] -> PD 0x22000 */
	movq	$0x22003, 0x26000		/* PDPT[0] -> PD 0x22000 */
	movq	$0x24007, 0x23ff0		/* PDPT[510] -> PD 0x24000, US */
	movq	$0x83, 0x22000			/* PD[0]: 2 MiB at 0, RW */
	movq	$0x81, 0x24000			/* PD[0]: 2 MiB at 0, read-only */
	movq	$0x25007, 0x24008		/* PD[1] -> PT 0x25000, US */
	movq	$0x100003, 0x25000		/* PT[0]: 0x100000 RW */
	movq	$0x101003, 0x25008		/* PT[1]: 0x101000 RW */
	movq	$0x1ff007, 0x25028		/* PT[5]: 0x1ff000 RW US */
	.globl	before_switch
before_switch:
	mov	$0x20000, %eax
	mov	%rax, %cr3			/* the CR3 switch */
	.globl	switched
switched:
	movabs	$(KBASE + high), %rax
	jmp	*%rax

	/* From here on the code runs at 0xffffffff80100000 and up. */
high:
	movabs	$(WINDOW + marker - 0x100000), %rbx
	movabs	$0x4b45524e454c, %rax		/* "LENREK" */
	mov	%rax, (%rbx)			/* written through the window */
	movabs	$(KBASE + message), %rsi
	mov	$(message_end - message), %ecx
1:	lodsb
	outb	%al, $0xe9
	loop	1b
	.globl	high_done
high_done:
	hlt
2:	jmp	2b

	.section .rodata
message:
	.ascii	"higher half\n"
message_end:

	.data
	.balign	8
	.globl	marker
marker:
	.quad	0x1122334455667788
	.section .note.GNU-stack, "", @progbits
