// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The handler interpreter: walks the resolved tree. Names were resolved
 * and types inferred by the compiler, so each node says what it is and
 * nothing is looked up by name here; an event costs a walk of its
 * handler and nothing else.
 */
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "builtins.h"
#include "rt.h"

static struct sv eval_str_any(struct exec *x, struct ast *e);

/* --- variables ------------------------------------------------------------ */

static struct rt_global *global_of(struct exec *x, const struct ast *e)
{
	return &x->rt->globals[e->sym->slot];
}

static struct rt_local *local_of(struct exec *x, const struct ast *e)
{
	return &x->locals[e->sym->slot];
}

static bool is_global(const struct ast *e)
{
	return e->sym && e->sym->kind == SYM_GLOBAL;
}

size_t max_string_len(struct exec *x)
{
	long n = x->rt->prog->limits.maxstringlen;

	return n > 1 ? (size_t)n - 1 : 1;
}

/* SystemTap keeps strings to MAXSTRINGLEN - 1 bytes, cutting the rest */
struct sv rt_clamp(struct exec *x, struct sv v)
{
	size_t max = max_string_len(x);

	if (v.n > max)
		v.n = max;
	return v;
}

static void local_set_str(struct exec *x, struct rt_local *l, struct sv v)
{
	v = rt_clamp(x, v);
	if (l->cap < v.n + 1) {
		size_t cap = v.n + 1 < 64 ? 64 : v.n + 1;
		char *b = realloc(l->buf, cap);

		if (!b) {
			rt_fail(x, NULL, "out of memory");
			return;
		}
		l->buf = b;
		l->cap = cap;
	}
	memmove(l->buf, v.p, v.n);
	l->buf[v.n] = '\0';
	l->s = sv_from(l->buf, v.n);
}

/* the allocation behind a stored string of @len bytes: a power of two,
 * so a string that changes but does not outgrow it stays where it is */
static size_t str_cap(size_t len)
{
	size_t cap = 16;

	while (cap < len + 1)
		cap *= 2;
	return cap;
}

/*
 * Stores @v in the owned string *@p of *@len bytes (see str_cap), reusing
 * the allocation when it is big enough: a handler that keeps setting a
 * global or an array element to a new name allocates nothing.
 */
int rt_str_store(char **p, size_t *len, struct sv v)
{
	if (!*p || str_cap(*len) < v.n + 1) {
		char *n = malloc(str_cap(v.n));

		if (!n)
			return -ENOMEM;
		free(*p);
		*p = n;
	}
	memmove(*p, v.p, v.n);
	(*p)[v.n] = '\0';
	*len = v.n;
	return 0;
}

static void global_set_str(struct exec *x, struct rt_global *g, struct sv v)
{
	if (rt_str_store(&g->s, &g->slen, rt_clamp(x, v)))
		rt_fail(x, NULL, "out of memory");
}

/* --- array keys ------------------------------------------------------------ */

/* serialises the key tuple into scratch memory: longs as 8 bytes,
 * strings as a 4-byte length and the bytes */
static bool build_key(struct exec *x, struct ast *keys, const struct map *m,
		      struct map_key *out, uint64_t *hash)
{
	struct sv strs[9];
	int64_t nums[9];
	size_t len = 0;
	int i = 0;
	char *p;

	ast_foreach_child(k, keys)
	{
		if (m->ktypes[i] == TYPE_STRING) {
			strs[i] = rt_clamp(x, eval_str(x, k));
			len += 4 + strs[i].n;
		} else {
			nums[i] = eval_num(x, k);
			len += 8;
		}
		if (x->failed)
			return false;
		i++;
	}
	p = scratch_alloc(&x->rt->scratch, len ? len : 1);
	if (!p) {
		rt_fail(x, keys, "out of memory");
		return false;
	}
	out->buf = p;
	out->len = len;
	for (int j = 0; j < i; j++) {
		if (m->ktypes[j] == TYPE_STRING) {
			uint32_t n = (uint32_t)strs[j].n;

			memcpy(p, &n, 4);
			memcpy(p + 4, strs[j].p, n);
			p += 4 + n;
		} else {
			memcpy(p, &nums[j], 8);
			p += 8;
		}
	}
	*hash = map_hash(out->buf, out->len);
	return true;
}

static struct map_entry *array_lookup(struct exec *x, struct ast *e)
{
	struct rt_global *g = global_of(x, e->a);
	struct map_key key;
	uint64_t hash;

