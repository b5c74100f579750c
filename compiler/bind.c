// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Context binding: each context value a handler reads ($x, name,
 * user_string($p)) is asked of the provider of every derived probe that
 * runs the handler, which says where the value comes from (an event
 * field, a constant, ...) and adds fetch arguments to the probe.
 */
#include <errno.h>
#include <string.h>

#include "compile_internal.h"

static void report_unknown(struct compile *c, struct dprobe *dp,
			   const struct ctx_ref *r)
{
	struct suggest sg;
	const char *what = r->var ? r->var : "comm";

	if (r->kind == CTX_VAR) {
		diag_error(c->diag, r->node->loc,
			   "@var() reads a variable of the probed file through its DWARF: not in probe point '%s'",
			   dp->pp);
		diag_note(c->diag, r->node->loc,
			  "it works in process(\"path\").function(), .plt() and .statement() probes");
		return;
	}
	diag_error(c->diag, r->node->loc,
		   "'%s' is not available in probe point '%s'", what, dp->pp);
	if (r->var && r->var[0] == '$' && pp_names_return(dp->pp))
		diag_note(c->diag, r->node->loc,
			  "a return probe records the result; @entry(%s) gives a value from the entry",
			  r->var);
	if (!dp->prov || !dp->prov->candidates || !r->var)
		return;
	suggest_init(&sg, r->var);
	dp->prov->candidates(c, dp, suggest_add, &sg);
	suggest_note(c, r->node->loc, &sg);
}

static bool slot_guarded(struct handler *h, int slot)
{
	/* the first node is the registered ref; any guarded use counts */
	const struct ctx_ref *r = h->ctx_nodes[slot]->aux;

	return r && r->guarded;
}

static int bind_slot(struct compile *c, struct handler *h, struct dprobe *dp,
		     int slot)
{
	const struct ctx_ref *r = h->ctx_nodes[slot]->aux;
	struct ctx_binding *b = &dp->ctx[slot];
	int err = -ENOENT;

	memset(b, 0, sizeof(*b));
	if (dp->prov && dp->prov->bind)
		err = dp->prov->bind(c, dp, r, b);
	if (err == -ENOENT && slot_guarded(h, slot)) {
		b->kind = BIND_CONST_NUM;
		b->type = TYPE_LONG;
		b->missing = true;
		return 0;
	}
	if (err == -ENOENT)
		report_unknown(c, dp, r);
	return err == -ENOENT ? 0 : err;
}

int sema_bind(struct compile *c)
{
	for (size_t i = 0; i < c->prog->nhandlers; i++) {
		struct handler *h = &c->prog->handlers[i];

		for (int j = 0; j < h->ndprobes; j++) {
			struct dprobe *dp = h->dprobes[j];

			dp->ctx = arena_zalloc(c->arena, (size_t)(h->nctx + 1) * sizeof(*dp->ctx));
			if (!dp->ctx)
				return -ENOMEM;
			for (int k = 0; k < h->nctx; k++) {
				int err = bind_slot(c, h, dp, k);

				if (err)
					return err;
			}
		}
	}
	return c->diag->errors ? -EINVAL : 0;
}
