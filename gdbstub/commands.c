/* commands.c - one complete packet in, one reply out, by table.
 *
 * Policy ("Standard Replies"): a packet we do not know, or one the target
 * cannot do (its op is NULL), gets the empty reply, which tells gdb to try
 * another way.  A packet we know but cannot parse, or one the target fails,
 * gets "E xx" with xx the errno in hex.  Handlers build their reply and
 * return what to do with it (enum gdb_result); only gdb_dispatch() sends,
 * so every packet gets exactly one reply.
 */
#include <errno.h>
#include <string.h>

#include "gdbstub_int.h"

static const struct gdb_reg *reg_at(struct gdbstub *stub, uint64_t index)
{
	if (index >= stub->layout->nr_regs)
		return NULL;
	return &stub->layout->regs[index];
}

/* A thread-id ("Packets", thread-id syntax): we have one thread, 1.  Any
 * of 1, 0 (any) and -1 (all), with or without a pPID. prefix, names it.
 */
static int parse_thread(const char **p)
{
	const char *s = *p;
	uint64_t v;

	if (*s == 'p') {
		s++;
		if (*s == '-')
			s++;
		if (gdb_parse_u64(&s, &v) < 0)
			return -EINVAL;
		if (*s++ != '.')
			return -EINVAL;
	}
	if (s[0] == '-' && s[1] == '1') {
		*p = s + 2;
		return 0;
	}
	if (gdb_parse_u64(&s, &v) < 0)
		return -EINVAL;
	*p = s;
	return v <= 1 ? 0 : -ESRCH;
}

/* ---- registers ("Packets": g, G, p, P) -------------------------------- */

static int cmd_read_regs(struct gdbstub *stub, char *args, size_t len)
{
	uint8_t val[16];
	unsigned int i;

	(void)args, (void)len;
	for (i = 0; i < stub->layout->nr_regs; i++) {
		size_t n = stub->layout->regs[i].bitsize / 8;

		if (gdb_read_reg(stub, i, val) < 0) {
			while (n--)	/* "xx": unavailable */
				gdb_tx_str(stub, "xx");
			continue;
		}
		gdb_tx_hex(stub, val, n);
	}
	return GDB_REPLY;
}

static int write_one_reg(struct gdbstub *stub, const struct gdb_reg *r,
			 const char *hex)
{
	uint8_t val[16];
	size_t n = r->bitsize / 8;

	if (hex[0] == 'x')	/* gdb echoes "xx" for unavailable ones */
		return 0;
	if (gdb_hex_decode(val, hex, n) < 0)
		return -EINVAL;
	return stub->ops->write_reg(stub->cfg.ctx, r->id, val, n);
}

static int cmd_write_regs(struct gdbstub *stub, char *args, size_t len)
{
	unsigned int i;
	int err = 0;

	if (len != 2 * gdb_layout_regs_size(stub->layout))
		return -EINVAL;
	for (i = 0; i < stub->layout->nr_regs; i++) {
		const struct gdb_reg *r = &stub->layout->regs[i];
		int e = write_one_reg(stub, r, args);

		if (e < 0 && !err)
			err = e;	/* report the first, write the rest */
		args += r->bitsize / 4;
	}
	if (err)
		return err;
	gdb_tx_str(stub, "OK");
	return GDB_REPLY;
}

static int cmd_read_reg(struct gdbstub *stub, char *args, size_t len)
{
	const char *p = args;
	const struct gdb_reg *r;
	uint8_t val[16];
	uint64_t index;
	int err;

	(void)len;
	if (gdb_parse_u64(&p, &index) < 0 || *p)
		return -EINVAL;
	r = reg_at(stub, index);
	if (!r)
		return -EINVAL;
	err = gdb_read_reg(stub, (unsigned int)index, val);
	if (err < 0)
		return err;
	gdb_tx_hex(stub, val, r->bitsize / 8);
	return GDB_REPLY;
}

static int cmd_write_reg(struct gdbstub *stub, char *args, size_t len)
{
	const char *p = args;
	const struct gdb_reg *r;
	uint64_t index;
	int err;

	(void)len;
	if (gdb_parse_u64(&p, &index) < 0 || *p++ != '=')
		return -EINVAL;
	r = reg_at(stub, index);
	if (!r || strlen(p) != r->bitsize / 4 || p[0] == 'x')
		return -EINVAL;
	err = write_one_reg(stub, r, p);
	if (err < 0)
		return err;
	gdb_tx_str(stub, "OK");
	return GDB_REPLY;
}

