/* gdbstub_int.h - private to libgdbstub: the session and the helpers its
 * files share.  Not installed; src/ includes gdbstub.h only.
 */
#ifndef GDBSTUB_INT_H
#define GDBSTUB_INT_H

#include "gdbstub.h"

/* The receive state machine ("Overview": $packet-data#checksum). */
enum gdb_rx_state {
	GDB_RX_IDLE,		/* between packets: '+', '-', 0x03, '$' */
	GDB_RX_BODY,		/* packet data up to '#' */
	GDB_RX_ESCAPE,		/* after '}': next byte ^ 0x20 */
	GDB_RX_RLE,		/* after '*': next byte is a repeat count */
	GDB_RX_CSUM1,		/* first checksum digit */
	GDB_RX_CSUM2,		/* second checksum digit */
};

/* The session's state towards the target. */
enum gdb_session_state {
	GDB_SESSION_STOPPED,	/* gdb sends commands */
	GDB_SESSION_RUNNING,	/* gdb waits for a stop reply */
	GDB_SESSION_CLOSED,	/* after D or k: nothing more is done */
};

/* How far the stub is in making gdb follow a new layout (stop.c). */
enum gdb_exec_state {
	GDB_EXEC_NONE,
	GDB_EXEC_HELD_STOP,	/* exec stop sent: the real stop answers
				 * gdb's next resume */
	GDB_EXEC_DUE,		/* a watchpoint stop went out in the old
				 * layout: the exec stop answers the next
				 * resume */
	GDB_EXEC_HELD_RESUME,	/* ... and went out: gdb's next resume
				 * does the one it answered */
};

/* What a packet handler did.  A handler never sends its own reply: it
 * builds it in the transmit buffer and says so, or returns -errno for an
 * E reply, so a packet gets exactly one reply.
 */
enum gdb_result {
	GDB_REPLY = 0,		/* the reply is built in stub->tx */
	GDB_EMPTY = 1,		/* "not supported": the empty reply */
	GDB_NO_REPLY = 2,	/* resumed: the stop reply comes later */
	GDB_REPLY_CLOSE = 3,	/* send the reply, then end the session: D */
	GDB_CLOSE_SESSION = 4,	/* end the session, no reply */
	GDB_REPLY_KILL = 5,	/* send the reply, call ->kill, end: k */
};

/* QEMU's single-step flags (Qqemu.sstep), as its gdbstub numbers them. */
#define GDB_SSTEP_ENABLE	0x1	/* s steps; clear: s runs like c */
#define GDB_SSTEP_NOIRQ		0x2	/* no interrupts while stepping */
#define GDB_SSTEP_NOTIMER	0x4	/* no timers while stepping */
#define GDB_SSTEP_ALL		0x7

/* One entry of a dispatch table: a packet prefix and its handler. */
struct gdb_cmd {
	const char *prefix;
	bool exact;		/* the whole packet, not a prefix */
	int (*fn)(struct gdbstub *stub, char *args, size_t len);
};

struct gdbstub {
	struct gdbstub_config cfg;
	const struct gdbstub_target_ops *ops;
	const struct gdb_layout *layout;	/* this connection's */
	const struct gdb_layout *checked_layout; /* another that passed
						 * gdb_layout_check */

	/* receive */
	enum gdb_rx_state rx_state;
	char *rx;			/* decoded packet data, NUL-ended */
	size_t rx_cap;			/* bytes of data rx holds */
	size_t rx_len;
	bool rx_overflow;		/* longer than rx_cap: rejected */
	bool rx_bad;			/* a broken run-length repeat */
	bool rx_csum_bad;		/* a checksum char is not hex */
	uint8_t rx_sum;			/* running checksum of the raw bytes */
	uint8_t rx_csum;		/* checksum digits received */

	/* transmit: '$' data '#' cs, framed in place */
	char *tx;
	size_t tx_cap;
	size_t tx_len;			/* data bytes while building */
	bool tx_overflow;
	size_t tx_sent;			/* framed length of the last packet */
	size_t pkt_size;		/* PacketSize we advertise */

