/* hypercall.c - the course's hypercalls: print a value, count the exits,
 * print a string the guest names by its guest-virtual address.
 *
 * Each is port I/O (guest/hypercall.h): KVM returns to vmm with
 * KVM_EXIT_IO and the bus (bus.c) calls hypercall_pio() with the
 * access; for an IN, what it writes into the access's data is what the
 * guest's IN returns when the next KVM_RUN finishes the instruction. The
 * string is read the way gdb reads guest memory: mmu_translate() through
 * the guest's page tables, then vm_gpa(), the one check that a
 * guest-physical address is guest RAM - never a host pointer from the
 * guest.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "hypercall.h"
#include "kvm.h"
#include "mmu.h"
#include "util.h"
#include "vcpu.h"
#include "vm.h"

/* The level a walk failed at, as mmu.c names it ("PDPT"), or "". */
static const char *fault_level_name(const struct mmu_walk *w)
{
	unsigned i;

	for (i = 0; i < w->nsteps && i < MMU_MAX_LEVELS; i++)
		if (w->step[i].level == w->fault_level)
			return w->step[i].name;
	return "";
}

static void walk_failed(const struct mmu_walk *w, uint64_t gva, char *why,
			size_t len)
{
	if (w->fault_level)
		snprintf(why, len, "GVA 0x%llx is not mapped: %s at level %u (%s) of the guest's page tables (%s)",
			 (unsigned long long)gva, mmu_fault_str(w->fault),
			 w->fault_level, fault_level_name(w), mmu_mode_name(w->mode));
	else
		snprintf(why, len, "GVA 0x%llx cannot be read: %s (%s)",
			 (unsigned long long)gva, mmu_fault_str(w->fault),
			 mmu_mode_name(w->mode));
}

/* One page's worth (or less) of the string at guest-physical gpa: a host
 * pointer from vm_gpa() and how many bytes of it are guest RAM. */
static const char *ram_chunk(const struct vm *vm, uint64_t gpa, size_t want,
			     size_t *got)
{
	size_t n = 4096 - (gpa & 0xfff);

	if (n > want)
		n = want;
	if (gpa < vm->ram_size && n > vm->ram_size - gpa)
		n = vm->ram_size - gpa;
	*got = n;
	return vm_gpa(vm, gpa, n);
}

bool hypercall_read_string(struct vcpu *vcpu, uint64_t gva, char *buf,
			   size_t len, char *why, size_t whylen)
{
	struct kvm_sregs s;
	struct mmu_paging pg;
	struct mmu_walk w;
	const char *p, *nul;
	unsigned acc = MMU_ACC_READ;
	size_t n = 0, got;

	if (kvm_ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		snprintf(why, whylen, "KVM_GET_SREGS: %s", strerror(errno));
		return false;
	}
	/* RFLAGS.AC matters only to SMAP, which vmm's modes leave off. */
	vm_paging(vcpu->vm, &s, 0, &pg);
	if ((s.cr0 & MMU_CR0_PE) && (s.cs.selector & 3) == 3)
		acc |= MMU_ACC_USER;
	while (n + 1 < len) {
		if (mmu_translate(&pg, gva + n, acc, vm_read_phys, vcpu->vm, &w) != MMU_OK) {
			walk_failed(&w, gva + n, why, whylen);
			return false;
		}
		p = ram_chunk(vcpu->vm, w.gpa, len - 1 - n, &got);
		if (!p) {
			snprintf(why, whylen, "GVA 0x%llx is GPA 0x%llx, outside guest RAM (0x0-0x%llx)",
				 (unsigned long long)(gva + n), (unsigned long long)w.gpa,
				 (unsigned long long)vcpu->vm->ram_size - 1);
			return false;
		}
		nul = memchr(p, '\0', got);
		memcpy(buf + n, p, nul ? (size_t)(nul - p) : got);
		n += nul ? (size_t)(nul - p) : got;
		if (nul) {
			buf[n] = '\0';
			return true;
		}
	}
	snprintf(why, whylen, "no NUL in its first %zu bytes", len - 1);
	return false;
}

/* The 32-bit operand of an OUT (fewer bits for outb/outw). */
static uint32_t out_value(const struct bus_access *a)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < a->len && i < 4; i++)
		v |= (uint32_t)a->data[i] << (8 * i);
	return v;
}

static void puts_hypercall(struct hypercall *h, uint32_t gva)
{
	char buf[HYPERCALL_STRING_MAX], why[256];

	if (!hypercall_read_string(h->vcpu, gva, buf, sizeof(buf), why, sizeof(why))) {
		pr_warn("hypercall 0x%x (print a string): the guest's pointer 0x%x is bad: %s; nothing printed",
			HYPERCALL_PUTS, gva, why);
		return;
	}
	kvm_trace_note("hypercall 0x%x: the string at GVA 0x%x, %zu byte%s, read through the guest's page tables",
		       HYPERCALL_PUTS, gva, strlen(buf), strlen(buf) == 1 ? "" : "s");
	console_write(h->con, buf, strlen(buf));
}

static enum bus_result hypercall_pio(void *ctx, const struct bus_access *a,
				     struct stop *stop)
{
	struct hypercall *h = ctx;
	char num[16];
	uint64_t n;
	unsigned i;

	(void)stop;
	if (a->addr == HYPERCALL_EXITS && !a->is_write) {
		n = h->vcpu->exits.total;
		for (i = 0; i < a->len; i++)
			a->data[i] = (uint8_t)(n >> (8 * i));
		return BUS_DONE;
	}
	if (!a->is_write || a->addr == HYPERCALL_EXITS)
		return BUS_UNCLAIMED;	/* the wrong way: as if no device */
	if (a->addr == HYPERCALL_PRINT_VALUE) {
		snprintf(num, sizeof(num), "%u", out_value(a));
		console_write(h->con, num, strlen(num));
	} else {
		puts_hypercall(h, out_value(a));
	}
	return BUS_DONE;
}

int hypercall_register(struct hypercall *h, struct bus *pio,
		       struct vcpu *vcpu, struct console *con)
{
	h->vcpu = vcpu;
	h->con = con;
	/* The three numbers are consecutive: one device covers them. */
	return bus_register(pio, HYPERCALL_PRINT_VALUE, HYPERCALL_PUTS,
			    hypercall_pio, h);
}
