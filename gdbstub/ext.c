/* ext.c - packets beyond gdb's own: the thread list as XML, LLDB's
 * extensions and QEMU's.  Each is answered only when the ops it needs
 * exist; otherwise the empty reply says "not supported", as for any
 * unknown packet.
 *
 * Sources: the GDB manual ("General Query Packets": qXfer:threads:read,
 * "Thread List Format"); LLDB's "GDB Remote Protocol Extensions"
 * (lldbgdbremote.md: qMemoryRegionInfo, QListThreadsInStopReply,
 * qSupportsDetachAndStayStopped); QEMU's "GDB usage" (docs/system/gdb.rst:
 * qqemu.sstepbits, qqemu.sstep, Qqemu.sstep, qqemu.PhyMemMode,
 * Qqemu.PhyMemMode).  doc/protocol.md lists what each one answers.
 */
#include <errno.h>
#include <string.h>

#include "gdbstub_int.h"

/* ---- qXfer:threads:read ("Thread List Format") ------------------------ */

/* One thread, id 1.  gdb reads this at every stop (update_thread_list):
 * one round trip, where qfThreadInfo/qsThreadInfo take two. */
static const char threads_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<threads>\n"
	"<thread id=\"1\" core=\"0\"/>\n"
	"</threads>\n";

/* qXfer:threads:read::OFF,LEN -> m<data> or l<data> (the last part). */
static int cmd_xfer_threads(struct gdbstub *stub, char *args, size_t len)
{
	const char *p = args;
	size_t total = sizeof(threads_xml) - 1, n;
	uint64_t off, count;

	(void)len;
	if (*p++ != ':')		/* the annex is empty */
		return -ENOENT;
	if (gdb_parse_addr_len(&p, &off, &count, '\0') < 0)
		return -EINVAL;
	if (off >= total)
		return gdb_reply_str(stub, "l");
	n = total - off < count ? total - off : count;
	gdb_tx_char(stub, 'm');
	n = gdb_tx_bin(stub, threads_xml + off, n);
	if (off + n >= total)
		stub->tx[1] = 'l';
	return GDB_REPLY;
}

/* ---- LLDB ------------------------------------------------------------- */

/* qMemoryRegionInfo:ADDR -> start:S;size:N;permissions:rwx; -- without
 * "permissions" for an unmapped range, which LLDB reads as no access. */
static int cmd_mem_region(struct gdbstub *stub, char *args, size_t len)
{
	struct gdbstub_region r = { 0 };
	const char *p = args;
	uint64_t addr;
	int err;

	(void)len;
	if (!stub->ops->mem_region)
		return GDB_EMPTY;
	if (gdb_parse_u64(&p, &addr) < 0 || *p)
		return -EINVAL;
	err = stub->ops->mem_region(stub->cfg.ctx, addr, &r);
	if (err < 0)
		return err;
	if (!r.size)
		return -EIO;		/* the op broke its contract */
	gdb_tx_str(stub, "start:");
	gdb_tx_hex_u64(stub, r.start);
	gdb_tx_str(stub, ";size:");
	gdb_tx_hex_u64(stub, r.size);
	gdb_tx_char(stub, ';');
	if (r.perms) {
		gdb_tx_str(stub, "permissions:");
		if (r.perms & GDBSTUB_PERM_R)
			gdb_tx_char(stub, 'r');
		if (r.perms & GDBSTUB_PERM_W)
			gdb_tx_char(stub, 'w');
		if (r.perms & GDBSTUB_PERM_X)
			gdb_tx_char(stub, 'x');
		gdb_tx_char(stub, ';');
	}
	return GDB_REPLY;
}

/* QListThreadsInStopReply: T replies carry threads: and thread-pcs:,
 * which spares LLDB qfThreadInfo and qsThreadInfo at every stop. */
static int cmd_threads_in_stop(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	stub->threads_in_stop = true;
	return gdb_reply_str(stub, "OK");
}

/* qSupportsDetachAndStayStopped: whether D1 works. */
static int cmd_detach_stopped_query(struct gdbstub *stub, char *args,
				    size_t len)
{
	(void)args, (void)len;
	if (!stub->ops->detach_stopped)
		return GDB_EMPTY;
	return gdb_reply_str(stub, "OK");
}

/* The LLVM target triple for a layout's gdb architecture name: LLDB
 * takes it from qProcessInfo (hex-encoded, as lldb-server sends it).
 * Real mode's i8086 is LLVM's i386 with the code16 environment, under
 * which LLDB disassembles 16-bit code. */
static const struct {
	const char *arch, *triple;
	unsigned int ptrsize;
} triples[] = {
	{ "i386:x86-64", "x86_64-unknown-unknown", 8 },
	{ "i386", "i386-unknown-unknown", 4 },
	{ "i8086", "i386-unknown-unknown-code16", 4 },
};

