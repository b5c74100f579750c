// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel.trace("system:name"), syscall.NAME[.return] (nd_syscall too) and
 * syscall_any[.return]: existing tracepoints, enabled in the session's
 * instance. Their fields are what the kernel records; $field reads one,
 * $prev->pid reads prev_pid.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"
#include "syscalls.h"

/* tap's limit on the events one wildcard probe point may expand to */
#define TP_WILDCARD_MAX 1000

struct tp_probe {
	const struct tp_format *fmt;
	const char *syscall;	/* syscall.NAME: NAME */
	bool any;	/* syscall_any: one event for every system call */
	bool is_return;
};

bool ctype_int(const char *type, unsigned *width, bool *is_signed)
{
	static const struct {
		const char *name;
		unsigned width;
		bool is_signed;
	} types[] = {
		{ "char", 1, true }, { "signed char", 1, true },
		{ "unsigned char", 1, false }, { "u8", 1, false },
		{ "__u8", 1, false }, { "bool", 1, false }, { "s8", 1, true },
		{ "short", 2, true }, { "unsigned short", 2, false },
		{ "u16", 2, false }, { "__u16", 2, false }, { "s16", 2, true },
		{ "umode_t", 2, false },
		{ "int", 4, true }, { "unsigned int", 4, false },
		{ "unsigned", 4, false }, { "u32", 4, false },
		{ "__u32", 4, false }, { "s32", 4, true }, { "__s32", 4, true },
		{ "pid_t", 4, true }, { "uid_t", 4, false }, { "gid_t", 4, false },
		{ "gfp_t", 4, false }, { "dev_t", 4, false },
		{ "key_serial_t", 4, true }, { "qid_t", 4, false },
		{ "clockid_t", 4, true }, { "timer_t", 4, true },
		{ "mqd_t", 4, true }, { "rwf_t", 4, true },
		{ "long", 8, true }, { "long long", 8, true },
		{ "unsigned long", 8, false }, { "unsigned long long", 8, false },
		{ "u64", 8, false }, { "__u64", 8, false }, { "s64", 8, true },
		{ "__s64", 8, true }, { "size_t", 8, false },
		{ "ssize_t", 8, true }, { "loff_t", 8, true },
		{ "off_t", 8, true }, { "time64_t", 8, true },
		{ "aio_context_t", 8, false }, { "key_t", 4, true },
	};
	char buf[128];
	const char *t = type;
	size_t n;

	if (strchr(type, '*')) {
		*width = 8;
		*is_signed = false;
		return true;
	}
	/* "const int", "enum x" and the like: drop qualifiers we do not need */
	while (!strncmp(t, "const ", 6) || !strncmp(t, "volatile ", 9))
		t += t[0] == 'c' ? 6 : 9;
	n = strlen(t);
	while (n && t[n - 1] == ' ')
		n--;
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, t, n);
	buf[n] = '\0';
	if (!strncmp(buf, "enum ", 5)) {
		*width = 4;
		*is_signed = true;
		return true;
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!strcmp(types[i].name, buf)) {
			*width = types[i].width;
			*is_signed = types[i].is_signed;
			return true;
		}
	}
	return false;
}

int bind_tp_field(const struct tp_field *f, struct ctx_binding *b)
{
	unsigned w;
	bool sig;

	b->kind = BIND_FIELD;
	b->field = f->name;
	b->storage = f->size;
	b->storage_signed = f->is_signed;
	switch (f->kind) {
	case TP_FIELD_CHARS:
	case TP_FIELD_DYNSTR:
		b->type = TYPE_STRING;
		return 0;
	case TP_FIELD_ARRAY:
		return -ENOTSUP;
	default:
		break;
	}
	b->type = TYPE_LONG;
	b->width = f->size;
	b->is_signed = f->is_signed;
	if (ctype_int(f->type, &w, &sig) && w <= f->size) {
		b->width = w;
		b->is_signed = sig;
	}
	return 0;
}

