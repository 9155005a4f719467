/* gdbstub.h - libgdbstub: the GDB Remote Serial Protocol, without I/O.
 *
 * The library knows nothing of KVM, sockets or threads.  Bytes from gdb go
 * in through gdbstub_feed(); every byte for gdb goes out through the write
 * callback in struct gdbstub_config.  The target (a VM, or the fake target
 * of the unit tests) is a struct of function pointers: the required ones
 * move registers and memory and continue the target; every optional one may
 * be NULL, and what the stub advertises (qSupported, vCont?) and which
 * packets get an empty "not supported" reply are derived from which exist.
 *
 * A register layout (struct gdb_layout) generates both target.xml and the
 * g/G packet layout, so the two cannot disagree.  Three x86 layouts ship
 * with the library (x86_regs.c): x86-64, i386 and i8086.
 *
 * Threading: none.  Call every function from one thread.
 * Memory: gdbstub_create() allocates the session once; the packet path never
 * allocates.  The caller lends the packet buffer.
 *
 * Section names in comments refer to the GDB manual, appendix "Remote
 * Serial Protocol" and appendix "Target Descriptions".  doc/protocol.md lists
 * every packet and what this library answers.
 */
#ifndef GDBSTUB_H
#define GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct gdbstub;		/* one session with one gdb; opaque */
struct gdbstub_out;	/* where a monitor command prints; opaque */

/* ---- register layouts ------------------------------------------------ */

/* struct gdb_reg.flags */
#define GDB_REG_EXPEDITE	0x1	/* sent in every T stop reply */
#define GDB_REG_PC		0x2	/* the pc: one per layout */

/* One register, in g-packet order.  The table index is gdb's register
 * number (the "regnum" in target.xml, the n of p/P and of T n:r).
 */
struct gdb_reg {
	const char *name;	/* gdb's name: "rax", "eflags", "cr0" */
	unsigned int id;	/* the target's ID (enum gdb_x86_reg) */
	unsigned int bitsize;	/* a multiple of 8, at most 128 */
	const char *type;	/* a gdb predefined type or a gdb_type_def id */
	const char *feature;	/* <feature name=...>; keep a feature's regs
				 * contiguous */
	const char *group;	/* "general", "float", ...; NULL: gdb decides */
	unsigned int flags;	/* GDB_REG_* */
};

enum gdb_type_kind {
	GDB_TYPE_FLAGS,		/* <flags>: fields are single bits or ranges */
	GDB_TYPE_VECTOR,	/* <vector>: elem_type x count */
	GDB_TYPE_UNION,		/* <union>: fields name a type each */
};

struct gdb_type_field {
	const char *name;
	unsigned int start, end;	/* FLAGS: bit range, inclusive */
	const char *type;		/* UNION: the field's type */
};

/* A type definition that target.xml emits inside each feature that uses it
 * ("Target Descriptions" > "Types": types are scoped to their feature).
 * A FLAGS type takes its size from the register that uses it.
 */
struct gdb_type_def {
	const char *id;
	enum gdb_type_kind kind;
	const char *elem_type;			/* VECTOR */
	unsigned int count;			/* VECTOR */
	const struct gdb_type_field *fields;	/* FLAGS, UNION */
	unsigned int nr_fields;
};

struct gdb_layout {
	const char *name;		/* for messages: "x86-64" */
	const char *arch;		/* <architecture>: "i386:x86-64" */
	const char *osabi;		/* <osabi>, or NULL for none */
	/* <compatible> architectures, NULL-terminated (or NULL): gdb takes
	 * this description even with a file of one of these loaded, which
	 * BFD alone calls incompatible (i386 beside i386:x86-64). */
	const char *const *compatible;
	const struct gdb_reg *regs;
	unsigned int nr_regs;
	const struct gdb_type_def *types;
	unsigned int nr_types;
};

/* The x86 register IDs the target sees.  A layout maps its registers onto
 * these: the 32-bit layouts map eax to GDB_X86_RAX with bitsize 32, so the
 * target reads and writes by ID and width (the low bytes of the register,
 * little-endian).
 */
