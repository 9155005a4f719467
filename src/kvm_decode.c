/* kvm_decode.c - KVM ioctls and exits in words, for the trace.
 *
 * A request number is four fields (include/uapi/asm-generic/ioctl.h):
 * direction in bits 31-30 (_IOW: userspace writes the struct for the
 * kernel to read; _IOR: the kernel writes it; _IOWR both), the size of
 * the struct in bits 29-16, the type (0xae, KVMIO, for every KVM request)
 * in bits 15-8 and the number in bits 7-0. The structs and their fields
 * are the KVM API's (Documentation/virt/kvm/api.rst, section 4).
 */
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kvm.h"
#include "vcpu.h"
#include "x86_bits.h"

#ifndef KVM_GUESTDBG_BLOCKIRQ
#define KVM_GUESTDBG_BLOCKIRQ	0x00100000
#endif

void kvm_line_put(struct kvm_line *l, const char *fmt, ...)
{
	size_t room = l->n < sizeof(l->buf) ? sizeof(l->buf) - l->n : 0;
	va_list ap;
	int k;

	if (!room)
		return;
	va_start(ap, fmt);
	k = vsnprintf(l->buf + l->n, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->n += (size_t)k < room ? (size_t)k : room - 1;
}

/* ---- the arguments that matter, struct by struct ------------------------ */

typedef void decode_fn(struct kvm_line *l, const void *arg, uint32_t in_count);

static void put_bits(struct kvm_line *l, const char *name, uint64_t v,
		     enum x86_bits_reg which)
{
	char names[200];

	x86_bits_format(which, v, names, sizeof(names));
	kvm_line_put(l, "%s=0x%llx", name, (unsigned long long)v);
	if (names[0])
		kvm_line_put(l, " [%s]", names + 1);
}

static void put_seg(struct kvm_line *l, const char *name,
		    const struct kvm_segment *s)
{
	kvm_line_put(l, ", %s={selector=0x%x, base=0x%llx, limit=0x%x, L=%u, D=%u, DPL=%u}",
		     name, s->selector, (unsigned long long)s->base, s->limit,
		     s->l, s->db, s->dpl);
}

static void dec_sregs(struct kvm_line *l, const void *arg, uint32_t in_count)
{
	const struct kvm_sregs *s = arg;

	kvm_line_put(l, "{");
	put_bits(l, "cr0", s->cr0, X86_BITS_CR0);
	kvm_line_put(l, ", cr3=0x%llx, ", (unsigned long long)s->cr3);
	put_bits(l, "cr4", s->cr4, X86_BITS_CR4);
	kvm_line_put(l, ", ");
	put_bits(l, "efer", s->efer, X86_BITS_EFER);
	put_seg(l, "cs", &s->cs);
	put_seg(l, "ds", &s->ds);
	put_seg(l, "ss", &s->ss);
	kvm_line_put(l, "}");
}

static void dec_regs(struct kvm_line *l, const void *arg, uint32_t in_count)
{
	const struct kvm_regs *r = arg;

	kvm_line_put(l, "{rip=0x%llx, rsp=0x%llx, rflags=0x%llx, rax=0x%llx}",
		     r->rip, r->rsp, r->rflags, r->rax);
}

static void dec_fpu(struct kvm_line *l, const void *arg, uint32_t in_count)
{
	const struct kvm_fpu *f = arg;

	kvm_line_put(l, "{fcw=0x%x, fsw=0x%x, mxcsr=0x%x}", f->fcw, f->fsw,
		     f->mxcsr);
}

static void dec_region(struct kvm_line *l, const void *arg, uint32_t in_count)
{
	const struct kvm_userspace_memory_region *m = arg;

	kvm_line_put(l, "{slot=%u, flags=0x%x%s, guest_phys_addr=0x%llx, memory_size=0x%llx",
		     m->slot, m->flags, m->flags & KVM_MEM_READONLY ? " [READONLY]" : "",
		     (unsigned long long)m->guest_phys_addr,
		     (unsigned long long)m->memory_size);
	if (m->memory_size && m->memory_size % (1 << 20) == 0)
		kvm_line_put(l, " (%llu MiB)", (unsigned long long)(m->memory_size >> 20));
	else if (m->memory_size && m->memory_size % 1024 == 0)
		kvm_line_put(l, " (%llu KiB)", (unsigned long long)(m->memory_size >> 10));
	else if (!m->memory_size)
		kvm_line_put(l, " (deletes the slot)");
	kvm_line_put(l, ", userspace_addr=0x%llx}", (unsigned long long)m->userspace_addr);
}

static void dec_cpuid(struct kvm_line *l, const void *arg, uint32_t in_count)
{
	const struct kvm_cpuid2 *c = arg;

	if (in_count != c->nent)
		kvm_line_put(l, "{nent=%u -> %u entries}", in_count, c->nent);
	else
		kvm_line_put(l, "{nent=%u entries}", c->nent);
}

static void dec_debug(struct kvm_line *l, const void *arg, uint32_t in_count)
{
	static const struct { uint32_t bit; const char *name; } bits[] = {
		{ KVM_GUESTDBG_ENABLE, "ENABLE" },
		{ KVM_GUESTDBG_SINGLESTEP, "SINGLESTEP" },
		{ KVM_GUESTDBG_USE_SW_BP, "USE_SW_BP" },
		{ KVM_GUESTDBG_USE_HW_BP, "USE_HW_BP" },
		{ KVM_GUESTDBG_INJECT_DB, "INJECT_DB" },
		{ KVM_GUESTDBG_INJECT_BP, "INJECT_BP" },
		{ KVM_GUESTDBG_BLOCKIRQ, "BLOCKIRQ" },
	};
	const struct kvm_guest_debug *g = arg;
	const char *sep = "";
	size_t i;

	kvm_line_put(l, "{control=0x%x [", g->control);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (g->control & bits[i].bit) {
			kvm_line_put(l, "%s%s", sep, bits[i].name);
			sep = " ";
		}
	}
	kvm_line_put(l, "]");
	if (g->control & KVM_GUESTDBG_USE_HW_BP)
		kvm_line_put(l, ", dr0=0x%llx, dr1=0x%llx, dr2=0x%llx, dr3=0x%llx, dr7=0x%llx",
			     g->arch.debugreg[0], g->arch.debugreg[1],
			     g->arch.debugreg[2], g->arch.debugreg[3],
			     g->arch.debugreg[7]);
	kvm_line_put(l, "}");
}

