// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The runtime's frame: globals, the probes and their bound fields, context
 * values read from records, and running handlers for events, timers,
 * begin and end.
 */
#include <errno.h>
#include <event-parse.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "builtins.h"
#include "json.h"
#include "rt.h"
#include "symbolize.h"
#include "syscalls.h"

/* --- setup ------------------------------------------------------------------ */

/* what each statistics global collects, from the @-operators used on it */
static bool note_shape(struct ast *n, void *arg)
{
	struct rt *rt = arg;
	const struct ast *var;
	struct stats_shape *sh;

	if (n->kind != AST_AT_CALL || !n->a || !at_op_is_stat(n->op))
		return true;
	var = n->a->kind == AST_INDEX ? n->a->a : n->a;
	if (!var->sym || var->sym->kind != SYM_GLOBAL)
		return true;
	sh = &rt->globals[var->sym->slot].shape;
	switch (n->op) {
	case AT_HIST_LOG:
		sh->log = true;
		break;
	case AT_VARIANCE:
		sh->variance = true;
		break;
	case AT_HIST_LINEAR:
		/* the compiler checked the bounds: literals, one shape */
		sh->linear = true;
		sh->lo = var->sym->hist_lo;
		sh->hi = var->sym->hist_hi;
		sh->step = var->sym->hist_step;
		break;
	default:
		break;
	}
	return true;
}

static void globals_init(struct rt *rt)
{
	const struct program *p = rt->prog;

	for (size_t i = 0; i < p->nglobals; i++) {
		const struct symbol *s = p->globals[i];
		struct rt_global *g = &rt->globals[i];

		g->type = s->type;
		g->is_array = s->nkeys > 0;
		if (s->decl->a && s->decl->a->kind == AST_NUM)
			g->n = s->decl->a->num;
		else if (s->decl->a && s->decl->a->kind == AST_STR)
			rt_str_store(&g->s, &g->slen,
				     sv_from(s->decl->a->str, s->decl->a->len));
	}
	for (size_t i = 0; i < p->nhandlers; i++)
		ast_walk(p->handlers[i].probe, note_shape, rt);
	for (size_t i = 0; i < p->nfunctions; i++)
		ast_walk(p->functions[i]->body, note_shape, rt);
	for (size_t i = 0; i < p->nglobals; i++) {
		const struct symbol *s = p->globals[i];
		struct rt_global *g = &rt->globals[i];

		if (g->is_array)
			map_init(&g->map, s->type, s->nkeys, s->key_types,
				 s->maxsize > 0 ? s->maxsize : p->limits.maxmapentries,
				 s->wrap, &g->shape);
	}
}

/*
 * Local variables live in one pool, frame after frame: the biggest probe
 * frame plus MAXNESTING of the biggest function frame is all a run can
 * take, so the pool is allocated once, at that size.
 */
static size_t local_pool_size(const struct program *p)
{
	size_t probe = 0, fn = 0;

	for (size_t i = 0; i < p->nhandlers; i++)
		if ((size_t)p->handlers[i].nlocals > probe)
			probe = (size_t)p->handlers[i].nlocals;
	for (size_t i = 0; i < p->nfunctions; i++) {
		size_t n = (size_t)(p->functions[i]->nparams + p->functions[i]->nlocals);

		if (n > fn)
			fn = n;
	}
	return probe + fn * (size_t)p->limits.maxnesting + 1;
}

int rt_create(const struct program *p, struct output *out, struct rt **out_rt)
{
	struct rt *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return -ENOMEM;
	rt->local_pool_size = local_pool_size(p);
	rt->prog = p;
	rt->out = out;
	rt->target_pid = p->target_pid;
	rt->self = getpid();
	rt->globals = calloc(p->nglobals + 1, sizeof(*rt->globals));
	rt->probes = calloc(p->ndprobes + 1, sizeof(*rt->probes));
	rt->local_pool = calloc(rt->local_pool_size, sizeof(*rt->local_pool));
	rt->tasks = task_cache_alloc();
	if (!rt->globals || !rt->probes || !rt->local_pool || !rt->tasks) {
		rt_free(rt);
		return -ENOMEM;
	}
	strbuf_init(&rt->strtmp);
	rt->nprobes = p->ndprobes;
	rt->id_task_fork = rt->id_task_exec = rt->id_task_rename = -1;
	for (size_t i = 0; i < p->ndprobes; i++) {
		rt->probes[i].dp = p->dprobes[i];
		rt->probes[i].h = &p->handlers[p->dprobes[i]->handler];
	}
	scratch_init(&rt->scratch);
	globals_init(rt);
	*out_rt = rt;
	return 0;
}

