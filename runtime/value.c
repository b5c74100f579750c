// SPDX-License-Identifier: GPL-2.0-or-later
#include "value.h"

#include <stdlib.h>

#define SCRATCH_CHUNK (64 * 1024)

struct scratch_chunk {
	struct scratch_chunk *next;
	size_t size;
	char data[];
};

int sv_cmp(struct sv a, struct sv b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	int c = memcmp(a.p, b.p, n);

	if (c)
		return c;
	return a.n < b.n ? -1 : a.n > b.n;
}

void scratch_init(struct scratch *s)
{
	s->head = s->cur = NULL;
	s->used = 0;
}

void scratch_release(struct scratch *s)
{
	struct scratch_chunk *c = s->head;

	while (c) {
		struct scratch_chunk *next = c->next;

		free(c);
		c = next;
	}
	scratch_init(s);
}

void scratch_reset(struct scratch *s)
{
	s->cur = s->head;
	s->used = 0;
}

char *scratch_alloc(struct scratch *s, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	for (;;) {
		struct scratch_chunk *c = s->cur, *fresh;
		size_t size;

		if (c && c->size - s->used >= n) {
			char *p = c->data + s->used;

			s->used += n;
			return p;
		}
		if (c && c->next) {
			s->cur = c->next;
			s->used = 0;
			continue;
		}
		size = n > SCRATCH_CHUNK ? n : SCRATCH_CHUNK;
		fresh = malloc(sizeof(*fresh) + size);
		if (!fresh)
			return NULL;
		fresh->size = size;
		fresh->next = NULL;
		if (c)
			c->next = fresh;
		else
			s->head = fresh;
		s->cur = fresh;
		s->used = 0;
	}
}

struct sv scratch_copy(struct scratch *s, struct sv v)
{
	char *p = scratch_alloc(s, v.n + 1);

	if (!p)
		return SV_EMPTY;
	memcpy(p, v.p, v.n);
	p[v.n] = '\0';
	return sv_from(p, v.n);
}

/* --- statistics ---------------------------------------------------------- */

/*
 * SystemTap's log histogram: bucket 0 holds 0, bucket k > 0 holds values
 * in [2^(k-1), 2^k), negative values mirror that; we index from the most
 * negative (0) to the most positive (127), zero at 64.
 */
int hist_log_bucket(int64_t v)
{
	uint64_t u;
	int bits = 0;

	if (v == 0)
		return 64;
	u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	while (u) {
		bits++;
		u >>= 1;
	}
	/* only INT64_MIN needs all 64 bits: SystemTap's bucket 0 */
	if (v > 0 && bits > 63)
		bits = 63;
	return v < 0 ? 64 - bits : 64 + bits;
}

/* the lowest value of bucket @b, as printed in the value column */
int64_t hist_log_bucket_value(int b)
{
	if (b == 64)
		return 0;
	if (b == 0)
		return INT64_MIN;
	if (b > 64)
		return (int64_t)1 << (b - 65);
	return -((int64_t)1 << (63 - b));
}

size_t hist_linear_nbuckets(const struct stats_shape *shape)
{
	/* SystemTap's count: underflow, (hi - lo) / step + 1 buckets from
	 * lo (the last one holds hi itself), and overflow */
	return (size_t)((shape->hi - shape->lo) / shape->step) + 3;
}

static void linear_add(struct stats *s, const struct stats_shape *shape,
		       int64_t v)
{
	size_t n = hist_linear_nbuckets(shape), b;

	if (!s->linear) {
		s->linear = calloc(n, sizeof(*s->linear));
		if (!s->linear)
			return;
	}
	if (v < shape->lo)
		b = 0;
	else
		b = (size_t)((uint64_t)(v - shape->lo) / (uint64_t)shape->step) + 1;
	if (b >= n - 1)
		b = n - 1;
	s->linear[b]++;
}

static void log_add(struct stats *s, int64_t v)
{
	if (!s->log) {
		s->log = calloc(HIST_LOG_BUCKETS, sizeof(*s->log));
		if (!s->log)
			return;
	}
	s->log[hist_log_bucket(v)]++;
}

void stats_add(struct stats *s, const struct stats_shape *shape, int64_t v)
{
	if (!s->count) {
		s->min = s->max = v;
	} else {
		if (v < s->min)
			s->min = v;
		if (v > s->max)
			s->max = v;
	}
	s->count++;
	s->sum = (int64_t)((uint64_t)s->sum + (uint64_t)v);
	if (shape->variance) {
		/* wrapping adds: no undefined behaviour past 2^127, where
		 * the variance is wrong anyway (documented) */
		s->vsum = (__int128)((unsigned __int128)s->vsum + (unsigned __int128)(__int128)v);
		s->vsumsq = (__int128)((unsigned __int128)s->vsumsq +
				       (unsigned __int128)((__int128)v * v));
	}
	if (shape->log)
		log_add(s, v);
	if (shape->linear)
		linear_add(s, shape, v);
}

int64_t stats_variance(const struct stats *s)
{
	__int128 n = s->count, a, b, num;
	long double mean;

	if (s->count < 2)
		return -1;
	/* n * sumsq - sum^2 over n * (n - 1), when nothing overflows */
	if (!__builtin_mul_overflow(n, s->vsumsq, &a) &&
	    !__builtin_mul_overflow(s->vsum, s->vsum, &b) &&
	    !__builtin_sub_overflow(a, b, &num))
		return (int64_t)(num / (n * (n - 1)));
	mean = (long double)s->vsum / (long double)s->count;
	return (int64_t)(((long double)s->vsumsq - mean * (long double)s->vsum) /
			 (long double)(s->count - 1));
}

void stats_release(struct stats *s)
{
	free(s->log);
	free(s->linear);
	memset(s, 0, sizeof(*s));
}
