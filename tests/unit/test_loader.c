/* test_loader.c - the ELF loader on hand-made images, no KVM needed. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "tap.h"

#define RAM_SIZE (2u << 20)
#define RESERVED_LO (RAM_SIZE - 0x10000)

static uint8_t ram[RAM_SIZE];

struct img {
	uint8_t buf[8192];
	size_t size;
};

/* An ELF64 executable with one PT_LOAD of code at paddr. */
static void make_elf64(struct img *im, uint64_t paddr, uint64_t filesz,
		       uint64_t memsz)
{
	Elf64_Ehdr *e = (Elf64_Ehdr *)im->buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(im->buf + sizeof(*e));
	size_t i;

	memset(im, 0, sizeof(*im));
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = paddr;
	e->e_phoff = sizeof(*e);
	e->e_ehsize = sizeof(*e);
	e->e_phentsize = sizeof(*ph);
	e->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_offset = 0x1000;
	ph->p_vaddr = ph->p_paddr = paddr;
	ph->p_filesz = filesz;
	ph->p_memsz = memsz;
	for (i = 0; i < filesz && 0x1000 + i < sizeof(im->buf); i++)
		im->buf[0x1000 + i] = (uint8_t)(0xa0 + i);
	im->size = 0x1000 + filesz;
}

static void make_elf32(struct img *im, uint32_t paddr, uint32_t filesz)
{
	Elf32_Ehdr *e = (Elf32_Ehdr *)im->buf;
	Elf32_Phdr *ph = (Elf32_Phdr *)(im->buf + sizeof(*e));

	memset(im, 0, sizeof(*im));
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS32;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_type = ET_EXEC;
	e->e_machine = EM_386;
	e->e_entry = paddr + 4;
	e->e_phoff = sizeof(*e);
	e->e_phentsize = sizeof(*ph);
	e->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_offset = 0x100;
	ph->p_paddr = paddr;
	ph->p_filesz = ph->p_memsz = filesz;
	memset(im->buf + 0x100, 0x90, filesz);
	im->size = 0x100 + filesz;
}

static int load(struct img *im, struct load_info *info, char *err, size_t n)
{
	struct load_opts o = { .reserved_lo = RESERVED_LO,
			       .reserved_hi = RAM_SIZE };

	return loader_load(im->buf, im->size, ram, RAM_SIZE, &o, info, err, n);
}

static void test_good(void)
{
	static struct img im;
	struct load_info info;
	enum guest_kind kind;
	char err[256] = "";

	memset(ram, 0x55, sizeof(ram));
	make_elf64(&im, 0x100000, 16, 64);
	ok(load(&im, &info, err, sizeof(err)) == 0, "ELF64 loads (%s)", err);
	is_u64(info.kind, GUEST_ELF64, "ELF64 kind");
	is_u64(info.entry, 0x100000, "ELF64 entry from the header");
	ok(ram[0x100000] == 0xa0 && ram[0x10000f] == 0xaf, "file bytes copied to p_paddr");
	ok(ram[0x100010] == 0 && ram[0x10003f] == 0, "bss (memsz > filesz) zeroed");
	ok(ram[0x100040] == 0x55, "nothing written past memsz");
	ok(loader_probe(im.buf, im.size, &kind, err, sizeof(err)) == 0 &&
	   kind == GUEST_ELF64, "probe says ELF64");

	make_elf32(&im, 0x100000, 8);
	ok(load(&im, &info, err, sizeof(err)) == 0, "ELF32 loads (%s)", err);
	is_u64(info.kind, GUEST_ELF32, "ELF32 kind");
	is_u64(info.entry, 0x100004, "ELF32 entry");
}

static void expect_error(struct img *im, const char *needle, const char *name)
{
	struct load_info info;
	char err[256] = "";
	int r;

	memset(ram, 0x55, 0x1000);
	r = load(im, &info, err, sizeof(err));
	ok(r < 0 && strstr(err, needle), "%s: \"%s\"", name, err);
	if (r == 0 || !strstr(err, needle))
		tap_diag("expected an error containing \"%s\"", needle);
}

