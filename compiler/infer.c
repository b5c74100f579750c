// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Type inference over the whole script, as SystemTap does it: every
 * variable, array element, parameter and function result is a long, a
 * string or statistics, decided by how it is used anywhere. Passes repeat
 * until nothing changes; a last pass reports conflicts and unknowns.
 */
#include <errno.h>
#include <string.h>

#include "builtins.h"
#include "compile_internal.h"
#include "format.h"

struct infer {
	struct compile *c;
	bool changed;
	bool report;	/* the last pass: say what is wrong */
	struct handler *h;
	struct symbol *fn;
	int loops;
};

static enum tap_type infer_expr(struct infer *in, struct ast *e);
static void infer_stmt(struct infer *in, struct ast *s);

static const char *type_article(enum tap_type t)
{
	switch (t) {
	case TYPE_LONG: return "a long";
	case TYPE_STRING: return "a string";
	case TYPE_STATS: return "statistics";
	case TYPE_VOID: return "no value";
	default: return "unknown";
	}
}

static void report_conflict(struct infer *in, struct ast *where,
			    const char *name, enum tap_type had,
			    enum tap_type now, struct ast *origin)
{
	struct compile *c = in->c;

	if (!in->report)
		return;
	diag_error(c->diag, where->loc, "type mismatch: '%s' is %s here", name,
		   type_article(now));
	if (origin)
		diag_note(c->diag, origin->loc, "'%s' is %s because of this",
			  name, type_article(had));
}

static void set_sym_type(struct infer *in, struct symbol *s, enum tap_type t,
			 struct ast *where)
{
	if (t == TYPE_UNKNOWN || !s)
		return;
	if (s->type == TYPE_UNKNOWN) {
		s->type = t;
		s->type_origin = where;
		in->changed = true;
		return;
	}
	if (s->type != t)
		report_conflict(in, where, s->name, s->type, t, s->type_origin);
}

static void set_ret_type(struct infer *in, struct symbol *fn, enum tap_type t,
			 struct ast *where)
{
	if (t == TYPE_UNKNOWN || !fn)
		return;
	if (fn->ret == TYPE_UNKNOWN) {
		fn->ret = t;
		fn->ret_origin = where;
		in->changed = true;
		return;
	}
	if (fn->ret != t && in->report) {
		diag_error(in->c->diag, where->loc,
			   "type mismatch: function '%s' returns %s here",
			   fn->name, type_article(t));
		if (fn->ret_origin)
			diag_note(in->c->diag, fn->ret_origin->loc,
				  "and %s here", type_article(fn->ret));
	}
}

/* pushes a required type down to whatever decides @e's type */
static void unify(struct infer *in, struct ast *e, enum tap_type t)
{
	if (t == TYPE_UNKNOWN || !e)
		return;
	switch (e->kind) {
	case AST_VAR:
		if (e->sym && e->sym->nkeys <= 0)
			set_sym_type(in, e->sym, t, e);
		break;
	case AST_INDEX:
		if (e->a->sym)
			set_sym_type(in, e->a->sym, t, e);
		break;
	case AST_CALL:
		if (e->sym && e->sym->kind == SYM_FUNCTION)
			set_ret_type(in, e->sym, t, e);
		break;
	case AST_ASSIGN:
		if (e->op == '=') {
			unify(in, e->a, t);
			unify(in, e->b, t);
		}
		break;
	case AST_TERNARY:
		unify(in, e->b, t);
		unify(in, e->c, t);
		break;
	default:
		break;
	}
}

/* infers @e and requires @t of it; "what" names the place for errors */
static void expect(struct infer *in, struct ast *e, enum tap_type t,
		   const char *what)
{
	enum tap_type got = infer_expr(in, e);

	if (got == TYPE_UNKNOWN) {
		unify(in, e, t);
		return;
	}
	if (got != t && in->report)
		diag_error(in->c->diag, e->loc, "%s must be %s, not %s", what,
			   type_article(t), type_article(got));
}

/* the type of a context value: every derived probe must agree */
static enum tap_type ctx_type(struct infer *in, struct ast *e)
{
	struct handler *h = in->h;
	enum tap_type t = TYPE_UNKNOWN;

