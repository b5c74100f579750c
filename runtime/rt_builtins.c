// SPDX-License-Identifier: GPL-2.0-or-later
/* The builtin functions, as the runtime carries them out. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "builtins.h"
#include "fileio.h"
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
		/* '*' widths and precisions come first, as longs */
		for (int k = f->segs[s].width_arg + f->segs[s].precision_arg;
		     k > 0 && a; k--) {
			argv[i++].num = eval_num(x, a);
			a = a->next;
		}
		if (!a)
			break;
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
	       (a->op == AT_HIST_LOG || a->op == AT_HIST_LINEAR);
}

/*
 * print, println, sprint, sprintln: the arguments one after the other;
 * printd, printdln, sprintd: the first argument is put between the others.
 */
static int render_values(struct exec *x, struct ast *e, struct strbuf *out,
			 bool newline, bool delimited)
{
	struct ast *args = e->a;
	struct sv delim = SV_EMPTY;
	int err = 0;

	if (delimited) {
		delim = scratch_copy(&x->rt->scratch, eval_str(x, args));
		args = args->next;
	}
	ast_foreach_child(a, args)
	{
		if (a != args && delim.n)
			err = strbuf_add(out, delim.p, delim.n);
		if (err)
			return err;
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

static int render_print_call(struct exec *x, struct ast *e, struct strbuf *out)
{
	switch (bi(e)->id) {
	case BI_PRINTF:
	case BI_SPRINTF:
		return render_printf(x, e, out);
	case BI_PRINTLN:
	case BI_SPRINTLN:
		return render_values(x, e, out, true, false);
	case BI_PRINTD:
	case BI_SPRINTD:
		return render_values(x, e, out, false, true);
	case BI_PRINTDLN:
		return render_values(x, e, out, true, true);
	default:
		return render_values(x, e, out, false, false);
	}
}

/*
 * sprintf and friends render into one buffer the runtime keeps, from its
 * current end, so a nested sprintf in an argument appends after the outer
 * one's partial text and both come out whole; no allocation per call.
 */
/* all or nothing: a failing argument takes back what was rendered */
int render_print(struct exec *x, struct ast *e, struct strbuf *out)
{
	size_t start = out->len;
	int err = render_print_call(x, e, out);

	if (x->failed)
		out->len = start;
	return err;
}

static struct sv render_to_string(struct exec *x, struct ast *e)
{
	struct strbuf *sb = &x->rt->strtmp;
	size_t start = sb->len;
	struct sv v;

	if (render_print(x, e, sb)) {
		sb->len = start;
		rt_fail(x, e, "out of memory");
		return SV_EMPTY;
	}
	v = scratch_copy(&x->rt->scratch, sv_from(sb->buf + start, sb->len - start));
	sb->len = start;
	return rt_clamp(x, v);
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

/* the code point of a well-formed UTF-8 sequence at @p, and its length;
 * 1 and the byte itself when it is not one */
static int utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	int len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 1;
	uint32_t c = p[0] & (0x7f >> len);

	if (len == 1 || (size_t)len > n)
		goto byte;
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto byte;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* overlong forms would hide what the bytes were: show the bytes */
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && c < 0x10000))
		goto byte;
	*cp = c;
	return len;
byte:
	*cp = p[0];
	return 1;
}

/* one character as text_str() writes it: itself, \n and friends, \ooo,
 * or \uXXXX / \UXXXXXXXX for UTF-8 */
static int text_char(uint32_t c, int len, char *buf)
{
	static const char esc[][2] = {
		{ '\a', 'a' }, { '\b', 'b' }, { '\f', 'f' }, { '\n', 'n' },
		{ '\r', 'r' }, { '\t', 't' }, { '\v', 'v' }, { '"', '"' },
		{ '\\', '\\' },
	};

	if (len > 1)
		return sprintf(buf, c <= 0xffff ? "\\u%04x" : "\\U%08x", c);
	if (c < 0x80 && isprint((int)c) && c != '"' && c != '\\') {
		buf[0] = (char)c;
		return 1;
	}
	for (size_t i = 0; i < sizeof(esc) / sizeof(esc[0]); i++)
		if ((unsigned char)esc[i][0] == c) {
			buf[0] = '\\';
			buf[1] = esc[i][1];
			return 2;
		}
	return sprintf(buf, "\\%03o", c & 0xff);
}

