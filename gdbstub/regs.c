/* regs.c - a register table makes both target.xml and the g/G layout.
 *
 * The remote register number of each register is its index in the table:
 * target.xml says so with regnum= ("Target Descriptions" > "Registers"),
 * and the g packet is the registers in that order, each bitsize / 8 bytes
 * little-endian ("Packets", g).  One table, so they cannot disagree.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gdbstub_int.h"

#define GDB_MAX_TYPES	64	/* types per layout: one bit each below */

/* "Target Descriptions" > "Predefined Target Types", and the size-based
 * shortcuts "int" and "float".
 */
static const char *const predefined_types[] = {
	"int", "float", "int8", "int16", "int32", "int64", "int128",
	"uint8", "uint16", "uint32", "uint64", "uint128", "code_ptr",
	"data_ptr", "ieee_half", "ieee_single", "ieee_double", "bfloat16",
	"arm_fpa_ext", "i387_ext",
};

static bool type_predefined(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(predefined_types) / sizeof(*predefined_types);
	     i++)
		if (strcmp(predefined_types[i], id) == 0)
			return true;
	return false;
}

static int type_find(const struct gdb_layout *layout, const char *id)
{
	unsigned int i;

	for (i = 0; i < layout->nr_types; i++)
		if (strcmp(layout->types[i].id, id) == 0)
			return (int)i;
	return -1;
}

size_t gdb_layout_regs_size(const struct gdb_layout *layout)
{
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < layout->nr_regs; i++)
		n += layout->regs[i].bitsize / 8;
	return n;
}

static bool feature_seen_before(const struct gdb_layout *layout,
				unsigned int index)
{
	const char *f = layout->regs[index].feature;
	unsigned int i;

	for (i = 0; i + 1 < index; i++)
		if (strcmp(layout->regs[i].feature, f) == 0)
			return true;
	return false;
}

int gdb_layout_check(const struct gdb_layout *layout, const char **why)
{
	unsigned int i, pcs = 0;

	*why = NULL;
	if (!layout->arch || !layout->nr_regs)
		*why = "a layout needs an architecture and registers";
	else if (layout->nr_types > GDB_MAX_TYPES)
		*why = "more than 64 type definitions";
	else if (layout->nr_regs > 256)	/* T packets use 2 hex digits */
		*why = "more than 256 registers";
	for (i = 0; !*why && i < layout->nr_regs; i++) {
		const struct gdb_reg *r = &layout->regs[i];

		if (!r->bitsize || r->bitsize % 8 || r->bitsize > 128)
			*why = "a bitsize is not a multiple of 8 up to 128";
		else if (!type_predefined(r->type) &&
			 type_find(layout, r->type) < 0)
			*why = "a register type is not predefined or defined";
		else if (i && strcmp(r->feature, layout->regs[i - 1].feature) &&
			 feature_seen_before(layout, i))
			*why = "a feature's registers are not contiguous";
		if (r->flags & GDB_REG_PC)
			pcs++;
	}
	if (!*why && pcs != 1)
		*why = "a layout needs exactly one GDB_REG_PC register";
	return *why ? -EINVAL : 0;
}

int gdb_read_reg(struct gdbstub *stub, unsigned int index, uint8_t *buf)
{
	const struct gdb_reg *r = &stub->layout->regs[index];

	return stub->ops->read_reg(stub->cfg.ctx, r->id, buf, r->bitsize / 8);
}

/* ---- target.xml ------------------------------------------------------ */

/* Generates the document and keeps the window [off, off + len) of it, so
 * qXfer chunks need no stored copy.  pos counts the whole length.
 */
struct xml_sink {
	char *buf;
	size_t off, len, pos;
};

static void xml_put(struct xml_sink *s, const char *str)
{
	size_t n = strlen(str), i;

	for (i = 0; i < n; i++, s->pos++)
		if (s->pos >= s->off && s->pos - s->off < s->len)
			s->buf[s->pos - s->off] = str[i];
}

