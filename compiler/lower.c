// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lowering: conditions that only test recorded fields become the event's
 * ftrace filter, so the kernel drops what the handler would skip and less
 * data crosses the buffer. A condition is moved only when the kernel
 * computes exactly what user space would; otherwise the part that fits
 * goes to the kernel and user space still checks the whole.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "compile_internal.h"
#include "syscalls.h"

struct filter_ctx {
	struct compile *c;
	const struct dprobe *dp;
};

static int flip_cmp(int op)
{
	switch (op) {
	case '<': return '>';
	case '>': return '<';
	case AST_OP_LE: return AST_OP_GE;
	case AST_OP_GE: return AST_OP_LE;
	default: return op;
	}
}

static int negate_cmp(int op)
{
	switch (op) {
	case '<': return AST_OP_GE;
	case '>': return AST_OP_LE;
	case AST_OP_LE: return '>';
	case AST_OP_GE: return '<';
	case AST_OP_EQ: return AST_OP_NE;
	case AST_OP_NE: return AST_OP_EQ;
	default: return 0;
	}
}

static bool is_cmp(int op)
{
	return op == '<' || op == '>' || op == AST_OP_LE || op == AST_OP_GE ||
	       op == AST_OP_EQ || op == AST_OP_NE;
}

/* a recorded field the kernel can test: its name and how it compares */
struct filter_operand {
	const char *name;
	const struct ctx_binding *b;	/* NULL for the special fields */
	bool is_string;
	bool syscall_name;	/* a number the handler reads as a name */
};

/* the number of the system call a string literal names, or -1 */
static long syscall_number_of(const struct ast *str)
{
	char name[64];

	if (str->len >= sizeof(name))
		return -1;
	memcpy(name, str->str, str->len);
	name[str->len] = '\0';
	return syscall_number(name);
}

static bool special_field(const struct ast *e, struct filter_operand *o)
{
	const struct builtin *b = e->bind;

	if (e->kind != AST_CALL || !(e->flags & AST_BUILTIN) || e->a)
		return false;
	if (b->id == BI_TID) {
		o->name = "common_pid";
		return true;
	}
	if (b->id == BI_CPU) {
		o->name = "CPU";
		return true;
	}
	/* the kernel's current->comm when the event fires: what execname()
	 * says, without the task table's lag */
	if (b->id == BI_EXECNAME) {
		o->name = "COMM";
		o->is_string = true;
		return true;
	}
	return false;
}

static bool field_operand(struct filter_ctx *f, const struct ast *e,
			  struct filter_operand *o)
{
	const struct ctx_binding *b;

	memset(o, 0, sizeof(*o));
	if (special_field(e, o))
		return true;
	if (!(e->flags & AST_CTX) || e->slot < 0 || !f->dp->ctx)
		return false;
	b = &f->dp->ctx[e->slot];
	if ((b->kind != BIND_FIELD && b->kind != BIND_SYSCALL_NAME) || b->missing)
		return false;
	o->name = b->field;
	o->b = b;
	o->is_string = b->type == TYPE_STRING;
	o->syscall_name = b->kind == BIND_SYSCALL_NAME;
	return true;
}

