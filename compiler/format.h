/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_FORMAT_H
#define TAP_FORMAT_H

/*
 * printf formats with SystemTap's conversions: %d %i %u %x %X %o %s %c %p
 * and %%, with the flags "-+ #0", a width and a precision, each of which
 * may be '*' (taken from an argument). A format is
 * parsed once, when the script is compiled, and rendered per event.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fmt_conv {
	FMT_LITERAL,	/* text between conversions */
	FMT_SIGNED,	/* %d %i */
	FMT_UNSIGNED,	/* %u */
	FMT_HEX,	/* %x */
	FMT_HEX_UPPER,	/* %X */
	FMT_OCTAL,	/* %o */
	FMT_STRING,	/* %s */
	FMT_CHAR,	/* %c */
	FMT_POINTER,	/* %p */
};

enum fmt_flags {
	FMT_LEFT = 1 << 0,	/* - */
	FMT_PLUS = 1 << 1,	/* + */
	FMT_SPACE = 1 << 2,	/* ' ' */
	FMT_ALT = 1 << 3,	/* # */
	FMT_ZERO = 1 << 4,	/* 0 */
};

struct fmt_seg {
	enum fmt_conv conv;
	unsigned flags;
	int width;	/* -1: none */
	int precision;	/* -1: none */
	bool width_arg;	/* "%*d": the width is an argument, before the value */
	bool precision_arg;	/* "%.*s": so is the precision */
	const char *text;	/* FMT_LITERAL: the bytes (%% already folded) */
	size_t len;
	size_t src_offset;	/* where the conversion starts in the format */
};

struct fmt {
	struct fmt_seg *segs;
	size_t nsegs;
	size_t nargs;	/* arguments: conversions and '*' widths/precisions */
};

/*
 * Parses @text (@len bytes; may hold NUL). On a bad conversion returns
 * -EINVAL and sets *@err_offset and *@err_msg (static text). Segments
 * point into @text, which must outlive @f. Free with fmt_release().
 */
int fmt_parse(const char *text, size_t len, struct fmt *f, size_t *err_offset,
	      const char **err_msg);
void fmt_release(struct fmt *f);

/* true for conversions that take a string argument */
static inline int fmt_conv_is_string(enum fmt_conv c)
{
	return c == FMT_STRING;
}

/* a growable output buffer */
struct strbuf {
	char *buf;
	size_t len, cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* 0 or -ENOMEM */
int strbuf_add(struct strbuf *sb, const char *s, size_t n);
int strbuf_grow(struct strbuf *sb, size_t extra);

/* one argument to fmt_render: a number or a string */
struct fmt_arg {
	int64_t num;
	const char *str;
	size_t len;
};

/*
 * Appends the formatted text to @out. @args has f->nargs entries, typed
 * as the conversions ask (the compiler checked). 0 or -ENOMEM.
 */
int fmt_render(const struct fmt *f, const struct fmt_arg *args,
	       struct strbuf *out);

/* which argument slot @s takes its width, precision and value from:
 * they come in that order, each only when the conversion has it */
static inline size_t fmt_seg_nargs(const struct fmt_seg *s)
{
	return s->conv == FMT_LITERAL ? 0 : 1 + s->width_arg + s->precision_arg;
}

/* one conversion on its own (used by print-like builtins too) */
int fmt_render_seg(const struct fmt_seg *s, const struct fmt_arg *a,
		   struct strbuf *out);

#endif
