/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_AST_H
#define TAP_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "source.h"

/*
 * The abstract syntax tree of a script. Every node carries the byte range it
 * was parsed from; sequences (statements, arguments, probe points) are
 * chained through ->next. The parser fills the syntactic fields; the compiler
 * fills the "resolved" fields at the end of struct ast.
 */
enum ast_kind {
	/* declarations */
	AST_PROBE,	/* a: probe points, b: condition or NULL, c: body */
	AST_PROBE_POINT,	/* a: components; flags: AST_PP_* */
	AST_PP_COMP,	/* name (may hold '*'), a: argument or NULL */
	AST_GLOBAL,	/* name, a: initialiser, num: size or -1 */
	AST_FUNCTION,	/* name, a: params, b: body, decl: return type */
	AST_PARAM,	/* name, decl: type */
	AST_EMBEDDED,	/* %{ ... %} (refused) */
	/* statements */
	AST_BLOCK,	/* a: statements */
	AST_EXPR_STMT,	/* a */
	AST_IF,		/* a: condition, b: then, c: else or NULL */
	AST_WHILE,	/* a: condition, b: body */
	AST_FOR,	/* a: init, b: condition, c: step (each may be NULL), d: body */
	AST_FOREACH,	/* a: key vars, b: array (AST_VAR; its a: the slice's keys,
			 * AST_EMPTY for '*', or NULL), c: body, d: value var,
			 * e: limit; num: sort column (0 none, -1 value, k key k),
			 * op: sort direction (+1, -1) and ->str: stat op for value sort
			 * (resolved into ->slot by the compiler) */
	AST_BREAK,
	AST_CONTINUE,
	AST_NEXT,
	AST_RETURN,	/* a: value or NULL */
	AST_DELETE,	/* a: what */
	AST_TRY,	/* a: try block, b: catch var or NULL, c: catch block */
	AST_EMPTY,
	/* expressions */
	AST_NUM,	/* num */
	AST_STR,	/* str, len */
	AST_VAR,	/* name */
	AST_TARGET,	/* name ("$x" or "$$x"), a: member chain (AST_MEMBER) */
	AST_MEMBER,	/* name: "->field"; a: index for "[i]" (then name NULL) */
	AST_SCRIPT_ARG,	/* num: index (0: the count); op: '$' or '@' */
	AST_INDEX,	/* a: array (AST_VAR), b: keys */
	AST_CALL,	/* name, a: arguments */
	AST_AT_CALL,	/* name ("@count", "@cast", ...), a: arguments, b: members;
			 * op: the operator, resolved by the compiler */
	AST_BINARY,	/* op, a, b: arithmetic, bitwise, comparison, '.' */
	AST_LOGICAL,	/* op AST_OP_LAND/LOR, a, b */
	AST_UNARY,	/* op '!', '~', '-', '+', a */
	AST_INCDEC,	/* op AST_OP_INC/DEC, flags AST_POSTFIX, a */
	AST_ASSIGN,	/* op: '=' or the binary op of "x op= y"; a, b */
	AST_AGG_ADD,	/* a <<< b */
	AST_TERNARY,	/* a ? b : c */
	AST_IN,		/* a: keys, b: array */
	AST_REGEX,	/* op AST_OP_MATCH/NOMATCH, a, b (string literal) */
	AST_KIND_COUNT
};

/* multi-character operators; single characters use their own code */
enum ast_op {
	AST_OP_EQ = 256,
	AST_OP_NE,
	AST_OP_LE,
	AST_OP_GE,
	AST_OP_SHL,
	AST_OP_SHR,
	AST_OP_LAND,
	AST_OP_LOR,
	AST_OP_INC,
	AST_OP_DEC,
	AST_OP_MATCH,
	AST_OP_NOMATCH,
};

enum ast_flags {
	AST_PP_OPTIONAL = 1 << 0,	/* probe point ends in '?' */
	AST_PP_SUFFICIENT = 1 << 1,	/* probe point ends in '!' */
	AST_POSTFIX = 1 << 2,
	AST_GLOBAL_WRAP = 1 << 3,	/* global a%[N] */
	AST_TARGET_DOLLAR2 = 1 << 4,	/* $$name */
	/* set by the compiler */
	AST_CTX = 1 << 5,	/* a context value: ->slot indexes the handler's */
	AST_BUILTIN = 1 << 6,	/* a call of a builtin: ->bind is its descriptor */
	AST_LVALUE = 1 << 7,	/* assigned to */
	AST_SLICE = 1 << 8,	/* keys with '*' (AST_EMPTY): delete a[*, k], [*, k] in a */
};

