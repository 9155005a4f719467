/* boot.c - the 64-bit part of the boot-loader teaching guest (boot.S).
 *
 * boot.S brings the CPU from real mode to 64-bit mode and calls
 * long_main(), which prints over port 0xE9, takes a round trip through
 * compatibility mode (compat_call in boot.S) and stores 42 at 0x400.
 * boot.S halts with long_main's return value, 42, in the accumulator.
 *
 * Built like the hello guests: freestanding, -mgeneral-regs-only (the
 * CPL0 emulator on kvm_pvm hosts fails on SSE instructions), -O1 -g.
 */

#define DEBUG_PORT 0xe9
#define RESULT_ADDR 0x400

/* How far the boot got: 1 real mode, 2 protected mode (both set by
 * boot.S), 3 long mode. In C, so gdb knows its type (watch boot_stage). */
volatile int boot_stage;
/* compat_call's 32-bit code counts its runs here. */
volatile int compat_calls;

void compat_call(void);		/* boot.S: to compatibility mode and back */
long long_main(void);

static inline void outb(unsigned short port, unsigned char byte)
{
	__asm__ volatile("outb %0, %1" : : "a"(byte), "Nd"(port));
}

static void print(const char *s)
{
	while (*s)
		outb(DEBUG_PORT, *s++);
}

long long_main(void)
{
	print("long mode\n");
	boot_stage = 3;
	compat_call();
	print("back in long mode\n");
	*(volatile long *)RESULT_ADDR = 42;
	return 42;
}
