/* embedded.S - the teaching guests, built into vmm so "./vmm -l" needs no
 * file. The same ELF files, with their symbols, are installed under the
 * package data directory for gdb to load. */
	.section .rodata
	.balign 16

	.globl guest_hello64, guest_hello64_end
guest_hello64:
	.incbin "guest/hello64.elf"
guest_hello64_end:

	.balign 16
	.globl guest_hello32, guest_hello32_end
guest_hello32:
	.incbin "guest/hello32.elf"
guest_hello32_end:

	.balign 16
	.globl guest_hello16, guest_hello16_end
guest_hello16:
	.incbin "guest/hello16.elf"
guest_hello16_end:

	.section .note.GNU-stack, "", @progbits
