/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_MAP_H
#define TAP_MAP_H

/*
 * Associative arrays: a compact hash table (dense entries in insertion
 * order, plus an open-addressed index), sized for millions of keys. Keys
 * are serialised tuples of longs and strings; values are longs, strings
 * or statistics.
 */
#include "ast.h"
#include "value.h"

struct map_entry {
	uint64_t hash;
	char *key;	/* serialised key (owned) */
	uint32_t klen;
	bool deleted;
	union {
		int64_t n;
		struct {
			char *p;	/* owned, NUL-terminated */
			size_t len;
		} s;
		struct stats *st;
	} v;
};

/* SystemTap's limit on an array's keys */
#define MAP_MAX_KEYS 9

struct map {
	enum tap_type vtype;
	int nkeys;
	enum tap_type ktypes[MAP_MAX_KEYS];
	long maxsize;	/* entries allowed; 0: no limit */
	bool wrap;	/* full: drop the oldest entry instead of failing */
	const struct stats_shape *shape;
	struct map_entry *entries;	/* dense, insertion order */
	size_t nentries, cap, live;
	int32_t *index;	/* -1 empty, -2 deleted, else entry index */
	size_t index_size;	/* a power of two */
	size_t first_live;	/* where the oldest live entry may be */
	int iterating;	/* foreach in progress: entries must not move */
};

void map_init(struct map *m, enum tap_type vtype, int nkeys,
	      const enum tap_type *ktypes, long maxsize, bool wrap,
	      const struct stats_shape *shape);
void map_release(struct map *m);
void map_clear(struct map *m);

/* serialised keys */
struct map_key {
	char *buf;
	size_t len;
};

uint64_t map_hash(const void *p, size_t n);

/* The entry for @key, or NULL. */
struct map_entry *map_find(struct map *m, const struct map_key *key,
			   uint64_t hash);
/*
 * The entry for @key, created (zero value) when missing. Returns 0,
 * -ENOSPC when the array is full (and does not wrap), -ENOMEM.
 */
int map_get(struct map *m, const struct map_key *key, uint64_t hash,
	    struct map_entry **out);
void map_delete(struct map *m, struct map_entry *e);

/* Reads key @i of an entry: a number, or a string view. */
void map_key_at(const struct map *m, const struct map_entry *e, int i,
		int64_t *num, struct sv *str);

#endif
