// SPDX-License-Identifier: GPL-2.0-or-later
/* The builtin functions, as the runtime carries them out. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "builtins.h"
#include "rt.h"
#include "symbolize.h"

static const struct builtin *bi(const struct ast *e)
{
	return e->bind;
}

/* --- printing ---------------------------------------------------------------- */

static int render_printf(struct exec *x, struct ast *e, struct strbuf *out)
{
	const struct fmt *f = e->aux;
	struct fmt_arg args[32], *argv = args;
	struct ast *a = e->a->next;
	size_t i = 0;

	if (f->nargs > 32) {
		argv = (struct fmt_arg *)scratch_alloc(&x->rt->scratch,
						       f->nargs * sizeof(*argv));
		if (!argv)
			return -ENOMEM;
	}
	for (size_t s = 0; s < f->nsegs && a; s++) {
		if (f->segs[s].conv == FMT_LITERAL)
			continue;
		if (fmt_conv_is_string(f->segs[s].conv)) {
			struct sv v = eval_str(x, a);

			argv[i].str = v.p;
			argv[i].len = v.n;
		} else {
			argv[i].num = eval_num(x, a);
		}
		i++;
		a = a->next;
	}
	if (x->failed)
		return 0;
	return fmt_render(f, argv, out);
}

static bool is_hist_call(const struct ast *a)
{
	return a->kind == AST_AT_CALL && !a->b &&
	       (!strcmp(a->name, "@hist_log") || !strcmp(a->name, "@hist_linear"));
}

/* print, println, sprint, sprintln: arguments one after the other */
static int render_values(struct exec *x, struct ast *e, struct strbuf *out,
			 bool newline)
{
	int err = 0;

	ast_foreach_child(a, e->a)
	{
		if (is_hist_call(a)) {
			err = hist_render(x, a, out);
		} else if (a->type == TYPE_STRING) {
			struct sv v = eval_str(x, a);

			err = strbuf_add(out, v.p, v.n);
		} else {
			char num[24];
			int n = snprintf(num, sizeof(num), "%" PRId64, eval_num(x, a));

			err = strbuf_add(out, num, (size_t)n);
		}
		if (err || x->failed)
			return err;
	}
	return newline ? strbuf_add(out, "\n", 1) : 0;
}

int render_print(struct exec *x, struct ast *e, struct strbuf *out)
{
	switch (bi(e)->id) {
	case BI_PRINTF:
	case BI_SPRINTF:
		return render_printf(x, e, out);
	case BI_PRINTLN:
	case BI_SPRINTLN:
		return render_values(x, e, out, true);
	default:
		return render_values(x, e, out, false);
	}
}

static struct sv render_to_string(struct exec *x, struct ast *e)
{
	struct strbuf sb;
	struct sv v;

	strbuf_init(&sb);
	if (render_print(x, e, &sb)) {
		strbuf_release(&sb);
		rt_fail(x, e, "out of memory");
		return SV_EMPTY;
	}
	v = scratch_copy(&x->rt->scratch, sv_from(sb.buf ? sb.buf : "", sb.len));
	strbuf_release(&sb);
	return v;
}

static void print_out(struct exec *x, struct ast *e)
{
	struct output *o = x->rt->out;

	if (render_print(x, e, &o->buf))
		rt_fail(x, e, "out of memory");
	output_commit(o);
}

/* --- task and time ------------------------------------------------------------ */

static const struct task_info *task(struct exec *x)
{
	int tid = x->ev ? x->ev->tid : (int)gettid();

	return task_lookup(x->rt->tasks, tid);
}

static struct sv execname(struct exec *x, struct ast *e)
{
	const struct task_info *t;

	/* a dynamic event may have fetched the comm itself */
	if ((e->flags & AST_CTX) && ctx_defined(x, e))
		return ctx_str(x, e);
	if (!x->ev) {
		static char self[16];

		if (!self[0]) {
			FILE *f = fopen("/proc/self/comm", "re");

			if (!f || !fgets(self, sizeof(self), f))
				snprintf(self, sizeof(self), "tapc");
			self[strcspn(self, "\n")] = '\0';
			if (f)
				fclose(f);
		}
		return sv_from(self, strlen(self));
	}
	t = task(x);
	return sv_from(t->comm, strlen(t->comm));
}