static bool const_number(const struct ast *e, int64_t *v)
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
 * The kernel compares the field as stored; user space reads it as its C
 * type (a syscall's int in an 8-byte slot). They agree on everything when
 * the two match, and on equality with small non-negative numbers always.
 */
static bool numeric_compare_exact(const struct ctx_binding *b, int op,
				  int64_t v)
{
	unsigned bits;

	if (!b)
		return true;
	if (b->width == b->storage && b->is_signed == b->storage_signed)
		return true;
	if (op != AST_OP_EQ && op != AST_OP_NE)
		return false;
	bits = (b->bits ? b->bits : b->width * 8) - (b->is_signed ? 1 : 0);
	return v >= 0 && (bits >= 63 || v < ((int64_t)1 << bits));
}

static bool string_literal_ok(const struct ast *e)
{
	/* ftrace treats * ? [ in == as a glob; quotes cannot be escaped */
	for (uint32_t i = 0; i < e->len; i++)
		if (strchr("*?[]\"\\", e->str[i]) || !e->str[i])
			return false;
	return true;
}

static char *cmp_filter(struct filter_ctx *f, const struct ast *e, bool neg)
{
	struct filter_operand o;
	const struct ast *field = e->a, *val = e->b;
	int op = e->op;
	int64_t v;

	if (!field_operand(f, field, &o)) {
		field = e->b;
		val = e->a;
		op = flip_cmp(op);
		if (!field_operand(f, field, &o))
			return NULL;
	}
	if (neg)
		op = negate_cmp(op);
	/* syscall_any's name == "read": the number the kernel records */
	if (o.syscall_name) {
		long nr = val->kind == AST_STR ? syscall_number_of(val) : -1;

		if (nr < 0 || (op != AST_OP_EQ && op != AST_OP_NE))
			return NULL;
		return arena_printf(f->c->arena, "%s %s %ld", o.name, ast_op_name(op), nr);
	}
	if (o.is_string) {
		if (val->kind != AST_STR || !string_literal_ok(val) ||
		    (op != AST_OP_EQ && op != AST_OP_NE))
			return NULL;
		return arena_printf(f->c->arena, "%s %s \"%.*s\"", o.name,
				    ast_op_name(op), (int)val->len, val->str);
	}
	if (!const_number(val, &v) || !numeric_compare_exact(o.b, op, v))
		return NULL;
	return arena_printf(f->c->arena, "%s %s %" PRId64, o.name,
			    ast_op_name(op), v);
}

/* "field & MASK" (true when any bit is set), and a field alone */
static char *bit_filter(struct filter_ctx *f, const struct ast *e, bool neg)
{
	struct filter_operand o;
	int64_t v;

	if (!field_operand(f, e->a, &o) || o.is_string ||
	    !const_number(e->b, &v))
		return NULL;
	/* bits inside the C type's width test the same in either reading */
	if (o.b && o.b->width != o.b->storage &&
	    (v < 0 || (o.b->width < 8 && v >= ((int64_t)1 << (o.b->width * 8)))))
		return NULL;
	if (neg)
		return arena_printf(f->c->arena, "!(%s & %" PRId64 ")", o.name, v);
	return arena_printf(f->c->arena, "%s & %" PRId64, o.name, v);
}

static char *truth_filter(struct filter_ctx *f, const struct ast *e, bool neg)
{
	struct filter_operand o;

	if (!field_operand(f, e, &o) || o.is_string)
		return NULL;
	if (o.b && o.b->width != o.b->storage)
		return NULL;
	return arena_printf(f->c->arena, "%s %s 0", o.name, neg ? "==" : "!=");
}

static char *expr_filter(struct filter_ctx *f, const struct ast *e, bool neg);

static char *logical_filter(struct filter_ctx *f, const struct ast *e,
			    bool neg)
{
	char *a = expr_filter(f, e->a, neg);
	char *b = a ? expr_filter(f, e->b, neg) : NULL;
	/* De Morgan: !(a && b) is !a || !b */
	bool is_and = (e->op == AST_OP_LAND) != neg;

	if (!a || !b)
		return NULL;
	return arena_printf(f->c->arena, "(%s) %s (%s)", a, is_and ? "&&" : "||", b);
}

static char *expr_filter(struct filter_ctx *f, const struct ast *e, bool neg)
{
	switch (e->kind) {
	case AST_LOGICAL:
		return logical_filter(f, e, neg);
	case AST_UNARY:
		return e->op == '!' ? expr_filter(f, e->a, !neg) : NULL;
	case AST_BINARY:
		if (is_cmp(e->op))
			return cmp_filter(f, e, neg);
		if (e->op == '&')
			return bit_filter(f, e, neg);
		return NULL;
	default:
		return truth_filter(f, e, neg);
	}
}

/* --- which conditions a probe has -------------------------------------------- */

/* "if (cond) next" as the first statement of the handler: its cond */
static struct ast *leading_next_cond(struct ast *probe)
{
	struct ast *first = probe->c->a, *then;

	if (!first || first->kind != AST_IF || first->c)
		return NULL;
	then = first->b;
	if (then->kind == AST_BLOCK && then->a && !then->a->next)
		then = then->a;
	return then->kind == AST_NEXT ? first->a : NULL;
}

/*
 * Appends the conjuncts of @e (negated when @neg) that the kernel can test
 * to @out; returns true when all of them could.
 */
static bool conjuncts(struct filter_ctx *f, const struct ast *e, bool neg,
		      char **out)
{
	bool is_and = e->kind == AST_LOGICAL && (e->op == AST_OP_LAND) != neg;
	char *one;

	if (e->kind == AST_UNARY && e->op == '!')
		return conjuncts(f, e->a, !neg, out);
	if (is_and) {
		bool a = conjuncts(f, e->a, neg, out);
		bool b = conjuncts(f, e->b, neg, out);

		return a && b;
	}
	one = expr_filter(f, e, neg);
	if (!one)
		return false;
	*out = *out ? arena_printf(f->c->arena, "%s && %s", *out, one) : one;
	return true;
}

/* the probe's filter, and whether it says all the conditions say */
static char *dprobe_filter(struct compile *c, struct dprobe *dp,
			   bool *cond_all, bool *next_all)
{
	struct filter_ctx f = { c, dp };
	struct ast *nc = leading_next_cond(dp->probe);
	char *out = NULL;

	*cond_all = *next_all = false;
	if (dp->probe->b)
		*cond_all = conjuncts(&f, dp->probe->b, false, &out);
	if (nc)
		*next_all = conjuncts(&f, nc, true, &out);
	return out;
}

static int lower_def_filter(struct compile *c, int def_index)
{
	struct program *p = c->prog;
	struct probe_def *d = &p->plan->defs[def_index];
	struct dprobe *users[64];
	char *filters[64];
	bool cond_all[64], next_all[64];
	char *combined = NULL;
	int n = 0;

	for (size_t i = 0; i < p->ndprobes && n < 64; i++) {
		if (p->dprobes[i]->def_index != def_index)
			continue;
		users[n] = p->dprobes[i];
		filters[n] = dprobe_filter(c, users[n], &cond_all[n], &next_all[n]);
		n++;
	}
	/* tap's own book-keeping needs every event; so does any probe
	 * without a filter when several share the event */
	if (d->helper || n == 64)
		return 0;
	for (int i = 0; i < n; i++) {
		if (!filters[i])
			return 0;
		combined = combined ? arena_printf(c->arena, "(%s) || (%s)",
						   combined, filters[i]) :
				      filters[i];
	}
	if (!combined)
		return 0;
	d->filter = strdup(combined);
	if (!d->filter)
		return -ENOMEM;
	if (n == 1) {
		/* the kernel now does exactly this probe's checks */
		users[0]->cond_in_kernel = cond_all[0] && users[0]->probe->b;
		users[0]->first_next_in_kernel = next_all[0] &&
						 leading_next_cond(users[0]->probe);
	}
	return 0;
}

/* --- task information for tracepoints ------------------------------------- */

static bool uses_task_builtins(struct ast *n, void *arg)
{
	bool *found = arg;
	const struct builtin *b;

	if (n->kind != AST_CALL || !(n->flags & AST_BUILTIN))
		return true;
	b = n->bind;
	if (b->flags & BF_TASK)
		*found = true;
	return true;
}

static bool uses_usymname(struct ast *n, void *arg)
{
	bool *found = arg;

	if (n->kind == AST_CALL && (n->flags & AST_BUILTIN) &&
	    ((const struct builtin *)n->bind)->id == BI_USYMNAME)
		*found = true;
	return true;
}

void mark_user_symbols(struct compile *c)
{
	struct program *p = c->prog;

	for (size_t i = 0; i < p->nhandlers; i++)
		ast_walk(p->handlers[i].probe, uses_usymname, &p->uses_user_symbols);
	for (size_t i = 0; i < p->nfunctions; i++)
		ast_walk(p->functions[i]->body, uses_usymname, &p->uses_user_symbols);
}

/*
 * execname(), pid() and ppid() on a tracepoint come from tap's task table;
 * these events keep it right as processes fork, exec and rename.
 */
static int add_task_helpers(struct compile *c)
{
	static const char *const helpers[][2] = {
		{ "sched", "sched_process_fork" },
		{ "sched", "sched_process_exec" },
		{ "task", "task_rename" },
	};
	struct program *p = c->prog;
	bool needed = false;

	for (size_t i = 0; i < p->nhandlers; i++)
		ast_walk(p->handlers[i].probe, uses_task_builtins, &needed);
	for (size_t i = 0; i < p->nfunctions; i++)
		ast_walk(p->functions[i]->body, uses_task_builtins, &needed);
	if (!needed || !p->plan->ndefs)
		return 0;
	p->uses_task_info = true;
	/* a thread gone before its event is handled has left /proc: the
	 * kernel's saved_tgids still says which process it was part of */
	p->plan->instance.record_tgid = true;
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		const struct tp_format *fmt;
		struct probe_def *d;

		if (target_event_format(c->target, helpers[i][0], helpers[i][1], &fmt))
			continue;
		d = plan_find_tracepoint(p->plan, helpers[i][0], helpers[i][1]);
		if (!d) {
			d = plan_add_def(p->plan);
			if (!d)
				return -ENOMEM;
			d->kind = PROBE_DEF_TRACEPOINT;
			d->system = strdup(helpers[i][0]);
			d->event = strdup(helpers[i][1]);
			d->loc = SRC_NO_RANGE;
			if (!d->system || !d->event)
				return -ENOMEM;
		}
		d->helper = true;
	}
	return 0;
}

