/* image.h - the guest file's bytes: read from disk, or one of the hello
 * guests built into vmm. */
#ifndef VMM_IMAGE_H
#define VMM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "modes.h"

#define IMAGE_FILE_MAX (256u << 20)	/* ELF files carry debug info */

struct image {
	const char *name;	/* for messages */
	uint8_t *owned;		/* malloc()ed file contents, or NULL */
	const uint8_t *data;
	size_t size;
};

/* The built-in hello guest for mode (hello16, hello32 or hello64.elf). */
void image_embedded(enum cpu_mode mode, struct image *im);

/* Read a regular file whole. A directory, FIFO, device or socket is
 * refused at once, naming what it is, and nothing ever blocks: a FIFO
 * with no writer would otherwise hold vmm in open() forever. -1 with the
 * message printed. */
int image_read(const char *path, struct image *im);

void image_free(struct image *im);

struct vmm_options;

/* The mode for a guest file: the one asked for (-l -s -p -r --mode), else
 * the one it declares in a "vmm" ELF note (loader.h), else what its ELF
 * class implies (32-bit: protected; 64-bit or flat: long). Warns when the
 * file disagrees with the mode (class, entry point, note) and when it is
 * not ELF at all. -1 with a message if it is no guest file. */
int image_choose_mode(const struct image *im, const struct vmm_options *o,
		      enum cpu_mode *mode);

#endif
