/* fuzz_target.c - random packets against the real target: gdb_target's
 * ops on a real KVM VM (memory through the guest's page tables,
 * registers, breakpoints, watchpoints with page protection, continue and
 * step), not the fake target of fuzz_dispatch.c.
 *
 * The input is split at '\n' into packet bodies, each framed as gdb
 * would. After each packet a resume gdb asked for is run here, on this
 * thread (the vCPU's): debug_resume() as session.c does, with a time
 * limit, and its stop handed to the stub. Between inputs the guest's RAM,
 * registers and the debug state are put back, so each input starts from
 * the same VM. Every byte the stub writes must be well framed; vmm must
 * never touch memory outside guest RAM (ASan) nor crash.
 *
 * Needs /dev/kvm: without it the harness says so and exits 77.
 */
#include <linux/kvm.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include "bus.h"
#include "console.h"
#include "debug.h"
#include "fake_target.h"
#include "gdb_target.h"
#include "gdbstub.h"
#include "modes.h"
#include "vcpu.h"
#include "vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define RAM	(2ULL << 20)
#define CODE	0x100000ULL

/* A guest that reads, writes and prints: a loop over a data page next
 * to its code, stores to a page of its own, port 0xE9, then HLT. */
static const uint8_t guest[] = {
	0xb9, 0x20, 0x00, 0x00, 0x00,		/* mov $32, %ecx */
	0x48, 0x8b, 0x05, 0x39, 0x00, 0x00, 0x00, /* 1: mov 0x39(%rip),%rax */
	0x48, 0xff, 0xc0,			/* inc %rax */
	0x48, 0x89, 0x05, 0x30, 0x00, 0x00, 0x00, /* mov %rax,0x30(%rip) */
	0x48, 0x89, 0x04, 0x25, 0x00, 0x10, 0x10, 0x00, /* mov %rax,0x101000 */
	0xb0, 0x2e,				/* mov $'.', %al */
	0xe6, 0xe9,				/* out %al, $0xe9 */
	0xe2, 0xe1,				/* loop 1b */
	0xb0, 0x0a, 0xe6, 0xe9,			/* '\n' */
	0xf4,					/* hlt */
	0xeb, 0xfd,				/* jmp hlt */
};

static struct vm vm;
static struct vcpu vcpu;
static struct bus pio, mmio;
static struct console con;
static struct gdb_target *tgt;
static struct fake_stream wire;
static char buf[65536];
static uint8_t framed[2 * 65536 + 8];
static uint8_t *ram0;
static struct kvm_regs regs0;
static struct kvm_sregs sregs0;
static bool have_kvm;

static int check_write(void *ctx, const void *p, size_t len)
{
	(void)ctx;
	if (!fake_stream_check(&wire, p, len))
		abort();
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (vm_create(&vm, RAM) < 0) {
		fprintf(stderr, "fuzz_target: no KVM here: every input is skipped\n");
		return 0;
	}
	bus_init(&pio, BUS_PIO);
	bus_init(&mmio, BUS_MMIO);
	console_init(&con, -1);
	if (vcpu_create(&vm, &pio, &mmio, &vcpu) < 0 ||
	    bus_register(&pio, 0xe9, 0xe9, console_pio, &con) < 0 ||
	    vcpu_signals_install(&vcpu) < 0)
		abort();
	memcpy(vm.ram + CODE, guest, sizeof(guest));
	if (mode_setup(&vm, vcpu.fd, CPU_MODE_LONG, CODE) < 0 ||
	    ioctl(vcpu.fd, KVM_GET_REGS, &regs0) < 0 ||
	    ioctl(vcpu.fd, KVM_GET_SREGS, &sregs0) < 0)
		abort();
	ram0 = malloc(RAM);
	tgt = calloc(1, sizeof(*tgt));
	if (!ram0 || !tgt || gdb_target_init(tgt, &vm, &vcpu, &con) < 0)
		abort();
	memcpy(ram0, vm.ram, RAM);
	have_kvm = true;
	return 0;
}

/* The guest from the start, nothing armed, RAM plain. */
static void reset_vm(void)
{
	debug_clear(&tgt->dbg);
	if (debug_disable(&tgt->dbg) < 0)
		abort();
	memcpy(vm.ram, ram0, RAM);
	if (ioctl(vcpu.fd, KVM_SET_SREGS, &sregs0) < 0 ||
	    ioctl(vcpu.fd, KVM_SET_REGS, &regs0) < 0)
		abort();
	tgt->ncatch = 0;
	tgt->have_regs = false;
	tgt->req = GDB_REQ_NONE;
	tgt->stopped = true;
	tgt->attached = true;
	tgt->final_sent = false;
}

/* Run what gdb asked for, as session.c would, at most 50 ms. */
static void run_request(struct gdbstub *stub)
{
	struct itimerval it = { .it_value = { 0, 50000 } };
	struct stop stop = { 0 };
	enum gdb_req req = tgt->req;

	if (req != GDB_REQ_CONT && req != GDB_REQ_STEP)
		return;
	tgt->stopped = false;
	setitimer(ITIMER_REAL, &it, NULL);
	debug_resume(&tgt->dbg, req == GDB_REQ_STEP, &stop);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	vcpu_signal = 0;
	vcpu.run->immediate_exit = 0;
	if (stop.reason == STOP_KICK)
		stop.reason = STOP_INTERRUPT;
	if (stop.reason == STOP_HALT || stop.reason == STOP_CRASH)
		stop.note[0] = '\0';
	gdb_target_stop(tgt, &stop);
	gdb_target_deliver(tgt, stub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gdbstub_config cfg = {
		.ops = &gdb_target_ops, .write = check_write,
		.buf = buf, .buf_len = sizeof(buf),
		.layout = &gdb_x86_64_layout,
	};
	struct gdbstub *stub;
	size_t start = 0, i;

	if (!have_kvm || size > 16384)
		return 0;
	cfg.ctx = tgt;
	reset_vm();
	memset(&wire, 0, sizeof(wire));
	stub = gdbstub_create(&cfg);
	if (!stub)
		abort();
	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		if (gdbstub_feed(stub, framed, fake_stream_frame(framed, data + start, i - start))
		    != GDBSTUB_OK)
			break;
		run_request(stub);
		start = i + 1;
	}
	gdbstub_destroy(stub);
	return 0;
}
