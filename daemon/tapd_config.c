// SPDX-License-Identifier: GPL-2.0-or-later
#include "tapd_config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <wordexp.h>

#define DEFAULT_BACKUP_KEEP 30
#define DEFAULT_RESTART_MAX 5

bool tapd_valid_name(const char *name)
{
	if (!*name || isdigit((unsigned char)*name) || strlen(name) > 40)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

/* one shell-style value: "quoted", 'quoted' or bare up to a comment */
static int parse_value(const char *p, char *out, size_t cap)
{
	size_t n = 0;
	char q = 0;

	while (*p && *p != '\n') {
		if (q) {
			if (*p == q) {
				q = 0;
			} else if (q == '"' && *p == '\\' && p[1] && p[1] != '\n') {
				p++;
				if (n + 1 < cap)
					out[n++] = *p;
			} else if (n + 1 < cap) {
				out[n++] = *p;
			}
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '#' && (n == 0 || isspace((unsigned char)p[-1]))) {
			break;
		} else if (n + 1 < cap) {
			out[n++] = *p;
		}
		p++;
	}
	while (!q && n && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	return q ? -1 : 0;
}

int tapd_parse_assignments(const char *text,
			   void (*cb)(void *arg, const char *key,
				      const char *value, int line),
			   void *arg)
{
	int line = 0;

	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		char key[128], value[4096];
		size_t klen = 0;

		line++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || !*p)
			goto next;
		while ((isalnum((unsigned char)*p) || *p == '_') && klen + 1 < sizeof(key))
			key[klen++] = *p++;
		key[klen] = '\0';
		if (!klen || *p != '=')
			return line;
		if (parse_value(p + 1, value, sizeof(value)))
			return line;
		cb(arg, key, value, line);
next:
		if (!eol)
			break;
		p = eol + 1;
	}
	return 0;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &cap, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

static char *join(const char *a, const char *b)
{
	char *s;

	return asprintf(&s, "%s%s", a, b) < 0 ? NULL : s;
}

static int split_words(const char *text, char ***out, size_t *n)
{
	wordexp_t we;

	*out = NULL;
	*n = 0;
	if (!*text)
		return 0;
	/* quotes group words; command substitution is refused */
	if (wordexp(text, &we, WRDE_NOCMD | WRDE_UNDEF))
		return -EINVAL;
	*out = calloc(we.we_wordc + 1, sizeof(**out));
	if (!*out) {
		wordfree(&we);
		return -ENOMEM;
	}
	for (size_t i = 0; i < we.we_wordc; i++)
		(*out)[(*n)++] = strdup(we.we_wordv[i]);
	wordfree(&we);
	return 0;
}

static void free_words(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* --- tapd.conf ------------------------------------------------------------ */

struct conf_ctx {
	struct tapd_config *c;
	struct diag *d;
	const char *file;
};

static void set_path(char **slot, const char *root, const char *value)
{
	free(*slot);
	*slot = join(root, value);
}

static void conf_assign(void *arg, const char *key, const char *value, int line)
{
	struct conf_ctx *x = arg;
	struct tapd_config *c = x->c;
	const char *root = c->paths.root;

	if (!strcmp(key, "SCRIPT_PATH"))
		set_path(&c->paths.script_dir, root, value);
	else if (!strcmp(key, "CONFIG_PATH"))
		set_path(&c->paths.config_dir, root, value);
	else if (!strcmp(key, "CACHE_PATH"))
		set_path(&c->paths.cache_dir, root, value);
	else if (!strcmp(key, "STATE_PATH"))
		set_path(&c->paths.run_dir, root, value);
	else if (!strcmp(key, "LOG_PATH"))
		set_path(&c->paths.log_dir, root, value);
	else if (!strcmp(key, "BACKUP_PATH"))
		set_path(&c->paths.backup_dir, root, value);
	else if (!strcmp(key, "CRASH_PATH"))
		set_path(&c->paths.crash_dir, root, value);
	else if (!strcmp(key, "DEFAULT_START")) {
		free_words(c->default_start, c->ndefault);
		split_words(value, &c->default_start, &c->ndefault);
	} else if (!strcmp(key, "CONTROL_GROUP")) {
		free(c->control_group);
		c->control_group = *value ? strdup(value) : NULL;
	} else if (!strcmp(key, "BACKUP_KEEP")) {
		c->backup_keep = (unsigned)strtoul(value, NULL, 10);
	} else if (!strcmp(key, "RESTART_MAX")) {
		c->restart_max = (unsigned)strtoul(value, NULL, 10);
	} else {
		diag_error(x->d, SRC_NO_RANGE, "%s:%d: unknown setting '%s'", x->file,
			   line, key);
	}
}

static int paths_init(struct tapd_paths *p, const char *root)
{
	p->root = strdup(root);
	p->conf_file = join(root, "/etc/tap/tapd.conf");
	p->script_dir = join(root, "/etc/tap/script.d");
	p->config_dir = join(root, "/etc/tap/conf.d");
	p->cache_dir = join(root, "/var/cache/tap");
	p->run_dir = join(root, "/run/tap");
	p->log_dir = join(root, "/var/log/tap");
	p->backup_dir = join(root, "/var/log/tap/backup");
	p->crash_dir = join(root, "/var/lib/tap/crash");
	if (!p->root || !p->conf_file || !p->script_dir || !p->config_dir ||
	    !p->cache_dir || !p->run_dir || !p->log_dir || !p->backup_dir || !p->crash_dir)
		return -ENOMEM;
	return 0;
}

static void load_main_conf(struct tapd_config *c, struct diag *d)
{
	struct conf_ctx x = { c, d, c->paths.conf_file };
	char *text = read_text(c->paths.conf_file);
	int bad;

	if (!text)
		return;	/* no tapd.conf: the defaults */
	bad = tapd_parse_assignments(text, conf_assign, &x);
	if (bad)
		diag_error(d, SRC_NO_RANGE, "%s:%d: expected NAME=\"value\"",
			   c->paths.conf_file, bad);
	free(text);
}

/* --- scripts and their options ---------------------------------------------- */

struct script_ctx {
	struct tapd_script *s;
	struct diag *d;
	const char *file;
};

static void script_assign(void *arg, const char *key, const char *value,
			  int line)
{
	struct script_ctx *x = arg;
	size_t n = strlen(x->s->name);

	if (!strncmp(key, x->s->name, n) && !strcmp(key + n, "_OPT")) {
		free(x->s->opt_text);
		free_words(x->s->opts, x->s->nopts);
		x->s->opt_text = strdup(value);
		if (split_words(value, &x->s->opts, &x->s->nopts))
			diag_error(x->d, SRC_NO_RANGE,
				   "%s:%d: cannot split %s into words", x->file,
				   line, key);
	} else if (!strncmp(key, x->s->name, n) && !strcmp(key + n, "_REQ")) {
		free_words(x->s->reqs, x->s->nreqs);
		split_words(value, &x->s->reqs, &x->s->nreqs);
	} else {
		diag_error(x->d, SRC_NO_RANGE,
			   "%s:%d: unknown setting '%s' (expected %s_OPT or %s_REQ)",
			   x->file, line, key, x->s->name, x->s->name);
	}
}

static void load_script_conf(struct tapd_config *c, struct tapd_script *s,
			     struct diag *d)
{
	char *path, *text;
	struct script_ctx x = { s, d, NULL };
	int bad;

	if (asprintf(&path, "%s/%s.conf", c->paths.config_dir, s->name) < 0)
		return;
	text = read_text(path);
	x.file = path;
	if (text) {
		bad = tapd_parse_assignments(text, script_assign, &x);
		if (bad)
			diag_error(d, SRC_NO_RANGE, "%s:%d: expected NAME=\"value\"",
				   path, bad);
	}
	free(text);
	free(path);
}

static int cmp_script(const void *a, const void *b)
{
	return strcmp(((const struct tapd_script *)a)->name,
		      ((const struct tapd_script *)b)->name);
}

/* registers NAME from @dir/NAME@ext (a script, or a precompiled plan) */
static int add_script(struct tapd_config *c, const char *dir, const char *file,
		      const char *ext, struct diag *d)
{
	size_t len = strlen(file), elen = strlen(ext);
	struct tapd_script *v, *s;
	char *name;

	if (len <= elen || strcmp(file + len - elen, ext))
		return 0;
	name = strndup(file, len - elen);
	if (!name)
		return -ENOMEM;
	if (!tapd_valid_name(name)) {
		diag_error(d, SRC_NO_RANGE,
			   "%s/%s: a script name is letters, digits and '_', not starting with a digit",
			   dir, file);
		free(name);
		return 0;
	}
	for (size_t i = 0; i < c->nscripts; i++) {
		if (!strcmp(c->scripts[i].name, name)) {
			free(name);
			return 0;	/* the script is there: its plan is a cache */
		}
	}
	v = realloc(c->scripts, (c->nscripts + 1) * sizeof(*v));
	if (!v) {
		free(name);
		return -ENOMEM;
	}
	c->scripts = v;
	s = &v[c->nscripts];
	memset(s, 0, sizeof(*s));
	s->name = name;
	if (!strcmp(ext, ".tap") && asprintf(&s->path, "%s/%s", dir, file) < 0)
		return -ENOMEM;
	if (asprintf(&s->plan, "%s/%s/%s.plan", c->paths.cache_dir, c->release, name) < 0)
		return -ENOMEM;
	c->nscripts++;
	load_script_conf(c, s, d);
	return 0;
}

static int scan_dir(struct tapd_config *c, const char *path, const char *ext,
		    struct diag *d)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	int err = 0;

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while (!err && (de = readdir(dir)))
		err = add_script(c, path, de->d_name, ext, d);
	closedir(dir);
	return err;
}

static int load_scripts(struct tapd_config *c, struct diag *d)
{
	char cache[4096];
	int err = scan_dir(c, c->paths.script_dir, ".tap", d);

	snprintf(cache, sizeof(cache), "%s/%s", c->paths.cache_dir, c->release);
	if (!err)
		err = scan_dir(c, cache, ".plan", d);
	if (c->nscripts)
		qsort(c->scripts, c->nscripts, sizeof(*c->scripts), cmp_script);
	return err;
}

static int running_release(struct tapd_config *c)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	c->release = strdup(u.release);
	return c->release ? 0 : -ENOMEM;
}

