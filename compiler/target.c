// SPDX-License-Identifier: GPL-2.0-or-later
#include "target.h"
#include "btf.h"
#include "fileio.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define TRACEFS_DEFAULT "/sys/kernel/tracing"

static bool path_exists(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

/* the tracefs README lists what the kernel's probe syntax accepts */
static unsigned features_from_readme(const char *readme)
{
	unsigned f = 0;

	if (strstr(readme, "(ref_ctr_offset)"))
		f |= TF_REF_CTR;
	if (strstr(readme, "e[:[<group>/][<event>]]"))
		f |= TF_EPROBE;
	if (strstr(readme, "<argname>[->field"))
		f |= TF_BTF_ARGS;
	if (strstr(readme, "f[:[<group>/][<event>]]"))
		f |= TF_FPROBE;
	if (strstr(readme, "hist trigger") || strstr(readme, "hist:keys"))
		f |= TF_HIST;
	if (strstr(readme, "kernel return probes support: $retval, $arg<N>"))
		f |= TF_KRETPROBE_ARGN;
	return f;
}

static const struct {
	const char *name;
	enum target_feature bit;
	const char *desc;
} feature_names[] = {
	{ "dynamic_events", TF_DYNAMIC_EVENTS, "the dynamic_events file (CONFIG_DYNAMIC_EVENTS)" },
	{ "kprobe", TF_KPROBE, "kprobe events (CONFIG_KPROBE_EVENTS)" },
	{ "uprobe", TF_UPROBE, "uprobe events (CONFIG_UPROBE_EVENTS)" },
	{ "eprobe", TF_EPROBE, "event probes (CONFIG_EPROBE_EVENTS)" },
	{ "ref_ctr", TF_REF_CTR, "uprobe reference counters for SDT semaphores (Linux 4.20)" },
	{ "btf_args", TF_BTF_ARGS, "BTF argument names in probes (CONFIG_PROBE_EVENTS_BTF_ARGS)" },
	{ "fprobe", TF_FPROBE, "fprobe events (CONFIG_FPROBE_EVENTS)" },
	{ "hist", TF_HIST, "hist triggers (CONFIG_HIST_TRIGGERS)" },
	{ "snapshot", TF_SNAPSHOT, "the snapshot buffer (CONFIG_TRACER_SNAPSHOT)" },
	{ "syscalls", TF_SYSCALLS, "syscall tracepoints (CONFIG_FTRACE_SYSCALLS)" },
	{ "clock_mono", TF_CLOCK_MONO, "the mono trace clock" },
	{ "kretprobe_argn", TF_KRETPROBE_ARGN, "$argN in return probes (Linux 6.9)" },
};

const char *target_feature_desc(enum target_feature f)
{
	for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
		if (feature_names[i].bit == f)
			return feature_names[i].desc;
	return "an unknown feature";
}

char *target_features_text(const struct target *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
		fprintf(f, "%c%s\n", target_has(t, feature_names[i].bit) ? '+' : '-',
			feature_names[i].name);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* DIR/features: "+name" adds a feature, "-name" removes it */
static void apply_feature_overrides(struct target *t, const char *text)
{
	char *copy = strdup(text), *save = NULL;

	if (!copy)
		return;
	for (char *tok = strtok_r(copy, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		for (size_t i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++) {
			if (strcmp(tok + 1, feature_names[i].name))
				continue;
			if (tok[0] == '+')
				t->features |= feature_names[i].bit;
			else if (tok[0] == '-')
				t->features &= ~feature_names[i].bit;
		}
	}
	free(copy);
}

static void detect_features(struct target *t)
{
	char path[4096];
	char *text;

	if (path_exists(t->tracefs, "dynamic_events"))
		t->features |= TF_DYNAMIC_EVENTS;
	if (path_exists(t->tracefs, "kprobe_events"))
		t->features |= TF_KPROBE;
	if (path_exists(t->tracefs, "uprobe_events"))
		t->features |= TF_UPROBE;
	if (path_exists(t->tracefs, "snapshot"))
		t->features |= TF_SNAPSHOT;
	if (path_exists(t->tracefs, "events/syscalls"))
		t->features |= TF_SYSCALLS;
	snprintf(path, sizeof(path), "%s/README", t->tracefs);
	text = file_read_text(path, NULL);
	if (text)
		t->features |= features_from_readme(text);
	free(text);
	snprintf(path, sizeof(path), "%s/trace_clock", t->tracefs);
	text = file_read_text(path, NULL);
	if (text && strstr(text, " mono ") )
		t->features |= TF_CLOCK_MONO;
	free(text);
}

static char *trim(char *s)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

static int target_open_dir(struct target *t, const char *dir)
{
	char path[4096];
	char *text;

	t->dir = strdup(dir);
	snprintf(path, sizeof(path), "%s/tracefs", dir);
	t->tracefs = strdup(path);
	snprintf(path, sizeof(path), "%s/release", dir);
	t->release = trim(file_read_text(path, NULL));
	if (!t->dir || !t->tracefs)
		return -ENOMEM;
	if (!t->release)
		return -errno;
	t->arch = strdup("x86_64");
	detect_features(t);
	snprintf(path, sizeof(path), "%s/features", dir);
	text = file_read_text(path, NULL);
	if (text)
		apply_feature_overrides(t, text);
	free(text);
	return 0;
}

static int target_open_live(struct target *t)
{
	const char *env = getenv("TAP_TRACEFS");
	struct utsname u;

	t->tracefs = strdup(env && *env ? env : TRACEFS_DEFAULT);
	if (uname(&u) < 0)
		return -errno;
	t->release = strdup(u.release);
	t->arch = strdup(u.machine);
	if (!t->tracefs || !t->release || !t->arch)
		return -ENOMEM;
	detect_features(t);
	return 0;
}

int target_open(const char *dir, struct target **out)
{
	struct target *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return -ENOMEM;
	err = dir ? target_open_dir(t, dir) : target_open_live(t);
	if (err) {
		target_free(t);
		return err;
	}
	*out = t;
	return 0;
}

static void tp_format_free(struct tp_format *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nfields; i++) {
		free(f->fields[i].name);
		free(f->fields[i].type);
	}
	free(f->fields);
	free(f->system);
	free(f->name);
	free(f);
}

void target_free(struct target *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nformats; i++)
		tp_format_free(t->formats[i]);
	free(t->formats);
	kbtf_free(t->btf);
	kfuncs_free(t->funcs);
	free(t->dir);
	free(t->tracefs);
	free(t->release);
	free(t->arch);
	free(t);
}

bool target_has(const struct target *t, enum target_feature f)
{
	return (t->features & f) == f;
}

static enum tp_field_kind field_kind(const char *decl, const char *type,
				     bool *is_array)
{
	*is_array = strchr(decl, '[') != NULL;
	if (!strncmp(type, "__data_loc", 10))
		return strstr(type, "char") ? TP_FIELD_DYNSTR : TP_FIELD_ARRAY;
	if (*is_array)
		return strstr(type, "char") ? TP_FIELD_CHARS : TP_FIELD_ARRAY;
	if (strchr(type, '*'))
		return TP_FIELD_PTR;
	return TP_FIELD_NUM;
}

/*
 * One "field:TYPE NAME[N];\toffset:O;\tsize:S;\tsigned:G;" line. The name
 * is the last identifier of the declaration, before any "[N]".
 */
static int parse_field(char *line, struct tp_field *f)
{
	char *decl = line + strlen("field:"), *semi, *end, *name;
	unsigned off, size;
	int sig = 0;
	bool arr;

	semi = strchr(decl, ';');
	if (!semi)
		return -EINVAL;
	*semi = '\0';
	if (sscanf(semi + 1, " offset:%u; size:%u; signed:%d;", &off, &size,
		   &sig) < 2)
		return -EINVAL;
	/* "char comm[16]": the brackets follow the name; in "__data_loc
	 * char[] name" they belong to the type */
	end = decl + strlen(decl);
	while (end > decl && end[-1] == ' ')
		end--;
	if (end > decl && end[-1] == ']') {
		while (end > decl && *end != '[')
			end--;
	}
	name = end;
	while (name > decl && (name[-1] == '_' || isalnum((unsigned char)name[-1])))
		name--;
	f->name = strndup(name, (size_t)(end - name));
	f->type = strndup(decl, (size_t)(name - decl));
	if (!f->name || !f->type)
		return -ENOMEM;
	trim(f->type);
	f->offset = off;
	f->size = size;
	f->is_signed = sig == 1;
	f->common = !strncmp(f->name, "common_", 7);
	f->kind = field_kind(decl, f->type, &arr);
	return 0;
}

static int parse_format(char *text, struct tp_format *fmt)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct tp_field *fields;
		int err;

		while (*line == ' ' || *line == '\t')
			line++;
		if (!strncmp(line, "ID:", 3))
			fmt->id = atoi(line + 3);
		if (strncmp(line, "field:", 6))
			continue;
		fields = realloc(fmt->fields, (fmt->nfields + 1) * sizeof(*fields));
		if (!fields)
			return -ENOMEM;
		fmt->fields = fields;
		memset(&fields[fmt->nfields], 0, sizeof(fields[0]));
		err = parse_field(line, &fields[fmt->nfields++]);
		if (err)
			return err;
	}
	return 0;
}

