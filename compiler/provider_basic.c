// SPDX-License-Identifier: GPL-2.0-or-later
/* begin, end, error, never and timer.*: probes that run in user space. */
#include <errno.h>
#include <inttypes.h>
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

/*
 * timer.ms(N).randomize(M): each period is N plus or minus up to M, in
 * the same unit (SystemTap's; it spreads probes that would fire together).
 */
static bool randomize_ok(struct compile *c, struct ast *pp, uint64_t unit_ns, int64_t n,
			 int64_t *spread)
{
	const struct ast *r = pp_comp(pp, 2);

	if (!pp_is(pp, 2, "randomize") || pp_ncomps(pp) > 3) {
		const struct ast *extra = pp_is(pp, 2, "randomize") ? pp_comp(pp, 3) : r;

		diag_error(c->diag, extra->loc, "unexpected '%s' after the timer period",
			   extra->name);
		return false;
	}
	if (!unit_ns) {
		diag_error(c->diag, r->loc, "timer.hz() cannot be randomized: give a period, "
			   "such as timer.ms(N).randomize(M)");
		return false;
	}
	if (!pp_num_arg(c, pp, 2, spread) || *spread <= 0 || *spread >= n) {
		diag_error(c->diag, r->loc,
			   "randomize() needs a positive number below the period (%" PRId64 ")", n);
		return false;
	}
	return true;
}

static int timer_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	const struct ast *unit = pp_comp(pp, 1);
	struct dprobe *dp;
	int64_t n = 0, spread = 0;

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
		if (pp_ncomps(pp) > 2 && !randomize_ok(c, pp, timer_units[i].ns, n, &spread))
			return 0;
		dp = compile_add_dprobe(c, probe, pp, NULL, DPROBE_TIMER);
		if (!dp)
			return -ENOMEM;
		dp->period_ns = timer_units[i].ns ? (uint64_t)n * timer_units[i].ns :
						    1000000000ull / (uint64_t)n;
		if (!dp->period_ns)
			dp->period_ns = 1;
		dp->randomize_ns = (uint64_t)spread * timer_units[i].ns;
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