static struct tp_probe *tp_data(const struct dprobe *dp)
{
	return dp->pdata;
}

/* --- expansion ------------------------------------------------------------ */

struct tp_expand {
	struct compile *c;
	struct ast *probe, *point;
	const struct provider *prov;
	const char *syscall_glob;	/* syscall.X: match names without the prefix */
	const char *any_pp;	/* syscall_any[.return]: the probe point's name */
	bool is_return;
	int count;
	int err;
};

static int tp_add(const char *sys, const char *name, void *arg)
{
	struct tp_expand *x = arg;
	struct compile *c = x->c;
	const struct tp_format *fmt;
	struct tp_probe *tp;
	struct dprobe *dp;
	int err;

	if (++x->count > TP_WILDCARD_MAX)
		return 1;
	err = target_event_format(c->target, sys, name, &fmt);
	if (err) {
		x->err = err == -ENOENT ? 0 : err;
		return err == -ENOENT ? 0 : 1;
	}
	dp = compile_add_dprobe(c, x->probe, x->point, x->prov, DPROBE_EVENT);
	tp = arena_zalloc(c->arena, sizeof(*tp));
	if (!dp || !tp) {
		x->err = -ENOMEM;
		return 1;
	}
	tp->fmt = fmt;
	tp->is_return = x->is_return;
	tp->any = x->any_pp != NULL;
	/* @name lives only as long as this callback */
	if (x->syscall_glob)
		tp->syscall = arena_strdup(c->arena, name + strlen(x->is_return ?
								   "sys_exit_" : "sys_enter_"));
	dp->pdata = tp;
	if (x->any_pp)
		dp->pp = arena_strdup(c->arena, x->any_pp);
	else if (x->syscall_glob)
		dp->pp = arena_printf(c->arena, "syscall.%s%s", tp->syscall,
				      x->is_return ? ".return" : "");
	else
		dp->pp = arena_printf(c->arena, "kernel.trace(\"%s:%s\")", sys, name);
	dp->func = tp->syscall ? arena_printf(c->arena, "__x64_sys_%s", tp->syscall) : "";
	if (!compile_add_def(c, dp, PROBE_DEF_TRACEPOINT, sys, name))
		x->err = -ENOMEM;
	return x->err ? 1 : 0;
}

static void too_many(struct compile *c, struct ast *pp)
{
	diag_error(c->diag, pp->loc,
		   "this probe point matches more than %d events", TP_WILDCARD_MAX);
	diag_note(c->diag, pp->loc,
		  "narrow the wildcard; tap keeps each probe point under %d events",
		  TP_WILDCARD_MAX);
}

/* --- kernel.trace("sys:name") ------------------------------------------ */

static bool trace_match(const struct ast *pp)
{
	return pp_is(pp, 0, "kernel") &&
	       (pp_is(pp, 1, "trace") || pp_is(pp, 1, "tracepoint"));
}

struct name_search {
	const char *name;
	const char *first_sys;
	struct arena *arena;
	int count;
	struct suggest *sg;
};

static int find_system(const char *sys, const char *name, void *arg)
{
	struct name_search *s = arg;

	if (s->sg) {
		suggest_add(s->sg, name);
		return 0;
	}
	if (!s->count++)
		s->first_sys = arena_strdup(s->arena, sys);
	return 0;
}

static void suggest_event(struct compile *c, struct ast *where,
			  const char *sys_glob, const char *name)
{
	struct suggest sg;
	struct name_search s = { .sg = &sg };

	suggest_init(&sg, name);
	target_events_walk(c->target, sys_glob, "*", find_system, &s);
	suggest_note(c, where->loc, &sg);
}