	if (!h || e->slot < 0)
		return TYPE_UNKNOWN;
	for (int i = 0; i < h->ndprobes; i++) {
		const struct ctx_binding *b = &h->dprobes[i]->ctx[e->slot];

		if (!h->dprobes[i]->ctx || b->missing)
			continue;
		if (t == TYPE_UNKNOWN)
			t = b->type;
		else if (b->type != t && in->report)
			diag_error(in->c->diag, e->loc,
				   "'%s' is %s in '%s' but %s in another probe point",
				   h->ctx_keys[e->slot], type_article(b->type),
				   h->dprobes[i]->pp, type_article(t));
	}
	return t;
}

static void array_keys(struct infer *in, struct symbol *s, struct ast *keys,
		       struct ast *where)
{
	int n = ast_list_len(keys), i = 0;

	if (!s)
		return;
	if (s->nkeys <= 0) {
		if (s->nkeys == 0 && s->type != TYPE_UNKNOWN && s->type_origin &&
		    !s->is_array_known && in->report) {
			diag_error(in->c->diag, where->loc,
				   "'%s' is used as an array here", s->name);
			diag_note(in->c->diag, s->type_origin->loc,
				  "and as a scalar here");
			return;
		}
		s->nkeys = n;
		s->is_array_known = true;
		in->changed = true;
	} else if (s->nkeys != n) {
		if (in->report)
			diag_error(in->c->diag, where->loc,
				   "array '%s' has %d key%s, not %d", s->name,
				   s->nkeys, s->nkeys == 1 ? "" : "s", n);
		return;
	}
	if (n > 9) {
		if (in->report)
			diag_error(in->c->diag, where->loc,
				   "arrays take at most 9 keys");
		return;
	}
	ast_foreach_child(k, keys)
	{
		enum tap_type kt = k->kind == AST_EMPTY ? TYPE_UNKNOWN : infer_expr(in, k);

		if (k->kind == AST_EMPTY) {
			/* '*' of a slice: any key */
		} else if (kt == TYPE_STATS || kt == TYPE_VOID) {
			if (in->report)
				diag_error(in->c->diag, k->loc,
					   "an array key must be a long or a string");
		} else if (kt == TYPE_UNKNOWN) {
			unify(in, k, s->key_types[i]);
		} else if (s->key_types[i] == TYPE_UNKNOWN) {
			s->key_types[i] = kt;
			s->key_origin[i] = k;
			in->changed = true;
		} else if (s->key_types[i] != kt && in->report) {
			diag_error(in->c->diag, k->loc,
				   "key %d of '%s' is %s here but %s elsewhere",
				   i + 1, s->name, type_article(kt),
				   type_article(s->key_types[i]));
			if (s->key_origin[i])
				diag_note(in->c->diag, s->key_origin[i]->loc,
					  "it is %s here", type_article(s->key_types[i]));
		}
		i++;
	}
}

static void scalar_use(struct infer *in, struct ast *e)
{
	struct symbol *s = e->sym;

	if (s && s->nkeys > 0 && in->report)
		diag_error(in->c->diag, e->loc,
			   "array '%s' is used without a key", s->name);
}

static enum tap_type infer_var(struct infer *in, struct ast *e)
{
	if (e->flags & AST_CTX)
		return ctx_type(in, e);
	if (!e->sym)
		return TYPE_UNKNOWN;
	scalar_use(in, e);
	return e->sym->type;
}

static bool is_hist(const struct ast *e)
{
	return e->kind == AST_AT_CALL &&
	       (e->op == AT_HIST_LOG || e->op == AT_HIST_LINEAR);
}

