/* test_gdbstub.c - every packet of libgdbstub against the fake target.
 *
 * Each test frames a packet the way gdb does, feeds it, and parses what the
 * stub wrote back (acks, O packets, the reply), checking every checksum.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake_target.h"
#include "tap.h"

#define STUB_BUF	65536
#define MAX_PKTS	2048

static struct fake_target tgt;
static char stub_buf[STUB_BUF];

/* Everything the stub wrote since the last clear. */
static struct {
	char buf[1 << 20];
	size_t len;
	int fail;		/* make the write callback fail with this */
} out;

static int cap_write(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	if (out.fail)
		return out.fail;
	if (len > sizeof(out.buf) - out.len)
		return -ENOSPC;
	memcpy(out.buf + out.len, buf, len);
	out.len += len;
	return 0;
}

/* The parsed output: acks, then packets (payloads, unescaped by nothing:
 * the tests look at raw payloads), and whether every checksum held.
 */
static struct {
	char acks[256];
	int nr_acks;
	char *pkt[MAX_PKTS];
	size_t pkt_len[MAX_PKTS];
	int nr;
	bool bad_csum;
} rx;

static void parse_out(void)
{
	size_t i = 0;
	int k;

	for (k = 0; k < rx.nr; k++)
		free(rx.pkt[k]);
	memset(&rx, 0, sizeof(rx));
	while (i < out.len) {
		char c = out.buf[i];
		size_t start, end;
		unsigned int sum = 0, want;

		if (c != '$') {
			if (rx.nr_acks < (int)sizeof(rx.acks) - 1)
				rx.acks[rx.nr_acks++] = c;
			i++;
			continue;
		}
		start = ++i;
		while (i < out.len && out.buf[i] != '#')
			sum += (uint8_t)out.buf[i++];
		end = i;
		if (i + 2 >= out.len || rx.nr == MAX_PKTS) {
			rx.bad_csum = true;
			break;
		}
		want = (unsigned int)strtoul((char[]){ out.buf[i + 1],
						       out.buf[i + 2], 0 },
					     NULL, 16);
		if ((sum & 0xff) != want)
			rx.bad_csum = true;
		rx.pkt[rx.nr] = calloc(1, end - start + 1);
		memcpy(rx.pkt[rx.nr], out.buf + start, end - start);
		rx.pkt_len[rx.nr++] = end - start;
		i += 3;
	}
}

static void out_clear(void)
{
	out.len = 0;
}

static void frame(char *dst, const char *body, size_t len)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += (uint8_t)body[i];
	dst[0] = '$';
	memcpy(dst + 1, body, len);
	sprintf(dst + 1 + len, "#%02x", sum & 0xff);
}

static int feed_str(struct gdbstub *stub, const char *s)
{
	return gdbstub_feed(stub, s, strlen(s));
}

/* Sends body (already escaped) as one packet; returns the feed result. */
static int send_pkt_len(struct gdbstub *stub, const char *body, size_t len)
{
	static char framed[STUB_BUF * 2];
	int r;

	frame(framed, body, len);
	out_clear();
	r = gdbstub_feed(stub, framed, len + 4);
	parse_out();
	return r;
}

static int send_pkt(struct gdbstub *stub, const char *body)
{
	return send_pkt_len(stub, body, strlen(body));
}

/* The last packet the stub sent, or "(none)". */
static const char *last(void)
{
	return rx.nr ? rx.pkt[rx.nr - 1] : "(none)";
}

static const char *xchg(struct gdbstub *stub, const char *body)
{
	send_pkt(stub, body);
	return last();
}

/* The reply to body contains want. */
static void r_has(struct gdbstub *stub, const char *body, const char *want,
		  const char *name)
{
	const char *r = xchg(stub, body);

	ok(strstr(r, want) != NULL, "%s (%s)", name, r);
}

static struct gdbstub *make_stub(const struct gdbstub_target_ops *ops,
				 const struct gdb_layout *l)
{
	struct gdbstub_config cfg = {
		.ops = ops, .ctx = &tgt, .write = cap_write,
		.buf = stub_buf, .buf_len = sizeof(stub_buf), .layout = l,
	};

	fake_target_init(&tgt, l);
	fake_written = &out.len;
	out.fail = 0;
	return gdbstub_create(&cfg);
}

/* Runs the fake target until it reports, as vmm's vCPU thread would. */
static int run_target(struct gdbstub *stub, int max_polls)
{
	int i;

	out_clear();
	for (i = 0; i < max_polls; i++)
		if (fake_target_poll(&tgt, stub, 100) && !gdbstub_running(stub))
			break;
	parse_out();
	return i < max_polls;
}

static void hex_of(char *dst, const void *src, size_t n)
{
	const uint8_t *p = src;
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(dst + 2 * i, "%02x", p[i]);
}

static void hexstr(char *dst, const char *s)
{
	hex_of(dst, s, strlen(s));
}

/* The pattern register i of a layout gets in the round-trip tests. */
static uint8_t pattern(unsigned int i, unsigned int j, unsigned int salt)
{
	return (uint8_t)(i * 16 + j * 3 + salt + 1);
}

/* ---- tests ----------------------------------------------------------- */

static void test_create(void)
{
	struct gdbstub_target_ops ops = fake_target_ops;
	struct gdbstub_config cfg = {
		.ops = &ops, .ctx = &tgt, .write = cap_write,
		.buf = stub_buf, .buf_len = sizeof(stub_buf),
		.layout = &gdb_x86_64_layout,
	};
	struct gdbstub *s;

	ops.cont = NULL;
	errno = 0;
	ok(!gdbstub_create(&cfg) && errno == EINVAL,
	   "create refuses a target without cont (EINVAL)");
	ops = fake_target_ops;
	cfg.buf_len = GDBSTUB_MIN_BUF - 1;
	ok(!gdbstub_create(&cfg), "create refuses a buffer under GDBSTUB_MIN_BUF");
	cfg.buf_len = GDBSTUB_MIN_BUF;
	s = gdbstub_create(&cfg);
	ok(s != NULL, "create takes the minimum buffer");
	gdbstub_destroy(s);
	cfg.layout = NULL;
	ok(!gdbstub_create(&cfg), "create refuses a missing layout");
}

/* A small well-formedness check: tags nest, attributes are quoted. */
static int xml_well_formed(const char *x, int *nregs, size_t *bits)
{
	const char *stack[32];
	int depth = 0;

	*nregs = 0;
	*bits = 0;
	while ((x = strchr(x, '<'))) {
		const char *end = strchr(x, '>'), *name;
		size_t n;

		if (!end)
			return 0;
		if (x[1] == '?' || x[1] == '!') {
			x = end + 1;
			continue;
		}
		if (x[1] == '/') {
			n = strcspn(x + 2, " >");
			if (!depth || strncmp(stack[depth - 1], x + 2, n) ||
			    !strchr(" >/", stack[depth - 1][n]))
				return 0;
			depth--;
		} else {
			const char *q;
			int quotes = 0;

			for (q = x; q < end; q++)
				quotes += *q == '"';
			if (quotes % 2)
				return 0;
			name = x + 1;
			if (strncmp(name, "reg ", 4) == 0) {
				const char *b = strstr(name, "bitsize=\"");

				(*nregs)++;
				if (b && b < end)
					*bits += strtoul(b + 9, NULL, 10);
			}
			if (end[-1] != '/') {
				if (depth == 32)
					return 0;
				stack[depth++] = name;
			}
		}
		x = end + 1;
	}
	return depth == 0;
}

static void test_layout(const struct gdb_layout *l)
{
	static char xml[32768];
	const char *why;
	size_t total, bits;
	int nregs, err;

	err = gdb_layout_check(l, &why);

	ok(err == 0, "%s: layout passes its check (%s)", l->name,
	   why ? why : "fine");
	total = gdb_layout_xml(l, 0, NULL, 0);
	ok(total > 0 && total < sizeof(xml), "%s: target.xml is %zu bytes",
	   l->name, total);
	is_u64(gdb_layout_xml(l, 0, xml, sizeof(xml) - 1), total,
	       "%s: measuring and writing agree", l->name);
	xml[total] = '\0';
	ok(xml_well_formed(xml, &nregs, &bits), "%s: target.xml is well formed",
	   l->name);
	is_u64(nregs, l->nr_regs, "%s: one <reg> per table entry", l->name);
	is_u64(bits / 8, gdb_layout_regs_size(l),
	       "%s: XML bit sizes add up to the g packet", l->name);
	ok(strstr(xml, l->arch) != NULL, "%s: names architecture %s",
	   l->name, l->arch);
	ok(strstr(xml, l == &gdb_x86_64_layout ? "</osabi>\n<compatible>i386</compatible>\n" :
		  "</osabi>\n<compatible>i386:x86-64</compatible>\n") != NULL,
	   "%s: the other width is <compatible>, after <osabi>", l->name);
}