static int trace_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	struct tp_expand x = { .c = c, .probe = probe, .point = pp,
			       .prov = &tracepoint_provider };
	const char *arg = pp_str_arg(c, pp, 1);
	char *sys, *name, *colon;

	if (!arg || pp_ncomps(pp) != 2) {
		diag_error(c->diag, pp->loc,
			   "write kernel.trace(\"system:event\") or kernel.trace(\"event\")");
		return 0;
	}
	colon = strchr(arg, ':');
	if (colon) {
		sys = arena_strndup(c->arena, arg, (size_t)(colon - arg));
		name = arena_strdup(c->arena, colon + 1);
	} else {
		struct name_search s = { .name = arg, .arena = c->arena };

		name = arena_strdup(c->arena, arg);
		target_events_walk(c->target, "*", name, find_system, &s);
		if (s.count > 1 && !strpbrk(name, "*?[")) {
			diag_error(c->diag, pp->loc,
				   "tracepoint '%s' exists in %d systems; name one: kernel.trace(\"%s:%s\")",
				   name, s.count, s.first_sys, name);
			return 0;
		}
		sys = "*";
	}
	if (!sys || !name)
		return -ENOMEM;
	if (target_events_walk(c->target, sys, name, tp_add, &x) < 0)
		return x.err ? x.err : -EIO;
	if (x.err)
		return x.err;
	if (x.count > TP_WILDCARD_MAX) {
		too_many(c, pp);
	} else if (!x.count && !(pp->flags & AST_PP_OPTIONAL)) {
		diag_error(c->diag, pp_comp(pp, 1)->a->loc,
			   "no tracepoint matches '%s'", arg);
		suggest_event(c, pp_comp(pp, 1)->a, colon ? sys : "*", name);
	}
	return 0;
}

/* --- syscall.NAME ---------------------------------------------------------- */

/* nd_syscall is SystemTap's syscall without DWARF: here they are one */
static bool syscall_match(const struct ast *pp)
{
	return pp_is(pp, 0, "syscall") || pp_is(pp, 0, "nd_syscall");
}

static int syscall_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	struct tp_expand x = { .c = c, .probe = probe, .point = pp,
			       .prov = &syscall_provider };
	const struct ast *name = pp_comp(pp, 1);
	char *glob;

	if (!target_has(c->target, TF_SYSCALLS)) {
		diag_error(c->diag, pp->loc,
			   "this kernel has no %s; syscall probes need them",
			   target_feature_desc(TF_SYSCALLS));
		return 0;
	}
	if (!name || name->a || pp_ncomps(pp) > 3 ||
	    (pp_ncomps(pp) == 3 && !pp_is(pp, 2, "return"))) {
		diag_error(c->diag, pp->loc,
			   "write %s.NAME or %s.NAME.return", pp->a->name, pp->a->name);
		return 0;
	}
	x.is_return = pp_ncomps(pp) == 3;
	x.syscall_glob = name->name;
	glob = arena_printf(c->arena, "%s%s", x.is_return ? "sys_exit_" : "sys_enter_",
			    name->name);
	if (!glob)
		return -ENOMEM;
	if (target_events_walk(c->target, "syscalls", glob, tp_add, &x) < 0)
		return x.err ? x.err : -EIO;
	if (x.err)
		return x.err;
	if (x.count > TP_WILDCARD_MAX) {
		too_many(c, pp);
	} else if (!x.count && !(pp->flags & AST_PP_OPTIONAL)) {
		struct suggest sg;
		struct name_search s = { .sg = &sg };

		diag_error(c->diag, name->loc, "no system call matches '%s'",
			   name->name);
		suggest_init(&sg, arena_printf(c->arena, "sys_enter_%s", name->name));
		target_events_walk(c->target, "syscalls", "sys_enter_*",
				   find_system, &s);
		if (sg.best)
			diag_note(c->diag, name->loc, "did you mean '%s'?",
				  sg.best + strlen("sys_enter_"));
	}
	return 0;
}

/* --- binding ------------------------------------------------------------- */