	if (!build_key(x, e->b, &g->map, &key, &hash))
		return NULL;
	return map_find(&g->map, &key, hash);
}

static struct map_entry *array_slot(struct exec *x, struct ast *e)
{
	struct rt_global *g = global_of(x, e->a);
	struct map_entry *ent = NULL;
	struct map_key key;
	uint64_t hash;
	int err;

	if (!build_key(x, e->b, &g->map, &key, &hash))
		return NULL;
	err = map_get(&g->map, &key, hash, &ent);
	if (err == -ENOSPC && e->a->sym->maxsize > 0)
		rt_fail(x, e, "Array overflow, check size limit (%ld)",
			g->map.maxsize);
	else if (err == -ENOSPC)
		rt_fail(x, e, "Array overflow, check MAXMAPENTRIES");
	else if (err)
		rt_fail(x, e, "out of memory");
	return ent;
}

/* --- statistics ----------------------------------------------------------- */

static struct stats *stats_of(struct exec *x, struct ast *e, bool create)
{
	struct map_entry *ent;

	if (e->kind == AST_VAR)
		return &global_of(x, e)->st;
	ent = create ? array_slot(x, e) : array_lookup(x, e);
	return ent ? ent->v.st : NULL;
}

struct stats *rt_stats_lookup(struct exec *x, struct ast *e)
{
	return stats_of(x, e, false);
}

static const struct stats_shape *shape_of(struct exec *x, const struct ast *arg)
{
	const struct ast *var = arg->kind == AST_VAR ? arg : arg->a;

	return &x->rt->globals[var->sym->slot].shape;
}

/* @count and @sum of nothing are 0; the others are SystemTap's error */
static int64_t stat_value(struct exec *x, struct ast *e)
{
	struct stats *s = stats_of(x, e->a, false);

	if (x->failed)
		return 0;
	if (e->op == AT_COUNT)
		return s ? s->count : 0;
	if (e->op == AT_SUM)
		return s ? s->sum : 0;
	if (!s || !s->count) {
		rt_fail(x, e, "empty aggregate");
		return 0;
	}
	switch (e->op) {
	case AT_MIN: return s->min;
	case AT_MAX: return s->max;
	case AT_AVG: return s->sum / s->count;
	case AT_VARIANCE: return stats_variance(s);
	default:
		rt_fail(x, e, "a histogram is printed, not used as a number");
		return 0;
	}
}

/* @hist_log(s)[i]: the count of bucket i, as SystemTap numbers them */
static int64_t hist_bucket(struct exec *x, struct ast *e)
{
	struct stats *s = stats_of(x, e->a, false);
	int64_t i = eval_num(x, e->b->a);
	const uint64_t *counts;
	size_t n;

	if (x->failed)
		return 0;
	if (!s || !s->count) {
		rt_fail(x, e, "empty aggregate");
		return 0;
	}
	if (e->op == AT_HIST_LOG) {
		counts = s->log;
		n = HIST_LOG_BUCKETS;
	} else {
		counts = s->linear;
		n = hist_linear_nbuckets(shape_of(x, e->a));
	}
	if (i < 0 || (uint64_t)i >= n) {
		rt_fail(x, e, "histogram index out of range");
		return 0;
	}
	return counts ? (int64_t)counts[i] : 0;
}

/* --- calls ------------------------------------------------------------------ */

static struct rt_local *frame_push(struct exec *x, int n)
{
	struct rt *rt = x->rt;
	struct rt_local *f;

	if (rt->local_pool_used + (size_t)n > rt->local_pool_size) {
		rt_fail(x, NULL, "out of local variable space");
		return NULL;
	}
	f = &rt->local_pool[rt->local_pool_used];
	rt->local_pool_used += (size_t)n;
	for (int i = 0; i < n; i++) {
		f[i].n = 0;
		f[i].s = SV_EMPTY;
	}
	return f;
}

static void call_user(struct exec *x, struct ast *e)
{
	struct symbol *fn = e->sym;
	int n = fn->nparams + fn->nlocals, i = 0;
	struct rt_local *frame, *saved_locals = x->locals;
	size_t saved_used = x->rt->local_pool_used;
	enum flow fl;

	if (++x->rt->depth > x->rt->prog->limits.maxnesting) {
		x->rt->depth--;
		rt_fail(x, e, "MAXNESTING exceeded");
		return;
	}
	frame = frame_push(x, n);
	if (!frame)
		goto out;
	ast_foreach_child(a, e->a)
	{
		if (fn->params[i]->type == TYPE_STRING)
			local_set_str(x, &frame[i], eval_str(x, a));
		else
			frame[i].n = eval_num(x, a);
		i++;
	}
	if (x->failed)
		goto out;
	x->locals = frame;
	x->ret.n = 0;
	x->ret.s = SV_EMPTY;
	fl = exec_stmt(x, fn->body);
	/* 'next' in a function leaves the whole probe: unwind the caller */
	if (fl == FLOW_NEXT)
		x->next_pending = true;
out:
	x->locals = saved_locals;
	x->rt->local_pool_used = saved_used;
	x->rt->depth--;
}