static int target_cache_format(struct target *t, struct tp_format *f)
{
	struct tp_format **v = realloc(t->formats, (t->nformats + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	t->formats = v;
	v[t->nformats++] = f;
	return 0;
}

int target_event_format(struct target *t, const char *system,
			const char *name, const struct tp_format **out)
{
	struct tp_format *f = NULL;
	char path[4096];
	char *text;
	int err;

	for (size_t i = 0; i < t->nformats; i++) {
		if (!strcmp(t->formats[i]->system, system) &&
		    !strcmp(t->formats[i]->name, name)) {
			*out = t->formats[i];
			return 0;
		}
	}
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", t->tracefs,
		 system, name);
	text = file_read_text(path, NULL);
	if (!text)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT : -errno;
	err = -ENOMEM;
	f = calloc(1, sizeof(*f));
	if (!f)
		goto out;
	f->system = strdup(system);
	f->name = strdup(name);
	if (!f->system || !f->name)
		goto out;
	err = parse_format(text, f);
	if (err)
		goto out;
	err = target_cache_format(t, f);
	if (err)
		goto out;
	*out = f;
	f = NULL;
out:
	tp_format_free(f);
	free(text);
	return err;
}

const struct tp_field *tp_format_field(const struct tp_format *f,
				       const char *name)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (!strcmp(f->fields[i].name, name))
			return &f->fields[i];
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sorted names of the directories in @path that match @glob */
static int list_dirs(const char *path, const char *glob, char ***out,
		     size_t *n)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **v = NULL;
	size_t cnt = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char **bigger;

		if (de->d_name[0] == '.' || fnmatch(glob, de->d_name, 0))
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		bigger = realloc(v, (cnt + 1) * sizeof(*v));
		if (!bigger)
			break;
		v = bigger;
		v[cnt] = strdup(de->d_name);
		if (v[cnt])
			cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*out = v;
	*n = cnt;
	return 0;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int target_events_walk(struct target *t, const char *sys_glob,
		       const char *name_glob,
		       int (*cb)(const char *sys, const char *name, void *arg),
		       void *arg)
{
	char path[4096];
	char **systems = NULL;
	size_t nsys = 0;
	int ret;

	snprintf(path, sizeof(path), "%s/events", t->tracefs);
	ret = list_dirs(path, sys_glob, &systems, &nsys);
	if (ret)
		return ret;
	for (size_t i = 0; i < nsys && !ret; i++) {
		char **names = NULL;
		size_t nn = 0;

		snprintf(path, sizeof(path), "%s/events/%s", t->tracefs,
			 systems[i]);
		if (list_dirs(path, name_glob, &names, &nn))
			continue;
		for (size_t j = 0; j < nn && !ret; j++)
			ret = cb(systems[i], names[j], arg);
		free_list(names, nn);
	}
	free_list(systems, nsys);
	return ret;
}