static void check_printf(struct infer *in, struct ast *e)
{
	const struct fmt *f = e->aux;
	struct ast *arg = e->a ? e->a->next : NULL;
	size_t n = (size_t)ast_list_len(arg);

	expect(in, e->a, TYPE_STRING, "the format");
	if (!f) {
		ast_foreach_child(a, arg)
			infer_expr(in, a);
		return;
	}
	if (n != f->nargs && in->report)
		diag_error(in->c->diag, e->loc,
			   "the format asks for %zu argument%s, %zu given",
			   f->nargs, f->nargs == 1 ? "" : "s", n);
	for (size_t i = 0; i < f->nsegs && arg; i++) {
		const struct fmt_seg *s = &f->segs[i];

		if (s->conv == FMT_LITERAL)
			continue;
		for (int k = s->width_arg + s->precision_arg; k > 0 && arg; k--) {
			expect(in, arg, TYPE_LONG, "a '*' width or precision");
			arg = arg->next;
		}
		if (!arg)
			break;
		expect(in, arg, fmt_conv_is_string(s->conv) ? TYPE_STRING : TYPE_LONG,
		       fmt_conv_is_string(s->conv) ? "the argument of %s" :
						     "the argument of a numeric conversion");
		if (in->report && fmt_conv_is_string(s->conv) &&
		    arg->kind == AST_TARGET && arg->type == TYPE_LONG)
			diag_note(in->c->diag, arg->loc,
				  "'%s' is an address; user_string(%s) reads the string at it",
				  arg->name, arg->name);
		arg = arg->next;
	}
	for (; arg; arg = arg->next)
		infer_expr(in, arg);
}

static void check_print_args(struct infer *in, struct ast *e,
			     const struct builtin *b)
{
	ast_foreach_child(a, e->a)
	{
		enum tap_type t = infer_expr(in, a);

		if (is_hist(a) && (b->id == BI_PRINT || b->id == BI_PRINTLN ||
				   b->id == BI_SPRINT || b->id == BI_SPRINTLN))
			continue;
		if ((t == TYPE_STATS || t == TYPE_VOID) && in->report)
			diag_error(in->c->diag, a->loc,
				   "%s() prints longs and strings, not %s",
				   b->name, type_article(t));
	}
}

static enum tap_type infer_builtin(struct infer *in, struct ast *e)
{
	const struct builtin *b = e->bind;
	int i = 0;

	if (b->id == BI_PRINTF || b->id == BI_SPRINTF) {
		check_printf(in, e);
		return b->ret;
	}
	if (b->flags & BF_VARIADIC) {
		check_print_args(in, e, b);
		return b->ret;
	}
	if (e->flags & AST_CTX) {
		/* user_string($x): the fetch gives the string; the second
		 * argument is a default, or user_string_n's length */
		if (e->a && e->a->next)
			expect(in, e->a->next, b->args[1],
			       b->args[1] == TYPE_STRING ? "the default value" : "the length");
		return TYPE_STRING;
	}
	ast_foreach_child(a, e->a)
	{
		expect(in, a, b->args[i], "this argument");
		i++;
	}
	if ((b->flags & BF_EVENT) && !in->h && !in->fn && in->report)
		diag_error(in->c->diag, e->loc, "%s() needs a probe context",
			   b->name);
	return b->ret;
}

static enum tap_type infer_user_call(struct infer *in, struct ast *e)
{
	struct symbol *fn = e->sym;
	int i = 0;

	if (!fn)
		return TYPE_UNKNOWN;
	ast_foreach_child(a, e->a)
	{
		if (i < fn->nparams) {
			enum tap_type t = infer_expr(in, a);
			struct symbol *p = fn->params[i];

			if (t == TYPE_UNKNOWN)
				unify(in, a, p->type);
			else
				set_sym_type(in, p, t, a);
		}
		i++;
	}
	return fn->ret;
}

/* the statistics global an @-operator reads (x or x[k]), or NULL */
static struct symbol *stat_symbol(const struct ast *arg)
{
	const struct ast *v = arg->kind == AST_INDEX ? arg->a : arg;

	return v->kind == AST_VAR && v->sym && v->sym->kind == SYM_GLOBAL ?
		       v->sym : NULL;
}

static bool literal_number(const struct ast *e, int64_t *v)
{
	if (e->kind == AST_NUM) {
		*v = e->num;
		return true;
	}
	if (e->kind == AST_UNARY && e->op == '-' && e->a->kind == AST_NUM) {
		*v = -e->a->num;
		return true;
	}
	return false;
}

/*
 * @hist_linear(s, low, high, step): literal bounds (SystemTap's rule),
 * a sane bucket count, and the same shape at every use of one global,
 * since the global collects a single linear histogram.
 */
