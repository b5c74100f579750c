// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel.function("f")[.call|.return[.maxactive(N)]] and
 * module("m").function("f"): kprobes and kretprobes on kernel functions,
 * checked against the target's function list. $param, $param->a->b,
 * $return, $$parms and @cast() become fetch arguments whose offsets come
 * from the kernel's BTF (btf.c), so the plan needs nothing of the kernel's
 * own BTF argument syntax and runs on any kernel with kprobe events.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "compile_internal.h"

/*
 * A wildcard may match at most this many functions. Every match is its
 * own dynamic event, created and removed one by one through tracefs;
 * past a few hundred, setup and teardown take seconds and the plan is
 * no longer readable.
 */
#define KPROBE_WILDCARD_MAX 512

/* the kernel's limit on a kretprobe's maxactive (KRETPROBE_MAXACTIVE_MAX) */
#define KPROBE_MAXACTIVE_MAX 4096

/* the longest fetch argument name the kernel takes (MAX_ARG_NAME_LEN) */
#define FETCH_NAME_MAX 31

struct kprobe_point {
	const char *module;	/* NULL: the kernel itself */
	const char *pattern;
	bool is_return;
	unsigned maxactive;
	const struct ast *func_arg;	/* the function("...") string, for carets */
};

struct kprobe_data {
	const char *module;
	const char *func;
	bool is_return;
	bool btf_tried;
	int btf_err;
	const struct btf *btf;
	uint32_t proto;	/* FUNC_PROTO, 0: none */
};

static struct kprobe_data *kdata(const struct dprobe *dp)
{
	return dp->pdata;
}

static bool kprobe_match(const struct ast *pp)
{
	return (pp_is(pp, 0, "kernel") || pp_is(pp, 0, "module")) &&
	       pp_is(pp, 1, "function");
}

/* --- the probe point ------------------------------------------------------ */

static bool bad_form(struct compile *c, struct ast *pp)
{
	diag_error(c->diag, pp->loc,
		   "write kernel.function(\"name\") or module(\"m\").function(\"name\"), "
		   "then optionally .call, or .return and .maxactive(N)");
	return false;
}

static bool parse_suffix(struct compile *c, struct ast *pp, int i,
			 struct kprobe_point *k)
{
	const struct ast *comp = pp_comp(pp, i);
	int64_t n;

	if (!strcmp(comp->name, "call") && !comp->a && i == 2)
		return true;
	if (!strcmp(comp->name, "inline") && !comp->a && i == 2) {
		inline_refused(c, comp);
		return false;
	}
	if (!strcmp(comp->name, "return") && !comp->a && i == 2) {
		k->is_return = true;
		return true;
	}
	if (strcmp(comp->name, "maxactive"))
		return bad_form(c, pp);
	if (!k->is_return) {
		diag_error(c->diag, comp->loc,
			   ".maxactive(N) belongs to return probes: write .return.maxactive(N)");
		return false;
	}
	if (!pp_num_arg(c, pp, i, &n) || n < 1 || n > KPROBE_MAXACTIVE_MAX) {
		diag_error(c->diag, comp->loc,
			   ".maxactive(N) takes a number from 1 to %d",
			   KPROBE_MAXACTIVE_MAX);
		return false;
	}
	k->maxactive = (unsigned)n;
	return true;
}

static bool parse_point(struct compile *c, struct ast *pp, struct kprobe_point *k)
{
	int n = pp_ncomps(pp);

	memset(k, 0, sizeof(*k));
	if (pp_is(pp, 0, "module")) {
		k->module = pp_str_arg(c, pp, 0);
		if (!k->module)
			return bad_form(c, pp);
	} else if (pp_comp(pp, 0)->a) {
		return bad_form(c, pp);
	}
	k->pattern = pp_str_arg(c, pp, 1);
	if (!k->pattern || n > 4)
		return bad_form(c, pp);
	k->func_arg = pp_comp(pp, 1)->a;
	for (int i = 2; i < n; i++)
		if (!parse_suffix(c, pp, i, k))
			return false;
	if (strchr(k->pattern, '@') || strchr(k->pattern, ':')) {
		diag_error(c->diag, k->func_arg->loc,
			   "'%s': tap finds kernel functions by name; source files and lines need DWARF",
			   k->pattern);
		return false;
	}
	return true;
}

