// SPDX-License-Identifier: GPL-2.0-or-later
#include "tracedat.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	*len = 0;
	if (!f)
		return NULL;
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return strdup("");
	}
	*len = (size_t)n;
	return buf;
}

struct out {
	FILE *f;
	int err;
};

static void w(struct out *o, const void *p, size_t n)
{
	if (!o->err && n && fwrite(p, 1, n, o->f) != n)
		o->err = -EIO;
}

static void w32(struct out *o, uint32_t v)
{
	w(o, &v, 4);
}

static void w64(struct out *o, uint64_t v)
{
	w(o, &v, 8);
}

/* a section that is a 64-bit size and the bytes of a saved file */
static void w_file64(struct out *o, const char *path)
{
	size_t len;
	char *text = slurp(path, &len);

	w64(o, text ? len : 0);
	if (text)
		w(o, text, len);
	free(text);
}

static void w_file32(struct out *o, const char *path)
{
	size_t len;
	char *text = slurp(path, &len);

	w32(o, text ? (uint32_t)len : 0);
	if (text)
		w(o, text, len);
	free(text);
}

static int count_dirs(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* event formats: ftrace's first (none saved), then each system */
static void w_formats(struct out *o, const struct crash_meta *m)
{
	char base[4096];
	struct dirent *s;
	DIR *systems;
	uint32_t nsys = 0;

	w32(o, 0);	/* no ftrace-internal formats */
	snprintf(base, sizeof(base), "%s/tracefs/events", m->path);
	systems = opendir(base);
	if (!systems) {
		w32(o, 0);
		return;
	}
	while ((s = readdir(systems)))
		nsys += s->d_name[0] != '.' && s->d_type != DT_REG &&
			strcmp(s->d_name, "ftrace");
	w32(o, nsys);
	rewinddir(systems);
	while ((s = readdir(systems))) {
		char sysdir[4400];
		struct dirent *e;
		DIR *evs;

		if (s->d_name[0] == '.' || s->d_type == DT_REG ||
		    !strcmp(s->d_name, "ftrace"))
			continue;
		snprintf(sysdir, sizeof(sysdir), "%s/%s", base, s->d_name);
		w(o, s->d_name, strlen(s->d_name) + 1);
		w32(o, (uint32_t)count_dirs(sysdir));
		evs = opendir(sysdir);
		while (evs && (e = readdir(evs))) {
			char path[4700];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/format", sysdir, e->d_name);
			w_file64(o, path);
		}
		if (evs)
			closedir(evs);
	}
	closedir(systems);
}

static void w_header(struct out *o, const struct crash_meta *m,
		     size_t page_size, uint32_t ncpus)
{
	char path[4096];
	const char magic[] = { 0x17, 0x08, 0x44 };

	w(o, magic, 3);
	w(o, "tracing", 7);
	w(o, "6", 2);
	w(o, "\0", 1);	/* little endian */
	w(o, "\x08", 1);	/* 64-bit long */
	w32(o, (uint32_t)page_size);
	w(o, "header_page", 12);
	snprintf(path, sizeof(path), "%s/tracefs/events/header_page", m->path);
	w_file64(o, path);
	w(o, "header_event", 13);
	snprintf(path, sizeof(path), "%s/tracefs/events/header_event", m->path);
	w_file64(o, path);
	w_formats(o, m);
	snprintf(path, sizeof(path), "%s/kallsyms", m->path);
	w_file32(o, path);
	w32(o, 0);	/* no printk formats */
	snprintf(path, sizeof(path), "%s/saved_cmdlines", m->path);
	w_file64(o, path);
	w32(o, ncpus);
	w(o, "options  ", 10);
	w(o, "\0\0", 2);	/* no options */
	w(o, "flyrecord", 10);
}

int crash_write_tracedat(const char *path, const struct crash_meta *m,
			 const struct crash_instance *in, size_t page_size)
{
	struct out o = { .f = fopen(path, "we") };
	uint32_t ncpus = 0;
	long table, data;

	if (!o.f)
		return -errno;
	for (size_t c = 0; c < in->ncpus; c++)
		if ((uint32_t)in->cpus[c].cpu + 1 > ncpus)
			ncpus = (uint32_t)in->cpus[c].cpu + 1;
	w_header(&o, m, in->subbuf_size ? in->subbuf_size : page_size, ncpus);
	/* the (offset, size) table, filled in once the data is written */
	table = ftell(o.f);
	for (uint32_t c = 0; c < ncpus; c++) {
		w64(&o, 0);
		w64(&o, 0);
	}
	for (uint32_t cpu = 0; cpu < ncpus && !o.err; cpu++) {
		const struct crash_cpu *cc = NULL;
		uint64_t off, size = 0;

		for (size_t c = 0; c < in->ncpus; c++)
			if (in->cpus[c].cpu == (int)cpu)
				cc = &in->cpus[c];
		/* CPU data starts page aligned */
		data = ftell(o.f);
		off = ((uint64_t)data + in->subbuf_size - 1) / in->subbuf_size * in->subbuf_size;
		for (uint64_t pad = (uint64_t)data; pad < off; pad++)
			fputc(0, o.f);
		for (size_t p = 0; cc && p < cc->npages; p++) {
			if (cc->pages[p].skip)
				continue;
			w(&o, cc->pages[p].data, in->subbuf_size);
			size += in->subbuf_size;
		}
		data = ftell(o.f);
		fseek(o.f, table + 16 * (long)cpu, SEEK_SET);
		w64(&o, size ? off : 0);
		w64(&o, size);
		fseek(o.f, data, SEEK_SET);
	}
	if (fclose(o.f) && !o.err)
		o.err = -EIO;
	return o.err;
}
