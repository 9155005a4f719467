/* hello.c - the teaching guest: kvm-hello-world's guest, in C.
 *
 * vmm loads it at 1 MiB and starts it at _start with a stack it set up.
 * It writes "Hello, world!\n" to port 0xE9 one byte at a time, stores 42
 * at address 0x400 as the mode's natural word (a long: 8 bytes in long
 * mode, 4 in 32-bit modes) and halts. vmm prints the bytes and, at the
 * HLT, checks the word at 0x400 and the accumulator are both 42.
 *
 * Built freestanding with -mgeneral-regs-only (no SSE: the CPL0 emulator
 * on kvm_pvm hosts fails on SSE instructions) and -g -O1, so gdb's "next"
 * walks main() a line at a time.
 */

#define DEBUG_PORT 0xe9		/* the Bochs/QEMU debug console */
#define RESULT_ADDR 0x400	/* where kvm-hello-world stores 42 */

static inline void outb(unsigned short port, unsigned char byte)
{
	__asm__ volatile("outb %0, %1" : : "a"(byte), "Nd"(port));
}

long main(void);

long main(void)
{
	const char *p;

	for (p = "Hello, world!\n"; *p; p++)
		outb(DEBUG_PORT, *p);
	*(volatile long *)RESULT_ADDR = 42;
	return 42;
}

/* _start calls main; main's return value is left in the accumulator
 * (eax/rax), which vmm checks at the HLT. */
__asm__(".pushsection .text._start, \"ax\"\n"
	".globl _start\n"
	"_start:\n"
	"	call main\n"
	"1:	hlt\n"
	"	jmp 1b\n"
	".popsection");

/* What vmm checks when this guest halts: see loader.c (find_expect). */
__asm__(".pushsection .vmm.expect, \"\", @progbits\n"
	".ascii \"0x400=42 acc=42\"\n"
	".popsection");

/* The mode this guest is written for, as a "vmm" ELF note (see loader.h):
 * without a mode option vmm runs it in that mode, and warns if an option
 * picks a mode of another width. Fields: name size ("vmm" and its NUL),
 * descriptor size, type 1 (the mode), the name, the mode's name. */
#ifdef __x86_64__
#define GUEST_MODE "long"
#else
#define GUEST_MODE "protected"
#endif
__asm__(".pushsection .note.vmm, \"\", @note\n"
	".balign 4\n"
	".long 4, 9f - 8f, 1\n"
	".asciz \"vmm\"\n"
	"8:	.asciz \"" GUEST_MODE "\"\n"
	"9:	.balign 4\n"
	".popsection");