	/* protocol state */
	bool no_ack;			/* QStartNoAckMode */
	bool enter_no_ack;		/* ... once its OK is sent */
	bool gdb_swbreak;		/* gdb's qSupported had swbreak+ */
	bool gdb_hwbreak;		/* ... hwbreak+ */
	bool gdb_exec_events;		/* ... exec-events+ */
	bool phys_mode;			/* Qqemu.PhyMemMode:1: m/M/X physical */
	unsigned int sstep_flags;	/* Qqemu.sstep: GDB_SSTEP_* */
	bool threads_in_stop;		/* QListThreadsInStopReply (LLDB) */
	enum gdb_session_state state;
	bool interrupt_pending;		/* ^C seen while running */
	bool range_active;		/* vCont;r in progress */
	uint64_t range_start, range_end;
	struct gdbstub_stop last_stop;	/* for '?' */
	enum gdb_exec_state exec_state;	/* following a new layout */
	bool step_over;			/* this resume steps off the
					 * breakpoint the last stop was at */
	struct gdbstub_stop held_stop;	/* GDB_EXEC_HELD_STOP */
	bool held_bp_back;		/* ... gdb inserted a breakpoint at
					 * its pc again after the exec */
	bool held_stepped;		/* ... and had a step answered */
	struct {			/* GDB_EXEC_HELD_RESUME */
		bool step, range, reverse;
		int signo;
		uint64_t start, end;
	} held_resume;
	int pc_index;			/* layout index of GDB_REG_PC */
	int write_err;			/* first write failure, sticky */
};

struct gdbstub_out {
	struct gdbstub *stub;
};

/* hex.c */
int gdb_hex_val(int c);
int gdb_parse_u64(const char **p, uint64_t *val);
int gdb_hex_decode(uint8_t *dst, const char *src, size_t nbytes);
void gdb_hex_encode(char *dst, const uint8_t *src, size_t nbytes);

/* packet.c: receive and transmit */
void gdb_rx_byte(struct gdbstub *stub, uint8_t c);
void gdb_tx_begin(struct gdbstub *stub);
void gdb_tx_char(struct gdbstub *stub, char c);
void gdb_tx_str(struct gdbstub *stub, const char *s);
void gdb_tx_hex(struct gdbstub *stub, const void *buf, size_t len);
void gdb_tx_hex_u64(struct gdbstub *stub, uint64_t val);
void gdb_tx_hex_u8(struct gdbstub *stub, unsigned int val);
size_t gdb_tx_bin(struct gdbstub *stub, const void *buf, size_t len);
size_t gdb_tx_room(const struct gdbstub *stub);
int gdb_tx_send(struct gdbstub *stub);
int gdb_send_str(struct gdbstub *stub, const char *s);
int gdb_send_console(struct gdbstub *stub, const void *buf, size_t len);
int gdb_write(struct gdbstub *stub, const void *buf, size_t len);

/* commands.c: one complete packet */
void gdb_dispatch(struct gdbstub *stub, char *pkt, size_t len);
int gdb_reply_str(struct gdbstub *stub, const char *s);
int gdb_parse_addr_len(const char **p, uint64_t *addr, uint64_t *len,
		       char end);

/* ext.c: LLDB's and QEMU's extensions, qXfer:threads */
extern const struct gdb_cmd gdb_ext_cmds[];
extern const size_t gdb_nr_ext_cmds;

/* stop.c: resuming and stop replies */
int gdb_resume(struct gdbstub *stub, bool step, int signo);
int gdb_resume_reverse(struct gdbstub *stub, bool step);
int gdb_build_stop_reply(struct gdbstub *stub, const struct gdbstub_stop *s);
void gdb_exec_packet(struct gdbstub *stub, const char *pkt);
void gdb_on_interrupt(struct gdbstub *stub);
/* gdbstub.c: the target's layout becomes the session's (gdb reads
 * target.xml); or, at a stop, the file for an exec stop if the target's
 * layout differs from the session's and gdb can follow, else NULL. */
void gdb_choose_layout(struct gdbstub *stub);
const char *gdb_moved_layout(struct gdbstub *stub);

/* gdbstub.c */
void gdb_stub_set_layout(struct gdbstub *stub, const struct gdb_layout *l);

/* regs.c */
int gdb_read_reg(struct gdbstub *stub, unsigned int index, uint8_t *buf);

#endif /* GDBSTUB_INT_H */