static bool free_regex(struct ast *n, void *arg)
{
	(void)arg;
	if (n->kind == AST_REGEX && n->aux) {
		regfree(n->aux);
		free(n->aux);
		n->aux = NULL;
	}
	return true;
}

void rt_free(struct rt *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; rt->globals && i < rt->prog->nglobals; i++) {
		struct rt_global *g = &rt->globals[i];

		if (g->is_array)
			map_release(&g->map);
		stats_release(&g->st);
		free(g->s);
	}
	for (size_t i = 0; rt->probes && i < rt->nprobes; i++)
		free(rt->probes[i].fields);
	for (size_t i = 0; rt->local_pool && i < rt->local_pool_size; i++)
		free(rt->local_pool[i].buf);
	for (size_t i = 0; i < rt->prog->nhandlers; i++)
		ast_walk(rt->prog->handlers[i].probe, free_regex, NULL);
	for (size_t i = 0; i < rt->prog->nfunctions; i++)
		ast_walk(rt->prog->functions[i]->body, free_regex, NULL);
	scratch_release(&rt->scratch);
	symbolizer_free(rt->symbols);
	strbuf_release(&rt->strtmp);
	task_cache_free(rt->tasks);
	free(rt->by_id);
	free(rt->filter_refused);
	free(rt->local_pool);
	free(rt->probes);
	free(rt->globals);
	free(rt);
}

void rt_set_output(struct rt *rt, struct output *out)
{
	rt->out = out;
}

void rt_skip_self(struct rt *rt, int pid, uint64_t since)
{
	rt->self = pid;
	rt->self_since = since;
}

static bool is_self(const struct rt *rt, int32_t tid, uint64_t ts)
{
	return tid == rt->self && ts >= rt->self_since;
}

void rt_set_clock_offset(struct rt *rt, int64_t offset)
{
	rt->realtime_offset = offset;
}

struct symbolizer *rt_symbolizer(struct rt *rt)
{
	if (!rt->symbols)
		rt->symbols = symbolizer_alloc();
	return rt->symbols;
}

/* --- binding events ------------------------------------------------------------- */

static int bind_field(struct rt_field *f, const struct ctx_binding *b,
		      struct tep_event *ev, struct diag *d)
{
	struct tep_format_field *tf;

	f->kind = b->kind;
	f->type = b->type;
	f->missing = b->missing;
	f->width = b->width;
	f->bits = b->bits;
	f->is_signed = b->is_signed;
	f->str = b->str;
	f->num = b->num;
	f->quoted = b->quoted;
	if (b->missing || (b->kind != BIND_FIELD && b->kind != BIND_USER_READ &&
			   b->kind != BIND_SYSCALL_NAME))
		return 0;
	tf = tep_find_field(ev, b->field);
	if (!tf) {
		diag_error(d, SRC_NO_RANGE, "event %s:%s has no field '%s'",
			   ev->system, ev->name, b->field);
		return -EINVAL;
	}
	f->offset = tf->offset;
	f->size = tf->size;
	f->data_loc = tf->flags & TEP_FIELD_IS_DYNAMIC;
	if (f->width == 0 || f->width > (unsigned)tf->size)
		f->width = (unsigned)tf->size;
	return 0;
}