static void check_hist_linear(struct infer *in, struct ast *e)
{
	struct ast *lo = e->a->next, *hi = lo->next, *step = hi->next;
	struct symbol *s = stat_symbol(e->a);
	int64_t l, h, st;

	if (!literal_number(lo, &l) || !literal_number(hi, &h) ||
	    !literal_number(step, &st)) {
		diag_error(in->c->diag, e->loc,
			   "the bounds and step of @hist_linear must be number literals");
		return;
	}
	if (st <= 0 || h <= l) {
		diag_error(in->c->diag, e->loc,
			   "@hist_linear needs low < high and a positive step");
		return;
	}
	if ((h - l) / st + 3 > HIST_LINEAR_MAX_BUCKETS) {
		diag_error(in->c->diag, e->loc,
			   "@hist_linear would have %lld buckets; at most %d",
			   (long long)((h - l) / st + 3), HIST_LINEAR_MAX_BUCKETS);
		return;
	}
	if (!s)
		return;
	if (!s->linear_hist) {
		s->linear_hist = e;
		s->hist_lo = l;
		s->hist_hi = h;
		s->hist_step = st;
		return;
	}
	if (s->hist_lo == l && s->hist_hi == h && s->hist_step == st)
		return;
	diag_error(in->c->diag, e->loc,
		   "'%s' has another linear histogram shape here", s->name);
	diag_note(in->c->diag, s->linear_hist->loc,
		  "first used with this one; a statistics variable keeps one linear histogram");
}

static void check_stat_args(struct infer *in, struct ast *e, int nargs)
{
	int64_t shift;

	switch (e->op) {
	case AT_VARIANCE:
		if (nargs > 2) {
			diag_error(in->c->diag, e->loc,
				   "@variance(s) or @variance(s, shift), not %d arguments",
				   nargs);
		} else if (nargs == 2 &&
			   (!literal_number(e->a->next, &shift) || shift < 0 ||
			    shift > 62)) {
			diag_error(in->c->diag, e->a->next->loc,
				   "the shift of @variance must be a number from 0 to 62");
		}
		break;
	case AT_HIST_LINEAR:
		if (nargs != 4)
			diag_error(in->c->diag, e->loc,
				   "@hist_linear(s, low, high, step) takes 4 arguments, not %d",
				   nargs);
		else
			check_hist_linear(in, e);
		break;
	default:
		if (nargs != 1)
			diag_error(in->c->diag, e->loc,
				   "%s() takes one argument, not %d", e->name,
				   nargs);
		break;
	}
	if (e->b && !is_hist(e))
		diag_error(in->c->diag, e->b->loc,
			   "only a histogram can be indexed: @hist_log(s)[bucket]");
}

static enum tap_type infer_stat_op(struct infer *in, struct ast *e)
{
	int nargs = ast_list_len(e->a);

	if (!at_op_is_stat(e->op)) {
		if (in->report)
			diag_error(in->c->diag, e->loc, "unknown operator '%s'",
				   e->name);
		return TYPE_LONG;
	}
	if (!e->a) {
		if (in->report)
			diag_error(in->c->diag, e->loc, "%s() needs statistics",
				   e->name);
		return TYPE_LONG;
	}
	if (e->a->kind != AST_VAR && e->a->kind != AST_INDEX) {
		if (in->report)
			diag_error(in->c->diag, e->a->loc,
				   "%s() reads a statistics variable or array element",
				   e->name);
		return TYPE_LONG;
	}
	if (infer_expr(in, e->a) == TYPE_UNKNOWN)
		unify(in, e->a, TYPE_STATS);
	else if (e->a->type != TYPE_STATS && in->report)
		diag_error(in->c->diag, e->a->loc,
			   "%s() reads statistics (collected with '<<<'), not %s",
			   e->name, type_article(e->a->type));
	for (struct ast *x = e->a->next; x; x = x->next)
		expect(in, x, TYPE_LONG, "this argument");
	if (in->report)
		check_stat_args(in, e, nargs);
	if (is_hist(e)) {
		ast_foreach_child(m, e->b)
			if (!m->name)
				expect(in, m->a, TYPE_LONG, "a bucket index");
		return e->b ? TYPE_LONG : TYPE_VOID;
	}
	return TYPE_LONG;
}

