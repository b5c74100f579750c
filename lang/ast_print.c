// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes a tree back as tap source in one canonical layout (tapc -p1):
 * tabs for indentation, every nested operator parenthesised, strings
 * re-escaped. Parsing the output again gives the same tree.
 */
#include "ast.h"

#include <ctype.h>
#include <inttypes.h>

static void print_stmt(const struct ast *s, FILE *out, int depth);

static void indent(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputc('\t', out);
}

static void print_string(const char *s, uint32_t len, FILE *out)
{
	fputc('"', out);
	for (uint32_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		switch (ch) {
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		default:
			if (isprint(ch))
				fputc(ch, out);
			else
				fprintf(out, "\\%03o", ch);
		}
	}
	fputc('"', out);
}

static void print_list(const struct ast *l, FILE *out)
{
	ast_foreach_child(e, l)
	{
		ast_print_expr(e, out);
		if (e->next)
			fputs(", ", out);
	}
}

static bool is_compound(const struct ast *e)
{
	switch (e->kind) {
	case AST_BINARY: case AST_LOGICAL: case AST_ASSIGN: case AST_AGG_ADD:
	case AST_TERNARY: case AST_IN: case AST_REGEX:
		return true;
	default:
		return false;
	}
}

/* an operand: parenthesised when it is itself an operator expression */
static void print_operand(const struct ast *e, FILE *out)
{
	if (is_compound(e)) {
		fputc('(', out);
		ast_print_expr(e, out);
		fputc(')', out);
	} else {
		ast_print_expr(e, out);
	}
}

static void print_members(const struct ast *m, FILE *out)
{
	ast_foreach_child(x, m)
	{
		if (x->name) {
			fprintf(out, "->%s", x->name);
		} else {
			fputc('[', out);
			ast_print_expr(x->a, out);
			fputc(']', out);
		}
	}
}

static void print_binary(const struct ast *e, FILE *out)
{
	const char *op = ast_op_name(e->op);

	print_operand(e->a, out);
	if (e->kind == AST_ASSIGN)
		fprintf(out, " %s= ", e->op == '=' ? "" : op);
	else if (e->kind == AST_AGG_ADD)
		fputs(" <<< ", out);
	else
		fprintf(out, " %s ", op);
	print_operand(e->b, out);
}

void ast_print_expr(const struct ast *e, FILE *out)
{
	switch (e->kind) {
	case AST_EMPTY:	/* '*' among an array's keys */
		fputc('*', out);
		break;
	case AST_NUM:
		fprintf(out, "%" PRId64, e->num);
		break;
	case AST_STR:
		print_string(e->str, e->len, out);
		break;
	case AST_VAR:
		fputs(e->name, out);
		break;
	case AST_TARGET:
		fputs(e->name, out);
		print_members(e->a, out);
		break;
	case AST_SCRIPT_ARG:
		if (e->num)
			fprintf(out, "%c%" PRId64, e->op, e->num);
		else
			fprintf(out, "%c#", e->op);
		break;
	case AST_INDEX:
		fprintf(out, "%s[", e->a->name);
		print_list(e->b, out);
		fputc(']', out);
		break;
	case AST_CALL:
	case AST_AT_CALL:
		fprintf(out, "%s(", e->name);
		print_list(e->a, out);
		fputc(')', out);
		print_members(e->b, out);
		break;
	case AST_BINARY:
	case AST_LOGICAL:
	case AST_ASSIGN:
	case AST_AGG_ADD:
	case AST_REGEX:
		print_binary(e, out);
		break;
	case AST_UNARY:
		fputs(ast_op_name(e->op), out);
		print_operand(e->a, out);
		break;
	case AST_INCDEC:
		if (!(e->flags & AST_POSTFIX))
			fputs(ast_op_name(e->op), out);
		print_operand(e->a, out);
		if (e->flags & AST_POSTFIX)
			fputs(ast_op_name(e->op), out);
		break;
	case AST_TERNARY:
		print_operand(e->a, out);
		fputs(" ? ", out);
		print_operand(e->b, out);
		fputs(" : ", out);
		print_operand(e->c, out);
		break;
	case AST_IN:
		if (e->a->next) {
			fputc('[', out);
			print_list(e->a, out);
			fputc(']', out);
		} else {
			print_operand(e->a, out);
		}
		fprintf(out, " in %s", e->b->name);
		break;
	default:
		fprintf(out, "<%s>", ast_kind_name(e->kind));
	}
}

