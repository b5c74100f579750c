/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_VALUE_H
#define TAP_VALUE_H

/*
 * Values of the handler interpreter. Numbers are int64_t; strings are
 * views (pointer and length) into storage that lives at least as long as
 * the current event: the event record itself, the program's literals, a
 * variable's buffer, or the per-event scratch arena.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sv {
	const char *p;
	size_t n;
};

#define SV_EMPTY ((struct sv){ "", 0 })

static inline struct sv sv_from(const char *p, size_t n)
{
	return (struct sv){ p, n };
}

static inline bool sv_eq(struct sv a, struct sv b)
{
	return a.n == b.n && !memcmp(a.p, b.p, a.n);
}

int sv_cmp(struct sv a, struct sv b);

/*
 * Bump allocator for one event's temporary strings, emptied after each
 * handler run. Chunks are kept and reused, so a steady state allocates
 * nothing.
 */
struct scratch {
	struct scratch_chunk *head, *cur;
	size_t used;
};

void scratch_init(struct scratch *s);
void scratch_release(struct scratch *s);
void scratch_reset(struct scratch *s);
/* NULL on ENOMEM */
char *scratch_alloc(struct scratch *s, size_t n);

/* a point in the arena to come back to, freeing what came after it */
struct scratch_mark {
	struct scratch_chunk *cur;
	size_t used;
};

static inline struct scratch_mark scratch_mark(const struct scratch *s)
{
	return (struct scratch_mark){ s->cur, s->used };
}

static inline void scratch_rewind(struct scratch *s, struct scratch_mark m)
{
	s->cur = m.cur ? m.cur : s->head;
	s->used = m.used;
}
struct sv scratch_copy(struct scratch *s, struct sv v);

/* statistics: what <<< collects */
#define HIST_LOG_BUCKETS 128	/* 64 negative, 0, 63 positive powers of two */

struct stats {
	int64_t count, sum, min, max;	/* sum wraps, as SystemTap's does */
	__int128 vsum, vsumsq;	/* exact sums, kept only for @variance */
	uint64_t *log;	/* HIST_LOG_BUCKETS counters, or NULL */
	uint64_t *linear;	/* (high - low) / step + 3 counters, or NULL */
};

/* what a statistics global collects besides count, sum, min and max,
 * decided by the compiler from the @-operators the script uses */
struct stats_shape {
	bool log;
	bool linear;
	bool variance;
	int64_t lo, hi, step;
};

void stats_add(struct stats *s, const struct stats_shape *shape, int64_t v);
void stats_release(struct stats *s);
/*
 * The sample variance (n - 1 in the divisor), rounded towards zero: exact
 * while the sums fit in 128 bits, else in long double. -1 for fewer than
 * two values, as SystemTap gives.
 */
int64_t stats_variance(const struct stats *s);
int hist_log_bucket(int64_t v);
int64_t hist_log_bucket_value(int b);
size_t hist_linear_nbuckets(const struct stats_shape *shape);

#endif
