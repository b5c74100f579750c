// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * @hist_log and @hist_linear printed in SystemTap's layout: a "value |"
 * column, 50 columns of '@' bars scaled to the largest count, the count;
 * two empty buckets of margin around the data, runs of empty buckets
 * elided to a "~" line, and linear histograms' out-of-range buckets shown
 * as "<low" and ">high" only when they hold something.
 */
#include <inttypes.h>
#include <stdio.h>

#include "builtins.h"
#include "rt.h"


static int digits_of(int64_t v)
{
	uint64_t u;
	int n = 0;

	if (v == 0)
		return 1;
	if (v < 0)
		n++;
	u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	while (u) {
		n++;
		u /= 10;
	}
	return n;
}

static int64_t bucket_value(const struct hist_view *h, int i)
{
	if (!h->linear)
		return hist_log_bucket_value(i);
	if (i == 0)
		return h->lo;
	if (i == h->nbuckets - 1)
		return h->lo + (int64_t)(i - 2) * h->step;
	return h->lo + (int64_t)(i - 1) * h->step;
}

/* the rows to show: the data range plus up to two empty buckets each side */
static void hist_range(const struct hist_view *h, int *low, int *high,
		       bool *under, bool *over, uint64_t *max)
{
	int lo = -1, hi = 0;

	*max = 0;
	for (int i = 0; i < h->nbuckets; i++) {
		if (h->counts[i] && lo < 0)
			lo = i;
		if (h->counts[i])
			hi = i;
		if (h->counts[i] > *max)
			*max = h->counts[i];
	}
	for (int i = 0; i < 2; i++) {
		/* a log histogram does not grow into negative values */
		if (h->linear ? lo > 0 : (lo != 64 && lo > 0))
			lo--;
		if (hi < h->nbuckets - 1)
			hi++;
	}
	*under = *over = false;
	if (h->linear) {
		if (lo == 0 && !h->counts[0])
			lo++;
		if (hi == h->nbuckets - 1 && !h->counts[hi])
			hi--;
		*under = lo == 0;
		*over = hi == h->nbuckets - 1;
	}
	*low = lo;
	*high = hi;
}

static bool elided(const struct hist_view *h, int i, int low, int high)
{
	int e = h->elision < h->nbuckets ? h->elision : h->nbuckets;
	int from = i - e > low ? i - e : low;
	int to = i + e < high ? i + e : high;

	if (h->elision < 0)
		return false;
	for (int k = from; k <= to; k++)
		if (h->counts[k])
			return false;
	return true;
}

int hist_print(const struct hist_view *h, struct strbuf *out)
{
	int low, high, val_space, cnt_space, err = 0;
	bool under, over, eliding = false;
	uint64_t max, scale;
	char line[256];

	hist_range(h, &low, &high, &under, &over, &max);
	scale = max <= (uint64_t)h->width ? 1 : (max + (uint64_t)h->width - 1) / (uint64_t)h->width;
	cnt_space = digits_of((int64_t)max);
	if (h->linear) {
		int a = digits_of(h->lo) + under;
		int b = digits_of(h->lo + h->step * high) + over;

		val_space = a > b ? a : b;
	} else {
		int a = digits_of(hist_log_bucket_value(high));
		int b = digits_of(hist_log_bucket_value(low));

		val_space = a > b ? a : b;
	}
	if (val_space < 5)
		val_space = 5;
	snprintf(line, sizeof(line), "%*s |", val_space, "value");
	err |= strbuf_add(out, line, strlen(line));
	for (int j = 0; j < h->width; j++)
		err |= strbuf_add(out, "-", 1);
	err |= strbuf_add(out, " count\n", 7);
	for (int i = low; i <= high; i++) {
		const char *prefix = "";
		int64_t val;
		uint64_t bars;

		if (elided(h, i, low, high)) {
			eliding = true;
			continue;
		}
		if (eliding) {
			snprintf(line, sizeof(line), "%*s ~\n", val_space, "");
			err |= strbuf_add(out, line, strlen(line));
			eliding = false;
		}
		val = bucket_value(h, i);
		if (h->linear && i == 0)
			prefix = "<";
		else if (h->linear && i == h->nbuckets - 1)
			prefix = ">";
		snprintf(line, sizeof(line), "%*s%" PRId64 " |",
			 val_space - digits_of(val), prefix, val);
		err |= strbuf_add(out, line, strlen(line));
		bars = h->counts[i] / scale;
		for (uint64_t j = 0; j < bars; j++)
			err |= strbuf_add(out, "@", 1);
		snprintf(line, sizeof(line), "%*" PRIu64 "\n",
			 (int)((uint64_t)h->width - bars + 1 + (uint64_t)cnt_space), h->counts[i]);
		err |= strbuf_add(out, line, strlen(line));
	}
	err |= strbuf_add(out, "\n", 1);
	return err ? -1 : 0;
}

int hist_render(struct exec *x, struct ast *e, struct strbuf *out)
{
	struct ast *target = e->a;
	const struct ast *var = target->kind == AST_VAR ? target : target->a;
	const struct stats_shape *shape = &x->rt->globals[var->sym->slot].shape;
	const struct limits *lim = &x->rt->prog->limits;
	struct hist_view h = { .width = (int)lim->hist_width,
			       .elision = (int)lim->hist_elision };
	struct stats *s;

	if (target->kind == AST_VAR)
		s = &x->rt->globals[var->sym->slot].st;
	else
		s = rt_stats_lookup(x, target);
	if (x->failed)
		return 0;
	/* SystemTap's rule: only @count and @sum are defined on nothing */
	if (!s || !s->count) {
		rt_fail(x, e, "empty aggregate");
		return 0;
	}
	if (e->op == AT_HIST_LOG) {
		h.counts = s->log;
		h.nbuckets = HIST_LOG_BUCKETS;
	} else {
		h.counts = s->linear;
		h.nbuckets = (int)hist_linear_nbuckets(shape);
		h.linear = true;
		h.lo = shape->lo;
		h.step = shape->step;
	}
	if (!h.counts)
		return 0;
	return hist_print(&h, out);
}