static void dec_translate(struct kvm_line *l, const void *arg, uint32_t in_count)
{
	const struct kvm_translation *t = arg;

	kvm_line_put(l, "{linear_address=0x%llx -> physical_address=0x%llx, valid=%u}",
		     t->linear_address, t->physical_address, t->valid);
}

static void dec_debugregs(struct kvm_line *l, const void *arg, uint32_t in_count)
{
	const struct kvm_debugregs *d = arg;

	kvm_line_put(l, "{dr0=0x%llx, dr1=0x%llx, dr2=0x%llx, dr3=0x%llx, dr6=0x%llx, dr7=0x%llx}",
		     d->db[0], d->db[1], d->db[2], d->db[3], d->dr6, d->dr7);
}

static void dec_zone(struct kvm_line *l, const void *arg, uint32_t in_count)
{
	const struct kvm_coalesced_mmio_zone *z = arg;

	kvm_line_put(l, "{addr=0x%llx, size=%u, pio=%u}", z->addr, z->size, z->pio);
}

static const struct { int cap; const char *name; } caps[] = {
	{ KVM_CAP_SET_GUEST_DEBUG, "KVM_CAP_SET_GUEST_DEBUG" },
	{ KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_COALESCED_MMIO, "KVM_CAP_COALESCED_MMIO" },
	{ KVM_CAP_COALESCED_PIO, "KVM_CAP_COALESCED_PIO" },
	{ KVM_CAP_NR_MEMSLOTS, "KVM_CAP_NR_MEMSLOTS" },
	{ KVM_CAP_DEBUGREGS, "KVM_CAP_DEBUGREGS" },
};