static int add_to_id(struct rt *rt, struct rt_probe *p, int id)
{
	if (!rt->by_id || id > rt->max_id) {
		size_t old = rt->by_id ? (size_t)rt->max_id + 1 : 0;
		struct rt_probe **v = realloc(rt->by_id, (size_t)(id + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		memset(v + old, 0, ((size_t)id + 1 - old) * sizeof(*v));
		rt->by_id = v;
		rt->max_id = id;
	}
	/* keep probes in script order for the same event */
	if (!rt->by_id[id]) {
		rt->by_id[id] = p;
	} else {
		struct rt_probe *t = rt->by_id[id];

		while (t->next)
			t = t->next;
		t->next = p;
	}
	return 0;
}

static int bind_probe(struct rt *rt, struct rt_probe *p, struct tep_handle *tep,
		      struct diag *d)
{
	const struct probe_def *def = &rt->prog->plan->defs[p->dp->def_index];
	const struct handler *h = p->h;
	int err = 0;

	p->event = tep_find_event_by_name(tep, def->system, def->event);
	p->kstack = probe_def_takes_kstack(def);
	rt->any_kstack |= p->kstack;
	if (!p->event) {
		diag_error(d, def->loc, "the kernel has no event %s:%s", def->system,
			   def->event);
		return -EINVAL;
	}
	p->fields = calloc((size_t)h->nctx + 1, sizeof(*p->fields));
	if (!p->fields)
		return -ENOMEM;
	for (int i = 0; i < h->nctx && !err; i++)
		err = bind_field(&p->fields[i], &p->dp->ctx[i], p->event, d);
	return err ? err : add_to_id(rt, p, p->event->id);
}

static int helper_id(struct tep_handle *tep, const char *sys, const char *name)
{
	struct tep_event *ev = tep_find_event_by_name(tep, sys, name);

	return ev ? ev->id : -1;
}

int rt_bind_events(struct rt *rt, struct tep_handle *tep, struct diag *d)
{
	int err = 0;

	rt->tep = tep;
	task_cache_set_tep(rt->tasks, tep);
	for (size_t i = 0; i < rt->nprobes && !err; i++)
		if (rt->probes[i].dp->def_index >= 0)
			err = bind_probe(rt, &rt->probes[i], tep, d);
	if (rt->prog->uses_task_info) {
		rt->id_task_fork = helper_id(tep, "sched", "sched_process_fork");
		rt->id_task_exec = helper_id(tep, "sched", "sched_process_exec");
		rt->id_task_rename = helper_id(tep, "task", "task_rename");
	}
	return err;
}

bool rt_wants_event(const struct rt *rt, int id)
{
	return (id >= 0 && id <= rt->max_id && rt->by_id && rt->by_id[id]) ||
	       id == rt->id_task_fork || id == rt->id_task_exec ||
	       id == rt->id_task_rename;
}

/* --- reading records ---------------------------------------------------------- */

static uint64_t read_raw(const unsigned char *p, int size)
{
	uint64_t v = 0;

	switch (size) {
	case 1: return p[0];
	case 2: { uint16_t t; memcpy(&t, p, 2); return t; }
	case 4: { uint32_t t; memcpy(&t, p, 4); return t; }
	default: memcpy(&v, p, size < 8 ? (size_t)size : 8); return v;
	}
}

/* the value as its C type says: an int in an 8-byte slot is an int, a
 * signed bitfield is negative when its top bit is set */
static int64_t field_number(const struct rt_event *ev, const struct rt_field *f)
{
	uint64_t v;
	unsigned bits = f->bits ? f->bits : f->width * 8;

	if (f->offset + f->size > ev->size)
		return 0;
	v = read_raw(ev->data + f->offset, f->size);
	if (bits >= 64)
		return (int64_t)v;
	v &= ((uint64_t)1 << bits) - 1;
	if (f->is_signed && (v >> (bits - 1)))
		v |= ~(((uint64_t)1 << bits) - 1);
	return (int64_t)v;
}

static struct sv field_string(const struct rt_event *ev, const struct rt_field *f)
{
	const char *p;
	size_t len;

	if (f->offset + f->size > ev->size)
		return SV_EMPTY;
	if (f->data_loc) {
		uint32_t loc;

		memcpy(&loc, ev->data + f->offset, 4);
		if ((loc & 0xffff) + (loc >> 16) > (uint32_t)ev->size)
			return SV_EMPTY;
		p = (const char *)ev->data + (loc & 0xffff);
		len = loc >> 16;
	} else {
		p = (const char *)ev->data + f->offset;
		len = (size_t)f->size;
	}
	return sv_from(p, strnlen(p, len));
}

static const struct rt_field *field_of(struct exec *x, const struct ast *e)
{
	if (!x->probe || !x->probe->fields || e->slot < 0)
		return NULL;
	return &x->probe->fields[e->slot];
}

bool ctx_defined(struct exec *x, const struct ast *e)
{
	const struct rt_field *f;

	if (!(e->flags & AST_CTX))
		return true;
	f = field_of(x, e);
	return f && !f->missing;
}

int64_t ctx_num(struct exec *x, const struct ast *e)
{
	const struct rt_field *f = field_of(x, e);

	if (!f || f->missing)
		return 0;
	switch (f->kind) {
	case BIND_FIELD:
		return field_number(x->ev, f);
	case BIND_CONST_NUM:
		return f->num;
	default:
		return 0;
	}
}

/*
 * A NUL-terminated string of process @pid at @addr, at most MAXSTRINGLEN
 * - 1 bytes, read page by page (it may end just before an unmapped page).
 * *@got is how much could be read: 0 when nothing could.
 */
struct sv rt_read_user_string(struct exec *x, int pid, uint64_t addr,
			      size_t *got)
{
	size_t max = max_string_len(x), n = 0;
	char *buf = scratch_alloc(&x->rt->scratch, max + 1);

	*got = 0;
	if (!buf)
		return SV_EMPTY;
	while (n < max) {
		size_t chunk = 4096 - ((addr + n) & 4095);
		struct iovec l, r;
		ssize_t k;

		if (chunk > max - n)
			chunk = max - n;
		l.iov_base = buf + n;
		l.iov_len = chunk;
		r.iov_base = (void *)(uintptr_t)(addr + n);
		r.iov_len = chunk;
		k = process_vm_readv(pid, &l, 1, &r, 1, 0);
		if (k <= 0)
			break;
		*got += (size_t)k;
		if (memchr(buf + n, '\0', (size_t)k))
			return sv_from(buf, strlen(buf));
		n += (size_t)k;
	}
	buf[n] = '\0';
	return sv_from(buf, n);
}

/* the event's process's string at @addr; *@got: 0 when none could be read */
static struct sv read_user_memory(struct exec *x, uint64_t addr, size_t *got)
{
	int pid = task_lookup(x->rt->tasks, x->ev->tid)->tgid;
	struct sv v = rt_read_user_string(x, pid, addr, got);

	if (!*got)
		x->rt->user_read_failures++;
	return v;
}

/* user_string_quoted() as SystemTap's tapset has it: "NULL" for a null
 * pointer, the address when the memory cannot be read */
static struct sv read_user_quoted(struct exec *x, uint64_t addr)
{
	size_t got;
	struct sv v;
	char hex[24];

	if (!addr)
		return sv_from("NULL", 4);
	v = read_user_memory(x, addr, &got);
	if (got)
		return rt_text_str(x, v, true);
	snprintf(hex, sizeof(hex), "0x%" PRIx64, addr);
	return scratch_copy(&x->rt->scratch, sv_from(hex, strlen(hex)));
}

static void format_field(struct exec *x, struct strbuf *sb,
			 const struct tep_format_field *tf, bool argstr)
{
	struct rt_field f = { .kind = BIND_FIELD, .offset = tf->offset,
			      .size = tf->size, .width = (unsigned)tf->size,
			      .data_loc = tf->flags & TEP_FIELD_IS_DYNAMIC };
	char num[40];

	if (sb->len)
		strbuf_add(sb, argstr ? ", " : " ", argstr ? 2 : 1);
	if (!argstr) {
		strbuf_add(sb, tf->name, strlen(tf->name));
		strbuf_add(sb, "=", 1);
	}
	if (tf->flags & TEP_FIELD_IS_STRING) {
		struct sv s = field_string(x->ev, &f);

		strbuf_add(sb, "\"", 1);
		strbuf_add(sb, s.p, s.n);
		strbuf_add(sb, "\"", 1);
		return;
	}
	if (argstr && !(tf->flags & TEP_FIELD_IS_POINTER) && !strchr(tf->type, '*'))
		snprintf(num, sizeof(num), "%" PRId64, field_number(x->ev, &f));
	else
		snprintf(num, sizeof(num), "0x%" PRIx64, (uint64_t)field_number(x->ev, &f));
	strbuf_add(sb, num, strlen(num));
}

/*
 * $$parms: "name=0x1 name2=\"text\"" like SystemTap. @names, when set,
 * lists the fields to show (a kprobe's parameters, in their order; its
 * event records more).
 */
static struct sv format_fields(struct exec *x, bool argstr, const char *names)
{
	struct tep_event *ev = x->probe->event;
	struct strbuf sb;
	struct sv v;

	strbuf_init(&sb);
	for (const char *p = names; p && *p; p += strcspn(p, " "), p += *p == ' ') {
		char name[64];
		const struct tep_format_field *tf;

		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, " "), p);
		tf = tep_find_field(ev, name);
		if (tf)
			format_field(x, &sb, tf, argstr);
	}
	for (struct tep_format_field *tf = ev->format.fields; tf && !names; tf = tf->next)
		if (strcmp(tf->name, "__syscall_nr"))
			format_field(x, &sb, tf, argstr);
	v = scratch_copy(&x->rt->scratch, sv_from(sb.buf ? sb.buf : "", sb.len));
	strbuf_release(&sb);
	return v;
}

