/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_LEXER_UTIL_H
#define TAP_LEXER_UTIL_H

#include <stdint.h>

#include "ast.h"

/* a string literal with its escapes resolved (it may hold NUL bytes) */
struct lex_strlit {
	const char *s;
	uint32_t len;
};

char *lex_strdup(struct parse_ctx *c, const char *s);
int64_t lex_number(struct parse_ctx *c, struct src_range r, const char *text);
void lex_bad_number(struct parse_ctx *c, struct src_range r, const char *text);
void lex_string(struct parse_ctx *c, struct src_range r, const char *text,
		int len, struct lex_strlit *out);
void lex_unterminated_string(struct parse_ctx *c, struct src_range r);
void lex_stray(struct parse_ctx *c, struct src_range r, char ch);
void lex_comment_start(struct parse_ctx *c, struct src_range r);
void lex_embed_start(struct parse_ctx *c, struct src_range r);
struct src_range lex_embed_end(struct parse_ctx *c, struct src_range r);
void lex_unterminated(struct parse_ctx *c, const char *what);
void lex_preprocessor(struct parse_ctx *c, struct src_range r);

#endif
