// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * @entry(expr) in return probes, rewritten into the script before the
 * checks run. tap's handlers run in user space on recorded events, so a
 * value from a function's entry has to come from an entry event:
 *
 *   probe P.return { x = @entry(E) }
 *
 * becomes, with hidden globals (one array per @entry, and a depth count
 * so that recursive calls each get their own values):
 *
 *   probe P { __entry_d = ++__entry_N_depth[tid()]; __entry_N_I[tid(), __entry_d] = E }
 *   probe P.return {
 *       __entry_d = __entry_N_depth[tid()]
 *       if (!__entry_d) next
 *       __entry_I = __entry_N_I[tid(), __entry_d]; delete __entry_N_I[tid(), __entry_d]
 *       if (__entry_d > 1) __entry_N_depth[tid()] = __entry_d - 1
 *       else delete __entry_N_depth[tid()]
 *       x = __entry_I
 *   }
 *
 * The return probe's condition moves after that prologue (it may use
 * @entry too, and a return whose values are never taken would leave them
 * behind), so it is tested in user space, not as a kernel filter. A call
 * whose entry was not seen (tracing began inside it) runs no handler, as
 * a SystemTap return probe fires only for the calls whose entry it saw.
 */
#include <stdio.h>
#include <string.h>

#include "compile_internal.h"

/* the most @entry() calls one probe may have */
#define ENTRY_MAX_CALLS 64

struct entry_rewrite {
	struct compile *c;
	struct src_range seen[ENTRY_MAX_CALLS];	/* each saved expression's text */
	struct parse_ctx pc;	/* for the AST constructors: arena and diag */
	int probe;	/* the return probe's number, in hidden names */
	int count;	/* @entry() calls found in it so far */
	struct ast *saves;	/* the entry probe's statements, in order */
	struct ast *takes;	/* the return probe's prologue, in order */
};

static const char *hidden_name(struct entry_rewrite *r, const char *what)
{
	return arena_printf(r->c->arena, "__entry_%d_%s", r->probe, what);
}

static struct ast *var(struct entry_rewrite *r, struct src_range at, const char *name)
{
	return ast_named(&r->pc, AST_VAR, at, name, NULL);
}

/* NAME[tid()] or NAME[tid(), __entry_d] */
static struct ast *per_call(struct entry_rewrite *r, struct src_range at, const char *name,
			    bool with_depth)
{
	struct ast *keys = ast_named(&r->pc, AST_CALL, at, "tid", NULL);

	if (with_depth)
		ast_append(keys, var(r, at, "__entry_d"));
	return ast_node(&r->pc, AST_INDEX, at, var(r, at, name), keys, NULL);
}

static struct ast *stmt(struct entry_rewrite *r, struct ast *e)
{
	return ast_node(&r->pc, AST_EXPR_STMT, e->loc, e, NULL, NULL);
}

static struct ast *assign(struct entry_rewrite *r, struct ast *to, struct ast *value)
{
	return stmt(r, ast_op(&r->pc, AST_ASSIGN, value->loc, '=', to, value));
}

static struct ast *delete(struct entry_rewrite *r, struct ast *what)
{
	return ast_node(&r->pc, AST_DELETE, what->loc, what, NULL, NULL);
}

static void add_global(struct entry_rewrite *r, struct src_range at, const char *name)
{
	ast_add_decl(&r->pc, ast_global(&r->pc, at, name, NULL, -1, 0));
}

/*
 * One @entry(E) call: E moves into the entry probe, saved under this
 * call's key, and the call becomes a local taken in the prologue.
 */
/* the local of an earlier @entry() of the same text, or NULL */
static const char *same_as_before(struct entry_rewrite *r, struct src_range e)
{
	const char *text = r->pc.src->text;

	for (int i = 0; i < r->count; i++)
		if (r->seen[i].end - r->seen[i].start == e.end - e.start &&
		    !memcmp(text + r->seen[i].start, text + e.start, e.end - e.start))
			return arena_printf(r->c->arena, "__entry_%d", i);
	return NULL;
}

static void become_local(struct ast *call, const char *local)
{
	/* the call node turns into the local in place: parents keep their links */
	call->kind = AST_VAR;
	call->name = local;
	call->a = call->b = NULL;
	call->op = 0;
}