/*
 * $$parms of a probe that records more than its parameters: the binding
 * lists "label=field" pairs ("label=?" for what the probe cannot fetch).
 */
static void format_one(struct exec *x, struct strbuf *sb, const char *field,
		       size_t n)
{
	char name[64], num[40];
	struct tep_format_field *tf;
	struct rt_field f = { .kind = BIND_FIELD };

	snprintf(name, sizeof(name), "%.*s", (int)n, field);
	tf = tep_find_field(x->probe->event, name);
	if (!tf || name[0] == '?' || name[0] == '{') {
		strbuf_add(sb, field, n);
		return;
	}
	f.offset = tf->offset;
	f.size = tf->size;
	f.width = (unsigned)tf->size;
	f.data_loc = tf->flags & TEP_FIELD_IS_DYNAMIC;
	if (tf->flags & TEP_FIELD_IS_STRING) {
		struct sv s = field_string(x->ev, &f);

		strbuf_add(sb, "\"", 1);
		strbuf_add(sb, s.p, s.n);
		strbuf_add(sb, "\"", 1);
		return;
	}
	snprintf(num, sizeof(num), "0x%" PRIx64, (uint64_t)field_number(x->ev, &f));
	strbuf_add(sb, num, strlen(num));
}

static struct sv format_listed(struct exec *x, const char *list)
{
	struct strbuf sb;
	struct sv v;