/* --- numbers --------------------------------------------------------------- */

static int64_t arith(struct exec *x, struct ast *e, int op, int64_t a, int64_t b)
{
	switch (op) {
	case '+': return (int64_t)((uint64_t)a + (uint64_t)b);
	case '-': return (int64_t)((uint64_t)a - (uint64_t)b);
	case '*': return (int64_t)((uint64_t)a * (uint64_t)b);
	case '/':
	case '%':
		if (!b) {
			rt_fail(x, e, "division by 0");
			return 0;
		}
		if (a == INT64_MIN && b == -1)
			return op == '/' ? INT64_MIN : 0;
		return op == '/' ? a / b : a % b;
	case '&': return a & b;
	case '|': return a | b;
	case '^': return a ^ b;
	case AST_OP_SHL: return b < 0 || b > 63 ? 0 : (int64_t)((uint64_t)a << b);
	case AST_OP_SHR: return b < 0 || b > 63 ? (a < 0 ? -1 : 0) : a >> b;
	default: return 0;
	}
}

static int64_t compare(int op, int c)
{
	switch (op) {
	case '<': return c < 0;
	case '>': return c > 0;
	case AST_OP_LE: return c <= 0;
	case AST_OP_GE: return c >= 0;
	case AST_OP_EQ: return c == 0;
	case AST_OP_NE: return c != 0;
	default: return 0;
	}
}

static bool is_cmp_op(int op)
{
	return op == '<' || op == '>' || op == AST_OP_LE || op == AST_OP_GE ||
	       op == AST_OP_EQ || op == AST_OP_NE;
}

static int64_t eval_binary(struct exec *x, struct ast *e)
{
	int64_t a, b;

	if (is_cmp_op(e->op) && e->a->type == TYPE_STRING) {
		struct sv l = eval_str(x, e->a);
		struct sv r = eval_str(x, e->b);

		return compare(e->op, sv_cmp(l, r));
	}
	a = eval_num(x, e->a);
	b = eval_num(x, e->b);
	if (is_cmp_op(e->op))
		return compare(e->op, a < b ? -1 : a > b);
	return arith(x, e, e->op, a, b);
}

static int64_t eval_regex(struct exec *x, struct ast *e)
{
	struct sv s = eval_str(x, e->a);
	regex_t *re = e->aux;
	int rc;

	if (!re) {
		/* the compiler checked it; compiled at its first use, once */
		re = calloc(1, sizeof(*re));
		if (!re || regcomp(re, e->b->str, REG_EXTENDED | REG_NOSUB)) {
			free(re);
			rt_fail(x, e, "out of memory");
			return 0;
		}
		e->aux = re;	/* freed with the runtime */
	}
	s = scratch_copy(&x->rt->scratch, s);
	rc = regexec(re, s.p, 0, NULL, 0);
	return (rc == 0) == (e->op == AST_OP_MATCH);
}

static int64_t assign_num(struct exec *x, struct ast *e)
{
	struct ast *lhs = e->a;
	int64_t v, old = 0;
	struct map_entry *ent;

	v = eval_num(x, e->b);
	if (x->failed)
		return 0;
	if (lhs->kind == AST_INDEX) {
		ent = array_slot(x, lhs);
		if (!ent)
			return 0;
		ent->v.n = e->op == '=' ? v : arith(x, e, e->op, ent->v.n, v);
		return ent->v.n;
	}
	if (is_global(lhs)) {
		struct rt_global *g = global_of(x, lhs);

		old = g->n;
		g->n = e->op == '=' ? v : arith(x, e, e->op, old, v);
		return g->n;
	}
	old = local_of(x, lhs)->n;
	local_of(x, lhs)->n = e->op == '=' ? v : arith(x, e, e->op, old, v);
	return local_of(x, lhs)->n;
}