enum gdb_x86_reg {
	GDB_X86_RAX, GDB_X86_RBX, GDB_X86_RCX, GDB_X86_RDX,
	GDB_X86_RSI, GDB_X86_RDI, GDB_X86_RBP, GDB_X86_RSP,
	GDB_X86_R8, GDB_X86_R9, GDB_X86_R10, GDB_X86_R11,
	GDB_X86_R12, GDB_X86_R13, GDB_X86_R14, GDB_X86_R15,
	GDB_X86_RIP, GDB_X86_EFLAGS,
	GDB_X86_CS, GDB_X86_SS, GDB_X86_DS, GDB_X86_ES, GDB_X86_FS, GDB_X86_GS,
	GDB_X86_ST0, GDB_X86_ST1, GDB_X86_ST2, GDB_X86_ST3,
	GDB_X86_ST4, GDB_X86_ST5, GDB_X86_ST6, GDB_X86_ST7,
	GDB_X86_FCTRL, GDB_X86_FSTAT, GDB_X86_FTAG, GDB_X86_FISEG,
	GDB_X86_FIOFF, GDB_X86_FOSEG, GDB_X86_FOOFF, GDB_X86_FOP,
	GDB_X86_XMM0, GDB_X86_XMM1, GDB_X86_XMM2, GDB_X86_XMM3,
	GDB_X86_XMM4, GDB_X86_XMM5, GDB_X86_XMM6, GDB_X86_XMM7,
	GDB_X86_XMM8, GDB_X86_XMM9, GDB_X86_XMM10, GDB_X86_XMM11,
	GDB_X86_XMM12, GDB_X86_XMM13, GDB_X86_XMM14, GDB_X86_XMM15,
	GDB_X86_MXCSR,
	GDB_X86_FS_BASE, GDB_X86_GS_BASE,
	GDB_X86_CR0, GDB_X86_CR2, GDB_X86_CR3, GDB_X86_CR4, GDB_X86_CR8,
	GDB_X86_EFER,
	GDB_X86_NR_REGS
};

/* Long mode: architecture i386:x86-64, features org.gnu.gdb.i386.core,
 * .sse, .segments (fs_base, gs_base) and org.vmm.x86.system (cr0..efer).
 */
extern const struct gdb_layout gdb_x86_64_layout;
/* Protected mode: architecture i386, the 32-bit core, sse (xmm0-7), system. */
extern const struct gdb_layout gdb_i386_layout;
/* Real mode: the same registers as gdb_i386_layout, architecture i8086, so
 * gdb disassembles 16-bit code ("set architecture i386" switches back).
 */
extern const struct gdb_layout gdb_i8086_layout;

/* Bytes in a g packet's payload, decoded (the sum of the bitsizes / 8). */
size_t gdb_layout_regs_size(const struct gdb_layout *layout);

/* Writes bytes [off, off + len) of the layout's target.xml to buf and
 * returns the document's total length (like snprintf, no NUL).  Passing
 * len 0 just measures.
 */
size_t gdb_layout_xml(const struct gdb_layout *layout, size_t off,
		      char *buf, size_t len);

/* Checks a layout: bitsizes, known types, contiguous features, exactly one
 * GDB_REG_PC, at most 256 registers.  Returns 0, or -EINVAL with a sentence
 * in why.
 */
int gdb_layout_check(const struct gdb_layout *layout, const char **why);

/* ---- the target ------------------------------------------------------ */

/* Breakpoint kinds: the numbers are the Z/z packet types ("Packets", Z). */
enum gdbstub_bp_type {
	GDBSTUB_BP_SW = 0,		/* Z0 software breakpoint */
	GDBSTUB_BP_HW = 1,		/* Z1 hardware breakpoint */
	GDBSTUB_WP_WRITE = 2,		/* Z2 write watchpoint */
	GDBSTUB_WP_READ = 3,		/* Z3 read watchpoint */
	GDBSTUB_WP_ACCESS = 4,		/* Z4 access watchpoint */
};
#define GDBSTUB_BP_MASK(type)	(1u << (type))
#define GDBSTUB_BP_ALL		0x1fu

