// SPDX-License-Identifier: GPL-2.0-or-later
#include "diag.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIAG_DEFAULT_MAX_ERRORS 20

void diag_init(struct diag *d, const struct src_file *src)
{
	memset(d, 0, sizeof(*d));
	d->src = src;
	d->max_errors = DIAG_DEFAULT_MAX_ERRORS;
}

void diag_release(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->entries[i].msg);
	free(d->entries);
	d->entries = NULL;
	d->n = d->cap = 0;
	d->errors = 0;
}

bool diag_full(const struct diag *d)
{
	return d->max_errors && d->errors >= d->max_errors;
}

void diag_vadd(struct diag *d, enum diag_severity sev, struct src_range r,
	       const char *fmt, va_list ap)
{
	struct diag_entry *e;
	char *msg;

	if (diag_full(d)) {
		/* count on, so the caller still knows the run failed */
		if (sev == DIAG_ERROR)
			d->errors++;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		struct diag_entry *bigger =
			realloc(d->entries, cap * sizeof(*bigger));

		if (!bigger)
			goto count;
		d->entries = bigger;
		d->cap = cap;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		goto count;
	e = &d->entries[d->n++];
	e->severity = sev;
	e->src = src_range_valid(r) ? d->src : NULL;
	e->range = r;
	e->msg = msg;
count:
	if (sev == DIAG_ERROR)
		d->errors++;
}

#define DIAG_ADD(sev)                             \
	do {                                      \
		va_list ap;                       \
		va_start(ap, fmt);                \
		diag_vadd(d, sev, r, fmt, ap);    \
		va_end(ap);                       \
	} while (0)

void diag_error(struct diag *d, struct src_range r, const char *fmt, ...)
{
	DIAG_ADD(DIAG_ERROR);
}

void diag_warning(struct diag *d, struct src_range r, const char *fmt, ...)
{
	DIAG_ADD(DIAG_WARNING);
}

void diag_note(struct diag *d, struct src_range r, const char *fmt, ...)
{
	DIAG_ADD(DIAG_NOTE);
}

bool diag_want_color(FILE *out)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && *nc)
		return false;
	return isatty(fileno(out));
}

static const char *const sev_name[] = {
	[DIAG_ERROR] = "error",
	[DIAG_WARNING] = "warning",
	[DIAG_NOTE] = "note",
};

/* gcc's colours: bold red errors, bold magenta warnings, bold cyan notes */
static const char *const sev_color[] = {
	[DIAG_ERROR] = "\033[1;31m",
	[DIAG_WARNING] = "\033[1;35m",
	[DIAG_NOTE] = "\033[1;36m",
};

static void diag_print_entry(const struct diag_entry *e, FILE *out,
			     const char *prog, bool color)
{
	const char *bold = color ? "\033[1m" : "";
	const char *reset = color ? "\033[0m" : "";

	if (e->src) {
		unsigned line, col;

		src_position(e->src, e->range.start, &line, &col);
		fprintf(out, "%s%s:%u:%u:%s ", bold, e->src->name, line, col,
			reset);
	} else if (prog) {
		fprintf(out, "%s%s:%s ", bold, prog, reset);
	}
	fprintf(out, "%s%s:%s %s\n", color ? sev_color[e->severity] : "",
		sev_name[e->severity], reset, e->msg);
	if (e->src && e->severity != DIAG_NOTE)
		src_print_excerpt(e->src, e->range, out,
				  color ? "\033[1;32m" : "", reset);
}

void diag_print(const struct diag *d, FILE *out, const char *prog, bool color)
{
	for (size_t i = 0; i < d->n; i++)
		diag_print_entry(&d->entries[i], out, prog, color);
	if (d->max_errors && d->errors > d->max_errors)
		fprintf(out, "%s: note: %u more errors not shown\n",
			d->src ? d->src->name : prog,
			d->errors - d->max_errors);
}
