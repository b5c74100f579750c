// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The compiler's driver: parse, declare, expand probe points through the
 * providers, resolve names, bind context values, infer types, lower
 * filters, and fill in the plan.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "compile_internal.h"
#include "format.h"
#include "planfile.h"

const struct provider *const providers[] = {
	&basic_provider,
	&timer_provider,
	&tracepoint_provider,
	&syscall_provider,
	&syscall_any_provider,
	&uprobe_provider,
	&perf_provider,
	&kprobe_provider,
	&sdt_provider,
	NULL,
};

/* --- probe point helpers ------------------------------------------------ */

int pp_ncomps(const struct ast *point)
{
	return ast_list_len(point->a);
}

const struct ast *pp_comp(const struct ast *point, int i)
{
	const struct ast *c = point->a;

	while (c && i--)
		c = c->next;
	return c;
}

bool pp_names_return(const char *pp)
{
	size_t n = strlen(pp);

	return n > 7 && !strcmp(pp + n - 7, ".return");
}

bool pp_is(const struct ast *point, int i, const char *name)
{
	const struct ast *c = pp_comp(point, i);

	return c && !strcmp(c->name, name);
}

const char *pp_str_arg(struct compile *c, const struct ast *point, int i)
{
	const struct ast *comp = pp_comp(point, i);

	(void)c;
	if (!comp || !comp->a || comp->a->kind != AST_STR)
		return NULL;
	return comp->a->str;
}

bool pp_num_arg(struct compile *c, const struct ast *point, int i,
		int64_t *out)
{
	const struct ast *comp = pp_comp(point, i);

	(void)c;
	if (!comp || !comp->a || comp->a->kind != AST_NUM)
		return false;
	*out = comp->a->num;
	return true;
}

char *compile_event_name(struct compile *c, const char *base, size_t index)
{
	char buf[64];
	size_t n = 0;

	if (!isalpha((unsigned char)base[0]) && base[0] != '_')
		buf[n++] = 'p';
	for (const char *s = base; *s && n < 48; s++)
		buf[n++] = isalnum((unsigned char)*s) ? *s : '_';
	buf[n] = '\0';
	return arena_printf(c->arena, "%s_%zu", buf, index);
}

/* --- program building ---------------------------------------------------- */

struct dprobe *compile_add_dprobe(struct compile *c, struct ast *probe,
				  struct ast *point, const struct provider *p,
				  enum dprobe_kind kind)
{
	struct program *prog = c->prog;
	struct dprobe *dp = arena_zalloc(c->arena, sizeof(*dp));
	struct dprobe **v;

	if (!dp)
		return NULL;
	v = realloc(prog->dprobes, (prog->ndprobes + 1) * sizeof(*v));
	if (!v)
		return NULL;
	prog->dprobes = v;
	v[prog->ndprobes++] = dp;
	dp->kind = kind;
	dp->probe = probe;
	dp->point = point;
	dp->prov = p;
	dp->handler = probe->slot;
	dp->def_index = -1;
	dp->pp = pp_canonical(c, point);
	dp->func = "";
	return dp;
}

struct probe_def *dprobe_def(struct compile *c, const struct dprobe *dp)
{
	if (dp->def_index < 0)
		return NULL;
	return &c->prog->plan->defs[dp->def_index];
}

struct probe_def *compile_add_def(struct compile *c, struct dprobe *dp,
				  enum probe_def_kind kind, const char *system,
				  const char *event)
{
	struct plan *plan = c->prog->plan;
	struct probe_def *d;

	if (kind == PROBE_DEF_TRACEPOINT) {
		/* several probes on one tracepoint share its enable */
		d = plan_find_tracepoint(plan, system, event);
		if (d) {
			dp->def_index = (int)(d - plan->defs);
			return d;
		}
	}
	d = plan_add_def(plan);
	if (!d)
		return NULL;
	dp->def_index = (int)(d - plan->defs);
	d->kind = kind;
	d->loc = dp->point->loc;
	d->system = strdup(system ? system : plan->group);
	d->event = strdup(event);
	return d->system && d->event ? d : NULL;
}

