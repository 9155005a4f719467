/* loader.h - put a guest image (ELF32, ELF64 or flat binary) in guest RAM. */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stddef.h>
#include <stdint.h>

enum guest_kind {
	GUEST_FLAT,		/* raw bytes, loaded at load_addr */
	GUEST_ELF32,		/* EM_386: protected mode by default */
	GUEST_ELF64,		/* EM_X86_64: long mode by default */
};

struct load_opts {
	uint64_t load_addr;	/* flat binaries: where (default 0) */
	uint64_t entry;		/* flat binaries: where to start */
	int have_entry;		/* entry given (--entry); else load_addr */
	uint64_t reserved_lo;	/* vmm's own structures: no segment may */
	uint64_t reserved_hi;	/* overlap [reserved_lo, reserved_hi) */
};

struct load_info {
	enum guest_kind kind;
	uint64_t entry;		/* where the vCPU starts */
	uint64_t lo, hi;	/* lowest and highest+1 GPA written */
	unsigned nsegs;		/* PT_LOAD segments loaded */
	char expect[256];	/* the guest's ".vmm.expect" section, if any */
};

/* Classify an image without loading it (for choosing the default mode).
 * Returns 0, or -1 with a message in err. */
int loader_probe(const uint8_t *image, size_t size, enum guest_kind *kind,
		 char *err, size_t errlen);

/* Copy the image into ram[0 .. ram_size). Returns 0, or -1 with one line
 * in err saying what is wrong ("segment 1 at 0x... is outside guest RAM").
 * Nothing is written to RAM unless every check passed. */
int loader_load(const uint8_t *image, size_t size, uint8_t *ram,
		uint64_t ram_size, const struct load_opts *opts,
		struct load_info *info, char *err, size_t errlen);

#endif