/* --- a kernel without kprobes --------------------------------------------- */

static bool probe_is_kprobe(const struct ast *point)
{
	return point->kind == AST_PROBE_POINT && kprobe_match(point) &&
	       !(point->flags & AST_PP_OPTIONAL);
}

/*
 * Says once, at the first kprobe point, which probes need kprobe events
 * (they are all listed), with a note at each of the others.
 */
static void report_missing(struct compile *c, struct ast *pp)
{
	struct ast *first = NULL;
	char *list = NULL;
	size_t len = 0, count = 0;
	FILE *f = open_memstream(&list, &len);

	if (!f)
		return;
	ast_foreach_child(d, c->prog->script->decls)
	{
		if (d->kind != AST_PROBE)
			continue;
		ast_foreach_child(point, d->a)
		{
			if (!probe_is_kprobe(point))
				continue;
			if (!first)
				first = point;
			fprintf(f, "%s'%s'", count ? ", " : "", pp_canonical(c, point));
			count++;
		}
	}
	fclose(f);
	if (first == pp) {
		diag_error(c->diag, pp->loc,
			   "this kernel has no %s; %s %s need%s them",
			   target_feature_desc(TF_KPROBE), count > 1 ? "probes" : "probe",
			   list, count > 1 ? "" : "s");
	} else if (first) {
		diag_note(c->diag, pp->loc, "'%s' needs kprobe events too",
			  pp_canonical(c, pp));
	}
	free(list);
}

/* --- finding the functions ------------------------------------------------ */

struct matches {
	const struct kfunc **v;
	size_t n;
	size_t skipped;	/* names several functions share */
};

static int collect(const struct kfunc *f, void *arg)
{
	struct matches *m = arg;

	if (f->count > 1) {
		m->skipped++;
		return 0;
	}
	if (m->n <= KPROBE_WILDCARD_MAX)
		m->v[m->n] = f;
	m->n++;
	return 0;
}

static void suggest_module(struct compile *c, const struct kfuncs *kf,
			   const struct ast *where, const char *module)
{
	struct suggest sg;

	suggest_init(&sg, module);
	kfuncs_modules(kf, suggest_add, &sg);
	suggest_note(c, where->loc, &sg);
}

static int suggest_one(const struct kfunc *f, void *arg)
{
	suggest_add(arg, f->name);
	return 0;
}

static void unknown_function(struct compile *c, const struct kfuncs *kf,
			     const struct kprobe_point *k)
{
	struct suggest sg;

	if (k->module)
		diag_error(c->diag, k->func_arg->loc,
			   "no function '%s' in module '%s'", k->pattern, k->module);
	else
		diag_error(c->diag, k->func_arg->loc, "no kernel function '%s'",
			   k->pattern);
	suggest_init(&sg, k->pattern);
	kfuncs_walk(kf, k->module, "*", suggest_one, &sg);
	suggest_note(c, k->func_arg->loc, &sg);
}

static int add_kprobe(struct compile *c, struct ast *probe, struct ast *pp,
		      const struct kprobe_point *k, const char *func)
{
	struct dprobe *dp = compile_add_dprobe(c, probe, pp, &kprobe_provider,
					       DPROBE_EVENT);
	struct kprobe_data *d = arena_zalloc(c->arena, sizeof(*d));
	struct probe_def *def;
	const char *ev;

	if (!dp || !d)
		return -ENOMEM;
	d->module = k->module;
	d->func = arena_strdup(c->arena, func);
	d->is_return = k->is_return;
	dp->pdata = d;
	dp->func = (char *)d->func;
	if (k->module)
		dp->pp = arena_printf(c->arena, "module(\"%s\").function(\"%s\")%s",
				      k->module, func, k->is_return ? ".return" : "");
	else
		dp->pp = arena_printf(c->arena, "kernel.function(\"%s\")%s", func,
				      k->is_return ? ".return" : "");
	ev = arena_printf(c->arena, "%s%s", func, k->is_return ? "_return" : "");
	def = compile_add_def(c, dp, k->is_return ? PROBE_DEF_KRETPROBE : PROBE_DEF_KPROBE,
			      NULL, compile_event_name(c, ev, c->prog->ndprobes - 1));
	if (!def || !d->func || !dp->pp)
		return -ENOMEM;
	def->maxactive = k->maxactive;
	if (k->module && asprintf(&def->target, "%s:%s", k->module, func) < 0)
		def->target = NULL;
	else if (!k->module)
		def->target = strdup(func);
	return def->target ? 0 : -ENOMEM;
}

