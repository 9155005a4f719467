/* x86_regs.c - the x86 register layouts, in gdb's own order and types.
 *
 * They follow the feature files of gdb 13 (gdb/features/i386/):
 *   64bit-core.xml, 64bit-sse.xml, 64bit-segments.xml  -> gdb_x86_64_layout
 *   32bit-core.xml, 32bit-sse.xml                      -> gdb_i386_layout
 * gdb's i386 code checks core registers by name, and needs the x87 ones
 * (st0-st7, fctrl..fop) in org.gnu.gdb.i386.core: without them it rejects
 * the description (DESIGN.md, measured).  Control registers go in a feature
 * of our own, org.vmm.x86.system: gdb shows unknown features' registers as
 * extra registers, typed by the flags below so "p $cr0" names its bits.
 * Bits: Intel SDM vol. 3A 2.5 (CR0, CR4) and 2.2.1 (IA32_EFER).
 */
#include <stdio.h>

#include "gdbstub_int.h"
#include "x86_bits.h"

#define N(a)	(sizeof(a) / sizeof(*(a)))
#define BIT(n, b)	{ .name = (n), .start = (b), .end = (b) }
#define FIELD(n, t)	{ .name = (n), .type = (t) }

#define CORE	"org.gnu.gdb.i386.core"
#define SSE	"org.gnu.gdb.i386.sse"
#define SEGS	"org.gnu.gdb.i386.segments"
#define SYS	"org.vmm.x86.system"

/* 64bit-core.xml / 32bit-core.xml: i386_eflags */
static const struct gdb_type_field eflags_bits[] = {
	BIT("CF", 0), BIT("", 1), BIT("PF", 2), BIT("AF", 4), BIT("ZF", 6),
	BIT("SF", 7), BIT("TF", 8), BIT("IF", 9), BIT("DF", 10),
	BIT("OF", 11), BIT("NT", 14), BIT("RF", 16), BIT("VM", 17),
	BIT("AC", 18), BIT("VIF", 19), BIT("VIP", 20), BIT("ID", 21),
};

/* 64bit-sse.xml: i386_mxcsr */
static const struct gdb_type_field mxcsr_bits[] = {
	BIT("IE", 0), BIT("DE", 1), BIT("ZE", 2), BIT("OE", 3), BIT("UE", 4),
	BIT("PE", 5), BIT("DAZ", 6), BIT("IM", 7), BIT("DM", 8),
	BIT("ZM", 9), BIT("OM", 10), BIT("UM", 11), BIT("PM", 12),
	BIT("FZ", 15),
};

/* 64bit-sse.xml: vec128, the views gdb offers of an xmm register */
static const struct gdb_type_field vec128_fields[] = {
	FIELD("v4_float", "v4f"), FIELD("v2_double", "v2d"),
	FIELD("v16_int8", "v16i8"), FIELD("v8_int16", "v8i16"),
	FIELD("v4_int32", "v4i32"), FIELD("v2_int64", "v2i64"),
	FIELD("uint128", "uint128"),
};

/* SDM 2.5: CR0 */
static const struct gdb_type_field cr0_bits[] = {
	BIT("PE", 0), BIT("MP", 1), BIT("EM", 2), BIT("TS", 3), BIT("ET", 4),
	BIT("NE", 5), BIT("WP", 16), BIT("AM", 18), BIT("NW", 29),
	BIT("CD", 30), BIT("PG", 31),
};

/* SDM 2.5: CR4 */
static const struct gdb_type_field cr4_bits[] = {
	BIT("VME", 0), BIT("PVI", 1), BIT("TSD", 2), BIT("DE", 3),
	BIT("PSE", 4), BIT("PAE", 5), BIT("MCE", 6), BIT("PGE", 7),
	BIT("PCE", 8), BIT("OSFXSR", 9), BIT("OSXMMEXCPT", 10),
	BIT("UMIP", 11), BIT("LA57", 12), BIT("VMXE", 13), BIT("SMXE", 14),
	BIT("FSGSBASE", 16), BIT("PCIDE", 17), BIT("OSXSAVE", 18),
	BIT("SMEP", 20), BIT("SMAP", 21), BIT("PKE", 22), BIT("CET", 23),
	BIT("PKS", 24),
};

