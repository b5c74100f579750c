// SPDX-License-Identifier: GPL-2.0-or-later
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAB_STOP 8

static int src_index_lines(struct src_file *f)
{
	size_t cap = 64, n = 0;
	uint32_t *ls = malloc(cap * sizeof(*ls));

	if (!ls)
		return -ENOMEM;
	ls[n++] = 0;
	for (size_t i = 0; i < f->len; i++) {
		if (f->text[i] != '\n' || i + 1 == f->len)
			continue;
		if (n == cap) {
			uint32_t *bigger = realloc(ls, 2 * cap * sizeof(*ls));

			if (!bigger) {
				free(ls);
				return -ENOMEM;
			}
			ls = bigger;
			cap *= 2;
		}
		ls[n++] = (uint32_t)(i + 1);
	}
	f->line_start = ls;
	f->nlines = n;
	return 0;
}

int src_file_from_string(const char *name, const char *text, size_t len,
			 struct src_file **out)
{
	struct src_file *f = calloc(1, sizeof(*f));
	int err = -ENOMEM;

	if (!f)
		return -ENOMEM;
	if (len > UINT32_MAX - 1) {
		err = -EFBIG;
		goto out;
	}
	f->name = strdup(name);
	f->text = malloc(len + 1);
	if (!f->name || !f->text)
		goto out;
	memcpy(f->text, text, len);
	f->text[len] = '\0';
	f->len = len;
	err = src_index_lines(f);
	if (err)
		goto out;
	*out = f;
	f = NULL;
out:
	src_file_free(f);
	return err;
}

static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);

	if (!b)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *bigger = realloc(b, cap * 2);

			if (!bigger) {
				free(b);
				return -ENOMEM;
			}
			b = bigger;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			free(b);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*buf = b;
	*len = n;
	return 0;
}

int src_file_load(const char *path, struct src_file **out)
{
	char *buf = NULL;
	size_t len = 0;
	int fd, err;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0)
		return -errno;
	err = read_all(fd, &buf, &len);
	if (fd)
		close(fd);
	if (err)
		return err;
	err = src_file_from_string(path, buf, len, out);
	free(buf);
	return err;
}

void src_file_free(struct src_file *f)
{
	if (!f)
		return;
	free(f->name);
	free(f->text);
	free(f->line_start);
	free(f);
}

static unsigned src_line_of(const struct src_file *f, uint32_t offset)
{
	size_t lo = 0, hi = f->nlines;

	/* last line whose start is <= offset */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (f->line_start[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return (unsigned)lo + 1;
}

static unsigned advance_col(unsigned col, char c)
{
	if (c == '\t')
		return col + TAB_STOP - ((col - 1) % TAB_STOP);
	/* UTF-8 continuation bytes take no column of their own */
	if (((unsigned char)c & 0xc0) == 0x80)
		return col;
	return col + 1;
}

void src_position(const struct src_file *f, uint32_t offset, unsigned *line,
		  unsigned *col)
{
	unsigned l, c = 1;

	if (offset > f->len)
		offset = (uint32_t)f->len;
	l = src_line_of(f, offset);
	for (uint32_t i = f->line_start[l - 1]; i < offset; i++)
		c = advance_col(c, f->text[i]);
	*line = l;
	*col = c;
}

const char *src_line(const struct src_file *f, unsigned line, size_t *len)
{
	const char *start, *nl;

	if (line < 1 || line > f->nlines) {
		*len = 0;
		return "";
	}
	start = f->text + f->line_start[line - 1];
	nl = memchr(start, '\n', f->len - (size_t)(start - f->text));
	*len = nl ? (size_t)(nl - start) : f->len - (size_t)(start - f->text);
	return start;
}

static void print_expanded(FILE *out, const char *s, size_t len)
{
	unsigned col = 1;

	for (size_t i = 0; i < len; i++) {
		unsigned next = advance_col(col, s[i]);

		if (s[i] == '\t')
			fprintf(out, "%*s", (int)(next - col), "");
		else
			fputc(s[i], out);
		col = next;
	}
}

void src_print_excerpt(const struct src_file *f, struct src_range r, FILE *out,
		       const char *caret_on, const char *caret_off)
{
	unsigned line, col, end_line, end_col;
	const char *text;
	size_t len;

	src_position(f, r.start, &line, &col);
	src_position(f, r.end > r.start ? r.end : r.start, &end_line, &end_col);
	text = src_line(f, line, &len);
	/* a range running past its first line is underlined to that line's end */
	if (end_line != line) {
		unsigned c = 1;

		for (size_t i = 0; i < len; i++)
			c = advance_col(c, text[i]);
		end_col = c;
	}
	fprintf(out, "%5u | ", line);
	print_expanded(out, text, len);
	fprintf(out, "\n      | %*s%s^", (int)col - 1, "", caret_on);
	for (unsigned c = col + 1; c < end_col; c++)
		fputc('~', out);
	fprintf(out, "%s\n", caret_off);
}
