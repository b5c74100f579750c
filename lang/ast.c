// SPDX-License-Identifier: GPL-2.0-or-later
/* AST constructors (one per grammar action) and small helpers. */
#include "ast.h"

#include <string.h>

struct ast *ast_new(struct parse_ctx *c, enum ast_kind k, struct src_range loc)
{
	struct ast *n = arena_zalloc(c->arena, sizeof(*n));

	/* out of memory: the parser cannot go on usefully; callers of
	 * lang_parse() see -ENOMEM from the arena check at the end */
	if (!n) {
		static struct ast oom;

		oom.kind = AST_EMPTY;
		return &oom;
	}
	n->kind = k;
	n->loc = loc;
	n->num = 0;
	n->slot = -1;
	return n;
}

struct ast *ast_node(struct parse_ctx *c, enum ast_kind k, struct src_range loc,
		     struct ast *a, struct ast *b, struct ast *cc)
{
	struct ast *n = ast_new(c, k, loc);

	n->a = a;
	n->b = b;
	n->c = cc;
	return n;
}

struct ast *ast_op(struct parse_ctx *c, enum ast_kind k, struct src_range loc,
		   int op, struct ast *a, struct ast *b)
{
	struct ast *n = ast_node(c, k, loc, a, b, NULL);

	n->op = op;
	return n;
}

struct ast *ast_named(struct parse_ctx *c, enum ast_kind k,
		      struct src_range loc, const char *name, struct ast *a)
{
	struct ast *n = ast_node(c, k, loc, a, NULL, NULL);

	n->name = name;
	return n;
}

struct ast *ast_num(struct parse_ctx *c, struct src_range loc, int64_t v)
{
	struct ast *n = ast_new(c, AST_NUM, loc);

	n->num = v;
	return n;
}

struct ast *ast_str(struct parse_ctx *c, struct src_range loc, const char *s,
		    uint32_t len)
{
	struct ast *n = ast_new(c, AST_STR, loc);

	n->str = s;
	n->len = len;
	return n;
}

struct ast *ast_append(struct ast *list, struct ast *item)
{
	struct ast *t = list;

	if (!list)
		return item;
	while (t->next)
		t = t->next;
	t->next = item;
	return list;
}

struct ast *ast_flag(struct ast *n, unsigned flags)
{
	n->flags |= flags;
	return n;
}

struct ast *ast_typed(struct ast *n, enum tap_type t)
{
	n->decl = t;
	return n;
}

enum tap_type ast_type_name(struct parse_ctx *c, struct src_range loc,
			    const char *name)
{
	if (!strcmp(name, "long"))
		return TYPE_LONG;
	if (!strcmp(name, "string"))
		return TYPE_STRING;
	diag_error(c->diag, loc, "unknown type '%s' (use 'long' or 'string')",
		   name);
	return TYPE_UNKNOWN;
}

struct ast *ast_pp_word(struct parse_ctx *c, struct ast *prev,
			struct src_range loc, const char *word)
{
	struct ast *n;

	if (!prev)
		return ast_named(c, AST_PP_COMP, loc, word, NULL);
	/* "open*" is one wildcard word; "open *" would silently be too */
	if (prev->loc.end != loc.start)
		diag_error(c->diag, loc,
			   "unexpected space inside the probe point name");
	n = prev;
	n->name = arena_printf(c->arena, "%s%s", prev->name, word);
	n->loc.end = loc.end;
	return n;
}

struct ast *ast_global(struct parse_ctx *c, struct src_range loc,
		       const char *name, struct ast *init, int64_t size,
		       unsigned flags)
{
	struct ast *n = ast_named(c, AST_GLOBAL, loc, name, init);

	n->num = size;
	n->flags = flags;
	if (size == 0)
		diag_error(c->diag, loc, "array size must be positive");
	return n;
}

struct ast *ast_foreach_key(struct parse_ctx *c, struct src_range loc,
			    const char *name, int sort)
{
	struct ast *n = ast_named(c, AST_VAR, loc, name, NULL);

	n->op = sort;
	return n;
}