static int64_t incdec(struct exec *x, struct ast *e)
{
	int64_t d = e->op == AST_OP_INC ? 1 : -1, *p, old;
	struct ast *lhs = e->a;
	struct map_entry *ent;

	if (lhs->kind == AST_INDEX) {
		ent = array_slot(x, lhs);
		if (!ent)
			return 0;
		p = &ent->v.n;
	} else if (is_global(lhs)) {
		p = &global_of(x, lhs)->n;
	} else {
		p = &local_of(x, lhs)->n;
	}
	old = *p;
	*p = (int64_t)((uint64_t)old + (uint64_t)d);
	return e->flags & AST_POSTFIX ? old : *p;
}

static int64_t agg_add(struct exec *x, struct ast *e)
{
	struct ast *lhs = e->a;
	int64_t v = eval_num(x, e->b);
	struct stats *s;

	if (x->failed)
		return 0;
	s = stats_of(x, lhs, true);
	if (s)
		stats_add(s, shape_of(x, lhs), v);
	return 0;
}

/*
 * A slice's keys (foreach (... in a[k1, *]), delete a[*, k], [*, k] in a),
 * evaluated once: '*' takes any key.
 */
struct slice {
	int n;
	bool any[MAP_MAX_KEYS];	/* '*' */
	int64_t num[MAP_MAX_KEYS];
	struct sv str[MAP_MAX_KEYS];
};

static void slice_eval(struct exec *x, struct ast *keys, const struct map *m,
		       struct slice *sl)
{
	sl->n = 0;
	ast_foreach_child(k, keys)
	{
		int i = sl->n;

		if (i >= m->nkeys || i >= MAP_MAX_KEYS)
			break;	/* the compiler said so */
		sl->n++;
		sl->any[i] = k->kind == AST_EMPTY;
		if (sl->any[i])
			continue;
		if (m->ktypes[i] == TYPE_STRING)
			sl->str[i] = eval_str(x, k);
		else
			sl->num[i] = eval_num(x, k);
	}
}

static bool slice_matches(const struct slice *sl, const struct map *m,
			  const struct map_entry *ent)
{
	for (int i = 0; i < sl->n; i++) {
		int64_t n;
		struct sv s;

		if (sl->any[i])
			continue;
		map_key_at(m, ent, i, &n, &s);
		if (m->ktypes[i] == TYPE_STRING ?
			    s.n != sl->str[i].n || memcmp(s.p, sl->str[i].p, s.n) :
			    n != sl->num[i])
			return false;
	}
	return true;
}

/* the first live element at or after @from that the slice matches, or m->nentries */
static size_t slice_next(const struct slice *sl, const struct map *m, size_t from)
{
	while (from < m->nentries &&
	       (m->entries[from].deleted || !slice_matches(sl, m, &m->entries[from])))
		from++;
	return from;
}

/* [*, k] in a: is there an element the slice matches */
static int64_t in_slice(struct exec *x, struct ast *e)
{
	struct map *m = &global_of(x, e->b)->map;
	struct slice sl;

	slice_eval(x, e->a, m, &sl);
	return slice_next(&sl, m, 0) < m->nentries;
}

static int64_t in_array(struct exec *x, struct ast *e)
{
	struct rt_global *g = global_of(x, e->b);
	struct map_key key;
	uint64_t hash;

	if (e->flags & AST_SLICE)
		return in_slice(x, e);
	if (!build_key(x, e->a, &g->map, &key, &hash))
		return 0;
	return map_find(&g->map, &key, hash) != NULL;
}

static int64_t var_num(struct exec *x, struct ast *e)
{
	if (e->flags & AST_CTX)
		return ctx_num(x, e);
	if (is_global(e))
		return global_of(x, e)->n;
	return local_of(x, e)->n;
}

static int64_t at_call_num(struct exec *x, struct ast *e)
{
	if (e->flags & AST_CTX)	/* @cast(...)->m */
		return ctx_num(x, e);
	if (e->op == AT_DEFINED)
		return ctx_defined(x, e->a);
	if (e->b)
		return hist_bucket(x, e);
	return stat_value(x, e);
}