static void print_block(const struct ast *b, FILE *out, int depth)
{
	fputs("{\n", out);
	ast_foreach_child(s, b->a)
		print_stmt(s, out, depth + 1);
	indent(out, depth);
	fputc('}', out);
}

/* a sub-statement: blocks stay on the line, others go one level deeper */
static void print_body(const struct ast *s, FILE *out, int depth)
{
	if (s->kind == AST_BLOCK) {
		fputc(' ', out);
		print_block(s, out, depth);
		fputc('\n', out);
	} else {
		fputc('\n', out);
		print_stmt(s, out, depth + 1);
	}
}

static void print_foreach(const struct ast *s, FILE *out, int depth)
{
	int col = 0;

	fputs("foreach (", out);
	if (s->d)
		fprintf(out, "%s = ", s->d->name);
	if (s->a && s->a->next)
		fputc('[', out);
	ast_foreach_child(k, s->a)
	{
		col++;
		fputs(k->name, out);
		if (s->num == col)
			fputc(s->op > 0 ? '+' : '-', out);
		if (k->next)
			fputs(", ", out);
	}
	if (s->a && s->a->next)
		fputc(']', out);
	fprintf(out, " in %s", s->b->name);
	if (s->b->a) {
		fputc('[', out);
		print_list(s->b->a, out);
		fputc(']', out);
	}
	if (s->num == -1)
		fprintf(out, "%s%s%c", s->str ? " " : "", s->str ? s->str : "",
			s->op > 0 ? '+' : '-');
	if (s->e) {
		fputs(" limit ", out);
		ast_print_expr(s->e, out);
	}
	fputc(')', out);
	print_body(s->c, out, depth);
}

static void print_if(const struct ast *s, FILE *out, int depth)
{
	fputs("if (", out);
	ast_print_expr(s->a, out);
	fputc(')', out);
	print_body(s->b, out, depth);
	if (s->c) {
		indent(out, depth);
		fputs("else", out);
		print_body(s->c, out, depth);
	}
}

static void print_for(const struct ast *s, FILE *out, int depth)
{
	fputs("for (", out);
	if (s->a)
		ast_print_expr(s->a, out);
	fputs("; ", out);
	if (s->b)
		ast_print_expr(s->b, out);
	fputs("; ", out);
	if (s->c)
		ast_print_expr(s->c, out);
	fputc(')', out);
	print_body(s->d, out, depth);
}

static void print_stmt(const struct ast *s, FILE *out, int depth)
{
	indent(out, depth);
	switch (s->kind) {
	case AST_BLOCK:
		print_block(s, out, depth);
		fputc('\n', out);
		return;
	case AST_EXPR_STMT:
		ast_print_expr(s->a, out);
		break;
	case AST_IF:
		print_if(s, out, depth);
		return;
	case AST_WHILE:
		fputs("while (", out);
		ast_print_expr(s->a, out);
		fputc(')', out);
		print_body(s->b, out, depth);
		return;
	case AST_FOR:
		print_for(s, out, depth);
		return;
	case AST_FOREACH:
		print_foreach(s, out, depth);
		return;
	case AST_BREAK: fputs("break", out); break;
	case AST_CONTINUE: fputs("continue", out); break;
	case AST_NEXT: fputs("next", out); break;
	case AST_RETURN:
		fputs("return", out);
		if (s->a) {
			fputc(' ', out);
			ast_print_expr(s->a, out);
		}
		break;
	case AST_DELETE:
		fputs("delete ", out);
		ast_print_expr(s->a, out);
		break;
	case AST_TRY:
		fputs("try ", out);
		print_block(s->a, out, depth);
		fputs(" catch ", out);
		if (s->b)
			fprintf(out, "(%s) ", s->b->name);
		print_block(s->c, out, depth);
		fputc('\n', out);
		return;
	case AST_EMPTY:
		break;
	default:
		ast_print_expr(s, out);
	}
	fputs(";\n", out);
}

