// SPDX-License-Identifier: GPL-2.0-or-later
/* begin, end, error, never and timer.*: probes that run in user space. */
#include <errno.h>
#include <string.h>

#include "compile_internal.h"

static bool basic_match(const struct ast *pp)
{
	return pp_is(pp, 0, "begin") || pp_is(pp, 0, "end") ||
	       pp_is(pp, 0, "error") || pp_is(pp, 0, "never");
}

static int basic_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	static const struct {
		const char *name;
		enum dprobe_kind kind;
	} kinds[] = {
		{ "begin", DPROBE_BEGIN },
		{ "end", DPROBE_END },
		{ "error", DPROBE_ERROR },
		{ "never", DPROBE_NEVER },
	};

	if (pp_ncomps(pp) != 1 || pp_comp(pp, 0)->a) {
		diag_error(c->diag, pp->loc,
			   "'%s' takes no argument and no further component",
			   pp_comp(pp, 0)->name);
		return 0;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (pp_is(pp, 0, kinds[i].name))
			return compile_add_dprobe(c, probe, pp, NULL,
						  kinds[i].kind) ? 0 : -ENOMEM;
	return 0;
}

const struct provider basic_provider = {
	.name = "begin/end",
	.match = basic_match,
	.expand = basic_expand,
};

static bool timer_match(const struct ast *pp)
{
	return pp_is(pp, 0, "timer") && !pp_is(pp, 1, "profile");
}

static const struct {
	const char *unit;
	uint64_t ns;	/* 0: hertz */
} timer_units[] = {
	{ "s", 1000000000ull },
	{ "sec", 1000000000ull },
	{ "ms", 1000000ull },
	{ "msec", 1000000ull },
	{ "us", 1000ull },
	{ "usec", 1000ull },
	{ "ns", 1ull },
	{ "nsec", 1ull },
	{ "jiffies", 4000000ull },	/* HZ=250, Debian's default */
	{ "hz", 0 },
};

static int timer_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	const struct ast *unit = pp_comp(pp, 1);
	struct dprobe *dp;
	int64_t n = 0;

	if (!unit) {
		diag_error(c->diag, pp->loc,
			   "timer needs a period: timer.s(N), timer.ms(N), timer.us(N), timer.hz(N)");
		return 0;
	}
	for (size_t i = 0; i < sizeof(timer_units) / sizeof(timer_units[0]); i++) {
		if (strcmp(unit->name, timer_units[i].unit))
			continue;
		if (!pp_num_arg(c, pp, 1, &n) || n <= 0) {
			diag_error(c->diag, unit->loc,
				   "timer.%s() needs a positive number", unit->name);
			return 0;
		}
		if (pp_ncomps(pp) > 2) {
			diag_error(c->diag, pp_comp(pp, 2)->loc,
				   "unexpected '%s' after the timer period",
				   pp_comp(pp, 2)->name);
			return 0;
		}
		dp = compile_add_dprobe(c, probe, pp, NULL, DPROBE_TIMER);
		if (!dp)
			return -ENOMEM;
		dp->period_ns = timer_units[i].ns ? (uint64_t)n * timer_units[i].ns :
						    1000000000ull / (uint64_t)n;
		if (!dp->period_ns)
			dp->period_ns = 1;
		return 0;
	}
	diag_error(c->diag, unit->loc,
		   "unknown timer unit '%s' (use s, ms, us, ns, jiffies or hz)",
		   unit->name);
	return 0;
}

const struct provider timer_provider = {
	.name = "timer",
	.match = timer_match,
	.expand = timer_expand,
};