	strbuf_init(&sb);
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, " "), label = strcspn(p, "=");

		if (label < n) {
			strbuf_add(&sb, p, label + 1);
			format_one(x, &sb, p + label + 1, n - label - 1);
		}
		p += n;
		while (*p == ' ')
			strbuf_add(&sb, p++, 1);
	}
	v = scratch_copy(&x->rt->scratch, sv_from(sb.buf ? sb.buf : "", sb.len));
	strbuf_release(&sb);
	return v;
}

/* syscall_any's name: "syscall_NR" for a number tap's table lacks */
static struct sv syscall_name_of(struct exec *x, int64_t nr)
{
	const char *name = syscall_name((long)nr);
	char buf[32];

	if (name)
		return sv_from(name, strlen(name));
	snprintf(buf, sizeof(buf), "syscall_%" PRId64, nr);
	return scratch_copy(&x->rt->scratch, sv_from(buf, strlen(buf)));
}

struct sv ctx_str(struct exec *x, const struct ast *e)
{
	const struct rt_field *f = field_of(x, e);

	if (!f || f->missing)
		return SV_EMPTY;
	switch (f->kind) {
	case BIND_FIELD:
		return rt_clamp(x, field_string(x->ev, f));
	case BIND_CONST_STR:
		return sv_from(f->str, strlen(f->str));
	case BIND_USER_READ: {
		uint64_t addr = (uint64_t)field_number(x->ev, f) + (uint64_t)f->num;
		size_t got;

		return f->quoted ? read_user_quoted(x, addr) : read_user_memory(x, addr, &got);
	}
	case BIND_PARMS:
		/* uprobes list "label=field" pairs, kprobes field names */
		if (f->str && strchr(f->str, '='))
			return format_listed(x, f->str);
		return format_fields(x, false, f->str);
	case BIND_ARGSTR:
		return format_fields(x, true, f->str);
	case BIND_SYSCALL_NAME:
		return syscall_name_of(x, field_number(x->ev, f));
	default:
		return SV_EMPTY;
	}
}

/* --- running handlers ----------------------------------------------------------- */

static void report_error(struct rt *rt);

/* the kernel applies this probe's filter (it may have refused it) */
static bool filtered(const struct rt *rt, const struct dprobe *dp)
{
	return dp->def_index < 0 || !rt->filter_refused ||
	       !rt->filter_refused[dp->def_index];
}