int64_t eval_num(struct exec *x, struct ast *e)
{
	if (x->failed || x->next_pending)
		return 0;
	switch (e->kind) {
	case AST_NUM:
		return e->num;
	case AST_VAR:
		return var_num(x, e);
	case AST_TARGET:
		return ctx_num(x, e);
	case AST_INDEX: {
		struct map_entry *ent = array_lookup(x, e);

		return ent ? ent->v.n : 0;
	}
	case AST_CALL:
		if (e->flags & AST_BUILTIN)
			return builtin_num(x, e);
		call_user(x, e);
		return x->ret.n;
	case AST_AT_CALL:
		return at_call_num(x, e);
	case AST_BINARY:
		return eval_binary(x, e);
	case AST_LOGICAL:
		if (e->op == AST_OP_LAND)
			return eval_num(x, e->a) && eval_num(x, e->b);
		return eval_num(x, e->a) || eval_num(x, e->b);
	case AST_UNARY: {
		int64_t v = eval_num(x, e->a);

		switch (e->op) {
		case '!': return !v;
		case '~': return ~v;
		case '-': return (int64_t)(0 - (uint64_t)v);
		default: return v;
		}
	}
	case AST_INCDEC:
		return incdec(x, e);
	case AST_ASSIGN:
		if (e->type == TYPE_STRING) {
			eval_str(x, e);
			return 0;
		}
		return assign_num(x, e);
	case AST_AGG_ADD:
		return agg_add(x, e);
	case AST_TERNARY:
		return eval_num(x, e->a) ? eval_num(x, e->b) : eval_num(x, e->c);
	case AST_IN:
		return in_array(x, e);
	case AST_REGEX:
		return eval_regex(x, e);
	default:
		return 0;
	}
}

/* --- strings --------------------------------------------------------------- */

static struct sv concat(struct exec *x, struct ast *e)
{
	struct sv a = eval_str(x, e->a);
	struct sv b = eval_str(x, e->b);
	char *p;

	if (x->failed)
		return SV_EMPTY;
	p = scratch_alloc(&x->rt->scratch, a.n + b.n + 1);
	if (!p) {
		rt_fail(x, e, "out of memory");
		return SV_EMPTY;
	}
	memcpy(p, a.p, a.n);
	memcpy(p + a.n, b.p, b.n);
	p[a.n + b.n] = '\0';
	return rt_clamp(x, sv_from(p, a.n + b.n));
}

static struct sv assign_str(struct exec *x, struct ast *e)
{
	struct ast *lhs = e->a;
	struct sv v = e->op == '.' ? concat(x, e) : eval_str(x, e->b);
	struct map_entry *ent;

	if (x->failed)
		return SV_EMPTY;
	if (lhs->kind == AST_INDEX) {
		/* the value may live in this very entry: copy it first */
		v = scratch_copy(&x->rt->scratch, v);
		ent = array_slot(x, lhs);
		if (!ent)
			return SV_EMPTY;
		v = rt_clamp(x, v);
		if (rt_str_store(&ent->v.s.p, &ent->v.s.len, v))
			rt_fail(x, lhs, "out of memory");
		return v;
	}
	if (is_global(lhs)) {
		struct rt_global *g = global_of(x, lhs);

		global_set_str(x, g, v);
		return sv_from(g->s, g->slen);
	}
	local_set_str(x, local_of(x, lhs), v);
	return local_of(x, lhs)->s;
}

static struct sv var_str(struct exec *x, struct ast *e)
{
	if (e->flags & AST_CTX)
		return ctx_str(x, e);
	if (is_global(e)) {
		struct rt_global *g = global_of(x, e);

		/* a later argument could change the global: take a copy */
		return scratch_copy(&x->rt->scratch, sv_from(g->s ? g->s : "", g->slen));
	}
	return local_of(x, e)->s;
}

struct sv eval_str(struct exec *x, struct ast *e)
{
	if (x->failed || x->next_pending)
		return SV_EMPTY;
	switch (e->kind) {
	case AST_STR:
		return sv_from(e->str, e->len);
	case AST_VAR:
		return var_str(x, e);
	case AST_TARGET:
		return ctx_str(x, e);
	case AST_INDEX: {
		struct map_entry *ent = array_lookup(x, e);

		if (!ent || !ent->v.s.p)
			return SV_EMPTY;
		return scratch_copy(&x->rt->scratch, sv_from(ent->v.s.p, ent->v.s.len));
	}
	case AST_CALL:
		if (e->flags & AST_BUILTIN)
			return builtin_str(x, e);
		call_user(x, e);
		return scratch_copy(&x->rt->scratch, x->ret.s);
	case AST_BINARY:
		return concat(x, e);
	case AST_ASSIGN:
		return assign_str(x, e);
	case AST_TERNARY:
		return eval_num(x, e->a) ? eval_str(x, e->b) : eval_str(x, e->c);
	case AST_AT_CALL:
		if (e->flags & AST_CTX)	/* @cast(...)->m */
			return ctx_str(x, e);
		return eval_str_any(x, e);
	default:
		return eval_str_any(x, e);
	}
}

