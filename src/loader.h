/* loader.h - put a guest image (ELF32, ELF64 or flat binary) in guest RAM. */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum guest_kind {
	GUEST_FLAT,		/* raw bytes, loaded at load_addr */
	GUEST_ELF32,		/* EM_386: protected mode by default */
	GUEST_ELF64,		/* EM_X86_64: long mode by default */
};

struct load_opts {
	uint64_t load_addr;	/* flat binaries: where (default 0) */
	int have_load_addr;	/* --load-addr given: an ELF file refuses it */
	uint64_t entry;		/* where to start, if have_entry */
	int have_entry;		/* --entry: else the ELF header's entry,
				 * or a flat binary's load_addr */
	uint64_t reserved_lo;	/* vmm's own structures: no segment may */
	uint64_t reserved_hi;	/* overlap [reserved_lo, reserved_hi) */
};

struct load_info {
	enum guest_kind kind;
	uint64_t entry;		/* where the vCPU starts */
	uint64_t lo, hi;	/* lowest and highest+1 GPA written */
	unsigned nsegs;		/* PT_LOAD segments loaded */
	char expect[256];	/* the guest's ".vmm.expect" section, if any */
	bool has_expect;	/* it has one (perhaps empty) */
};

/* vmm's ELF note: a guest declares the mode it is written for. */
#define LOADER_NOTE_NAME "vmm"
#define LOADER_NOTE_MODE 1	/* descriptor: a mode name, as --mode= */

/* What an image says about itself, before anything is loaded. */
struct loader_facts {
	enum guest_kind kind;
	uint64_t entry;		/* ELF: the header's entry point */
	char mode[16];		/* ELF: the mode its "vmm" note names, or "" */
	bool text;		/* flat: it reads as text, not machine code */
};

/* Look at an image without loading it (for choosing the mode). Returns
 * 0, or -1 with a message in err if it is no guest at all. */
int loader_facts(const uint8_t *image, size_t size, struct loader_facts *f,
		 char *err, size_t errlen);

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