/* ---- memory ("Packets": m, M, X) ------------------------------------- */

/* "addr,length" then the character that must follow. */
int gdb_parse_addr_len(const char **p, uint64_t *addr, uint64_t *len,
			  char end)
{
	if (gdb_parse_u64(p, addr) < 0 || *(*p)++ != ',')
		return -EINVAL;
	if (gdb_parse_u64(p, len) < 0 || **p != end)
		return -EINVAL;
	if (end)
		(*p)++;
	return 0;
}

/* m, M and X read and write guest-virtual memory, or guest-physical in
 * QEMU's physical memory mode (Qqemu.PhyMemMode:1, see ext.c). */
static ssize_t mem_read(struct gdbstub *stub, uint64_t addr, void *buf,
			size_t len)
{
	if (stub->phys_mode)
		return stub->ops->read_phys(stub->cfg.ctx, addr, buf, len);
	return stub->ops->read_mem(stub->cfg.ctx, addr, buf, len);
}

static ssize_t mem_write(struct gdbstub *stub, uint64_t addr,
			 const void *buf, size_t len)
{
	if (stub->phys_mode)
		return stub->ops->write_phys(stub->cfg.ctx, addr, buf, len);
	return stub->ops->write_mem(stub->cfg.ctx, addr, buf, len);
}

static int cmd_read_mem(struct gdbstub *stub, char *args, size_t len)
{
	const char *p = args;
	uint64_t addr, count;
	size_t max = (stub->tx_cap - 8) / 2;
	uint8_t *raw;
	ssize_t n;

	(void)len;
	if (gdb_parse_addr_len(&p, &addr, &count, '\0') < 0)
		return -EINVAL;
	if (count > max)	/* a short reply is allowed ("Packets", m) */
		count = max;
	if (!count)
		return GDB_REPLY;
	/* Read into the end of tx and hex it forward: the writes stay
	 * behind the reads while count <= (tx_cap - 8) / 2.
	 */
	raw = (uint8_t *)stub->tx + stub->tx_cap - count;
	n = mem_read(stub, addr, raw, count);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -EFAULT;
	if ((uint64_t)n > count)
		n = (ssize_t)count;
	gdb_hex_encode(stub->tx + 1, raw, (size_t)n);
	stub->tx_len = 2 * (size_t)n;
	return GDB_REPLY;
}

static int write_mem_all(struct gdbstub *stub, uint64_t addr,
			 const uint8_t *buf, uint64_t count)
{
	ssize_t n;

	if (!count)
		return 0;
	n = mem_write(stub, addr, buf, count);
	if (n < 0)
		return (int)n;
	return (uint64_t)n == count ? 0 : -EFAULT;
}

static int cmd_write_mem(struct gdbstub *stub, char *args, size_t len)
{
	const char *p = args;
	uint64_t addr, count;
	int err;

	if (gdb_parse_addr_len(&p, &addr, &count, ':') < 0)
		return -EINVAL;
	if ((size_t)(args + len - p) != 2 * count)
		return -EINVAL;
	/* decode in place: the bytes land behind the digits */
	if (gdb_hex_decode((uint8_t *)args, p, count) < 0)
		return -EINVAL;
	err = write_mem_all(stub, addr, (uint8_t *)args, count);
	if (err < 0)
		return err;
	gdb_tx_str(stub, "OK");
	return GDB_REPLY;
}

/* X: binary data, already unescaped by the receive state machine. */
static int cmd_write_bin(struct gdbstub *stub, char *args, size_t len)
{
	const char *p = args;
	uint64_t addr, count;
	int err;

	if (gdb_parse_addr_len(&p, &addr, &count, ':') < 0)
		return -EINVAL;
	if ((size_t)(args + len - p) != count)
		return -EINVAL;
	err = write_mem_all(stub, addr, (const uint8_t *)p, count);
	if (err < 0)
		return err;
	gdb_tx_str(stub, "OK");
	return GDB_REPLY;
}

/* ---- running ("Packets": c, C, s, S; vCont) --------------------------- */

