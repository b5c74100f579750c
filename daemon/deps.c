// SPDX-License-Identifier: GPL-2.0-or-later
#include "deps.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum mark {
	UNSEEN,
	VISITING,	/* on the current path: meeting it again is a loop */
	DONE,
	BLOCKED,
};

struct walk {
	const struct tapd_config *c;
	enum mark *marks;
	char **reason;	/* why a script is blocked */
	const char **path;	/* the current chain, for loop messages */
	size_t depth;
	struct deps_plan *out;
};

static int push(char ***v, size_t *n, const char *s)
{
	char **bigger = realloc(*v, (*n + 1) * sizeof(*bigger));

	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	bigger[*n] = strdup(s);
	if (!bigger[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int index_of(const struct tapd_config *c, const char *name)
{
	for (size_t i = 0; i < c->nscripts; i++)
		if (!strcmp(c->scripts[i].name, name))
			return (int)i;
	return -1;
}

/* "a -> b -> a": the path from where @name was first entered */
static char *loop_message(struct walk *w, const char *name)
{
	size_t start = 0, len = 32;
	char *msg;

	while (start < w->depth && strcmp(w->path[start], name))
		start++;
	for (size_t i = start; i < w->depth; i++)
		len += strlen(w->path[i]) + 4;
	len += strlen(name);
	msg = malloc(len);
	if (!msg)
		return NULL;
	strcpy(msg, "dependency loop: ");
	for (size_t i = start; i < w->depth; i++) {
		strcat(msg, w->path[i]);
		strcat(msg, " -> ");
	}
	strcat(msg, name);
	return msg;
}

static int block(struct walk *w, int i, const char *why)
{
	w->marks[i] = BLOCKED;
	free(w->reason[i]);
	w->reason[i] = strdup(why);
	return w->reason[i] ? 0 : -ENOMEM;
}

static int visit(struct walk *w, int i);

static int visit_reqs(struct walk *w, int i)
{
	const struct tapd_script *s = &w->c->scripts[i];
	char why[512];

	for (size_t r = 0; r < s->nreqs; r++) {
		int j = index_of(w->c, s->reqs[r]);
		int err;

		if (j < 0) {
			snprintf(why, sizeof(why), "requires '%s', which is not registered",
				 s->reqs[r]);
			return block(w, i, why);
		}
		if (w->marks[j] == VISITING) {
			char *msg = loop_message(w, s->reqs[r]);

			if (!msg)
				return -ENOMEM;
			err = push(&w->out->problems, &w->out->nproblems, msg);
			block(w, i, msg);
			free(msg);
			return err;
		}
		err = visit(w, j);
		if (err)
			return err;
		if (w->marks[j] == BLOCKED) {
			snprintf(why, sizeof(why), "requires '%s', which cannot start: %s",
				 s->reqs[r], w->reason[j]);
			return block(w, i, why);
		}
	}
	return 0;
}

/* depth first: requirements are added to the order before the script */
static int visit(struct walk *w, int i)
{
	int err;

	if (w->marks[i] == DONE || w->marks[i] == BLOCKED)
		return 0;
	w->marks[i] = VISITING;
	w->path[w->depth++] = w->c->scripts[i].name;
	err = visit_reqs(w, i);
	w->depth--;
	if (err)
		return err;
	if (w->marks[i] == BLOCKED)
		return 0;
	w->marks[i] = DONE;
	return push(&w->out->order, &w->out->n, w->c->scripts[i].name);
}

static int collect_blocked(struct walk *w)
{
	struct deps_plan *p = w->out;

	for (size_t i = 0; i < w->c->nscripts; i++) {
		int err;

		if (w->marks[i] != BLOCKED)
			continue;
		err = push(&p->blocked, &p->nblocked, w->c->scripts[i].name);
		if (!err) {
			size_t n = p->nblocked - 1;

			err = push(&p->blocked_reason, &n, w->reason[i]);
		}
		if (err)
			return err;
	}
	return 0;
}

int deps_order(const struct tapd_config *c, char *const *names, size_t n,
	       struct deps_plan *out)
{
	struct walk w = { .c = c, .out = out };
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	w.marks = calloc(c->nscripts + 1, sizeof(*w.marks));
	w.reason = calloc(c->nscripts + 1, sizeof(*w.reason));
	w.path = calloc(c->nscripts + 1, sizeof(*w.path));
	if (!w.marks || !w.reason || !w.path)
		goto out;
	err = 0;
	for (size_t k = 0; k < n && !err; k++) {
		int i = index_of(c, names[k]);

		if (i < 0) {
			char msg[256];

			snprintf(msg, sizeof(msg), "no script '%s' in the registry", names[k]);
			err = push(&out->problems, &out->nproblems, msg);
			continue;
		}
		err = visit(&w, i);
	}
	if (!err)
		err = collect_blocked(&w);
out:
	for (size_t i = 0; w.reason && i < c->nscripts; i++)
		free(w.reason[i]);
	free(w.reason);
	free(w.marks);
	free(w.path);
	return err;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void deps_plan_release(struct deps_plan *p)
{
	free_list(p->order, p->n);
	free_list(p->problems, p->nproblems);
	free_list(p->blocked, p->nblocked);
	free_list(p->blocked_reason, p->nblocked);
	memset(p, 0, sizeof(*p));
}
