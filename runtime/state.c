// SPDX-License-Identifier: GPL-2.0-or-later
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tfb.h"

const char *state_run_dir(void)
{
	const char *env = getenv("TAP_RUN_DIR");

	return env && *env ? env : "/run/tap";
}

static void record_path(char *buf, size_t n, const char *instance,
			const char *file)
{
	snprintf(buf, n, "%s/sessions/%s%s%s", state_run_dir(), instance,
		 file ? "/" : "", file ? file : "");
}

static int mkdir_p(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* field 22 of /proc/PID/stat; 0 for a process that is gone or a zombie
 * (killed, not yet reaped: it writes nothing any more) */
unsigned long long state_proc_start(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	/* field 22, counted after the ")" that ends the comm */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		start = strtoull(p, NULL, 10);
	return start;
}

int state_claim(const char *instance, const char *group, bool detached)
{
	char path[4096], tmp[4200];
	FILE *f;
	int err;

	record_path(path, sizeof(path), instance, NULL);
	err = mkdir_p(path);
	if (err)
		return err;
	record_path(path, sizeof(path), instance, "owner");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%d %llu %s %s\n", (int)getpid(), state_proc_start(getpid()),
		detached ? "detached" : "attached", group);
	if (fclose(f))
		return -errno;
	return rename(tmp, path) ? -errno : 0;
}

int state_read(const char *instance, struct state_owner *o)
{
	char path[4096], mode[32];
	int pid;
	FILE *f;

	record_path(path, sizeof(path), instance, "owner");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	memset(o, 0, sizeof(*o));
	if (fscanf(f, "%d %llu %31s %127s", &pid, &o->start, mode, o->group) < 3) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	o->pid = pid;
	o->detached = !strcmp(mode, "detached");
	return 0;
}

bool state_pid_alive(pid_t pid, unsigned long long start)
{
	if (pid <= 0 || (kill(pid, 0) && errno == ESRCH))
		return false;
	return state_proc_start(pid) == start;
}

bool state_owner_alive(const struct state_owner *o)
{
	return state_pid_alive(o->pid, o->start);
}

static int remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char sub[4096];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (de->d_type == DT_DIR)
			remove_tree(sub);
		else
			unlink(sub);
	}
	closedir(d);
	return rmdir(path) ? -errno : 0;
}

int state_release(const char *instance)
{
	char path[4096];

	record_path(path, sizeof(path), instance, NULL);
	return remove_tree(path);
}

int state_cleanup_orphans(void (*report)(const char *instance, pid_t pid))
{
	char path[4096];
	struct dirent *de;
	int removed = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/sessions", state_run_dir());
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct state_owner o;

		if (de->d_name[0] == '.' || state_read(de->d_name, &o))
			continue;
		if (state_owner_alive(&o))
			continue;
		/* a flight recorder lives on without a process, until its
		 * instance is gone */
		if (o.detached && tfb_instance_exists(de->d_name))
			continue;
		/* an instance someone holds open stays, and so does its
		 * record: the next cleanup tries again */
		if (tfb_remove_leftovers(de->d_name, o.group) &&
		    tfb_instance_exists(de->d_name))
			continue;
		state_release(de->d_name);
		if (report)
			report(de->d_name, o.pid);
		removed++;
	}
	closedir(d);
	return removed;
}

/* --- files of a session's record ----------------------------------------- */

void state_path(const char *instance, const char *file, char *buf, size_t n)
{
	record_path(buf, n, instance, file && *file ? file : NULL);
}