/* SDM 2.2.1 and AMD APM vol. 2 3.1.7: EFER */
static const struct gdb_type_field efer_bits[] = {
	BIT("SCE", 0), BIT("LME", 8), BIT("LMA", 10), BIT("NXE", 11),
	BIT("SVME", 12), BIT("LMSLE", 13), BIT("FFXSR", 14), BIT("TCE", 15),
};

static const struct gdb_type_def x86_types[] = {
	{ "i386_eflags", GDB_TYPE_FLAGS, NULL, 0, eflags_bits, N(eflags_bits) },
	{ "i386_mxcsr", GDB_TYPE_FLAGS, NULL, 0, mxcsr_bits, N(mxcsr_bits) },
	{ "v4f", GDB_TYPE_VECTOR, "ieee_single", 4, NULL, 0 },
	{ "v2d", GDB_TYPE_VECTOR, "ieee_double", 2, NULL, 0 },
	{ "v16i8", GDB_TYPE_VECTOR, "int8", 16, NULL, 0 },
	{ "v8i16", GDB_TYPE_VECTOR, "int16", 8, NULL, 0 },
	{ "v4i32", GDB_TYPE_VECTOR, "int32", 4, NULL, 0 },
	{ "v2i64", GDB_TYPE_VECTOR, "int64", 2, NULL, 0 },
	{ "vec128", GDB_TYPE_UNION, NULL, 0, vec128_fields, N(vec128_fields) },
	{ "vmm_cr0", GDB_TYPE_FLAGS, NULL, 0, cr0_bits, N(cr0_bits) },
	{ "vmm_cr4", GDB_TYPE_FLAGS, NULL, 0, cr4_bits, N(cr4_bits) },
	{ "vmm_efer", GDB_TYPE_FLAGS, NULL, 0, efer_bits, N(efer_bits) },
};

#define R(n, i, b, t, f)	{ (n), (i), (b), (t), (f), NULL, 0 }
#define RG(n, i, b, t, f, g)	{ (n), (i), (b), (t), (f), (g), 0 }
#define RX(n, i, b, t, f, x)	{ (n), (i), (b), (t), (f), NULL, (x) }

/* The x87 tail of both cores: 80-bit stack, then 32-bit control words. */
#define X87_REGS \
	R("st0", GDB_X86_ST0, 80, "i387_ext", CORE), \
	R("st1", GDB_X86_ST1, 80, "i387_ext", CORE), \
	R("st2", GDB_X86_ST2, 80, "i387_ext", CORE), \
	R("st3", GDB_X86_ST3, 80, "i387_ext", CORE), \
	R("st4", GDB_X86_ST4, 80, "i387_ext", CORE), \
	R("st5", GDB_X86_ST5, 80, "i387_ext", CORE), \
	R("st6", GDB_X86_ST6, 80, "i387_ext", CORE), \
	R("st7", GDB_X86_ST7, 80, "i387_ext", CORE), \
	RG("fctrl", GDB_X86_FCTRL, 32, "int", CORE, "float"), \
	RG("fstat", GDB_X86_FSTAT, 32, "int", CORE, "float"), \
	RG("ftag", GDB_X86_FTAG, 32, "int", CORE, "float"), \
	RG("fiseg", GDB_X86_FISEG, 32, "int", CORE, "float"), \
	RG("fioff", GDB_X86_FIOFF, 32, "int", CORE, "float"), \
	RG("foseg", GDB_X86_FOSEG, 32, "int", CORE, "float"), \
	RG("fooff", GDB_X86_FOOFF, 32, "int", CORE, "float"), \
	RG("fop", GDB_X86_FOP, 32, "int", CORE, "float")

#define SEG_REGS \
	R("cs", GDB_X86_CS, 32, "int32", CORE), \
	R("ss", GDB_X86_SS, 32, "int32", CORE), \
	R("ds", GDB_X86_DS, 32, "int32", CORE), \
	R("es", GDB_X86_ES, 32, "int32", CORE), \
	R("fs", GDB_X86_FS, 32, "int32", CORE), \
	R("gs", GDB_X86_GS, 32, "int32", CORE)

#define XMM(n, i)	R(n, i, 128, "vec128", SSE)

