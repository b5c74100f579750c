// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rebuilding a program from a plan file (planfile.h) instead of asking
 * the target: the derived probes come from "#@ dprobe" records, their
 * context values from "#@ bind" records (through a provider of its own),
 * and the kernel definitions from the plan's tracefs lines.
 */
#include "replay.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"
#include "planfile.h"
#include "escape.h"

struct replay_bind {
	int slot;
	struct ctx_binding b;	/* its strings point at key/field/str below */
	char *key, *field, *str;
};

struct replay_dprobe {
	int handler, point;
	enum dprobe_kind kind;
	int def;
	uint64_t period_ns, randomize_ns;
	bool cond, next;
	struct perf_spec perf;
	char *pp, *func, *perf_name;
	struct replay_bind *binds;
	int nbinds;
};

struct plan_replay {
	struct replay_dprobe *dprobes;
	size_t ndprobes;
	bool task_info;
	/* from the plan's lines */
	struct plan_instance inst;
	bool has_instance;
	char *events_file;
	struct probe_def *defs;
	size_t ndefs;
	char **notes;
	size_t nnotes;
};

int replay_alloc(struct plan_replay **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	(*out)->inst.buffer_percent = -1;
	return 0;
}

void replay_free(struct plan_replay *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ndprobes; i++) {
		struct replay_dprobe *d = &r->dprobes[i];

		for (int k = 0; k < d->nbinds; k++) {
			free(d->binds[k].key);
			free(d->binds[k].field);
			free(d->binds[k].str);
		}
		free(d->binds);
		free(d->pp);
		free(d->func);
		free(d->perf_name);
	}
	free(r->dprobes);
	for (size_t i = 0; i < r->ndefs; i++)
		probe_def_release(&r->defs[i]);
	free(r->defs);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->inst.name);
	free(r->inst.clock);
	free(r->inst.event_pids);
	free(r->events_file);
	free(r);
}

/* --- writing the records ------------------------------------------------------ */

static int point_index(const struct ast *probe, const struct ast *point)
{
	int i = 0;

	ast_foreach_child(p, probe->a)
	{
		if (p == point)
			return i;
		i++;
	}
	return -1;
}

static void write_bind(FILE *f, int slot, const char *key, const struct ctx_binding *b)
{
	/* the last number tells an empty string ($$locals of a line
	 * without locals) from none (all of the event's fields) */
	fprintf(f, "#@ bind %d %d %d %u %u %d %d %d %" PRId64 " %u %d %d\t", slot, (int)b->kind,
		(int)b->type, b->width, b->storage, b->storage_signed, b->is_signed,
		b->missing, b->num, b->bits, b->quoted, b->str != NULL);
	escape_put(f, key);
	fputc('\t', f);
	escape_put(f, b->field);
	fputc('\t', f);
	escape_put(f, b->str);
	fputc('\n', f);
}

void replay_write_records(FILE *f, const struct program *p)
{
	fprintf(f, "#@ task_info %d\n", p->uses_task_info ? 1 : 0);
	for (size_t i = 0; i < p->ndprobes; i++) {
		const struct dprobe *dp = p->dprobes[i];
		const struct handler *h = &p->handlers[dp->handler];

		fprintf(f, "#@ dprobe %d %d %d %d %" PRIu64 " %d %d %u %" PRIu64 " %" PRIu64
			   " %" PRIu64 "\t",
			dp->handler, point_index(dp->probe, dp->point), (int)dp->kind,
			dp->def_index, dp->period_ns, dp->cond_in_kernel,
			dp->first_next_in_kernel, dp->perf.type, dp->perf.config,
			dp->perf.period, dp->randomize_ns);
		escape_put(f, dp->pp);
		fputc('\t', f);
		escape_put(f, dp->func);
		fputc('\t', f);
		escape_put(f, dp->perf.name);
		fputc('\n', f);
		for (int k = 0; k < h->nctx; k++)
			write_bind(f, k, h->ctx_keys[k], &dp->ctx[k]);
	}
}

/* --- reading the records -------------------------------------------------------- */