/* The optional [addr] of c and s: resume there. */
static int set_pc(struct gdbstub *stub, const char *p)
{
	const struct gdb_reg *r = &stub->layout->regs[stub->pc_index];
	uint8_t val[8] = { 0 };
	uint64_t addr;
	unsigned int i;

	if (!*p)
		return 0;
	if (gdb_parse_u64(&p, &addr) < 0 || *p)
		return -EINVAL;
	for (i = 0; i < sizeof(val); i++)
		val[i] = (uint8_t)(addr >> (8 * i));
	return stub->ops->write_reg(stub->cfg.ctx, r->id, val,
				    r->bitsize / 8 < 8 ? r->bitsize / 8 : 8);
}

/* c [addr], s [addr], C sig[;addr], S sig[;addr]. */
static int resume_at(struct gdbstub *stub, const char *p, bool step,
		     bool has_sig)
{
	uint64_t sig = 0;
	int err;

	if (step && !stub->ops->step)
		return GDB_EMPTY;
	if (has_sig) {
		if (gdb_parse_u64(&p, &sig) < 0 || sig > 0xff)
			return -EINVAL;
		if (*p == ';')
			p++;
		else if (*p)
			return -EINVAL;
	}
	err = set_pc(stub, p);
	if (err < 0)
		return err;
	return gdb_resume(stub, step, (int)sig);
}

static int cmd_cont(struct gdbstub *stub, char *args, size_t len)
{
	(void)len;
	return resume_at(stub, args, false, false);
}

static int cmd_cont_sig(struct gdbstub *stub, char *args, size_t len)
{
	(void)len;
	return resume_at(stub, args, false, true);
}

static int cmd_step(struct gdbstub *stub, char *args, size_t len)
{
	(void)len;
	return resume_at(stub, args, true, false);
}

static int cmd_step_sig(struct gdbstub *stub, char *args, size_t len)
{
	(void)len;
	return resume_at(stub, args, true, true);
}

/* bs, bc ("Packets"): backwards, where the target can (else empty). */
static int cmd_reverse_step(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	if (!stub->ops->reverse_step)
		return GDB_EMPTY;
	return gdb_resume_reverse(stub, true);
}

static int cmd_reverse_cont(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	if (!stub->ops->reverse_cont)
		return GDB_EMPTY;
	return gdb_resume_reverse(stub, false);
}

/* "Packets", vCont?: derived from the ops: r (range stepping, done here by
 * stepping) needs only step.
 */
static int cmd_vcont_query(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	gdb_tx_str(stub, "vCont;c;C");
	if (stub->ops->step)
		gdb_tx_str(stub, ";s;S;r");
	return GDB_REPLY;
}

