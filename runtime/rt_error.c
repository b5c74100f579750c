// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run-time errors, worded as SystemTap words them so that logs and the
 * habits of its users carry over:
 *
 *   ERROR: division by 0 near operator '/' at t.tap:3:14 (probe begin)
 *
 * The token is the one the error is about (the operator, the array, the
 * function), found in the source when the error happens: errors are rare,
 * so nothing is precomputed for them.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

#include "builtins.h"
#include "rt.h"

/* skips blanks and comments from @pos; returns where the next token starts */
static uint32_t skip_blank(const struct src_file *src, uint32_t pos,
			   uint32_t end)
{
	const char *t = src->text;

	while (pos < end) {
		if (isspace((unsigned char)t[pos])) {
			pos++;
		} else if (t[pos] == '#' ||
			   (t[pos] == '/' && pos + 1 < end && t[pos + 1] == '/')) {
			while (pos < end && t[pos] != '\n')
				pos++;
		} else if (t[pos] == '/' && pos + 1 < end && t[pos + 1] == '*') {
			pos += 2;
			while (pos + 1 < end && !(t[pos] == '*' && t[pos + 1] == '/'))
				pos++;
			pos += 2;
		} else {
			break;
		}
	}
	return pos;
}

/* the spelling of a binary-like node's operator ("+=" for x += y) */
static const char *op_spelling(const struct ast *e, char *buf, size_t n)
{
	switch (e->kind) {
	case AST_ASSIGN:
		if (e->op == '=')
			return "=";
		snprintf(buf, n, "%s=", ast_op_name(e->op));
		return buf;
	case AST_AGG_ADD:
		return "<<<";
	case AST_TERNARY:
		return "?";
	case AST_IN:
		return "in";
	default:
		return ast_op_name(e->op);
	}
}

/*
 * Where the operator of @e is: between its operands, past blanks and
 * comments. The tree keeps the operands' ranges, not the operator's.
 */
static uint32_t operator_pos(const struct src_file *src, const struct ast *e,
			     const char *op)
{
	uint32_t end = e->b ? e->b->loc.start : e->loc.end;
	uint32_t pos;

	if (!e->a || e->a->loc.end >= end || end > src->len)
		return e->loc.start;
	pos = skip_blank(src, e->a->loc.end, end);
	/* "(a) / b": a closing parenthesis is not part of the operand's range */
	while (pos < end && src->text[pos] == ')')
		pos = skip_blank(src, pos + 1, end);
	if (pos + strlen(op) <= end && !strncmp(src->text + pos, op, strlen(op)))
		return pos;
	return e->loc.start;
}

static const char *stmt_keyword(enum ast_kind k)
{
	switch (k) {
	case AST_IF: return "if";
	case AST_WHILE: return "while";
	case AST_FOR: return "for";
	case AST_FOREACH: return "foreach";
	case AST_BREAK: return "break";
	case AST_CONTINUE: return "continue";
	case AST_NEXT: return "next";
	case AST_RETURN: return "return";
	case AST_DELETE: return "delete";
	case AST_TRY: return "try";
	default: return NULL;
	}
}

/* "operator '/'", "identifier 'a'", "keyword 'while'"; *pos: its start */
static void describe(const struct src_file *src, const struct ast *e,
		     char *buf, size_t n, uint32_t *pos)
{
	char tmp[8];
	const char *op;

	*pos = e->loc.start;
	while (e->kind == AST_EXPR_STMT && e->a)
		e = e->a;
	*pos = e->loc.start;
	if (stmt_keyword(e->kind)) {
		snprintf(buf, n, "keyword '%s'", stmt_keyword(e->kind));
		return;
	}
	switch (e->kind) {
	case AST_BINARY:
	case AST_LOGICAL:
	case AST_REGEX:
	case AST_ASSIGN:
	case AST_AGG_ADD:
	case AST_TERNARY:
	case AST_IN:
		op = op_spelling(e, tmp, sizeof(tmp));
		*pos = operator_pos(src, e, op);
		snprintf(buf, n, "operator '%s'", op);
		return;
	case AST_UNARY:
	case AST_INCDEC:
		snprintf(buf, n, "operator '%s'", ast_op_name(e->op));
		if (e->flags & AST_POSTFIX)
			*pos = skip_blank(src, e->a->loc.end, e->loc.end);
		return;
	case AST_INDEX:
		snprintf(buf, n, "identifier '%s'", e->a->name);
		return;
	case AST_NUM:
		snprintf(buf, n, "number");
		return;
	case AST_STR:
		snprintf(buf, n, "string");
		return;
	default:
		if (e->name)
			snprintf(buf, n, "identifier '%s'", e->name);
		else
			buf[0] = '\0';
		return;
	}
}

void rt_fail(struct exec *x, const struct ast *where, const char *fmt, ...)
{
	struct rt *rt = x->rt;
	const struct src_file *src = rt->prog->src;
	char token[96] = "";
	unsigned line = 0, col = 0;
	uint32_t pos = 0;
	size_t len;
	va_list ap;

	if (x->failed)
		return;
	x->failed = true;
	va_start(ap, fmt);
	vsnprintf(rt->errbare, sizeof(rt->errbare), fmt, ap);
	va_end(ap);
	len = (size_t)snprintf(rt->errmsg, sizeof(rt->errmsg), "%s", rt->errbare);
	if (where) {
		describe(src, where, token, sizeof(token), &pos);
		src_position(src, pos, &line, &col);
		if (len < sizeof(rt->errmsg))
			len += (size_t)snprintf(rt->errmsg + len, sizeof(rt->errmsg) - len,
						"%s%s at %s:%u:%u", token[0] ? " near " : "",
						token, src->name, line, col);
	}
	if (x->probe && len < sizeof(rt->errmsg))
		snprintf(rt->errmsg + len, sizeof(rt->errmsg) - len, " (probe %s)",
			 x->probe->dp->pp);
}