void rt_filter_refused(struct rt *rt, int def)
{
	if (!rt->filter_refused)
		rt->filter_refused = calloc(rt->prog->plan->ndefs + 1, sizeof(bool));
	if (rt->filter_refused)
		rt->filter_refused[def] = true;
}

/* --format=json: what the record's object says besides the text */
static void record_end(struct rt *rt, const struct rt_probe *p,
		       const struct rt_event *ev)
{
	struct exec x = { .rt = rt, .ev = ev };
	struct json_record jr = { .probe = p->dp->pp };
	const struct task_info *t;

	if (rt->out->format != OUTPUT_JSON) {
		output_record_end(rt->out, NULL);
		return;
	}
	jr.wall_ns = rt_wall_ns(&x);
	if (ev) {
		t = task_lookup(rt->tasks, ev->tid);
		jr.has_event = true;
		jr.cpu = ev->cpu;
		jr.tid = ev->tid;
		jr.pid = t->tgid;
		jr.comm = t->comm;
		jr.event = p->event;
		jr.data = ev->data;
		jr.size = ev->size;
	}
	output_record_end(rt->out, &jr);
}

static void run_probe(struct rt *rt, const struct rt_probe *p,
		      const struct rt_event *ev)
{
	struct exec x = { .rt = rt, .ev = ev, .probe = p };
	const struct dprobe *dp = p->dp;
	struct ast *body = dp->probe->c->a;

	output_record_begin(rt->out);
	rt->actions = 0;
	/* SystemTap gives begin, end and error probes ten times the room:
	 * they run once, and often walk whole arrays */
	rt->action_limit = dp->kind == DPROBE_EVENT || dp->kind == DPROBE_TIMER ?
				   rt->prog->limits.maxaction :
				   rt->prog->limits.maxaction_interruptible;
	rt->depth = 0;
	x.locals = rt->local_pool;
	x.nlocals = p->h->nlocals;
	for (int i = 0; i < x.nlocals; i++) {
		x.locals[i].n = 0;
		x.locals[i].s = SV_EMPTY;
	}
	rt->local_pool_used = (size_t)x.nlocals;
	if (dp->probe->b && !(dp->cond_in_kernel && filtered(rt, dp)) &&
	    !eval_num(&x, dp->probe->b))
		goto out;
	/* the kernel filter already did the leading "if (c) next" */
	if (dp->first_next_in_kernel && filtered(rt, dp) && body)
		body = body->next;
	ast_foreach_child(s, body)
		if (exec_stmt(&x, s) != FLOW_NORMAL)
			break;
out:
	if (x.failed)
		report_error(rt);
	record_end(rt, p, ev);
	scratch_reset(&rt->scratch);
}

static void run_kind(struct rt *rt, enum dprobe_kind kind)
{
	for (size_t i = 0; i < rt->nprobes && !rt->error_stop; i++)
		if (rt->probes[i].dp->kind == kind)
			run_probe(rt, &rt->probes[i], NULL);
	output_commit(rt->out);
}

/*
 * A run-time error: said at once, on stderr, after what handlers printed
 * so far. Past MAXERRORS (0: the first) the script stops, as SystemTap's
 * does; its end then runs the error probes instead of the end probes.
 */
static void report_error(struct rt *rt)
{
	rt->errors++;
	output_flush(rt->out);
	fprintf(stderr, "ERROR: %s\n", rt->errmsg);
	if (rt->errors > (unsigned long)rt->prog->limits.maxerrors)
		rt->error_stop = true;
}