/* A memory region for ->mem_region. */
#define GDBSTUB_PERM_R	0x1
#define GDBSTUB_PERM_W	0x2
#define GDBSTUB_PERM_X	0x4

struct gdbstub_region {
	uint64_t start;		/* first address */
	uint64_t size;		/* bytes; start + size may wrap to 0 */
	unsigned int perms;	/* GDBSTUB_PERM_*; 0: nothing is mapped */
};

/* Every op gets the ctx of struct gdbstub_config.  Ops return 0 or a
 * negative errno, which becomes an "E xx" reply with xx = errno in hex.
 * Addresses are guest-virtual.  Register values are little-endian, len is
 * the register's bitsize / 8.
 */
struct gdbstub_target_ops {
	/* Required. */

	/* Register id (see struct gdb_reg.id) into buf, len bytes.  An error
	 * reads as unavailable: "xx" in g, an E reply for p.
	 */
	int (*read_reg)(void *ctx, unsigned int id, void *buf, size_t len);
	/* Write len bytes; a narrower width zero-extends (eax -> rax). */
	int (*write_reg)(void *ctx, unsigned int id, const void *buf,
			 size_t len);
	/* Copy guest memory; return the bytes done (a short read is a
	 * partial m reply) or a negative errno if none could be.
	 */
	ssize_t (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t len);
	/* Return len, or a negative errno; a short write is an error. */
	ssize_t (*write_mem)(void *ctx, uint64_t addr, const void *buf,
			     size_t len);
	/* Let the target run, and return at once.  signo is the signal gdb
	 * asked to deliver (C sig), 0 for none; a VM may ignore it.  When the
	 * target stops, the caller calls gdbstub_stopped().
	 */
	int (*cont)(void *ctx, int signo);

	/* Optional: NULL means not supported. */

	/* Execute one instruction, asynchronously like cont.  Enables s, S,
	 * vCont;s and the range stepping of vCont;r (done inside the stub).
	 */
	int (*step)(void *ctx, int signo);
	/* gdb sent ^C (0x03) while the target runs: stop it soon and report
	 * GDBSTUB_STOP_INTERRUPT.  Without this op ^C is only honoured at the
	 * next stop.
	 */
	int (*interrupt)(void *ctx);
	/* Insert / remove a breakpoint or watchpoint of a type in break_types.
	 * kind is the Z packet's kind (bytes for a watchpoint, 1 for an x86
	 * breakpoint).  -EOPNOTSUPP gives the empty reply (gdb then tries
	 * another way).  A software breakpoint is reported with the pc AT the
	 * breakpoint ("Stop Reply Packets", swbreak).
	 */
	int (*set_break)(void *ctx, enum gdbstub_bp_type type, uint64_t addr,
			 unsigned int kind);
	int (*remove_break)(void *ctx, enum gdbstub_bp_type type,
			    uint64_t addr, unsigned int kind);
	unsigned int break_types;	/* GDBSTUB_BP_MASK()s set_break takes */
	/* "monitor CMD" (qRcmd): cmd is decoded and NUL-terminated; print with
	 * gdbstub_out_write()/gdbstub_out_printf().  0 replies OK.
	 */
	int (*monitor)(void *ctx, const char *cmd, struct gdbstub_out *out);
	/* D: gdb leaves; the target drops its breakpoints and runs on. */
	void (*detach)(void *ctx);
	/* D1 (LLDB's "process detach --keep-stopped true", offered through
	 * qSupportsDetachAndStayStopped): the debugger leaves, the target
	 * drops its breakpoints and stays stopped for the next one.
	 */
	void (*detach_stopped)(void *ctx);
	/* k or vKill: gdb kills the target.  Called after the reply (X09 to
	 * k, OK to vKill) has been written, so the reply is not lost if the
	 * kill ends the process.
	 */
	void (*kill)(void *ctx);
	/* The register layout the target is in now, asked at qSupported, at
	 * each read of target.xml from its start, and at each stop (see
	 * exec_file).  NULL, or a layout failing gdb_layout_check: keep the
	 * current one (config.layout at first).
	 */
	const struct gdb_layout *(*layout)(void *ctx);
	/* The file gdb loads again when the layout changes under it: with
	 * this op the stub offers exec-events+, and a stop whose ->layout
	 * differs from the session's goes to gdb as an exec stop event
	 * naming this file. gdb then reloads it, reads target.xml again
	 * (the session takes the new layout there), re-inserts its
	 * breakpoints and resumes by itself; the stub answers that resume
	 * with the held stop, without running the target. NULL (the op or
	 * its answer), or a gdb that did not offer exec-events+: the layout
	 * changes only when gdb reconnects.  A watchpoint stop is reported
	 * in the old layout and the exec stop answers the resume after it
	 * (gdbstub_exec_deferred); gdb's resume after that one does it.
	 */
	const char *(*exec_file)(void *ctx);
	/* Guest-physical memory, for QEMU's physical memory mode
	 * (Qqemu.PhyMemMode:1): while it is on, m, M and X go here instead
	 * of read_mem/write_mem.  Same contract as those.  NULL (either):
	 * the mode is not offered.
	 */
	ssize_t (*read_phys)(void *ctx, uint64_t addr, void *buf, size_t len);
	ssize_t (*write_phys)(void *ctx, uint64_t addr, const void *buf,
			      size_t len);
	/* qMemoryRegionInfo (LLDB's "memory region ADDR"): the range of
	 * addresses around addr that share one set of permissions.  Fill r
	 * and return 0, or a negative errno.  An unmapped range is a region
	 * with perms 0.  r->start <= addr < r->start + r->size, size > 0.
	 */
	int (*mem_region)(void *ctx, uint64_t addr, struct gdbstub_region *r);
	/* bs and bc ("Packets"; "Reverse Execution" in the manual): run the
	 * target backwards one instruction, or until the last breakpoint or
	 * watchpoint hit before now, asynchronously like cont.  Where the
	 * target's history runs out the stop carries
	 * GDBSTUB_REPLAYLOG_BEGIN.  Each, present, is advertised in
	 * qSupported (ReverseStep+, ReverseContinue+).
	 */
	int (*reverse_step)(void *ctx);
	int (*reverse_cont)(void *ctx);
};

