// SPDX-License-Identifier: GPL-2.0-or-later
/* the line map and caret rendering of diagnostics */
#include <stdlib.h>

#include "check.h"
#include "diag.h"
#include "source.h"

static struct src_file *file(const char *text)
{
	struct src_file *f = NULL;

	if (src_file_from_string("t.tap", text, strlen(text), &f))
		abort();
	return f;
}

static void test_positions(void)
{
	struct src_file *f = file("ab\n\tc\n\n  d");
	unsigned line, col;

	src_position(f, 0, &line, &col);
	CHECK(line == 1 && col == 1);
	src_position(f, 1, &line, &col);
	CHECK(line == 1 && col == 2);
	/* a tab moves to the next multiple of 8, plus one */
	src_position(f, 4, &line, &col);
	CHECK(line == 2 && col == 9);
	src_position(f, 6, &line, &col);
	CHECK(line == 3 && col == 1);
	src_position(f, 9, &line, &col);
	CHECK(line == 4 && col == 3);
	CHECK(f->nlines == 4);
	src_file_free(f);
}

static void test_utf8_columns(void)
{
	/* "é" is two bytes but one column */
	struct src_file *f = file("\xc3\xa9x");
	unsigned line, col;

	src_position(f, 2, &line, &col);
	CHECK(col == 2);
	src_file_free(f);
}

static const char *excerpt(struct src_file *f, uint32_t start, uint32_t end)
{
	static char buf[512];
	FILE *m = fmemopen(buf, sizeof(buf), "w");

	src_print_excerpt(f, (struct src_range){ start, end }, m, "", "");
	fclose(m);
	return buf;
}

static void test_caret(void)
{
	struct src_file *f = file("x = $fname\n\tprintf(y)\n");

	CHECK_STR(excerpt(f, 4, 10), "    1 | x = $fname\n      |     ^~~~~~\n");
	/* the tab is expanded, so the caret lines up under "y" */
	CHECK_STR(excerpt(f, 19, 20), "    2 |         printf(y)\n      |                ^\n");
	src_file_free(f);
}

static void test_diag(void)
{
	struct src_file *f = file("probe begin { oops }\n");
	char buf[1024] = "";
	FILE *m = fmemopen(buf, sizeof(buf), "w");
	struct diag d;

	diag_init(&d, f);
	diag_error(&d, (struct src_range){ 14, 18 }, "unknown variable '%s'", "oops");
	diag_note(&d, (struct src_range){ 14, 18 }, "did you mean '%s'?", "ops");
	diag_note(&d, SRC_NO_RANGE, "kernel: %s", "no");
	diag_print(&d, m, "tapc", false);
	fclose(m);
	CHECK_STR(buf,
		  "t.tap:1:15: error: unknown variable 'oops'\n"
		  "    1 | probe begin { oops }\n"
		  "      |               ^~~~\n"
		  "t.tap:1:15: note: did you mean 'ops'?\n"
		  "tapc: note: kernel: no\n");
	CHECK(d.errors == 1);
	diag_release(&d);
	src_file_free(f);
}

static void test_error_limit(void)
{
	struct src_file *f = file("x");
	struct diag d;

	diag_init(&d, f);
	for (int i = 0; i < 25; i++)
		diag_error(&d, (struct src_range){ 0, 1 }, "e%d", i);
	CHECK(d.errors == 25);
	CHECK(d.n == 20);
	CHECK(diag_full(&d));
	diag_release(&d);
	src_file_free(f);
}

int main(void)
{
	test_positions();
	test_utf8_columns();
	test_caret();
	test_diag();
	test_error_limit();
	return CHECK_DONE();
}
