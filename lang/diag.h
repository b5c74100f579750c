/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_DIAG_H
#define TAP_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "source.h"

enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
	DIAG_NOTE,
};

struct diag_entry {
	enum diag_severity severity;
	const struct src_file *src;	/* NULL: not tied to the script */
	struct src_range range;
	char *msg;
};

/*
 * Problems found by library code. Library code never prints: it records
 * here and returns -EINVAL, and the caller decides where the text goes.
 */
struct diag {
	struct diag_entry *entries;
	size_t n, cap;
	unsigned errors;
	unsigned max_errors;	/* stop recording errors past this; 0: 20 */
	const struct src_file *src;	/* default file for new entries */
};

void diag_init(struct diag *d, const struct src_file *src);
void diag_release(struct diag *d);

__attribute__((format(printf, 3, 4)))
void diag_error(struct diag *d, struct src_range r, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void diag_warning(struct diag *d, struct src_range r, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void diag_note(struct diag *d, struct src_range r, const char *fmt, ...);
void diag_vadd(struct diag *d, enum diag_severity sev, struct src_range r,
	       const char *fmt, va_list ap);

/* True once the error limit is reached; passes may stop early then. */
bool diag_full(const struct diag *d);

/*
 * Prints every entry in order: "file:line:col: error: msg", then the
 * source line and a caret under the range (errors and warnings only).
 * Entries without a file are prefixed with @prog.
 */
void diag_print(const struct diag *d, FILE *out, const char *prog, bool color);

/* True when colour is wanted on @out: a terminal, and NO_COLOR unset. */
bool diag_want_color(FILE *out);

#endif