static const struct tp_field *find_field(const struct tp_format *f,
					 const struct ctx_ref *r,
					 bool *used_member)
{
	const char *name = r->var + 1;
	const struct tp_field *fld = tp_format_field(f, name);
	char joined[256];

	*used_member = false;
	if (fld || !r->members || !r->members->name)
		return fld;
	/* TP_PROTO spelling: $prev->pid is the recorded prev_pid */
	snprintf(joined, sizeof(joined), "%s_%s", name, r->members->name);
	fld = tp_format_field(f, joined);
	*used_member = fld != NULL;
	return fld;
}

static int bind_special(struct compile *c, struct dprobe *dp,
			const struct ctx_ref *r, struct ctx_binding *b)
{
	const struct tp_format *f = tp_data(dp)->fmt;

	if (!strcmp(r->var, "$$name")) {
		b->kind = BIND_CONST_STR;
		b->type = TYPE_STRING;
		b->str = f->name;
	} else if (!strcmp(r->var, "$$system")) {
		b->kind = BIND_CONST_STR;
		b->type = TYPE_STRING;
		b->str = f->system;
	} else if (!strcmp(r->var, "$$parms") || !strcmp(r->var, "$$vars")) {
		b->kind = BIND_PARMS;
		b->type = TYPE_STRING;
	} else {
		return -ENOENT;
	}
	(void)c;
	return 0;
}

static int bind_target(struct compile *c, struct dprobe *dp,
		       const struct ctx_ref *r, struct ctx_binding *b)
{
	const struct tp_format *f = tp_data(dp)->fmt;
	const struct tp_field *fld;
	bool used_member;
	int err;

	if (!strncmp(r->var, "$$", 2))
		return bind_special(c, dp, r, b);
	if (tp_data(dp)->is_return && !strcmp(r->var, "$return"))
		fld = tp_format_field(f, "ret");
	else
		fld = find_field(f, r, &used_member);
	if (!fld || fld->common)
		return -ENOENT;
	if (r->members && !(used_member && !r->members->next)) {
		diag_error(c->diag, r->node->loc,
			   "'%s' is a recorded field of %s:%s; it has no members",
			   r->var, f->system, f->name);
		return 0;
	}
	err = bind_tp_field(fld, b);
	if (err == -ENOTSUP) {
		diag_error(c->diag, r->node->loc,
			   "field '%s' is an array, which tap cannot read yet",
			   fld->name);
		return 0;
	}
	return err;
}

/*
 * user_string($p) on a tracepoint: the event holds only the address. Where
 * the kernel has event probes the value could be fetched at probe time;
 * otherwise it is read from the process when the event is handled.
 */
static int bind_string(struct compile *c, struct dprobe *dp,
		       const struct ctx_ref *r, struct ctx_binding *b)
{
	struct ctx_ref plain = *r;
	int err;

	plain.kind = CTX_TARGET;
	err = bind_target(c, dp, &plain, b);
	if (err || b->kind != BIND_FIELD)
		return err;
	if (b->type == TYPE_STRING)
		return 0;	/* already a string in the record */
	if (r->kind == CTX_KERNEL_STRING) {
		diag_error(c->diag, r->node->loc,
			   "kernel_string() of a tracepoint field needs %s, which this kernel lacks",
			   target_feature_desc(TF_EPROBE));
		return 0;
	}
	b->kind = BIND_USER_READ;
	b->type = TYPE_STRING;
	b->num = r->addend;
	/* wake the reader at once: the sooner it reads, the likelier the
	 * process still holds the string */
	c->prog->plan->instance.buffer_percent = 0;
	compile_note(c, r->node,
		     "user_string() in %s is read from the process when the event "
		     "is handled (this kernel has no %s to fetch it when the probe fires)",
		     dp->pp, target_feature_desc(TF_EPROBE));
	return 0;
}

static int tp_bind(struct compile *c, struct dprobe *dp,
		   const struct ctx_ref *r, struct ctx_binding *b)
{
	switch (r->kind) {
	case CTX_TARGET:
		return bind_target(c, dp, r, b);
	case CTX_USER_STRING:
	case CTX_KERNEL_STRING:
		return bind_string(c, dp, r, b);
	default:
		return -ENOENT;
	}
}