/* a long where a string is wanted (print() of a number) */
static struct sv eval_str_any(struct exec *x, struct ast *e)
{
	char *p = scratch_alloc(&x->rt->scratch, 24);

	if (!p)
		return SV_EMPTY;
	snprintf(p, 24, "%" PRId64, eval_num(x, e));
	return sv_from(p, strlen(p));
}

/* --- statements ------------------------------------------------------------ */

static bool count_action(struct exec *x, struct ast *s)
{
	if (++x->rt->actions <= x->rt->action_limit)
		return true;
	rt_fail(x, s, "MAXACTION exceeded");
	return false;
}

static enum flow exec_block(struct exec *x, struct ast *list)
{
	ast_foreach_child(s, list)
	{
		enum flow f = exec_stmt(x, s);

		if (f != FLOW_NORMAL)
			return f;
	}
	return FLOW_NORMAL;
}

/*
 * Runs one iteration. What an iteration leaves in the scratch arena is
 * dead once it ends normally (values that outlive it were copied into
 * variables or arrays), so a loop of a million iterations in an end probe
 * reuses the same scratch memory; a 'return' keeps it, for its value.
 */
static enum flow loop_body(struct exec *x, struct ast *body, bool *stop)
{
	struct scratch_mark m = scratch_mark(&x->rt->scratch);
	enum flow f = exec_stmt(x, body);

	if (f == FLOW_NORMAL || f == FLOW_CONTINUE || f == FLOW_BREAK)
		scratch_rewind(&x->rt->scratch, m);

	*stop = false;
	if (f == FLOW_BREAK) {
		*stop = true;
		return FLOW_NORMAL;
	}
	if (f == FLOW_CONTINUE || f == FLOW_NORMAL)
		return FLOW_NORMAL;
	*stop = true;
	return f;
}

static enum flow exec_while(struct exec *x, struct ast *s)
{
	bool stop;

	while (!x->failed && eval_num(x, s->a)) {
		enum flow f;

		if (!count_action(x, s))
			return FLOW_ERROR;
		f = loop_body(x, s->b, &stop);
		if (stop)
			return f;
	}
	return x->failed ? FLOW_ERROR : FLOW_NORMAL;
}

static enum flow exec_for(struct exec *x, struct ast *s)
{
	bool stop;

	if (s->a)
		eval_num(x, s->a);
	while (!x->failed && (!s->b || eval_num(x, s->b))) {
		enum flow f;

		if (!count_action(x, s))
			return FLOW_ERROR;
		f = loop_body(x, s->d, &stop);
		if (stop)
			return f;
		if (s->c)
			eval_num(x, s->c);
	}
	return x->failed ? FLOW_ERROR : FLOW_NORMAL;
}

static void assign_local(struct exec *x, struct ast *var, enum tap_type t,
			 int64_t n, struct sv s)
{
	if (is_global(var)) {
		struct rt_global *g = global_of(x, var);

		if (t == TYPE_STRING)
			global_set_str(x, g, s);
		else
			g->n = n;
		return;
	}
	if (t == TYPE_STRING)
		local_set_str(x, local_of(x, var), s);
	else
		local_of(x, var)->n = n;
}

/* delete a[*, k]: every element the slice matches */
static void delete_slice(struct exec *x, struct ast *t)
{
	struct map *m = &global_of(x, t->a)->map;
	struct slice sl;

	slice_eval(x, t->b, m, &sl);
	for (size_t i = slice_next(&sl, m, 0); i < m->nentries; i = slice_next(&sl, m, i + 1))
		map_delete(m, &m->entries[i]);
}

static void delete_target(struct exec *x, struct ast *t)
{
	struct rt_global *g;
	struct map_entry *ent;

	if (t->kind == AST_INDEX && (t->flags & AST_SLICE)) {
		delete_slice(x, t);
		return;
	}
	if (t->kind == AST_INDEX) {
		ent = array_lookup(x, t);
		if (ent)
			map_delete(&global_of(x, t->a)->map, ent);
		return;
	}
	if (!is_global(t)) {
		local_of(x, t)->n = 0;
		local_of(x, t)->s = SV_EMPTY;
		return;
	}
	g = global_of(x, t);
	if (g->is_array) {
		map_clear(&g->map);
	} else if (g->type == TYPE_STATS) {
		stats_release(&g->st);
	} else {
		g->n = 0;
		free(g->s);
		g->s = NULL;
		g->slen = 0;
	}
}