/* ---- the requests vmm makes (and a few it may) ---------------------------- */

enum fd_kind { FD_SYSTEM, FD_VM, FD_VCPU };

/* An argument that is not a pointer: what the integer is. */
enum int_arg { INT_ZERO, INT_TYPE, INT_ID, INT_ADDR, INT_CAP };

static const struct kvm_request {
	unsigned long req;
	const char *name;
	enum fd_kind fd;
	decode_fn *decode;	/* NULL: an integer argument, int_arg says */
	enum int_arg arg;
	const char *result;	/* what a non-negative result means, or NULL */
} requests[] = {
	{ KVM_GET_API_VERSION, "KVM_GET_API_VERSION", FD_SYSTEM, NULL, INT_ZERO, "the API version; 12 is the stable one" },
	{ KVM_CREATE_VM, "KVM_CREATE_VM", FD_SYSTEM, NULL, INT_TYPE, "the VM's fd" },
	{ KVM_CHECK_EXTENSION, "KVM_CHECK_EXTENSION", FD_SYSTEM, NULL, INT_CAP, NULL },
	{ KVM_GET_VCPU_MMAP_SIZE, "KVM_GET_VCPU_MMAP_SIZE", FD_SYSTEM, NULL, INT_ZERO, "bytes of the kvm_run area to mmap from a vCPU fd" },
	{ KVM_GET_SUPPORTED_CPUID, "KVM_GET_SUPPORTED_CPUID", FD_SYSTEM, dec_cpuid, 0, NULL },
	{ KVM_SET_TSS_ADDR, "KVM_SET_TSS_ADDR", FD_VM, NULL, INT_ADDR, NULL },
	{ KVM_SET_USER_MEMORY_REGION, "KVM_SET_USER_MEMORY_REGION", FD_VM, dec_region, 0, NULL },
	{ KVM_CREATE_VCPU, "KVM_CREATE_VCPU", FD_VM, NULL, INT_ID, "the vCPU's fd" },
	{ KVM_REGISTER_COALESCED_MMIO, "KVM_REGISTER_COALESCED_MMIO", FD_VM, dec_zone, 0, NULL },
	{ KVM_UNREGISTER_COALESCED_MMIO, "KVM_UNREGISTER_COALESCED_MMIO", FD_VM, dec_zone, 0, NULL },
	{ KVM_RUN, "KVM_RUN", FD_VCPU, NULL, INT_ZERO, NULL },
	{ KVM_GET_REGS, "KVM_GET_REGS", FD_VCPU, dec_regs, 0, NULL },
	{ KVM_SET_REGS, "KVM_SET_REGS", FD_VCPU, dec_regs, 0, NULL },
	{ KVM_GET_SREGS, "KVM_GET_SREGS", FD_VCPU, dec_sregs, 0, NULL },
	{ KVM_SET_SREGS, "KVM_SET_SREGS", FD_VCPU, dec_sregs, 0, NULL },
	{ KVM_GET_FPU, "KVM_GET_FPU", FD_VCPU, dec_fpu, 0, NULL },
	{ KVM_SET_FPU, "KVM_SET_FPU", FD_VCPU, dec_fpu, 0, NULL },
	{ KVM_SET_CPUID2, "KVM_SET_CPUID2", FD_VCPU, dec_cpuid, 0, NULL },
	{ KVM_SET_GUEST_DEBUG, "KVM_SET_GUEST_DEBUG", FD_VCPU, dec_debug, 0, NULL },
	{ KVM_TRANSLATE, "KVM_TRANSLATE", FD_VCPU, dec_translate, 0, NULL },
	{ KVM_GET_DEBUGREGS, "KVM_GET_DEBUGREGS", FD_VCPU, dec_debugregs, 0, NULL },
	{ KVM_SET_DEBUGREGS, "KVM_SET_DEBUGREGS", FD_VCPU, dec_debugregs, 0, NULL },
};

