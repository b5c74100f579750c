// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Name resolution: every identifier becomes a global, a local, a parameter,
 * a function, a builtin or a context value of the probe; script arguments
 * are substituted. Types are inferred afterwards (infer.c).
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "compile_internal.h"
#include "format.h"

static void resolve_expr(struct compile *c, struct ast *e);
static void resolve_stmt(struct compile *c, struct ast *s);

/* --- did you mean ------------------------------------------------------ */

static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[64], prev_diag, tmp;

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		prev_diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned best = prev_diag + (a[i - 1] != b[j - 1]);

			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev_diag = tmp;
		}
	}
	return row[lb];
}

void suggest_init(struct suggest *s, const char *name)
{
	s->name = name;
	s->best = NULL;
	s->best_dist = ~0u;
}

void suggest_add(void *arg, const char *candidate)
{
	struct suggest *s = arg;
	size_t len = strlen(s->name);
	unsigned limit = len <= 3 ? 1 : (unsigned)(len + 1) / 2;
	unsigned d;

	if (!strcmp(candidate, s->name))
		return;
	/* a misspelt $field meant a $field: not $$parms, not a bare name */
	if ((candidate[0] == '$') != (s->name[0] == '$') ||
	    (!strncmp(candidate, "$$", 2) && strncmp(s->name, "$$", 2)))
		return;
	d = edit_distance(s->name, candidate);
	if (d <= limit && d < s->best_dist) {
		snprintf(s->best_buf, sizeof(s->best_buf), "%s", candidate);
		s->best = s->best_buf;
		s->best_dist = d;
	}
}

void suggest_note(struct compile *c, struct src_range where, const struct suggest *s)
{
	if (s->best)
		diag_note(c->diag, where, "did you mean '%s'?", s->best);
}

/* --- scopes and symbols ------------------------------------------------ */

static struct symbol *symbol_new(struct compile *c, enum symbol_kind k,
				 const char *name, struct ast *decl)
{
	struct symbol *s = arena_zalloc(c->arena, sizeof(*s));

	if (!s)
		return NULL;
	s->kind = k;
	s->name = name;
	s->decl = decl;
	s->maxsize = -1;
	s->slot = -1;
	return s;
}

static int symbols_push(struct compile *c, struct symbol ***v, size_t *n,
			struct symbol *s)
{
	struct symbol **bigger = arena_zalloc(c->arena, (*n + 1) * sizeof(*bigger));

	if (!bigger || !s)
		return -ENOMEM;
	if (*n)
		memcpy(bigger, *v, *n * sizeof(*bigger));
	bigger[(*n)++] = s;
	*v = bigger;
	return 0;
}

static struct symbol *scope_find(const struct scope *sc, const char *name)
{
	for (; sc; sc = sc->parent)
		for (int i = 0; i < sc->nsyms; i++)
			if (!strcmp(sc->syms[i]->name, name))
				return sc->syms[i];
	return NULL;
}

