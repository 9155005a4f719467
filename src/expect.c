/* expect.c - the checks at the final HLT, as kvm-hello-world makes them:
 * the word at 0x400 and the accumulator both hold 42. A guest states its
 * own in a ".vmm.expect" section (loader.c); a user adds more with
 * --expect. Memory is read as the mode's natural word (2, 4 or 8 bytes). */
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include "util.h"
#include "vm.h"

static bool is_acc_name(const char *s)
{
	return !strcmp(s, "acc") || !strcmp(s, "rax") || !strcmp(s, "eax") ||
	       !strcmp(s, "ax");
}

static bool parse_one(struct expect_list *list, const char *tok, char *err,
		      size_t errlen)
{
	char lhs[64], rhs[64];
	const char *eq = strchr(tok, '=');
	struct expect e = { 0 };

	if (!eq || eq == tok || (size_t)(eq - tok) >= sizeof(lhs) ||
	    strlen(eq + 1) >= sizeof(rhs)) {
		snprintf(err, errlen, "'%s' is not ADDR=VALUE or acc=VALUE", tok);
		return false;
	}
	memcpy(lhs, tok, eq - tok);
	lhs[eq - tok] = '\0';
	strcpy(rhs, eq + 1);
	e.is_acc = is_acc_name(lhs);
	if (!e.is_acc && !parse_u64(lhs, &e.addr)) {
		snprintf(err, errlen, "'%s': '%s' is neither an address nor acc", tok, lhs);
		return false;
	}
	if (!parse_u64(rhs, &e.value)) {
		snprintf(err, errlen, "'%s': '%s' is not a number", tok, rhs);
		return false;
	}
	if (list->n == EXPECT_MAX) {
		snprintf(err, errlen, "more than %d expectations", EXPECT_MAX);
		return false;
	}
	list->e[list->n++] = e;
	return true;
}

/* A guest's section is untrusted text bound for the user's terminal. */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

bool expect_parse(struct expect_list *list, const char *spec, char *err,
		  size_t errlen)
{
	char tok[160];
	size_t len;

	while (*spec) {
		len = strcspn(spec, " ,\t\n");
		if (len >= sizeof(tok)) {
			snprintf(err, errlen, "expectation too long");
			return false;
		}
		if (len) {
			memcpy(tok, spec, len);
			tok[len] = '\0';
			printable(tok);	/* it may be quoted in err */
			if (!parse_one(list, tok, err, errlen))
				return false;
		}
		spec += len;
		spec += strspn(spec, " ,\t\n");
	}
	return true;
}

static uint64_t word_mask(unsigned word)
{
	return word >= 8 ? UINT64_MAX : (1ULL << (8 * word)) - 1;
}

unsigned expect_check(const struct expect_list *list, const struct vm *vm,
		      uint64_t acc, unsigned word)
{
	const struct expect *e;
	unsigned i, failed = 0;
	uint64_t got, want;
	const uint8_t *p;

	for (i = 0; i < list->n; i++) {
		e = &list->e[i];
		want = e->value & word_mask(word);
		if (e->is_acc) {
			got = acc & word_mask(word);
			if (got == want)
				continue;
			pr_err("verdict: the accumulator holds 0x%llx, expected 0x%llx (%llu)",
			       (unsigned long long)got, (unsigned long long)want,
			       (unsigned long long)want);
			failed++;
			continue;
		}
		p = vm_gpa(vm, e->addr, word);
		if (!p) {
			pr_err("verdict: 0x%llx is outside guest RAM: cannot check it",
			       (unsigned long long)e->addr);
			failed++;
			continue;
		}
		got = 0;
		memcpy(&got, p, word);	/* x86 is little-endian, as are we */
		if (got == want)
			continue;
		pr_err("verdict: the %u-byte word at 0x%llx holds 0x%llx, expected 0x%llx (%llu)",
		       word, (unsigned long long)e->addr, (unsigned long long)got,
		       (unsigned long long)want, (unsigned long long)want);
		failed++;
	}
	return failed;
}