static void test_bad_layouts(void)
{
	static const struct gdb_reg split[] = {
		{ "a", 0, 32, "int", "f1", NULL, GDB_REG_PC },
		{ "b", 1, 32, "int", "f2", NULL, 0 },
		{ "c", 2, 32, "int", "f1", NULL, 0 },
	};
	static const struct gdb_reg untyped[] = {
		{ "a", 0, 32, "no_such_type", "f1", NULL, GDB_REG_PC },
	};
	static const struct gdb_reg odd[] = {
		{ "a", 0, 12, "int", "f1", NULL, GDB_REG_PC },
	};
	static const struct gdb_reg no_pc[] = {
		{ "a", 0, 32, "int", "f1", NULL, 0 },
	};
	struct gdb_layout l = { .name = "bad", .arch = "i386" };
	const char *why = NULL;
	int err;

	l.regs = split, l.nr_regs = 3;
	err = gdb_layout_check(&l, &why);
	ok(err == -EINVAL && why,
	   "layout check: a split feature is refused (%s)", why);
	l.regs = untyped, l.nr_regs = 1;
	err = gdb_layout_check(&l, &why);
	ok(err == -EINVAL,
	   "layout check: an unknown type is refused (%s)", why);
	l.regs = odd;
	err = gdb_layout_check(&l, &why);
	ok(err == -EINVAL,
	   "layout check: a 12-bit register is refused (%s)", why);
	l.regs = no_pc;
	err = gdb_layout_check(&l, &why);
	ok(err == -EINVAL,
	   "layout check: no pc is refused (%s)", why);
}

static void test_xml_window(void)
{
	static char a[32768], b[32768];
	size_t total = gdb_layout_xml(&gdb_x86_64_layout, 0, a, sizeof(a));
	size_t off;

	for (off = 0; off < total; off += 777)
		gdb_layout_xml(&gdb_x86_64_layout, off, b + off,
			       total - off < 777 ? total - off : 777);
	ok(memcmp(a, b, total) == 0, "target.xml windows join up to the whole");
	/* gdb 13 casts a plain number (4 bytes) to a flags register only
	 * of the same size (x86_regs.c): CR0, CR4 and EFER are 32-bit
	 * registers with 4-byte flags in every layout. */
	ok(strstr(a, "<flags id=\"vmm_cr0\" size=\"4\">") &&
	   strstr(a, "<flags id=\"vmm_cr4\" size=\"4\">") &&
	   strstr(a, "<flags id=\"vmm_efer\" size=\"4\">"),
	   "x86-64: cr0, cr4, efer flags are 4 bytes");
	ok(strstr(a, "<reg name=\"cr0\" bitsize=\"32\" type=\"vmm_cr0\"") &&
	   strstr(a, "<reg name=\"cr4\" bitsize=\"32\" type=\"vmm_cr4\"") &&
	   strstr(a, "<reg name=\"efer\" bitsize=\"32\" type=\"vmm_efer\""),
	   "x86-64: ... and so are the registers");
	ok(strstr(a, "<reg name=\"cr3\" bitsize=\"64\" type=\"int\"") &&
	   strstr(a, "<reg name=\"cr2\" bitsize=\"64\" type=\"data_ptr\""),
	   "x86-64: cr2 and cr3 keep 64 bits");
	ok(!strstr(a, "size=\"8\""), "x86-64: no 8-byte flags type at all");
	gdb_layout_xml(&gdb_i386_layout, 0, b, sizeof(b));
	ok(strstr(b, "<flags id=\"vmm_cr0\" size=\"4\">") &&
	   strstr(b, "<flags id=\"vmm_efer\" size=\"4\">") &&
	   strstr(b, "<reg name=\"efer\" bitsize=\"32\" type=\"vmm_efer\""),
	   "i386: cr0 and efer flags are 4 bytes, efer a 32-bit register");
	ok(strstr(a, "<field name=\"PG\" start=\"31\" end=\"31\"/>") &&
	   strstr(a, "<field name=\"LMA\" start=\"10\" end=\"10\"/>") &&
	   strstr(a, "<field name=\"OSXMMEXCPT\" start=\"10\" end=\"10\"/>"),
	   "cr0, efer and cr4 bits are named");
}

static void test_query(void)
{
	struct gdbstub_target_ops ops = fake_target_ops;
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);

	is_str(xchg(s, "qSupported:swbreak+;hwbreak+;vContSupported+"),
	       "PacketSize=7ff8;qXfer:features:read+;qXfer:threads:read+;"
	       "QStartNoAckMode+;"
	       "vContSupported+;swbreak+;hwbreak+",
	       "qSupported with every op");
	is_str(rx.acks, "+", "the packet is acked");
	is_str(xchg(s, "vMustReplyEmpty"), "", "vMustReplyEmpty: empty");
	is_str(xchg(s, "qTStatus"), "", "qTStatus: empty (no tracing)");
	is_str(xchg(s, "qFooBar"), "", "unknown q packet: empty");
	is_str(xchg(s, "vFile:open:6a7573742070726f6273,0,1c0"), "",
	       "vFile: empty");
	is_str(xchg(s, "!"), "", "extended mode: empty");
	is_str(xchg(s, "vCont?"), "vCont;c;C;s;S;r", "vCont? with step");
	is_str(xchg(s, "qC"), "QC1", "qC");
	is_str(xchg(s, "qfThreadInfo"), "m1", "qfThreadInfo");
	is_str(xchg(s, "qsThreadInfo"), "l", "qsThreadInfo");
	is_str(xchg(s, "qAttached"), "1", "qAttached");
	is_str(xchg(s, "qAttached:1"), "1", "qAttached:pid");
	is_str(xchg(s, "Hg0"), "OK", "Hg0");
	is_str(xchg(s, "Hg-1"), "OK", "Hg-1");
	is_str(xchg(s, "Hc1"), "OK", "Hc1");
	is_str(xchg(s, "Hcp1.1"), "OK", "Hcp1.1");
	is_str(xchg(s, "Hg2"), "E03", "Hg2: no such thread");
	is_str(xchg(s, "Hgzz"), "E16", "Hgzz: malformed");
	is_str(xchg(s, "T1"), "OK", "T1 alive");
	is_str(xchg(s, "T5"), "E03", "T5 not alive");
	gdbstub_destroy(s);

	ops.step = NULL;
	ops.set_break = NULL;
	s = make_stub(&ops, &gdb_x86_64_layout);
	is_str(xchg(s, "qSupported"),
	       "PacketSize=7ff8;qXfer:features:read+;qXfer:threads:read+;"
	       "QStartNoAckMode+;"
	       "vContSupported+", "qSupported without breakpoints");
	is_str(xchg(s, "vCont?"), "vCont;c;C", "vCont? without step");
	is_str(xchg(s, "s"), "", "s without step: empty");
	is_str(xchg(s, "Z0,1000,1"), "", "Z0 without set_break: empty");
	gdbstub_destroy(s);

	ops = fake_target_ops;
	ops.break_types = GDBSTUB_BP_MASK(GDBSTUB_BP_SW);
	s = make_stub(&ops, &gdb_x86_64_layout);
	is_str(xchg(s, "qSupported"),
	       "PacketSize=7ff8;qXfer:features:read+;qXfer:threads:read+;"
	       "QStartNoAckMode+;"
	       "vContSupported+;swbreak+", "qSupported with Z0 only");
	is_str(xchg(s, "Z1,1000,1"), "", "Z1 not in break_types: empty");
	gdbstub_destroy(s);
}

static void test_xfer(void)
{
	static char whole[32768], got[32768];
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	size_t total = gdb_layout_xml(&gdb_x86_64_layout, 0, whole,
				      sizeof(whole));
	size_t off = 0;
	char q[64];
	int chunks = 0;
	bool tail = false;

	while (!tail && chunks < 100) {
		sprintf(q, "qXfer:features:read:target.xml:%zx,200", off);
		send_pkt(s, q);
		if (!rx.nr || (last()[0] != 'm' && last()[0] != 'l'))
			break;
		tail = last()[0] == 'l';
		memcpy(got + off, last() + 1, rx.pkt_len[rx.nr - 1] - 1);
		off += rx.pkt_len[rx.nr - 1] - 1;
		chunks++;
	}
	ok(tail && off == total && memcmp(got, whole, total) == 0,
	   "qXfer target.xml in 0x200 chunks: %d chunks, %zu of %zu bytes",
	   chunks, off, total);
	sprintf(q, "qXfer:features:read:target.xml:%zx,200", total + 10);
	is_str(xchg(s, q), "l", "qXfer past the end: l");
	is_str(xchg(s, "qXfer:features:read:other.xml:0,200"), "E02",
	       "qXfer of another annex: E02 (ENOENT)");
	is_str(xchg(s, "qXfer:features:read:target.xml:zz"), "E16",
	       "qXfer malformed: E16");
	is_str(xchg(s, "qXfer:libraries:read::0,200"), "",
	       "qXfer:libraries: empty");
	gdbstub_destroy(s);
}