struct ast *ast_foreach_array(struct parse_ctx *c, struct src_range loc,
			      const char *name, const char *statop, int sort)
{
	struct ast *n = ast_named(c, AST_VAR, loc, name, NULL);

	n->op = sort;
	n->str = statop;
	if (statop && !sort)
		diag_error(c->diag, loc,
			   "'%s' after the array needs a sort order: '%s+' or '%s-'",
			   statop, statop, statop);
	return n;
}

/*
 * foreach ([a, b-] in arr limit 5): at most one key or the array carries
 * a sort mark; remember which column and which direction.
 */
struct ast *ast_foreach(struct parse_ctx *c, struct src_range loc,
			struct ast *head, struct ast *array, struct ast *limit,
			struct ast *body)
{
	struct ast *n = ast_new(c, AST_FOREACH, loc);
	struct ast *keys = head;
	int col = 0, sorts = 0;

	if (head->kind == AST_ASSIGN) {
		n->d = head->a;
		keys = head->b;
	}
	n->a = keys;
	n->b = array;
	n->c = body;
	n->e = limit;
	if (array->op) {
		n->num = -1;
		n->op = array->op;
		n->str = array->str;
		sorts++;
	}
	ast_foreach_child(k, keys)
	{
		col++;
		if (!k->op)
			continue;
		n->num = col;
		n->op = k->op;
		sorts++;
	}
	if (sorts > 1)
		diag_error(c->diag, loc,
			   "foreach takes one sort mark ('+' or '-'), found %d",
			   sorts);
	return n;
}

struct ast *ast_bad(struct parse_ctx *c, struct src_range loc, const char *msg)
{
	/* the parser has reported the syntax error; add advice once for it,
	 * not for every token error recovery skips */
	if (msg && c->diag->errors > c->advised_errors) {
		diag_note(c->diag, loc, "%s", msg);
		c->advised_errors = c->diag->errors;
	}
	return ast_new(c, AST_EMPTY, loc);
}

struct ast *ast_misplaced(struct parse_ctx *c, struct src_range loc,
			  const char *msg)
{
	diag_error(c->diag, loc, "%s", msg);
	return ast_new(c, AST_EMPTY, loc);
}

void ast_add_decl(struct parse_ctx *c, struct ast *decl)
{
	if (!decl)
		return;
	*c->tail = decl;
	while (decl->next)
		decl = decl->next;
	c->tail = &decl->next;
}

void ast_walk(struct ast *n, bool (*fn)(struct ast *n, void *arg), void *arg)
{
	struct ast *kids[5];

	if (!n || !fn(n, arg))
		return;
	kids[0] = n->a;
	kids[1] = n->b;
	kids[2] = n->c;
	kids[3] = n->d;
	kids[4] = n->e;
	for (int i = 0; i < 5; i++)
		for (struct ast *k = kids[i]; k; k = k->next)
			ast_walk(k, fn, arg);
}

int ast_list_len(const struct ast *list)
{
	int n = 0;

	for (; list; list = list->next)
		n++;
	return n;
}

const char *tap_type_name(enum tap_type t)
{
	switch (t) {
	case TYPE_LONG: return "long";
	case TYPE_STRING: return "string";
	case TYPE_STATS: return "statistics";
	case TYPE_VOID: return "void";
	default: return "unknown";
	}
}

const char *ast_op_name(int op)
{
	/* each single-character operator, NUL-separated, so we can point in */
	static const char singles[] = "!\0%\0&\0*\0+\0-\0.\0/\0<\0=\0>\0^\0|\0~\0?";

	switch (op) {
	case AST_OP_EQ: return "==";
	case AST_OP_NE: return "!=";
	case AST_OP_LE: return "<=";
	case AST_OP_GE: return ">=";
	case AST_OP_SHL: return "<<";
	case AST_OP_SHR: return ">>";
	case AST_OP_LAND: return "&&";
	case AST_OP_LOR: return "||";
	case AST_OP_INC: return "++";
	case AST_OP_DEC: return "--";
	case AST_OP_MATCH: return "=~";
	case AST_OP_NOMATCH: return "!~";
	default:
		for (size_t i = 0; i < sizeof(singles); i += 2)
			if (singles[i] == op)
				return &singles[i];
		return "?";
	}
}
