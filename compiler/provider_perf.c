// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timer.profile and perf.hw.NAME / perf.sw.NAME [.sample(N)]: sampling
 * through perf_event_open(2) on every CPU, which ftrace cannot do. The
 * samples join the event stream in time order; addr() and uaddr() give
 * the sampled instruction pointer.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>

#include "compile_internal.h"

/* SystemTap's default sampling period for perf.* probes */
#define PERF_DEFAULT_PERIOD 1000000ull
/* timer.profile: every CPU at the kernel's tick (HZ=250 on Debian) */
#define PROFILE_PERIOD_NS 4000000ull

static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
} perf_events[] = {
	{ "cpu_cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache_references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branch_instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch_misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus_cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "ref_cpu_cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
	{ "cpu_clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task_clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page_faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "context_switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu_migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "page_faults_min", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "page_faults_maj", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "alignment_faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation_faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS },
};

static bool perf_match(const struct ast *pp)
{
	return pp_is(pp, 0, "perf") || (pp_is(pp, 0, "timer") && pp_is(pp, 1, "profile"));
}

static struct dprobe *add_perf(struct compile *c, struct ast *probe,
			       struct ast *pp, uint32_t type, uint64_t config,
			       uint64_t period, const char *name)
{
	struct dprobe *dp = compile_add_dprobe(c, probe, pp, &perf_provider,
					       DPROBE_PERF);

	if (!dp)
		return NULL;
	dp->perf.type = type;
	dp->perf.config = config;
	dp->perf.period = period;
	dp->perf.name = name;
	return dp;
}

static void suggest_perf(struct compile *c, const struct ast *where,
			 const char *name)
{
	struct suggest sg;

	suggest_init(&sg, name);
	for (size_t i = 0; i < sizeof(perf_events) / sizeof(perf_events[0]); i++)
		suggest_add(&sg, perf_events[i].name);
	suggest_note(c, where->loc, &sg);
}

/* the optional .sample(N) after the event name */
static bool sample_period(struct compile *c, struct ast *pp, int at,
			  uint64_t *period)
{
	int64_t n;

	*period = PERF_DEFAULT_PERIOD;
	if (pp_ncomps(pp) == at)
		return true;
	if (pp_ncomps(pp) == at + 1 && pp_is(pp, at, "sample") &&
	    pp_num_arg(c, pp, at, &n) && n > 0) {
		*period = (uint64_t)n;
		return true;
	}
	diag_error(c->diag, pp_comp(pp, at)->loc,
		   "after the perf event only .sample(N) may follow, with N > 0");
	return false;
}

static int perf_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	const struct ast *kind = pp_comp(pp, 1), *name = pp_comp(pp, 2);
	uint64_t period;

	if (pp_is(pp, 0, "timer")) {
		if (pp_ncomps(pp) != 2) {
			diag_error(c->diag, pp->loc, "timer.profile takes nothing after it");
			return 0;
		}
		return add_perf(c, probe, pp, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK,
				PROFILE_PERIOD_NS, "profile") ? 0 : -ENOMEM;
	}
	if (!kind || !name || (strcmp(kind->name, "hw") && strcmp(kind->name, "sw"))) {
		diag_error(c->diag, pp->loc,
			   "write perf.hw.NAME or perf.sw.NAME, optionally .sample(N)");
		return 0;
	}
	for (size_t i = 0; i < sizeof(perf_events) / sizeof(perf_events[0]); i++) {
		bool hw = perf_events[i].type == PERF_TYPE_HARDWARE;

		if (strcmp(perf_events[i].name, name->name))
			continue;
		if (hw != !strcmp(kind->name, "hw")) {
			diag_error(c->diag, name->loc, "'%s' is a perf.%s event",
				   name->name, hw ? "hw" : "sw");
			return 0;
		}
		if (!sample_period(c, pp, 3, &period))
			return 0;
		return add_perf(c, probe, pp, perf_events[i].type, perf_events[i].config,
				period, perf_events[i].name) ? 0 : -ENOMEM;
	}
	diag_error(c->diag, name->loc, "unknown perf event '%s'", name->name);
	suggest_perf(c, name, name->name);
	return 0;
}

const struct provider perf_provider = {
	.name = "perf",
	.match = perf_match,
	.expand = perf_expand,
};