/* xorshift64: cheap, and no one's security rests on it */
static uint64_t xorshift(uint64_t *state)
{
	uint64_t x = *state ? *state : rt_now_ns() | 1;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

uint64_t rt_random(struct rt *rt)
{
	return xorshift(&rt->timer_rng);
}

uint64_t rt_timer_period(uint64_t period_ns, uint64_t spread_ns, uint64_t *rng)
{
	uint64_t offset;

	if (!spread_ns)
		return period_ns;
	offset = xorshift(rng) % (2 * spread_ns + 1);
	if (offset >= spread_ns)
		return period_ns + (offset - spread_ns);
	return period_ns > spread_ns - offset ? period_ns - (spread_ns - offset) : 1;
}

static uint64_t next_period(struct rt *rt, const struct dprobe *dp)
{
	return rt_timer_period(dp->period_ns, dp->randomize_ns, &rt->timer_rng);
}

void rt_run_begin(struct rt *rt)
{
	uint64_t now = rt_now_ns();

	rt->timer_rng = now | 1;
	for (size_t i = 0; i < rt->nprobes; i++)
		if (rt->probes[i].dp->kind == DPROBE_TIMER)
			rt->probes[i].next_fire_ns = now + next_period(rt, rt->probes[i].dp);
	run_kind(rt, DPROBE_BEGIN);
}

void rt_run_end(struct rt *rt)
{
	/* a session stopped by errors runs its error probes, not its end
	 * probes (SystemTap's rule); they may fail and stop it again */
	bool by_errors = rt->error_stop;

	rt->error_stop = false;
	run_kind(rt, by_errors ? DPROBE_ERROR : DPROBE_END);
	rt->error_stop = rt->error_stop || by_errors;
	output_flush(rt->out);
	if (rt->errors)
		fprintf(stderr, "WARNING: Number of errors: %u, skipped probes: 0\n",
			rt->errors);
}

static void task_event(struct rt *rt, int id, const struct rt_event *ev)
{
	struct tep_record rec = { .data = (void *)ev->data, .size = ev->size };
	struct tep_event *te = tep_find_event(rt->tep, id);
	unsigned long long a = 0, b = 0;
	int len;

	if (!te)
		return;
	if (id == rt->id_task_fork) {
		char *pc = tep_get_field_raw(NULL, te, "parent_comm", &rec, &len, 0);
		char *cc = tep_get_field_raw(NULL, te, "child_comm", &rec, &len, 0);

		tep_get_field_val(NULL, te, "parent_pid", &rec, &a, 0);
		tep_get_field_val(NULL, te, "child_pid", &rec, &b, 0);
		task_on_fork(rt->tasks, (int)a, pc, (int)b, cc);
	} else if (id == rt->id_task_exec) {
		char *fn = tep_get_field_raw(NULL, te, "filename", &rec, &len, 0);

		tep_get_field_val(NULL, te, "pid", &rec, &a, 0);
		task_on_exec(rt->tasks, (int)a, fn);
	} else if (id == rt->id_task_rename) {
		char *nc = tep_get_field_raw(NULL, te, "newcomm", &rec, &len, 0);

		tep_get_field_val(NULL, te, "pid", &rec, &a, 0);
		task_on_rename(rt->tasks, (int)a, nc);
	}
}

bool rt_record_takes_kstack(const struct rt *rt, const void *data, int size)
{
	uint16_t id;

	if (size < 8)
		return false;
	memcpy(&id, data, 2);
	for (; rt; rt = rt->next_prog)
		for (struct rt_probe *p = rt->any_kstack && id <= rt->max_id && rt->by_id ?
						  rt->by_id[id] : NULL;
		     p; p = p->next)
			if (p->kstack)
				return true;
	return false;
}

/* a kernel_stack record: "int size" (the callers) at 8, the callers at 16 */
static void take_kstack(struct rt_event *ev, const unsigned char *stack, int size)
{
	int32_t n;

	ev->kstack = NULL;
	ev->nkstack = 0;
	if (!stack || size < 16)
		return;
	memcpy(&n, stack + 8, 4);
	if (n > (size - 16) / 8)
		n = (size - 16) / 8;
	ev->kstack = stack + 16;
	ev->nkstack = n > 0 ? n : 0;
}

void rt_handle_record(struct rt *rt, int cpu, uint64_t ts, const void *data,
		      int size)
{
	rt_handle_record_kstack(rt, cpu, ts, data, size, NULL, 0);
}

void rt_handle_record_kstack(struct rt *rt, int cpu, uint64_t ts, const void *data,
			     int size, const void *stack, int stack_size)
{
	const unsigned char *d = data;
	struct rt_event ev = { 0 };
	uint16_t id;
	int32_t tid;

	if (size < 8 || rt->exit_requested || rt->error_stop)
		return;
	memcpy(&id, d, 2);
	memcpy(&tid, d + 4, 4);
	if (is_self(rt, tid, ts))
		return;
	ev.data = d;
	ev.size = size;
	ev.cpu = cpu;
	ev.ts = ts;
	ev.tid = tid;
	ev.probe = NULL;
	take_kstack(&ev, stack, stack_size);
	if (id <= rt->max_id && rt->by_id) {
		for (struct rt_probe *p = rt->by_id[id]; p; p = p->next) {
			ev.probe = p;
			p->hits++;
			rt->events_handled++;
			run_probe(rt, p, &ev);
			if (rt->exit_requested || rt->error_stop)
				break;
		}
	}
	/* after the handlers: a fork event's handler sees the parent */
	if (id == rt->id_task_fork || id == rt->id_task_exec ||
	    id == rt->id_task_rename)
		task_event(rt, id, &ev);
	output_commit(rt->out);
	/* a shared buffer: each event runs the handlers of its own script */
	if (rt->next_prog)
		rt_handle_record_kstack(rt->next_prog, cpu, ts, data, size, stack, stack_size);
}

uint64_t rt_next_timer(const struct rt *rt)
{
	uint64_t next = rt->next_prog ? rt_next_timer(rt->next_prog) : UINT64_MAX;

	for (size_t i = 0; i < rt->nprobes; i++)
		if (rt->probes[i].dp->kind == DPROBE_TIMER &&
		    rt->probes[i].next_fire_ns < next)
			next = rt->probes[i].next_fire_ns;
	return next;
}

void rt_run_timers(struct rt *rt, uint64_t now)
{
	for (size_t i = 0; i < rt->nprobes; i++) {
		struct rt_probe *p = &rt->probes[i];

		if (p->dp->kind != DPROBE_TIMER || p->next_fire_ns > now)
			continue;
		if (rt->exit_requested || rt->error_stop)
			return;
		run_probe(rt, p, NULL);
		p->next_fire_ns += next_period(rt, p->dp);
		/* a slow handler does not make a backlog of ticks */
		if (p->next_fire_ns <= now)
			p->next_fire_ns = now + next_period(rt, p->dp);
	}
	output_commit(rt->out);
	if (rt->next_prog)
		rt_run_timers(rt->next_prog, now);
}

void rt_set_snapshot(struct rt *rt, void (*fn)(void *arg), void *arg)
{
	rt->snapshot = fn;
	rt->snapshot_arg = arg;
}

void rt_snapshot(struct rt *rt)
{
	if (rt->snapshot)
		rt->snapshot(rt->snapshot_arg);
}

void rt_chain(struct rt *rt, struct rt *next)
{
	while (rt->next_prog)
		rt = rt->next_prog;
	rt->next_prog = next;
}

void rt_unchain(struct rt *rt, struct rt *prog)
{
	for (; rt; rt = rt->next_prog) {
		if (rt->next_prog == prog) {
			rt->next_prog = prog->next_prog;
			prog->next_prog = NULL;
			return;
		}
	}
}

bool rt_should_stop(const struct rt *rt)
{
	return rt->exit_requested || rt->error_stop;
}

int rt_exit_status(const struct rt *rt)
{
	return rt->errors ? 1 : 0;
}

const char *rt_error(const struct rt *rt)
{
	return rt->errors ? rt->errmsg : NULL;
}

uint64_t rt_events_handled(const struct rt *rt)
{
	return rt->events_handled;
}

void rt_flush(struct rt *rt)
{
	output_flush(rt->out);
}

void rt_set_target(struct rt *rt, long pid)
{
	rt->target_pid = pid;
}

unsigned long long rt_user_read_failures(const struct rt *rt)
{
	return rt->user_read_failures;
}

bool rt_output_closed(const struct rt *rt)
{
	return rt->out->error == -EPIPE;
}

void rt_handle_perf(struct rt *rt, int probe, int cpu, uint64_t ts, int pid,
		    int tid, uint64_t ip, bool user)
{
	struct rt_event ev = { .cpu = cpu, .ts = ts, .tid = tid, .ip = ip,
			       .ip_user = user };

	if (probe < 0 || (size_t)probe >= rt->nprobes || is_self(rt, tid, ts) ||
	    rt->exit_requested || rt->error_stop)
		return;
	ev.probe = &rt->probes[probe];
	/* a sample knows its process: teach the task table */
	task_note_tgid(rt->tasks, tid, pid);
	rt->probes[probe].hits++;
	rt->events_handled++;
	run_probe(rt, &rt->probes[probe], &ev);
	output_commit(rt->out);
}
