// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the runtime's arrays (runtime/map.c): millions of keys
 * inserted, found, deleted and inserted again; string and tuple keys;
 * size limits and wrap-around; insertion order kept across deletions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "map.h"

#define MANY 3000000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* a one-long key, serialised as the interpreter does (8 bytes) */
static struct map_key long_key(int64_t *v)
{
	return (struct map_key){ (char *)v, sizeof(*v) };
}

static struct map_entry *get(struct map *m, int64_t k)
{
	struct map_key key = long_key(&k);
	struct map_entry *e = NULL;

	if (map_get(m, &key, map_hash(key.buf, key.len), &e))
		return NULL;
	return e;
}

static struct map_entry *find(struct map *m, int64_t k)
{
	struct map_key key = long_key(&k);

	return map_find(m, &key, map_hash(key.buf, key.len));
}

static void test_millions(void)
{
	enum tap_type kt[1] = { TYPE_LONG };
	struct map m;
	size_t found = 0, missing = 0;
	double t0, t1, t2, t3, t4;
	bool ok = true;

	map_init(&m, TYPE_LONG, 1, kt, MANY, false, NULL);
	t0 = now();
	for (int64_t i = 0; i < MANY; i++) {
		struct map_entry *e = get(&m, i * 7919);

		if (!e) {
			ok = false;
			break;
		}
		e->v.n = i;
	}
	CHECK(ok);
	CHECK(m.live == MANY);
	t1 = now();
	for (int64_t i = 0; i < MANY; i++) {
		struct map_entry *e = find(&m, i * 7919);

		if (e && e->v.n == i)
			found++;
	}
	CHECK(found == MANY);
	CHECK(!find(&m, 1));
	t2 = now();
	/* delete every other key; the rest must still be found */
	for (int64_t i = 0; i < MANY; i += 2)
		map_delete(&m, find(&m, i * 7919));
	t3 = now();
	CHECK(m.live == MANY / 2);
	found = 0;
	for (int64_t i = 0; i < MANY; i++) {
		struct map_entry *e = find(&m, i * 7919);

		if (i % 2 == 0 && e)
			missing++;
		if (i % 2 && e && e->v.n == i)
			found++;
	}
	CHECK(missing == 0);
	CHECK(found == MANY / 2);
	/* the freed room is used again: the array is full once more */
	t4 = now();
	for (int64_t i = 0; i < MANY; i += 2)
		CHECK(get(&m, i * 7919 + 1) != NULL);
	t4 = now() - t4;
	CHECK(m.live == MANY);
	CHECK(get(&m, -1) == NULL);	/* full: MANY entries at most */
	fprintf(stderr,
		"%d keys, per key: insert %.0f ns, find %.0f ns, find+delete %.0f ns, insert into the freed room %.0f ns\n",
		MANY, (t1 - t0) * 1e9 / MANY, (t2 - t1) * 1e9 / MANY,
		(t3 - t2) * 1e9 / (MANY / 2), t4 * 1e9 / (MANY / 2));
	map_release(&m);
}

/* two keys, a string and a long: "name\0"-safe, length-prefixed */
static struct map_key tuple_key(char *buf, const char *s, int64_t n)
{
	uint32_t len = (uint32_t)strlen(s);

	memcpy(buf, &len, 4);
	memcpy(buf + 4, s, len);
	memcpy(buf + 4 + len, &n, 8);
	return (struct map_key){ buf, 4 + len + 8 };
}

static void test_tuple_keys(void)
{
	enum tap_type kt[2] = { TYPE_STRING, TYPE_LONG };
	struct map m;
	char buf[64];
	struct map_key k;
	struct map_entry *e = NULL;
	int64_t n;
	struct sv s;

	map_init(&m, TYPE_STRING, 2, kt, 0, false, NULL);
	k = tuple_key(buf, "ab", 1);
	CHECK(!map_get(&m, &k, map_hash(k.buf, k.len), &e));
	e->v.s.p = strdup("value");
	e->v.s.len = 5;
	/* "a" + "b1" must not be the same key as "ab" + 1 */
	k = tuple_key(buf, "a", 1);
	CHECK(!map_find(&m, &k, map_hash(k.buf, k.len)));
	k = tuple_key(buf, "ab", 1);
	e = map_find(&m, &k, map_hash(k.buf, k.len));
	CHECK(e && !strcmp(e->v.s.p, "value"));
	map_key_at(&m, e, 0, &n, &s);
	CHECK(s.n == 2 && !memcmp(s.p, "ab", 2));
	map_key_at(&m, e, 1, &n, &s);
	CHECK(n == 1);
	map_release(&m);
}

static void test_limits(void)
{
	enum tap_type kt[1] = { TYPE_LONG };
	struct map m, w;
	int64_t k = 4;
	struct map_key key = long_key(&k);
	struct map_entry *e;

	map_init(&m, TYPE_LONG, 1, kt, 3, false, NULL);
	for (int64_t i = 1; i <= 3; i++)
		CHECK(get(&m, i) != NULL);
	CHECK(map_get(&m, &key, map_hash(key.buf, key.len), &e) == -ENOSPC);
	CHECK(get(&m, 2) != NULL);	/* existing keys still work */
	map_release(&m);

	/* global w%[3]: the oldest entry makes room */
	map_init(&w, TYPE_LONG, 1, kt, 3, true, NULL);
	for (int64_t i = 1; i <= 5; i++)
		CHECK(get(&w, i) != NULL);
	CHECK(w.live == 3);
	CHECK(!find(&w, 1) && !find(&w, 2));
	CHECK(find(&w, 3) && find(&w, 4) && find(&w, 5));
	map_release(&w);
}

/* foreach without a sort walks entries in insertion order */
static void test_order(void)
{
	enum tap_type kt[1] = { TYPE_LONG };
	int64_t want[] = { 9, 8, 3, 10, 11 }, got[8];
	struct map m;
	size_t n = 0;

	map_init(&m, TYPE_LONG, 1, kt, 0, false, NULL);
	for (int64_t i = 9; i >= 1; i--)
		get(&m, i);
	for (int64_t i = 7; i >= 1; i--)
		if (i != 3)
			map_delete(&m, find(&m, i));
	get(&m, 10);
	get(&m, 11);
	for (size_t i = 0; i < m.nentries && n < 8; i++) {
		struct sv s;

		if (!m.entries[i].deleted)
			map_key_at(&m, &m.entries[i], 0, &got[n++], &s);
	}
	CHECK(n == 5);
	for (size_t i = 0; i < n && i < 5; i++)
		CHECK(got[i] == want[i]);
	map_clear(&m);
	CHECK(m.live == 0 && !find(&m, 9));
	CHECK(get(&m, 9) != NULL && m.live == 1);
	map_release(&m);
}

int main(void)
{
	test_tuple_keys();
	test_limits();
	test_order();
	test_millions();
	return CHECK_DONE();
}
