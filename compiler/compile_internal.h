/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_COMPILE_INTERNAL_H
#define TAP_COMPILE_INTERNAL_H

/* State shared by the compiler's passes; not seen outside compiler/. */
#include "compiler.h"
#include "symbol.h"

struct compile {
	struct program *prog;
	struct arena *arena;
	struct target *target;
	const struct compile_opts *opts;
	struct diag *diag;
	struct handler *cur_handler;	/* while checking a probe body */
	struct symbol *cur_function;
	struct scope *scope;
	int in_defined;	/* inside @defined(...) */
	struct fmt **fmts;	/* parsed formats, released with the program */
	size_t nfmts;
	long scope_pid;	/* process(PID): the process the session follows */
	const struct ast *scope_point;	/* the first point that named it */
	struct ufile *ufiles;	/* binaries opened by process() probes */
};

/* a context value a handler asks for, in canonical form */
enum ctx_ref_kind {
	CTX_TARGET,	/* $name, $name->a->b */
	CTX_NAME,	/* a bare context name such as 'name' or 'retval' */
	CTX_USER_STRING,	/* user_string($x [+ N]) */
	CTX_KERNEL_STRING,	/* kernel_string($x [+ N]) */
	CTX_COMM,	/* the task's comm, when the probe can fetch it */
	CTX_CAST,	/* @cast($x->a, "type"[, "module"])->b: node is the @cast */
	CTX_VAR,	/* @var("name[@file]"[, "path"])->b: node is the @var */
};

struct ctx_ref {
	enum ctx_ref_kind kind;
	const char *var;	/* "$name" or "name" */
	struct ast *members;	/* ->a->b chain, or NULL */
	int64_t addend;
	struct ast *node;
	bool guarded;	/* used inside @defined(): may be missing */
};

/*
 * A family of probe points, as in ply: matched by the first component of
 * the point, asked to expand it into derived probes, then to bind the
 * context values their handler uses, and finally to finish the kernel
 * definition.
 */
struct provider {
	const char *name;
	bool (*match)(const struct ast *point);
	/* adds derived probes with compile_add_dprobe(); errors to c->diag */
	int (*expand)(struct compile *c, struct ast *probe, struct ast *point);
	/* 0, or -ENOENT for "no such context value" (the caller reports) */
	int (*bind)(struct compile *c, struct dprobe *dp,
		    const struct ctx_ref *ref, struct ctx_binding *b);
	/* names offered for did-you-mean after bind() said -ENOENT */
	void (*candidates)(struct compile *c, struct dprobe *dp,
			   void (*add)(void *arg, const char *name), void *arg);
	/* is @name a bare context name of this family ("name", "retval") */
	bool (*has_name)(const struct dprobe *dp, const char *name);
};

/* .inline: refused with the reason (kernel and user functions alike) */
void inline_refused(struct compile *c, const struct ast *where);

extern const struct provider *const providers[];
extern const struct provider basic_provider, timer_provider,
	tracepoint_provider, syscall_provider, syscall_any_provider, uprobe_provider,
	perf_provider;
extern const struct provider kprobe_provider;
extern const struct provider sdt_provider;

struct dprobe *compile_add_dprobe(struct compile *c, struct ast *probe,
				  struct ast *point, const struct provider *p,
				  enum dprobe_kind kind);
/* @dp's kernel definition (valid until the next definition is added). */
struct probe_def *dprobe_def(struct compile *c, const struct dprobe *dp);
/* A note printed in the plan, prefixed with @node's file:line:col. */
void compile_note(struct compile *c, const struct ast *node, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));
/* Width and signedness of a C type as event formats spell it; false when
 * the type is not a plain integer or pointer. */
bool ctype_int(const char *type, unsigned *width, bool *is_signed);
/* Binds a tracepoint-like field (number or string) into @b. */
int bind_tp_field(const struct tp_field *f, struct ctx_binding *b);

/*
 * Adds a kernel definition for @dp to the plan: a tracepoint (shared with
 * other probes on it) or a dynamic event named @event in @system (NULL:
 * the session's group). Valid until the next definition is added.
 */
struct probe_def *compile_add_def(struct compile *c, struct dprobe *dp,
				  enum probe_def_kind kind, const char *system,
				  const char *event);
/* Adds a fetch argument to @dp's dynamic event unless it has one by that
 * name; returns -ENOMEM or 0. */
int compile_add_fetch(struct compile *c, struct dprobe *dp, const char *name,
		      const char *arg, const char *type);

/* probe point helpers */
int pp_ncomps(const struct ast *point);
const struct ast *pp_comp(const struct ast *point, int i);
bool pp_is(const struct ast *point, int i, const char *name);
/* a derived probe's canonical point ends in ".return" */
/* the string or number argument of component @i (NULL when absent) */
const char *pp_str_arg(struct compile *c, const struct ast *point, int i);
bool pp_num_arg(struct compile *c, const struct ast *point, int i,
		int64_t *out);
char *pp_canonical(struct compile *c, const struct ast *point);

/* a sanitised event name: [A-Za-z0-9_], at most 48 bytes, plus "_N" */
char *compile_event_name(struct compile *c, const char *base, size_t index);

/* did-you-mean: the candidate closest to @name, or NULL */
struct suggest {
	const char *name;
	const char *best;	/* points into best_buf, or NULL */
	unsigned best_dist;
	char best_buf[128];	/* candidates may not outlive the call */
};
void suggest_init(struct suggest *s, const char *name);
void suggest_add(void *s, const char *candidate);
/* "did you mean 'x'?" at @where, when a candidate came close enough */
void suggest_note(struct compile *c, struct src_range where, const struct suggest *s);

struct fmt;
void compile_track_fmt(struct compile *c, struct fmt *f);

/* passes */
/* @entry(E) in return probes: a hidden entry probe saves E (entry.c) */
void entry_rewrite(struct compile *c);
void sema_declare(struct compile *c);
int sema_resolve(struct compile *c);
int sema_bind(struct compile *c);
int sema_infer(struct compile *c);
/* refuses changes to an array inside a foreach over it (after inference) */
int sema_check_foreach(struct compile *c);
int lower_program(struct compile *c);
/* usymname() anywhere: perf must track process mappings (also for plan files) */
void mark_user_symbols(struct compile *c);
/* after expansion: what process(PID) scoping means for the other probes */
int uprobe_check_scope(struct compile *c);
/* at the end: closes the binaries process() probes opened */
void uprobe_files_free(struct compile *c);

#endif