static void rewrite_call(struct entry_rewrite *r, struct ast *call)
{
	const char *array = hidden_name(r, arena_printf(r->c->arena, "%d", r->count));
	const char *local = same_as_before(r, call->a->loc);
	struct src_range at = call->loc;
	struct ast *expr = call->a;

	if (local) {	/* taken once at entry, as SystemTap does */
		become_local(call, local);
		return;
	}
	if (r->count == ENTRY_MAX_CALLS) {
		diag_error(r->c->diag, at, "more than %d different @entry() values in one probe",
			   ENTRY_MAX_CALLS);
		return;
	}
	local = arena_printf(r->c->arena, "__entry_%d", r->count);
	r->seen[r->count++] = expr->loc;
	add_global(r, at, array);
	expr->next = NULL;
	r->saves = ast_append(r->saves, assign(r, per_call(r, at, array, true), expr));
	r->takes = ast_append(r->takes, assign(r, var(r, at, local),
					       per_call(r, at, array, true)));
	r->takes = ast_append(r->takes, delete(r, per_call(r, at, array, true)));
	become_local(call, local);
}

static bool is_entry_call(const struct ast *n)
{
	return n->kind == AST_AT_CALL && n->name && !strcmp(n->name, "@entry");
}

static bool find_calls(struct ast *n, void *arg)
{
	struct entry_rewrite *r = arg;

	if (!is_entry_call(n))
		return true;
	if (ast_list_len(n->a) != 1) {
		diag_error(r->c->diag, n->loc, "@entry() takes one expression");
		return false;
	}
	rewrite_call(r, n);
	return false;	/* an @entry() inside E is refused once E has moved */
}

static bool refuse_nested(struct ast *n, void *arg)
{
	struct entry_rewrite *r = arg;

	if (is_entry_call(n))
		diag_error(r->c->diag, n->loc, "@entry() inside @entry() means nothing: "
			   "the inner value is already the one at entry");
	return !is_entry_call(n);
}

static bool has_entry_call(struct ast *n, void *arg)
{
	bool *found = arg;

	if (is_entry_call(n))
		*found = true;
	return !*found;
}

static bool uses_entry(struct ast *n)
{
	bool found = false;

	if (n)
		ast_walk(n, has_entry_call, &found);
	return found;
}

/* the index of a point's "return" component, or -1 */
static int return_comp(const struct ast *point)
{
	int i = 0;

	ast_foreach_child(comp, point->a)
	{
		if (!strcmp(comp->name, "return") && !comp->a)
			return i;
		i++;
	}
	return -1;
}

static struct ast *copy_node(struct entry_rewrite *r, const struct ast *n)
{
	struct ast *copy = ast_new(&r->pc, n->kind, n->loc);

	*copy = *n;
	copy->next = NULL;
	return copy;
}

/* @point without its ".return" and what follows it (.maxactive(N)) */
static struct ast *entry_point(struct entry_rewrite *r, const struct ast *point)
{
	struct ast *copy = copy_node(r, point), *comps = NULL;
	int keep = return_comp(point), i = 0;

	ast_foreach_child(comp, point->a)
	{
		struct ast *c = copy_node(r, comp);

		if (i++ == keep)
			break;
		if (comp->a)
			c->a = copy_node(r, comp->a);
		comps = ast_append(comps, c);
	}
	copy->a = comps;
	/* where it is missing, the return point has said so already */
	copy->flags |= AST_PP_OPTIONAL;
	return copy;
}

static bool all_points_return(struct entry_rewrite *r, struct ast *probe)
{
	bool ok = true;

	ast_foreach_child(point, probe->a)
	{
		if (return_comp(point) >= 0)
			continue;
		diag_error(r->c->diag, point->loc,
			   "@entry() is only allowed in .return probes, and '%s' is not one",
			   pp_canonical(r->c, point));
		ok = false;
	}
	return ok;
}

/* the prologue's depth bookkeeping, after the values are taken */
static struct ast *pop_depth(struct entry_rewrite *r, struct src_range at, const char *depth)
{
	struct ast *d = var(r, at, "__entry_d");
	struct ast *deeper = ast_op(&r->pc, AST_BINARY, at, '>', d, ast_num(&r->pc, at, 1));
	struct ast *less = ast_op(&r->pc, AST_BINARY, at, '-', var(r, at, "__entry_d"),
				  ast_num(&r->pc, at, 1));

