/* image.c - read the guest file, or hand out a built-in guest.
 *
 * The file is untrusted and so is its kind: vmm runs whatever path the
 * user gives, and open() on a FIFO blocks until a writer appears (POSIX
 * open(), O_NONBLOCK). So the path is stat()ed first and only a regular
 * file is opened, with O_NONBLOCK in case it was swapped for a FIFO in
 * between; the opened file is checked again with fstat().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "loader.h"
#include "machine.h"
#include "util.h"

/* src/embedded.S: the bytes, and sizes the assembler works out. */
extern const uint8_t guest_hello64[], guest_hello32[], guest_hello16[];
extern const uint64_t guest_hello64_size, guest_hello32_size, guest_hello16_size;

void image_embedded(enum cpu_mode mode, struct image *im)
{
	switch (mode) {
	case CPU_MODE_REAL:
		*im = (struct image){ "hello16.elf (built in)", NULL,
			guest_hello16, guest_hello16_size };
		break;
	case CPU_MODE_LONG:
		*im = (struct image){ "hello64.elf (built in)", NULL,
			guest_hello64, guest_hello64_size };
		break;
	default:
		*im = (struct image){ "hello32.elf (built in)", NULL,
			guest_hello32, guest_hello32_size };
		break;
	}
}

/* What a path that is not a regular file is, for the refusal. */
static const char *kind_name(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a named pipe (FIFO)";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "not a regular file";
}

static int refuse_kind(const char *path, mode_t mode)
{
	pr_err("%s: is %s, not a guest file: vmm reads only regular files (an ELF file or a flat binary)",
	       path, kind_name(mode));
	return -1;
}

static int read_all(int fd, const char *path, uint8_t *buf, size_t size)
{
	size_t done = 0;
	ssize_t n;

	while (done < size) {
		n = read(fd, buf + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pr_err("%s: %s", path, n < 0 ? strerror(errno) :
			       "file shrank while reading");
			return -1;
		}
		done += n;
	}
	return 0;
}

int image_read(const char *path, struct image *im)
{
	struct stat st, fst;
	int fd;

	memset(im, 0, sizeof(*im));
	im->name = path;
	if (stat(path, &st) < 0) {
		pr_err("%s: %m", path);
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return refuse_kind(path, st.st_mode);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		pr_err("%s: %m", path);
		return -1;
	}
	if (fstat(fd, &fst) < 0) {
		pr_err("%s: fstat: %m", path);
		goto fail;
	}
	if (!S_ISREG(fst.st_mode)) {	/* replaced since the stat() */
		refuse_kind(path, fst.st_mode);
		goto fail;
	}
	if ((uint64_t)fst.st_size > IMAGE_FILE_MAX) {
		pr_err("%s: %lld bytes is too big for a guest file (at most %u MiB)",
		       path, (long long)fst.st_size, IMAGE_FILE_MAX >> 20);
		goto fail;
	}
	im->owned = malloc(fst.st_size ? fst.st_size : 1);
	if (!im->owned) {
		pr_err("%s: out of memory for %lld bytes", path, (long long)fst.st_size);
		goto fail;
	}
	if (read_all(fd, path, im->owned, fst.st_size) < 0)
		goto fail;
	close(fd);
	im->data = im->owned;
	im->size = fst.st_size;
	return 0;
fail:
	image_free(im);
	close(fd);
	return -1;
}

void image_free(struct image *im)
{
	free(im->owned);
	im->owned = NULL;
	im->data = NULL;
	im->size = 0;
}

/* The file and the mode disagree: say so before the guest runs, since
 * the crash that follows (KVM_EXIT_MMIO, a triple fault) never says why. */
static void check_mode(const char *name, const struct loader_facts *f,
		       const enum cpu_mode *declared, enum cpu_mode mode)
{
	const struct mode_info *mi = mode_info(mode);

	if (declared) {
		if (mode_info(*declared)->word != mi->word)
			pr_warn("%s declares it is written for %s mode (its vmm note) but runs in %s mode: its code will not run as written; leave out the mode option",
				name, mode_info(*declared)->name, mi->name);
		return;
	}
	if (f->kind == GUEST_ELF64 && mi->word != 8)
		pr_warn("%s is a 64-bit ELF file but runs in %s mode, where 64-bit code does not run as written; use -l",
			name, mi->name);
	else if (f->kind == GUEST_ELF32 && mi->word == 8)
		pr_warn("%s is a 32-bit ELF file but runs in long mode, where its code decodes as 64-bit; use -s (or -r for 16-bit code)",
			name);
	else if (f->kind == GUEST_ELF32 && mi->word == 4 && f->entry < 0x10000)
		pr_warn("%s: its entry point 0x%llx is below 64 KiB, where real-mode code starts: if it is 16-bit code, run it with -r",
			name, (unsigned long long)f->entry);
}

int image_choose_mode(const struct image *im, const struct vmm_options *o,
		      enum cpu_mode *mode)
{
	struct loader_facts f;
	enum cpu_mode declared;
	bool have_decl = false;
	const char *why;
	char err[256];

	if (loader_facts(im->data, im->size, &f, err, sizeof(err)) < 0) {
		pr_err("%s: %s", im->name, err);
		return -1;
	}
	if (f.mode[0] && !(have_decl = mode_from_name(f.mode, &declared)))
		pr_warn("%s: its vmm note names the mode '%s', which vmm does not know (real, protected, paged, pae, long); ignoring it",
			im->name, f.mode);
	if (o->mode_given) {
		*mode = o->mode;
		why = "as asked";
	} else if (have_decl) {
		*mode = declared;
		why = "as the guest's vmm note declares";
	} else {
		*mode = f.kind == GUEST_ELF32 ? CPU_MODE_PROT : CPU_MODE_LONG;
		why = f.kind == GUEST_ELF32 ? "a 32-bit ELF file" :
		      f.kind == GUEST_ELF64 ? "a 64-bit ELF file" : "a flat binary";
	}
	pr_strategy("mode", "%s: %s (%s)", mode_info(*mode)->name,
		    mode_info(*mode)->desc, why);
	if (f.kind == GUEST_FLAT)
		pr_warn("%s: not an ELF file: loading it as a flat binary at 0x%llx%s",
			im->name, (unsigned long long)o->load_addr,
			f.text ? " (it reads as text, not x86 code)" : "");
	else
		check_mode(im->name, &f, have_decl ? &declared : NULL, *mode);
	return 0;
}
