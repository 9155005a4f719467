/* expect.h - what a guest should have done by its final HLT. */
#ifndef VMM_EXPECT_H
#define VMM_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXPECT_MAX 16

struct vm;

struct expect {
	bool is_acc;		/* the accumulator, not memory */
	uint64_t addr;		/* guest-physical address of the word */
	uint64_t value;		/* what it must hold */
};

struct expect_list {
	struct expect e[EXPECT_MAX];
	unsigned n;
};

/* "0x400=42", "acc=42" (also rax/eax/ax), several separated by spaces or
 * commas. false with a reason in err if malformed. */
bool expect_parse(struct expect_list *list, const char *spec, char *err,
		  size_t errlen);

/* Check each expectation on the halted guest, as words of word bytes;
 * print a verdict line on stderr for each that fails. Returns failures. */
unsigned expect_check(const struct expect_list *list, const struct vm *vm,
		      uint64_t acc, unsigned word);

#endif
