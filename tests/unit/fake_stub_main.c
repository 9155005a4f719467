/* fake_stub_main.c - the fake target behind libgdbstub on stdin/stdout, so
 * real gdb can drive the library:  gdb -ex 'target remote | ./fake_stub 64'
 *
 * Arguments: 64 (i386:x86-64), 32 (i386) or 16 (i8086), then optionally a
 * flat binary to load at 0x1000 (objcopy -O binary of a guest linked
 * there).  Otherwise RAM at 0x1000 holds real x86 code for the mode, so x/i
 * shows what gdb decodes; the toy CPU (fake_target.h) still steps it one
 * byte at a time.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_target.h"

static int write_all(void *ctx, const void *buf, size_t len)
{
	const char *p = buf;

	(void)ctx;
	while (len) {
		ssize_t n = write(STDOUT_FILENO, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* mov $0x1234,%ax (16-bit), mov $0x2a,%eax (32-bit), mov $0x2a,%rax */
static const uint8_t code16[] = { 0xb8, 0x34, 0x12, 0x90, 0x90 };
static const uint8_t code32[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0x90 };
static const uint8_t code64[] = { 0x48, 0xc7, 0xc0, 0x2a, 0x00, 0x00, 0x00 };

static void setup(struct fake_target *t, int bits)
{
	unsigned int i;

	if (bits == 16)
		memcpy(t->ram + 0x1000, code16, sizeof(code16));
	else if (bits == 32)
		memcpy(t->ram + 0x1000, code32, sizeof(code32));
	else
		memcpy(t->ram + 0x1000, code64, sizeof(code64));
	t->ram[0x1010] = 0x88;		/* mov [rbx],al: for watch */
	t->ram[0x1100] = 0xf4;		/* hlt: exit */
	t->ram[0x1200] = 0xeb;		/* jmp $: for ^C */
	memcpy(t->ram + 0x2000, "hello", 6);
	fake_set_reg(t, GDB_X86_RIP, 0x1000);
	fake_set_reg(t, GDB_X86_RSP, 0x8000);
	fake_set_reg(t, GDB_X86_RBP, 0x8000);
	fake_set_reg(t, GDB_X86_RAX, 0x2a);
	fake_set_reg(t, GDB_X86_RBX, 0x3000);
	fake_set_reg(t, GDB_X86_EFLAGS, 0x246);	/* IF ZF PF */
	fake_set_reg(t, GDB_X86_CS, bits == 64 ? 0x8 : bits == 32 ? 0x8 : 0);
	fake_set_reg(t, GDB_X86_MXCSR, 0x1f80);
	fake_set_reg(t, GDB_X86_FCTRL, 0x37f);
	for (i = 0; i < 16; i++)
		t->regs[GDB_X86_XMM0][i] = (uint8_t)i;
	if (bits == 64) {
		fake_set_reg(t, GDB_X86_CR0, 0x80000011);	/* PG ET PE */
		fake_set_reg(t, GDB_X86_CR4, 0x20);		/* PAE */
		fake_set_reg(t, GDB_X86_EFER, 0x500);		/* LMA LME */
		fake_set_reg(t, GDB_X86_CR3, 0x9000);
	} else if (bits == 32) {
		fake_set_reg(t, GDB_X86_CR0, 0x11);		/* ET PE */
	} else {
		fake_set_reg(t, GDB_X86_CR0, 0x10);		/* ET */
	}
}

static int load(struct fake_target *t, const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(t->ram + 0x1000, 1, FAKE_RAM_SIZE - 0x1000, f);
	fclose(f);
	return n ? 0 : -1;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	static struct fake_target t;
	int bits = argc > 1 ? atoi(argv[1]) : 64;
	const struct gdb_layout *l = bits == 16 ? &gdb_i8086_layout :
				     bits == 32 ? &gdb_i386_layout :
				     &gdb_x86_64_layout;
	struct gdbstub_config cfg = {
		.ops = &fake_target_ops, .ctx = &t, .write = write_all,
		.buf = buf, .buf_len = sizeof(buf), .layout = l,
	};
	struct gdbstub *stub;

	fake_target_init(&t, l);
	setup(&t, bits);
	if (argc > 2 && load(&t, argv[2]) < 0)
		return 1;
	stub = gdbstub_create(&cfg);
	if (!stub) {
		perror("fake_stub: gdbstub_create");
		return 1;
	}
	for (;;) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		char in[4096];
		ssize_t n;

		if (poll(&pfd, 1, t.run == FAKE_STOPPED ? -1 : 0) > 0) {
			n = read(STDIN_FILENO, in, sizeof(in));
			if (n <= 0)
				break;
			if (gdbstub_feed(stub, in, (size_t)n) != GDBSTUB_OK)
				break;
		}
		fake_target_poll(&t, stub, 1000);
	}
	gdbstub_destroy(stub);
	return 0;
}