static int expand_wildcard(struct compile *c, struct ast *probe, struct ast *pp,
			   const struct kfuncs *kf, const struct kprobe_point *k)
{
	struct matches m = { 0 };
	int err = 0;

	m.v = calloc(KPROBE_WILDCARD_MAX + 1, sizeof(*m.v));
	if (!m.v)
		return -ENOMEM;
	kfuncs_walk(kf, k->module, k->pattern, collect, &m);
	if (m.n > KPROBE_WILDCARD_MAX) {
		diag_error(c->diag, k->func_arg->loc,
			   "'%s' matches %zu kernel functions; tap takes at most %d per probe point",
			   k->pattern, m.n, KPROBE_WILDCARD_MAX);
		diag_note(c->diag, k->func_arg->loc,
			  "narrow the pattern, or split it over several probe points");
	} else if (!m.n && !(pp->flags & AST_PP_OPTIONAL)) {
		diag_error(c->diag, k->func_arg->loc, "no kernel function matches '%s'%s%s%s",
			   k->pattern, k->module ? " in module '" : "",
			   k->module ? k->module : "", k->module ? "'" : "");
	}
	for (size_t i = 0; i < m.n && m.n <= KPROBE_WILDCARD_MAX && !err; i++)
		if (!kfuncs_blacklisted(kf, m.v[i]->name))
			err = add_kprobe(c, probe, pp, k, m.v[i]->name);
	if (m.skipped && m.n <= KPROBE_WILDCARD_MAX)
		compile_note(c, pp, "'%s' left out %zu functions whose names several functions share",
			     k->pattern, m.skipped);
	free(m.v);
	return err;
}

static int expand_one(struct compile *c, struct ast *probe, struct ast *pp,
		      const struct kfuncs *kf, const struct kprobe_point *k)
{
	const struct kfunc *f = kfuncs_find(kf, k->module, k->pattern);

	if (!f) {
		if (!(pp->flags & AST_PP_OPTIONAL))
			unknown_function(c, kf, k);
		return 0;
	}
	if (kfuncs_blacklisted(kf, f->name)) {
		diag_error(c->diag, k->func_arg->loc,
			   "the kernel refuses kprobes on '%s' (it is on the kprobe blacklist)",
			   f->name);
		return 0;
	}
	if (f->count > 1)
		compile_note(c, pp, "'%s' names %u functions; the kernel probes the first",
			     f->name, f->count);
	return add_kprobe(c, probe, pp, k, f->name);
}

static int kprobe_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	struct kprobe_point k;
	const struct kfuncs *kf;
	int err;

	if (!parse_point(c, pp, &k))
		return 0;
	if (!target_has(c->target, TF_KPROBE)) {
		if (!(pp->flags & AST_PP_OPTIONAL))
			report_missing(c, pp);
		return 0;
	}
	err = target_kfuncs(c->target, &kf);
	if (err == -ENOMEM)
		return err;
	if (err) {
		diag_error(c->diag, pp->loc,
			   "cannot read the kernel's functions (%s/available_filter_functions, kallsyms): %s",
			   c->target->tracefs, strerror(-err));
		return 0;
	}
	if (k.module && !kfuncs_has_module(kf, k.module)) {
		if (pp->flags & AST_PP_OPTIONAL)
			return 0;
		diag_error(c->diag, pp_comp(pp, 0)->a->loc,
			   "module '%s' is not loaded", k.module);
		suggest_module(c, kf, pp_comp(pp, 0)->a, k.module);
		return 0;
	}
	if (strpbrk(k.pattern, "*?["))
		return expand_wildcard(c, probe, pp, kf, &k);
	return expand_one(c, probe, pp, kf, &k);
}