static void fill_pattern(const struct gdb_layout *l, unsigned int salt,
			 char *g)
{
	unsigned int i, j;

	for (i = 0; i < l->nr_regs; i++) {
		for (j = 0; j < l->regs[i].bitsize / 8; j++)
			g += sprintf(g, "%02x", pattern(i, j, salt));
	}
}

/* Does the target's register file hold the pattern for every register? */
static bool regs_hold(const struct gdb_layout *l, unsigned int salt,
		      char *why)
{
	unsigned int i, j;

	for (i = 0; i < l->nr_regs; i++) {
		const struct gdb_reg *r = &l->regs[i];

		for (j = 0; j < 16; j++) {
			uint8_t want = j < r->bitsize / 8 ?
				pattern(i, j, salt) : 0;

			if (tgt.regs[r->id][j] != want) {
				sprintf(why, "%s byte %u is %02x, want %02x",
					r->name, j, tgt.regs[r->id][j], want);
				return false;
			}
		}
	}
	return true;
}

static void test_regs(const struct gdb_layout *l)
{
	static char g[4096], body[4200];
	struct gdbstub *s = make_stub(&fake_target_ops, l);
	char why[128] = "fine", p[128], want[64];
	unsigned int i, bad_p = 0, bad_rd = 0;

	xchg(s, "qSupported");
	send_pkt(s, "g");
	is_u64(strlen(last()), 2 * gdb_layout_regs_size(l),
	       "%s: g is %zu hex digits", l->name,
	       2 * gdb_layout_regs_size(l));
	fill_pattern(l, 0, g);
	sprintf(body, "G%s", g);
	is_str(xchg(s, body), "OK", "%s: G", l->name);
	ok(regs_hold(l, 0, why), "%s: G wrote every register (%s)", l->name,
	   why);
	is_str(xchg(s, "g"), g, "%s: g reads back what G wrote", l->name);

	/* P then p, register by register, with a different pattern */
	for (i = 0; i < l->nr_regs; i++) {
		unsigned int j, n = l->regs[i].bitsize / 8;
		char *w = want;

		for (j = 0; j < n; j++)
			w += sprintf(w, "%02x", pattern(i, j, 7));
		sprintf(p, "P%x=%s", i, want);
		if (strcmp(xchg(s, p), "OK"))
			bad_p++;
		sprintf(p, "p%x", i);
		if (strcmp(xchg(s, p), want))
			bad_rd++;
	}
	is_u64(bad_p, 0, "%s: P accepted for all %u registers", l->name,
	       l->nr_regs);
	is_u64(bad_rd, 0, "%s: p reads back every P", l->name);
	ok(regs_hold(l, 7, why), "%s: P wrote every register (%s)", l->name,
	   why);

	sprintf(p, "p%x", l->nr_regs);
	is_str(xchg(s, p), "E16", "%s: p past the table: E16", l->name);
	is_str(xchg(s, "pzz"), "E16", "%s: p bad hex: E16", l->name);
	is_str(xchg(s, "P0=12"), "E16", "%s: P wrong width: E16", l->name);
	is_str(xchg(s, "P0"), "E16", "%s: P without value: E16", l->name);
	is_str(xchg(s, "G1234"), "E16", "%s: G too short: E16", l->name);
	g[0] = 'z';
	sprintf(body, "G%s", g);
	is_str(xchg(s, body), "E16", "%s: G bad hex: E16", l->name);
	gdbstub_destroy(s);
}

static void test_narrow_regs(void)
{
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_i386_layout);

	fake_set_reg(&tgt, GDB_X86_RAX, 0x1122334455667788ull);
	is_str(xchg(s, "p0"), "88776655", "i386: p0 is eax, the low half of rax");
	is_str(xchg(s, "P0=efbeadde"), "OK", "i386: P0 writes eax");
	is_u64(fake_reg(&tgt, GDB_X86_RAX), 0xdeadbeef,
	       "i386: writing eax zero-extends rax");
	fake_set_reg(&tgt, GDB_X86_RCX, 0x1234);
	is_str(xchg(s, "p1"), "34120000", "i386: p1 is ecx (gdb's order)");
	gdbstub_destroy(s);
}

static void test_status(void)
{
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);

	fake_set_reg(&tgt, GDB_X86_RIP, 0x1000);
	fake_set_reg(&tgt, GDB_X86_RSP, 0x8000);
	fake_set_reg(&tgt, GDB_X86_RBP, 0x7ff0);
	is_str(xchg(s, "?"),
	       "T05thread:1;06:f07f000000000000;07:0080000000000000;"
	       "10:0010000000000000;", "? after connect: T05 with pc, sp, fp");
	gdbstub_destroy(s);
	s = make_stub(&fake_target_ops, &gdb_i8086_layout);
	fake_set_reg(&tgt, GDB_X86_RIP, 0x7c00);
	is_str(xchg(s, "?"),
	       "T05thread:1;04:00000000;05:00000000;08:007c0000;",
	       "i8086 ?: esp, ebp, eip expedited by their regnums");
	gdbstub_destroy(s);
}

static void test_memory(void)
{
	static char big[STUB_BUF];
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);

	memcpy(tgt.ram + 0x400, "\x2a\x00\x00\x00", 4);
	is_str(xchg(s, "m400,4"), "2a000000", "m reads the value 42 at 0x400");
	is_str(xchg(s, "mfffe,4"), "0000", "m across the end: a short reply");
	is_str(xchg(s, "m10000,4"), "E0e", "m outside RAM: E0e (EFAULT)");
	is_str(xchg(s, "m400"), "E16", "m without length: E16");
	is_str(xchg(s, "mxyz,4"), "E16", "m bad hex: E16");
	is_str(xchg(s, "m400,4,"), "E16", "m trailing junk: E16");
	is_str(xchg(s, "m11112222333344445,4"), "E16",
	       "m with a 17-digit address: E16");
	send_pkt(s, "m0,10000");
	ok(strlen(last()) > 0 && strlen(last()) <= 0x7ff8,
	   "a huge m is cut to what fits: %zu digits", strlen(last()));

	is_str(xchg(s, "M500,3:abcdef"), "OK", "M");
	ok(memcmp(tgt.ram + 0x500, "\xab\xcd\xef", 3) == 0, "M wrote RAM");
	is_str(xchg(s, "M500,3:abcd"), "E16", "M short data: E16");
	is_str(xchg(s, "M500,2:abzz"), "E16", "M bad hex: E16");
	is_str(xchg(s, "Mfffe,4:00000000"), "E0e", "M across the end: E0e");
	is_str(xchg(s, "M500,0:"), "OK", "M of nothing: OK");

	/* X: gdb escapes # $ } * as } then the byte ^ 0x20 */
	{
		static const char body[] = "X600,6:a}\x03}\x04}]}\x0a\x00";
		static const uint8_t want[] = { 'a', '#', '$', '}', '*', 0 };

		send_pkt_len(s, body, sizeof(body) - 1);
		is_str(last(), "OK", "X with every escape and a NUL");
		ok(memcmp(tgt.ram + 0x600, want, 6) == 0,
		   "X wrote the unescaped bytes");
	}
	is_str(xchg(s, "X600,0:"), "OK", "X probe (length 0): OK");
	is_str(xchg(s, "X600,4:ab"), "E16", "X length mismatch: E16");

	/* near PacketSize: M of 0x3ff0 bytes fits */
	memset(big, 0, sizeof(big));
	strcpy(big, "M0,3ff0:");
	memset(big + strlen(big), '5', 2 * 0x3ff0);
	is_str(xchg(s, big), "OK", "M of 0x3ff0 bytes (under PacketSize)");
	ok(tgt.ram[0x3fef] == 0x55, "the big M reached its last byte");
	gdbstub_destroy(s);
}

/* Undo run-length encoding as gdb does: X*n is X and n - 29 more. */
static void rle_decode(char *dst, const char *src)
{
	char prev = 0;
	int n;

	while (*src) {
		if (*src == '*' && src[1]) {
			for (n = src[1] - 29; n > 0; n--)
				*dst++ = prev;
			src += 2;
			continue;
		}
		prev = *dst++ = *src++;
	}
	*dst = '\0';
}