static void test_bad(void)
{
	static struct img im;
	Elf64_Ehdr *e = (Elf64_Ehdr *)im.buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(im.buf + sizeof(*e));

	make_elf64(&im, 0x100000, 16, 16);
	e->e_machine = EM_AARCH64;
	expect_error(&im, "not an x86 ELF file: machine AArch64", "ARM ELF refused");

	make_elf64(&im, 0x100000, 16, 16);
	im.size = 40;
	expect_error(&im, "truncated", "header cut short");

	make_elf64(&im, 0x100000, 16, 16);
	im.size = 0x1008;
	expect_error(&im, "truncated ELF file: ELF segment 0", "segment data cut short");

	make_elf64(&im, 0x100000, 16, 16);
	e->e_phoff = 0xfffffffffffffff0ULL;
	expect_error(&im, "truncated", "program headers past the end (overflow)");

	make_elf64(&im, 0x1ffff0, 16, 32);
	expect_error(&im, "outside guest RAM", "segment past the end of RAM");

	make_elf64(&im, 0xfffffffffffff000ULL, 16, 0x2000);
	expect_error(&im, "outside guest RAM", "segment address wraps around");

	make_elf64(&im, RESERVED_LO - 8, 16, 16);
	expect_error(&im, "overlaps vmm's GDT, page tables and stack", "segment over vmm's tables");

	make_elf64(&im, 0x100000, 16, 8);
	expect_error(&im, "malformed", "filesz > memsz");

	make_elf64(&im, 0x100000, 16, 16);
	ph->p_type = PT_NOTE;
	expect_error(&im, "no loadable", "no PT_LOAD");

	make_elf64(&im, 0x100000, 16, 16);
	e->e_phnum = 0;
	expect_error(&im, "no program headers", "no program headers");

	make_elf64(&im, 0x100000, 16, 16);
	e->e_entry = 0x40000000;
	expect_error(&im, "entry point 0x40000000 is outside guest RAM", "entry outside RAM");

	make_elf64(&im, 0x100000, 16, 16);
	e->e_ident[EI_DATA] = ELFDATA2MSB;
	expect_error(&im, "big-endian", "big-endian ELF refused");

	im.size = 0;
	expect_error(&im, "empty", "empty file refused");
	ok(ram[0] == 0x55, "a refused image wrote nothing to RAM");
}

static void test_flat(void)
{
	static const uint8_t code[] = { 0xf4 };
	struct load_opts o = { .load_addr = 0x2000, .reserved_lo = RESERVED_LO,
			       .reserved_hi = RAM_SIZE };
	struct load_info info;
	char err[256] = "";

	ok(loader_load(code, 1, ram, RAM_SIZE, &o, &info, err, sizeof(err)) == 0,
	   "flat binary loads at --load-addr");
	is_u64(info.entry, 0x2000, "flat entry defaults to the load address");
	ok(ram[0x2000] == 0xf4, "flat bytes copied");
	o.have_entry = 1;
	o.entry = 0x2100;
	loader_load(code, 1, ram, RAM_SIZE, &o, &info, err, sizeof(err));
	is_u64(info.entry, 0x2100, "--entry honoured");
	o.load_addr = RAM_SIZE;
	ok(loader_load(code, 1, ram, RAM_SIZE, &o, &info, err, sizeof(err)) < 0 &&
	   strstr(err, "outside guest RAM"), "flat binary past RAM refused: %s", err);
}

/* make_elf64 plus a PT_NOTE segment of len bytes at file offset 0x800. */
static void make_noted(struct img *im, const void *note, size_t len)
{
	Elf64_Ehdr *e = (Elf64_Ehdr *)im->buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(im->buf + sizeof(*e));

	make_elf64(im, 0x100000, 16, 16);
	e->e_phnum = 2;
	ph[1].p_type = PT_NOTE;
	ph[1].p_offset = 0x800;
	ph[1].p_filesz = len;
	memcpy(im->buf + 0x800, note, len);
}

