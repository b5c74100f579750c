// SPDX-License-Identifier: GPL-2.0-or-later
#include "map.h"

#include <errno.h>
#include <stdlib.h>

#define INDEX_EMPTY (-1)
#define INDEX_DELETED (-2)

uint64_t map_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);

	while (n >= 8) {
		uint64_t k;

		memcpy(&k, s, 8);
		h ^= k * 0xbf58476d1ce4e5b9ull;
		h = ((h << 31) | (h >> 33)) * 0x94d049bb133111ebull;
		s += 8;
		n -= 8;
	}
	while (n--) {
		h ^= *s++;
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

void map_init(struct map *m, enum tap_type vtype, int nkeys,
	      const enum tap_type *ktypes, long maxsize, bool wrap,
	      const struct stats_shape *shape)
{
	memset(m, 0, sizeof(*m));
	m->vtype = vtype;
	m->nkeys = nkeys;
	for (int i = 0; i < nkeys && i < 9; i++)
		m->ktypes[i] = ktypes[i];
	m->maxsize = maxsize;
	m->wrap = wrap;
	m->shape = shape;
}

static void entry_release(struct map *m, struct map_entry *e)
{
	free(e->key);
	if (m->vtype == TYPE_STRING)
		free(e->v.s.p);
	else if (m->vtype == TYPE_STATS && e->v.st) {
		stats_release(e->v.st);
		free(e->v.st);
	}
}

void map_clear(struct map *m)
{
	for (size_t i = 0; i < m->nentries; i++)
		if (!m->entries[i].deleted)
			entry_release(m, &m->entries[i]);
	m->nentries = m->live = m->first_live = 0;
	if (m->index)
		memset(m->index, 0xff, m->index_size * sizeof(*m->index));
}

void map_release(struct map *m)
{
	map_clear(m);
	free(m->entries);
	free(m->index);
	m->entries = NULL;
	m->index = NULL;
	m->cap = m->index_size = 0;
}

static void index_put(struct map *m, uint64_t hash, int32_t i)
{
	size_t mask = m->index_size - 1;

	for (size_t pos = hash & mask;; pos = (pos + 1) & mask) {
		if (m->index[pos] < 0) {
			m->index[pos] = i;
			return;
		}
	}
}

/* rebuilds the dense array without deleted entries, and the index */
static int map_rehash(struct map *m, size_t index_size)
{
	int32_t *index = malloc(index_size * sizeof(*index));
	size_t n = 0;

	if (!index)
		return -ENOMEM;
	if (m->iterating) {
		n = m->nentries;	/* a foreach holds entry positions */
	} else {
		for (size_t i = 0; i < m->nentries; i++)
			if (!m->entries[i].deleted)
				m->entries[n++] = m->entries[i];
		m->nentries = n;
		m->first_live = 0;
	}
	free(m->index);
	m->index = index;
	m->index_size = index_size;
	memset(index, 0xff, index_size * sizeof(*index));
	for (size_t i = 0; i < n; i++)
		if (!m->entries[i].deleted)
			index_put(m, m->entries[i].hash, (int32_t)i);
	return 0;
}

struct map_entry *map_find(struct map *m, const struct map_key *key,
			   uint64_t hash)
{
	size_t mask;

	if (!m->index_size)
		return NULL;
	mask = m->index_size - 1;
	for (size_t pos = hash & mask;; pos = (pos + 1) & mask) {
		int32_t i = m->index[pos];
		struct map_entry *e;

		if (i == INDEX_EMPTY)
			return NULL;
		if (i == INDEX_DELETED)
			continue;
		e = &m->entries[i];
		if (e->hash == hash && e->klen == key->len &&
		    !memcmp(e->key, key->buf, key->len))
			return e;
	}
}

static int32_t index_slot_of(struct map *m, const struct map_entry *e)
{
	size_t mask = m->index_size - 1;
	int32_t want = (int32_t)(e - m->entries);

	for (size_t pos = e->hash & mask;; pos = (pos + 1) & mask)
		if (m->index[pos] == want)
			return (int32_t)pos;
}

void map_delete(struct map *m, struct map_entry *e)
{
	m->index[index_slot_of(m, e)] = INDEX_DELETED;
	entry_release(m, e);
	e->deleted = true;
	e->key = NULL;
	m->live--;
}

static void drop_oldest(struct map *m)
{
	while (m->first_live < m->nentries && m->entries[m->first_live].deleted)
		m->first_live++;
	if (m->first_live < m->nentries)
		map_delete(m, &m->entries[m->first_live]);
}

/* room for one more entry in the dense array and the index */
static int map_reserve(struct map *m)
{
	if (m->nentries == m->cap) {
		/* many deletions: compact instead of growing */
		if (!m->iterating && m->live < m->nentries / 2 && m->nentries > 16)
			return map_rehash(m, m->index_size);
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct map_entry *v = realloc(m->entries, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->entries = v;
		m->cap = cap;
	}
	/* keep the index under 50% full counting tombstones */
	if ((m->nentries + 1) * 2 > m->index_size)
		return map_rehash(m, m->index_size ? m->index_size * 2 : 32);
	return 0;
}

int map_get(struct map *m, const struct map_key *key, uint64_t hash,
	    struct map_entry **out)
{
	struct map_entry *e = map_find(m, key, hash);
	int err;

	if (e) {
		*out = e;
		return 0;
	}
	if (m->maxsize > 0 && m->live >= (size_t)m->maxsize) {
		if (!m->wrap)
			return -ENOSPC;
		drop_oldest(m);
	}
	err = map_reserve(m);
	if (err)
		return err;
	e = &m->entries[m->nentries];
	memset(e, 0, sizeof(*e));
	e->key = malloc(key->len ? key->len : 1);
	if (!e->key)
		return -ENOMEM;
	memcpy(e->key, key->buf, key->len);
	e->klen = (uint32_t)key->len;
	e->hash = hash;
	if (m->vtype == TYPE_STATS) {
		e->v.st = calloc(1, sizeof(*e->v.st));
		if (!e->v.st) {
			free(e->key);
			return -ENOMEM;
		}
	}
	index_put(m, hash, (int32_t)m->nentries);
	m->nentries++;
	m->live++;
	*out = e;
	return 0;
}

void map_key_at(const struct map *m, const struct map_entry *e, int i,
		int64_t *num, struct sv *str)
{
	const char *p = e->key;

	for (int k = 0; k < i; k++) {
		if (m->ktypes[k] == TYPE_STRING) {
			uint32_t len;

			memcpy(&len, p, 4);
			p += 4 + len;
		} else {
			p += 8;
		}
	}
	if (m->ktypes[i] == TYPE_STRING) {
		uint32_t len;

		memcpy(&len, p, 4);
		*str = sv_from(p + 4, len);
		*num = 0;
	} else {
		memcpy(num, p, 8);
		*str = SV_EMPTY;
	}
}