int compile_add_fetch(struct compile *c, struct dprobe *dp, const char *name,
		      const char *arg, const char *type)
{
	struct probe_def *d = dprobe_def(c, dp);
	struct probe_fetch *v;

	if (!d)
		return -EINVAL;
	for (size_t i = 0; i < d->nfetch; i++)
		if (!strcmp(d->fetch[i].name, name))
			return 0;
	v = realloc(d->fetch, (d->nfetch + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->fetch = v;
	v[d->nfetch].name = strdup(name);
	v[d->nfetch].arg = strdup(arg);
	v[d->nfetch].type = type ? strdup(type) : NULL;
	d->nfetch++;
	if (!v[d->nfetch - 1].name || !v[d->nfetch - 1].arg)
		return -ENOMEM;
	return 0;
}

void compile_note(struct compile *c, const struct ast *node, const char *fmt,
		  ...)
{
	char *msg = NULL;
	unsigned line, col;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	src_position(c->prog->src, node->loc.start, &line, &col);
	for (size_t i = 0; i < c->prog->plan->nnotes; i++) {
		/* the same note for every derived probe is said once */
		if (strstr(c->prog->plan->notes[i], msg)) {
			free(msg);
			return;
		}
	}
	plan_add_note(c->prog->plan, "%s:%u:%u: %s", c->prog->src->name, line,
		      col, msg);
	free(msg);
}

void compile_track_fmt(struct compile *c, struct fmt *f)
{
	struct program *p = c->prog;
	void **v = realloc(p->fmts, (p->nfmts + 1) * sizeof(*v));

	if (!v) {
		fmt_release(f);
		return;
	}
	p->fmts = v;
	v[p->nfmts++] = f;
}

char *pp_canonical(struct compile *c, const struct ast *point)
{
	char *buf = NULL, *out;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	ast_foreach_child(comp, point->a)
	{
		fputs(comp->name, f);
		if (comp->a) {
			fputc('(', f);
			ast_print_expr(comp->a, f);
			fputc(')', f);
		}
		if (comp->next)
			fputc('.', f);
	}
	fclose(f);
	out = buf ? arena_strdup(c->arena, buf) : NULL;
	free(buf);
	return out;
}

char *compile_session_name(const char *script_path)
{
	const char *base = strrchr(script_path, '/');
	char *name, *dot;
	size_t n = 0;

	base = base ? base + 1 : script_path;
	name = malloc(strlen(base) + 2);
	if (!name)
		return NULL;
	if (!isalpha((unsigned char)*base))
		name[n++] = 's';
	for (const char *s = base; *s; s++)
		name[n++] = isalnum((unsigned char)*s) ? *s : '_';
	name[n] = '\0';
	dot = strstr(name, "_tap");
	if (dot && !dot[4])
		*dot = '\0';
	dot = strstr(name, "_stp");
	if (dot && !dot[4])
		*dot = '\0';
	if (strlen(name) > 40)
		name[40] = '\0';
	return name;
}

/* --- expansion ------------------------------------------------------------ */

static const struct provider *provider_for(const struct ast *point)
{
	for (int i = 0; providers[i]; i++)
		if (providers[i]->match(point))
			return providers[i];
	return NULL;
}

static void unknown_point(struct compile *c, struct ast *point)
{
	static const char *const families[] = {
		"begin", "end", "error", "never", "timer", "kernel", "syscall",
		"syscall_any", "nd_syscall", "process", "perf", "module",
	};
	struct suggest sg;

	diag_error(c->diag, point->loc, "unknown probe point '%s'",
		   pp_canonical(c, point));
	suggest_init(&sg, point->a->name);
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		suggest_add(&sg, families[i]);
	suggest_note(c, point->loc, &sg);
}

static int expand_probe(struct compile *c, struct ast *probe)
{
	ast_foreach_child(point, probe->a)
	{
		const struct provider *p = provider_for(point);
		size_t before = c->prog->ndprobes;
		int err;

		if (!p) {
			if (!(point->flags & AST_PP_OPTIONAL))
				unknown_point(c, point);
			continue;
		}
		/* a plan file knows what the target said (planfile.h) */
		err = c->opts->replay ? replay_expand(c, probe, point) :
					p->expand(c, probe, point);
		if (err)
			return err;
		if ((point->flags & AST_PP_SUFFICIENT) && c->prog->ndprobes > before)
			break;
	}
	return 0;
}

static int make_handlers(struct compile *c)
{
	struct program *p = c->prog;
	size_t n = 0;

	ast_foreach_child(d, p->script->decls)
		if (d->kind == AST_PROBE)
			n++;
	p->handlers = arena_zalloc(c->arena, (n + 1) * sizeof(*p->handlers));
	if (!p->handlers)
		return -ENOMEM;
	ast_foreach_child(d, p->script->decls)
	{
		int err;

		if (d->kind != AST_PROBE)
			continue;
		d->slot = (int)p->nhandlers;
		p->handlers[p->nhandlers++].probe = d;
		err = expand_probe(c, d);
		if (err)
			return err;
	}
	return 0;
}

/* each handler learns its derived probes (they were added in order) */
static int link_handlers(struct compile *c)
{
	struct program *p = c->prog;

	for (size_t i = 0; i < p->ndprobes; i++) {
		struct handler *h = &p->handlers[p->dprobes[i]->handler];
		struct dprobe **v = arena_zalloc(c->arena, (size_t)(h->ndprobes + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		if (h->ndprobes)
			memcpy(v, h->dprobes, (size_t)h->ndprobes * sizeof(*v));
		v[h->ndprobes++] = p->dprobes[i];
		h->dprobes = v;
	}
	return 0;
}

/* --- plan ------------------------------------------------------------------ */

static uint64_t fnv1a64(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static int plan_setup(struct compile *c)
{
	struct plan *plan = c->prog->plan;
	const struct compile_opts *o = c->opts;
	char hash[17];
	char *name = o->session ? strdup(o->session) :
				  compile_session_name(c->prog->src->name);

	if (!name)
		return -ENOMEM;
	plan->session = name;
	if (asprintf(&plan->group, "tap_%s", name) < 0 ||
	    asprintf(&plan->instance.name, "tap_%s", o->instance ? o->instance : name) < 0)
		return -ENOMEM;
	plan->events_file = strdup(target_has(c->target, TF_DYNAMIC_EVENTS) ?
					   "dynamic_events" : "uprobe_events");
	plan->instance.buffer_kb = o->buffer_kb ? o->buffer_kb : PLAN_DEFAULT_BUFFER_KB;
	plan->instance.overwrite = o->overwrite;
	/* "mono" lets us order CPUs against the clock and print wall time */
	if (target_has(c->target, TF_CLOCK_MONO))
		plan->instance.clock = strdup("mono");
	plan->kernel_release = strdup(c->target->release);
	plan->script_name = strdup(c->prog->src->name);
	snprintf(hash, sizeof(hash), "%016" PRIx64,
		 fnv1a64(c->prog->src->text, c->prog->src->len));
	plan->script_hash = strdup(hash);
	if (!plan->events_file || !plan->kernel_release || !plan->script_name ||
	    !plan->script_hash)
		return -ENOMEM;
	return 0;
}

/* a plan without events needs no instance */
static void plan_drop_empty_instance(struct plan *plan)
{
	if (plan->ndefs)
		return;
	free(plan->instance.name);
	plan->instance.name = NULL;
}

/* SystemTap's defaults (stap(1)), so scripts meet the same limits */
static void limits_defaults(struct limits *l)
{
	l->maxstringlen = 512;
	l->maxmapentries = 2048;
	l->maxaction = 1000;
	l->maxaction_interruptible = -1;	/* 10 * MAXACTION */
	l->maxnesting = 10;
	l->maxerrors = 0;
	l->hist_width = 50;
	l->hist_elision = 2;
}

/*
 * -D NAME=VALUE. SystemTap hands -D to the C compiler of its module, so
 * scripts come with names tap has no use for (STP_NO_OVERLOAD, ...):
 * those get a warning, not an error.
 */
static void apply_defines(struct compile *c)
{
	static const struct {
		const char *name;
		size_t off;
		long min, max;
	} names[] = {
		{ "MAXSTRINGLEN", offsetof(struct limits, maxstringlen), 2, 1 << 20 },
		{ "MAXMAPENTRIES", offsetof(struct limits, maxmapentries), 1, 1 << 30 },
		{ "MAXACTION", offsetof(struct limits, maxaction), 1, LONG_MAX },
		{ "MAXACTION_INTERRUPTIBLE",
		  offsetof(struct limits, maxaction_interruptible), 1, LONG_MAX },
		{ "MAXNESTING", offsetof(struct limits, maxnesting), 0, LIMIT_MAXNESTING },
		{ "MAXERRORS", offsetof(struct limits, maxerrors), 0, LONG_MAX },
		{ "HIST_WIDTH", offsetof(struct limits, hist_width), 1, 1000 },
		{ "HIST_ELISION", offsetof(struct limits, hist_elision), -1, 1000 },
	};
	struct limits *l = &c->prog->limits;

	for (size_t i = 0; i < c->opts->ndefines; i++) {
		const struct compile_define *d = &c->opts->defines[i];
		size_t j = 0;
		char *end;
		long v;

		while (j < sizeof(names) / sizeof(names[0]) &&
		       strcmp(d->name, names[j].name))
			j++;
		if (j == sizeof(names) / sizeof(names[0])) {
			diag_warning(c->diag, SRC_NO_RANGE,
				     "-D %s has no effect: tap knows MAXSTRINGLEN, MAXMAPENTRIES, MAXACTION, MAXACTION_INTERRUPTIBLE, MAXNESTING, MAXERRORS, HIST_WIDTH and HIST_ELISION",
				     d->name);
			continue;
		}
		errno = 0;
		v = strtol(d->value ? d->value : "", &end, 0);
		if (errno || !d->value || !*d->value || *end || v < names[j].min ||
		    v > names[j].max) {
			diag_error(c->diag, SRC_NO_RANGE,
				   "-D %s=%s: the value must be a number from %ld to %ld",
				   d->name, d->value ? d->value : "",
				   names[j].min, names[j].max);
			continue;
		}
		*(long *)((char *)l + names[j].off) = v;
	}
	if (l->maxaction_interruptible < 0)
		l->maxaction_interruptible =
			l->maxaction > LONG_MAX / 10 ? LONG_MAX : l->maxaction * 10;
}

static int compile_passes(struct compile *c)
{
	int err;

	entry_rewrite(c);
	sema_declare(c);
	err = make_handlers(c);
	if (!err && !c->opts->replay)
		err = uprobe_check_scope(c);
	if (!err)
		err = link_handlers(c);
	if (err || c->diag->errors)
		return err ? err : -EINVAL;
	err = sema_resolve(c);
	if (!err)
		err = sema_bind(c);
	if (!err)
		err = sema_infer(c);
	if (!err)
		err = sema_check_foreach(c);
	if (!err)
		mark_user_symbols(c);
	/* a plan file has its filters and helper events already */
	if (!err && !c->opts->replay)
		err = lower_program(c);
	return err;
}

int compile_program(const struct src_file *src, struct target *t,
		    const struct compile_opts *o, struct diag *d,
		    struct program **out)
{
	struct program *p = calloc(1, sizeof(*p));
	struct compile c = { 0 };
	int err;

	if (!p)
		return -ENOMEM;
	arena_init(&p->arena);
	p->src = src;
	p->args = o->args;
	p->nargs = o->nargs;
	p->target_pid = o->target_pid;
	limits_defaults(&p->limits);
	c.prog = p;
	c.arena = &p->arena;
	c.target = t;
	c.opts = o;
	c.diag = d;
	p->plan = plan_alloc();
	err = p->plan ? plan_setup(&c) : -ENOMEM;
	if (!err)
		err = lang_parse(src, &p->arena, d, &p->script);
	if (!err) {
		apply_defines(&c);
		err = d->errors ? -EINVAL : compile_passes(&c);
	}
	uprobe_files_free(&c);
	if (err) {
		program_free(p);
		return err;
	}
	plan_drop_empty_instance(p->plan);
	*out = p;
	return 0;
}

void program_free(struct program *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nfmts; i++)
		fmt_release(p->fmts[i]);
	free(p->fmts);
	free(p->dprobes);
	plan_free(p->plan);
	arena_release(&p->arena);
	free(p);
}

/* --- tapc -p2 ---------------------------------------------------------------- */

static void print_binding(const struct handler *h, const struct dprobe *dp,
			  int i, FILE *out)
{
	const struct ctx_binding *b = &dp->ctx[i];

	fprintf(out, "#   %s = ", h->ctx_keys[i]);
	if (b->missing) {
		fputs("(not available here)\n", out);
		return;
	}
	switch (b->kind) {
	case BIND_FIELD:
		fprintf(out, "field %s", b->field);
		if (b->type == TYPE_LONG && (b->width != b->storage ||
					     b->is_signed != b->storage_signed))
			fprintf(out, " as %s%u", b->is_signed ? "s" : "u",
				b->bits ? b->bits : b->width * 8);
		break;
	case BIND_CONST_STR:
		fprintf(out, "\"%s\"", b->str);
		break;
	case BIND_CONST_NUM:
		fprintf(out, "%" PRId64, b->num);
		break;
	case BIND_USER_READ:
		fprintf(out, "user memory at field %s", b->field);
		if (b->num)
			fprintf(out, " %+" PRId64, b->num);
		fputs(b->quoted ? ", read when handled, quoted" : ", read when handled", out);
		break;
	case BIND_PARMS:
		if (b->str)
			fprintf(out, "formatted: %s", b->str);
		else
			fputs("the event's fields, formatted", out);
		break;
	case BIND_ARGSTR:
		fputs("the arguments, formatted", out);
		break;
	case BIND_SYSCALL_NAME:
		fprintf(out, "the name of system call number field %s", b->field);
		break;
	}
	fputc('\n', out);
}

static const char *dprobe_kind_name(enum dprobe_kind k)
{
	switch (k) {
	case DPROBE_BEGIN: return "begin";
	case DPROBE_END: return "end";
	case DPROBE_ERROR: return "error";
	case DPROBE_NEVER: return "never";
	case DPROBE_TIMER: return "timer";
	case DPROBE_PERF: return "perf";
	default: return "event";
	}
}

static void print_dprobe(const struct program *p, const struct dprobe *dp,
			 FILE *out)
{
	const struct handler *h = &p->handlers[dp->handler];
	unsigned line, col;

	src_position(p->src, dp->probe->loc.start, &line, &col);
	fprintf(out, "# handler %d (line %u) %s: %s", dp->handler, line,
		dprobe_kind_name(dp->kind), dp->pp);
	if (dp->kind == DPROBE_TIMER)
		fprintf(out, " every %" PRIu64 " ns", dp->period_ns);
	if (dp->kind == DPROBE_TIMER && dp->randomize_ns)
		fprintf(out, " +-%" PRIu64 " ns", dp->randomize_ns);
	if (dp->kind == DPROBE_PERF)
		fprintf(out, " perf_event_open type=%u config=%" PRIu64
			" sample_period=%" PRIu64 " on every CPU",
			dp->perf.type, dp->perf.config, dp->perf.period);
	if (dp->def_index >= 0) {
		const struct probe_def *d = &p->plan->defs[dp->def_index];

		fprintf(out, " <- %s/%s", d->system, d->event);
	}
	if (dp->cond_in_kernel || dp->first_next_in_kernel)
		fputs(" (condition in the kernel filter)", out);
	fputc('\n', out);
	for (int i = 0; i < h->nctx; i++)
		print_binding(h, dp, i, out);
}

/* "# global a: long[string, long], at most 2048 entries" */
static void print_global(const struct program *p, const struct symbol *s,
			 FILE *out)
{
	fprintf(out, "# global %s: %s", s->name, tap_type_name(s->type));
	if (s->nkeys <= 0) {
		fputc('\n', out);
		return;
	}
	fputc('[', out);
	for (int k = 0; k < s->nkeys && k < 9; k++)
		fprintf(out, "%s%s", k ? ", " : "", tap_type_name(s->key_types[k]));
	fprintf(out, "], at most %ld entries%s\n",
		s->maxsize > 0 ? (long)s->maxsize : p->limits.maxmapentries,
		s->wrap ? ", the oldest dropped when full" : "");
}

static void print_function(const struct symbol *fn, FILE *out)
{
	fprintf(out, "# function %s:%s (", fn->name, tap_type_name(fn->ret));
	for (int i = 0; i < fn->nparams; i++)
		fprintf(out, "%s%s:%s", i ? ", " : "", fn->params[i]->name,
			tap_type_name(fn->params[i]->type));
	fputs(")\n", out);
}

void program_print_plan(const struct program *p, FILE *out)
{
	plan_print(p->plan, out);
	for (size_t i = 0; i < p->nglobals; i++)
		print_global(p, p->globals[i], out);
	for (size_t i = 0; i < p->nfunctions; i++)
		print_function(p->functions[i], out);
	for (size_t i = 0; i < p->ndprobes; i++)
		print_dprobe(p, p->dprobes[i], out);
}