/* --- BTF ------------------------------------------------------------------ */

/* loads the function's BTF once; false (with an error unless @quiet) if none */
static bool need_btf(struct compile *c, struct dprobe *dp, const struct ast *where,
		     bool quiet)
{
	struct kprobe_data *d = kdata(dp);

	if (!d->btf_tried) {
		d->btf_tried = true;
		d->btf_err = target_btf(c->target, d->module, &d->btf);
		if (!d->btf_err) {
			d->proto = kbtf_func_proto(d->btf, d->func);
			if (!d->proto)
				d->btf_err = -ESRCH;
		}
	}
	if (!d->btf_err || quiet)
		return !d->btf_err;
	if (d->btf_err == -ESRCH) {
		diag_error(c->diag, where->loc,
			   "the kernel's BTF has no type information for '%s'", d->func);
		if (strchr(d->func, '.'))
			diag_note(c->diag, where->loc,
				  "'%s' is a copy the compiler made of a function; BTF describes the original only",
				  d->func);
		return false;
	}
	diag_error(c->diag, where->loc,
		   "cannot read BTF type information for '%s' from '%s': %s", d->func,
		   c->target->btf ? kbtf_path(c->target->btf, d->module) : "BTF",
		   strerror(-d->btf_err));
	diag_note(c->diag, where->loc,
		  "$parameters and $return need a kernel built with CONFIG_DEBUG_INFO_BTF");
	return false;
}

static int param_index(const struct btf *btf, uint32_t proto, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, proto);

	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const char *n = btf__name_by_offset(btf, btf_params(t)[i].name_off);

		if (n && !strcmp(n, name))
			return (int)i;
	}
	return -1;
}

/* --- fetch argument names ------------------------------------------------- */

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_';
}

/*
 * The field name of "$file->f_path->dentry": "file_f_path_dentry", or
 * the variable and the last member ("file_dentry") when that is too long
 * for the kernel (room is left for a "_N" suffix).
 */
static char *field_base(struct compile *c, const char *var, const struct ast *members)
{
	char buf[256];
	const char *last = NULL;
	size_t n;

	while (*var == '$')
		var++;
	if (!strcmp(var, "return"))
		var = "retval";
	n = (size_t)snprintf(buf, sizeof(buf), "%s", var);
	ast_foreach_child(m, members)
	{
		if (m->name && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "_%s", m->name);
		if (m->name)
			last = m->name;
	}
	if (n > FETCH_NAME_MAX - 3 && last)
		snprintf(buf, sizeof(buf), "%.13s_%.14s", var, last);
	buf[FETCH_NAME_MAX - 3] = '\0';
	for (char *s = buf; *s; s++)
		if (!name_char(*s))
			*s = '_';
	return arena_strdup(c->arena, buf);
}

/*
 * Adds the fetch argument under @base, or @base_2, @base_3... when the
 * name holds another fetch already; returns the name, or NULL (ENOMEM).
 */
static const char *add_fetch(struct compile *c, struct dprobe *dp, const char *base,
			     const char *arg, const char *type)
{
	struct probe_def *d = dprobe_def(c, dp);

	for (unsigned n = 1;; n++) {
		const char *name = n == 1 ? base : arena_printf(c->arena, "%s_%u", base, n);
		bool taken = false;

		if (!name)
			return NULL;
		for (size_t i = 0; i < d->nfetch && !taken; i++) {
			if (strcmp(d->fetch[i].name, name))
				continue;
			if (!strcmp(d->fetch[i].arg, arg) && d->fetch[i].type &&
			    !strcmp(d->fetch[i].type, type))
				return name;
			taken = true;
		}
		if (!taken)
			return compile_add_fetch(c, dp, name, arg, type) ? NULL : name;
	}
}