static void test_rle(void)
{
	static char want[0x2000 + 1], got[0x2000 + 1];
	struct gdbstub_config cfg = {
		.ops = &fake_target_ops, .ctx = &tgt, .write = cap_write,
		.buf = stub_buf, .buf_len = sizeof(stub_buf),
		.layout = &gdb_x86_64_layout, .tx_rle = true,
	};
	struct gdbstub *s;
	const char *r;
	size_t i;

	fake_target_init(&tgt, &gdb_x86_64_layout);
	s = gdbstub_create(&cfg);
	memset(tgt.ram + 0x1000, 0, 0x1000);
	tgt.ram[0x1400] = 0x2a;
	r = xchg(s, "m1000,1000");
	ok(strlen(r) < 300, "rle: a page of zeros with one 42 is %zu characters, not 8192",
	   strlen(r));
	rle_decode(got, r);
	hex_of(want, tgt.ram + 0x1000, 0x1000);
	is_str(got, want, "rle: it decodes to the page's hex");
	for (i = 0; r[i]; i++)
		if (r[i] == '*' && (r[i + 1] == '#' || r[i + 1] == '$' ||
				    (unsigned char)r[i + 1] > 126))
			break;
	ok(!r[i], "rle: no count character is '#', '$' or above '~'");
	/* Runs of 7 and 8: their counts would be '#' (6 more) and '$' (7). */
	memset(tgt.ram + 0x2000, 0x11, 4);	/* "11111111": 8 ones */
	memset(tgt.ram + 0x2004, 0x22, 3);
	tgt.ram[0x2007] = 0x23;			/* "2222223": 7 twos */
	r = xchg(s, "m2000,8");
	rle_decode(got, r);
	is_str(got, "1111111122222223", "rle: runs of 8 and 7 survive (%s)", r);
	ok(!strchr(r, '#') && !strchr(r, '$'), "rle: ... without '#' or '$' in the body");
	is_str(xchg(s, "m2000,1"), "11", "rle: short runs are sent as they are");
	gdbstub_destroy(s);
}

static void test_framing(void)
{
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	static char big[STUB_BUF + 100];
	char saved[64];
	size_t i;
	int r;

	out_clear();
	feed_str(s, "$m400,4#00");
	parse_out();
	ok(rx.nr == 0 && strcmp(rx.acks, "-") == 0,
	   "bad checksum: '-' and no reply (acks \"%s\")", rx.acks);
	is_str(xchg(s, "m400,4"), "00000000", "the retransmission is answered");
	is_str(rx.acks, "+", "and acked");

	memcpy(saved, out.buf, out.len);
	saved[out.len] = '\0';
	out_clear();
	feed_str(s, "-");
	out.buf[out.len] = '\0';
	is_str(out.buf, saved + 1, "'-' from gdb resends the last reply");

	out_clear();
	feed_str(s, "$m400,4#zz");
	parse_out();
	ok(rx.nr == 0 && rx.acks[0] == '-', "non-hex checksum: '-'");

	/* run-length: "1*," is '1' then ',' - 29 = 15 more */
	is_str(xchg(s, "M700,8:1*,"), "OK", "M with run-length data");
	ok(memcmp(tgt.ram + 0x700, "\x11\x11\x11\x11\x11\x11\x11\x11", 8) == 0,
	   "run-length decoded to 16 digits");
	is_str(xchg(s, "*\x25"), "E16", "a repeat with nothing before: E16");
	is_str(xchg(s, "m400,4"), "00000000", "the session goes on");

	/* overlong */
	memset(big, 'x', STUB_BUF);
	big[0] = 'q';
	r = send_pkt_len(s, big, STUB_BUF);
	ok(r == GDBSTUB_OK && rx.acks[0] == '+' && strcmp(last(), "E07") == 0,
	   "overlong packet: acked, E07 (E2BIG), last \"%s\"", last());
	is_str(xchg(s, "qC"), "QC1", "the session goes on after it");

	/* one byte at a time, with noise and a restart inside */
	{
		char f[64];

		frame(f, "qC", 2);
		out_clear();
		feed_str(s, "xx+$qf");
		for (i = 0; i < strlen(f); i++)
			gdbstub_feed(s, f + i, 1);
		parse_out();
		is_str(last(), "QC1", "byte-at-a-time, after noise and a "
		       "broken start");
		is_u64(rx.nr, 1, "exactly one reply");
	}

	/* ^C while stopped is ignored */
	out_clear();
	feed_str(s, "\x03");
	is_u64(out.len, 0, "^C while stopped: nothing");

	/* write failure */
	out.fail = -EPIPE;
	frame(big, "qC", 2);
	is_u64((uint64_t)(int64_t)feed_str(s, big), (uint64_t)(int64_t)-EPIPE,
	       "a failing write ends the session with its errno");
	out.fail = 0;
	gdbstub_destroy(s);
}

static void test_no_ack(void)
{
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);

	is_str(xchg(s, "QStartNoAckMode"), "OK", "QStartNoAckMode: OK");
	is_str(rx.acks, "+", "QStartNoAckMode itself is acked");
	is_str(xchg(s, "qC"), "QC1", "no-ack: reply");
	is_u64(rx.nr_acks, 0, "no-ack: no '+'");
	out_clear();
	feed_str(s, "$qC#00");
	parse_out();
	is_str(last(), "QC1", "no-ack: the checksum is ignored");
	out_clear();
	feed_str(s, "-");
	is_u64(out.len, 0, "no-ack: '-' resends nothing");
	gdbstub_reset(s);
	is_str(xchg(s, "qC"), "QC1", "after reset:");
	is_str(rx.acks, "+", "a new session is in ack mode");
	gdbstub_destroy(s);
}

static void test_breakpoints(void)
{
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	char q[32];
	int t;

	for (t = 0; t <= 4; t++) {
		sprintf(q, "Z%d,%x,%d", t, 0x1000 + t, t < 2 ? 1 : 4);
		is_str(xchg(s, q), "OK", "Z%d", t);
	}
	is_u64(tgt.nr_bps, 5, "five in the target");
	ok(tgt.bps[2].type == GDBSTUB_WP_WRITE && tgt.bps[2].addr == 0x1002 &&
	   tgt.bps[2].kind == 4, "Z2 arrived as a 4-byte write watch");
	for (t = 0; t <= 4; t++) {
		sprintf(q, "z%d,%x,%d", t, 0x1000 + t, t < 2 ? 1 : 4);
		is_str(xchg(s, q), "OK", "z%d", t);
	}
	is_u64(tgt.nr_bps, 0, "all removed");
	is_str(xchg(s, "z0,1000,1"), "E02", "z0 of nothing: E02 (ENOENT)");
	is_str(xchg(s, "Z5,1000,1"), "", "Z5: empty");
	is_str(xchg(s, "Z0,xyz,1"), "E16", "Z0 bad address: E16");
	is_str(xchg(s, "Z0,1000"), "E16", "Z0 without kind: E16");
	is_str(xchg(s, "Z0,1000,1;X2,abcd"), "OK",
	       "Z0 with a condition list (ignored)");
	tgt.refuse_bp_types = GDBSTUB_BP_MASK(GDBSTUB_WP_READ);
	is_str(xchg(s, "Z3,2000,1"), "", "the target says EOPNOTSUPP: empty");
	gdbstub_destroy(s);
}

static struct gdbstub *running_stub(void)
{
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);

	xchg(s, "qSupported:swbreak+;hwbreak+");
	fake_set_reg(&tgt, GDB_X86_RIP, 0x1000);
	return s;
}