static void tp_candidates(struct compile *c, struct dprobe *dp,
			  void (*add)(void *arg, const char *name), void *arg)
{
	const struct tp_format *f = tp_data(dp)->fmt;

	for (size_t i = 0; i < f->nfields; i++) {
		if (f->fields[i].common)
			continue;
		add(arg, arena_printf(c->arena, "$%s", f->fields[i].name));
	}
	if (tp_data(dp)->is_return)
		add(arg, "$return");
	add(arg, "$$parms");
	add(arg, "$$name");
}

const struct provider tracepoint_provider = {
	.name = "kernel.trace",
	.match = trace_match,
	.expand = trace_expand,
	.bind = tp_bind,
	.candidates = tp_candidates,
};

/*
 * An argument of syscall.NAME by its bare name, as the syscall tapset has
 * it (filename, flags, mode, fd, ...): the recorded field of that name.
 * "name" stays the system call's name, as in SystemTap.
 */
static const struct tp_field *tapset_arg(const struct dprobe *dp, const char *name)
{
	const struct tp_field *f;

	if (tp_data(dp)->is_return || !strcmp(name, "name"))
		return NULL;
	f = tp_format_field(tp_data(dp)->fmt, name);
	return f && !f->common && strcmp(f->name, "__syscall_nr") ? f : NULL;
}

/*
 * A path or name the tapset gives as user_string_quoted(): a "const char *"
 * argument, but not the data of write(2) and the like
 */
static bool tapset_string(const struct tp_field *f)
{
	return !strcmp(f->type, "const char *") && strcmp(f->name, "buf") &&
	       strcmp(f->name, "u_msg_ptr");
}

/* syscall.NAME adds the names SystemTap's syscall tapset offers */
static bool syscall_has_name(const struct dprobe *dp, const char *name)
{
	if (!strcmp(name, "name") || !strcmp(name, "argstr") || tapset_arg(dp, name))
		return true;
	return tp_data(dp)->is_return &&
	       (!strcmp(name, "retval") || !strcmp(name, "retstr"));
}

static int bind_tapset_arg(struct compile *c, struct dprobe *dp, const struct ctx_ref *r,
			   const struct tp_field *f, struct ctx_binding *b)
{
	struct ctx_ref field = *r;
	int err;

	field.var = arena_printf(c->arena, "$%s", f->name);
	if (!tapset_string(f)) {
		field.kind = CTX_TARGET;
		return bind_target(c, dp, &field, b);
	}
	field.kind = CTX_USER_STRING;
	err = bind_string(c, dp, &field, b);
	if (!err && b->kind == BIND_USER_READ)
		b->quoted = true;
	return err;
}

static int syscall_bind(struct compile *c, struct dprobe *dp,
			const struct ctx_ref *r, struct ctx_binding *b)
{
	const struct tp_probe *tp = tp_data(dp);
	struct ctx_ref ret = *r;

	if (r->kind != CTX_NAME)
		return tp_bind(c, dp, r, b);
	if (!strcmp(r->var, "name")) {
		b->kind = BIND_CONST_STR;
		b->type = TYPE_STRING;
		b->str = tp->syscall;
		return 0;
	}
	if (!strcmp(r->var, "argstr") && !tp->is_return) {
		b->kind = BIND_ARGSTR;
		b->type = TYPE_STRING;
		return 0;
	}
	if (!strcmp(r->var, "retval")) {
		ret.kind = CTX_TARGET;
		ret.var = "$return";
		return bind_target(c, dp, &ret, b);
	}
	if (!strcmp(r->var, "retstr") || !strcmp(r->var, "argstr")) {
		b->kind = BIND_ARGSTR;
		b->type = TYPE_STRING;
		return 0;
	}
	if (tapset_arg(dp, r->var))
		return bind_tapset_arg(c, dp, r, tapset_arg(dp, r->var), b);
	return -ENOENT;
}

