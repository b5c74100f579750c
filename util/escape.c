// SPDX-License-Identifier: GPL-2.0-or-later
/* Escaped strings in state files (escape.h). */
#include "escape.h"

#include <stdlib.h>

void escape_put(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else
			fputc(*s, f);
	}
}

char *escape_get(const char *p, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\\' && i + 1 < n) {
			i++;
			*o++ = p[i] == 'n' ? '\n' : p[i] == 't' ? '\t' : p[i];
		} else {
			*o++ = p[i];
		}
	}
	*o = '\0';
	return out;
}