/* --- snapshot() as the kernel's snapshot trigger --------------------------- */

/* the probe's body is "snapshot()" and nothing else */
static bool only_snapshot(const struct ast *probe)
{
	const struct ast *st = probe->c ? probe->c->a : NULL;
	const struct builtin *b;

	if (!st || st->next || st->kind != AST_EXPR_STMT || st->a->kind != AST_CALL ||
	    !(st->a->flags & AST_BUILTIN))
		return false;
	b = st->a->bind;
	return b->id == BI_SNAPSHOT;
}

/*
 * A probe whose handler only calls snapshot(), alone on its event, with
 * no condition or one the kernel tests: the kernel's snapshot trigger
 * freezes the buffer at the event itself, before later events can push
 * the ones before it out (the runtime collects the snapshot buffer).
 */
static int lower_snapshot(struct compile *c, struct dprobe *dp)
{
	struct probe_def *d = dprobe_def(c, dp);
	int users = 0;

	for (size_t i = 0; i < c->prog->ndprobes; i++)
		users += c->prog->dprobes[i]->def_index == dp->def_index;
	if (!d || d->trigger || users != 1 || (dp->probe->b && !dp->cond_in_kernel))
		return 0;
	if (!target_has(c->target, TF_SNAPSHOT)) {
		compile_note(c, dp->point, "snapshot() runs in user space: this kernel has no "
			     "snapshot trigger");
		return 0;
	}
	if (d->filter ? asprintf(&d->trigger, "snapshot if %s", d->filter) < 0 :
			!(d->trigger = strdup("snapshot")))
		return -ENOMEM;
	compile_note(c, dp->point, "snapshot() runs in the kernel: a snapshot trigger on %s/%s",
		     d->system, d->event);
	return 0;
}

