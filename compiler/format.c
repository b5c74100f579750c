// SPDX-License-Identifier: GPL-2.0-or-later
#include "format.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t cap;
	char *b;

	if (sb->cap - sb->len > extra)
		return 0;
	cap = sb->cap ? sb->cap : 256;
	while (cap - sb->len <= extra)
		cap *= 2;
	b = realloc(sb->buf, cap);
	if (!b)
		return -ENOMEM;
	sb->buf = b;
	sb->cap = cap;
	return 0;
}

int strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	if (strbuf_grow(sb, n))
		return -ENOMEM;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

static int fmt_add(struct fmt *f, const struct fmt_seg *s)
{
	struct fmt_seg *v = realloc(f->segs, (f->nsegs + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	f->segs = v;
	v[f->nsegs++] = *s;
	f->nargs += fmt_seg_nargs(s);
	return 0;
}

static unsigned flag_of(char c)
{
	switch (c) {
	case '-': return FMT_LEFT;
	case '+': return FMT_PLUS;
	case ' ': return FMT_SPACE;
	case '#': return FMT_ALT;
	case '0': return FMT_ZERO;
	default: return 0;
	}
}

static int conv_of(char c, enum fmt_conv *out)
{
	switch (c) {
	case 'd': case 'i': *out = FMT_SIGNED; return 0;
	case 'u': *out = FMT_UNSIGNED; return 0;
	case 'x': *out = FMT_HEX; return 0;
	case 'X': *out = FMT_HEX_UPPER; return 0;
	case 'o': *out = FMT_OCTAL; return 0;
	case 's': *out = FMT_STRING; return 0;
	case 'c': *out = FMT_CHAR; return 0;
	case 'p': *out = FMT_POINTER; return 0;
	default: return -EINVAL;
	}
}

static int read_int(const char *t, size_t len, size_t *i)
{
	int v = 0;

	while (*i < len && t[*i] >= '0' && t[*i] <= '9') {
		if (v < 100000)
			v = v * 10 + (t[*i] - '0');
		(*i)++;
	}
	return v;
}

/* parses the conversion at text[*i] ('%' already consumed) */
static int parse_conv(const char *t, size_t len, size_t *i,
		      struct fmt_seg *s, const char **msg)
{
	unsigned fl;

	s->width = s->precision = -1;
	while (*i < len && (fl = flag_of(t[*i]))) {
		s->flags |= fl;
		(*i)++;
	}
	if (*i < len && t[*i] == '*') {
		s->width_arg = true;
		(*i)++;
	} else if (*i < len && t[*i] >= '1' && t[*i] <= '9') {
		s->width = read_int(t, len, i);
	}
	if (*i < len && t[*i] == '.') {
		(*i)++;
		if (*i < len && t[*i] == '*') {
			s->precision_arg = true;
			(*i)++;
		} else {
			s->precision = read_int(t, len, i);
		}
	}
	/* C length modifiers mean nothing here: every number is 64 bits */
	while (*i < len && strchr("hlLjzt", t[*i]))
		(*i)++;
	if (*i >= len) {
		*msg = "incomplete conversion at the end of the format";
		return -EINVAL;
	}
	if (conv_of(t[*i], &s->conv)) {
		*msg = "unknown conversion (use %d %i %u %x %X %o %s %c %p or %%)";
		return -EINVAL;
	}
	(*i)++;
	return 0;
}

int fmt_parse(const char *text, size_t len, struct fmt *f, size_t *err_offset,
	      const char **err_msg)
{
	size_t i = 0;

	memset(f, 0, sizeof(*f));
	while (i < len) {
		struct fmt_seg s = { .conv = FMT_LITERAL, .text = text + i,
				     .src_offset = i, .width = -1,
				     .precision = -1 };
		int err;

		if (text[i] != '%') {
			while (i < len && text[i] != '%')
				i++;
			s.len = (size_t)(text + i - s.text);
		} else if (i + 1 < len && text[i + 1] == '%') {
			s.len = 1;	/* "%%": the first '%' is the text */
			i += 2;
		} else {
			i++;
			err = parse_conv(text, len, &i, &s, err_msg);
			if (err) {
				*err_offset = s.src_offset;
				fmt_release(f);
				return err;
			}
		}
		if (fmt_add(f, &s)) {
			fmt_release(f);
			return -ENOMEM;
		}
	}
	return 0;
}

void fmt_release(struct fmt *f)
{
	free(f->segs);
	memset(f, 0, sizeof(*f));
}

static int pad(struct strbuf *out, char c, int n)
{
	if (n <= 0)
		return 0;
	if (strbuf_grow(out, (size_t)n))
		return -ENOMEM;
	memset(out->buf + out->len, c, (size_t)n);
	out->len += (size_t)n;
	out->buf[out->len] = '\0';
	return 0;
}

/* digits of @v in @base, written backwards into the end of @buf */
static char *utoa(uint64_t v, unsigned base, bool upper, char *end)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	*--end = '\0';
	do {
		*--end = digits[v % base];
		v /= base;
	} while (v);
	return end;
}

/*
 * The number's parts: sign or prefix, zero-padding to the precision, the
 * digits; then width padding on the left (spaces, or zeros after the
 * prefix with '0') or on the right with '-'.
 */
static int render_number(const struct fmt_seg *s, int64_t v,
			 struct strbuf *out)
{
	char buf[80], *digits;
	const char *prefix = "";
	uint64_t u = (uint64_t)v;
	int ndig, zeros, total, err = 0;

	switch (s->conv) {
	case FMT_SIGNED:
		if (v < 0) {
			prefix = "-";
			u = -(uint64_t)v;
		} else if (s->flags & FMT_PLUS) {
			prefix = "+";
		} else if (s->flags & FMT_SPACE) {
			prefix = " ";
		}
		digits = utoa(u, 10, false, buf + sizeof(buf));
		break;
	case FMT_UNSIGNED:
		digits = utoa(u, 10, false, buf + sizeof(buf));
		break;
	case FMT_OCTAL:
		digits = utoa(u, 8, false, buf + sizeof(buf));
		if ((s->flags & FMT_ALT) && u)
			prefix = "0";
		break;
	case FMT_POINTER:
		/* SystemTap prints pointers 0x-prefixed at full width */
		digits = utoa(u, 16, false, buf + sizeof(buf));
		prefix = "0x";
		break;
	default:
		digits = utoa(u, 16, s->conv == FMT_HEX_UPPER, buf + sizeof(buf));
		if ((s->flags & FMT_ALT) && u)
			prefix = s->conv == FMT_HEX_UPPER ? "0X" : "0x";
		break;
	}
	ndig = (int)strlen(digits);
	zeros = s->precision > ndig ? s->precision - ndig : 0;
	if (s->conv == FMT_POINTER && s->precision < 0 && ndig < 16)
		zeros = 16 - ndig;
	if (s->precision == 0 && u == 0 && s->conv != FMT_POINTER) {
		ndig = 0;	/* C: "%.0d" of 0 prints nothing */
		digits += 1;
	}
	total = (int)strlen(prefix) + zeros + ndig;
	if ((s->flags & FMT_ZERO) && !(s->flags & FMT_LEFT) &&
	    s->precision < 0 && s->width > total) {
		zeros += s->width - total;
		total = s->width;
	}
	if (!(s->flags & FMT_LEFT))
		err |= pad(out, ' ', s->width - total);
	err |= strbuf_add(out, prefix, strlen(prefix));
	err |= pad(out, '0', zeros);
	err |= strbuf_add(out, digits, (size_t)ndig);
	if (s->flags & FMT_LEFT)
		err |= pad(out, ' ', s->width - total);
	return err ? -ENOMEM : 0;
}

static int render_text(const struct fmt_seg *s, const char *str, size_t len,
		       struct strbuf *out)
{
	int err = 0;

	if (s->precision >= 0 && (size_t)s->precision < len)
		len = (size_t)s->precision;
	if (!(s->flags & FMT_LEFT))
		err |= pad(out, ' ', s->width - (int)len);
	err |= strbuf_add(out, str, len);
	if (s->flags & FMT_LEFT)
		err |= pad(out, ' ', s->width - (int)len);
	return err ? -ENOMEM : 0;
}

int fmt_render_seg(const struct fmt_seg *s, const struct fmt_arg *a,
		   struct strbuf *out)
{
	char c;

	switch (s->conv) {
	case FMT_LITERAL:
		return strbuf_add(out, s->text, s->len);
	case FMT_STRING:
		return render_text(s, a->str, a->len, out);
	case FMT_CHAR:
		c = (char)a->num;
		return render_text(s, &c, 1, out);
	default:
		return render_number(s, a->num, out);
	}
}

/* a width or precision taken from an argument, as C takes them: a
 * negative width means '-', a negative precision none */
static struct fmt_seg resolve_star(const struct fmt_seg *s,
				   const struct fmt_arg **a)
{
	struct fmt_seg r = *s;
	int64_t v;

	if (s->width_arg) {
		v = (*a)++->num;
		if (v < 0) {
			r.flags |= FMT_LEFT;
			v = v < -100000 ? 100000 : -v;
		}
		r.width = v > 100000 ? 100000 : (int)v;
	}
	if (s->precision_arg) {
		v = (*a)++->num;
		r.precision = v < 0 ? -1 : v > 100000 ? 100000 : (int)v;
	}
	return r;
}

int fmt_render(const struct fmt *f, const struct fmt_arg *args,
	       struct strbuf *out)
{
	const struct fmt_arg *a = args;

	for (size_t i = 0; i < f->nsegs; i++) {
		const struct fmt_seg *s = &f->segs[i];
		struct fmt_seg r;
		int err;

		if (s->conv == FMT_LITERAL) {
			err = fmt_render_seg(s, NULL, out);
		} else {
			r = resolve_star(s, &a);
			err = fmt_render_seg(&r, a++, out);
		}
		if (err)
			return err;
	}
	return 0;
}
