// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * process("path").mark("name") and process("path").provider("p").mark("name"):
 * SDT markers (<sys/sdt.h>, dtrace -G). Each marker site becomes a uprobe at
 * the file offset of its nop; a marker with a semaphore gets the kernel's
 * reference counter (ref_ctr_offset), which the kernel raises in every
 * process that maps the file, started before or after the probe, so that
 * PROVIDER_NAME_ENABLED() is true while tap traces and false after. $argN
 * are the note's operands turned into fetch arguments; $$name, $$provider
 * and $$parms describe the marker.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "elfsym.h"
#include "sdt.h"
#include "uprobe.h"

/* a wildcard may name this many marker sites */
#define SDT_WILDCARD_MAX 256
#define SDT_MAX_ARGS	 12 /* <sys/sdt.h> has at most 12 */

struct sdt_data {
	struct uprobe_base base;
	const char *provider, *name;
	const char *args; /* as the note has them */
	const char *ops[SDT_MAX_ARGS];
	int nargs;
	uint64_t pc, offset;
};

static bool sdt_match(const struct ast *pp)
{
	return pp_is(pp, 0, "process") &&
	       (pp_is(pp, 1, "mark") ||
		(pp_is(pp, 1, "provider") && pp_is(pp, 2, "mark")));
}

static const struct sdt_data *sdata(const struct dprobe *dp)
{
	return dp->pdata;
}

/* --- expansion ----------------------------------------------------------- */

/* DTrace spells the double underscore of a probe name as a dash */
static bool name_matches(const char *pat, const char *name)
{
	char alt[512];
	size_t n = 0;

	if (!fnmatch(pat, name, 0))
		return true;
	if (!strchr(pat, '-'))
		return false;
	for (const char *p = pat; *p && n + 3 < sizeof(alt); p++) {
		if (*p == '-')
			alt[n++] = '_';
		alt[n++] = *p == '-' ? '_' : *p;
	}
	alt[n] = '\0';
	return !fnmatch(alt, name, 0);
}

struct collect {
	struct compile *c;
	const char *provider; /* NULL: any */
	const char *name;
	struct sdt_marker *v;
	int n, cap;
	int total; /* markers in the file */
	struct suggest *sg;
};