/* ---- stops ----------------------------------------------------------- */

enum gdbstub_stop_reason {
	GDBSTUB_STOP_SIGNAL,	/* T<signo>, no reason */
	GDBSTUB_STOP_STEP,	/* a step ended: T05 (range stepping goes on) */
	GDBSTUB_STOP_INTERRUPT,	/* stopped for ->interrupt: T02 */
	GDBSTUB_STOP_SWBREAK,	/* T05 swbreak:, pc at the breakpoint */
	GDBSTUB_STOP_HWBREAK,	/* T05 hwbreak: */
	GDBSTUB_STOP_WATCH,	/* T05 watch:addr (write) */
	GDBSTUB_STOP_RWATCH,	/* T05 rwatch:addr */
	GDBSTUB_STOP_AWATCH,	/* T05 awatch:addr */
	GDBSTUB_STOP_EXITED,	/* W<status>: the target is gone */
	GDBSTUB_STOP_TERMINATED,	/* X<signo>: killed by a signal */
};

/* "Stop Reply Packets", replaylog:r: a replaying target reached the
 * beginning (running backwards) or the end of its log. */
enum gdbstub_replaylog {
	GDBSTUB_REPLAYLOG_NONE,
	GDBSTUB_REPLAYLOG_BEGIN,	/* gdb: "No more reverse-execution history." */
	GDBSTUB_REPLAYLOG_END,
};

struct gdbstub_stop {
	enum gdbstub_stop_reason reason;
	enum gdbstub_replaylog replaylog;	/* T replies: history ran out */
	int signo;		/* SIGNAL, TERMINATED: gdb's signal number;
				 * others: 0 for the default (5, or 2) */
	uint64_t addr;		/* WATCH, RWATCH, AWATCH: the data address */
	int status;		/* EXITED: the exit status */
	const char *console;	/* text sent as O packets before the stop */
	size_t console_len;
};

/* ---- the session ----------------------------------------------------- */