/* CR2, CR3 and CR8 are as wide as the mode's registers. CR0, CR4 and
 * EFER, the three with named bits, are 32 bits in every mode, and so are
 * their flags types: gdb 13 gives a plain number (an int, 4 bytes) to a
 * flags-typed register only when the two are the same size -- value_cast
 * reinterprets equal sizes and refuses the rest with "Invalid cast."
 * (measured: a flags type of 8 bytes, a union or a struct of bits over a
 * 64-bit register all refuse "set $cr0 = 0x80050033"; an enum takes it
 * but prints a bare number). Nothing is lost that a guest can set: bits
 * 63:32 of CR0 and 63:16 of EFER are reserved (SDM 2.5, 2.2.1); CR4's
 * are too, but for FRED (bit 32) on the newest CPUs, which vmm's hosts
 * lack. A write from gdb clears the upper half, as the CPU requires.
 */
#define SYS_REGS(bits) \
	RG("cr0", GDB_X86_CR0, 32, "vmm_cr0", SYS, "system"), \
	RG("cr2", GDB_X86_CR2, bits, "data_ptr", SYS, "system"), \
	RG("cr3", GDB_X86_CR3, bits, "int", SYS, "system"), \
	RG("cr4", GDB_X86_CR4, 32, "vmm_cr4", SYS, "system"), \
	RG("cr8", GDB_X86_CR8, bits, "int", SYS, "system"), \
	RG("efer", GDB_X86_EFER, 32, "vmm_efer", SYS, "system")

/* 64bit-core.xml, 64bit-sse.xml, 64bit-segments.xml, then ours. */
static const struct gdb_reg x86_64_regs[] = {
	R("rax", GDB_X86_RAX, 64, "int64", CORE),
	R("rbx", GDB_X86_RBX, 64, "int64", CORE),
	R("rcx", GDB_X86_RCX, 64, "int64", CORE),
	R("rdx", GDB_X86_RDX, 64, "int64", CORE),
	R("rsi", GDB_X86_RSI, 64, "int64", CORE),
	R("rdi", GDB_X86_RDI, 64, "int64", CORE),
	RX("rbp", GDB_X86_RBP, 64, "data_ptr", CORE, GDB_REG_EXPEDITE),
	RX("rsp", GDB_X86_RSP, 64, "data_ptr", CORE, GDB_REG_EXPEDITE),
	R("r8", GDB_X86_R8, 64, "int64", CORE),
	R("r9", GDB_X86_R9, 64, "int64", CORE),
	R("r10", GDB_X86_R10, 64, "int64", CORE),
	R("r11", GDB_X86_R11, 64, "int64", CORE),
	R("r12", GDB_X86_R12, 64, "int64", CORE),
	R("r13", GDB_X86_R13, 64, "int64", CORE),
	R("r14", GDB_X86_R14, 64, "int64", CORE),
	R("r15", GDB_X86_R15, 64, "int64", CORE),
	RX("rip", GDB_X86_RIP, 64, "code_ptr", CORE,
	   GDB_REG_EXPEDITE | GDB_REG_PC),
	R("eflags", GDB_X86_EFLAGS, 32, "i386_eflags", CORE),
	SEG_REGS,
	X87_REGS,
	XMM("xmm0", GDB_X86_XMM0), XMM("xmm1", GDB_X86_XMM1),
	XMM("xmm2", GDB_X86_XMM2), XMM("xmm3", GDB_X86_XMM3),
	XMM("xmm4", GDB_X86_XMM4), XMM("xmm5", GDB_X86_XMM5),
	XMM("xmm6", GDB_X86_XMM6), XMM("xmm7", GDB_X86_XMM7),
	XMM("xmm8", GDB_X86_XMM8), XMM("xmm9", GDB_X86_XMM9),
	XMM("xmm10", GDB_X86_XMM10), XMM("xmm11", GDB_X86_XMM11),
	XMM("xmm12", GDB_X86_XMM12), XMM("xmm13", GDB_X86_XMM13),
	XMM("xmm14", GDB_X86_XMM14), XMM("xmm15", GDB_X86_XMM15),
	RG("mxcsr", GDB_X86_MXCSR, 32, "i386_mxcsr", SSE, "vector"),
	R("fs_base", GDB_X86_FS_BASE, 64, "int", SEGS),
	R("gs_base", GDB_X86_GS_BASE, 64, "int", SEGS),
	SYS_REGS(64),
};