static int bind_fetch(struct compile *c, struct dprobe *dp, const char *base,
		      const struct kbtf_fetch *f, struct ctx_binding *b)
{
	const char *name = add_fetch(c, dp, base, f->arg, f->type);

	if (!name)
		return -ENOMEM;
	b->kind = BIND_FIELD;
	b->field = name;
	if (f->kind == KBTF_STR) {
		b->type = TYPE_STRING;
		return 0;
	}
	b->type = TYPE_LONG;
	b->width = f->width;
	b->storage = f->storage;
	b->bits = f->bits;
	b->is_signed = f->is_signed;
	b->storage_signed = f->is_signed && !f->bits;
	return 0;
}

static void kprobe_candidates(struct compile *c, struct dprobe *dp,
			      void (*add)(void *arg, const char *name), void *arg);

/* --- member chains -------------------------------------------------------- */

static int chain_steps(struct compile *c, const struct ast *members,
		       struct kbtf_step **out, size_t *n)
{
	size_t cnt = (size_t)ast_list_len((struct ast *)members), i = 0;
	struct kbtf_step *v = arena_zalloc(c->arena, (cnt + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	ast_foreach_child(m, members)
	{
		if (!m->name && (!m->a || m->a->kind != AST_NUM)) {
			diag_error(c->diag, m->loc,
				   "an index of a kernel value must be a number: the probe fetches it");
			return -EINVAL;
		}
		v[i].name = m->name;
		v[i].index = m->name ? 0 : m->a->num;
		i++;
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* the text of "$x->a->b" up to (not including) step @upto */
static char *chain_text(struct compile *c, const char *var, const struct ast *members,
			size_t upto)
{
	char *s = arena_strdup(c->arena, var);
	size_t i = 0;

	ast_foreach_child(m, members)
	{
		if (i++ >= upto || !s)
			break;
		s = m->name ? arena_printf(c->arena, "%s->%s", s, m->name) :
			      arena_printf(c->arena, "%s[%lld]", s, (long long)m->a->num);
	}
	return s;
}

static const struct ast *step_node(const struct ast *members, size_t step,
				   const struct ast *whole)
{
	ast_foreach_child(m, members)
		if (!step--)
			return m;
	return whole;
}

static void report_walk(struct compile *c, const struct btf *btf, const char *var,
			const struct ast *members, const struct ast *whole,
			const struct kbtf_err *e)
{
	const struct ast *at = step_node(members, e->step, whole);
	const char *what = chain_text(c, var, members, e->step);
	char ty[128];
	struct suggest sg;

	kbtf_type_str(btf, e->type, ty, sizeof(ty));
	switch (e->code) {
	case KBTF_NO_MEMBER:
		diag_error(c->diag, at->loc, "'%s' has no member '%s'", ty, at->name);
		suggest_init(&sg, at->name);
		kbtf_member_names(btf, e->type, suggest_add, &sg);
		suggest_note(c, at->loc, &sg);
		break;
	case KBTF_NOT_COMPOSITE:
		diag_error(c->diag, at->loc,
			   "'%s' is '%s', not a struct or a pointer to one", what, ty);
		break;
	case KBTF_NOT_INDEXABLE:
		diag_error(c->diag, at->loc, "'%s' is '%s', not an array or a pointer",
			   what, ty);
		break;
	case KBTF_BAD_INDEX:
		diag_error(c->diag, at->loc, "the index is past the end of '%s' ('%s')",
			   what, ty);
		break;
	case KBTF_IS_COMPOSITE:
		diag_error(c->diag, at->loc, "'%s' is a whole '%s'; name one of its members",
			   what, ty);
		break;
	case KBTF_IS_ARRAY:
		diag_error(c->diag, at->loc, "'%s' is an array ('%s'); index it", what, ty);
		break;
	case KBTF_NOT_ADDRESS:
		diag_error(c->diag, at->loc, "'%s' is '%s', not the address of a string",
			   what, ty);
		break;
	case KBTF_BY_VALUE:
		diag_error(c->diag, at->loc,
			   "'%s' is a '%s' passed by value; tap follows members through pointers only",
			   what, ty);
		break;
	default:
		diag_error(c->diag, at->loc, "tap cannot fetch '%s' of type '%s'", what, ty);
	}
}

/* walks a chain; 0 with *@f filled, 1 when reported (or absent and
 * @guarded: -ENOENT), or -ENOMEM */
static int walk(struct compile *c, const struct btf *btf, uint32_t type,
		const char *base, bool in_memory, const struct ctx_ref *r,
		const char *var, const struct ast *members, enum kbtf_want want,
		struct kbtf_fetch *f)
{
	struct kbtf_step *steps;
	struct kbtf_err e;
	size_t n;
	int err = chain_steps(c, members, &steps, &n);

	if (err)
		return err == -EINVAL ? 1 : err;
	err = kbtf_walk(btf, type, base, in_memory, steps, n, want, r->addend, f, &e);
	if (err != -EINVAL)
		return err;
	if (r->guarded && e.code == KBTF_NO_MEMBER)
		return -ENOENT;
	report_walk(c, btf, var, members, r->node, &e);
	return 1;
}

static enum kbtf_want want_of(const struct ctx_ref *r)
{
	switch (r->kind) {
	case CTX_USER_STRING:
		return KBTF_USTRING;
	case CTX_KERNEL_STRING:
		return KBTF_STRING;
	default:
		return KBTF_VALUE;
	}
}

static int finish_bind(struct compile *c, struct dprobe *dp, const struct ctx_ref *r,
		       int walked, struct kbtf_fetch *f, struct ctx_binding *b)
{
	int err;

	if (walked)
		return walked == 1 ? 0 : walked;
	err = bind_fetch(c, dp, field_base(c, r->var, r->members), f, b);
	free(f->arg);
	return err;
}

static void unknown_param(struct compile *c, struct dprobe *dp,
			  const struct ctx_ref *r)
{
	struct suggest sg;

	diag_error(c->diag, r->node->loc, "'%s' has no parameter '%s'",
		   kdata(dp)->func, r->var + 1);
	suggest_init(&sg, r->var);
	kprobe_candidates(c, dp, suggest_add, &sg);
	suggest_note(c, r->node->loc, &sg);
}

/* where a variable's value is when the probe fires */
struct start {
	const char *base;	/* a register, or "$retval" */
	uint32_t type;	/* its BTF type; 0: no BTF (a long) */
};

static int start_return(struct compile *c, struct dprobe *dp,
			const struct ctx_ref *r, struct start *s)
{
	struct kprobe_data *d = kdata(dp);
	/* without BTF a plain $return is still the register, as a long */
	bool fallback = !r->members && r->kind == CTX_TARGET;
	const struct btf_type *proto;

	s->base = "$retval";
	s->type = 0;
	if (!need_btf(c, dp, r->node, r->guarded || fallback))
		return fallback ? 0 : r->guarded ? -ENOENT : 1;
	proto = btf__type_by_id(d->btf, d->proto);
	s->type = proto->type;
	if (s->type)
		return 0;
	if (r->guarded)
		return -ENOENT;
	diag_error(c->diag, r->node->loc, "'%s' returns void", d->func);
	return 1;
}

/*
 * Where $var starts: 0 with *@s set; 1 when an error was reported;
 * -ENOENT when it does not exist here (for @defined, or for the caller
 * to report).
 */
static int var_start(struct compile *c, struct dprobe *dp,
		     const struct ctx_ref *r, struct start *s)
{
	struct kprobe_data *d = kdata(dp);
	int i;

	if (!strcmp(r->var, "$return"))
		return d->is_return ? start_return(c, dp, r, s) : -ENOENT;
	if (!need_btf(c, dp, r->node, r->guarded))
		return r->guarded ? -ENOENT : 1;
	i = param_index(d->btf, d->proto, r->var + 1);
	if (i < 0 && r->guarded)
		return -ENOENT;
	if (i < 0) {
		unknown_param(c, dp, r);
		return 1;
	}
	if (d->is_return) {
		diag_error(c->diag, r->node->loc,
			   "'%s' is gone when '%s' returns: a return probe has only $return",
			   r->var, d->func);
		diag_note(c->diag, r->node->loc, "@entry(%s) gives its value at entry", r->var);
		return 1;
	}
	if (kbtf_param_reg(d->btf, d->proto, (unsigned)i, &s->base)) {
		diag_error(c->diag, r->node->loc,
			   "'%s' is passed on the stack; tap fetches only register arguments",
			   r->var);
		return 1;
	}
	s->type = btf_params(btf__type_by_id(d->btf, d->proto))[i].type;
	return 0;
}

/* $param, $param->a->b, $return, and kernel_string()/user_string() of them */
static int bind_var(struct compile *c, struct dprobe *dp, const struct ctx_ref *r,
		    struct ctx_binding *b)
{
	struct start s;
	struct kbtf_fetch f;
	int err = var_start(c, dp, r, &s);

	if (err)
		return err == 1 ? 0 : err;
	if (!s.type) {
		f = (struct kbtf_fetch){ .arg = strdup(s.base), .type = "s64",
					 .width = 8, .storage = 8, .is_signed = true };
		return f.arg ? finish_bind(c, dp, r, 0, &f, b) : -ENOMEM;
	}
	return finish_bind(c, dp, r,
			   walk(c, kdata(dp)->btf, s.type, s.base, false, r, r->var,
				r->members, want_of(r), &f),
			   &f, b);
}

/* the BTF that @cast(p, "type", "module") looks the type up in */
static const struct btf *cast_btf(struct compile *c, struct dprobe *dp,
				  const struct ast *module)
{
	const struct btf *btf = NULL;
	int err;

	/* a module's split BTF holds the kernel's types too */
	if (!module || !strcmp(module->str, "kernel"))
		return kdata(dp)->btf;
	err = target_btf(c->target, module->str, &btf);
	if (err)
		diag_error(c->diag, module->loc, "cannot read the BTF of module '%s': %s",
			   module->str, strerror(-err));
	return btf;
}

static void suggest_type(void *arg, const struct btf *btf)
{
	for (uint32_t id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *n = btf__name_by_offset(btf, t->name_off);
		char full[160];

		if (!btf_is_composite(t) || !n || !*n)
			continue;
		snprintf(full, sizeof(full), "%s %s", btf_is_union(t) ? "union" : "struct", n);
		suggest_add(arg, full);
	}
}

static const char *cast_target(struct compile *c, const struct btf *btf,
			       const struct ast *type, uint32_t *id)
{
	struct suggest sg;

	*id = kbtf_find_type(btf, type->str);
	if (*id)
		return type->str;
	diag_error(c->diag, type->loc, "no type '%s' in the kernel's BTF", type->str);
	suggest_init(&sg, type->str);
	suggest_type(&sg, btf);
	suggest_note(c, type->loc, &sg);
	return NULL;
}

/*
 * @cast($p, "struct x")->a: $p's value is the address of a struct x. The
 * chain inside @cast() is walked first; its value becomes the base of
 * the object the outer members are looked up in.
 */
static int bind_cast(struct compile *c, struct dprobe *dp, const struct ctx_ref *r,
		     struct ctx_binding *b)
{
	const struct ast *type = r->node->a->next;
	const struct ast *module = type ? type->next : NULL;
	const struct btf *btf;
	struct kbtf_fetch inner, f;
	struct start s;
	uint32_t id;
	const char *what;
	int err;

	if (!type || type->kind != AST_STR || (module && (module->kind != AST_STR ||
							  module->next))) {
		diag_error(c->diag, r->node->loc,
			   "write @cast(pointer, \"struct name\"[, \"module\"])->member");
		return 0;
	}
	err = var_start(c, dp, r, &s);
	if (!err && !s.type)
		err = need_btf(c, dp, r->node, false) ? 0 : 1;
	if (err)
		return err == 1 ? 0 : err;
	err = walk(c, kdata(dp)->btf, s.type, s.base, false, r, r->var, r->members,
		   KBTF_RAW, &inner);
	if (err)
		return err == 1 ? 0 : err;
	if (!r->node->b)
		return finish_bind(c, dp, r, 0, &inner, b);
	btf = cast_btf(c, dp, module);
	what = btf ? cast_target(c, btf, type, &id) : NULL;
	err = what ? walk(c, btf, id, inner.arg, true, r,
			  arena_printf(c->arena, "@cast(%s, \"%s\")",
				       chain_text(c, r->var, r->members, SIZE_MAX), what),
			  r->node->b, KBTF_VALUE, &f) : 1;
	free(inner.arg);
	if (err)
		return err == 1 ? 0 : err;
	err = bind_fetch(c, dp, field_base(c, r->var, r->node->b), &f, b);
	free(f.arg);
	return err;
}

/* $$parms: every register argument, numbers and addresses, as SystemTap */
static int bind_parms(struct compile *c, struct dprobe *dp, const struct ctx_ref *r,
		      struct ctx_binding *b)
{
	struct kprobe_data *d = kdata(dp);
	const struct btf_type *proto;
	char *names = arena_strdup(c->arena, "");

	if (d->is_return) {
		diag_error(c->diag, r->node->loc,
			   "'%s' is gone when '%s' returns: a return probe has only $return",
			   r->var, d->func);
		return 0;
	}
	if (!need_btf(c, dp, r->node, false))
		return 0;
	proto = btf__type_by_id(d->btf, d->proto);
	for (unsigned i = 0; i < btf_vlen(proto) && names; i++) {
		const char *pname = btf__name_by_offset(d->btf, btf_params(proto)[i].name_off);
		struct kbtf_fetch f;
		struct kbtf_err e;
		const char *reg, *field;

		if (!pname || !*pname || kbtf_param_reg(d->btf, d->proto, i, &reg))
			continue;
		if (kbtf_walk(d->btf, btf_params(proto)[i].type, reg, false, NULL, 0,
			      KBTF_RAW, 0, &f, &e))
			continue;
		field = add_fetch(c, dp, pname, f.arg, f.type);
		free(f.arg);
		if (!field)
			return -ENOMEM;
		names = arena_printf(c->arena, "%s%s%s", names, *names ? " " : "", field);
	}
	if (!names)
		return -ENOMEM;
	b->kind = BIND_PARMS;
	b->type = TYPE_STRING;
	b->str = names;
	return 0;
}

static int bind_target(struct compile *c, struct dprobe *dp, const struct ctx_ref *r,
		       struct ctx_binding *b)
{
	if (!strcmp(r->var, "$$parms") || !strcmp(r->var, "$$vars")) {
		if (r->members || r->kind != CTX_TARGET)
			return -ENOENT;
		return bind_parms(c, dp, r, b);
	}
	if (!strncmp(r->var, "$$", 2))
		return -ENOENT;
	return bind_var(c, dp, r, b);
}

static int kprobe_bind(struct compile *c, struct dprobe *dp,
		       const struct ctx_ref *r, struct ctx_binding *b)
{
	switch (r->kind) {
	case CTX_TARGET:
	case CTX_USER_STRING:
	case CTX_KERNEL_STRING:
		return bind_target(c, dp, r, b);
	case CTX_COMM:
		b->kind = BIND_FIELD;
		b->type = TYPE_STRING;
		b->field = "comm";
		return compile_add_fetch(c, dp, "comm", "$comm", "string");
	case CTX_CAST:
		return bind_cast(c, dp, r, b);
	default:
		return -ENOENT;
	}
}

static void kprobe_candidates(struct compile *c, struct dprobe *dp,
			      void (*add)(void *arg, const char *name), void *arg)
{
	struct kprobe_data *d = kdata(dp);
	const struct btf_type *proto;

	if (d->is_return) {
		add(arg, "$return");
		return;
	}
	add(arg, "$$parms");
	if (!need_btf(c, dp, dp->point, true))
		return;
	proto = btf__type_by_id(d->btf, d->proto);
	for (unsigned i = 0; i < btf_vlen(proto); i++) {
		const char *n = btf__name_by_offset(d->btf, btf_params(proto)[i].name_off);

		if (n && *n)
			add(arg, arena_printf(c->arena, "$%s", n));
	}
}

const struct provider kprobe_provider = {
	.name = "kernel.function",
	.match = kprobe_match,
	.expand = kprobe_expand,
	.bind = kprobe_bind,
	.candidates = kprobe_candidates,
};
