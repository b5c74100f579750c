// SPDX-License-Identifier: GPL-2.0-or-later
/* Helpers for lexer.l: the parts of scanning that need more than a regex. */
#include "lexer_util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *lex_strdup(struct parse_ctx *c, const char *s)
{
	return arena_strdup(c->arena, s);
}

int64_t lex_number(struct parse_ctx *c, struct src_range r, const char *text)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 0);
	/* values up to 2^64-1 are kept as their two's complement bits, so
	 * 0xffffffffffffffff and -9223372036854775808 both work */
	if (errno == ERANGE)
		diag_error(c->diag, r, "number '%s' does not fit in 64 bits",
			   text);
	return (int64_t)v;
}

void lex_bad_number(struct parse_ctx *c, struct src_range r, const char *text)
{
	diag_error(c->diag, r, "invalid number '%s'", text);
}

static int hexval(char ch)
{
	if (isdigit((unsigned char)ch))
		return ch - '0';
	return tolower((unsigned char)ch) - 'a' + 10;
}

/* resolves one escape at s[*i] (just after the backslash) into *out */
static char lex_escape(struct parse_ctx *c, struct src_range r,
		       const char *s, int len, int *i)
{
	char ch = s[*i];
	int v = 0, n;

	switch (ch) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'v': return '\v';
	case '\\': return '\\';
	case '"': return '"';
	case '\'': return '\'';
	case 'x':
		for (n = 0; n < 2 && *i + 1 < len && isxdigit((unsigned char)s[*i + 1]); n++)
			v = v * 16 + hexval(s[++*i]);
		if (n == 0)
			diag_error(c->diag, r, "\\x used with no following hex digits");
		return (char)v;
	default:
		break;
	}
	if (ch >= '0' && ch <= '7') {
		v = ch - '0';
		for (n = 1; n < 3 && *i + 1 < len && s[*i + 1] >= '0' && s[*i + 1] <= '7'; n++)
			v = v * 8 + (s[++*i] - '0');
		return (char)v;
	}
	r.start += (uint32_t)*i - 1;
	r.end = r.start + 2;
	diag_warning(c->diag, r, "unknown escape sequence '\\%c'", ch);
	return ch;
}

void lex_string(struct parse_ctx *c, struct src_range r, const char *text,
		int len, struct lex_strlit *out)
{
	char *buf = arena_zalloc(c->arena, (size_t)len + 1);
	uint32_t n = 0;
	int end = len;

	if (len > 1 && text[len - 1] == '"')
		end = len - 1;
	for (int i = 1; buf && i < end; i++) {
		if (text[i] == '\\' && i + 1 < end) {
			i++;
			buf[n++] = lex_escape(c, r, text, end, &i);
		} else {
			buf[n++] = text[i];
		}
	}
	out->s = buf ? buf : "";
	out->len = buf ? n : 0;
}

void lex_unterminated_string(struct parse_ctx *c, struct src_range r)
{
	diag_error(c->diag, r, "missing terminating '\"' character");
}

void lex_stray(struct parse_ctx *c, struct src_range r, char ch)
{
	if (isprint((unsigned char)ch))
		diag_error(c->diag, r, "stray '%c' in program", ch);
	else
		diag_error(c->diag, r, "stray '\\%o' in program",
			   (unsigned char)ch);
}

void lex_comment_start(struct parse_ctx *c, struct src_range r)
{
	c->open = r;
}

void lex_embed_start(struct parse_ctx *c, struct src_range r)
{
	c->open = r;
}

struct src_range lex_embed_end(struct parse_ctx *c, struct src_range r)
{
	return (struct src_range){ c->open.start, r.end };
}

void lex_unterminated(struct parse_ctx *c, const char *what)
{
	diag_error(c->diag, c->open, "unterminated %s", what);
}

void lex_preprocessor(struct parse_ctx *c, struct src_range r)
{
	diag_error(c->diag, r,
		   "preprocessor conditionals %%( ... %%) are not supported; "
		   "tap checks kernel features when it resolves probe points, "
		   "mark optional probes with '?' instead");
}