/* 32bit-core.xml (note gdb's order: eax ecx edx ebx esp ebp esi edi),
 * 32bit-sse.xml, then ours.
 */
static const struct gdb_reg i386_regs[] = {
	R("eax", GDB_X86_RAX, 32, "int32", CORE),
	R("ecx", GDB_X86_RCX, 32, "int32", CORE),
	R("edx", GDB_X86_RDX, 32, "int32", CORE),
	R("ebx", GDB_X86_RBX, 32, "int32", CORE),
	RX("esp", GDB_X86_RSP, 32, "data_ptr", CORE, GDB_REG_EXPEDITE),
	RX("ebp", GDB_X86_RBP, 32, "data_ptr", CORE, GDB_REG_EXPEDITE),
	R("esi", GDB_X86_RSI, 32, "int32", CORE),
	R("edi", GDB_X86_RDI, 32, "int32", CORE),
	RX("eip", GDB_X86_RIP, 32, "code_ptr", CORE,
	   GDB_REG_EXPEDITE | GDB_REG_PC),
	R("eflags", GDB_X86_EFLAGS, 32, "i386_eflags", CORE),
	SEG_REGS,
	X87_REGS,
	XMM("xmm0", GDB_X86_XMM0), XMM("xmm1", GDB_X86_XMM1),
	XMM("xmm2", GDB_X86_XMM2), XMM("xmm3", GDB_X86_XMM3),
	XMM("xmm4", GDB_X86_XMM4), XMM("xmm5", GDB_X86_XMM5),
	XMM("xmm6", GDB_X86_XMM6), XMM("xmm7", GDB_X86_XMM7),
	RG("mxcsr", GDB_X86_MXCSR, 32, "i386_mxcsr", SSE, "vector"),
	SYS_REGS(32),
};

/* <compatible>: a guest's ELF file need not match its mode (a boot
 * loader's ELF64 starts in real mode, an ELF32 one ends in long mode).
 * gdb 13 checks the file's architecture against the description's with
 * BFD, which calls the 32- and 64-bit ones incompatible; listing the
 * other width here makes gdb take the description's (measured: without
 * it, "Architecture rejected target-supplied description").
 */
static const char *const compat_with_64[] = { "i386:x86-64", NULL };
static const char *const compat_with_32[] = { "i386", NULL };

/* osabi "none": the guests are bare metal, so gdb must not apply the
 * GNU/Linux ABI (its default for an ELF file without an ABI note).
 */
const struct gdb_layout gdb_x86_64_layout = {
	.name = "x86-64",
	.arch = "i386:x86-64",
	.osabi = "none",
	.compatible = compat_with_32,
	.regs = x86_64_regs,
	.nr_regs = N(x86_64_regs),
	.types = x86_types,
	.nr_types = N(x86_types),
};

const struct gdb_layout gdb_i386_layout = {
	.name = "i386",
	.arch = "i386",
	.osabi = "none",
	.compatible = compat_with_64,
	.regs = i386_regs,
	.nr_regs = N(i386_regs),
	.types = x86_types,
	.nr_types = N(x86_types),
};

/* DESIGN.md: with i8086 gdb decodes 16-bit code, with the same registers. */
const struct gdb_layout gdb_i8086_layout = {
	.name = "i8086",
	.arch = "i8086",
	.osabi = "none",
	.compatible = compat_with_64,
	.regs = i386_regs,
	.nr_regs = N(i386_regs),
	.types = x86_types,
	.nr_types = N(x86_types),
};

size_t x86_bits_format(enum x86_bits_reg reg, uint64_t value, char *buf,
		       size_t len)
{
	static const struct { const struct gdb_type_field *f; size_t n; } t[] = {
		[X86_BITS_CR0] = { cr0_bits, N(cr0_bits) },
		[X86_BITS_CR4] = { cr4_bits, N(cr4_bits) },
		[X86_BITS_EFER] = { efer_bits, N(efer_bits) },
	};
	size_t i, n = 0;
	int k;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < t[reg].n && n < len; i++) {
		if (!(value & (1ULL << t[reg].f[i].start)))
			continue;
		k = snprintf(buf + n, len - n, " %s", t[reg].f[i].name);
		if (k < 0)
			break;
		n += (size_t)k < len - n ? (size_t)k : len - n - 1;
	}
	return n;
}
