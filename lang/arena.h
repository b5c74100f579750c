/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_ARENA_H
#define TAP_ARENA_H

#include <stddef.h>
#include <stdarg.h>

/*
 * One arena per compile: AST nodes, strings and types live and die together,
 * so no pass needs per-node frees and a daemon recompile cannot leak.
 */
struct arena {
	struct arena_chunk *chunks;
	size_t used;	/* bytes used in the newest chunk */
};

void arena_init(struct arena *a);
/* Frees every allocation made from @a; @a can be used again afterwards. */
void arena_release(struct arena *a);

/* Zeroed memory that lives until arena_release(); NULL only on ENOMEM. */
void *arena_zalloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
__attribute__((format(printf, 2, 3)))
char *arena_printf(struct arena *a, const char *fmt, ...);
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
