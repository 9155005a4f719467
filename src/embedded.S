/* embedded.S - the teaching guests, built into vmm so "./vmm -l" needs no
 * file. The same ELF files, with their symbols, are installed under the
 * package data directory for gdb to load. Each guest's size is a number
 * the assembler works out, so C never subtracts unrelated pointers. */
	.macro guest name, file
	.section .rodata
	.balign 16
	.globl guest_\name
guest_\name:
	.incbin "\file"
1:
	.balign 8
	.globl guest_\name\()_size
guest_\name\()_size:
	.quad 1b - guest_\name
	.endm

	guest hello64, "guest/hello64.elf"
	guest hello32, "guest/hello32.elf"
	guest hello16, "guest/hello16.elf"

	.section .note.GNU-stack, "", @progbits