static int collect_cb(void *arg, const struct sdt_marker *m)
{
	struct collect *col = arg;
	struct sdt_marker *v;

	col->total++;
	if (col->provider && !name_matches(col->provider, m->note.provider))
		return 0;
	if (col->sg)
		suggest_add(col->sg, m->note.name);
	if (!name_matches(col->name, m->note.name))
		return 0;
	if (col->n == col->cap) {
		col->cap = col->cap ? col->cap * 2 : 16;
		v = arena_zalloc(col->c->arena, (size_t)col->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		if (col->n)
			memcpy(v, col->v, (size_t)col->n * sizeof(*v));
		col->v = v;
	}
	col->v[col->n++] = *m;
	return 0;
}

static void report_none(struct compile *c, struct ast *pp, struct collect *col,
			struct ufile *f)
{
	const struct ast *where = pp_comp(pp, pp_ncomps(pp) - 1)->a;
	struct suggest sg;

	if (!col->total) {
		diag_error(c->diag, pp_comp(pp, 0)->loc,
			   "'%s' has no SDT markers (no .note.stapsdt)",
			   f->path);
		return;
	}
	diag_error(c->diag, where->loc, "no marker '%s%s%s' in '%s'",
		   col->provider ? col->provider : "", col->provider ? ":" : "",
		   col->name, f->path);
	/* a second walk, collecting the names for did-you-mean */
	suggest_init(&sg, col->name);
	col->sg = &sg;
	col->name = "";
	sdt_markers_walk(f->elf, collect_cb, col);
	suggest_note(c, where->loc, &sg);
}

static int add_marker(struct compile *c, struct ast *probe, struct ast *pp,
		      const struct uprobe_base *base,
		      const struct sdt_marker *m)
{
	struct dprobe *dp =
		compile_add_dprobe(c, probe, pp, &sdt_provider, DPROBE_EVENT);
	struct sdt_data *s = arena_zalloc(c->arena, sizeof(*s));
	char *buf;
	struct probe_def *d;

	if (!dp || !s)
		return -ENOMEM;
	s->base = *base;
	s->provider = arena_strdup(c->arena, m->note.provider);
	s->name = arena_strdup(c->arena, m->note.name);
	s->args = arena_strdup(c->arena, m->note.args);
	s->pc = m->note.pc;
	s->offset = m->offset;
	buf = arena_zalloc(c->arena, strlen(m->note.args) + 1);
	if (!s->provider || !s->name || !s->args || !buf)
		return -ENOMEM;
	s->nargs = sdt_args_split(m->note.args, buf, strlen(m->note.args) + 1,
				  s->ops, SDT_MAX_ARGS);
	if (s->nargs > SDT_MAX_ARGS)
		s->nargs = SDT_MAX_ARGS;
	dp->pdata = s;
	dp->pp = arena_printf(c->arena,
			      "process(\"%s\").provider(\"%s\").mark(\"%s\")",
			      base->file->path, s->provider, s->name);
	d = compile_add_def(
		c, dp, PROBE_DEF_UPROBE, NULL,
		compile_event_name(
			c,
			arena_printf(c->arena, "%s_%s", s->provider, s->name),
			c->prog->ndprobes - 1));
	if (!d)
		return -ENOMEM;
	d->offset = m->offset;
	d->ref_ctr = target_has(c->target, TF_REF_CTR) ? m->ref_ctr : 0;
	if (m->ref_ctr && !d->ref_ctr)
		compile_note(
			c, pp,
			"this kernel has no %s: markers guarded by their semaphore (%s_%s_ENABLED()) do not fire",
			target_feature_desc(TF_REF_CTR), s->provider, s->name);
	d->target = strdup(base->file->path);
	return d->target ? 0 : -ENOMEM;
}

static bool form_ok(struct compile *c, struct ast *pp, const char **provider,
		    const char **name)
{
	int n = pp_ncomps(pp);

	*provider = n == 3 ? pp_str_arg(c, pp, 1) : NULL;
	*name = pp_str_arg(c, pp, n - 1);
	if (*name && **name && (n == 2 || (n == 3 && *provider && **provider)))
		return true;
	diag_error(
		c->diag, pp->loc,
		"write process(\"path\").mark(\"name\") or process(\"path\").provider(\"p\").mark(\"name\")");
	return false;
}

static int sdt_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	struct uprobe_base base;
	struct collect col = {.c = c};
	int err;

	if (!form_ok(c, pp, &col.provider, &col.name))
		return 0;
	err = uprobe_resolve(c, pp, &base);
	if (err)
		return err < 0 ? err : 0;
	err = sdt_markers_walk(base.file->elf, collect_cb, &col);
	if (err == -ENOMEM)
		return err;
	if (err) {
		diag_error(
			c->diag, pp_comp(pp, 0)->loc,
			"cannot read the SDT notes of '%s': %s",
			base.file->path,
			err == -ERANGE
				? "a marker lies outside the loadable segments"
				: strerror(-err));
		return 0;
	}
	if (!col.n) {
		if (!(pp->flags & AST_PP_OPTIONAL))
			report_none(c, pp, &col, base.file);
		return 0;
	}
	if (col.n > SDT_WILDCARD_MAX) {
		diag_error(
			c->diag, pp_comp(pp, pp_ncomps(pp) - 1)->a->loc,
			"'%s' matches %d marker sites in '%s'; tap probes at most %d at once",
			col.name, col.n, base.file->path, SDT_WILDCARD_MAX);
		return 0;
	}
	for (int i = 0; i < col.n; i++) {
		err = add_marker(c, probe, pp, &base, &col.v[i]);
		if (err)
			return err;
	}
	return 0;
}

/* --- binding ------------------------------------------------------------- */

static int symbol_cb(void *arg, const char *name, uint64_t *vaddr)
{
	return ufile_symbol_addr(arg, name, vaddr);
}

/* $argN -> N, or 0 */
static int arg_index(const char *var)
{
	char *end;
	long n;

	if (strncmp(var, "$arg", 4))
		return 0;
	n = strtol(var + 4, &end, 10);
	return *end || n < 1 || n > SDT_MAX_ARGS ? 0 : (int)n;
}

/* operand @n (from 1) as a fetch argument; 1 when an error was reported */
static int convert(struct compile *c, const struct dprobe *dp,
		   const struct ctx_ref *r, int n, struct sdt_arg *out,
		   bool report)
{
	const struct sdt_data *s = sdata(dp);
	struct sdt_symbols syms = {
		.addr = symbol_cb,
		.arg = s->base.file,
		.probe_vaddr = s->pc,
		.probe_offset = s->offset,
		.pie = elf_file_is_pie(s->base.file->elf),
	};
	char why[200];

	if (!sdt_arg_convert(s->ops[n - 1], &syms, out, why, sizeof(why)))
		return 0;
	if (report)
		diag_error(c->diag, r->node->loc,
			   "cannot fetch '%s' of marker '%s:%s' ('%s'): %s",
			   r->var, s->provider, s->name, s->ops[n - 1], why);
	return 1;
}