/* One vCont action; *applies says whether it names our thread. */
static int vcont_parse(const char **p, char *action, uint64_t *a,
		       uint64_t *b, bool *applies)
{
	*action = *(*p)++;
	*a = *b = 0;
	switch (*action) {
	case 'c': case 's':
		break;
	case 'C': case 'S':
		if (gdb_parse_u64(p, a) < 0 || *a > 0xff)
			return -EINVAL;
		break;
	case 'r':		/* rSTART,END */
		if (gdb_parse_u64(p, a) < 0 || *(*p)++ != ',' ||
		    gdb_parse_u64(p, b) < 0)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	*applies = true;
	if (**p == ':') {
		int err;

		(*p)++;
		err = parse_thread(p);
		if (err == -EINVAL)
			return err;
		*applies = err == 0;
	}
	return 0;
}

static int cmd_vcont(struct gdbstub *stub, char *args, size_t len)
{
	const char *p = args;
	char action = 0, act;
	uint64_t a = 0, b = 0, x, y;
	bool found = false, applies;

	(void)len;
	/* "the leftmost action with a matching thread-id is applied" */
	for (;;) {
		if (vcont_parse(&p, &act, &x, &y, &applies) < 0)
			return -EINVAL;
		if (applies && !found) {
			found = true;
			action = act, a = x, b = y;
		}
		if (!*p)
			break;
		if (*p++ != ';')
			return -EINVAL;
	}
	if (!found)
		return -EINVAL;
	if (action != 'c' && action != 'C' && !stub->ops->step)
		return -EOPNOTSUPP;
	if (action == 'r') {
		stub->range_active = true;
		stub->range_start = a;
		stub->range_end = b;
	}
	return gdb_resume(stub, action != 'c' && action != 'C',
			  action == 'C' || action == 'S' ? (int)a : 0);
}

/* ---- breakpoints ("Packets": Z, z) ------------------------------------ */

static int break_common(struct gdbstub *stub, const char *p, bool set)
{
	const struct gdbstub_target_ops *ops = stub->ops;
	uint64_t type, addr, kind;
	int err;

	if (gdb_parse_u64(&p, &type) < 0 || *p++ != ',')
		return -EINVAL;
	if (type > GDBSTUB_WP_ACCESS || !ops->set_break || !ops->remove_break ||
	    !(ops->break_types & GDBSTUB_BP_MASK(type)))
		return GDB_EMPTY;	/* "not supported": gdb falls back */
	if (gdb_parse_u64(&p, &addr) < 0 || *p++ != ',' ||
	    gdb_parse_u64(&p, &kind) < 0 || (*p && *p != ';') ||
	    kind > UINT32_MAX)	/* never cut to the op's 32 bits */
		return -EINVAL;
	if (set)
		err = ops->set_break(stub->cfg.ctx, (enum gdbstub_bp_type)type,
				     addr, (unsigned int)kind);
	else
		err = ops->remove_break(stub->cfg.ctx,
					(enum gdbstub_bp_type)type, addr,
					(unsigned int)kind);
	if (err == -EOPNOTSUPP)
		return GDB_EMPTY;
	if (err < 0)
		return err;
	gdb_tx_str(stub, "OK");
	return GDB_REPLY;
}

static int cmd_break_set(struct gdbstub *stub, char *args, size_t len)
{
	(void)len;
	return break_common(stub, args, true);
}

static int cmd_break_remove(struct gdbstub *stub, char *args, size_t len)
{
	(void)len;
	return break_common(stub, args, false);
}

/* ---- threads: there is one, thread 1 ---------------------------------- */

int gdb_reply_str(struct gdbstub *stub, const char *s)
{
	gdb_tx_str(stub, s);
	return GDB_REPLY;
}

static int cmd_set_thread(struct gdbstub *stub, char *args, size_t len)
{
	const char *p = args + 1;
	int err;

	(void)len;
	if (!args[0])
		return -EINVAL;
	err = parse_thread(&p);
	if (err < 0 || *p)
		return err < 0 ? err : -EINVAL;
	return gdb_reply_str(stub, "OK");
}

static int cmd_thread_alive(struct gdbstub *stub, char *args, size_t len)
{
	const char *p = args;
	int err = parse_thread(&p);

	(void)len;
	if (err < 0 || *p)
		return err < 0 ? err : -EINVAL;
	return gdb_reply_str(stub, "OK");
}

static int cmd_current_thread(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	return gdb_reply_str(stub, "QC1");
}

static int cmd_thread_first(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	return gdb_reply_str(stub, "m1");
}

static int cmd_thread_next(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	return gdb_reply_str(stub, "l");
}

/* qAttached: 1, we attached to an existing process: gdb detaches on quit
 * rather than killing the VM.
 */
static int cmd_attached(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	return gdb_reply_str(stub, "1");
}

/* ---- session ---------------------------------------------------------- */

static int cmd_status(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	return gdb_build_stop_reply(stub, &stub->last_stop);
}

/* D, D;pid: leave, the target runs on.  D1 (LLDB, "D - Detach and stay
 * stopped" in its protocol extensions): leave, the target stays stopped.
 */
static int cmd_detach(struct gdbstub *stub, char *args, size_t len)
{
	(void)len;
	if (args[0] == '1' && (!args[1] || args[1] == ';')) {
		if (!stub->ops->detach_stopped)
			return GDB_EMPTY;
		stub->ops->detach_stopped(stub->cfg.ctx);
	} else if (args[0] && args[0] != ';') {
		return -EINVAL;
	} else if (stub->ops->detach) {
		stub->ops->detach(stub->cfg.ctx);
	}
	gdb_tx_str(stub, "OK");
	return GDB_REPLY_CLOSE;
}

/* "Packets", k: gdb expects no reply and closes the connection; LLDB
 * waits for the exit status (W or X, as lldb-server sends): X09, killed.
 * gdb never reads it.  The kill op runs after the reply is out.
 */
static int cmd_kill(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	gdb_tx_str(stub, "X09");
	return GDB_REPLY_KILL;
}

/* vKill;pid: the same, with the OK reply the manual asks for. */
static int cmd_vkill(struct gdbstub *stub, char *args, size_t len)
{
	const char *p = args;
	uint64_t pid;

	(void)len;
	if (gdb_parse_u64(&p, &pid) < 0 || *p)
		return -EINVAL;
	gdb_tx_str(stub, "OK");
	return GDB_REPLY_KILL;
}

static int cmd_no_ack(struct gdbstub *stub, char *args, size_t len)
{
	(void)args, (void)len;
	stub->enter_no_ack = true;	/* after the OK goes out, acked */
	return gdb_reply_str(stub, "OK");
}

/* ---- queries ("General Query Packets") -------------------------------- */

/* qSupported: what we offer follows from the ops; gdb's list tells us
 * whether it understands swbreak/hwbreak stop reasons.
 */
static int cmd_supported(struct gdbstub *stub, char *args, size_t len)
{
	unsigned int bp = stub->ops->set_break ? stub->ops->break_types : 0;

	(void)len;
	stub->gdb_swbreak = strstr(args, "swbreak+") != NULL;
	stub->gdb_hwbreak = strstr(args, "hwbreak+") != NULL;
	stub->gdb_exec_events = strstr(args, "exec-events+") != NULL;
	gdb_choose_layout(stub);
	gdb_tx_str(stub, "PacketSize=");
	gdb_tx_hex_u64(stub, stub->pkt_size);
	gdb_tx_str(stub, ";qXfer:features:read+;qXfer:threads:read+"
		   ";QStartNoAckMode+;vContSupported+");
	if (bp & GDBSTUB_BP_MASK(GDBSTUB_BP_SW))
		gdb_tx_str(stub, ";swbreak+");
	if (bp & GDBSTUB_BP_MASK(GDBSTUB_BP_HW))
		gdb_tx_str(stub, ";hwbreak+");
	if (stub->ops->reverse_step)
		gdb_tx_str(stub, ";ReverseStep+");
	if (stub->ops->reverse_cont)
		gdb_tx_str(stub, ";ReverseContinue+");
	if (stub->ops->exec_file)
		gdb_tx_str(stub, ";exec-events+");
	return GDB_REPLY;
}

/* qXfer:features:read:annex:offset,length -> m<data> or l<data> (last). */
static int cmd_xfer_features(struct gdbstub *stub, char *args, size_t len)
{
	static const char annex[] = "target.xml:";
	const char *p = args + sizeof(annex) - 1;
	uint64_t off, count;
	size_t total, n, max = (stub->tx_cap - 8) / 3;
	char *raw;

	(void)len;
	if (strncmp(args, annex, sizeof(annex) - 1) != 0)
		return -ENOENT;		/* we have one document */
	if (gdb_parse_addr_len(&p, &off, &count, '\0') < 0)
		return -EINVAL;
	/* gdb reads the document from its start when it (re)loads the
	 * description: at connect, after an exec stop, at "unset tdesc
	 * filename". Only then may the layout change: a g reply or a stop
	 * reply in a layout gdb has not read kills the session. */
	if (off == 0)
		gdb_choose_layout(stub);
	total = gdb_layout_xml(stub->layout, 0, NULL, 0);
	if (off >= total)
		return gdb_reply_str(stub, "l");
	n = total - off;
	if (n > count)
		n = count;
	if (n > max)
		n = max;
	/* Generate at the end of tx and escape forward (at most 2 bytes for
	 * 1, so with n <= tx_cap / 3 the writes stay behind the reads).
	 */
	raw = stub->tx + stub->tx_cap - n;
	gdb_layout_xml(stub->layout, off, raw, n);
	gdb_tx_char(stub, 'm');
	n = gdb_tx_bin(stub, raw, n);
	if (off + n >= total)
		stub->tx[1] = 'l';
	return GDB_REPLY;
}

/* qRcmd,HEX: "monitor CMD"; output goes out as O packets on the way. */
static int cmd_monitor(struct gdbstub *stub, char *args, size_t len)
{
	struct gdbstub_out out = { .stub = stub };
	int err;

	if (!stub->ops->monitor)
		return GDB_EMPTY;
	if (len % 2 || gdb_hex_decode((uint8_t *)args, args, len / 2) < 0)
		return -EINVAL;
	args[len / 2] = '\0';
	if (strlen(args) != len / 2)	/* a NUL inside the command */
		return -EINVAL;
	err = stub->ops->monitor(stub->cfg.ctx, args, &out);
	if (err < 0)
		return err;
	gdb_tx_begin(stub);	/* the O packets used tx */
	return gdb_reply_str(stub, "OK");
}

/* Longer prefixes before shorter ones that begin them. */
static const struct gdb_cmd gdb_cmds[] = {
	{ "?", true, cmd_status },
	{ "g", true, cmd_read_regs },
	{ "G", false, cmd_write_regs },
	{ "p", false, cmd_read_reg },
	{ "P", false, cmd_write_reg },
	{ "m", false, cmd_read_mem },
	{ "M", false, cmd_write_mem },
	{ "X", false, cmd_write_bin },
	{ "c", false, cmd_cont },
	{ "C", false, cmd_cont_sig },
	{ "s", false, cmd_step },
	{ "S", false, cmd_step_sig },
	{ "bs", true, cmd_reverse_step },
	{ "bc", true, cmd_reverse_cont },
	{ "vCont?", true, cmd_vcont_query },
	{ "vCont;", false, cmd_vcont },
	{ "Z", false, cmd_break_set },
	{ "z", false, cmd_break_remove },
	{ "H", false, cmd_set_thread },
	{ "T", false, cmd_thread_alive },
	{ "D", false, cmd_detach },
	{ "k", true, cmd_kill },
	{ "vKill;", false, cmd_vkill },
	{ "qSupported", false, cmd_supported },
	{ "qC", true, cmd_current_thread },
	{ "qfThreadInfo", true, cmd_thread_first },
	{ "qsThreadInfo", true, cmd_thread_next },
	{ "qAttached", false, cmd_attached },
	{ "qXfer:features:read:", false, cmd_xfer_features },
	{ "qRcmd,", false, cmd_monitor },
	{ "QStartNoAckMode", true, cmd_no_ack },
};

static const struct gdb_cmd *find_in(const struct gdb_cmd *cmds,
				     size_t nr, const char *pkt)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		const struct gdb_cmd *c = &cmds[i];
		size_t n = strlen(c->prefix);

		if (strncmp(pkt, c->prefix, n) != 0)
			continue;
		if (c->exact && pkt[n])
			continue;
		return c;
	}
	return NULL;
}