static void syscall_candidates(struct compile *c, struct dprobe *dp,
			       void (*add)(void *arg, const char *name),
			       void *arg)
{
	tp_candidates(c, dp, add, arg);
	add(arg, "name");
	add(arg, "argstr");
	if (tp_data(dp)->is_return)
		add(arg, "retval");
}

const struct provider syscall_provider = {
	.name = "syscall",
	.match = syscall_match,
	.expand = syscall_expand,
	.bind = syscall_bind,
	.candidates = syscall_candidates,
	.has_name = syscall_has_name,
};

/* --- syscall_any[.return] ----------------------------------------------------- */

/*
 * Every system call through the raw_syscalls events: two events instead of
 * hundreds, which record only the number; name is looked up when handled
 * (util/syscalls.h), and a filter on it becomes one on the number.
 */
static bool any_match(const struct ast *pp)
{
	return pp_is(pp, 0, "syscall_any");
}

static int any_expand(struct compile *c, struct ast *probe, struct ast *pp)
{
	struct tp_expand x = { .c = c, .probe = probe, .point = pp,
			       .prov = &syscall_any_provider };
	const char *event;

	if (!target_has(c->target, TF_SYSCALLS)) {
		diag_error(c->diag, pp->loc,
			   "this kernel has no %s; syscall probes need them",
			   target_feature_desc(TF_SYSCALLS));
		return 0;
	}
	if (pp->a->a || pp_ncomps(pp) > 2 || (pp_ncomps(pp) == 2 && !pp_is(pp, 1, "return"))) {
		diag_error(c->diag, pp->loc, "write syscall_any or syscall_any.return");
		return 0;
	}
	x.is_return = pp_ncomps(pp) == 2;
	x.any_pp = x.is_return ? "syscall_any.return" : "syscall_any";
	event = x.is_return ? "sys_exit" : "sys_enter";
	if (target_events_walk(c->target, "raw_syscalls", event, tp_add, &x) < 0)
		return x.err ? x.err : -EIO;
	if (x.err)
		return x.err;
	if (!x.count && !(pp->flags & AST_PP_OPTIONAL))
		diag_error(c->diag, pp->loc, "this kernel has no raw_syscalls:%s event", event);
	return 0;
}

static bool any_has_name(const struct dprobe *dp, const char *name)
{
	if (!strcmp(name, "name") || !strcmp(name, "syscall_nr"))
		return true;
	return tp_data(dp)->is_return && !strcmp(name, "retval");
}

static int any_bind(struct compile *c, struct dprobe *dp, const struct ctx_ref *r,
		    struct ctx_binding *b)
{
	struct ctx_ref field = *r;

	if (r->kind != CTX_NAME)
		return tp_bind(c, dp, r, b);
	field.kind = CTX_TARGET;
	if (!strcmp(r->var, "name")) {
		field.var = "$id";
		if (bind_target(c, dp, &field, b) || b->kind != BIND_FIELD)
			return -ENOENT;
		b->kind = BIND_SYSCALL_NAME;
		b->type = TYPE_STRING;
		return 0;
	}
	if (!strcmp(r->var, "syscall_nr"))
		field.var = "$id";
	else if (!strcmp(r->var, "retval") && tp_data(dp)->is_return)
		field.var = "$return";
	else
		return -ENOENT;
	return bind_target(c, dp, &field, b);
}

static void any_candidates(struct compile *c, struct dprobe *dp,
			   void (*add)(void *arg, const char *name), void *arg)
{
	tp_candidates(c, dp, add, arg);
	add(arg, "name");
	add(arg, "syscall_nr");
	if (tp_data(dp)->is_return)
		add(arg, "retval");
}

const struct provider syscall_any_provider = {
	.name = "syscall_any",
	.match = any_match,
	.expand = any_expand,
	.bind = any_bind,
	.candidates = any_candidates,
	.has_name = any_has_name,
};