	return ast_node(&r->pc, AST_IF, at, deeper,
			assign(r, per_call(r, at, depth, false), less),
			delete(r, per_call(r, at, depth, false)));
}

static struct ast *block(struct entry_rewrite *r, struct src_range at, struct ast *stmts)
{
	return ast_node(&r->pc, AST_BLOCK, at, stmts, NULL, NULL);
}

static struct ast *entry_probe(struct entry_rewrite *r, struct ast *probe, const char *depth)
{
	struct src_range at = probe->loc;
	struct ast *points = NULL, *incr, *body;

	ast_foreach_child(point, probe->a)
		points = ast_append(points, entry_point(r, point));
	incr = ast_op(&r->pc, AST_INCDEC, at, AST_OP_INC, per_call(r, at, depth, false), NULL);
	body = ast_append(assign(r, var(r, at, "__entry_d"), incr), r->saves);
	return ast_node(&r->pc, AST_PROBE, at, points, NULL, block(r, at, body));
}

/* the return probe: prologue, then its condition as "if (!(cond)) next", then its body */
static void prepend_prologue(struct entry_rewrite *r, struct ast *probe, const char *depth)
{
	struct src_range at = probe->loc;
	struct ast *stmts = assign(r, var(r, at, "__entry_d"), per_call(r, at, depth, false));
	struct ast *unseen = ast_op(&r->pc, AST_UNARY, at, '!', var(r, at, "__entry_d"), NULL);

	/* as in SystemTap, only calls whose entry was seen: the others began before tracing */
	stmts = ast_append(stmts, ast_node(&r->pc, AST_IF, at, unseen,
					   ast_new(&r->pc, AST_NEXT, at), NULL));
	stmts = ast_append(stmts, r->takes);
	stmts = ast_append(stmts, pop_depth(r, at, depth));
	if (probe->b) {
		struct ast *cond = probe->b;
		struct ast *not = ast_op(&r->pc, AST_UNARY, cond->loc, '!', cond, NULL);

		stmts = ast_append(stmts, ast_node(&r->pc, AST_IF, cond->loc, not,
						   ast_new(&r->pc, AST_NEXT, cond->loc), NULL));
		probe->b = NULL;
	}
	probe->c = block(r, probe->c ? probe->c->loc : at, ast_append(stmts, probe->c));
}

/* the entry probe that @probe's @entry() calls need, or NULL */
static struct ast *rewrite_probe(struct entry_rewrite *r, struct ast *probe)
{
	struct ast *entry;
	const char *depth;

	if (!uses_entry(probe->b) && !uses_entry(probe->c))
		return NULL;
	if (!all_points_return(r, probe))
		return NULL;
	r->count = 0;
	r->saves = r->takes = NULL;
	if (probe->b)
		ast_walk(probe->b, find_calls, r);
	if (probe->c)
		ast_walk(probe->c, find_calls, r);
	if (!r->count)
		return NULL;
	ast_foreach_child(save, r->saves)
		ast_walk(save, refuse_nested, r);
	depth = hidden_name(r, "depth");
	add_global(r, probe->loc, depth);
	entry = entry_probe(r, probe, depth);
	prepend_prologue(r, probe, depth);
	r->probe++;
	return entry;
}

void entry_rewrite(struct compile *c)
{
	struct ast_script *s = c->prog->script;
	struct entry_rewrite r = { .c = c };

	r.pc.arena = c->arena;
	r.pc.diag = c->diag;
	r.pc.src = s->src;
	r.pc.script = s;
	/* the hidden globals go after the script's own declarations */
	r.pc.tail = &s->decls;
	while (*r.pc.tail)
		r.pc.tail = &(*r.pc.tail)->next;
	for (struct ast **link = &s->decls; *link; link = &(*link)->next) {
		struct ast *entry = (*link)->kind == AST_PROBE ? rewrite_probe(&r, *link) : NULL;

		/*
		 * Just before the return probe, so that it is enabled first: a
		 * uretprobe or kretprobe then never fires for a call whose
		 * entry went unrecorded.
		 */
		if (entry) {
			entry->next = *link;
			*link = entry;
			link = &entry->next;
		}
	}
}