int tapd_config_load(const char *root, struct tapd_config *c, struct diag *d)
{
	unsigned errors = d->errors;
	int err;

	memset(c, 0, sizeof(*c));
	c->backup_keep = DEFAULT_BACKUP_KEEP;
	c->restart_max = DEFAULT_RESTART_MAX;
	err = paths_init(&c->paths, root ? root : "");
	if (!err)
		err = running_release(c);
	if (err)
		return err;
	load_main_conf(c, d);
	err = load_scripts(c, d);
	if (err) {
		diag_error(d, SRC_NO_RANGE, "cannot read '%s': %s",
			   c->paths.script_dir, strerror(-err));
		return err;
	}
	return d->errors > errors ? -EINVAL : 0;
}

void tapd_config_release(struct tapd_config *c)
{
	struct tapd_paths *p = &c->paths;

	for (size_t i = 0; i < c->nscripts; i++) {
		struct tapd_script *s = &c->scripts[i];

		free(s->name);
		free(s->path);
		free(s->plan);
		free(s->opt_text);
		free_words(s->opts, s->nopts);
		free_words(s->reqs, s->nreqs);
	}
	free(c->scripts);
	free_words(c->default_start, c->ndefault);
	free(c->control_group);
	free(c->release);
	free(p->root);
	free(p->conf_file);
	free(p->script_dir);
	free(p->config_dir);
	free(p->cache_dir);
	free(p->run_dir);
	free(p->log_dir);
	free(p->backup_dir);
	free(p->crash_dir);
	memset(c, 0, sizeof(*c));
}

struct tapd_script *tapd_config_find(struct tapd_config *c, const char *name)
{
	struct tapd_script key = { .name = (char *)name };

	if (!c->nscripts)
		return NULL;
	return bsearch(&key, c->scripts, c->nscripts, sizeof(key), cmp_script);
}