static int bind_arg(struct compile *c, struct dprobe *dp,
		    const struct ctx_ref *r, int n, struct ctx_binding *b)
{
	struct sdt_arg a;
	const char *name, *want = r->var + 1;
	int err;

	if (r->members) {
		diag_error(
			c->diag, r->node->loc,
			"'%s' of an SDT marker is a plain number; it has no members",
			r->var);
		return 0;
	}
	/* inside @defined(), an operand tracefs cannot express is missing */
	if (convert(c, dp, r, n, &a, !r->guarded))
		return r->guarded ? -ENOENT : 0;
	if (r->kind == CTX_TARGET) {
		err = uprobe_add_fetch(c, dp, want, a.fetch, a.type, &name);
		b->kind = BIND_FIELD;
		b->type = TYPE_LONG;
		b->field = name;
		b->width = b->storage = a.size;
		b->is_signed = b->storage_signed = a.is_signed;
		return err;
	}
	if (a.fetch[0] == '\\') {
		diag_error(
			c->diag, r->node->loc,
			"'%s' of marker '%s:%s' is the constant %s, not the address of a string",
			r->var, sdata(dp)->provider, sdata(dp)->name,
			a.fetch + 1);
		return 0;
	}
	return uprobe_bind_string(c, dp, want, (long long)r->addend,
				  arena_printf(c->arena, "%+lld(%s)",
					       (long long)r->addend, a.fetch),
				  b);
}

/* $$parms: "arg1=0x2a arg2=0x7ffd..." like SystemTap, "?" where tracefs cannot
 */
static int bind_parms(struct compile *c, struct dprobe *dp,
		      const struct ctx_ref *r, struct ctx_binding *b)
{
	const struct sdt_data *s = sdata(dp);
	char *list = "";

	for (int i = 1; i <= s->nargs; i++) {
		struct ctx_ref one = {.kind = CTX_TARGET, .node = r->node};
		struct sdt_arg a;
		const char *name = "?";
		int err;

		one.var = arena_printf(c->arena, "$arg%d", i);
		if (!convert(c, dp, &one, i, &a, false)) {
			err = uprobe_add_fetch(c, dp, one.var + 1, a.fetch,
					       a.type, &name);
			if (err)
				return err;
		}
		list = arena_printf(c->arena, "%s%sarg%d=%s", list,
				    *list ? " " : "", i, name);
	}
	b->kind = BIND_PARMS;
	b->type = TYPE_STRING;
	b->str = list;
	return 0;
}

static int bind_const(const char *var, const struct sdt_data *s,
		      struct ctx_binding *b)
{
	b->kind = BIND_CONST_STR;
	b->type = TYPE_STRING;
	if (!strcmp(var, "$$name"))
		b->str = s->name;
	else if (!strcmp(var, "$$provider"))
		b->str = s->provider;
	else if (!strcmp(var, "$$args"))
		b->str = s->args;
	else
		return -ENOENT;
	return 0;
}

static int sdt_bind(struct compile *c, struct dprobe *dp,
		    const struct ctx_ref *r, struct ctx_binding *b)
{
	int n;

	if (r->kind == CTX_COMM)
		return uprobe_bind_comm(c, dp, b);
	if (r->kind != CTX_TARGET && r->kind != CTX_USER_STRING &&
	    r->kind != CTX_KERNEL_STRING)
		return -ENOENT;
	if (r->kind == CTX_TARGET && !r->members) {
		if (!strcmp(r->var, "$$parms") || !strcmp(r->var, "$$vars"))
			return bind_parms(c, dp, r, b);
		if (!bind_const(r->var, sdata(dp), b))
			return 0;
	}
	n = arg_index(r->var);
	if (n > sdata(dp)->nargs && !r->guarded) {
		diag_error(
			c->diag, r->node->loc,
			"marker '%s:%s' has %d argument%s; '%s' is not one of them",
			sdata(dp)->provider, sdata(dp)->name, sdata(dp)->nargs,
			sdata(dp)->nargs == 1 ? "" : "s", r->var);
		return 0;
	}
	if (!n || n > sdata(dp)->nargs)
		return -ENOENT;
	return bind_arg(c, dp, r, n, b);
}

static void sdt_candidates(struct compile *c, struct dprobe *dp,
			   void (*add)(void *arg, const char *name), void *arg)
{
	for (int i = 1; i <= sdata(dp)->nargs; i++)
		add(arg, arena_printf(c->arena, "$arg%d", i));
	add(arg, "$$name");
	add(arg, "$$provider");
	add(arg, "$$parms");
}

const struct provider sdt_provider = {
	.name = "process.mark",
	.match = sdt_match,
	.expand = sdt_expand,
	.bind = sdt_bind,
	.candidates = sdt_candidates,
};
