// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe_def.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

bool probe_def_is_dynamic(const struct probe_def *d)
{
	return d->kind != PROBE_DEF_TRACEPOINT;
}

static void put_place(FILE *f, const struct probe_def *d)
{
	switch (d->kind) {
	case PROBE_DEF_UPROBE:
	case PROBE_DEF_URETPROBE:
		fprintf(f, "%s:0x%" PRIx64, d->target, d->offset);
		if (d->ref_ctr)
			fprintf(f, "(0x%" PRIx64 ")", d->ref_ctr);
		break;
	case PROBE_DEF_KPROBE:
	case PROBE_DEF_KRETPROBE:
		fputs(d->target, f);
		if (d->offset)
			fprintf(f, "+%" PRIu64, d->offset);
		break;
	case PROBE_DEF_EPROBE:
		fputs(d->target, f);
		break;
	case PROBE_DEF_TRACEPOINT:
		break;
	}
}

static char prefix_of(const struct probe_def *d)
{
	switch (d->kind) {
	case PROBE_DEF_URETPROBE:
	case PROBE_DEF_KRETPROBE:
		return 'r';
	case PROBE_DEF_EPROBE:
		return 'e';
	default:
		return 'p';
	}
}

char *probe_def_format(const struct probe_def *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputc(prefix_of(d), f);
	if (d->kind == PROBE_DEF_KRETPROBE && d->maxactive)
		fprintf(f, "%u", d->maxactive);
	fprintf(f, ":%s/%s ", d->system, d->event);
	put_place(f, d);
	for (size_t i = 0; i < d->nfetch; i++) {
		const struct probe_fetch *a = &d->fetch[i];

		fprintf(f, " %s=%s", a->name, a->arg);
		if (a->type)
			fprintf(f, ":%s", a->type);
	}
	if (fclose(f))
		return NULL;
	return buf;
}

/*
 * Probes whose handlers the kernel calls newest first when they share a
 * place: a uprobe's consumers, a uretprobe's, and the kprobes aggregated
 * on one address (checked on Debian's 6.1 kernel; its kretprobes on one
 * function return in the order they were registered, so they keep it).
 */
bool probe_def_takes_kstack(const struct probe_def *d)
{
	return d->trigger && !strncmp(d->trigger, "stacktrace", 10);
}

static bool called_newest_first(const struct probe_def *a, const struct probe_def *b)
{
	return (a->kind == PROBE_DEF_UPROBE || a->kind == PROBE_DEF_URETPROBE ||
		a->kind == PROBE_DEF_KPROBE) &&
	       a->kind == b->kind && a->offset == b->offset && a->target && b->target &&
	       !strcmp(a->target, b->target);
}

void probe_defs_enable_order(const struct probe_def *defs, size_t n, size_t *order)
{
	size_t *group = malloc((n ? n : 1) * sizeof(*group));
	bool *grouped = calloc(n ? n : 1, sizeof(*grouped));

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* out of memory: script order, and only the handler order suffers */
	for (size_t i = 0; group && grouped && i < n; i++) {
		size_t k = 0;

		if (grouped[i])
			continue;
		for (size_t j = i; j < n; j++)
			if (j == i || called_newest_first(&defs[i], &defs[j])) {
				group[k++] = j;
				grouped[j] = true;
			}
		/* the group keeps its places, filled last to first */
		for (size_t j = 0; j < k; j++)
			order[group[j]] = group[k - 1 - j];
	}
	free(group);
	free(grouped);
}

void probe_def_release(struct probe_def *d)
{
	for (size_t i = 0; i < d->nfetch; i++) {
		free(d->fetch[i].name);
		free(d->fetch[i].arg);
		free(d->fetch[i].type);
	}
	free(d->fetch);
	free(d->system);
	free(d->event);
	free(d->target);
	free(d->filter);
	free(d->trigger);
	memset(d, 0, sizeof(*d));
}
