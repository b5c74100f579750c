// SPDX-License-Identifier: GPL-2.0-or-later
/* A writer's checkpoint and journal, as text (checkpoint.h). */
#include "checkpoint.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

#define MAGIC "tap-checkpoint 1\n"

/* a name, escaped, ending its line */
static void put_name(FILE *f, const char *name)
{
	escape_put(f, name);
	fputc('\n', f);
}

/* the name from @p to the end of its line, unescaped */
static char *get_name(const char *p)
{
	return escape_get(p, strcspn(p, "\n"));
}

char *checkpoint_format(const struct checkpoint *c, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	fputs(MAGIC, f);
	fprintf(f, "file %lu %" PRIu64 " ", c->file.fnum, c->file.size);
	put_name(f, c->file.name ? c->file.name : "");
	for (int i = 0; i < c->ncpus; i++)
		fprintf(f, "cpu %d %" PRIu64 " %" PRIu64 "\n", i, c->cpus[i].offset,
			c->cpus[i].handled);
	for (size_t i = 0; i < c->nkept; i++) {
		fprintf(f, "kept %lu ", c->kept[i].fnum);
		put_name(f, c->kept[i].name);
	}
	fputs("end\n", f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

void checkpoint_release(struct checkpoint *c)
{
	free(c->file.name);
	free(c->cpus);
	for (size_t i = 0; i < c->nkept; i++)
		free(c->kept[i].name);
	free(c->kept);
	memset(c, 0, sizeof(*c));
}

static int parse_cpu(struct checkpoint *c, const char *line)
{
	struct checkpoint_cpu *v;
	uint64_t off, handled;
	int cpu;

	if (sscanf(line, "cpu %d %" SCNu64 " %" SCNu64, &cpu, &off, &handled) != 3 ||
	    cpu != c->ncpus)
		return -EINVAL;
	v = realloc(c->cpus, (size_t)(c->ncpus + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->cpus = v;
	v[c->ncpus].offset = off;
	v[c->ncpus++].handled = handled;
	return 0;
}

static int parse_kept(struct checkpoint *c, const char *line)
{
	struct checkpoint_file *v;
	unsigned long fnum;
	int pos = 0;

	if (sscanf(line, "kept %lu %n", &fnum, &pos) != 1 || !pos)
		return -EINVAL;
	v = realloc(c->kept, (c->nkept + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->kept = v;
	v[c->nkept].fnum = fnum;
	v[c->nkept].size = 0;
	v[c->nkept].name = get_name(line + pos);
	return v[c->nkept++].name ? 0 : -ENOMEM;
}

static int parse_line(struct checkpoint *c, const char *line, bool *end)
{
	int pos = 0;

	if (!strncmp(line, "cpu ", 4))
		return parse_cpu(c, line);
	if (!strncmp(line, "kept ", 5))
		return parse_kept(c, line);
	if (!strncmp(line, "end\n", 4)) {
		*end = true;
		return 0;
	}
	if (strncmp(line, "file ", 5) || c->file.name ||
	    sscanf(line, "file %lu %" SCNu64 " %n", &c->file.fnum, &c->file.size, &pos) != 2 ||
	    !pos)
		return -EINVAL;
	c->file.name = get_name(line + pos);
	return c->file.name ? 0 : -ENOMEM;
}

int checkpoint_parse(const char *text, struct checkpoint *c)
{
	bool end = false;
	int err = 0;

	memset(c, 0, sizeof(*c));
	if (strncmp(text, MAGIC, strlen(MAGIC)))
		return -EINVAL;
	for (const char *p = text + strlen(MAGIC); *p && !err && !end;) {
		const char *nl = strchr(p, '\n');

		if (!nl)
			break;	/* the last line must be whole */
		err = parse_line(c, p, &end);
		p = nl + 1;
	}
	if (!err && (!end || !c->file.name || !c->ncpus))
		err = -EINVAL;
	if (err)
		checkpoint_release(c);
	return err;
}

int checkpoint_journal_line(char *buf, size_t n, unsigned long fnum,
			    uint64_t size, const char *name)
{
	FILE *f = fmemopen(buf, n, "w");
	int err = 0;

	if (!f)
		return -errno;
	fprintf(f, "%lu %" PRIu64 " ", fnum, size);
	put_name(f, name);
	if (ferror(f) || ftell(f) >= (long)n)
		err = -ENAMETOOLONG;
	fclose(f);
	return err;
}

int checkpoint_journal_parse(const char *text,
			     void (*fn)(void *arg, unsigned long fnum,
					uint64_t size, const char *name),
			     void *arg)
{
	int count = 0;

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		unsigned long fnum;
		uint64_t size;
		int pos = 0;

		if (!nl)
			break;
		if (sscanf(p, "%lu %" SCNu64 " %n", &fnum, &size, &pos) == 2 && pos &&
		    p + pos <= nl) {
			char *name = get_name(p + pos);

			if (!name)
				return -ENOMEM;
			fn(arg, fnum, size, name);
			free(name);
			count++;
		}
		p = nl + 1;
	}
	return count;
}
