// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Plan files (planfile.h): writing one, reading it back, and rebuilding
 * the kernel part of the plan from its own tracefs lines.
 */
#include "planfile.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"
#include "escape.h"
#include "fileio.h"
#include "replay.h"

#define MAGIC "#@ tap-planfile 1\n"

void planfile_hash(const char *text, size_t len, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 0x100000001b3ull;
	}
	snprintf(out, 17, "%016" PRIx64, h);
}

/* --- writing ----------------------------------------------------------------- */

static void put_line(FILE *f, const char *key, const char *value)
{
	fprintf(f, "#@ %s ", key);
	escape_put(f, value);
	fputc('\n', f);
}

int planfile_write(FILE *f, const struct program *p, const struct compile_opts *o,
		   const char *options, const char *build_id)
{
	program_print_plan(p, f);
	fputs(MAGIC, f);
	fprintf(f, "#@ identity %s %s\n", p->plan->kernel_release,
		build_id && *build_id ? build_id : "-");
	put_line(f, "session", p->plan->session);
	put_line(f, "options", options ? options : "");
	fprintf(f, "#@ buffer_kb %u\n", o->buffer_kb);
	fprintf(f, "#@ overwrite %d\n", o->overwrite ? 1 : 0);
	fprintf(f, "#@ target_pid %ld\n", o->target_pid);
	for (int i = 0; i < o->nargs; i++)
		put_line(f, "arg", o->args[i]);
	for (size_t i = 0; i < o->ndefines; i++) {
		fputs("#@ define ", f);
		escape_put(f, o->defines[i].name);
		fputc('=', f);
		escape_put(f, o->defines[i].value);
		fputc('\n', f);
	}
	replay_write_records(f, p);
	put_line(f, "script", p->src->name);
	fprintf(f, "#@ source %zu\n", p->src->len);
	fwrite(p->src->text, 1, p->src->len, f);
	return ferror(f) ? -EIO : 0;
}

/* --- reading ------------------------------------------------------------------ */

static int fail(char *err, size_t n, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t n, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return code;
}


static int push_str(char ***v, size_t *n, char *s)
{
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (*n + 2) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

/* one "#@ KEY VALUE" line of the header part */
static int parse_meta(struct planfile *pf, const char *key, const char *v, size_t vlen)
{
	size_t n;

	if (!strcmp(key, "session"))
		return (pf->session = escape_get(v, vlen)) ? 0 : -ENOMEM;
	if (!strcmp(key, "options"))
		return (pf->options = escape_get(v, vlen)) ? 0 : -ENOMEM;
	if (!strcmp(key, "script"))
		return (pf->script_name = escape_get(v, vlen)) ? 0 : -ENOMEM;
	if (!strcmp(key, "buffer_kb"))
		pf->buffer_kb = (unsigned)strtoul(v, NULL, 10);
	else if (!strcmp(key, "overwrite"))
		pf->overwrite = *v == '1';
	else if (!strcmp(key, "target_pid"))
		pf->target_pid = strtol(v, NULL, 10);
	else if (!strcmp(key, "arg")) {
		n = (size_t)pf->nargs;
		if (push_str(&pf->args, &n, escape_get(v, vlen)))
			return -ENOMEM;
		pf->nargs = (int)n;
	} else if (!strcmp(key, "define")) {
		return push_str(&pf->define_text, &pf->ndefines, escape_get(v, vlen));
	} else if (!strcmp(key, "identity")) {
		char rel[256], id[256];

		if (sscanf(v, "%255s %255s", rel, id) != 2)
			return -EINVAL;
		pf->release = strdup(rel);
		pf->build_id = strdup(id);
		return pf->release && pf->build_id ? 0 : -ENOMEM;
	} else {
		return replay_parse_record(pf->replay, key, v, vlen);
	}
	return 0;
}

/* the "#@" lines up to "#@ source N", then the source itself */
static int parse_section(struct planfile *pf, const char *p, const char *end)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char key[32];
		int klen;
		int err;

		if (!nl || strncmp(p, "#@ ", 3))
			return -EINVAL;
		klen = (int)strcspn(p + 3, " \n");
		if (klen <= 0 || klen >= (int)sizeof(key))
			return -EINVAL;
		memcpy(key, p + 3, (size_t)klen);
		key[klen] = '\0';
		if (!strcmp(key, "source")) {
			pf->source_len = strtoul(p + 3 + klen, NULL, 10);
			if (pf->source_len != (size_t)(end - nl - 1))
				return -EINVAL;
			pf->source = malloc(pf->source_len + 1);
			if (!pf->source)
				return -ENOMEM;
			memcpy(pf->source, nl + 1, pf->source_len);
			pf->source[pf->source_len] = '\0';
			return 0;
		}
		{
			const char *v = p + 3 + klen + (p[3 + klen] == ' ');
			size_t vlen = (size_t)(nl - v);

			err = parse_meta(pf, key, v, vlen);
		}
		if (err)
			return err;
		p = nl + 1;
	}
	return -EINVAL;	/* no source */
}

