/* hypercall.h - the guest's side of vmm's hypercalls.
 *
 * A hypercall is a guest asking its VMM for a service. On vmm it is an
 * I/O instruction to one of three ports that no hardware has: KVM cannot
 * finish the instruction itself, so KVM_RUN returns to vmm with
 * KVM_EXIT_IO, and vmm does the work before it runs the guest on. The
 * 32-bit operand travels in the kvm_run page at data_offset: an OUT's
 * value from the guest to vmm, an IN's from vmm back to the guest.
 *
 *   port 0xea  OUT 32 bits  print the value in decimal on vmm's stdout
 *   port 0xeb  IN  32 bits  the number of exits so far (this one included)
 *   port 0xec  OUT 32 bits  print the NUL-terminated string at this
 *                           guest-virtual address (through the guest's own
 *                           page tables; in real mode an offset in DS)
 *
 * Include it in a freestanding guest (C, any of -m16, -m32, -m64). The
 * string's address must be below 4 GiB: an OUT carries 32 bits.
 */
#ifndef VMM_GUEST_HYPERCALL_H
#define VMM_GUEST_HYPERCALL_H

#define HYPERCALL_PRINT_VALUE	0xea
#define HYPERCALL_EXITS		0xeb
#define HYPERCALL_PUTS		0xec

#ifndef HYPERCALL_HOST		/* vmm itself takes only the numbers */

static inline void hc_print_value(unsigned int value)
{
	__asm__ volatile("outl %0, %1" : : "a"(value),
			 "Nd"((unsigned short)HYPERCALL_PRINT_VALUE));
}

static inline unsigned int hc_exits(void)
{
	unsigned int n;

	__asm__ volatile("inl %1, %0" : "=a"(n)
			 : "Nd"((unsigned short)HYPERCALL_EXITS));
	return n;
}

/* The string is read by vmm, not written: the "memory" clobber keeps the
 * compiler from dropping stores to it before the OUT. */
static inline void hc_puts(const char *s)
{
	__asm__ volatile("outl %0, %1" : : "a"((unsigned int)(unsigned long)s),
			 "Nd"((unsigned short)HYPERCALL_PUTS) : "memory");
}

#endif
#endif
