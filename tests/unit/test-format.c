// SPDX-License-Identifier: GPL-2.0-or-later
/* printf formatting: SystemTap's conversions, flags, widths, precision */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "format.h"

/* formats one conversion (or a literal) with a number or a string */
static const char *fmt1(const char *f, int64_t n, const char *s)
{
	static char out[256];
	struct fmt fmt;
	struct fmt_arg args[4] = { { .num = n, .str = s, .len = s ? strlen(s) : 0 } };
	struct strbuf sb;
	const char *msg;
	size_t off;

	strbuf_init(&sb);
	if (fmt_parse(f, strlen(f), &fmt, &off, &msg))
		return "<parse error>";
	fmt_render(&fmt, args, &sb);
	snprintf(out, sizeof(out), "%s", sb.buf ? sb.buf : "");
	strbuf_release(&sb);
	fmt_release(&fmt);
	return out;
}

/* '*' widths and precisions come from the arguments, before the value */
static void test_star(void)
{
	struct fmt f;
	struct fmt_arg a[6] = { { .num = 5 }, { .num = 42 }, { .num = -4 },
				{ .num = 2 }, { .str = "xyz", .len = 3 } };
	struct strbuf sb;
	const char *msg;
	size_t off;

	strbuf_init(&sb);
	CHECK(!fmt_parse("[%*d][%*.*s]", 12, &f, &off, &msg));
	CHECK(f.nargs == 5);
	fmt_render(&f, a, &sb);
	CHECK_STR(sb.buf, "[   42][xy  ]");
	strbuf_release(&sb);
	fmt_release(&f);
}

static void test_integers(void)
{
	CHECK_STR(fmt1("%d", -42, NULL), "-42");
	CHECK_STR(fmt1("%i", 7, NULL), "7");
	CHECK_STR(fmt1("%u", -1, NULL), "18446744073709551615");
	CHECK_STR(fmt1("%x", 255, NULL), "ff");
	CHECK_STR(fmt1("%X", 255, NULL), "FF");
	CHECK_STR(fmt1("%x", -1, NULL), "ffffffffffffffff");
	CHECK_STR(fmt1("%o", 8, NULL), "10");
	CHECK_STR(fmt1("%d", INT64_MIN, NULL), "-9223372036854775808");
	CHECK_STR(fmt1("%c", 65, NULL), "A");
	/* C length modifiers are accepted and mean nothing */
	CHECK_STR(fmt1("%ld", 1, NULL), "1");
	CHECK_STR(fmt1("%lld", -2, NULL), "-2");
}

static void test_flags(void)
{
	CHECK_STR(fmt1("[%5d]", 42, NULL), "[   42]");
	CHECK_STR(fmt1("[%-5d]", 42, NULL), "[42   ]");
	CHECK_STR(fmt1("[%05d]", -42, NULL), "[-0042]");
	CHECK_STR(fmt1("[%+d]", 42, NULL), "[+42]");
	CHECK_STR(fmt1("[% d]", 42, NULL), "[ 42]");
	CHECK_STR(fmt1("[%#x]", 255, NULL), "[0xff]");
	CHECK_STR(fmt1("[%#X]", 255, NULL), "[0XFF]");
	CHECK_STR(fmt1("[%#o]", 8, NULL), "[010]");
	CHECK_STR(fmt1("[%#x]", 0, NULL), "[0]");
	CHECK_STR(fmt1("[%.3d]", 5, NULL), "[005]");
	CHECK_STR(fmt1("[%6.3d]", 5, NULL), "[   005]");
	CHECK_STR(fmt1("[%.0d]", 0, NULL), "[]");
	CHECK_STR(fmt1("[%-#6x]", 10, NULL), "[0xa   ]");
}

static void test_strings(void)
{
	CHECK_STR(fmt1("[%s]", 0, "abc"), "[abc]");
	CHECK_STR(fmt1("[%5s]", 0, "abc"), "[  abc]");
	CHECK_STR(fmt1("[%-5s]", 0, "abc"), "[abc  ]");
	CHECK_STR(fmt1("[%.2s]", 0, "abc"), "[ab]");
	CHECK_STR(fmt1("[%5.1s]", 0, "abc"), "[    a]");
	CHECK_STR(fmt1("[%3c]", 'x', NULL), "[  x]");
	CHECK_STR(fmt1("100%%", 0, NULL), "100%");
	CHECK_STR(fmt1("%%d", 0, NULL), "%d");
}

static void test_pointer(void)
{
	/* SystemTap prints pointers 0x-prefixed and zero-padded to 64 bits */
	CHECK_STR(fmt1("%p", 0x1234, NULL), "0x0000000000001234");
	CHECK_STR(fmt1("%p", -1, NULL), "0xffffffffffffffff");
	CHECK_STR(fmt1("[%20p]", 1, NULL), "[  0x0000000000000001]");
}

static void test_errors(void)
{
	struct fmt f;
	const char *msg = NULL;
	size_t off = 0;

	CHECK(fmt_parse("ab %q", 5, &f, &off, &msg) == -EINVAL);
	CHECK(off == 3);
	CHECK(msg && strstr(msg, "unknown conversion"));
	CHECK(fmt_parse("%5", 2, &f, &off, &msg) == -EINVAL);
	CHECK(msg && strstr(msg, "incomplete"));
	CHECK(fmt_parse("%d %s %%", 8, &f, &off, &msg) == 0);
	CHECK(f.nargs == 2);
	fmt_release(&f);
}

int main(void)
{
	test_integers();
	test_star();
	test_flags();
	test_strings();
	test_pointer();
	test_errors();
	return CHECK_DONE();
}
