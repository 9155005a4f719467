/* hypercalls.c - the teaching guest for vmm's hypercalls (hypercall.h).
 *
 * Built three times from this one file: hypercalls64.elf (long mode),
 * hypercalls32.elf (protected mode; -p and --mode=pae page it) and
 * hypercalls16.elf (real mode, gcc -m16, linked at 0x7c00). It prints a
 * line with each hypercall, then passes a pointer to nothing on purpose:
 * vmm must say why it cannot read it, and never read host memory instead.
 * Like hello.c it stores 42 at 0x400 and returns 42.
 */
#include "hypercall.h"

#define RESULT_ADDR 0x400
#define BAD_POINTER 0xdeadbeef	/* no RAM there, and no mapping */

long main(void);

long main(void)
{
	unsigned int exits;

	hc_puts("Hello from the guest, through the string hypercall\n");
	hc_puts("the value hypercall prints 42: ");
	hc_print_value(42);
	hc_puts("\n");
	exits = hc_exits();
	hc_puts("exits so far, this IN included: ");
	hc_print_value(exits);
	hc_puts("\nnow a bad pointer, on purpose:\n");
	hc_puts((const char *)BAD_POINTER);
	*(volatile long *)RESULT_ADDR = 42;
	return 42;
}

/* _start calls main and halts with its result in the accumulator. */
__asm__(".pushsection .text._start, \"ax\"\n"
	".globl _start\n"
	"_start:\n"
	"	call main\n"
	"1:	hlt\n"
	"	jmp 1b\n"
	".popsection");

__asm__(".pushsection .vmm.expect, \"\", @progbits\n"
	".ascii \"0x400=42 acc=42\"\n"
	".popsection");