int state_write_file(const char *instance, const char *file, const void *data,
		     size_t len)
{
	char path[4096], tmp[4200], *slash;
	int fd, err = 0;

	state_path(instance, file, path, sizeof(path));
	/* files in subdirectories (formats/sched/x) need their directory */
	slash = strrchr(path, '/');
	if (slash) {
		*slash = '\0';
		err = mkdir_p(path);
		*slash = '/';
		if (err)
			return err;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		err = errno ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int state_write_printed(const char *instance, const char *file,
			void (*fill)(FILE *f, const void *arg), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int err;

	if (!f)
		return -ENOMEM;
	fill(f, arg);
	if (fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	err = state_write_file(instance, file, text, len);
	free(text);
	return err;
}

int state_read_file(const char *instance, const char *file, char **data,
		    size_t *len)
{
	char path[4096];
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	state_path(instance, file, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	*data = NULL;
	n = getdelim(data, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		/* an empty file */
		free(*data);
		*data = strdup("");
		n = 0;
		if (!*data)
			return -ENOMEM;
	}
	if (len)
		*len = (size_t)n;
	return 0;
}

bool state_has_file(const char *instance, const char *file)
{
	char path[4096];

	state_path(instance, file, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* values are one line each: "\\" and "\n" are escaped */
static void put_value(FILE *f, const char *key, const char *v)
{
	fprintf(f, "%s=", key);
	for (; v && *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('\n', f);
}

static char *get_value(const char *v)
{
	char *out = malloc(strlen(v) + 1), *p = out;

	if (!out)
		return NULL;
	for (; *v && *v != '\n'; v++) {
		if (*v == '\\' && v[1]) {
			v++;
			*p++ = *v == 'n' ? '\n' : *v;
		} else {
			*p++ = *v;
		}
	}
	*p = '\0';
	return out;
}

static char *session_text(const struct state_session *s, size_t *len)
{
	char *text = NULL, num[64];
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	put_value(f, "name", s->name);
	put_value(f, "script", s->script_name);
	snprintf(num, sizeof(num), "%u", s->buffer_kb);
	put_value(f, "buffer_kb", num);
	snprintf(num, sizeof(num), "%ld", s->target_pid);
	put_value(f, "target_pid", num);
	for (int i = 0; i < s->nargs; i++)
		put_value(f, "arg", s->args[i]);
	for (size_t i = 0; i < s->ndefines; i++)
		put_value(f, "define", s->defines[i]);
	if (s->output)
		put_value(f, "output", s->output);
	if (s->size)
		put_value(f, "size", s->size);
	put_value(f, "format", s->format ? s->format : "text");
	put_value(f, "raw", s->raw ? "1" : "0");
	snprintf(num, sizeof(num), "%lld", s->created);
	put_value(f, "created", num);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

int state_session_save(const char *instance, const struct state_session *s)
{
	size_t len;
	char *text = session_text(s, &len);
	int err;

	if (!text)
		return -ENOMEM;
	err = state_write_file(instance, "script", s->script, s->script_len);
	if (!err)
		err = state_write_file(instance, "session", text, len);
	free(text);
	return err;
}

static int push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (!nv || !s) {
		free(s);
		if (nv)
			*v = nv;
		return -ENOMEM;
	}
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static void replace(char **field, char *v)
{
	free(*field);
	*field = v;
}

static int parse_line(struct state_session *s, const char *line)
{
	const char *eq = strchr(line, '=');
	size_t klen = eq ? (size_t)(eq - line) : 0;
	size_t nargs = (size_t)s->nargs;
	char *v;
	int err = 0;

#define KEY(k) (klen == strlen(k) && !strncmp(line, k, klen))
	if (!eq)
		return 0;
	v = get_value(eq + 1);
	if (!v)
		return -ENOMEM;
	if (KEY("name")) {
		replace(&s->name, v);
	} else if (KEY("script")) {
		replace(&s->script_name, v);
	} else if (KEY("output")) {
		replace(&s->output, v);
	} else if (KEY("size")) {
		replace(&s->size, v);
	} else if (KEY("format")) {
		replace(&s->format, v);
	} else if (KEY("arg")) {
		err = push(&s->args, &nargs, v);
		s->nargs = (int)nargs;
	} else if (KEY("define")) {
		err = push(&s->defines, &s->ndefines, v);
	} else {
		if (KEY("buffer_kb"))
			s->buffer_kb = (unsigned)strtoul(v, NULL, 10);
		else if (KEY("target_pid"))
			s->target_pid = strtol(v, NULL, 10);
		else if (KEY("raw"))
			s->raw = !strcmp(v, "1");
		else if (KEY("created"))
			s->created = strtoll(v, NULL, 10);
		free(v);
	}
#undef KEY
	return err;
}

int state_session_load(const char *instance, struct state_session *s)
{
	char *text = NULL, *save = NULL;
	int err;

	memset(s, 0, sizeof(*s));
	err = state_read_file(instance, "session", &text, NULL);
	if (err)
		return err;
	for (char *line = strtok_r(text, "\n", &save); line && !err;
	     line = strtok_r(NULL, "\n", &save))
		err = parse_line(s, line);
	free(text);
	if (!err)
		err = state_read_file(instance, "script", &s->script, &s->script_len);
	if (!err && (!s->name || !s->script_name))
		err = -EINVAL;
	if (err)
		state_session_release(s);
	return err;
}

void state_session_release(struct state_session *s)
{
	for (int i = 0; i < s->nargs; i++)
		free(s->args[i]);
	for (size_t i = 0; i < s->ndefines; i++)
		free(s->defines[i]);
	free(s->args);
	free(s->defines);
	free(s->name);
	free(s->script_name);
	free(s->script);
	free(s->output);
	free(s->size);
	free(s->format);
	memset(s, 0, sizeof(*s));
}

static int write_pid(const char *instance, const char *file, pid_t pid)
{
	char text[64];
	int n = snprintf(text, sizeof(text), "%d %llu\n", (int)pid, state_proc_start(pid));

	return state_write_file(instance, file, text, (size_t)n);
}

/* "PID START" in @file, if that process is alive */
static pid_t read_pid(const char *instance, const char *file)
{
	unsigned long long start = 0;
	char *text = NULL;
	int pid = 0;

	if (state_read_file(instance, file, &text, NULL))
		return 0;
	if (sscanf(text, "%d %llu", &pid, &start) != 2)
		pid = 0;
	free(text);
	return pid > 0 && state_pid_alive(pid, start) ? pid : 0;
}

int state_set_writer(const char *instance, pid_t pid)
{
	return write_pid(instance, "writer", pid);
}

pid_t state_writer(const char *instance)
{
	return read_pid(instance, "writer");
}

int state_add_reader(const char *instance, pid_t pid)
{
	char file[64];

	snprintf(file, sizeof(file), "readers/%d", (int)pid);
	return write_pid(instance, file, pid);
}

int state_remove_reader(const char *instance, pid_t pid)
{
	char path[4096], file[64];

	snprintf(file, sizeof(file), "readers/%d", (int)pid);
	state_path(instance, file, path, sizeof(path));
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

int state_count_readers(const char *instance, pid_t self)
{
	char path[4096];
	struct dirent *de;
	int n = 0;
	DIR *d;

	state_path(instance, "readers", path, sizeof(path));
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char file[300];
		pid_t pid;

		if (de->d_name[0] == '.' || strchr(de->d_name, '.'))
			continue;
		snprintf(file, sizeof(file), "readers/%s", de->d_name);
		pid = read_pid(instance, file);
		if (pid > 0 && pid != self)
			n++;
	}
	closedir(d);
	return n;
}

int state_foreach(void (*fn)(const char *instance, void *arg), void *arg)
{
	char path[4096];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/sessions", state_run_dir());
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		fn(de->d_name, arg);
		n++;
	}
	closedir(d);
	return n;
}