/* the tab-separated escaped strings after the numbers */
static int split_strings(const char *v, size_t vlen, char **out, int n)
{
	const char *end = v + vlen, *p = memchr(v, '\t', vlen);

	for (int i = 0; i < n; i++) {
		const char *q;

		if (!p)
			return -EINVAL;
		p++;
		q = memchr(p, '\t', (size_t)(end - p));
		if (!q)
			q = end;
		out[i] = escape_get(p, (size_t)(q - p));
		if (!out[i])
			return -ENOMEM;
		p = q < end ? q : NULL;
	}
	return 0;
}

static int parse_dprobe(struct plan_replay *r, const char *v, size_t vlen)
{
	struct replay_dprobe *nv, *d;
	char *s[3] = { 0 };
	int kind, cond, next;

	nv = realloc(r->dprobes, (r->ndprobes + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	r->dprobes = nv;
	d = &nv[r->ndprobes];
	memset(d, 0, sizeof(*d));
	/* (files written before randomize() have 10 numbers) */
	if (sscanf(v, "%d %d %d %d %" SCNu64 " %d %d %u %" SCNu64 " %" SCNu64 " %" SCNu64,
		   &d->handler, &d->point, &kind, &d->def, &d->period_ns, &cond, &next,
		   &d->perf.type, &d->perf.config, &d->perf.period, &d->randomize_ns) < 10 ||
	    split_strings(v, vlen, s, 3)) {
		free(s[0]);
		free(s[1]);
		free(s[2]);
		return -EINVAL;
	}
	d->kind = (enum dprobe_kind)kind;
	d->cond = cond;
	d->next = next;
	d->pp = s[0];
	d->func = s[1];
	d->perf_name = s[2];
	r->ndprobes++;
	return 0;
}

static int parse_bind(struct plan_replay *r, const char *v, size_t vlen)
{
	struct replay_dprobe *d;
	struct replay_bind *nv, *b;
	int kind, type, ss, sg, miss, quoted = 0, has_str = -1;
	char *s[3] = { 0 };

	if (!r->ndprobes)
		return -EINVAL;
	d = &r->dprobes[r->ndprobes - 1];
	nv = realloc(d->binds, (size_t)(d->nbinds + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	d->binds = nv;
	b = &nv[d->nbinds];
	memset(b, 0, sizeof(*b));
	/* plan files from before bitfields had signs end at num, those
	 * from before quoted tapset strings at bits, and those from before
	 * empty strings were kept at quoted */
	if (sscanf(v, "%d %d %d %u %u %d %d %d %" SCNd64 " %u %d %d", &b->slot, &kind, &type,
		   &b->b.width, &b->b.storage, &ss, &sg, &miss, &b->b.num, &b->b.bits,
		   &quoted, &has_str) < 9 ||
	    split_strings(v, vlen, s, 3)) {
		free(s[0]);
		free(s[1]);
		free(s[2]);
		return -EINVAL;
	}
	b->b.kind = (enum binding_kind)kind;
	b->b.type = (enum tap_type)type;
	b->b.storage_signed = ss;
	b->b.is_signed = sg;
	b->b.missing = miss;
	b->b.quoted = quoted;
	b->key = s[0];
	b->field = s[1];
	b->str = s[2];
	/* an empty string was NULL when written (a string, unless said) */
	for (int i = 1; i < 3; i++) {
		char **slot = i == 1 ? &b->field : &b->str;

		if (!**slot && !(i == 2 && has_str == 1)) {
			free(*slot);
			*slot = NULL;
		}
	}
	b->b.field = b->field;
	b->b.str = b->str;
	d->nbinds++;
	return 0;
}

int replay_parse_record(struct plan_replay *r, const char *key, const char *v,
			size_t vlen)
{
	if (!strcmp(key, "task_info")) {
		r->task_info = *v == '1';
		return 0;
	}
	if (!strcmp(key, "dprobe"))
		return parse_dprobe(r, v, vlen);
	if (!strcmp(key, "bind"))
		return parse_bind(r, v, vlen);
	return -EINVAL;
}

/* --- the plan's tracefs lines ------------------------------------------------------ */

/* a value as plan.c's put_value() writes it: bare, or in single quotes */
static char *unquote(const char *v)
{
	size_t n = strlen(v);
	char *out = malloc(n + 1), *o = out;

	if (!out || *v != '\'') {
		free(out);
		return strdup(v);
	}
	for (const char *p = v + 1; *p; p++) {
		if (!strncmp(p, "'\\''", 4)) {
			*o++ = '\'';
			p += 3;
		} else if (*p != '\'') {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static struct probe_def *add_def(struct plan_replay *r)
{
	struct probe_def *nv = realloc(r->defs, (r->ndefs + 1) * sizeof(*nv));

	if (!nv)
		return NULL;
	r->defs = nv;
	memset(&nv[r->ndefs], 0, sizeof(*nv));
	nv[r->ndefs].loc = SRC_NO_RANGE;
	return &nv[r->ndefs++];
}

/* "name=arg[:type]": the type is a word after the last ':' */
static int parse_fetch(struct probe_def *d, const char *w)
{
	const char *eq = strchr(w, '='), *colon;
	struct probe_fetch *nv, *f;

	if (!eq)
		return -EINVAL;
	nv = realloc(d->fetch, (d->nfetch + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	d->fetch = nv;
	f = &nv[d->nfetch++];
	memset(f, 0, sizeof(*f));
	f->name = strndup(w, (size_t)(eq - w));
	colon = strrchr(eq + 1, ':');
	if (colon && colon[1] && strspn(colon + 1, "abcdefghijklmnopqrstuvwxyz0123456789[]") ==
					 strlen(colon + 1)) {
		f->arg = strndup(eq + 1, (size_t)(colon - eq - 1));
		f->type = strdup(colon + 1);
	} else {
		f->arg = strdup(eq + 1);
	}
	return f->name && f->arg ? 0 : -ENOMEM;
}

/* where a dynamic event is: "PATH:0xOFF[(0xREF)]", "SYM[+OFF]", "SYS.EV" */
static int parse_place(struct probe_def *d, const char *w)
{
	const char *hex = strstr(w, ":0x");

	if (d->kind == PROBE_DEF_EPROBE) {
		d->target = strdup(w);
	} else if (hex) {
		char *end;

		d->kind = d->kind == PROBE_DEF_KRETPROBE ? PROBE_DEF_URETPROBE : PROBE_DEF_UPROBE;
		d->target = strndup(w, (size_t)(hex - w));
		d->offset = strtoull(hex + 1, &end, 16);
		if (*end == '(')
			d->ref_ctr = strtoull(end + 1, NULL, 16);
	} else {
		const char *plus = strrchr(w, '+');

		d->target = plus ? strndup(w, (size_t)(plus - w)) : strdup(w);
		d->offset = plus ? strtoull(plus + 1, NULL, 10) : 0;
	}
	return d->target ? 0 : -ENOMEM;
}

/* "p:GRP/EV PLACE a=b:t ..." (probe_def_format()'s words) */
static int parse_dynamic(struct plan_replay *r, const char *line)
{
	struct probe_def *d = add_def(r);
	char *copy = strdup(line), *save = NULL, *w, *slash;
	int err = 0;

	if (!d || !copy) {
		free(copy);
		return -ENOMEM;
	}
	w = strtok_r(copy, " ", &save);
	slash = w ? strchr(w, '/') : NULL;
	if (!w || !slash || !strchr(w, ':')) {
		free(copy);
		return -EINVAL;
	}
	d->kind = *w == 'r' ? PROBE_DEF_KRETPROBE : *w == 'e' ? PROBE_DEF_EPROBE :
							      PROBE_DEF_KPROBE;
	if (*w == 'r' && isdigit((unsigned char)w[1]))
		d->maxactive = (unsigned)strtoul(w + 1, NULL, 10);
	d->system = strndup(strchr(w, ':') + 1, (size_t)(slash - strchr(w, ':') - 1));
	d->event = strdup(slash + 1);
	w = strtok_r(NULL, " ", &save);
	err = w ? parse_place(d, w) : -EINVAL;
	while (!err && (w = strtok_r(NULL, " ", &save)))
		err = parse_fetch(d, w);
	free(copy);
	return err;
}

static int set_events_file(struct plan_replay *r, const char *file)
{
	free(r->events_file);
	r->events_file = strdup(file);
	return r->events_file ? 0 : -ENOMEM;
}

static struct probe_def *find_def(struct plan_replay *r, const char *sys, const char *ev)
{
	for (size_t i = 0; i < r->ndefs; i++)
		if (!strcmp(r->defs[i].system, sys) && !strcmp(r->defs[i].event, ev))
			return &r->defs[i];
	return NULL;
}

/*
 * The enables came in probe_defs_enable_order(), which reverses the
 * uprobes of one address in their places: doing it again gives the
 * definitions' order back.
 */
static int undo_enable_order(struct probe_def *defs, size_t n)
{
	size_t *order = malloc((n ? n : 1) * sizeof(*order));
	struct probe_def *copy = malloc((n ? n : 1) * sizeof(*copy));

	if (!order || !copy) {
		free(order);
		free(copy);
		return -ENOMEM;
	}
	memcpy(copy, defs, n * sizeof(*defs));
	probe_defs_enable_order(copy, n, order);
	for (size_t i = 0; i < n; i++)
		defs[i] = copy[order[i]];
	free(order);
	free(copy);
	return 0;
}

/*
 * Enables come in enable order (filter, trigger, enable for each), so
 * the order they name events in gives the definitions' order: dynamic ones
 * move from their "append" line to their place, tracepoints are new.
 */
static int event_write(struct plan_replay *r, size_t *order, size_t *n,
		       const char *rest, const char *value)
{
	char sys[256], ev[256], file[32];
	struct probe_def *d;

	if (sscanf(rest, "%255[^/]/%255[^/]/%31s", sys, ev, file) != 3)
		return -EINVAL;
	d = *n ? &r->defs[order[*n - 1]] : NULL;
	if (!d || strcmp(d->system, sys) || strcmp(d->event, ev)) {
		d = find_def(r, sys, ev);
		if (!d) {
			d = add_def(r);
			if (!d)
				return -ENOMEM;
			d->kind = PROBE_DEF_TRACEPOINT;
			d->system = strdup(sys);
			d->event = strdup(ev);
		}
		order[(*n)++] = (size_t)(d - r->defs);
	}
	if (!strcmp(file, "filter"))
		d->filter = unquote(value);
	else if (!strcmp(file, "trigger"))
		d->trigger = unquote(value);
	return 0;
}

/* instances/NAME/FILE VALUE */
static int instance_write(struct plan_replay *r, const char *file, const char *value)
{
	struct plan_instance *in = &r->inst;

	if (!strcmp(file, "buffer_size_kb"))
		in->buffer_kb = (unsigned)strtoul(value, NULL, 10);
	else if (!strcmp(file, "trace_clock"))
		in->clock = unquote(value);
	else if (!strcmp(file, "options/overwrite"))
		in->overwrite = *value == '1';
	else if (!strcmp(file, "options/record-tgid"))
		in->record_tgid = true;
	else if (!strcmp(file, "buffer_percent"))
		in->buffer_percent = atoi(value);
	else if (!strcmp(file, "options/event-fork"))
		in->event_fork = true;
	else if (!strcmp(file, "set_event_pid"))
		in->event_pids = unquote(value);
	return 0;
}

/* "append dynamic_events 'p:...'": a dynamic event's definition */
static int append_line(struct plan_replay *r, const char *file, const char *value)
{
	char *def = unquote(value);
	int err = def ? parse_dynamic(r, def) : -ENOMEM;

	free(def);
	if (!err && set_events_file(r, file))
		err = -ENOMEM;
	return err;
}

static int plan_line(struct plan_replay *r, char *line, size_t *order, size_t *n)
{
	char *verb = line, *path, *value;
	size_t len;

	path = strchr(line, ' ');
	if (!path)
		return -EINVAL;
	*path++ = '\0';
	path += strspn(path, " ");
	if (!strcmp(verb, "mkdir"))
		return (r->inst.name = strdup(path + strlen("instances/"))) ? 0 : -ENOMEM;
	value = strchr(path, ' ');
	if (!value)
		return -EINVAL;
	*value++ = '\0';
	if (!strcmp(verb, "append"))
		return append_line(r, path, value);
	if (strncmp(path, "instances/", 10) || !r->inst.name)
		return -EINVAL;
	path += 10;
	len = strlen(r->inst.name);
	if (strncmp(path, r->inst.name, len) || path[len] != '/')
		return -EINVAL;
	path += len + 1;
	if (!strncmp(path, "events/", 7))
		return event_write(r, order, n, path + 7, value);
	return instance_write(r, path, value);
}

/* -p2's lines about the program, which it prints again after the plan */
static bool program_line(const char *line)
{
	return !strncmp(line, "# handler ", 10) || !strncmp(line, "# global ", 9) ||
	       !strncmp(line, "# function ", 11);
}

int replay_parse_plan(struct plan_replay *r, const char *text)
{
	char *copy = strdup(text), *save = NULL;
	size_t *order = NULL;
	size_t n = 0, lines = 0;
	bool in_notes = false;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	order = calloc(lines + 1, sizeof(*order));
	for (char *line = strtok_r(copy, "\n", &save); order && line && !err;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# kernel ", 9)) {
			in_notes = true;
		} else if (line[0] == '#') {
			in_notes = in_notes && !program_line(line);
			if (in_notes && line[1] == ' ') {
				char **nv = realloc(r->notes, (r->nnotes + 1) * sizeof(*nv));

				if (!nv || !(nv[r->nnotes] = strdup(line + 2)))
					err = -ENOMEM;
				else
					r->notes = nv, r->nnotes++;
			}
		} else {
			in_notes = false;
			err = plan_line(r, line, order, &n);
		}
	}
	if (!order)
		err = -ENOMEM;
	/* the definitions in the order their enables came */
	if (!err && n == r->ndefs) {
		struct probe_def *sorted = malloc((n + 1) * sizeof(*sorted));

		if (!sorted) {
			err = -ENOMEM;
		} else {
			for (size_t i = 0; i < n; i++)
				sorted[i] = r->defs[order[i]];
			free(r->defs);
			r->defs = sorted;
			err = undo_enable_order(r->defs, n);
		}
	} else if (!err) {
		err = -EINVAL;	/* a dynamic event that is never enabled */
	}
	free(order);
	free(copy);
	return err;
}

/* --- into a compile ------------------------------------------------------------------ */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int copy_def(struct probe_def *to, const struct probe_def *from)
{
	*to = *from;
	to->system = dup_or_null(from->system);
	to->event = dup_or_null(from->event);
	to->target = dup_or_null(from->target);
	to->filter = dup_or_null(from->filter);
	to->trigger = dup_or_null(from->trigger);
	to->fetch = calloc(from->nfetch + 1, sizeof(*to->fetch));
	if (!to->fetch)
		return -ENOMEM;
	for (size_t i = 0; i < from->nfetch; i++) {
		to->fetch[i].name = dup_or_null(from->fetch[i].name);
		to->fetch[i].arg = dup_or_null(from->fetch[i].arg);
		to->fetch[i].type = dup_or_null(from->fetch[i].type);
	}
	return 0;
}

static int set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = dup_or_null(v);
	return !v || *slot ? 0 : -ENOMEM;
}

/* the kernel part of the plan, once, from the plan's lines */
static int replay_plan(struct compile *c, const struct plan_replay *r)
{
	struct plan *plan = c->prog->plan;
	struct plan_instance *in = &plan->instance;
	int err = 0;

	if (plan->ndefs || plan->nnotes)
		return 0;
	c->prog->uses_task_info = r->task_info;
	for (size_t i = 0; !err && i < r->nnotes; i++)
		if (plan_add_note(plan, "%s", r->notes[i]))
			err = -ENOMEM;
	for (size_t i = 0; !err && i < r->ndefs; i++) {
		struct probe_def *d = plan_add_def(plan);

		err = d ? copy_def(d, &r->defs[i]) : -ENOMEM;
	}
	if (err || !r->inst.name)
		return err;
	in->buffer_kb = r->inst.buffer_kb;
	in->overwrite = r->inst.overwrite;
	in->record_tgid = r->inst.record_tgid;
	in->buffer_percent = r->inst.buffer_percent;
	in->event_fork = r->inst.event_fork;
	err = set_str(&in->name, r->inst.name);
	if (!err)
		err = set_str(&in->clock, r->inst.clock);
	if (!err)
		err = set_str(&in->event_pids, r->inst.event_pids);
	if (!err && r->events_file)
		err = set_str(&plan->events_file, r->events_file);
	return err;
}

static const struct replay_bind *find_bind(const struct replay_dprobe *rd, int slot,
					   const char *key)
{
	for (int k = 0; k < rd->nbinds; k++)
		if (rd->binds[k].slot == slot && !strcmp(rd->binds[k].key, key))
			return &rd->binds[k];
	return NULL;
}

static int replay_bind(struct compile *c, struct dprobe *dp, const struct ctx_ref *ref,
		       struct ctx_binding *b)
{
	const struct handler *h = &c->prog->handlers[dp->handler];
	const struct replay_dprobe *rd = dp->pdata;

	for (int k = 0; k < h->nctx; k++) {
		const struct replay_bind *rb;

		if (h->ctx_nodes[k]->aux != ref)
			continue;
		rb = find_bind(rd, k, h->ctx_keys[k]);
		if (!rb)
			return -ENOENT;
		*b = rb->b;
		b->field = rb->field ? arena_strdup(c->arena, rb->field) : NULL;
		b->str = rb->str ? arena_strdup(c->arena, rb->str) : NULL;
		return 0;
	}
	return -ENOENT;
}

/* a bare context name ("name", "retval") is one the records bind */
static bool replay_has_name(const struct dprobe *dp, const char *name)
{
	const struct replay_dprobe *rd = dp->pdata;

	for (int k = 0; k < rd->nbinds; k++)
		if (!strcmp(rd->binds[k].key, name))
			return true;
	return false;
}

static const struct provider replay_provider = {
	.name = "plan file",
	.bind = replay_bind,
	.has_name = replay_has_name,
};

static int add_replayed(struct compile *c, struct ast *probe, struct ast *point,
			const struct replay_dprobe *rd)
{
	struct plan *plan = c->prog->plan;
	struct dprobe *dp = compile_add_dprobe(c, probe, point, &replay_provider, rd->kind);

	if (!dp)
		return -ENOMEM;
	if (rd->def >= (int)plan->ndefs)
		return -EINVAL;
	dp->pp = arena_strdup(c->arena, rd->pp);
	dp->func = arena_strdup(c->arena, rd->func);
	dp->period_ns = rd->period_ns;
	dp->randomize_ns = rd->randomize_ns;
	dp->perf = rd->perf;
	dp->perf.name = *rd->perf_name ? arena_strdup(c->arena, rd->perf_name) : NULL;
	dp->def_index = rd->def;
	dp->cond_in_kernel = rd->cond;
	dp->first_next_in_kernel = rd->next;
	dp->pdata = (void *)rd;
	if (rd->def >= 0 && !src_range_valid(plan->defs[rd->def].loc))
		plan->defs[rd->def].loc = point->loc;
	return dp->pp && dp->func ? 0 : -ENOMEM;
}

int replay_expand(struct compile *c, struct ast *probe, struct ast *point)
{
	const struct plan_replay *r = c->opts->replay;
	int pi = point_index(probe, point);
	int err = replay_plan(c, r);

	for (size_t i = 0; !err && i < r->ndprobes; i++)
		if (r->dprobes[i].handler == probe->slot && r->dprobes[i].point == pi)
			err = add_replayed(c, probe, point, &r->dprobes[i]);
	if (err == -EINVAL)
		diag_error(c->diag, point->loc, "the plan file does not fit this script");
	return err;
}