/* Sends len bytes to gdb; returns 0 or a negative errno (ends the session). */
typedef int gdbstub_write_fn(void *write_ctx, const void *buf, size_t len);

#define GDBSTUB_MIN_BUF	4096	/* smallest buffer gdbstub_create takes */

struct gdbstub_config {
	const struct gdbstub_target_ops *ops;
	void *ctx;			/* passed to every op */
	gdbstub_write_fn *write;
	void *write_ctx;
	void *buf;			/* lent for the session: half for */
	size_t buf_len;			/* packets in, half out; 64 KiB */
	/* Required: the layout until ops->layout picks one. */
	const struct gdb_layout *layout;
	/* Run-length encode replies ("Overview": X*n), which gdb decodes:
	 * a page of zeros becomes a few hundred bytes instead of 8 KiB.
	 * Off keeps replies byte-for-byte predictable (the unit tests). */
	bool tx_rle;
};

/* gdbstub_feed() results; a negative errno means the write callback failed. */
enum gdbstub_status {
	GDBSTUB_OK = 0,		/* go on */
	GDBSTUB_CLOSE = 1,	/* gdb detached or killed: close the link */
};

/* Makes a session (one malloc).  NULL with errno EINVAL if a required op,
 * the write callback or the layout is missing, the layout fails
 * gdb_layout_check, or buf_len < GDBSTUB_MIN_BUF; ENOMEM.
 */
struct gdbstub *gdbstub_create(const struct gdbstub_config *cfg);
void gdbstub_destroy(struct gdbstub *stub);

/* A new gdb connection: ack mode, target stopped with SIGTRAP as the last
 * stop ('?'), no range step, no pending ^C.  The caller stops the target
 * first.
 */
void gdbstub_reset(struct gdbstub *stub);

/* Bytes from gdb, any split.  Replies are written before it returns.
 * Returns GDBSTUB_OK, GDBSTUB_CLOSE (after D or k) or a negative errno.
 */
int gdbstub_feed(struct gdbstub *stub, const void *buf, size_t len);

/* The target stopped.  While gdb waits (after c, s, vCont) this sends the
 * stop reply (or, range stepping inside the range, calls ->step again and
 * sends nothing); otherwise it only records the stop for '?'.  Call it from
 * the loop that runs the target, after cont/step have returned.  After a ^C,
 * a STEP stop (or a SIGNAL one with signo 0) is reported as T02.  Returns 0
 * or a negative errno from the write callback.
 */
int gdbstub_stopped(struct gdbstub *stub, const struct gdbstub_stop *stop);

/* True between a resume packet and the stop reply. */
bool gdbstub_running(const struct gdbstub *stub);

/* The layout gdb reads registers in (changes when gdb reads target.xml),
 * and whether a new one reaches gdb without a reconnect (gdb offered
 * exec-events+ and the target names a file). */
const struct gdb_layout *gdbstub_layout(const struct gdbstub *stub);
bool gdbstub_follows_layout(struct gdbstub *stub);
/* A stop whose layout change gdb hears of at its next resume rather than
 * before the stop, which is reported in the old layout: a watchpoint's
 * (gdb compares the watched value with the one it read before the stop,
 * and an exec stop makes it read it again).  And whether the running
 * resume is the step gdb takes off the breakpoint it stopped at, before
 * a stepi or a continue alike: one that changes the layout ends in a
 * stop either way (gdbstub_stopped). */
bool gdbstub_exec_deferred(const struct gdbstub *stub,
			   const struct gdbstub_stop *stop);
bool gdbstub_stepping_off_break(const struct gdbstub *stub);

/* Target console text for gdb, as O packets.  Only while the target runs
 * (gdb ignores O packets otherwise): returns the bytes sent, 0 when gdb is
 * not waiting, or a negative errno.
 */
ssize_t gdbstub_console(struct gdbstub *stub, const void *buf, size_t len);

/* Inside ->monitor: text for gdb's console, sent at once as O packets. */
void gdbstub_out_write(struct gdbstub_out *out, const char *text, size_t len);
void gdbstub_out_printf(struct gdbstub_out *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* GDBSTUB_H */