static void print_probe_point(const struct ast *pp, FILE *out)
{
	ast_foreach_child(c, pp->a)
	{
		fputs(c->name, out);
		if (c->a) {
			fputc('(', out);
			ast_print_expr(c->a, out);
			fputc(')', out);
		}
		if (c->next)
			fputc('.', out);
	}
	if (pp->flags & AST_PP_SUFFICIENT)
		fputc('!', out);
	else if (pp->flags & AST_PP_OPTIONAL)
		fputc('?', out);
}

static void print_probe(const struct ast *p, FILE *out)
{
	fputs("probe ", out);
	ast_foreach_child(pp, p->a)
	{
		print_probe_point(pp, out);
		if (pp->next)
			fputs(", ", out);
	}
	if (p->b) {
		fputs(" if (", out);
		ast_print_expr(p->b, out);
		fputc(')', out);
	}
	fputc(' ', out);
	print_block(p->c, out, 0);
	fputc('\n', out);
}

static void print_global(const struct ast *g, FILE *out)
{
	fprintf(out, "global %s", g->name);
	if (g->flags & AST_GLOBAL_WRAP)
		fputc('%', out);
	if (g->num > 0)
		fprintf(out, "[%" PRId64 "]", g->num);
	if (g->a) {
		fputs(" = ", out);
		ast_print_expr(g->a, out);
	}
	fputc('\n', out);
}

static void print_function(const struct ast *f, FILE *out)
{
	fprintf(out, "function %s", f->name);
	if (f->decl != TYPE_UNKNOWN)
		fprintf(out, ":%s", tap_type_name(f->decl));
	fputc('(', out);
	ast_foreach_child(p, f->a)
	{
		fputs(p->name, out);
		if (p->decl != TYPE_UNKNOWN)
			fprintf(out, ":%s", tap_type_name(p->decl));
		if (p->next)
			fputs(", ", out);
	}
	fputs(") ", out);
	if (f->b->kind == AST_BLOCK)
		print_block(f->b, out, 0);
	else
		fputs("%{ %}", out);
	fputc('\n', out);
}

void ast_print_script(const struct ast_script *s, FILE *out)
{
	ast_foreach_child(d, s->decls)
	{
		switch (d->kind) {
		case AST_PROBE: print_probe(d, out); break;
		case AST_GLOBAL: print_global(d, out); break;
		case AST_FUNCTION: print_function(d, out); break;
		case AST_EMBEDDED: fputs("%{ %}\n", out); break;
		default: break;
		}
	}
}

const char *ast_kind_name(enum ast_kind k)
{
	static const char *const names[AST_KIND_COUNT] = {
		[AST_PROBE] = "probe", [AST_PROBE_POINT] = "probe point",
		[AST_PP_COMP] = "probe point component", [AST_GLOBAL] = "global",
		[AST_FUNCTION] = "function", [AST_PARAM] = "parameter",
		[AST_EMBEDDED] = "embedded C", [AST_BLOCK] = "block",
		[AST_EXPR_STMT] = "expression statement", [AST_IF] = "if",
		[AST_WHILE] = "while", [AST_FOR] = "for", [AST_FOREACH] = "foreach",
		[AST_BREAK] = "break", [AST_CONTINUE] = "continue",
		[AST_NEXT] = "next", [AST_RETURN] = "return",
		[AST_DELETE] = "delete", [AST_TRY] = "try", [AST_EMPTY] = "empty",
		[AST_NUM] = "number", [AST_STR] = "string", [AST_VAR] = "variable",
		[AST_TARGET] = "target variable", [AST_MEMBER] = "member",
		[AST_SCRIPT_ARG] = "script argument", [AST_INDEX] = "array element",
		[AST_CALL] = "function call", [AST_AT_CALL] = "@-operator",
		[AST_BINARY] = "binary operator", [AST_LOGICAL] = "logical operator",
		[AST_UNARY] = "unary operator", [AST_INCDEC] = "increment",
		[AST_ASSIGN] = "assignment", [AST_AGG_ADD] = "aggregation",
		[AST_TERNARY] = "conditional", [AST_IN] = "membership test",
		[AST_REGEX] = "regex match",
	};

	return k < AST_KIND_COUNT && names[k] ? names[k] : "node";
}