static void xml_printf(struct xml_sink *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void xml_printf(struct xml_sink *s, const char *fmt, ...)
{
	char line[256];		/* one element; names are short */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	xml_put(s, line);
}

static void xml_type(struct xml_sink *s, const struct gdb_layout *layout,
		     int index, unsigned int size, uint64_t *emitted)
{
	const struct gdb_type_def *t = &layout->types[index];
	unsigned int i;

	if (*emitted & (1ull << index))
		return;
	*emitted |= 1ull << index;
	/* A union's fields and a vector's element come first. */
	for (i = 0; t->kind == GDB_TYPE_UNION && i < t->nr_fields; i++) {
		int dep = type_find(layout, t->fields[i].type);

		if (dep >= 0)
			xml_type(s, layout, dep, 0, emitted);
	}
	switch (t->kind) {
	case GDB_TYPE_VECTOR:
		xml_printf(s, "<vector id=\"%s\" type=\"%s\" count=\"%u\"/>\n",
			   t->id, t->elem_type, t->count);
		return;
	case GDB_TYPE_FLAGS:
		xml_printf(s, "<flags id=\"%s\" size=\"%u\">\n", t->id, size);
		for (i = 0; i < t->nr_fields; i++)
			xml_printf(s, "  <field name=\"%s\" start=\"%u\" end=\"%u\"/>\n",
				   t->fields[i].name, t->fields[i].start,
				   t->fields[i].end);
		xml_put(s, "</flags>\n");
		return;
	case GDB_TYPE_UNION:
		xml_printf(s, "<union id=\"%s\">\n", t->id);
		for (i = 0; i < t->nr_fields; i++)
			xml_printf(s, "  <field name=\"%s\" type=\"%s\"/>\n",
				   t->fields[i].name, t->fields[i].type);
		xml_put(s, "</union>\n");
		return;
	}
}

/* One <feature>: the registers [first, end) share its name. */
static void xml_feature(struct xml_sink *s, const struct gdb_layout *layout,
			unsigned int first, unsigned int end)
{
	uint64_t emitted = 0;	/* types are scoped to their feature */
	unsigned int i;

	xml_printf(s, "<feature name=\"%s\">\n", layout->regs[first].feature);
	for (i = first; i < end; i++) {
		int t = type_find(layout, layout->regs[i].type);

		if (t >= 0)
			xml_type(s, layout, t, layout->regs[i].bitsize / 8,
				 &emitted);
	}
	for (i = first; i < end; i++) {
		const struct gdb_reg *r = &layout->regs[i];

		xml_printf(s, "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"",
			   r->name, r->bitsize, r->type, i);
		if (r->group)
			xml_printf(s, " group=\"%s\"", r->group);
		xml_put(s, "/>\n");
	}
	xml_put(s, "</feature>\n");
}

size_t gdb_layout_xml(const struct gdb_layout *layout, size_t off,
		      char *buf, size_t len)
{
	struct xml_sink s = { .buf = buf, .off = off, .len = len };
	unsigned int first = 0, i;

	xml_put(&s, "<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
		"<target version=\"1.0\">\n");
	xml_printf(&s, "<architecture>%s</architecture>\n", layout->arch);
	if (layout->osabi)
		xml_printf(&s, "<osabi>%s</osabi>\n", layout->osabi);
	/* gdb-target.dtd: architecture?, osabi?, compatible*, feature* */
	for (i = 0; layout->compatible && layout->compatible[i]; i++)
		xml_printf(&s, "<compatible>%s</compatible>\n",
			   layout->compatible[i]);
	for (i = 1; i <= layout->nr_regs; i++) {
		if (i < layout->nr_regs &&
		    strcmp(layout->regs[i].feature,
			   layout->regs[first].feature) == 0)
			continue;
		xml_feature(&s, layout, first, i);
		first = i;
	}
	xml_put(&s, "</target>\n");
	return s.pos;
}
