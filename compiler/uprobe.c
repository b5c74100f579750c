// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The part of process() probe points that functions and SDT markers share.
 *
 * Process scoping. process(PID) (and a bare process with -x PID) limits
 * the events to one process. tracefs has no per-event test of the thread
 * group: an event filter sees common_pid, which is the thread id, so it
 * would miss every thread the process starts after the filter is written.
 * The instance's set_event_pid with options/event-fork does follow them:
 * the kernel adds each task forked by a listed task. So a scoped session
 * lists the process's threads (from /proc/PID/task) in set_event_pid and
 * turns event-fork on. The price: the list applies to the whole instance,
 * so every other event of the script is limited to that process too (a
 * warning says so), and children the process forks are followed as well
 * as its threads; a second, different pid cannot share the session.
 * NEEDSWORK: the threads are listed when the script is compiled; one the
 * process starts before the plan is applied (milliseconds later in tapc)
 * is missed. The backend could list them again when it applies the plan.
 */
#include "uprobe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwinfo.h"
#include "elfsym.h"

/* --- which binary -------------------------------------------------------- */

/* a bare name is looked up in $PATH, as a shell would */
char *uprobe_resolve_path(struct compile *c, const char *arg)
{
	char buf[PATH_MAX], *path, *save = NULL, *dirs;

	if (strchr(arg, '/'))
		return realpath(arg, buf) ? arena_strdup(c->arena, buf) : NULL;
	path = getenv("PATH");
	dirs = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!dirs)
		return NULL;
	for (char *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
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

/* /proc, or the saved target's copy of the parts tap reads */
static const char *proc_root(struct compile *c)
{
	return c->target->dir
		       ? arena_printf(c->arena, "%s/proc", c->target->dir)
		       : "/proc";
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * The binary process @pid runs. /proc/PID/exe names it as the process
 * sees it; in another mount namespace the same name reaches it through
 * /proc/PID/root.
 */
static char *pid_binary(struct compile *c, const struct ast *where, long pid)
{
	const char *root = proc_root(c);
	char *exe = arena_printf(c->arena, "%s/%ld/exe", root, pid);
	char buf[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	if (access(arena_printf(c->arena, "%s/%ld", root, pid), F_OK)) {
		diag_error(c->diag, where->loc, "no process %ld", pid);
		return NULL;
	}
	if (realpath(exe, buf) && same_file(buf, exe))
		return arena_strdup(c->arena, buf);
	n = readlink(exe, link, sizeof(link) - 1);
	if (n > 0) {
		char *alt;

		link[n] = '\0';
		alt = arena_printf(c->arena, "%s/%ld/root%s", root, pid, link);
		if (realpath(alt, buf) && same_file(buf, exe))
			return arena_strdup(c->arena, buf);
	}
	diag_error(c->diag, where->loc,
		   "cannot find the binary of process %ld%s%s%s", pid,
		   n > 0 ? " ('" : "", n > 0 ? link : "", n > 0 ? "')" : "");
	if (n > 0 && strstr(link, " (deleted)"))
		diag_note(
			c->diag, where->loc,
			"the file was deleted or replaced since the process started");
	return NULL;
}

static bool path_clean(const char *path)
{
	for (const char *p = path; *p; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return false;
	return true;
}

/* tracefs splits a probe definition at white space */
static bool path_ok(struct compile *c, const struct ast *where,
		    const char *path)
{
	if (!path_clean(path)) {
		diag_error(
			c->diag, where->loc,
			"tracefs cannot probe '%s': the path has white space or a control character",
			path);
		diag_note(
			c->diag, where->loc,
			"probe it through a symbolic link without spaces (ln -s)");
		return false;
	}
	return true;
}

/*
 * The name to give tracefs for @arg, found as @resolved: the real path,
 * unless that has spaces and @arg does not (a link made to avoid them;
 * the kernel follows it).
 */
static char *tracefs_name(struct compile *c, const char *arg, char *resolved)
{
	char cwd[PATH_MAX];

	if (path_clean(resolved) || !strchr(arg, '/'))
		return resolved;
	if (arg[0] == '/')
		return arena_strdup(c->arena, arg);
	if (!getcwd(cwd, sizeof(cwd)))
		return resolved;
	return arena_printf(c->arena, "%s/%s", cwd, arg);
}

/* --- files --------------------------------------------------------------- */

static int file_get(struct compile *c, const struct ast *where,
		    const char *path, struct ufile **out)
{
	struct ufile *f;
	int err;

	for (f = c->ufiles; f; f = f->next)
		if (!strcmp(f->path, path)) {
			*out = f;
			return 0;
		}
	f = arena_zalloc(c->arena, sizeof(*f));
	if (!f)
		return -ENOMEM;
	err = elf_file_open(path, &f->elf);
	if (err == -ENOMEM)
		return err;
	if (err) {
		diag_error(c->diag, where->loc, "cannot read '%s': %s", path,
			   err == -ENOEXEC ? "not an ELF file"
					   : strerror(-err));
		return 1;
	}
	f->path = path;
	f->next = c->ufiles;
	c->ufiles = f;
	*out = f;
	return 0;
}

void uprobe_files_free(struct compile *c)
{
	for (struct ufile *f = c->ufiles; f; f = f->next) {
		dw_file_free(f->dw);
		elf_file_free(f->elf);
	}
	c->ufiles = NULL;
}

/* where separate debug files are: the saved target's, or the system's */
static size_t debug_roots(struct compile *c, const char **roots, size_t max)
{
	const char *env = getenv("TAP_DEBUGINFO_PATH");
	char *copy, *save = NULL;
	size_t n = 0;

	if (c->target->dir) {
		roots[0] = arena_printf(c->arena, "%s/debug", c->target->dir);
		return 1;
	}
	if (!env || !*env) {
		roots[0] = "/usr/lib/debug";
		return 1;
	}
	copy = arena_strdup(c->arena, env);
	for (char *r = copy ? strtok_r(copy, ":", &save) : NULL; r && n < max;
	     r = strtok_r(NULL, ":", &save))
		roots[n++] = r;
	return n;
}

struct dw_file *ufile_dwarf(struct compile *c, struct ufile *f,
			    const struct ast *where)
{
	const char *roots[16];
	size_t n;

	if (f->dw_tried)
		return f->dw;
	f->dw_tried = true;
	n = debug_roots(c, roots, 16);
	if (dw_file_open(f->elf, f->path, roots, n, &f->dw))
		return NULL;
	if (dw_file_is_separate(f->dw))
		compile_note(c, where, "DWARF of '%s' from '%s'", f->path,
			     dw_file_path(f->dw));
	return f->dw;
}

int ufile_symbol_addr(struct ufile *f, const char *name, uint64_t *vaddr)
{
	if (!elf_symbol_addr(f->elf, name, vaddr))
		return 0;
	/* a stripped binary's static data is named in its debug file */
	if (f->dw && dw_file_is_separate(f->dw))
		return elf_symbol_addr(dw_file_elf(f->dw), name, vaddr);
	return -ENOENT;
}

/* --- process scoping ----------------------------------------------------- */

static int tid_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* the ids in directory @dir (/proc/PID/task), sorted; NULL on ENOMEM */
static long *read_tids(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	long *tids = NULL, *v;
	size_t cap = 0;
	struct dirent *e;

	*n = 0;
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(tids, cap * sizeof(*v));
			if (!v)
				break;
			tids = v;
		}
		tids[(*n)++] = strtol(e->d_name, NULL, 10);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(tids, *n, sizeof(*tids), tid_cmp);
	return tids;
}

/* the threads of @pid now, for set_event_pid */
static char *thread_list(struct compile *c, long pid)
{
	size_t n, len = 0;
	long *tids = read_tids(
		arena_printf(c->arena, "%s/%ld/task", proc_root(c), pid), &n);
	char *out;

	if (!n) {
		free(tids);
		return arena_printf(c->arena, "%ld", pid);
	}
	out = arena_zalloc(c->arena, n * 21 + 1);
	for (size_t i = 0; out && i < n; i++)
		len += (size_t)sprintf(out + len, "%s%ld", i ? " " : "",
				       tids[i]);
	free(tids);
	return out;
}

static int scope_to(struct compile *c, const struct ast *pp, long pid)
{
	struct plan_instance *in = &c->prog->plan->instance;
	char *tids;

	if (c->scope_pid == pid)
		return 0;
	if (c->scope_pid) {
		diag_error(
			c->diag, pp->loc,
			"this script already follows process %ld; a session follows one process",
			c->scope_pid);
		diag_note(
			c->diag, c->scope_point->loc,
			"process %ld named here (tracefs keeps one set_event_pid per instance)",
			c->scope_pid);
		return 1;
	}
	tids = thread_list(c, pid);
	if (!tids)
		return -ENOMEM;
	free(in->event_pids);
	in->event_pids = strdup(tids);
	if (!in->event_pids)
		return -ENOMEM;
	in->event_fork = true;
	c->scope_pid = pid;
	c->scope_point = pp;
	return 0;
}

static bool scoped(const struct compile *c, const struct dprobe *dp)
{
	const struct uprobe_base *b = dp->pdata;

	if (dp->prov != &uprobe_provider && dp->prov != &sdt_provider)
		return false;
	return b && b->pid == c->scope_pid;
}

int uprobe_check_scope(struct compile *c)
{
	const struct ast *warned = NULL;

	if (!c->scope_pid)
		return 0;
	for (size_t i = 0; i < c->prog->ndprobes; i++) {
		struct dprobe *dp = c->prog->dprobes[i];

		if (dp->kind != DPROBE_EVENT || scoped(c, dp) ||
		    dp->point == warned)
			continue;
		warned = dp->point;
		diag_warning(c->diag, dp->point->loc,
			     "'%s' records only process %ld and what it starts",
			     dp->pp, c->scope_pid);
		diag_note(
			c->diag, c->scope_point->loc,
			"process %ld limits every event of the session (set_event_pid)",
			c->scope_pid);
	}
	return 0;
}

/* --- resolving a process() component ------------------------------------- */

/* process("path"), process(PID), or bare process with -x PID */
static char *binary_of(struct compile *c, struct ast *pp, long *pid)
{
	const struct ast *comp = pp_comp(pp, 0);
	int64_t num;
	char *path;

	*pid = 0;
	if (!comp->a) {
		if (c->opts->target_pid <= 0) {
			diag_error(
				c->diag, comp->loc,
				"'process' without a path or pid needs -x PID");
			return NULL;
		}
		*pid = c->opts->target_pid;
		return pid_binary(c, comp, *pid);
	}
	if (pp_num_arg(c, pp, 0, &num)) {
		if (num <= 0 || num > INT_MAX) {
			diag_error(c->diag, comp->a->loc,
				   "'%lld' is not a process id",
				   (long long)num);
			return NULL;
		}
		*pid = (long)num;
		return pid_binary(c, comp->a, *pid);
	}
	if (comp->a->kind != AST_STR) {
		diag_error(c->diag, comp->a->loc,
			   "write process(\"path\") or process(PID)");
		return NULL;
	}
	if (!path_ok(c, comp->a, comp->a->str))
		return NULL;
	path = uprobe_resolve_path(c, comp->a->str);
	if (!path) {
		diag_error(c->diag, comp->a->loc, "cannot find '%s': %s",
			   comp->a->str, strerror(errno));
		return NULL;
	}
	return tracefs_name(c, comp->a->str, path);
}

int uprobe_resolve(struct compile *c, struct ast *pp, struct uprobe_base *b)
{
	const struct ast *where =
		pp_comp(pp, 0)->a ? pp_comp(pp, 0)->a : pp_comp(pp, 0);
	char *path;
	int err;

	memset(b, 0, sizeof(*b));
	if (!target_has(c->target, TF_UPROBE)) {
		diag_error(c->diag, pp->loc,
			   "this kernel has no %s; this probe needs them",
			   target_feature_desc(TF_UPROBE));
		return 1;
	}
	path = binary_of(c, pp, &b->pid);
	if (!path || !path_ok(c, where, path))
		return 1;
	err = file_get(c, where, path, &b->file);
	if (err)
		return err;
	return b->pid ? scope_to(c, pp, b->pid) : 0;
}

/* --- fetch arguments ----------------------------------------------------- */

/* a name tracefs takes: [A-Za-z_][A-Za-z0-9_]*, at most 32 bytes */
static void field_base(const char *want, char *buf, size_t size)
{
	size_t n = 0;

	/* the kernel reserves these for its own fields */
	if (!strncmp(want, "common_", 7) || !strncmp(want, "__probe", 7) ||
	    (!isalpha((unsigned char)*want) && *want != '_'))
		buf[n++] = 'v';
	for (const char *s = want; *s && n + 1 < size && n < 26; s++) {
		char ch = isalnum((unsigned char)*s) ? *s : '_';

		/* collapse the runs '->' and '[' leave */
		if (ch == '_' && n && buf[n - 1] == '_')
			continue;
		buf[n++] = ch;
	}
	while (n > 1 && buf[n - 1] == '_')
		n--;
	buf[n] = '\0';
}

static const struct probe_fetch *fetch_named(const struct probe_def *d,
					     const char *name)
{
	for (size_t i = 0; i < d->nfetch; i++)
		if (!strcmp(d->fetch[i].name, name))
			return &d->fetch[i];
	return NULL;
}

static bool same_fetch(const struct probe_fetch *f, const char *arg,
		       const char *type)
{
	return !strcmp(f->arg, arg) &&
	       !strcmp(f->type ? f->type : "", type ? type : "");
}

int uprobe_add_fetch(struct compile *c, struct dprobe *dp, const char *want,
		     const char *arg, const char *type, const char **name)
{
	struct probe_def *d = dprobe_def(c, dp);
	char base[32];
	const char *cand;

	if (!d)
		return -EINVAL;
	field_base(want, base, sizeof(base));
	cand = base;
	for (int i = 2;; i++) {
		const struct probe_fetch *f = fetch_named(d, cand);

		if (!f)
			break;
		if (same_fetch(f, arg, type)) {
			*name = f->name;
			return 0;
		}
		cand = arena_printf(c->arena, "%s_%d", base, i);
		if (!cand)
			return -ENOMEM;
	}
	*name = arena_strdup(c->arena, cand);
	if (!*name)
		return -ENOMEM;
	return compile_add_fetch(c, dp, *name, arg, type);
}

int uprobe_bind_string(struct compile *c, struct dprobe *dp, const char *base,
		       long long addend, const char *arg, struct ctx_binding *b)
{
	const char *want, *name;
	int err;

	want = addend ? arena_printf(c->arena, "%s_str_%s%lld", base,
				     addend < 0 ? "m" : "", llabs(addend))
		      : arena_printf(c->arena, "%s_str", base);
	err = uprobe_add_fetch(c, dp, want, arg, "ustring", &name);
	b->kind = BIND_FIELD;
	b->type = TYPE_STRING;
	b->field = name;
	return err;
}

int uprobe_bind_comm(struct compile *c, struct dprobe *dp,
		     struct ctx_binding *b)
{
	b->kind = BIND_FIELD;
	b->type = TYPE_STRING;
	b->field = "comm";
	return compile_add_fetch(c, dp, "comm", "$comm", "string");
}

const char *uprobe_int_type(struct compile *c, unsigned size, bool is_signed)
{
	return arena_printf(c->arena, "%c%u", is_signed ? 's' : 'u', size * 8);
}
