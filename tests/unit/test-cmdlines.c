// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cmdlines of a raw recording's files: what the kernel's small table
 * holds now, plus the tasks earlier files named that it has since
 * dropped, newest first, within the room the header has.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tracedat.h"

static char *merge(const char *now, const char *before, size_t room)
{
	size_t len = 12345;
	char *out = tracedat_merge_cmdlines(now, strlen(now), before,
					    before ? strlen(before) : 0, room, &len);
	char *text = out ? strndup(out, len) : NULL;

	free(out);
	return text;
}

#define CHECK_MERGE(now, before, room, want)           \
	do {                                           \
		char *got_ = merge(now, before, room); \
		CHECK(got_ != NULL);                   \
		if (got_)                              \
			CHECK_STR(got_, want);         \
		free(got_);                            \
	} while (0)

/* the news of one reading of the table, given the one before */
static char *fresh(const char *now, struct cmdline_keys *table)
{
	size_t len = 12345;
	char *out = tracedat_fresh_cmdlines(now, strlen(now), table, &len);
	char *text = out ? strndup(out, len) : NULL;

	free(out);
	return text;
}

#define CHECK_FRESH(now, table, want)           \
	do {                                    \
		char *got_ = fresh(now, table); \
		CHECK(got_ != NULL);            \
		if (got_)                       \
			CHECK_STR(got_, want);  \
		free(got_);                     \
	} while (0)

static void check_fresh(void)
{
	struct cmdline_keys table = { 0 };

	/* the first reading is all news, less the lost names */
	CHECK_FRESH("1 init\n2 <...>\n7 bash\n", &table, "1 init\n7 bash\n");
	/* a full table in slot order: only the task that just ran is news */
	CHECK_FRESH("1 init\n7 bash\n42 closer\n", &table, "42 closer\n");
	CHECK_FRESH("1 init\n7 bash\n42 closer\n", &table, "");
	/* a pid that now runs another program, and a slot reused */
	CHECK_FRESH("1 init\n7 ls\n43 sh", &table, "7 ls\n43 sh\n");
	/* a task that left the table and came back is news again */
	CHECK_FRESH("1 init\n", &table, "");
	CHECK_FRESH("1 init\n43 sh\n", &table, "43 sh\n");
	CHECK_FRESH("", &table, "");
	CHECK(table.n == 0);
	free(table.v);
}

int main(void)
{
	check_fresh();
	/* the first file: the kernel's table as it is */
	CHECK_MERGE("1 init\n42 closer\n", NULL, 1000, "1 init\n42 closer\n");
	/* closer left the table: earlier files remember it */
	CHECK_MERGE("1 init\n7 bash\n", "1 init\n42 closer\n", 1000,
		    "1 init\n7 bash\n42 closer\n");
	/* a pid the table has now is taken from now (a new program in it) */
	CHECK_MERGE("42 sh\n", "42 closer\n9 cron\n", 1000, "42 sh\n9 cron\n");
	/* no room: the oldest go first, whole lines only */
	CHECK_MERGE("1 init\n", "5 aaaa\n6 bbbb\n", 14, "1 init\n5 aaaa\n");
	CHECK_MERGE("1 init\n", "5 aaaa\n6 bbbb\n", 13, "1 init\n");
	/* an empty table, and text without a final newline */
	CHECK_MERGE("", "3 x\n", 1000, "3 x\n");
	CHECK_MERGE("1 a", "2 b", 1000, "1 a\n2 b\n");
	CHECK_MERGE("", NULL, 1000, "");
	/* a pid whose name the kernel lost keeps the name known before */
	CHECK_MERGE("1 init\n42 <...>\n43 <...>\n", "42 closer\n", 1000, "1 init\n42 closer\n");
	CHECK_MERGE("42\n7 \n8 x\n", NULL, 1000, "8 x\n");
	/* one task named by the caller, over what was known */
	CHECK_MERGE("42 closer\n", "42 sh\n1 init\n", 1000, "42 closer\n1 init\n");
	return CHECK_DONE();
}