static enum tap_type infer_at_call(struct infer *in, struct ast *e)
{
	if (e->flags & AST_CTX)	/* @cast(...)->m, bound by the provider */
		return ctx_type(in, e);
	if (e->op == AT_DEFINED) {
		if (ast_list_len(e->a) != 1 && in->report)
			diag_error(in->c->diag, e->loc,
				   "@defined() takes one argument");
		ast_foreach_child(a, e->a)
			infer_expr(in, a);
		return TYPE_LONG;
	}
	if (e->op == AT_ENTRY) {
		/* the ones in return probes were rewritten (entry.c) */
		if (in->report)
			diag_error(in->c->diag, e->loc,
				   "@entry() is only allowed in the handler of a .return probe");
		return TYPE_LONG;
	}
	if (e->op == AT_VAR) {
		/* in a handler it is a context value (sema.c) */
		if (in->report)
			diag_error(in->c->diag, e->loc,
				   "@var() can only be used in a probe handler, not in a function");
		return TYPE_LONG;
	}
	if (e->op == AT_CAST) {
		if (in->report)
			diag_error(in->c->diag, e->loc,
				   "%s() is not supported in this version of tap",
				   e->name);
		return TYPE_LONG;
	}
	return infer_stat_op(in, e);
}

static bool is_comparison(int op)
{
	return op == '<' || op == '>' || op == AST_OP_LE || op == AST_OP_GE ||
	       op == AST_OP_EQ || op == AST_OP_NE;
}

static enum tap_type infer_binary(struct infer *in, struct ast *e)
{
	enum tap_type a, b;

	if (e->op == '.') {
		expect(in, e->a, TYPE_STRING, "an operand of '.'");
		expect(in, e->b, TYPE_STRING, "an operand of '.'");
		return TYPE_STRING;
	}
	if (!is_comparison(e->op)) {
		expect(in, e->a, TYPE_LONG, "an operand of an arithmetic operator");
		expect(in, e->b, TYPE_LONG, "an operand of an arithmetic operator");
		return TYPE_LONG;
	}
	a = infer_expr(in, e->a);
	b = infer_expr(in, e->b);
	if (a == TYPE_UNKNOWN)
		unify(in, e->a, b);
	if (b == TYPE_UNKNOWN)
		unify(in, e->b, a);
	if (a != TYPE_UNKNOWN && b != TYPE_UNKNOWN && in->report) {
		if (a != b)
			diag_error(in->c->diag, e->loc,
				   "cannot compare %s with %s", type_article(a),
				   type_article(b));
		else if (a != TYPE_LONG && a != TYPE_STRING)
			diag_error(in->c->diag, e->loc, "cannot compare %s",
				   type_article(a));
	}
	return TYPE_LONG;
}

static bool check_lvalue(struct infer *in, struct ast *e)
{
	if ((e->kind == AST_VAR && e->sym && !(e->flags & AST_CTX)) ||
	    e->kind == AST_INDEX)
		return true;
	if (!in->report)
		return false;
	if (!(e->flags & AST_CTX)) {
		diag_error(in->c->diag, e->loc, "cannot assign to this expression");
		return false;
	}
	/* SystemTap's guru mode (-g) writes through its kernel module */
	diag_error(in->c->diag, e->loc,
		   "cannot assign to '%s': tap cannot change the traced program",
		   e->name ? e->name : "this context value");
	diag_note(in->c->diag, e->loc,
		  "guru-mode writes need a kernel module; tap's probes are tracefs "
		  "events, which only record values");
	return false;
}

static enum tap_type lvalue_type(struct infer *in, struct ast *e)
{
	if (e->kind == AST_INDEX) {
		array_keys(in, e->a->sym, e->b, e);
		return e->a->sym ? e->a->sym->type : TYPE_UNKNOWN;
	}
	return infer_var(in, e);
}

static enum tap_type infer_assign(struct infer *in, struct ast *e)
{
	enum tap_type lt, rt;