enum flow exec_foreach(struct exec *x, struct ast *s);

enum flow exec_stmt(struct exec *x, struct ast *s)
{
	if (!s || x->failed)
		return x->failed ? FLOW_ERROR : FLOW_NORMAL;
	if (!count_action(x, s))
		return FLOW_ERROR;
	switch (s->kind) {
	case AST_BLOCK:
		return exec_block(x, s->a);
	case AST_EXPR_STMT:
		if (s->a->type == TYPE_STRING)
			eval_str(x, s->a);
		else if (s->a->kind == AST_CALL && (s->a->flags & AST_BUILTIN) &&
			 ((const struct builtin *)s->a->bind)->ret == TYPE_VOID)
			builtin_void(x, s->a);
		else
			eval_num(x, s->a);
		break;
	case AST_IF:
		if (eval_num(x, s->a))
			return exec_stmt(x, s->b);
		if (s->c)
			return exec_stmt(x, s->c);
		break;
	case AST_WHILE:
		return exec_while(x, s);
	case AST_FOR:
		return exec_for(x, s);
	case AST_FOREACH:
		return exec_foreach(x, s);
	case AST_BREAK:
		return FLOW_BREAK;
	case AST_CONTINUE:
		return FLOW_CONTINUE;
	case AST_NEXT:
		return FLOW_NEXT;
	case AST_RETURN:
		if (s->a) {
			if (s->a->type == TYPE_STRING)
				x->ret.s = scratch_copy(&x->rt->scratch,
							rt_clamp(x, eval_str(x, s->a)));
			else
				x->ret.n = eval_num(x, s->a);
		}
		return x->failed ? FLOW_ERROR : FLOW_RETURN;
	case AST_DELETE:
		delete_target(x, s->a);
		break;
	case AST_TRY: {
		enum flow f = exec_stmt(x, s->a);

		if (!x->failed)
			return f;
		x->failed = false;
		/* catch (msg) gets the message alone, as in SystemTap */
		if (s->b)
			assign_local(x, s->b, TYPE_STRING, 0,
				     scratch_copy(&x->rt->scratch,
						  sv_from(x->rt->errbare, strlen(x->rt->errbare))));
		x->rt->errmsg[0] = '\0';
		return exec_stmt(x, s->c);
	}
	default:
		break;
	}
	if (x->next_pending)
		return FLOW_NEXT;
	return x->failed ? FLOW_ERROR : FLOW_NORMAL;
}

/* --- foreach ----------------------------------------------------------------- */

struct sort_ctx {
	const struct map *m;
	int column;	/* key index, or -1 for the value */
	int dir;
	enum at_op statop;	/* statistics arrays: what orders them */
};

/* the number a statistics entry stands for in a foreach: its @count
 * unless the loop names another statistic */
static int64_t stat_of_entry(const struct stats *st, enum at_op op)
{
	switch (op) {
	case AT_SUM: return st->sum;
	case AT_MIN: return st->min;
	case AT_MAX: return st->max;
	case AT_AVG: return st->count ? st->sum / st->count : 0;
	default: return st->count;
	}
}

static int sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *sc = arg;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const struct map *m = sc->m;
	const struct map_entry *a = &m->entries[ia], *b = &m->entries[ib];
	int c;

	if (sc->column >= 0) {
		int64_t na, nb;
		struct sv sa, sb;

		map_key_at(m, a, sc->column, &na, &sa);
		map_key_at(m, b, sc->column, &nb, &sb);
		c = m->ktypes[sc->column] == TYPE_STRING ? sv_cmp(sa, sb) :
							   (na > nb) - (na < nb);
	} else if (m->vtype == TYPE_STRING) {
		c = sv_cmp(sv_from(a->v.s.p ? a->v.s.p : "", a->v.s.len),
			   sv_from(b->v.s.p ? b->v.s.p : "", b->v.s.len));
	} else {
		int64_t va = m->vtype == TYPE_STATS ? stat_of_entry(a->v.st, sc->statop) : a->v.n;
		int64_t vb = m->vtype == TYPE_STATS ? stat_of_entry(b->v.st, sc->statop) : b->v.n;

		c = (va > vb) - (va < vb);
	}
	c *= sc->dir;
	/* equal values keep insertion order, so output is deterministic */
	return c ? c : (ia > ib) - (ia < ib);
}