static int scope_add(struct compile *c, struct scope *sc, struct symbol *s)
{
	if (sc->nsyms == sc->cap) {
		int cap = sc->cap ? sc->cap * 2 : 8;
		struct symbol **v = arena_zalloc(c->arena, (size_t)cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		if (sc->nsyms)
			memcpy(v, sc->syms, (size_t)sc->nsyms * sizeof(*v));
		sc->syms = v;
		sc->cap = cap;
	}
	sc->syms[sc->nsyms++] = s;
	return 0;
}

static struct symbol *global_find(struct compile *c, const char *name)
{
	for (size_t i = 0; i < c->prog->nglobals; i++)
		if (!strcmp(c->prog->globals[i]->name, name))
			return c->prog->globals[i];
	return NULL;
}

static struct symbol *function_find(struct compile *c, const char *name)
{
	for (size_t i = 0; i < c->prog->nfunctions; i++)
		if (!strcmp(c->prog->functions[i]->name, name))
			return c->prog->functions[i];
	return NULL;
}

/* --- declarations -------------------------------------------------------- */

static void declare_global(struct compile *c, struct ast *g)
{
	struct symbol *s = global_find(c, g->name);

	if (s) {
		diag_error(c->diag, g->loc, "global '%s' is declared twice",
			   g->name);
		return;
	}
	s = symbol_new(c, SYM_GLOBAL, g->name, g);
	if (!s)
		return;
	s->slot = (int)c->prog->nglobals;
	s->maxsize = g->num;
	s->wrap = g->flags & AST_GLOBAL_WRAP;
	/* "global a[100]" and "global a%" are arrays, keys still unknown */
	s->is_array_known = g->num > 0 || s->wrap;
	s->nkeys = s->is_array_known ? -1 : 0;
	if (g->a) {
		s->type = g->a->kind == AST_STR ? TYPE_STRING : TYPE_LONG;
		s->type_origin = g->a;
		s->is_array_known = true;
	}
	g->sym = s;
	symbols_push(c, &c->prog->globals, &c->prog->nglobals, s);
}

static void declare_function(struct compile *c, struct ast *f)
{
	struct symbol *s;

	if (builtin_find(f->name)) {
		diag_error(c->diag, f->loc,
			   "function '%s' has the name of a builtin function",
			   f->name);
		return;
	}
	if (function_find(c, f->name)) {
		diag_error(c->diag, f->loc, "function '%s' is defined twice",
			   f->name);
		return;
	}
	s = symbol_new(c, SYM_FUNCTION, f->name, f);
	if (!s)
		return;
	s->body = f->b;
	s->ret = f->decl;
	if (f->decl != TYPE_UNKNOWN)
		s->ret_origin = f;
	f->sym = s;
	ast_foreach_child(p, f->a)
	{
		struct symbol *ps = symbol_new(c, SYM_PARAM, p->name, p);

		if (!ps)
			return;
		ps->type = p->decl;
		ps->type_origin = p->decl != TYPE_UNKNOWN ? p : NULL;
		ps->slot = s->nparams++;
		p->sym = ps;
	}
	s->params = arena_zalloc(c->arena, (size_t)(s->nparams + 1) * sizeof(*s->params));
	if (!s->params)
		return;
	ast_foreach_child(p, f->a)
		s->params[p->sym->slot] = p->sym;
	symbols_push(c, &c->prog->functions, &c->prog->nfunctions, s);
}

static void refuse_embedded(struct compile *c, struct src_range r)
{
	diag_error(c->diag, r,
		   "embedded C (%%{ %%}) cannot run: tap loads no kernel module");
	diag_note(c->diag, r,
		  "tap's probes are tracefs events that record values, and handlers "
		  "run in user space on those records; read kernel values with "
		  "$variables and tracepoint fields instead");
}

static void resolve_script_arg(struct compile *c, struct ast *e);

/* process(@1).function(@2), timer.s($1): the arguments are known before
 * the providers resolve the points */
static void substitute_point_args(struct compile *c, struct ast *probe)
{
	ast_foreach_child(pp, probe->a)
		ast_foreach_child(comp, pp->a)
			if (comp->a && comp->a->kind == AST_SCRIPT_ARG)
				resolve_script_arg(c, comp->a);
}

void sema_declare(struct compile *c)
{
	ast_foreach_child(d, c->prog->script->decls)
	{
		if (d->kind == AST_GLOBAL)
			declare_global(c, d);
		else if (d->kind == AST_FUNCTION)
			declare_function(c, d);
		else if (d->kind == AST_EMBEDDED)
			refuse_embedded(c, d->loc);
		else if (d->kind == AST_PROBE)
			substitute_point_args(c, d);
	}
}

/* --- locals ---------------------------------------------------------------- */

/*
 * SystemTap locals are function-wide and come into being by assignment;
 * reading one that is never assigned is an error. So first collect every
 * name a body assigns (or binds in foreach), then resolve.
 */
static void note_assigned(struct compile *c, struct ast *target)
{
	struct symbol *s;

	if (!target || target->kind != AST_VAR)
		return;
	if (scope_find(c->scope, target->name) || global_find(c, target->name))
		return;
	s = symbol_new(c, SYM_LOCAL, target->name, target);
	if (!s)
		return;
	if (c->cur_function)
		s->slot = c->cur_function->nparams + c->cur_function->nlocals++;
	else
		s->slot = c->cur_handler->nlocals++;
	scope_add(c, c->scope, s);
}

static bool collect_one(struct ast *n, void *arg)
{
	struct compile *c = arg;

	switch (n->kind) {
	case AST_ASSIGN:
	case AST_INCDEC:
		note_assigned(c, n->a);
		break;
	case AST_FOREACH:
		ast_foreach_child(k, n->a)
			note_assigned(c, k);
		note_assigned(c, n->d);
		break;
	case AST_TRY:
		note_assigned(c, n->b);
		break;
	default:
		break;
	}
	return true;
}

static void collect_assigned(struct compile *c, struct ast *n)
{
	ast_walk(n, collect_one, c);
}

/* --- context values ------------------------------------------------------ */

static bool handler_has_name(struct compile *c, const char *name)
{
	struct handler *h = c->cur_handler;

	if (!h)
		return false;
	for (int i = 0; i < h->ndprobes; i++) {
		const struct provider *p = h->dprobes[i]->prov;

		if (p && p->has_name && p->has_name(h->dprobes[i], name))
			return true;
	}
	return false;
}

static void print_members_key(FILE *f, const struct ast *m)
{
	ast_foreach_child(x, m)
	{
		if (x->name)
			fprintf(f, "->%s", x->name);
		else if (x->a && x->a->kind == AST_NUM)
			fprintf(f, "[%lld]", (long long)x->a->num);
		else
			fputs("[?]", f);
	}
}

/* the canonical text that identifies a context value within a handler */
static char *ctx_key(struct compile *c, const struct ctx_ref *r)
{
	char *buf = NULL, *key;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (r->kind == CTX_USER_STRING)
		fputs("user_string(", f);
	else if (r->kind == CTX_KERNEL_STRING)
		fputs("kernel_string(", f);
	else if (r->kind == CTX_COMM)
		fputs("comm", f);
	else if (r->kind == CTX_CAST)
		fputs("@cast(", f);
	if (r->var)
		fputs(r->var, f);
	print_members_key(f, r->members);
	if (r->kind == CTX_CAST) {
		ast_foreach_child(a, r->node->a->next)
			fprintf(f, ", \"%s\"", a->kind == AST_STR ? a->str : "?");
		fputc(')', f);
		print_members_key(f, r->node->b);
	}
	if (r->addend)
		fprintf(f, "%+lld", (long long)r->addend);
	if (r->kind == CTX_USER_STRING || r->kind == CTX_KERNEL_STRING)
		fputc(')', f);
	fclose(f);
	key = buf ? arena_strdup(c->arena, buf) : NULL;
	free(buf);
	return key;
}

/* Registers @r in the current handler; returns its slot or -1. */
static int ctx_register(struct compile *c, const struct ctx_ref *r)
{
	struct handler *h = c->cur_handler;
	char *key = ctx_key(c, r);
	const char **keys;
	struct ast **nodes;

	if (!key)
		return -1;
	for (int i = 0; i < h->nctx; i++)
		if (!strcmp(h->ctx_keys[i], key))
			return i;
	keys = arena_zalloc(c->arena, (size_t)(h->nctx + 1) * sizeof(*keys));
	nodes = arena_zalloc(c->arena, (size_t)(h->nctx + 1) * sizeof(*nodes));
	if (!keys || !nodes)
		return -1;
	if (h->nctx) {
		memcpy(keys, h->ctx_keys, (size_t)h->nctx * sizeof(*keys));
		memcpy(nodes, h->ctx_nodes, (size_t)h->nctx * sizeof(*nodes));
	}
	keys[h->nctx] = key;
	nodes[h->nctx] = r->node;
	h->ctx_keys = keys;
	h->ctx_nodes = nodes;
	/* the ref itself is kept on the node for the binding pass */
	return h->nctx++;
}

static void mark_ctx(struct compile *c, struct ast *node, enum ctx_ref_kind k,
		     const char *var, struct ast *members, int64_t addend)
{
	struct ctx_ref *r = arena_zalloc(c->arena, sizeof(*r));

	if (!r)
		return;
	r->guarded = c->in_defined > 0;
	r->kind = k;
	r->var = var;
	r->members = members;
	r->addend = addend;
	r->node = node;
	node->slot = ctx_register(c, r);
	node->flags |= AST_CTX;
	node->aux = r;
	/* one guarded use (inside @defined) makes the value optional */
	if (node->slot >= 0 && r->guarded) {
		struct ctx_ref *first = c->cur_handler->ctx_nodes[node->slot]->aux;

		if (first)
			first->guarded = true;
	}
}

static bool in_probe(struct compile *c, struct ast *e, const char *what)
{
	if (c->cur_handler)
		return true;
	diag_error(c->diag, e->loc,
		   "%s can only be used in a probe handler, not in a function",
		   what);
	return false;
}

static void resolve_target(struct compile *c, struct ast *e)
{
	if (!in_probe(c, e, "a target variable"))
		return;
	ast_foreach_child(m, e->a)
		if (!m->name)
			resolve_expr(c, m->a);
	mark_ctx(c, e, CTX_TARGET, e->name, e->a, 0);
}

/*
 * user_string($x) and user_string($x + 8) can be fetched by the probe
 * itself; anything else is read from the process when the event is handled.
 */
static bool fetchable_arg(struct ast *a, struct ast **target, int64_t *addend)
{
	*addend = 0;
	if (a->kind == AST_TARGET) {
		*target = a;
		return true;
	}
	if (a->kind == AST_BINARY && (a->op == '+' || a->op == '-') &&
	    a->a->kind == AST_TARGET && a->b->kind == AST_NUM) {
		*target = a->a;
		*addend = a->op == '+' ? a->b->num : -a->b->num;
		return true;
	}
	return false;
}

static void resolve_fetch_call(struct compile *c, struct ast *e,
			       const struct builtin *b)
{
	struct ast *t;
	int64_t addend;

	if (!c->cur_handler || !e->a || !fetchable_arg(e->a, &t, &addend)) {
		ast_foreach_child(a, e->a)
			resolve_expr(c, a);
		return;
	}
	ast_foreach_child(m, t->a)
		if (!m->name)
			resolve_expr(c, m->a);
	if (e->a->next)
		resolve_expr(c, e->a->next);
	mark_ctx(c, e, b->id == BI_USER_STRING || b->id == BI_USER_STRING_N ? CTX_USER_STRING :
			       CTX_KERNEL_STRING, t->name, t->a, addend);
	/* the call still takes the value, for the error message default */
}

static void suggest_names(struct compile *c, struct suggest *s)
{
	for (const struct scope *sc = c->scope; sc; sc = sc->parent)
		for (int i = 0; i < sc->nsyms; i++)
			suggest_add(s, sc->syms[i]->name);
	for (size_t i = 0; i < c->prog->nglobals; i++)
		suggest_add(s, c->prog->globals[i]->name);
}

/* the handler is a syscall.NAME.return probe's (the tapset's arguments are gone) */
static bool in_syscall_return(struct compile *c)
{
	const struct handler *h = c->cur_handler;

	return h && h->ndprobes && h->dprobes[0]->prov &&
	       !strcmp(h->dprobes[0]->prov->name, "syscall") && pp_names_return(h->dprobes[0]->pp);
}

static void resolve_var(struct compile *c, struct ast *e)
{
	struct symbol *s = scope_find(c->scope, e->name);
	struct suggest sg;

	if (!s)
		s = global_find(c, e->name);
	if (s) {
		e->sym = s;
		return;
	}
	if (handler_has_name(c, e->name)) {
		mark_ctx(c, e, CTX_NAME, e->name, NULL, 0);
		return;
	}
	diag_error(c->diag, e->loc, "unknown variable '%s'", e->name);
	suggest_init(&sg, e->name);
	suggest_names(c, &sg);
	suggest_note(c, e->loc, &sg);
	if (!sg.best && in_syscall_return(c))
		diag_note(c->diag, e->loc,
			  "a system call's return probe has retval and retstr; an argument "
			  "is @entry(%s)", e->name);
}

static struct symbol *resolve_array(struct compile *c, struct ast *v)
{
	struct symbol *s = scope_find(c->scope, v->name);

	if (s) {
		diag_error(c->diag, v->loc,
			   "'%s' is a local variable; arrays must be global",
			   v->name);
		return NULL;
	}
	s = global_find(c, v->name);
	if (!s) {
		struct suggest sg;

		diag_error(c->diag, v->loc, "unknown array '%s'", v->name);
		diag_note(c->diag, v->loc,
			  "arrays are declared at the top level: global %s",
			  v->name);
		suggest_init(&sg, v->name);
		suggest_names(c, &sg);
		suggest_note(c, v->loc, &sg);
		return NULL;
	}
	v->sym = s;
	return s;
}

static void resolve_list(struct compile *c, struct ast *l)
{
	ast_foreach_child(e, l)
		resolve_expr(c, e);
}

static void resolve_printf_format(struct compile *c, struct ast *e)
{
	struct fmt *f;
	const char *msg = NULL;
	size_t off = 0;

	if (!e->a || e->a->kind != AST_STR) {
		if (e->a)
			diag_error(c->diag, e->a->loc,
				   "the format of %s must be a string literal",
				   e->name);
		return;
	}
	f = arena_zalloc(c->arena, sizeof(*f));
	if (!f)
		return;
	if (fmt_parse(e->a->str, e->a->len, f, &off, &msg)) {
		struct src_range r = e->a->loc;

		/* point at the conversion when the literal has no escapes
		 * before it; else at the whole format */
		if (msg && r.end - r.start == e->a->len + 2) {
			r.start += (uint32_t)off + 1;
			r.end = r.start + 1;
		}
		diag_error(c->diag, r, "bad format: %s",
			   msg ? msg : "out of memory");
		return;
	}
	e->aux = f;
	/* released with the program */
	compile_track_fmt(c, f);
}

/* SystemTap's user-stack functions: known, so they get a reason, not a guess */
static bool is_stack_function(const char *name)
{
	static const char *const names[] = {
		"ubacktrace", "print_ubacktrace", "print_ustack", "sprint_ubacktrace",
		"task_backtrace", "print_syms", "print_usyms", "sprint_ustack",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static void resolve_call(struct compile *c, struct ast *e)
{
	const struct builtin *b = builtin_find(e->name);
	struct symbol *fn;
	int n = ast_list_len(e->a);

	if (b) {
		e->bind = (void *)b;
		e->flags |= AST_BUILTIN;
		if (n < b->min_args || (b->max_args >= 0 && n > b->max_args)) {
			diag_error(c->diag, e->loc,
				   "%s() takes %d%s argument%s, not %d",
				   e->name, b->min_args,
				   b->max_args != b->min_args ? " or more" : "",
				   b->min_args == 1 && b->max_args == 1 ? "" : "s", n);
			return;
		}
		if ((b->flags & BF_EVENT) && !c->cur_handler && !c->cur_function)
			return;
		if (b->flags & BF_FETCH) {
			resolve_fetch_call(c, e, b);
			return;
		}
		if (b->id == BI_PRINTF || b->id == BI_SPRINTF)
			resolve_printf_format(c, e);
		if (b->id == BI_EXECNAME && c->cur_handler) {
			/* dynamic events can record the comm themselves;
			 * elsewhere the runtime's task table answers */
			c->in_defined++;
			mark_ctx(c, e, CTX_COMM, NULL, NULL, 0);
			c->in_defined--;
		}
		resolve_list(c, e->a);
		return;
	}
	fn = function_find(c, e->name);
	if (!fn && is_stack_function(e->name)) {
		diag_error(c->diag, e->loc,
			   "tap records kernel stacks only: '%s' (user stacks) is not supported",
			   e->name);
		diag_note(c->diag, e->loc,
			  "probe the callers by name, or use timer.profile with usymname(uaddr())");
		resolve_list(c, e->a);
		return;
	}
	if (!fn) {
		struct suggest sg;

		diag_error(c->diag, e->loc, "unknown function '%s'", e->name);
		suggest_init(&sg, e->name);
		builtin_names(suggest_add, &sg);
		for (size_t i = 0; i < c->prog->nfunctions; i++)
			suggest_add(&sg, c->prog->functions[i]->name);
		suggest_note(c, e->loc, &sg);
		resolve_list(c, e->a);
		return;
	}
	if (n != fn->nparams)
		diag_error(c->diag, e->loc,
			   "function '%s' takes %d argument%s, not %d", e->name,
			   fn->nparams, fn->nparams == 1 ? "" : "s", n);
	e->sym = fn;
	resolve_list(c, e->a);
}

static void resolve_script_arg(struct compile *c, struct ast *e)
{
	int n = (int)e->num;
	const char *v;
	char *end;

	if (n == 0) {
		/* $# and @#: how many arguments were given */
		e->kind = AST_NUM;
		e->num = c->opts->nargs;
		return;
	}
	if (n > c->opts->nargs) {
		diag_error(c->diag, e->loc,
			   "script argument %c%d is missing (the command line gave %d)",
			   e->op, n, c->opts->nargs);
		e->kind = e->op == '$' ? AST_NUM : AST_STR;
		e->str = "";
		return;
	}
	v = c->opts->args[n - 1];
	if (e->op == '@') {
		e->kind = AST_STR;
		e->str = v;
		e->len = (uint32_t)strlen(v);
		return;
	}
	e->kind = AST_NUM;
	errno = 0;
	e->num = strtoll(v, &end, 0);
	if (!*v || *end || errno)
		diag_error(c->diag, e->loc,
			   "script argument $%d is '%s', not a number (use @%d for a string)",
			   n, v, n);
}

/* @var("name[@file]"[, "path"])->m: the probe fetches it, as it does $p->m */
static void resolve_at_var(struct compile *c, struct ast *e)
{
	int n = 0;

	ast_foreach_child(a, e->a)
		if (++n > 2 || a->kind != AST_STR || !a->len) {
			diag_error(c->diag, a->loc,
				   "write @var(\"name\"), @var(\"name@file.c\") or @var(\"name\", \"path\")");
			return;
		}
	if (!n) {
		diag_error(c->diag, e->loc, "@var() names a variable: @var(\"name\")");
		return;
	}
	ast_foreach_child(m, e->b)
		if (!m->name)
			resolve_expr(c, m->a);
	mark_ctx(c, e, CTX_VAR,
		 arena_printf(c->arena, "@var(\"%s\"%s%s%s)", e->a->str, e->a->next ? ", \"" : "",
			      e->a->next ? e->a->next->str : "", e->a->next ? "\"" : ""),
		 e->b, 0);
}

static void resolve_at_call(struct compile *c, struct ast *e)
{
	/* the runtime switches on this; it never compares the name */
	e->op = at_op_find(e->name);
	if (e->op == AT_DEFINED) {
		/* a context value named here may be missing in some probes */
		c->in_defined++;
		resolve_list(c, e->a);
		c->in_defined--;
		return;
	}
	if (!strcmp(e->name, "@cast") && c->cur_handler && e->a &&
	    e->a->kind == AST_TARGET) {
		/* the probe fetches @cast($p, "type")->m, as it does $p->m */
		ast_foreach_child(m, e->a->a)
			if (!m->name)
				resolve_expr(c, m->a);
		ast_foreach_child(m, e->b)
			if (!m->name)
				resolve_expr(c, m->a);
		mark_ctx(c, e, CTX_CAST, e->a->name, e->a->a, 0);
		return;
	}
	if (!strcmp(e->name, "@var") && c->cur_handler) {
		resolve_at_var(c, e);
		return;
	}
	resolve_list(c, e->a);
	ast_foreach_child(m, e->b)
		if (!m->name)
			resolve_expr(c, m->a);
}

/* "lat <<< v" with no global lat: say what is missing */
static void resolve_agg_target(struct compile *c, struct ast *t)
{
	if (t->kind == AST_VAR && !scope_find(c->scope, t->name) &&
	    !global_find(c, t->name)) {
		diag_error(c->diag, t->loc,
			   "statistics must be global: declare 'global %s'", t->name);
		return;
	}
	resolve_expr(c, t);
}

/* =~ takes a literal POSIX extended regular expression: check it now,
 * not at the first event */
static void check_regex(struct compile *c, struct ast *e)
{
	char msg[128];
	regex_t re;
	int rc;

	if (e->b->kind != AST_STR) {
		diag_error(c->diag, e->b->loc,
			   "the right side of '%s' must be a regular expression literal",
			   ast_op_name(e->op));
		return;
	}
	if (strlen(e->b->str) != e->b->len) {
		diag_error(c->diag, e->b->loc,
			   "a regular expression cannot hold a NUL byte");
		return;
	}
	rc = regcomp(&re, e->b->str, REG_EXTENDED | REG_NOSUB);
	if (!rc) {
		regfree(&re);
		return;
	}
	regerror(rc, &re, msg, sizeof(msg));
	diag_error(c->diag, e->b->loc, "bad regular expression: %s", msg);
}

/* keys with a '*' (a slice of the array) */
static bool has_wildcard(const struct ast *keys)
{
	ast_foreach_child(k, keys)
		if (k->kind == AST_EMPTY)
			return true;
	return false;
}

static void resolve_expr(struct compile *c, struct ast *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case AST_NUM:
	case AST_STR:
		return;
	case AST_SCRIPT_ARG:
		resolve_script_arg(c, e);
		return;
	case AST_VAR:
		resolve_var(c, e);
		return;
	case AST_TARGET:
		resolve_target(c, e);
		return;
	case AST_INDEX:
		if (has_wildcard(e->b) && !(e->flags & AST_SLICE))
			diag_error(c->diag, e->loc,
				   "'*' takes any key only in foreach, delete and 'in'");
		resolve_array(c, e->a);
		resolve_list(c, e->b);
		return;
	case AST_IN:
		if (has_wildcard(e->a))
			e->flags |= AST_SLICE;
		resolve_list(c, e->a);
		resolve_array(c, e->b);
		return;
	case AST_CALL:
		resolve_call(c, e);
		return;
	case AST_AGG_ADD:
		resolve_agg_target(c, e->a);
		resolve_expr(c, e->b);
		return;
	case AST_AT_CALL:
		resolve_at_call(c, e);
		return;
	case AST_REGEX:
		resolve_expr(c, e->a);
		check_regex(c, e);
		return;
	default:
		resolve_expr(c, e->a);
		resolve_expr(c, e->b);
		resolve_expr(c, e->c);
		return;
	}
}

/* --- statements ---------------------------------------------------------- */

struct loop_state {
	int depth;
};

static void resolve_foreach(struct compile *c, struct ast *s)
{
	struct symbol *arr = resolve_array(c, s->b);

	/* "foreach ([k] in a @sum-)": which statistic orders the loop */
	s->slot = s->str ? at_op_find(s->str) : AT_UNKNOWN;

	ast_foreach_child(k, s->a)
		resolve_var(c, k);
	if (s->d)
		resolve_var(c, s->d);
	resolve_expr(c, s->e);
	ast_foreach_child(k, s->b->a)
		if (k->kind != AST_EMPTY)
			resolve_expr(c, k);
	(void)arr;
	resolve_stmt(c, s->c);
}

static void resolve_delete(struct compile *c, struct ast *s)
{
	struct ast *t = s->a;

	if (t->kind == AST_VAR) {
		struct symbol *g = global_find(c, t->name);

		if (g && !scope_find(c->scope, t->name)) {
			t->sym = g;
			return;
		}
	}
	if (t->kind != AST_VAR && t->kind != AST_INDEX) {
		diag_error(c->diag, t->loc,
			   "delete takes an array, an array element or a variable");
		return;
	}
	if (t->kind == AST_INDEX && has_wildcard(t->b))
		t->flags |= AST_SLICE;	/* delete a[*, k]: every matching element */
	resolve_expr(c, t);
}

static void resolve_stmt(struct compile *c, struct ast *s)
{
	if (!s)
		return;
	switch (s->kind) {
	case AST_BLOCK:
		ast_foreach_child(x, s->a)
			resolve_stmt(c, x);
		return;
	case AST_EXPR_STMT:
	case AST_RETURN:
		resolve_expr(c, s->a);
		return;
	case AST_IF:
	case AST_WHILE:
		resolve_expr(c, s->a);
		resolve_stmt(c, s->b);
		resolve_stmt(c, s->c);
		return;
	case AST_FOR:
		resolve_expr(c, s->a);
		resolve_expr(c, s->b);
		resolve_expr(c, s->c);
		resolve_stmt(c, s->d);
		return;
	case AST_FOREACH:
		resolve_foreach(c, s);
		return;
	case AST_DELETE:
		resolve_delete(c, s);
		return;
	case AST_TRY:
		resolve_stmt(c, s->a);
		if (s->b)
			resolve_var(c, s->b);
		resolve_stmt(c, s->c);
		return;
	default:
		return;
	}
}

static void resolve_handler(struct compile *c, struct handler *h)
{
	struct scope sc = { 0 };

	c->cur_handler = h;
	c->cur_function = NULL;
	c->scope = &sc;
	collect_assigned(c, h->probe->c);
	if (h->probe->b)
		collect_assigned(c, h->probe->b);
	resolve_expr(c, h->probe->b);
	resolve_stmt(c, h->probe->c);
	c->scope = NULL;
	c->cur_handler = NULL;
}

static void resolve_function(struct compile *c, struct symbol *fn)
{
	struct scope sc = { 0 };

	if (fn->body->kind == AST_EMBEDDED) {
		refuse_embedded(c, fn->body->loc);
		return;
	}
	c->cur_function = fn;
	c->scope = &sc;
	for (int i = 0; i < fn->nparams; i++)
		scope_add(c, &sc, fn->params[i]);
	collect_assigned(c, fn->body);
	resolve_stmt(c, fn->body);
	c->scope = NULL;
	c->cur_function = NULL;
}


int sema_resolve(struct compile *c)
{
	for (size_t i = 0; i < c->prog->nhandlers; i++)
		resolve_handler(c, &c->prog->handlers[i]);
	for (size_t i = 0; i < c->prog->nfunctions; i++)
		resolve_function(c, c->prog->functions[i]);
	return c->diag->errors ? -EINVAL : 0;
}

/* --- arrays changed inside foreach ---------------------------------------- */

/*
 * SystemTap refuses, at compile time, a foreach whose body changes the
 * array it walks: an assignment, '<<<', '++' or delete of an element or
 * of the whole array, there or in a function the body calls (at any
 * depth). tap does the same rather than define what the loop then sees.
 */
struct mutations {
	struct compile *c;
	size_t nglobals;
	uint8_t *fn_writes;	/* [function][global]: may change it */
	bool changed;
	/* while checking a body */
	const struct symbol **iterating;	/* arrays of the open foreach loops */
	struct ast **loops;	/* and the loops */
	int depth;
};

static struct symbol *written_array(const struct ast *n)
{
	const struct ast *t = NULL;

	switch (n->kind) {
	case AST_ASSIGN:
	case AST_INCDEC:
	case AST_AGG_ADD:
	case AST_DELETE:
		t = n->a;
		break;
	default:
		return NULL;
	}
	if (t && t->kind == AST_INDEX)
		t = t->a;
	if (!t || t->kind != AST_VAR || !t->sym || t->sym->kind != SYM_GLOBAL)
		return NULL;
	/* a scalar global changed in a loop is fine */
	return t->sym->nkeys > 0 ? t->sym : NULL;
}

struct fn_walk {
	struct mutations *m;
	uint8_t *row;
};

static bool note_writes(struct ast *n, void *arg)
{
	struct fn_walk *w = arg;
	struct symbol *s = written_array(n);

	if (s && !w->row[s->slot]) {
		w->row[s->slot] = 1;
		w->m->changed = true;
	}
	/* what a callee changes, this function changes */
	if (n->kind == AST_CALL && n->sym && n->sym->kind == SYM_FUNCTION) {
		const uint8_t *callee = w->m->fn_writes +
					(size_t)n->sym->slot * w->m->nglobals;

		for (size_t g = 0; g < w->m->nglobals; g++) {
			if (callee[g] && !w->row[g]) {
				w->row[g] = 1;
				w->m->changed = true;
			}
		}
	}
	return true;
}

static void mutations_compute(struct mutations *m)
{
	struct program *p = m->c->prog;

	for (size_t i = 0; i < p->nfunctions; i++)
		p->functions[i]->slot = (int)i;
	/* to a fixed point: a call chain of any depth, recursion included */
	do {
		m->changed = false;
		for (size_t i = 0; i < p->nfunctions; i++) {
			struct fn_walk w = { m, m->fn_writes + i * m->nglobals };

			ast_walk(p->functions[i]->body, note_writes, &w);
		}
	} while (m->changed);
}

/* the innermost open foreach over @s, or NULL */
static struct ast *iterated_by(const struct mutations *m, const struct symbol *s)
{
	for (int i = m->depth - 1; i >= 0; i--)
		if (m->iterating[i] == s)
			return m->loops[i];
	return NULL;
}

static void report_mutation(struct mutations *m, struct ast *n,
			    const struct symbol *s, bool by_call)
{
	struct ast *loop = iterated_by(m, s);

	if (by_call)
		diag_error(m->c->diag, n->loc,
			   "function call modifies array '%s' during 'foreach' iteration",
			   s->name);
	else
		diag_error(m->c->diag, n->loc,
			   "array '%s' modified during 'foreach' iteration",
			   s->name);
	diag_note(m->c->diag, loop->b->loc,
		  "the loop over '%s' is here; collect the changes in another array and apply them after it",
		  s->name);
}

static void check_node_mutation(struct mutations *m, struct ast *n)
{
	struct symbol *s = written_array(n);

	if (s && iterated_by(m, s))
		report_mutation(m, n, s, false);
	if (n->kind != AST_CALL || !n->sym || n->sym->kind != SYM_FUNCTION)
		return;
	for (int i = 0; i < m->depth; i++) {
		const uint8_t *w = m->fn_writes +
				   (size_t)n->sym->slot * m->nglobals;

		if (w[m->iterating[i]->slot]) {
			report_mutation(m, n, m->iterating[i], true);
			return;
		}
	}
}

static void check_mutations(struct mutations *m, struct ast *n);

static void check_mutation_list(struct mutations *m, struct ast *l)
{
	ast_foreach_child(x, l)
		check_mutations(m, x);
}

static void check_mutations(struct mutations *m, struct ast *n)
{
	if (!n)
		return;
	if (m->depth)
		check_node_mutation(m, n);
	if (n->kind == AST_FOREACH && n->b->sym) {
		/* the limit is evaluated before the loop starts */
		check_mutation_list(m, n->e);
		m->iterating[m->depth] = n->b->sym;
		m->loops[m->depth] = n;
		m->depth++;
		check_mutation_list(m, n->c);
		m->depth--;
		return;
	}
	check_mutation_list(m, n->a);
	check_mutation_list(m, n->b);
	check_mutation_list(m, n->c);
	check_mutation_list(m, n->d);
	check_mutation_list(m, n->e);
}

static bool count_foreach(struct ast *n, void *arg)
{
	if (n->kind == AST_FOREACH)
		++*(int *)arg;
	return true;
}

int sema_check_foreach(struct compile *c)
{
	struct program *p = c->prog;
	struct mutations m = { .c = c, .nglobals = p->nglobals };
	int loops = 0;

	for (size_t i = 0; i < p->nhandlers; i++)
		ast_walk(p->handlers[i].probe, count_foreach, &loops);
	for (size_t i = 0; i < p->nfunctions; i++)
		ast_walk(p->functions[i]->body, count_foreach, &loops);
	if (!loops || !p->nglobals)
		return 0;
	m.fn_writes = arena_zalloc(c->arena, (p->nfunctions + 1) * p->nglobals);
	m.iterating = arena_zalloc(c->arena, (size_t)loops * sizeof(*m.iterating));
	m.loops = arena_zalloc(c->arena, (size_t)loops * sizeof(*m.loops));
	if (!m.fn_writes || !m.iterating || !m.loops)
		return -ENOMEM;
	mutations_compute(&m);
	for (size_t i = 0; i < p->nhandlers; i++)
		check_mutations(&m, p->handlers[i].probe->c);
	for (size_t i = 0; i < p->nfunctions; i++)
		check_mutations(&m, p->functions[i]->body);
	return c->diag->errors ? -EINVAL : 0;
}