static void test_resume(void)
{
	struct gdbstub *s = running_stub();

	send_pkt(s, "s");
	ok(rx.nr == 0 && gdbstub_running(s), "s: no reply yet, running");
	run_target(s, 10);
	is_str(last(), "T05thread:1;06:0000000000000000;07:0000000000000000;"
	       "10:0110000000000000;", "s: T05 with the new pc expedited");
	ok(!gdbstub_running(s), "stopped again");

	send_pkt(s, "s1500");
	run_target(s, 10);
	is_u64(fake_reg(&tgt, GDB_X86_RIP), 0x1501, "s addr: stepped from addr");
	send_pkt(s, "S0b;1600");
	run_target(s, 10);
	ok(fake_reg(&tgt, GDB_X86_RIP) == 0x1601 && tgt.last_signo == 11,
	   "S sig;addr: signal and address");
	is_str(xchg(s, "S0b;zz"), "E16", "S bad address: E16");

	tgt.ram[0x1700] = 0xcc;
	fake_set_reg(&tgt, GDB_X86_RIP, 0x16f0);
	send_pkt(s, "c");
	run_target(s, 10);
	ok(strncmp(last(), "T05swbreak:;thread:1;", 21) == 0,
	   "c into an int3: swbreak (%s)", last());
	is_u64(fake_reg(&tgt, GDB_X86_RIP), 0x1700, "pc at the int3");

	tgt.ram[0x1700] = 0x90;
	xchg(s, "Z1,1710,1");
	send_pkt(s, "C05");
	run_target(s, 10);
	ok(strncmp(last(), "T05hwbreak:;", 12) == 0, "C05 to a Z1: hwbreak");
	xchg(s, "z1,1710,1");

	/* without swbreak+ from gdb the reason is left out */
	xchg(s, "qSupported");
	tgt.ram[0x1720] = 0xcc;
	send_pkt(s, "c");
	run_target(s, 10);
	ok(strncmp(last(), "T05thread:1;", 12) == 0,
	   "gdb without swbreak+: plain T05 (%s)", last());
	gdbstub_destroy(s);
}

static void test_watch(void)
{
	static const struct {
		int z;
		uint8_t op;
		const char *want;
	} cases[] = {
		{ 2, 0x88, "T05watch:3000;" },
		{ 3, 0x8a, "T05rwatch:3000;" },
		{ 4, 0x88, "T05awatch:3000;" },
	};
	struct gdbstub *s = running_stub();
	unsigned int i;
	char q[32];

	fake_set_reg(&tgt, GDB_X86_RBX, 0x3000);
	for (i = 0; i < 3; i++) {
		fake_set_reg(&tgt, GDB_X86_RIP, 0x1800);
		tgt.ram[0x1805] = cases[i].op;
		sprintf(q, "Z%d,3000,1", cases[i].z);
		xchg(s, q);
		send_pkt(s, "vCont;c");
		run_target(s, 10);
		ok(strncmp(last(), cases[i].want, strlen(cases[i].want)) == 0,
		   "Z%d: %s (%s)", cases[i].z, cases[i].want, last());
		q[0] = 'z';
		xchg(s, q);
	}
	gdbstub_destroy(s);
}

static void test_vcont(void)
{
	struct gdbstub *s = running_stub();

	send_pkt(s, "vCont;s:1;c");
	run_target(s, 10);
	ok(tgt.steps == 1 && fake_reg(&tgt, GDB_X86_RIP) == 0x1001,
	   "vCont;s:1;c steps thread 1");
	send_pkt(s, "vCont;s:2;c");
	ok(tgt.conts == 1, "vCont;s:2;c continues (s is for another thread)");
	tgt.ram[0x1001] = 0xf4;
	tgt.regs[GDB_X86_RAX][0] = 0x2a;
	run_target(s, 10);
	is_str(last(), "W2a", "hlt: the target exited, W2a");
	is_str(xchg(s, "?"), "W2a", "? after the exit: W2a");
	tgt.ram[0x1001] = 0;
	is_str(xchg(s, "vCont;x"), "E16", "vCont with an unknown action: E16");
	is_str(xchg(s, "vCont;s:2"), "E16", "vCont for no thread of ours: E16");
	is_str(xchg(s, "vCont;r1000"), "E16", "vCont;r without end: E16");
	is_str(xchg(s, "vCont"), "", "bare vCont: empty");
	gdbstub_destroy(s);
}

static void test_range_step(void)
{
	struct gdbstub *s = running_stub();
	unsigned int steps;

	send_pkt(s, "vCont;r1000,1005:1");
	run_target(s, 50);
	is_u64(rx.nr, 1, "range step: one reply");
	is_u64(fake_reg(&tgt, GDB_X86_RIP), 0x1005,
	       "range step stops exactly at the range end");
	is_u64(tgt.steps, 5, "after five steps");
	ok(strncmp(last(), "T05thread:1;", 12) == 0, "as a plain T05");

	/* a stop inside the range other than a step is reported */
	tgt.ram[0x1008] = 0xcc;
	send_pkt(s, "vCont;r1005,1010:1");
	run_target(s, 50);
	ok(strncmp(last(), "T05swbreak:", 11) == 0 &&
	   fake_reg(&tgt, GDB_X86_RIP) == 0x1008,
	   "an int3 inside the range stops it there");
	tgt.ram[0x1008] = 0;

	/* ^C during a range step: T02 at the next step */
	steps = tgt.steps;
	send_pkt(s, "vCont;r1000,2000");
	fake_target_poll(&tgt, s, 1);
	fake_target_poll(&tgt, s, 1);
	out_clear();
	feed_str(s, "\x03");
	run_target(s, 10);
	ok(strncmp(last(), "T02", 3) == 0, "^C inside a range: T02 (%s)",
	   last());
	is_u64(tgt.steps - steps, 3, "one step after the ^C");

	/* pc outside the range from the start: one step, reported */
	fake_set_reg(&tgt, GDB_X86_RIP, 0x3000);
	steps = tgt.steps;
	send_pkt(s, "vCont;r1000,1010");
	run_target(s, 10);
	is_u64(tgt.steps - steps, 1, "range step from outside: one step");
	gdbstub_destroy(s);
}

static void test_interrupt(void)
{
	struct gdbstub *s = running_stub();

	tgt.ram[0x1000] = 0xeb;		/* jmp $ */
	send_pkt(s, "c");
	run_target(s, 5);
	ok(rx.nr == 0 && gdbstub_running(s), "jmp $: still running");
	send_pkt(s, "qC");
	ok(rx.nr == 0 && rx.acks[0] == '+',
	   "a packet while running: acked, not answered");
	out_clear();
	feed_str(s, "\x03");
	ok(tgt.interrupted, "^C calls the interrupt op");
	run_target(s, 5);
	is_str(last(), "T02thread:1;06:0000000000000000;07:0000000000000000;"
	       "10:0010000000000000;", "^C while running: T02 once the target "
	       "reports");

	/* console output while running, and with a stop */
	send_pkt(s, "c");
	out_clear();
	is_u64(gdbstub_console(s, "hi\n", 3), 3, "console while running");
	parse_out();
	is_str(last(), "O68690a", "as an O packet");
	{
		struct gdbstub_stop st = {
			.reason = GDBSTUB_STOP_SIGNAL, .signo = 11,
			.console = "bye", .console_len = 3,
		};

		out_clear();
		gdbstub_stopped(s, &st);
		parse_out();
		ok(rx.nr == 2 && strcmp(rx.pkt[0], "O627965") == 0 &&
		   strncmp(rx.pkt[1], "T0b", 3) == 0,
		   "a stop with console text: O then T0b");
	}
	is_u64(gdbstub_console(s, "hi\n", 3), 0, "console while stopped: 0");

	/* a fault that races a ^C is reported as the fault */
	send_pkt(s, "c");
	feed_str(s, "\x03");
	{
		struct gdbstub_stop st = { .reason = GDBSTUB_STOP_SIGNAL,
					   .signo = 11 };

		out_clear();
		gdbstub_stopped(s, &st);
		parse_out();
		ok(strncmp(last(), "T0b", 3) == 0,
		   "SIGSEGV after a ^C stays T0b (%s)", last());
	}
	gdbstub_destroy(s);
}

static void test_monitor(void)
{
	struct gdbstub_target_ops ops = fake_target_ops;
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	static char q[256], want[64], text[40000];
	size_t n = 0;
	int i;

	strcpy(q, "qRcmd,");
	hexstr(q + 6, "hello");
	send_pkt(s, q);
	hexstr(want + 1, "hello, world\n");
	want[0] = 'O';
	ok(rx.nr == 2 && strcmp(rx.pkt[0], want) == 0 &&
	   strcmp(rx.pkt[1], "OK") == 0, "monitor hello: O text, then OK");
	hexstr(q + 6, "fail");
	is_str(xchg(s, q), "E05", "monitor fail: E05 (EIO)");
	hexstr(q + 6, "long");
	send_pkt(s, q);
	for (i = 0; i + 1 < rx.nr; i++) {
		size_t len = strlen(rx.pkt[i] + 1) / 2, j;

		for (j = 0; j < len && n < sizeof(text); j++)
			text[n++] = (char)strtoul((char[]){ rx.pkt[i][1 + 2 * j],
					rx.pkt[i][2 + 2 * j], 0 }, NULL, 16);
	}
	ok(rx.nr > 2 && n == 33000 && strcmp(last(), "OK") == 0 &&
	   !rx.bad_csum, "monitor long: %d packets, %zu bytes, then OK",
	   rx.nr, n);
	is_str(xchg(s, "qRcmd,6"), "E16", "qRcmd odd hex: E16");
	is_str(xchg(s, "qRcmd,zz"), "E16", "qRcmd bad hex: E16");
	gdbstub_destroy(s);

	ops.monitor = NULL;
	s = make_stub(&ops, &gdb_x86_64_layout);
	is_str(xchg(s, "qRcmd,6869"), "", "no monitor op: empty");
	gdbstub_destroy(s);
}