	if (!check_lvalue(in, e->a)) {
		infer_expr(in, e->b);
		return TYPE_UNKNOWN;
	}
	lt = lvalue_type(in, e->a);
	if (lt == TYPE_STATS && in->report) {
		diag_error(in->c->diag, e->loc,
			   "statistics take values with '<<<', not assignment");
		return TYPE_STATS;
	}
	if (e->op != '=') {
		enum tap_type want = e->op == '.' ? TYPE_STRING : TYPE_LONG;

		unify(in, e->a, want);
		expect(in, e->b, want, "the right side");
		return want;
	}
	rt = infer_expr(in, e->b);
	if (rt == TYPE_VOID || rt == TYPE_STATS) {
		if (in->report)
			diag_error(in->c->diag, e->b->loc,
				   "this expression has %s to assign",
				   rt == TYPE_VOID ? "no value" : "statistics, not a value");
		return TYPE_UNKNOWN;
	}
	if (lt == TYPE_UNKNOWN)
		unify(in, e->a, rt);
	else if (rt == TYPE_UNKNOWN)
		unify(in, e->b, lt);
	else if (lt != rt)
		unify(in, e->a, rt);	/* reports the conflict */
	return rt != TYPE_UNKNOWN ? rt : lt;
}

static enum tap_type infer_agg_add(struct infer *in, struct ast *e)
{
	if (e->a->kind != AST_VAR && e->a->kind != AST_INDEX) {
		if (in->report)
			diag_error(in->c->diag, e->a->loc,
				   "'<<<' needs a global or an array element on its left");
	} else if (e->a->kind == AST_VAR && e->a->sym &&
		   e->a->sym->kind != SYM_GLOBAL) {
		if (in->report)
			diag_error(in->c->diag, e->a->loc,
				   "statistics must be global: declare 'global %s'",
				   e->a->name);
	} else {
		lvalue_type(in, e->a);
		unify(in, e->a, TYPE_STATS);
		if (e->a->kind == AST_VAR && e->a->sym && e->a->sym->type != TYPE_STATS && in->report)
			report_conflict(in, e->a, e->a->name, e->a->sym->type,
					TYPE_STATS, e->a->sym->type_origin);
	}
	expect(in, e->b, TYPE_LONG, "the value given to '<<<'");
	return TYPE_VOID;
}

static enum tap_type infer_ternary(struct infer *in, struct ast *e)
{
	enum tap_type b, c;

	expect(in, e->a, TYPE_LONG, "the condition");
	b = infer_expr(in, e->b);
	c = infer_expr(in, e->c);
	if (b == TYPE_UNKNOWN)
		unify(in, e->b, c);
	if (c == TYPE_UNKNOWN)
		unify(in, e->c, b);
	if (b != TYPE_UNKNOWN && c != TYPE_UNKNOWN && b != c && in->report)
		diag_error(in->c->diag, e->loc,
			   "the two values of '?:' are %s and %s",
			   type_article(b), type_article(c));
	return b != TYPE_UNKNOWN ? b : c;
}

static enum tap_type infer_expr(struct infer *in, struct ast *e)
{
	if (!e)
		return TYPE_UNKNOWN;
	switch (e->kind) {
	case AST_NUM:
		return e->type = TYPE_LONG;
	case AST_STR:
		return e->type = TYPE_STRING;
	case AST_VAR:
		return e->type = infer_var(in, e);
	case AST_TARGET:
		return e->type = ctx_type(in, e);
	case AST_INDEX:
		array_keys(in, e->a->sym, e->b, e);
		return e->type = e->a->sym ? e->a->sym->type : TYPE_UNKNOWN;
	case AST_IN:
		array_keys(in, e->b->sym, e->a, e);
		return e->type = TYPE_LONG;
	case AST_CALL:
		e->type = e->flags & AST_BUILTIN ? infer_builtin(in, e) :
						   infer_user_call(in, e);
		return e->type;
	case AST_AT_CALL:
		return e->type = infer_at_call(in, e);
	case AST_BINARY:
		return e->type = infer_binary(in, e);
	case AST_LOGICAL:
		expect(in, e->a, TYPE_LONG, "an operand of a logical operator");
		expect(in, e->b, TYPE_LONG, "an operand of a logical operator");
		return e->type = TYPE_LONG;
	case AST_UNARY:
		expect(in, e->a, TYPE_LONG, "the operand");
		return e->type = TYPE_LONG;
	case AST_INCDEC:
		if (check_lvalue(in, e->a)) {
			lvalue_type(in, e->a);
			unify(in, e->a, TYPE_LONG);
			expect(in, e->a, TYPE_LONG, "the operand of ++/--");
		}
		return e->type = TYPE_LONG;
	case AST_ASSIGN:
		return e->type = infer_assign(in, e);
	case AST_AGG_ADD:
		return e->type = infer_agg_add(in, e);
	case AST_TERNARY:
		return e->type = infer_ternary(in, e);
	case AST_REGEX:
		expect(in, e->a, TYPE_STRING, "the left side of a regex match");
		return e->type = TYPE_LONG;
	default:
		return TYPE_UNKNOWN;
	}
}