/* --- backtrace(): the kernel's stacktrace trigger ----------------------------- */

struct kstack_walk {
	bool found;
	int depth;	/* functions followed, against recursion */
};

static bool find_kstack(struct ast *n, void *arg)
{
	struct kstack_walk *w = arg;

	if (w->found)
		return false;
	if (n->kind != AST_CALL)
		return true;
	if (n->flags & AST_BUILTIN) {
		w->found = ((const struct builtin *)n->bind)->flags & BF_KSTACK;
		return !w->found;
	}
	/* a function the handler calls may take the stack too */
	if (n->sym && n->sym->kind == SYM_FUNCTION && n->sym->body && w->depth < 16) {
		w->depth++;
		ast_walk(n->sym->body, find_kstack, w);
		w->depth--;
	}
	return !w->found;
}

static bool takes_kstack(struct ast *probe)
{
	struct kstack_walk w = { 0 };

	ast_walk(probe->b, find_kstack, &w);
	ast_walk(probe->c, find_kstack, &w);
	return w.found;
}

/*
 * backtrace() and friends read the kernel stack that the stacktrace
 * trigger records right after the event (the runtime takes that record
 * with the event). Its condition is the event's filter.
 */
static int lower_kstack(struct compile *c, struct dprobe *dp)
{
	struct probe_def *d = dprobe_def(c, dp);

	if (!d || probe_def_takes_kstack(d))
		return 0;
	if (d->trigger) {
		diag_error(c->diag, dp->point->loc,
			   "%s/%s has a trigger already; backtrace() needs the stacktrace one",
			   d->system, d->event);
		return -EINVAL;
	}
	if (d->filter ? asprintf(&d->trigger, "stacktrace if %s", d->filter) < 0 :
			!(d->trigger = strdup("stacktrace")))
		return -ENOMEM;
	return 0;
}

int lower_program(struct compile *c)
{
	int err = add_task_helpers(c);

	for (size_t i = 0; !err && i < c->prog->plan->ndefs; i++)
		err = lower_def_filter(c, (int)i);
	for (size_t i = 0; !err && i < c->prog->ndprobes; i++)
		if (c->prog->dprobes[i]->kind == DPROBE_EVENT &&
		    takes_kstack(c->prog->dprobes[i]->probe))
			err = lower_kstack(c, c->prog->dprobes[i]);
	for (size_t i = 0; !err && i < c->prog->ndprobes; i++)
		if (c->prog->dprobes[i]->kind == DPROBE_EVENT &&
		    only_snapshot(c->prog->dprobes[i]->probe))
			err = lower_snapshot(c, c->prog->dprobes[i]);
	return err;
}