static void test_layout_switch(void)
{
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);

	tgt.layout = &gdb_i8086_layout;
	xchg(s, "qSupported");
	send_pkt(s, "g");
	is_u64(strlen(last()), 2 * gdb_layout_regs_size(&gdb_i8086_layout),
	       "qSupported picks the target's layout (i8086 g length)");
	send_pkt(s, "qXfer:features:read:target.xml:0,7000");
	ok(strstr(last(), "<architecture>i8086</architecture>") != NULL,
	   "and its target.xml");
	gdbstub_destroy(s);
}

/* ---- following a new layout: exec stop events ------------------------- */

static const char *fake_exec_file(void *ctx)
{
	(void)ctx;
	return "/g.elf";
}

#define EXEC_REPLY	"T05exec:2f672e656c66;thread:1;"	/* hex "/g.elf" */

/* A stub whose gdb offered exec-events+, its target stopped at 0x1000 in
 * long mode (the x86-64 layout). */
static struct gdbstub *exec_stub(struct gdbstub_target_ops *ops)
{
	struct gdbstub *s;

	*ops = fake_target_ops;
	ops->exec_file = fake_exec_file;
	s = make_stub(ops, &gdb_x86_64_layout);
	xchg(s, "qSupported:swbreak+;hwbreak+;exec-events+");
	fake_set_reg(&tgt, GDB_X86_RIP, 0x1000);
	return s;
}

static size_t g_len(struct gdbstub *s)
{
	return strlen(xchg(s, "g"));
}

static void test_exec_offer(void)
{
	struct gdbstub_target_ops ops;
	struct gdbstub *s = exec_stub(&ops);

	ok(strstr(xchg(s, "qSupported:exec-events+"), ";exec-events+") != NULL,
	   "with exec_file: qSupported offers exec-events+");
	ok(gdbstub_follows_layout(s), "a gdb that offered it follows layouts");
	xchg(s, "qSupported:swbreak+");
	ok(!gdbstub_follows_layout(s), "one that did not, does not");
	tgt.layout = &gdb_i386_layout;
	send_pkt(s, "s");
	run_target(s, 10);
	ok(strncmp(last(), "T05thread:1;", 12) == 0,
	   "without exec-events: a plain stop after a layout change (%s)", last());
	is_u64(g_len(s), 2 * gdb_layout_regs_size(&gdb_x86_64_layout),
	       "... in the layout of the connection");
	gdbstub_destroy(s);
	s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	ok(!strstr(xchg(s, "qSupported:exec-events+"), "exec-events"),
	   "without exec_file: no exec-events+");
	gdbstub_destroy(s);
}

static void test_exec_step(void)
{
	struct gdbstub_target_ops ops;
	struct gdbstub *s = exec_stub(&ops);
	unsigned int steps;

	tgt.layout = &gdb_i386_layout;	/* the step enters 32-bit code */
	send_pkt(s, "vCont;s:1");
	run_target(s, 10);
	is_str(last(), EXEC_REPLY, "a step into a new layout: the exec stop");
	is_u64(g_len(s), 2 * gdb_layout_regs_size(&gdb_x86_64_layout),
	       "g stays in the old layout until gdb reads target.xml");
	send_pkt(s, "qXfer:features:read:target.xml:0,7000");
	ok(strstr(last(), "<architecture>i386</architecture>") != NULL,
	   "target.xml from its start: the new layout");
	is_u64(g_len(s), 2 * gdb_layout_regs_size(&gdb_i386_layout),
	       "g in the new layout after it");
	steps = tgt.steps;
	send_pkt(s, "vCont;c");
	is_str(last(), "T05thread:1;04:00000000;05:00000000;08:01100000;",
	       "gdb's vCont;c gets the held step, in the new layout");
	ok(tgt.steps == steps && !gdbstub_running(s),
	   "... without running the target");
	send_pkt(s, "s");
	run_target(s, 10);
	ok(strncmp(last(), "T05thread:1;", 12) == 0, "then on as usual (%s)",
	   last());
	gdbstub_destroy(s);
}

static void test_exec_break(void)
{
	struct gdbstub_target_ops ops;
	struct gdbstub *s = exec_stub(&ops);

	xchg(s, "Z0,1010,1");
	tgt.layout = &gdb_i386_layout;
	send_pkt(s, "c");
	run_target(s, 20);
	is_str(last(), EXEC_REPLY, "a breakpoint in a new layout: the exec stop");
	xchg(s, "qXfer:features:read:target.xml:0,7000");
	xchg(s, "Z0,1010,1");		/* gdb inserts its breakpoints again */
	send_pkt(s, "vCont;c");
	ok(strncmp(last(), "T05swbreak:;thread:1;", 21) == 0,
	   "gdb's breakpoint is back: the held swbreak (%s)", last());

	/* A breakpoint gdb does not insert again was its own (next's
	 * step-resume): a plain SIGTRAP, or gdb runs on. */
	fake_set_reg(&tgt, GDB_X86_RIP, 0x1100);
	xchg(s, "Z0,1110,1");
	tgt.layout = &gdb_x86_64_layout;
	send_pkt(s, "c");
	run_target(s, 20);
	is_str(last(), EXEC_REPLY, "back to 64-bit: the exec stop");
	xchg(s, "qXfer:features:read:target.xml:0,7000");
	send_pkt(s, "vCont;c");
	ok(strncmp(last(), "T05thread:1;", 12) == 0,
	   "a breakpoint gdb dropped: a plain T05 (%s)", last());
	xchg(s, "z0,1110,1");
	xchg(s, "z0,1010,1");
	gdbstub_destroy(s);
}

/* A step off a breakpoint into a new layout: after the exec gdb owes that
 * step (vCont;s), then continues, for its stepi and its continue alike. */
static void test_exec_step_over(void)
{
	struct gdbstub_target_ops ops;
	struct gdbstub *s = exec_stub(&ops);
	unsigned int steps, conts;

	xchg(s, "Z0,1010,1");
	send_pkt(s, "c");
	run_target(s, 20);
	xchg(s, "z0,1010,1");
	tgt.layout = &gdb_i386_layout;
	send_pkt(s, "vCont;s:1");
	run_target(s, 10);
	ok(gdbstub_stepping_off_break(s), "a step from a breakpoint stop is a step off it");
	is_str(last(), EXEC_REPLY, "the step off a breakpoint into a new layout: exec stop");
	xchg(s, "qXfer:features:read:target.xml:0,7000");
	xchg(s, "Z0,1010,1");
	steps = tgt.steps;
	conts = tgt.conts;
	send_pkt(s, "vCont;s:1");
	ok(strncmp(last(), "T05thread:1;04:", 15) == 0 && tgt.steps == steps,
	   "gdb's owed step: done in place, new layout (%s)", last());
	send_pkt(s, "vCont;c");
	ok(strncmp(last(), "T05thread:1;", 12) == 0 && tgt.conts == conts &&
	   !gdbstub_running(s), "its continue: the held step, nothing run (%s)", last());
	send_pkt(s, "vCont;c");
	ok(gdbstub_running(s) && tgt.conts == conts + 1, "the next continue runs");
	gdbstub_destroy(s);

	/* gdb stops for the user after the owed step (a breakpoint where it
	 * landed): it removes its breakpoints, and the held stop is dropped */
	s = exec_stub(&ops);
	xchg(s, "Z0,1010,1");
	send_pkt(s, "c");
	run_target(s, 20);
	tgt.layout = &gdb_i386_layout;
	send_pkt(s, "vCont;s:1");
	run_target(s, 10);
	xchg(s, "qXfer:features:read:target.xml:0,7000");
	send_pkt(s, "vCont;s:1");
	xchg(s, "z0,1010,1");
	conts = tgt.conts;
	send_pkt(s, "vCont;c");
	ok(gdbstub_running(s) && tgt.conts == conts + 1,
	   "after gdb removed its breakpoints, a continue runs");
	gdbstub_destroy(s);
}

