/* loader.c - ELF32/ELF64 and flat binaries into guest RAM.
 *
 * Everything in the file is untrusted: every offset and size is checked
 * against the file and against guest RAM before a byte is copied, with
 * arithmetic that cannot overflow. ELF layout: the System V ABI's gABI
 * ("ELF header", "Program header", "Section header").
 */
#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "loader.h"

#define EXPECT_SECTION ".vmm.expect"
#define TEXT_SNIFF 256		/* bytes looked at to tell text */

/* The two ELF classes differ only in field widths: read either into one
 * neutral shape so the checks are written once. */
struct elf_hdr {
	bool is64;
	uint64_t entry, phoff, shoff;
	unsigned phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_seg {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

struct elf_sect {
	uint32_t name, type;
	uint64_t offset, size;
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Is [off, off + len) inside a buffer of size bytes? */
static bool in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static bool is_elf(const uint8_t *image, size_t size)
{
	return size >= 4 && memcmp(image, ELFMAG, SELFMAG) == 0;
}

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_AARCH64:	return "AArch64";
	case EM_ARM:		return "ARM";
	case EM_RISCV:		return "RISC-V";
	case EM_PPC64:		return "PowerPC64";
	case EM_MIPS:		return "MIPS";
	default:		return NULL;
	}
}

static int read_hdr(const uint8_t *im, size_t size, struct elf_hdr *h,
		    char *err, size_t errlen)
{
	unsigned machine;

	if (size < EI_NIDENT)
		return fail(err, errlen, "truncated ELF file: %zu bytes, no room for the ELF identification", size);
	if (im[EI_CLASS] != ELFCLASS32 && im[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, "not an x86 ELF file: unknown ELF class %u", im[EI_CLASS]);
	if (im[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, "not an x86 ELF file: big-endian");
	h->is64 = im[EI_CLASS] == ELFCLASS64;
	if (size < (h->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return fail(err, errlen, "truncated ELF file: %zu bytes, shorter than its ELF header", size);
	if (h->is64) {
		Elf64_Ehdr e;

		memcpy(&e, im, sizeof(e));
		machine = e.e_machine;
		h->entry = e.e_entry;
		h->phoff = e.e_phoff;
		h->shoff = e.e_shoff;
		h->phentsize = e.e_phentsize;
		h->phnum = e.e_phnum;
		h->shentsize = e.e_shentsize;
		h->shnum = e.e_shnum;
		h->shstrndx = e.e_shstrndx;
	} else {
		Elf32_Ehdr e;

		memcpy(&e, im, sizeof(e));
		machine = e.e_machine;
		h->entry = e.e_entry;
		h->phoff = e.e_phoff;
		h->shoff = e.e_shoff;
		h->phentsize = e.e_phentsize;
		h->phnum = e.e_phnum;
		h->shentsize = e.e_shentsize;
		h->shnum = e.e_shnum;
		h->shstrndx = e.e_shstrndx;
	}
	if (machine != (h->is64 ? EM_X86_64 : EM_386)) {
		const char *name = machine_name(machine);

		if (name)
			return fail(err, errlen, "not an x86 ELF file: machine %s", name);
		return fail(err, errlen, "not an x86 ELF file: %s machine %u",
			    h->is64 ? "ELF64" : "ELF32", machine);
	}
	if (h->phnum == 0)
		return fail(err, errlen, "ELF file has no program headers: nothing to load");
	if (h->phentsize != (h->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return fail(err, errlen, "ELF program header size is %u, expected %zu",
			    h->phentsize, h->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr));
	if (!in_bounds(h->phoff, (uint64_t)h->phnum * h->phentsize, size))
		return fail(err, errlen, "truncated ELF file: program headers at 0x%llx run past its end (%zu bytes)",
			    (unsigned long long)h->phoff, size);
	return 0;
}

static void read_seg(const uint8_t *im, const struct elf_hdr *h, unsigned i,
		     struct elf_seg *s)
{
	const uint8_t *p = im + h->phoff + (uint64_t)i * h->phentsize;

	if (h->is64) {
		Elf64_Phdr ph;

		memcpy(&ph, p, sizeof(ph));
		*s = (struct elf_seg){ ph.p_type, ph.p_offset, ph.p_paddr,
				       ph.p_filesz, ph.p_memsz };
	} else {
		Elf32_Phdr ph;

		memcpy(&ph, p, sizeof(ph));
		*s = (struct elf_seg){ ph.p_type, ph.p_offset, ph.p_paddr,
				       ph.p_filesz, ph.p_memsz };
	}
}

static int check_range(uint64_t lo, uint64_t len, uint64_t ram_size,
		       const struct load_opts *o, const char *what,
		       char *err, size_t errlen)
{
	uint64_t hi;

	if (!in_bounds(lo, len, ram_size))
		return fail(err, errlen, "%s at 0x%llx (%llu bytes) is outside guest RAM (0x0-0x%llx); give more --memory or link it lower",
			    what, (unsigned long long)lo, (unsigned long long)len,
			    (unsigned long long)ram_size);
	hi = lo + len;
	if (len && lo < o->reserved_hi && hi > o->reserved_lo)
		return fail(err, errlen, "%s at 0x%llx-0x%llx overlaps vmm's GDT, page tables and stack at 0x%llx-0x%llx; link the guest elsewhere or give more --memory",
			    what, (unsigned long long)lo, (unsigned long long)hi,
			    (unsigned long long)o->reserved_lo,
			    (unsigned long long)o->reserved_hi);
	return 0;
}

/* Section header i into *s: false if the header is not in the file. The
 * caller checks the section's data with sect_inside(). */
static bool read_sect(const uint8_t *im, size_t size, const struct elf_hdr *h,
		      unsigned i, struct elf_sect *s)
{
	uint64_t off = h->shoff + (uint64_t)i * h->shentsize;

	if (!in_bounds(off, h->shentsize, size))
		return false;
	if (h->is64) {
		Elf64_Shdr sh;

		memcpy(&sh, im + off, sizeof(sh));
		*s = (struct elf_sect){ sh.sh_name, sh.sh_type, sh.sh_offset, sh.sh_size };
	} else {
		Elf32_Shdr sh;

		memcpy(&sh, im + off, sizeof(sh));
		*s = (struct elf_sect){ sh.sh_name, sh.sh_type, sh.sh_offset, sh.sh_size };
	}
	return true;
}

static bool sect_inside(const struct elf_sect *s, size_t size)
{
	return in_bounds(s->offset, s->size, size);
}

/* A guest may carry its own checks in a non-allocated ".vmm.expect"
 * section ("0x400=42 acc=42"); the hello guests do. Section headers are
 * optional in an executable, so a file without usable ones has none; but
 * a section of that name that cannot be read whole is an error, never a
 * silent "no checks" (a grader relies on them). */
static int find_expect(const uint8_t *im, size_t size, const struct elf_hdr *h,
		       struct load_info *info, char *err, size_t errlen)
{
	struct elf_sect strtab, s;
	uint64_t len;
	unsigned i;

	if (h->shnum == 0 || h->shstrndx >= h->shnum ||
	    h->shentsize != (h->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)) ||
	    !read_sect(im, size, h, h->shstrndx, &strtab) ||
	    !sect_inside(&strtab, size))
		return 0;
	for (i = 1; i < h->shnum; i++) {
		if (!read_sect(im, size, h, i, &s) || s.name >= strtab.size ||
		    strtab.size - s.name < sizeof(EXPECT_SECTION) ||
		    memcmp(im + strtab.offset + s.name, EXPECT_SECTION,
			   sizeof(EXPECT_SECTION)) != 0)
			continue;
		if (!sect_inside(&s, size))
			return fail(err, errlen, "its %s section (section %u) lies outside the file",
				    EXPECT_SECTION, i);
		len = s.size;
		while (len && im[s.offset + len - 1] == '\0')
			len--;		/* .asciz */
		if (len >= sizeof(info->expect))
			return fail(err, errlen, "its %s section holds %llu bytes of text; vmm reads at most %zu",
				    EXPECT_SECTION, (unsigned long long)len,
				    sizeof(info->expect) - 1);
		if (memchr(im + s.offset, '\0', len))
			return fail(err, errlen, "its %s section is malformed: a NUL byte inside its text",
				    EXPECT_SECTION);
		memcpy(info->expect, im + s.offset, len);
		info->expect[len] = '\0';
		info->has_expect = true;
		return 0;
	}
	return 0;
}

/* Notes (gABI "Note Section"): namesz, descsz, type, then the name and
 * the descriptor, each padded to 4 bytes. vmm's note: name "vmm", type
 * LOADER_NOTE_MODE, the descriptor a mode name ("real", "long"). */
static bool note_mode(const uint8_t *p, uint64_t len, char *mode, size_t mlen)
{
	uint32_t w[3];
	uint64_t off = 0, name, desc, next, n;

	while (len - off >= sizeof(w)) {
		memcpy(w, p + off, sizeof(w));
		name = off + sizeof(w);
		desc = name + ((w[0] + 3ULL) & ~3ULL);
		next = desc + ((w[1] + 3ULL) & ~3ULL);
		if (next > len)
			return false;
		if (w[2] == LOADER_NOTE_MODE && w[0] == sizeof(LOADER_NOTE_NAME) &&
		    !memcmp(p + name, LOADER_NOTE_NAME, sizeof(LOADER_NOTE_NAME))) {
			for (n = 0; n < w[1] && n + 1 < mlen && p[desc + n]; n++)
				mode[n] = p[desc + n] >= 0x20 && p[desc + n] < 0x7f ?
					  p[desc + n] : '?';
			mode[n] = '\0';
			return true;
		}
		off = next;
	}
	return false;
}

/* The note in a PT_NOTE segment or, with no program header for it (a
 * note that is not loaded), in an SHT_NOTE section. */
static void find_note(const uint8_t *im, size_t size, const struct elf_hdr *h,
		      char *mode, size_t mlen)
{
	struct elf_seg g;
	struct elf_sect s;
	unsigned i;

	for (i = 0; i < h->phnum; i++) {
		read_seg(im, h, i, &g);
		if (g.type == PT_NOTE && in_bounds(g.offset, g.filesz, size) &&
		    note_mode(im + g.offset, g.filesz, mode, mlen))
			return;
	}
	if (h->shentsize != (h->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)))
		return;
	for (i = 1; i < h->shnum; i++)
		if (read_sect(im, size, h, i, &s) && s.type == SHT_NOTE &&
		    sect_inside(&s, size) &&
		    note_mode(im + s.offset, s.size, mode, mlen))
			return;
}

/* Printable ASCII and white space only: a text file, not machine code
 * (which is full of zeros and bytes above 0x7f). */
static bool looks_like_text(const uint8_t *im, size_t size)
{
	size_t i, n = size < TEXT_SNIFF ? size : TEXT_SNIFF;

	for (i = 0; i < n; i++)
		if ((im[i] < 0x20 || im[i] >= 0x7f) && im[i] != '\n' &&
		    im[i] != '\t' && im[i] != '\r')
			return false;
	return n > 0;
}

int loader_facts(const uint8_t *image, size_t size, struct loader_facts *f,
		 char *err, size_t errlen)
{
	struct elf_hdr h;

	memset(f, 0, sizeof(*f));
	if (size == 0)
		return fail(err, errlen, "empty file: nothing to run");
	if (!is_elf(image, size)) {
		f->kind = GUEST_FLAT;
		f->text = looks_like_text(image, size);
		return 0;
	}
	if (read_hdr(image, size, &h, err, errlen) < 0)
		return -1;
	f->kind = h.is64 ? GUEST_ELF64 : GUEST_ELF32;
	f->entry = h.entry;
	find_note(image, size, &h, f->mode, sizeof(f->mode));
	return 0;
}

static int load_elf(const uint8_t *im, size_t size, uint8_t *ram,
		    uint64_t ram_size, const struct load_opts *o,
		    struct load_info *info, char *err, size_t errlen)
{
	struct elf_hdr h;
	struct elf_seg s;
	char what[64];
	unsigned i;

	if (read_hdr(im, size, &h, err, errlen) < 0)
		return -1;
	info->kind = h.is64 ? GUEST_ELF64 : GUEST_ELF32;
	info->lo = UINT64_MAX;
	info->hi = 0;
	/* Check every segment before writing any: nothing half-loaded. */
	for (i = 0; i < h.phnum; i++) {
		read_seg(im, &h, i, &s);
		if (s.type == PT_INTERP)
			return fail(err, errlen, "a dynamically linked program (it names an interpreter), not a guest: link guests -static -nostdlib");
		if (s.type != PT_LOAD)
			continue;
		snprintf(what, sizeof(what), "ELF segment %u", i);
		if (!in_bounds(s.offset, s.filesz, size))
			return fail(err, errlen, "truncated ELF file: %s needs bytes 0x%llx-0x%llx of a %zu-byte file",
				    what, (unsigned long long)s.offset,
				    (unsigned long long)(s.offset + s.filesz), size);
		if (s.filesz > s.memsz)
			return fail(err, errlen, "%s is malformed: %llu bytes in the file but only %llu in memory",
				    what, (unsigned long long)s.filesz,
				    (unsigned long long)s.memsz);
		if (check_range(s.paddr, s.memsz, ram_size, o, what, err, errlen) < 0)
			return -1;
		info->nsegs++;
		if (s.paddr < info->lo)
			info->lo = s.paddr;
		if (s.paddr + s.memsz > info->hi)
			info->hi = s.paddr + s.memsz;
	}
	if (!info->nsegs)
		return fail(err, errlen, "ELF file has no loadable (PT_LOAD) segment");
	/* --entry overrides the ELF header's (start at another label). */
	if (o->have_entry)
		h.entry = o->entry;
	if (h.entry >= ram_size)
		return fail(err, errlen, "%s 0x%llx is outside guest RAM (0x0-0x%llx)",
			    o->have_entry ? "entry point (--entry)" : "ELF entry point",
			    (unsigned long long)h.entry, (unsigned long long)ram_size);
	if (find_expect(im, size, &h, info, err, errlen) < 0)
		return -1;
	for (i = 0; i < h.phnum; i++) {
		read_seg(im, &h, i, &s);
		if (s.type != PT_LOAD)
			continue;
		memcpy(ram + s.paddr, im + s.offset, s.filesz);
		memset(ram + s.paddr + s.filesz, 0, s.memsz - s.filesz);
	}
	info->entry = h.entry;
	return 0;
}

int loader_probe(const uint8_t *image, size_t size, enum guest_kind *kind,
		 char *err, size_t errlen)
{
	struct loader_facts f;

	if (loader_facts(image, size, &f, err, errlen) < 0)
		return -1;
	*kind = f.kind;
	return 0;
}

int loader_load(const uint8_t *image, size_t size, uint8_t *ram,
		uint64_t ram_size, const struct load_opts *o,
		struct load_info *info, char *err, size_t errlen)
{
	memset(info, 0, sizeof(*info));
	if (size == 0)
		return fail(err, errlen, "empty file: nothing to run");
	if (is_elf(image, size) && o->have_load_addr)
		return fail(err, errlen, "--load-addr is for flat binaries: an ELF file goes where its program headers say (objdump -p shows them)");
	if (is_elf(image, size))
		return load_elf(image, size, ram, ram_size, o, info, err, errlen);

	info->kind = GUEST_FLAT;
	if (check_range(o->load_addr, size, ram_size, o, "flat binary",
			err, errlen) < 0)
		return -1;
	info->entry = o->have_entry ? o->entry : o->load_addr;
	if (info->entry >= ram_size)
		return fail(err, errlen, "entry point 0x%llx is outside guest RAM (0x0-0x%llx)",
			    (unsigned long long)info->entry,
			    (unsigned long long)ram_size);
	memcpy(ram + o->load_addr, image, size);
	info->lo = o->load_addr;
	info->hi = o->load_addr + size;
	info->nsegs = 1;
	return 0;
}
