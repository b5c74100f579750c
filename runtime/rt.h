/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_RT_H
#define TAP_RT_H

/* The runtime's internals, shared by interp.c, rt_builtins.c and rt.c. */
#include "compiler.h"
#include "map.h"
#include "output.h"
#include "runtime.h"
#include "symbol.h"
#include "task.h"
#include "value.h"

struct tep_event;
struct tep_handle;

struct rt_global {
	enum tap_type type;
	bool is_array;
	int64_t n;
	char *s;	/* owned string value */
	size_t slen;
	struct stats st;
	struct map map;
	struct stats_shape shape;
};

/* one context slot of one derived probe, resolved against the event */
struct rt_field {
	enum binding_kind kind;
	enum tap_type type;
	bool missing;
	int offset, size;	/* in the record */
	bool data_loc;	/* __data_loc: offset/length word */
	unsigned width;
	unsigned bits;	/* a bitfield's width, or 0 */
	bool is_signed;
	const char *str;
	int64_t num;
	bool quoted;	/* BIND_USER_READ: quoted, "NULL" or the address */
};

struct rt_probe {
	const struct dprobe *dp;
	const struct handler *h;
	struct rt_field *fields;
	struct tep_event *event;
	struct rt_probe *next;	/* other probes on the same event */
	uint64_t next_fire_ns;	/* timers */
	unsigned long long hits;
	bool kstack;	/* a stacktrace trigger follows each record */
};

/* the event a handler runs for (zeroed for begin/end/timer) */
struct rt_event {
	const struct rt_probe *probe;
	const unsigned char *data;
	int size;
	int cpu;
	uint64_t ts;	/* trace clock ns */
	int tid;
	uint64_t ip;	/* perf samples: the sampled instruction pointer */
	bool ip_user;
	const unsigned char *kstack;	/* the stacktrace trigger's callers, or NULL */
	int nkstack;	/* how many (8 bytes each, unaligned) */
};

struct rt_local {
	int64_t n;
	struct sv s;	/* points into buf, or at a literal/field */
	char *buf;
	size_t cap;
};

struct rt {
	const struct program *prog;
	struct output *out;
	struct rt_global *globals;
	struct rt_probe *probes;	/* one per derived probe */
	size_t nprobes;
	struct rt_probe **by_id;	/* event id -> probes */
	bool any_kstack;	/* a probe's event has the stacktrace trigger */
	int max_id;
	struct scratch scratch;
	uint64_t timer_rng;	/* randomize()'s state */
	struct task_cache *tasks;
	struct tep_handle *tep;
	int64_t realtime_offset;	/* wall clock ns = trace ns + this */
	bool exit_requested;
	bool error_stop;	/* a run-time error ended the script */
	unsigned errors;
	struct rt_local *local_pool;	/* frames, reused */
	size_t local_pool_size, local_pool_used;
	int depth;
	long actions;
	long action_limit;	/* MAXACTION, or MAXACTION_INTERRUPTIBLE */
	char errmsg[640];	/* the whole message, location included */
	char errbare[512];	/* what went wrong, alone (for catch) */
	struct strbuf strtmp;	/* sprintf() renders here */
	const struct rt_event *cur_event;
	const struct rt_probe *cur_probe;
	uint64_t events_handled;
	long target_pid;
	int self;	/* our own pid: its events are skipped (rt_skip_self) */
	uint64_t self_since;
	bool *filter_refused;	/* per plan definition, or NULL */
	unsigned long long user_read_failures;
	int id_task_fork, id_task_exec, id_task_rename;
	struct symbolizer *symbols;	/* for symname()/usymname(), lazily */
	/* the next program reading the same instance: a shared buffer's
	 * guest, which gets the records and timers too (rt_chain()) */
	struct rt *next_prog;
	/* snapshot(): the session writes its buffered events to a file */
	void (*snapshot)(void *arg);
	void *snapshot_arg;
};

enum flow {
	FLOW_NORMAL,
	FLOW_BREAK,
	FLOW_CONTINUE,
	FLOW_NEXT,
	FLOW_RETURN,
	FLOW_ERROR,
};

struct exec {
	struct rt *rt;
	const struct rt_event *ev;
	const struct rt_probe *probe;	/* NULL inside begin/end/timers too */
	struct rt_local *locals;
	int nlocals;
	struct rt_local ret;
	bool failed;
	bool next_pending;	/* a function ran 'next': leave the probe */
};

/* evaluation (interp.c) */
int64_t eval_num(struct exec *x, struct ast *e);
struct sv eval_str(struct exec *x, struct ast *e);
enum flow exec_stmt(struct exec *x, struct ast *s);
void rt_fail(struct exec *x, const struct ast *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* a string cut to MAXSTRINGLEN - 1 bytes, as SystemTap keeps them */
struct sv rt_clamp(struct exec *x, struct sv v);
/* @s as text_str() (or string_quoted(), @quoted) writes it */
struct sv rt_text_str(struct exec *x, struct sv s, bool quoted);
/* MAXSTRINGLEN - 1: the bytes a string keeps */
size_t max_string_len(struct exec *x);
/* Sets an owned string (a global's, an array element's); 0 or -ENOMEM. */
int rt_str_store(char **p, size_t *len, struct sv v);

/* builtins (rt_builtins.c) */
int64_t builtin_num(struct exec *x, struct ast *e);
struct sv builtin_str(struct exec *x, struct ast *e);
void builtin_void(struct exec *x, struct ast *e);
/* print/printf into @out (the output, or a scratch string) */
int render_print(struct exec *x, struct ast *e, struct strbuf *out);

/* context values (rt.c) */
int64_t ctx_num(struct exec *x, const struct ast *e);
struct sv ctx_str(struct exec *x, const struct ast *e);
bool ctx_defined(struct exec *x, const struct ast *e);
struct sv rt_read_user_string(struct exec *x, int pid, uint64_t addr,
			      size_t *got);
uint64_t rt_now_ns(void);
int64_t rt_wall_ns(struct exec *x);

/*
 * A timer's next period: @period_ns, plus or minus up to @spread_ns
 * (randomize()), at least 1 ns. @rng is the caller's xorshift state
 * (not 0).
 */
uint64_t rt_timer_period(uint64_t period_ns, uint64_t spread_ns, uint64_t *rng);
/* a pseudo-random number (randint()); not for anything secret */
uint64_t rt_random(struct rt *rt);

/* the statistics of an array element, or NULL when it has none */
struct stats *rt_stats_lookup(struct exec *x, struct ast *e);

/* histogram printing (hist.c) */
int hist_render(struct exec *x, struct ast *e, struct strbuf *out);

/* one histogram's counts and how to print them */
struct hist_view {
	const uint64_t *counts;
	int nbuckets;	/* HIST_LOG_BUCKETS, or a linear one's with its two
			 * out-of-range buckets */
	bool linear;
	int64_t lo, step;
	int width;	/* columns of '@' for the biggest count (HIST_WIDTH) */
	int elision;	/* empty buckets kept next to data, <0: all
			 * (HIST_ELISION) */
};

/* Appends @h in SystemTap's layout to @out; 0 or -1 (out of memory). */
int hist_print(const struct hist_view *h, struct strbuf *out);

#endif
