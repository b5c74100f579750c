// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * process("path").function("sym")[.return]: a uprobe (uretprobe) at the
 * file offset of the ELF symbol. $arg1..$arg6 are the x86_64 argument
 * registers, $return the return register; strings are fetched by the
 * probe itself (+0(%si):ustring), so they are read while still valid.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile_internal.h"
#include "elfsym.h"

struct uprobe_data {
	const char *path;
	const char *func;
	bool is_return;
};

static const char *const arg_regs[] = { "%di", "%si", "%dx", "%cx", "%r8", "%r9" };

static bool uprobe_match(const struct ast *pp)
{
	return pp_is(pp, 0, "process") && pp_is(pp, 1, "function");
}

/* a bare name is looked up in $PATH, as a shell would */
static char *resolve_path(struct compile *c, const char *arg)
{
	char buf[PATH_MAX], *path, *save = NULL, *dirs;

	if (strchr(arg, '/'))
		return realpath(arg, buf) ? arena_strdup(c->arena, buf) : NULL;
	path = getenv("PATH");
	dirs = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!dirs)
		return NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char cand[PATH_MAX];

		snprintf(cand, sizeof(cand), "%s/%s", d, arg);
		if (access(cand, X_OK) == 0 && realpath(cand, buf)) {
			free(dirs);
			return arena_strdup(c->arena, buf);
		}
	}
	free(dirs);
	errno = ENOENT;
	return NULL;
}

static void suggest_symbol(struct compile *c, struct elf_file *ef,
			   const struct ast *where, const char *name)
{
	struct suggest sg;

	suggest_init(&sg, name);
	elf_func_names(ef, suggest_add, &sg);
	if (sg.best)
		diag_note(c->diag, where->loc, "did you mean '%s'?",
			  arena_strdup(c->arena, sg.best));
}

static int add_uprobe(struct compile *c, struct ast *probe, struct ast *pp,
		      const char *path, const char *func, uint64_t off,
		      bool is_return)
{
	struct dprobe *dp = compile_add_dprobe(c, probe, pp, &uprobe_provider,
					       DPROBE_EVENT);
	struct uprobe_data *u = arena_zalloc(c->arena, sizeof(*u));
	struct probe_def *d;

	if (!dp || !u)
		return -ENOMEM;
	u->path = path;
	u->func = func;
	u->is_return = is_return;
	dp->pdata = u;
	dp->func = (char *)func;
	dp->pp = arena_printf(c->arena, "process(\"%s\").function(\"%s\")%s",
			      path, func, is_return ? ".return" : "");
	d = compile_add_def(c, dp, is_return ? PROBE_DEF_URETPROBE : PROBE_DEF_UPROBE,
			    NULL,
			    compile_event_name(c, arena_printf(c->arena, "%s%s", func,
							       is_return ? "_return" : ""),
					       c->prog->ndprobes - 1));
	if (!d)
		return -ENOMEM;
	d->target = strdup(path);
	d->offset = off;
	return d->target ? 0 : -ENOMEM;
}

static int uprobe_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	const char *arg = pp_str_arg(c, pp, 0);
	const char *func = pp_str_arg(c, pp, 1);
	bool is_return = pp_ncomps(pp) == 3 && pp_is(pp, 2, "return");
	struct elf_file *ef = NULL;
	char *path;
	uint64_t off;
	int err;

	if (!arg || !func || (pp_ncomps(pp) == 3 && !is_return) || pp_ncomps(pp) > 3) {
		diag_error(c->diag, pp->loc,
			   "write process(\"path\").function(\"name\") or ....function(\"name\").return");
		return 0;
	}
	if (!target_has(c->target, TF_UPROBE)) {
		diag_error(c->diag, pp->loc, "this kernel has no %s; this probe needs them",
			   target_feature_desc(TF_UPROBE));
		return 0;
	}
	path = resolve_path(c, arg);
	if (!path) {
		diag_error(c->diag, pp_comp(pp, 0)->a->loc, "cannot find '%s': %s",
			   arg, strerror(errno));
		return 0;
	}
	err = elf_file_open(path, &ef);
	if (err) {
		diag_error(c->diag, pp_comp(pp, 0)->a->loc, "cannot read '%s': %s",
			   path, err == -ENOEXEC ? "not an ELF file" : strerror(-err));
		return 0;
	}
	err = elf_func_offset(ef, func, &off);
	if (err == -ENOENT) {
		diag_error(c->diag, pp_comp(pp, 1)->a->loc,
			   "no function '%s' in '%s'", func, path);
		suggest_symbol(c, ef, pp_comp(pp, 1)->a, func);
		err = 0;
	} else if (err) {
		diag_error(c->diag, pp_comp(pp, 1)->a->loc,
			   "function '%s' in '%s' is in no loadable segment", func, path);
		err = 0;
	} else {
		err = add_uprobe(c, probe, pp, path, func, off, is_return);
	}
	elf_file_free(ef);
	return err;
}

