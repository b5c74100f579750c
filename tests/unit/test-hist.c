// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the histogram layout (runtime/hist.c) and of the log
 * buckets (runtime/value.c), pinned against SystemTap's: the expected
 * texts come from SystemTap's testsuite (systemtap.maps/foreach_limit,
 * elision) and from its runtime/stat-common.c algorithm.
 */
#include <stdlib.h>

#include "check.h"
#include "rt.h"

static char *render(const uint64_t *counts, int n, bool linear, int64_t lo,
		    int64_t step, int width, int elision)
{
	struct hist_view h = { counts, n, linear, lo, step, width, elision };
	struct strbuf sb;

	strbuf_init(&sb);
	CHECK(hist_print(&h, &sb) == 0);
	strbuf_add(&sb, "", 1);
	return sb.buf;
}

/* the value -> bucket map of SystemTap's _stp_val_to_bucket() */
static void test_log_buckets(void)
{
	CHECK(hist_log_bucket(0) == 64);
	CHECK(hist_log_bucket(1) == 65);
	CHECK(hist_log_bucket(2) == 66 && hist_log_bucket(3) == 66);
	CHECK(hist_log_bucket(4) == 67);
	CHECK(hist_log_bucket(INT64_MAX) == 127);
	CHECK(hist_log_bucket(-1) == 63);
	CHECK(hist_log_bucket(-3) == 62);
	CHECK(hist_log_bucket(INT64_MIN) == 0);
	CHECK(hist_log_bucket_value(64) == 0);
	CHECK(hist_log_bucket_value(65) == 1);
	CHECK(hist_log_bucket_value(127) == (int64_t)1 << 62);
	CHECK(hist_log_bucket_value(63) == -1);
	CHECK(hist_log_bucket_value(0) == INT64_MIN);
}

/* systemtap.maps/foreach_limit: 150 values from 4 to 600 */
static void test_log_layout(void)
{
	uint64_t c[HIST_LOG_BUCKETS] = { 0 };
	char *got;

	c[67] = 1;
	c[68] = 6;
	c[69] = 13;
	c[70] = 28;
	c[71] = 39;
	c[72] = 42;
	c[73] = 17;
	c[74] = 4;
	got = render(c, HIST_LOG_BUCKETS, false, 0, 0, 50, 2);
	CHECK_STR(got,
		  "value |-------------------------------------------------- count\n"
		  "    1 |                                                    0\n"
		  "    2 |                                                    0\n"
		  "    4 |@                                                   1\n"
		  "    8 |@@@@@@                                              6\n"
		  "   16 |@@@@@@@@@@@@@                                      13\n"
		  "   32 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@                       28\n"
		  "   64 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@            39\n"
		  "  128 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@         42\n"
		  "  256 |@@@@@@@@@@@@@@@@@                                  17\n"
		  "  512 |@@@@                                                4\n"
		  " 1024 |                                                    0\n"
		  " 2048 |                                                    0\n"
		  "\n");
	free(got);
}

/*
 * A count above HIST_WIDTH scales the bars (ceil(max / width) per '@'),
 * and the count column widens to the biggest count.
 */
static void test_scaling(void)
{
	uint64_t c[8] = { 0, 1000, 999, 100, 0, 0, 0, 0 };
	char *got = render(c, 8, true, 0, 10, 50, 2);

	CHECK_STR(got,
		  "value |-------------------------------------------------- count\n"
		  "    0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1000\n"
		  "   10 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@   999\n"
		  "   20 |@@@@@                                               100\n"
		  "   30 |                                                      0\n"
		  "   40 |                                                      0\n"
		  "\n");
	free(got);
}

/* HIST_WIDTH=10, and HIST_ELISION=-1 keeps every empty row; the empty
 * overflow bucket is not shown */
static void test_width_and_no_elision(void)
{
	uint64_t c[9] = { 0, 3, 0, 0, 0, 0, 0, 1, 0 };
	char *got = render(c, 9, true, 100, 5, 10, -1);

	CHECK_STR(got,
		  "value |---------- count\n"
		  "  100 |@@@        3\n"
		  "  105 |           0\n"
		  "  110 |           0\n"
		  "  115 |           0\n"
		  "  120 |           0\n"
		  "  125 |           0\n"
		  "  130 |@          1\n"
		  "\n");
	free(got);
	got = render(c, 9, true, 100, 5, 10, 0);
	CHECK_STR(got,
		  "value |---------- count\n"
		  "  100 |@@@        3\n"
		  "      ~\n"
		  "  130 |@          1\n"
		  "\n");
	free(got);
}

/* out of range rows: "<low" and ">high" widen the value column */
static void test_out_of_range(void)
{
	uint64_t c[5] = { 2, 0, 1, 0, 7 };
	char *got = render(c, 5, true, -10, 10, 50, 2);

	CHECK_STR(got,
		  "value |-------------------------------------------------- count\n"
		  " <-10 |@@                                                 2\n"
		  "  -10 |                                                   0\n"
		  "    0 |@                                                  1\n"
		  "   10 |                                                   0\n"
		  "  >10 |@@@@@@@                                            7\n"
		  "\n");
	free(got);
}

int main(void)
{
	test_log_buckets();
	test_log_layout();
	test_scaling();
	test_width_and_no_elision();
	test_out_of_range();
	return CHECK_DONE();
}
