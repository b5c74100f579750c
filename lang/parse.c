// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>

#include "ast.h"
#include "grammar.h"
#include "lexer.h"

int yyparse(yyscan_t scanner, struct parse_ctx *ctx);

int lang_parse(const struct src_file *src, struct arena *arena, struct diag *d,
	       struct ast_script **out)
{
	struct parse_ctx ctx = { .arena = arena, .diag = d, .src = src };
	unsigned errors_before = d->errors;
	YY_BUFFER_STATE buf;
	yyscan_t scanner;
	int err = 0;

	ctx.script = arena_zalloc(arena, sizeof(*ctx.script));
	if (!ctx.script)
		return -ENOMEM;
	ctx.script->src = src;
	ctx.tail = &ctx.script->decls;
	*out = ctx.script;
	if (yylex_init_extra(&ctx, &scanner))
		return -errno;
	buf = yy_scan_bytes(src->text, (int)src->len, scanner);
	if (yyparse(scanner, &ctx) == 2)
		err = -ENOMEM;
	yy_delete_buffer(buf, scanner);
	yylex_destroy(scanner);
	if (!err && d->errors > errors_before)
		err = -EINVAL;
	return err;
}