static void heap_sift_down(uint32_t *h, size_t n, size_t i,
			   const struct sort_ctx *sc)
{
	for (;;) {
		size_t l = 2 * i + 1, big = i;
		uint32_t t;

		if (l < n && sort_cmp(&h[l], &h[big], (void *)sc) > 0)
			big = l;
		if (l + 1 < n && sort_cmp(&h[l + 1], &h[big], (void *)sc) > 0)
			big = l + 1;
		if (big == i)
			return;
		t = h[i];
		h[i] = h[big];
		h[big] = t;
		i = big;
	}
}

/*
 * The @k first of @n indexes in sort order, in idx[0..k): a heap of the k
 * best seen so far, O(n log k), for "foreach (... in a- limit 10)" over
 * big arrays.
 */
static void partial_sort(uint32_t *idx, size_t n, size_t k,
			 const struct sort_ctx *sc)
{
	for (size_t i = k / 2; i-- > 0;)
		heap_sift_down(idx, k, i, sc);
	for (size_t i = k; i < n; i++) {
		if (sort_cmp(&idx[i], &idx[0], (void *)sc) >= 0)
			continue;
		idx[0] = idx[i];
		heap_sift_down(idx, k, 0, sc);
	}
	qsort_r(idx, k, sizeof(*idx), sort_cmp, (void *)sc);
}

static uint32_t *foreach_order(struct exec *x, struct ast *s, struct map *m,
			       int64_t limit, size_t *n)
{
	uint32_t *idx = malloc((m->nentries + 1) * sizeof(*idx));
	struct sort_ctx sc;
	struct slice sl = { 0 };
	size_t k = 0;

	if (!idx) {
		rt_fail(x, s, "out of memory");
		return NULL;
	}
	if (s->b->a)
		slice_eval(x, s->b->a, m, &sl);
	for (size_t i = slice_next(&sl, m, 0); i < m->nentries; i = slice_next(&sl, m, i + 1))
		idx[k++] = (uint32_t)i;
	*n = limit >= 0 && (size_t)limit < k ? (size_t)limit : k;
	if (!s->num || !*n)
		return idx;
	sc.m = m;
	sc.column = s->num > 0 ? (int)s->num - 1 : -1;
	sc.dir = s->op;
	sc.statop = (enum at_op)s->slot;
	if (*n < k / 4) {
		partial_sort(idx, k, *n, &sc);
	} else {
		qsort_r(idx, k, sizeof(*idx), sort_cmp, &sc);
	}
	return idx;
}

static void foreach_bind(struct exec *x, struct ast *s, struct map *m,
			 const struct map_entry *ent)
{
	int i = 0;

	ast_foreach_child(k, s->a)
	{
		int64_t n;
		struct sv str;

		map_key_at(m, ent, i, &n, &str);
		assign_local(x, k, m->ktypes[i], n, str);
		i++;
	}
	if (!s->d)
		return;
	if (m->vtype == TYPE_STATS)
		assign_local(x, s->d, TYPE_LONG,
			     stat_of_entry(ent->v.st, (enum at_op)s->slot), SV_EMPTY);
	else
		assign_local(x, s->d, m->vtype, ent->v.n,
			     m->vtype == TYPE_STRING ?
				     sv_from(ent->v.s.p ? ent->v.s.p : "", ent->v.s.len) :
				     SV_EMPTY);
}

enum flow exec_foreach(struct exec *x, struct ast *s)
{
	struct rt_global *g = global_of(x, s->b);
	struct map *m = &g->map;
	int64_t limit = -1;	/* none */
	enum flow result = FLOW_NORMAL;
	uint32_t *order;
	size_t n = 0;

	/* evaluated once, before the loop (SystemTap's rule) */
	if (s->e) {
		limit = eval_num(x, s->e);
		if (limit < 0)
			limit = 0;
	}
	if (x->failed)
		return FLOW_ERROR;
	order = foreach_order(x, s, m, limit, &n);
	if (!order)
		return FLOW_ERROR;
	m->iterating++;
	for (size_t i = 0; i < n; i++) {
		bool stop;

		/* the body may have deleted entries we have not reached */
		if (order[i] >= m->nentries || m->entries[order[i]].deleted)
			continue;
		foreach_bind(x, s, m, &m->entries[order[i]]);
		result = loop_body(x, s->c, &stop);
		if (stop || x->failed)
			break;
	}
	m->iterating--;
	free(order);
	return x->failed ? FLOW_ERROR : result;
}