/* "-D NAME=VALUE" texts into compile defines */
static int split_defines(struct planfile *pf)
{
	if (!pf->ndefines)
		return 0;
	pf->defines = calloc(pf->ndefines, sizeof(*pf->defines));
	if (!pf->defines)
		return -ENOMEM;
	for (size_t i = 0; i < pf->ndefines; i++) {
		char *eq = strchr(pf->define_text[i], '=');

		pf->defines[i].name = pf->define_text[i];
		pf->defines[i].value = eq ? eq + 1 : "1";
		if (eq)
			*eq = '\0';
	}
	return 0;
}

int planfile_load(const char *path, struct planfile *pf, char *err, size_t n)
{
	size_t len = 0;
	char *text = file_read_text(path, &len), *sec;
	int rc;

	memset(pf, 0, sizeof(*pf));
	if (!text)
		return fail(err, n, -errno, "cannot read '%s': %s", path, strerror(errno));
	sec = strstr(text, "\n" MAGIC);
	if (strncmp(text, "# tap plan 1\n", 13) || !sec) {
		free(text);
		return fail(err, n, -EINVAL, "'%s' is not a tap plan file (tapc --compile-to)",
			    path);
	}
	pf->plan_text = strndup(text, (size_t)(sec - text) + 1);
	rc = pf->plan_text ? replay_alloc(&pf->replay) : -ENOMEM;
	if (!rc)
		rc = parse_section(pf, sec + 1 + strlen(MAGIC), text + len);
	if (!rc)
		rc = split_defines(pf);
	if (!rc)
		rc = replay_parse_plan(pf->replay, pf->plan_text);
	if (!rc && (!pf->release || !pf->session || !pf->script_name || !pf->source))
		rc = -EINVAL;
	free(text);
	if (rc) {
		planfile_release(pf);
		return fail(err, n, rc, "'%s' is %s", path,
			    rc == -ENOMEM ? "too big" : "damaged (not a whole tap plan file)");
	}
	return 0;
}

void planfile_release(struct planfile *pf)
{
	for (int i = 0; i < pf->nargs; i++)
		free(pf->args[i]);
	for (size_t i = 0; i < pf->ndefines; i++)
		free(pf->define_text[i]);
	free(pf->args);
	free(pf->define_text);
	free(pf->defines);
	free(pf->release);
	free(pf->build_id);
	free(pf->session);
	free(pf->options);
	free(pf->script_name);
	free(pf->source);
	free(pf->plan_text);
	replay_free(pf->replay);
	memset(pf, 0, sizeof(*pf));
}

int planfile_check_identity(const struct planfile *pf, const char *release,
			    const char *build_id, char *err, size_t n)
{
	if (strcmp(pf->release, release))
		return fail(err, n, -ESTALE,
			    "it was compiled for kernel %s, and this is %s", pf->release, release);
	if (build_id && strcmp(pf->build_id, "-") && strcmp(pf->build_id, build_id))
		return fail(err, n, -ESTALE,
			    "it was compiled for kernel %s build %s, and this one is build %s "
			    "(same release, another build)", pf->release, pf->build_id, build_id);
	return 0;
}

void planfile_compile_opts(const struct planfile *pf, struct compile_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->session = pf->session;
	o->buffer_kb = pf->buffer_kb;
	o->overwrite = pf->overwrite;
	o->args = pf->args;
	o->nargs = pf->nargs;
	o->target_pid = pf->target_pid;
	o->defines = pf->defines;
	o->ndefines = pf->ndefines;
	o->replay = pf->replay;
}
