/* ceiling.c - the ceiling for bench/gdb.sh: libgdbstub serving a target
 * that costs nothing, on the same kind of socket vmm uses, so the same
 * gdb script run against both says how much of each figure is vmm's and
 * how much is gdb's own.
 *
 *   ceiling unix:PATH GUEST.elf
 *
 * The target is 2 MiB of RAM at address 0 holding the guest's segments,
 * the x86-64 registers in an array, and an interpreter for the handful of
 * instructions bench/gdb_loop.S is made of (call, ret, jmp, inc, xor),
 * so gdb steps and continues through real code, calls and a real stack.
 * Single-threaded, no KVM: a stop is reported as soon as it happens. The
 * stub is configured as vmm's is (256 KiB buffer, run-length encoding).
 * Any other opcode stops the target with SIGILL.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gdbstub.h"

#define RAM_SIZE	(2u << 20)
#define STACK_TOP	0x1fc000	/* where vmm puts rsp in long mode */
#define MAX_BPS		64
#define BATCH		4096		/* instructions between polls */

enum run { STOPPED, RUNNING, STEPPING };

struct target {
	uint8_t ram[RAM_SIZE];
	uint64_t regs[GDB_X86_NR_REGS][2];
	uint64_t bps[MAX_BPS];
	bool hw[MAX_BPS];		/* Z1: reported as hwbreak */
	unsigned nbps;
	enum run run;
	bool interrupted;
	bool quit;
};

static int read_reg(void *ctx, unsigned int id, void *buf, size_t len)
{
	struct target *t = ctx;

	if (id >= GDB_X86_NR_REGS || len > sizeof(t->regs[id]))
		return -EINVAL;
	memcpy(buf, t->regs[id], len);
	return 0;
}

static int write_reg(void *ctx, unsigned int id, const void *buf, size_t len)
{
	struct target *t = ctx;

	if (id >= GDB_X86_NR_REGS || len > sizeof(t->regs[id]))
		return -EINVAL;
	memset(t->regs[id], 0, sizeof(t->regs[id]));
	memcpy(t->regs[id], buf, len);
	return 0;
}

static ssize_t span(uint64_t addr, size_t len)
{
	if (addr >= RAM_SIZE)
		return -EFAULT;
	return len > RAM_SIZE - addr ? RAM_SIZE - addr : len;
}

static ssize_t read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct target *t = ctx;
	ssize_t n = span(addr, len);

	if (n > 0)
		memcpy(buf, t->ram + addr, n);
	return n;
}

static ssize_t write_mem(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct target *t = ctx;
	ssize_t n = span(addr, len);

	if (n > 0)
		memcpy(t->ram + addr, buf, n);
	return n == (ssize_t)len ? n : -EFAULT;
}

static int cont(void *ctx, int signo)
{
	((struct target *)ctx)->run = RUNNING;
	return 0;
}

static int step(void *ctx, int signo)
{
	((struct target *)ctx)->run = STEPPING;
	return 0;
}

static int interrupt(void *ctx)
{
	((struct target *)ctx)->interrupted = true;
	return 0;
}

static int set_break(void *ctx, enum gdbstub_bp_type type, uint64_t addr,
		     unsigned int kind)
{
	struct target *t = ctx;

	if (type > GDBSTUB_BP_HW)
		return -EOPNOTSUPP;
	if (t->nbps == MAX_BPS)
		return -ENOSPC;
	t->hw[t->nbps] = type == GDBSTUB_BP_HW;
	t->bps[t->nbps++] = addr;
	return 0;
}

static int remove_break(void *ctx, enum gdbstub_bp_type type, uint64_t addr,
			unsigned int kind)
{
	struct target *t = ctx;
	unsigned i;

	for (i = 0; i < t->nbps; i++) {
		if (t->bps[i] == addr && t->hw[i] == (type == GDBSTUB_BP_HW)) {
			t->nbps--;
			t->bps[i] = t->bps[t->nbps];
			t->hw[i] = t->hw[t->nbps];
			return 0;
		}
	}
	return -ENOENT;
}

static void detach(void *ctx)
{
	((struct target *)ctx)->quit = true;
}

static const struct gdbstub_target_ops ops = {
	.read_reg = read_reg, .write_reg = write_reg,
	.read_mem = read_mem, .write_mem = write_mem,
	.cont = cont, .step = step, .interrupt = interrupt,
	.set_break = set_break, .remove_break = remove_break,
	.break_types = GDBSTUB_BP_MASK(GDBSTUB_BP_SW) | GDBSTUB_BP_MASK(GDBSTUB_BP_HW),
	.detach = detach, .kill = detach,
};

#define RIP(t)	((t)->regs[GDB_X86_RIP][0])
#define RSP(t)	((t)->regs[GDB_X86_RSP][0])

static bool push(struct target *t, uint64_t v)
{
	if (RSP(t) < 8 || RSP(t) > RAM_SIZE)
		return false;
	RSP(t) -= 8;
	memcpy(t->ram + RSP(t), &v, 8);
	return true;
}