/* The extensions first: "qqemu.sstep" must not reach the standard q
 * prefixes, and none of theirs begins a standard packet name. */
static const struct gdb_cmd *find_cmd(const char *pkt)
{
	const struct gdb_cmd *c = find_in(gdb_ext_cmds, gdb_nr_ext_cmds, pkt);

	return c ? c : find_in(gdb_cmds, sizeof(gdb_cmds) / sizeof(*gdb_cmds),
			       pkt);
}

static void send_error(struct gdbstub *stub, int err)
{
	gdb_tx_begin(stub);
	gdb_tx_char(stub, 'E');
	gdb_tx_hex_u8(stub, (unsigned int)-err);
	gdb_tx_send(stub);
}

void gdb_dispatch(struct gdbstub *stub, char *pkt, size_t len)
{
	const struct gdb_cmd *c = find_cmd(pkt);
	int r = GDB_EMPTY;

	gdb_exec_packet(stub, pkt);
	gdb_tx_begin(stub);
	if (c) {
		size_t n = strlen(c->prefix);

		r = c->fn(stub, pkt + n, len - n);
	}
	if (r < 0) {
		send_error(stub, r);
		return;
	}
	switch (r) {
	case GDB_EMPTY:
		gdb_tx_begin(stub);
		/* fall through */
	case GDB_REPLY:
	case GDB_REPLY_CLOSE:
		gdb_tx_send(stub);
		break;
	case GDB_REPLY_KILL:
		/* reply first: the kill may end the process */
		gdb_tx_send(stub);
		if (stub->ops->kill)
			stub->ops->kill(stub->cfg.ctx);
		break;
	default:		/* GDB_NO_REPLY, GDB_CLOSE_SESSION */
		break;
	}
	if (r == GDB_REPLY_CLOSE || r == GDB_CLOSE_SESSION ||
	    r == GDB_REPLY_KILL)
		stub->state = GDB_SESSION_CLOSED;
	if (stub->enter_no_ack) {
		stub->enter_no_ack = false;
		stub->no_ack = true;
	}
}