static void test_exec_watch(void)
{
	struct gdbstub_target_ops ops;
	struct gdbstub *s = exec_stub(&ops);
	unsigned int steps;

	fake_set_reg(&tgt, GDB_X86_RBX, 0x3000);
	tgt.ram[0x1003] = 0x88;		/* mov [rbx],al */
	xchg(s, "Z2,3000,1");
	tgt.layout = &gdb_i386_layout;
	send_pkt(s, "c");
	run_target(s, 20);
	ok(strncmp(last(), "T05watch:3000;thread:1;06:", 26) == 0,
	   "a watchpoint in a new layout: reported in the old one (%s)", last());
	xchg(s, "z2,3000,1");
	steps = tgt.steps;
	send_pkt(s, "vCont;s:1");
	is_str(last(), EXEC_REPLY, "gdb's next resume (a stepi) gets the exec stop");
	xchg(s, "qXfer:features:read:target.xml:0,7000");
	send_pkt(s, "vCont;c");
	ok(gdbstub_running(s) && tgt.steps == steps + 1,
	   "gdb's vCont;c after it does the step it answered");
	run_target(s, 10);
	is_str(last(), "T05thread:1;04:00000000;05:00000000;08:05100000;",
	       "reported in the new layout");
	gdbstub_destroy(s);
}

static unsigned int reverse_conts;

static int fake_reverse_cont(void *ctx)
{
	(void)ctx;
	reverse_conts++;
	return 0;
}

/* gdb resumes in its direction after an exec stop: a bc gets the held
 * stop as a vCont;c does. */
static void test_exec_reverse(void)
{
	struct gdbstub_target_ops ops;
	struct gdbstub *s = exec_stub(&ops);

	gdbstub_destroy(s);
	ops.reverse_cont = fake_reverse_cont;
	s = make_stub(&ops, &gdb_x86_64_layout);
	xchg(s, "qSupported:swbreak+;hwbreak+;exec-events+");
	fake_set_reg(&tgt, GDB_X86_RIP, 0x1000);
	tgt.layout = &gdb_i386_layout;
	send_pkt(s, "s");
	run_target(s, 10);
	is_str(last(), EXEC_REPLY, "a step into a new layout: the exec stop");
	reverse_conts = 0;
	send_pkt(s, "bc");
	ok(strncmp(last(), "T05thread:1;", 12) == 0 && !reverse_conts &&
	   !gdbstub_running(s), "a bc after it gets the held step, nothing run (%s)", last());
	send_pkt(s, "bc");
	ok(reverse_conts == 1 && gdbstub_running(s), "the next bc runs backwards");
	gdbstub_destroy(s);
}

static void test_exec_other(void)
{
	struct gdbstub_target_ops ops;
	struct gdbstub *s = exec_stub(&ops);

	/* gdb's step owed from before the exec: done in place, then the
	 * held stop answers its continue. */
	tgt.layout = &gdb_i386_layout;
	tgt.ram[0x1000] = 0xeb;		/* jmp $: only ^C stops it */
	send_pkt(s, "c");
	fake_target_poll(&tgt, s, 1);
	out_clear();
	feed_str(s, "\x03");
	run_target(s, 10);
	is_str(last(), EXEC_REPLY, "^C in a new layout: the exec stop");
	send_pkt(s, "vCont;s:1");
	ok(strncmp(last(), "T05thread:1;", 12) == 0 && !gdbstub_running(s),
	   "a step after it: done in place (%s)", last());
	send_pkt(s, "vCont;c");
	ok(strncmp(last(), "T02thread:1;", 12) == 0,
	   "the continue gets the held T02 (%s)", last());
	tgt.ram[0x1000] = 0;

	/* the end of the run is a W, never an exec stop */
	tgt.layout = &gdb_x86_64_layout;
	tgt.ram[0x1200] = 0xf4;
	fake_set_reg(&tgt, GDB_X86_RIP, 0x1200);
	send_pkt(s, "c");
	run_target(s, 10);
	is_str(last(), "W00", "an exit in a new layout: W00");
	gdbstub_reset(s);
	send_pkt(s, "qSupported:exec-events+");
	is_u64(g_len(s), 2 * gdb_layout_regs_size(&gdb_x86_64_layout),
	       "a new connection takes the layout at qSupported");
	gdbstub_destroy(s);
}

static void test_end(void)
{
	struct gdbstub_target_ops ops = fake_target_ops;
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	int r;

	r = send_pkt(s, "D");
	ok(r == GDBSTUB_CLOSE && strcmp(last(), "OK") == 0 && tgt.detached,
	   "D: OK, detach op, GDBSTUB_CLOSE");
	r = send_pkt(s, "qC");
	ok(r == GDBSTUB_CLOSE && out.len == 0, "nothing after D");
	gdbstub_destroy(s);

	s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	r = send_pkt(s, "D;1");
	ok(r == GDBSTUB_CLOSE, "D;pid");
	gdbstub_destroy(s);

	s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	xchg(s, "QStartNoAckMode");	/* no '+': only the reply is written */
	r = send_pkt(s, "k");
	ok(r == GDBSTUB_CLOSE && strcmp(last(), "X09") == 0 && tgt.killed,
	   "k: X09 (LLDB waits for it, gdb ignores it), kill op, GDBSTUB_CLOSE");
	ok(tgt.kill_after_reply, "k: the reply is written before the kill op");
	r = send_pkt(s, "qC");
	ok(r == GDBSTUB_CLOSE && out.len == 0, "nothing after k");
	gdbstub_destroy(s);

	s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	xchg(s, "QStartNoAckMode");
	is_str(xchg(s, "vKill;zz"), "E16", "vKill;zz: E16");
	ok(!tgt.killed, "... and nothing killed");
	r = send_pkt(s, "vKill;a410");
	ok(r == GDBSTUB_CLOSE && strcmp(last(), "OK") == 0 && tgt.killed &&
	   tgt.kill_after_reply, "vKill;pid: OK, then the kill op, GDBSTUB_CLOSE");
	gdbstub_destroy(s);

	s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	is_str(xchg(s, "Dx"), "E16", "D with junk: E16");
	is_str(xchg(s, "qSupportsDetachAndStayStopped:"), "OK",
	       "qSupportsDetachAndStayStopped: OK with a detach_stopped op");
	r = send_pkt(s, "D1");
	ok(r == GDBSTUB_CLOSE && strcmp(last(), "OK") == 0 &&
	   tgt.detached_stopped && !tgt.detached,
	   "D1: OK, detach_stopped op (not detach), GDBSTUB_CLOSE");
	gdbstub_destroy(s);

	ops.detach_stopped = NULL;
	s = make_stub(&ops, &gdb_x86_64_layout);
	is_str(xchg(s, "qSupportsDetachAndStayStopped:"), "",
	       "without detach_stopped: qSupportsDetachAndStayStopped empty");
	r = send_pkt(s, "D1");
	ok(r == GDBSTUB_OK && strcmp(last(), "") == 0 && !tgt.detached,
	   "... and D1 empty, the session goes on");
	gdbstub_destroy(s);
	ops.detach_stopped = fake_target_ops.detach_stopped;

	ops.detach = NULL;
	ops.kill = NULL;
	s = make_stub(&ops, &gdb_x86_64_layout);
	r = send_pkt(s, "k");
	ok(r == GDBSTUB_CLOSE && strcmp(last(), "X09") == 0,
	   "k without a kill op: X09, still closes");
	gdbstub_destroy(s);
}

/* qXfer:threads:read: one thread, windowed like target.xml. */
static void test_xfer_threads(void)
{
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	char whole[512] = "";
	const char *r;
	unsigned int off = 0;

	r = xchg(s, "qXfer:threads:read::0,1000");
	ok(r[0] == 'l' && strstr(r, "<threads>") &&
	   strstr(r, "<thread id=\"1\"") && strstr(r, "</threads>"),
	   "qXfer:threads:read: the whole list in one 'l' reply");
	for (;;) {	/* 16 bytes at a time, as a small PacketSize would */
		char pkt[64];

		snprintf(pkt, sizeof(pkt), "qXfer:threads:read::%x,10", off);
		r = xchg(s, pkt);
		if (r[0] != 'm' && r[0] != 'l')
			break;
		strncat(whole, r + 1, sizeof(whole) - strlen(whole) - 1);
		off += (unsigned int)strlen(r + 1);
		if (r[0] == 'l' || off > 400)
			break;
	}
	ok(r[0] == 'l' && strstr(whole, "<thread id=\"1\"") &&
	   strstr(whole, "</threads>"), "... or in 16-byte pieces that join up");
	is_str(xchg(s, "qXfer:threads:read::1000,10"), "l", "past the end: l");
	is_str(xchg(s, "qXfer:threads:read:x:0,10"), "E02", "an annex: E02");
	is_str(xchg(s, "qXfer:threads:read::zz"), "E16", "malformed: E16");
	gdbstub_destroy(s);
}

