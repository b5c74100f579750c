/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_COMPILER_H
#define TAP_COMPILER_H

/*
 * The compiler: checks a parsed script, resolves its probe points against
 * a target, and produces a program: the plan (kernel part) plus the
 * resolved handlers (user part) that the runtime interprets.
 */
#include "ast.h"
#include "plan.h"
#include "target.h"

struct plan_replay;

struct compile_define {
	const char *name;
	const char *value;
};

struct compile_opts {
	const char *session;	/* session name; NULL: from the script name */
	unsigned buffer_kb;	/* per CPU; 0: default */
	bool overwrite;	/* flight recorder */
	char **args;	/* script arguments $1.. / @1.. */
	int nargs;
	long target_pid;	/* -x PID or the -c child; 0: none */
	const struct compile_define *defines;	/* -D NAME=VALUE */
	size_t ndefines;
	/* a plan file's records (planfile.h): probe points, context values
	 * and kernel definitions come from there, not from the target */
	const struct plan_replay *replay;
	/* the instance is tap_<instance>, not tap_<session>: a shared
	 * buffer (-DRELAYHOST=NAME, -DRELAYGUEST=NAME); NULL: the session's */
	const char *instance;
};

/* the deepest MAXNESTING allowed: handlers recurse on the C stack */
#define LIMIT_MAXNESTING 1000

/* runtime limits a script can change with -D NAME=VALUE (docs/language.md) */
struct limits {
	long maxstringlen;	/* bytes a string keeps, NUL included */
	long maxmapentries;	/* entries of an array without [N] */
	long maxaction;	/* statements one event, timer probe may run */
	long maxaction_interruptible;	/* same, begin/end/error probes */
	long maxnesting;	/* nested function calls */
	long maxerrors;	/* run-time errors tolerated before stopping */
	long hist_width;	/* columns of histogram bars */
	long hist_elision;	/* empty buckets kept around data; <0: all */
};

/* how a handler reads one context value of one derived probe */
enum binding_kind {
	BIND_FIELD,	/* a field of the recorded event */
	BIND_CONST_STR,	/* known at compile time, e.g. a syscall's name */
	BIND_CONST_NUM,
	BIND_USER_READ,	/* a string read from the process when handled */
	BIND_PARMS,	/* $$parms: the event's argument fields, formatted */
	BIND_ARGSTR,	/* argstr: the syscall's arguments, comma separated */
	BIND_SYSCALL_NAME,	/* syscall_any's name: field holds the number */
};

struct ctx_binding {
	enum binding_kind kind;
	enum tap_type type;
	const char *field;	/* event field (BIND_FIELD, BIND_USER_READ) */
	const char *str;
	int64_t num;	/* constant, or addend for BIND_USER_READ */
	unsigned width;	/* bytes the value really has (int in a long slot) */
	unsigned storage;	/* bytes the event field takes */
	unsigned bits;	/* a bitfield's width: the kernel gives it unsigned */
	bool storage_signed;	/* how the kernel's filter compares it */
	bool is_signed;
	bool missing;	/* not in this probe: only @defined() asked */
	bool quoted;	/* BIND_USER_READ: as user_string_quoted() gives it */
};

enum dprobe_kind {
	DPROBE_BEGIN,
	DPROBE_END,
	DPROBE_ERROR,
	DPROBE_NEVER,
	DPROBE_TIMER,
	DPROBE_EVENT,	/* runs when its event is read from the buffer */
	DPROBE_PERF,	/* a perf_event sample (timer.profile, perf.*) */
};

/* what perf_event_open(2) is asked for a DPROBE_PERF probe */
struct perf_spec {
	uint32_t type;	/* PERF_TYPE_HARDWARE, _SOFTWARE, ... */
	uint64_t config;
	uint64_t period;	/* events (or ns for the clocks) between samples */
	const char *name;	/* as written: "cpu_clock" */
};

/* a probe point resolved to one concrete thing (wildcards expanded) */
struct dprobe {
	enum dprobe_kind kind;
	struct ast *probe;	/* the AST_PROBE whose body runs */
	struct ast *point;
	const struct provider *prov;
	int handler;	/* index in program->handlers */
	char *pp;	/* canonical probe point, for pp() */
	char *func;	/* for probefunc() */
	uint64_t period_ns;	/* timers */
	uint64_t randomize_ns;	/* timer.X(N).randomize(M): each period +-M */
	struct perf_spec perf;	/* DPROBE_PERF */
	int def_index;	/* its kernel definition in the plan, or -1 */
	struct ctx_binding *ctx;	/* one per handler context slot */
	bool cond_in_kernel;	/* the probe's if () became the filter */
	bool first_next_in_kernel;	/* a leading "if (c) next" did */
	void *pdata;	/* provider data */
};

/* a probe body, shared by the derived probes of its probe points */
struct handler {
	struct ast *probe;
	int nlocals;
	int nctx;
	const char **ctx_keys;	/* canonical text of each context value */
	struct ast **ctx_nodes;	/* first node that uses each */
	struct dprobe **dprobes;	/* derived probes running this handler */
	int ndprobes;
};

struct program {
	struct arena arena;
	const struct src_file *src;
	struct ast_script *script;
	struct plan *plan;
	struct dprobe **dprobes;
	size_t ndprobes;
	struct handler *handlers;
	size_t nhandlers;
	struct symbol **globals;
	size_t nglobals;
	struct symbol **functions;
	size_t nfunctions;
	struct limits limits;
	char **args;	/* script arguments (not owned) */
	int nargs;
	long target_pid;
	bool uses_task_info;	/* execname(), pid(), ppid() on tracepoints */
	bool uses_user_symbols;	/* usymname(): perf tracks process mappings */
	void **fmts;	/* parsed printf formats (struct fmt) */
	size_t nfmts;
};

/*
 * Parses and compiles @src for target @t. Problems go to @d; returns 0,
 * -EINVAL when @d holds errors, or -ENOMEM. On success *@out owns the
 * tree and everything else and is freed with program_free(); @src must
 * outlive it.
 */
int compile_program(const struct src_file *src, struct target *t,
		    const struct compile_opts *o, struct diag *d,
		    struct program **out);
void program_free(struct program *p);

/* tapc -p2: the plan's tracefs writes, then the handler table */
void program_print_plan(const struct program *p, FILE *out);

/* A session name made of [A-Za-z0-9_] from a script path ("foo" for
 * "/x/foo.tap"), in a malloc'd string. */
char *compile_session_name(const char *script_path);

/* whether probe point text names a return probe ("... .return") */
bool pp_names_return(const char *pp);

#endif