static const struct kvm_request *find_request(unsigned long req)
{
	size_t i;

	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (requests[i].req == req)
			return &requests[i];
	return NULL;
}

const char *kvm_request_name(unsigned long request)
{
	const struct kvm_request *r = find_request(request);

	return r ? r->name : NULL;
}

/* "_IOW(0xae, 0x46, 32)": the request number's fields. */
static void put_encoding(struct kvm_line *l, unsigned long req)
{
	static const char *const dirs[] = { "_IO", "_IOW", "_IOR", "_IOWR" };
	unsigned dir = _IOC_DIR(req);

	kvm_line_put(l, "0x%lx %s(0x%x, 0x%02x", req,
		     dir < 4 ? dirs[dir] : "_IOC", (unsigned)_IOC_TYPE(req),
		     (unsigned)_IOC_NR(req));
	if (dir != _IOC_NONE)
		kvm_line_put(l, ", %u", (unsigned)_IOC_SIZE(req));
	kvm_line_put(l, ")");
}

static void put_int_arg(struct kvm_line *l, const struct kvm_request *r,
			const void *arg)
{
	unsigned long v = (unsigned long)arg;
	size_t i;

	switch (r->arg) {
	case INT_ADDR:
		kvm_line_put(l, "0x%lx", v);
		return;
	case INT_CAP:
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
			if ((unsigned long)caps[i].cap == v) {
				kvm_line_put(l, "%s", caps[i].name);
				return;
			}
		}
		/* fall through */
	default:
		kvm_line_put(l, "%lu", v);
	}
}

void kvm_decode_call(struct kvm_line *l, int fd, unsigned long request,
		     const void *arg, uint32_t in_count)
{
	static const char *const kinds[] = { "/dev/kvm", "VM", "vCPU" };
	const struct kvm_request *r = find_request(request);

	kvm_line_put(l, "ioctl(%d %s, %s = ", fd, r ? kinds[r->fd] : "?",
		     r ? r->name : "an unknown request");
	put_encoding(l, request);
	kvm_line_put(l, ", ");
	if (r && !r->decode)
		put_int_arg(l, r, arg);
	else if (r && arg)
		r->decode(l, arg, in_count);
	else
		kvm_line_put(l, "%p", arg);
	kvm_line_put(l, ")");
}

void kvm_decode_result(struct kvm_line *l, unsigned long request, int r,
		       int err)
{
	const struct kvm_request *q = find_request(request);

	if (r < 0) {
		kvm_line_put(l, " = -1 %s (%s)", strerrorname_np(err) ?
			     strerrorname_np(err) : "E?", strerror(err));
		return;
	}
	kvm_line_put(l, " = %d", r);
	if (q && q->result)
		kvm_line_put(l, " (%s)", q->result);
	else if (q && q->req == KVM_CHECK_EXTENSION)
		kvm_line_put(l, " (%s)", r ? "supported" : "not supported");
}

/* ---- what kvm_run says after KVM_RUN (api.rst 5, "The kvm_run structure") */

/* Up to 16 bytes in hex, and the characters if it is one printable byte. */
static void put_bytes(struct kvm_line *l, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 16; i++)
		kvm_line_put(l, "%s%02x", i ? " " : "", p[i]);
	if (n > 16)
		kvm_line_put(l, " ... (%zu bytes)", n);
	if (n == 1 && p[0] >= 0x20 && p[0] < 0x7f)
		kvm_line_put(l, " '%c'", p[0]);
	else if (n == 1 && p[0] == '\n')
		kvm_line_put(l, " '\\n'");
}