/* LLDB's qMemoryRegionInfo, QListThreadsInStopReply, qProcessInfo. */
static void test_lldb(void)
{
	struct gdbstub_target_ops ops = fake_target_ops;
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);
	char want[256];

	is_str(xchg(s, "qMemoryRegionInfo:400"),
	       "start:0;size:8000;permissions:rw;", "region at 0x400: rw-");
	is_str(xchg(s, "qMemoryRegionInfo:8000"),
	       "start:8000;size:8000;permissions:rx;", "region at 0x8000: r-x");
	is_str(xchg(s, "qMemoryRegionInfo:ffff0000"),
	       "start:10000;size:fffffffffffeffff;",
	       "unmapped: start and size, no permissions");
	is_str(xchg(s, "qMemoryRegionInfo:zz"), "E16", "bad address: E16");
	is_str(xchg(s, "qMemoryRegionInfo:"), "E16", "no address: E16");

	fake_set_reg(&tgt, GDB_X86_RIP, 0x1234);
	ok(!strstr(xchg(s, "?"), "threads:"), "no threads: in T before asked");
	is_str(xchg(s, "QListThreadsInStopReply"), "OK",
	       "QListThreadsInStopReply: OK");
	r_has(s, "?", "threads:1;thread-pcs:1234;",
	      "then T carries threads:1;thread-pcs:PC;");
	send_pkt(s, "s");
	run_target(s, 10);
	ok(strstr(last(), "threads:1;thread-pcs:1235;") != NULL,
	   "... in a step's stop reply too (%s)", last());

	hexstr(want, "x86_64-unknown-unknown");
	xchg(s, "qProcessInfo");
	ok(strstr(last(), want) &&
	   strstr(last(), "pid:1;") && strstr(last(), "ptrsize:8;") &&
	   strstr(last(), "endian:little;"),
	   "qProcessInfo: pid 1, x86_64 triple (hex), ptrsize 8 (%s)", last());
	gdbstub_destroy(s);

	s = make_stub(&fake_target_ops, &gdb_i8086_layout);
	xchg(s, "qSupported");
	hexstr(want, "i386-unknown-unknown-code16");
	xchg(s, "qProcessInfo");
	ok(strstr(last(), want) &&
	   strstr(last(), "ptrsize:4;"),
	   "qProcessInfo in real mode: i386 code16, so LLDB decodes 16-bit");
	gdbstub_reset(s);
	ok(!strstr(xchg(s, "?"), "threads:"), "reset: threads: off again");
	gdbstub_destroy(s);

	ops.mem_region = NULL;
	s = make_stub(&ops, &gdb_x86_64_layout);
	is_str(xchg(s, "qMemoryRegionInfo:400"), "",
	       "without mem_region: qMemoryRegionInfo empty");
	gdbstub_destroy(s);
}

/* QEMU's packets: single-step flags and physical memory mode. */
static void test_qemu(void)
{
	struct gdbstub_target_ops ops = fake_target_ops;
	struct gdbstub *s = make_stub(&fake_target_ops, &gdb_x86_64_layout);

	is_str(xchg(s, "qqemu.Supported"), "sstepbits;sstep;PhyMemMode",
	       "qqemu.Supported");
	is_str(xchg(s, "qqemu.sstepbits"), "ENABLE=1,NOIRQ=2,NOTIMER=4",
	       "qqemu.sstepbits");
	is_str(xchg(s, "Qqemu.sstepbits"), "ENABLE=1,NOIRQ=2,NOTIMER=4",
	       "Qqemu.sstepbits (pwndbg's spelling)");
	is_str(xchg(s, "qqemu.sstep"), "0x7", "qqemu.sstep: 0x7 by default");
	is_str(xchg(s, "Qqemu.sstep=0x5"), "OK", "Qqemu.sstep=0x5");
	is_str(xchg(s, "qqemu.sstep"), "0x5", "... reads back");
	is_str(xchg(s, "Qqemu.sstep:3"), "OK", "Qqemu.sstep:3");
	is_str(xchg(s, "Qqemu.sstep"), "0x3", "... reads back");
	is_str(xchg(s, "Qqemu.sstep=0x8"), "E16", "an unknown bit: E16");
	is_str(xchg(s, "Qqemu.sstep=zz"), "E16", "not a number: E16");
	is_str(xchg(s, "Qqemu.sstep="), "E16", "no number: E16");

	xchg(s, "Qqemu.sstep=0x6");
	tgt.ram[0x1000] = 0x90;
	tgt.ram[0x1001] = 0xeb;	/* jmp $: only ^C stops it */
	fake_set_reg(&tgt, GDB_X86_RIP, 0x1000);
	send_pkt(s, "vCont;s");
	ok(tgt.conts == 1 && tgt.steps == 0,
	   "ENABLE clear: a step continues, as in QEMU");
	gdbstub_feed(s, "\x03", 1);
	run_target(s, 10);
	ok(strncmp(last(), "T02", 3) == 0, "... until ^C (%s)", last());
	gdbstub_reset(s);
	is_str(xchg(s, "qqemu.sstep"), "0x7", "reset: 0x7 again");

	memset(tgt.phys, 0x5a, sizeof(tgt.phys));
	tgt.ram[0x100] = 0x11;
	is_str(xchg(s, "qqemu.PhyMemMode"), "0", "PhyMemMode 0 at first");
	is_str(xchg(s, "m100,1"), "11", "m reads RAM (virtual)");
	is_str(xchg(s, "Qqemu.PhyMemMode:1"), "OK", "Qqemu.PhyMemMode:1");
	is_str(xchg(s, "qqemu.PhyMemMode"), "1", "... reads back 1");
	is_str(xchg(s, "m100,2"), "5a5a", "m now reads physical memory");
	is_str(xchg(s, "Mffe,2:abcd"), "OK", "M writes physical memory");
	ok(tgt.phys[0xffe] == 0xab && tgt.phys[0xfff] == 0xcd &&
	   tgt.ram[0xffe] == 0, "... the physical bytes, not RAM's");
	is_str(xchg(s, "Mfff,2:abcd"), "E0e", "M past physical memory: E0e");
	is_str(xchg(s, "m1000,1"), "E0e", "m past physical memory: E0e");
	is_str(xchg(s, "X10,1:q"), "OK", "X writes physical memory");
	ok(tgt.phys[0x10] == 'q', "... there");
	is_str(xchg(s, "Qqemu.PhyMemMode:0"), "OK", "Qqemu.PhyMemMode:0");
	is_str(xchg(s, "m100,1"), "11", "m reads RAM again");
	xchg(s, "Qqemu.PhyMemMode:2");
	is_str(xchg(s, "qqemu.PhyMemMode"), "1", "any non-zero N is on");
	is_str(xchg(s, "Qqemu.PhyMemMode:x"), "E16", "PhyMemMode:x: E16");
	gdbstub_reset(s);
	is_str(xchg(s, "qqemu.PhyMemMode"), "0", "reset: virtual again");
	gdbstub_destroy(s);

	ops.read_phys = NULL;
	ops.step = NULL;
	s = make_stub(&ops, &gdb_x86_64_layout);
	is_str(xchg(s, "qqemu.Supported"), "",
	       "without step and read_phys: qqemu.Supported lists nothing");
	is_str(xchg(s, "qqemu.PhyMemMode"), "", "... PhyMemMode empty");
	is_str(xchg(s, "Qqemu.PhyMemMode:1"), "", "... cannot be set");
	is_str(xchg(s, "qqemu.sstepbits"), "", "... sstepbits empty");
	is_str(xchg(s, "Qqemu.sstep=1"), "", "... sstep cannot be set");
	gdbstub_destroy(s);
}

int main(void)
{
	test_create();
	test_layout(&gdb_x86_64_layout);
	test_layout(&gdb_i386_layout);
	test_layout(&gdb_i8086_layout);
	test_bad_layouts();
	test_xml_window();
	test_query();
	test_xfer();
	test_regs(&gdb_x86_64_layout);
	test_regs(&gdb_i386_layout);
	test_regs(&gdb_i8086_layout);
	test_narrow_regs();
	test_status();
	test_memory();
	test_rle();
	test_framing();
	test_no_ack();
	test_breakpoints();
	test_resume();
	test_watch();
	test_vcont();
	test_range_step();
	test_interrupt();
	test_monitor();
	test_layout_switch();
	test_exec_offer();
	test_exec_step();
	test_exec_break();
	test_exec_step_over();
	test_exec_watch();
	test_exec_reverse();
	test_exec_other();
	test_end();
	test_xfer_threads();
	test_lldb();
	test_qemu();
	parse_out();		/* frees the last packets */
	out_clear();
	parse_out();
	return tap_done();
}
