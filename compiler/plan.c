// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct plan *plan_alloc(void)
{
	struct plan *p = calloc(1, sizeof(*p));

	if (p) {
		p->instance.buffer_kb = PLAN_DEFAULT_BUFFER_KB;
		p->instance.buffer_percent = -1;
	}
	return p;
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ndefs; i++)
		probe_def_release(&p->defs[i]);
	for (size_t i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
	free(p->notes);
	free(p->defs);
	free(p->session);
	free(p->group);
	free(p->events_file);
	free(p->instance.name);
	free(p->instance.clock);
	free(p->instance.event_pids);
	free(p->kernel_release);
	free(p->script_name);
	free(p->script_hash);
	free(p);
}

struct probe_def *plan_add_def(struct plan *p)
{
	struct probe_def *defs = realloc(p->defs, (p->ndefs + 1) * sizeof(*defs));

	if (!defs)
		return NULL;
	p->defs = defs;
	memset(&defs[p->ndefs], 0, sizeof(defs[0]));
	return &defs[p->ndefs++];
}

struct probe_def *plan_find_tracepoint(struct plan *p, const char *system,
				       const char *event)
{
	for (size_t i = 0; i < p->ndefs; i++) {
		struct probe_def *d = &p->defs[i];

		if (d->kind == PROBE_DEF_TRACEPOINT &&
		    !strcmp(d->system, system) && !strcmp(d->event, event))
			return d;
	}
	return NULL;
}

int plan_add_note(struct plan *p, const char *fmt, ...)
{
	char **notes = realloc(p->notes, (p->nnotes + 1) * sizeof(*notes));
	va_list ap;
	int n;

	if (!notes)
		return -1;
	p->notes = notes;
	va_start(ap, fmt);
	n = vasprintf(&notes[p->nnotes], fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	p->nnotes++;
	return 0;
}

/* single-quotes a value that a shell would split or expand */
static void put_value(FILE *out, const char *v)
{
	if (*v && !strpbrk(v, " \t\n'\"\\$`*?[]()<>|&;!#~{}")) {
		fputs(v, out);
		return;
	}
	fputc('\'', out);
	for (; *v; v++) {
		if (*v == '\'')
			fputs("'\\''", out);
		else
			fputc(*v, out);
	}
	fputc('\'', out);
}

static void put_write(FILE *out, const char *verb, const char *path,
		      const char *value)
{
	fprintf(out, "%-6s %s ", verb, path);
	put_value(out, value);
	fputc('\n', out);
}

static void put_event_write(const struct plan *p, FILE *out,
			    const struct probe_def *d, const char *file,
			    const char *value)
{
	char path[1024];

	snprintf(path, sizeof(path), "instances/%s/events/%s/%s/%s",
		 p->instance.name, d->system, d->event, file);
	put_write(out, "write", path, value);
}

static void print_instance(const struct plan *p, FILE *out)
{
	const struct plan_instance *in = &p->instance;
	char path[512], num[32];

	fprintf(out, "mkdir  instances/%s\n", in->name);
	/* nothing records until every event is in place */
	snprintf(path, sizeof(path), "instances/%s/tracing_on", in->name);
	put_write(out, "write", path, "0");
	snprintf(path, sizeof(path), "instances/%s/buffer_size_kb", in->name);
	snprintf(num, sizeof(num), "%u", in->buffer_kb);
	put_write(out, "write", path, num);
	if (in->clock) {
		snprintf(path, sizeof(path), "instances/%s/trace_clock", in->name);
		put_write(out, "write", path, in->clock);
	}
	snprintf(path, sizeof(path), "instances/%s/options/overwrite", in->name);
	put_write(out, "write", path, in->overwrite ? "1" : "0");
	if (in->record_tgid) {
		snprintf(path, sizeof(path), "instances/%s/options/record-tgid", in->name);
		put_write(out, "write", path, "1");
	}
	if (in->buffer_percent >= 0) {
		snprintf(path, sizeof(path), "instances/%s/buffer_percent", in->name);
		snprintf(num, sizeof(num), "%d", in->buffer_percent);
		put_write(out, "write", path, num);
	}
	if (in->event_fork) {
		snprintf(path, sizeof(path), "instances/%s/options/event-fork", in->name);
		put_write(out, "write", path, "1");
	}
	if (in->event_pids) {
		snprintf(path, sizeof(path), "instances/%s/set_event_pid", in->name);
		put_write(out, "write", path, in->event_pids);
	}
}

void plan_print(const struct plan *p, FILE *out)
{
	char path[512];
	size_t *order;

	fprintf(out, "# tap plan 1\n");
	fprintf(out, "# script %s fnv1a64:%s\n", p->script_name, p->script_hash);
	fprintf(out, "# kernel %s\n", p->kernel_release);
	for (size_t i = 0; i < p->nnotes; i++)
		fprintf(out, "# %s\n", p->notes[i]);
	if (!p->instance.name)
		return;
	print_instance(p, out);
	/* (out of memory: script order, as tfb_session_create() would fail) */
	order = malloc((p->ndefs ? p->ndefs : 1) * sizeof(*order));
	if (order)
		probe_defs_enable_order(p->defs, p->ndefs, order);
	/* defined in that order too: the kernel registers a kprobe then */
	for (size_t i = 0; i < p->ndefs; i++) {
		const struct probe_def *d = &p->defs[order ? order[i] : i];
		char *line;

		if (!probe_def_is_dynamic(d))
			continue;
		line = probe_def_format(d);
		if (line)
			put_write(out, "append", p->events_file, line);
		free(line);
	}
	for (size_t i = 0; i < p->ndefs; i++) {
		const struct probe_def *d = &p->defs[order ? order[i] : i];

		if (d->filter)
			put_event_write(p, out, d, "filter", d->filter);
		if (d->trigger)
			put_event_write(p, out, d, "trigger", d->trigger);
		put_event_write(p, out, d, "enable", "1");
	}
	free(order);
	snprintf(path, sizeof(path), "instances/%s/tracing_on", p->instance.name);
	put_write(out, "write", path, "1");
}