uint64_t rt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t rt_wall_ns(struct exec *x)
{
	struct timespec ts;

	if (x->ev)
		return (int64_t)x->ev->ts + x->rt->realtime_offset;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* --- strings ------------------------------------------------------------------ */

static struct sv substr(struct exec *x, struct ast *e)
{
	struct sv s = eval_str(x, e->a);
	int64_t start = eval_num(x, e->a->next);
	int64_t len = eval_num(x, e->a->next->next);

	if (start < 0 || len < 0 || (uint64_t)start >= s.n)
		return SV_EMPTY;
	if ((uint64_t)len > s.n - (uint64_t)start)
		len = (int64_t)(s.n - (uint64_t)start);
	return sv_from(s.p + start, (size_t)len);
}

static int64_t isinstr(struct exec *x, struct ast *e)
{
	struct sv hay = scratch_copy(&x->rt->scratch, eval_str(x, e->a));
	struct sv needle = scratch_copy(&x->rt->scratch, eval_str(x, e->a->next));

	return strstr(hay.p, needle.p) != NULL;
}

static int64_t str_to_long(struct exec *x, struct ast *e)
{
	struct sv s = scratch_copy(&x->rt->scratch, eval_str(x, e->a));
	int64_t base = eval_num(x, e->a->next);

	if (base != 0 && (base < 2 || base > 36)) {
		rt_fail(x, e, "strtol: base %" PRId64 " is not 0 or 2..36", base);
		return 0;
	}
	return strtoll(s.p, NULL, (int)base);
}

/* text_str: printable text, with C escapes for the rest */
static struct sv text_str(struct exec *x, struct ast *e, bool quoted)
{
	struct sv s = eval_str(x, e->a);
	char *out = scratch_alloc(&x->rt->scratch, s.n * 4 + 3), *p = out;

	if (!out)
		return SV_EMPTY;
	if (quoted)
		*p++ = '"';
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		switch (c) {
		case '\n': p += sprintf(p, "\\n"); break;
		case '\t': p += sprintf(p, "\\t"); break;
		case '\r': p += sprintf(p, "\\r"); break;
		case '"': p += sprintf(p, quoted ? "\\\"" : "\""); break;
		case '\\': p += sprintf(p, "\\\\"); break;
		default:
			if (isprint(c))
				*p++ = (char)c;
			else
				p += sprintf(p, "\\%03o", c);
		}
	}
	if (quoted)
		*p++ = '"';
	*p = '\0';
	return rt_clamp(x, sv_from(out, (size_t)(p - out)));
}

/* user_string() of an address that was not fetched by the probe: read
 * the traced process's memory now (it may have changed or gone) */
static struct sv read_user_string(struct exec *x, struct ast *e, uint64_t addr,
				  int pid)
{
	size_t max = (size_t)x->rt->prog->limits.maxstringlen;
	char *buf = scratch_alloc(&x->rt->scratch, max + 1);
	size_t got = 0;

	if (!buf)
		return SV_EMPTY;
	while (got < max) {
		/* page by page: a string may end just before an unmapped page */
		size_t chunk = 4096 - ((addr + got) & 4095);
		struct iovec local, remote;
		ssize_t n;

		if (chunk > max - got)
			chunk = max - got;
		local.iov_base = buf + got;
		local.iov_len = chunk;
		remote.iov_base = (void *)(uintptr_t)(addr + got);
		remote.iov_len = chunk;
		n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		if (n <= 0)
			break;
		if (memchr(buf + got, '\0', (size_t)n))
			return sv_from(buf, strlen(buf));
		got += (size_t)n;
	}
	if (!got) {
		if (e->a->next)
			return eval_str(x, e->a->next);
		rt_fail(x, e, "user string copy fault at 0x%" PRIx64, addr);
		return SV_EMPTY;
	}
	buf[got] = '\0';
	return sv_from(buf, got);
}

static struct sv user_string(struct exec *x, struct ast *e)
{
	if (e->flags & AST_CTX) {
		struct sv v = ctx_str(x, e);

		/* the kernel writes "(fault)" when the fetch failed */
		if (v.n == 7 && !memcmp(v.p, "(fault)", 7)) {
			if (e->a->next)
				return eval_str(x, e->a->next);
			rt_fail(x, e, "user string copy fault");
			return SV_EMPTY;
		}
		return v;
	}
	if (bi(e)->id == BI_KERNEL_STRING) {
		rt_fail(x, e, "kernel_string() needs an address the probe fetches, like kernel_string($ptr)");
		return SV_EMPTY;
	}
	if (!x->ev) {
		rt_fail(x, e, "user_string() needs a traced process");
		return SV_EMPTY;
	}
	return read_user_string(x, e, (uint64_t)eval_num(x, e->a),
				task(x)->tgid);
}

/* symname(addr) and usymname(uaddr), for perf samples */
static struct sv symname(struct exec *x, struct ast *e)
{
	uint64_t addr = (uint64_t)eval_num(x, e->a);
	const char *s;