static const struct uprobe_data *udata(const struct dprobe *dp)
{
	return dp->pdata;
}

/* "$arg3" -> 3, or 0 */
static int arg_index(const char *var)
{
	char *end;
	long n;

	if (strncmp(var, "$arg", 4))
		return 0;
	n = strtol(var + 4, &end, 10);
	return *end || n < 1 ? 0 : (int)n;
}

/* the fetch argument for a plain $var, or NULL with an error reported */
static const char *fetch_of(struct compile *c, struct dprobe *dp,
			    const struct ctx_ref *r, const char **name)
{
	int n = arg_index(r->var);

	if (udata(dp)->is_return && !strcmp(r->var, "$return")) {
		*name = "retval";
		return "$retval";
	}
	if (!n)
		return NULL;
	if (n > 6) {
		diag_error(c->diag, r->node->loc,
			   "'%s': only the first 6 arguments are in registers on x86_64",
			   r->var);
		return "";
	}
	if (udata(dp)->is_return) {
		diag_error(c->diag, r->node->loc,
			   "'%s' is gone when the function returns; save it in the entry probe (in a global keyed by tid())",
			   r->var);
		return "";
	}
	*name = r->var + 1;
	return arg_regs[n - 1];
}

static int bind_number(struct compile *c, struct dprobe *dp,
		       const struct ctx_ref *r, struct ctx_binding *b)
{
	const char *name = NULL;
	const char *fetch = fetch_of(c, dp, r, &name);

	if (!fetch)
		return -ENOENT;
	if (!*fetch)
		return 0;
	if (r->members) {
		diag_error(c->diag, r->node->loc,
			   "'%s' has no type information here; members need DWARF",
			   r->var);
		return 0;
	}
	b->kind = BIND_FIELD;
	b->type = TYPE_LONG;
	b->field = name;
	b->width = b->storage = 8;
	b->is_signed = b->storage_signed = true;
	return compile_add_fetch(c, dp, name, fetch, "s64");
}

static int bind_string(struct compile *c, struct dprobe *dp,
		       const struct ctx_ref *r, struct ctx_binding *b)
{
	const char *name = NULL;
	const char *fetch = fetch_of(c, dp, r, &name);
	char *fname, *arg;

	if (!fetch)
		return -ENOENT;
	if (!*fetch)
		return 0;
	if (r->addend)
		fname = arena_printf(c->arena, "%s_str_%s%lld", name,
				     r->addend < 0 ? "m" : "", llabs((long long)r->addend));
	else
		fname = arena_printf(c->arena, "%s_str", name);
	arg = arena_printf(c->arena, "%+lld(%s)", (long long)r->addend, fetch);
	b->kind = BIND_FIELD;
	b->type = TYPE_STRING;
	b->field = fname;
	return compile_add_fetch(c, dp, fname, arg,
				 r->kind == CTX_USER_STRING ? "ustring" : "string");
}

static int uprobe_bind(struct compile *c, struct dprobe *dp,
		       const struct ctx_ref *r, struct ctx_binding *b)
{
	switch (r->kind) {
	case CTX_TARGET:
		return bind_number(c, dp, r, b);
	case CTX_USER_STRING:
	case CTX_KERNEL_STRING:
		return bind_string(c, dp, r, b);
	case CTX_COMM:
		b->kind = BIND_FIELD;
		b->type = TYPE_STRING;
		b->field = "comm";
		return compile_add_fetch(c, dp, "comm", "$comm", "string");
	default:
		return -ENOENT;
	}
}

static void uprobe_candidates(struct compile *c, struct dprobe *dp,
			      void (*add)(void *arg, const char *name), void *arg)
{
	(void)c;
	if (udata(dp)->is_return) {
		add(arg, "$return");
		return;
	}
	for (int i = 1; i <= 6; i++) {
		static const char *const names[] = { "", "$arg1", "$arg2", "$arg3",
						     "$arg4", "$arg5", "$arg6" };
		add(arg, names[i]);
	}
}

const struct provider uprobe_provider = {
	.name = "process.function",
	.match = uprobe_match,
	.expand = uprobe_expand,
	.bind = uprobe_bind,
	.candidates = uprobe_candidates,
};
