/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SOURCE_H
#define TAP_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A byte range [start, end) in a source file; line:col is derived on demand. */
struct src_range {
	uint32_t start;
	uint32_t end;
};

#define SRC_NO_RANGE ((struct src_range){ UINT32_MAX, UINT32_MAX })

static inline int src_range_valid(struct src_range r)
{
	return r.start != UINT32_MAX;
}

struct src_file {
	char *name;	/* as the user gave it */
	char *text;	/* NUL-terminated copy of the contents */
	size_t len;
	uint32_t *line_start;	/* byte offset of each line's first byte */
	size_t nlines;
};

/*
 * src_file_load() reads @path; src_file_from_string() wraps @text (copied)
 * under the display name @name. Both return 0 or -errno and store a new
 * file in *@out, to be freed with src_file_free().
 */
int src_file_load(const char *path, struct src_file **out);
int src_file_from_string(const char *name, const char *text, size_t len,
			 struct src_file **out);
void src_file_free(struct src_file *f);

/*
 * Line and column (both from 1) of byte @offset. Columns count tab stops
 * every 8 columns, as the GNU coding standards ask.
 */
void src_position(const struct src_file *f, uint32_t offset, unsigned *line,
		  unsigned *col);

/* Pointer to the first byte of @line (from 1) and its length without '\n'. */
const char *src_line(const struct src_file *f, unsigned line, size_t *len);

/*
 * Writes the line holding @r with tabs expanded, then a caret line that
 * underlines the range on that line: "    7 | text\n      |   ^~~~\n".
 * @caret_on/@caret_off wrap the underline (colour codes, or "").
 */
void src_print_excerpt(const struct src_file *f, struct src_range r, FILE *out,
		       const char *caret_on, const char *caret_off);

#endif