/*
 * text_str(s) and string_quoted(s), as SystemTap writes them: printable
 * ASCII as is, C escapes for the rest, within MAXSTRINGLEN - 1 bytes; a
 * quoted string that had to be cut ends in "...
 */
static struct sv text_str_within(struct exec *x, struct sv s, bool quoted, size_t room)
{
	size_t used = 0, i = 0;
	char *out, piece[12];

	/* quoted: room for at least the quotes around "..." */
	out = scratch_alloc(&x->rt->scratch, (room > 5 ? room : 5) + 1);
	if (!out)
		return SV_EMPTY;
	if (quoted) {
		room = (room > 5 ? room : 5) - 2;
		out[used++] = '"';
	}
	while (i < s.n && s.p[i]) {
		uint32_t c;
		int len = utf8_decode((const unsigned char *)s.p + i, s.n - i, &c);
		int n = text_char(c, len, piece);

		if ((size_t)n > room)
			break;
		memcpy(out + used, piece, (size_t)n);
		used += (size_t)n;
		room -= (size_t)n;
		i += (size_t)len;
	}
	if (quoted && i < s.n && s.p[i]) {
		/* the last three bytes become the marker, as in SystemTap */
		used = used + room >= 3 ? used + room - 3 : 1;
		memcpy(out + used, "\"...", 4);
		used += 4;
	} else if (quoted) {
		out[used++] = '"';
	}
	out[used] = '\0';
	return sv_from(out, used);
}

struct sv rt_text_str(struct exec *x, struct sv s, bool quoted)
{
	return text_str_within(x, s, quoted, max_string_len(x));
}

/* text_strn(s, len, quoted): text_str within len bytes (0: no limit) */
static struct sv text_strn(struct exec *x, struct ast *e)
{
	struct sv s = eval_str(x, e->a);
	int64_t len = eval_num(x, e->a->next);
	bool quoted = eval_num(x, e->a->next->next) != 0;
	size_t room = max_string_len(x);

	if (len > 0 && (uint64_t)len < room)
		room = (size_t)len;
	return text_str_within(x, s, quoted, room);
}

/* user_string(p, "default"): the string to give when p cannot be read
 * (user_string_n's second argument is a length) */
static bool has_default(const struct ast *e)
{
	return e->a->next && (bi(e)->id == BI_USER_STRING || bi(e)->id == BI_KERNEL_STRING);
}

/* user_string() of an address that was not fetched by the probe: read
 * the traced process's memory now (it may have changed or gone) */
static struct sv read_user_string(struct exec *x, struct ast *e, uint64_t addr,
				  int pid)
{
	size_t got;
	struct sv v = rt_read_user_string(x, pid, addr, &got);

	if (got)
		return v;
	if (has_default(e))
		return eval_str(x, e->a->next);
	rt_fail(x, e, "user string copy fault at 0x%" PRIx64, addr);
	return SV_EMPTY;
}