static void exit_io(struct kvm_line *l, const struct kvm_run *run)
{
	bool out = run->io.direction == KVM_EXIT_IO_OUT;

	kvm_line_put(l, " {direction=%s, size=%u, port=0x%x, count=%u, data_offset=0x%llx",
		     out ? "out" : "in", run->io.size, run->io.port,
		     run->io.count, (unsigned long long)run->io.data_offset);
	if (out) {
		kvm_line_put(l, ", data=");
		put_bytes(l, (const uint8_t *)run + run->io.data_offset,
			  (size_t)run->io.size * run->io.count);
	}
	kvm_line_put(l, "}");
}

static void exit_mmio(struct kvm_line *l, const struct kvm_run *run)
{
	kvm_line_put(l, " {phys_addr=0x%llx, len=%u, is_write=%u",
		     (unsigned long long)run->mmio.phys_addr, run->mmio.len,
		     run->mmio.is_write);
	if (run->mmio.is_write) {
		kvm_line_put(l, ", data=");
		put_bytes(l, run->mmio.data, run->mmio.len <= 8 ? run->mmio.len : 8);
	}
	kvm_line_put(l, "}");
}

static void exit_debug(struct kvm_line *l, const struct kvm_run *run)
{
	static const char *const vectors[] = { [1] = " (#DB)", [3] = " (#BP)" };
	uint32_t ex = run->debug.arch.exception;

	kvm_line_put(l, " {exception=%u%s, pc=0x%llx, dr6=0x%llx, dr7=0x%llx}", ex,
		     ex < 4 && vectors[ex] ? vectors[ex] : "",
		     (unsigned long long)run->debug.arch.pc,
		     (unsigned long long)run->debug.arch.dr6,
		     (unsigned long long)run->debug.arch.dr7);
}

static void exit_internal(struct kvm_line *l, const struct kvm_run *run)
{
	static const char *const sub[] = {
		[KVM_INTERNAL_ERROR_EMULATION] = "EMULATION",
		[KVM_INTERNAL_ERROR_SIMUL_EX] = "SIMUL_EX",
		[KVM_INTERNAL_ERROR_DELIVERY_EV] = "DELIVERY_EV",
		[KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON] = "UNEXPECTED_EXIT_REASON",
	};
	uint32_t s = run->internal.suberror;

	kvm_line_put(l, " {suberror=%u%s%s, ndata=%u}", s,
		     s < 5 && sub[s] ? " KVM_INTERNAL_ERROR_" : "",
		     s < 5 && sub[s] ? sub[s] : "", run->internal.ndata);
}

static void exit_fail_entry(struct kvm_line *l, const struct kvm_run *run)
{
	kvm_line_put(l, " {hardware_entry_failure_reason=0x%llx}",
		     (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
}

static void exit_plain(struct kvm_line *l, const struct kvm_run *run)
{
	(void)l;
	(void)run;	/* HLT, SHUTDOWN, INTR: the name says it all */
}

/* What each exit's kvm_run fields say; a table, so that vcpu.c's run
 * loop keeps the one switch on exit_reason. */
static void (*const exit_decoders[])(struct kvm_line *, const struct kvm_run *) = {
	[KVM_EXIT_IO] = exit_io,
	[KVM_EXIT_MMIO] = exit_mmio,
	[KVM_EXIT_DEBUG] = exit_debug,
	[KVM_EXIT_INTERNAL_ERROR] = exit_internal,
	[KVM_EXIT_FAIL_ENTRY] = exit_fail_entry,
	[KVM_EXIT_HLT] = exit_plain,
	[KVM_EXIT_SHUTDOWN] = exit_plain,
	[KVM_EXIT_INTR] = exit_plain,
};

void kvm_decode_exit(struct kvm_line *l, const struct kvm_run *run)
{
	uint32_t r = run->exit_reason;
	size_t n = sizeof(exit_decoders) / sizeof(exit_decoders[0]);

	kvm_line_put(l, " -> %s", vcpu_exit_name(r));
	if (r < n && exit_decoders[r])
		exit_decoders[r](l, run);
	else
		kvm_line_put(l, " (exit reason %u)", r);
}
