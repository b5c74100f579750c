/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_ESCAPE_H
#define TAP_ESCAPE_H

/*
 * Strings in tap's line- and tab-separated state files (plan files,
 * writer checkpoints): backslash, newline and tab are escaped, so any
 * name or script text fits on one field of one line.
 */
#include <stddef.h>
#include <stdio.h>

/* Writes @s (NULL writes nothing) escaped. */
void escape_put(FILE *f, const char *s);
/* The @n bytes at @p unescaped, NUL-terminated and malloc'd; NULL if out of memory. */
char *escape_get(const char *p, size_t n);

#endif