/* One instruction of gdb_loop.S's repertoire; false: not one of them. */
static bool exec_one(struct target *t)
{
	uint64_t ip = RIP(t);
	const uint8_t *p;
	int32_t rel;

	if (ip > RAM_SIZE - 8)
		return false;
	p = t->ram + ip;
	if (p[0] == 0xe8) {			/* call rel32 */
		memcpy(&rel, p + 1, 4);
		if (!push(t, ip + 5))
			return false;
		RIP(t) = ip + 5 + rel;
	} else if (p[0] == 0xc3) {		/* ret */
		if (RSP(t) > RAM_SIZE - 8)
			return false;
		memcpy(&RIP(t), t->ram + RSP(t), 8);
		RSP(t) += 8;
	} else if (p[0] == 0xeb) {		/* jmp rel8 */
		RIP(t) = ip + 2 + (int8_t)p[1];
	} else if (p[0] == 0x48 && p[1] == 0xff && (p[2] & 0xf8) == 0xc0) {
		static const int reg[8] = { GDB_X86_RAX, GDB_X86_RCX,
			GDB_X86_RDX, GDB_X86_RBX, GDB_X86_RSP, GDB_X86_RBP,
			GDB_X86_RSI, GDB_X86_RDI };

		t->regs[reg[p[2] & 7]][0]++;	/* inc r64 */
		RIP(t) = ip + 3;
	} else if (p[0] == 0x31 && p[1] == 0xdb) {	/* xor ebx,ebx */
		t->regs[GDB_X86_RBX][0] = 0;
		RIP(t) = ip + 2;
	} else {
		return false;
	}
	return true;
}

/* 0: no breakpoint at rip; else the stop reason. */
static enum gdbstub_stop_reason at_break(const struct target *t)
{
	unsigned i;

	for (i = 0; i < t->nbps; i++)
		if (t->bps[i] == RIP(t))
			return t->hw[i] ? GDBSTUB_STOP_HWBREAK : GDBSTUB_STOP_SWBREAK;
	return 0;
}

/* Run a batch; report a stop to the stub if there is one. */
static int poll_target(struct target *t, struct gdbstub *stub)
{
	struct gdbstub_stop stop = { .reason = GDBSTUB_STOP_STEP };
	unsigned n;

	if (t->run == STOPPED)
		return 0;
	for (n = 0; n < BATCH; n++) {
		if (t->interrupted) {
			stop.reason = GDBSTUB_STOP_INTERRUPT;
			break;
		}
		if (t->run == RUNNING && (stop.reason = at_break(t)) != 0)
			break;
		stop.reason = GDBSTUB_STOP_STEP;
		if (!exec_one(t)) {
			stop.reason = GDBSTUB_STOP_SIGNAL;
			stop.signo = 4;		/* SIGILL */
			break;
		}
		if (t->run == STEPPING)
			break;
	}
	if (n == BATCH && t->run == RUNNING)
		return 0;
	t->run = STOPPED;
	t->interrupted = false;
	return gdbstub_stopped(stub, &stop);
}

static int load_elf(struct target *t, const char *path)
{
	struct stat st;
	Elf64_Ehdr *e;
	Elf64_Phdr *ph;
	uint8_t *f;
	int fd, i;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		return -1;
	}
	f = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (f == MAP_FAILED)
		return -1;
	e = (Elf64_Ehdr *)f;
	ph = (Elf64_Phdr *)(f + e->e_phoff);
	for (i = 0; i < e->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_vaddr + ph[i].p_memsz > RAM_SIZE)
			return -1;
		memcpy(t->ram + ph[i].p_vaddr, f + ph[i].p_offset, ph[i].p_filesz);
	}
	RIP(t) = e->e_entry;
	RSP(t) = STACK_TOP;
	t->regs[GDB_X86_EFLAGS][0] = 2;
	t->regs[GDB_X86_CS][0] = 8;
	t->regs[GDB_X86_DS][0] = t->regs[GDB_X86_SS][0] = 0x10;
	t->regs[GDB_X86_CR0][0] = 0x80050033;
	t->regs[GDB_X86_CR4][0] = 0x20;
	t->regs[GDB_X86_EFER][0] = 0x500;
	t->regs[GDB_X86_MXCSR][0] = 0x1f80;
	t->regs[GDB_X86_FCTRL][0] = 0x37f;
	return 0;
}

static int sock_write(void *ctx, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(*(int *)ctx, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		perror(path);
		return -1;
	}
	return fd;
}

static void serve(struct target *t, struct gdbstub *stub, int fd)
{
	static char in[65536];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (!t->quit) {
		if (poll(&p, 1, t->run == STOPPED ? -1 : 0) > 0) {
			n = read(fd, in, sizeof(in));
			if (n <= 0 || gdbstub_feed(stub, in, n) != GDBSTUB_OK)
				break;
		}
		if (poll_target(t, stub) < 0)
			break;
	}
}

int main(int argc, char **argv)
{
	static uint8_t buf[256 << 10];	/* as vmm's gdbserver.c */
	static struct target t;
	struct gdbstub_config cfg = {
		.ops = &ops, .ctx = &t, .write = sock_write,
		.buf = buf, .buf_len = sizeof(buf),
		.layout = &gdb_x86_64_layout, .tx_rle = true,
	};
	struct gdbstub *stub;
	int lfd, fd;

	if (argc != 3 || strncmp(argv[1], "unix:", 5) != 0) {
		fprintf(stderr, "usage: ceiling unix:PATH GUEST.elf\n");
		return 2;
	}
	if (load_elf(&t, argv[2]) < 0 || (lfd = listen_unix(argv[1] + 5)) < 0)
		return 1;
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return 1;
	cfg.write_ctx = &fd;
	stub = gdbstub_create(&cfg);
	if (!stub)
		return 1;
	serve(&t, stub, fd);
	gdbstub_destroy(stub);
	unlink(argv[1] + 5);
	return 0;
}