/* the types of values; the compiler infers them */
enum tap_type {
	TYPE_UNKNOWN,
	TYPE_LONG,
	TYPE_STRING,
	TYPE_STATS,
	TYPE_VOID,
};

struct symbol;

struct ast {
	enum ast_kind kind;
	int op;
	unsigned flags;
	struct src_range loc;
	const char *name;
	const char *str;	/* string literal bytes (escapes resolved) */
	uint32_t len;
	int64_t num;
	enum tap_type decl;	/* declared type (functions, params) */
	struct ast *a, *b, *c, *d, *e;
	struct ast *next;

	/* resolved by the compiler */
	enum tap_type type;
	struct symbol *sym;	/* variable or function this node names */
	int slot;	/* local slot, field index, builtin id, ... */
	void *bind;	/* what the compiler attached (builtin, ...) */
	void *aux;	/* more of it (a parsed printf format, ...) */
};

/* the parsed script: declarations in source order */
struct ast_script {
	struct ast *decls;
	const struct src_file *src;
};

/* what the grammar actions need */
struct parse_ctx {
	struct arena *arena;
	struct diag *diag;
	const struct src_file *src;
	struct ast_script *script;
	struct ast **tail;	/* where the next declaration goes */
	uint32_t offset;	/* lexer position, in bytes */
	struct src_range open;	/* start of the open comment or C block */
	unsigned advised_errors;	/* errors already given advice */
};

/*
 * Parses @src into a tree allocated from @arena. Syntax errors go to @d and
 * make this return -EINVAL (the tree then holds what could be recovered);
 * -ENOMEM otherwise. *@out is set in both cases.
 */
int lang_parse(const struct src_file *src, struct arena *arena, struct diag *d,
	       struct ast_script **out);

/* constructors used by the grammar: one per action */
struct ast *ast_new(struct parse_ctx *c, enum ast_kind k, struct src_range loc);
struct ast *ast_node(struct parse_ctx *c, enum ast_kind k, struct src_range loc,
		     struct ast *a, struct ast *b, struct ast *cc);
struct ast *ast_op(struct parse_ctx *c, enum ast_kind k, struct src_range loc,
		   int op, struct ast *a, struct ast *b);
struct ast *ast_named(struct parse_ctx *c, enum ast_kind k,
		      struct src_range loc, const char *name, struct ast *a);
struct ast *ast_num(struct parse_ctx *c, struct src_range loc, int64_t v);
struct ast *ast_str(struct parse_ctx *c, struct src_range loc, const char *s,
		    uint32_t len);
struct ast *ast_append(struct ast *list, struct ast *item);
struct ast *ast_flag(struct ast *n, unsigned flags);
struct ast *ast_typed(struct ast *n, enum tap_type t);
struct ast *ast_pp_word(struct parse_ctx *c, struct ast *prev,
			struct src_range loc, const char *word);
enum tap_type ast_type_name(struct parse_ctx *c, struct src_range loc,
			    const char *name);
struct ast *ast_global(struct parse_ctx *c, struct src_range loc,
		       const char *name, struct ast *init, int64_t size,
		       unsigned flags);
struct ast *ast_foreach(struct parse_ctx *c, struct src_range loc,
			struct ast *head, struct ast *array, struct ast *limit,
			struct ast *body);
struct ast *ast_foreach_key(struct parse_ctx *c, struct src_range loc,
			    const char *name, int sort);
struct ast *ast_foreach_array(struct parse_ctx *c, struct src_range loc,
			      const char *name, const char *statop, int sort);
struct ast *ast_bad(struct parse_ctx *c, struct src_range loc, const char *msg);
/* valid syntax in the wrong place: an error, and parsing goes on */
struct ast *ast_misplaced(struct parse_ctx *c, struct src_range loc,
			  const char *msg);
void ast_add_decl(struct parse_ctx *c, struct ast *decl);

#define ast_foreach_child(n, list) \
	for (__typeof__(&*(list)) n = (list); n; n = n->next)

int ast_list_len(const struct ast *list);

/*
 * Calls @fn on @n and, depth first, on every node below it (whole lists
 * under each child). @fn returns false to skip a node's children.
 */
void ast_walk(struct ast *n, bool (*fn)(struct ast *n, void *arg), void *arg);
const char *ast_kind_name(enum ast_kind k);
const char *tap_type_name(enum tap_type t);
/* operator spelling, e.g. "<=" for AST_OP_LE */
const char *ast_op_name(int op);

/* Writes the script back as source, in a canonical layout (tapc -p1). */
void ast_print_script(const struct ast_script *s, FILE *out);
void ast_print_expr(const struct ast *e, FILE *out);

#endif