static void infer_cond(struct infer *in, struct ast *e)
{
	enum tap_type t = infer_expr(in, e);

	if (t == TYPE_UNKNOWN)
		unify(in, e, TYPE_LONG);
	else if (t != TYPE_LONG && in->report)
		diag_error(in->c->diag, e->loc,
			   "a condition must be a long, not %s%s", type_article(t),
			   t == TYPE_STRING ? " (compare it: s != \"\")" : "");
}

static void check_foreach_sort(struct infer *in, struct ast *s,
			       const struct symbol *arr)
{
	if (!s->str)
		return;
	if (arr->type != TYPE_STATS && arr->type != TYPE_UNKNOWN) {
		diag_error(in->c->diag, s->b->loc,
			   "sorting by %s needs an array of statistics", s->str);
		return;
	}
	if (s->slot < AT_COUNT || s->slot > AT_AVG)
		diag_error(in->c->diag, s->b->loc,
			   "foreach sorts statistics by @count, @sum, @min, @max or @avg, not %s",
			   s->str);
}

static void infer_foreach(struct infer *in, struct ast *s)
{
	struct symbol *arr = s->b->sym;
	int i = 0;

	if (arr) {
		int n = ast_list_len(s->a);

		if (arr->nkeys <= 0 && arr->type != TYPE_UNKNOWN &&
		    !arr->is_array_known && in->report)
			diag_error(in->c->diag, s->b->loc,
				   "'%s' is not an array", arr->name);
		else if (arr->nkeys > 0 && arr->nkeys != n && in->report)
			diag_error(in->c->diag, s->loc,
				   "array '%s' has %d key%s, foreach names %d",
				   arr->name, arr->nkeys, arr->nkeys == 1 ? "" : "s", n);
		else if (arr->nkeys <= 0) {
			arr->nkeys = n;
			arr->is_array_known = true;
			in->changed = true;
		}
		ast_foreach_child(k, s->a)
		{
			if (k->sym && i < 9) {
				if (arr->key_types[i] != TYPE_UNKNOWN)
					set_sym_type(in, k->sym, arr->key_types[i], k);
				else if (k->sym->type != TYPE_UNKNOWN) {
					arr->key_types[i] = k->sym->type;
					arr->key_origin[i] = k;
					in->changed = true;
				}
			}
			i++;
		}
		/* over statistics, v is the sorting statistic (@count
		 * unless one is named) */
		if (s->d && s->d->sym)
			set_sym_type(in, s->d->sym,
				     arr->type == TYPE_STATS ? TYPE_LONG : arr->type,
				     s->d);
		if (in->report)
			check_foreach_sort(in, s, arr);
	}
	if (s->e)
		expect(in, s->e, TYPE_LONG, "the limit");
	/* a slice's keys: as an element's, '*' for any */
	if (s->b->a)
		array_keys(in, s->b->sym, s->b->a, s->b);
	in->loops++;
	infer_stmt(in, s->c);
	in->loops--;
}