/* qProcessInfo: the process is the machine: pid 1, the layout's triple. */
static int cmd_process_info(struct gdbstub *stub, char *args, size_t len)
{
	size_t i;

	(void)args, (void)len;
	for (i = 0; i < sizeof(triples) / sizeof(*triples); i++)
		if (!strcmp(stub->layout->arch, triples[i].arch))
			break;
	if (i == sizeof(triples) / sizeof(*triples))
		return GDB_EMPTY;	/* an architecture LLDB may not know */
	gdb_tx_str(stub, "pid:1;parent-pid:1;triple:");
	gdb_tx_hex(stub, triples[i].triple, strlen(triples[i].triple));
	gdb_tx_str(stub, ";ostype:unknown;endian:little;ptrsize:");
	gdb_tx_hex_u64(stub, triples[i].ptrsize);
	gdb_tx_char(stub, ';');
	return GDB_REPLY;
}

/* ---- QEMU ------------------------------------------------------------- */

static bool has_phys(const struct gdbstub *stub)
{
	return stub->ops->read_phys && stub->ops->write_phys;
}

/* qqemu.Supported: which of QEMU's commands this stub has. */
static int cmd_qemu_supported(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	if (stub->ops->step)
		gdb_tx_str(stub, "sstepbits;sstep");
	if (stub->ops->step && has_phys(stub))
		gdb_tx_char(stub, ';');
	if (has_phys(stub))
		gdb_tx_str(stub, "PhyMemMode");
	return GDB_REPLY;
}

/* [qQ]qemu.sstepbits: the flag bits, as QEMU names them. */
static int cmd_sstep_bits(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	if (!stub->ops->step)
		return GDB_EMPTY;
	return gdb_reply_str(stub, "ENABLE=1,NOIRQ=2,NOTIMER=4");
}

/* [qQ]qemu.sstep: the current flags, "0x7" as QEMU writes them. */
static int cmd_sstep_get(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	if (!stub->ops->step)
		return GDB_EMPTY;
	gdb_tx_str(stub, "0x");
	gdb_tx_hex_u64(stub, stub->sstep_flags);
	return GDB_REPLY;
}

/* A hex number with an optional 0x (QEMU parses it with strtoul). */
static int parse_qemu_hex(const char *p, uint64_t *val)
{
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (gdb_parse_u64(&p, val) < 0 || *p)
		return -EINVAL;
	return 0;
}

/* Qqemu.sstep=HEX, Qqemu.sstep:HEX: set the flags; bits QEMU does not
 * define are refused, as QEMU refuses the ones it cannot honour. */
static int cmd_sstep_set(struct gdbstub *stub, char *args, size_t len)
{
	uint64_t flags;

	(void)len;
	if (!stub->ops->step)
		return GDB_EMPTY;
	if (parse_qemu_hex(args, &flags) < 0 || flags & ~(uint64_t)GDB_SSTEP_ALL)
		return -EINVAL;
	stub->sstep_flags = (unsigned int)flags;
	return gdb_reply_str(stub, "OK");
}

/* qqemu.PhyMemMode: 1 while m, M and X address guest-physical memory. */
static int cmd_phys_get(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	if (!has_phys(stub))
		return GDB_EMPTY;
	return gdb_reply_str(stub, stub->phys_mode ? "1" : "0");
}

/* Qqemu.PhyMemMode:N: any non-zero N turns it on, 0 off (as QEMU). */
static int cmd_phys_set(struct gdbstub *stub, char *args, size_t len)
{
	uint64_t on;

	(void)len;
	if (!has_phys(stub))
		return GDB_EMPTY;
	if (parse_qemu_hex(args, &on) < 0)
		return -EINVAL;
	stub->phys_mode = on != 0;
	return gdb_reply_str(stub, "OK");
}

/* Longer prefixes before shorter ones that begin them; QEMU takes the
 * sstep packets with either q or Q (pwndbg sends Qqemu.sstepbits). */
const struct gdb_cmd gdb_ext_cmds[] = {
	{ "qXfer:threads:read:", false, cmd_xfer_threads },
	{ "qMemoryRegionInfo:", false, cmd_mem_region },
	{ "QListThreadsInStopReply", true, cmd_threads_in_stop },
	{ "qProcessInfo", true, cmd_process_info },
	{ "qSupportsDetachAndStayStopped", false, cmd_detach_stopped_query },
	{ "qqemu.Supported", true, cmd_qemu_supported },
	{ "qqemu.sstepbits", true, cmd_sstep_bits },
	{ "Qqemu.sstepbits", true, cmd_sstep_bits },
	{ "qqemu.sstep", true, cmd_sstep_get },
	{ "Qqemu.sstep", true, cmd_sstep_get },
	{ "qqemu.sstep=", false, cmd_sstep_set },
	{ "Qqemu.sstep=", false, cmd_sstep_set },
	{ "Qqemu.sstep:", false, cmd_sstep_set },
	{ "qqemu.PhyMemMode", true, cmd_phys_get },
	{ "Qqemu.PhyMemMode:", false, cmd_phys_set },
};

const size_t gdb_nr_ext_cmds = sizeof(gdb_ext_cmds) / sizeof(*gdb_ext_cmds);