static struct sv user_string(struct exec *x, struct ast *e)
{
	if (e->flags & AST_CTX) {
		struct sv v = ctx_str(x, e);

		/* the kernel writes "(fault)" when the fetch failed */
		if (v.n == 7 && !memcmp(v.p, "(fault)", 7)) {
			if (has_default(e))
				return eval_str(x, e->a->next);
			rt_fail(x, e, "user string copy fault");
			return SV_EMPTY;
		}
		return v;
	}
	if (bi(e)->id == BI_KERNEL_STRING || bi(e)->id == BI_KERNEL_STRING_N) {
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

/* user_string_n(p, n), kernel_string_n(p, n): at most n bytes of it */
static struct sv string_n(struct exec *x, struct ast *e)
{
	struct sv v = user_string(x, e);
	int64_t n = eval_num(x, e->a->next);

	if (n >= 0 && (uint64_t)n < v.n)
		v.n = (size_t)n;
	return v;
}

/* cmdline_str(): the process's arguments, space separated, read from
 * /proc when the event is handled ("" once the process is gone) */
static struct sv cmdline_str(struct exec *x)
{
	char path[64];
	size_t n = 0;
	char *text;
	struct sv v;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", x->ev ? task(x)->tgid : (int)getpid());
	/* the arguments are NUL separated */
	text = file_read_bin(path, &n);
	if (!text)
		return SV_EMPTY;
	while (n && !text[n - 1])
		n--;
	for (size_t i = 0; i < n; i++)
		if (!text[i])
			text[i] = ' ';
	if (n > max_string_len(x))
		n = max_string_len(x);
	v = scratch_copy(&x->rt->scratch, sv_from(text, n));
	free(text);
	return v;
}

/* pid2execname(pid): "" for a process tap does not know */
static struct sv pid2execname(struct exec *x, struct ast *e)
{
	struct task_info t;

	if (!task_peek(x->rt->tasks, (int)eval_num(x, e->a), &t))
		return SV_EMPTY;
	return scratch_copy(&x->rt->scratch, sv_from(t.comm, strlen(t.comm)));
}

/* probemod(): "kernel", or the module of a module("m") probe */
static struct sv probemod(struct exec *x)
{
	const char *pp = x->probe ? x->probe->dp->pp : "";

	if (!strncmp(pp, "module(\"", 8))
		return sv_from(pp + 8, strcspn(pp + 8, "\""));
	if (!strncmp(pp, "kernel.", 7))
		return sv_from("kernel", 6);
	return SV_EMPTY;
}

static bool is_return(struct exec *x)
{
	return x->probe && pp_names_return(x->probe->dp->pp);
}

/* user_mode(): a uprobe's handler, or a sample that hit user space */
static bool user_mode(struct exec *x)
{
	if (x->ev && x->ev->ip_user)
		return true;
	return x->probe && !strncmp(x->probe->dp->pp, "process", 7);
}

/* isdigit(s): whether s starts with a decimal digit */
static int64_t starts_with_digit(struct exec *x, struct ast *e)
{
	struct sv s = eval_str(x, e->a);

	return s.n && isdigit((unsigned char)s.p[0]);
}

/* randint(n): 0 <= r < n */
static int64_t randint(struct exec *x, struct ast *e)
{
	int64_t n = eval_num(x, e->a);

	if (n <= 0 || n > UINT32_MAX) {
		if (!x->failed)
			rt_fail(x, e, "randint(%" PRId64 "): the range must be from 1 to 4294967295", n);
		return 0;
	}
	return (int64_t)(rt_random(x->rt) % (uint64_t)n);
}

/* symname(addr) and usymname(uaddr), for perf samples */
static struct sv symname(struct exec *x, struct ast *e)
{
	uint64_t addr = (uint64_t)eval_num(x, e->a);
	struct symbolizer *sym = rt_symbolizer(x->rt);
	const char *s;

	if (!sym)
		return SV_EMPTY;
	if (((const struct builtin *)e->bind)->id == BI_SYMNAME)
		s = symbolize_kernel(sym, addr);
	else
		s = symbolize_user(sym, x->ev ? task(x)->tgid : getpid(), addr);
	return scratch_copy(&x->rt->scratch, sv_from(s, strlen(s)));
}

/* errno_str(-2) and errno_str(2): "ENOENT", as SystemTap's tapset says */
static struct sv errno_name(struct exec *x, struct ast *e)
{
	int64_t n = eval_num(x, e->a);
	const char *name = n > -4096 && n < 4096 && n ?
				   strerrorname_np((int)(n < 0 ? -n : n)) : NULL;
	char *buf;

	if (name)
		return sv_from(name, strlen(name));
	buf = scratch_alloc(&x->rt->scratch, 32);
	if (!buf)
		return SV_EMPTY;
	snprintf(buf, 32, "E#%" PRId64, n < 0 ? -n : n);
	return sv_from(buf, strlen(buf));
}

/* signal_str(10): "SIGUSR1" */
static struct sv signal_name(struct exec *x, struct ast *e)
{
	int64_t n = eval_num(x, e->a);
	const char *abbrev = n > 0 && n < 65 ? sigabbrev_np((int)n) : NULL;
	char *buf = scratch_alloc(&x->rt->scratch, 32);

	if (!buf)
		return SV_EMPTY;
	if (abbrev)
		snprintf(buf, 32, "SIG%s", abbrev);
	else if (n >= SIGRTMIN && n <= SIGRTMAX)
		snprintf(buf, 32, "SIGRTMIN+%d", (int)n - SIGRTMIN);
	else
		snprintf(buf, 32, "SIG%" PRId64, n);
	return sv_from(buf, strlen(buf));
}

/* ctime(gettimeofday_s()): "Thu Nov 26 13:52:01 2026", in UTC as in
 * SystemTap's tapset */
static struct sv ctime_of(struct exec *x, struct ast *e)
{
	time_t t = (time_t)eval_num(x, e->a);
	char *buf = scratch_alloc(&x->rt->scratch, 32);
	struct tm tm;

	if (!buf)
		return SV_EMPTY;
	if (!gmtime_r(&t, &tm) || !strftime(buf, 32, "%a %b %e %H:%M:%S %Y", &tm))
		snprintf(buf, 32, "<invalid time>");
	return sv_from(buf, strlen(buf));
}

/* str_replace(s, old, new): every occurrence of old replaced */
static struct sv str_replace(struct exec *x, struct ast *e)
{
	struct sv s = eval_str(x, e->a), from = eval_str(x, e->a->next);
	struct sv to = eval_str(x, e->a->next->next);
	struct strbuf *sb = &x->rt->strtmp;
	size_t start = sb->len, i = 0;
	struct sv v;
	int err = 0;

	if (!from.n)
		return s;
	while (i < s.n && !err) {
		if (i + from.n <= s.n && !memcmp(s.p + i, from.p, from.n)) {
			err = strbuf_add(sb, to.p, to.n);
			i += from.n;
		} else {
			err = strbuf_add(sb, s.p + i++, 1);
		}
	}
	v = err ? SV_EMPTY : scratch_copy(&x->rt->scratch,
					   sv_from(sb->buf + start, sb->len - start));
	sb->len = start;
	if (err)
		rt_fail(x, e, "out of memory");
	return rt_clamp(x, v);
}

/* stringat(s, i): the byte at 0-based i, an error past the end */
static int64_t stringat(struct exec *x, struct ast *e)
{
	struct sv s = eval_str(x, e->a);
	int64_t i = eval_num(x, e->a->next);

	if (i < 0 || (uint64_t)i >= s.n) {
		if (!x->failed)
			rt_fail(x, e, "string index %" PRId64 " is out of range", i);
		return 0;
	}
	return (unsigned char)s.p[i];
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
	case BI_EUID: return x->ev ? task(x)->euid : (int64_t)geteuid();
	case BI_GID: return x->ev ? task(x)->gid : (int64_t)getgid();
	case BI_EGID: return x->ev ? task(x)->egid : (int64_t)getegid();
	case BI_IS_RETURN: return is_return(x);
	case BI_ISDIGIT: return starts_with_digit(x, e);
	case BI_RANDINT: return randint(x, e);
	case BI_NUM_ONLINE_CPUS: return sysconf(_SC_NPROCESSORS_ONLN);
	case BI_MEM_PAGE_SIZE: return sysconf(_SC_PAGESIZE);
	case BI_USER_MODE: return user_mode(x);
	case BI_CPU: return x->ev ? x->ev->cpu : sched_getcpu();
	case BI_GETTIMEOFDAY_S: return time_in(x, 1000000000);
	case BI_GETTIMEOFDAY_MS: return time_in(x, 1000000);
	case BI_GETTIMEOFDAY_US: return time_in(x, 1000);
	case BI_GETTIMEOFDAY_NS: return time_in(x, 1);
	case BI_CPU_CLOCK_NS:
		eval_num(x, e->a);	/* any CPU's: the event's, on the instance's clock */
		/* fall through */
	case BI_KTIME_GET_NS:
	case BI_LOCAL_CLOCK_NS:
		return x->ev ? (int64_t)x->ev->ts : (int64_t)rt_now_ns();
	case BI_TARGET: return x->rt->target_pid;
	case BI_STRLEN: return (int64_t)eval_str(x, e->a).n;
	case BI_ISINSTR: return isinstr(x, e);
	case BI_STRTOL: return str_to_long(x, e);
	case BI_STRINGAT: return stringat(x, e);
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

/* --- kernel stacks ------------------------------------------------------------ */

/* backtrace(): the event's kernel stack as hex addresses, as SystemTap gives it */
static struct sv backtrace(struct exec *x)
{
	struct strbuf sb;
	struct sv v;

	strbuf_init(&sb);
	for (int i = 0; x->ev && i < x->ev->nkstack; i++) {
		uint64_t a;
		char hex[24];

		memcpy(&a, x->ev->kstack + 8 * i, 8);
		snprintf(hex, sizeof(hex), "%s0x%" PRIx64, i ? " " : "", a);
		strbuf_add(&sb, hex, strlen(hex));
	}
	v = scratch_copy(&x->rt->scratch, sv_from(sb.buf ? sb.buf : "", sb.len));
	strbuf_release(&sb);
	return v;
}

/*
 * print_stack(backtrace()) and friends: one line a frame, as SystemTap
 * prints them: " 0xffffffff8113c1d0 : vfs_read+0x0/0x180 [kernel]"
 */
static struct sv stack_lines(struct exec *x, struct sv addrs)
{
	struct symbolizer *sym = rt_symbolizer(x->rt);
	char *text = strndup(addrs.p ? addrs.p : "", addrs.n), *p = text, *end;
	struct strbuf sb;
	struct sv v;

	strbuf_init(&sb);
	while (text && sym && *p) {
		uint64_t a = strtoull(p, &end, 16);
		char line[512];

		if (end == p)
			break;
		snprintf(line, sizeof(line), " 0x%016" PRIx64 " : %s\n", a,
			 symbolize_kernel_frame(sym, a));
		strbuf_add(&sb, line, strlen(line));
		p = end;
	}
	free(text);
	v = scratch_copy(&x->rt->scratch, sv_from(sb.buf ? sb.buf : "", sb.len));
	strbuf_release(&sb);
	return v;
}

static void print_sv(struct exec *x, struct ast *e, struct sv s)
{
	struct output *o = x->rt->out;

	if (strbuf_add(&o->buf, s.p, s.n))
		rt_fail(x, e, "out of memory");
	output_commit(o);
}

struct sv builtin_str(struct exec *x, struct ast *e)
{
	switch (bi(e)->id) {
	case BI_SPRINTF:
	case BI_SPRINT:
	case BI_SPRINTLN:
	case BI_SPRINTD:
		return render_to_string(x, e);
	case BI_EXECNAME:
		return execname(x, e);
	case BI_PP:
		return x->probe ? sv_from(x->probe->dp->pp, strlen(x->probe->dp->pp)) :
				  SV_EMPTY;
	case BI_PROBEFUNC:
	case BI_PPFUNC:
		return x->probe ? sv_from(x->probe->dp->func, strlen(x->probe->dp->func)) :
				  SV_EMPTY;
	case BI_PROBEMOD:
		return probemod(x);
	case BI_USER_STRING_N:
	case BI_KERNEL_STRING_N:
		return string_n(x, e);
	case BI_CMDLINE_STR:
		return cmdline_str(x);
	case BI_PID2EXECNAME:
		return pid2execname(x, e);
	case BI_TEXT_STRN:
		return text_strn(x, e);
	case BI_USER_STRING:
	case BI_KERNEL_STRING:
		return user_string(x, e);
	case BI_SUBSTR:
		return substr(x, e);
	case BI_SYMNAME:
	case BI_USYMNAME:
		return symname(x, e);
	case BI_TEXT_STR:
		return rt_text_str(x, eval_str(x, e->a), false);
	case BI_STRING_QUOTED:
		return rt_text_str(x, eval_str(x, e->a), true);
	case BI_ERRNO_STR:
		return errno_name(x, e);
	case BI_CTIME:
		return ctime_of(x, e);
	case BI_STR_REPLACE:
		return str_replace(x, e);
	case BI_SIGNAL_STR:
		return signal_name(x, e);
	case BI_BACKTRACE:
		return backtrace(x);
	case BI_SPRINT_BACKTRACE:
		return stack_lines(x, backtrace(x));
	case BI_SPRINT_STACK:
		return stack_lines(x, eval_str(x, e->a));
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
	case BI_PRINTD:
	case BI_PRINTDLN:
		print_out(x, e);
		break;
	case BI_EXIT:
		x->rt->exit_requested = true;
		break;
	case BI_SNAPSHOT:
		rt_snapshot(x->rt);
		break;
	case BI_PRINT_BACKTRACE:
		print_sv(x, e, stack_lines(x, backtrace(x)));
		break;
	case BI_PRINT_STACK:
		print_sv(x, e, stack_lines(x, eval_str(x, e->a)));
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