static void infer_stmt(struct infer *in, struct ast *s)
{
	if (!s)
		return;
	switch (s->kind) {
	case AST_BLOCK:
		ast_foreach_child(x, s->a)
			infer_stmt(in, x);
		break;
	case AST_EXPR_STMT:
		infer_expr(in, s->a);
		break;
	case AST_IF:
		infer_cond(in, s->a);
		infer_stmt(in, s->b);
		infer_stmt(in, s->c);
		break;
	case AST_WHILE:
	case AST_FOR:
		if (s->kind == AST_FOR) {
			infer_expr(in, s->a);
			infer_expr(in, s->c);
			if (s->b)
				infer_cond(in, s->b);
		} else {
			infer_cond(in, s->a);
		}
		in->loops++;
		infer_stmt(in, s->kind == AST_FOR ? s->d : s->b);
		in->loops--;
		break;
	case AST_FOREACH:
		infer_foreach(in, s);
		break;
	case AST_BREAK:
	case AST_CONTINUE:
		if (!in->loops && in->report)
			diag_error(in->c->diag, s->loc, "'%s' outside a loop",
				   s->kind == AST_BREAK ? "break" : "continue");
		break;
	case AST_RETURN:
		if (!in->fn) {
			if (in->report)
				diag_error(in->c->diag, s->loc,
					   "'return' outside a function (use 'next' to leave a probe)");
			break;
		}
		if (s->a) {
			enum tap_type t = infer_expr(in, s->a);

			if (t == TYPE_UNKNOWN)
				unify(in, s->a, in->fn->ret);
			else
				set_ret_type(in, in->fn, t, s->a);
		}
		break;
	case AST_DELETE:
		if (s->a->kind == AST_INDEX)
			infer_expr(in, s->a);
		break;
	case AST_TRY:
		infer_stmt(in, s->a);
		if (s->b && s->b->sym)
			set_sym_type(in, s->b->sym, TYPE_STRING, s->b);
		infer_stmt(in, s->c);
		break;
	default:
		break;
	}
}

static void infer_pass(struct infer *in)
{
	struct program *p = in->c->prog;

	for (size_t i = 0; i < p->nhandlers; i++) {
		in->h = &p->handlers[i];
		in->fn = NULL;
		if (in->h->probe->b)
			infer_cond(in, in->h->probe->b);
		infer_stmt(in, in->h->probe->c);
	}
	in->h = NULL;
	for (size_t i = 0; i < p->nfunctions; i++) {
		in->fn = p->functions[i];
		if (in->fn->body->kind == AST_BLOCK)
			infer_stmt(in, in->fn->body);
	}
	in->fn = NULL;
}

static bool mark_called(struct ast *n, void *arg)
{
	(void)arg;
	if (n->kind == AST_CALL && n->sym && n->sym->kind == SYM_FUNCTION)
		n->sym->read = true;
	return true;
}

/* functions nobody calls: SystemTap drops them before checking types */
static void find_called(struct program *p)
{
	for (size_t i = 0; i < p->nhandlers; i++)
		ast_walk(p->handlers[i].probe, mark_called, NULL);
	for (size_t i = 0; i < p->nfunctions; i++)
		ast_walk(p->functions[i]->body, mark_called, NULL);
}

/* parameters of functions nobody calls take long, as stap elides those */
static bool default_uncalled(struct program *p)
{
	bool any = false;

	find_called(p);
	for (size_t i = 0; i < p->nfunctions; i++) {
		struct symbol *fn = p->functions[i];

		for (int j = 0; j < fn->nparams && !fn->read; j++) {
			if (fn->params[j]->type == TYPE_UNKNOWN) {
				fn->params[j]->type = TYPE_LONG;
				any = true;
			}
		}
	}
	return any;
}

static void report_unknown_types(struct compile *c)
{
	struct program *p = c->prog;

	for (size_t i = 0; i < p->nglobals; i++) {
		struct symbol *s = p->globals[i];

		if (s->type == TYPE_UNKNOWN)
			diag_error(c->diag, s->decl->loc,
				   "cannot tell the type of global '%s': it is never given a value",
				   s->name);
	}
	for (size_t i = 0; i < p->nfunctions; i++) {
		struct symbol *fn = p->functions[i];

		for (int j = 0; j < fn->nparams; j++)
			if (fn->params[j]->type == TYPE_UNKNOWN)
				diag_error(c->diag, fn->params[j]->decl->loc,
					   "cannot tell the type of parameter '%s'; declare it: %s:long",
					   fn->params[j]->name, fn->params[j]->name);
		if (fn->ret == TYPE_UNKNOWN)
			fn->ret = TYPE_VOID;
	}
}

/* types only ever go from unknown to known, so this ends */
static void infer_converge(struct infer *in)
{
	do {
		in->changed = false;
		infer_pass(in);
	} while (in->changed);
}

int sema_infer(struct compile *c)
{
	struct infer in = { .c = c };

	infer_converge(&in);
	if (default_uncalled(c->prog))
		infer_converge(&in);
	report_unknown_types(c);
	in.report = true;
	infer_pass(&in);
	return c->diag->errors ? -EINVAL : 0;
}