	if (!x->rt->symbols)
		x->rt->symbols = symbolizer_alloc();
	if (!x->rt->symbols)
		return SV_EMPTY;
	if (((const struct builtin *)e->bind)->id == BI_SYMNAME)
		s = symbolize_kernel(x->rt->symbols, addr);
	else
		s = symbolize_user(x->rt->symbols, x->ev ? task(x)->tgid : getpid(), addr);
	return scratch_copy(&x->rt->scratch, sv_from(s, strlen(s)));
}

/* --- dispatch ------------------------------------------------------------------- */

static int64_t time_in(struct exec *x, int64_t unit)
{
	return rt_wall_ns(x) / unit;
}

int64_t builtin_num(struct exec *x, struct ast *e)
{
	int64_t a, b;

	switch (bi(e)->id) {
	case BI_PID: return x->ev ? task(x)->tgid : getpid();
	case BI_TID: return x->ev ? x->ev->tid : gettid();
	case BI_PPID: return x->ev ? task(x)->ppid : getppid();
	case BI_UID: return x->ev ? task(x)->uid : (int64_t)getuid();
	case BI_CPU: return x->ev ? x->ev->cpu : sched_getcpu();
	case BI_GETTIMEOFDAY_S: return time_in(x, 1000000000);
	case BI_GETTIMEOFDAY_MS: return time_in(x, 1000000);
	case BI_GETTIMEOFDAY_US: return time_in(x, 1000);
	case BI_GETTIMEOFDAY_NS: return time_in(x, 1);
	case BI_LOCAL_CLOCK_NS: return x->ev ? (int64_t)x->ev->ts : (int64_t)rt_now_ns();
	case BI_TARGET: return x->rt->target_pid;
	case BI_STRLEN: return (int64_t)eval_str(x, e->a).n;
	case BI_ISINSTR: return isinstr(x, e);
	case BI_STRTOL: return str_to_long(x, e);
	case BI_ABS:
		a = eval_num(x, e->a);
		return a < 0 ? -a : a;
	case BI_ADDR:
		return x->ev && !x->ev->ip_user ? (int64_t)x->ev->ip : 0;
	case BI_UADDR:
		return x->ev && x->ev->ip_user ? (int64_t)x->ev->ip : 0;
	case BI_MIN:
	case BI_MAX:
		a = eval_num(x, e->a);
		b = eval_num(x, e->a->next);
		return (bi(e)->id == BI_MIN) == (a < b) ? a : b;
	default:
		builtin_void(x, e);
		return 0;
	}
}

struct sv builtin_str(struct exec *x, struct ast *e)
{
	switch (bi(e)->id) {
	case BI_SPRINTF:
	case BI_SPRINT:
	case BI_SPRINTLN:
		return render_to_string(x, e);
	case BI_EXECNAME:
		return execname(x, e);
	case BI_PP:
		return x->probe ? sv_from(x->probe->dp->pp, strlen(x->probe->dp->pp)) :
				  SV_EMPTY;
	case BI_PROBEFUNC:
		return x->probe ? sv_from(x->probe->dp->func, strlen(x->probe->dp->func)) :
				  SV_EMPTY;
	case BI_USER_STRING:
	case BI_KERNEL_STRING:
		return user_string(x, e);
	case BI_SUBSTR:
		return substr(x, e);
	case BI_SYMNAME:
	case BI_USYMNAME:
		return symname(x, e);
	case BI_TEXT_STR:
		return text_str(x, e, false);
	case BI_STRING_QUOTED:
		return text_str(x, e, true);
	default:
		builtin_void(x, e);
		return SV_EMPTY;
	}
}

void builtin_void(struct exec *x, struct ast *e)
{
	struct sv msg;

	switch (bi(e)->id) {
	case BI_PRINTF:
	case BI_PRINT:
	case BI_PRINTLN:
		print_out(x, e);
		break;
	case BI_EXIT:
		x->rt->exit_requested = true;
		break;
	case BI_SNAPSHOT:
		rt_snapshot(x->rt);
		break;
	case BI_ERROR:
		msg = eval_str(x, e->a);
		rt_fail(x, e, "%.*s", (int)msg.n, msg.p);
		break;
	case BI_WARN:
		msg = eval_str(x, e->a);
		output_flush(x->rt->out);
		fprintf(stderr, "WARNING: %.*s\n", (int)msg.n, msg.p);
		break;
	default:
		if (bi(e)->ret == TYPE_STRING)
			builtin_str(x, e);
		else
			builtin_num(x, e);
		break;
	}
}