/* One note: name "vmm", type 1, descriptor desc (dlen bytes). */
static size_t vmm_note(uint8_t *buf, uint32_t namesz, uint32_t type,
		       const char *desc, uint32_t dlen)
{
	uint32_t w[3] = { namesz, dlen, type };

	memcpy(buf, w, sizeof(w));
	memcpy(buf + 12, "vmm", 4);
	memcpy(buf + 16, desc, dlen);
	return 16 + ((dlen + 3) & ~3u);
}

static void test_notes(void)
{
	static struct img im;
	struct loader_facts f;
	uint8_t note[128];
	char err[256] = "";
	size_t n;

	n = vmm_note(note, 4, LOADER_NOTE_MODE, "real", 5);
	make_noted(&im, note, n);
	ok(loader_facts(im.buf, im.size, &f, err, sizeof(err)) == 0 &&
	   !strcmp(f.mode, "real"), "a vmm note's mode is read (%s)", f.mode);
	is_u64(f.entry, 0x100000, "... and the entry point");

	/* Another owner's note first, then vmm's. */
	memcpy(note, (uint32_t[]){ 4, 4, 3 }, 12);
	memcpy(note + 12, "GNU\0abcd", 8);
	n = 20 + vmm_note(note + 20, 4, LOADER_NOTE_MODE, "long", 4);
	make_noted(&im, note, n);
	loader_facts(im.buf, im.size, &f, err, sizeof(err));
	ok(!strcmp(f.mode, "long"), "found after another owner's note (%s)", f.mode);

	n = vmm_note(note, 4, 2, "real", 5);
	make_noted(&im, note, n);
	loader_facts(im.buf, im.size, &f, err, sizeof(err));
	ok(f.mode[0] == 0, "another note type is not a mode");

	n = vmm_note(note, 4, LOADER_NOTE_MODE, "re\x1b[2Jal", 9);
	make_noted(&im, note, n);
	loader_facts(im.buf, im.size, &f, err, sizeof(err));
	ok(!strcmp(f.mode, "re?[2Jal"), "control bytes in the mode are masked (%s)", f.mode);

	/* Hostile sizes: nothing read past the segment, no mode. */
	n = vmm_note(note, 0xffffffffu, LOADER_NOTE_MODE, "real", 5);
	make_noted(&im, note, n);
	ok(loader_facts(im.buf, im.size, &f, err, sizeof(err)) == 0 && !f.mode[0],
	   "a name size of 4 GiB: no mode");
	n = vmm_note(note, 4, LOADER_NOTE_MODE, "real", 5);
	memcpy(note + 4, (uint32_t[]){ 0xfffffffdu }, 4);
	make_noted(&im, note, n);
	ok(loader_facts(im.buf, im.size, &f, err, sizeof(err)) == 0 && !f.mode[0],
	   "a descriptor size of 4 GiB: no mode");
	n = vmm_note(note, 4, LOADER_NOTE_MODE, "real", 5);
	make_noted(&im, note, n);
	((Elf64_Phdr *)(im.buf + sizeof(Elf64_Ehdr)))[1].p_filesz = 1u << 20;
	ok(loader_facts(im.buf, im.size, &f, err, sizeof(err)) == 0 && !f.mode[0],
	   "a PT_NOTE past the end of the file: ignored");

	ok(loader_facts((const uint8_t *)"root:x:0:0\n", 11, &f, err, sizeof(err)) == 0 &&
	   f.kind == GUEST_FLAT && f.text, "a text file is flat and reads as text");
	ok(loader_facts((const uint8_t *)"\xb0\x41\xe6\xe9\xf4", 5, &f, err, sizeof(err)) == 0 &&
	   !f.text, "machine code does not read as text");
}

int main(void)
{
	test_good();
	test_bad();
	test_flat();
	test_notes();
	return tap_done();
}
